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

const (
	recCorpus   = "../../fixtures/corpus/kevinareed-bluegreen-alwaysup-sites-farm-healthcheck-rules.xml"
	recPeak     = "../../fixtures/recommend/peak.yaml"
	recOverload = "../../fixtures/recommend/overloaded.yaml"
)

func TestRecommendJSONContract(t *testing.T) {
	code, out, stderr := runCLI(t, "", nil, "recommend", recCorpus, "--scenario", recPeak, "--format", "json")
	require.Equal(t, exitOK, code, stderr)
	var res struct {
		Target map[string]float64 `json:"target"`
		Farms  []map[string]any   `json:"farms"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &res))
	assert.Equal(t, map[string]float64{"502.3": 0.001}, res.Target)
	require.Len(t, res.Farms, 1)
	f := res.Farms[0]
	assert.Equal(t, "alwaysup", f["name"])
	for _, k := range []string{"timeout", "healthCheck", "capacity", "overloaded", "reasons"} {
		assert.Contains(t, f, k)
	}
	to := f["timeout"].(map[string]any)
	for _, k := range []string{"current_s", "recommended_s", "percentile_rule_s", "predicted_502_3"} {
		assert.Contains(t, to, k)
	}
	assert.EqualValues(t, 30, to["current_s"])
	assert.NotNil(t, to["recommended_s"])
	hc := f["healthCheck"].(map[string]any)
	for _, k := range []string{"interval_s", "timeout_s", "minServers"} {
		assert.Contains(t, hc, k)
	}
	c := f["capacity"].(map[string]any)
	for _, k := range []string{"servers", "servers_n_plus_1", "predicted_502_3"} {
		assert.Contains(t, c, k)
	}
	assert.Equal(t, false, f["overloaded"])
}

func TestRecommendOverloadedEveryFormat(t *testing.T) {
	for _, format := range []string{"text", "json", "patch"} {
		code, out, stderr := runCLI(t, "", nil, "recommend", recCorpus, "--scenario", recOverload, "--format", format)
		require.Equal(t, exitOK, code, stderr)
		assert.Contains(t, out, "overloaded", format)
		if format == "json" {
			assert.Contains(t, out, `"recommended_s": null`)
		}
		if format == "patch" {
			assert.NotContains(t, out, "<protocol", "no timeout for an overloaded farm")
		}
	}
}

// --write on a real corpus config: only the recommended attribute values
// change, the mode stays, and --format patch shows the same change.
func TestRecommendWriteInPlace(t *testing.T) {
	orig, err := os.ReadFile(recCorpus)
	require.NoError(t, err)
	dir := t.TempDir()
	path := filepath.Join(dir, filepath.Base(recCorpus))
	require.NoError(t, os.WriteFile(path, orig, 0o600))
	require.NoError(t, os.Chmod(path, 0o600))

	code, patch, stderr := runCLI(t, "", nil, "recommend", path, "--scenario", recPeak, "--format", "patch")
	require.Equal(t, exitOK, code, stderr)
	code, _, stderr = runCLI(t, "", nil, "recommend", path, "--scenario", recPeak, "--write")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stderr, "wrote")
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	info, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm(), "the file keeps its mode")

	// Every changed line is one the patch names, and each holds only the
	// attributes recommend sets.
	var removed, added []string
	for _, l := range strings.Split(patch, "\n") {
		switch {
		case strings.HasPrefix(l, "---"), strings.HasPrefix(l, "+++"):
		case strings.HasPrefix(l, "-"):
			removed = append(removed, l[1:])
		case strings.HasPrefix(l, "+"):
			added = append(added, l[1:])
		}
	}
	require.NotEmpty(t, added)
	origLines, gotLines := strings.Split(string(orig), "\n"), strings.Split(string(got), "\n")
	for _, l := range removed {
		assert.Contains(t, origLines, l)
		assert.NotContains(t, gotLines, l)
	}
	for _, l := range added {
		assert.Contains(t, gotLines, l)
		assert.Regexp(t, `^\s*<(protocol|healthCheck) `, l)
	}
	assert.Equal(t, len(origLines)+len(added)-len(removed), len(gotLines))

	// A second run has nothing left to change.
	code, patch2, stderr := runCLI(t, "", nil, "recommend", path, "--scenario", recPeak, "--format", "patch")
	require.Equal(t, exitOK, code, stderr)
	assert.NotContains(t, patch2, "@@", "the written file already holds the recommendation")
}

func TestRecommendUsage(t *testing.T) {
	for _, args := range [][]string{
		{"recommend", recCorpus},
		{"recommend", recCorpus, "--scenario", recPeak, "--latency", recPeak},
		{"recommend", recCorpus, "--scenario", recPeak, "--target", "502.4=1%"},
		{"recommend", recCorpus, "--scenario", recPeak, "--format", "xml"},
		{"recommend", "-", "--scenario", recPeak, "--write"},
	} {
		code, _, stderr := runCLI(t, "", nil, args...)
		assert.Equal(t, exitUsage, code, "%v: %s", args, stderr)
	}
}

func TestRecommendNoFarm(t *testing.T) {
	code, _, stderr := runCLI(t, "", nil, "recommend", "../../fixtures/corpus/netlah-echoserviceapi-site-webconfig-rule-to-web-farm-name.xml", "--scenario", recPeak)
	assert.Equal(t, exitFindings, code)
	assert.Contains(t, stderr, "defines no webFarm")
}

// --latency alone: the M/G/inf case, with no capacity.
func TestRecommendLatencyOnly(t *testing.T) {
	code, out, stderr := runCLI(t, "", nil, "recommend", recCorpus, "--latency", recPeak, "--target", "1%", "--format", "json")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, out, `"servers": null`)
	assert.Contains(t, out, "capacity needs traffic")
}

// --latency with backend IIS logs: their time-taken is resampled.
func TestRecommendLatencyFromLogs(t *testing.T) {
	code, out, stderr := runCLI(t, "", nil, "recommend", recCorpus, "--latency", "../../fixtures/logs/webknowit-iis85-w3svc1-u_ex151020.log", "--target", "1%", "--format", "json")
	require.Equal(t, exitOK, code, stderr)
	var res struct {
		Farms []struct {
			Timeout struct {
				RecommendedS *int `json:"recommended_s"`
			}
		}
	}
	require.NoError(t, json.Unmarshal([]byte(out), &res))
	require.Len(t, res.Farms, 1)
	assert.NotNil(t, res.Farms[0].Timeout.RecommendedS)
}

func TestSweepFormats(t *testing.T) {
	args := []string{"sweep", recCorpus, "--scenario", recPeak, "--vary", "alwaysup.protocol.timeout=2s,5s", "--vary", "scenario.arrivals.rate=100,200", "--set", "scenario.duration=1m", "--set", "scenario.replications=3"}
	code, out, stderr := runCLI(t, "", nil, append(args, "--format", "csv")...)
	require.Equal(t, exitOK, code, stderr)
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 5, "a header and a 2 x 2 grid")
	assert.Equal(t, []string{"alwaysup.protocol.timeout", "scenario.arrivals.rate"}, rows[0][:2])
	assert.Equal(t, []string{"2s", "100"}, rows[1][:2])
	assert.Equal(t, []string{"2s", "200"}, rows[2][:2], "the last --vary changes fastest")

	code, out, stderr = runCLI(t, "", nil, append(args, "--format", "json")...)
	require.Equal(t, exitOK, code, stderr)
	var res struct {
		Points []struct {
			Values []string
			Rates  map[string]struct{ Mean float64 }
		}
	}
	require.NoError(t, json.Unmarshal([]byte(out), &res))
	require.Len(t, res.Points, 4)
	assert.Greater(t, res.Points[0].Rates["502.3"].Mean, res.Points[2].Rates["502.3"].Mean, "a 2 s timeout fails more than 5 s")

	code, out, stderr = runCLI(t, "", nil, append(args, "--format", "text")...)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, out, "same random streams")

	code, _, stderr = runCLI(t, "", nil, "sweep", recCorpus, "--scenario", recPeak, "--vary", "alwaysup.protocol.timeout=5s..1s/1s")
	assert.Equal(t, exitUsage, code, stderr)
}
