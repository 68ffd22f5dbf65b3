// Package latency holds the service-time models that lint, simulate,
// recommend and diagnose share: how long a backend works on a request,
// written by hand in a scenario (fixed, exponential, lognormal, mixtures)
// or observed in IIS logs (empirical samples, possibly censored at a proxy
// timeout). It answers the two questions every consumer asks of a model,
// Quantile and Exceed, and nothing else: drawing random service times is
// the simulator's business, reading logs the log reader's.
//
// It imports no project package but schema, so every other package can
// depend on it.
package latency

import (
	"fmt"
	"math"
	"time"
)

// Kind says which service-time model a Model holds.
type Kind int

// Latency models.
const (
	None        Kind = iota // not set (a per-server override that keeps the default)
	Fixed                   // always Model.Fixed
	Exponential             // mean Model.Mean
	Lognormal               // median Model.Median, log-scale deviation Model.Sigma
	Mixture                 // one of Model.Components, chosen by weight
	Empirical               // resampled from observed times (Model.Empirical)
)

func (k Kind) String() string {
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

// Z99 is the 0.99 quantile of the standard normal distribution, which turns
// a lognormal's p50 and p99 into its sigma: p99 = p50 * exp(Z99 * sigma).
const Z99 = 2.3263478740408408

// Model is a service-time model: how long a backend works on a request
// once it has a slot.
type Model struct {
	Kind Kind
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
	Model
}

// EmpiricalSpec selects observed service times: IIS W3C logs of a backend,
// filtered by URL pattern and status range.
type EmpiricalSpec struct {
	Log    string // file, glob or directory
	URL    string // wildcard on cs-uri-stem; "" = all
	Status string // status ranges such as "200-399"; "" = all
	// Win32Zero keeps only lines with sc-win32-status 0: a request the
	// client aborted (1236) or that failed in transit did not take its
	// service time (recommend --latency sets it).
	Win32Zero bool
	// Fit, when "lognormal", replaces the samples by the lognormal fitted
	// to them; "" resamples them.
	Fit string
}

// String describes the model compactly, for reports.
func (l Model) String() string {
	switch l.Kind {
	case Fixed:
		return fmt.Sprintf("fixed %v", l.Fixed)
	case Exponential:
		return fmt.Sprintf("exponential mean %v", l.Mean)
	case Lognormal:
		p99 := time.Duration(float64(l.Median) * math.Exp(Z99*l.Sigma))
		return fmt.Sprintf("lognormal median %v sigma %.3g (p99 %v)", l.Median, l.Sigma, p99.Round(time.Millisecond))
	case Mixture:
		s := "mixture of"
		for i, c := range l.Components {
			if i > 0 {
				s += ","
			}
			s += fmt.Sprintf(" %.3g %v", c.Weight, c.Model)
		}
		return s
	case Empirical:
		return fmt.Sprintf("empirical from %s", l.Empirical.Log)
	}
	return "none"
}

// Exceed is the probability that a service time drawn from l is longer
// than t. It is exact for every model but Empirical, which has no closed
// form until its samples are read (0 is returned; check Kind first, or use
// a Sample).
func (l Model) Exceed(t time.Duration) float64 {
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
			p += c.Weight * c.Model.Exceed(t)
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
func (l Model) Quantile(q float64) time.Duration {
	switch l.Kind {
	case Fixed:
		return l.Fixed
	case Exponential:
		return DurationOf(-float64(l.Mean) * math.Log(1-q))
	case Lognormal:
		return DurationOf(float64(l.Median) * math.Exp(l.Sigma*math.Sqrt2*math.Erfinv(2*q-1)))
	case Mixture:
		if len(l.Components) == 0 {
			return 0
		}
		lo, hi := time.Duration(math.MaxInt64), time.Duration(0)
		for _, c := range l.Components {
			x := c.Model.Quantile(q)
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

// UsesEmpirical says whether l or any of its components needs observed
// samples.
func (l Model) UsesEmpirical() bool {
	if l.Kind == Empirical {
		return true
	}
	for _, c := range l.Components {
		if c.Model.UsesEmpirical() {
			return true
		}
	}
	return false
}

// DurationOf converts nanoseconds to a Duration, saturating.
func DurationOf(ns float64) time.Duration {
	if ns >= math.MaxInt64 {
		return time.Duration(math.MaxInt64)
	}
	return time.Duration(ns)
}
