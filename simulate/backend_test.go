package simulate

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// Exact cells for the backend side (issue 19): queue limits, how a
// stopped, recycled or paused backend answers, planned removals and pooled
// connections. Each expected figure comes from the formula beside it.

// mmcKBlocking is the blocking probability of M/M/c/K (c slots, at most K
// requests in the system): p_K = p_0 a^K / (c! c^(K-c)), p_n = p_0 a^n / n!
// for n <= c, a = lambda/mu (Gross et al., Fundamentals of Queueing
// Theory, 2.5). By PASTA an arrival finds K in the system with p_K.
func mmcKBlocking(c, k int, a float64) float64 {
	p := make([]float64, k+1)
	p[0] = 1
	for n := 1; n <= k; n++ {
		den := float64(n)
		if n > c {
			den = float64(c)
		}
		p[n] = p[n-1] * a / den
	}
	var sum float64
	for _, x := range p {
		sum += x
	}
	return p[k] / sum
}

func rejected(r *repStats) int64 { return r.out[o503] }

func TestOracleMMcK(t *testing.T) {
	// K = c: M/M/c/c is Erlang B (validation.md 1.3).
	require.InDelta(t, erlangB(3, 2.5), mmcKBlocking(3, 3, 2.5), 1e-12)
	// M/M/1/K: (1-rho) rho^K / (1 - rho^(K+1)).
	rho := 0.8
	require.InDelta(t, (1-rho)*math.Pow(rho, 5)/(1-math.Pow(rho, 6)), mmcKBlocking(1, 5, rho), 1e-12)
}

// ASP.NET's requestQueueLimit bounds the requests a backend holds: one
// server with c slots and limit K is M/M/c/K, and its 503 share is the
// blocking probability, here in overload (a = 2.4 Erlangs on 2 slots).
func TestRequestQueueLimitIsMMcK(t *testing.T) {
	const lambda, mu, c, k = 2.4, 1.0, 2, 6
	cfg := loadConfig(t, farm(1, "protocol: {timeout: 1000s}"))
	sc := loadScenario(t, queueScenario(lambda, mu, c, "100s", "20000s", 20, fmt.Sprintf("backends: {requestQueueLimit: %d}", k)))
	reps := simulate(t, cfg, sc)
	checkRate(t, "503 = M/M/2/6 blocking", rates(reps, rejected), mmcKBlocking(c, k, lambda/mu))
	for _, r := range reps {
		require.Zero(t, r.e5023(), "a 1000 s timeout: no 502.3")
		require.Zero(t, r.out[o5xx], "a full queue is not the application's 5xx")
	}
}

// poissonExcess is E[(N - q)^+] for N ~ Poisson(m).
func poissonExcess(m float64, q int) float64 {
	// E[(N-q)^+] = E[N] - q + sum_{n<q} (q-n) P(N=n).
	s, p := 0.0, math.Exp(-m)
	for n := 0; n < q; n++ {
		s += float64(q-n) * p
		p *= m / float64(n+1)
	}
	return m - float64(q) + s
}

// While a process is paused, arrivals wait in the application pool's
// http.sys queue; beyond queueLength they get 503 at once. One server, no
// slot limit (nothing waits before the pause): the N ~ Poisson(lambda P)
// arrivals of a pause of P seconds give E[(N - q)^+] 503s. The pause (10 s)
// is shorter than the timeout: every other request is answered, late.
func TestPauseFillsTheHTTPSysQueue(t *testing.T) {
	const lambda, P, q = 20.0, 10.0, 150
	cfg := loadConfig(t, farm(1, "protocol: {timeout: 30s}"))
	sc := loadScenario(t, fmt.Sprintf(`
duration: 60s
replications: 400
arrivals: {rate: %g}
latency: {fixed: 100ms}
backends: {queueLength: %d}
events: [{at: 20s, server: 10.0.0.1, fault: pause, for: 10s}]`, lambda, q))
	reps := simulate(t, cfg, sc)
	checkRate(t, "503 from a full http.sys queue", counts(reps, rejected), poissonExcess(lambda*P, q))
	for _, r := range reps {
		require.Zero(t, r.e5023())
	}
}

// A pause shorter than the timeout answers late and fails nothing: the
// lambda S requests in service when it starts and the lambda P sent during
// it are answered up to P + S later than usual; every answer takes at most
// P + S. (A hang of the same length times them all out: TestHangFreezes.)
func TestPauseShorterThanTimeout(t *testing.T) {
	const lambda, P, S = 20.0, 5.0, 0.1
	cfg := loadConfig(t, farm(1, "protocol: {timeout: 30s}"))
	sc := loadScenario(t, fmt.Sprintf(`
duration: 60s
replications: 400
arrivals: {rate: %g}
latency: {fixed: 100ms}
events: [{at: 20s, server: 10.0.0.1, fault: pause, for: 5s}]`, lambda))
	reps := simulate(t, cfg, sc)
	late := func(r *repStats) int64 { return r.out[o2xx] - int64(r.hist.n[histBucket(uint64(S*1e9))]) }
	checkRate(t, "late answers", counts(reps, late), lambda*(P+S))
	for _, r := range reps {
		require.Zero(t, r.e5023(), "a pause shorter than the timeout gives no 502.3")
		require.Zero(t, r.out[o503])
		require.LessOrEqual(t, r.hist.max, int64((P+S)*1e9), "no answer later than P + S")
	}
}

// A stopped application pool: http.sys answers 503 at once, so the server
// keeps its 1/N share until its URL test fails (the probe gets 503 too,
// after 1 ms): D = U + 1 ms with U ~ U(0, I), k incidents of
// (lambda/N)(I/2 + 1 ms) 503s each; requests inside finish (no 502.3).
func TestStoppedPoolAnswers503(t *testing.T) {
	const lambda, n, I, k = 40.0, 4, 5.0, 10
	cfg := loadConfig(t, farm(n, `
protocol: {timeout: 30s}
healthCheck: {url: "http://web/health", interval: 5s, timeout: 2s, retries: 0}`))
	sc := loadScenario(t, "duration: 400s\nreplications: 40\nseed: 9\narrivals: {rate: 40}\nlatency: {fixed: 10ms}\n"+incidents("stopped", k))
	reps := simulate(t, cfg, sc)
	checkRate(t, "503", counts(reps, rejected), k*lambda/n*(I/2+RejectTime.Seconds()))
	for _, r := range reps {
		require.Zero(t, r.e5023(), "in-flight requests finish; the rest get 503, not 502.3")
	}
}

// A recycle resets what the worker works on: with unlimited slots and
// fixed service S the requests in service at an instant are M/G/inf's,
// Poisson of mean lambda S (Little's law), so each recycle gives lambda S
// 502.3 / 12030 and nothing else fails.
func TestRecycleResetsRequestsInside(t *testing.T) {
	const lambda, S = 20.0, 2.0
	cfg := loadConfig(t, farm(1, "protocol: {timeout: 30s}"))
	sc := loadScenario(t, `
duration: 60s
replications: 40
arrivals: {rate: 20}
latency: {fixed: 2s}
events: [{at: 30s, server: 10.0.0.1, fault: recycle}]`)
	reps := simulate(t, cfg, sc)
	checkRate(t, "12030", counts(reps, func(r *repStats) int64 { return r.out[oReset] }), lambda*S)
	for _, r := range reps {
		require.Zero(t, r.out[oTimeout]+r.out[oRefused]+r.out[o503])
		require.EqualValues(t, r.out[oReset], r.faults[0].reset, "attributed to the recycle")
	}
}

// Planned removals. drain ("Disallow New Connections") and unavailable
// ("Make Unavailable Gracefully") let the requests inside finish: 0
// failures, exactly. unavailable also moves the affinitized sessions,
// which drain keeps. remove ("Make Unavailable Immediately") resets the
// lambda/N S requests inside (M/G/inf mean).
func TestPlannedRemovals(t *testing.T) {
	const lambda, n, S = 40.0, 2, 2.0
	cfg := loadConfig(t, farm(n, `
protocol: {timeout: 30s}
affinity: {useCookie: true}`))
	run := func(fault string) []*repStats {
		return simulate(t, cfg, loadScenario(t, fmt.Sprintf(`
duration: 90s
replications: 60
arrivals: {rate: 40}
latency: {fixed: 2s}
events: [{at: 30s, server: 10.0.0.1, fault: %s}]`, fault)))
	}
	drained, unavailable := run("drain"), run("unavailable")
	for _, r := range append(drained, unavailable...) {
		require.Zero(t, r.e5023()+r.out[o503]+r.out[oNoServer], "no failures")
	}
	// Sessions: with drain the first server keeps its sessions' requests;
	// made unavailable it gets none after 30 s (about lambda/N x 30 s
	// before).
	var dReq, uReq int64
	for i := range drained {
		dReq += drained[i].servers[0].requests
		uReq += unavailable[i].servers[0].requests
	}
	before := int64(len(drained)) * int64(lambda/n*30)
	require.Greater(t, dReq, before*11/10, "drain keeps affinitized sessions")
	require.Less(t, uReq, before*11/10, "unavailable moves them")
	reps := run("remove")
	checkRate(t, "remove: 12030", counts(reps, func(r *repStats) int64 { return r.out[oReset] }), lambda/n*S)
}
