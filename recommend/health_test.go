package recommend

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// The probe timeout starts at twice the probe's p99.9 (at least 1 s), the
// interval above it; minServers comes from capacity, capped one below the
// farm's size so that a down server can still be taken out, and is kept
// when capacity is unknown or the farm has one server.
func TestHealthSuggestions(t *testing.T) {
	four := 4
	two := 2
	for _, tc := range []struct {
		name      string
		servers   int
		scen      string
		capacity  *int
		tmo, min  int
		keepsMinS bool
	}{
		// fixed 800 ms probes: 2 x 0.8 = 1.6 -> 2 s.
		{"slow probe", 5, "health: {latency: {fixed: 800ms}}\n", &two, 2, 2, false},
		// the default 5 ms probe: 1 s; capacity 4 of 4 -> 3.
		{"no spare", 4, "", &four, 1, 3, false},
		{"capacity unknown", 4, "", nil, 1, 1, true},
		{"one server", 1, "", &four, 1, 1, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := loadConfig(t, "farm.yaml", farmYAML(tc.servers, `healthCheck: {url: "http://web/h", interval: 30s, timeout: 30s, minServers: 1}`))
			sc := loadScenario(t, "duration: 1m\narrivals: {rate: 1}\nlatency: {fixed: 10ms}\n"+tc.scen)
			fr := newFarmRun(doc.Config, sc, "web", Options{Target: 0.001})
			out := &Farm{Servers: tc.servers, PeakRate: 100}
			out.Capacity.Servers = tc.capacity
			fr.health(out)
			h := out.HealthCheck
			assert.True(t, h.URLTest)
			assert.EqualValues(t, tc.tmo, h.TimeoutS)
			assert.Less(t, h.TimeoutS, h.IntervalS, "lint: the probe timeout stays below the interval")
			assert.Equal(t, tc.min, h.MinServers)
			assert.Equal(t, tc.keepsMinS, h.MinServers == h.CurrentMinServers && h.MinServersWhy != "" && strings.Contains(h.MinServersWhy, "kept"))
		})
	}
}
