package simulate

import (
	"fmt"
	"math"
	"os"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// lognormalTail is P(S > tau) for ln S ~ N(ln median, sigma^2): the exact
// 502.3 share of a farm of unlimited concurrency (M/G/inf, validation.md
// 1.7), whatever the algorithm and the load.
func lognormalTail(median, sigma, tau float64) float64 {
	return 1 - distuv.LogNormal{Mu: math.Log(median), Sigma: sigma}.CDF(tau)
}

// coverageCell runs seeds independent simulations (seed 1..seeds) of an
// M/G/inf farm (lognormal service, median 100 ms, sigma 1) with timeout
// tau and reports how often the 502.3 rate's 95% interval holds the exact
// value, and how often a gate whose limit is the exact value / 1.44 (a
// true breach of 1.44x) would pass: mean and upper bound within the limit.
func coverageCell(t *testing.T, tau float64, seeds int, duration string) (covered, falsePass float64) {
	want := lognormalTail(0.1, 1, tau)
	limit := want / 1.44
	cfg := loadConfig(t, farm(2, fmt.Sprintf("protocol: {timeout: %gs}", tau)))
	cover, pass := 0, 0
	for s := 1; s <= seeds; s++ {
		sc := loadScenario(t, fmt.Sprintf(`
duration: %s
warmup: 5s
replications: 10
seed: %d
arrivals: {rate: 200}
latency: {lognormal: {median: 100ms, sigma: 1}}
`, duration, s))
		reps := simulate(t, cfg, sc)
		counts := make([]repCounts, len(reps))
		for i, r := range reps {
			counts[i] = r.repCounts
		}
		r := rateOf(counts, (*repCounts).e5023)
		if r.CI95[0] <= want && want <= r.CI95[1] {
			cover++
		}
		if r.Mean <= limit && r.CI95[1] <= limit {
			pass++
		}
	}
	covered, falsePass = float64(cover)/float64(seeds), float64(pass)/float64(seeds)
	t.Logf("timeout %gs, exact 502.3 share %.4g, %d seeds x 10 replications x %s at 200/s: 95%% interval coverage %.3f, gate passes a 1.44x breach in %.3f",
		tau, want, seeds, duration, covered, falsePass)
	return covered, falsePass
}

// TestRareRateCoverageLong is the acceptance of issue 16: over 200 seeds,
// at exact 502.3 shares of about 1%, 0.1% and 0.01% (timeouts 1 s, 2 s and
// 4 s), the 95% intervals hold the exact value in 93% to 97% of runs, and
// the gate passes a true breach of 1.44x the limit in at most 5%. It
// simulates about 2.4e8 requests (minutes on two busy cores), so it runs
// only with ARRFARM_LONG=1; TestRareRateCoverage replays a short version.
func TestRareRateCoverageLong(t *testing.T) {
	if os.Getenv("ARRFARM_LONG") == "" {
		t.Skip("set ARRFARM_LONG=1 to run the 200-seed coverage test")
	}
	for _, tau := range []float64{1, 2, 4} {
		covered, falsePass := coverageCell(t, tau, 200, "200s")
		if covered < 0.93 || covered > 0.97 {
			t.Errorf("timeout %gs: coverage %.3f, want within [0.93, 0.97]", tau, covered)
		}
		if falsePass > 0.05 {
			t.Errorf("timeout %gs: the gate passes a 1.44x breach in %.3f of seeds, want at most 0.05", tau, falsePass)
		}
	}
}

// TestRareRateCoverage is the short version CI runs: 40 seeds at the 1%
// share. Binomial(40, 0.95) falls to 34 or fewer covered with probability
// about 1.4%, so a coverage of 85% or less means the interval is wrong,
// not unlucky (and the seeds are fixed: the result does not vary).
func TestRareRateCoverage(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates 40 x 10 replications")
	}
	covered, falsePass := coverageCell(t, 1, 40, "20s")
	if covered <= 0.85 {
		t.Errorf("coverage %.3f over 40 seeds, want above 0.85 (nominal 0.95)", covered)
	}
	if falsePass > 0.05 {
		t.Errorf("the gate passes a 1.44x breach in %.3f of seeds, want at most 0.05", falsePass)
	}
}
