package rules

import (
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
		schema.RuleMissingRequired, schema.RuleWFFSetting, schema.RuleYAMLMalformed,
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
