package simulate

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// counts are per-replication counts of an outcome, as float64 for checkRate.
func counts(reps []*repStats, count func(*repStats) int64) []float64 {
	xs := make([]float64, len(reps))
	for i, r := range reps {
		xs[i] = float64(count(r))
	}
	return xs
}

func noServer(r *repStats) int64 { return r.out[oNoServer] }

// Every server down at once (validation.md 1.8, check 2): after the last
// server's failed probe, every request gets 502.4 until the first server
// passes a probe after the outage. Probes of server i run at phase_i + k I
// with phase_i uniform, so each detection delay is U_i ~ U(0, I) plus the
// F = retries+1 = 4 refused attempts (healthCheck/@retries defaults to 3,
// retried at once) of one connect time each; the outage lasting a
// multiple of I, each recovery delay is the same U_i plus the probe
// latency. The 502.4 window is outage + min U - max U, with
// E[max] = I N/(N+1) and E[min] = I/(N+1) for N uniforms.
func TestAllServersDown(t *testing.T) {
	const (
		n        = 3
		interval = 5.0  // s
		outage   = 60.0 // s, a multiple of interval
		lambda   = 100.0
		connect  = 0.001 // ConnectFailTime
		probe    = 0.005 // health.latency
		attempts = 4     // retries (schema default 3) + 1
	)
	cfg := loadConfig(t, farm(n, `
protocol: {timeout: 10s}
healthCheck: {url: "http://web/health", interval: 5s, timeout: 2s}`))
	sc := loadScenario(t, `
duration: 120s
replications: 30
seed: 3
arrivals: {rate: 100}
latency: {fixed: 10ms}
health: {latency: {fixed: 5ms}}
events: [{at: 20s, server: "*", fault: down, for: 60s}]`)
	reps := simulate(t, cfg, sc)

	eMax := interval * n / (n + 1)
	eMin := interval / (n + 1)
	window := outage + (eMin + probe) - (eMax + attempts*connect)
	checkRate(t, "502.4 count", counts(reps, noServer), lambda*window)
	// Every request from the outage's start to the first recovery fails:
	// 502.3 / 12029 while its server is still eligible, 502.4 after.
	checkRate(t, "502.3 + 502.4 count", counts(reps, func(r *repStats) int64 { return r.out[oRefused] + r.out[oNoServer] }),
		lambda*(outage+eMin+probe))
	require.Zero(t, reps[0].out[oTimeout], "a down server refuses; nothing should time out")
	// Each server is unhealthy from its detection to its recovery:
	// outage + probe - attempts x connect, exactly.
	for i, u := range reps[0].unhealthy {
		require.InDelta(t, outage+probe-attempts*connect, float64(u)/1e9, 1e-9, "server %d unhealthy time", i)
	}

	// The ARR events page says 502.3 where the 502 article says 502.4
	// (arr-reference.md 10): arr.allUnhealthyStatus moves the same window
	// from one to the other, and the output names the source.
	sc503 := loadScenario(t, `
duration: 120s
replications: 30
seed: 3
arrivals: {rate: 100}
latency: {fixed: 10ms}
health: {latency: {fixed: 5ms}}
arr: {allUnhealthyStatus: "502.3"}
events: [{at: 20s, server: "*", fault: down, for: 60s}]`)
	reps503 := simulate(t, cfg, sc503)
	for _, r := range reps503 {
		require.Zero(t, r.out[oNoServer])
	}
	checkRate(t, "502.3 with every server unhealthy", counts(reps503, func(r *repStats) int64 { return r.out[oAllUnhealthy] }), lambda*window)
	for _, tc := range []struct {
		sc   *Scenario
		note string
	}{{sc, "got 502.4, as Microsoft's 502 troubleshooting article says"}, {sc503, "got 502.3, as the ARR events page says"}} {
		res, err := Run(cfg, tc.sc, Options{})
		require.NoError(t, err)
		require.InDelta(t, outage+eMin-eMax, res.Farms[0].AllUnhealthyS, 0.6)
		var txt bytes.Buffer
		require.NoError(t, res.WriteText(&txt))
		require.Contains(t, txt.String(), tc.note)
	}

	// minServers 1, as documented: the last healthy server is never marked
	// unhealthy, so requests keep going to it (down): 502.3 instead of
	// 502.4, for the whole outage.
	cfg = loadConfig(t, farm(n, `
protocol: {timeout: 10s}
healthCheck: {url: "http://web/health", interval: 5s, timeout: 2s, minServers: 1}`))
	reps = simulate(t, cfg, sc)
	for _, r := range reps {
		require.Zero(t, r.out[oNoServer], "minServers 1 leaves no 502.4")
	}
	checkRate(t, "minServers 1: 502.3 count", counts(reps, func(r *repStats) int64 { return r.out[oRefused] }), lambda*outage)
}

// incidents repeats a fault on one server every 37 s (not a multiple of the
// probe interval, so the detection delays spread over the interval).
func incidents(fault string, k int) string {
	var b strings.Builder
	b.WriteString("events:\n")
	for i := range k {
		fmt.Fprintf(&b, "  - {at: %ds, server: 10.0.0.1, fault: %s, for: 15s}\n", 20+37*i, fault)
	}
	return b.String()
}

// One server hangs under round robin (validation.md 1.8, check 1): until
// the health test notices, it gets its 1/N share and every such request
// times out. The hang starts at a uniform phase of the probe cycle, so the
// first failing probe is sent after U ~ U(0, I). With R =
// healthCheck/@retries retried at once, R+1 probes each time out after
// T_probe: D = U + (R+1) T_probe. Retried at the next intervals, the last
// of them is sent R intervals later: D = U + R I + T_probe. The requests
// inside the server when it freezes (lambda/N x service time of them) time
// out too. So 502.3 per incident = (lambda/N) (E[D] + S). The scenario's
// arr.healthFailures F, where set, replaces R+1: D = U + F T_probe.
func TestHangUnderRoundRobin(t *testing.T) {
	const n, lambda, interval, probeTimeout, service, k = 4, 40.0, 5.0, 1.0, 0.010, 10
	for _, tc := range []struct {
		retries  int
		spacing  string
		failures int // arr.healthFailures; 0 leaves it unset
		eD       float64
	}{
		{0, "immediate", 0, interval/2 + probeTimeout},
		{3, "immediate", 0, interval/2 + 4*probeTimeout},
		{1, "interval", 0, interval/2 + interval + probeTimeout},
		{3, "immediate", 2, interval/2 + 2*probeTimeout},
	} {
		arr := "retrySpacing: " + tc.spacing
		if tc.failures > 0 {
			arr += fmt.Sprintf(", healthFailures: %d", tc.failures)
		}
		t.Run(fmt.Sprintf("retries=%d,%s,failures=%d", tc.retries, tc.spacing, tc.failures), func(t *testing.T) {
			cfg := loadConfig(t, farm(n, fmt.Sprintf(`
protocol: {timeout: 3s}
healthCheck: {url: "http://web/health", interval: 5s, timeout: 1s, retries: %d}`, tc.retries)))
			sc := loadScenario(t, fmt.Sprintf(`
duration: 400s
replications: 40
seed: 9
arrivals: {rate: 40}
latency: {fixed: 10ms}
arr: {%s}
`, arr)+incidents("hang", k))
			reps := simulate(t, cfg, sc)
			perIncident := lambda / n * (tc.eD + service)
			checkRate(t, "hang 502.3", counts(reps, func(r *repStats) int64 { return r.out[oTimeout] }), k*perIncident)
			require.Zero(t, reps[0].out[oNoServer])
		})
	}
}

// Under LeastRequests a server that refuses connections has no requests in
// flight and attracts nearly all traffic until it is marked down
// (validation.md 1.8, the black-hole effect): failures ~ lambda E[D], not
// lambda/N E[D]. Service (20 s) outlasts detection, so that the healthy
// servers keep requests in flight throughout.
func TestDownUnderLeastRequestsBlackHole(t *testing.T) {
	const n, lambda, interval, connect, k = 4, 40.0, 5.0, 0.001, 10
	cfg := loadConfig(t, farm(n, `
protocol: {timeout: 30s}
healthCheck: {url: "http://web/health", interval: 5s, timeout: 1s}
loadBalancing: {algorithm: LeastRequests}`))
	sc := loadScenario(t, `
duration: 400s
replications: 40
seed: 9
arrivals: {rate: 40}
latency: {fixed: 20s}
arr: {legacyAlgorithms: true}
`+incidents("down", k))
	reps := simulate(t, cfg, sc)
	checkRate(t, "down under LeastRequests", counts(reps, func(r *repStats) int64 { return r.out[oRefused] }), k*lambda*(interval/2+connect))
}

// If ARR probes the farm in one sweep (arr.probePhase: sweep) rather than
// each server at its own phase, every server's detection delay is the same
// U: in TestAllServersDown's outage the window is then outage + probe -
// attempts x connect = 60.001 s exactly, instead of outage + E[min U] -
// E[max U] (57.5 s on average for N = 3, I = 5 s): the all-unhealthy
// window grows by (N-1)/(N+1) I. --assumptions runs the other reading.
func TestProbeSweep(t *testing.T) {
	const (
		outage, lambda, connect, probe, attempts = 60.0, 100.0, 0.001, 0.005, 4
	)
	cfg := loadConfig(t, farm(3, `
protocol: {timeout: 10s}
healthCheck: {url: "http://web/health", interval: 5s, timeout: 2s}`))
	sc := loadScenario(t, `
duration: 120s
replications: 30
seed: 3
arrivals: {rate: 100}
latency: {fixed: 10ms}
health: {latency: {fixed: 5ms}}
arr: {probePhase: sweep}
events: [{at: 20s, server: "*", fault: down, for: 60s}]`)
	window := outage + probe - attempts*connect
	checkRate(t, "502.4 count, one sweep", counts(simulate(t, cfg, sc), noServer), lambda*window)
	res, err := Run(cfg, sc, Options{})
	require.NoError(t, err)
	require.InDelta(t, window, res.Farms[0].AllUnhealthyS, 1e-6, "every replication: the same window")

	sc.ARR.ProbePhase = ProbeIndependent
	a, err := RunAssumptions(cfg, sc, Options{})
	require.NoError(t, err)
	var band *Variant
	for i := range a.Variants {
		if a.Variants[i].Setting == "arr.probePhase" {
			band = &a.Variants[i]
		}
	}
	require.NotNil(t, band)
	require.Equal(t, "independent -> sweep", band.Assumed+" -> "+band.Value)
	// 502.4 share: lambda x window over lambda x 120 s of requests
	require.InDelta(t, window/120, band.R5024.Mean, 0.01)
	require.InDelta(t, (outage+(5.0/4+probe)-(5.0*3/4+attempts*connect))/120, a.Base.R5024.Mean, 0.01)
}

// A curve over probe intervals must follow the formula at every point, not
// dip and rise with a handful of random phases (issue 16: a sweep went down
// from 14 s to 15 s). One server of N goes down at a fixed time; its
// requests are refused until its first failing probe, U ~ U(0, I) later,
// plus the four retried connects: 502.3 per replication = (lambda/N)
// (E[U] + 4 connect), E[U] = I/2. Over R = 20 replications independent
// phases leave the mean of U off by I/sqrt(12 R), 13 % of I/2, so some of
// eleven settings miss by more than the 8 % allowed here. A shifted grid of
// phases (probePhase) holds it within I/(2R), 5 % of I/2, whatever the
// fault time; Poisson noise adds under 1 % (15000 requests per setting).
func TestProbeIntervalCurveIsSmooth(t *testing.T) {
	const n, lambda, connect, reps = 3, 300.0, 0.001, 20
	for sec := 10; sec <= 20; sec++ {
		cfg := loadConfig(t, farm(n, fmt.Sprintf(`
protocol: {timeout: 10s}
healthCheck: {url: "http://web/health", interval: %ds, timeout: 2s}`, sec)))
		sc := loadScenario(t, fmt.Sprintf(`
duration: 60s
replications: %d
seed: 5
arrivals: {rate: 300}
latency: {fixed: 10ms}
health: {latency: {fixed: 5ms}}
events: [{at: 20s, server: 10.0.0.1, fault: down, for: 30s}]`, reps))
		var sum float64
		for _, r := range simulate(t, cfg, sc) {
			sum += float64(r.out[oRefused])
		}
		want := lambda / n * (float64(sec)/2 + 4*connect)
		got := sum / reps
		t.Logf("interval %2ds: 502.3 per replication %.1f, exact %.1f", sec, got, want)
		assert.InEpsilon(t, want, got, 0.08, "interval %ds", sec)
	}
}

// A block of replications puts every server's first probes on a grid of
// the interval's slices: one in each slice, the same offset in each.
func TestProbePhaseGrid(t *testing.T) {
	const n = 10
	p := &plan{seed: 7, strata: n, interval: 15e9}
	slice := p.interval / n
	for block := range 3 {
		seen := make([]bool, n)
		off := p.probePhase(block*n, "health/10.0.0.1", 0.5) % slice
		for k := range n {
			ph := p.probePhase(block*n+k, "health/10.0.0.1", 0.5)
			require.False(t, seen[ph/slice], "block %d: slice %d twice", block, ph/slice)
			seen[ph/slice] = true
			require.InDelta(t, off, ph%slice, 1, "block %d: the grid's offset", block)
		}
	}
}
