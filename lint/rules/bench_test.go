package rules

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

// generateConfig writes an applicationHost.config with farms farms of
// servers servers each, every farm routed by its own rule. It mirrors the
// generator of schema's load benchmark (a test helper there, so it cannot
// be imported) so that the lint budget is measured on the same input.
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

// TestGeneratedConfigLintsClean keeps the benchmark honest: the generated
// farms are well configured, so a finding would mean the benchmark measures
// report building rather than checking.
func TestGeneratedConfigLintsClean(t *testing.T) {
	doc, err := schema.Load("applicationHost.config", generateConfig(30, 10), schema.Options{})
	if err != nil {
		t.Fatal(err)
	}
	l, err := lint.New(All, lint.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if ds := l.Lint(doc); len(ds) != 0 {
		t.Fatalf("generated config has findings: %v", renderAll(ds))
	}
}

// BenchmarkLoadLint1000x10 is "arrfarm lint" on 1000 farms of 10 servers:
// load and lint (the budget: the Foundation's 250 ms for loading plus 50 ms).
func BenchmarkLoadLint1000x10(b *testing.B) {
	src := generateConfig(1000, 10)
	l, err := lint.New(All, lint.Options{})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := schema.Compiled(); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		doc, err := schema.Load("applicationHost.config", src, schema.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if ds := l.Lint(doc); len(ds) != 0 {
			b.Fatalf("%d findings", len(ds))
		}
	}
}

// BenchmarkLint1000x10 is the lint part alone, on a loaded document.
func BenchmarkLint1000x10(b *testing.B) {
	doc, err := schema.Load("applicationHost.config", generateConfig(1000, 10), schema.Options{})
	if err != nil {
		b.Fatal(err)
	}
	l, err := lint.New(All, lint.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		l.Lint(doc)
	}
}
