package main

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/lint/rules"
	"github.com/arrfarm/arrfarm/observed"
	"github.com/arrfarm/arrfarm/schema"
)

func newLintCmd(s streams, getenv env) *cobra.Command {
	var (
		format, failOn, configPath, output string
		latency, enable, disable, backends []string
	)
	cmd := &cobra.Command{
		Use:   "lint [PATH ...]",
		Short: "Check ARR farm configurations for settings that cause 502s",
		Long: `Lint reads applicationHost.config, web.config or farm YAML files and reports
settings that will fail in production: routes to farms that do not exist, farms
without healthy servers (502.4), timeouts below the backends' latency (502.3),
health checks that cannot work, and schema errors IIS would reject.

PATH is a file, a directory (its *.config, *.xml and *.xdt files, and YAML files
with a top-level key of the YAML form: farms, webFarms, proxy, rules, siteRules
or locations) or "-" for standard input. Without PATH, lint reads
./applicationHost.config. Only regular files are read, up to 32 MiB each.

IIS reads applicationHost.config and the sites' web.configs as one
configuration, and so does lint when given them in one run: one file named
applicationHost.config and every web.config are read as one server (each
web.config stands for the site its folder is named after), so that a site's
rule routing to a mistyped farm, or setting a server variable the server does
not allow, is found. The output names the files read as one server. With
several applicationHost.config files in one run (a folder of several servers'
files), each web.config belongs to the one whose folder holds it; a web.config
in none of their folders is linted alone, and a note says so.

A farm server on another machine has its own configuration: --backend
ADDRESS=PATH (or ADDRESS:PORT=PATH) lints its web.config as that server's
site, or its applicationHost.config as IIS reads it for the site bound to the
server's port (the file's global sections, then the <location> elements for
that site and its applications), so the rules that compare a farm with its
backends' settings (backend-request-timeout, backend-execution-timeout,
health-check-cannot-pass, request-limit-below-backend) see it. ADDRESS is the
server's address as the farm writes it. Given both for one machine, the
web.config is the root of the applicationHost.config's site bound to the
server's port, read after that site's <location>, as IIS reads them; when no
site or more than one is bound to the farm's ports, the pair is a usage error
(give the web.config as ADDRESS:PORT=PATH for its site's port).

Exit codes: 0 every PATH held configuration and no finding is at or above
--fail-on; 1 findings at or above it; 2 usage error, unreadable input, or a
PATH with nothing to check (an empty file, empty stdin, YAML whose top level
is not a mapping with one of those keys, a directory without configuration
files: the message names the files skipped and why), or no rule left to run
(every rule disabled); 3 internal error.`,
		Example: `  arrfarm lint
  arrfarm lint C:\Windows\System32\inetsrv\config\applicationHost.config
  arrfarm lint --format sarif -o arrfarm.sarif configs/
  arrfarm lint config/applicationHost.config config/sites
  arrfarm lint --backend 10.0.0.11=backends/web1/web.config applicationHost.config
  arrfarm lint --latency scenarios/prod.yaml --fail-on error farm.yaml
  cat web.config | arrfarm lint --disable farm-without-route -`,
		RunE: func(cmd *cobra.Command, args []string) error {
			f := cmd.Flags()
			return runLint(s, getenv, lintArgs{
				paths: args, format: format, formatSet: f.Changed("format"),
				failOn: failOn, failOnSet: f.Changed("fail-on"),
				latency: latency, config: configPath, enable: enable, disable: disable, output: output,
				backends: backends,
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&format, "format", "text", "output format: "+strings.Join(lint.Formats, ", ")+" (github when GITHUB_ACTIONS=true, azure when TF_BUILD=True)")
	f.StringVar(&failOn, "fail-on", "warning", "exit 1 when a finding at or above this level exists: error, warning, info or never")
	f.StringArrayVar(&latency, "latency", nil, "latency source for the latency-aware rules: a scenario file, or backend IIS W3C logs (file, glob or directory; repeatable)")
	f.StringVar(&configPath, "config", "", "configuration file (default: .arrfarm.yaml in the current directory or the nearest parent)")
	f.StringArrayVar(&enable, "enable", nil, "enable a rule by slug or ID (repeatable)")
	f.StringArrayVar(&disable, "disable", nil, "disable a rule by slug or ID (repeatable)")
	f.StringVarP(&output, "output", "o", "", "write the report to FILE instead of standard output")
	f.StringArrayVar(&backends, "backend", nil, "ADDRESS=PATH: the web.config or applicationHost.config of the farm server at ADDRESS (another machine), checked with the farm (repeatable)")
	return cmd
}

type lintArgs struct {
	paths           []string
	format          string
	formatSet       bool
	failOn          string
	failOnSet       bool
	latency         []string
	config          string
	enable, disable []string
	output          string
	backends        []string
}

func runLint(s streams, getenv env, a lintArgs) error {
	if err := lint.Validate(rules.All); err != nil {
		return withCode(exitInternal, fmt.Errorf("rule registry: %w", err))
	}
	if !a.formatSet {
		a.format = lint.CIFormat(getenv, a.format)
	}
	if !slices.Contains(lint.Formats, a.format) {
		return fmt.Errorf("--format: unknown format %q (want %s)", a.format, strings.Join(lint.Formats, ", "))
	}

	linter, failOn, err := newLinter(a.config, a.failOn, a.failOnSet, a.latency, a.enable, a.disable, nil, true)
	if err != nil {
		return err
	}

	paths := a.paths
	if len(paths) == 0 {
		paths = []string{"applicationHost.config"}
	}
	inputs := lint.FindInputs(paths)
	unreadable := false
	for _, err := range inputs.Problems {
		printErr(s.err, err)
		unreadable = true
	}
	report := lint.Report{Sources: map[string]*schema.Lines{}, Rules: rules.All, Checked: linter.Checked(), Version: versionString(), FailOn: failOn}
	var docs []*schema.Document
	for _, name := range inputs.Files {
		doc, err := loadPath(name, s.in)
		if err != nil {
			printErr(s.err, err)
			unreadable = true
			continue
		}
		report.Sources[doc.Lines.File()] = doc.Lines
		docs = append(docs, doc)
	}
	// IIS reads applicationHost.config and the sites' web.configs as one
	// configuration: lint them so, the other files alone.
	servers, alone, notes := lint.GroupServers(docs)
	report.Notes = notes
	// Web.configs of farm servers on other machines join the documents
	// whose farms name them.
	var backends []schema.BackendFile
	for _, v := range a.backends {
		b, path, err := parseBackend(v)
		if err != nil {
			return err
		}
		if b, err = loadBackend(b, path, s.in); err != nil {
			printErr(s.err, err)
			unreadable = true
			continue
		}
		report.Sources[b.Doc.Lines.File()] = b.Doc.Lines
		backends = append(backends, b)
	}
	used := map[int]schema.BackendFile{} // as merged: a paired web.config knows its site
	withBackends := func(doc *schema.Document) (*schema.Document, error) {
		d, idx, err := lint.WithBackends(doc, backends)
		if err != nil {
			return nil, withCode(exitUsage, fmt.Errorf("--backend: %w", err))
		}
		maps.Copy(used, idx)
		return d, nil
	}
	for _, srv := range servers {
		report.Servers = append(report.Servers, srv.Files)
		d, err := withBackends(srv.Doc)
		if err != nil {
			return err
		}
		report.Diagnostics = append(report.Diagnostics, linter.Lint(d)...)
	}
	for _, doc := range alone {
		d, err := withBackends(doc)
		if err != nil {
			return err
		}
		report.Diagnostics = append(report.Diagnostics, linter.Lint(d)...)
	}
	for i, b := range backends {
		merged, ok := used[i]
		if !ok {
			printErr(s.err, unmatchedBackend(b))
			unreadable = true
			continue
		}
		report.Notes = append(report.Notes, backendNote(merged))
	}
	report.Diagnostics = lint.Sort(append(report.Diagnostics, linter.LatencyFindings()...))

	color := a.output == "" && a.format == "text" && isTerminal(s.out) && getenv("NO_COLOR") == ""
	var buf bytes.Buffer
	if err := lint.Write(&buf, a.format, report, color); err != nil {
		return withCode(exitInternal, fmt.Errorf("writing the report: %w", err))
	}
	if err := writeOutput(s.out, a.output, buf.Bytes()); err != nil {
		return err
	}
	switch {
	case unreadable:
		return withCode(exitUsage, nil)
	case lint.AtOrAbove(report.Diagnostics, failOn):
		return withCode(exitFindings, nil)
	}
	return nil
}

// newLinter builds the linter the lint and check commands share: the
// settings of .arrfarm.yaml (configPath, else the nearest one) merged with
// the flags, the latency sources read from latencyPaths plus extra, and
// the --fail-on level (the flag wins over the file's when set). With
// needRules, a selection that leaves no rule to run is a usage error: lint
// would check nothing and pass.
func newLinter(configPath, failOnText string, failOnSet bool, latencyPaths, enable, disable []string, extra []lint.LatencySource, needRules bool) (*lint.Linter, lint.Severity, error) {
	cfgPath := configPath
	if cfgPath == "" {
		found, err := lint.FindConfig(".")
		if err != nil {
			return nil, 0, withCode(exitUsage, err)
		}
		cfgPath = found
	}
	fileCfg := &lint.Config{}
	if cfgPath != "" {
		c, err := lint.LoadConfig(cfgPath)
		if err != nil {
			return nil, 0, withCode(exitUsage, err)
		}
		fileCfg = c
	}
	if !failOnSet && fileCfg.FailOn != "" {
		failOnText = fileCfg.FailOn
	}
	failOn, err := lint.ParseFailOn(failOnText)
	if err != nil {
		return nil, 0, fmt.Errorf("--fail-on: %w", err)
	}
	var sources []lint.LatencySource
	for _, p := range append(slices.Clone(fileCfg.Latency), latencyPaths...) {
		src, err := observed.Open(p)
		if err != nil {
			return nil, 0, withCode(exitUsage, err)
		}
		sources = append(sources, src)
	}
	linter, err := lint.New(rules.All, lint.Options{
		Enable:   append(slices.Clone(fileCfg.Enable), enable...),
		Disable:  append(slices.Clone(fileCfg.Disable), disable...),
		Severity: fileCfg.Severity,
		Latency:  append(sources, extra...),
	})
	if err != nil {
		return nil, 0, err
	}
	if needRules && len(linter.Checked()) == 0 {
		by := "--disable"
		if cfgPath != "" {
			by = "--disable or the disable list of " + cfgPath
		}
		return nil, 0, withCode(exitUsage, fmt.Errorf("no rule ran: every rule is disabled (by %s), so nothing was checked; enable one with --enable SLUG (arrfarm rules lists them)", by))
	}
	return linter, failOn, nil
}

// isTerminal reports whether w is a character device (a terminal), the
// only place where the text format uses color.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}
