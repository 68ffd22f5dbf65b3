// Package recommend suggests ARR settings backed by simulation: the
// smallest whole-second proxy timeout that keeps the predicted 502.3 rate
// under a target, health-check settings, and the number of servers that
// carry the scenario's peak. It also runs what-if sweeps (Sweep) and turns
// a recommendation into a minimal edit of the input file (Edits).
package recommend

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/arrfarm/arrfarm/internal/human"
	"github.com/arrfarm/arrfarm/latency"
	"github.com/arrfarm/arrfarm/schema"
	"github.com/arrfarm/arrfarm/simulate"
)

// Options tune Recommend. The zero value is not useful: set Target.
type Options struct {
	// Target is the largest acceptable 502.3 share (0.001 = 0.1 %).
	Target float64
	// LatencyOnly says the scenario was made from a latency source alone
	// (no real traffic): capacity is not computed.
	LatencyOnly bool
	// CapacityTimeout is the timeout the capacity is computed at; 0 means
	// the recommended timeout, or the current one when there is none.
	CapacityTimeout time.Duration
	// BruteForce disables the one-run timeout curve (for comparison).
	BruteForce bool
	// Samples supplies empirical latency samples, Arrivals the requests
	// of a replayed log (both from package observed).
	Samples  simulate.SampleSource
	Arrivals simulate.ArrivalSource
	// Workers is passed to simulate.Options.
	Workers int
	// Tighten lets the timeout be shortened to the headroom value, and
	// the health check take the suggested values, even when the current
	// ones already meet the target (RuleKeep).
	Tighten bool
	// OutagesPerHour is the outage rate the health-check interval is
	// budgeted for when the scenario has no faults; 0 means 1.
	OutagesPerHour float64
}

// Result is a recommendation, shaped as the Recommend JSON contract
// (docs/design.md section 2), with extra fields the contract allows. It is
// plain data so that reports can plot it.
type Result struct {
	Target Target `json:"target"`
	Farms  []Farm `json:"farms"`
	// Skipped are the farms given no recommendation, with why.
	Skipped []Skipped `json:"skipped,omitempty"`
}

// Skipped is a farm left out of the recommendation.
type Skipped struct {
	Name string `json:"name"`
	// Why is SkipDisabled or SkipNoServer.
	Why  string `json:"why"`
	Note string `json:"note"`
}

// Reasons a farm is skipped (Skipped.Why).
const (
	// SkipDisabled: the farm is written enabled="false"; ARR routes nothing
	// to it, so there is no traffic to tune for.
	SkipDisabled = "disabled"
	// SkipNoServer: the farm has no enabled server, so every request gets
	// 502.4 whatever the settings; no setting fixes that.
	SkipNoServer = "no_server"
)

// NoServer lists the farms skipped because they have no enabled server: a
// finding (exit 1), and nothing to write.
func (r *Result) NoServer() []string {
	var names []string
	for _, s := range r.Skipped {
		if s.Why == SkipNoServer {
			names = append(names, s.Name)
		}
	}
	return names
}

// Target is the acceptable 502.3 share.
type Target struct {
	R5023 float64 `json:"502.3"`
}

// Farm is one farm's recommendation.
type Farm struct {
	Name        string      `json:"name"`
	Timeout     Timeout     `json:"timeout"`
	HealthCheck HealthCheck `json:"healthCheck"`
	Capacity    Capacity    `json:"capacity"`
	// Overloaded: offered load at or above what the servers can serve; no
	// timeout fixes that.
	Overloaded bool     `json:"overloaded"`
	Reasons    []string `json:"reasons"`
	// Set is the whole recommendation simulated together.
	Set Set `json:"set"`
	// Notes are the simulation's notes on the set Set describes (what
	// simulate prints as "note:": the algorithm as simulated, queue
	// lengths read from --backend files, overloaded servers, ...), safe
	// to print (simulate.FarmResult.NoteLines).
	Notes []string `json:"notes,omitempty"`

	// Extras.
	Algorithm string  `json:"algorithm"`
	Servers   int     `json:"servers_enabled"`
	PeakRate  float64 `json:"peak_rate"`
	// Utilization is the offered load over capacity of the busiest
	// server (0 with unlimited concurrency).
	Utilization float64 `json:"utilization"`
	// Method is how the timeout was found: "one-run curve" or "search".
	Method string `json:"method,omitempty"`
	// MethodNote says why the one-run curve did not apply.
	MethodNote string `json:"method_note,omitempty"`
	// Curve is the predicted 502.3 rate against the timeout (every
	// second for the one-run curve; the points tried for a search).
	Curve []Point `json:"curve,omitempty"`
}

// Timeout is the protocol/@timeout recommendation.
type Timeout struct {
	CurrentS float64 `json:"current_s"`
	// RecommendedS is nil when no timeout meets the target (an
	// overloaded farm, or 502.3 from faults alone). It is chosen by Rule.
	RecommendedS *int `json:"recommended_s"`
	// MinMeetingS is the smallest whole second whose predicted 502.3
	// rate meets the target with 95 % confidence; nil when none does.
	MinMeetingS *int `json:"min_meeting_s"`
	// PercentileRuleS is the (1 - target) quantile of service time.
	PercentileRuleS float64        `json:"percentile_rule_s"`
	Predicted5023   *simulate.Rate `json:"predicted_502_3"`
	// Rule says what chose RecommendedS: RuleKeep or RuleHeadroom.
	Rule string `json:"rule,omitempty"`
	// Current5023 is the predicted 502.3 rate at the current timeout.
	Current5023 *simulate.Rate `json:"current_502_3,omitempty"`
}

// HealthCheck holds suggested healthCheck settings.
type HealthCheck struct {
	IntervalS  float64 `json:"interval_s"`
	TimeoutS   float64 `json:"timeout_s"`
	MinServers int     `json:"minServers"`
	// Current values, and whether the farm has a URL test to apply them to.
	CurrentIntervalS  float64 `json:"current_interval_s"`
	CurrentTimeoutS   float64 `json:"current_timeout_s"`
	CurrentMinServers int     `json:"current_minServers"`
	URLTest           bool    `json:"url_test"`
	// Rule says what chose the values: RuleKeep (the current ones meet
	// the target), RuleSuggest (health's suggestions, verified); empty
	// when the current values stay because no suggestion met.
	Rule string `json:"rule,omitempty"`
	// Why each value is what it is, for the reasons verify writes.
	IntervalWhy   string `json:"-"`
	MinServersWhy string `json:"-"`
}

// Capacity is the number of servers that keep 502.3, 502.4 and 503 under
// the target at the peak rate.
type Capacity struct {
	Servers       *int           `json:"servers"`
	ServersNPlus1 *int           `json:"servers_n_plus_1"`
	Predicted5023 *simulate.Rate `json:"predicted_502_3"`
	Predicted5024 *simulate.Rate `json:"predicted_502_4,omitempty"`
	// Predicted503 is the backends' 503 rate (full request queue) at
	// Servers: held to the target like 502.3 and 502.4.
	Predicted503 *simulate.Rate `json:"predicted_503,omitempty"`
	TimeoutS     float64        `json:"timeout_s"`
	// Add lists, when the farm as written misses the target, how many
	// servers like each kind of its servers to add (any one of them).
	Add []Add `json:"add,omitempty"`
	// Tried lists the server sets simulated: how many servers each had,
	// with its 502.3 rate; Added and Out say what the set was.
	Tried []Point `json:"tried,omitempty"`
	// QueueLength is set when no server count meets the target because
	// the 503s come from the pools' http.sys queues overflowing while the
	// workers take no requests (the scenario's pauses and recycles): the
	// queueLength that holds them with the farm's own servers.
	QueueLength *QueueAdvice `json:"queue_length,omitempty"`
}

// QueueAdvice is the application pools' queueLength (the http.sys queue a
// paused or starting worker leaves requests in) that keeps a farm within
// the target, simulated with the farm's own servers at the peak.
type QueueAdvice struct {
	// Current is the smallest queueLength of the farm's servers.
	Current int `json:"current"`
	// Needed is the smallest value, the same for every server, that meets
	// the target (ones in between are not simulated).
	Needed        int           `json:"needed"`
	Predicted5023 simulate.Rate `json:"predicted_502_3"`
	Predicted5024 simulate.Rate `json:"predicted_502_4"`
	Predicted503  simulate.Rate `json:"predicted_503"`
	// Servers is how many servers the queue arithmetic says it would take
	// instead, each holding Current of what the longest pause brings at
	// the peak: ceil(peak x pause / Current).
	Servers int `json:"servers_instead"`
	// PauseS is that longest pause (or recycle start-up), in seconds.
	PauseS float64 `json:"pause_s"`
}

// Point is one simulated value with its 502.3 rate (mean and 95 % CI).
type Point struct {
	X    float64       `json:"x"`
	Rate simulate.Rate `json:"502.3"`
	// Added is the server whose copies were added to the farm as written
	// (capacity, when the farm misses); empty for the farm's own servers.
	Added string `json:"added,omitempty"`
	// Out is the server taken out of a farm of X+1 (capacity's N+1 test).
	Out string `json:"out,omitempty"`
	// R503 is the set's 503 rate (capacity only): a set can miss on 503
	// alone, a backend's full request queue, with no 502.3 at all.
	R503 *simulate.Rate `json:"503,omitempty"`
}

// meets is the acceptance rule for a predicted rate: its upper 95 % bound
// is at or under the target, so a recommendation holds with confidence
// and not only on average.
func meets(r simulate.Rate, target float64) bool { return r.CI95[1] <= target }

// meetsAll holds 502.3, 502.4 and 503 to the target: a set is judged by
// every failure it answers with. A probe that marks every server
// unhealthy turns 502.3 into 502.4, and a backend whose request queue is
// full turns it into 503 (at once, instead of a timeout); neither is
// success.
func meetsAll(r [3]simulate.Rate, target float64) bool {
	return meets(r[0], target) && meets(r[1], target) && meets(r[2], target)
}

// Recommend recommends settings for each farm sc can drive in cfg: the
// scenario's farm, else every farm the scenario fits. cfg is not changed.
func Recommend(cfg *schema.Config, sc *simulate.Scenario, opts Options) (*Result, error) {
	if !(opts.Target > 0 && opts.Target < 1) {
		return nil, fmt.Errorf("the target 502.3 share must be between 0 and 1, not %g", opts.Target)
	}
	farms, err := farmsFor(cfg, sc)
	if err != nil {
		return nil, err
	}
	res := &Result{Target: Target{R5023: opts.Target}}
	for _, name := range farms {
		farm := cfg.Farm(name)
		if !farm.Enabled {
			res.Skipped = append(res.Skipped, Skipped{name, SkipDisabled, fmt.Sprintf(
				"farm %q is disabled (enabled=\"false\"): ARR sends it no request, so there is nothing to tune; enable it first", name)})
			continue
		}
		if enabledServers(farm) == 0 {
			res.Skipped = append(res.Skipped, Skipped{name, SkipNoServer, fmt.Sprintf(
				"farm %q has no enabled server: every request routed to it gets 502.4, whatever the timeout or health check; add or enable a server", name)})
			continue
		}
		f, err := recommendFarm(cfg, sc, name, opts)
		if err != nil {
			return nil, fmt.Errorf("recommending for farm %q: %w", name, err)
		}
		res.Farms = append(res.Farms, *f)
	}
	return res, nil
}

// farmsFor lists the farms to recommend for.
func farmsFor(cfg *schema.Config, sc *simulate.Scenario) ([]string, error) {
	if sc.Farm != "" || len(cfg.Farms) <= 1 {
		if fs := sc.Check(cfg); len(fs) > 0 {
			return nil, &simulate.FindingsError{Findings: fs}
		}
		f, err := sc.TargetFarm(cfg)
		if err != nil {
			return nil, err
		}
		return []string{f.Name}, nil
	}
	var names []string
	var first []schema.Finding
	for _, f := range cfg.Farms {
		c := *sc
		c.Farm = f.Name
		if fs := c.Check(cfg); len(fs) > 0 {
			if first == nil {
				first = fs
			}
			continue
		}
		names = append(names, f.Name)
	}
	if len(names) == 0 {
		return nil, &simulate.FindingsError{Findings: first}
	}
	return names, nil
}

// farmRun is one farm under study: a private copy of the configuration in
// which the farm's timeout can be changed, and the scenario aimed at it.
type farmRun struct {
	cfg  *schema.Config
	farm *schema.Farm
	sc   *simulate.Scenario
	opts Options
	alg  string // the algorithm as simulated
	// log, when set, replaces simulated 502.3 rates by what the latency
	// log's sample can bound (recommend --latency LOG).
	log *logBound
	// cloneOf maps the address of a server capacity added to the
	// address of the server it copies.
	cloneOf map[string]string
}

func newFarmRun(cfg *schema.Config, sc *simulate.Scenario, name string, opts Options) *farmRun {
	c := *cfg
	c.Farms = slices.Clone(cfg.Farms)
	var farm *schema.Farm
	for i, f := range c.Farms {
		if f.Name == name {
			cp := *f
			c.Farms[i] = &cp
			farm = &cp
		}
	}
	s := *sc
	s.Farm = name
	return &farmRun{cfg: &c, farm: farm, sc: &s, opts: opts, cloneOf: map[string]string{}}
}

// run simulates with the farm's timeout set to t.
func (fr *farmRun) run(t time.Duration, curve bool) (*simulate.Result, error) {
	fr.farm.Protocol.Timeout = t
	res, err := simulate.Run(fr.cfg, fr.sc, fr.simOptions(curve))
	if err == nil {
		fr.alg = res.Farms[0].Algorithm
	}
	return res, err
}

func (fr *farmRun) simOptions(curve bool) simulate.Options {
	return simulate.Options{Workers: fr.opts.Workers, Samples: fr.opts.Samples, Arrivals: fr.opts.Arrivals, TimeoutCurve: curve}
}

func recommendFarm(cfg *schema.Config, sc *simulate.Scenario, name string, opts Options) (*Farm, error) {
	fr := newFarmRun(cfg, sc, name, opts)
	var err error
	if fr.log, err = newLogBound(fr.sc, opts); err != nil {
		return nil, err
	}
	bg := fr.blueGreen()
	farm := fr.farm
	current := farm.Protocol.Timeout
	out := &Farm{Name: name, Servers: enabledServers(farm), PeakRate: peakRate(fr.sc)}
	if bg != "" {
		out.Reasons = append(out.Reasons, bg)
	}
	if opts.LatencyOnly {
		out.PeakRate = 0 // the synthetic scenario's rate is not the farm's traffic
	}
	out.Timeout.CurrentS = current.Seconds()

	load, err := offeredLoad(farm, fr.sc, opts.Samples)
	if err != nil {
		return nil, err
	}
	out.Utilization = round4(load.util)
	out.Overloaded = load.util >= 1
	rule, err := percentileRule(farm, fr.sc, opts.Target, opts.Samples)
	if err != nil {
		return nil, err
	}
	out.Timeout.PercentileRuleS = round3(rule.Seconds())

	if out.Overloaded {
		// ASP.NET's requestQueueLimit bounds what a backend holds: then
		// the overload shows as 503, not as a queue without bound.
		grows := "queues grow without bound"
		if rql := requestQueueLimit(fr.sc, load.busiest); rql > 0 {
			grows = fmt.Sprintf("its queue fills to the backend's requestQueueLimit (%d in service and waiting) and the requests beyond it are turned away with 503 at once", rql)
		}
		out.Reasons = append(out.Reasons, fmt.Sprintf(
			"farm %q is overloaded: at the peak of %s req/s server %s is offered %.0f%% of what it can serve (%s): %s, and no timeout fixes that (a timed-out request keeps its backend slot); add servers (see capacity) or make requests faster",
			name, num(out.PeakRate), load.busiest, 100*load.util, load.how, grows))
	} else {
		if err := fr.timeout(out, rule); err != nil {
			return nil, err
		}
	}
	if err := fr.capacity(out); err != nil {
		return nil, err
	}
	fr.health(out)
	if err := fr.verify(out); err != nil {
		return nil, err
	}
	out.Algorithm = fr.alg
	return out, nil
}

func enabledServers(f *schema.Farm) int {
	n := 0
	for _, s := range f.Servers {
		if s.Enabled && f.Enabled {
			n++
		}
	}
	return n
}

// peakRate is the highest arrival rate of the scenario.
func peakRate(sc *simulate.Scenario) float64 {
	r := sc.Arrivals.Rate
	for _, st := range sc.Arrivals.Schedule {
		r = math.Max(r, st.Rate)
	}
	return r
}

// serverModel is what the scenario says about one server.
func serverModel(sc *simulate.Scenario, addr string) (latency.Model, int) {
	lat, conc := sc.Latency, sc.Concurrency
	if o := sc.Servers[addr]; o != nil {
		if o.Latency.Kind != latency.None {
			lat = o.Latency
		}
		if o.Concurrency != nil {
			conc = *o.Concurrency
		}
	}
	return lat, conc
}

// requestQueueLimit is the requests the backend at addr holds (in
// service and waiting) before it answers 503: the scenario's value for
// that server, else backends.requestQueueLimit; 0 is no limit.
func requestQueueLimit(sc *simulate.Scenario, addr string) int {
	if o := sc.Servers[addr]; o != nil && o.RequestQueueLimit != nil {
		return *o.RequestQueueLimit
	}
	return sc.Backends.RequestQueueLimit
}

type load struct {
	util    float64 // of the busiest server
	busiest string
	how     string
}

// offeredLoad compares each enabled server's share of the peak rate (by
// weight, as round robin spreads it) times its mean service time with its
// concurrency. Unlimited concurrency is never overloaded.
func offeredLoad(f *schema.Farm, sc *simulate.Scenario, src simulate.SampleSource) (load, error) {
	var total float64
	for _, s := range f.Servers {
		if s.Enabled && f.Enabled {
			total += float64(weightOf(s))
		}
	}
	var l load
	peak := peakRate(sc)
	for _, s := range f.Servers {
		if !s.Enabled || !f.Enabled {
			continue
		}
		lat, conc := serverModel(sc, s.Address)
		if conc == 0 {
			continue
		}
		mean, err := meanOf(lat, src)
		if err != nil {
			return l, fmt.Errorf("server %q: %w", s.Address, err)
		}
		rate := peak * float64(weightOf(s)) / total
		u := rate * mean.Seconds() / float64(conc)
		if u > l.util || l.busiest == "" {
			l = load{u, s.Address, fmt.Sprintf("%s req/s x mean service %s / %d slots", num(rate), human.Duration(mean), conc)}
		}
	}
	return l, nil
}

func weightOf(s *schema.Server) int64 {
	if s.ARR.Weight <= 0 {
		return 100
	}
	return s.ARR.Weight
}

// meanOf is a latency model's mean.
func meanOf(l latency.Model, src simulate.SampleSource) (time.Duration, error) {
	switch l.Kind {
	case latency.Fixed:
		return l.Fixed, nil
	case latency.Exponential:
		return l.Mean, nil
	case latency.Lognormal:
		return time.Duration(float64(l.Median) * math.Exp(l.Sigma*l.Sigma/2)), nil
	case latency.Mixture:
		var sum, w float64
		for _, c := range l.Components {
			m, err := meanOf(c.Model, src)
			if err != nil {
				return 0, err
			}
			sum += c.Weight * float64(m)
			w += c.Weight
		}
		if w == 0 {
			return 0, nil
		}
		return time.Duration(sum / w), nil
	case latency.Empirical:
		if src == nil {
			return 0, errors.New("empirical latency needs the log reader, which this build does not have")
		}
		xs, err := src(*l.Empirical)
		if err != nil {
			return 0, err
		}
		var sum float64
		for _, x := range xs {
			sum += float64(x)
		}
		if len(xs) == 0 {
			return 0, nil
		}
		return time.Duration(sum / float64(len(xs))), nil
	}
	return 0, nil
}

// percentileRule is the rule of thumb (AWS Builders' Library): with a
// target false-timeout share p, use the (1-p) quantile of the backend's
// service time; the slowest enabled server's when they differ.
func percentileRule(f *schema.Farm, sc *simulate.Scenario, target float64, src simulate.SampleSource) (time.Duration, error) {
	var q time.Duration
	for _, s := range f.Servers {
		if !s.Enabled {
			continue
		}
		lat, _ := serverModel(sc, s.Address)
		x, err := quantileOf(lat, 1-target, src)
		if err != nil {
			return 0, err
		}
		q = max(q, x)
	}
	return q, nil
}

func quantileOf(l latency.Model, q float64, src simulate.SampleSource) (time.Duration, error) {
	if l.Kind != latency.Empirical {
		return l.Quantile(q), nil
	}
	if src == nil {
		return 0, errors.New("empirical latency needs the log reader, which this build does not have")
	}
	xs, err := src(*l.Empirical)
	if err != nil || len(xs) == 0 {
		return 0, err
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	k := int(math.Ceil(q*float64(len(s)))) - 1
	return s[min(max(k, 0), len(s)-1)], nil
}

func round3(x float64) float64 { return math.Round(x*1e3) / 1e3 }
func round4(x float64) float64 { return math.Round(x*1e4) / 1e4 }
