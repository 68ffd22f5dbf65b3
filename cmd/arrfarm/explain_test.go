package main

import (
	"strings"
	"testing"
)

func TestExplainCmd(t *testing.T) {
	for _, name := range []string{"no-health-check", "ARR2001", "arr2001"} {
		code, out, _ := runCLI(t, "", nil, "explain", name)
		if code != 0 || !strings.HasPrefix(out, "# ARR2001 no-health-check\n") ||
			!strings.Contains(out, "## Bad\n") || !strings.Contains(out, "## Good\n") {
			t.Errorf("explain %s: exit %d\n%s", name, code, out)
		}
	}
	// Every rule says what it rests on; an inferred-only rule says so.
	code, out, _ := runCLI(t, "", nil, "explain", "no-health-check")
	if code != 0 || !strings.Contains(out, "## Evidence\n\n- Microsoft documentation: Microsoft TechNet, ARR \"Health Test\" page") {
		t.Errorf("explain no-health-check shows no evidence:\n%s", out)
	}
	code, out, _ = runCLI(t, "", nil, "explain", "duplicate-server")
	if code != 0 || !strings.Contains(out, "- Inferred: ") || !strings.Contains(out, "never an error") {
		t.Errorf("explain duplicate-server does not say its evidence is inferred:\n%s", out)
	}
	code, _, stderr := runCLI(t, "", nil, "explain", "no-helth-check")
	if code != 2 || !strings.Contains(stderr, `did you mean "no-health-check"`) {
		t.Errorf("explain typo: exit %d, stderr %q", code, stderr)
	}
}
