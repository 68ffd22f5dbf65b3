package recommend

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// The interval is the largest whole second at which the requests a down
// server receives before it is noticed stay within the target's share of
// an hour of traffic: peak/N x interval x ticks <= target x peak x 3600,
// i.e. interval <= target x 3600 x N / ticks, clamped to [2 s, 30 s].
func TestHealthSuggestions(t *testing.T) {
	for _, tc := range []struct {
		name             string
		arr, scen        string
		servers          int
		rate, target     float64
		interval, tmo, m int
	}{
		// 0.001 x 3600 x 3 / 1 = 10.8 -> 10 s; retried at once.
		{"budget", `healthCheck: {url: "http://web/h", interval: 30s, timeout: 30s}`, "", 3, 200, 0.001, 10, 1, 1},
		// Retries one interval apart: 4 ticks, 10.8 / 4 -> 2 s.
		{"spaced retries", `healthCheck: {url: "http://web/h", interval: 30s, retries: 3}`, "arr: {retrySpacing: interval}\n", 3, 200, 0.001, 2, 1, 1},
		// A current interval inside the budget and a timeout that fits stay.
		{"keep", `healthCheck: {url: "http://web/h", interval: 5s, timeout: 3s}`, "", 3, 200, 0.001, 5, 3, 1},
		// A lax target reaches ARR's default 30 s; one server: minServers 0.
		{"lax", `healthCheck: {url: "http://web/h", interval: 30s}`, "", 1, 10, 0.05, 30, 1, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := loadConfig(t, "farm.yaml", farmYAML(tc.servers, tc.arr))
			sc := loadScenario(t, "duration: 1m\narrivals: {rate: 1}\nlatency: {fixed: 10ms}\n"+tc.scen)
			fr := newFarmRun(doc.Config, sc, "web", Options{Target: tc.target})
			out := &Farm{Servers: tc.servers, PeakRate: tc.rate}
			fr.health(out)
			h := out.HealthCheck
			assert.True(t, h.URLTest)
			assert.EqualValues(t, tc.interval, h.IntervalS)
			assert.EqualValues(t, tc.tmo, h.TimeoutS)
			assert.Less(t, h.TimeoutS, h.IntervalS, "lint: the probe timeout stays below the interval")
			assert.Equal(t, tc.m, h.MinServers)
		})
	}
}
