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
	code, _, stderr := runCLI(t, "", nil, "explain", "no-helth-check")
	if code != 2 || !strings.Contains(stderr, `did you mean "no-health-check"`) {
		t.Errorf("explain typo: exit %d, stderr %q", code, stderr)
	}
}
