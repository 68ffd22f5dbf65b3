package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/arrfarm/arrfarm/internal/human"
	"github.com/arrfarm/arrfarm/observed"
	"github.com/arrfarm/arrfarm/report"
	"github.com/arrfarm/arrfarm/schema"
	"github.com/arrfarm/arrfarm/simulate"
	"github.com/spf13/cobra"
)

type simulateArgs struct {
	scenario     string
	farm         string
	seed         int64
	replications int
	duration     string
	sets         []string
	format       string
	html         string
	output       string
	untilCI      string
	maxReps      int
	assumptions  bool
	backends     []string
}

func newSimulateCmd(s streams) *cobra.Command {
	var a simulateArgs
	cmd := &cobra.Command{
		Use:   "simulate CONFIG --scenario FILE",
		Short: "Predict 502.3 and 502.4 rates of a farm under a traffic and fault scenario",
		Long: `simulate replays the scenario's traffic, backend latency and faults through ARR's
routing, load balancing, health checks and proxy timeout for the farm the
configuration defines, and reports the share of requests that end in 502.3
(timeout or connection failure towards a backend) and 502.4 (no eligible
server), with 95% confidence intervals over independent replications,
time-taken percentiles and per-server load.

The same seed gives the same output, byte for byte, on any machine.
CONFIG "-" reads the configuration from stdin. --set changes a setting for
this run only:
  web.protocol.timeout=45s            a farm setting (farm.element.attribute)
  web.server.10.0.0.12.weight=200     a server setting
  proxy.timeout=00:05:00              the global proxy section
  scenario.arrivals.rate=300          a scenario field

Errors in the configuration or the scenario stop the run (exit 1) and are
printed with file:line:col.

` + simBackendHelp,
		Example: `  arrfarm simulate applicationHost.config --scenario fixtures/sim/web3.yaml
  arrfarm simulate farms.yaml --scenario peak.yaml --set web.protocol.timeout=60s --format json
  arrfarm simulate farms.yaml --scenario peak.yaml --until-ci 10% --html report.html
  arrfarm simulate farms.yaml --scenario peak.yaml --assumptions`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runSimulate(cmd, s, args[0], a)
		},
	}
	f := cmd.Flags()
	f.StringVar(&a.scenario, "scenario", "", "scenario YAML file (required)")
	f.StringVar(&a.farm, "farm", "", "the farm to drive (default: the scenario's, or the one the rules route to)")
	f.Int64Var(&a.seed, "seed", 0, "random seed (default: the scenario's)")
	f.IntVar(&a.replications, "replications", 0, "independent replications (default: the scenario's)")
	f.StringVar(&a.duration, "duration", "", "simulated time per replication after warm-up, e.g. 10m (default: the scenario's)")
	f.StringArrayVar(&a.sets, "set", nil, "PATH=VALUE override, repeatable")
	f.StringVar(&a.format, "format", "text", "text or json")
	f.StringVar(&a.html, "html", "", "also write a self-contained HTML report with plots to FILE")
	f.StringVarP(&a.output, "output", "o", "", "write the report to FILE instead of stdout")
	f.StringVar(&a.untilCI, "until-ci", "", "add replications until the 502.3 CI half-width is within this share of the mean, e.g. 10%")
	f.IntVar(&a.maxReps, "max-replications", 1000, "the most replications --until-ci runs; the report says when it stopped there short of its target")
	f.BoolVar(&a.assumptions, "assumptions", false, "rerun with each undocumented ARR behaviour flipped (same seed) and report the 502 rates of each run")
	addSimBackendFlag(f, &a.backends)
	_ = cmd.MarkFlagRequired("scenario")
	return cmd
}

func runSimulate(cmd *cobra.Command, s streams, configPath string, a simulateArgs) error {
	if a.format != "text" && a.format != "json" {
		return fmt.Errorf(`--format must be "text" or "json", not %q`, a.format)
	}
	untilCI, err := parseUntilCI(a.untilCI)
	if err != nil {
		return err
	}
	rc, err := loadRunConfig(s, configPath, "simulating", a.backends)
	if err != nil {
		return err
	}
	doc := rc.Doc
	sc, err := loadScenarioFile(s, a.scenario)
	if err != nil {
		return err
	}
	// Flags that stand for scenario fields are applied as --set
	// assignments; an error names the flag the user typed.
	type assignment struct{ flag, set string }
	var sets []assignment
	flags := cmd.Flags()
	if flags.Changed("farm") {
		sets = append(sets, assignment{"--farm " + a.farm, "scenario.farm=" + a.farm})
	}
	if flags.Changed("seed") {
		v := strconv.FormatInt(a.seed, 10)
		sets = append(sets, assignment{"--seed " + v, "scenario.seed=" + v})
	}
	if flags.Changed("replications") {
		v := strconv.Itoa(a.replications)
		sets = append(sets, assignment{"--replications " + v, "scenario.replications=" + v})
	}
	if flags.Changed("duration") {
		sets = append(sets, assignment{"--duration " + a.duration, "scenario.duration=" + a.duration})
	}
	for _, set := range a.sets {
		sets = append(sets, assignment{set: set})
	}
	for _, as := range sets {
		if err := simulate.ApplySet(doc.Config, sc, as.set); err != nil {
			var fe *simulate.FindingsError
			if errors.As(err, &fe) {
				reportFindings(s.err, fe.Findings)
			}
			if as.flag != "" {
				if inner := errors.Unwrap(err); inner != nil {
					err = inner // drop the "--set scenario.x=v:" the user did not type
				}
				return withCode(exitUsage, fmt.Errorf("%s: %w", as.flag, err))
			}
			return withCode(exitUsage, err)
		}
	}
	reportFindings(s.err, sc.Warnings) // after --duration and --set: the window is final
	if reportFindings(s.err, sc.Check(doc.Config)) {
		return withCode(exitFindings, fmt.Errorf("simulating: the scenario %s does not fit %s (see above)", a.scenario, configPath))
	}

	if a.assumptions && a.html != "" {
		return withCode(exitUsage, errors.New("--assumptions writes a table of runs; --html is not available with it"))
	}
	bar := newProgress(s.err)
	if a.maxReps < 1 {
		return fmt.Errorf("--max-replications: %d is not a positive number of replications", a.maxReps)
	}
	opts := simulate.Options{UntilCI: untilCI, MaxReplications: a.maxReps, Progress: bar.update, Samples: observed.Samples, Arrivals: observed.Replay}
	if a.assumptions {
		bands, err := simulate.RunAssumptions(doc.Config, sc, opts)
		bar.finish()
		if err != nil {
			return simulateError(s, err)
		}
		var out bytes.Buffer
		if a.format == "json" {
			err = bands.WriteJSON(&out)
		} else {
			err = bands.WriteText(&out)
		}
		if err != nil {
			return withCode(exitInternal, fmt.Errorf("writing the report: %w", err))
		}
		return writeOutput(s.out, a.output, out.Bytes())
	}
	res, err := simulate.Run(doc.Config, sc, opts)
	bar.finish()
	if err != nil {
		return simulateError(s, err)
	}
	var out bytes.Buffer
	if a.format == "json" {
		err = res.WriteJSON(&out)
	} else {
		err = res.WriteText(&out)
	}
	if err != nil {
		return withCode(exitInternal, fmt.Errorf("writing the report: %w", err))
	}
	if a.html != "" {
		if err := writeHTML(s, a.html, func() (*report.Page, error) {
			return report.Simulation(res, configPath+" with "+a.scenario)
		}); err != nil {
			return err
		}
	}
	return writeOutput(s.out, a.output, out.Bytes())
}

// simulateError reports a failed simulation: findings go to stderr.
func simulateError(s streams, err error) error {
	var fe *simulate.FindingsError
	if errors.As(err, &fe) {
		reportFindings(s.err, fe.Findings)
		return withCode(exitFindings, errors.New("simulating: the scenario does not fit the configuration (see above)"))
	}
	return withCode(exitInternal, err)
}

// reportFindings prints findings (a scenario's) and reports whether any is
// an error.
func reportFindings(w io.Writer, fs []schema.Finding) (hasErrors bool) {
	for _, f := range fs {
		sev := f.Severity
		if sev == schema.SeverityNone {
			sev = schema.Error
		}
		fmt.Fprintf(w, "%s: %s: %s [%s]\n", schema.Printable(f.Span.String()), sev, schema.Printable(f.Message), f.Rule)
		hasErrors = hasErrors || sev == schema.Error
	}
	return hasErrors
}

// parseUntilCI reads --until-ci as every share flag is read
// (human.ParsePercent: a bare 0.1 is refused, not taken as 10 %); "" is
// off, and a target of 0 could never be met.
func parseUntilCI(s string) (float64, error) {
	if s == "" {
		return 0, nil
	}
	v, err := human.ParsePercent(s)
	if err == nil && v == 0 {
		err = fmt.Errorf("%q: a half-width of 0 is never reached; give a share such as 10%%", s)
	}
	if err != nil {
		return 0, fmt.Errorf("--until-ci: %w", err)
	}
	return v, nil
}

// progress draws a one-line replication bar on stderr, only when stderr is
// a terminal and only once the run has lasted a second: short runs and
// logs get no output at all. It is hand-written because the bar libraries
// pull in go-runewidth, whose init costs about 20 ms on every start of
// every command. Run calls update from one goroutine; the ticker that
// redraws runs on another, hence the lock.
type progress struct {
	w     io.Writer
	verb  string // "simulating"
	unit  string // "replications"
	mu    sync.Mutex
	start time.Time
	stop  chan struct{}
	ended chan struct{}
	shown bool
	done  int
	plan  int
}

func newProgress(w io.Writer) *progress {
	return newProgressOf(w, "simulating", "replications")
}

// newProgressOf draws "verb [===   ] done/planned unit".
func newProgressOf(w io.Writer, verb, unit string) *progress {
	pr := &progress{w: w, verb: verb, unit: unit, start: time.Now()}
	if isTerminal(w) {
		pr.stop, pr.ended = make(chan struct{}), make(chan struct{})
		go pr.loop()
	}
	return pr
}

func (pr *progress) loop() {
	defer close(pr.ended)
	delay := time.NewTimer(time.Second)
	defer delay.Stop()
	select {
	case <-pr.stop:
		return
	case <-delay.C:
	}
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		pr.draw()
		select {
		case <-pr.stop:
			return
		case <-tick.C:
		}
	}
}

func (pr *progress) draw() {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	const width = 30
	filled := 0
	if pr.plan > 0 {
		filled = width * pr.done / pr.plan
	}
	fmt.Fprintf(pr.w, "\r%s [%s%s] %d/%d %s %s ", pr.verb,
		strings.Repeat("=", filled), strings.Repeat(" ", width-filled), pr.done, pr.plan, pr.unit,
		time.Since(pr.start).Round(time.Second))
	pr.shown = true
}

func (pr *progress) update(done, planned int) {
	pr.mu.Lock()
	pr.done, pr.plan = done, planned
	pr.mu.Unlock()
}

// finish stops drawing and erases the bar, so the report that follows
// starts on a clean line.
func (pr *progress) finish() {
	if pr.stop == nil {
		return
	}
	close(pr.stop)
	<-pr.ended
	if pr.shown {
		fmt.Fprint(pr.w, "\r\x1b[K")
	}
}

// writeHTML builds a report page and writes it to path (never stdout: a
// page is a file to open).
func writeHTML(s streams, path string, build func() (*report.Page, error)) error {
	p, err := build()
	var page bytes.Buffer
	if err == nil {
		err = p.Write(&page)
	}
	if err != nil {
		return withCode(exitInternal, fmt.Errorf("writing the HTML report: %w", err))
	}
	return writeOutput(s.out, path, page.Bytes())
}
