package schema

import (
	"bytes"
	"fmt"
	"github.com/arrfarm/arrfarm/internal/testgen"
	"os"
	"path/filepath"
	"testing"
)

func TestGeneratedConfigIsClean(t *testing.T) {
	doc, err := Load("applicationHost.config", testgen.Config(20, 10), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Findings) != 0 || len(doc.Config.Farms) != 20 || len(doc.Config.Rules) != 20 {
		t.Fatalf("findings %v, farms %d, rules %d", doc.Findings, len(doc.Config.Farms), len(doc.Config.Rules))
	}
}

// BenchmarkLoad1000x10 loads and validates 1000 farms of 10 servers (the
// Foundation goal: <= 250 ms and <= 100 MB on one core).
func BenchmarkLoad1000x10(b *testing.B) {
	src := testgen.Config(1000, 10)
	if _, err := Compiled(); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		doc, err := Load("applicationHost.config", src, Options{})
		if err != nil || len(doc.Config.Farms) != 1000 {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadTypical loads a 20-farm file, the size of a real one.
// BenchmarkLoadYAML1000x10: the 1000 x 10 farms as YAML (1.4 MB), read in
// pieces (splitYAML) and whole: the pieces hold less at once and should
// cost about the same time.
func BenchmarkLoadYAML1000x10(b *testing.B) {
	doc, err := Load("applicationHost.config", testgen.Config(1000, 10), Options{})
	if err != nil {
		b.Fatal(err)
	}
	var yml bytes.Buffer
	if _, err := WriteYAML(&yml, doc.Config); err != nil {
		b.Fatal(err)
	}
	src := yml.Bytes()
	if len(src) < yamlChunkMin {
		b.Fatalf("%d bytes: below the size read in pieces", len(src))
	}
	for _, whole := range []bool{false, true} {
		name := "pieces"
		if whole {
			name = "whole"
		}
		b.Run(name, func(b *testing.B) {
			defer func(w bool) { yamlWholeOnly = w }(yamlWholeOnly)
			yamlWholeOnly = whole
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			for b.Loop() {
				doc, err := Load("farms.yaml", src, Options{})
				if err != nil || len(doc.Config.Farms) != 1000 {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkLoadTypical(b *testing.B) {
	src := testgen.Config(20, 4)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load("applicationHost.config", src, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func seedCorpus(f *testing.F, pattern string) {
	files, _ := filepath.Glob(filepath.Join(corpusDir, pattern))
	for _, p := range files {
		if src, err := os.ReadFile(p); err == nil {
			f.Add(src)
		}
	}
}

func FuzzLoadXML(f *testing.F) {
	seedCorpus(f, "*.xml")
	seedCorpus(f, "*.config")
	f.Add(testgen.Config(2, 2))
	f.Fuzz(func(t *testing.T, src []byte) {
		doc, err := Load("applicationHost.config", src, Options{Format: ptr(XML)})
		if err != nil {
			t.Fatal(err)
		}
		for _, fd := range doc.Findings {
			if fd.Span.IsZero() {
				t.Fatalf("finding without position: %s", fd.Message)
			}
		}
		var out bytes.Buffer
		if _, err := WriteYAML(&out, doc.Config); err != nil {
			t.Fatal(err)
		}
	})
}

func FuzzLoadYAML(f *testing.F) {
	f.Add([]byte("farms:\n  - name: web\n    servers: [{address: a}]\n    applicationRequestRouting: {protocol: {timeout: 45s}}\n"))
	f.Add([]byte("proxy: {enabled: true, timeout: 2m}\nrules:\n  - {name: r, action: {type: Rewrite, url: \"http://web/{R:0}\"}}\n"))
	f.Add([]byte("locations:\n  - path: site\n    rules: [{name: a}]\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		doc, err := Load("farms.yaml", src, Options{Format: ptr(YAML)})
		if err != nil {
			t.Fatal(err)
		}
		for _, fd := range doc.Findings {
			if fd.Span.IsZero() {
				t.Fatalf("finding without position: %s", fd.Message)
			}
		}
	})
}

// BenchmarkCompileSchema is compiling the embedded CUE and deriving the
// validation table: the per-process start-up cost before the table was
// generated (table_gen.go), and now the cost of the first validation of an
// attribute CUE decides (AttrSpec.cueField).
func BenchmarkCompileSchema(b *testing.B) {
	for b.Loop() {
		if _, err := compileSchema(CUESource); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSchemaFromTable is the per-process start-up cost now: building
// the validation table from the generated specTable (Compiled).
func BenchmarkSchemaFromTable(b *testing.B) {
	for b.Loop() {
		if s := schemaFromTable(); s.Doc == nil {
			b.Fatal("no document element")
		}
	}
}

// BenchmarkYAMLComments: a comment between every two items, less
// indented than they are, and one block of comment lines between two
// items. Finding each comment's line searched all the text before its
// item, or the whole block for each of its lines, so the time grew with
// the square of the size (20,000 items: 24 s; a block of 100,000 lines:
// more than a minute); compare the cost per item or line of the sizes.
func BenchmarkYAMLComments(b *testing.B) {
	for _, n := range []int{2000, 8000} {
		var between, block bytes.Buffer
		between.WriteString("farms:\n")
		for i := range n {
			fmt.Fprintf(&between, "  - name: farm%d\n    servers: [{address: \"10.0.%d.1\"}]\n# note about farm%d\n", i, i%250, i+1)
		}
		block.WriteString("farms:\n  - name: a\n")
		for i := range 10 * n {
			fmt.Fprintf(&block, "  # comment line %d\n", i)
		}
		block.WriteString("  - name: b\n")
		for name, src := range map[string][]byte{"between": between.Bytes(), "block": block.Bytes()} {
			b.Run(fmt.Sprintf("%s/%d", name, n), func(b *testing.B) {
				for b.Loop() {
					if _, err := Load("farms.yaml", src, Options{}); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/float64(n), "µs/item")
			})
		}
	}
}
