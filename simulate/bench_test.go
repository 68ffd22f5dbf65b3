package simulate

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// wrr10 is the benchmark farm: 10 equal servers, WeightedRoundRobin,
// lognormal service (median 100 ms, sigma 1: mean 165 ms, p99 1 s), a 30 s
// timeout, 32 slots per server, 1000 requests/s (utilisation about 0.5).
func wrr10(t testing.TB, tail string) (*plan, error) {
	cfg := loadConfig(t, farm(10, "protocol: {timeout: 30s}"))
	sc := loadScenario(t, `
warmup: 60s
replications: 1
arrivals: {rate: 1000}
latency: {lognormal: {median: 100ms, sigma: 1}}
concurrency: 32
`+tail)
	return compile(cfg, sc, nil)
}

// BenchmarkWRR10 reports simulated requests per second of one replication
// on one core, in steady state (after the warm-up), and allocations per
// request.
func BenchmarkWRR10(b *testing.B) {
	p, err := wrr10(b, fmt.Sprintf("requests: %d", b.N))
	require.NoError(b, err)
	s := newSim(p, 0)
	s.runUntil(p.warm)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	s.runUntil(never)
	elapsed := time.Since(start)
	b.StopTimer()
	s.finish()
	require.EqualValues(b, b.N, s.st.requests())
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
}

// A warmed-up replication allocates nothing per request: no pool or heap
// growth, no boxing, no closures. Health probes, a fault and queueing are
// on, so that their paths are covered too.
func TestSteadyStateAllocatesNothing(t *testing.T) {
	for _, tc := range []struct{ name, arr, tail string }{
		{"WRR", "protocol: {timeout: 30s}", "duration: 1h"},
		{"LeastRequests+health", `
protocol: {timeout: 2s}
healthCheck: {url: "http://web/health", interval: 5s, timeout: 1s, liveTrafficFailurePeriod: 10s}
loadBalancing: {algorithm: LeastRequests}
affinity: {useCookie: true}`, `duration: 1h
concurrency: 2
arr: {legacyAlgorithms: true}
events: [{at: 0s, server: 10.0.0.3, fault: slow, factor: 30}]`},
		// sessions (slots reused), per-session hash keys, probes queueing
		// behind requests, a hang that freezes requests inside and an
		// unreachable host
		{"RequestHash+sessions+hang", `
protocol: {timeout: 2s}
healthCheck: {url: "http://web/health", interval: 1s, timeout: 1s}
loadBalancing: {algorithm: RequestHash, hashServerVariable: HTTP_COOKIE}
affinity: {useCookie: true}`, `duration: 1h
concurrency: 4
events:
  - {at: 0s, server: 10.0.0.3, fault: hang}
  - {at: 0s, server: 10.0.0.4, fault: unreachable}`},
		// a request whose connection fails is sent to another server
		{"retryOtherServer", "protocol: {timeout: 30s}", `duration: 1h
arr: {retryOtherServer: true}
events:
  - {at: 0s, server: 10.0.0.2, fault: down}
  - {at: 0s, server: 10.0.0.3, fault: unreachable}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := loadConfig(t, farm(10, tc.arr))
			sc := loadScenario(t, `
warmup: 60s
replications: 1
arrivals: {rate: 1000, sessions: {length: 20s, requests: 10}}
latency: {lognormal: {median: 100ms, sigma: 1}}
`+tc.tail)
			p, err := compile(cfg, sc, nil)
			require.NoError(t, err)
			s := newSim(p, 0)
			s.runUntil(p.warm + int64(30*time.Second))
			before := s.st.requests()
			allocs := testing.AllocsPerRun(20, func() { s.runUntil(s.now + int64(time.Second)) })
			require.Greater(t, s.st.requests()-before, int64(15000), "the loop must have run")
			require.Zero(t, allocs, "allocations per simulated second (about 1000 requests)")
		})
	}
}

// BenchmarkReplications compares 4 replications on 1 and 2 workers:
// replications are independent, so they should scale with cores.
func BenchmarkReplications(b *testing.B) {
	p, err := wrr10(b, "duration: 600s")
	require.NoError(b, err)
	for _, w := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) {
			for b.Loop() {
				reps, err := runReplications(p, 4, Options{Workers: w})
				require.NoError(b, err)
				require.Len(b, reps, 4)
			}
			b.ReportMetric(float64(4*660*1000*b.N)/b.Elapsed().Seconds(), "req/s")
		})
	}
}

// The files the SimPy comparison runs arrfarm on (docs/bench/simpy) are
// BenchmarkWRR10's farm and scenario: they compile to the same plan.
func TestSimPyFilesAreTheBenchmark(t *testing.T) {
	doc, err := loadConfigFile("../docs/bench/simpy/farm.yaml")
	require.NoError(t, err)
	require.Empty(t, doc.Findings)
	src, err := os.ReadFile("../docs/bench/simpy/wrr10.yaml")
	require.NoError(t, err)
	sc, fs, err := LoadScenario("wrr10.yaml", src)
	require.NoError(t, err)
	require.Empty(t, fs)
	got, err := compile(doc.Config, sc, nil)
	require.NoError(t, err)
	want, err := wrr10(t, "requests: 1000000")
	require.NoError(t, err)
	for _, p := range []*plan{got, want} {
		p.cfg, p.sc, p.farm = nil, nil, nil
	}
	require.Equal(t, want, got)
}
