// Package diagnose reads IIS W3C logs and failed-request traces and says
// where 502s (and every other status) come from: one group per (status,
// substatus, win32) with counts, shares and time-taken percentiles, what
// the codes mean and what to look at, optional breakdowns by URL, hour,
// server or client, and, given the ARR configuration, the setting each
// group points at.
package diagnose

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/arrfarm/arrfarm/iislog"
	"github.com/arrfarm/arrfarm/schema"
)

// Breakdowns that --by accepts.
var ByKeys = []string{"url", "hour", "server", "client"}

// Options tune Run.
type Options struct {
	// By is "", "url", "hour", "server" or "client".
	By string
	// Config, when set, links groups to its farms' settings.
	Config *schema.Config
	// Open opens an input by name (nil: iislog.OpenFile).
	Open func(name string) (io.ReadCloser, error)
	// Progress is called with the bytes read so far.
	Progress func(read int64)
	// Fields names the fields of logs without a #Fields line (lines cut
	// out of a log); "" reads them with IIS's default fields when they
	// fit.
	Fields string
}

// Bounds that keep memory bounded whatever the logs hold.
const (
	maxGroups    = 512     // distinct (status, substatus, win32)
	maxKeys      = 10000   // distinct --by keys per group; the rest are "(other)"
	maxDistinct  = 1 << 19 // distinct exact time-taken values over all groups
	coarseMillis = 100     // resolution of time-taken past maxDistinct
	topKeys      = 20      // --by rows shown per group
)

type groupKey struct {
	status, sub int
	win32       int64
}

type group struct {
	groupKey
	count      int64
	hist       map[uint32]uint64 // time-taken ms -> count
	timed      int64
	max        int64
	first, end int64 // Unix seconds of the first and last line, 0 unknown
	farm       map[string]int64
	by         map[string]*byAcc
}

type byAcc struct {
	count int64
	max   int64
}

type state struct {
	opts     Options
	groups   map[groupKey]*group
	distinct int
	coarse   bool
	proxy    int64 // lines with ARR's own failure signature
	overflow int64
	noStatus int64 // lines of logs without sc-status
	errlog   errorLog
	scratch  [32]byte
	server   []byte
}

// notLogged is the status of a group of lines from logs without an
// sc-status field (-1 is a line whose sc-status is "-").
const notLogged = -2

// fromLog marks a --by server key taken from a W3C log (s-computername
// or s-ip: the server that wrote the log) rather than from a trace's
// routing event (the backend).
const fromLog = "\x01"

// Run reads the logs and traces in in and builds the report.
func Run(in iislog.Inputs, opts Options) (*Report, error) {
	if opts.By != "" && !slices.Contains(ByKeys, opts.By) {
		return nil, fmt.Errorf("--by %q: want one of %s", opts.By, strings.Join(ByKeys, ", "))
	}
	if len(in.Logs)+len(in.Traces) == 0 {
		return nil, errors.New("no logs or traces to read")
	}
	s := &state{opts: opts, groups: map[groupKey]*group{}}
	rep := &Report{}
	r := iislog.NewReader(in.Logs, iislog.Options{Open: opts.Open, Progress: opts.Progress, Fields: opts.Fields, ErrorLogs: true})
	for r.Next() {
		rec := r.Record()
		if rec.Kind() == iislog.KindHTTPErr {
			s.errlog.add(rec)
			continue
		}
		status := rec.Status
		if status < 0 && !rec.HasStatus() {
			status = notLogged
			s.noStatus++
		}
		var key []byte
		switch opts.By {
		case "url":
			key = rec.URIPath()
		case "server":
			if key = rec.Computer(); len(key) == 0 {
				key = rec.ServerIP()
			}
			s.server = append(append(s.server[:0], fromLog...), key...)
			key = s.server
		case "client":
			key = rec.ClientIP()
		}
		s.add(status, rec.SubStatus, rec.Win32, rec.TimeTaken, rec.Time, key, "")
	}
	r.Close()
	if err := r.Err(); err != nil {
		return nil, err
	}
	st := r.Stats()
	rep.Files, rep.Lines, rep.SkippedLines = st.Files, st.Records, st.Malformed
	for _, p := range st.Problems {
		rep.Problems = append(rep.Problems, p.String())
	}
	readerNotes(rep, st)
	open := opts.Open
	if open == nil {
		open = iislog.OpenFile
	}
	for _, name := range in.Traces {
		f, err := open(name)
		if err != nil {
			return nil, fmt.Errorf("opening trace %s: %w", name, err)
		}
		t, err := iislog.ReadTrace(name, f)
		f.Close()
		if err != nil {
			return nil, err
		}
		rep.Files++
		rep.Traces++
		rep.Lines++
		var key []byte
		switch opts.By {
		case "url":
			key = urlPath(t.URL)
		case "server":
			key = []byte(t.Server)
		}
		s.add(t.Status, t.SubStatus, t.Win32, t.TimeTaken, t.Time, key, t.Farm)
		if t.Server != "" {
			rep.Attributed++
		}
	}
	s.report(rep)
	return rep, nil
}

func (s *state) add(status, sub int, win32, taken, at int64, key []byte, farm string) {
	k := groupKey{status, sub, win32}
	g := s.groups[k]
	if g == nil {
		if len(s.groups) >= maxGroups {
			s.overflow++
			return
		}
		g = &group{groupKey: k, hist: map[uint32]uint64{}, max: -1}
		s.groups[k] = g
	}
	g.count++
	if proxyError(status, sub, win32) {
		s.proxy++
	}
	if at > 0 {
		if g.first == 0 || at < g.first {
			g.first = at
		}
		g.end = max(g.end, at)
	}
	if taken >= 0 {
		g.timed++
		g.max = max(g.max, taken)
		v := uint32(min(taken, 1<<32-1))
		if s.coarse {
			v = v / coarseMillis * coarseMillis
		}
		if _, ok := g.hist[v]; !ok {
			s.distinct++
			if s.distinct > maxDistinct {
				s.coarse = true
			}
		}
		g.hist[v]++
	}
	if farm != "" {
		if g.farm == nil {
			g.farm = map[string]int64{}
		}
		g.farm[farm]++
	}
	if s.opts.By == "" {
		return
	}
	if g.by == nil {
		g.by = map[string]*byAcc{}
	}
	if s.opts.By == "hour" {
		key = nil
		if at > 0 {
			key = time.Unix(at-at%3600, 0).UTC().AppendFormat(s.scratch[:0], "2006-01-02 15:00")
		}
	}
	a := g.by[string(key)]
	if a == nil {
		k := string(key)
		if len(g.by) >= maxKeys {
			k = otherKey
		}
		if a = g.by[k]; a == nil {
			a = &byAcc{max: -1}
			g.by[k] = a
		}
	}
	a.count++
	a.max = max(a.max, taken)
}

// otherKey collects the --by keys past maxKeys.
const otherKey = "\x00other"

// urlPath is the path of a trace's URL ("http://shop:80/cart?id=1" ->
// "/cart"), the form cs-uri-stem has in W3C logs, so --by url shows one
// row per path whichever kind of input the requests came from.
func urlPath(u string) []byte {
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
		if j := strings.IndexByte(u, '/'); j >= 0 {
			u = u[j:]
		} else {
			u = "/"
		}
	}
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	return []byte(u)
}

// keyName prints a --by key. A server key from an ARR server's own log is
// that server, not a backend: W3C logs do not record where ARR sent a
// request, and the name says so.
func keyName(k, by string, arrBox bool) string {
	if rest, ok := strings.CutPrefix(k, fromLog); ok {
		name := keyName(rest, by, false)
		if arrBox {
			name += " (this ARR server; its log does not name the backend)"
		}
		return name
	}
	switch k {
	case otherKey:
		return "(other)"
	case "":
		if by == "hour" {
			return "(no time)"
		}
		return "(empty)"
	}
	return schema.Printable(iislog.Decode([]byte(k)))
}

// quantiles returns the nearest-rank q-quantiles of the histogram: the
// smallest value v with count(<= v) >= ceil(q * n).
func (g *group) quantiles(qs ...float64) []int64 {
	out := make([]int64, len(qs))
	if g.timed == 0 {
		for i := range out {
			out[i] = -1
		}
		return out
	}
	vals := make([]uint32, 0, len(g.hist))
	for v := range g.hist {
		vals = append(vals, v)
	}
	slices.Sort(vals)
	for i, q := range qs {
		rank := uint64(q*float64(g.timed) + 0.999999999)
		rank = max(rank, 1)
		var c uint64
		for _, v := range vals {
			c += g.hist[v]
			if c >= rank {
				out[i] = int64(v)
				break
			}
		}
	}
	return out
}

func (s *state) report(rep *Report) {
	var total int64
	for _, g := range s.groups {
		total += g.count
	}
	for _, g := range s.groups {
		q := g.quantiles(0.5, 0.9, 0.99)
		out := Group{Status: g.status, Substatus: g.sub, Win32: g.win32, Count: g.count,
			Share: float64(g.count) / float64(max(total, 1)), First: g.first, Last: g.end}
		if g.timed > 0 {
			out.TimeTaken = &Percentiles{P50: q[0], P90: q[1], P99: q[2], Max: g.max}
		}
		out.Meaning, out.Advice = explain(g.status, g.sub, g.win32, q[0], s.proxy > 0)
		if len(g.farm) == 1 {
			for f := range g.farm {
				out.Farm = f
			}
		}
		// Keys that differ only in a masked secret (two passwords in one
		// URL) are one row: the report cannot tell them apart.
		rows := map[string]int{}
		for name, a := range g.by {
			key := keyName(name, s.opts.By, s.proxy > 0)
			if i, ok := rows[key]; ok {
				out.By[i].Count += a.count
				out.By[i].MaxMs = max(out.By[i].MaxMs, a.max)
				continue
			}
			rows[key] = len(out.By)
			out.By = append(out.By, ByRow{Key: key, Count: a.count, MaxMs: a.max})
		}
		for i := range out.By {
			out.By[i].Share = float64(out.By[i].Count) / float64(g.count)
		}
		slices.SortFunc(out.By, func(a, b ByRow) int {
			return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Key, b.Key))
		})
		if len(out.By) > topKeys {
			out.By = out.By[:topKeys]
		}
		rep.Groups = append(rep.Groups, out)
	}
	slices.SortFunc(rep.Groups, func(a, b Group) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Status, b.Status), cmp.Compare(a.Substatus, b.Substatus), cmp.Compare(a.Win32, b.Win32))
	})
	if s.coarse {
		rep.Notes = append(rep.Notes, fmt.Sprintf("time-taken has more than %d distinct values; past that, values are rounded down to %d ms", maxDistinct, coarseMillis))
	}
	if s.overflow > 0 {
		rep.Notes = append(rep.Notes, fmt.Sprintf("%d lines with more than %d distinct status/substatus/win32 combinations are not grouped", s.overflow, maxGroups))
	}
	if s.proxy > 0 {
		rep.ARRBox = true
		rep.Notes = append(rep.Notes, fmt.Sprintf("%d lines carry ARR's own failures (502.3, 502.4 or WinHTTP 12xxx codes): this looks like the ARR server's log, whose time-taken includes ARR's wait for the backend and stops at the proxy timeout; backend logs measure service time", s.proxy))
		if s.opts.By == "server" && rep.Lines > int64(rep.Traces) {
			rep.Notes = append(rep.Notes, fmt.Sprintf("--by server: %d of %d requests come from the ARR server's W3C log, which does not record the backend ARR chose; they are listed under the ARR server. Failed-request traces with ARR's routing events (area RequestRouting) name the backend",
				rep.Lines-int64(rep.Traces), rep.Lines))
		}
	}
	if s.noStatus > 0 {
		rep.Notes = append(rep.Notes, fmt.Sprintf("%d lines come from logs without an sc-status field: their status is unknown, they are grouped as \"(sc-status not logged)\"", s.noStatus))
	}
	s.errlog.report(rep)
	if s.opts.Config != nil {
		link(rep, s.opts.Config)
	}
	rep.printable()
}

// printable masks secrets and escapes control characters in every text of
// the report that comes from a log, a trace or the configuration: --by
// keys (done by keyName), the farm a trace names, config links (health
// check URLs and server addresses may hold credentials), positions and
// examples of skipped lines (which quote a field's value). Every format
// then prints a safe report; the JSON keeps the contract's fields and
// types.
func (r *Report) printable() {
	for i, p := range r.Problems {
		r.Problems[i] = schema.Printable(p)
	}
	for i, p := range r.NotRead {
		r.NotRead[i] = schema.Printable(p)
	}
	for i, p := range r.Notes {
		r.Notes[i] = schema.Printable(p)
	}
	if r.HTTPErr != nil {
		for i := range r.HTTPErr.Reasons {
			x := &r.HTTPErr.Reasons[i]
			x.Reason = schema.Printable(x.Reason)
		}
	}
	for i := range r.Groups {
		g := &r.Groups[i]
		g.Farm = schema.Printable(g.Farm)
		g.Link = schema.Printable(g.Link)
		g.Position = schema.Printable(g.Position)
	}
}
