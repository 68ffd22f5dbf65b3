package schema

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/arrfarm/arrfarm/internal/testgen"
)

// loadBothWays loads src read whole and read in pieces (at any size) and
// fails when the documents differ in anything a user or a rule sees.
// inPieces says whether the pieces were used (not a fall-back to the
// whole file).
func loadBothWays(t testing.TB, name string, src []byte) (doc *Document, inPieces bool) {
	t.Helper()
	defer func(min int, whole bool, hook func(bool)) {
		yamlChunkMin, yamlWholeOnly, yamlPiecesHook = min, whole, hook
	}(yamlChunkMin, yamlWholeOnly, yamlPiecesHook)
	yamlWholeOnly = true
	yamlPiecesHook = func(bool) { t.Fatal("read in pieces although told not to") }
	whole, err := Load(name, src, Options{Format: ptr(YAML)})
	if err != nil {
		t.Fatal(err)
	}
	yamlWholeOnly, yamlChunkMin = false, 0
	yamlPiecesHook = func(ok bool) { inPieces = ok }
	pieces, err := Load(name, src, Options{Format: ptr(YAML)})
	if err != nil {
		t.Fatal(err)
	}
	if diff := docDiff(whole, pieces); diff != "" {
		t.Fatalf("%s: read in pieces (%v), the document differs from the whole file's: %s\n--- input:\n%s", name, inPieces, diff, src)
	}
	return whole, inPieces
}

func docDiff(a, b *Document) string {
	secrets := func(d *Document) [][2]int {
		s := slices.Clone(d.Lines.secrets)
		slices.SortFunc(s, func(x, y [2]int) int {
			if x[0] != y[0] {
				return x[0] - y[0]
			}
			return x[1] - y[1]
		})
		return s
	}
	for _, c := range []struct {
		what string
		x, y any
	}{
		{"findings", a.Findings, b.Findings},
		{"suppressions", a.Suppressions, b.Suppressions},
		{"dropped", a.Dropped, b.Dropped},
		{"empty", a.Empty, b.Empty},
		{"secrets", secrets(a), secrets(b)},
		{"model", a.Config, b.Config},
	} {
		if !reflect.DeepEqual(c.x, c.y) {
			return fmt.Sprintf("%s:\nwhole:  %+v\npieces: %+v", c.what, c.x, c.y)
		}
	}
	return ""
}

// Every YAML file of the repository and the shared corpus, and every
// string in the schema and lint rule tests that splitYAML would cut, loads
// the same in pieces as whole.
func TestYAMLPiecesEqualWholeOnTestInputs(t *testing.T) {
	var inputs []string
	for _, root := range []string{"..", "../../shared/corpus"} {
		filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			if d.IsDir() && (d.Name() == ".git" || d.Name() == "fuzz") {
				return filepath.SkipDir
			}
			if ext := filepath.Ext(p); ext == ".yaml" || ext == ".yml" {
				inputs = append(inputs, p)
			}
			return nil
		})
	}
	split, read := 0, 0
	for _, p := range inputs {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if splitYAML(src) != nil {
			split++
		}
		if _, ok := loadBothWays(t, p, src); ok {
			read++
		}
	}
	// The strings of the loader's and the rules' tests: most YAML the
	// project has is written inline there.
	fset := token.NewFileSet()
	strs := 0
	for _, glob := range []string{"*_test.go", "../lint/rules/*_test.go", "../lint/*_test.go"} {
		files, _ := filepath.Glob(glob)
		for _, file := range files {
			f, err := parser.ParseFile(fset, file, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(f, func(n ast.Node) bool {
				lit, ok := n.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return true
				}
				s, err := strconv.Unquote(lit.Value)
				if err != nil || splitYAML([]byte(s)) == nil {
					return true
				}
				strs++
				split++
				if _, ok := loadBothWays(t, fset.Position(lit.Pos()).String(), []byte(s)); ok {
					read++
				}
				return true
			})
		}
	}
	t.Logf("%d YAML files and %d test strings; %d split, %d read in pieces", len(inputs), strs, split, read)
	if strs < 20 || read < split/2 {
		t.Fatalf("too few inputs read in pieces (%d files, %d strings, %d split, %d read): is the comparison testing anything?", len(inputs), strs, split, read)
	}
}

// Hand-made cases where reading items apart could go wrong.
func TestYAMLPiecesEqualWholeOnTrickyCases(t *testing.T) {
	for _, c := range []struct {
		name     string
		src      string
		inPieces bool // read in pieces, not fallen back to the whole file
	}{
		{"two farms", "farms:\n  - name: a\n    servers: [{address: x}]\n  - name: b\n", true},
		{"items at column 0", "farms:\n- name: a\n  servers:\n  - address: x\n- name: b\nrules:\n- name: r\n  action: {type: Rewrite, url: \"http://a/{R:0}\"}\n", true},
		{"flow items", "farms:\n  - {name: a, servers: [{address: x}]}\n  - {name: b}\n", true},
		{"suppression above an item", "farms:\n  - name: a\n  # arrfarm:ignore no-health-check the balancer checks\n  - name: b\n    servers: [{address: x}]\n", true},
		{"suppression above the first item", "farms:\n  # arrfarm:ignore no-health-check the balancer checks\n  - name: a\n  - name: b\n", true},
		{"suppression and a blank line above an item", "farms:\n  - name: a\n\n  # arrfarm:ignore no-health-check the balancer checks\n\n  - name: b\n  - name: c\n", true},
		{"two comment blocks above an item", "farms:\n  - name: a\n  # arrfarm:ignore no-health-check one\n\n  # arrfarm:ignore no-health-check two\n  - name: b\n  - name: c\n", true},
		{"comments at two indentations", "farms:\n  - name: a\n    # arrfarm:ignore no-health-check one\n  # arrfarm:ignore no-health-check two\n  - name: b\n  - name: c\n", true},
		{"suppression inside an item", "farms:\n  - name: a\n    # arrfarm:ignore no-health-check reason\n    applicationRequestRouting: {protocol: {timeout: 30s}}\n  - name: b\n", true},
		{"comment at column 0 between items", "farms:\n  - name: a\n# arrfarm:ignore no-health-check reason\n  - name: b\n", true},
		{"comment before the next key", "farms:\n  - name: a\n  - name: b\n# the rules\nrules:\n  - name: r\n", true},
		{"suppression before the next key", "farms:\n  - name: a\n  - name: b\n\n# arrfarm:ignore no-health-check reason\nproxy:\n  enabled: true\n", true},
		{"suppression and a blank line before the next key", "farms:\n  - name: a\n  - name: b\n# arrfarm:ignore proxy-disabled reason\n\nproxy:\n  enabled: false\n", false},
		{"comments at the end of the file", "farms:\n  - name: a\n  - name: b\n# arrfarm:ignore no-health-check reason\n", false},
		{"empty block scalars", "farms:\n  - name: a\n    x: |\n  - name: b\n    x: >-\n  - name: c\n", true},
		{"blank lines between items", "farms:\n  - name: a\n\n\n  - name: b\n\n", true},
		{"anchor used across items", "farms:\n  - name: a\n    servers: &s [{address: x}]\n    enabled: true\n  - name: b\n    servers: *s\n", false},
		{"anchor on an item's last line", "farms:\n  - name: a\n    servers: &s [{address: x}]\n  - name: b\n    servers: *s\n", true},
		{"anchor used within an item", "farms:\n  - name: a\n    servers: &s [{address: x}]\n    x: *s\n  - name: b\n", true},
		{"anchor in another key", "proxy: &p {enabled: true}\nfarms:\n  - name: a\n    applicationRequestRouting: *p\n", false},
		{"multi-line quoted scalar", "farms:\n  - name: \"a\n      b\"\n    servers: [{address: 'x\n\n      y'}]\n  - name: c\n", true},
		{"quoted scalar down to the item column", "farms:\n  - name: \"a\n  - name: b\"\n  - name: c\n", false},
		{"block scalars", "farms:\n  - name: |\n      a\n      # not a comment\n\n  - name: >-\n      b\n      c\n  - name: |+\n      keep\n\n\n  - name: d\n", true},
		{"CRLF", "farms:\r\n  - name: a\r\n    servers: [{address: x}]\r\n\r\n  - name: b\r\n", true},
		{"BOM", "\ufefffarms:\n  - name: a\n  - name: b\n", true},
		{"syntax error in an item", "farms:\n  - name: a\n  - name: [b\n  - name: c\n", false},
		{"bad indentation in an item", "farms:\n  - name: a\n     servers: x\n  - name: c\n", false},
		{"duplicate key", "farms:\n  - name: a\nfarms:\n  - name: b\n", true},
		{"locations", "locations:\n  - path: s1\n    rules:\n      - name: r\n        action: {type: Rewrite, url: \"http://web/{R:0}\"}\n  - path: s2\n    rules: []\n", true},
		{"every list", "proxy: {enabled: true}\nwebFarms: {}\nfarms:\n  - name: web\nrules:\n  - name: r\n    action: {type: Rewrite, url: \"http://web/{R:0}\"}\nsiteRules:\n  - name: s\nlocations:\n  - path: p\n", true},
		{"not a list", "farms:\n  name: a\n", false},
		{"an item that is not a mapping", "farms:\n  - a\n  - name: b\n", true},
		{"document marker", "---\nfarms:\n  - name: a\n", false},
		// The depth guard at its bound, in an item and in the skeleton:
		// the root mapping, the list and the item are three levels.
		{"nesting at the bound in an item", "farms:\n  - name: a\n    x: " + strings.Repeat("[", MaxYAMLDepth-3) + strings.Repeat("]", MaxYAMLDepth-3) + "\n  - name: b\n", true},
		{"nesting past the bound in an item", "farms:\n  - name: a\n    x: " + strings.Repeat("[", MaxYAMLDepth-2) + strings.Repeat("]", MaxYAMLDepth-2) + "\n  - name: b\n", false},
		{"nesting at the bound in the skeleton", "proxy: " + strings.Repeat("[", MaxYAMLDepth-1) + strings.Repeat("]", MaxYAMLDepth-1) + "\nfarms:\n  - name: b\n", true},
		{"nesting past the bound in the skeleton", "proxy: " + strings.Repeat("[", MaxYAMLDepth) + strings.Repeat("]", MaxYAMLDepth) + "\nfarms:\n  - name: b\n", false},
		{"deep nesting in an item", "farms:\n  - name: a\n    x: " + strings.Repeat("[", 70) + strings.Repeat("]", 70) + "\n  - name: b\n", false},
		{"tab indentation", "farms:\n\t- name: a\n", false},
		{"a lone dash", "farms:\n  -\n  - name: b\n  - name: c\n", true},
		{"a lone dash last", "farms:\n  - name: b\n  -\nrules:\n  - name: r\n", true},
		{"empty values", "farms:\n  - name:\n  - name: b\n    adminPassword:\n  - name: c\n    adminPassword: &x\n  - name: d\n    adminPassword: # none\n  - name: e\n    adminPassword: !!str\n  - name: f\n", true},
		{"empty value last", "farms:\n  - name: b\n    adminPassword:\nrules:\n  - name: r\n", true},
		{"key with a value", "farms: []\nrules:\n  - name: r\n", true},
		{"secrets", "farms:\n  - name: a\n    adminPassword: \"hunter2\"\n    servers: [{address: \"u:p@x\"}]\n  - name: b\n", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, inPieces := loadBothWays(t, "farms.yaml", []byte(c.src))
			if inPieces != c.inPieces {
				t.Errorf("read in pieces: %v, want %v", inPieces, c.inPieces)
			}
		})
	}
}

// A generated file of many farms is read in pieces, one run per farm, and
// loads as it does whole.
func TestYAMLPiecesEqualWholeOnAGeneratedFile(t *testing.T) {
	doc, err := Load("applicationHost.config", testgen.Config(200, 4), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var yml bytes.Buffer
	if _, err := WriteYAML(&yml, doc.Config); err != nil {
		t.Fatal(err)
	}
	sp := splitYAML(yml.Bytes())
	if sp == nil {
		t.Fatal("the generated file did not split")
	}
	runs := 0
	for _, l := range sp.lists {
		runs += len(l.runs)
	}
	if runs < 200 {
		t.Fatalf("%d runs for 200 farms", runs)
	}
	got, inPieces := loadBothWays(t, "farms.yaml", yml.Bytes())
	if !inPieces {
		t.Fatal("fell back to the whole file")
	}
	if len(got.Config.Farms) != 200 {
		t.Fatalf("%d farms", len(got.Config.Farms))
	}
}

// FuzzYAMLPieces: whatever the input, reading it in pieces gives the
// document reading it whole gives.
func FuzzYAMLPieces(f *testing.F) {
	f.Add([]byte("farms:\n  - name: a\n    servers: [{address: x}]\n  - name: b\n"))
	f.Add([]byte("farms:\n- name: a\n  # arrfarm:ignore no-health-check reason\n- name: b\nrules:\n  - {name: r}\n"))
	f.Add([]byte("farms:\n  - name: \"a\n   b\"\n  - name: |\n     x\n  - name: c\n    servers: &s [{address: x}]\n    port: 1\n  - servers: *s\n"))
	f.Add([]byte("locations:\n  - path: s\n    rules:\n      - name: r\n  - path: t\nsiteRules:\n  - name: x\n"))
	seedCorpus(f, "*.yaml")
	f.Fuzz(func(t *testing.T, src []byte) {
		loadBothWays(t, "farms.yaml", src)
	})
}

// Where runs are cut: at an item's line, or at the block of comments
// directly above it (go-yaml's head comment, where CUE ends the item
// before); never inside what might belong to either neighbour.
func TestSplitYAMLCuts(t *testing.T) {
	for _, c := range []struct {
		src  string
		runs []string // the text of each run of farms; nil: not split
	}{
		{"farms:\n  - name: a\n  - name: b\n", []string{"  - name: a\n", "  - name: b\n"}},
		{"farms:\n  - name: a\n\n  - name: b\nrules: x\n", []string{"  - name: a\n\n", "  - name: b\n"}},
		{"farms:\n  # c\n  - name: a\n  - name: b\n", []string{"  # c\n  - name: a\n", "  - name: b\n"}},
		{"farms:\n  - name: a\n\n  # c\n\n  - name: b\n", []string{"  - name: a\n\n", "  # c\n\n  - name: b\n"}},
		{"farms:\n  - name: a\n  # c\n\n  # d\n  - name: b\n", []string{"  - name: a\n  # c\n\n  # d\n  - name: b\n"}},
		{"farms:\n  - name: a\n    # c\n  - name: b\n", []string{"  - name: a\n    # c\n  - name: b\n"}},
		{"farms:\n  - name: a\n    x:\n  - name: b\n  - name: c\n", []string{"  - name: a\n    x:\n  - name: b\n", "  - name: c\n"}},
		{"farms:\n- name: a\n- name: b\nrules:\n- name: r\n", []string{"- name: a\n", "- name: b\n"}},
		{"farms:\n  - name: a\n  # c\nrules:\n- name: r\n", nil},
		{"farms:\n  - name: a\n\n# c\n# d\nrules:\n- name: r\n", []string{"  - name: a\n\n"}},
		{"farms:\n  - name: a\n# c\n\nrules:\n- name: r\n", nil},
		{"farms:\n  - name: a\n# c\n", nil},
		{"farms:\n  - name: a\n    x: |\n  - name: b\n", []string{"  - name: a\n    x: |\n  - name: b\n"}},
		{"farms:\n  - name: \"a\n  b\"\n", nil},
		{"farms: [a]\n", nil},
		{"farms:\n  name: a\n", nil},
		{"- farms:\n  - name: a\n", nil},
		{"---\nfarms:\n  - name: a\n", nil},
	} {
		sp := splitYAML([]byte(c.src))
		var got []string
		if sp != nil && sp.lists[0] != nil { // farms, at offset 0
			for _, r := range sp.lists[0].runs {
				got = append(got, c.src[r[0]:r[1]])
			}
		}
		if !slices.Equal(got, c.runs) {
			t.Errorf("%q: runs %q, want %q", c.src, got, c.runs)
		}
	}
}
