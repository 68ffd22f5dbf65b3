package diagnose

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/arrfarm/arrfarm/iislog"
	"github.com/arrfarm/arrfarm/schema"
)

// Report is what diagnose found. Its JSON form is a contract (design.md
// section 2, "Diagnose JSON"); fields past the contract's are extras.
type Report struct {
	Files        int
	Lines        int64 // request lines and traces read
	SkippedLines int64
	Traces       int
	// Attributed counts traces whose backend is known from ARR's routing
	// event.
	Attributed int
	Groups     []Group
	// Problems are examples of skipped lines (file:line: reason).
	Problems []string
	// ARRBox is set when lines carry ARR's own failure codes.
	ARRBox bool
	Notes  []string
	// NotRead says which files were not read and why (FTP and firewall
	// logs, other W3C logs that are not request logs).
	NotRead []string
	// HTTPErr is what HTTP.sys's error logs say; nil without them.
	HTTPErr *ErrorLog
}

// Group is one (status, substatus, win32). A field the log did not have
// is -1.
type Group struct {
	Status, Substatus int
	Win32             int64
	Count             int64
	Share             float64
	TimeTaken         *Percentiles // nil without time-taken
	Meaning, Advice   string
	// Farm is set when the group can be tied to one farm (a trace's
	// routing event, or --config).
	Farm string
	// Link says which setting the group points at, and Position where it
	// is written (file:line:column); both only with --config.
	Link, Position string
	// First and Last are the Unix seconds of the group's first and last
	// line (0 unknown).
	First, Last int64
	By          []ByRow
}

// Percentiles of time-taken in milliseconds (nearest rank).
type Percentiles struct {
	P50, P90, P99, Max int64
}

// ByRow is one key of a breakdown.
type ByRow struct {
	Key   string
	Count int64
	Share float64 // of the group
	MaxMs int64
}

// link ties groups to the configuration's farms and their settings.
func link(rep *Report, cfg *schema.Config) {
	var farms []*schema.Farm
	for _, f := range cfg.Farms {
		if f.Enabled {
			farms = append(farms, f)
		}
	}
	only := func(g *Group) *schema.Farm {
		if g.Farm != "" {
			for _, f := range farms {
				if strings.EqualFold(f.Name, g.Farm) {
					return f
				}
			}
			return nil
		}
		if len(farms) == 1 {
			return farms[0]
		}
		return nil
	}
	for i := range rep.Groups {
		g := &rep.Groups[i]
		if g.Status != 502 {
			continue
		}
		switch {
		case g.Substatus == 3 && g.Win32 == 12002 && g.TimeTaken != nil:
			p50 := time.Duration(g.TimeTaken.P50) * time.Millisecond
			var match []*schema.Farm
			for _, f := range farms {
				t := f.Protocol.Timeout
				if g.Farm != "" && !strings.EqualFold(f.Name, g.Farm) {
					continue
				}
				if math.Abs(float64(p50-t)) <= math.Max(float64(time.Second), 0.05*float64(t)) {
					match = append(match, f)
				}
			}
			switch {
			case len(match) == 1:
				f := match[0]
				g.Farm = f.Name
				g.Position = timeoutSpan(f).String()
				g.Link = fmt.Sprintf("502.3/12002 with time-taken about %s matches farm %s's %s timeout (%s): the proxy timeout fired, the backend is slower than the timeout",
					secs(p50), f.Name, secs(f.Protocol.Timeout), g.Position)
			case len(match) > 1:
				var names []string
				for _, f := range match {
					names = append(names, f.Name)
				}
				g.Link = fmt.Sprintf("502.3/12002 with time-taken about %s matches the timeout of farms %s; a failed-request trace names the farm", secs(p50), strings.Join(names, ", "))
			default:
				if f := only(g); f != nil && p50 < f.Protocol.Timeout/2 {
					g.Farm = f.Name
					g.Position = timeoutSpan(f).String()
					g.Link = fmt.Sprintf("502.3/12002 with time-taken about %s, well below farm %s's %s timeout (%s): a connect or name-resolution timeout, not the proxy timeout",
						secs(p50), f.Name, secs(f.Protocol.Timeout), g.Position)
				}
			}
		case g.Substatus == 4:
			f := only(g)
			if f == nil {
				continue
			}
			g.Farm = f.Name
			hc := &f.HealthCheck
			span := hc.Span
			if !hc.Present {
				span = f.ValueSpan("name")
			}
			g.Position = span.String()
			// First to last is a span, not necessarily one outage: --by hour
			// shows whether the lines cluster.
			when := ""
			if g.First > 0 {
				when = fmt.Sprintf(" from %s to %s UTC", time.Unix(g.First, 0).UTC().Format("2006-01-02 15:04:05"),
					time.Unix(g.Last, 0).UTC().Format("15:04:05"))
			}
			check := "no URL health check"
			if hc.URL != "" && hc.Interval > 0 {
				check = fmt.Sprintf("health check %s every %s, minServers %d", hc.URL, secs(hc.Interval), hc.MinServers)
			}
			g.Link = fmt.Sprintf("%d times 502.4%s: no server of farm %s was eligible then, all %d unhealthy, disabled or unavailable (%s; %s)",
				g.Count, when, f.Name, len(f.Servers), check, g.Position)
		case g.Substatus == 3:
			f := only(g)
			if f == nil {
				continue
			}
			g.Farm = f.Name
			g.Position = f.ValueSpan("name").String()
			var addrs []string
			for _, s := range f.Servers {
				addrs = append(addrs, s.Address)
			}
			g.Link = fmt.Sprintf("failures talking to a server of farm %s (%s; %s)", f.Name, strings.Join(addrs, ", "), g.Position)
		}
	}
}

// timeoutSpan is where the farm's timeout is written, else the protocol
// element, else the farm's name.
func timeoutSpan(f *schema.Farm) schema.Span {
	p := &f.Protocol.Element
	if p.Has("timeout") || p.Present {
		return p.ValueSpan("timeout")
	}
	return f.ValueSpan("name")
}

// secs prints a duration the way people say it: 30 s, 29.9 s, 250 ms.
func secs(d time.Duration) string {
	switch {
	case d >= time.Second && d%time.Second == 0:
		return fmt.Sprintf("%d s", d/time.Second)
	case d >= time.Second:
		return fmt.Sprintf("%.1f s", d.Seconds())
	}
	return fmt.Sprintf("%d ms", d.Milliseconds())
}

func ms(v int64) string {
	if v < 0 {
		return "-"
	}
	return secs(time.Duration(v) * time.Millisecond)
}

// code prints status.substatus / win32, leaving out what the log lacked.
func (g *Group) code() string {
	s := fmt.Sprint(g.Status)
	switch {
	case g.Status == notLogged:
		s = "(sc-status not logged)"
	case g.Status < 0:
		s = "(no status)"
	}
	if g.Substatus >= 0 {
		s += fmt.Sprintf(".%d", g.Substatus)
	}
	if g.Win32 >= 0 {
		s += fmt.Sprintf(" / %d", g.Win32)
	}
	return s
}

type jsonReport struct {
	Files        int         `json:"files"`
	Lines        int64       `json:"lines"`
	SkippedLines int64       `json:"skipped_lines"`
	Traces       int         `json:"traces"`
	Groups       []jsonGroup `json:"groups"`
	Problems     []string    `json:"skipped_examples,omitempty"`
	ARRBox       bool        `json:"arr_box"`
	Notes        []string    `json:"notes,omitempty"`
	NotRead      []string    `json:"not_read,omitempty"`
	HTTPErr      *jsonErrLog `json:"httperr,omitempty"`
}

type jsonErrLog struct {
	Lines   int64        `json:"lines"`
	Reasons []jsonReason `json:"reasons"`
}

type jsonReason struct {
	Reason   string `json:"reason"`
	Count    int64  `json:"count"`
	Status   *int   `json:"status"`
	Meaning  string `json:"meaning"`
	Advice   string `json:"advice"`
	Evidence bool   `json:"arr_evidence"`
	First    string `json:"first,omitempty"`
	Last     string `json:"last,omitempty"`
}

type jsonGroup struct {
	Status    *int        `json:"status"`
	Substatus *int        `json:"substatus"`
	Win32     *int64      `json:"win32"`
	Count     int64       `json:"count"`
	Share     float64     `json:"share"`
	TimeTaken *jsonPct    `json:"time_taken_ms"`
	Meaning   string      `json:"meaning"`
	Advice    string      `json:"advice"`
	Farm      string      `json:"farm,omitempty"`
	Link      string      `json:"link,omitempty"`
	Position  string      `json:"position,omitempty"`
	First     string      `json:"first,omitempty"`
	Last      string      `json:"last,omitempty"`
	By        []jsonByRow `json:"by,omitempty"`
}

type jsonPct struct {
	P50 int64 `json:"p50"`
	P90 int64 `json:"p90"`
	P99 int64 `json:"p99"`
	Max int64 `json:"max"`
}

type jsonByRow struct {
	Key   string  `json:"key"`
	Count int64   `json:"count"`
	Share float64 `json:"share"`
	MaxMs *int64  `json:"max_ms,omitempty"`
}

func opt[T int | int64](v T) *T {
	if v < 0 {
		return nil
	}
	return &v
}

func stamp(u int64) string {
	if u <= 0 {
		return ""
	}
	return time.Unix(u, 0).UTC().Format(time.RFC3339)
}

// WriteJSON writes the report in the Diagnose JSON contract: a field the
// log did not have is null.
func (r *Report) WriteJSON(w io.Writer) error {
	out := jsonReport{Files: r.Files, Lines: r.Lines, SkippedLines: r.SkippedLines, Traces: r.Traces,
		Groups: []jsonGroup{}, Problems: r.Problems, ARRBox: r.ARRBox, Notes: r.Notes, NotRead: r.NotRead}
	if e := r.HTTPErr; e != nil {
		out.HTTPErr = &jsonErrLog{Lines: e.Lines, Reasons: []jsonReason{}}
		for _, x := range e.Reasons {
			out.HTTPErr.Reasons = append(out.HTTPErr.Reasons, jsonReason{Reason: x.Reason, Count: x.Count, Status: opt(x.Status),
				Meaning: x.Meaning, Advice: x.Advice, Evidence: x.Evidence, First: stamp(x.First), Last: stamp(x.Last)})
		}
	}
	for _, g := range r.Groups {
		jg := jsonGroup{Status: opt(g.Status), Substatus: opt(g.Substatus), Win32: opt(g.Win32), Count: g.Count, Share: g.Share,
			Meaning: g.Meaning, Advice: g.Advice, Farm: g.Farm, Link: g.Link, Position: g.Position, First: stamp(g.First), Last: stamp(g.Last)}
		if p := g.TimeTaken; p != nil {
			jg.TimeTaken = &jsonPct{p.P50, p.P90, p.P99, p.Max}
		}
		for _, b := range g.By {
			jg.By = append(jg.By, jsonByRow{Key: b.Key, Count: b.Count, Share: b.Share, MaxMs: opt(b.MaxMs)})
		}
		out.Groups = append(out.Groups, jg)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// WriteText writes the report for people: one paragraph per group, most
// frequent first.
func (r *Report) WriteText(w io.Writer, by string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "read %d file(s): %d requests", r.Files, r.Lines)
	if r.Traces > 0 {
		fmt.Fprintf(&b, " (%d from failed-request traces, %d attributed to a backend)", r.Traces, r.Attributed)
	}
	fmt.Fprintf(&b, ", %d skipped lines", r.SkippedLines)
	if r.HTTPErr != nil {
		fmt.Fprintf(&b, ", %d HTTP.sys error log lines", r.HTTPErr.Lines)
	}
	b.WriteString("\n")
	for _, p := range r.Problems {
		fmt.Fprintf(&b, "  skipped %s\n", p)
	}
	for _, n := range r.NotRead {
		fmt.Fprintf(&b, "  %s\n", n)
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "note: %s\n", n)
	}
	for _, g := range r.Groups {
		fmt.Fprintf(&b, "\n%s  %d (%s)", g.code(), g.Count, pct(g.Share))
		if p := g.TimeTaken; p != nil {
			fmt.Fprintf(&b, "  time-taken p50 %s  p90 %s  p99 %s  max %s", ms(p.P50), ms(p.P90), ms(p.P99), ms(p.Max))
		}
		b.WriteString("\n")
		fmt.Fprintf(&b, "  %s\n", g.Meaning)
		if g.Advice != "" {
			fmt.Fprintf(&b, "  what to look at: %s\n", g.Advice)
		}
		if g.Link != "" {
			fmt.Fprintf(&b, "  config: %s\n", g.Link)
		} else if g.Farm != "" {
			fmt.Fprintf(&b, "  farm: %s\n", g.Farm)
		}
		if len(g.By) > 0 {
			fmt.Fprintf(&b, "  by %s:\n", by)
			for _, row := range g.By {
				fmt.Fprintf(&b, "    %-40s %8d  %s\n", row.Key, row.Count, pct(row.Share))
			}
		}
	}
	if e := r.HTTPErr; e != nil {
		fmt.Fprintf(&b, "\nHTTP.sys error log: %d lines\n", e.Lines)
		for _, x := range e.Reasons {
			fmt.Fprintf(&b, "\n%s  %d", printableReason(x.Reason), x.Count)
			if x.Status >= 0 {
				fmt.Fprintf(&b, "  (status %d)", x.Status)
			}
			if x.First > 0 {
				fmt.Fprintf(&b, "  %s to %s UTC", time.Unix(x.First, 0).UTC().Format("2006-01-02 15:04:05"), time.Unix(x.Last, 0).UTC().Format("2006-01-02 15:04:05"))
			}
			fmt.Fprintf(&b, "\n  %s\n", x.Meaning)
			if x.Advice != "" {
				fmt.Fprintf(&b, "  what to look at: %s\n", x.Advice)
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// readerNotes says how the reader read what it read: files it did not
// read and why, lines it read by splitting on runs of spaces or with
// quoted values, days taken from #Date, fields it assumed.
func readerNotes(rep *Report, st iislog.Stats) {
	for _, f := range st.Skipped {
		rep.NotRead = append(rep.NotRead, f.String())
	}
	if n := st.SkippedFiles - len(st.Skipped); n > 0 {
		rep.NotRead = append(rep.NotRead, fmt.Sprintf("%d more files that are not HTTP request logs", n))
	}
	if st.SplitRuns > 0 {
		rep.Notes = append(rep.Notes, fmt.Sprintf("%d lines had runs of spaces between fields and were read by splitting on runs of spaces (the field count then matched the #Fields line)", st.SplitRuns))
	}
	if st.SplitQuoted > 0 {
		rep.Notes = append(rep.Notes, fmt.Sprintf("%d lines had quoted values with spaces, each read as one field", st.SplitQuoted))
	}
	if st.DayFromDirective > 0 {
		rep.Notes = append(rep.Notes, fmt.Sprintf("%d lines come from logs without a date field: their day is the #Date directive's above them", st.DayFromDirective))
	}
	for _, a := range st.Assumed {
		how := "the given fields"
		if a.Default {
			how = "IIS's default fields, which its first line fits"
		}
		rep.Notes = append(rep.Notes, fmt.Sprintf("%s has no #Fields line: read with %s (%s)", a.File, how, a.Fields))
	}
}

func pct(x float64) string {
	switch {
	case x == 0:
		return "0%"
	case x < 0.001:
		return fmt.Sprintf("%.3f%%", 100*x)
	case x < 0.1:
		return fmt.Sprintf("%.2f%%", 100*x)
	}
	return fmt.Sprintf("%.1f%%", 100*x)
}
