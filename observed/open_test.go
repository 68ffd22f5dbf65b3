package observed

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/arrfarm/arrfarm/latency"
	"github.com/arrfarm/arrfarm/schema"
)

func near(t *testing.T, what string, got, want time.Duration, tol float64) {
	t.Helper()
	if math.Abs(float64(got-want)) > tol*float64(want) {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func mustScenario(t *testing.T, src string) latency.Source {
	t.Helper()
	s, err := ParseScenario("s.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func farmOf(servers ...string) *schema.Farm {
	f := &schema.Farm{Name: "web", Enabled: true}
	for _, a := range servers {
		f.Servers = append(f.Servers, &schema.Server{Address: a, Enabled: true})
	}
	return f
}

// Reference values are computed by hand from the distributions'
// definitions, not from this code.
func TestLatencyModels(t *testing.T) {
	cfg := &schema.Config{}
	f := farmOf("a")
	get := func(src string) latency.Distribution {
		d, ok := mustScenario(t, src).Farm(cfg, f)
		if !ok {
			t.Fatalf("no distribution for %q", src)
		}
		return d
	}
	// p50/p99 define the lognormal: its quantiles must give them back.
	d := get("latency: {lognormal: {p50: 200ms, p99: 2s}}")
	near(t, "lognormal p50", d.Quantile(0.5), 200*time.Millisecond, 1e-6)
	near(t, "lognormal p99", d.Quantile(0.99), 2*time.Second, 1e-6)
	if p := d.Exceed(2 * time.Second); math.Abs(p-0.01) > 1e-9 {
		t.Errorf("lognormal P(X > p99) = %v, want 0.01", p)
	}
	// median 100ms, sigma 1: p99 = 0.1 s * e^2.3263479 = 1.024 s.
	near(t, "lognormal(median, sigma) p99", get("latency: {lognormal: {median: 100ms, sigma: 1}}").Quantile(0.99), 1024050*time.Microsecond, 1e-4)
	// exponential mean 100ms: p99 = 0.1 s * ln 100 = 460.5 ms.
	near(t, "exponential p99", get("latency: {exponential: {mean: 100ms}}").Quantile(0.99), 460517*time.Microsecond, 1e-4)
	// fixed.
	d = get("latency: {fixed: 200ms}")
	near(t, "fixed p99.9", d.Quantile(0.999), 200*time.Millisecond, 0)
	if d.Exceed(199*time.Millisecond) != 1 || d.Exceed(200*time.Millisecond) != 0 {
		t.Error("fixed Exceed wrong")
	}
	// 95% at 100ms, 5% at 40s (IIS time span): p90 is 100ms, p99 40s.
	d = get("latency: {mixture: [{weight: 0.95, fixed: 100ms}, {weight: 0.05, fixed: \"00:00:40\"}]}")
	near(t, "mixture p90", d.Quantile(0.90), 100*time.Millisecond, 1e-3)
	near(t, "mixture p99", d.Quantile(0.99), 40*time.Second, 1e-3)
	if p := d.Exceed(30 * time.Second); math.Abs(p-0.05) > 1e-12 {
		t.Errorf("mixture P(X > 30s) = %v, want 0.05", p)
	}
}

func TestScenarioServersAndFarm(t *testing.T) {
	cfg := &schema.Config{}
	s := mustScenario(t, "farm: web\nlatency: {fixed: 100ms}\nservers:\n  b: {latency: {fixed: 10s}}\n")
	d, ok := s.Farm(cfg, farmOf("a", "b"))
	if !ok {
		t.Fatal("no distribution")
	}
	// Two servers balanced evenly, one always slow: half the requests
	// exceed 5 s.
	if p := d.Exceed(5 * time.Second); p != 0.5 {
		t.Errorf("P(X > 5s) = %v, want 0.5", p)
	}
	other := farmOf("a")
	other.Name = "api"
	if _, ok := s.Farm(cfg, other); ok {
		t.Error("a scenario for farm web applied to farm api")
	}
}

func TestScenarioErrors(t *testing.T) {
	for src, want := range map[string]string{
		"farm: web\n": "latency is required",
		"latency: {lognormal: {p50: 2s, p99: 1s}}":                   "s.yaml:1:37: lognormal p99 (1s) must be above p50 (2s)",
		"latency: {lognormal: {p50: 2s}}":                            "s.yaml:1:",
		"latency: {gamma: {k: 2}}":                                   `unknown field "gamma"`,
		"latency: {fixed: 1s, exponential: {mean: 1s}}":              "give one latency model",
		"latency: {empirical: {log: x.log}}":                         "scenario s.yaml: empirical latency: reading logs: stat x.log: no such file",
		"latency: {mixture: [{weight: 1, empirical: {log: x.log}}]}": "inside a mixture is not supported by lint",
		"latency: {fixed: soon}":                                     `s.yaml:1:18: latency.fixed: invalid duration "soon"`,
		"latency: {mixture: [{fixed: 1s}]}":                          "weight is required",
	} {
		_, err := ParseScenario("s.yaml", []byte(src))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want one containing %q", src, err, want)
		}
	}
	if _, err := Open("logs/u_ex2401.log"); err == nil || !strings.Contains(err.Error(), "latency source logs/u_ex2401.log: reading logs: stat logs/u_ex2401.log: no such file") {
		t.Errorf("log source: %v", err)
	}
}
