package rules

import (
	"fmt"
	"strings"
	"testing"

	"github.com/arrfarm/arrfarm/internal/testgen"
	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

// TestGeneratedConfigLintsClean keeps the benchmark honest: the generated
// farms are well configured, so a finding would mean the benchmark measures
// report building rather than checking.
func TestGeneratedConfigLintsClean(t *testing.T) {
	doc, err := schema.Load("applicationHost.config", testgen.Config(30, 10), schema.Options{})
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
	src := testgen.Config(1000, 10)
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
func BenchmarkLint1000x10(b *testing.B) { benchLint(b, testgen.Config(1000, 10)) }

// oneFarm is an applicationHost.config of one farm of n servers named by
// host (web000001.corp.local, ...): the shape where a rule comparing
// every pair of servers is quadratic.
func oneFarm(n int) []byte {
	var b strings.Builder
	b.WriteString("<configuration>\n  <webFarms>\n    <webFarm name=\"web\">\n")
	for i := range n {
		fmt.Fprintf(&b, "      <server address=\"web%06d.corp.local\" />\n", i)
	}
	b.WriteString("      <applicationRequestRouting>\n        <healthCheck url=\"http://web/health\" interval=\"00:00:10\" timeout=\"00:00:05\" minServers=\"1\" />\n" +
		"      </applicationRequestRouting>\n    </webFarm>\n  </webFarms>\n  <system.webServer>\n    <proxy enabled=\"true\" />\n    <rewrite>\n      <globalRules>\n" +
		"        <rule name=\"ARR_web\" patternSyntax=\"Wildcard\" stopProcessing=\"true\"><match url=\"*\" /><action type=\"Rewrite\" url=\"http://web/{R:0}\" /></rule>\n" +
		"      </globalRules>\n    </rewrite>\n  </system.webServer>\n</configuration>\n")
	return []byte(b.String())
}

// benchLint lints a loaded document of src, the rules alone (issue 17:
// every rule linear or n log n in the size of the file).
func benchLint(b *testing.B, src []byte) {
	doc, err := schema.Load("applicationHost.config", src, schema.Options{})
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

// BenchmarkLint100kServers: one farm of 100,000 servers; the pairwise
// duplicate-server took 212 s here.
func BenchmarkLint100kServers(b *testing.B) { benchLint(b, oneFarm(100_000)) }

// BenchmarkLint10kServers is the same shape ten times smaller: time per
// server must stay flat between the two.
func BenchmarkLint10kServers(b *testing.B) { benchLint(b, oneFarm(10_000)) }

// BenchmarkLint100kRules: 100,000 rewrite rules to one farm.
func BenchmarkLint100kRules(b *testing.B) { benchLint(b, testgen.RuleConfig(100_000)) }

// BenchmarkLint10kRules is the same shape ten times smaller.
func BenchmarkLint10kRules(b *testing.B) { benchLint(b, testgen.RuleConfig(10_000)) }
