package recommend

import (
	"cmp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
