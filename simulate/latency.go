package simulate

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"
)

// LatencyKind says which service-time model a Latency holds.
type LatencyKind int

// Latency models.
const (
	NoLatency   LatencyKind = iota // not set (a per-server override that keeps the default)
	Fixed                          // always Latency.Fixed
	Exponential                    // mean Latency.Mean
	Lognormal                      // median Latency.Median, log-scale deviation Latency.Sigma
	Mixture                        // one of Latency.Components, chosen by weight
	Empirical                      // resampled from observed times (Latency.Empirical)
)

func (k LatencyKind) String() string {
	switch k {
	case Fixed:
		return "fixed"
	case Exponential:
		return "exponential"
	case Lognormal:
		return "lognormal"
	case Mixture:
		return "mixture"
	case Empirical:
		return "empirical"
	}
	return "none"
}

// z99 is the 0.99 quantile of the standard normal distribution, which turns
// a lognormal's p50 and p99 into its sigma: p99 = p50 * exp(z99 * sigma).
const z99 = 2.3263478740408408

// Latency is a service-time model: how long a backend works on a request
// once it has a slot.
type Latency struct {
	Kind LatencyKind
	// Fixed is the constant time of a Fixed model.
	Fixed time.Duration
	// Mean is the mean of an Exponential model.
	Mean time.Duration
	// Median and Sigma describe a Lognormal model: ln S ~ N(ln Median,
	// Sigma²). A scenario's {p50, p99} form is converted on loading.
	Median time.Duration
	Sigma  float64
	// Components of a Mixture; weights need not add up to 1.
	Components []Component
	// Empirical names the observed times a model resamples.
	Empirical *EmpiricalSpec
}

// Component is one weighted part of a Mixture.
type Component struct {
	Weight float64
	Latency
}

// EmpiricalSpec selects observed service times: IIS W3C logs of a backend,
// filtered by URL pattern and status range.
type EmpiricalSpec struct {
	Log    string // file, glob or directory
	URL    string // wildcard on cs-uri-stem; "" = all
	Status string // status ranges such as "200-399"; "" = all
}

// SampleSource supplies the observed service times of an empirical model.
// The IIS log reader provides one; until then a scenario that uses
// empirical latency cannot run.
type SampleSource func(spec EmpiricalSpec) ([]time.Duration, error)

// String describes the model compactly, for reports.
func (l Latency) String() string {
	switch l.Kind {
	case Fixed:
		return fmt.Sprintf("fixed %v", l.Fixed)
	case Exponential:
		return fmt.Sprintf("exponential mean %v", l.Mean)
	case Lognormal:
		p99 := time.Duration(float64(l.Median) * math.Exp(z99*l.Sigma))
		return fmt.Sprintf("lognormal median %v sigma %.3g (p99 %v)", l.Median, l.Sigma, p99.Round(time.Millisecond))
	case Mixture:
		s := "mixture of"
		for i, c := range l.Components {
			if i > 0 {
				s += ","
			}
			s += fmt.Sprintf(" %.3g %v", c.Weight, c.Latency)
		}
		return s
	case Empirical:
		return fmt.Sprintf("empirical from %s", l.Empirical.Log)
	}
	return "none"
}

// sampler draws service times in nanoseconds. It is a tagged struct, not an
// interface: the hot loop calls draw once per request, and a switch on kind
// costs less than an indirect call and never allocates.
type sampler struct {
	kind    LatencyKind
	a, b    float64   // fixed: a = ns; exponential: a = mean ns; lognormal: a = ln(median ns), b = sigma
	cum     []float64 // mixture: cumulative weights, normalised to end at 1
	comps   []sampler // mixture components
	samples []int64   // empirical: observed times in ns
}

// newSampler compiles l. src supplies empirical samples (may be nil when l
// uses none).
func newSampler(l Latency, src SampleSource) (sampler, error) {
	switch l.Kind {
	case Fixed:
		return sampler{kind: Fixed, a: float64(l.Fixed)}, nil
	case Exponential:
		return sampler{kind: Exponential, a: float64(l.Mean)}, nil
	case Lognormal:
		if l.Median <= 0 {
			return sampler{}, fmt.Errorf("lognormal median %v is not positive", l.Median)
		}
		return sampler{kind: Lognormal, a: math.Log(float64(l.Median)), b: l.Sigma}, nil
	case Mixture:
		s := sampler{kind: Mixture}
		total := 0.0
		for _, c := range l.Components {
			total += c.Weight
		}
		if total <= 0 {
			return sampler{}, fmt.Errorf("mixture weights add up to %v", total)
		}
		acc := 0.0
		for _, c := range l.Components {
			cs, err := newSampler(c.Latency, src)
			if err != nil {
				return sampler{}, err
			}
			acc += c.Weight / total
			s.cum = append(s.cum, acc)
			s.comps = append(s.comps, cs)
		}
		s.cum[len(s.cum)-1] = 1
		return s, nil
	case Empirical:
		if src == nil {
			return sampler{}, fmt.Errorf("empirical latency from %q needs an IIS log reader, which this build does not have yet", l.Empirical.Log)
		}
		d, err := src(*l.Empirical)
		if err != nil {
			return sampler{}, fmt.Errorf("reading empirical latency from %q: %w", l.Empirical.Log, err)
		}
		if len(d) == 0 {
			return sampler{}, fmt.Errorf("empirical latency from %q: no samples match", l.Empirical.Log)
		}
		s := sampler{kind: Empirical, samples: make([]int64, len(d))}
		for i, v := range d {
			s.samples[i] = int64(v)
		}
		return s, nil
	}
	return sampler{}, fmt.Errorf("no latency model")
}

// draw returns one service time in nanoseconds (at least 0).
func (s *sampler) draw(r *rand.Rand) int64 {
	switch s.kind {
	case Fixed:
		return int64(s.a)
	case Exponential:
		return int64(r.ExpFloat64() * s.a)
	case Lognormal:
		return int64(math.Exp(s.a + s.b*r.NormFloat64()))
	case Mixture:
		u := r.Float64()
		for i, c := range s.cum {
			if u < c {
				return s.comps[i].draw(r)
			}
		}
		return s.comps[len(s.comps)-1].draw(r)
	case Empirical:
		return s.samples[r.IntN(len(s.samples))]
	}
	panic("(*sampler).draw: no latency model")
}

// Exceed is the probability that a service time drawn from l is longer
// than t. It is exact for every model but Empirical, which has no closed
// form (0 is returned; check Kind first).
func (l Latency) Exceed(t time.Duration) float64 {
	switch l.Kind {
	case Fixed:
		if t < l.Fixed {
			return 1
		}
		return 0
	case Exponential:
		if t <= 0 {
			return 1
		}
		return math.Exp(-float64(t) / float64(l.Mean))
	case Lognormal:
		if t <= 0 {
			return 1
		}
		z := (math.Log(float64(t)) - math.Log(float64(l.Median))) / l.Sigma
		return 0.5 * math.Erfc(z/math.Sqrt2)
	case Mixture:
		var p, total float64
		for _, c := range l.Components {
			p += c.Weight * c.Latency.Exceed(t)
			total += c.Weight
		}
		if total == 0 {
			return 0
		}
		return p / total
	}
	return 0
}

// Quantile is the q-quantile of l (0 < q < 1), e.g. Quantile(0.99) is the
// p99 service time. A mixture's is found by bisection between its
// components' quantiles, which bracket it.
func (l Latency) Quantile(q float64) time.Duration {
	switch l.Kind {
	case Fixed:
		return l.Fixed
	case Exponential:
		return durationOf(-float64(l.Mean) * math.Log(1-q))
	case Lognormal:
		return durationOf(float64(l.Median) * math.Exp(l.Sigma*math.Sqrt2*math.Erfinv(2*q-1)))
	case Mixture:
		if len(l.Components) == 0 {
			return 0
		}
		lo, hi := time.Duration(math.MaxInt64), time.Duration(0)
		for _, c := range l.Components {
			x := c.Latency.Quantile(q)
			lo, hi = min(lo, x), max(hi, x)
		}
		for hi-lo > time.Microsecond {
			mid := lo + (hi-lo)/2
			if l.Exceed(mid) > 1-q {
				lo = mid
			} else {
				hi = mid
			}
		}
		return hi
	}
	return 0
}

// durationOf converts nanoseconds to a Duration, saturating.
func durationOf(ns float64) time.Duration {
	if ns >= math.MaxInt64 {
		return time.Duration(math.MaxInt64)
	}
	return time.Duration(ns)
}
