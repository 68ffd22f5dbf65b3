package observed

import (
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/arrfarm/arrfarm/iislog"
	"github.com/arrfarm/arrfarm/internal/input"
	"github.com/arrfarm/arrfarm/latency"
	"github.com/arrfarm/arrfarm/schema"
)

// MaxSamples bounds the service times kept from logs: past it, a seeded
// reservoir keeps a uniform subset, so a month of logs stays in bounded
// memory and the same logs give the same sample.
const MaxSamples = 1 << 20

// Observed is what a set of logs says about service times.
type Observed struct {
	Name   string
	Sample *latency.Sample
	// Requests is the number of lines that matched the filter.
	Requests int64
	// ARRBox is set when lines carry ARR's own failures (502.3, 502.4,
	// WinHTTP codes): the log is an ARR server's, its time-taken includes
	// ARR's wait and its 502.3/12002 lines are censored at the timeout.
	ARRBox bool
	// Skipped counts proxy failures that say nothing about service time
	// (502.4, fast connection failures) and malformed lines.
	Skipped int64
}

// openLog opens a log for iislog through the project's one opener.
func openLog(name string) (io.ReadCloser, error) { return input.Open(name) }

// ReadLogs reads the service times of the logs spec names: time-taken of
// the lines whose cs-uri-stem matches spec.URL (a wildcard, * matching
// any text) and whose status is in spec.Status (ranges such as
// "200-399,404"). A 502.3/12002 line is censored, whatever the status
// filter: the request took at least that long.
func ReadLogs(spec latency.EmpiricalSpec) (*Observed, error) {
	ranges, err := parseRanges(spec.Status)
	if err != nil {
		return nil, fmt.Errorf("empirical latency status %q: %w", spec.Status, err)
	}
	in, err := iislog.Expand([]string{spec.Log})
	if err != nil {
		return nil, err
	}
	if len(in.Logs) == 0 {
		return nil, fmt.Errorf("%s holds failed-request traces only; service times come from W3C logs", spec.Log)
	}
	o := &Observed{Name: spec.Log}
	var obs, cens []time.Duration
	rng := rand.New(rand.NewPCG(1, 2))
	var seen int64
	keep := func(list *[]time.Duration, d time.Duration) {
		// Reservoir over all kept samples, censored or not.
		seen++
		if len(obs)+len(cens) < MaxSamples {
			*list = append(*list, d)
			return
		}
		if j := rng.Int64N(seen); j < MaxSamples {
			if int(j) < len(obs) {
				obs[j] = obs[len(obs)-1]
				obs = obs[:len(obs)-1]
			} else {
				k := int(j) - len(obs)
				cens[k] = cens[len(cens)-1]
				cens = cens[:len(cens)-1]
			}
			*list = append(*list, d)
		}
	}
	r := iislog.NewReader(in.Logs, iislog.Options{Open: openLog})
	for r.Next() {
		rec := r.Record()
		if rec.TimeTaken < 0 {
			continue
		}
		if spec.URL != "" && !wildcard(spec.URL, iislog.Decode(rec.URIStem())) {
			continue
		}
		d := rec.TimeTakenDuration()
		proxy := (rec.Status == 502 && (rec.SubStatus == 3 || rec.SubStatus == 4)) || (rec.Win32 >= 12000 && rec.Win32 < 12200)
		if proxy {
			o.ARRBox = true
			if rec.Status == 502 && rec.SubStatus == 3 && rec.Win32 == 12002 {
				o.Requests++
				keep(&cens, d)
			} else {
				o.Skipped++
			}
			continue
		}
		if !ranges.has(rec.Status) || spec.Win32Zero && rec.Win32 != 0 {
			continue
		}
		o.Requests++
		keep(&obs, d)
	}
	r.Close()
	if err := r.Err(); err != nil {
		return nil, err
	}
	st := r.Stats()
	o.Skipped += st.Malformed
	if len(obs)+len(cens) == 0 {
		err := fmt.Errorf("no line of %s with time-taken matches url %q and status %q", spec.Log, spec.URL, spec.Status)
		if len(st.Skipped) > 0 && st.Records == 0 {
			// Say why nothing was read: an FTP or HTTP.sys error log
			// given as a backend's log has no request line at all.
			err = fmt.Errorf("no request line in %s: %s", spec.Log, st.Skipped[0])
		}
		return nil, err
	}
	o.Sample = latency.NewSample(obs, cens)
	return o, nil
}

// Samples is the simulator's source of empirical service times
// (simulate.Options.Samples): the observed times, each censored one
// imputed above its censoring point from the censored lognormal fit
// (latency.Sample.Imputed).
func Samples(spec latency.EmpiricalSpec) ([]time.Duration, error) {
	o, err := ReadLogs(spec)
	if err != nil {
		return nil, err
	}
	return o.Sample.Imputed(), nil
}

// logSource is a set of logs as a lint latency source. Backend logs do
// not say which farm they belong to, so they apply to every farm.
type logSource struct{ o *Observed }

func (s logSource) Name() string {
	name := fmt.Sprintf("%s, %d requests", s.o.Name, s.o.Sample.Len())
	if c := s.o.Sample.CensoredLen(); c > 0 {
		name += fmt.Sprintf(", %d censored at ARR's timeout", c)
	}
	if s.o.ARRBox {
		name += "; looks like an ARR server's log: time-taken includes ARR's wait, use backend logs for service times"
	}
	return name
}

func (s logSource) Farm(*schema.Config, *schema.Farm) (latency.Distribution, bool) {
	return s.o.Sample, true
}

// wildcard matches IIS-style patterns where * is any text (slashes too)
// and ? one character, case-insensitively as IIS matches URLs.
func wildcard(pat, s string) bool {
	pat, s = strings.ToLower(pat), strings.ToLower(s)
	px, sx := 0, 0
	star, mark := -1, 0
	for sx < len(s) {
		switch {
		case px < len(pat) && (pat[px] == '?' || pat[px] == s[sx]):
			px++
			sx++
		case px < len(pat) && pat[px] == '*':
			star, mark = px, sx
			px++
		case star >= 0:
			px = star + 1
			mark++
			sx = mark
		default:
			return false
		}
	}
	for px < len(pat) && pat[px] == '*' {
		px++
	}
	return px == len(pat)
}

type statusRanges [][2]int

func (r statusRanges) has(s int) bool {
	if len(r) == 0 {
		return true
	}
	for _, x := range r {
		if s >= x[0] && s <= x[1] {
			return true
		}
	}
	return false
}

// parseRanges reads "200-399,404"; "" is every status.
func parseRanges(s string) (statusRanges, error) {
	var out statusRanges
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		lo, hi, isRange := strings.Cut(part, "-")
		a, err1 := strconv.Atoi(strings.TrimSpace(lo))
		b := a
		var err2 error
		if isRange {
			b, err2 = strconv.Atoi(strings.TrimSpace(hi))
		}
		if err1 != nil || err2 != nil || a > b || a < 100 || b > 999 {
			return nil, fmt.Errorf("%q is not a status or a range such as 200-399", part)
		}
		out = append(out, [2]int{a, b})
	}
	return out, nil
}
