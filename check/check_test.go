package check

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
	"github.com/arrfarm/arrfarm/simulate"
)

func TestParseLimit(t *testing.T) {
	good := []struct {
		in    string
		m     Metric
		share float64
		d     time.Duration
	}{
		{"502.3=0.1%", Rate5023, 0.001, 0},
		{"502.4=0", Rate5024, 0, 0},
		{" 502.4 = 1% ", Rate5024, 0.01, 0},
		{"503=1%", Rate503, 0.01, 0},
		{"p99=5s", P99, 0, 5 * time.Second},
		{"P999=1500ms", P999, 0, 1500 * time.Millisecond},
		{"p99.9=00:00:02", P999, 0, 2 * time.Second},
	}
	for _, c := range good {
		l, err := ParseLimit(c.in)
		if err != nil {
			t.Errorf("ParseLimit(%q): %v", c.in, err)
			continue
		}
		if l.Metric != c.m || l.Share != c.share || l.Time != c.d {
			t.Errorf("ParseLimit(%q) = %+v, want %s share %g time %s", c.in, l, c.m, c.share, c.d)
		}
	}
	for _, in := range []string{"", "502.3", "502.3=", "502.3=100%", "502.3=-1%", "502.3=abc", "502.3=0.1", "502.4=0.002", "503.2=1%", "p99=-1s", "p99=0", "p95=1s"} {
		if _, err := ParseLimit(in); err == nil {
			t.Errorf("ParseLimit(%q) succeeded, want an error", in)
		}
	}
}

func result(mean, lo, hi float64, p99ms float64) *simulate.Result {
	return &simulate.Result{Replications: 5, Farms: []simulate.FarmResult{{
		Name:      "web",
		Requests:  1e6,
		Outcomes:  simulate.Outcomes{S5023: int64(mean * 1e6)},
		Rates:     simulate.Rates{R5023: simulate.Rate{Mean: mean, CI95: [2]float64{lo, hi}}},
		LatencyMS: simulate.Percentiles{P99: p99ms},
	}}}
}

// The verdict follows the definition: above the limit on the mean is a
// breach; within it on the mean but not on the upper 95% bound is
// uncertain; within it on both is a pass. A limit equal to the value holds.
func TestEvaluateVerdicts(t *testing.T) {
	limit := Limit{Metric: Rate5023, Share: 0.001, Text: "502.3=0.1%"}
	cases := []struct {
		mean, lo, hi float64
		want         Verdict
	}{
		{0.0005, 0.0004, 0.0006, Pass},
		{0.001, 0.001, 0.001, Pass},
		{0.0008, 0.0005, 0.0012, Uncertain},
		{0.0011, 0.0009, 0.0013, Breach},
		{0.5, 0.4, 0.6, Breach},
	}
	for _, c := range cases {
		got := Evaluate("s.yaml", result(c.mean, c.lo, c.hi, 0), []Limit{limit})
		if len(got) != 1 || got[0].Verdict != c.want {
			t.Errorf("mean %g CI [%g, %g]: got %+v, want %s", c.mean, c.lo, c.hi, got, c.want)
		}
	}
	p99 := Limit{Metric: P99, Time: 5 * time.Second, Text: "p99=5s"}
	if got := Evaluate("s.yaml", result(0, 0, 0, 5001), []Limit{p99}); got[0].Verdict != Breach {
		t.Errorf("p99 5.001s against 5s: %s, want a breach", got[0].Verdict)
	}
	if got := Evaluate("s.yaml", result(0, 0, 0, 5000), []Limit{p99}); got[0].Verdict != Pass {
		t.Errorf("p99 5s against 5s: %s, want a pass", got[0].Verdict)
	}
}

// A breach is an error and an uncertain limit a warning, both at the
// farm's element; a pass says nothing.
func TestDiagnosticsAtTheFarm(t *testing.T) {
	span := schema.Span{File: "farm.yaml", Start: schema.Pos{Line: 5, Col: 5}, End: schema.Pos{Line: 5, Col: 15}}
	cfg := &schema.Config{File: "farm.yaml", Farms: []*schema.Farm{{Element: schema.Element{Span: span}, Name: "web"}}}
	limit := Limit{Metric: Rate5023, Share: 0.001, Text: "502.3=0.1%"}
	outcomes := []Outcome{
		{Scenario: "a.yaml", Farm: "web", Limit: limit, Value: 0.0005, Upper: 0.0006, Verdict: Pass},
		{Scenario: "b.yaml", Farm: "web", Limit: limit, Value: 0.0008, Upper: 0.0012, Verdict: Uncertain},
		{Scenario: "c.yaml", Farm: "web", Limit: limit, Value: 0.002, Upper: 0.003, Verdict: Breach},
	}
	ds := Diagnostics(cfg, outcomes)
	if len(ds) != 2 {
		t.Fatalf("got %d diagnostics, want 2: %+v", len(ds), ds)
	}
	if ds[0].Severity != lint.Warning || ds[1].Severity != lint.Error {
		t.Errorf("severities %s, %s; want warning, error", ds[0].Severity, ds[1].Severity)
	}
	for _, d := range ds {
		if d.Span != span || d.Farm != "web" || d.Rule != "max-502.3" {
			t.Errorf("diagnostic %+v: want rule max-502.3 on farm web at %s", d, span)
		}
	}
}

// Under --assume worst a limit the default reading meets but a flipped
// behaviour breaks is a breach, named after that behaviour; time limits
// keep the base run.
func TestEvaluateWorst(t *testing.T) {
	res := result(0.0005, 0.0004, 0.0006, 4000)
	bands := &simulate.Assumptions{Variants: []simulate.Variant{
		{Setting: "arr.a", Assumed: "x", Value: "y", R5023: simulate.Rate{Mean: 0.0008, CI95: [2]float64{0.0007, 0.0009}}},
		{Setting: "arr.b", Assumed: "p", Value: "q", R5023: simulate.Rate{Mean: 0.002, CI95: [2]float64{0.0015, 0.0025}}},
	}}
	limits := []Limit{{Metric: Rate5023, Share: 0.001, Text: "502.3=0.1%"}, {Metric: P99, Time: 5 * time.Second, Text: "p99=5s"}}
	base := Evaluate("s.yaml", res, limits)
	if base[0].Verdict != Pass {
		t.Fatalf("base: %s, want a pass", base[0].Verdict)
	}
	got := EvaluateWorst("s.yaml", res, bands, limits)
	if got[0].Verdict != Breach || got[0].Value != 0.002 || got[0].Assumption != "arr.b=q (assumed p)" {
		t.Errorf("worst: %+v, want the breach under arr.b", got[0])
	}
	if !strings.Contains(got[0].Message(), "with arr.b=q (assumed p)") {
		t.Errorf("message does not name the assumption: %s", got[0].Message())
	}
	if got[1].Verdict != Pass || got[1].Assumption != "" {
		t.Errorf("p99 under worst: %+v, want the base's pass", got[1])
	}
	if got := EvaluateWorst("s.yaml", res, nil, limits); got[0].Verdict != Pass {
		t.Errorf("no bands: %s, want the base verdict", got[0].Verdict)
	}
}

// A breach's help link (SARIF helpUri, the JSON url) opens a page of this
// repository that documents --max: docs/rules.md has no anchors for them.
func TestBreachRulesLinkToTheCheckPage(t *testing.T) {
	const repo = "https://github.com/arrfarm/arrfarm/blob/main/"
	for _, r := range BreachRules() {
		path, ok := strings.CutPrefix(r.URL(), repo)
		if !ok {
			t.Fatalf("%s: link %s is not a page of the repository", r.Slug, r.URL())
		}
		page, err := os.ReadFile(filepath.Join("..", filepath.FromSlash(path)))
		if err != nil {
			t.Fatalf("%s: %v", r.Slug, err)
		}
		if !strings.Contains(string(page), "--max") {
			t.Errorf("%s: %s does not document --max", r.Slug, path)
		}
	}
}

// A backend's 503s (full queue, stopped pool) are held against their own
// limit, by default too: 1 % of requests turned away breaches 503=0.1 %,
// while the 502 limits pass.
func TestEvaluate503(t *testing.T) {
	res := &simulate.Result{Farms: []simulate.FarmResult{{Name: "web", Requests: 1e6, Outcomes: simulate.Outcomes{S503: 1e4}}}}
	res.Farms[0].Rates.R503 = simulate.Rate{Mean: 0.01, CI95: [2]float64{0.008, 0.012}}
	verdicts := map[Metric]Verdict{}
	for _, o := range Evaluate("s.yaml", res, DefaultLimits) {
		verdicts[o.Limit.Metric] = o.Verdict
	}
	if verdicts[Rate503] != Breach || verdicts[Rate5023] != Pass || verdicts[Rate5024] != Pass {
		t.Errorf("verdicts %v, want 503 breached and the 502 limits passed", verdicts)
	}
}

// A bare share is rejected with both of its readings, never guessed: the
// README once read 502.3=0.1 as 10 %.
func TestParseLimitBareShare(t *testing.T) {
	_, err := ParseLimit("502.3=0.1")
	if err == nil || !strings.Contains(err.Error(), "0.1%") || !strings.Contains(err.Error(), "10%") {
		t.Fatalf("ParseLimit(502.3=0.1): %v; want an error naming both 0.1%% and 10%%", err)
	}
}

// A zero limit is held against the count: no event passes, whatever the
// zero-event bound 3/N says (no finite run could pass otherwise), and one
// event is a breach.
func TestZeroLimitIsACount(t *testing.T) {
	zero := Limit{Metric: Rate5024, Share: 0, Text: "502.4=0"}
	none := result(0, 0, 0, 0)
	none.Farms[0].Rates.R5024 = simulate.Rate{Mean: 0, CI95: [2]float64{0, 3e-6}, Bound: "rule_of_three"}
	got := Evaluate("s.yaml", none, []Limit{zero})
	if got[0].Verdict != Pass || !strings.Contains(got[0].Message(), "none in 1000000 simulated requests") {
		t.Errorf("no 502.4 in 1e6 requests: %s %q; want a pass that states the count", got[0].Verdict, got[0].Message())
	}
	one := result(0, 0, 0, 0)
	one.Farms[0].Outcomes.S5024 = 1
	one.Farms[0].Rates.R5024 = simulate.Rate{Mean: 1e-6, CI95: [2]float64{0, 3e-6}}
	got = Evaluate("s.yaml", one, []Limit{zero})
	if got[0].Verdict != Breach || !strings.Contains(got[0].Message(), "1 of 1000000") {
		t.Errorf("one 502.4 in 1e6 requests: %s %q; want a breach that states the count", got[0].Verdict, got[0].Message())
	}
}

// Too little traffic judges nothing: no requests at all, fewer than
// MinRequests, or fewer than the rule of three needs for the limit
// (3 / 0.01% = 30000) fail the gate as an error of their own rule.
func TestTooFewRequests(t *testing.T) {
	cfg := &schema.Config{File: "farm.yaml", Farms: []*schema.Farm{{Name: "web"}}}
	for _, c := range []struct {
		requests int64
		limit    string
		want     Verdict
	}{
		{0, "502.3=0.1%", Unjudged},
		{0, "502.4=0", Unjudged},
		{0, "p99=5s", Unjudged},
		{999, "502.4=0", Unjudged},
		{29999, "502.3=0.01%", Unjudged},
		{30000, "502.3=0.01%", Pass},
		{1000, "502.4=0", Pass},
	} {
		l, err := ParseLimit(c.limit)
		if err != nil {
			t.Fatal(err)
		}
		res := result(0, 0, 0, 0)
		res.Farms[0].Requests = c.requests
		got := Evaluate("s.yaml", res, []Limit{l})[0]
		if got.Verdict != c.want {
			t.Errorf("%d requests, --max %s: %s, want %s", c.requests, c.limit, got.Verdict, c.want)
			continue
		}
		if c.want != Unjudged {
			continue
		}
		ds := Diagnostics(cfg, []Outcome{got})
		if len(ds) != 1 || ds[0].Severity != lint.Error || ds[0].Rule != TooFewRequests || ds[0].ID != "ARR8000" {
			t.Errorf("%d requests, --max %s: diagnostics %+v, want one error of rule %s (ARR8000)", c.requests, c.limit, ds, TooFewRequests)
		}
	}
}

// Every check finding names its rule by ID and help link, as lint
// findings do, and the IDs are unique and distinct from the registry's
// categories (8 is check's own).
func TestBreachRulesHaveIDs(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range BreachRules() {
		if !strings.HasPrefix(r.ID, "ARR8") || len(r.ID) != 7 || seen[r.ID] {
			t.Errorf("rule %s: ID %q is not a unique ARR8xxx", r.Slug, r.ID)
		}
		seen[r.ID] = true
	}
	cfg := &schema.Config{File: "farm.yaml", Farms: []*schema.Farm{{Name: "web"}}}
	o := Evaluate("s.yaml", result(0.002, 0.0015, 0.0025, 0), []Limit{{Metric: Rate5023, Share: 0.001, Text: "502.3=0.1%"}})
	ds := Diagnostics(cfg, o)
	if len(ds) != 1 || ds[0].ID != "ARR8001" || ds[0].URL != CheckDocsURL {
		t.Errorf("breach diagnostic %+v: want ID ARR8001 and URL %s", ds, CheckDocsURL)
	}
}

func TestParseLimitsRejectsARepeat(t *testing.T) {
	if _, err := ParseLimits([]string{"502.3=0.1%", "p99=5s", "502.3=5%"}); err == nil || !strings.Contains(err.Error(), "already has a limit") {
		t.Errorf("502.3 twice: %v, want an error", err)
	}
	ls, err := ParseLimits([]string{"502.3=0.1%", "502.4=0", "p99=5s"})
	if err != nil || len(ls) != 3 {
		t.Errorf("three metrics: %v %v", ls, err)
	}
}

// A run that saw no 502.3 but measured that its slow requests come in
// bursts counts its N requests as N / VIF independent ones (its rule-of-
// three bound is 3 VIF / N), so passing ARR8000's independent floor
// (3 / share) is not enough: with 40000 requests against 0.01 % (floor
// 30000) and VIF 20 (bound 3 * 20 / 40000 = 0.15 %), seeing none needs
// 20 x 30000 = 600000 requests, and the run is too small to judge, not a
// pass and not merely "uncertain". With VIF 1 the floor is the rule.
func TestTooFewIndependentRequests(t *testing.T) {
	l, err := ParseLimit("502.3=0.01%")
	if err != nil {
		t.Fatal(err)
	}
	res := result(0, 0, 0, 0)
	res.Farms[0].Requests = 40000
	res.Farms[0].Rates.R5023 = simulate.Rate{CI95: [2]float64{0, 3 * 20 / 40000.0}, Bound: "rule_of_three"}
	got := Evaluate("s.yaml", res, []Limit{l})[0]
	msg := got.Message()
	if got.Verdict != Unjudged || !strings.Contains(msg, "count as only 2000 independent ones") || !strings.Contains(msg, "about 600000 simulated here") {
		t.Errorf("no 502.3 in 40000 clustered requests: %s %q; want too few, with 2000 independent and 600000 needed", got.Verdict, msg)
	}
	cfg := &schema.Config{File: "farm.yaml", Farms: []*schema.Farm{{Name: "web"}}}
	if ds := Diagnostics(cfg, []Outcome{got}); len(ds) != 1 || ds[0].ID != "ARR8000" || ds[0].Severity != lint.Error {
		t.Errorf("diagnostics %+v, want one ARR8000 error", ds)
	}
	res.Farms[0].Rates.R5023 = simulate.Rate{CI95: [2]float64{0, 3 / 40000.0}, Bound: "rule_of_three"}
	if got := Evaluate("s.yaml", res, []Limit{l})[0]; got.Verdict != Pass {
		t.Errorf("no 502.3 in 40000 independent requests: %s %q, want a pass (3/40000 <= 0.01%%)", got.Verdict, got.Message())
	}
}

// An uncertain verdict says how to settle it: a run long enough for the
// interval, which check --until-ci runs (docs/simulation.md: rare rates
// at high load need it to reach nominal coverage).
func TestUncertainSaysHowToSettleIt(t *testing.T) {
	o := Evaluate("s.yaml", result(0.0008, 0.0005, 0.0012, 0), []Limit{{Metric: Rate5023, Share: 0.001, Text: "502.3=0.1%"}})[0]
	if o.Verdict != Uncertain || !strings.Contains(o.Message(), "check --until-ci 50%") {
		t.Errorf("%s %q: want uncertain, naming check --until-ci", o.Verdict, o.Message())
	}
}
