package simulate

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/arrfarm/arrfarm/internal/human"
	"github.com/arrfarm/arrfarm/schema"
)

// Result is a simulation's outcome, shaped as the Simulate JSON contract
// (docs/design.md section 2), with extra fields the contract allows.
type Result struct {
	Seed         int64        `json:"seed"`
	Replications int          `json:"replications"`
	DurationS    float64      `json:"duration_s"` // measured window per replication (mean, in requests mode)
	WarmupS      float64      `json:"warmup_s"`
	Farms        []FarmResult `json:"farms"`
	// UntilCI is set under Options.UntilCI: whether the target was met or
	// the run stopped at its replication cap.
	UntilCI *UntilCI `json:"until_ci,omitempty"`
	// TimeoutCurve is set when Options.TimeoutCurve asked for it.
	TimeoutCurve *TimeoutCurve `json:"-"`
}

// FarmResult is one simulated farm. Counts are totals over all
// replications after the warm-up; rates are means over replications with a
// 95 % confidence interval that counts bursts (rateOfCounts).
type FarmResult struct {
	Name string `json:"name"`
	// Algorithm is the algorithm as simulated; ConfiguredAlgorithm is the
	// configuration's, and AlgorithmNote says why they differ.
	Algorithm           string `json:"algorithm"`
	ConfiguredAlgorithm string `json:"configured_algorithm"`
	AlgorithmNote       string `json:"algorithm_note,omitempty"`
	// Notes are other assumptions the simulation made about this farm.
	Notes            []string       `json:"notes,omitempty"`
	TimeoutS         float64        `json:"timeout_s"`
	TimeoutSemantics string         `json:"timeout_semantics"`
	Requests         int64          `json:"requests"`
	Outcomes         Outcomes       `json:"outcomes"`
	Win32            Win32          `json:"win32"`
	Rates            Rates          `json:"rates"`
	LatencyMS        Percentiles    `json:"latency_ms"`
	Servers          []ServerResult `json:"servers"`
	// NoEligibleS is the mean time per replication with no eligible server
	// (every request 502.4, or 502.3 under arr.allUnhealthyStatus);
	// AllUnhealthyS the part of it in which every server was unhealthy.
	NoEligibleS   float64       `json:"no_eligible_s"`
	AllUnhealthyS float64       `json:"all_unhealthy_s"`
	Faults        []FaultResult `json:"faults,omitempty"`
	// TimeoutFaultOn is the part of the 12002 with no fault on their server
	// that were sent while another server had one: queueing behind the load
	// it moved, not only a slow backend. The text report's 502.3 by cause
	// splits them out; the JSON contract has no field for it.
	TimeoutFaultOn int64 `json:"-"`
	// Series is per second of the measured window, summed over replications,
	// by arrival time.
	Series Series `json:"series"`
	// TimeTaken is the distribution of client-observed time (all
	// replications) as a complementary CDF, for plots; the JSON keeps to
	// the percentiles.
	TimeTaken []CCDFPoint `json:"-"`
}

// Outcomes partitions the requests. 5xx counts the backend application's
// answers of 500 and above; 503 the backend web server's own refusals (a
// full queue: http.sys 503.2 or ASP.NET's requestQueueLimit; a stopped
// application pool), which never reached the application; ARR's own 502.3
// and 502.4 are separate.
type Outcomes struct {
	S2xx  int64 `json:"2xx"`
	S4xx  int64 `json:"4xx"`
	S5xx  int64 `json:"5xx"`
	S503  int64 `json:"503"`
	S5023 int64 `json:"502.3"`
	S5024 int64 `json:"502.4"`
}

// Win32 splits 502.3 by WinHTTP error: 12002 timeout, 12029 connection
// refused (a down server) or failed (an unreachable host), 12030
// connection reset (a server that went down with the request inside), and
// 0 for requests that found every server unhealthy under
// arr.allUnhealthyStatus 502.3.
type Win32 struct {
	Timeout      int64 `json:"12002"`
	Refused      int64 `json:"12029"`
	Reset        int64 `json:"12030"`
	AllUnhealthy int64 `json:"0,omitempty"`
}

// Rates are per-request shares, mean over replications with a 95 % CI.
type Rates struct {
	R5023 Rate `json:"502.3"`
	R5024 Rate `json:"502.4"`
	R5xx  Rate `json:"5xx"`
	R503  Rate `json:"503"`
}

// Rate is a mean and its 95 % confidence interval (rateOfCounts: counts
// deflated by how clustered they are). With one replication the interval
// is [0, 1]: nothing is known about the spread.
type Rate struct {
	Mean float64    `json:"mean"`
	CI95 [2]float64 `json:"ci95"`
	// Bound is "rule_of_three" when no replication saw an event: the
	// interval over replications would be 0 .. 0, which claims a certainty
	// the run does not have, so CI95[1] is 3 VIF / N for N requests in
	// all (the 95 % upper bound of a rate with zero events in N / VIF
	// independent trials).
	Bound string `json:"bound,omitempty"`
}

// UntilCI says how a run under Options.UntilCI ended.
type UntilCI struct {
	// Target is the wanted 502.3 CI half-width as a share of its mean.
	Target float64 `json:"target"`
	// Reached is false when the run stopped at MaxReplications first.
	Reached         bool `json:"reached"`
	MaxReplications int  `json:"max_replications"`
	// HalfWidthShare is the half-width reached, as a share of the mean (0
	// when the mean is 0).
	HalfWidthShare float64 `json:"half_width_share"`
}

// Percentiles of client-observed time (time-taken), 502s included at their
// time-taken, in milliseconds; within 0.1 % (log buckets) except max.
type Percentiles struct {
	P50  float64 `json:"p50"`
	P90  float64 `json:"p90"`
	P99  float64 `json:"p99"`
	P999 float64 `json:"p999"`
	Max  float64 `json:"max"`
}

// ServerResult is one server of the farm.
type ServerResult struct {
	Address  string `json:"address"`
	Requests int64  `json:"requests"`
	S5023    int64  `json:"502.3"`
	Timeout  int64  `json:"502.3_12002"`
	Refused  int64  `json:"502.3_12029"`
	Reset    int64  `json:"502.3_12030"`
	S5xx     int64  `json:"5xx"`
	S503     int64  `json:"503"`
	// Utilization is busy slot time over window x concurrency, a fraction
	// of capacity (mean over replications). A server with unlimited
	// concurrency has unlimited capacity, so its share is 0: the
	// contract's field stays a number, and MeanInService says how busy
	// such a server is.
	Utilization float64 `json:"utilization"`
	// MeanInService is the mean number of requests (and probes) the
	// server works on at once.
	MeanInService float64 `json:"mean_in_service"`
	Concurrency   int     `json:"concurrency"` // 0: unlimited
	// Probes and ProbesFailed count URL-test probes answered (or failed)
	// inside the window, over all replications.
	Probes       int64 `json:"probes"`
	ProbesFailed int64 `json:"probes_failed"`
	// UnhealthyS is the mean unhealthy time per replication.
	UnhealthyS float64 `json:"unhealthy_s"`
	Enabled    bool    `json:"enabled"`
}

// FaultResult attributes 502.3 and 503 to one scenario event: requests
// sent to its server while it was the latest active fault there, and the
// requests inside the server that it froze, paused or reset.
type FaultResult struct {
	At     string `json:"at"`
	Server string `json:"server"`
	Fault  string `json:"fault"`
	For    string `json:"for,omitempty"`
	S5023  int64  `json:"502.3"`
	// The 502.3 by WinHTTP error.
	Timeout int64 `json:"502.3_12002"`
	Refused int64 `json:"502.3_12029"`
	Reset   int64 `json:"502.3_12030"`
	S503    int64 `json:"503"`
}

// Series is a per-second time series.
type Series struct {
	StepS    float64  `json:"step_s"`
	Requests []uint64 `json:"requests"`
	S5023    []uint64 `json:"502.3"`
	S5024    []uint64 `json:"502.4"`
	S5xx     []uint64 `json:"5xx"`
}

func rate(n, of int64) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}

func rateOf(counts []repCounts, count func(*repCounts) int64) Rate {
	events, requests := make([]int64, len(counts)), make([]int64, len(counts))
	for i := range counts {
		events[i], requests[i] = count(&counts[i]), counts[i].requests()
	}
	return rateOfCounts(events, requests, nil)
}

// rate5023 is the 502.3 rate, with the replications' tail counts as the
// stand-in that shows how clustered timeouts are when they are too few to
// show it themselves.
func rate5023(counts []repCounts) Rate {
	events, requests := make([]int64, len(counts)), make([]int64, len(counts))
	tails := make([][tailRungs]int64, len(counts))
	for i := range counts {
		events[i], requests[i], tails[i] = counts[i].e5023(), counts[i].requests(), counts[i].tail
	}
	return rateOfCounts(events, requests, pickProxy(byRung(tails)))
}

// byRung turns per-replication tail counts into per-rung lists.
func byRung(tails [][tailRungs]int64) [][]int64 {
	rungs := make([][]int64, tailRungs)
	for k := range rungs {
		rungs[k] = make([]int64, len(tails))
		for i := range tails {
			rungs[k][i] = tails[i][k]
		}
	}
	return rungs
}

// minClusterEvents is how many events a count needs before its spread over
// replications is taken as the measure of how clustered it is: well above
// the 384 that validation.md 4.1 asks for a rate within 10 %.
const minClusterEvents = 1000

// pickProxy returns, of per-replication counts at thresholds that fall
// from the timeout (rungs[0] the closest), the first with enough events to
// measure clustering, or the last (the most events) when none has.
func pickProxy(rungs [][]int64) []int64 {
	var last []int64
	for _, r := range rungs {
		var n int64
		for _, x := range r {
			n += x
		}
		if n >= minClusterEvents {
			return r
		}
		if n > 0 {
			last = r
		}
	}
	return last
}

// rateOfCounts is the rate of events[i] in requests[i] over replications.
//
// Events such as timeouts come in bursts while queues are long, so the
// requests of a run are not independent trials: a run of N requests
// counts as N / VIF independent ones (validation.md 4.1), the variance
// inflation factor VIF measured by how much more the replications'
// counts spread than independent trials would. The interval is then the
// Clopper-Pearson interval of the effective counts, which, unlike a
// Student t interval over a few replications, keeps its 95 % when the
// events are rare and lopsided (one replication holding most of them). A
// rare count cannot measure its own clustering, so proxy, when given, is
// a more frequent count of the same kind (requests slower than half the
// timeout for 502.3), whose spread stands in for it. With no event the
// upper bound is the rule of three on the effective count, 3 VIF / N.
// Mean stays the mean of the replications' rates. Where a count holds so
// few effective events a replication that most replications see none, the
// stand-in's VIF replaces the count's own (effectiveCounts). Measured
// against exact values (coverage_test.go), coverage is within [0.93,
// 0.97] wherever the runs see enough events (ten short replications at a
// rare rate cover nearly always, and check calls them uncertain),
// including under --until-ci at 0.01 % and 90 % load (0.962 over fresh
// seeds 1001-1500), which was conservative (0.978) before that rule. The
// variants tried are replayed in coverage_record_test.go.
func rateOfCounts(events, requests, proxy []int64) Rate {
	m, e, n, vif := effectiveCounts(events, requests, proxy)
	return effectiveRate(m, e, n, vif, len(events))
}

// effectiveRate is rateOfCounts' interval for mean m, pooled events e in
// requests n over reps replications, counted as independent trials
// divided by vif.
func effectiveRate(m, e, n, vif float64, reps int) Rate {
	if n == 0 {
		return Rate{CI95: [2]float64{0, 1}}
	}
	if e == 0 {
		return Rate{Mean: 0, CI95: [2]float64{0, math.Min(1, 3*vif/n)}, Bound: "rule_of_three"}
	}
	if reps < 2 {
		return Rate{Mean: m, CI95: [2]float64{0, 1}}
	}
	ee, ne := e/vif, n/vif
	lo, hi := 0.0, 1.0
	if ee < ne {
		lo = distuv.Beta{Alpha: ee, Beta: ne - ee + 1}.Quantile(0.025)
		hi = distuv.Beta{Alpha: ee + 1, Beta: ne - ee}.Quantile(0.975)
	}
	return Rate{Mean: m, CI95: [2]float64{math.Min(lo, m), math.Max(hi, m)}}
}

// effectiveCounts is rateOfCounts' mean of the replications' rates m, its
// pooled events e in requests n, and the variance inflation factor vif
// that divides both into effective counts: flooredCounts' VIF, or, where
// that leaves fewer than sparseEffective effective events a replication,
// the stand-in's alone. There most replications see no burst, and the
// count's own spread, set by the few that do, rises with its estimate, so
// the seeds whose estimate ran high got the widest intervals; the stand-in
// (requests slower than half the timeout) clusters as the timeouts do at
// such rates (pooled VIF 312 against 327 at 0.01 %). Chosen on seeds
// 1-1000 and confirmed on fresh seeds 1001-1500 (docs/simulation.md), on
// runs of sparseMinReps replications or more: with fewer, a count's
// effective events are few because flooredCounts widens its own VIF for
// the few replications that measured it ((t/z)^2 is 42 at two), not
// because bursts are rare, and that widening stays.
func effectiveCounts(events, requests, proxy []int64) (m, e, n, vif float64) {
	m, e, n, vif = flooredCounts(events, requests, proxy)
	if len(events) < sparseMinReps {
		return m, e, n, vif
	}
	if est, ok := dispersion(proxy, requests); ok && proxy != nil && e/(float64(len(events))*vif) < sparseEffective {
		vif = math.Max(1, est)
	}
	return m, e, n, vif
}

// sparseEffective is effectiveCounts' threshold, in effective events a
// replication: at the --until-ci stop about 0.66 at 1 %, 0.054 at 0.1 %
// and 0.033 at 0.01 % (M/M/4 at 90 % load); 0.2 is the geometric middle
// of 0.054 and 0.66. sparseMinReps is the fewest replications the rule
// was judged at: every coverage cell starts at ten.
const (
	sparseEffective = 0.2
	sparseMinReps   = 10
)

// flooredCounts is effectiveCounts before the sparse rule: the count's
// own VIF, with the stand-in's as a floor.
func flooredCounts(events, requests, proxy []int64) (m, e, n, vif float64) {
	for i := range events {
		m += rate(events[i], requests[i])
		e += float64(events[i])
		n += float64(requests[i])
	}
	m /= float64(max(len(events), 1))
	if n == 0 {
		return m, e, n, 1
	}
	// A VIF measured over R replications is itself uncertain; widening it
	// by (t_{R-1} / z)^2 makes the interval the Student t interval where
	// counts are large, and keeps its skew where they are not. The
	// stand-in sets a floor on clustering, unwidened, where the count is
	// too rare to measure its own (below minClusterEvents) or the stand-in
	// is clearly clustered (VIF above 2, which independent trials over ten
	// replications exceed about 4 % of the time): a count's spread over a
	// few lopsided replications understates its clustering. Where nothing
	// measured it, requests count as independent trials. The choices are
	// held to coverage_test.go's cells.
	vif = 1.0
	if est, ok := dispersion(events, requests); ok {
		t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(len(events) - 1)}.Quantile(0.975)
		vif = math.Max(0.1, est*t*t/(zNormal975*zNormal975))
	}
	if proxy != nil {
		if est, ok := dispersion(proxy, requests); ok && (e < minClusterEvents || est > 2) {
			vif = math.Max(vif, math.Max(1, est))
		}
	}
	return m, e, n, vif
}

// dispersion is the variance inflation factor of counts over replications:
// the spread of counts[i] around their share of the pooled rate (the
// ratio estimator's variance, as replications differ a little in size)
// over the spread of independent trials at that rate. ok is false with
// fewer than two replications or no event, where nothing is measured.
func dispersion(counts, requests []int64) (vif float64, ok bool) {
	var e, n float64
	for i := range counts {
		e += float64(counts[i])
		n += float64(requests[i])
	}
	r := float64(len(counts))
	if r < 2 || e == 0 || e >= n {
		return 1, false
	}
	p := e / n
	var ss float64
	for i := range counts {
		d := float64(counts[i]) - p*float64(requests[i])
		ss += d * d
	}
	return ss / (r - 1) / (n / r * p * (1 - p)), true
}

// zNormal975 is the standard normal's 97.5 % quantile.
const zNormal975 = 1.959963984540054

// totals are the replications of a run folded together as each is done,
// so that a run keeps its sums and, per replication, only its counts.
// Replications are added in index order: the float sums, and so the
// output bytes, do not depend on the number of workers.
type totals struct {
	p      *plan
	hist   histogram
	window float64
	// noElig and allUnhealthy are sums of seconds per replication.
	noElig, allUnhealthy float64
	out                  [nOutcomes]int64
	series               []seriesTotal
	step                 int64 // ns per series bucket, the widest any replication used
	servers              []serverTotal
	faults               []faultStats
	timeoutFaultOn       int64
	curve                *TimeoutCurve // with plan.curve only
}

type seriesTotal struct{ requests, e5023, e5024, e5xx uint64 }

type serverTotal struct {
	st        serverStats
	busy      float64 // sum of busy slot-ns / window
	unhealthy float64 // sum of unhealthy seconds
}

func newTotals(p *plan) *totals {
	t := &totals{p: p, step: 1e9, servers: make([]serverTotal, len(p.servers)), faults: make([]faultStats, len(p.faults))}
	if p.curve {
		t.curve = &TimeoutCurve{MaxS: int(p.timeout / int64(time.Second))}
	}
	return t
}

// add folds one replication into the totals.
func (t *totals) add(r *repStats) {
	t.hist.merge(&r.hist)
	t.window += float64(r.window)
	for o, n := range r.out {
		t.out[o] += n
	}
	t.noElig += float64(r.noEligNs) / 1e9
	t.allUnhealthy += float64(r.allUnhealthyNs) / 1e9
	t.timeoutFaultOn += r.timeoutFaultOn
	for r.step > t.step {
		t.coarsen()
	}
	ratio := int(t.step / r.step) // powers of two seconds, so exact
	for k, sec := range r.series {
		i := k / ratio
		for len(t.series) <= i {
			t.series = append(t.series, seriesTotal{})
		}
		s := &t.series[i]
		s.requests += uint64(sec.Requests)
		s.e5023 += uint64(sec.E5023)
		s.e5024 += uint64(sec.E5024)
		s.e5xx += uint64(sec.E5xx)
	}
	for i := range t.servers {
		st, sv := r.servers[i], &t.servers[i]
		sv.st.requests += st.requests
		for o, n := range st.out {
			sv.st.out[o] += n
		}
		sv.st.probes += st.probes
		sv.st.probeFails += st.probeFails
		if r.window > 0 {
			sv.busy += r.busy[i] / float64(r.window)
		}
		sv.unhealthy += float64(r.unhealthy[i]) / 1e9
	}
	for k := range t.faults {
		f, g := &t.faults[k], &r.faults[k]
		f.e5023 += g.e5023
		f.e503 += g.e503
		f.timeout += g.timeout
		f.refused += g.refused
		f.reset += g.reset
	}
	if t.curve != nil {
		t.curve.Requests = append(t.curve.Requests, r.requests())
		t.curve.Fixed = append(t.curve.Fixed, r.curve.fixed)
		t.curve.BySec = append(t.curve.BySec, r.curve.bySec)
		t.curve.tail = append(t.curve.tail, r.tail)
	}
}

// coarsen doubles the step of the summed series.
func (t *totals) coarsen() {
	t.series = mergePairs(t.series, func(b *seriesTotal, o seriesTotal) {
		b.requests += o.requests
		b.e5023 += o.e5023
		b.e5024 += o.e5024
		b.e5xx += o.e5xx
	})
	t.step *= 2
}

func aggregate(p *plan, t *totals, counts []repCounts) *Result {
	sc := p.sc
	res := &Result{Seed: sc.Seed, Replications: len(counts), WarmupS: sc.Warmup.Seconds()}
	f := FarmResult{
		Name:                p.farm.Name,
		Algorithm:           algNames[p.alg],
		ConfiguredAlgorithm: p.configured,
		AlgorithmNote:       p.note,
		Notes:               append([]string(nil), p.notes...),
		TimeoutS:            time.Duration(p.timeout).Seconds(),
		TimeoutSemantics:    "proxy",
		Series:              Series{StepS: float64(t.step) / 1e9},
	}
	if p.cancel {
		f.TimeoutSemantics = "cancel"
	}
	f.Outcomes.S2xx = t.out[o2xx]
	f.Outcomes.S4xx = t.out[o4xx]
	f.Outcomes.S5xx = t.out[o5xx]
	f.Outcomes.S503 = t.out[o503]
	f.Win32.Timeout = t.out[oTimeout]
	f.Win32.Refused = t.out[oRefused]
	f.Win32.Reset = t.out[oReset]
	f.Win32.AllUnhealthy = t.out[oAllUnhealthy]
	f.TimeoutFaultOn = t.timeoutFaultOn
	f.Outcomes.S5024 = t.out[oNoServer]
	n := len(t.series)
	f.Series.Requests, f.Series.S5023 = make([]uint64, n), make([]uint64, n)
	f.Series.S5024, f.Series.S5xx = make([]uint64, n), make([]uint64, n)
	for k, s := range t.series {
		f.Series.Requests[k], f.Series.S5023[k], f.Series.S5024[k], f.Series.S5xx[k] = s.requests, s.e5023, s.e5024, s.e5xx
	}
	nr := float64(len(counts))
	res.DurationS = t.window / nr / 1e9
	f.NoEligibleS = t.noElig / nr
	f.AllUnhealthyS = round6(t.allUnhealthy / nr)
	if f.AllUnhealthyS > 0 {
		// arr-reference.md 10: the two Microsoft sources disagree.
		if p.unhealthy503 {
			f.Notes = append(f.Notes, fmt.Sprintf("every server was unhealthy for %s per replication: requests then got 502.3, as the ARR events page says (arr.allUnhealthyStatus 502.3); the 502 troubleshooting article says 502.4", human.Seconds(f.AllUnhealthyS)))
		} else {
			f.Notes = append(f.Notes, fmt.Sprintf("every server was unhealthy for %s per replication: requests then got 502.4, as Microsoft's 502 troubleshooting article says; the ARR events page says 502.3 (arr.allUnhealthyStatus)", human.Seconds(f.AllUnhealthyS)))
		}
	}
	f.Outcomes.S5023 = f.Win32.Timeout + f.Win32.Refused + f.Win32.Reset + f.Win32.AllUnhealthy
	f.Requests = f.Outcomes.S2xx + f.Outcomes.S4xx + f.Outcomes.S5xx + f.Outcomes.S503 + f.Outcomes.S5023 + f.Outcomes.S5024
	f.Rates = Rates{
		R5023: rate5023(counts),
		R5024: rateOf(counts, func(r *repCounts) int64 { return r.out[oNoServer] }),
		R5xx:  rateOf(counts, func(r *repCounts) int64 { return r.out[o5xx] }),
		R503:  rateOf(counts, func(r *repCounts) int64 { return r.out[o503] }),
	}
	ms := func(ns float64) float64 { return math.Round(ns/1e3) / 1e3 } // ms, µs resolution
	hist := &t.hist
	f.LatencyMS = Percentiles{
		P50: ms(hist.quantile(0.5)), P90: ms(hist.quantile(0.9)), P99: ms(hist.quantile(0.99)),
		P999: ms(hist.quantile(0.999)), Max: ms(float64(hist.max)),
	}
	f.TimeTaken = hist.ccdf()
	for i, ps := range p.servers {
		sv := &t.servers[i]
		sr := ServerResult{Address: ps.addr, Concurrency: int(ps.conc), Enabled: ps.enabled,
			Requests: sv.st.requests, Timeout: sv.st.out[oTimeout], Refused: sv.st.out[oRefused], Reset: sv.st.out[oReset],
			S5xx: sv.st.out[o5xx], S503: sv.st.out[o503], Probes: sv.st.probes, ProbesFailed: sv.st.probeFails}
		sr.S5023 = sr.Timeout + sr.Refused + sr.Reset
		sr.MeanInService = round6(sv.busy / nr)
		if ps.conc > 0 {
			sr.Utilization = round6(sv.busy / nr / float64(ps.conc))
		}
		sr.UnhealthyS = round6(sv.unhealthy / nr)
		f.Servers = append(f.Servers, sr)
	}
	for k, pf := range p.faults {
		fr := FaultResult{At: pf.ev.At.String(), Server: pf.ev.Server, Fault: string(pf.ev.Fault),
			S5023: t.faults[k].e5023, Timeout: t.faults[k].timeout, Refused: t.faults[k].refused, Reset: t.faults[k].reset, S503: t.faults[k].e503}
		if pf.ev.For > 0 {
			fr.For = pf.ev.For.String()
		}
		f.Faults = append(f.Faults, fr)
	}
	f.NoEligibleS = round6(f.NoEligibleS)
	f.printable()
	res.Farms = []FarmResult{f}
	return res
}

// NoteLines are the notes the text report prints for the farm (each
// after "note: "), safe to print: the algorithm as simulated when it
// differs from the configured one, then the other assumptions and
// warnings (Notes). recommend prints them with its answer.
func (f *FarmResult) NoteLines() []string {
	var out []string
	if f.AlgorithmNote != "" {
		out = append(out, fmt.Sprintf("configured %s; %s", f.ConfiguredAlgorithm, f.AlgorithmNote))
	}
	return append(out, f.Notes...)
}

// WriteNotes writes notes as the text report prints a farm's, one
// indented "note:" line each; recommend prints its notes through it too.
func WriteNotes(b *strings.Builder, notes []string) {
	for _, n := range notes {
		fmt.Fprintf(b, "  note: %s\n", n)
	}
}

// printable masks secrets and escapes control characters in the text that
// comes from the configuration or the scenario (farm name, server
// addresses written as user:password@host, notes quoting them), so that
// text, JSON and HTML reports are safe to print and to publish.
func (f *FarmResult) printable() {
	f.Name = schema.Printable(f.Name)
	f.AlgorithmNote = schema.Printable(f.AlgorithmNote)
	for i := range f.Notes {
		f.Notes[i] = schema.Printable(f.Notes[i])
	}
	for i := range f.Servers {
		f.Servers[i].Address = printableAddress(f.Servers[i].Address)
	}
	for i := range f.Faults {
		f.Faults[i].Server = printableAddress(f.Faults[i].Server)
	}
}

// printableAddress masks the credentials of user:password@host.
func printableAddress(a string) string {
	if at := strings.LastIndexByte(a, '@'); at >= 0 {
		a = schema.Mask + a[at:]
	}
	return schema.Printable(a)
}

func round6(x float64) float64 { return math.Round(x*1e6) / 1e6 }

// WriteJSON writes the result as indented JSON (the Simulate contract).
func (r *Result) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("writing simulation JSON: %w", err)
	}
	return nil
}

// WriteText writes a report a person reads in ten seconds: the rates with
// their intervals, what caused them, and what was simulated.
func (r *Result) WriteText(w io.Writer) error {
	var b strings.Builder
	for _, f := range r.Farms {
		fmt.Fprintf(&b, "farm %s: %s, timeout %s, %d replication(s) x %s (warm-up %s discarded), seed %d\n",
			f.Name, f.Algorithm, human.Seconds(f.TimeoutS), r.Replications, human.Seconds(r.DurationS), human.Seconds(r.WarmupS), r.Seed)
		WriteNotes(&b, f.NoteLines())
		fmt.Fprintf(&b, "\n  %d requests\n", f.Requests)
		ci := func(x Rate) string {
			if x.Bound == "rule_of_three" {
				// rateOfCounts' bound is 3 VIF / N: say when the
				// requests counted as fewer independent ones.
				if vif := x.CI95[1] * float64(f.Requests) / 3; x.CI95[1] < 1 && vif > 1.005 {
					return fmt.Sprintf("none seen; 95%% upper bound %s (rule of three on %d requests counted as %.0f independent ones: slow requests come in bursts here)", human.Percent(x.CI95[1]), f.Requests, float64(f.Requests)/vif)
				}
				return fmt.Sprintf("none seen; 95%% upper bound %s (rule of three: 3 / %d requests)", human.Percent(x.CI95[1]), f.Requests)
			}
			if r.Replications < 2 {
				return "(one replication: no interval)"
			}
			return fmt.Sprintf("95%% CI %s .. %s", human.Percent(x.CI95[0]), human.Percent(x.CI95[1]))
		}
		fmt.Fprintf(&b, "  502.3  %8s  %s   timeouts %d, refused %d, reset %d", human.Percent(f.Rates.R5023.Mean), ci(f.Rates.R5023), f.Win32.Timeout, f.Win32.Refused, f.Win32.Reset)
		if f.Win32.AllUnhealthy > 0 {
			fmt.Fprintf(&b, ", all servers unhealthy %d", f.Win32.AllUnhealthy)
		}
		b.WriteString("\n")
		fmt.Fprintf(&b, "  502.4  %8s  %s", human.Percent(f.Rates.R5024.Mean), ci(f.Rates.R5024))
		if f.NoEligibleS > 0 {
			fmt.Fprintf(&b, "   no eligible server for %s per replication", human.Seconds(f.NoEligibleS))
		}
		b.WriteString("\n")
		if f.Outcomes.S5xx > 0 {
			fmt.Fprintf(&b, "  5xx    %8s  %s   answered by backends\n", human.Percent(f.Rates.R5xx.Mean), ci(f.Rates.R5xx))
		}
		if f.Outcomes.S503 > 0 {
			fmt.Fprintf(&b, "  503    %8s  %s   turned away by the backends' web server (full queue, stopped pool)\n", human.Percent(f.Rates.R503.Mean), ci(f.Rates.R503))
		}
		l := f.LatencyMS
		fmt.Fprintf(&b, "  time-taken  p50 %s  p90 %s  p99 %s  p99.9 %s  max %s\n",
			msText(l.P50), msText(l.P90), msText(l.P99), msText(l.P999), msText(l.Max))

		writeCauses(&b, &f)

		// util is a share of capacity; an unlimited backend has none, so
		// only its mean number in service is shown.
		b.WriteString("\n  server            requests     502.3   util  in service  unhealthy\n")
		for _, s := range f.Servers {
			state := ""
			if !s.Enabled {
				state = "  (disabled)"
			}
			util := "-"
			if s.Concurrency > 0 {
				util = fmt.Sprintf("%.0f%%", 100*s.Utilization)
			}
			fmt.Fprintf(&b, "  %-16s %9d %9d  %5s  %10.2f  %9s%s\n", s.Address, s.Requests, s.S5023, util, s.MeanInService, human.Seconds(s.UnhealthyS), state)
		}
	}
	_, err := io.WriteString(w, b.String())
	if err != nil {
		return fmt.Errorf("writing simulation report: %w", err)
	}
	return nil
}

// writeCauses lists what caused the 502.3 and 503 answers: each fault,
// with its own label per WinHTTP error, then what no fault explains.
func writeCauses(b *strings.Builder, f *FarmResult) {
	if f.Outcomes.S5023 > 0 && (len(f.Faults) > 0 || f.Win32.AllUnhealthy > 0) {
		b.WriteString("\n  502.3 by cause\n")
		line := func(n int64, what string) {
			if n > 0 {
				fmt.Fprintf(b, "    %-7d %5.1f%%  %s\n", n, 100*float64(n)/float64(f.Outcomes.S5023), what)
			}
		}
		rest := f.Win32
		for _, fr := range f.Faults {
			rest.Timeout -= fr.Timeout
			rest.Refused -= fr.Refused
			rest.Reset -= fr.Reset
			name := faultName(fr)
			line(fr.Timeout, name+": "+causeLabel(fr.Fault, oTimeout))
			line(fr.Refused, name+": "+causeLabel(fr.Fault, oRefused))
			line(fr.Reset, name+": "+causeLabel(fr.Fault, oReset))
		}
		line(f.TimeoutFaultOn, "no fault on its server, sent during a fault elsewhere: slow or queued behind the load it moved (12002)")
		line(rest.Timeout-f.TimeoutFaultOn, "no fault: backend slower than the timeout (12002)")
		line(rest.Refused, "no fault: connection refused (12029)")
		line(rest.Reset, "no fault: connection reset (12030)")
		line(rest.AllUnhealthy, "every server unhealthy, answered 502.3 (arr.allUnhealthyStatus)")
	}
	if f.Outcomes.S503 > 0 {
		b.WriteString("\n  503 by cause\n")
		rest := f.Outcomes.S503
		line := func(n int64, what string) {
			if n > 0 {
				fmt.Fprintf(b, "    %-7d %5.1f%%  %s\n", n, 100*float64(n)/float64(f.Outcomes.S503), what)
			}
		}
		for _, fr := range f.Faults {
			rest -= fr.S503
			what := "queue full (backends.queueLength, the http.sys queue)"
			if fr.Fault == string(FaultStopped) {
				what = "application pool stopped"
			}
			line(fr.S503, faultName(fr)+": "+what)
		}
		line(rest, "queue full (backends.requestQueueLimit or queueLength)")
	}
}

// QueueFull503 counts the 503 answers of a full backend queue (ASP.NET's
// requestQueueLimit, or the pool's http.sys queueLength while its worker
// takes no requests), the 503s of a stopped pool left out: with these
// limits an overload shows as requests turned away at once, not as a
// queue that grows all run long.
func (f FarmResult) QueueFull503() int64 { return f.queueFull503("", f.Outcomes.S503) }

// queueFull503 is n, a count of 503 answers on the server at addr ("" for
// the whole farm), less those a stopped pool there gave.
func (f FarmResult) queueFull503(addr string, n int64) int64 {
	for _, fr := range f.Faults {
		if fr.Fault == string(FaultStopped) && (addr == "" || fr.Server == addr) {
			n -= fr.S503
		}
	}
	return n
}

func faultName(fr FaultResult) string {
	dur := " to the end"
	switch {
	case fr.For != "":
		dur = " for " + fr.For
	case fr.Fault == string(FaultRecycle) || fr.Fault == string(FaultProxyRecycle):
		// an instant: the new worker starts at once; it does not last
		dur = ""
	}
	return fmt.Sprintf("%s on %s at %s%s", fr.Fault, fr.Server, fr.At, dur)
}

// causeLabel says what a 502.3 with WinHTTP outcome o means under fault
// kind, so that each cause has its own words in the report.
func causeLabel(kind string, o int) string {
	switch FaultKind(kind) {
	case FaultDown:
		if o == oReset {
			return "inside when it went down, reset (12030)"
		}
		return "connection refused (12029)"
	case FaultUnreachable:
		switch o {
		case oRefused:
			return "new connection failed after TCP's SYN retries (12029)"
		case oTimeout:
			return "no answer within the timeout: frozen inside, on a pooled connection, or connecting (12002)"
		}
	case FaultHang:
		return "never answered: frozen inside or sent while hung (12002)"
	case FaultPause:
		return "paused past the timeout, answered too late (12002)"
	case FaultRecycle:
		if o == oReset {
			return "inside the worker when it recycled, reset (12030)"
		}
		return "waited for the new worker past the timeout (12002)"
	case FaultRemove:
		if o == oReset {
			return "inside when the server was removed, reset (12030)"
		}
	case FaultSlow:
		if o == oTimeout {
			return "slowed past the timeout (12002)"
		}
	}
	switch o {
	case oTimeout:
		return "timed out (12002)"
	case oRefused:
		return "connection refused (12029)"
	}
	return "connection reset (12030)"
}

func msText(ms float64) string { return human.Duration(time.Duration(ms * 1e6)) }
