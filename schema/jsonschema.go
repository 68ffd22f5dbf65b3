package schema

import (
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
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
	loc := sch.Doc.Elems["location"]
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
			"proxy": described(jsonElem(sws.Elems["proxy"]),
				"The global system.webServer/proxy section: ARR's proxy switch and the proxy settings of requests not routed to a farm.",
				sws.Elems["proxy"].Line),
			"webFarms": described(section, "Settings of the webFarms section itself (the farms are under farms).", farms.Line),
			"farms": described(map[string]any{"type": "array", "items": jsonElem(farms.Elems["webFarm"])},
				"The server farms (webFarms/webFarm in applicationHost.config).", farms.Elems["webFarm"].Line),
			"rules": described(rules,
				"Server-wide URL Rewrite rules (system.webServer/rewrite/globalRules); a rule that rewrites to http://<farm>/ routes to that farm.",
				rw.Elems["globalRules"].Line),
			"siteRules": described(siteRules, "Site URL Rewrite rules (system.webServer/rewrite/rules in a web.config).", rw.Elems["rules"].Line),
			"locations": described(map[string]any{"type": "array", "items": map[string]any{
				"type": "object", "additionalProperties": false,
				"properties": map[string]any{
					"path":  described(map[string]any{"type": "string"}, "The site or path the location applies to, e.g. Default Web Site.", loc.Attrs["path"].Line),
					"rules": described(siteRules, "The location's URL Rewrite rules.", rw.Elems["rules"].Line),
				},
			}}, "<location> elements of applicationHost.config with their own URL Rewrite rules.", loc.Line),
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
			s = map[string]any{"type": "array", "items": s}
		}
		props[c.YAML] = described(s, elemDoc(c), c.Line)
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
	default:
		s["type"] = "string"
	}
	doc := a.Doc
	if a.Type == TypeTimeSpan {
		doc = sentence(doc) + " A time span" + a.rangeText(func(f float64) string { return FormatTimeSpan(secondsToDuration(f)) }) +
			": hh:mm:ss or d.hh:mm:ss as IIS writes it, or a duration such as 30s, 2m or 1h30m."
	}
	if a.WFF {
		doc = sentence(doc) + " ARR routing ignores Web Farm Framework settings (rule wff-setting)."
	}
	if a.HasDefault {
		d := a.Default
		if a.Type == TypeTimeSpan {
			d = FormatTimeSpan(secondsToDuration(a.Default.(float64)))
		}
		s["default"] = d
		if ds := fmt.Sprint(d); ds != "" {
			doc = sentence(doc) + " Default: " + ds + "."
		} else {
			doc = sentence(doc) + " Default: empty."
		}
	}
	if a.Secret {
		s["writeOnly"] = true
	}
	return described(s, doc, a.Line)
}

// Where descriptions link: the rule a comment names, else the field in the
// schema source.
const (
	rulesURL  = "https://github.com/arrfarm/arrfarm/blob/main/docs/rules.md#"
	schemaURL = "https://github.com/arrfarm/arrfarm/blob/main/schema/arr.cue#L"
)

// ruleRef finds the rule slugs a schema comment names: "(rule x-y)" or
// "(rules x-y, z-w)".
var ruleRef = regexp.MustCompile(`\(rules? ([a-z0-9-]+(?:, [a-z0-9-]+)*)\)`)

// RuleSlugs returns the rule slugs the schema's comments name, so that a
// test can check each is a real rule (schema cannot import lint).
func RuleSlugs(doc string) []string {
	var out []string
	for _, m := range ruleRef.FindAllStringSubmatch(doc, -1) {
		out = append(out, strings.Split(m[1], ", ")...)
	}
	return out
}

// described sets s's description: doc, then links to the rules it names or
// to the schema line, so that an editor's hover shows what the setting
// does, its default and unit, and where to read more.
func described(s map[string]any, doc string, line int) map[string]any {
	var links []string
	for _, slug := range RuleSlugs(doc) {
		links = append(links, rulesURL+slug)
	}
	if len(links) == 0 && line > 0 {
		links = append(links, schemaURL+strconv.Itoa(line))
	}
	if len(links) > 0 {
		doc = sentence(doc) + " See " + strings.Join(links, " and ")
	}
	s["description"] = strings.TrimSpace(doc)
	return s
}

// sentence ends doc with a period, so that more can follow.
func sentence(doc string) string {
	doc = strings.TrimSpace(doc)
	if doc == "" || strings.HasSuffix(doc, ".") {
		return doc
	}
	return doc + "."
}

// elemDoc is an element's comment, with a word for the WFF elements.
func elemDoc(e *ElemSpec) string {
	if e.WFF {
		return sentence(e.Doc) + " ARR routing ignores Web Farm Framework settings (rule wff-setting)."
	}
	return e.Doc
}
