package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrfarm/arrfarm/lint/rules"
)

// A YAML file named on the command line that holds no farm mapping is
// nothing to check: lint and convert exit 2 and say why (issue 18), as a
// directory walk already skipped such files.
func TestYAMLWithoutConfigurationIsAnError(t *testing.T) {
	dir := t.TempDir()
	const keys = "proxy, webFarms, farms, rules, siteRules, locations"
	for _, c := range []struct{ name, text, why string }{
		{"scalar", "hello\n", "its top level is a scalar, not a mapping with one of the keys " + keys},
		{"number", "42\n", "its top level is a scalar, not a mapping with one of the keys " + keys},
		{"null", "null\n", "its top level is null, not a mapping with one of the keys " + keys},
		{"list", "[1, 2]\n", "its top level is a list, not a mapping with one of the keys " + keys},
		{"farm list", "- name: web\n  servers: [a]\n", "its top level is a list, not a mapping with one of the keys " + keys + " (a list of farms goes under farms:)"},
		{"empty mapping", "{}\n", "it has none of the top-level keys " + keys},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "-")+".yaml")
			require.NoError(t, os.WriteFile(p, []byte(c.text), 0o644))
			want := "arrfarm: no configuration found in " + p + ": " + c.why + "\n"
			for _, args := range [][]string{{"lint", p}, {"convert", "--to", "xml", p}} {
				code, out, stderr := runCLI(t, "", nil, args...)
				assert.Equal(t, exitUsage, code, args)
				assert.Equal(t, want, stderr, args)
				assert.NotContains(t, out, "<configuration", args)
			}
		})
	}
	// Several documents would reach the reader as one list: a finding at
	// the second document's marker.
	p := filepath.Join(dir, "two.yaml")
	require.NoError(t, os.WriteFile(p, []byte("farms: []\n---\nhello\n"), 0o644))
	code, out, _ := runCLI(t, "", nil, "lint", p)
	assert.Equal(t, exitFindings, code)
	assert.Contains(t, out, p+":2:1: error: a second YAML document starts here")
}

// A .arrfarm.yaml that disables every rule leaves lint nothing to check:
// exit 2, naming the file, not a silent pass.
func TestLintWithEveryRuleDisabled(t *testing.T) {
	cfg := abs(t, "../../fixtures/sim/web3.yaml")
	dir := chdir(t)
	var b strings.Builder
	b.WriteString("disable:\n")
	for _, r := range rules.All {
		b.WriteString("  - " + r.Slug + "\n")
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, ".arrfarm.yaml"), []byte(b.String()), 0o644))
	code, out, stderr := runCLI(t, "", nil, "lint", cfg)
	assert.Equal(t, exitUsage, code)
	assert.Equal(t, "", out)
	assert.Equal(t, "arrfarm: no rule ran: every rule is disabled (by --disable or the disable list of "+
		filepath.Join(dir, ".arrfarm.yaml")+"), so nothing was checked; enable one with --enable SLUG (arrfarm rules lists them)\n", stderr)
	// One rule back on is a run again.
	code, _, stderr = runCLI(t, "", nil, "lint", "--enable", "farm-without-route", cfg)
	assert.NotEqual(t, exitUsage, code, stderr)
}

// NaN and Inf parse as floats and compare false to every bound: each was
// taken (an empty sweep, a run to the cap, an internal error). They are
// input errors, exit 2, naming the flag.
func TestNaNAndInfAreInputErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"sweep", recCorpus, "--scenario", recPeak, "--vary", "scenario.arrivals.rate=NaN..1/1"},
			"arrfarm: --vary scenario.arrivals.rate=NaN..1/1: FROM, TO and STEP must be finite numbers, not NaN or Inf\n"},
		{[]string{"sweep", recCorpus, "--scenario", recPeak, "--vary", "scenario.arrivals.rate=1..Inf/1"},
			"arrfarm: --vary scenario.arrivals.rate=1..Inf/1: FROM, TO and STEP must be finite numbers, not NaN or Inf\n"},
		{[]string{"sweep", recCorpus, "--scenario", recPeak, "--vary", "web.protocol.timeout=1s..2s/1s", "--target", "NaN"},
			"arrfarm: --target NaN: \"NaN\" is not a share between 0 and 100%, e.g. 0.1%\n"},
		{[]string{"recommend", recCorpus, "--scenario", recPeak, "--target", "502.3=nan%"},
			"arrfarm: --target 502.3=nan%: \"nan%\" is not a share between 0 and 100%, e.g. 0.1%\n"},
		{[]string{"simulate", recCorpus, "--scenario", recPeak, "--until-ci", "NaN"},
			"arrfarm: --until-ci: \"NaN\" is not a share between 0 and 100%, e.g. 0.1%\n"},
		// A bare share reads two ways for --until-ci as for --max and --target.
		{[]string{"simulate", recCorpus, "--scenario", recPeak, "--until-ci", "0.1"},
			"arrfarm: --until-ci: \"0.1\" has no unit, and it reads two ways: 0.1% (one request in 1000) or 10% (the fraction 0.1); write the one you mean with %\n"},
		{[]string{"simulate", recCorpus, "--scenario", recPeak, "--until-ci", "0%"},
			"arrfarm: --until-ci: \"0%\": a half-width of 0 is never reached; give a share such as 10%\n"},
	} {
		code, _, stderr := runCLI(t, "", nil, c.args...)
		assert.Equal(t, exitUsage, code, c.args)
		assert.Equal(t, c.want, stderr, c.args)
	}
}

// --write on a UTF-16 file that does not survive decoding and encoding
// again (a lone surrogate decodes to U+FFFD) cannot keep the other bytes:
// an input error before the simulation, and the file is untouched.
func TestWriteRefusesUTF16WithALoneSurrogate(t *testing.T) {
	src, err := os.ReadFile("../../fixtures/recommend/written.xml")
	require.NoError(t, err)
	text := strings.Replace(string(src), "<configuration>", "<configuration><!-- X -->", 1)
	b := []byte{0xFF, 0xFE}
	for _, r := range text {
		if r == 'X' {
			b = append(b, 0x00, 0xD8) // U+D800, a high surrogate with no low one
			continue
		}
		b = append(b, byte(r), byte(r>>8))
	}
	p := filepath.Join(t.TempDir(), "applicationHost.config")
	require.NoError(t, os.WriteFile(p, b, 0o644))
	code, _, stderr := runCLI(t, "", nil, "recommend", p, "--scenario", recPeak, "--write")
	assert.Equal(t, exitUsage, code)
	assert.Equal(t, "arrfarm: --write "+p+": patching: this UTF-16 file does not convert to UTF-8 and back unchanged, so it cannot be edited byte for byte\n", stderr)
	after, err := os.ReadFile(p)
	require.NoError(t, err)
	assert.Equal(t, b, after)
}
