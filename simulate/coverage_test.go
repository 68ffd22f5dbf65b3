package simulate

import (
	"fmt"
	"math"
	"os"
	"strconv"
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

// coverageCell runs seeds independent simulations (from firstSeed on) of an
// M/G/inf farm (lognormal service, median 100 ms, sigma 1) with timeout
// tau and reports how often the 502.3 rate's 95% interval holds the exact
// value, and how often a gate whose limit is the exact value / 1.44 (a
// true breach of 1.44x) would pass: mean and upper bound within the limit.
func coverageCell(t *testing.T, tau float64, seeds int, duration string) (covered, falsePass float64) {
	want := lognormalTail(0.1, 1, tau)
	limit := want / 1.44
	cfg := loadConfig(t, farm(2, fmt.Sprintf("protocol: {timeout: %gs}", tau)))
	cover, pass := 0, 0
	first := firstSeed(t)
	for s := first; s < first+seeds; s++ {
		reps := simulate(t, cfg, mginfScenario(t, s, duration))
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

// mginfScenario is coverageCell's scenario for one seed: ten replications
// of duration at 200 requests/s, lognormal service of median 100 ms.
func mginfScenario(t *testing.T, seed int, duration string) *Scenario {
	return loadScenario(t, fmt.Sprintf(`
duration: %s
warmup: 5s
replications: 10
seed: %d
arrivals: {rate: 200}
latency: {lognormal: {median: 100ms, sigma: 1}}
`, duration, seed))
}

// TestRareRateCoverageLong is the acceptance of issue 16: over
// acceptanceSeeds seeds, at exact 502.3 shares of about 1%, 0.1% and 0.01%
// (timeouts 1 s, 2 s and 4 s), the 95% intervals hold the exact value in
// 93% to 97% of runs, and the gate passes a true breach of 1.44x the
// limit in at most 5%. Measured over 1000 seeds: 0.955, 0.954 and 0.941,
// the gate passing none (over seeds 1-200 they were 0.965, 0.950 and
// 0.935). It simulates about 1.2e9 requests (minutes on two cores), so it
// runs only with ARRFARM_LONG=1; TestRareRateCoverage replays a short
// version.
func TestRareRateCoverageLong(t *testing.T) {
	if os.Getenv("ARRFARM_LONG") == "" {
		t.Skip("set ARRFARM_LONG=1 to run the long coverage tests")
	}
	for _, tau := range []float64{1, 2, 4} {
		covered, falsePass := coverageCell(t, tau, longSeeds(t), "200s")
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
//
// Each seed runs replications of duration (10 to start) through
// replicate, the loop simulate.Run uses; untilCI > 0 extends them as
// --until-ci does (Options.UntilCI, default cap of 1000), so the cell
// measures what a user of --until-ci gets. It returns the mean number of
// replications run and how many seeds stopped at the cap short of the
// target.
func mmcCoverageCell(t *testing.T, share float64, seeds int, duration string, untilCI float64) (covered, falsePass, meanReps float64, capped int) {
	tau, want := mmcTimeout(share)
	limit := want / 1.44
	cfg := loadConfig(t, farm(1, fmt.Sprintf("protocol: {timeout: %gs}", tau)))
	opts := Options{UntilCI: untilCI}
	cover, pass, reps := 0, 0, 0
	first := firstSeed(t)
	for s := first; s < first+seeds; s++ {
		sc := mmcScenario(t, s, duration)
		p, err := compile(cfg, sc, nil)
		if err != nil {
			t.Fatal(err)
		}
		counts, err := replicate(p, sc.Replications, opts, func(*repStats) {})
		if err != nil {
			t.Fatal(err)
		}
		reps += len(counts)
		if untilCI > 0 && !ciReached(counts, untilCI) {
			capped++
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
	meanReps = float64(reps) / float64(seeds)
	run := "10 replications"
	if untilCI > 0 {
		run = fmt.Sprintf("--until-ci %g%% (mean %.0f replications, %d stopped at the cap)", 100*untilCI, meanReps, capped)
	}
	t.Logf("M/M/4 at 90%% load, timeout %gs, exact 502.3 share %.4g, %d seeds x %s of %s: 95%% interval coverage %.3f, gate passes a 1.44x breach in %.3f",
		tau, want, seeds, run, duration, covered, falsePass)
	return covered, falsePass, meanReps, capped
}

// The M/M/4 of mmcCoverageCell: 4 slots, 36 requests/s, 10 served a
// second per slot (utilisation 0.9).
const (
	mmcSlots  = 4
	mmcLambda = 36.0
	mmcMu     = 10.0
)

// mmcScenario is mmcCoverageCell's scenario for one seed: ten
// replications of duration. Warm-up: ten relaxation times
// 1/(c mu (1 - sqrt rho)^2) = 9.5 s (validation.md 4.3).
func mmcScenario(t *testing.T, seed int, duration string) *Scenario {
	src := queueScenario(mmcLambda, mmcMu, mmcSlots, "100s", duration, 10, "")
	return loadScenario(t, strings.Replace(src, "seed: 11", fmt.Sprintf("seed: %d", seed), 1))
}

// mmcTimeout is the timeout (in ms steps, as the config has them) that
// puts the exact 502.3 share of mmcCoverageCell's M/M/4 near share, and
// that exact share.
func mmcTimeout(share float64) (tau, want float64) {
	lo, hi := 0.0, 60.0
	for range 100 {
		if m := (lo + hi) / 2; mmcSojournTail(mmcSlots, mmcLambda, mmcMu, m) > share {
			lo = m
		} else {
			hi = m
		}
	}
	tau = math.Round(hi*1000) / 1000
	return tau, mmcSojournTail(mmcSlots, mmcLambda, mmcMu, tau)
}

// firstSeed is where the cells' seeds start: 1, or ARRFARM_FIRST_SEED,
// so that a cell can be measured again on seeds it has not seen, or
// recorded in parts (TestCoverageRecord).
func firstSeed(t *testing.T) int { return envCount(t, "ARRFARM_FIRST_SEED", 1) }

// acceptanceSeeds is how many seeds a long cell runs to be judged against
// the band [0.93, 0.97]. Issue 16 asks for at least 200, but over 200
// seeds a coverage's binomial standard error at 95 % is 0.0154, so the
// band is 1.3 standard errors either side and an exactly calibrated
// interval lands outside it in about one cell of five; over 1000 (0.0069)
// it is 2.9 either side, outside in about one of 250. A cell outside the
// band over 1000 seeds is the interval's fault, not the seeds'.
const acceptanceSeeds = 1000

// longSeeds is how many seeds the long cells run: ARRFARM_SEEDS, or
// acceptanceSeeds.
func longSeeds(t *testing.T) int { return envCount(t, "ARRFARM_SEEDS", acceptanceSeeds) }

// envCount is the positive integer in the environment variable name, or
// def when it is not set.
func envCount(t *testing.T, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		t.Fatalf("%s=%q: want a positive whole number", name, v)
	}
	return n
}

// untilCICoverage is the --until-ci target under which the M/M/4 cells
// hold their nominal coverage: a half-width of 50 % of the mean asks for
// about (1.96 / 0.5)^2 = 15 effective events (count / VIF), enough for the
// Clopper-Pearson interval of the effective count to be near its 95 %.
const untilCICoverage = 0.5

// TestBurstyRareRateCoverageLong: at 90 % load, over acceptanceSeeds
// seeds, runs extended by --until-ci 50 % give 95 % intervals that hold
// the exact M/M/c value in 93 % to 97 % of runs at 1 %, 0.1 % and 0.01 %;
// the gate passes a 1.44x breach in at most 5 % everywhere.
//
// A fixed run cannot reach nominal coverage: timeouts there come in bursts
// of a hundred or more (VIF about 300; 327 for the 0.01 % cell's
// replications of 3000 s, pooled over seeds 401-1000), so ten
// replications of 600 s hold about 0.07 effective events at 0.01 %: mostly
// none, and the interval, honest about that, covers in nearly every seed
// (0.974 at 0.1 % and 0.994 at 0.01 % over seeds 1001-1500; 0.997 and
// 1.000 over 1000 before the sparse rule), which the gate
// reads as "uncertain". That fixed run is still held to coverage of at
// least 93 % and the 5 % false-pass bound (TestBurstyRareRateCoverage
// replays it in CI). The 0.01 % cell needs about 5e7 requests a seed, so
// it runs replications of 3000 s (mean 577 to the target, under the
// default cap of 1000). The whole test simulates about 7e10 requests (one
// to two hours on two cores: the 0.01 % cell's seeds ran at 10 to 16 a
// minute on this shared machine): ARRFARM_LONG=1 and -timeout 180m run it;
// ARRFARM_SEEDS and ARRFARM_FIRST_SEED run part of it.
//
// Measured with the interval as it is now on fresh seeds 1001-1500
// (ARRFARM_FIRST_SEED=1001 ARRFARM_SEEDS=500; TestCoverageRecord, then
// TestCoverageReplay): 0.938 at 1 %, 0.938 at 0.1 % and 0.962 at 0.01 %
// under --until-ci (mean 25, 241 and 528 replications, none at the cap),
// 0.952, 0.974 and 0.994 on the fixed runs; the gate passed a 1.44x
// breach in 3 of 500 seeds (fixed, at 1 %) and in none elsewhere.
//
// Before effectiveCounts' sparse rule, over seeds 1-1000: 0.947 at 1 %,
// 0.970 at 0.1 %, and 0.978 at 0.01 % (978 of 1000), 4 binomial standard
// errors above 95 %: the interval was conservative there, on both sides
// (below the truth 15 times, above it 7, against 25 each at the nominal
// rate); on seeds 1001-1500, 0.976. One seed of 1000 stopped at the cap.
// The gate passed a 1.44x breach in one seed of 1000 (at 1 %).
//
// Why it was (measured on seeds 401-1000): not a wrong VIF. Read at a
// fixed 325 replications, the estimate's spread over the seeds is what
// the pooled VIF says it should be (standard deviation 0.303 of the truth
// against 0.305), and at the stop the VIF each seed used has a median of
// 1.00 times the pooled one (10 % to 90 %: 0.89 to 1.36). A seed's VIF
// was the larger of its own and its stand-in's (requests slower than half
// the timeout, pooled VIF 312). A seed that met a long burst measured a
// high VIF of its own, so the seeds whose estimate ran high got the
// widest intervals (log estimate and log VIF correlate at 0.54 over the
// 1000 seeds) and the lower bound rarely passed the truth; on the other
// side the Clopper-Pearson bound of some 11 to 18 effective events keeps
// its discreteness. Read at a fixed 323 replications (the fewest any seed
// recorded), the 1000 seeds cover 0.985, so the stop rule did not cause
// it. A mid-p lower bound gave 0.978 over seeds 401-1000 (and took the
// 0.1 % cell from 0.970 to 0.957); mid-p on both sides 0.980; the seed's
// own VIF alone, with no floor, under-covers at 0.1 % and 0.01 % (0.890
// over 200 seeds, 0.915 over 400). The stand-in's VIF alone, never the
// seed's own ("proxy-stands-in"), gave 0.957 here and 0.950 at 0.1 %, but
// 0.896 at 1 % (0.884 on seeds 1001-1500), where the stand-in clusters
// less than the timeouts do; at rarer thresholds the two converge (pooled
// at 0.01 %: 312 against 327). So the stand-in replaces the count's own
// VIF only where the count is sparse (effectiveCounts), a rule chosen on
// seeds 1-1000 and written down before seeds 1001-1500 were recorded
// (docs/simulation.md), whose figures are those above.
func TestBurstyRareRateCoverageLong(t *testing.T) {
	if os.Getenv("ARRFARM_LONG") == "" {
		t.Skip("set ARRFARM_LONG=1 to run the long coverage tests")
	}
	for _, cell := range []struct {
		share    float64
		duration string
	}{{1e-2, "600s"}, {1e-3, "600s"}, {1e-4, "3000s"}} {
		t.Run(fmt.Sprint(cell.share), func(t *testing.T) {
			covered, falsePass, _, capped := mmcCoverageCell(t, cell.share, longSeeds(t), cell.duration, untilCICoverage)
			if covered < 0.93 || covered > 0.97 {
				t.Errorf("share %g: coverage %.3f, want within [0.93, 0.97]", cell.share, covered)
			}
			if falsePass > 0.05 {
				t.Errorf("share %g: the gate passes a 1.44x breach in %.3f of seeds, want at most 0.05", cell.share, falsePass)
			}
			// A seed at the cap is judged as its user would see it,
			// flagged as short of the target (until_ci.reached false);
			// more than one in 200 would measure the cap, not the
			// interval.
			if seeds := longSeeds(t); capped*200 > seeds {
				t.Errorf("share %g: %d of %d seeds stopped at the replication cap: the coverage is not that of runs that reached the target", cell.share, capped, seeds)
			}
			// The fixed run of ten replications, as check runs it.
			covered, falsePass, _, _ = mmcCoverageCell(t, cell.share, longSeeds(t), "600s", 0)
			if covered < 0.93 {
				t.Errorf("share %g, ten replications: coverage %.3f, want at least 0.93", cell.share, covered)
			}
			if falsePass > 0.05 {
				t.Errorf("share %g, ten replications: the gate passes a 1.44x breach in %.3f of seeds, want at most 0.05", cell.share, falsePass)
			}
		})
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
	covered, falsePass, _, _ := mmcCoverageCell(t, 1e-4, 40, "600s", 0)
	if covered < 0.9 {
		t.Errorf("coverage %.3f over 40 seeds, want at least 0.9", covered)
	}
	if falsePass > 5.0/40 {
		t.Errorf("the gate passes a 1.44x breach in %.3f of seeds, want at most 5 of 40", falsePass)
	}
}

// TestBurstyUntilCICoverage is the short version of the --until-ci cells
// CI runs: 40 seeds at the 1 % share (about 26 replications of 600 s a
// seed), every one reaching the target. The bound is the one
// TestRareRateCoverage uses: 34 or fewer of 40 covered has probability
// about 1.4 % at a true 95 %.
func TestBurstyUntilCICoverage(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates 40 x about 26 replications")
	}
	covered, falsePass, meanReps, capped := mmcCoverageCell(t, 1e-2, 40, "600s", untilCICoverage)
	if covered <= 0.85 {
		t.Errorf("coverage %.3f over 40 seeds, want above 0.85 (nominal 0.95)", covered)
	}
	if falsePass > 0.05 {
		t.Errorf("the gate passes a 1.44x breach in %.3f of seeds, want at most 0.05", falsePass)
	}
	if capped > 0 || meanReps <= 10 {
		t.Errorf("%d seeds stopped at the cap, mean %.1f replications: want every seed to extend past 10 and reach the target", capped, meanReps)
	}
}
