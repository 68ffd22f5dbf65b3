package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/spf13/cobra"

	"github.com/arrfarm/arrfarm/internal/human"
	"github.com/arrfarm/arrfarm/internal/input"
	"github.com/arrfarm/arrfarm/internal/outfile"
	"github.com/arrfarm/arrfarm/latency"
	"github.com/arrfarm/arrfarm/observed"
	"github.com/arrfarm/arrfarm/recommend"
	"github.com/arrfarm/arrfarm/report"
	"github.com/arrfarm/arrfarm/schema"
	"github.com/arrfarm/arrfarm/simulate"
)

type recommendArgs struct {
	latency  []string
	scenario string
	target   string
	format   string
	write    bool
	output   string
	html     string
	tighten  bool
	outages  float64
	backends []string
}

func newRecommendCmd(s streams) *cobra.Command {
	var a recommendArgs
	cmd := &cobra.Command{
		Use:   "recommend CONFIG (--latency SOURCE ... | --scenario FILE)",
		Short: "Recommend the proxy timeout, health-check settings and server count, backed by simulation",
		Long: `recommend finds, for each farm, the smallest whole-second protocol timeout whose
simulated 502.3 rate stays under the target with 95% confidence, shows the
percentile rule of thumb beside it (a 0.1% target -> p99.9 of service time),
suggests healthCheck interval, timeout and minServers, and counts the servers
that carry the scenario's peak rate (and one more, to survive losing one).
A server count, and the recommended values simulated together, meet the
target only when the 502.3, 502.4 and 503 rates (503: a backend's full
request queue or stopped pool) are each within it. When no server count
does because the 503s come from pauses or recycles overflowing the pools'
http.sys queue (each server holds only its own queueLength of what a pause
brings), capacity names the queueLength that holds them instead; when
they come from a stopped application pool (fault stopped: http.sys
answers 503 at once, so no timeout changes them), it names the pool and
what keeps ARR sending it requests: no URL test, a statusCodeMatch that
accepts 503, minServers at the farm's size, or the interval until the
next probe sees the 503.
A farm whose offered load is at or above what its servers can serve is
reported as overloaded: no timeout fixes that.

Current values that already meet the target are kept (rule: keep), unless
--tighten: the timeout when its 502.3 rate is within the target; the
health check (interval, timeout and minServers together) when the
recommended timeout with it, simulated on the scenario with its faults,
meets the target on 502.3, 502.4 and 503, and the outage budget holds:
a hung server's requests until the URL test notices it, at the outage
rate, within the target at the current interval and probe timeout, and,
with two servers or more, minServers below the enabled servers (else no
server is ever taken out) and at least the servers the peak needs (or one
fewer than the farm when it needs them all). Without traffic (--latency)
the budget cannot be counted, so the health check is suggested as when it
misses: the reasons name the rule that chose each value. --tighten never
moves current values that hold the budget to suggested ones above it:
those are tried only after the current values, kept if they meet.

--scenario FILE gives traffic, latency and faults (see arrfarm simulate);
--latency SOURCE gives latency alone: a scenario file's latency models, or
backend IIS logs (file, glob or directory), whose time-taken is resampled;
then capacity is not computed (no traffic).

--format patch prints a unified diff of CONFIG; --write edits CONFIG in
place, changing only those attribute values (every other byte, the encoding,
byte-order mark, line endings, owner and mode stay). --write exits 2 and
writes nothing when CONFIG changed after it was read (size, modification
time or content; another arrfarm --write of the same file counts) or is
read-only. CONFIG is replaced through a temporary file and a rename, or
written in place when a rename would lose hard links, extended attributes,
owner or mode bits, with the old content kept in CONFIG.arrfarm-backup
until the new one is on disk. A value written through a YAML anchor that
other farms share is not changed: a note says what to write by hand.

Exit status: 0 when every farm's recommended settings, simulated together
(or the farm as written, when it needs no change), meet the target; 1
when some farm's do not (no set tried meets it, the farm as written
among them: nothing is recommended for it, and the last line names it
and the rates that miss) or a farm has no enabled server. The report is
written in full either way, and --write changes only the farms that meet
the target. 2: usage error or unreadable input.

` + simBackendHelp,
		Example: `  arrfarm recommend applicationHost.config --scenario peak.yaml
  arrfarm recommend farms.yaml --latency latency.yaml --target 502.3=1% --format json
  arrfarm recommend applicationHost.config --scenario peak.yaml --format patch
  arrfarm recommend applicationHost.config --scenario peak.yaml --write`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runRecommend(s, args[0], a)
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&a.latency, "latency", nil, "latency source, repeatable: a scenario file's latency models or backend IIS logs")
	f.StringVar(&a.scenario, "scenario", "", "scenario YAML file: traffic, latency and faults")
	f.StringVar(&a.target, "target", "502.3=0.1%", "largest acceptable 502.3 share; 502.4 and 503 are held to it too")
	f.StringVar(&a.format, "format", "text", "text, json or patch")
	f.BoolVar(&a.write, "write", false, "edit CONFIG in place with the recommended values")
	f.StringVarP(&a.output, "output", "o", "", "write the report to FILE instead of stdout")
	f.StringVar(&a.html, "html", "", "also write a self-contained HTML page with the 502.3 curves to FILE")
	f.BoolVar(&a.tighten, "tighten", false, "shorten a current timeout that already meets the target to the headroom value, and suggest health-check values even when the current ones meet it")
	f.Float64Var(&a.outages, "outages-per-hour", 1, "outages an hour the health-check interval is budgeted for, when the scenario has no down/unreachable/hang/stopped fault (a stopped pool counts when statusCodeMatch rejects 503)")
	addSimBackendFlag(f, &a.backends)
	return cmd
}

func runRecommend(s streams, configPath string, a recommendArgs) error {
	switch a.format {
	case "text", "json", "patch":
	default:
		return fmt.Errorf(`--format must be "text", "json" or "patch", not %q`, a.format)
	}
	if (a.scenario == "") == (len(a.latency) == 0) {
		return errors.New("give either --scenario FILE or --latency SOURCE (see arrfarm recommend --help)")
	}
	if a.write && configPath == "-" {
		return errors.New("--write needs a file, not stdin")
	}
	target, err := parseTarget(a.target)
	if err != nil {
		return err
	}
	rc, err := loadRunConfig(s, configPath, "recommending for", a.backends)
	if err != nil {
		return err
	}
	doc, src := rc.Doc, rc.Src
	var stamp outfile.Stamp
	if len(doc.Config.Farms) == 0 {
		return withCode(exitFindings, fmt.Errorf("recommending for %s: it defines no webFarm, so there is nothing to recommend", configPath))
	}
	if !(a.outages > 0) || math.IsInf(a.outages, 0) {
		return withCode(exitUsage, fmt.Errorf("--outages-per-hour %g: want a positive number, e.g. 1", a.outages))
	}
	if a.write {
		// A file that cannot be edited byte for byte (UTF-16 that does not
		// round-trip, e.g. a lone surrogate) is the input's fault: say so
		// before the simulation, not as an internal error after it.
		if _, err := schema.Patch(src, nil); err != nil {
			return withCode(exitUsage, fmt.Errorf("--write %s: %w", configPath, err))
		}
		// What the file was when read: the write refuses if it changed
		// by the time the recommendation is ready.
		if stamp, err = outfile.StampOf(configPath, src); err != nil {
			return withCode(exitUsage, err)
		}
	}
	opts := recommend.Options{Target: target, Samples: observed.Samples, Arrivals: observed.Replay, Tighten: a.tighten, OutagesPerHour: a.outages}
	var sc *simulate.Scenario
	if a.scenario != "" {
		if sc, err = loadScenarioFile(s, a.scenario); err != nil {
			return err
		}
	} else {
		if sc, err = latencyScenario(doc.Config, a.latency, target); err != nil {
			return withCode(exitUsage, err)
		}
		opts.LatencyOnly = true
	}
	res, err := recommend.Recommend(doc.Config, sc, opts)
	if err != nil {
		var fe *simulate.FindingsError
		if errors.As(err, &fe) {
			reportFindings(s.err, fe.Findings)
			return withCode(exitFindings, errors.New("recommending: the scenario does not fit the configuration (see above)"))
		}
		return withCode(exitInternal, err)
	}

	var out bytes.Buffer
	switch a.format {
	case "json":
		err = res.WriteJSON(&out)
	case "text":
		err = res.WriteText(&out)
	}
	if err != nil {
		return withCode(exitInternal, err)
	}
	if a.html != "" {
		inputs := displayName(configPath)
		if a.scenario != "" {
			inputs += " with " + a.scenario
		}
		if err := writeHTML(s, a.html, func() (*report.Page, error) { return report.Recommendation(res, inputs) }); err != nil {
			return err
		}
	}
	// A farm without an enabled server, or nothing recommended at all, is
	// a finding: the report is printed, nothing is written.
	noServer := res.NoServer()
	if len(noServer) > 0 || len(res.Farms) == 0 {
		if err := emit(s, a.output, out.Bytes()); err != nil {
			return err
		}
		if len(noServer) > 0 {
			return withCode(exitFindings, fmt.Errorf("recommending for %s: farm(s) %s have no enabled server: every request gets 502.4 and no setting fixes that; add or enable a server (nothing was written)",
				schema.Printable(configPath), schema.Printable(strings.Join(noServer, ", "))))
		}
		return withCode(exitFindings, fmt.Errorf("recommending for %s: no farm to recommend for (see the skipped farms above; nothing was written)", schema.Printable(configPath)))
	}
	if a.format == "patch" || a.write {
		reps, notes := recommend.Edits(doc, res)
		for _, n := range notes {
			fmt.Fprintf(s.err, "arrfarm: %s\n", schema.Printable(n))
		}
		newText, err := schema.ApplyReplacements(doc.Lines.Src(), reps)
		if err != nil {
			return withCode(exitInternal, err)
		}
		if a.format == "patch" {
			out.WriteString(res.Preamble())
			diff, masked := recommend.UnifiedDiff(strings.TrimLeft(displayName(configPath), "/"), doc.Lines, newText)
			out.WriteString(diff)
			if len(masked) > 0 {
				fmt.Fprintf(s.err, "arrfarm: the patch masks secrets on line(s) %s of %s, so it does not apply there; --write changes the file in place\n",
					strings.Trim(fmt.Sprint(masked), "[]"), schema.Printable(configPath))
			}
		}
		if a.write && len(reps) > 0 {
			patched, err := schema.Patch(src, reps)
			if err != nil {
				return withCode(exitInternal, err)
			}
			if err := outfile.Edit(configPath, patched, stamp); err != nil {
				if errors.Is(err, outfile.ErrReadOnly) {
					err = fmt.Errorf("%w; nothing was written: make it writable, or print the change with --format patch", err)
				}
				return withCode(exitUsage, err)
			}
			fmt.Fprintf(s.err, "arrfarm: wrote %d change(s) to %s\n", len(reps), schema.Printable(configPath))
		}
	}
	if err := emit(s, a.output, out.Bytes()); err != nil {
		return err
	}
	// Exit 0 only when every farm's answer is clean: a farm whose
	// recommended set, or the farm as written when nothing is
	// recommended, misses the target is a breach (exit 1), after the
	// report is written in full; --write changed only the farms that meet.
	if misses := res.Misses(); len(misses) > 0 {
		var whys []string
		for _, m := range misses {
			whys = append(whys, fmt.Sprintf("farm %s MISSES the target %s: %s", m.Farm, human.Percent(target), m.Why))
		}
		it := "it"
		if len(misses) > 1 {
			it = "them"
		}
		return withCode(exitFindings, fmt.Errorf("recommending for %s: %s; nothing was changed for %s",
			schema.Printable(configPath), strings.Join(whys, "; "), it))
	}
	return nil
}

// emit writes the report to stdout, or to path when one is given.
func emit(s streams, path string, b []byte) error {
	if path == "" {
		_, err := s.out.Write(b)
		return err
	}
	return outfile.Write(path, b)
}

// parseTarget reads "502.3=0.1%" (or just "0.1%") for recommend and sweep,
// through the parser of check's --max, so that the three agree: a bare
// number is an error that shows both of its readings.
func parseTarget(s string) (float64, error) {
	k, v, ok := strings.Cut(s, "=")
	if !ok {
		k, v = "502.3", s
	}
	if strings.TrimSpace(k) != "502.3" {
		return 0, fmt.Errorf("--target %s: only 502.3 has a target, e.g. --target 502.3=0.1%%", s)
	}
	x, err := human.ParsePercent(v)
	if err != nil {
		return 0, fmt.Errorf("--target %s: %w", s, err)
	}
	if x == 0 {
		return 0, fmt.Errorf("--target %s: a target of 0 cannot be met by any timeout; give a share above 0, e.g. 0.1%%", s)
	}
	return x, nil
}

// readConfig reads the configuration's bytes through the bounded reader
// (the loader's own bound): Patch needs them exactly as on disk. The
// reader's errors already say "reading PATH".
func readConfig(path string, stdin io.Reader) ([]byte, error) {
	return input.Read(path, stdin, schema.DefaultMaxBytes)
}

func displayName(path string) string {
	if path == "-" {
		return "<stdin>"
	}
	return path
}

// runConfig is the configuration a command that simulates runs on.
type runConfig struct {
	// Doc is the configuration with the --backend files merged in.
	Doc *schema.Document
	// Src is the configuration's bytes as read (recommend patches them).
	Src []byte
	// Backends are the --backend files, for a command that loads the
	// configuration again (sweep: joinBackends at each point).
	Backends []schema.BackendFile
}

// loadRunConfig reads and loads the configuration a command runs on and
// the --backend files (readBackends, joinBackends); error-level findings
// are printed and stop the command with exit 1. doing says what for
// ("simulating").
func loadRunConfig(s streams, path, doing string, backends []string) (runConfig, error) {
	src, err := readConfig(path, s.in)
	if err != nil {
		return runConfig{}, withCode(exitUsage, err)
	}
	doc, err := schema.Load(displayName(path), src, schema.Options{})
	if err != nil {
		return runConfig{}, withCode(exitInternal, err)
	}
	if printFindings(s.err, doc, schema.Error) {
		return runConfig{}, withCode(exitFindings, fmt.Errorf("%s %s: the configuration has errors (see above; arrfarm lint %s)", doing, path, path))
	}
	bs, err := readBackends(s, backends, doing, true)
	if err != nil {
		return runConfig{}, err
	}
	if doc, err = joinBackends(doc, bs); err != nil {
		return runConfig{}, err
	}
	return runConfig{Doc: doc, Src: src, Backends: bs}, nil
}

// loadScenarioFile reads and loads a scenario; its error-level findings
// are printed and stop the command with exit 1.
func loadScenarioFile(s streams, path string) (*simulate.Scenario, error) {
	src, err := readConfig(path, nil)
	if err != nil {
		return nil, withCode(exitUsage, fmt.Errorf("scenario: %w", err))
	}
	sc, findings, err := simulate.LoadScenario(path, src)
	if err != nil {
		return nil, withCode(exitUsage, fmt.Errorf("loading scenario %s: %w", path, err))
	}
	if reportFindings(s.err, findings) {
		return nil, withCode(exitFindings, fmt.Errorf("the scenario %s has errors (see above)", path))
	}
	return sc, nil
}

// latencyScenario turns latency sources into a scenario with no traffic
// of its own: unlimited concurrency, so that each request's time is its
// service time, and enough requests for the target (about 2000 expected
// 502.3 at the target, over 10 replications).
func latencyScenario(cfg *schema.Config, sources []string, target float64) (*simulate.Scenario, error) {
	var model latency.Model
	var farm string
	for _, path := range sources {
		src, err := observed.Open(path)
		if err != nil {
			return nil, err
		}
		for _, f := range cfg.Farms {
			d, ok := src.Farm(cfg, f)
			if !ok {
				continue
			}
			m, isModel := d.(latency.Model)
			if !isModel {
				// IIS logs: resample their service times (observed.Samples
				// imputes the ones censored at ARR's timeout): of
				// successful requests only (2xx/3xx, win32 0), since a 404
				// or an aborted connection did not take a service time.
				m = latency.Model{Kind: latency.Empirical, Empirical: &latency.EmpiricalSpec{Log: path, Status: "200-399", Win32Zero: true}}
			}
			if model.Kind == latency.None {
				model = m
				if m2, ok := src.(*latency.Models); ok && m2.FarmName != "" {
					farm = f.Name
				}
			}
		}
	}
	if model.Kind == latency.None {
		return nil, fmt.Errorf("the latency sources %s say nothing about the farms of the configuration", strings.Join(sources, ", "))
	}
	requests := max(200000, int(2000/target)/10)
	yaml := fmt.Sprintf("requests: %d\nreplications: 10\narrivals: {rate: 100}\nlatency: {fixed: 1ms}\n", requests)
	if farm != "" {
		yaml += fmt.Sprintf("farm: %q\n", farm)
	}
	sc, fs, err := simulate.LoadScenario("--latency", []byte(yaml))
	if err != nil || len(fs) > 0 {
		return nil, fmt.Errorf("building the latency scenario: %v %v", err, fs)
	}
	sc.Latency = model
	return sc, nil
}
