package latency

import (
	"math"
	"testing"
	"time"

	"github.com/arrfarm/arrfarm/schema"
)

func near(t *testing.T, what string, got, want time.Duration, tol float64) {
	t.Helper()
	if math.Abs(float64(got-want)) > tol*float64(want) {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

// Reference values come from the distributions' definitions, computed by
// hand.
func TestQuantileExceed(t *testing.T) {
	// median 100ms, sigma 1: p99 = 0.1 s * e^2.3263479 = 1.024 s.
	ln := Model{Kind: Lognormal, Median: 100 * time.Millisecond, Sigma: 1}
	near(t, "lognormal p99", ln.Quantile(0.99), 1024050*time.Microsecond, 1e-4)
	if p := ln.Exceed(100 * time.Millisecond); math.Abs(p-0.5) > 1e-12 {
		t.Errorf("lognormal P(X > median) = %v, want 0.5", p)
	}
	// exponential mean 100ms: p99 = 0.1 s * ln 100 = 460.5 ms; P(X > mean) = 1/e.
	ex := Model{Kind: Exponential, Mean: 100 * time.Millisecond}
	near(t, "exponential p99", ex.Quantile(0.99), 460517*time.Microsecond, 1e-4)
	if p := ex.Exceed(100 * time.Millisecond); math.Abs(p-1/math.E) > 1e-12 {
		t.Errorf("exponential P(X > mean) = %v, want 1/e", p)
	}
	// 95% at 100ms, 5% at 40s: p90 is 100ms, p99 40s, P(X > 30s) = 0.05.
	mix := Model{Kind: Mixture, Components: []Component{
		{Weight: 0.95, Model: Model{Kind: Fixed, Fixed: 100 * time.Millisecond}},
		{Weight: 0.05, Model: Model{Kind: Fixed, Fixed: 40 * time.Second}},
	}}
	near(t, "mixture p90", mix.Quantile(0.90), 100*time.Millisecond, 1e-3)
	near(t, "mixture p99", mix.Quantile(0.99), 40*time.Second, 1e-3)
	if p := mix.Exceed(30 * time.Second); math.Abs(p-0.05) > 1e-12 {
		t.Errorf("mixture P(X > 30s) = %v, want 0.05", p)
	}
	if !(Model{Kind: Mixture, Components: []Component{{Weight: 1, Model: Model{Kind: Empirical, Empirical: &EmpiricalSpec{}}}}}).UsesEmpirical() {
		t.Error("a mixture with an empirical component does not use empirical samples")
	}
}

func TestModelsFarm(t *testing.T) {
	m := &Models{File: "dir/s.yaml", FarmName: "web", Latency: Model{Kind: Fixed, Fixed: 100 * time.Millisecond},
		Servers: map[string]Model{"b": {Kind: Fixed, Fixed: 10 * time.Second}}}
	f := &schema.Farm{Name: "WEB", Enabled: true, Servers: []*schema.Server{{Address: "a", Enabled: true}, {Address: "b", Enabled: true}, {Address: "c"}}}
	d, ok := m.Farm(nil, f)
	if !ok {
		t.Fatal("no distribution for farm WEB (names are case-insensitive)")
	}
	// a fast, b always slow, c disabled: half the requests exceed 5 s.
	if p := d.Exceed(5 * time.Second); p != 0.5 {
		t.Errorf("P(X > 5s) = %v, want 0.5", p)
	}
	if _, ok := m.Farm(nil, &schema.Farm{Name: "api"}); ok {
		t.Error("models for farm web applied to farm api")
	}
	if m.Name() != "s.yaml" {
		t.Errorf("Name = %q", m.Name())
	}
}
