package recommend

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Issue 16's keep rule for the health check: the farm's current interval,
// probe timeout and minServers stay when they meet the target (simulated
// together with the timeout, on all three rates, and within the outage
// budget), unless --tighten; otherwise the suggestions are made as before.
//
// The farm is one server of one slot, 0.3 req/s of fixed 1.5 s work, a 30 s
// timeout (502.3 needs 19 requests queued ahead: none in practice) and a
// 1 % target. Probes queue behind requests on the one slot, so a 1 s probe
// timeout fails on the healthy server, but with one server and minServers
// 1 no server is ever marked (event 1002), so no request's fate changes:
// 502.3, 502.4 and 503 are 0. Four failed probes mark a server (retries 3).
//
//   - "meets": interval 5 s, probe timeout 1 s: a hang costs 5 + 4 x 1 = 9 s
//     of the server's traffic once an hour, 9/3600 = 0.25 % <= 1 %: kept,
//     and the set is the farm as written, the only one simulated. The
//     ladder used to lengthen the probe timeout to 10 s with an 11 s
//     interval, whose hang costs 11 + 4 x 10 = 51 s = 1.42 %: a warning.
//   - "budget warns": interval 30 s, probe timeout 20 s: 30 + 4 x 20 =
//     110 s = 3.06 % > 1 %: the current values do not meet, so they are
//     not kept (the set's rates alone do not make them meet).
//   - "minServers blocks": two servers, minServers 2 (lint
//     min-servers-above-servers): under event 1002's reading the URL test
//     can never take a hung server out, so the budget (0.125 % for 9 s of
//     half the traffic) does not hold, and the current values are not
//     kept; minServers goes to capacity's 1 (0.45 busy slots of one).
//     (TestMinServersFromCapacity holds the other bound: a minServers
//     below what the peak needs is not kept either.)
func TestHealthKeptWhenItMeets(t *testing.T) {
	scen := "duration: 10m\nreplications: 4\nseed: 3\narrivals: {rate: 0.3}\nlatency: {fixed: 1500ms}\nconcurrency: 1\n"
	for _, tc := range []struct {
		name    string
		servers int
		hc      string
		keep    bool
		min     int // minServers recommended
	}{
		{"meets", 1, "interval: 5s, timeout: 1s, minServers: 1", true, 1},
		{"budget warns", 1, "interval: 30s, timeout: 20s, minServers: 1", false, 1},
		{"minServers blocks", 2, "interval: 5s, timeout: 1s, minServers: 2", false, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := loadConfig(t, "farm.yaml", farmYAML(tc.servers, "protocol: {timeout: 30s}\nhealthCheck: {url: \"http://web/h\", "+tc.hc+"}"))
			res, err := Recommend(doc.Config, loadScenario(t, scen), Options{Target: 0.01})
			require.NoError(t, err)
			f := res.Farms[0]
			why := reasons(f)
			h := f.HealthCheck
			require.True(t, f.Set.Meets, "%s", why)
			assert.Equal(t, tc.min, h.MinServers, "%s", why)
			kept := h.IntervalS == h.CurrentIntervalS && h.TimeoutS == h.CurrentTimeoutS && h.MinServers == h.CurrentMinServers
			assert.Equal(t, tc.keep, kept, "%s", why)
			if !tc.keep {
				assert.Equal(t, RuleSuggest, h.Rule, "%s", why)
				assert.NotContains(t, why, "kept (rule: keep): simulated together with the timeout")
				return
			}
			assert.Equal(t, RuleKeep, h.Rule)
			assert.Equal(t, 1, f.Set.Tried, "the farm as written meets: nothing else is simulated; %s", why)
			assert.Contains(t, why, "healthCheck interval 5s, timeout 1s, minServers 1 kept (rule: keep)")
			assert.Contains(t, why, "the farm as written meets the target")
			assert.Contains(t, why, "costs 0.250% of requests, within the target")
			assert.NotContains(t, why, "WARNING")

			// --tighten asks for the suggested values: the ladder runs as
			// before and moves off the 1 s probe timeout that fails probes.
			tight, err := Recommend(doc.Config, loadScenario(t, scen), Options{Target: 0.01, Tighten: true})
			require.NoError(t, err)
			th := tight.Farms[0].HealthCheck
			assert.Equal(t, RuleSuggest, th.Rule, "%s", reasons(tight.Farms[0]))
			assert.Greater(t, th.TimeoutS, 1.0, "%s", reasons(tight.Farms[0]))
		})
	}
}
