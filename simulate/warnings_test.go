package simulate

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// One single-slot server offered 12 requests a second of 100 ms each
// (rho = 1.2) is overloaded; the same server at 5 a second (rho = 0.5) is
// not. The notes say so, and the text report prints them.
func TestOverloadNote(t *testing.T) {
	cfg := loadConfig(t, farm(1, "protocol: {timeout: 30s}"))
	for _, c := range []struct {
		rate string
		want bool
	}{{"12", true}, {"5", false}} {
		sc := loadScenario(t, `farm: web
duration: 2m
warmup: 10s
replications: 2
seed: 1
arrivals: {rate: `+c.rate+`}
latency: {exponential: {mean: 100ms}}
concurrency: 1
`)
		res, err := Run(cfg, sc, Options{})
		require.NoError(t, err)
		var b strings.Builder
		require.NoError(t, res.WriteText(&b))
		if got := strings.Contains(b.String(), "overloaded"); got != c.want {
			t.Errorf("rate %s: overloaded note %v, want %v:\n%s", c.rate, got, c.want, b.String())
		}
	}
}

// An --until-ci precision that the replication cap stops short of is
// reported, not passed over.
func TestCITargetNotReachedNote(t *testing.T) {
	cfg := loadConfig(t, farm(2, "protocol: {timeout: 1s}"))
	sc := loadScenario(t, `farm: web
duration: 20s
warmup: 1s
replications: 2
seed: 1
arrivals: {rate: 20}
latency: {lognormal: {p50: 200ms, p99: 2s}}
`)
	res, err := Run(cfg, sc, Options{UntilCI: 0.0001, MaxReplications: 3})
	require.NoError(t, err)
	require.Equal(t, 3, res.Replications)
	require.Contains(t, strings.Join(res.Farms[0].Notes, "\n"), "CI target not reached")
}

// The overload note says how the overload shows. Offered 12 req/s of
// 100 ms work on one slot (rho 1.2), the queue gains 2 requests a second:
// with no limit it grows all run long; with requestQueueLimit 50 it is
// full after about 25 s (M/M/1/50 at rho 1.2 leaves the slot idle
// 0.2 / (1.2^51 - 1), about 0.002 % of the time: still overloaded) and
// from then on 1 - 10/12 = 1/6 of requests get 503 at once. A stopped
// pool's 503 (one second of it here, about 12 requests) is no sign of a
// full queue: with no limit the note still says the queue grows, while
// the slot is busy about 109 of the 110 s counted (above 98 %).
func TestOverloadNoteByQueueLimit(t *testing.T) {
	cfg := loadConfig(t, farm(1, "protocol: {timeout: 30s}"))
	for _, c := range []struct {
		backends, events, want, not string
	}{
		{"{requestQueueLimit: 0, queueLength: 0}", "", "queues grow", "503"},
		{"{requestQueueLimit: 50}", "", "turned away with 503", "queues grow"},
		{"{requestQueueLimit: 0, queueLength: 0}", "events: [{at: 60s, server: 10.0.0.1, fault: stopped, for: 1s}]", "queues grow", "503"},
	} {
		sc := loadScenario(t, `farm: web
duration: 2m
warmup: 10s
replications: 2
seed: 1
arrivals: {rate: 12}
latency: {exponential: {mean: 100ms}}
concurrency: 1
backends: `+c.backends+`
`+c.events+`
`)
		res, err := Run(cfg, sc, Options{})
		require.NoError(t, err)
		if c.events != "" {
			require.Positive(t, res.Farms[0].Outcomes.S503, "the stopped pool answers 503")
		}
		notes := strings.Join(res.Farms[0].Notes, "\n")
		require.Contains(t, notes, "is overloaded", c.backends)
		require.Contains(t, notes, c.want, c.backends)
		require.NotContains(t, notes, c.not, c.backends)
	}
}
