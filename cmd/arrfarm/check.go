package main

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/arrfarm/arrfarm/check"
	"github.com/arrfarm/arrfarm/internal/input"
	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/lint/rules"
	"github.com/arrfarm/arrfarm/observed"
	"github.com/arrfarm/arrfarm/simulate"
)

type checkArgs struct {
	scenarios []string
	max       []string
	format    string
	formatSet bool
	failOn    string
	failOnSet bool
	config    string
	output    string
	assume    string
	untilCI   string
	maxReps   int
	backends  []string
}

func newCheckCmd(s streams, getenv env) *cobra.Command {
	var a checkArgs
	cmd := &cobra.Command{
		Use:   "check CONFIG --scenario FILE...",
		Short: "Gate a deployment: lint the configuration and hold its simulated 502 rates to limits",
		Long: `check lints CONFIG, simulates it under every --scenario (a normal day, the
peak, one server lost at the peak, ...) and holds each prediction to the
--max limits. A breached limit is reported like a lint finding, at the
farm's position in the file, in every lint format, so that it lands on the
pull request line.

A rate whose mean is above its limit is an error. A rate whose mean is
within the limit but whose 95% confidence interval reaches above it is a
warning: the simulation has not shown that the limit holds (add
replications: --until-ci 50% adds them until the 502.3 interval is within
half its mean, which a rare rate at high load needs hundreds for; or
leave more room).

Limits (repeatable, one per metric): 502.3=SHARE, 502.4=SHARE, 503=SHARE
(503: a backend turning requests away, a full request queue or a
stopped application pool), p50, p90, p99 or p99.9=DURATION (client time-taken, e.g. 5s). A share takes its
unit, 0.1%: a bare 0.1 could mean 0.1% or 10%, and is refused. 0 allows
none: a zero limit is held against the count, "not one such 502 in the
N requests simulated" (the summary states N), since no finite run bounds
a rate at exactly 0. Without --max: 502.3=0.1%, 502.4=0.1% and 503=0.1%.

A scenario too small to judge a limit fails it (rule too-few-requests):
every limit needs 1000 simulated requests, and a rate limit enough that
seeing no 502 at all would show it holds (3/N at most the limit: 30000
requests for 0.01%), and VIF times that where the run saw none but
measured that its slow requests come in bursts (its N requests count as
N/VIF independent ones). "arrfarm explain max-502.3" documents each limit.

--assume worst also simulates each scenario once per undocumented ARR
behaviour that applies, flipped (simulate --assumptions), and holds every
rate limit against the worst of them; the report names that behaviour.

The scenarios also serve as latency sources for the latency-aware lint
rules.

` + simBackendHelp + `

Exit codes: 0 everything checked and clean; 1 a breached limit, a finding
at or above --fail-on (a limit only the CI crosses counts as a warning),
or a configuration or scenario with errors; 2 usage error or unreadable
input; 3 internal error.`,
		Example: `  arrfarm check applicationHost.config --scenario scenarios/normal.yaml --scenario scenarios/peak.yaml
  arrfarm check farms.yaml --scenario peak.yaml --max 502.3=0.1% --max 502.4=0 --max p99=5s
  arrfarm check farms.yaml --scenario peak.yaml --format sarif -o arrfarm.sarif --fail-on error
  arrfarm check farms.yaml --scenario peak.yaml --assume worst
  arrfarm check farms.yaml --scenario peak.yaml --max 502.3=0.01% --until-ci 50%`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f := cmd.Flags()
			a.formatSet, a.failOnSet = f.Changed("format"), f.Changed("fail-on")
			return runCheck(s, getenv, args[0], a)
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&a.scenarios, "scenario", nil, "scenario YAML file to simulate (required, repeatable)")
	f.StringArrayVar(&a.max, "max", nil, "limit METRIC=VALUE: 502.3=0.1%, 502.4=0 (none in the simulated requests), p99=5s (repeatable, once per metric; default 502.3=0.1%, 502.4=0.1% and 503=0.1%)")
	f.StringVar(&a.format, "format", "text", "output format: "+strings.Join(lint.Formats, ", ")+" (github when GITHUB_ACTIONS=true, azure when TF_BUILD=True)")
	f.StringVar(&a.failOn, "fail-on", "warning", "exit 1 when a finding at or above this level exists: error, warning, info or never")
	f.StringVar(&a.config, "config", "", "lint configuration file (default: .arrfarm.yaml in the current directory or the nearest parent)")
	f.StringVarP(&a.output, "output", "o", "", "write the report to FILE instead of standard output")
	f.StringVar(&a.assume, "assume", "base", "base: the simulator's reading of ARR; worst: hold each rate limit against the worst of the readings of ARR's undocumented behaviours")
	f.StringVar(&a.untilCI, "until-ci", "", "add replications to each scenario until the 502.3 CI half-width is within this share of the mean, e.g. 50%")
	f.IntVar(&a.maxReps, "max-replications", 1000, "the most replications --until-ci runs; the report says when it stopped there short of its target")
	addSimBackendFlag(f, &a.backends)
	_ = cmd.MarkFlagRequired("scenario")
	return cmd
}

func runCheck(s streams, getenv env, configPath string, a checkArgs) error {
	if err := lint.Validate(rules.All); err != nil {
		return withCode(exitInternal, fmt.Errorf("rule registry: %w", err))
	}
	if !a.formatSet {
		a.format = lint.CIFormat(getenv, a.format)
	}
	if !slices.Contains(lint.Formats, a.format) {
		return fmt.Errorf("--format: unknown format %q (want %s)", a.format, strings.Join(lint.Formats, ", "))
	}
	if a.assume != "base" && a.assume != "worst" {
		return fmt.Errorf(`--assume must be "base" or "worst", not %q`, a.assume)
	}
	limits, err := check.ParseLimits(a.max)
	if err != nil {
		return fmt.Errorf("--max: %w", err)
	}
	untilCI, err := parseUntilCI(a.untilCI)
	if err != nil {
		return err
	}
	if a.maxReps < 1 {
		return fmt.Errorf("--max-replications: %d is not a positive number of replications", a.maxReps)
	}

	var scenarios []check.Scenario
	var latency []lint.LatencySource
	for _, p := range a.scenarios {
		src, err := input.ReadFile(p, 0)
		if err != nil {
			return withCode(exitUsage, fmt.Errorf("reading scenario: %w", err))
		}
		scenarios = append(scenarios, check.Scenario{Name: p, Src: src})
		// A scenario too broken to give latency is reported by the check
		// itself; here it only lends its latency to the lint rules.
		if l, err := observed.ParseScenario(p, src); err == nil {
			latency = append(latency, l)
		}
	}
	linter, failOn, err := newLinter(a.config, a.failOn, a.failOnSet, nil, nil, nil, latency, false)
	if err != nil {
		return err
	}
	doc, err := loadPath(configPath, s.in)
	if err != nil {
		return withCode(exitUsage, err)
	}
	// The backends' files are linted with the configuration (their
	// findings are diagnostics; one with errors stops the simulation as
	// the configuration's do) and give the simulation their pools.
	backends, err := readBackends(s, a.backends, "checking", false)
	if err != nil {
		return err
	}
	if doc, err = joinBackends(doc, backends); err != nil {
		return err
	}

	bar := newProgress(s.err)
	rep, err := check.Run(doc, linter, scenarios, check.Options{
		Limits: limits, Registry: rules.All, Simulate: simulate.Options{UntilCI: untilCI, MaxReplications: a.maxReps, Progress: bar.update, Samples: observed.Samples, Arrivals: observed.Replay},
		Worst: a.assume == "worst",
	})
	bar.finish()
	if err != nil {
		return withCode(exitInternal, err)
	}

	report := lint.Report{
		Diagnostics: rep.Diagnostics,
		Sources:     sources(doc, backends),
		Rules:       append(append([]*lint.Rule(nil), rules.All...), check.BreachRules()...), Version: versionString(),
		Checked: rep.Checked(linter.Checked()), FailOn: failOn,
	}
	color := a.output == "" && a.format == "text" && isTerminal(s.out) && getenv("NO_COLOR") == ""
	var buf bytes.Buffer
	if err := lint.Write(&buf, a.format, report, color); err != nil {
		return withCode(exitInternal, fmt.Errorf("writing the report: %w", err))
	}
	// The table of predictions goes with the text report; beside a
	// machine-readable one it goes to stderr, the pipeline's log.
	summary := s.err
	if a.format == "text" {
		summary = &buf
	}
	if err := rep.WriteSummary(summary); err != nil {
		return withCode(exitInternal, fmt.Errorf("writing the summary: %w", err))
	}
	if err := writeOutput(s.out, a.output, buf.Bytes()); err != nil {
		return err
	}
	if rep.Failed(failOn) {
		return withCode(exitFindings, nil)
	}
	return nil
}
