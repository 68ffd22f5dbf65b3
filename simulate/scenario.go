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
	// Servers holds per-server overrides, keyed by server address.
	Servers map[string]*ServerOverride
	Health  Health
	// Events are the faults, in file order.
	Events []Event
	ARR    ARROptions

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
	// Clients is the number of distinct clients, for cookie affinity and
	// request hashing. Each request comes from a client drawn uniformly.
	Clients int
}

// RateStep sets the arrival rate from At on.
type RateStep struct {
	At   time.Duration
	Rate float64
}

// ServerOverride replaces the scenario's defaults for one server. Unset
// fields keep the default.
type ServerOverride struct {
	Latency     latency.Model // Kind latency.None: keep the default
	Concurrency *int
	Errors      *float64
}

// Health configures the simulated health probes.
type Health struct {
	// Latency is a healthy server's probe response time.
	Latency latency.Model
}

// FaultKind is what happens to a server during a fault.
type FaultKind string

// Faults (design.md 3.3).
const (
	FaultDown  FaultKind = "down"  // refuses connections: 502.3 / 12029, fast
	FaultHang  FaultKind = "hang"  // accepts, never answers: 502.3 / 12002 at the timeout
	FaultSlow  FaultKind = "slow"  // service and probe times times Factor
	FaultError FaultKind = "error" // answers Status quickly
	FaultDrain FaultKind = "drain" // operator drain: no new requests except affinitized ones
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
	// HealthFailures is the number of consecutive URL-test failures that
	// mark a server unhealthy.
	HealthFailures int
	// TimeoutSemantics is "proxy" (the backend keeps working on a request
	// ARR gave up on, as IIS does) or "cancel" (it stops).
	TimeoutSemantics string
}
