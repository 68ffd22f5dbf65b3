package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Checking nothing is an error (exit 2) that says where arrfarm looked,
// never a green run.
func TestLintOfNothingFails(t *testing.T) {
	bad := abs(t, fx+"no-health-check/bad.xml")
	dir := chdir(t)
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	if err := os.Mkdir(filepath.Join(dir, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	emptyYAML := write("farms.yaml", "")
	commentsYAML := write("c.yaml", "# farms come later\n---\n")
	blankConfig := write("applicationHost.config", " \r\n\t\n")
	write("scen/scenario.yaml", "farm: web\nlatency: {fixed: 1ms}\n")
	write("scen/farm.yml", "farm:\n  - name: web\n")
	for _, c := range []struct {
		name, stdin string
		args        []string
		want        string
	}{
		{"empty directory", "", []string{"lint", "empty"}, "arrfarm: no configuration found in empty: looked at 0 files\n"},
		{"empty YAML", "", []string{"lint", emptyYAML}, "arrfarm: no configuration found in " + emptyYAML + ": it is empty\n"},
		{"comments-only YAML", "", []string{"lint", commentsYAML}, "arrfarm: no configuration found in " + commentsYAML + ": it is empty\n"},
		{"whitespace config", "", []string{"lint", blankConfig}, "arrfarm: no configuration found in " + blankConfig + ": it is empty\n"},
		{"empty stdin", "", []string{"lint", "-"}, "arrfarm: no configuration found in <stdin>: it is empty\n"},
		{"whitespace stdin", "\n\n  \n", []string{"lint", "--format", "json", "-"}, "arrfarm: no configuration found in <stdin>: it is empty\n"},
		{"no arrfarm YAML", "", []string{"lint", "scen"}, "arrfarm: no configuration found in scen: looked at 2 files, skipped: " +
			filepath.Join("scen", "farm.yml") + " because it has none of the top-level keys proxy, webFarms, farms, rules, siteRules, locations (line 1 has farm:, did you mean farms:?); " +
			filepath.Join("scen", "scenario.yaml") + " because it has none of the top-level keys proxy, webFarms, farms, rules, siteRules, locations\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, out, stderr := runCLI(t, c.stdin, nil, c.args...)
			if code != exitUsage {
				t.Errorf("exit %d, want %d", code, exitUsage)
			}
			if stderr != c.want {
				t.Errorf("stderr\n got %q\nwant %q", stderr, c.want)
			}
			if strings.Contains(out, "rule") {
				t.Errorf("a report of nothing has findings: %q", out)
			}
		})
	}
	// Something found next to an empty path still fails the run, and the
	// file that was found is still reported.
	code, out, stderr := runCLI(t, "", nil, "lint", "--format", "json", bad, "empty")
	if code != exitUsage || !strings.Contains(stderr, "no configuration found in empty") || !strings.Contains(out, "bad.xml") {
		t.Errorf("exit %d, stderr %q, out %q", code, stderr, out)
	}
}

// --latency with a scenario about a farm the configuration lacks is a
// finding (exit 1), not a quiet no-op.
func TestLintLatencyForAMissingFarm(t *testing.T) {
	cfg := abs(t, fx+"timeout-below-latency/good.xml")
	dir := chdir(t)
	scen := filepath.Join(dir, "prod.yaml")
	if err := os.WriteFile(scen, []byte("farm: wbe\nlatency: {fixed: 10ms}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runCLI(t, "", nil, "lint", "--latency", scen, cfg)
	if code != exitFindings || !strings.Contains(out, scen+`:1:7: error: latency source prod.yaml describes farm "wbe", which the configuration does not have`) {
		t.Errorf("exit %d\n%s\n%s", code, out, stderr)
	}
}
