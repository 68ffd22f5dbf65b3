package simulate

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The one-run timeout curve must agree with what it replaces: one run per
// timeout. Both use the same random streams, and when the timeout cannot
// change the dynamics every request meets the same backend in both, so
// the counts agree; the test allows the curve's own CI, the acceptance
// rule for a shortcut.
func TestTimeoutCurveAgreesWithOneRunPerTimeout(t *testing.T) {
	const maxS = 12
	arr := `
protocol: {timeout: 12s}
healthCheck: {url: "http://web/health", interval: 5s, timeout: 2s}`
	scen := `
duration: 2m
warmup: 10s
replications: 4
seed: 3
arrivals: {rate: 6}
latency: {lognormal: {median: 300ms, sigma: 1.2}}
concurrency: 2
events:
  - {at: 20s, server: 10.0.0.1, fault: hang, for: 20s}
  - {at: 60s, server: 10.0.0.2, fault: down, for: 10s}
  - {at: 80s, server: "*", fault: slow, factor: 4, for: 20s}
`
	cfg := loadConfig(t, farm(3, arr))
	sc := loadScenario(t, scen)
	ok, why := TimeoutShortcut(cfg, sc)
	require.True(t, ok, why)
	res, err := Run(cfg, sc, Options{TimeoutCurve: true})
	require.NoError(t, err)
	c := res.TimeoutCurve
	require.NotNil(t, c)
	require.Equal(t, maxS, c.MaxS)
	assert.Equal(t, res.Farms[0].Rates.R5023, c.Rate(maxS), "at the run's own timeout the curve is the run")

	prev := 2.0
	for _, sec := range []int{1, 2, 3, 5, 8, 12} {
		cfg.Farms[0].Protocol.Timeout = time.Duration(sec) * time.Second
		brute, err := Run(cfg, sc, Options{})
		require.NoError(t, err)
		want := brute.Farms[0].Rates.R5023
		got := c.Rate(sec)
		t.Logf("timeout %2ds: curve %.5f [%.5f, %.5f], one run %.5f", sec, got.Mean, got.CI95[0], got.CI95[1], want.Mean)
		assert.GreaterOrEqual(t, want.Mean, got.CI95[0], "timeout %ds", sec)
		assert.LessOrEqual(t, want.Mean, got.CI95[1], "timeout %ds", sec)
		assert.InDelta(t, want.Mean, got.Mean, 1e-12, "same streams, same requests: the same count at %ds", sec)
		assert.LessOrEqual(t, got.Mean, prev, "the curve never rises with the timeout")
		prev = got.Mean
	}
}

func TestTimeoutShortcutRefusesFeedback(t *testing.T) {
	base := "duration: 1m\narrivals: {rate: 10}\nlatency: {fixed: 10ms}\n"
	for _, tc := range []struct{ name, arr, scen, want string }{
		{"cancel", "protocol: {timeout: 5s}", base + "arr: {timeoutSemantics: cancel}", "cancel"},
		{"LeastRequests", "loadBalancing: {algorithm: LeastRequests}", base + "arr: {legacyAlgorithms: true}", "LeastRequests"},
		{"live traffic", `healthCheck: {url: "http://web/h", interval: 5s, liveTrafficFailurePeriod: 10s}`, base, "live-traffic"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := loadConfig(t, farm(2, tc.arr))
			sc := loadScenario(t, tc.scen)
			ok, why := TimeoutShortcut(cfg, sc)
			assert.False(t, ok)
			assert.Contains(t, why, tc.want)
			_, err := Run(cfg, sc, Options{TimeoutCurve: true})
			assert.ErrorContains(t, err, tc.want)
		})
	}
	// The ARR 3 fallback runs LeastRequests as WeightedRoundRobin: no feedback.
	cfg := loadConfig(t, farm(2, "loadBalancing: {algorithm: LeastRequests}"))
	ok, _ := TimeoutShortcut(cfg, loadScenario(t, base))
	assert.True(t, ok)
}
