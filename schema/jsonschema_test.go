package schema

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

// timeSpanDefault is how FormatTimeSpan writes a default: hh:mm:ss, maybe
// with days and fractions.
var timeSpanDefault = regexp.MustCompile(`^(\d+\.)?\d\d:\d\d:\d\d(\.\d+)?$`)

// TestJSONSchemaDescribesEveryProperty: an editor shows a property's
// description on hover and completion, so every property of the generated
// JSON Schema needs one, with a link, its default when it has one, and the
// unit of a time span.
func TestJSONSchemaDescribesEveryProperty(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJSONSchema(&b); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	n := 0
	var walk func(path string, s map[string]any)
	walk = func(path string, s map[string]any) {
		if items, ok := s["items"].(map[string]any); ok {
			walk(path+"[]", items)
		}
		props, _ := s["properties"].(map[string]any)
		for name, p := range props {
			p := p.(map[string]any)
			where := path + "." + name
			n++
			desc, _ := p["description"].(string)
			switch {
			case desc == "":
				t.Errorf("%s has no description: add a comment above it in schema/arr.cue", where)
				continue
			case !strings.Contains(desc, " See https://"):
				t.Errorf("%s: no link in %q", where, desc)
			}
			// The text before the link must say something.
			if text, _, _ := strings.Cut(desc, " See https://"); len(text) < 10 {
				t.Errorf("%s: description %q says nothing before its link", where, desc)
			}
			if d, ok := p["default"]; ok && !strings.Contains(desc, "Default: ") {
				t.Errorf("%s: default %v not in description %q", where, d, desc)
			}
			if d, ok := p["default"].(string); ok && timeSpanDefault.MatchString(d) && !strings.Contains(desc, "hh:mm:ss") {
				t.Errorf("%s: a time span whose description does not give its unit: %q", where, desc)
			}
			walk(where, p)
		}
	}
	walk("", doc)
	// The YAML form has some 250 properties (rules appear three times).
	if n < 200 {
		t.Errorf("walked %d properties; the schema walk is broken", n)
	}
}

func TestRuleSlugs(t *testing.T) {
	got := RuleSlugs("a (rule no-health-check) b (rules min-servers-zero, farm-rule-name) (rule\nx)")
	want := []string{"no-health-check", "min-servers-zero", "farm-rule-name"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("RuleSlugs = %v, want %v", got, want)
	}
}
