package schema

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// GenerateConfig writes an applicationHost.config with farms farms of
// servers servers each, half of them relying on defaults, for benchmarks.
func generateConfig(farms, servers int) []byte {
	var b bytes.Buffer
	b.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<configuration>\n  <webFarms>\n")
	for f := 0; f < farms; f++ {
		fmt.Fprintf(&b, "    <webFarm name=\"farm%04d\" enabled=\"true\">\n", f)
		for s := 0; s < servers; s++ {
			if s%2 == 0 {
				fmt.Fprintf(&b, "      <server address=\"10.%d.%d.%d\" enabled=\"true\">\n        <applicationRequestRouting weight=\"%d\" httpPort=\"8080\" />\n      </server>\n", f/256, f%256, s, 100+s)
			} else {
				fmt.Fprintf(&b, "      <server address=\"10.%d.%d.%d\" />\n", f/256, f%256, s)
			}
		}
		fmt.Fprintf(&b, "      <applicationRequestRouting>\n        <protocol timeout=\"00:00:45\" />\n        <healthCheck url=\"http://farm%04d/health\" interval=\"00:00:10\" timeout=\"00:00:05\" minServers=\"1\" />\n        <affinity useCookie=\"true\" />\n        <loadBalancing algorithm=\"WeightedRoundRobin\" />\n      </applicationRequestRouting>\n    </webFarm>\n", f)
	}
	b.WriteString("  </webFarms>\n  <system.webServer>\n    <proxy enabled=\"true\" />\n    <rewrite>\n      <globalRules>\n")
	for f := 0; f < farms; f++ {
		fmt.Fprintf(&b, "        <rule name=\"ARR_farm%04d_loadbalance\" patternSyntax=\"Wildcard\" stopProcessing=\"true\">\n          <match url=\"*\" />\n          <conditions><add input=\"{HTTP_HOST}\" pattern=\"farm%04d.example.com\" /></conditions>\n          <action type=\"Rewrite\" url=\"http://farm%04d/{R:0}\" />\n        </rule>\n", f, f, f)
	}
	b.WriteString("      </globalRules>\n    </rewrite>\n  </system.webServer>\n</configuration>\n")
	return b.Bytes()
}

func TestGeneratedConfigIsClean(t *testing.T) {
	doc, err := Load("applicationHost.config", generateConfig(20, 10), Options{})
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
	src := generateConfig(1000, 10)
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
func BenchmarkLoadTypical(b *testing.B) {
	src := generateConfig(20, 4)
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
	f.Add(generateConfig(2, 2))
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

// BenchmarkCompileSchema is the per-process start-up cost: compiling the
// embedded CUE and deriving the validation table.
func BenchmarkCompileSchema(b *testing.B) {
	for b.Loop() {
		if _, err := compileSchema(CUESource); err != nil {
			b.Fatal(err)
		}
	}
}
