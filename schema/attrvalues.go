package schema

import "reflect"

// AttrValue is one attribute of a model element as it stands after
// loading: its effective value (the schema default when it was not
// written), for comparing two configurations and for writing changes.
type AttrValue struct {
	Name string
	// Text is the value as IIS writes it (time spans as hh:mm:ss, booleans
	// as true/false); "" for a secret, whose value the model never holds.
	Text string
	Spec *AttrSpec
	// Written is true when the file wrote the attribute.
	Written bool
	// Default is true when the value equals the schema default (or, for an
	// attribute without a default, is empty).
	Default bool
	// Secret is non-nil for a secret attribute (passwords, encrypted
	// values): what is known of it without its value.
	Secret *Secret
}

// AttrValues lists the attributes of the model element el (a *Farm,
// *Server, *ServerARR, *Protocol, *Cache, *HealthCheck, *Affinity,
// *AffinityHost, *LoadBalancing, *Proxy, *Rule, *Match, *Conditions,
// *Condition, *ServerVariable, *Action or *WebFarms) in schema order, or
// nil for anything else. The schema drives the list, so an attribute added
// to arr.cue and the model is compared and planned without further code.
func AttrValues(el any) []AttrValue {
	rv := reflect.ValueOf(el)
	if rv.Kind() != reflect.Pointer || rv.Elem().Kind() != reflect.Struct {
		return nil
	}
	spec := specOf(rv.Elem().Type())
	if spec == nil {
		return nil
	}
	return attrValuesOf(rv.Elem(), spec)
}

func attrValuesOf(rv reflect.Value, spec *ElemSpec) []AttrValue {
	elem := rv.FieldByName("Element").Addr().Interface().(*Element)
	plan := planFor(rv.Type(), spec)
	out := make([]AttrValue, 0, len(plan))
	for _, name := range spec.AttrNames {
		for _, p := range plan {
			if p.name != name || p.attr == nil {
				continue
			}
			f := rv.FieldByIndex(p.index)
			v := AttrValue{Name: name, Spec: p.attr, Written: elem.Has(name)}
			if s, ok := f.Interface().(Secret); ok {
				v.Secret = &s
				v.Default = !s.Set
			} else {
				v.Text = valueText(f)
				v.Default = isDefault(f, p.attr)
			}
			out = append(out, v)
		}
	}
	return out
}
