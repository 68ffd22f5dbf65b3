package recommend

import (
	"fmt"
	"slices"
	"time"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/arrfarm/arrfarm/latency"
	"github.com/arrfarm/arrfarm/simulate"
)

// logBound is the 502.3 rate at each whole-second timeout as a log's
// sample says it, with the uncertainty of that sample. With latency alone
// (recommend --latency LOG) backends are unlimited, so a request times
// out at T exactly when its service time is at least T: the rate is the
// share k/n of the n logged service times at or above T, and what the
// log can claim is a binomial bound on it. Resampling the log (the
// simulation's replications) only measures the resampling, and would
// claim a 0.0002 % bound from 567 samples; no sample of n can bound a
// tail below about 3/n.
type logBound struct {
	sorted []time.Duration
}

// newLogBound returns the bound for a latency-only scenario that resamples
// a log, else nil.
func newLogBound(sc *simulate.Scenario, opts Options) (*logBound, error) {
	if !opts.LatencyOnly || sc.Latency.Kind != latency.Empirical || opts.Samples == nil {
		return nil, nil
	}
	xs, err := opts.Samples(*sc.Latency.Empirical)
	if err != nil {
		return nil, fmt.Errorf("reading the latency log: %w", err)
	}
	if len(xs) == 0 {
		return nil, nil
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return &logBound{sorted: s}, nil
}

func (b *logBound) n() int { return len(b.sorted) }

// rate is the share of samples at or above t with its one-sided 95 %
// Clopper-Pearson bounds (the exact binomial interval: with no sample
// above t the upper bound is 1 - 0.05^(1/n), about 3/n, the rule of
// three).
func (b *logBound) rate(t time.Duration) simulate.Rate {
	n := len(b.sorted)
	i, _ := slices.BinarySearch(b.sorted, t)
	k := n - i
	r := simulate.Rate{Mean: float64(k) / float64(n), Bound: "log_sample"}
	if k > 0 {
		r.CI95[0] = distuv.Beta{Alpha: float64(k), Beta: float64(n - k + 1)}.Quantile(0.05)
	}
	if k < n {
		r.CI95[1] = distuv.Beta{Alpha: float64(k + 1), Beta: float64(n - k)}.Quantile(0.95)
	} else {
		r.CI95[1] = 1
	}
	return r
}

// floor is the smallest share the sample can bound (k = 0).
func (b *logBound) floor() float64 {
	return distuv.Beta{Alpha: 1, Beta: float64(len(b.sorted))}.Quantile(0.95)
}
