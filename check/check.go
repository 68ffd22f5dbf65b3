// Package check gates a deployment on a simulation: it holds the predicted
// 502.3 and 502.4 rates and time-taken percentiles of each scenario against
// the limits a pipeline sets (--max) and reports every breach as a lint
// diagnostic at the farm's position, so that breaches travel through the
// same output formats as lint findings and land on the pull request line.
package check

import (
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/arrfarm/arrfarm/internal/human"
	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
	"github.com/arrfarm/arrfarm/simulate"
)

// A Metric is what a limit bounds.
type Metric string

// The metrics --max accepts. Rates are shares of requests; percentiles are
// of the client-observed time-taken.
const (
	Rate5023 Metric = "502.3"
	Rate5024 Metric = "502.4"
	// Rate503 is the backends' own 503s: a full request queue or a
	// stopped application pool.
	Rate503 Metric = "503"
	P50     Metric = "p50"
	P90     Metric = "p90"
	P99     Metric = "p99"
	P999    Metric = "p99.9"
)

// IsRate reports whether m is a share of requests (with a confidence
// interval) rather than a time.
func (m Metric) IsRate() bool { return m == Rate5023 || m == Rate5024 || m == Rate503 }

// A Limit is one --max: the largest acceptable value of a metric.
type Limit struct {
	Metric Metric
	// Share bounds a rate (0.001 for 0.1%); Time bounds a percentile.
	Share float64
	Time  time.Duration
	// Text is the limit as written, for messages ("502.3=0.1%").
	Text string
}

// DefaultLimits apply when no --max is given: a deployment should not
// predict more than one request in a thousand ending in either 502, or
// turned away with 503 by a backend's full queue.
var DefaultLimits = []Limit{
	{Metric: Rate5023, Share: 0.001, Text: "502.3=0.1%"},
	{Metric: Rate5024, Share: 0.001, Text: "502.4=0.1%"},
	{Metric: Rate503, Share: 0.001, Text: "503=0.1%"},
}

// ParseLimit reads "502.3=0.1%", "502.4=0" or "p99=5s". A rate needs its
// unit (human.ParsePercent): "502.3=0.1" reads as 0.1 % or as 10 %, and
// the gate does not guess.
func ParseLimit(s string) (Limit, error) {
	name, value, ok := strings.Cut(strings.TrimSpace(s), "=")
	if !ok || value == "" {
		return Limit{}, fmt.Errorf("%q is not METRIC=VALUE, e.g. 502.3=0.1%% or p99=5s", s)
	}
	m := Metric(strings.ToLower(strings.TrimSpace(name)))
	if m == "p999" {
		m = P999
	}
	l := Limit{Metric: m, Text: strings.TrimSpace(s)}
	value = strings.TrimSpace(value)
	switch m {
	case Rate5023, Rate5024, Rate503:
		share, err := human.ParsePercent(value)
		if err != nil {
			return Limit{}, fmt.Errorf("%q: %w", s, err)
		}
		l.Share = share
	case P50, P90, P99, P999:
		d, err := schema.ParseDuration(value)
		if err != nil || d <= 0 {
			return Limit{}, fmt.Errorf("%q: %q is not a positive duration, e.g. 5s or 1500ms", s, value)
		}
		l.Time = d
	default:
		return Limit{}, fmt.Errorf("%q: unknown metric %q (want 502.3, 502.4, 503, p50, p90, p99 or p99.9)", s, name)
	}
	return l, nil
}

// MinRequests is the fewest simulated requests (all replications) on which
// check judges any limit: fewer cannot tell a farm that holds from one
// that does not (a p99.9 needs a thousand requests to exist), and a
// scenario that sends (almost) nothing must fail the gate, not pass it.
const MinRequests = 1000

// neededRequests is how many requests a limit needs to be judged: for a
// nonzero share, enough that seeing no event at all would show the limit
// holds (the rule of three, 3/N <= share); otherwise MinRequests. That is
// the floor for requests that fail independently; o.neededRequests raises
// it where the run measured that they do not.
func (l Limit) neededRequests() int64 {
	n := int64(MinRequests)
	if l.Metric.IsRate() && l.Share > 0 {
		n = max(n, int64(math.Ceil(3/l.Share)))
	}
	return n
}

// neededRequests is what o's limit needs on o's run: where the run saw no
// event and its failures come in bursts, its N requests count as only
// Independent ones (the rate's rule-of-three bound is 3 VIF / N,
// simulate.Rate), so seeing none shows the limit holds only on VIF times
// the independent floor.
func (o Outcome) neededRequests() int64 {
	n := o.Limit.neededRequests()
	if o.Independent > 0 && o.Independent < float64(o.Requests) && o.Limit.Share > 0 {
		n = max(n, int64(math.Ceil(3/o.Limit.Share*float64(o.Requests)/o.Independent)))
	}
	return n
}

// ParseLimits reads every --max. A metric given twice is an error: which of
// "502.3=0.1%" and "502.3=5%" holds would otherwise depend on the order of
// the flags, and both would print as if each were the gate.
func ParseLimits(args []string) ([]Limit, error) {
	var out []Limit
	seen := map[Metric]string{}
	for _, a := range args {
		l, err := ParseLimit(a)
		if err != nil {
			return nil, err
		}
		if prev, ok := seen[l.Metric]; ok {
			return nil, fmt.Errorf("%q: %s already has a limit (%q); give each metric once", a, l.Metric, prev)
		}
		seen[l.Metric] = a
		out = append(out, l)
	}
	return out, nil
}

// Outcome is how one scenario's farm fared against one limit.
type Outcome struct {
	Scenario string
	Farm     string
	Limit    Limit
	// Requests is the number of requests simulated (all replications) and
	// Events the number that ended in the limit's 502 (rates only).
	Requests, Events int64
	// Value is the predicted mean (a share, or seconds for percentiles);
	// Upper is the upper bound of its 95% confidence interval (Value for
	// percentiles, which carry no interval).
	Value, Upper float64
	// Verdict is Pass, Uncertain (the mean is within the limit, the upper
	// CI bound is not), Breach or Unjudged (too few requests).
	Verdict Verdict
	// Assumption names the undocumented ARR behaviour, flipped, under
	// which a rate is worst (--assume worst); "" is the simulator's
	// default reading.
	Assumption string
	// Independent is, for a rate with no event in any replication, how
	// many independent requests the run's Requests count as (N / VIF:
	// fewer when the run measured that its slow requests come in
	// bursts); 0 otherwise.
	Independent float64
}

// Verdict says whether a limit held.
type Verdict int

// Verdicts, best first. Unjudged is last: too little traffic fails the
// gate like a breach, and no assumption band can make it pass.
const (
	Pass Verdict = iota
	Uncertain
	Breach
	Unjudged
)

func (v Verdict) String() string {
	return [...]string{"ok", "uncertain", "BREACH", "TOO FEW REQUESTS"}[v]
}

// Evaluate holds each farm of res against limits.
//
// A zero limit ("502.4=0": none allowed) is held against the count, not
// against a confidence bound: no finite run can bound a rate at exactly 0
// (the zero-event bound is 3/N), so the limit means "not one such 502 in
// the N requests simulated", and the summary states N. A farm that cannot
// produce the 502 at all passes it.
func Evaluate(scenario string, res *simulate.Result, limits []Limit) []Outcome {
	var out []Outcome
	for _, f := range res.Farms {
		for _, l := range limits {
			o := Outcome{Scenario: scenario, Farm: f.Name, Limit: l, Requests: f.Requests}
			switch l.Metric {
			case Rate5023, Rate5024, Rate503:
				r := pickRate(l.Metric, f.Rates.R5023, f.Rates.R5024, f.Rates.R503)
				o.Events = pickCount(l.Metric, f.Outcomes.S5023, f.Outcomes.S5024, f.Outcomes.S503)
				o.Value, o.Upper = r.Mean, r.CI95[1]
				o.Verdict = verdictOf(r, l.Share)
				if r.Bound == "rule_of_three" && r.CI95[1] > 0 && r.CI95[1] < 1 {
					o.Independent = 3 / r.CI95[1]
				}
			default:
				o.Value = percentile(f.LatencyMS, l.Metric) / 1e3
				o.Upper = o.Value
				if o.Value > l.Time.Seconds() {
					o.Verdict = Breach
				}
			}
			// Too little traffic cannot show that a limit holds; a
			// breach it shows stands.
			if f.Requests < o.neededRequests() && o.Verdict != Breach {
				o.Verdict = Unjudged
			}
			out = append(out, o)
		}
	}
	return out
}

// verdictOf holds one rate against a share: a zero share against the
// count alone (see Evaluate).
func verdictOf(r simulate.Rate, share float64) Verdict {
	switch {
	case share == 0 && r.Mean > 0:
		return Breach
	case share == 0:
		return Pass
	case r.Mean > share:
		return Breach
	case r.CI95[1] > share:
		return Uncertain
	}
	return Pass
}

// EvaluateWorst is Evaluate over the assumption bands: each rate limit is
// held against the worst of the base run and every variant with one
// undocumented ARR behaviour flipped (the worst verdict, then the highest
// mean), and the outcome names that variant. Time limits use the base
// run: the variants carry rates only.
func EvaluateWorst(scenario string, res *simulate.Result, a *simulate.Assumptions, limits []Limit) []Outcome {
	out := Evaluate(scenario, res, limits)
	if a == nil {
		return out
	}
	for i := range out {
		o := &out[i]
		if !o.Limit.Metric.IsRate() {
			continue
		}
		for _, v := range a.Variants {
			r := pickRate(o.Limit.Metric, v.R5023, v.R5024, v.R503)
			verdict := verdictOf(r, o.Limit.Share)
			if verdict > o.Verdict || (verdict == o.Verdict && r.Mean > o.Value) {
				o.Value, o.Upper, o.Verdict = r.Mean, r.CI95[1], verdict
				o.Assumption = fmt.Sprintf("%s=%s (assumed %s)", v.Setting, v.Value, v.Assumed)
			}
		}
	}
	return out
}

// pickRate returns the rate metric m names.
func pickRate(m Metric, r5023, r5024, r503 simulate.Rate) simulate.Rate {
	switch m {
	case Rate5024:
		return r5024
	case Rate503:
		return r503
	}
	return r5023
}

// pickCount returns the outcome count of the rate metric m names.
func pickCount(m Metric, n5023, n5024, n503 int64) int64 {
	switch m {
	case Rate5024:
		return n5024
	case Rate503:
		return n503
	}
	return n5023
}

func percentile(p simulate.Percentiles, m Metric) float64 {
	switch m {
	case P50:
		return p.P50
	case P90:
		return p.P90
	case P99:
		return p.P99
	}
	return p.P999
}

// Rule slugs of breach diagnostics: the limit's metric, as --max names it.
const rulePrefix = "max-"

// TooFewRequests is the slug of the diagnostic of a limit that a scenario's
// traffic is too small to judge.
const TooFewRequests = "too-few-requests"

// CheckDocsURL is where the check command and its --max limits are
// documented (docs/cli is generated from the command's help).
const CheckDocsURL = "https://github.com/arrfarm/arrfarm/blob/main/docs/cli/arrfarm_check.md"

// BreachRules describes the rules of breach diagnostics (max-<metric>), so
// that formats which list rules (SARIF's tool.driver.rules) can explain
// them. They are not lint rules: no registry ID, no examples.
//
// They carry IDs of their own category, 8 (lint.Rule.ID), so that a JSON
// finding names its rule by ID like a lint finding does; TooFewRequests is
// ARR8000 and the limits follow in the order --max documents them.
func BreachRules() []*lint.Rule {
	out := []*lint.Rule{{
		ID:       "ARR8000",
		Slug:     TooFewRequests,
		Help:     CheckDocsURL,
		Title:    "too few simulated requests to judge a --max limit",
		Severity: lint.Error,
		Evidence: []lint.Source{{Kind: lint.FromArrfarm, Ref: "arrfarm check: the scenario's simulated request count against what the limit needs"}},
		Doc: lint.Doc{
			Why: "A scenario that sends (almost) no requests shows nothing about the farm, and must not pass the gate. " +
				"`arrfarm check` judges a limit only on at least " + fmt.Sprint(MinRequests) + " simulated requests (all replications), " +
				"and a rate limit only when seeing no 502 at all in those requests would show it holds: 3/N at most the limit " +
				"(the rule of three), so `--max 502.3=0.01%` needs 30000 requests. That is the floor for requests that fail " +
				"independently: where a run saw no such 502 and measured that its slow requests come in bursts, its N requests " +
				"count as N/VIF independent ones (the interval's own reading, docs/simulation.md), and the limit needs VIF times " +
				"as many; otherwise the run could pass this rule and then only be \"uncertain\" for want of traffic.",
			Fix: "Raise the scenario's `duration`, `replications` or `arrivals.rate` so that it simulates the traffic the limit needs.",
		},
	}}
	// 503 comes last so that the IDs of the older metrics stay.
	for i, m := range []Metric{Rate5023, Rate5024, P50, P90, P99, P999, Rate503} {
		what := "predicted " + string(m) + " rate"
		if !m.IsRate() {
			what = "predicted time-taken " + string(m)
		}
		out = append(out, &lint.Rule{
			ID:       fmt.Sprintf("ARR80%02d", i+1),
			Slug:     rulePrefix + string(m),
			Help:     CheckDocsURL,
			Title:    what + " above its --max limit",
			Severity: lint.Error,
			Evidence: []lint.Source{{Kind: lint.FromArrfarm, Ref: "arrfarm check: the limit given with --max, held against the simulated prediction"}},
			Doc: lint.Doc{
				Why: "`arrfarm check` simulated the farm under a scenario and the " + what +
					" is above the limit given with `--max " + string(m) + "=...`. An error when the mean is above the limit; " +
					"a warning when only the upper bound of its 95% confidence interval is (more replications decide it: `--until-ci 50%` adds them until the 502.3 interval is within half its mean). " +
					"A zero limit (`--max 502.4=0`) is held against the count: one such 502 in the requests simulated is a breach, " +
					"none is a pass (no finite run bounds a rate at exactly 0, so the summary states how many requests it rests on).",
				Fix: "Change the setting the prediction depends on (`arrfarm recommend` suggests the timeout, health checks and " +
					"server count), or raise the limit if the scenario is harsher than production.",
			},
		})
	}
	return out
}

// Diagnostics turns the outcomes that did not pass into diagnostics at the
// position of their farm in cfg: an error for a breach, a warning for a
// limit that only the upper confidence bound crosses (more replications
// decide it).
func Diagnostics(cfg *schema.Config, outcomes []Outcome) []lint.Diagnostic {
	var ds []lint.Diagnostic
	for _, o := range outcomes {
		if o.Verdict == Pass {
			continue
		}
		d := lint.Diagnostic{
			Rule:     rulePrefix + string(o.Limit.Metric),
			Severity: lint.Error,
			Span:     schema.Span{File: cfg.File},
			Farm:     o.Farm,
			Message:  o.Message(),
		}
		if o.Verdict == Unjudged {
			d.Rule = TooFewRequests
		}
		if r := lint.Lookup(BreachRules(), d.Rule); r != nil {
			d.ID, d.URL = r.ID, r.URL()
		}
		if o.Verdict == Uncertain {
			d.Severity = lint.Warning
		}
		if f := farmNamed(cfg, o.Farm); f != nil {
			d.Span = f.Span
		}
		ds = append(ds, d)
	}
	return ds
}

// farmNamed finds the farm an outcome names. Results name farms as they
// print them (schema.Printable), so a name with a control character or a
// secret-looking part differs from the configuration's: compare printed
// forms, or the breach would lose its position.
func farmNamed(cfg *schema.Config, name string) *schema.Farm {
	if f := cfg.Farm(name); f != nil {
		return f
	}
	for _, f := range cfg.Farms {
		if schema.Printable(f.Name) == name {
			return f
		}
	}
	return nil
}

// Message says what was predicted against what was allowed.
func (o Outcome) Message() string {
	what := "predicted " + string(o.Limit.Metric) + " rate"
	if !o.Limit.Metric.IsRate() {
		what = "predicted time-taken " + string(o.Limit.Metric)
	}
	head := fmt.Sprintf("scenario %s, farm %s: %s %s", o.Scenario, o.Farm, what, o.valueText(o.Value))
	if o.Assumption != "" {
		head = fmt.Sprintf("scenario %s, farm %s, with %s: %s %s", o.Scenario, o.Farm, o.Assumption, what, o.valueText(o.Value))
	}
	zero := o.Limit.Metric.IsRate() && o.Limit.Share == 0
	switch o.Verdict {
	case Unjudged:
		if need := o.neededRequests(); need > o.Limit.neededRequests() {
			return fmt.Sprintf("scenario %s, farm %s: no %s in %d simulated requests, but its failures come in bursts here, so they count as only %.0f independent ones: too few to show --max %s holds (seeing none needs %d independent requests, about %d simulated here); raise the scenario's duration or replications",
				o.Scenario, o.Farm, o.Limit.Metric, o.Requests, o.Independent, o.Limit.Text, o.Limit.neededRequests(), need)
		}
		return fmt.Sprintf("scenario %s, farm %s: only %d request(s) simulated, too few to judge --max %s (it needs at least %d); raise the scenario's duration, replications or rate",
			o.Scenario, o.Farm, o.Requests, o.Limit.Text, o.Limit.neededRequests())
	case Breach:
		if zero {
			return fmt.Sprintf("%s (%d of %d simulated requests) is above --max %s, which allows none", head, o.Events, o.Requests, o.Limit.Text)
		}
		if o.Limit.Metric.IsRate() {
			return fmt.Sprintf("%s (95%% CI up to %s) is above --max %s", head, o.valueText(o.Upper), o.Limit.Text)
		}
		return fmt.Sprintf("%s is above --max %s", head, o.Limit.Text)
	case Uncertain:
		return fmt.Sprintf("%s is within --max %s, but its 95%% CI reaches %s: not shown to hold; add replications (check --until-ci 50%% adds them until the 502.3 interval is within half its mean) or leave more room",
			head, o.Limit.Text, o.valueText(o.Upper))
	}
	if zero {
		return fmt.Sprintf("%s: none in %d simulated requests, as --max %s asks", head, o.Requests, o.Limit.Text)
	}
	return fmt.Sprintf("%s is within --max %s", head, o.Limit.Text)
}

func (o Outcome) valueText(v float64) string {
	if o.Limit.Metric.IsRate() {
		return human.Percent(v)
	}
	return schema.FormatDuration(time.Duration(v * 1e9).Round(time.Millisecond))
}

// ScenarioDiagnostics turns the problems found in a scenario file into
// diagnostics, named after the lint rule of the same slug where there is
// one, so that a broken scenario shows up in the same report.
func ScenarioDiagnostics(fs []schema.Finding, registry []*lint.Rule) []lint.Diagnostic {
	ds := make([]lint.Diagnostic, 0, len(fs))
	for _, f := range fs {
		d := lint.Diagnostic{Rule: f.Rule, Severity: f.Severity, Span: f.Span, Message: f.Message, Related: f.Related}
		if d.Severity == schema.SeverityNone {
			d.Severity = lint.Error
		}
		if r := lint.Lookup(registry, f.Rule); r != nil {
			d.ID, d.URL = r.ID, r.URL()
		}
		ds = append(ds, d)
	}
	return ds
}

// WriteSummary prints one line per scenario and limit, then the notes: a
// pipeline log that says what was checked even when nothing failed. File
// names are printed through schema.Printable like any user text (farm
// names and notes come that way from simulate).
func (r *Report) WriteSummary(w io.Writer) error {
	var b strings.Builder
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "note: %s\n", schema.Printable(n))
	}
	for _, sr := range r.Results {
		for _, f := range sr.Result.Farms {
			for _, n := range f.Notes {
				fmt.Fprintf(&b, "note: scenario %s, farm %s: %s\n", schema.Printable(sr.Scenario), f.Name, n)
			}
		}
	}
	if len(r.Outcomes) > 0 {
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		// The assumption column appears when --assume worst found a
		// variant worse than the default reading.
		flipped := false
		for _, o := range r.Outcomes {
			flipped = flipped || o.Assumption != ""
		}
		head := "scenario\tfarm\tmetric\tpredicted\t95% CI to\tmax\tverdict"
		if flipped {
			head += "\tworst under"
		}
		fmt.Fprintln(tw, head)
		for _, o := range r.Outcomes {
			upper := o.valueText(o.Upper)
			limit := human.Limit(o.Limit.Share)
			switch {
			case !o.Limit.Metric.IsRate():
				upper = "-"
				limit = schema.FormatDuration(o.Limit.Time)
			case o.Limit.Share == 0:
				// A zero limit is held against the count (Evaluate):
				// show the count and what it rests on.
				upper = fmt.Sprintf("count %d of %d", o.Events, o.Requests)
			}
			line := fmt.Sprintf("%s\t%s\t%s\t%s\t%s\t%s\t%s", schema.Printable(o.Scenario), o.Farm, o.Limit.Metric, o.valueText(o.Value), upper, limit, o.Verdict)
			if flipped {
				under := o.Assumption
				if under == "" {
					under = "default reading"
				}
				line += "\t" + under
			}
			fmt.Fprintln(tw, line)
		}
		tw.Flush()
	}
	_, err := io.WriteString(w, b.String())
	return err
}
