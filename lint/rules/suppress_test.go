package rules

import (
	"testing"

	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

// YAML suppressions work like XML ones: "# arrfarm:ignore RULE reason"
// before an item silences RULE inside it.
func TestYAMLSuppression(t *testing.T) {
	const src = `farms:
  # arrfarm:ignore no-health-check checked by the hardware balancer in front
  - name: web
    servers:
      - {address: 10.0.0.11}
  - name: api
    servers:
      - {address: 10.0.0.21}
`
	doc, err := schema.Load("farms.yaml", []byte(src), schema.Options{})
	if err != nil {
		t.Fatal(err)
	}
	l, err := lint.New(All, lint.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ds := l.Lint(doc)
	if len(ds) != 1 || ds[0].Rule != "no-health-check" || ds[0].Farm != "api" {
		t.Fatalf("want only farm api's no-health-check, got %v", renderAll(ds))
	}
}

// A suppression of a disabled rule is not reported as unused: the rule
// did not run, so it cannot have had anything to silence.
func TestSuppressionOfDisabledRule(t *testing.T) {
	doc, err := schema.Load("applicationHost.config", []byte(SuppressionUnused.Doc.Bad), schema.Options{})
	if err != nil {
		t.Fatal(err)
	}
	l, err := lint.New(All, lint.Options{Disable: []string{"no-health-check"}})
	if err != nil {
		t.Fatal(err)
	}
	if ds := l.Lint(doc); len(ds) != 0 {
		t.Errorf("findings: %v", renderAll(ds))
	}
}
