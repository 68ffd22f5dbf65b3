package simulate

import (
	"time"

	"github.com/arrfarm/arrfarm/latency"
	"github.com/arrfarm/arrfarm/schema"
)

// Scenario is a validated scenario file: the traffic, backend behaviour and
// faults to replay through a farm. LoadScenario builds it from YAML, with
// the defaults of scenario.cue applied.
type Scenario struct {
	// File is the name positions are reported under.
	File string
	// Farm is the farm to drive; "" lets the rewrite rules decide, or the
	// only farm of the configuration.
	Farm string
	// Duration is the measured simulated time per replication (after the
	// warm-up). Zero when Requests is set instead.
	Duration time.Duration
	// Requests, when positive, ends each replication's measured window at
	// that many arrivals instead of after Duration.
	Requests int64
	// Warmup is simulated before the measured window and discarded.
	Warmup time.Duration
	// Replications is the number of independent replications.
	Replications int
	// Seed selects the random streams; the same seed gives the same output.
	Seed     int64
	Arrivals Arrivals
	// Latency is every backend's service-time model unless Servers
	// overrides it.
	Latency latency.Model
	// Concurrency is the number of requests one backend serves at once;
	// 0 means unlimited. The rest wait in FIFO order.
	Concurrency int
	// Errors is the share of requests a backend answers quickly with 500.
	Errors float64
	// Backends are the IIS limits in front of every backend's application
	// unless Servers overrides them.
	Backends Backends
	// Servers holds per-server overrides, keyed by server address.
	Servers map[string]*ServerOverride
	Health  Health
	// Events are the faults, in file order.
	Events []Event
	ARR    ARROptions

	// Warnings are positioned findings that do not stop a simulation:
	// schedule steps and events after the end of the window.
	Warnings []schema.Finding

	spans spanIndex // where each value was written, for findings
	src   []byte    // the YAML text, kept so that ApplySet can re-validate
	sets  []setting // --set assignments applied so far, in order
}

// Arrivals is the Poisson traffic.
type Arrivals struct {
	// Rate is requests per second when Schedule is empty.
	Rate float64
	// Schedule is a piecewise-constant rate; step times count from the
	// start of the measured window.
	Schedule []RateStep
	// Sessions model who sends the requests (cookie affinity, request
	// hashing) unless Clients is set.
	Sessions Sessions
	// Clients, when positive, replaces sessions by a fixed population of
	// that many clients that never leave; each request comes from one
	// drawn uniformly.
	Clients int
	// Replay, when set, takes arrivals from a log instead (Rate and
	// Schedule are then unused).
	Replay *Replay
}

// Sessions are browser sessions: a request starts a new one with
// probability 1/Requests, otherwise it belongs to a running session chosen
// uniformly. A session lasts an exponential time of mean Length. Arrivals
// stay Poisson whatever these are.
type Sessions struct {
	Length   time.Duration // mean duration
	Requests float64       // mean requests per session, >= 1
}

// Default session model (scenario.cue).
const (
	DefaultSessionLength   = 5 * time.Minute
	DefaultSessionRequests = 20
)

// RateStep sets the arrival rate from At on.
type RateStep struct {
	At   time.Duration
	Rate float64
}

// Backends are the web server's own limits in front of the application
// (design.md 3.3 adds them as backends:). A request the backend cannot
// queue is answered 503 at once, by http.sys or ASP.NET, not by the
// application.
type Backends struct {
	// QueueLength is the application pool's http.sys queue
	// (applicationPools/add/@queueLength, IIS default 1000): requests
	// waiting for a worker slot beyond it get 503.2. 0: unbounded.
	QueueLength int
	// RequestQueueLimit is ASP.NET's limit on the requests inside the
	// worker process (processModel/@requestQueueLimit, default 5000):
	// above it, 503. 0: unbounded.
	RequestQueueLimit int
	// IdleTimeout is how long a kept-alive connection between ARR and the
	// backend stays open unused (the backend's limits/@connectionTimeout,
	// IIS default 2 minutes); pooled connections matter when a host
	// becomes unreachable.
	IdleTimeout time.Duration
}

// Backend defaults (scenario.cue).
const (
	DefaultQueueLength       = 1000
	DefaultRequestQueueLimit = 5000
	DefaultIdleTimeout       = 2 * time.Minute
)

// ServerOverride replaces the scenario's defaults for one server. Unset
// fields keep the default.
type ServerOverride struct {
	Latency           latency.Model // Kind latency.None: keep the default
	Concurrency       *int
	Errors            *float64
	QueueLength       *int
	RequestQueueLimit *int
}

// Health configures the simulated health probes.
type Health struct {
	// Latency is a healthy server's probe response time.
	Latency latency.Model
	// NoQueue answers probes beside the backend's queue instead of giving
	// them a slot behind the waiting requests (health.queue: false).
	NoQueue bool
}

// FaultKind is what happens to a server during a fault.
type FaultKind string

// Faults (design.md 3.3).
const (
	FaultDown FaultKind = "down" // refuses connections: 502.3 / 12029, fast
	// FaultUnreachable: the host does not answer (powered off): a connection
	// attempt fails after UnreachableConnectTime (12029) or times out first
	// (12002); requests inside freeze.
	FaultUnreachable FaultKind = "unreachable"
	FaultHang        FaultKind = "hang"  // accepts, never answers (requests inside freeze too): 12002
	FaultSlow        FaultKind = "slow"  // service and probe times times Factor
	FaultError       FaultKind = "error" // answers Status quickly
	FaultDrain       FaultKind = "drain" // operator drain: no new requests except affinitized ones
	// FaultStopped: the application pool is stopped: http.sys answers 503
	// at once; requests already inside finish.
	FaultStopped FaultKind = "stopped"
	// FaultRecycle: the worker process is recycled at At: the requests it
	// works on are reset (502.3 / 12030); waiting ones stay in the http.sys
	// queue. For is the new worker's start-up, during which requests queue.
	FaultRecycle FaultKind = "recycle"
	// FaultPause: the process is frozen for For (a debugger, a long GC, a
	// VM stall) and then goes on: requests inside answer late, new ones
	// wait in the http.sys queue.
	FaultPause FaultKind = "pause"
	// FaultUnavailable: "Make unavailable gracefully": no new requests,
	// affinitized sessions move too, requests inside finish.
	FaultUnavailable FaultKind = "unavailable"
	// FaultRemove: "Make unavailable immediately": like unavailable, but
	// the requests inside are reset (502.3 / 12030).
	FaultRemove FaultKind = "remove"
	// FaultProxyRecycle: ARR's own application pool recycles: its health
	// state is lost and every server counts as healthy again.
	FaultProxyRecycle FaultKind = "proxy-recycle"
)

// Event is one fault on the timeline.
type Event struct {
	At     time.Duration // from the start of the measured window
	Server string        // an address, or "*" for every server
	Fault  FaultKind
	For    time.Duration // 0: until the end
	Factor float64       // slow
	Status int           // error
	Span   schema.Span   // where the event was written
}

// ARROptions are the ARR behaviours a scenario can choose.
type ARROptions struct {
	// LegacyAlgorithms simulates LeastRequests, LeastResponseTime and
	// WeightedTotalTraffic as documented, instead of the ARR 3 fallback to
	// WeightedRoundRobin.
	LegacyAlgorithms bool
	// RetrySpacing says when the configuration's healthCheck/@retries run
	// after a failed probe: RetryImmediate or RetryInterval.
	RetrySpacing string
	// HealthFailures, when above 0, is the number of URL-test failures in
	// a row that mark a server unhealthy (arr.healthFailures), replacing
	// healthCheck/@retries + 1.
	HealthFailures int
	// MinServersSemantics is MinServersThreshold (documented) or
	// MinServersIgnoreHealth.
	MinServersSemantics string
	// AllUnhealthyStatus is "502.4" or "502.3": ARR's answer when every
	// server is unhealthy.
	AllUnhealthyStatus string
	// TimeoutSemantics is "proxy" (the backend keeps working on a request
	// ARR gave up on, as IIS does) or "cancel" (it stops).
	TimeoutSemantics string
	// ProbePhase is ProbeIndependent (each server's URL test at its own
	// random phase) or ProbeSweep (the farm's servers probed together).
	ProbePhase string
	// RetryOtherServer sends a request whose connection failed (12029)
	// once more, to the next eligible server (no Microsoft statement
	// either way).
	RetryOtherServer bool
	// LiveTrafficDefault is LiveTrafficOff or LiveTrafficOn: whether a
	// farm whose liveTrafficFailurePeriod is 0 has a live-traffic test
	// (the sources disagree).
	LiveTrafficDefault string
}

// Values of ARROptions fields (scenario.cue has the defaults).
const (
	LiveTrafficOff         = "off"
	LiveTrafficOn          = "on"
	RetryImmediate         = "immediate"
	RetryInterval          = "interval"
	MinServersThreshold    = "threshold"
	MinServersIgnoreHealth = "ignoreHealth"
	Status5024             = "502.4"
	Status5023             = "502.3"
	ProbeIndependent       = "independent"
	ProbeSweep             = "sweep"
)
