package recommend

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/arrfarm/arrfarm/internal/human"
	"github.com/arrfarm/arrfarm/schema"
	"github.com/arrfarm/arrfarm/simulate"
)

// maxSweepPoints bounds a sweep's grid: each point is a full simulation.
const maxSweepPoints = 10000

// Vary is one --vary: a --set path and the values it takes.
type Vary struct {
	Path   string   `json:"path"`
	Values []string `json:"values"`
}

// ParseVary reads PATH=V1,V2,... or PATH=FROM..TO/STEP. A range takes
// numbers (scenario.arrivals.rate=100..300/50) or durations
// (web.protocol.timeout=5s..60s/5s, IIS time spans too) and includes TO
// when the steps land on it.
func ParseVary(s string) (Vary, error) {
	path, spec, ok := strings.Cut(s, "=")
	path, spec = strings.TrimSpace(path), strings.TrimSpace(spec)
	if !ok || path == "" || spec == "" {
		return Vary{}, fmt.Errorf("--vary %s: want PATH=V1,V2,... or PATH=FROM..TO/STEP, e.g. web.protocol.timeout=10s..60s/10s", s)
	}
	v := Vary{Path: path}
	from, rest, isRange := strings.Cut(spec, "..")
	if !isRange {
		for _, x := range strings.Split(spec, ",") {
			if x = strings.TrimSpace(x); x != "" {
				v.Values = append(v.Values, x)
			}
		}
		if len(v.Values) == 0 {
			return Vary{}, fmt.Errorf("--vary %s: no values", s)
		}
		return v, nil
	}
	to, step, hasStep := strings.Cut(rest, "/")
	if !hasStep {
		return Vary{}, fmt.Errorf("--vary %s: a range needs a step: FROM..TO/STEP, e.g. 10s..60s/10s", s)
	}
	fail := func(why string) (Vary, error) {
		return Vary{}, fmt.Errorf("--vary %s: %s", s, why)
	}
	if a, b, c, ok := numbers(from, to, step); ok {
		if !finite(a) || !finite(b) || !finite(c) {
			return fail("FROM, TO and STEP must be finite numbers, not NaN or Inf")
		}
		if c <= 0 || b < a {
			return fail("want FROM <= TO and a positive STEP")
		}
		// Compared as a float: a count past int's range converts to
		// nonsense (a negative int on amd64).
		steps := math.Floor((b-a)/c + 1e-9)
		if steps+1 > maxSweepPoints {
			return fail(fmt.Sprintf("%.4g values; at most %d", steps+1, maxSweepPoints))
		}
		n := int(steps) + 1
		for i := 0; i < n; i++ {
			v.Values = append(v.Values, strconv.FormatFloat(math.Round((a+float64(i)*c)*1e9)/1e9, 'f', -1, 64))
		}
		return v, nil
	}
	a, err1 := schema.ParseDuration(strings.TrimSpace(from))
	b, err2 := schema.ParseDuration(strings.TrimSpace(to))
	c, err3 := schema.ParseDuration(strings.TrimSpace(step))
	if err1 != nil || err2 != nil || err3 != nil {
		return fail("FROM, TO and STEP must all be numbers or all durations (5s, 1m30s, 00:00:30)")
	}
	if c <= 0 || b < a {
		return fail("want FROM <= TO and a positive STEP")
	}
	if b-a < 0 {
		return fail("the range is wider than a duration can hold")
	}
	// (b-a)/c counts the steps without overflow; adding c past the last
	// value could overflow and wrap below b, so the loop counts instead.
	n := (b-a)/c + 1
	if n > maxSweepPoints {
		return fail(fmt.Sprintf("%d values; at most %d", n, maxSweepPoints))
	}
	for i := time.Duration(0); i < n; i++ {
		v.Values = append(v.Values, schema.FormatDuration(a+i*c))
	}
	return v, nil
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

func numbers(a, b, c string) (x, y, z float64, ok bool) {
	var err1, err2, err3 error
	x, err1 = strconv.ParseFloat(strings.TrimSpace(a), 64)
	y, err2 = strconv.ParseFloat(strings.TrimSpace(b), 64)
	z, err3 = strconv.ParseFloat(strings.TrimSpace(c), 64)
	return x, y, z, err1 == nil && err2 == nil && err3 == nil
}

// durationColumn says whether every value of v is a duration, not a
// plain number.
func durationColumn(v Vary) bool {
	for _, s := range v.Values {
		if _, err := strconv.ParseFloat(s, 64); err == nil {
			return false
		}
		if _, err := schema.ParseDuration(s); err != nil {
			return false
		}
	}
	return len(v.Values) > 0
}

// numeric reads a swept value as a number for plotting: numbers as they
// are, durations in seconds.
func numeric(s string) (float64, bool) {
	if x, err := strconv.ParseFloat(s, 64); err == nil {
		return x, true
	}
	if d, err := schema.ParseDuration(s); err == nil {
		return d.Seconds(), true
	}
	return 0, false
}

// SweepResult is one simulation per point of the grid the --vary flags
// span, all on the scenario's seed (common random numbers: every point
// sees the same arrivals and service draws, so differences between points
// come from the settings, and curves are smooth). Plain data, for reports.
type SweepResult struct {
	Vary   []Vary       `json:"vary"`
	Target float64      `json:"target,omitempty"` // a 502.3 share to draw, if any
	Points []SweepPoint `json:"points"`
}

// SweepPoint is one simulated point.
type SweepPoint struct {
	// Values has one value per Vary, in order; X the same as numbers
	// (seconds for durations), nil when one is not a number.
	Values       []string             `json:"values"`
	X            []float64            `json:"x,omitempty"`
	Farm         string               `json:"farm"`
	Requests     int64                `json:"requests"`
	Replications int                  `json:"replications"`
	Rates        simulate.Rates       `json:"rates"`
	LatencyMS    simulate.Percentiles `json:"latency_ms"`
	// Overloaded: a server was busy at or above its capacity (simulate
	// prints the same as a note). Without backend queue limits the
	// point's rates come from a queue that grew all run long; with them
	// (QueueFull503 above 0) the overload shows as 503 turned away at
	// once, and the queue stays at the limit.
	Overloaded bool `json:"overloaded,omitempty"`
	// QueueFull503 counts the point's 503 answers of a full backend queue
	// (requestQueueLimit, or queueLength while a worker takes no
	// requests), a stopped pool's left out.
	QueueFull503 int64 `json:"queue_full_503,omitempty"`
}

// Load returns a fresh configuration and scenario for one point: --set
// changes them in place.
type Load func() (*schema.Config, *simulate.Scenario, error)

// Sweep simulates every point of the grid. progress, when set, is called
// after each point.
func Sweep(load Load, vary []Vary, opts simulate.Options, progress func(done, total int)) (*SweepResult, error) {
	total := 1
	for _, v := range vary {
		total *= len(v.Values)
		if total > maxSweepPoints {
			return nil, fmt.Errorf("the grid has more than %d points", maxSweepPoints)
		}
	}
	res := &SweepResult{Vary: vary}
	idx := make([]int, len(vary))
	for k := 0; k < total; k++ {
		cfg, sc, err := load()
		if err != nil {
			return nil, err
		}
		p := SweepPoint{}
		numericOK := true
		for i, v := range vary {
			val := v.Values[idx[i]]
			p.Values = append(p.Values, val)
			if x, ok := numeric(val); ok {
				p.X = append(p.X, x)
			} else {
				numericOK = false
			}
			if err := simulate.ApplySet(cfg, sc, v.Path+"="+val); err != nil {
				return nil, err
			}
		}
		if !numericOK {
			p.X = nil
		}
		r, err := simulate.Run(cfg, sc, opts)
		if err != nil {
			return nil, fmt.Errorf("simulating %s: %w", pointName(vary, p.Values), err)
		}
		f := r.Farms[0]
		p.Farm, p.Requests, p.Replications, p.Rates, p.LatencyMS = f.Name, f.Requests, r.Replications, f.Rates, f.LatencyMS
		p.Overloaded = f.Overloaded()
		p.QueueFull503 = f.QueueFull503()
		res.Points = append(res.Points, p)
		if progress != nil {
			progress(k+1, total)
		}
		// Odometer: the last --vary changes fastest.
		for i := len(idx) - 1; i >= 0; i-- {
			idx[i]++
			if idx[i] < len(vary[i].Values) {
				break
			}
			idx[i] = 0
		}
	}
	return res, nil
}

func pointName(vary []Vary, values []string) string {
	parts := make([]string, len(vary))
	for i, v := range vary {
		parts[i] = v.Path + "=" + values[i]
	}
	return strings.Join(parts, " ")
}

// WriteJSON writes the sweep as indented JSON.
func (r *SweepResult) WriteJSON(w io.Writer) error {
	return writeJSON(w, r.Printable(), "sweep")
}

// Printable returns a copy of r whose text from the command line (the
// --vary paths, which name farms, and their values) is safe to print:
// secrets masked and control characters escaped. Every writer and the
// HTML report start from it. Farm names come masked from simulate.
func (r *SweepResult) Printable() *SweepResult {
	out := *r
	out.Vary = slices.Clone(r.Vary)
	for i := range out.Vary {
		v := &out.Vary[i]
		v.Path = schema.Printable(v.Path)
		v.Values = printableAll(v.Values)
	}
	out.Points = slices.Clone(r.Points)
	for i := range out.Points {
		out.Points[i].Values = printableAll(out.Points[i].Values)
	}
	return &out
}

func printableAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = schema.Printable(s)
	}
	return out
}

// WriteCSV writes one row per point: the varied values, then the rates
// with their CI bounds and the time-taken percentiles.
func (r *SweepResult) WriteCSV(w io.Writer) error {
	r = r.Printable()
	cw := csv.NewWriter(w)
	// A spreadsheet cannot sort or plot "55s" beside "1m": a column of
	// durations is written in seconds, and its header says so.
	secs := make([]bool, len(r.Vary))
	var head []string
	for i, v := range r.Vary {
		secs[i] = durationColumn(v)
		if secs[i] {
			head = append(head, v.Path+"_s")
		} else {
			head = append(head, v.Path)
		}
	}
	head = append(head, "farm", "requests", "502.3", "502.3_ci_low", "502.3_ci_high", "502.4", "502.4_ci_low", "502.4_ci_high", "5xx", "503", "503_ci_low", "503_ci_high", "p50_ms", "p99_ms", "p999_ms", "overloaded")
	_ = cw.Write(head)
	g := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	for _, p := range r.Points {
		row := append([]string(nil), p.Values...)
		for i := range row {
			if secs[i] {
				x, _ := numeric(row[i])
				row[i] = g(x)
			}
		}
		rt := p.Rates
		row = append(row, p.Farm, strconv.FormatInt(p.Requests, 10),
			g(rt.R5023.Mean), g(rt.R5023.CI95[0]), g(rt.R5023.CI95[1]),
			g(rt.R5024.Mean), g(rt.R5024.CI95[0]), g(rt.R5024.CI95[1]),
			g(rt.R5xx.Mean), g(rt.R503.Mean), g(rt.R503.CI95[0]), g(rt.R503.CI95[1]), g(p.LatencyMS.P50), g(p.LatencyMS.P99), g(p.LatencyMS.P999), strconv.FormatBool(p.Overloaded))
		_ = cw.Write(row)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("writing sweep CSV: %w", err)
	}
	return nil
}

// WriteText writes a table a person can scan.
func (r *SweepResult) WriteText(w io.Writer) error {
	r = r.Printable()
	var b strings.Builder
	if len(r.Points) > 0 {
		p := r.Points[0]
		fmt.Fprintf(&b, "farm %s, %d replication(s) per point, same random streams at every point\n\n", p.Farm, p.Replications)
	}
	width := make([]int, len(r.Vary))
	for i, v := range r.Vary {
		width[i] = len(v.Path)
		for _, x := range v.Values {
			width[i] = max(width[i], len(x))
		}
	}
	for i, v := range r.Vary {
		fmt.Fprintf(&b, "%-*s  ", width[i], v.Path)
	}
	fmt.Fprintf(&b, "%10s  %-22s  %10s  %10s  %9s  %9s\n", "502.3", "95% CI", "502.4", "503", "p99", "p99.9")
	grew, capped := 0, 0
	for _, p := range r.Points {
		for i, x := range p.Values {
			fmt.Fprintf(&b, "%-*s  ", width[i], x)
		}
		rt := p.Rates
		mark := ""
		switch {
		case p.Overloaded && p.QueueFull503 > 0:
			mark, capped = "  OVERLOADED", capped+1
		case p.Overloaded:
			mark, grew = "  OVERLOADED", grew+1
		}
		fmt.Fprintf(&b, "%10s  %-22s  %10s  %10s  %9s  %9s%s\n", human.Percent(rt.R5023.Mean),
			human.Percent(rt.R5023.CI95[0])+" .. "+human.Percent(rt.R5023.CI95[1]), human.Percent(rt.R5024.Mean), human.Percent(rt.R503.Mean),
			human.Duration(time.Duration(p.LatencyMS.P99*1e6)), human.Duration(time.Duration(p.LatencyMS.P999*1e6)), mark)
	}
	// Backend queue limits decide how an overload shows: a queue with no
	// limit (or one the run never filled) grows for as long as the load
	// lasts; a full one turns the rest away with 503.
	if grew > 0 {
		fmt.Fprintf(&b, "\nOVERLOADED: at %d point(s) a server was busy at or above its capacity and no backend queue limit turned a request away: the queue grew all run long, so those rates say how long the run was, not what the farm settles at, and no timeout fixes that\n", grew)
	}
	if capped > 0 {
		fmt.Fprintf(&b, "\nOVERLOADED: at %d point(s) a server was busy at or above its capacity: its backend queue filled to its limit (requestQueueLimit, or queueLength while the worker took none) and the requests beyond it were turned away with 503 at once (the 503 column), so the overload shows as 503, not as a growing queue; no timeout fixes that: add servers or make requests faster\n", capped)
	}
	wide := 0
	for _, p := range r.Points {
		// At a mean of 0 no event was seen and the interval is a bound,
		// not a spread around the mean: nothing to warn about.
		if rt := p.Rates.R5023; rt.Mean > 0 && rt.CI95[1]-rt.Mean > rt.Mean/2 {
			wide++
		}
	}
	if wide > 0 {
		fmt.Fprintf(&b, "\nwarning: %d point(s) have a 502.3 CI wider than half their mean: add replications (--set scenario.replications=N) before reading differences between them\n", wide)
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("writing sweep: %w", err)
	}
	return nil
}
