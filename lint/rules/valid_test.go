package rules

import (
	"io/fs"
	"path/filepath"
	"testing"

	"github.com/arrfarm/arrfarm/lint"
)

// validDir holds valid configurations in the shapes of Microsoft's
// walkthroughs and common practice (fixtures/valid/README.md).
const validDir = "../../fixtures/valid"

// TestValidConfigs is issue 10's acceptance: a linter that cries wolf gets
// switched off. No rule, optional ones included, may raise a warning or an
// error on these files; notes (info) are allowed.
func TestValidConfigs(t *testing.T) {
	l := linterFor(t, "")
	n := 0
	err := filepath.WalkDir(validDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) == ".md" {
			return err
		}
		n++
		for _, d := range lintFile(t, l, path) {
			if d.Severity >= lint.Warning {
				t.Errorf("%s:%d:%d: a valid configuration gets %s", path, d.Span.Start.Line, d.Span.Start.Col, render(d))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 8 {
		t.Fatalf("found %d valid configurations in %s, want the 8 shapes of fixtures/valid/README.md", n, validDir)
	}
}
