// Package simulate predicts what share of requests an IIS Application
// Request Routing (ARR) farm answers with 502.3 (the backend timed out or
// refused the connection) and 502.4 (no eligible server), by replaying a
// scenario (arrivals, backend latency, faults) through ARR's routing,
// balancing, health-check and timeout logic.
//
// The entry points are LoadScenario (YAML, validated against the embedded
// CUE schema scenario.cue), ApplySet (the command line's --set overrides),
// Run (independent replications in parallel) and the Result's WriteJSON and
// WriteText.
//
// # Kernel
//
// One replication is a single-threaded discrete-event loop: integer time
// (nanoseconds since the replication started, warm-up included), events
// ordered by (time, sequence number), no goroutines, no wall clock. The event
// set is split by shape, because that is what makes the loop cheap: the next
// arrival is a scalar, proxy timeouts sit in a FIFO ring (every request has
// the same timeout, so deadlines are issued in order), and everything else
// (backend completions, connection failures, health probes, fault
// boundaries) sits in eventQueue: a calendar of buckets for the events due
// within about 16 service times, a typed value heap for the rest, popped in
// the same (time, sequence) order. Requests are int32 handles into a
// preallocated pool and carry a generation number, so events about a request
// that has since been released are recognised and dropped (lazy
// cancellation). In steady state a replication allocates nothing.
//
// Randomness comes from one PCG stream per component (arrivals, clients,
// each server's service times, each server's health probes), seeded from
// (seed, replication, a hash of the component's name or server address), so
// adding a server does not shift the draws of the others, and replications
// give the same bytes whatever GOMAXPROCS is.
//
// # Scenario time
//
// Scenario times (events' at, schedule steps) count from the end of the
// warm-up, i.e. from the start of the measured window. The warm-up runs at
// the rate of the first schedule step. Requests count when they arrive
// inside the measured window; the replication runs on after the window
// until every counted request has its answer.
//
// # Simplifications (documented assumptions)
//
//   - Scenarios have no URLs. A rewrite rule therefore "matches" every
//     request when its action rewrites to a farm; the first enabled such rule
//     picks the farm (a later one overrides it unless stopProcessing is set,
//     as URL Rewrite does). The scenario's farm, when set, wins over rules.
//   - RequestHash uses rendezvous hashing (consistent: removing a server
//     remaps only its keys). Its key follows hashServerVariable as lint
//     reads it: the URL or the whole query string vary per request; a
//     server variable or query-string values are constant within a
//     session; a name no request can have is one empty value for all.
//   - Clients are browser sessions (arrivals.sessions) that start, make
//     requests and end, so a recovered server wins new sessions back;
//     arrivals.clients is a fixed population instead.
//   - WeightedRoundRobin is smooth weighted round robin (as nginx does);
//     with equal weights it is plain cyclic order over the eligible servers.
//     LeastRequests compares proxy-side in-flight counts divided by weight,
//     ties broken round robin. LeastResponseTime uses the mean time-taken of
//     the answers (502.3 included) of the current and previous
//     leastResponseTimePeriod window; a server without answers counts as 0.
//     WeightedTotalTraffic assumes equal request and response sizes, so it
//     balances requests sent divided by weight.
//   - A down server refuses new connections after ConnectFailTime; the
//     requests inside it when it goes down are reset (502.3 / 12030) and
//     its work is lost. An unreachable host fails a new connection after
//     UnreachableConnectTime, or the timeout ends it first; a request sent
//     on a pooled keep-alive connection (the pool holds the most requests
//     in flight within backends.idleTimeout) waits for the timeout. A hung server
//     accepts new requests and never answers them (they hold no backend
//     slot); requests already inside a hung or unreachable server freeze
//     and time out, their work lost. An error fault and the errors share
//     answer with the status after ErrorServiceTime, through the FIFO queue.
//   - Health probes are requests: they take a backend slot behind the
//     waiting requests (health.queue: false answers them beside the queue);
//     their time is the health.latency model times the slow factor.
//     healthCheck/@retries more failures in a row mark a server unhealthy,
//     retried at once or at the next ticks (arr.retrySpacing). A server
//     that is disabled in the configuration is never probed.
//   - minServers: once only minServers enabled servers are healthy, no
//     more are marked unhealthy (ARR events page); arr.minServersSemantics
//     ignoreHealth instead ignores health below it.
package simulate
