package recommend

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrfarm/arrfarm/schema"
	"github.com/arrfarm/arrfarm/simulate"
)

// sigmaRR solves sigma = (lambda / (lambda + mu (1 - sigma)))^N, the
// E_N/M/1 root of a round-robin server (validation.md 1.5), by fixed-point
// iteration, which converges from below for a stable queue.
func sigmaRR(n int, lambda, mu float64) float64 {
	s := 0.0
	for i := 0; i < 100000; i++ {
		next := math.Pow(lambda/(lambda+mu*(1-s)), float64(n))
		if math.Abs(next-s) < 1e-15 {
			break
		}
		s = next
	}
	return s
}

func TestSigmaRRHandCheck(t *testing.T) {
	// validation.md 1.5: N = 2, rho = 0.5 gives (3 - sqrt 5) / 2.
	assert.InDelta(t, (3-math.Sqrt(5))/2, sigmaRR(2, 1, 1), 1e-9)
	assert.InDelta(t, 0.693945, sigmaRR(4, 3.2, 1), 1e-6)
}

// Round robin over single-slot servers with exponential service makes each
// server an E_N/M/1 queue, whose time in system is exponential with rate
// mu (1 - sigma): P(T > tau) = exp(-mu (1 - sigma) tau). The capacity is the
// smallest N whose tail is under the target; the parameters put N - 1 well
// above and N well below it, so that the simulation can tell them apart.
func TestCapacityMatchesRoundRobinErlangTail(t *testing.T) {
	const lambda, mu, tau, target = 3.0, 1.0, 10.0, 0.01
	want := 0
	for n := 4; n < 20; n++ {
		if math.Exp(-mu*(1-sigmaRR(n, lambda, mu))*tau) <= target {
			want = n
			break
		}
	}
	require.Equal(t, 5, want, "the formula's answer for these parameters")
	above := math.Exp(-mu * (1 - sigmaRR(want-1, lambda, mu)) * tau)
	below := math.Exp(-mu * (1 - sigmaRR(want, lambda, mu)) * tau)
	require.Greater(t, above, 2*target)
	require.Less(t, below, target/2)

	doc := loadConfig(t, "farm.yaml", farmYAML(2, "protocol: {timeout: 10s}"))
	sc := loadScenario(t, `
duration: 6h
warmup: 10m
replications: 10
seed: 2
arrivals: {rate: 3}
latency: {exponential: {mean: 1s}}
concurrency: 1
`)
	res, err := Recommend(doc.Config, sc, Options{Target: target, CapacityTimeout: 10 * time.Second})
	require.NoError(t, err)
	c := res.Farms[0].Capacity
	require.NotNil(t, c.Servers, "%v", res.Farms[0].Reasons)
	assert.Equal(t, want, *c.Servers)
	assert.Equal(t, want+1, *c.ServersNPlus1)
	assert.InDelta(t, below, c.Predicted5023.Mean, 3*(c.Predicted5023.CI95[1]-c.Predicted5023.Mean)+1e-4,
		"the simulated tail at N matches the formula")
	assert.Equal(t, "WeightedRoundRobin", res.Farms[0].Algorithm)
}

// An overloaded farm gets the statement and no timeout, in every format.
func TestOverloadedFarm(t *testing.T) {
	doc := loadConfig(t, "farm.yaml", farmYAML(2, "protocol: {timeout: 30s}"))
	sc := loadScenario(t, `
duration: 2m
replications: 4
arrivals: {rate: 100}
latency: {exponential: {mean: 50ms}}
concurrency: 1
`)
	res, err := Recommend(doc.Config, sc, Options{Target: 0.001})
	require.NoError(t, err)
	f := res.Farms[0]
	assert.True(t, f.Overloaded)
	assert.Nil(t, f.Timeout.RecommendedS)
	assert.Nil(t, f.Timeout.Predicted5023)
	assert.InDelta(t, 2.5, f.Utilization, 1e-9, "50 req/s x 50 ms on one slot")
	require.NotNil(t, f.Capacity.Servers, "capacity still says how many servers carry the load")
	assert.GreaterOrEqual(t, *f.Capacity.Servers, 6, "100 req/s x 50 ms needs more than 5 slots")

	var js, text strings.Builder
	require.NoError(t, res.WriteJSON(&js))
	require.NoError(t, res.WriteText(&text))
	assert.Contains(t, js.String(), `"recommended_s": null`)
	assert.Contains(t, js.String(), `"overloaded": true`)
	assert.Contains(t, js.String(), "overloaded")
	assert.Contains(t, text.String(), "overloaded")
	assert.Contains(t, res.Preamble(), "overloaded")
	reps, _ := Edits(doc, res)
	for _, r := range reps {
		assert.NotContains(t, r.Text, "00:00", "no timeout is written for an overloaded farm")
	}
}

// A sweep of the timeout on the same random streams never shows 502.3
// rising as the timeout grows, and matches the one-run curve within its CI.
func TestSweepTimeoutCommonRandomNumbers(t *testing.T) {
	cfgSrc := farmYAML(3, "protocol: {timeout: 30s}")
	scSrc := `
duration: 5m
warmup: 30s
replications: 5
seed: 9
arrivals: {rate: 40}
latency: {lognormal: {median: 150ms, sigma: 1.2}}
concurrency: 8
`
	load := func() (*schema.Config, *simulate.Scenario, error) {
		return loadConfig(t, "farm.yaml", cfgSrc).Config, loadScenario(t, scSrc), nil
	}
	v, err := ParseVary("web.protocol.timeout=1s..12s/1s")
	require.NoError(t, err)
	require.Len(t, v.Values, 12)
	res, err := Sweep(load, []Vary{v}, simulate.Options{}, nil)
	require.NoError(t, err)
	require.Len(t, res.Points, 12)

	cfg, sc, _ := load()
	cfg.Farms[0].Protocol.Timeout = 12 * time.Second
	one, err := simulate.Run(cfg, sc, simulate.Options{TimeoutCurve: true})
	require.NoError(t, err)
	prev := 2.0
	for i, p := range res.Points {
		r := p.Rates.R5023
		assert.LessOrEqual(t, r.Mean, prev, "502.3 must not rise from %s on", p.Values[0])
		prev = r.Mean
		assert.Equal(t, []float64{float64(i + 1)}, p.X)
		c := one.TimeoutCurve.Rate(i + 1)
		assert.GreaterOrEqual(t, r.Mean, c.CI95[0], "timeout %s", p.Values[0])
		assert.LessOrEqual(t, r.Mean, c.CI95[1], "timeout %s", p.Values[0])
	}
	assert.Greater(t, res.Points[0].Rates.R5023.Mean, res.Points[11].Rates.R5023.Mean, "the timeout matters in this scenario")

	// Two replications leave wide intervals around a rate that saw
	// timeouts (at 2 s): the text says so.
	load2 := func() (*schema.Config, *simulate.Scenario, error) {
		cfg, sc, _ := load()
		if err := simulate.ApplySet(cfg, sc, "scenario.replications=2"); err != nil {
			return nil, nil, err
		}
		return cfg, sc, simulate.ApplySet(cfg, sc, "scenario.duration=30s")
	}
	few, err := Sweep(load2, []Vary{{Path: "web.protocol.timeout", Values: []string{"2s"}}}, simulate.Options{}, nil)
	require.NoError(t, err)
	var text strings.Builder
	require.NoError(t, few.WriteText(&text))
	assert.Contains(t, text.String(), "warning: 1 point(s) have a 502.3 CI wider")
}

func TestParseVary(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
		err  string
	}{
		{"web.protocol.timeout=10s,30s, 1m", []string{"10s", "30s", "1m"}, ""},
		{"scenario.arrivals.rate=100..300/50", []string{"100", "150", "200", "250", "300"}, ""},
		{"scenario.errors=0..0.3/0.1", []string{"0", "0.1", "0.2", "0.3"}, ""},
		{"web.protocol.timeout=00:00:10..00:00:30/10s", []string{"10s", "20s", "30s"}, ""},
		{"web.protocol.timeout=5s..60s", nil, "needs a step"},
		{"web.protocol.timeout=60s..5s/5s", nil, "FROM <= TO"},
		{"web.protocol.timeout=1..5s/1s", nil, "must all be numbers or all durations"},
		{"web.protocol.timeout", nil, "want PATH="},
		{"x=1..100000/1", nil, "at most"},
		// Issue 18: NaN compares false to everything and slipped through as
		// an empty sweep; a step count past int's range went negative.
		{"scenario.arrivals.rate=NaN..1/1", nil, "finite numbers, not NaN or Inf"},
		{"scenario.arrivals.rate=1..Inf/1", nil, "finite numbers, not NaN or Inf"},
		{"scenario.arrivals.rate=1..2/NaN", nil, "finite numbers, not NaN or Inf"},
		{"scenario.arrivals.rate=0..1e300/1e-300", nil, "at most 10000"},
		// TO is the largest duration: stepping past it used to wrap below
		// it and loop until out of memory. 2562047h47m16.854775807s is
		// 9.22e18 ns; a 1000000h (3.6e18 ns) step fits twice.
		{"web.protocol.timeout=1s..2562047h47m16.854775807s/1000000h", []string{"1s", "1000000h0m1s", "2000000h0m1s"}, ""},
	} {
		v, err := ParseVary(tc.in)
		if tc.err != "" {
			assert.ErrorContains(t, err, tc.err, tc.in)
			continue
		}
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, v.Values, tc.in)
	}
}

// The sweep's "CI wider than half the mean" warning is about a spread
// around a mean; a point that saw no 502.3 has a rule-of-three bound
// above 0 and no spread to warn about. A point with a real wide interval
// still gets it.
func TestSweepWideCIWarning(t *testing.T) {
	point := func(mean, hi float64) SweepPoint {
		return SweepPoint{Values: []string{"5s"}, Farm: "web", Replications: 3,
			Rates: simulate.Rates{R5023: simulate.Rate{Mean: mean, CI95: [2]float64{0, hi}}}}
	}
	res := &SweepResult{Vary: []Vary{{Path: "web.protocol.timeout", Values: []string{"5s"}}}}

	res.Points = []SweepPoint{point(0, 0.001)}
	var text strings.Builder
	require.NoError(t, res.WriteText(&text))
	assert.NotContains(t, text.String(), "warning:", "no event seen: a bound, not a spread")

	res.Points = []SweepPoint{point(0.001, 0.002)}
	text.Reset()
	require.NoError(t, res.WriteText(&text))
	assert.Contains(t, text.String(), "1 point(s) have a 502.3 CI wider than half their mean")
}
