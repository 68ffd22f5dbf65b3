package rules

import (
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
func BenchmarkLint1000x10(b *testing.B) {
	doc, err := schema.Load("applicationHost.config", testgen.Config(1000, 10), schema.Options{})
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
