package main

import (
	"bytes"
	"errors"
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
	config, by, format, output, fields string
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
--by breaks each group down by url (the path: cs-uri-stem, or a trace's URL
without host and query), hour (UTC), server (the backend for traces; for W3C
logs s-computername or s-ip, the server that wrote the log, which on an ARR
server is ARR itself) or client (c-ip).

HTTP.sys error logs (httperr*.log, with an s-reason field) get their own
section: each reason (Timer_ConnectionIdle, Connection_Dropped, QueueFull, ...)
with its count and meaning. FTP logs (FTPSVC*), Windows Firewall logs and
other W3C logs without request fields are not read; the report says which
and why. Lines with runs of spaces or quoted values are read when the field
count then fits; a log without a date field takes the day from #Date. Lines
without a #Fields line (cut out of a log) are read with IIS's default fields
when they fit them, else name their fields with --fields.

Exit codes: 0 report written, 2 unreadable input or no request lines.`,
		Example: `  arrfarm diagnose C:\inetpub\logs\LogFiles\W3SVC1
  arrfarm diagnose 'logs/u_ex2403*.log.gz' --config applicationHost.config --by hour
  arrfarm diagnose FailedReqLogFiles/W3SVC1 --by server --format json
  arrfarm diagnose C:\Windows\System32\LogFiles\HTTPERR C:\inetpub\logs\LogFiles\W3SVC1
  grep " 502 " u_ex240304.log | arrfarm diagnose - --fields "date time cs-uri-stem sc-status sc-substatus sc-win32-status time-taken"`,
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
	f.StringVar(&a.fields, "fields", "", `the fields of lines without a #Fields line, in order ("date time cs-uri-stem sc-status time-taken")`)
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
	opts := diagnose.Options{By: a.by, Fields: a.fields, Open: func(name string) (io.ReadCloser, error) {
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
	if errors.Is(err, iislog.ErrNoFields) {
		return withCode(exitUsage, fmt.Errorf(`%w; if its lines were cut out of a log, name their fields: --fields "date time cs-uri-stem sc-status ..."`, err))
	}
	if err != nil {
		return withCode(exitUsage, err)
	}
	if rep.Lines == 0 && rep.HTTPErr == nil {
		return withCode(exitUsage, noRequests(rep))
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

// noRequests says why nothing was read: the first skipped lines with
// their reasons and the files that are not request logs.
func noRequests(rep *diagnose.Report) error {
	var why []string
	why = append(why, rep.NotRead...)
	if len(rep.Problems) > 0 {
		why = append(why, "first skipped lines: "+strings.Join(rep.Problems, "; "))
	}
	msg := fmt.Sprintf("diagnosing: read %d file(s) but no request lines (%d skipped)", rep.Files, rep.SkippedLines)
	if len(why) > 0 {
		msg += ": " + strings.Join(why, "; ")
	}
	return errors.New(msg)
}
