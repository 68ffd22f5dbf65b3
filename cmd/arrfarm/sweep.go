package main

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/arrfarm/arrfarm/internal/outfile"
	"github.com/arrfarm/arrfarm/observed"
	"github.com/arrfarm/arrfarm/recommend"
	"github.com/arrfarm/arrfarm/report"
	"github.com/arrfarm/arrfarm/schema"
	"github.com/arrfarm/arrfarm/simulate"
)

type sweepArgs struct {
	scenario string
	vary     []string
	sets     []string
	format   string
	output   string
	html     string
	target   string
	backends []string
}

func newSweepCmd(s streams) *cobra.Command {
	var a sweepArgs
	cmd := &cobra.Command{
		Use:   "sweep CONFIG --scenario FILE --vary PATH=V1,V2,...|PATH=FROM..TO/STEP",
		Short: "Simulate a what-if for each value of one or more settings",
		Long: `sweep runs one simulation per value of each --vary (a repeated --vary spans a
grid; the last one changes fastest) and tabulates the 502.3 and 502.4 rates
with their 95% confidence intervals. Every point uses the scenario's seed:
the same arrivals and service times (common random numbers), so the
differences between points come from the setting, and curves are smooth.
Paths are those of simulate --set (web.protocol.timeout, scenario.arrivals.rate,
web.healthCheck.interval, ...).

` + simBackendHelp,
		Example: `  arrfarm sweep applicationHost.config --scenario peak.yaml --vary web.protocol.timeout=5s..60s/5s
  arrfarm sweep farms.yaml --scenario peak.yaml --vary scenario.arrivals.rate=100,200,300 --format csv
  arrfarm sweep farms.yaml --scenario peak.yaml --vary web.protocol.timeout=10s,30s --vary scenario.concurrency=8,16`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSweep(s, args[0], a)
		},
	}
	f := cmd.Flags()
	f.StringVar(&a.scenario, "scenario", "", "scenario YAML file (required)")
	f.StringArrayVar(&a.vary, "vary", nil, "PATH=V1,V2,... or PATH=FROM..TO/STEP, repeatable (a grid)")
	f.StringArrayVar(&a.sets, "set", nil, "PATH=VALUE applied at every point, repeatable")
	f.StringVar(&a.format, "format", "text", "text, json or csv")
	f.StringVarP(&a.output, "output", "o", "", "write the table to FILE instead of stdout")
	f.StringVar(&a.html, "html", "", "also write a self-contained HTML page with the 502.3 curve to FILE")
	f.StringVar(&a.target, "target", "502.3=0.1%", "502.3 share drawn as the target line on the --html page")
	addSimBackendFlag(f, &a.backends)
	_ = cmd.MarkFlagRequired("scenario")
	_ = cmd.MarkFlagRequired("vary")
	return cmd
}

func runSweep(s streams, configPath string, a sweepArgs) error {
	target, err := parseTarget(a.target)
	if err != nil {
		return err
	}
	switch a.format {
	case "text", "json", "csv":
	default:
		return fmt.Errorf(`--format must be "text", "json" or "csv", not %q`, a.format)
	}
	var vary []recommend.Vary
	for _, v := range a.vary {
		pv, err := recommend.ParseVary(v)
		if err != nil {
			return err
		}
		vary = append(vary, pv)
	}
	rc, err := loadRunConfig(s, configPath, "sweeping", a.backends)
	if err != nil {
		return err
	}
	if _, err := loadScenarioFile(s, a.scenario); err != nil {
		return err
	}
	scSrc, err := readConfig(a.scenario, nil)
	if err != nil {
		return withCode(exitUsage, err)
	}
	// Every point starts from the files as written: --set and --vary
	// change the model in place.
	load := func() (*schema.Config, *simulate.Scenario, error) {
		d, err := schema.Load(displayName(configPath), rc.Src, schema.Options{})
		if err != nil {
			return nil, nil, err
		}
		if d, err = joinBackends(d, rc.Backends); err != nil {
			return nil, nil, err
		}
		sc, _, err := simulate.LoadScenario(a.scenario, scSrc)
		if err != nil {
			return nil, nil, err
		}
		for _, set := range a.sets {
			if err := simulate.ApplySet(d.Config, sc, set); err != nil {
				return nil, nil, withCode(exitUsage, err)
			}
		}
		return d.Config, sc, nil
	}
	res, err := recommend.Sweep(load, vary, simulate.Options{Samples: observed.Samples, Arrivals: observed.Replay}, nil)
	if err != nil {
		var fe *simulate.FindingsError
		if errors.As(err, &fe) {
			reportFindings(s.err, fe.Findings)
			return withCode(exitFindings, errors.New("sweeping: the scenario does not fit the configuration (see above)"))
		}
		var ee *exitError
		if errors.As(err, &ee) {
			return err
		}
		return withCode(exitUsage, err)
	}
	var out bytes.Buffer
	switch a.format {
	case "json":
		err = res.WriteJSON(&out)
	case "csv":
		err = res.WriteCSV(&out)
	default:
		err = res.WriteText(&out)
	}
	if err != nil {
		return withCode(exitInternal, err)
	}
	if a.html != "" {
		res.Target = target
		if err := writeHTML(s, a.html, func() (*report.Page, error) {
			return report.Sweep(res, displayName(configPath)+" with "+a.scenario)
		}); err != nil {
			return err
		}
	}
	if a.output == "" {
		_, err = s.out.Write(out.Bytes())
		return err
	}
	return outfile.Write(a.output, out.Bytes())
}
