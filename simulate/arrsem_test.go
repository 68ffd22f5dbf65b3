package simulate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// After a failover, a recovered server wins back new sessions only: at
// recovery every running session is pinned to the survivor, new sessions
// start at rate lambda/R and alternate between the two servers (round
// robin), and with exponential session lengths of mean L the running
// sessions that predate the recovery are a share e^(-t/L) of all at time t.
// A share p = 1/R of the requests start a session (half of them on each
// server); the others are spread evenly over running sessions. So the
// recovered server's share of the requests in the W seconds after its
// recovery is 1/2 (p + (1-p)(1 - (L/W)(1 - e^(-W/L)))). With a fixed
// population that all met the outage, it gets (almost) nothing back.
func TestSessionsWinBackAfterFailover(t *testing.T) {
	const L, W = 60.0, 120.0
	cfg := loadConfig(t, farm(2, `
protocol: {timeout: 30s}
healthCheck: {url: "http://web/health", interval: 1s, timeout: 1s, retries: 0}
affinity: {useCookie: true}`))
	share := func(clients string, reps int) []float64 {
		sc := loadScenario(t, `
warmup: 300s
duration: 400s
arrivals: {rate: 200, `+clients+`}
latency: {fixed: 10ms}
events: [{at: 0s, server: 10.0.0.1, fault: down, for: 120s}]`)
		p, err := compile(cfg, sc, nil)
		require.NoError(t, err)
		var xs []float64
		for rep := range reps {
			s := newSim(p, rep)
			at := p.warm + int64(120*time.Second)
			s.runUntil(at)
			for !s.srv[0].healthy {
				at += int64(time.Millisecond)
				s.runUntil(at)
			}
			a0, b0 := s.srv[0].st.requests, s.srv[1].st.requests
			s.runUntil(at + int64(W*float64(time.Second)))
			a, b := s.srv[0].st.requests-a0, s.srv[1].st.requests-b0
			xs = append(xs, float64(a)/float64(a+b))
		}
		return xs
	}
	const p = 1.0 / 20
	want := 0.5 * (p + (1-p)*(1-L/W*(1-math.Exp(-W/L))))
	checkRate(t, "recovered server's share of requests", share("sessions: {length: 60s, requests: 20}", 20), want)
	for _, x := range share("clients: 1000", 3) {
		require.Less(t, x, 0.01, "a fixed population stays pinned to the survivor")
	}
}

// minServers as Microsoft's ARR events page says (event 1002): once only
// minServers servers are healthy, no more are marked unhealthy. 3 of 4
// servers go down for good with minServers 2: two are marked, the third
// stays in rotation with the one good server, so half the requests fail
// (12029). Under the ignoreHealth reading, the third mark leaves 1 < 2
// healthy servers and health is ignored: three quarters fail. The marks
// come at T_k, the k-th of three U(0, I) probe phases plus the refused
// probe's connect time c: E[T_k] = kI/4 + c. Before the marks the failing
// share is 3/4, then 2/3 (three eligible), then the final share; the
// requests inside the servers when they go down are reset: 3 (lambda/4) S.
func TestMinServersSemantics(t *testing.T) {
	const lambda, W, I, c, S = 100.0, 400.0, 1.0, 0.001, 0.010
	cfg := loadConfig(t, farm(4, `
protocol: {timeout: 5s}
healthCheck: {url: "http://web/health", interval: 1s, timeout: 1s, retries: 0, minServers: 2}`))
	t1, t2, t3 := I/4+c, I/2+c, 3*I/4+c
	resets := 3 * lambda / 4 * S
	for _, tc := range []struct {
		semantics string
		want      float64
	}{
		{"threshold", lambda*(0.5*W+(0.75-0.5)*t1+(2.0/3-0.5)*(t2-t1)) + resets},
		{"ignoreHealth", lambda*(0.75*W-(0.75-2.0/3)*(t2-t1)-(0.75-0.5)*(t3-t2)) + resets},
	} {
		t.Run(tc.semantics, func(t *testing.T) {
			sc := loadScenario(t, `
duration: 400s
replications: 20
arrivals: {rate: 100}
latency: {fixed: 10ms}
arr: {minServersSemantics: `+tc.semantics+`}
events:
  - {at: 0s, server: 10.0.0.1, fault: down}
  - {at: 0s, server: 10.0.0.2, fault: down}
  - {at: 0s, server: 10.0.0.3, fault: down}`)
			reps := simulate(t, cfg, sc)
			checkRate(t, "502.3 count", counts(reps, (*repStats).e5023), tc.want)
			require.Zero(t, reps[0].out[oNoServer])
		})
	}
}

// Probes are requests: they wait behind the requests for the backend's
// slot. One M/M/1 backend (lambda 8/s, mu 10/s), probed every second with
// a 1 s timeout and a 1 ms probe: a probe fails when its wait exceeds
// tau - S_p, which for FCFS M/M/1 happens with probability
// rho e^(-(mu - lambda)(tau - S_p)) (validation.md 1.1, P(W > t)). Probes
// sample the queue at fixed times of random phase, so they see its time
// average. minServers 1 keeps the only server in rotation whatever the
// verdicts. Answered beside the queue (health.queue: false), a 1 ms probe
// never fails.
func TestProbesQueueBehindRequests(t *testing.T) {
	const lambda, mu, tau, sp = 8.0, 10.0, 1.0, 0.001
	cfg := loadConfig(t, farm(1, `
protocol: {timeout: 60s}
healthCheck: {url: "http://web/health", interval: 1s, timeout: 1s, retries: 0, minServers: 1}`))
	scenario := func(queue bool) *Scenario {
		return loadScenario(t, fmt.Sprintf(`
warmup: 60s
duration: 2000s
replications: 20
arrivals: {rate: 8}
latency: {exponential: {mean: 100ms}}
concurrency: 1
health: {latency: {fixed: 1ms}, queue: %t}`, queue))
	}
	reps := simulate(t, cfg, scenario(true))
	fails := make([]float64, len(reps))
	for i, r := range reps {
		fails[i] = float64(r.servers[0].probeFails) / float64(r.servers[0].probes)
	}
	checkRate(t, "failed probes", fails, lambda/mu*math.Exp(-(mu-lambda)*(tau-sp)))

	for _, r := range simulate(t, cfg, scenario(false)) {
		require.Zero(t, r.servers[0].probeFails, "a probe beside the queue takes 1 ms")
		require.Positive(t, r.servers[0].probes)
	}
}

// Every attribute the configuration sets that the simulator does not model
// is named, in the text and JSON reports (the HTML page prints the same
// notes: report.TestPageCarriesWarnings).
func TestUnmodelledSettingsAreNamed(t *testing.T) {
	cfg := loadConfig(t, "webFarms: {onDemandHealthCheck: true}\n"+farm(2, `
protocol: {timeout: 30s, keepAlive: false}
healthCheck: {url: "http://web/health", interval: 5s, responseMatch: ok}
affinity: {useCookie: true, useHostName: true}
loadBalancing: {algorithm: WeightedRoundRobin, hashServerVariable: HTTP_X, queryStringNames: a}`))
	sc := loadScenario(t, "duration: 5s\nreplications: 2\narrivals: {rate: 10}\nlatency: {fixed: 1ms}\n")
	res, err := Run(cfg, sc, Options{})
	require.NoError(t, err)
	var txt, js bytes.Buffer
	require.NoError(t, res.WriteText(&txt))
	require.NoError(t, res.WriteJSON(&js))
	for _, name := range []string{"webFarms/@onDemandHealthCheck", "healthCheck/@responseMatch",
		"affinity/@useHostName", "loadBalancing/@hashServerVariable", "loadBalancing/@queryStringNames"} {
		require.Contains(t, txt.String(), name)
		require.Contains(t, js.String(), name)
	}
	require.NotContains(t, txt.String(), "protocol/@timeout", "the timeout is simulated")
	require.NotContains(t, txt.String(), "protocol/@keepAlive", "keep-alive decides the connection pool")
}

// An unreachable host does not refuse: connecting runs until Windows' SYN
// retries give up after 21 s (12029) or the farm timeout ends it (12002),
// whichever is first; the requests inside freeze and time out. Round robin
// over 2 servers, lambda 20/s, service 2 s, a 60 s fault: lambda/2 x 60
// requests meet the fault, lambda/2 x 2 s are inside when it starts.
// Without keep-alive every request opens a new connection; with it (the
// default) the first requests go out on pooled connections and wait for
// the timeout instead (TestPooledConnectionsToAnUnreachableHost counts
// them), so only the sum keeps its formula.
func TestUnreachable(t *testing.T) {
	const lambda, n, span, S = 20.0, 2, 60.0, 2.0
	sc := func() *Scenario {
		return loadScenario(t, `
duration: 120s
replications: 20
arrivals: {rate: 20}
latency: {fixed: 2s}
events: [{at: 10s, server: 10.0.0.1, fault: unreachable, for: 60s}]`)
	}
	t.Run("timeout 30s", func(t *testing.T) {
		reps := simulate(t, loadConfig(t, farm(n, "protocol: {timeout: 30s, keepAlive: false}")), sc())
		checkRate(t, "12029", counts(reps, func(r *repStats) int64 { return r.out[oRefused] }), lambda/n*span)
		checkRate(t, "12002 (frozen inside)", counts(reps, func(r *repStats) int64 { return r.out[oTimeout] }), lambda/n*S)
		for _, r := range reps {
			// nothing else takes 21 s: answers take 2 s, timeouts 30 s
			require.EqualValues(t, r.out[oRefused], r.hist.n[histBucket(uint64(UnreachableConnectTime))], "every 12029 took 21 s")
		}
	})
	t.Run("timeout 30s, pooled connections", func(t *testing.T) {
		reps := simulate(t, loadConfig(t, farm(n, "protocol: {timeout: 30s}")), sc())
		checkRate(t, "12029 + 12002", counts(reps, func(r *repStats) int64 { return r.out[oRefused] + r.out[oTimeout] }), lambda/n*(span+S))
	})
	t.Run("timeout 10s", func(t *testing.T) {
		reps := simulate(t, loadConfig(t, farm(n, "protocol: {timeout: 10s}")), sc())
		require.Zero(t, reps[0].out[oRefused], "the farm timeout ends the attempt first")
		checkRate(t, "12002", counts(reps, func(r *repStats) int64 { return r.out[oTimeout] }), lambda/n*(span+S))
	})
	// Its probe fails after min(21 s, the probe timeout): detection after
	// D = U + T_probe (retries 0), so (lambda/N)(I/2 + T_probe + S) per
	// incident, S = 10 ms now.
	t.Run("detected", func(t *testing.T) {
		const lambda, n, I, T, S, k = 40.0, 4, 5.0, 2.0, 0.010, 10
		cfg := loadConfig(t, farm(n, `
protocol: {timeout: 30s}
healthCheck: {url: "http://web/health", interval: 5s, timeout: 2s, retries: 0}`))
		sc := loadScenario(t, "duration: 400s\nreplications: 40\nseed: 9\narrivals: {rate: 40}\nlatency: {fixed: 10ms}\n"+incidents("unreachable", k))
		reps := simulate(t, cfg, sc)
		checkRate(t, "502.3", counts(reps, (*repStats).e5023), k*lambda/n*(I/2+T+S))
	})
}

// A hang freezes the requests already inside, as a frozen process does:
// without a health test, lambda/N x (hang + S) requests time out, the
// lambda/N x S inside at the start included. (Before, those finished.)
func TestHangFreezesRequestsInside(t *testing.T) {
	const lambda, n, span, S = 20.0, 2, 60.0, 10.0
	cfg := loadConfig(t, farm(n, "protocol: {timeout: 30s}"))
	sc := loadScenario(t, `
duration: 120s
replications: 20
arrivals: {rate: 20}
latency: {fixed: 10s}
events: [{at: 10s, server: 10.0.0.1, fault: hang, for: 60s}]`)
	reps := simulate(t, cfg, sc)
	checkRate(t, "12002", counts(reps, func(r *repStats) int64 { return r.out[oTimeout] }), lambda/n*(span+S))
	for _, r := range reps {
		require.EqualValues(t, r.out[oTimeout], r.hist.n[histBucket(30e9)], "each timed out at 30 s")
	}
}

// util is a share of capacity in text and JSON alike (and in the HTML
// page: report.TestServerLoadMeaning): lambda/N x S
// / c = 50/s x 100 ms / 10 = 0.5, with 5 requests in service on average.
// With unlimited concurrency the capacity is unlimited: JSON 0 (the
// contract's field stays a number), text "-", and the mean in service is
// shown instead.
func TestUtilizationMeansTheSameEverywhere(t *testing.T) {
	cfg := loadConfig(t, farm(2, "protocol: {timeout: 30s}"))
	for _, conc := range []int{10, 0} {
		sc := loadScenario(t, fmt.Sprintf("duration: 600s\nreplications: 4\narrivals: {rate: 100}\nlatency: {fixed: 100ms}\nconcurrency: %d\n", conc))
		res, err := Run(cfg, sc, Options{})
		require.NoError(t, err)
		s := res.Farms[0].Servers[0]
		require.InDelta(t, 5, s.MeanInService, 0.1)
		var txt, js bytes.Buffer
		require.NoError(t, res.WriteText(&txt))
		require.NoError(t, res.WriteJSON(&js))
		var parsed struct {
			Farms []struct {
				Servers []struct {
					Utilization   *float64 `json:"utilization"`
					MeanInService float64  `json:"mean_in_service"`
				} `json:"servers"`
			} `json:"farms"`
		}
		require.NoError(t, json.Unmarshal(js.Bytes(), &parsed))
		js0 := parsed.Farms[0].Servers[0]
		require.Contains(t, js.String(), `"utilization"`, "the contract's key is always there")
		require.Contains(t, txt.String(), fmt.Sprintf("%10.2f", s.MeanInService))
		require.NotNil(t, js0.Utilization, "the contract's utilization is a number, never null")
		if conc == 0 {
			require.Zero(t, *js0.Utilization)
			require.Regexp(t, `10\.0\.0\.1 +\d+ +\d+ +- `, txt.String())
			continue
		}
		require.InDelta(t, 0.5, *js0.Utilization, 0.02)
		pctText := fmt.Sprintf("%.0f%%", 100*s.Utilization)
		require.Regexp(t, `10\.0\.0\.1 +\d+ +\d+ +`+pctText, txt.String())
	}
}

// --assumptions reruns with each undocumented behaviour flipped. The farm
// below names LeastRequests (ARR 3 runs WeightedRoundRobin instead) and
// keeps the default 3 retries; a server goes down for 15 s ten times, with
// the requests inside it (lambda/4 x S, service S = 1 s) reset each time.
// Round robin sends it its quarter until detection after U + 4 c (refused
// probes retried at once): base 502.3 per incident (lambda/4)(I/2 + 4c) +
// (lambda/4) S. LeastRequests as documented sends it nearly everything (the
// black hole: nothing stays in flight there): lambda (I/2 + 4c) +
// (lambda/4) S, about 3.5x. Retries at the next intervals need U + 3 I,
// past the 15 s outage, so it gets its quarter for all 15 s:
// (lambda/4)(15 + S), about 2.7x.
func TestAssumptionBands(t *testing.T) {
	const lambda, I, c, span, S, k, W = 40.0, 10.0, 0.001, 15.0, 1.0, 10, 400.0
	cfg := loadConfig(t, farm(4, `
protocol: {timeout: 30s}
healthCheck: {url: "http://web/health", interval: 10s, timeout: 2s}
loadBalancing: {algorithm: LeastRequests}`))
	sc := loadScenario(t, "duration: 400s\nreplications: 10\nseed: 9\narrivals: {rate: 40}\nlatency: {fixed: 1s}\n"+incidents("down", k))
	a, err := RunAssumptions(cfg, sc, Options{})
	require.NoError(t, err)
	base := lambda/4*(I/2+4*c) + lambda/4*S
	require.InEpsilon(t, k*base/(lambda*W), a.Base.R5023.Mean, 0.15, "base 502.3 rate")
	by := map[string]Variant{}
	for _, v := range a.Variants {
		by[v.Setting] = v
	}
	for setting, want := range map[string]float64{
		"arr.legacyAlgorithms": (lambda*(I/2+4*c) + lambda/4*S) / base,
		"arr.retrySpacing":     lambda / 4 * (span + S) / base,
	} {
		v, ok := by[setting]
		require.True(t, ok, "variant %s", setting)
		require.NotNil(t, v.Ratio5023)
		t.Logf("%s: x%.3f, expected about x%.3f", setting, *v.Ratio5023, want)
		require.Greater(t, *v.Ratio5023, 2.0)
		require.InEpsilon(t, want, *v.Ratio5023, 0.15)
	}
	require.Contains(t, a.NotApplicable, "arr.minServersSemantics: minServers is 0")
	require.Equal(t, "arr.legacyAlgorithms", a.Worst().Setting, "the black hole is the worst reading here")

	var txt, js bytes.Buffer
	require.NoError(t, a.WriteText(&txt))
	require.NoError(t, a.WriteJSON(&js))
	require.Regexp(t, `arr\.legacyAlgorithms +false -> true +[0-9.]+% .* x[2-4]\.\d+\n`, txt.String())
	require.Regexp(t, `arr\.retrySpacing +immediate -> interval +[0-9.]+% .* x[2-3]\.\d+\n`, txt.String())
	var parsed Assumptions
	require.NoError(t, json.Unmarshal(js.Bytes(), &parsed))
	require.Equal(t, a.Variants, parsed.Variants)
	require.True(t, strings.Contains(js.String(), `"ratio_502.3"`))
}

// A session model that would keep more sessions running than the simulator
// holds is refused before running: 1000 req/s in one-request sessions of
// 24 h is 86.4 M sessions.
func TestSessionsAreBounded(t *testing.T) {
	cfg := loadConfig(t, farm(2, "affinity: {useCookie: true}"))
	sc := loadScenario(t, "arrivals: {rate: 1000, sessions: {length: 24h, requests: 1}}\nlatency: {fixed: 1ms}\n")
	_, err := Run(cfg, sc, Options{})
	require.ErrorContains(t, err, "keep about 8.64e+07 sessions running")
}

// Under --until-ci each run of --assumptions stops on its own, so each
// carries its own replication count, and the text shows them when they
// differ instead of calling the base's count everyone's.
func TestAssumptionsReplicationsPerRun(t *testing.T) {
	cfg := loadConfig(t, farm(4, `
protocol: {timeout: 30s}
healthCheck: {url: "http://web/health", interval: 10s, timeout: 2s}
loadBalancing: {algorithm: LeastRequests}`))
	sc := loadScenario(t, "duration: 400s\nreplications: 4\nseed: 9\narrivals: {rate: 40}\nlatency: {fixed: 1s}\n"+incidents("down", 3))
	opts := Options{UntilCI: 0.2, MaxReplications: 30}
	a, err := RunAssumptions(cfg, sc, opts)
	require.NoError(t, err)
	alone, err := Run(cfg, sc, opts)
	require.NoError(t, err)
	require.Equal(t, alone.Replications, a.Base.Replications, "the base run's own count")
	for _, v := range a.Variants {
		require.GreaterOrEqual(t, v.Replications, 4, v.Setting)
		require.LessOrEqual(t, v.Replications, 30, v.Setting)
	}

	mixed := Assumptions{Farm: "web", Seed: 1, Replications: 10,
		Base:     Variant{Replications: 10},
		Variants: []Variant{{Setting: "arr.retrySpacing", Assumed: "immediate", Value: "interval", Replications: 40}}}
	var txt bytes.Buffer
	require.NoError(t, mixed.WriteText(&txt))
	require.Contains(t, txt.String(), "replications per run in the last column")
	require.Regexp(t, `\(base: as simulated\) .* 10\n`, txt.String())
	require.Regexp(t, `arr\.retrySpacing .* 40\n`, txt.String())
	require.NotContains(t, txt.String(), "10 replication(s) each")
}
