package check

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/arrfarm/arrfarm/internal/human"
	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
	"github.com/arrfarm/arrfarm/simulate"
)

// A Scenario is a scenario file's name and text, read by the caller.
type Scenario struct {
	Name string
	Src  []byte
}

// Options tune Run.
type Options struct {
	// Limits default to DefaultLimits when empty.
	Limits []Limit
	// Registry names the lint rules scenario problems map to.
	Registry []*lint.Rule
	// Simulate passes through to simulate.Run (progress, workers).
	Simulate simulate.Options
	// Worst holds the rate limits against the worst reading of ARR's
	// undocumented behaviours (simulate.RunAssumptions), not only the
	// simulator's default one.
	Worst bool
}

// Report is what Run found: every diagnostic (lint's, the scenarios'
// problems, the breaches), sorted; the outcome of every limit for every
// scenario that could be simulated; the simulations themselves, for
// plots; and notes on what was skipped and why.
type Report struct {
	Diagnostics []lint.Diagnostic
	Outcomes    []Outcome
	Results     []ScenarioResult
	Notes       []string
	// Stopped is true when an error (in the configuration, a scenario, or a
	// breached limit) must fail the gate whatever --fail-on says.
	Stopped bool
}

// ScenarioResult is one scenario's simulation.
type ScenarioResult struct {
	Scenario string
	Result   *simulate.Result
}

// Run lints doc with linter and simulates it under each scenario, holding
// every result against the limits. A configuration with error-level
// loader findings is not simulated: what it would do is undefined.
func Run(doc *schema.Document, linter *lint.Linter, scenarios []Scenario, opts Options) (*Report, error) {
	limits := opts.Limits
	if len(limits) == 0 {
		limits = DefaultLimits
	}
	rep := &Report{Diagnostics: linter.Lint(doc)}
	// The files with errors: the configuration's, or a --backend file
	// merged into it (its findings keep their own file).
	var broken []string
	for _, f := range doc.Findings {
		if name := cmp.Or(f.Span.File, doc.Config.File); f.Severity == schema.Error && !slices.Contains(broken, name) {
			broken = append(broken, name)
		}
	}
	if len(broken) > 0 {
		rep.Stopped = true
		verb := "has"
		if len(broken) > 1 {
			verb = "have"
		}
		rep.Notes = append(rep.Notes, fmt.Sprintf("%s %s errors, so no scenario was simulated", strings.Join(broken, ", "), verb))
	}
	for _, in := range scenarios {
		sc, findings, err := simulate.LoadScenario(in.Name, in.Src)
		if err != nil {
			return nil, fmt.Errorf("loading scenario %s: %w", in.Name, err)
		}
		if hasError(findings) {
			rep.Diagnostics = append(rep.Diagnostics, ScenarioDiagnostics(findings, opts.Registry)...)
			rep.Stopped = true
			rep.Notes = append(rep.Notes, fmt.Sprintf("scenario %s has errors and was not simulated", in.Name))
			continue
		}
		rep.Diagnostics = append(rep.Diagnostics, ScenarioDiagnostics(findings, opts.Registry)...)
		if len(broken) > 0 {
			continue
		}
		if fs := sc.Check(doc.Config); hasError(fs) {
			rep.Diagnostics = append(rep.Diagnostics, ScenarioDiagnostics(fs, opts.Registry)...)
			rep.Stopped = true
			rep.Notes = append(rep.Notes, fmt.Sprintf("scenario %s does not fit %s and was not simulated", in.Name, doc.Config.File))
			continue
		}
		res, err := simulate.Run(doc.Config, sc, opts.Simulate)
		if err != nil {
			var fe *simulate.FindingsError
			if errors.As(err, &fe) {
				rep.Diagnostics = append(rep.Diagnostics, ScenarioDiagnostics(fe.Findings, opts.Registry)...)
				rep.Stopped = true
				rep.Notes = append(rep.Notes, fmt.Sprintf("scenario %s does not fit %s and was not simulated", in.Name, doc.Config.File))
				continue
			}
			return nil, fmt.Errorf("simulating scenario %s: %w", in.Name, err)
		}
		rep.Results = append(rep.Results, ScenarioResult{Scenario: in.Name, Result: res})
		if u := res.UntilCI; u != nil && u.Reached {
			// How many it took is what the user puts in the scenario to
			// make the gate reproducible without --until-ci. (A run cut
			// short at the cap says so in its farms' notes.)
			rep.Notes = append(rep.Notes, fmt.Sprintf("scenario %s: %d replications brought the 502.3 rate's 95%% CI half-width within %s of its mean (--until-ci)",
				in.Name, res.Replications, human.Limit(u.Target)))
		}
		var bands *simulate.Assumptions
		if opts.Worst {
			if bands, err = simulate.RunAssumptions(doc.Config, sc, opts.Simulate); err != nil {
				return nil, fmt.Errorf("simulating scenario %s under each assumption: %w", in.Name, err)
			}
		}
		outcomes := EvaluateWorst(in.Name, res, bands, limits)
		rep.Outcomes = append(rep.Outcomes, outcomes...)
		for _, o := range outcomes {
			rep.Stopped = rep.Stopped || o.Verdict == Breach
		}
		rep.Diagnostics = append(rep.Diagnostics, Diagnostics(doc.Config, outcomes)...)
	}
	rep.Diagnostics = lint.Sort(rep.Diagnostics)
	return rep, nil
}

func hasError(fs []schema.Finding) bool {
	for _, f := range fs {
		if f.Severity == schema.Error || f.Severity == schema.SeverityNone {
			return true
		}
	}
	return false
}

// Failed reports whether the gate fails: a stopping error, or a
// diagnostic at or above failOn.
// Checked are the rules the run held the configuration to, for the formats
// that also list what passed (JUnit): the lint rules that ran (lintRules)
// and the limit of each metric that was held against a prediction.
func (r *Report) Checked(lintRules []*lint.Rule) []*lint.Rule {
	out := append([]*lint.Rule(nil), lintRules...)
	held := map[string]bool{}
	for _, o := range r.Outcomes {
		held[rulePrefix+string(o.Limit.Metric)] = true
	}
	for _, br := range BreachRules() {
		if held[br.Slug] {
			out = append(out, br)
		}
	}
	return out
}

func (r *Report) Failed(failOn lint.Severity) bool {
	return r.Stopped || lint.AtOrAbove(r.Diagnostics, failOn)
}
