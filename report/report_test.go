package report

import (
	"bytes"
	"fmt"
	"math"
	"regexp"
	"strings"
	"testing"

	"github.com/arrfarm/arrfarm/recommend"
	"github.com/arrfarm/arrfarm/simulate"
	"github.com/stretchr/testify/require"
)

// The page needs nothing from the network and runs no script: no
// external reference of any kind.
func TestPageIsSelfContained(t *testing.T) {
	res := simulateFixture(t, "../fixtures/check/farm.yaml", "../fixtures/check/hang.yaml")
	page, err := Simulation(res, "farm.yaml with hang.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := page.Write(&b); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	external := regexp.MustCompile(`(?i)<script|<link|<img|<iframe|@import|url\(|\b(src|href)=`)
	if m := external.FindString(html); m != "" {
		t.Errorf("the page refers to something outside itself: %q", m)
	}
	if n := strings.Count(html, "<svg"); n != 4 {
		t.Errorf("%d plots, want 4 (rates over time, time-taken, load, unhealthy time)", n)
	}
	if strings.Contains(html, "<?xml") {
		t.Error("an XML prologue inside HTML")
	}
}

// The simulator's warnings reach the page as warnings, in its words.
func TestPageCarriesWarnings(t *testing.T) {
	res := &simulate.Result{Replications: 2, Farms: []simulate.FarmResult{{
		Name:  "web",
		Notes: []string{"server 10.0.0.1 is overloaded: busy 100% of its capacity", "farm is disabled"},
	}}}
	page, err := Simulation(res, "x")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := page.Write(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `<p class="warning">server 10.0.0.1 is overloaded`) {
		t.Errorf("the overload note is not a warning on the page:\n%s", b.String())
	}
	if !strings.Contains(b.String(), `<p class="note">note: farm is disabled`) {
		t.Errorf("the other note is missing:\n%s", b.String())
	}
}

// Requests that all end at the timeout make a shelf that reaches it: the
// last point of the curve is at the maximum, level with the one before.
func TestCCDFEndsAtTheMaximum(t *testing.T) {
	fig, err := PlotCCDF([]CCDFPoint{{0.1, 0.5}, {1, 0.01}, {30, 0}}, 30)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(fig), "<svg") {
		t.Fatal("no SVG")
	}
	if fig, err := PlotCCDF(nil, 30); err != nil || fig != "" {
		t.Errorf("no data: %q, %v; want no figure and no error", fig, err)
	}
}

func TestFaultWindow(t *testing.T) {
	w, ok := faultWindow(simulate.FaultResult{At: "30s", For: "20s", Fault: "hang", Server: "a"}, 120)
	if !ok || w.Start != 30 || w.End != 50 {
		t.Errorf("30s for 20s: %+v %v", w, ok)
	}
	w, ok = faultWindow(simulate.FaultResult{At: "1m30s", Fault: "down", Server: "a"}, 120)
	if !ok || w.Start != 90 || w.End != 120 {
		t.Errorf("1m30s to the end: %+v %v", w, ok)
	}
}

func TestClockAndLogTicks(t *testing.T) {
	for s, want := range map[float64]string{0: "0:00", 75: "1:15", 3600: "1:00:00", 5999: "1:39:59"} {
		if got := clock(s); got != want {
			t.Errorf("clock(%g) = %q, want %q", s, got, want)
		}
	}
	var labels []string
	for _, tk := range (logTicks{unit: "s"}).Ticks(0.001, 100) {
		if tk.Label != "" {
			labels = append(labels, tk.Label)
		}
	}
	if got := strings.Join(labels, " "); got != "1ms 10ms 100ms 1s 10s 1m40s" {
		t.Errorf("log ticks over 1ms..100s: %s", got)
	}
}

// The load plot shows utilization as a share of capacity when every
// server has one, and the mean number in service when some server's
// concurrency is unlimited (its utilization, a share of unlimited
// capacity, is 0).
func TestServerLoadMeaning(t *testing.T) {
	const half = 0.5
	limited := &simulate.FarmResult{Servers: []simulate.ServerResult{
		{Address: "a", Utilization: half, MeanInService: 5, Concurrency: 10},
		{Address: "b", Utilization: half, MeanInService: 5, Concurrency: 10},
	}}
	bars, label, share := serverBars(limited)
	if !share || bars[0].Load != 0.5 || !strings.Contains(label, "% of capacity") {
		t.Errorf("limited concurrency: %v %q %v, want utilization 0.5 as a share", bars, label, share)
	}
	mixed := &simulate.FarmResult{Servers: []simulate.ServerResult{
		{Address: "a", Utilization: half, MeanInService: 5, Concurrency: 10},
		{Address: "b", MeanInService: 7},
	}}
	bars, label, share = serverBars(mixed)
	if share || bars[0].Load != 5 || bars[1].Load != 7 || label != "mean requests in service" {
		t.Errorf("an unlimited server: %v %q %v, want means in service", bars, label, share)
	}
}

// A sweep page warns at the points where a server was overloaded, as the
// text and CSV do, and only there.
func TestSweepPageWarnsOverload(t *testing.T) {
	res := &recommend.SweepResult{
		Vary: []recommend.Vary{{Path: "scenario.arrivals.rate", Values: []string{"10", "100"}}},
		Points: []recommend.SweepPoint{
			{Values: []string{"10"}, X: []float64{10}, Farm: "web", Replications: 2},
			{Values: []string{"100"}, X: []float64{100}, Farm: "web", Replications: 2, Overloaded: true},
		},
	}
	page, err := Sweep(res, "test")
	if err != nil {
		t.Fatal(err)
	}
	w := strings.Join(page.Sections[0].Warnings, "\n")
	if !strings.Contains(w, "overloaded at 100:") || strings.Contains(w, "10:") {
		t.Errorf("warnings %q: want the 100 point, not the 10 point", w)
	}
	if !strings.Contains(w, "grew all run long") || strings.Contains(w, "503") {
		t.Errorf("warnings %q: no queue limit turned a request away: the queue grew", w)
	}

	// A point whose backends turned requests away at their queue limit
	// shows the overload as 503, not as a growing queue.
	res.Points[1].QueueFull503 = 120
	page, err = Sweep(res, "test")
	if err != nil {
		t.Fatal(err)
	}
	w = strings.Join(page.Sections[0].Warnings, "\n")
	if !strings.Contains(w, "overloaded at 100:") || !strings.Contains(w, "turned away with 503") || strings.Contains(w, "grew") {
		t.Errorf("warnings %q: want the overload at 100 shown as 503 at the queue limit", w)
	}
}

// The x ticks of a short curve are the values tried: points at 2, 5 and
// 10 s get ticks labelled 2, 5 and 10, not gonum's default 2, 6, 10.
func TestCurveTicksAtThePoints(t *testing.T) {
	fig, err := PlotCurve(Curve{Title: "t", XLabel: "timeout (s)", Mark: math.NaN(), Points: []CurvePoint{
		{X: 2, Mean: 0.01, Lo: 0.009, Hi: 0.011}, {X: 5, Mean: 0.002, Lo: 0.0018, Hi: 0.0022}, {X: 10, Mean: 0.001, Lo: 0.0009, Hi: 0.0011}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{">2<", ">5<", ">10<"} {
		if !strings.Contains(string(fig), want) {
			t.Errorf("no tick label %s in the figure", want)
		}
	}
	if strings.Contains(string(fig), ">6<") {
		t.Error("a tick at 6, where no point is")
	}
}

// Rates print with three significant digits and never in exponent form
// (issue 16: "8.369391461546831e-05%" in the recommend page).
func TestPercentIsReadable(t *testing.T) {
	for x, want := range map[float64]string{
		8.369391461546831e-07: "0.0000837%",
		1.5115074742711974e-7: "0.0000151%",
		0.0123456:             "1.23%",
		0:                     "0%",
		1:                     "100%",
		123.456:               "12300%",
	} {
		if got := percent(x); got != want {
			t.Errorf("percent(%g) = %q, want %q", x, got, want)
		}
	}
}

// The capacity chart draws every set capacity simulated, each kind of set
// as its own line (issue 16: one point on a 1..3 axis): the farm's own
// servers, copies of each kind added to the farm as written, and the farm
// with one server out at the farm's size, the worst server out.
func TestCapacitySeries(t *testing.T) {
	rate := func(m float64) simulate.Rate { return simulate.Rate{Mean: m, CI95: [2]float64{m / 2, 2 * m}} }
	tried := []recommend.Point{
		{X: 4, Rate: rate(0.02)}, // the farm as written
		{X: 5, Rate: rate(0.004), Added: "a"},
		{X: 6, Rate: rate(0.001), Added: "a"},
		{X: 5, Rate: rate(0.003), Added: "b"},
		{X: 5, Rate: rate(0.002), Added: "b", Out: "b+1"},
		{X: 5, Rate: rate(0.009), Added: "b", Out: "a"},
	}
	own, more := capacitySeries(tried)
	xs := func(ps []CurvePoint) (out []float64) {
		for _, p := range ps {
			out = append(out, p.X)
		}
		return out
	}
	require.Equal(t, []float64{4}, xs(own))
	require.Len(t, more, 3)
	require.Equal(t, "adding copies of a", more[0].Label)
	require.Equal(t, []float64{4, 5, 6}, xs(more[0].Points), "from the farm as written")
	require.Equal(t, "adding copies of b", more[1].Label)
	require.Equal(t, []float64{4, 5}, xs(more[1].Points))
	require.Equal(t, []CurvePoint{{X: 6, Mean: 0.009, Lo: 0.0045, Hi: 0.018}}, more[2].Points,
		"a farm of 6 with one out: the worst of the two taken out")

	fig, err := PlotCurve(Curve{Title: "c", XLabel: "servers", Points: own, More: more, Mark: math.NaN()})
	require.NoError(t, err)
	for _, want := range []string{"adding copies of a", "adding copies of b", "one server out", ">4<", ">5<", ">6<"} {
		require.Contains(t, string(fig), want)
	}
}

// A recommendation that misses on 503 alone (issue 19: an overloaded farm
// with backend queue limits turns requests away instead of timing them
// out) says so on the page: the set's 503 rate beside 502.3 and 502.4, a
// warning that nothing is recommended, and a 503 chart for the capacity
// counts tried, since 503 is what decided them.
func TestRecommendationPageShows503(t *testing.T) {
	rate := func(m float64) simulate.Rate { return simulate.Rate{Mean: m, CI95: [2]float64{m * 0.9, m * 1.1}} }
	zero := simulate.Rate{CI95: [2]float64{0, 0.00001}}
	four := 4
	full, none := rate(0.3379), zero
	res := &recommend.Result{Target: recommend.Target{R5023: 0.001}, Farms: []recommend.Farm{{
		Name: "web",
		Set:  recommend.Set{Predicted5023: zero, Predicted5024: zero, Predicted503: rate(0.3379)},
		Capacity: recommend.Capacity{Servers: &four, Predicted5023: &zero, Predicted503: &none, Tried: []recommend.Point{
			{X: 2, Rate: zero, R503: &full},
			{X: 4, Rate: zero, R503: &none, Added: "10.0.0.11"},
		}},
	}}}
	page, err := Recommendation(res, "test")
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, page.Write(&b))
	html := b.String()
	require.Contains(t, html, "502.4 0% (95% CI 0% to 0.001%), 503 33.8%")
	require.Contains(t, html, "MISSES the target")
	require.Contains(t, strings.Join(page.Sections[0].Warnings, "\n"), "no set of settings tried meets the target")
	require.Contains(t, html, "503 against the number of servers at the peak")
	require.Contains(t, html, "predicted 503 share")
}

// The page says which rule chose the timeout and the health check, and
// the smallest timeout that meets the target, as the text does, and gives capacity's queueLength advice where no server
// count meets (503s from pauses): 20 servers for a 2 s pause at 100 req/s
// with queueLength 10, or queueLength 106 with the farm's 2.
func TestRecommendationPageShowsRulesAndQueueLength(t *testing.T) {
	zero := simulate.Rate{CI95: [2]float64{0, 0.00001}}
	thirty, six := 30, 6
	res := &recommend.Result{Target: recommend.Target{R5023: 0.001}, Farms: []recommend.Farm{{
		Name: "web", Servers: 2,
		Timeout:     recommend.Timeout{CurrentS: 30, RecommendedS: &thirty, MinMeetingS: &six, Rule: recommend.RuleKeep},
		HealthCheck: recommend.HealthCheck{URLTest: true, IntervalS: 30, CurrentIntervalS: 30, TimeoutS: 5, CurrentTimeoutS: 5, Rule: recommend.RuleKeep},
		Capacity:    recommend.Capacity{QueueLength: &recommend.QueueAdvice{Current: 10, Needed: 106, Servers: 20, PauseS: 2, Predicted503: zero}},
		Set:         recommend.Set{Predicted5023: zero, Predicted5024: zero, Predicted503: zero, Meets: true},
	}}}
	page, err := Recommendation(res, "test")
	require.NoError(t, err)
	facts := map[string]string{}
	for _, f := range page.Sections[0].Facts {
		facts[f.Label] = f.Value
	}
	require.Equal(t, "current 30s, recommended 30s (rule: keep)", facts["protocol timeout"])
	require.Equal(t, "6s", facts["smallest timeout meeting the target"], "min_meeting_s, as the text and JSON give it")
	require.Contains(t, facts["health check"], "minServers 0 → 0 (rule: keep)")
	require.Contains(t, facts["capacity at the peak"], "at least 20 for the 2s pauses); queueLength 10 → 106 per server")
}

// A sweep page lists each point's 503 rate beside 502.3 and 502.4, as the
// sweep's text and CSV do.
func TestSweepPageShows503(t *testing.T) {
	res := &recommend.SweepResult{
		Vary: []recommend.Vary{{Path: "scenario.arrivals.rate", Values: []string{"2000"}}},
		Points: []recommend.SweepPoint{{Values: []string{"2000"}, X: []float64{2000}, Farm: "web", Replications: 3,
			Rates: simulate.Rates{R503: simulate.Rate{Mean: 0.25, CI95: [2]float64{0.2, 0.3}}}}},
	}
	page, err := Sweep(res, "test")
	require.NoError(t, err)
	require.Len(t, page.Sections[0].Facts, 1)
	require.Contains(t, page.Sections[0].Facts[0].Value, ", 503 25% (95% CI 20% to 30%)")
}

// Points of several lines at one value are set side by side, so that
// none hides another (issue: capacity's N+1 point and its CI bar at the
// count found sat on the copies' point and on the dashed "enough" line):
// the two at x = 4 are drawn a step apart, either side of 4, and a point
// alone at its x stays put. Each line has its own point shape.
func TestCurvePointsSideBySide(t *testing.T) {
	all := []Series{
		{Label: "own", Points: []CurvePoint{{X: 2, Mean: 0.3}}},
		{Label: "added", Points: []CurvePoint{{X: 3, Mean: 0.1}, {X: 4, Mean: 0}}},
		{Label: "out", Points: []CurvePoint{{X: 4, Mean: 0, Hi: 0.03}, {X: 5, Mean: 0}}},
	}
	step := dodgeStep(all, 3)
	require.InDelta(t, 3.0/40, step, 1e-12, "a fortieth of the span; values tried are 1 apart, far more than 3 steps")
	drawn := dodge(all, step)
	require.Equal(t, 2.0, drawn[0].Points[0].X)
	require.Equal(t, 3.0, drawn[1].Points[0].X)
	require.Equal(t, 5.0, drawn[2].Points[1].X)
	a, b := drawn[1].Points[1].X, drawn[2].Points[0].X
	require.InDelta(t, 4-step/2, a, 1e-12)
	require.InDelta(t, 4+step/2, b, 1e-12)
	require.Equal(t, 4.0, all[1].Points[1].X, "the caller's points are not changed")

	// Close values shrink the step: three lines at 1 and at 1.1 stay
	// within their own value's quarter of the gap.
	close := []Series{{Points: []CurvePoint{{X: 1}, {X: 1.1}}}, {Points: []CurvePoint{{X: 1}, {X: 1.1}}}, {Points: []CurvePoint{{X: 1}, {X: 1.1}}}}
	s := dodgeStep(close, 10)
	require.InDelta(t, 0.1/4, s, 1e-12)
	d := dodge(close, s)
	require.Less(t, d[2].Points[0].X, d[0].Points[1].X, "the groups at 1 and 1.1 do not mix")

	for i := range seriesGlyphs {
		for j := range i {
			require.NotEqual(t, fmt.Sprintf("%T", seriesGlyphs[i]), fmt.Sprintf("%T", seriesGlyphs[j]))
		}
	}
	fig, err := PlotCurve(Curve{Title: "c", XLabel: "servers", Points: all[0].Points, More: all[1:], Mark: 4, MarkLabel: "enough: 4 servers", Target: 0.001})
	require.NoError(t, err)
	require.Contains(t, string(fig), "set side by side")
}
