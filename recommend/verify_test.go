package recommend

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// verify skips a set that repeats the one before it. That must never leave
// the farm as written unjudged when it meets the target: a repeat can only
// follow the last rung of the probe-timeout ladder, which is judged on its
// rates alone (probe failures on healthy servers do not reject it), and
// the same values on the same seed simulate the same.
//
// Both farms have one server and minServers 1: under the documented
// reading (event 1002) a lone server is never marked unhealthy, so probe
// failures change no request's fate, and 502.4 and 503 (no queue limit)
// are 0. Probes queue behind requests on the one slot, so probes with a
// short timeout fail on the healthy server. Both farms' outage budgets are
// above the target, so the keep rule (keepable) does not take their
// health checks first and the ladder runs:
//
//   - "recommendation is the farm": 0.3 req/s of fixed 1.5 s work with a
//     30 s timeout (502.3 needs 20 requests ahead: none); the suggested
//     probe timeout is 1 s (twice the default 5 ms probe's p99.9, at least
//     1 s); at 7 outages an hour even the shortest interval, 2 s, is above
//     the budget (a hang costs 2 s + 4 probes x 1 s = 6 s of an hour's
//     traffic 7 times, 1.17 % > 1 %), so the suggestion is the farm's 2 s,
//     minServers is kept: the first set is the farm as written, turned
//     down only for its false probe failures.
//   - "farm is the last rung": 0.02 req/s of fixed 15 s work with a 120 s
//     timeout; the farm's 21 s interval and 20 s probe timeout with one
//     failure to mark (retries 0) are the ladder's last rung (20 s; a hang
//     costs 21 + 20 = 41 s at 1 outage an hour, 1.14 % > 1 %, so the
//     interval is the shortest above the probe timeout, 21 s), so the
//     recommended timeout with the current health check repeats it and
//     is skipped: 1 + 4 rungs (2, 5, 10, 20 s) are simulated, and the
//     last, the farm as written, is kept although probes still failed,
//     and the probe-timeout reason must say so, not that none failed.
func TestVerifyJudgesTheFarmAsWritten(t *testing.T) {
	for _, tc := range []struct {
		name, hc, timeout, scen string
		outages                 float64
		tried                   int
		want                    Set // the farm as written, when kept
	}{
		{"recommendation is the farm", "interval: 2s, timeout: 1s, minServers: 1", "30s",
			"duration: 10m\nreplications: 4\nseed: 3\narrivals: {rate: 0.3}\nlatency: {fixed: 1500ms}\nconcurrency: 1\n", 7, 0, Set{}},
		{"farm is the last rung", "interval: 21s, timeout: 20s, minServers: 1, retries: 0", "120s",
			"duration: 4h\nreplications: 4\nseed: 3\narrivals: {rate: 0.02}\nlatency: {fixed: 15s}\nconcurrency: 1\n", 1, 5,
			Set{TimeoutS: 120, IntervalS: 21, ProbeTimeoutS: 20, MinServers: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := loadConfig(t, "farm.yaml", farmYAML(1, "protocol: {timeout: "+tc.timeout+"}\nhealthCheck: {url: \"http://web/h\", "+tc.hc+"}"))
			res, err := Recommend(doc.Config, loadScenario(t, tc.scen), Options{Target: 0.01, OutagesPerHour: tc.outages})
			require.NoError(t, err)
			f := res.Farms[0]
			why := reasons(f)
			first := why[strings.Index(why, "sets tried in order: "):]
			first = first[:strings.Index(first, ";")]
			assert.Contains(t, first, "the recommendation: ", "%s", why)
			assert.Contains(t, first, "probe(s) failed on servers without a fault", "the first set is turned down for false probe failures")
			assert.True(t, f.Set.Meets, "%s", why)
			assert.Empty(t, res.Misses())
			if tc.tried > 0 {
				assert.Equal(t, tc.tried, f.Set.Tried, "%s", why)
				got := f.Set
				assert.Equal(t, tc.want, Set{TimeoutS: got.TimeoutS, IntervalS: got.IntervalS, ProbeTimeoutS: got.ProbeTimeoutS, MinServers: got.MinServers})
				assert.NotContains(t, why, "no server without a fault failed a probe")
				assert.Contains(t, why, "probe(s) still failed on servers without a fault")
			}
		})
	}
}
