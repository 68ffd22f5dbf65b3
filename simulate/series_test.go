package simulate

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// A year of simulated time keeps a bounded series (issue 18: a
// per-second series of 8760 h was 500 MB per replication): buckets of
// 2^k seconds, the smallest power of two that fits the window into
// maxSeriesBuckets, and every counted request in exactly one bucket.
func TestSeriesOfALongRunIsBounded(t *testing.T) {
	cfg := loadConfig(t, farm(2, "protocol: {timeout: 30s}"))
	sc := loadScenario(t, "duration: 8760h\nwarmup: 0s\nreplications: 2\narrivals: {rate: 0.0002}\nlatency: {fixed: 10ms}\n")
	res, err := Run(cfg, sc, Options{})
	require.NoError(t, err)
	f := res.Farms[0]
	// 8760 h = 31 536 000 s; /16384 = 1925 s, so 2048 s buckets.
	require.Equal(t, 2048.0, f.Series.StepS)
	require.LessOrEqual(t, len(f.Series.Requests), maxSeriesBuckets)
	require.Greater(t, len(f.Series.Requests), 31_536_000/2048-100, "the buckets reach the end of the window")
	var sum uint64
	for _, n := range f.Series.Requests {
		sum += n
	}
	require.Positive(t, f.Requests)
	require.EqualValues(t, f.Requests, sum)
	// An ordinary run keeps one-second buckets.
	sc = loadScenario(t, "duration: 2m\nwarmup: 0s\nreplications: 2\narrivals: {rate: 50}\nlatency: {fixed: 10ms}\n")
	res, err = Run(cfg, sc, Options{})
	require.NoError(t, err)
	require.Equal(t, 1.0, res.Farms[0].Series.StepS)
	require.Len(t, res.Farms[0].Series.Requests, 120)
}

// A requests-mode window longer than planned (a schedule the plan cannot
// size) coarsens as it goes: pairs merge, nothing is lost, and the step
// doubles.
func TestSeriesCoarsensAsTheRunGrows(t *testing.T) {
	st := &repStats{step: 1e9, warm: 0}
	const n = 3*maxSeriesBuckets + 5 // seconds, each with one request
	for s := range int64(n) {
		st.sec(s * 1e9).Requests++
	}
	// 3*M+5 seconds need 4 s buckets to fit in M.
	require.Equal(t, int64(4e9), st.step)
	require.Len(t, st.series, (n+3)/4)
	var sum uint32
	for i, b := range st.series {
		sum += b.Requests
		if i < len(st.series)-1 {
			require.EqualValues(t, 4, b.Requests, "bucket %d holds its four seconds", i)
		}
	}
	require.EqualValues(t, n, sum)
}
