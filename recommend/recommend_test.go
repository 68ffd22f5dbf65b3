package recommend

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lognormalTail is 1 - F(t) of a lognormal with median m and log-scale
// deviation s (validation.md 1.7).
func lognormalTail(t, m, s float64) float64 {
	return 0.5 * math.Erfc((math.Log(t)-math.Log(m))/(s*math.Sqrt2))
}

// With unlimited concurrency every request's time to headers is its own
// service time (M/G/inf), so the 502.3 rate at timeout T is 1 - F(T) and
// the recommendation must be the smallest whole second T with
// 1 - F(T) <= 0.001: here 1 - F(21 s) = 0.00096 and 1 - F(20 s) = 0.00107.
func TestRecommendTimeoutLognormal(t *testing.T) {
	const median, sigma, target = 0.2, 1.5, 0.001
	doc := loadConfig(t, "farm.yaml", farmYAML(4, "protocol: {timeout: 30s}"))
	sc := loadScenario(t, `
requests: 1000000
replications: 8
seed: 11
arrivals: {rate: 400}
latency: {lognormal: {median: 200ms, sigma: 1.5}}
`)
	res, err := Recommend(doc.Config, sc, Options{Target: target})
	require.NoError(t, err)
	f := res.Farms[0]
	require.NotNil(t, f.Timeout.RecommendedS, "%v", f.Reasons)
	T := float64(*f.Timeout.RecommendedS)
	t.Logf("%s recommends %.0fs: %+v", f.Method, T, *f.Timeout.Predicted5023)
	assert.LessOrEqual(t, lognormalTail(T, median, sigma), target)
	assert.Greater(t, lognormalTail(T-1, median, sigma), target)
	// The percentile rule is the exact p99.9: e^(ln 0.2 + 1.5 z_0.999).
	assert.InDelta(t, 20.61, f.Timeout.PercentileRuleS, 0.01)
	assert.False(t, f.Overloaded)
	assert.Equal(t, "one-run curve", f.Method)
	assert.Equal(t, 1, *f.Capacity.Servers, "with unlimited concurrency one server carries any load")
}

// The one-run curve replaces a search with one run per timeout: both must
// pick the same timeout, and at every timeout the search tried, the curve
// must agree within its CI (here, with common random numbers, exactly).
func TestRecommendCurveAgreesWithSearch(t *testing.T) {
	doc := loadConfig(t, "farm.yaml", farmYAML(3, "protocol: {timeout: 30s}"))
	sc := loadScenario(t, `
duration: 5m
warmup: 30s
replications: 6
seed: 5
arrivals: {rate: 40}
latency: {lognormal: {median: 150ms, sigma: 1.2}}
concurrency: 8
`)
	opts := Options{Target: 0.01}
	fast, err := Recommend(doc.Config, sc, opts)
	require.NoError(t, err)
	opts.BruteForce = true
	slow, err := Recommend(doc.Config, sc, opts)
	require.NoError(t, err)
	ff, sf := fast.Farms[0], slow.Farms[0]
	require.Equal(t, "one-run curve", ff.Method)
	require.Equal(t, "search", sf.Method)
	require.NotNil(t, ff.Timeout.RecommendedS)
	require.NotNil(t, sf.Timeout.RecommendedS)
	assert.Equal(t, *sf.Timeout.RecommendedS, *ff.Timeout.RecommendedS)
	curve := map[float64]Point{}
	for _, p := range ff.Curve {
		curve[p.X] = p
	}
	for _, p := range sf.Curve {
		c, ok := curve[p.X]
		if !ok {
			continue // beyond the part of the curve reported
		}
		assert.GreaterOrEqual(t, p.Rate.Mean, c.Rate.CI95[0], "timeout %gs", p.X)
		assert.LessOrEqual(t, p.Rate.Mean, c.Rate.CI95[1], "timeout %gs", p.X)
	}
	assert.GreaterOrEqual(t, len(sf.Curve), 5, "the search tried several timeouts")
}

// BenchmarkTimeoutCurve and BenchmarkTimeoutSearch compare the one-run
// curve with the search it replaces on the README's peak-hour scenario
// (3 servers, 200 req/s, 10 x 10 min): the figures go in the README.
func benchmarkTimeout(b *testing.B, brute bool) {
	doc := loadConfig(b, "farm.yaml", farmYAML(3, "protocol: {timeout: 30s}"))
	sc := loadScenario(b, `
duration: 10m
warmup: 30s
replications: 10
seed: 1
arrivals: {rate: 200}
latency: {lognormal: {p50: 120ms, p99: 2s}}
concurrency: 32
`)
	for b.Loop() {
		fr := newFarmRun(doc.Config, sc, "web", Options{Target: 0.001, BruteForce: brute})
		out := &Farm{}
		if err := fr.timeout(out, 5*time.Second); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTimeoutCurve(b *testing.B)  { benchmarkTimeout(b, false) }
func BenchmarkTimeoutSearch(b *testing.B) { benchmarkTimeout(b, true) }
