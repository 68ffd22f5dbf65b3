package plan

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/arrfarm/arrfarm/schema"
	"github.com/beevik/etree"
)

// load reads a file as plan reads CURRENT (current true) or DESIRED.
func load(t testing.TB, path string, current bool) *schema.Document {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := schema.Load(path, src, schema.Options{})
	if current {
		doc, err = LoadCurrent(path, src)
	}
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func globs(t testing.TB, patterns ...string) []string {
	var out []string
	for _, p := range patterns {
		m, err := filepath.Glob(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range m {
			if !strings.HasSuffix(f, ".md") {
				out = append(out, f)
			}
		}
	}
	return out
}

// loadsInIIS reports whether doc has no error-level loader finding: IIS
// would load the file, so a live server can have it.
func loadsInIIS(doc *schema.Document) bool {
	return !slices.ContainsFunc(doc.Findings, func(f schema.Finding) bool {
		return f.Severity == schema.Error || f.Rule == schema.RuleMisplaced
	})
}

// TestRoundTrip applies plan D --current C, as an appcmd script, to C with
// the independent interpreter (apply_test.go) and checks that drift then
// finds nothing, for every corpus config C and every valid fixture D.
func TestRoundTrip(t *testing.T) {
	currents := globs(t, "../fixtures/corpus/*", "../fixtures/valid/*.xml")
	desireds := globs(t, "../fixtures/valid/*.xml", "../fixtures/valid/*/*.config", "testdata/*.yaml")
	if len(currents) < 20 || len(desireds) < 8 {
		t.Fatalf("fixtures missing: %d currents, %d desired", len(currents), len(desireds))
	}
	tried := 0
	for _, cpath := range currents {
		csrc := asAppHost(t, cpath)
		c, err := LoadCurrent(cpath, csrc)
		if err != nil {
			t.Fatal(err)
		}
		for _, dpath := range desireds {
			d := load(t, dpath, false)
			p := Diff(d.Config, c.Config)
			var script bytes.Buffer
			if err := WriteAppcmd(&script, p); err != nil {
				t.Fatal(err)
			}
			out, err := applyAppcmd(csrc, script.String())
			if err != nil {
				if loadsInIIS(c) {
					t.Errorf("plan %s --current %s: the script does not apply: %v\n%s", dpath, cpath, err, script.String())
				} else {
					t.Logf("%s: IIS would not load it; the script does not apply: %v", cpath, err)
				}
				continue
			}
			tried++
			after, err := schema.Load(c.Config.File, out, schema.Options{Kind: &c.Config.Kind})
			if err != nil {
				t.Fatal(err)
			}
			again := Diff(d.Config, after.Config)
			for _, f := range Drift(again) {
				if skipped(p, f.Message) {
					continue
				}
				t.Errorf("plan %s --current %s, applied: drift remains: %s: %s\nscript:\n%s\nresult:\n%s", dpath, cpath, f.Span, f.Message, script.String(), out)
				break
			}
		}
	}
	if tried < len(desireds)*10 {
		t.Errorf("only %d round trips applied", tried)
	}
}

// fragmentParents places a documentation fragment where it stands in
// applicationHost.config, by its root element.
var fragmentParents = map[string][]string{
	"webFarm":          {"configuration", "webFarms"},
	"webFarms":         {"configuration"},
	"system.webServer": {"configuration"},
	"rewrite":          {"configuration", "system.webServer"},
	"globalRules":      {"configuration", "system.webServer", "rewrite"},
	"rule":             {"configuration", "system.webServer", "rewrite", "globalRules"},
}

// asAppHost reads a corpus file as the applicationHost.config it is part
// of: a fragment (a documentation snippet) is wrapped in its parents.
func asAppHost(t *testing.T, path string) []byte {
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(src); err != nil || doc.Root() == nil {
		return src
	}
	if doc.Root().Tag == "configuration" {
		// Snippets pasted one after another under <configuration>.
		for _, c := range doc.Root().ChildElements() {
			chain, ok := fragmentParents[c.Tag]
			if !ok || len(chain) < 2 {
				continue
			}
			doc.Root().RemoveChild(c)
			e := doc.Root()
			for _, p := range chain[1:] {
				next := e.SelectElement(p)
				if next == nil {
					next = e.CreateElement(p)
				}
				e = next
			}
			e.AddChild(c)
		}
		b, err := doc.WriteToBytes()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	parents, ok := fragmentParents[doc.Root().Tag]
	if !ok {
		return src
	}
	out := etree.NewDocument()
	e := &out.Element
	for _, p := range parents {
		e = e.CreateElement(p)
	}
	e.AddChild(doc.Root().Copy())
	out.Indent(2)
	b, err := out.WriteToBytes()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// skipped reports whether a drift message is about a secret the plan left
// to the user.
func skipped(p *Plan, msg string) bool {
	for _, c := range p.Changes {
		if c.Secret && strings.Contains(msg, c.Name) && strings.Contains(msg, c.Label) {
			return true
		}
	}
	return false
}

// TestPlanItselfIsEmpty: a configuration planned against itself needs no
// change, whatever it holds.
func TestPlanItselfIsEmpty(t *testing.T) {
	for _, path := range globs(t, "../fixtures/corpus/*", "../fixtures/valid/*.xml", "../fixtures/valid/*/*.config", "testdata/*.yaml") {
		doc := load(t, path, true)
		if p := Diff(doc.Config, doc.Config); len(p.Changes) != 0 {
			t.Errorf("plan %s --current %s: %d changes, want none; first: %s %s %s", path, path, len(p.Changes), p.Changes[0].Op, p.Changes[0].Path(), p.Changes[0].Attribute)
		}
	}
}
