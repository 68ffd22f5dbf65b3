package schema

import (
	"reflect"
	"strconv"
	"sync"
	"time"
)

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
	fields := orderedFields(rv.Elem().Type())
	if fields == nil {
		return nil
	}
	rv = rv.Elem()
	elem := rv.FieldByName("Element").Addr().Interface().(*Element)
	out := make([]AttrValue, 0, len(fields))
	for _, p := range fields {
		f := rv.FieldByIndex(p.index)
		v := AttrValue{Name: p.name, Spec: p.attr, Written: elem.Has(p.name)}
		switch {
		case f.Type() == secretType:
			s := f.Interface().(Secret)
			v.Secret = &s
			v.Default = !s.Set
		default:
			v.Text = fieldText(f)
			v.Default = isDefault(f, p.attr)
		}
		out = append(out, v)
	}
	return out
}

var (
	secretType   = reflect.TypeFor[Secret]()
	durationType = reflect.TypeFor[time.Duration]()
	ordered      sync.Map // reflect.Type -> []fieldPlan in schema order
)

// orderedFields lists the attribute fields of model type t in the order of
// its schema element's attributes (a large model has hundreds of thousands
// of elements: the order is worked out once per type).
func orderedFields(t reflect.Type) []fieldPlan {
	if p, ok := ordered.Load(t); ok {
		return p.([]fieldPlan)
	}
	spec := specOf(t)
	if spec == nil {
		return nil
	}
	plan := planFor(t, spec)
	out := make([]fieldPlan, 0, len(plan))
	for _, name := range spec.AttrNames {
		for _, p := range plan {
			if p.name == name && p.attr != nil {
				out = append(out, p)
			}
		}
	}
	ordered.Store(t, out)
	return out
}

// fieldText is valueText without boxing the value.
func fieldText(f reflect.Value) string {
	switch f.Kind() {
	case reflect.Bool:
		return strconv.FormatBool(f.Bool())
	case reflect.String:
		return f.String()
	case reflect.Int64:
		if f.Type() == durationType {
			return FormatTimeSpan(time.Duration(f.Int()))
		}
		return strconv.FormatInt(f.Int(), 10)
	}
	return valueText(f)
}
