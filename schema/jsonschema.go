package schema

import (
	"encoding/json"
	"io"
)

// WriteJSONSchema writes a JSON Schema (draft 2020-12) of the YAML form,
// derived from the CUE schema, for editors that complete and check YAML
// files against a JSON Schema.
func WriteJSONSchema(w io.Writer) error {
	sch, err := Compiled()
	if err != nil {
		return err
	}
	sws := sch.Doc.Elems["system.webServer"]
	rw := sws.Elems["rewrite"]
	farms := sch.Doc.Elems["webFarms"]
	section := jsonElem(farms)
	delete(section["properties"].(map[string]any), "farms")
	rules := map[string]any{"type": "array", "items": jsonElem(rw.Elems["globalRules"].Elems["rule"])}
	siteRules := map[string]any{"type": "array", "items": jsonElem(rw.Elems["rules"].Elems["rule"])}
	doc := map[string]any{
		"$schema":              "https://json-schema.org/draft/2020-12/schema",
		"$id":                  "https://github.com/arrfarm/arrfarm/schema/arrfarm.schema.json",
		"title":                "arrfarm farm configuration (YAML form of the ARR sections of applicationHost.config)",
		"type":                 "object",
		"additionalProperties": false,
		"properties": map[string]any{
			"proxy":     jsonElem(sws.Elems["proxy"]),
			"webFarms":  section,
			"farms":     map[string]any{"type": "array", "items": jsonElem(farms.Elems["webFarm"])},
			"rules":     rules,
			"siteRules": siteRules,
			"locations": map[string]any{"type": "array", "items": map[string]any{
				"type": "object", "additionalProperties": false,
				"properties": map[string]any{"path": map[string]any{"type": "string"}, "rules": siteRules},
			}},
		},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

func jsonElem(e *ElemSpec) map[string]any {
	props := map[string]any{}
	var required []string
	for _, n := range e.AttrNames {
		a := e.Attrs[n]
		props[n] = jsonAttr(a)
		if a.Required {
			required = append(required, n)
		}
	}
	for _, n := range e.ElemNames {
		c := e.Elems[n]
		if c.Runtime {
			continue
		}
		s := jsonElem(c)
		if c.List {
			props[c.YAML] = map[string]any{"type": "array", "items": s}
		} else {
			props[c.YAML] = s
		}
	}
	out := map[string]any{"type": "object", "properties": props, "additionalProperties": e.Open}
	if len(required) > 0 {
		out["required"] = required
	}
	return out
}

func jsonAttr(a *AttrSpec) map[string]any {
	s := map[string]any{}
	switch a.Type {
	case TypeBool:
		s["type"] = "boolean"
	case TypeInt:
		s["type"] = "integer"
		if a.Min != nil {
			s["minimum"] = *a.Min
		}
		if a.Max != nil {
			s["maximum"] = *a.Max
		}
	case TypeEnum:
		s["enum"] = a.Enum
	case TypeTimeSpan:
		s["type"] = "string"
		s["description"] = "a duration: an IIS time span (hh:mm:ss, d.hh:mm:ss) or a Go duration (30s, 2m, 1h30m); " + a.Describe()
	default:
		s["type"] = "string"
	}
	if a.HasDefault {
		d := a.Default
		if a.Type == TypeTimeSpan {
			d = FormatTimeSpan(secondsToDuration(a.Default.(float64)))
		}
		s["default"] = d
	}
	if a.WFF {
		s["description"] = "Web Farm Framework setting; ARR routing ignores it"
	}
	if a.Secret {
		s["writeOnly"] = true
	}
	return s
}
