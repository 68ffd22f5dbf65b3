package recommend

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// oneSlotScenario is 0.3 req/s of fixed 1.5 s work on one slot a server.
const oneSlotScenario = "duration: 10m\nreplications: 4\nseed: 3\narrivals: {rate: 0.3}\nlatency: {fixed: 1500ms}\nconcurrency: 1\n"

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
	scen := oneSlotScenario
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

// --tighten asks for the suggested health check, but never for one that
// is worse by the tool's own outage budget than current values that meet
// the target and hold it: the ladder's rungs whose budget warns are tried
// only after the current values. The farm is TestHealthKeptWhenItMeets'
// (one server of one slot, 0.3 req/s of fixed 1.5 s work, 1 % target,
// four failed probes to mark, probes retried at once), whose current
// values meet; a hang costs interval + 4 x probe timeout seconds of the
// server's traffic per outage.
//
//   - "some rungs hold": interval 5 s, probe timeout 1 s, 1 outage an
//     hour: 9/3600 = 0.25 %. The ladder's 1 s and 2 s probe timeouts fail
//     probes on the healthy server (they wait behind 1.5 s requests); the
//     10 s and 20 s rungs cannot hold the budget at any interval above
//     them (11 + 40 = 51 s = 1.42 %, 21 + 80 = 101 s = 2.81 %), and the
//     ladder used to end on the 10 s one. Whatever is chosen must satisfy
//     interval + 4 x probe timeout <= 36 s (36/3600 = 1 %).
//   - "every rung warns": interval 1 s, probe timeout 1 s, 7 outages
//     an hour: 7 x (1 + 4 x 1) / 3600 = 0.97 %. Every rung has an
//     interval of at least 2 s and a probe timeout of at least 1 s:
//     7 x (2 + 4) / 3600 = 1.17 % > 1 %, so the current values stay
//     (rule: keep) and the reason says why.
func TestTightenKeepsTheOutageBudget(t *testing.T) {
	scen := oneSlotScenario
	for _, tc := range []struct {
		name    string
		hc      string
		outages float64
		keep    bool
	}{
		{"some rungs hold", "interval: 5s, timeout: 1s, minServers: 1", 1, false},
		{"every rung warns", "interval: 1s, timeout: 1s, minServers: 1", 7, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := loadConfig(t, "farm.yaml", farmYAML(1, "protocol: {timeout: 30s}\nhealthCheck: {url: \"http://web/h\", "+tc.hc+"}"))
			opts := Options{Target: 0.01, OutagesPerHour: tc.outages}
			res, err := Recommend(doc.Config, loadScenario(t, scen), opts)
			require.NoError(t, err)
			require.Equal(t, RuleKeep, res.Farms[0].HealthCheck.Rule, "the current values meet and hold the budget: %s", reasons(res.Farms[0]))

			opts.Tighten = true
			res, err = Recommend(doc.Config, loadScenario(t, scen), opts)
			require.NoError(t, err)
			f := res.Farms[0]
			why := reasons(f)
			h := f.HealthCheck
			require.True(t, f.Set.Meets, "%s", why)
			hang := h.IntervalS + 4*math.Ceil(h.TimeoutS)
			assert.LessOrEqual(t, tc.outages*hang/3600, 0.01+1e-12, "interval %gs, probe timeout %gs: %s", h.IntervalS, h.TimeoutS, why)
			assert.NotContains(t, why, "WARNING", "%s", why)
			if !tc.keep {
				assert.Equal(t, RuleSuggest, h.Rule, "%s", why)
				assert.Greater(t, h.TimeoutS, 1.0, "tightening moves off the probe timeout that fails probes: %s", why)
				return
			}
			assert.Equal(t, RuleKeep, h.Rule, "%s", why)
			assert.Equal(t, [2]float64{h.CurrentIntervalS, h.CurrentTimeoutS}, [2]float64{h.IntervalS, h.TimeoutS}, "%s", why)
			assert.Contains(t, why, "every suggested set's outage budget is above the target", "%s", why)
		})
	}
}
