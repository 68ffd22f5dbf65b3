package simulate

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/arrfarm/arrfarm/latency"
	"github.com/arrfarm/arrfarm/schema"
)

// ConnectFailTime is how long a down server takes to refuse a connection
// (502.3 / 12029).
const ConnectFailTime = time.Millisecond

// ErrorServiceTime is how long a backend takes to answer with an error
// status (the errors share and error faults).
const ErrorServiceTime = time.Millisecond

// RejectTime is how long a backend's web server takes to turn a request
// away with 503 (a full queue, a stopped application pool): http.sys
// answers without the application.
const RejectTime = time.Millisecond

// UnreachableConnectTime is how long connecting to an unreachable host
// (powered off, cable pulled) takes to fail: Windows sends a SYN and, with
// its default TcpMaxSynRetransmissions of 2, retransmits after 3 s and 6 s
// more, then gives up 12 s later: 21 s. A shorter proxy timeout ends the
// attempt first (12002).
const UnreachableConnectTime = 21 * time.Second

// Simulated algorithms. The legacy ones run only with
// arr.legacyAlgorithms; otherwise ARR 3's fallback to WeightedRoundRobin
// is simulated.
const (
	algWRR uint8 = iota
	algLeastRequests
	algLeastResponseTime
	algTotalTraffic
	algHash
)

var algNames = [...]string{schema.WeightedRoundRobin, schema.LeastRequests, schema.LeastResponseTime, schema.WeightedTotalTraffic, schema.RequestHash}

// plan is a scenario compiled against one farm: everything a replication
// needs, resolved once, with times in nanoseconds of replication time.
type plan struct {
	cfg  *schema.Config
	sc   *Scenario
	farm *schema.Farm

	alg        uint8
	configured string // the configuration's algorithm
	note       string // why alg differs from configured, or ""
	notes      []string

	timeout int64
	cancel  bool // timeoutSemantics: cancel
	// idleTimeout: how long an idle kept-alive connection to a backend
	// stays open (backends.idleTimeout); 0: no pooling (protocol/@keepAlive
	// false, or idleTimeout 0), every request opens a new connection.
	idleTimeout int64

	servers []planServer

	urlTest        bool
	interval       int64
	hcTimeout      int64
	statusOK       statusSet
	retries        int  // healthCheck/@retries
	retryImmediate bool // arr.retrySpacing: immediate
	probeSweep     bool // arr.probePhase: sweep (one phase for the farm)
	// strata is how many replications share one grid of probe phases
	// (the scenario's replications): see probePhase.
	strata       int
	retryOther   bool // arr.retryOtherServer
	probeQueue   bool // probes take a slot behind the requests
	probe        sampler
	livePeriod   int64 // 0: live-traffic test off
	liveMax      int
	liveCodes    statusSet
	minServers   int
	minIgnore    bool // arr.minServersSemantics: ignoreHealth
	unhealthy503 bool // arr.allUnhealthyStatus: 502.3
	lrtPeriod    int64

	useCookie  bool
	hashKey    uint8 // what RequestHash hashes: hashPerRequest, hashPerClient or hashConstant
	clients    int   // a fixed population (arrivals.clients), or 0: sessions
	sessLen    float64
	sessNew    float64 // probability that a request starts a new session
	needClient bool

	steps    []rateStep   // steps[0].at == 0
	replay   *replayState // arrivals.replay; nil: Poisson arrivals
	warm     int64
	end      int64 // end of the measured window; 0 in requests mode
	requests int64
	faults   []planFault
	bounds   []faultBound

	seed uint64

	curve bool // record Result.TimeoutCurve
}

// What RequestHash keys a request by. Scenarios have no URLs or headers, so
// each choice is an assumption the output states.
const (
	hashPerRequest uint8 = iota // the URL: many URLs, evenly used: a random split
	hashPerClient               // a server variable: constant within a session
	hashConstant                // a variable that cannot exist: one value for all
)

// maxSessions bounds the running sessions a scenario may imply (memory:
// about 24 bytes each, so 10 M is 240 MB).
const maxSessions = 10_000_000

type planServer struct {
	addr    string
	weight  int64
	enabled bool
	conc    int32 // 0: unlimited
	qlen    int32 // http.sys queue (backends.queueLength); 0: unbounded
	rql     int32 // ASP.NET requestQueueLimit; 0: unbounded
	errors  float64
	svc     sampler
}

type rateStep struct {
	at   int64
	rate float64 // requests per second
}

// planFault is a scenario event resolved to servers and replication time.
type planFault struct {
	ev         *Event
	start, end int64 // end == math.MaxInt64: until the end
	all        bool
	server     int32 // when !all
}

// faultBound is the start or the end of a fault.
type faultBound struct {
	at    int64
	fault int32
	end   bool
}

// statusSet is the schema's status list ("200-399,401", "500-").
type statusSet = schema.StatusSet

var parseStatusSet = schema.ParseStatusSet

// Assignment errors and scenario/config mismatches are reported as
// findings; this error carries them out of Run.
type FindingsError struct {
	Findings []schema.Finding
}

func (e *FindingsError) Error() string {
	if len(e.Findings) == 1 {
		f := e.Findings[0]
		return f.Span.String() + ": " + f.Message
	}
	return fmt.Sprintf("%s: %s (and %d more)", e.Findings[0].Span, e.Findings[0].Message, len(e.Findings)-1)
}

// TargetFarm returns the farm the scenario drives in cfg: the scenario's
// farm, else the farm the rewrite rules route to (see the package
// documentation for how rules match without URLs), else the only farm.
func (sc *Scenario) TargetFarm(cfg *schema.Config) (*schema.Farm, error) {
	if sc.Farm != "" {
		if f := cfg.Farm(sc.Farm); f != nil {
			return f, nil
		}
		return nil, fmt.Errorf("the configuration has no farm %q (it has %s)", sc.Farm, farmNames(cfg))
	}
	var target *schema.Farm
	for _, r := range cfg.Rules {
		if !r.Enabled {
			continue
		}
		if f := r.TargetFarm(cfg); f != nil {
			target = f
			if r.StopProcessing {
				break
			}
		}
	}
	if target != nil {
		return target, nil
	}
	if len(cfg.Farms) == 1 {
		return cfg.Farms[0], nil
	}
	if len(cfg.Farms) == 0 {
		return nil, fmt.Errorf("the configuration defines no farm")
	}
	return nil, fmt.Errorf("no rewrite rule routes to a farm and the configuration has %d farms (%s): name one with farm", len(cfg.Farms), farmNames(cfg))
}

func farmNames(cfg *schema.Config) string {
	var names []string
	for _, f := range cfg.Farms {
		names = append(names, strconv.Quote(f.Name))
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// Check reports what in the scenario does not fit cfg: an unknown farm, a
// server address that is not in the farm. The findings carry the scenario's
// positions.
func (sc *Scenario) Check(cfg *schema.Config) []schema.Finding {
	var out []schema.Finding
	farm, err := sc.TargetFarm(cfg)
	if err != nil {
		return append(out, sc.finding(sc.spans.get("farm"), err.Error()))
	}
	known := map[string]bool{}
	var addrs []string
	for _, s := range farm.Servers {
		known[s.Address] = true
		addrs = append(addrs, strconv.Quote(s.Address))
	}
	list := strings.Join(addrs, ", ")
	keys := make([]string, 0, len(sc.Servers))
	for a := range sc.Servers {
		keys = append(keys, a)
	}
	sort.Strings(keys)
	for _, a := range keys {
		if !known[a] {
			out = append(out, sc.finding(sc.spans.key([]string{"servers", a}),
				fmt.Sprintf("server %q is not in farm %q (its servers: %s)", a, farm.Name, list)))
		}
	}
	for _, e := range sc.Events {
		if e.Server != "*" && !known[e.Server] {
			sp := e.Span
			out = append(out, sc.finding(sp, fmt.Sprintf("server %q is not in farm %q (its servers: %s; \"*\" means all)", e.Server, farm.Name, list)))
		}
	}
	return out
}

func (sc *Scenario) finding(sp schema.Span, msg string) schema.Finding {
	if sp.File == "" {
		sp.File = sc.File
	}
	return schema.Finding{Rule: RuleScenario, Severity: schema.Error, Span: sp, Message: msg}
}

// RuleScenario is the rule slug of scenario findings.
const RuleScenario = "scenario-invalid"

// compile resolves sc against cfg.
func compile(cfg *schema.Config, sc *Scenario, src SampleSource) (*plan, error) {
	if fs := sc.Check(cfg); len(fs) > 0 {
		return nil, &FindingsError{Findings: fs}
	}
	farm, _ := sc.TargetFarm(cfg)
	p := &plan{cfg: cfg, sc: sc, farm: farm, seed: uint64(sc.Seed), strata: max(sc.Replications, 1)}

	p.configured = farm.LoadBalancing.Algorithm
	if p.configured == "" {
		p.configured = schema.WeightedRoundRobin
	}
	switch p.configured {
	case schema.WeightedRoundRobin:
		p.alg = algWRR
	case schema.RequestHash:
		p.alg = algHash
	case schema.LeastRequests, schema.LeastResponseTime, schema.WeightedTotalTraffic:
		if !sc.ARR.LegacyAlgorithms {
			p.alg = algWRR
			p.note = fmt.Sprintf("%s simulated as WeightedRoundRobin: the ARR 3 schema comment (2019) says ARR 3 no longer supports it and falls back, while IIS Manager and older documentation still offer it; set arr.legacyAlgorithms: true to simulate %s as documented", p.configured, p.configured)
			break
		}
		switch p.configured {
		case schema.LeastRequests:
			p.alg = algLeastRequests
		case schema.LeastResponseTime:
			p.alg = algLeastResponseTime
		default:
			p.alg = algTotalTraffic
		}
	default:
		return nil, fmt.Errorf("farm %q: unknown load-balancing algorithm %q", farm.Name, p.configured)
	}
	p.lrtPeriod = int64(farm.LoadBalancing.LeastResponseTimePeriod)
	if p.lrtPeriod <= 0 {
		p.lrtPeriod = int64(5 * time.Second)
	}

	p.timeout = int64(farm.Protocol.Timeout)
	if p.timeout <= 0 {
		return nil, fmt.Errorf("farm %q: protocol timeout %v is not positive", farm.Name, farm.Protocol.Timeout)
	}
	p.cancel = sc.ARR.TimeoutSemantics == "cancel"
	if farm.Protocol.KeepAlive {
		p.idleTimeout = int64(sc.Backends.IdleTimeout)
	}

	def, err := newSampler(sc.Latency, src)
	if err != nil {
		return nil, fmt.Errorf("latency: %w", err)
	}
	if !farm.Enabled {
		// What ARR answers for a disabled farm is undocumented
		// (arr-reference.md 10); assume no server is available: 502.4.
		p.notes = append(p.notes, "farm is disabled (enabled=false): every request is assumed to get 502.4")
	}
	portUsed := map[*schema.Server]bool{} // servers whose httpPort tied them to a pool read
	for _, s := range farm.Servers {
		ps := planServer{addr: s.Address, weight: s.ARR.Weight, enabled: s.Enabled && farm.Enabled, conc: int32(sc.Concurrency), errors: sc.Errors, svc: def,
			qlen: int32(sc.Backends.QueueLength), rql: int32(sc.Backends.RequestQueueLimit)}
		if ps.weight <= 0 {
			ps.weight = 100
		}
		// A backend's pool may set its queue length in a file given: this
		// one for a site of this machine, the machine's
		// applicationHost.config (--backend) for another. The file wins
		// over backends.queueLength, the scenario's per-server value over
		// the file.
		if o := sc.Servers[s.Address]; o == nil || o.QueueLength == nil {
			if n, note, ok := poolQueueLength(cfg, s, ps.qlen); ok {
				ps.qlen = int32(n)
				portUsed[s] = true
				p.notes = append(p.notes, note)
			} else if note != "" {
				p.notes = append(p.notes, note)
			}
		}
		if o := sc.Servers[s.Address]; o != nil {
			if o.Latency.Kind != latency.None {
				if ps.svc, err = newSampler(o.Latency, src); err != nil {
					return nil, fmt.Errorf("server %q latency: %w", s.Address, err)
				}
			}
			if o.Concurrency != nil {
				ps.conc = int32(*o.Concurrency)
			}
			if o.Errors != nil {
				ps.errors = *o.Errors
			}
			if o.QueueLength != nil {
				ps.qlen = int32(*o.QueueLength)
			}
			if o.RequestQueueLimit != nil {
				ps.rql = int32(*o.RequestQueueLimit)
			}
		}
		p.servers = append(p.servers, ps)
	}

	hc := farm.HealthCheck
	p.urlTest = hc.URL != "" && hc.Interval > 0
	p.interval = int64(hc.Interval)
	p.hcTimeout = int64(hc.ProbeTimeout())
	if p.statusOK, err = parseStatusSet(hc.StatusCodeMatchOrDefault()); err != nil {
		return nil, fmt.Errorf("farm %q healthCheck statusCodeMatch: %w", farm.Name, err)
	}
	p.retries = int(max(hc.Retries, 0))
	p.retryImmediate = sc.ARR.RetrySpacing != RetryInterval
	p.probeSweep = sc.ARR.ProbePhase == ProbeSweep
	p.retryOther = sc.ARR.RetryOtherServer
	if p.retryOther {
		p.notes = append(p.notes, "a request whose connection fails (12029) is sent once more, to the next eligible server in the farm's order, within its original timeout (arr.retryOtherServer, an assumption: Microsoft documents no retry either way)")
	}
	if p.probeSweep && p.urlTest {
		p.notes = append(p.notes, "health: every server's URL test runs at one random phase, the farm probed in one sweep (arr.probePhase sweep, an assumption)")
	}
	p.probeQueue = !sc.Health.NoQueue
	if p.urlTest {
		spacing := "retried at once (arr.retrySpacing immediate"
		if !p.retryImmediate {
			spacing = "retried at the next intervals (arr.retrySpacing interval"
		}
		if n := sc.ARR.HealthFailures; n > 0 {
			p.notes = append(p.notes, fmt.Sprintf("health: %d failed probe(s) in a row mark a server unhealthy: arr.healthFailures %d in place of healthCheck/@retries %d, %s, an assumption)",
				n, n, p.retries, spacing))
			p.retries = n - 1
		} else {
			p.notes = append(p.notes, fmt.Sprintf("health: %d failed probe(s) in a row mark a server unhealthy: healthCheck/@retries %d, %s, an assumption)",
				p.retries+1, p.retries, spacing))
		}
	}
	probe := sc.Health.Latency
	if probe.Kind == latency.None {
		probe = latency.Model{Kind: latency.Fixed, Fixed: 5 * time.Millisecond}
	}
	if p.probe, err = newSampler(probe, src); err != nil {
		return nil, fmt.Errorf("health latency: %w", err)
	}
	if hc.LiveTrafficFailurePeriod > 0 || liveByDefault(farm, sc) {
		p.livePeriod = int64(hc.LiveTrafficFailurePeriod)
		if p.livePeriod == 0 {
			// No window is documented for the default: any
			// maxLiveTrafficFailures failures count, however far apart.
			p.livePeriod = math.MaxInt64
			p.notes = append(p.notes, fmt.Sprintf("live-traffic test on with the schema's defaults (arr.liveTrafficDefault on, an assumption: Microsoft's walkthrough says it runs by default, the schema's liveTrafficFailurePeriod 0 reads as off): %d failed requests (connection failures and %s) mark a server unhealthy, with no window",
				max(hc.MaxLiveTrafficFailures, 1), cmp.Or(hc.LiveTrafficFailureCodes, "500-")))
		}
		p.liveMax = int(max(hc.MaxLiveTrafficFailures, 1))
		lc := hc.LiveTrafficFailureCodes
		if lc == "" {
			lc = "500-"
		}
		if p.liveCodes, err = parseStatusSet(lc); err != nil {
			return nil, fmt.Errorf("farm %q healthCheck liveTrafficFailureCodes: %w", farm.Name, err)
		}
	}
	p.minServers = int(hc.MinServers)
	p.minIgnore = sc.ARR.MinServersSemantics == MinServersIgnoreHealth
	p.unhealthy503 = sc.ARR.AllUnhealthyStatus == Status5023
	if p.minServers > 0 {
		if p.minIgnore {
			p.notes = append(p.notes, fmt.Sprintf("minServers %d read as \"ignore health below it\" (arr.minServersSemantics ignoreHealth): with fewer healthy servers, every enabled server takes requests", p.minServers))
		} else {
			p.notes = append(p.notes, fmt.Sprintf("minServers %d read as documented (ARR events page, event 1002): once only %d server(s) are healthy, no more are marked unhealthy until one recovers (arr.minServersSemantics threshold)", p.minServers, p.minServers))
		}
	}

	if n := unmodelledNote(cfg, farm, p.alg == algHash, portUsed); n != "" {
		p.notes = append(p.notes, n)
	}
	p.useCookie = farm.Affinity.UseCookie
	if p.alg == algHash {
		var note string
		p.hashKey, note = hashKeyOf(cfg, &farm.LoadBalancing)
		p.notes = append(p.notes, note)
	}
	p.needClient = p.useCookie || (p.alg == algHash && p.hashKey == hashPerClient)
	p.clients = sc.Arrivals.Clients
	if p.clients <= 0 {
		ses := sc.Arrivals.Sessions
		if ses.Length <= 0 {
			ses.Length = DefaultSessionLength
		}
		if ses.Requests < 1 {
			ses.Requests = DefaultSessionRequests
		}
		p.sessLen, p.sessNew = float64(ses.Length), 1/ses.Requests
		// Each running session holds a slot (about 24 bytes); refuse a
		// model that would hold more than the farm could ever see.
		peak := 0.0
		for _, st := range sc.Arrivals.Schedule {
			peak = max(peak, st.Rate)
		}
		peak = max(peak, sc.Arrivals.Rate)
		if p.needClient {
			if n := peak * ses.Length.Seconds() / ses.Requests; n > maxSessions {
				return nil, fmt.Errorf("arrivals.sessions: %.3g req/s in sessions of %s and %g requests keep about %.3g sessions running, more than the %d the simulator holds; shorten sessions.length or raise sessions.requests",
					peak, schema.FormatDuration(ses.Length), ses.Requests, n, maxSessions)
			}
		}
		if p.needClient {
			p.notes = append(p.notes, fmt.Sprintf("clients are browser sessions of %s on average, %g requests each (arrivals.sessions; an assumption)",
				schema.FormatDuration(ses.Length), ses.Requests))
		}
	}

	p.warm = int64(sc.Warmup)
	switch {
	case sc.Requests > 0:
		p.requests = sc.Requests
	case sc.Duration > 0:
		p.end = p.warm + int64(sc.Duration)
	case sc.Arrivals.Replay != nil:
		// No end: the window closes at the log's last request
		// (replayArrival).
		p.notes = append(p.notes, "the scenario gives no duration, so the whole replayed log is simulated: the measured window is the log's span after the warm-up")
	}
	base := sc.Arrivals.Rate
	if len(sc.Arrivals.Schedule) > 0 && base == 0 {
		base = sc.Arrivals.Schedule[0].Rate
	}
	p.steps = []rateStep{{0, base}}
	sched := append([]RateStep(nil), sc.Arrivals.Schedule...)
	sort.SliceStable(sched, func(i, j int) bool { return sched[i].At < sched[j].At })
	for _, st := range sched {
		at := p.warm + int64(st.At)
		if at <= 0 {
			p.steps[0].rate = st.Rate
			continue
		}
		p.steps = append(p.steps, rateStep{at, st.Rate})
	}

	idx := map[string]int32{}
	for i, s := range p.servers {
		idx[s.addr] = int32(i)
	}
	for i := range sc.Events {
		e := &sc.Events[i]
		f := planFault{ev: e, start: p.warm + int64(e.At), end: math.MaxInt64, all: e.Server == "*"}
		switch {
		case e.For > 0:
			f.end = f.start + int64(e.For)
		case e.Fault == FaultRecycle || e.Fault == FaultProxyRecycle:
			f.end = f.start // an instant: the new worker starts at once
		}
		if !f.all {
			f.server = idx[e.Server]
		}
		p.faults = append(p.faults, f)
		p.bounds = append(p.bounds, faultBound{f.start, int32(i), false})
		if f.end != math.MaxInt64 {
			p.bounds = append(p.bounds, faultBound{f.end, int32(i), true})
		}
	}
	if !slices.ContainsFunc(sc.Events, func(e Event) bool { return e.Fault == FaultUnreachable }) {
		// Pooled and new connections differ only to an unreachable host:
		// without one, the pool is not tracked (its bookkeeping cost about
		// 5 % of BenchmarkWRR10's CPU time).
		p.idleTimeout = 0
	} else if p.idleTimeout > 0 {
		p.notes = append(p.notes, fmt.Sprintf("an unreachable host: a request sent on a kept-alive pooled connection waits for the farm timeout (12002), one that opens a new connection fails after 21 s (12029); the pool holds the most requests in flight at once within backends.idleTimeout (%s) (an assumption; 0s: no pooling)",
			schema.FormatDuration(sc.Backends.IdleTimeout)))
	}
	return p, nil
}

// hashKeyOf says what RequestHash hashes for a farm's loadBalancing
// settings, and the note that states the assumption. It reads them as lint
// rule request-hash-settings does: the URL without hashServerVariable; one
// empty value for every request when the variable is a list of names, or
// is no IIS server variable and no rewrite rule sets it.
func hashKeyOf(cfg *schema.Config, lb *schema.LoadBalancing) (uint8, string) {
	v := strings.TrimSpace(lb.HashServerVariable)
	qs := strings.EqualFold(v, "query_string")
	ignored := ""
	if names := strings.TrimSpace(lb.QueryStringNames); names != "" && !qs {
		ignored = fmt.Sprintf(" (queryStringNames %q is ignored without hashServerVariable query_string)", names)
	}
	switch {
	case v == "":
		return hashPerRequest, "RequestHash hashes the URL" + ignored + ": scenarios have no URLs, so each request is assumed to hash independently (many URLs, evenly used: a random split)"
	case strings.ContainsAny(v, ", ;"):
		return hashConstant, fmt.Sprintf("hashServerVariable %q names no server variable: every request hashes the same empty value and goes to one server", v)
	case qs && strings.TrimSpace(lb.QueryStringNames) == "":
		return hashPerRequest, "RequestHash hashes the whole query string: like the URL, each request is assumed to hash independently (a random split)"
	case qs:
		return hashPerClient, fmt.Sprintf("RequestHash hashes query-string values %s: assumed constant within a client's session and distinct between sessions", lb.QueryStringNames)
	case !schema.KnownServerVariable(v) && !cfg.SetByRule(v):
		return hashConstant, fmt.Sprintf("hashServerVariable %q is no IIS server variable and no rewrite rule sets it: assumed empty for every request, so every request goes to one server%s", v, ignored)
	}
	return hashPerClient, fmt.Sprintf("RequestHash hashes server variable %s%s: assumed constant within a client's session and distinct between sessions", v, ignored)
}

// liveByDefault reports whether farm, which leaves the live-traffic period
// at 0, gets the live-traffic test anyway: under arr.liveTrafficDefault on
// (Microsoft's walkthrough says the test runs by default).
func liveByDefault(farm *schema.Farm, sc *Scenario) bool {
	return sc.ARR.LiveTrafficDefault == LiveTrafficOn && farm.HealthCheck.LiveTrafficFailurePeriod == 0 &&
		!farm.HealthCheck.Invalid("liveTrafficFailurePeriod")
}

// PoolQueueLength is the queueLength that the application pool serving
// farm server s declares in a file given (poolQueueLength), ok false when
// none is written and the scenario's backends.queueLength applies. A
// server recommend's capacity adds as a copy of s runs in a pool like
// s's, so it takes this value too.
func PoolQueueLength(cfg *schema.Config, s *schema.Server) (n int, ok bool) {
	q, _, ok := poolQueueLength(cfg, s, 0)
	return int(q), ok
}

// poolQueueLength is the queueLength of the application pool that serves
// farm server s as a file given declares it (ok, with a note naming where
// it was read): for a site of this machine cfg itself (LocalPool), for
// another machine the applicationHost.config given for it (RemotePool).
// Without a written value ok is false, and a file given for s says why
// in note: the scenario's queue length (scenario) applies.
func poolQueueLength(cfg *schema.Config, s *schema.Server, scenario int32) (n int64, note string, ok bool) {
	if site, pool := cfg.LocalPool(s); pool != nil {
		if n, at, ok := cfg.QueueLength(pool); ok {
			return n, fmt.Sprintf("server %s is site %q of this machine: queueLength %d read from application pool %q (%s)", s.Address, site.Name, n, pool.Name, at), true
		}
		return 0, "", false
	}
	b, site, pool := cfg.RemotePool(s)
	if b == nil {
		return 0, "", false
	}
	if pool != nil {
		if n, at, ok := b.Config.QueueLength(pool); ok {
			return n, fmt.Sprintf("server %s is site %q of %s (--backend): queueLength %d read from application pool %q (%s)", s.Address, site.Name, b.File, n, pool.Name, at), true
		}
	}
	var why string
	switch {
	case b.Config == nil || len(b.Config.Sites) == 0:
		why = "declares no sites (a web.config; the machine's applicationHost.config has them)"
	case site == nil:
		why = fmt.Sprintf("has no site with an http binding on port %d", s.ARR.HTTPPort)
	case pool == nil:
		name, _ := site.RootPool(&b.Config.SiteAppDefaults)
		why = fmt.Sprintf("has site %q, whose application pool %q it does not declare", site.Name, name)
	default:
		why = fmt.Sprintf("writes no queueLength for application pool %q of site %q, nor in applicationPoolDefaults", pool.Name, site.Name)
	}
	qlen := "unbounded (backends.queueLength 0)"
	if scenario > 0 {
		qlen = fmt.Sprintf("%d (backends.queueLength)", scenario)
	}
	return 0, fmt.Sprintf("server %s: %s (--backend) %s, so its queueLength is the scenario's %s", s.Address, b.File, why, qlen), false
}
