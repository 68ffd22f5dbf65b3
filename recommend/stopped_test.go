package recommend

import (
	"cmp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrfarm/arrfarm/schema"
	"github.com/arrfarm/arrfarm/simulate"
)

// A stopped application pool (fault stopped) answers 503 at once through
// http.sys, probes too (docs/simulation.md, arr-reference 3.4). Two servers
// share 50 req/s of fixed 100 ms work (2.5 of 20 slots busy each: one
// server at most half busy already, so capacity adds none), and 10.0.0.2's
// pool is stopped from 2m for 5m of the 10m window. No server count and no
// timeout fixes those 503s, and capacity must not send the user to the
// timeout; what bounds them is how soon the URL test takes 10.0.0.2 out:
//
//   - "probe sees the 503": statusCodeMatch 200-399 (ARR's default) fails
//     the probe; 4 failed probes (retries 3) answered at once mark the
//     server at the next probe, within the 30 s interval: 10.0.0.2 keeps its
//     25 req/s for up to 30 s, at most 25 x 30 / (50 x 600) = 2.5 % of the
//     requests (1.25 % on average over the probe's phase).
//   - "probe accepts 503", "no URL test", "minServers keeps it": the server
//     stays in rotation for the whole fault, 25 x 300 / (50 x 600) = 25 %.
//   - "every pool stopped": every request of the fault's 5m gets 503,
//     300 / 600 = 50 %, whatever the server count or the health check.
func TestCapacityNamesTheStoppedPool(t *testing.T) {
	scen := `duration: 10m
replications: 4
seed: 3
arrivals: {rate: 50}
latency: {fixed: 100ms}
concurrency: 20
events:
  - {at: 2m, server: ON, fault: stopped, for: 5m}
`
	for _, tc := range []struct {
		name, arr string
		lo, hi    float64 // the farm as written's 503 share, by the arithmetic above
		fix       string
		on        string // the stopped server; "" for 10.0.0.2
	}{
		{"probe sees the 503", `healthCheck: {url: "http://web/h", interval: 30s, timeout: 5s, minServers: 1}`, 0, 0.025,
			"it takes the server out once a probe sees the 503 (statusCodeMatch 200-399 does not accept it): until then, up to 30s", ""},
		{"probe accepts 503", `healthCheck: {url: "http://web/h", interval: 30s, timeout: 5s, minServers: 1, statusCodeMatch: "200-503"}`, 0.23, 0.27,
			`statusCodeMatch "200-503" accepts 503`, ""},
		{"no URL test", `protocol: {timeout: 30s}`, 0.23, 0.27,
			"the farm has no URL test", ""},
		{"minServers keeps it", `healthCheck: {url: "http://web/h", interval: 30s, timeout: 5s, minServers: 2}`, 0.23, 0.27,
			"minServers 2 is not below the 2 servers", ""},
		{"every pool stopped", `healthCheck: {url: "http://web/h", interval: 30s, timeout: 5s, minServers: 1}`, 0.48, 0.52,
			"with every server's pool stopped at once no server count or health check serves those requests", `"*"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := loadConfig(t, "farm.yaml", farmYAML(2, tc.arr))
			on := cmp.Or(tc.on, "10.0.0.2")
			res, err := Recommend(doc.Config, loadScenario(t, strings.Replace(scen, "ON", on, 1)), Options{Target: 0.001})
			require.NoError(t, err)
			f := res.Farms[0]
			why := reasons(f)
			c := f.Capacity
			require.Nil(t, c.Servers, "no server count meets: %s", why)
			require.NotEmpty(t, c.Tried)
			require.NotNil(t, c.Tried[0].R503)
			got := c.Tried[0].R503.Mean
			assert.True(t, got > tc.lo && got <= tc.hi, "the farm as written's 503 share %g, want (%g, %g]", got, tc.lo, tc.hi)
			assert.NotContains(t, why, "raise the timeout", "no timeout changes a 503 answered at once")
			if tc.on == "" {
				assert.Contains(t, why, "came from a stopped application pool (stopped on 10.0.0.2 at 2m for 5m)")
				assert.Contains(t, why, "25 req/s")
			} else {
				assert.Contains(t, why, "came from a stopped application pool (stopped on every server at 2m for 5m)")
			}
			assert.Contains(t, why, tc.fix)
		})
	}
}

// A stopped pool is an outage the URL test is there to notice: ARR sends
// the server its share, every request answered 503, until the probes fail
// (statusCodeMatch rejects 503, ARR's default 200-399), so the interval's
// outage budget counts it. Two servers share 20 req/s; 10.0.0.2's pool is
// stopped at 5m for 5m of a 30m window: 1 outage in half an hour, 2 an
// hour. Four failed probes (retries 3) mark a server; the budget prices
// every outage as a hang, next probe then four probes waiting the 1 s
// probe timeout: 2 x (i + 4) / 2 / 3600 <= 0.4 % gives i <= 10.4, so
// 10 s, 2 x 14 / 7200 = 0.389 %. (Without it the assumed 1 outage an hour
// gave (i + 4) / 7200 <= 0.4 %: 24 s.) A stopped pool answers the probes at
// once, so the simulated farm at 10 s loses at most half the traffic for
// the next probe, up to 10 s of the 5m fault: 10 / 2 / 1800 = 0.278 %,
// within the budget's figure (on average (I/2 + 1 ms) / 2 / 1800 =
// 0.139 %, docs/simulation.md). A statusCodeMatch that accepts 503 never
// fails a probe: no interval notices the stopped pool, it is not counted,
// and the assumed rate gives 24 s again.
func TestOutageBudgetCountsStoppedPools(t *testing.T) {
	sc := loadScenario(t, `duration: 30m
replications: 4
seed: 3
arrivals: {rate: 20}
latency: {fixed: 10ms}
concurrency: 20
events:
  - {at: 5m, server: 10.0.0.2, fault: stopped, for: 5m}
`)
	for _, tc := range []struct {
		name, match string
		rate        float64
		interval    int
		text        string
	}{
		{"probe sees the 503", "", 2, 10, "the scenario's 1 down/unreachable/hang/stopped server fault(s) in its 30m window"},
		{"probe accepts 503", `, statusCodeMatch: "200-503"`, 1, 24, `its 1 stopped-pool fault(s) are not counted: statusCodeMatch "200-503" accepts the 503`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			farm := func(interval string) *schema.Document {
				return loadConfig(t, "farm.yaml", farmYAML(2, `healthCheck: {url: "http://web/h", interval: `+interval+`, timeout: 1s, retries: 3, minServers: 1`+tc.match+`}`))
			}
			// ARR's default 30 s interval is above the budget either way,
			// so it is not kept.
			fr := newFarmRun(farm("30s").Config, sc, "web", Options{Target: 0.004})
			rate, source := fr.outages(20, 2)
			assert.InDelta(t, tc.rate, rate, 1e-9, source)
			assert.Contains(t, source, tc.text)
			got, why := fr.interval(&Farm{Servers: 2, PeakRate: 20}, 1)
			assert.Equal(t, tc.interval, got, why)
			if tc.match != "" {
				return
			}
			assert.Contains(t, why, "costs 0.389% of requests")
			res, err := simulate.Run(farm("10s").Config, sc, simulate.Options{})
			require.NoError(t, err)
			s503 := res.Farms[0].Rates.R503.Mean
			t.Logf("simulated 503 share %g", s503)
			assert.Greater(t, s503, 0.0, "the stopped pool answers 503 until a probe sees it")
			assert.LessOrEqual(t, s503, 10.0/2/1800+1e-4, "at most the next probe's 10 s of half the traffic")
		})
	}
}
