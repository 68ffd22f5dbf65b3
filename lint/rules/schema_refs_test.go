package rules

import (
	"testing"

	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

// TestSchemaCommentsNameRealRules: the JSON Schema links a property to the
// rules its comment in arr.cue names; a renamed or misspelt slug would be a
// dead link in every editor.
func TestSchemaCommentsNameRealRules(t *testing.T) {
	sch, err := schema.Compiled()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	check := func(where, doc string) {
		for _, slug := range schema.RuleSlugs(doc) {
			n++
			if lint.Lookup(All, slug) == nil {
				t.Errorf("arr.cue comment of %s names rule %q, which is not registered", where, slug)
			}
		}
	}
	var walk func(e *schema.ElemSpec)
	walk = func(e *schema.ElemSpec) {
		check(e.Path, e.Doc)
		for _, name := range e.AttrNames {
			check(e.Path+"/@"+name, e.Attrs[name].Doc)
		}
		for _, name := range e.ElemNames {
			walk(e.Elems[name])
		}
	}
	walk(sch.Doc)
	if n < 10 {
		t.Errorf("found %d rule names in the schema's comments; the walk is broken", n)
	}
}
