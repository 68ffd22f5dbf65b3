package main

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/arrfarm/arrfarm/internal/input"
	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/observed"
	"github.com/arrfarm/arrfarm/plan"
	"github.com/arrfarm/arrfarm/schema"
	"github.com/arrfarm/arrfarm/simulate"
)

func newPlanCmd(s streams) *cobra.Command {
	var format, current, output, scenario string
	cmd := &cobra.Command{
		Use:   "plan DESIRED --current CURRENT",
		Short: "Turn the desired farm configuration into the changes the live server needs",
		Long: `plan compares DESIRED (YAML or XML, as lint reads it) with CURRENT (the live
applicationHost.config, or the output of
  appcmd list config -section:webFarms /config:* /xml
and of the same for system.webServer/proxy and system.webServer/rewrite/globalRules)
and prints the ordered changes that make CURRENT say what DESIRED says: farms,
servers, every ARR setting, the global proxy section, global rewrite rules and
the allowed server variables. A default written out and one left out are the
same. Changes come in an order IIS accepts: a farm and its servers before the
rule that routes to it; a server out of rotation (enabled false) before it is
removed; a farm removed only after its rules.

Formats: text (a summary), json (the plan contract), appcmd (a .cmd script)
and powershell (WebAdministration cmdlets committed as one transaction).
Secret values (passwords, [enc:...:enc], URL credentials) never go into a
plan: the change names the attribute, to be set by hand.

Before printing, the desired configuration is linted: error-level findings
print on stderr and no plan is written (exit 1).

With --scenario, the transition is simulated: the scenario's window is split
into one stage per step that puts a server into rotation or takes one out, in
the planned order, and the predicted 502.3 and 502.4 rates of each stage are
printed after the plan (as comments in the scripts, a "transition" field in
JSON).

Exit codes: 0 a plan was written (empty or not); 1 the planned result has
error-level lint findings; 2 usage error or unreadable input.`,
		Example: `  arrfarm plan farms.yaml --current applicationHost.config
  arrfarm plan farms.yaml --current export.xml --format appcmd -o apply.cmd
  arrfarm plan farms.yaml --current export.xml --format powershell -o apply.ps1
  arrfarm plan farms.yaml --current applicationHost.config --scenario peak.yaml`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !slices.Contains(plan.Formats, format) {
				return fmt.Errorf("--format: unknown format %q (want %s)", format, strings.Join(plan.Formats, ", "))
			}
			desired, cur, err := loadPlanInputs(s, args[0], current)
			if err != nil {
				return err
			}
			linter, _, err := newLinter("", "error", true, nil, nil, nil, nil, false)
			if err != nil {
				return err
			}
			if diags := linter.Lint(desired); lint.AtOrAbove(diags, lint.Error) {
				var buf bytes.Buffer
				errs := slices.DeleteFunc(diags, func(d lint.Diagnostic) bool { return d.Severity < lint.Error })
				rep := lint.Report{Diagnostics: errs, Sources: map[string]*schema.Lines{desired.Lines.File(): desired.Lines}}
				if err := lint.Write(&buf, "text", rep, false); err != nil {
					return withCode(exitInternal, err)
				}
				_, _ = s.err.Write(buf.Bytes())
				return withCode(exitFindings, fmt.Errorf("planning %s: the desired configuration has errors; no plan written", args[0]))
			}
			p := plan.Diff(desired.Config, cur.Config)
			if scenario != "" {
				sc, err := loadScenarioFile(s, scenario)
				if err != nil {
					return err
				}
				bar := newProgress(s.err)
				tr, err := plan.Simulate(p, desired.Config, cur.Config, sc, simulate.Options{Progress: bar.update, Samples: observed.Samples, Arrivals: observed.Replay})
				bar.finish()
				if err != nil {
					var fe *simulate.FindingsError
					if errors.As(err, &fe) {
						reportFindings(s.err, fe.Findings)
						return withCode(exitFindings, fmt.Errorf("simulating the transition: the scenario %s does not fit %s (see above)", scenario, args[0]))
					}
					return err
				}
				p.Transition = tr
			}
			var buf bytes.Buffer
			if err := plan.Write(&buf, format, p); err != nil {
				return withCode(exitInternal, fmt.Errorf("writing the plan: %w", err))
			}
			return writeOutput(s.out, output, buf.Bytes())
		},
	}
	f := cmd.Flags()
	f.StringVar(&current, "current", "", "the live configuration: applicationHost.config or appcmd list config /xml output (required)")
	f.StringVar(&format, "format", "text", "output format: "+strings.Join(plan.Formats, ", "))
	f.StringVar(&scenario, "scenario", "", "simulate the transition under this scenario and report the 502 rates of each stage")
	f.StringVarP(&output, "output", "o", "", "write the plan to FILE instead of standard output")
	_ = cmd.MarkFlagRequired("current")
	return cmd
}

func newDriftCmd(s streams, getenv env) *cobra.Command {
	var format, current, output string
	cmd := &cobra.Command{
		Use:   "drift DESIRED --current CURRENT",
		Short: "Fail when the live farm configuration differs from the desired one",
		Long: `drift compares DESIRED (YAML or XML) with CURRENT (the live applicationHost.config
or appcmd list config /xml output, as for plan) and reports one finding per
difference at CURRENT's position, in every lint format, so that a CI job can
gate on a server that was changed by hand. A default written out and one
left out are equal; secret values are compared only as set or not set.

Exit codes: 0 equal; 1 different; 2 usage error or unreadable input.`,
		Example: `  arrfarm drift farms.yaml --current applicationHost.config
  arrfarm drift farms.yaml --current export.xml --format sarif -o drift.sarif`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !cmd.Flags().Changed("format") {
				format = lint.CIFormat(getenv, format)
			}
			if !slices.Contains(lint.Formats, format) {
				return fmt.Errorf("--format: unknown format %q (want %s)", format, strings.Join(lint.Formats, ", "))
			}
			desired, cur, err := loadPlanInputs(s, args[0], current)
			if err != nil {
				return err
			}
			diags := plan.Drift(plan.Diff(desired.Config, cur.Config))
			rules := []*lint.Rule{plan.DriftRule}
			rep := lint.Report{Diagnostics: diags, Sources: map[string]*schema.Lines{cur.Lines.File(): cur.Lines, desired.Lines.File(): desired.Lines},
				Rules: rules, Checked: rules, Version: versionString()}
			var buf bytes.Buffer
			if err := lint.Write(&buf, format, rep, false); err != nil {
				return withCode(exitInternal, fmt.Errorf("writing the report: %w", err))
			}
			if err := writeOutput(s.out, output, buf.Bytes()); err != nil {
				return err
			}
			if len(diags) > 0 {
				return withCode(exitFindings, nil)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&current, "current", "", "the live configuration: applicationHost.config or appcmd list config /xml output (required)")
	f.StringVar(&format, "format", "text", "output format: "+strings.Join(lint.Formats, ", ")+" (github when GITHUB_ACTIONS=true, azure when TF_BUILD=True)")
	f.StringVarP(&output, "output", "o", "", "write the report to FILE instead of standard output")
	_ = cmd.MarkFlagRequired("current")
	return cmd
}

// loadPlanInputs reads DESIRED and CURRENT through the bounded reader.
// Either one empty or not well-formed is unreadable input (exit 2).
func loadPlanInputs(s streams, desiredPath, currentPath string) (desired, current *schema.Document, err error) {
	desired, err = loadPath(desiredPath, s.in)
	if err == nil {
		err = plan.Unreadable(desired)
	}
	if err != nil {
		return nil, nil, withCode(exitUsage, err)
	}
	src, err := input.Read(currentPath, s.in, schema.DefaultMaxBytes)
	if err != nil {
		return nil, nil, withCode(exitUsage, err)
	}
	name := currentPath
	if currentPath == input.Stdin {
		name = "<stdin>"
	}
	current, err = plan.LoadCurrent(name, src)
	if err == nil {
		err = plan.Unreadable(current)
	}
	if err != nil {
		return nil, nil, withCode(exitUsage, err)
	}
	return desired, current, nil
}
