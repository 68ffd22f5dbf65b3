package rules

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

func TestRegistry(t *testing.T) {
	if err := lint.Validate(All); err != nil {
		t.Fatal(err)
	}
}

// The loader reports these slugs; each must be a registered rule so that
// its findings get an ID, docs, a severity and suppression.
func TestLoaderSlugsRegistered(t *testing.T) {
	for _, slug := range []string{
		schema.RuleXMLMalformed, schema.RuleUnknownElement, schema.RuleUnknownAttribute,
		schema.RuleInvalidValue, schema.RuleDuplicateKey, schema.RuleMisplaced,
		schema.RuleMissingRequired, schema.RuleWFFSetting, schema.RuleYAMLMalformed, schema.RuleFragment,
	} {
		r := lint.Lookup(All, slug)
		if r == nil {
			t.Errorf("loader slug %q has no rule", slug)
			continue
		}
		if r.ID[3] != '0' {
			t.Errorf("loader slug %q has ID %s, want an input/schema ID ARR0xxx", slug, r.ID)
		}
	}
}

// Contract slugs (docs/design.md section 4) must exist.
func TestContractSlugs(t *testing.T) {
	for _, slug := range []string{
		"xml-malformed", "unknown-element", "unknown-attribute", "invalid-value", "duplicate-key",
		"misplaced-element", "route-to-unknown-farm", "farm-without-route", "farm-no-servers",
		"unsupported-algorithm", "no-health-check", "health-timeout-not-below-interval",
		"min-servers-zero", "timeout-below-latency", "global-timeout-only", "cookie-name-without-use-cookie",
	} {
		if lint.Lookup(All, slug) == nil {
			t.Errorf("contract slug %q is not registered", slug)
		}
	}
}

// A claim that no source makes is never an error: not as a rule's default
// (Validate checks that too) and not in a finding the rule reports with
// its own severity (checked on every fixture and corpus file through
// checkEvidence).
func TestInferredOnlyNeverError(t *testing.T) {
	n := 0
	for _, r := range All {
		if len(r.Evidence) == 0 {
			t.Errorf("%s has no evidence", r)
		}
		if r.InferredOnly() {
			n++
			if r.Severity == lint.Error {
				t.Errorf("%s rests only on inference but is an error", r)
			}
		}
	}
	if n == 0 {
		t.Error("no inferred-only rule in the registry: the check above checked nothing (websocket-scheme-target is one)")
	}
}

// checkEvidence fails on an error-level finding of an inferred-only rule.
func checkEvidence(t *testing.T, where string, ds []lint.Diagnostic) {
	t.Helper()
	for _, d := range ds {
		if r := lint.Lookup(All, d.Rule); r != nil && r.InferredOnly() && d.Severity == lint.Error {
			t.Errorf("%s:%d: %s rests only on inference but reported an error: %s", where, d.Span.Start.Line, r, d.Message)
		}
	}
}

// The README states the size of the catalog; keep it true.
func TestREADMERuleCount(t *testing.T) {
	src, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	optional := 0
	for _, r := range All {
		if r.Optional {
			optional++
		}
	}
	want := fmt.Sprintf("The catalog has %d rules (%d of them optional", len(All), optional)
	if !strings.Contains(string(src), want) {
		t.Errorf("README.md does not say %q", want)
	}
}
