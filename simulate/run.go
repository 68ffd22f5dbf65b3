package simulate

import (
	"errors"
	"fmt"
	"math"
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
	if err := checkBudget(sc, sc.Replications); err != nil {
		return nil, err
	}
	reps, err := runReplications(p, sc.Replications, opts)
	if err != nil {
		return nil, err
	}
	if p.replay != nil && p.replay.err != nil {
		// The log opened but could not be read as one (not a W3C log, a
		// damaged .gz): the user's input, like a log that does not open.
		return nil, &InputError{fmt.Errorf("simulating %s: replaying %s: %w", sc.File, sc.Arrivals.Replay.Log, p.replay.err)}
	}
	res := aggregate(p, reps)
	if opts.UntilCI > 0 {
		// runReplications stops when the criterion holds or at the cap:
		// a run that stopped short says so instead of passing for one
		// that met its target.
		res.UntilCI = &UntilCI{Target: opts.UntilCI, Reached: ciReached(reps, opts.UntilCI), MaxReplications: maxReplications(opts, sc.Replications)}
		rates := make([]float64, len(reps))
		for i, r := range reps {
			rates[i] = rate(r.e5023(), r.requests())
		}
		if m, h := meanHalfWidth(rates); m > 0 && !math.IsInf(h, 0) {
			res.UntilCI.HalfWidthShare = round6(h / m)
		}
	}
	warn(res, reps, opts)
	if p.curve {
		res.TimeoutCurve = buildCurve(p, reps)
	}
	return res, nil
}

// runReplications runs replications 0..n-1, and under UntilCI more, and
// returns them in index order. The number kept is the first k >= n at which
// the CI criterion holds (or the cap): every prefix is checked in order, so
// batch sizes and timing change only the work wasted, never the result.
func runReplications(p *plan, n int, opts Options) ([]*repStats, error) {
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	n = max(n, 1)
	if opts.UntilCI <= 0 {
		return runBatch(p, 0, n, n, workers, opts.Progress)
	}
	limit := maxReplications(opts, n)
	got, err := runBatch(p, 0, n, n, workers, opts.Progress)
	if err != nil {
		return nil, err
	}
	for k := n; ; k++ {
		if k > len(got) {
			more, err := runBatch(p, len(got), min(len(got)+workers, limit), len(got)+workers, workers, opts.Progress)
			if err != nil {
				return nil, err
			}
			got = append(got, more...)
		}
		if ciReached(got[:k], opts.UntilCI) || k == limit {
			return got[:k], nil
		}
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
	replicate := func(i int) {
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
				replicate(i)
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
func ciReached(reps []*repStats, share float64) bool {
	if len(reps) < 2 {
		return false
	}
	rates := make([]float64, len(reps))
	for i, r := range reps {
		rates[i] = rate(r.e5023(), r.requests())
	}
	m, h := meanHalfWidth(rates)
	return h <= share*m
}
