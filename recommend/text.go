package recommend

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/arrfarm/arrfarm/internal/human"
	"github.com/arrfarm/arrfarm/schema"
	"github.com/arrfarm/arrfarm/simulate"
)

// WriteJSON writes the Recommend JSON contract (indented).
func (r *Result) WriteJSON(w io.Writer) error { return writeJSON(w, r.Printable(), "recommendation") }

// Printable returns a copy of r whose text from the configuration and the
// scenario is safe to print: farm names and the server addresses the
// reasons quote (written user:password@host) with secrets masked and
// control characters escaped (schema.Printable). Every writer starts from
// it; r itself keeps the real names, which recommend.Edits looks up.
func (r *Result) Printable() *Result {
	out := *r
	out.Farms = slices.Clone(r.Farms)
	for i := range out.Farms {
		f := &out.Farms[i]
		f.Name = schema.Printable(f.Name)
		f.MethodNote = schema.Printable(f.MethodNote)
		f.Reasons = slices.Clone(f.Reasons)
		for j, reason := range f.Reasons {
			f.Reasons[j] = schema.Printable(reason)
		}
		f.Capacity.Add = slices.Clone(f.Capacity.Add)
		for j := range f.Capacity.Add {
			f.Capacity.Add[j].Like = schema.Printable(f.Capacity.Add[j].Like)
		}
		f.Capacity.Tried = slices.Clone(f.Capacity.Tried)
		for j := range f.Capacity.Tried {
			p := &f.Capacity.Tried[j]
			p.Added, p.Out = schema.Printable(p.Added), schema.Printable(p.Out)
		}
	}
	out.Skipped = slices.Clone(r.Skipped)
	for i := range out.Skipped {
		s := &out.Skipped[i]
		s.Name, s.Note = schema.Printable(s.Name), schema.Printable(s.Note)
	}
	return &out
}

func writeJSON(w io.Writer, v any, what string) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("writing %s JSON: %w", what, err)
	}
	return nil
}

// Preamble is what a patch says before the diff: the farms that are
// overloaded and the farms that miss the target (the diff changes nothing
// of theirs), as comment lines that patch tools skip.
func (r *Result) Preamble() string {
	var b strings.Builder
	for _, f := range r.Printable().Farms {
		if f.Overloaded {
			fmt.Fprintf(&b, "# farm %s is overloaded (busiest server at %.0f%% of what it can serve): no timeout is recommended; add servers (capacity: %s)\n", f.Name, 100*f.Utilization, capText(f.Capacity))
		}
	}
	for _, m := range r.Misses() {
		fmt.Fprintf(&b, "# farm %s MISSES the target %s: %s; nothing of it is changed\n", m.Farm, human.Percent(r.Target.R5023), m.Why)
	}
	return b.String()
}

func capText(c Capacity) string {
	if c.Servers == nil {
		return "not computed"
	}
	return fmt.Sprintf("%d, %s with one down", *c.Servers, nPlus1(c))
}

// WriteText writes the recommendation for a person: the values first, then
// the reasons.
func (r *Result) WriteText(w io.Writer) error {
	r = r.Printable()
	var b strings.Builder
	for i, f := range r.Farms {
		if i > 0 {
			b.WriteString("\n")
		}
		peak := "peak " + num(f.PeakRate) + " req/s"
		if f.PeakRate == 0 {
			peak = "latency only (no traffic given)"
		}
		fmt.Fprintf(&b, "farm %s: %d enabled server(s), %s, target 502.3 under %s (502.4 and 503 held to it too)\n", f.Name, f.Servers, peak, human.Percent(r.Target.R5023))
		if f.Overloaded {
			fmt.Fprintf(&b, "  OVERLOADED: farm %s is overloaded (busiest server at %.0f%% of what it can serve); no timeout is recommended\n", f.Name, 100*f.Utilization)
		}
		// As simulate prints them, once: the notes of the run the answer
		// rests on (already printable: simulate masked them).
		simulate.WriteNotes(&b, f.Notes)
		t := f.Timeout
		switch {
		case t.RecommendedS != nil:
			fmt.Fprintf(&b, "  timeout      %s -> %s (rule: %s)   predicted 502.3 %s%s\n", human.Seconds(t.CurrentS), human.Seconds(float64(*t.RecommendedS)), t.Rule, human.Percent(t.Predicted5023.Mean), ciText(*t.Predicted5023))
		default:
			fmt.Fprintf(&b, "  timeout      %s -> none meets the target (see below)\n", human.Seconds(t.CurrentS))
		}
		if t.MinMeetingS != nil {
			fmt.Fprintf(&b, "               smallest meeting the target: %ds\n", *t.MinMeetingS)
		}
		fmt.Fprintf(&b, "               percentile rule (p%s of service time): %s\n", trimFloat(100*(1-r.Target.R5023)), human.Seconds(t.PercentileRuleS))
		h := f.HealthCheck
		if h.URLTest {
			rule := ""
			if h.Rule != "" {
				rule = " (rule: " + h.Rule + ")"
			}
			fmt.Fprintf(&b, "  healthCheck  interval %s -> %s, timeout %s -> %s, minServers %d -> %d%s\n",
				human.Seconds(h.CurrentIntervalS), human.Seconds(h.IntervalS), human.Seconds(h.CurrentTimeoutS), human.Seconds(h.TimeoutS), h.CurrentMinServers, h.MinServers, rule)
		} else {
			fmt.Fprintf(&b, "  healthCheck  none; add a URL test with interval %s, timeout %s, minServers %d\n", human.Seconds(h.IntervalS), human.Seconds(h.TimeoutS), h.MinServers)
		}
		if c := f.Capacity; c.Servers != nil {
			fmt.Fprintf(&b, "  capacity     %d server(s) at the peak (%s with one down); the farm has %d; predicted 502.3 %s%s%s at timeout %s\n",
				*c.Servers, nPlus1(c), f.Servers, human.Percent(c.Predicted5023.Mean), ciText(*c.Predicted5023), rate503(c.Predicted503), human.Seconds(c.TimeoutS))
		} else if a := c.QueueLength; a != nil {
			fmt.Fprintf(&b, "  capacity     no server count (at least %d for the %s pauses); queueLength %d -> %d per server: predicted 503 %s%s with the farm's %d\n",
				a.Servers, human.Seconds(a.PauseS), a.Current, a.Needed, human.Percent(a.Predicted503.Mean), ciText(a.Predicted503), f.Servers)
		} else {
			b.WriteString("  capacity     not computed (see below)\n")
		}
		verdict := "meets the target"
		if !f.Set.Meets {
			verdict = "MISSES the target: no change recommended"
		}
		fmt.Fprintf(&b, "  together     predicted 502.3 %s%s, 502.4 %s, 503 %s: %s\n", human.Percent(f.Set.Predicted5023.Mean), ciText(f.Set.Predicted5023), human.Percent(f.Set.Predicted5024.Mean), human.Percent(f.Set.Predicted503.Mean), verdict)
		b.WriteString("  why:\n")
		for _, reason := range f.Reasons {
			fmt.Fprintf(&b, "    - %s\n", reason)
		}
	}
	for i, s := range r.Skipped {
		if i == 0 && len(r.Farms) > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "skipped: %s\n", s.Note)
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("writing recommendation: %w", err)
	}
	return nil
}

// rate503 is ", 503 X%" for a capacity's 503 rate, when there is one.
func rate503(r *simulate.Rate) string {
	if r == nil {
		return ""
	}
	return ", 503 " + human.Percent(r.Mean)
}

// nPlus1 is the N+1 count, or "none found".
func nPlus1(c Capacity) string {
	if c.ServersNPlus1 == nil {
		return "none found"
	}
	return strconv.Itoa(*c.ServersNPlus1)
}

func ciText(r simulate.Rate) string {
	return fmt.Sprintf(" (95%% CI %s .. %s)", human.Percent(r.CI95[0]), human.Percent(r.CI95[1]))
}

// num prints a rate or count without needless digits.
func num(x float64) string {
	if x >= 1000 || x <= -1000 {
		return strconv.FormatFloat(x, 'f', 0, 64)
	}
	return strconv.FormatFloat(x, 'g', 4, 64)
}

// trimFloat prints x with up to six decimals and no trailing zeros.
func trimFloat(x float64) string {
	return strconv.FormatFloat(math.Round(x*1e6)/1e6, 'f', -1, 64)
}

// Miss is a farm whose recommendation does not meet the target: no set
// of settings tried, the farm as written among them, kept 502.3, 502.4
// and 503 each within it with 95 % confidence (Set.Meets false). Nothing
// is changed for such a farm, and the command exits 1.
type Miss struct {
	Farm string
	// Why names the rates that miss, as the farm as written predicts
	// them, and what the report advises instead.
	Why string
}

// Misses lists the farms that miss the target, in farm order, with text
// safe to print (Printable).
func (r *Result) Misses() []Miss {
	var out []Miss
	for _, f := range r.Printable().Farms {
		if f.Set.Meets {
			continue
		}
		s := f.Set
		var over []string
		for _, x := range []struct {
			name string
			r    simulate.Rate
		}{{"502.3", s.Predicted5023}, {"502.4", s.Predicted5024}, {"503", s.Predicted503}} {
			if !meets(x.r, r.Target.R5023) {
				over = append(over, fmt.Sprintf("%s %s (95%% CI upper %s)", x.name, human.Percent(x.r.Mean), human.Percent(x.r.CI95[1])))
			}
		}
		predicts := "every set tried was turned down (see the reasons)"
		if len(over) > 0 {
			predicts = "as written it predicts " + strings.Join(over, ", ")
		}
		why := "no set of settings tried meets it; " + predicts
		if f.Overloaded {
			why += fmt.Sprintf("; it is overloaded (busiest server at %.0f%% of what it can serve)", 100*f.Utilization)
		}
		if c := f.Capacity; c.Servers != nil && *c.Servers > f.Servers {
			why += fmt.Sprintf("; capacity: %d servers at the peak", *c.Servers)
		}
		if a := f.Capacity.QueueLength; a != nil {
			why += fmt.Sprintf("; its 503s come from pauses overflowing the http.sys queue: raise queueLength to %d per server (more servers would take at least %d)", a.Needed, a.Servers)
		}
		out = append(out, Miss{Farm: f.Name, Why: why})
	}
	return out
}
