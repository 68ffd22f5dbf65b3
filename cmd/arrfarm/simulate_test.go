package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	simConfig   = "../../fixtures/sim/web3.yaml"
	simScenario = "../../fixtures/sim/faults.yaml"
)

func TestSimulateJSONContract(t *testing.T) {
	code, out, stderr := runCLI(t, "", nil, "simulate", simConfig, "--scenario", simScenario, "--format", "json", "--replications", "2", "--duration", "1m")
	require.Equal(t, exitOK, code, stderr)
	var res map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &res))
	assert.Equal(t, float64(7), res["seed"])
	assert.Equal(t, float64(2), res["replications"])
	assert.Equal(t, float64(60), res["duration_s"])
	farm := res["farms"].([]any)[0].(map[string]any)
	for _, k := range []string{"name", "algorithm", "requests", "outcomes", "win32", "rates", "latency_ms", "servers"} {
		assert.Contains(t, farm, k)
	}
	rate := farm["rates"].(map[string]any)["502.3"].(map[string]any)
	assert.Contains(t, rate, "mean")
	assert.Len(t, rate["ci95"], 2)
	// --duration 1m leaves faults.yaml's later events outside the window:
	// each is a positioned warning; nothing else (no progress bar when
	// stderr is not a terminal).
	for _, line := range strings.Split(strings.TrimSuffix(stderr, "\n"), "\n") {
		assert.Regexp(t, `^\.\./\.\./fixtures/sim/faults\.yaml:\d+:\d+: warning: event at \S+ \(.*\) is at or after the end of the simulated window \(duration 1m0s\): it never happens \[invalid-value\]$`, line)
	}
}

func TestSimulateSameSeedSameBytes(t *testing.T) {
	args := []string{"simulate", simConfig, "--scenario", simScenario, "--format", "json", "--duration", "30s"}
	_, a, _ := runCLI(t, "", nil, args...)
	_, b, _ := runCLI(t, "", nil, args...)
	require.NotEmpty(t, a)
	assert.Equal(t, a, b)
	_, c, _ := runCLI(t, "", nil, append(args, "--seed", "8")...)
	assert.NotEqual(t, a, c, "another seed, other draws")
}

func TestSimulateSetChangesTheFarm(t *testing.T) {
	// A 1 s timeout against a lognormal with p99 2 s must raise 502.3.
	base := []string{"simulate", simConfig, "--scenario", simScenario, "--format", "json", "--duration", "30s", "--replications", "2"}
	_, slow, _ := runCLI(t, "", nil, base...)
	code, fast, stderr := runCLI(t, "", nil, append(base, "--set", "web.protocol.timeout=1s")...)
	require.Equal(t, exitOK, code, stderr)
	assert.Greater(t, rate5023(t, fast), rate5023(t, slow))
	code, _, stderr = runCLI(t, "", nil, append(base, "--set", "web.protocol.timeout=0s")...)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "timeout")
}

func rate5023(t *testing.T, out string) float64 {
	var res struct {
		Farms []struct {
			Rates map[string]struct{ Mean float64 } `json:"rates"`
		} `json:"farms"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &res))
	return res.Farms[0].Rates["502.3"].Mean
}

func TestSimulateStopsOnErrors(t *testing.T) {
	code, _, stderr := runCLI(t, "", nil, "simulate", corpus+"ghips-erp-docs-webfarm-invented-loadbalance-roundrobin.xml", "--scenario", simScenario)
	assert.Equal(t, exitFindings, code)
	assert.Contains(t, stderr, ":7:6: error: unknown element loadBalance")

	bad := filepath.Join(t.TempDir(), "bad.yaml")
	require.NoError(t, os.WriteFile(bad, []byte("duration: 1m\narrivals: {rate: -5}\nservers:\n  10.9.9.9: {concurrency: 2}\n"), 0o644))
	code, _, stderr = runCLI(t, "", nil, "simulate", simConfig, "--scenario", bad)
	assert.Equal(t, exitFindings, code)
	assert.Contains(t, stderr, "bad.yaml:2:")

	code, _, stderr = runCLI(t, "", nil, "simulate", simConfig, "--scenario", "missing.yaml")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "missing.yaml")

	code, _, stderr = runCLI(t, "", nil, "simulate", simConfig, "--scenario", simScenario, "--until-ci", "150%")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "--until-ci")
}

func TestSimulateHTMLReport(t *testing.T) {
	page := filepath.Join(t.TempDir(), "report.html")
	code, out, stderr := runCLI(t, "", nil, "simulate", simConfig, "--scenario", simScenario, "--duration", "30s", "--html", page)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, out, "502.3")
	html, err := os.ReadFile(page)
	require.NoError(t, err)
	s := string(html)
	assert.True(t, strings.HasPrefix(s, "<!DOCTYPE html>"))
	assert.Equal(t, 4, strings.Count(s, "<svg"), "timeline, time-taken, load and unhealthy time")
	assert.Contains(t, s, "proxy timeout 30s")
	assert.NotContains(t, s, "<script", "self-contained, no scripts")
}

// --until-ci that stops at its cap says so in text and JSON; the exit
// code stays that of the simulation (0).
func TestSimulateUntilCICapIsReported(t *testing.T) {
	args := []string{"simulate", simConfig, "--scenario", simScenario, "--duration", "30s", "--replications", "2", "--until-ci", "0.01%", "--max-replications", "3"}
	code, out, stderr := runCLI(t, "", nil, args...)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, out, "note: CI target not reached: after 3 replications (the cap) the 502.3 rate's 95% CI half-width is still above 0.01% of its mean")
	code, out, stderr = runCLI(t, "", nil, append(args, "--format", "json")...)
	require.Equal(t, exitOK, code, stderr)
	var res struct {
		Replications int `json:"replications"`
		UntilCI      struct {
			Target          float64 `json:"target"`
			Reached         bool    `json:"reached"`
			MaxReplications int     `json:"max_replications"`
			HalfWidthShare  float64 `json:"half_width_share"`
		} `json:"until_ci"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &res))
	assert.Equal(t, 3, res.Replications)
	assert.False(t, res.UntilCI.Reached)
	assert.Equal(t, 3, res.UntilCI.MaxReplications)
	assert.InDelta(t, 0.0001, res.UntilCI.Target, 1e-12)
	assert.Greater(t, res.UntilCI.HalfWidthShare, 0.0001, "the share reached is above the target")
}

// --assumptions prints one run per undocumented behaviour, in text and
// JSON, and refuses --html (it has no plots).
func TestSimulateAssumptions(t *testing.T) {
	base := []string{"simulate", simConfig, "--scenario", simScenario, "--duration", "1m", "--replications", "2", "--assumptions"}
	code, out, stderr := runCLI(t, "", nil, append(base, "--format", "json")...)
	require.Equal(t, exitOK, code, stderr)
	var res struct {
		Farm     string `json:"farm"`
		Variants []struct {
			Setting string `json:"setting"`
		} `json:"variants"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &res))
	assert.Equal(t, "web", res.Farm)
	var settings []string
	for _, v := range res.Variants {
		settings = append(settings, v.Setting)
	}
	// web3.yaml: LeastRequests, a URL test with the default 3 retries,
	// minServers 0, no affinity; faults.yaml: a host becomes unreachable
	// (keep-alive is on) and one goes down.
	assert.Equal(t, []string{"arr.timeoutSemantics", "arr.legacyAlgorithms", "arr.retrySpacing", "health.queue", "arr.probePhase", "arr.allUnhealthyStatus", "arr.liveTrafficDefault", "arr.retryOtherServer", "backends.idleTimeout"}, settings)

	code, out, stderr = runCLI(t, "", nil, base...)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, out, "arr.retrySpacing           immediate -> interval")
	assert.Contains(t, out, "not varied: arr.minServersSemantics: minServers is 0")

	code, _, stderr = runCLI(t, "", nil, append(base, "--html", filepath.Join(t.TempDir(), "r.html"))...)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "--html is not available")
}
