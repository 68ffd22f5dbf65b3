package latency

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

func secs(v ...float64) []time.Duration {
	out := make([]time.Duration, len(v))
	for i, x := range v {
		out[i] = time.Duration(x * float64(time.Second))
	}
	return out
}

func TestSampleUncensored(t *testing.T) {
	s := NewSample(secs(5, 1, 4, 2, 3, 10, 7, 6, 9, 8), nil)
	// Nearest rank: p50 = 5th of 10 sorted = 5 s, p90 = 9th = 9 s, p99 = 10th.
	for q, want := range map[float64]float64{0.5: 5, 0.9: 9, 0.99: 10, 0.1: 1} {
		if got := s.Quantile(q); got != time.Duration(want*1e9) {
			t.Errorf("Quantile(%v) = %v, want %vs", q, got, want)
		}
	}
	if p := s.Exceed(7500 * time.Millisecond); p != 0.3 {
		t.Errorf("Exceed(7.5s) = %v, want 0.3", p)
	}
}

// The Kaplan-Meier values are worked by hand: times 1, 2+, 3, 4+, 5
// (+ = censored). S(1) = 4/5; at 3 the risk set is 3, S = 0.8 * 2/3; at
// 5 it is 1, S = 0.
func TestSampleKaplanMeier(t *testing.T) {
	s := NewSample(secs(1, 3, 5), secs(2, 4))
	if p := s.Exceed(3 * time.Second); math.Abs(p-0.8*2/3) > 1e-12 {
		t.Errorf("S(3) = %v, want %v", p, 0.8*2/3)
	}
	if q := s.Quantile(0.4); q != 3*time.Second {
		t.Errorf("Quantile(0.4) = %v, want 3s", q)
	}
	if q := s.Quantile(0.5); q != 5*time.Second {
		t.Errorf("Quantile(0.5) = %v, want 5s", q)
	}
	// All the tail censored at 30 s: p99 is only known to be >= 30 s.
	s = NewSample(secs(1, 1, 1, 1, 1, 1, 1, 1, 1), secs(30))
	if q, lower := s.QuantileCensored(0.99); q != 30*time.Second || !lower {
		t.Errorf("censored p99 = %v, %v; want 30s, a lower bound", q, lower)
	}
	if s.Len() != 10 || s.CensoredLen() != 1 {
		t.Errorf("len %d censored %d", s.Len(), s.CensoredLen())
	}
}

func TestFitLognormalCensored(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const mu, sigma = 0.6931471805599453, 1.0 // median 2 s
	cut := 30 * time.Second
	var obs, cens []time.Duration
	for range 20000 {
		d := time.Duration(math.Exp(mu+sigma*r.NormFloat64()) * 1e9)
		if d >= cut {
			cens = append(cens, cut)
		} else {
			obs = append(obs, d)
		}
	}
	m := NewSample(obs, cens).FitLognormal()
	if math.Abs(m.Median.Seconds()-2) > 0.05 || math.Abs(m.Sigma-1) > 0.03 {
		t.Errorf("fit median %v sigma %v, want 2s and 1", m.Median, m.Sigma)
	}
	// Imputed censored values lie above the censoring point.
	imp := NewSample(obs, cens).Imputed()
	if len(imp) != 20000 {
		t.Fatalf("%d imputed", len(imp))
	}
	for _, d := range imp[len(obs):] {
		if d < cut {
			t.Fatalf("imputed %v below the censoring point", d)
		}
	}
}
