package main

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/arrfarm/arrfarm/diagnose"
	"github.com/arrfarm/arrfarm/iislog"
	"github.com/arrfarm/arrfarm/internal/input"
	"github.com/arrfarm/arrfarm/schema"
	"github.com/spf13/cobra"
)

type diagnoseArgs struct {
	config, by, format, output string
}

func newDiagnoseCmd(s streams) *cobra.Command {
	var a diagnoseArgs
	cmd := &cobra.Command{
		Use:   "diagnose LOG|TRACE|DIR ...",
		Short: "Explain the 502s (and every other status) in IIS logs and failed-request traces",
		Long: `diagnose reads IIS W3C logs (files, globs, directories such as
LogFiles/W3SVC1, .gz archives, "-" for stdin) and failed-request traces
(fr*.xml) and prints one group per status.substatus / win32 code: count,
share, time-taken percentiles, what the code means and what to look at
(after Microsoft's "Troubleshooting 502 errors in ARR").

Feed it the ARR server's logs to see the 502s ARR answered; a trace with
ARR's routing events names the backend each failed request went to.
--config links groups to the farm settings they point at, with file:line:col
(e.g. 502.3/12002 at about 30 s = the farm's 30 s proxy timeout).
--by breaks each group down by url (cs-uri-stem), hour (UTC), server
(s-computername or s-ip; the backend for traces) or client (c-ip).

Exit codes: 0 report written, 2 unreadable input or no request lines.`,
		Example: `  arrfarm diagnose C:\inetpub\logs\LogFiles\W3SVC1
  arrfarm diagnose 'logs/u_ex2403*.log.gz' --config applicationHost.config --by hour
  arrfarm diagnose FailedReqLogFiles/W3SVC1 --by server --format json`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDiagnose(s, args, a)
		},
	}
	f := cmd.Flags()
	f.StringVar(&a.config, "config", "", "applicationHost.config or farm YAML to link groups to farm settings")
	f.StringVar(&a.by, "by", "", "break groups down by "+strings.Join(diagnose.ByKeys, ", "))
	f.StringVar(&a.format, "format", "text", "text or json")
	f.StringVarP(&a.output, "output", "o", "", "write the report to FILE instead of stdout")
	return cmd
}

func runDiagnose(s streams, args []string, a diagnoseArgs) error {
	if a.format != "text" && a.format != "json" {
		return withCode(exitUsage, fmt.Errorf(`--format must be "text" or "json", not %q`, a.format))
	}
	in, err := iislog.Expand(args)
	if err != nil {
		return withCode(exitUsage, err)
	}
	opts := diagnose.Options{By: a.by, Open: func(name string) (io.ReadCloser, error) {
		if name == input.Stdin {
			return io.NopCloser(s.in), nil
		}
		// Logs stream in bounded memory, so their size is not capped;
		// input.Open still refuses devices and FIFOs.
		return input.Open(name)
	}}
	if a.config != "" {
		doc, err := loadPath(a.config, s.in)
		if err != nil {
			return withCode(exitUsage, err)
		}
		if printFindings(s.err, doc, schema.Error) {
			return withCode(exitUsage, fmt.Errorf("diagnosing: the configuration %s has errors (see above; arrfarm lint %s)", a.config, a.config))
		}
		opts.Config = doc.Config
	}
	total := iislog.Size(append(in.Logs, in.Traces...))
	bar := newProgressOf(s.err, "reading", "MiB")
	opts.Progress = func(read int64) { bar.update(int(read>>20), int(total>>20)) }
	rep, err := diagnose.Run(in, opts)
	bar.finish()
	if err != nil {
		return withCode(exitUsage, err)
	}
	if rep.Lines == 0 {
		return withCode(exitUsage, fmt.Errorf("diagnosing: read %d file(s) but no request lines (%d skipped)", rep.Files, rep.SkippedLines))
	}
	var out bytes.Buffer
	if a.format == "json" {
		err = rep.WriteJSON(&out)
	} else {
		err = rep.WriteText(&out, a.by)
	}
	if err != nil {
		return withCode(exitInternal, fmt.Errorf("writing the report: %w", err))
	}
	return writeOutput(s.out, a.output, out.Bytes())
}
