package rules

import (
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/arrfarm/arrfarm/internal/input"
	"github.com/arrfarm/arrfarm/schema"
)

// TestExamplesUseWildcardSyntax: a rule with patternSyntax="Wildcard"
// matches its patterns as wildcards, where ^ and $ are literal characters:
// a condition {SERVER_PORT} "^80$" never matches, so a valid example
// written that way tests nothing. The rule examples, the lint fixtures and
// the valid configurations must use the syntax their rule declares.
func TestExamplesUseWildcardSyntax(t *testing.T) {
	check := func(name string, src []byte) {
		doc, err := schema.Load(name, src, schema.Options{})
		if err != nil || doc.Config == nil {
			return
		}
		for _, r := range doc.Config.Rules {
			if !strings.EqualFold(r.PatternSyntax, "Wildcard") {
				continue
			}
			pats := []string{r.Match.URL}
			for _, c := range r.Conditions.Items {
				pats = append(pats, c.Pattern)
			}
			for _, p := range pats {
				if strings.HasPrefix(p, "^") || strings.HasSuffix(p, "$") {
					t.Errorf("%s: rule %q has patternSyntax Wildcard but pattern %q is a regular expression: it never matches as written", name, r.Name, p)
				}
			}
		}
	}
	for _, r := range All {
		check(r.Slug+" bad example", []byte(r.Doc.Bad))
		check(r.Slug+" good example", []byte(r.Doc.Good))
	}
	for _, root := range []string{fixtureRoot, validDir, "../../fixtures/server"} {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || filepath.Ext(p) == ".md" || filepath.Ext(p) == ".yaml" {
				return err
			}
			src, err := input.ReadFile(p, 0)
			if err != nil {
				return err
			}
			check(p, src)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
