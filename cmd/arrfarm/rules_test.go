package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/arrfarm/arrfarm/lint/rules"
)

func TestRulesCmd(t *testing.T) {
	code, out, _ := runCLI(t, "", nil, "rules")
	if code != 0 || !strings.Contains(out, "ARR2001  no-health-check") {
		t.Errorf("rules text: exit %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, "", nil, "rules", "--format", "json")
	var list []map[string]any
	if err := json.Unmarshal([]byte(out), &list); err != nil || code != 0 || len(list) != len(rules.All) {
		t.Errorf("rules json: exit %d, %d rules, err %v", code, len(list), err)
	}
	code, out, _ = runCLI(t, "", nil, "rules", "--format", "markdown")
	if code != 0 || !strings.HasPrefix(out, "<!-- Code generated") {
		t.Errorf("rules markdown: exit %d", code)
	}
	if code, _, _ := runCLI(t, "", nil, "rules", "--format", "yaml"); code != 2 {
		t.Errorf("rules --format yaml: exit %d, want 2", code)
	}
}

func TestHelpHasExamples(t *testing.T) {
	for _, cmd := range []string{"lint", "rules", "explain"} {
		code, out, _ := runCLI(t, "", nil, cmd, "--help")
		if code != 0 || !strings.Contains(out, "Examples:\n  arrfarm "+cmd) {
			t.Errorf("%s --help: exit %d, no example:\n%s", cmd, code, out)
		}
	}
}
