package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// leakFarm is a farm whose name holds an escape sequence and whose first
// server is written user:password@host; leakScenario breaks that server,
// so that recommend and check talk about it.
const leakFarm = `proxy: {enabled: true}
farms:
  - name: "w\e[2Jeb"
    servers:
      - {address: "svc:addrPw@10.0.0.11"}
      - {address: 10.0.0.12}
    applicationRequestRouting:
      protocol: {timeout: 30s}
      healthCheck: {url: "http://probe:probePw@web/health", interval: 5s, timeout: 2s}
rules:
  - {name: r, patternSyntax: Wildcard, match: {url: "*"}, action: {type: Rewrite, url: "http://web/{R:0}"}}
`

const leakScenario = `duration: 1m
replications: 2
seed: 1
arrivals: {rate: 50}
latency: {lognormal: {p50: 100ms, p99: 1s}}
concurrency: 16
servers:
  "svc:addrPw@10.0.0.11": {latency: {lognormal: {p50: 150ms, p99: 5s}}}
events:
  - {at: 20s, server: "svc:addrPw@10.0.0.11", fault: down, for: 10s}
`

// leakDir writes leakFarm and leakScenario into a folder whose own name
// holds credentials and an escape sequence (file names are user text
// too) and returns the two paths, relative to the current folder: the
// credentials are then the first word of the path, as in a name written
// user:password@host. (schema.MaskSecrets does not take a "user:pw@" that
// follows a "/" for credentials.)
func leakDir(t *testing.T) (cfg, sc string) {
	t.Helper()
	chdir(t)
	dir := "svc:dirPw@share\x1b[2J"
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Skip("this file system refuses the folder name:", err)
	}
	cfg, sc = filepath.Join(dir, "farms.yaml"), filepath.Join(dir, "sc.yaml")
	os.WriteFile(cfg, []byte(leakFarm), 0o644)
	os.WriteFile(sc, []byte(leakScenario), 0o644)
	return cfg, sc
}

// leaks returns what out must not hold: a secret of leakFarm, leakDir or
// the --set assignments below, or a raw escape character.
func leaks(out string) []string {
	var bad []string
	for _, s := range []string{"addrPw", "probePw", "dirPw", "setPw", "\x1b"} {
		if strings.Contains(out, s) {
			bad = append(bad, s)
		}
	}
	return bad
}

// unJSON undoes JSON's escaping of the backslash, so that an escaped
// control character reads the same in text and JSON.
func unJSON(s string) string { return strings.ReplaceAll(s, `\\`, `\`) }

// TestSetErrorsMaskValues: an assignment to a secret attribute, or whose
// value names a password, is echoed in its error with the value masked,
// also after a name with an escape sequence.
func TestSetErrorsMaskValues(t *testing.T) {
	cfg, sc := leakDir(t)
	for _, set := range []string{
		"w\x1b[2Jeb.adminPassword=setPw",
		"web.adminPassword=setPw",
		"nofarm.password=setPw",
		"scenario.latency.lognormal.p50=password=setPw",
	} {
		code, out, stderr := runCLI(t, "", nil, "simulate", cfg, "--scenario", sc, "--set", set)
		if code != exitUsage || !strings.Contains(stderr, "--set ") || !strings.Contains(stderr, "=****") {
			t.Errorf("--set %q: exit %d, stderr %q; want 2 and the assignment named, masked", set, code, stderr)
		}
		if bad := leaks(out + stderr); len(bad) > 0 {
			t.Errorf("--set %q prints %q:\n%s", set, bad, stderr)
		}
	}
}

// TestRecommendLeaksNothing: the reasons quote the server to copy for
// capacity (user:password@host) and the farm's name; text, JSON and HTML
// show them masked and escaped.
func TestRecommendLeaksNothing(t *testing.T) {
	cfg, sc := leakDir(t)
	for _, format := range []string{"text", "json"} {
		// The farm misses the target (exit 1): the last line, which
		// names it, is checked for leaks with the rest.
		code, out, stderr := runCLI(t, "", nil, "recommend", cfg, "--scenario", sc, "--format", format, "--html", "r.html")
		if code != exitFindings {
			t.Fatalf("%s: exit %d: %s", format, code, stderr)
		}
		page, _ := os.ReadFile("r.html")
		for what, text := range map[string]string{format: out + stderr, "html": string(page)} {
			if bad := leaks(text); len(bad) > 0 {
				t.Errorf("%s prints %q:\n%s", what, bad, text)
			}
			if !strings.Contains(text, "****@10.0.0.11") || !strings.Contains(unJSON(text), `w\x1b[2Jeb`) {
				t.Errorf("%s: the masked server or the escaped farm name is missing:\n%s", what, text)
			}
		}
		if format == "json" && !json.Valid([]byte(out)) {
			t.Errorf("the JSON does not parse:\n%s", out)
		}
	}
}

// TestSweepLeaksNothing: --vary paths name farms; a farm name with an
// escape sequence reaches the text, CSV, JSON and HTML escaped.
func TestSweepLeaksNothing(t *testing.T) {
	cfg, sc := leakDir(t)
	for _, format := range []string{"text", "csv", "json"} {
		code, out, stderr := runCLI(t, "", nil, "sweep", cfg, "--scenario", sc, "--format", format,
			"--vary", "w\x1b[2Jeb.protocol.timeout=5s..10s/5s", "--html", "r.html")
		if code != exitOK {
			t.Fatalf("%s: exit %d: %s", format, code, stderr)
		}
		page, _ := os.ReadFile("r.html")
		for what, text := range map[string]string{format: out + stderr, "html": string(page)} {
			if bad := leaks(text); len(bad) > 0 {
				t.Errorf("%s prints %q:\n%s", what, bad, text)
			}
			if !strings.Contains(unJSON(text), `w\x1b[2Jeb.protocol.timeout`) {
				t.Errorf("%s: the varied setting is not named:\n%s", what, text)
			}
		}
		switch format {
		case "json":
			if !json.Valid([]byte(out)) {
				t.Errorf("the JSON does not parse:\n%s", out)
			}
		case "csv":
			rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
			if err != nil || len(rows) != 3 {
				t.Errorf("the CSV has %d rows (want a header and 2 points): %v\n%s", len(rows), err, out)
			}
		}
	}
}

// TestAssumptionsLeakNothing: simulate --assumptions names the farm.
func TestAssumptionsLeakNothing(t *testing.T) {
	cfg, sc := leakDir(t)
	for _, format := range []string{"text", "json"} {
		code, out, stderr := runCLI(t, "", nil, "simulate", cfg, "--scenario", sc, "--assumptions", "--format", format)
		if code != exitOK {
			t.Fatalf("%s: exit %d: %s", format, code, stderr)
		}
		if bad := leaks(out + stderr); len(bad) > 0 || !strings.Contains(unJSON(out), `w\x1b[2Jeb`) {
			t.Errorf("%s prints %q, or not the escaped farm name:\n%s", format, bad, out)
		}
	}
}

// TestCheckLeaksNothing: the summary names scenario files and farms; and
// a farm whose name prints escaped keeps its breach at the farm's
// position (results name farms as printed, the configuration does not).
func TestCheckLeaksNothing(t *testing.T) {
	cfg, sc := leakDir(t)
	for _, format := range []string{"text", "json"} {
		code, out, stderr := runCLI(t, "", nil, "check", cfg, "--scenario", sc, "--max", "502.3=0.001%", "--format", format)
		if code != exitFindings {
			t.Fatalf("%s: exit %d, want 1 (a breach): %s", format, code, stderr)
		}
		if bad := leaks(out + stderr); len(bad) > 0 {
			t.Errorf("%s prints %q:\n%s%s", format, bad, out, stderr)
		}
		if !strings.Contains(out+stderr, "BREACH") || !strings.Contains(out+stderr, "****@share") {
			t.Errorf("%s: the summary lacks the breach or the masked scenario name:\n%s", format, stderr)
		}
		if format != "json" {
			continue
		}
		var rep struct {
			Diagnostics []struct {
				Rule string
				Line int
			}
		}
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatalf("the JSON does not parse: %v\n%s", err, out)
		}
		found := false
		for _, d := range rep.Diagnostics {
			if d.Rule == "max-502.3" {
				found = true
				if d.Line != 3 { // "  - name:" of the farm
					t.Errorf("the breach is at line %d, want 3 (the farm)", d.Line)
				}
			}
		}
		if !found {
			t.Errorf("no max-502.3 diagnostic:\n%s", out)
		}
	}
}

// Azure connection-string keys on a line a finding shows (issue 18):
// Storage's AccountKey and Service Bus' SharedAccessKey are masked in the
// source excerpt; the names around them stay readable.
func TestLintMasksConnectionStringKeys(t *testing.T) {
	dir := chdir(t)
	p := filepath.Join(dir, "applicationHost.config")
	src := `<configuration>
  <webFarms>
    <webFarm name="web" conn="AccountName=acme;AccountKey=c2VjcmV0a2V5;SharedAccessKeyName=Root;SharedAccessKey=QUJDREVG">
      <server address="a" />
    </webFarm>
  </webFarms>
</configuration>
`
	require.NoError(t, os.WriteFile(p, []byte(src), 0o644))
	for _, format := range []string{"text", "json", "sarif"} {
		code, out, stderr := runCLI(t, "", nil, "lint", p, "--format", format)
		assert.Equal(t, exitFindings, code, stderr)
		for _, secret := range []string{"c2VjcmV0a2V5", "QUJDREVG"} {
			assert.NotContains(t, out+stderr, secret, format)
		}
		if format == "text" {
			assert.Contains(t, out, "AccountName=acme;AccountKey=****;SharedAccessKeyName=Root;SharedAccessKey=****")
		}
	}
}
