package report

import (
	"fmt"
	"html/template"
	"math"
	"slices"
	"strings"

	"github.com/arrfarm/arrfarm/recommend"
	"github.com/arrfarm/arrfarm/simulate"
)

// Recommendation builds the page of a recommendation: per farm, what to
// set and why, the 502.3 rate against the timeout with the target and the
// recommended value, and against the number of servers for capacity. An
// overloaded farm's statement is a warning at the top of its section.
func Recommendation(res *recommend.Result, inputs string) (*Page, error) {
	res = res.Printable()
	page := &Page{Title: "arrfarm recommendation", Inputs: fmt.Sprintf("%s; target 502.3 at most %s", inputs, percent(res.Target.R5023))}
	for _, f := range res.Farms {
		sec := Section{Heading: "farm " + f.Name}
		t := f.Timeout
		rec := "none: no timeout meets the target"
		if t.RecommendedS != nil {
			rec = seconds(float64(*t.RecommendedS)) + ruleText(t.Rule)
		}
		sec.Facts = []Fact{
			{"protocol timeout", fmt.Sprintf("current %s, recommended %s", seconds(t.CurrentS), rec)},
		}
		if t.MinMeetingS != nil {
			sec.Facts = append(sec.Facts, Fact{"smallest timeout meeting the target", seconds(float64(*t.MinMeetingS))})
		}
		sec.Facts = append(sec.Facts, Fact{"percentile rule", seconds(t.PercentileRuleS)})
		if t.Predicted5023 != nil {
			sec.Facts = append(sec.Facts, Fact{"predicted 502.3 at the recommended timeout", rateText(*t.Predicted5023, 2)})
		}
		if t.Current5023 != nil {
			sec.Facts = append(sec.Facts, Fact{"predicted 502.3 at the current timeout", rateText(*t.Current5023, 2)})
		}
		hc := f.HealthCheck
		hcText := fmt.Sprintf("none; add a URL test with interval %s, timeout %s, minServers %d", seconds(hc.IntervalS), seconds(hc.TimeoutS), hc.MinServers)
		if hc.URLTest {
			hcText = fmt.Sprintf("interval %s → %s, timeout %s → %s, minServers %d → %d%s",
				seconds(hc.CurrentIntervalS), seconds(hc.IntervalS), seconds(hc.CurrentTimeoutS), seconds(hc.TimeoutS), hc.CurrentMinServers, hc.MinServers, ruleText(hc.Rule))
		}
		sec.Facts = append(sec.Facts, Fact{"health check", hcText})
		if c := f.Capacity; c.Servers != nil {
			v := fmt.Sprintf("%d servers", *c.Servers)
			if c.ServersNPlus1 != nil {
				v += fmt.Sprintf(", %d with one down (N+1)", *c.ServersNPlus1)
			}
			if c.Predicted503 != nil {
				v += fmt.Sprintf("; predicted there 502.3 %s, 503 %s", rateText(*c.Predicted5023, 2), rateText(*c.Predicted503, 2))
			}
			sec.Facts = append(sec.Facts, Fact{"capacity at the peak", v})
		} else if a := c.QueueLength; a != nil {
			sec.Facts = append(sec.Facts, Fact{"capacity at the peak", fmt.Sprintf("no server count (at least %d for the %s pauses); queueLength %d → %d per server: predicted 503 %s with the farm's %d",
				a.Servers, seconds(a.PauseS), a.Current, a.Needed, rateText(a.Predicted503, 2), f.Servers)})
		}
		// The set's verdict rests on 502.3, 502.4 and 503 alike: an
		// overloaded farm with backend queue limits shows 503, not 502.3.
		verdict := "meets the target"
		if !f.Set.Meets {
			verdict = "MISSES the target: no change recommended"
		}
		s := f.Set
		sec.Facts = append(sec.Facts, Fact{"simulated together", fmt.Sprintf("502.3 %s, 502.4 %s, 503 %s: %s",
			rateText(s.Predicted5023, 2), rateText(s.Predicted5024, 2), rateText(s.Predicted503, 2), verdict)})
		if !s.Meets {
			sec.Warnings = append(sec.Warnings, fmt.Sprintf("farm %s: no set of settings tried meets the target (502.3, 502.4 and 503 each at most %s with 95%% confidence): nothing is recommended", f.Name, percent(res.Target.R5023)))
		}
		if f.Overloaded {
			sec.Warnings = append(sec.Warnings, fmt.Sprintf("farm %s is overloaded: the offered load is at or above what its servers can serve, and no timeout fixes that", f.Name))
		}
		sec.Notes = append(sec.Notes, f.Reasons...)
		if f.MethodNote != "" {
			sec.Notes = append(sec.Notes, f.MethodNote)
		}

		mark, label := math.NaN(), ""
		if t.RecommendedS != nil {
			mark, label = float64(*t.RecommendedS), fmt.Sprintf("recommended %ds", *t.RecommendedS)
		}
		title := "502.3 against the proxy timeout"
		if f.Method != "" {
			title += " (" + f.Method + ")"
		}
		curve, err := PlotCurve(Curve{Title: title, XLabel: "protocol/@timeout (s)", Points: points(f.Curve),
			Target: res.Target.R5023, Mark: mark, MarkLabel: label})
		if err != nil {
			return nil, fmt.Errorf("farm %s: %w", f.Name, err)
		}
		mark, label = math.NaN(), ""
		if f.Capacity.Servers != nil {
			mark, label = float64(*f.Capacity.Servers), fmt.Sprintf("enough: %d servers", *f.Capacity.Servers)
		}
		own, more := capacitySeries(f.Capacity.Tried)
		capacity, err := PlotCurve(Curve{Title: "502.3 against the number of servers at the peak", XLabel: "servers",
			Points: own, Label: "the farm's own servers", More: more, Target: res.Target.R5023, Mark: mark, MarkLabel: label})
		if err != nil {
			return nil, fmt.Errorf("farm %s: %w", f.Name, err)
		}
		// Capacity holds 503 to the target too: when a set tried turned
		// requests away, the 503 curve is what decided the count.
		var capacity503 template.HTML
		if slices.ContainsFunc(f.Capacity.Tried, func(p recommend.Point) bool { return p.R503 != nil && p.R503.Mean > 0 }) {
			own, more := capacitySeriesOf(f.Capacity.Tried, rate503)
			capacity503, err = PlotCurve(Curve{Title: "503 against the number of servers at the peak", XLabel: "servers", Metric: "503",
				Points: own, Label: "the farm's own servers", More: more, Target: res.Target.R5023, Mark: mark, MarkLabel: label})
			if err != nil {
				return nil, fmt.Errorf("farm %s: %w", f.Name, err)
			}
		}
		for _, fig := range []template.HTML{curve, capacity, capacity503} {
			if fig != "" {
				sec.Figures = append(sec.Figures, fig)
			}
		}
		page.Sections = append(page.Sections, sec)
	}
	return page, nil
}

// capacitySeries splits the server sets capacity simulated into lines:
// the farm's own servers (the farm as written and its weakest-first
// subsets), the farm with copies of one kind added (from the farm as
// written), and the farm with one server out, drawn at the farm's size
// with the worst rate over the servers taken out in turn.
func capacitySeries(tried []recommend.Point) ([]CurvePoint, []Series) {
	return capacitySeriesOf(tried, func(p recommend.Point) simulate.Rate { return p.Rate })
}

// rate503 is a capacity set's 503 rate (none: 0).
func rate503(p recommend.Point) simulate.Rate {
	if p.R503 == nil {
		return simulate.Rate{}
	}
	return *p.R503
}

// capacitySeriesOf is capacitySeries for the rate of picks.
func capacitySeriesOf(tried []recommend.Point, of func(recommend.Point) simulate.Rate) ([]CurvePoint, []Series) {
	var own, base []recommend.Point
	added := map[string][]recommend.Point{}
	var kinds []string
	worst := map[float64]recommend.Point{}
	for _, p := range tried {
		switch {
		case p.Out != "":
			p.X++
			if w, ok := worst[p.X]; !ok || of(p).Mean > of(w).Mean {
				worst[p.X] = p
			}
		case p.Added != "":
			if _, ok := added[p.Added]; !ok {
				kinds = append(kinds, p.Added)
			}
			added[p.Added] = append(added[p.Added], p)
		default:
			own = append(own, p)
			if len(base) == 0 {
				base = append(base, p) // the first set tried: the farm as written
			}
		}
	}
	var more []Series
	for _, k := range kinds {
		more = append(more, Series{Label: "adding copies of " + k, Points: pointsOf(slices.Concat(base, added[k]), of)})
	}
	if len(worst) > 0 {
		out := make([]recommend.Point, 0, len(worst))
		for _, p := range worst {
			out = append(out, p)
		}
		more = append(more, Series{Label: "one server out (the worst, each out in turn)", Points: pointsOf(out, of)})
	}
	return pointsOf(own, of), more
}

func points(ps []recommend.Point) []CurvePoint {
	return pointsOf(ps, func(p recommend.Point) simulate.Rate { return p.Rate })
}

func pointsOf(ps []recommend.Point, of func(recommend.Point) simulate.Rate) []CurvePoint {
	out := make([]CurvePoint, len(ps))
	for i, p := range ps {
		r := of(p)
		out[i] = CurvePoint{X: p.X, Mean: r.Mean, Lo: r.CI95[0], Hi: r.CI95[1]}
	}
	return out
}

// maxSweepFigures bounds the curves of a grid: one per value of the other
// varied settings.
const maxSweepFigures = 12

// Sweep builds the page of a sweep: the 502.3 rate against the first
// varied setting, one figure per combination of the others, with the
// target when one was given.
func Sweep(res *recommend.SweepResult, inputs string) (*Page, error) {
	res = res.Printable() // paths and values label the plots too
	page := &Page{Title: "arrfarm sweep", Inputs: inputs}
	if len(res.Vary) == 0 || len(res.Points) == 0 {
		return page, nil
	}
	first := res.Vary[0]
	groups := map[string][]recommend.SweepPoint{}
	var order []string
	for _, p := range res.Points {
		var rest []string
		for i := 1; i < len(res.Vary) && i < len(p.Values); i++ {
			rest = append(rest, res.Vary[i].Path+"="+p.Values[i])
		}
		key := strings.Join(rest, ", ")
		if _, ok := groups[key]; !ok {
			order = append(order, key)
		}
		groups[key] = append(groups[key], p)
	}
	sec := Section{Heading: "502.3 against " + first.Path}
	// As the sweep's text says it: a queue with no limit grows all run
	// long; a full one turns the rest away with 503.
	var grew, capped []string
	for _, p := range res.Points {
		switch {
		case p.Overloaded && p.QueueFull503 > 0:
			capped = append(capped, strings.Join(p.Values, ", "))
		case p.Overloaded:
			grew = append(grew, strings.Join(p.Values, ", "))
		}
	}
	if len(grew) > 0 {
		sec.Warnings = append(sec.Warnings, fmt.Sprintf("overloaded at %s: a server was busy at or above its capacity and no backend queue limit turned a request away, so the queue grew all run long and the rate there says how long the run was, not what the farm settles at", strings.Join(grew, "; ")))
	}
	if len(capped) > 0 {
		sec.Warnings = append(sec.Warnings, fmt.Sprintf("overloaded at %s: a server was busy at or above its capacity; its backend queue filled to its limit and the requests beyond it were turned away with 503 at once (see the 503 rates below), not left in a growing queue", strings.Join(capped, "; ")))
	}
	if len(order) > maxSweepFigures {
		sec.Warnings = append(sec.Warnings, fmt.Sprintf("the grid has %d combinations of the other settings; the first %d are drawn (the JSON and CSV have all)", len(order), maxSweepFigures))
		order = order[:maxSweepFigures]
	}
	for _, key := range order {
		pts := groups[key]
		c := Curve{Title: "502.3 against " + first.Path, XLabel: first.Path + unitOf(pts), Target: res.Target, Mark: math.NaN()}
		if key != "" {
			c.Title += " (" + key + ")"
		}
		numeric := true
		for _, p := range pts {
			numeric = numeric && len(p.X) > 0
		}
		for i, p := range pts {
			x := float64(i)
			if numeric {
				x = p.X[0]
			} else {
				c.Labels = append(c.Labels, p.Values[0])
			}
			r := p.Rates.R5023
			c.Points = append(c.Points, CurvePoint{X: x, Mean: r.Mean, Lo: r.CI95[0], Hi: r.CI95[1]})
		}
		fig, err := PlotCurve(c)
		if err != nil {
			return nil, err
		}
		sec.Figures = append(sec.Figures, fig)
	}
	for _, p := range res.Points {
		sec.Facts = append(sec.Facts, Fact{strings.Join(p.Values, ", "), "502.3 " + rateText(p.Rates.R5023, p.Replications) + ", 502.4 " + rateText(p.Rates.R5024, p.Replications) + ", 503 " + rateText(p.Rates.R503, p.Replications)})
	}
	page.Sections = append(page.Sections, sec)
	return page, nil
}

// unitOf says " (s)" when the varied values are durations, which the sweep
// turns into seconds.
func unitOf(pts []recommend.SweepPoint) string {
	for _, p := range pts {
		if len(p.Values) > 0 && strings.IndexFunc(p.Values[0], func(r rune) bool { return r == 's' || r == 'm' || r == 'h' || r == ':' }) >= 0 && len(p.X) > 0 {
			return " (s)"
		}
	}
	return ""
}

// ruleText names the rule that chose a value, as recommend's text does:
// " (rule: keep)"; "" when none did.
func ruleText(rule string) string {
	if rule == "" {
		return ""
	}
	return " (rule: " + rule + ")"
}
