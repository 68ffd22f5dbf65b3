package simulate

import (
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"

	"github.com/arrfarm/arrfarm/schema"
)

// Options tune a run. The zero value runs the scenario's replications on
// every core.
type Options struct {
	// Workers is the number of replications simulated at once; 0 means
	// GOMAXPROCS. It never changes the result.
	Workers int
	// UntilCI, when positive, adds replications beyond the scenario's until
	// the 95 % CI half-width of the 502.3 rate is at most UntilCI times its
	// mean (0.1 = "within 10 %"), or MaxReplications is reached.
	UntilCI float64
	// MaxReplications caps UntilCI; 0 means 1000.
	MaxReplications int
	// Progress, when set, is called after each replication with the
	// number done and the number planned so far (the plan grows under
	// UntilCI). It is called from Run's goroutine, one call at a time.
	Progress func(done, planned int)
	// Samples supplies empirical latency samples (nil: none available).
	Samples SampleSource
	// Arrivals opens the log a scenario replays (nil: none available).
	Arrivals ArrivalSource
	// TimeoutCurve asks for Result.TimeoutCurve: the 502.3 rate for every
	// whole-second timeout up to the farm's, from this one run. Run fails
	// when TimeoutShortcut says the timeout changes the dynamics.
	TimeoutCurve bool
}

// Run simulates sc against cfg: the scenario's replications (more under
// UntilCI), in parallel, each an independent single-threaded event loop.
// The result depends only on cfg, sc and UntilCI, never on Workers or
// GOMAXPROCS. A scenario that does not fit cfg (unknown farm or server) is
// a *FindingsError.
func Run(cfg *schema.Config, sc *Scenario, opts Options) (*Result, error) {
	if cfg == nil || sc == nil {
		panic("simulate.Run: nil configuration or scenario")
	}
	p, err := compile(cfg, sc, opts.Samples)
	if err != nil {
		var fe *FindingsError
		if errors.As(err, &fe) {
			return nil, err
		}
		return nil, &InputError{fmt.Errorf("preparing the simulation of %s: %w", sc.File, err)}
	}
	if opts.TimeoutCurve {
		if err := checkCurve(cfg, sc, p); err != nil {
			return nil, err
		}
		p.curve = true
	}
	if r := sc.Arrivals.Replay; r != nil {
		if opts.Arrivals == nil {
			return nil, fmt.Errorf("simulating %s: arrivals.replay needs a log reader, which this caller did not give", sc.File)
		}
		// Open once here so that a missing log is an error before any
		// replication starts.
		st, err := opts.Arrivals(*r)
		if err != nil {
			return nil, &InputError{fmt.Errorf("simulating %s: replaying %s: %w", sc.File, r.Log, err)}
		}
		st.Close()
		p.replay = &replayState{spec: *r, open: opts.Arrivals}
	}
	budgetReps := sc.Replications
	if opts.UntilCI > 0 {
		// --until-ci may run up to its cap: the budget is for the most
		// the run can do, not the scenario's first batch.
		budgetReps = maxReplications(opts, sc.Replications)
	}
	curveBytes := 0
	if p.curve {
		curveBytes = int(p.timeout/1e9+1) * 8
	}
	if err := checkBudget(sc, budgetReps, curveBytes); err != nil {
		return nil, err
	}
	tot := newTotals(p)
	counts, err := replicate(p, sc.Replications, opts, tot.add)
	if err != nil {
		return nil, err
	}
	if p.replay != nil && p.replay.err != nil {
		// The log opened but could not be read as one (not a W3C log, a
		// damaged .gz): the user's input, like a log that does not open.
		return nil, &InputError{fmt.Errorf("simulating %s: replaying %s: %w", sc.File, sc.Arrivals.Replay.Log, p.replay.err)}
	}
	res := aggregate(p, tot, counts)
	if opts.UntilCI > 0 {
		// replicate stops when the criterion holds or at the cap: a run
		// that stopped short says so instead of passing for one that met
		// its target.
		res.UntilCI = &UntilCI{Target: opts.UntilCI, Reached: ciReached(counts, opts.UntilCI), MaxReplications: maxReplications(opts, sc.Replications)}
		if r := rate5023(counts); r.Mean > 0 && len(counts) > 1 {
			res.UntilCI.HalfWidthShare = round6((r.CI95[1] - r.CI95[0]) / 2 / r.Mean)
		}
	}
	warn(res, counts, opts)
	if p.curve {
		res.TimeoutCurve = tot.curve
	}
	return res, nil
}

// replicate runs replications 0..n-1, and under UntilCI more, handing
// each to keep in index order as soon as it and those before it are
// done, and returns the outcome counts of those kept. Replications run in
// chunks of a few per worker, so that memory holds a chunk, not the run.
// The number kept is the first k >= n at which the CI criterion holds (or
// the cap): every prefix is checked in order, so chunk sizes and timing
// change only the work wasted, never the result.
func replicate(p *plan, n int, opts Options, keep func(*repStats)) ([]repCounts, error) {
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	n = max(n, 1)
	limit := n
	if opts.UntilCI > 0 {
		limit = maxReplications(opts, n)
	}
	var counts []repCounts
	for next := 0; ; {
		to, planned := min(n, next+4*workers), n
		if next >= n {
			// Past the scenario's replications, under UntilCI: one more
			// per worker at a time.
			to = min(next+workers, limit)
			planned = next + workers
		}
		batch, err := runBatch(p, next, to, planned, workers, opts.Progress)
		if err != nil {
			return nil, err
		}
		for _, st := range batch {
			st.countTail(p.timeout)
			counts = append(counts, st.repCounts)
			keep(st)
			k := len(counts)
			if k == limit || (k >= n && (opts.UntilCI <= 0 || ciReached(counts, opts.UntilCI))) {
				return counts, nil
			}
		}
		next = to
	}
}

// maxReplications is the cap of UntilCI for a scenario of n replications.
func maxReplications(opts Options, n int) int {
	limit := opts.MaxReplications
	if limit <= 0 {
		limit = 1000
	}
	return max(limit, n, 1)
}

// runBatch simulates replications [from, to) on workers goroutines and
// returns them in index order. planned is reported to progress as the
// total expected so far.
//
// A panic inside a replication is recovered in its goroutine (the
// command's recover sees only its own) and returned as an *InternalError.
func runBatch(p *plan, from, to, planned, workers int, progress func(done, planned int)) ([]*repStats, error) {
	out := make([]*repStats, to-from)
	jobs := make(chan int)
	done := make(chan int)
	var wg sync.WaitGroup
	var failed struct {
		sync.Mutex
		err *InternalError
	}
	one := func(i int) {
		defer func() {
			if r := recover(); r != nil {
				failed.Lock()
				if failed.err == nil {
					failed.err = &InternalError{Replication: i, Panic: fmt.Sprint(r), Stack: string(debug.Stack())}
				}
				failed.Unlock()
			}
		}()
		s := newSim(p, i)
		s.run()
		out[i-from] = &s.st
	}
	for w := 0; w < min(workers, to-from); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				one(i)
				done <- i
			}
		}()
	}
	go func() {
		for i := from; i < to; i++ {
			jobs <- i
		}
		close(jobs)
	}()
	for k := from; k < to; k++ {
		<-done
		if progress != nil {
			progress(k+1, max(planned, k+1))
		}
	}
	wg.Wait()
	if failed.err != nil {
		return nil, failed.err
	}
	return out, nil
}

// An InputError says that an input the scenario names (a log for
// empirical latency or replay) could not be read: the user's input, not
// arrfarm, so the command exits as for any unreadable file.
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

// An InternalError is a panic inside a replication: a bug in arrfarm,
// whatever the input.
type InternalError struct {
	Replication int
	Panic       string
	Stack       string
}

func (e *InternalError) Error() string {
	return fmt.Sprintf("replication %d: %s", e.Replication, e.Panic)
}

// ciReached reports whether the 502.3 rate's CI half-width is within share
// of its mean.
func ciReached(counts []repCounts, share float64) bool {
	if len(counts) < 2 {
		return false
	}
	r := rate5023(counts)
	return (r.CI95[1]-r.CI95[0])/2 <= share*r.Mean
}
