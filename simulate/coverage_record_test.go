package simulate

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// The coverage cells of coverage_test.go cost up to half an hour each, and
// almost all of it is simulation: the interval is milliseconds. So a cell
// can be recorded once, per seed every replication's counts (the
// repCounts rateOfCounts sees), and any interval then judged over the
// recording by replaying the cell's verdicts. An --until-ci cell is
// recorded past where it stopped: an interval that is narrower at every
// prefix stops no later, so the recording also answers for it (one that
// would run past the recording is counted short, not judged).
//
// ARRFARM_COVERAGE_RECORD=DIR records the cells (one file each, named as
// the subtest) into DIR; ARRFARM_COVERAGE_REPLAY=DIR replays them.

// recordedSeed is one seed of a recorded cell.
type recordedSeed struct {
	Seed int     `json:"seed"`
	Want float64 `json:"want"`
	// Stop is how many replications the cell's own run kept (10, or where
	// --until-ci stopped); Reps holds at least as many.
	Stop int           `json:"stop"`
	Reps []recordedRep `json:"reps"`
}

type recordedRep struct {
	Out  [nOutcomes]int64 `json:"out"`
	Tail [tailRungs]int64 `json:"tail"`
}

func (r recordedRep) counts() repCounts { return repCounts{out: r.Out, tail: r.Tail} }

// recordCell writes seeds first..first+seeds-1 of one cell to path, a JSON
// line a seed, flushing each so a long cell can be read while it runs.
func recordCell(t *testing.T, path string, seeds, first int, run func(seed int) recordedSeed) {
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	for s := first; s < first+seeds; s++ {
		line, err := json.Marshal(run(s))
		if err != nil {
			t.Fatal(err)
		}
		w.Write(append(line, '\n'))
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestCoverageRecord records the cells of TestRareRateCoverageLong and
// TestBurstyRareRateCoverageLong over the same seeds and runs.
func TestCoverageRecord(t *testing.T) {
	dir := os.Getenv("ARRFARM_COVERAGE_RECORD")
	if dir == "" {
		t.Skip("set ARRFARM_COVERAGE_RECORD=DIR to record the coverage cells")
	}
	first := firstSeed(t)
	for _, tau := range []float64{1, 2, 4} {
		t.Run(fmt.Sprintf("mginf-%g", tau), func(t *testing.T) {
			want := lognormalTail(0.1, 1, tau)
			cfg := loadConfig(t, farm(2, fmt.Sprintf("protocol: {timeout: %gs}", tau)))
			path := filepath.Join(dir, fmt.Sprintf("mginf-%g-%d.jsonl", tau, first))
			recordCell(t, path, longSeeds(t), first, func(s int) recordedSeed {
				rec := recordedSeed{Seed: s, Want: want, Stop: 10}
				for _, r := range simulate(t, cfg, mginfScenario(t, s, "200s")) {
					rec.Reps = append(rec.Reps, recordedRep{Out: r.out, Tail: r.tail})
				}
				return rec
			})
		})
	}
	for _, cell := range []struct {
		share    float64
		duration string
		untilCI  float64
		past     float64 // record to past x the stop, at most the cap
	}{
		{1e-2, "600s", untilCICoverage, 1.6},
		{1e-3, "600s", untilCICoverage, 1.6},
		{1e-4, "600s", 0, 1},
		{1e-4, "3000s", untilCICoverage, 1.25},
	} {
		name := fmt.Sprintf("mmc-%g-%s-ci%g", cell.share, cell.duration, cell.untilCI)
		t.Run(name, func(t *testing.T) {
			tau, want := mmcTimeout(cell.share)
			cfg := loadConfig(t, farm(1, fmt.Sprintf("protocol: {timeout: %gs}", tau)))
			opts := Options{UntilCI: cell.untilCI}
			recordCell(t, filepath.Join(dir, fmt.Sprintf("%s-%d.jsonl", name, first)), longSeeds(t), first, func(s int) recordedSeed {
				sc := mmcScenario(t, s, cell.duration)
				p, err := compile(cfg, sc, nil)
				if err != nil {
					t.Fatal(err)
				}
				counts, err := replicate(p, sc.Replications, opts, func(*repStats) {})
				if err != nil {
					t.Fatal(err)
				}
				rec := recordedSeed{Seed: s, Want: want, Stop: len(counts)}
				if to := min(maxReplications(opts, 10), int(math.Ceil(cell.past*float64(len(counts))))); to > len(counts) {
					batch, err := runBatch(p, len(counts), to, to, runtime.GOMAXPROCS(0), nil)
					if err != nil {
						t.Fatal(err)
					}
					for _, st := range batch {
						st.countTail(p.timeout)
						counts = append(counts, st.repCounts)
					}
				}
				for _, c := range counts {
					rec.Reps = append(rec.Reps, recordedRep{Out: c.out, Tail: c.tail})
				}
				return rec
			})
		})
	}
}

// interval is a way to compute the 502.3 rate and its 95 % interval from
// per-replication counts; proxy is nil where the cell's own computation
// has none (rateOf for M/G/inf, rate5023 for M/M/4).
type interval func(events, requests, proxy []int64) Rate

// intervalVariants are the intervals the replay judges, "cp" first:
// rateOfCounts itself. The others are the changes tried for the M/M/4
// 0.01 % cell's over-coverage (TestBurstyRareRateCoverageLong says what
// they gave), on the interval as it was then (flooredCounts), and that
// interval itself, "max-floor".
var intervalVariants = []struct {
	name string
	f    interval
}{
	{"cp", rateOfCounts},
	// Mid-p bounds remove Clopper-Pearson's conservatism from its
	// discreteness; on the lower side only, the upper bound the gate reads
	// keeps its guarantee.
	{"midp-lo", endpoints(func(ee, ne float64) (float64, float64) { return midPLower(ee, ne), cpUpper(ee, ne) })},
	{"midp-both", endpoints(func(ee, ne float64) (float64, float64) { return midPLower(ee, ne), midPUpper(ee, ne) })},
	// The stand-in's floor on clustering only where the count is too rare
	// to measure its own, not also where the stand-in is clustered.
	{"no-floor-over-1000", vifRule(func(e, est float64) bool { return e < minClusterEvents })},
	// The stand-in's VIF alone wherever it is measured, never the count's
	// own: the seed's own VIF, high where the seed met a long burst, no
	// longer widens the interval of the seeds whose estimate ran high.
	{"proxy-stands-in", func(events, requests, proxy []int64) Rate {
		m, e, n, _ := flooredCounts(events, requests, nil)
		if est, ok := dispersion(proxy, requests); ok && proxy != nil {
			return effectiveRate(m, e, n, math.Max(1, est), len(events))
		}
		return flooredRate(events, requests, proxy)
	}},
	// The interval before effectiveCounts' sparse rule: the count's own
	// VIF with the stand-in's as a floor. Seeds 1-1500 were recorded
	// with it, so it is the one that must reproduce their stops.
	{"max-floor", flooredRate},
}

// flooredRate is rateOfCounts on flooredCounts, before the sparse rule.
func flooredRate(events, requests, proxy []int64) Rate {
	m, e, n, vif := flooredCounts(events, requests, proxy)
	return effectiveRate(m, e, n, vif, len(events))
}

// vifRule is flooredRate with the stand-in's floor applied only where
// floor says (flooredCounts: e < minClusterEvents || est > 2).
func vifRule(floor func(e, est float64) bool) interval {
	return func(events, requests, proxy []int64) Rate {
		_, e, n, _ := flooredCounts(events, requests, nil)
		if proxy == nil || n == 0 {
			return flooredRate(events, requests, proxy)
		}
		if est, ok := dispersion(proxy, requests); ok && !floor(e, est) {
			proxy = nil
		}
		return flooredRate(events, requests, proxy)
	}
}

// endpoints is flooredRate with its Clopper-Pearson endpoints replaced by
// ends of the effective counts.
func endpoints(ends func(ee, ne float64) (lo, hi float64)) interval {
	return func(events, requests, proxy []int64) Rate {
		m, e, n, vif := flooredCounts(events, requests, proxy)
		if n == 0 || e == 0 || len(events) < 2 {
			return flooredRate(events, requests, proxy)
		}
		ee, ne := e/vif, n/vif
		lo, hi := 0.0, 1.0
		if ee < ne {
			lo, hi = ends(ee, ne)
		}
		return Rate{Mean: m, CI95: [2]float64{math.Min(lo, m), math.Max(hi, m)}}
	}
}

func cpUpper(ee, ne float64) float64 {
	return distuv.Beta{Alpha: ee + 1, Beta: ne - ee}.Quantile(0.975)
}

// atLeast is P(X >= x) for X binomial(n, p), continued to real x and n.
func atLeast(x, n, p float64) float64 {
	if x <= 0 {
		return 1
	}
	return distuv.Beta{Alpha: x, Beta: n - x + 1}.CDF(p)
}

// midPLower solves P(X > x) + P(X = x) / 2 = 2.5 %: the mean of the
// Clopper-Pearson lower bounds of x and x + 1.
func midPLower(ee, ne float64) float64 {
	f := func(p float64) float64 { return (atLeast(ee, ne, p)+atLeast(ee+1, ne, p))/2 - 0.025 }
	lo := distuv.Beta{Alpha: ee, Beta: ne - ee + 1}.Quantile(0.025)
	hi := distuv.Beta{Alpha: ee + 1, Beta: ne - ee}.Quantile(0.025)
	return bisect(f, lo, hi)
}

// midPUpper solves P(X < x) + P(X = x) / 2 = 2.5 %.
func midPUpper(ee, ne float64) float64 {
	f := func(p float64) float64 { return 0.025 - ((1-atLeast(ee+1, ne, p))+(1-atLeast(ee, ne, p)))/2 }
	lo := distuv.Beta{Alpha: ee, Beta: ne - ee + 1}.Quantile(0.975)
	hi := cpUpper(ee, ne)
	return bisect(f, lo, hi)
}

// bisect finds the root of f, increasing, in [lo, hi].
func bisect(f func(float64) float64, lo, hi float64) float64 {
	for range 60 {
		m := (lo + hi) / 2
		if f(m) < 0 {
			lo = m
		} else {
			hi = m
		}
	}
	return (lo + hi) / 2
}

// replayResult is what an interval gives over a recorded cell.
type replayResult struct {
	seeds, cover, pass, reps, short, capped int
	// below counts seeds whose interval lay below the truth (the upper
	// bound, which the gate reads, too low), above those above it.
	below, above int
	// stops is where each seed stopped, by seed; ratios are the estimates
	// over the truth where the verdicts were read, sorted.
	stops  map[int]int
	ratios []float64
}

// replayCell judges one interval over a recorded cell as the harness does:
// the verdicts at the replication where the cell stops (10, or under
// --until-ci the first from 10 on whose half-width is within untilCI of
// the mean, or the cap of 1000, as replicate stops). A seed whose
// recording ends before the interval's stop is counted short, not judged.
func replayCell(recs []recordedSeed, f interval, proxied bool, untilCI float64) replayResult {
	res := replayResult{stops: map[int]int{}}
	for _, rec := range recs {
		rate := func(k int) Rate { return f(rec.firstCounts(k, proxied)) }
		k := 10
		for untilCI > 0 && k <= len(rec.Reps) {
			r := rate(k)
			if (r.CI95[1]-r.CI95[0])/2 <= untilCI*r.Mean {
				break
			}
			if k == 1000 {
				res.capped++
				break
			}
			k++
		}
		if k > len(rec.Reps) {
			res.short++
			continue
		}
		r := rate(k)
		res.seeds++
		res.reps += k
		res.stops[rec.Seed] = k
		res.ratios = append(res.ratios, r.Mean/rec.Want)
		switch {
		case r.CI95[1] < rec.Want:
			res.below++
		case r.CI95[0] > rec.Want:
			res.above++
		default:
			res.cover++
		}
		if limit := rec.Want / 1.44; r.Mean <= limit && r.CI95[1] <= limit {
			res.pass++
		}
	}
	sort.Float64s(res.ratios)
	return res
}

// TestCoverageReplay judges every interval of intervalVariants over the
// cells recorded in ARRFARM_COVERAGE_REPLAY (ARRFARM_COVERAGE_VARIANTS, a
// comma list, picks some), pooling the recordings of one cell over
// different seeds, and fails if neither rateOfCounts nor the interval
// before its sparse rule ("max-floor", which recorded seeds 1-1500)
// stops where the recorded run stopped.
func TestCoverageReplay(t *testing.T) {
	dir := os.Getenv("ARRFARM_COVERAGE_REPLAY")
	if dir == "" {
		t.Skip("set ARRFARM_COVERAGE_REPLAY=DIR to replay recorded coverage cells")
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	cells := map[string][]recordedSeed{}
	var names []string
	for _, path := range files {
		// The name ends in -FIRSTSEED.
		base := strings.TrimSuffix(filepath.Base(path), ".jsonl")
		name := base[:strings.LastIndex(base, "-")]
		if cells[name] == nil {
			names = append(names, name)
		}
		cells[name] = append(cells[name], readRecorded(t, path)...)
	}
	only := os.Getenv("ARRFARM_COVERAGE_VARIANTS")
	for _, name := range names {
		recs := cells[name]
		proxied := strings.HasPrefix(name, "mmc-")
		runs := []float64{0}
		if strings.HasSuffix(name, "-ci0.5") {
			runs = []float64{0.5}
			// The first ten replications are the fixed run, where the
			// scenario is the same.
			if strings.Contains(name, "-600s-") {
				runs = append(runs, 0)
			}
		}
		for _, untilCI := range runs {
			for _, v := range intervalVariants {
				if only != "" && v.name != "cp" && !strings.Contains(","+only+",", ","+v.name+",") {
					continue
				}
				res := replayCell(recs, v.f, proxied, untilCI)
				if v.name == "cp" && untilCI > 0 {
					old := replayCell(recs, flooredRate, proxied, untilCI)
					for _, rec := range recs {
						if res.stops[rec.Seed] != rec.Stop && old.stops[rec.Seed] != rec.Stop {
							t.Errorf("%s seed %d: the replay stops at %d (%d before the sparse rule), the run at %d", name, rec.Seed, res.stops[rec.Seed], old.stops[rec.Seed], rec.Stop)
						}
					}
				}
				if v.name == "cp" && untilCI > 0 {
					logCorrelation(t, name, recs, proxied)
				}
				n := float64(res.seeds)
				q := func(p float64) float64 { return res.ratios[int(p*(n-1))] }
				t.Logf("%s until-ci %g %s: %d seeds, coverage %.4f (%d), interval below the truth %d, above %d, false pass %.3f, mean replications %.1f, capped %d, short %d; estimate / truth at the verdict: 2.5 %% %.2f, median %.2f, 97.5 %% %.2f, max %.2f",
					name, untilCI, v.name, res.seeds, float64(res.cover)/n, res.cover, res.below, res.above, float64(res.pass)/n, float64(res.reps)/n, res.capped, res.short,
					q(0.025), q(0.5), q(0.975), q(1))
			}
		}
	}
}

// logCorrelation logs, for rateOfCounts over a recorded --until-ci cell,
// how the estimate and its VIF move together where the runs stopped, and
// the coverage read at a fixed number of replications (the fewest any
// seed recorded), which no stop rule chose.
func logCorrelation(t *testing.T, name string, recs []recordedSeed, proxied bool) {
	fixed := len(recs[0].Reps)
	for _, rec := range recs {
		fixed = min(fixed, len(rec.Reps))
	}
	var xs, ys []float64
	cover, below, above := 0, 0, 0
	for _, rec := range recs {
		for j, k := range []int{rec.Stop, fixed} {
			events, requests, proxy := rec.firstCounts(k, proxied)
			if j == 0 {
				_, e, n, vif := effectiveCounts(events, requests, proxy)
				xs, ys = append(xs, math.Log(e/n)), append(ys, math.Log(vif))
				continue
			}
			switch r := rateOfCounts(events, requests, proxy); {
			case r.CI95[1] < rec.Want:
				below++
			case r.CI95[0] > rec.Want:
				above++
			default:
				cover++
			}
		}
	}
	t.Logf("%s: at the stop, log estimate and log VIF correlate at %.2f; read at a fixed %d replications, coverage %.4f, interval below the truth %d, above %d",
		name, stat.Correlation(xs, ys, nil), fixed, float64(cover)/float64(len(recs)), below, above)
}

// firstCounts are the 502.3 counts, requests and (when proxied) the
// clustering stand-in of the seed's first k replications, as replicate
// hands them to rateOfCounts.
func (rec recordedSeed) firstCounts(k int, proxied bool) (events, requests, proxy []int64) {
	events, requests = make([]int64, k), make([]int64, k)
	tails := make([][tailRungs]int64, k)
	for i := range k {
		c := rec.Reps[i].counts()
		events[i], requests[i], tails[i] = c.e5023(), c.requests(), c.tail
	}
	if proxied {
		proxy = pickProxy(byRung(tails))
	}
	return events, requests, proxy
}

func readRecorded(t *testing.T, path string) []recordedSeed {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var recs []recordedSeed
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<28)
	for sc.Scan() {
		var rec recordedSeed
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		recs = append(recs, rec)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return recs
}
