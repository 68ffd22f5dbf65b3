package simulate

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The work budget refuses a run before it starts, saying what it would
// cost and what to lower; a normal scenario passes.
func TestWorkBudget(t *testing.T) {
	cfg := loadConfig(t, farm(3, "protocol: {timeout: 30s}"))
	for src, want := range map[string]string{
		// 1e5/s x 36000 s x 1000 = 3.6e12 requests.
		"duration: 10h\nreplications: 1000\narrivals: {rate: 100000}\nlatency: {fixed: 10ms}\n": "about 3.6e+12 simulated requests (up to 100000 requests/s x 10h0m0s (warm-up included) x 1000 replications), over the limit of 1e+10; lower arrivals.rate",
		// A schedule's peak counts: 2e5/s x 3600 s x 20000.
		"duration: 1h\nreplications: 20000\narrivals: {rate: 1, schedule: [{at: 1m, rate: 200000}]}\nlatency: {fixed: 10ms}\n": "about 1.44e+13 simulated requests",
		// requests mode: 1e9 x 100.
		"requests: 1000000000\nreplications: 100\narrivals: {rate: 10}\nlatency: {fixed: 10ms}\n": "about 1e+11 simulated requests",
	} {
		sc, fs, err := LoadScenario("s.yaml", []byte(src))
		require.NoError(t, err)
		require.Empty(t, fs, src)
		_, err = Run(cfg, sc, Options{})
		var be *BudgetError
		require.True(t, errors.As(err, &be), "%s: err = %v", src, err)
		require.Contains(t, err.Error(), want)
	}
	// --until-ci may run to its cap: the budget counts the cap (issue 18),
	// 1000/s x 36000 s x 100000 = 3.6e12, not the scenario's 2.
	sc, fs, err := LoadScenario("s.yaml", []byte("duration: 10h\nreplications: 2\narrivals: {rate: 1000}\nlatency: {fixed: 10ms}\n"))
	require.NoError(t, err)
	require.Empty(t, fs)
	_, err = Run(cfg, sc, Options{UntilCI: 0.01, MaxReplications: 100000})
	var be *BudgetError
	require.True(t, errors.As(err, &be), "err = %v", err)
	require.Contains(t, err.Error(), "about 3.6e+12 simulated requests (up to 1000 requests/s x 10h0m0s (warm-up included) x 100000 replications)")
	// 2e8 replications keep 136 bytes of counts each (nine outcome counts
	// and eight tail counts of 8 bytes): 2.72e10 B = 25.3 GiB.
	sc, fs, err = LoadScenario("s.yaml", []byte("requests: 1\nreplications: 2\narrivals: {rate: 1000}\nlatency: {fixed: 10ms}\n"))
	require.NoError(t, err)
	require.Empty(t, fs)
	_, err = Run(cfg, sc, Options{UntilCI: 0.01, MaxReplications: 200_000_000})
	require.True(t, errors.As(err, &be), "err = %v", err)
	require.Contains(t, err.Error(), "about 25.3 GiB kept per replication (136 B x 200000000 replications), over the limit of 1 GiB")

	sc, fs, err = LoadScenario("s.yaml", []byte("duration: 1m\nreplications: 2\narrivals: {rate: 100}\nlatency: {fixed: 10ms}\n"))
	require.NoError(t, err)
	require.Empty(t, fs)
	res, err := Run(cfg, sc, Options{})
	require.NoError(t, err)
	require.Positive(t, res.Farms[0].Requests)
}

// A panic inside a replication's goroutine comes back as an
// *InternalError naming the replication, instead of killing the process
// past the command's recover.
func TestWorkerPanicIsInternalError(t *testing.T) {
	cfg := loadConfig(t, farm(3, "protocol: {timeout: 30s}"))
	sc, _, err := LoadScenario("s.yaml", []byte("duration: 1m\nreplications: 3\narrivals: {rate: 100}\nlatency: {fixed: 10ms}\n"))
	require.NoError(t, err)
	p, err := compile(cfg, sc, nil)
	require.NoError(t, err)
	p.steps = nil // a plan no compile produces: newSim indexes it
	_, err = runReplications(p, 3, Options{Workers: 2})
	var ie *InternalError
	require.True(t, errors.As(err, &ie), "err = %v", err)
	require.Contains(t, ie.Panic, "index out of range")
	require.True(t, strings.Contains(ie.Stack, "newSim") || strings.Contains(ie.Stack, "init"), ie.Stack)
}
