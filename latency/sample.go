package latency

import (
	"math"
	"slices"
	"sort"
	"time"
)

// Sample is a set of observed service times, some of them censored: a
// 502.3/12002 line in an ARR server's log says the request took at least
// the proxy timeout, not how long it took. Quantiles and tail shares come
// from the Kaplan-Meier estimator, which uses a censored value as "longer
// than this" and nothing more; without censoring it is the plain empirical
// distribution (nearest-rank quantiles).
type Sample struct {
	obs  []int64 // uncensored, ns, sorted
	cens []int64 // censored at, ns, sorted
}

// NewSample sorts the observations; censored holds the censoring points.
func NewSample(observed, censored []time.Duration) *Sample {
	s := &Sample{obs: make([]int64, len(observed)), cens: make([]int64, len(censored))}
	for i, d := range observed {
		s.obs[i] = int64(d)
	}
	for i, d := range censored {
		s.cens[i] = int64(d)
	}
	slices.Sort(s.obs)
	slices.Sort(s.cens)
	return s
}

// Len is the number of samples, censored ones included.
func (s *Sample) Len() int { return len(s.obs) + len(s.cens) }

// CensoredLen is the number of censored samples.
func (s *Sample) CensoredLen() int { return len(s.cens) }

// survival walks the Kaplan-Meier estimate: f is called at each
// uncensored time with S just after it, until it returns false.
func (s *Sample) survival(f func(t int64, surv float64) bool) {
	n := float64(s.Len())
	surv := 1.0
	i, j := 0, 0
	for i < len(s.obs) {
		t := s.obs[i]
		// Censored before t leave the risk set first.
		for j < len(s.cens) && s.cens[j] < t {
			n--
			j++
		}
		d := 0
		for i < len(s.obs) && s.obs[i] == t {
			d++
			i++
		}
		if n > 0 {
			surv *= 1 - float64(d)/n
		}
		n -= float64(d)
		if !f(t, surv) {
			return
		}
	}
}

// Exceed is P(X > t). Past the last uncensored time it stays at the
// estimate there: the sample says nothing about times beyond.
func (s *Sample) Exceed(t time.Duration) float64 {
	if s.Len() == 0 {
		return 0
	}
	if len(s.cens) == 0 {
		k := sort.Search(len(s.obs), func(i int) bool { return s.obs[i] > int64(t) })
		return float64(len(s.obs)-k) / float64(len(s.obs))
	}
	p := 1.0
	s.survival(func(at int64, surv float64) bool {
		if at > int64(t) {
			return false
		}
		p = surv
		return true
	})
	return p
}

// Quantile is the q-quantile: the smallest observed time whose estimated
// share of samples at or below it reaches q. When censoring hides the
// quantile (too many samples are only known to be longer than the
// timeout), it returns the largest censoring point, a lower bound; see
// QuantileCensored.
func (s *Sample) Quantile(q float64) time.Duration {
	d, _ := s.QuantileCensored(q)
	return d
}

// QuantileCensored is Quantile, and whether the value is only a lower
// bound.
func (s *Sample) QuantileCensored(q float64) (time.Duration, bool) {
	if s.Len() == 0 {
		return 0, false
	}
	if len(s.cens) == 0 {
		k := int(math.Ceil(q*float64(len(s.obs))-1e-9)) - 1
		return time.Duration(s.obs[min(max(k, 0), len(s.obs)-1)]), false
	}
	var out int64 = -1
	s.survival(func(t int64, surv float64) bool {
		if 1-surv >= q-1e-12 {
			out = t
			return false
		}
		return true
	})
	if out < 0 {
		return time.Duration(s.cens[len(s.cens)-1]), true
	}
	return time.Duration(out), false
}

// FitLognormal fits a lognormal to the sample by maximum likelihood,
// censored samples contributing P(X > c) instead of a density.
func (s *Sample) FitLognormal() Model {
	logs := func(v []int64) []float64 {
		out := make([]float64, 0, len(v))
		for _, x := range v {
			out = append(out, math.Log(math.Max(float64(x), 1e6)/1e9)) // seconds, at least 1 ms
		}
		return out
	}
	y, c := logs(s.obs), logs(s.cens)
	var mu, ss float64
	for _, v := range y {
		mu += v
	}
	if len(y) == 0 {
		for _, v := range c {
			mu += v
		}
		mu /= float64(max(len(c), 1))
	} else {
		mu /= float64(len(y))
	}
	for _, v := range y {
		ss += (v - mu) * (v - mu)
	}
	sigma := math.Sqrt(ss / float64(max(len(y)-1, 1)))
	if sigma <= 0 || math.IsNaN(sigma) {
		sigma = 0.5
	}
	// Expectation-maximisation for a right-censored normal on the log
	// scale: a censored c stands for E[Y | Y > c] and E[Y² | Y > c] under
	// the current fit. A dozen lines; an optimisation library would pull
	// in more than it saves.
	for iter := 0; iter < 500 && len(c) > 0; iter++ {
		var s1, s2 float64
		for _, v := range y {
			s1 += v
			s2 += v * v
		}
		for _, v := range c {
			a := (v - mu) / sigma
			tail := 0.5 * math.Erfc(a/math.Sqrt2)
			lambda := math.Exp(-a*a/2) / math.Sqrt(2*math.Pi) / math.Max(tail, 1e-300)
			s1 += mu + sigma*lambda
			s2 += mu*mu + sigma*sigma + sigma*(v+mu)*lambda
		}
		n := float64(len(y) + len(c))
		m := s1 / n
		sd := math.Sqrt(math.Max(s2/n-m*m, 1e-12))
		done := math.Abs(m-mu) < 1e-9 && math.Abs(sd-sigma) < 1e-9
		mu, sigma = m, sd
		if done {
			break
		}
	}
	return Model{Kind: Lognormal, Median: DurationOf(math.Exp(mu) * 1e9), Sigma: sigma}
}

// Imputed returns every sample as a service time to resample: observed
// ones as they are, each censored one replaced by a quantile of the
// fitted lognormal above its censoring point (stratified, so the result
// is deterministic). Resampling a censored value as the timeout itself
// would claim those requests finished at the timeout, which is what a
// longer timeout could not reproduce.
func (s *Sample) Imputed() []time.Duration {
	out := make([]time.Duration, 0, s.Len())
	for _, v := range s.obs {
		out = append(out, time.Duration(v))
	}
	if len(s.cens) == 0 {
		return out
	}
	fit := s.FitLognormal()
	for i, c := range s.cens {
		lo := 1 - fit.Exceed(time.Duration(c))
		u := lo + (1-lo)*(float64(i%1000)+0.5)/1000
		d := fit.Quantile(math.Min(u, 1-1e-12))
		out = append(out, max(d, time.Duration(c)))
	}
	return out
}
