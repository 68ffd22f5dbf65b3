package main

import (
	"bytes"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra/doc"
)

const cliDocsDir = "../../docs/cli"

// genCLIDocs writes one Markdown page per command, the same tree a user
// sees with --help (the completion and help commands included), into dir.
func genCLIDocs(t *testing.T, dir string) {
	t.Helper()
	root := newRootCmd(streams{in: strings.NewReader(""), out: io.Discard, err: io.Discard}, func(string) string { return "" })
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	// No "Auto generated on <date>" footer: the pages must not change
	// unless the commands do.
	root.DisableAutoGenTag = true
	if err := doc.GenMarkdownTree(root, dir); err != nil {
		t.Fatal(err)
	}
}

// TestCLIDocsCurrent fails when docs/cli no longer matches the commands'
// help. Regenerate with: go test ./cmd/arrfarm -run CLIDocs -update
func TestCLIDocsCurrent(t *testing.T) {
	fresh := t.TempDir()
	genCLIDocs(t, fresh)
	if *update {
		old, _ := filepath.Glob(filepath.Join(cliDocsDir, "arrfarm*.md"))
		for _, f := range old {
			if err := os.Remove(f); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.MkdirAll(cliDocsDir, 0o755); err != nil {
			t.Fatal(err)
		}
		genCLIDocs(t, cliDocsDir)
	}
	want := pages(t, fresh)
	got := pages(t, cliDocsDir)
	for name, text := range want {
		g, ok := got[name]
		switch {
		case !ok:
			t.Errorf("docs/cli/%s is missing", name)
		case !bytes.Equal(g, text):
			t.Errorf("docs/cli/%s is stale", name)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("docs/cli/%s documents a command that no longer exists", name)
		}
	}
	if t.Failed() {
		t.Log("regenerate with: go test ./cmd/arrfarm -run CLIDocs -update")
	}
	for _, page := range []string{"arrfarm_lint.md", "arrfarm_completion_powershell.md"} {
		if _, ok := want[page]; !ok {
			t.Errorf("no page %s among %v", page, slices.Sorted(maps.Keys(want)))
		}
	}
}

func pages(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "arrfarm*.md"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(f)] = b
	}
	return out
}
