package simulate

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The live-traffic test's default is in dispute (the schema's period 0
// reads as off; Microsoft's walkthrough says it runs by default), so
// --assumptions runs a farm that leaves it at its defaults both ways. Four
// servers, round robin, no URL test, 40 req/s for 400 s (16000 requests);
// server 1 refuses connections from 100 s to 200 s. Off: it keeps its
// quarter for the whole outage, 10/s x 100 s = 1000 refused, 6.25 %. On:
// its 10th refused request marks it unhealthy (maxLiveTrafficFailures
// 10), after which it gets nothing, and without a URL test it never comes
// back: 10 refused, 0.0625 %, and no 502.4 (three servers stay healthy).
func TestLiveTrafficDefaultBand(t *testing.T) {
	cfg := loadConfig(t, farm(4, "protocol: {timeout: 30s}"))
	sc := loadScenario(t, `duration: 400s
replications: 2
seed: 3
arrivals: {rate: 40}
latency: {fixed: 10ms}
events: [{at: 100s, server: 10.0.0.1, fault: down, for: 100s}]
`)
	a, err := RunAssumptions(cfg, sc, Options{})
	require.NoError(t, err)
	require.InDelta(t, 1000.0/16000, a.Base.R5023.Mean, 0.002)
	var on *Variant
	for i := range a.Variants {
		if a.Variants[i].Setting == "arr.liveTrafficDefault" {
			on = &a.Variants[i]
		}
	}
	require.NotNil(t, on, "no arr.liveTrafficDefault band: %+v", a.Variants)
	require.Equal(t, "off", on.Assumed)
	require.Equal(t, "on", on.Value)
	require.InDelta(t, 10.0/16000, on.R5023.Mean, 0.0002)
	require.Zero(t, on.R5024.Mean)

	// A farm that sets the period has its own test: nothing to vary.
	cfg = loadConfig(t, farm(4, "protocol: {timeout: 30s}\nhealthCheck: {liveTrafficFailurePeriod: 1m}"))
	a, err = RunAssumptions(cfg, sc, Options{})
	require.NoError(t, err)
	for _, v := range a.Variants {
		require.NotEqual(t, "arr.liveTrafficDefault", v.Setting)
	}
	require.True(t, strings.Contains(strings.Join(a.NotApplicable, "\n"), "arr.liveTrafficDefault: the farm sets"))
}

// The scenario setting alone: on gives the note that says what was
// assumed, and the timeout curve's shortcut is refused (live traffic turns
// timeouts into unhealthy servers).
func TestLiveTrafficDefaultOnNote(t *testing.T) {
	cfg := loadConfig(t, farm(2, "protocol: {timeout: 30s}"))
	sc := loadScenario(t, "duration: 60s\narrivals: {rate: 10}\nlatency: {fixed: 10ms}\narr: {liveTrafficDefault: on}\n")
	p, err := compile(cfg, sc, nil)
	require.NoError(t, err)
	require.Contains(t, strings.Join(p.notes, "\n"), "live-traffic test on with the schema's defaults")
	ok, why := TimeoutShortcut(cfg, sc)
	require.False(t, ok)
	require.Contains(t, why, "live-traffic")
}
