package rules

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/arrfarm/arrfarm/internal/input"
	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

// validDir holds valid configurations in the shapes of Microsoft's
// walkthroughs and common practice (fixtures/valid/README.md).
const validDir = "../../fixtures/valid"

// TestValidConfigs is issue 10's acceptance: a linter that cries wolf gets
// switched off. No rule, optional ones included, may raise a warning or an
// error on these files; notes (info) are allowed. A folder holding an
// applicationHost.config is one server's files and is linted as one
// (lintServer), as lint does when given them together.
func TestValidConfigs(t *testing.T) {
	l := linterFor(t, "")
	n := 0
	err := filepath.WalkDir(validDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if _, err := os.Stat(filepath.Join(path, "applicationHost.config")); err == nil && path != validDir {
				n++
				for _, d := range lintServer(t, l, path) {
					if d.Severity >= lint.Warning {
						t.Errorf("%s:%d:%d: a valid server configuration gets %s", d.Span.File, d.Span.Start.Line, d.Span.Start.Col, render(d))
					}
				}
				return filepath.SkipDir
			}
			return nil
		}
		if filepath.Ext(path) == ".md" {
			return nil
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

// lintServer lints the configuration files under dir as lint does when
// given dir: grouped into servers (lint.GroupServers).
func lintServer(t *testing.T, l *lint.Linter, dir string) []lint.Diagnostic {
	t.Helper()
	in := lint.FindInputs([]string{dir})
	if len(in.Problems) > 0 {
		t.Fatal(in.Problems)
	}
	var docs []*schema.Document
	for _, p := range in.Files {
		src, err := input.ReadFile(p, 0)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := schema.Load(p, src, schema.Options{})
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, doc)
	}
	servers, alone, notes := lint.GroupServers(docs)
	if len(servers) != 1 || len(notes) > 0 {
		t.Fatalf("%s: %d servers, notes %q; want the folder read as one server", dir, len(servers), notes)
	}
	ds := l.Lint(servers[0].Doc)
	for _, d := range alone {
		ds = append(ds, l.Lint(d)...)
	}
	return lint.Sort(ds)
}

// TestServerFixtures: each folder of fixtures/server is one server's files
// (an applicationHost.config and site web.configs); linted together, every
// finding is announced by a want comment in the file it is reported in.
func TestServerFixtures(t *testing.T) {
	dirs, _ := filepath.Glob("../../fixtures/server/*")
	if len(dirs) == 0 {
		t.Fatal("no server fixtures")
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			l := linterFor(t, "")
			ds := lintServer(t, l, dir)
			byFile := map[string][]lint.Diagnostic{}
			for _, d := range ds {
				byFile[d.Span.File] = append(byFile[d.Span.File], d)
			}
			for _, f := range lint.FindInputs([]string{dir}).Files {
				checkWants(t, f, byFile[f], expectations(t, f))
				delete(byFile, f)
			}
			for f, ds := range byFile {
				t.Errorf("%d findings in %s, which is not one of the server's files", len(ds), f)
			}
		})
	}
}
