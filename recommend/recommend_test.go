package recommend

import (
	"math"
	"strings"
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
// service time (M/G/inf), so the 502.3 rate at timeout T is 1 - F(T), and
// min_meeting_s must be the smallest whole second T with 1 - F(T) <= 0.001:
// here 1 - F(21 s) = 0.00096 and 1 - F(20 s) = 0.00107. The current 30 s
// meets the target (1 - F(30) = 0.00042), so it is kept (rule keep).
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
	require.NotNil(t, f.Timeout.MinMeetingS, "%v", f.Reasons)
	T := float64(*f.Timeout.MinMeetingS)
	assert.LessOrEqual(t, lognormalTail(T, median, sigma), target)
	assert.Greater(t, lognormalTail(T-1, median, sigma), target)
	require.NotNil(t, f.Timeout.RecommendedS)
	assert.Equal(t, 30, *f.Timeout.RecommendedS, "the current 30 s meets the target: kept")
	assert.Equal(t, RuleKeep, f.Timeout.Rule)
	// The percentile rule is the exact p99.9: e^(ln 0.2 + 1.5 z_0.999).
	assert.InDelta(t, 20.61, f.Timeout.PercentileRuleS, 0.01)
	assert.False(t, f.Overloaded)
	assert.Equal(t, "one-run curve", f.Method)
	assert.Nil(t, f.Capacity.Servers, "unlimited concurrency sizes no capacity")
}

// The headroom rule on the same M/G/inf farm, at a 1 % target whose tenth
// (0.1 %) the tail reaches at 21 s (above): a current 60 s that meets the
// target is kept, and --tighten shortens it to the smallest whole second
// whose rate is at or under 0.1 % with confidence: 21 s by the formula,
// or 22 s when the interval's upper end at 21 s (rate 0.096 %) is above
// 0.1 %.
func TestRecommendTimeoutHeadroom(t *testing.T) {
	const median, sigma, target = 0.2, 1.5, 0.01
	doc := loadConfig(t, "farm.yaml", farmYAML(4, "protocol: {timeout: 60s}"))
	sc := loadScenario(t, `
requests: 400000
replications: 6
seed: 12
arrivals: {rate: 400}
latency: {lognormal: {median: 200ms, sigma: 1.5}}
`)
	kept, err := Recommend(doc.Config, sc, Options{Target: target})
	require.NoError(t, err)
	k := kept.Farms[0]
	require.NotNil(t, k.Timeout.RecommendedS, "%v", k.Reasons)
	assert.Equal(t, 60, *k.Timeout.RecommendedS)
	assert.Contains(t, strings.Join(k.Reasons, "\n"), "rule: keep")
	// 1 - F(7 s) = 0.0089 <= 1 %, 1 - F(6 s) = 0.0117.
	require.NotNil(t, k.Timeout.MinMeetingS)
	assert.Equal(t, 7, *k.Timeout.MinMeetingS)

	tight, err := Recommend(doc.Config, sc, Options{Target: target, Tighten: true})
	require.NoError(t, err)
	f := tight.Farms[0]
	require.NotNil(t, f.Timeout.RecommendedS, "%v", f.Reasons)
	got := *f.Timeout.RecommendedS
	assert.Equal(t, RuleHeadroom, f.Timeout.Rule)
	assert.Contains(t, []int{21, 22}, got, "%v", f.Reasons)
	assert.LessOrEqual(t, lognormalTail(float64(got), median, sigma), target/10)
	assert.Contains(t, strings.Join(f.Reasons, "\n"), "rule: headroom")
	assert.True(t, f.Set.Meets)
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
