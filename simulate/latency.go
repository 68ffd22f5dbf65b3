package simulate

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/arrfarm/arrfarm/latency"
)

// SampleSource supplies the observed service times of an empirical model
// (observed.Samples reads them from IIS logs, censored times imputed).
type SampleSource func(spec latency.EmpiricalSpec) ([]time.Duration, error)

// sampler draws service times in nanoseconds. It is a tagged struct, not an
// interface: the hot loop calls draw once per request, and a switch on kind
// costs less than an indirect call and never allocates.
type sampler struct {
	kind    latency.Kind
	a, b    float64   // fixed: a = ns; exponential: a = mean ns; lognormal: a = ln(median ns), b = sigma
	cum     []float64 // mixture: cumulative weights, normalised to end at 1
	comps   []sampler // mixture components
	samples []int64   // empirical: observed times in ns
}

// newSampler compiles l. src supplies empirical samples (may be nil when l
// uses none).
func newSampler(l latency.Model, src SampleSource) (sampler, error) {
	switch l.Kind {
	case latency.Fixed:
		return sampler{kind: latency.Fixed, a: float64(l.Fixed)}, nil
	case latency.Exponential:
		return sampler{kind: latency.Exponential, a: float64(l.Mean)}, nil
	case latency.Lognormal:
		if l.Median <= 0 {
			return sampler{}, fmt.Errorf("lognormal median %v is not positive", l.Median)
		}
		expInit() // fastExp's table
		return sampler{kind: latency.Lognormal, a: math.Log(float64(l.Median)), b: l.Sigma}, nil
	case latency.Mixture:
		s := sampler{kind: latency.Mixture}
		total := 0.0
		for _, c := range l.Components {
			total += c.Weight
		}
		if total <= 0 {
			return sampler{}, fmt.Errorf("mixture weights add up to %v", total)
		}
		acc := 0.0
		for _, c := range l.Components {
			cs, err := newSampler(c.Model, src)
			if err != nil {
				return sampler{}, err
			}
			acc += c.Weight / total
			s.cum = append(s.cum, acc)
			s.comps = append(s.comps, cs)
		}
		s.cum[len(s.cum)-1] = 1
		return s, nil
	case latency.Empirical:
		if src == nil {
			return sampler{}, fmt.Errorf("empirical latency from %q needs an IIS log reader, which this build does not have yet", l.Empirical.Log)
		}
		d, err := src(*l.Empirical)
		if err != nil {
			return sampler{}, fmt.Errorf("reading empirical latency from %s: %w", l.Empirical.Log, err)
		}
		if len(d) == 0 {
			return sampler{}, fmt.Errorf("empirical latency from %q: no samples match", l.Empirical.Log)
		}
		if l.Empirical.Fit == "lognormal" {
			return newSampler(latency.NewSample(d, nil).FitLognormal(), nil)
		}
		s := sampler{kind: latency.Empirical, samples: make([]int64, len(d))}
		for i, v := range d {
			s.samples[i] = int64(v)
		}
		return s, nil
	}
	return sampler{}, fmt.Errorf("no latency model")
}

// nanos converts a drawn time to whole nanoseconds. A lognormal's tail
// can pass int64's range (a median of an hour, sigma 5, 3 sigma up), where
// Go's conversion is undefined (amd64 gives a negative number): such a
// time saturates instead, and serviceTime caps it at a year.
func nanos(f float64) int64 {
	if f >= math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(f)
}

// typical is a service time the sampler draws often, in ns: the event
// queue's bucket width follows it (calendarShift). Only speed depends on
// it.
func (s *sampler) typical() float64 {
	switch s.kind {
	case latency.Fixed, latency.Exponential:
		return s.a
	case latency.Lognormal:
		return math.Exp(s.a) // the median
	case latency.Mixture:
		t, lo := 0.0, 0.0
		for i := range s.comps {
			t += (s.cum[i] - lo) * s.comps[i].typical()
			lo = s.cum[i]
		}
		return t
	case latency.Empirical:
		return float64(s.samples[len(s.samples)/2])
	}
	return 0
}

// draw returns one service time in nanoseconds (at least 0).
func (s *sampler) draw(r *rand.Rand) int64 {
	switch s.kind {
	case latency.Fixed:
		return int64(s.a)
	case latency.Exponential:
		return int64(r.ExpFloat64() * s.a)
	case latency.Lognormal:
		return nanos(fastExp(s.a + s.b*r.NormFloat64()))
	case latency.Mixture:
		u := r.Float64()
		for i, c := range s.cum {
			if u < c {
				return s.comps[i].draw(r)
			}
		}
		return s.comps[len(s.comps)-1].draw(r)
	case latency.Empirical:
		return s.samples[r.IntN(len(s.samples))]
	}
	panic("(*sampler).draw: no latency model")
}
