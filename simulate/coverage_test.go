package simulate

import (
	"fmt"
	"math"
	"os"
	"strings"
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

// mmcCoverageCell is coverageCell for one backend with c worker slots at
// utilisation 0.9 (M/M/4, mean service 100 ms, 36 requests/s): timeouts
// come in bursts while the queue is long, which is what made a Student t
// interval over ten replications cover the truth a third of the time at
// rare rates (issue 16). The exact 502.3 share is the M/M/c sojourn tail
// (validation.md 1.2, 1.6 a); tau is chosen to put it near share.
func mmcCoverageCell(t *testing.T, share float64, seeds int) (covered, falsePass float64) {
	const c, lambda, mu = 4, 36.0, 10.0
	lo, hi := 0.0, 60.0
	for range 100 {
		if m := (lo + hi) / 2; mmcSojournTail(c, lambda, mu, m) > share {
			lo = m
		} else {
			hi = m
		}
	}
	tau := math.Round(hi*1000) / 1000 // the config's timeout has ms steps
	want := mmcSojournTail(c, lambda, mu, tau)
	limit := want / 1.44
	cfg := loadConfig(t, farm(1, fmt.Sprintf("protocol: {timeout: %gs}", tau)))
	cover, pass := 0, 0
	for s := 1; s <= seeds; s++ {
		// Warm-up: ten relaxation times 1/(c mu (1 - sqrt rho)^2) = 9.5 s
		// (validation.md 4.3).
		src := queueScenario(lambda, mu, c, "100s", "600s", 10, "")
		sc := loadScenario(t, strings.Replace(src, "seed: 11", fmt.Sprintf("seed: %d", s), 1))
		reps := simulate(t, cfg, sc)
		counts := make([]repCounts, len(reps))
		for i, r := range reps {
			counts[i] = r.repCounts
		}
		r := rate5023(counts)
		if r.CI95[0] <= want && want <= r.CI95[1] {
			cover++
		}
		if r.Mean <= limit && r.CI95[1] <= limit {
			pass++
		}
	}
	covered, falsePass = float64(cover)/float64(seeds), float64(pass)/float64(seeds)
	t.Logf("M/M/4 at 90%% load, timeout %gs, exact 502.3 share %.4g, %d seeds x 10 replications x 600s: 95%% interval coverage %.3f, gate passes a 1.44x breach in %.3f",
		tau, want, seeds, covered, falsePass)
	return covered, falsePass
}

// TestBurstyRareRateCoverageLong: at 90 % load, over 200 seeds, the 95 %
// intervals hold the exact M/M/c value in at least 93 % of runs at 1 %,
// 0.1 % and 0.01 %, and the gate passes a 1.44x breach in at most 5 %.
// Coverage above 97 % is allowed here: where ten replications of 600 s see
// too few bursts to measure them, the interval is wider than nominal, so
// the gate answers "uncertain" instead of passing (issue 16 asks for
// that or longer runs). ARRFARM_LONG=1 runs it.
func TestBurstyRareRateCoverageLong(t *testing.T) {
	if os.Getenv("ARRFARM_LONG") == "" {
		t.Skip("set ARRFARM_LONG=1 to run the 200-seed coverage test")
	}
	for _, share := range []float64{1e-2, 1e-3, 1e-4} {
		covered, falsePass := mmcCoverageCell(t, share, 200)
		if covered < 0.93 {
			t.Errorf("share %g: coverage %.3f, want at least 0.93", share, covered)
		}
		if falsePass > 0.05 {
			t.Errorf("share %g: the gate passes a 1.44x breach in %.3f of seeds, want at most 0.05", share, falsePass)
		}
	}
}

// TestBurstyRareRateCoverage is the short version CI runs, on the case
// issue 16 reported: a 0.01 % share at 90 % load, where a true breach of
// 1.44x the limit passed the gate in 3 of 8 seeds and the Student t
// interval covered the truth in 16 of 100 (measured before this interval).
// 40 seeds: Binomial(40, 0.05) exceeds 5 passes with probability 1.4 %.
func TestBurstyRareRateCoverage(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates 40 x 10 replications")
	}
	covered, falsePass := mmcCoverageCell(t, 1e-4, 40)
	if covered < 0.9 {
		t.Errorf("coverage %.3f over 40 seeds, want at least 0.9", covered)
	}
	if falsePass > 5.0/40 {
		t.Errorf("the gate passes a 1.44x breach in %.3f of seeds, want at most 5 of 40", falsePass)
	}
}
