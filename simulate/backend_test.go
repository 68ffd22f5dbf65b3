package simulate

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/arrfarm/arrfarm/schema"
	"github.com/stretchr/testify/require"
)

// Exact cells for the backend side (issue 19): queue limits, how a
// stopped, recycled or paused backend answers, planned removals and pooled
// connections. Each expected figure comes from the formula beside it.

// mmcKBlocking is the blocking probability of M/M/c/K (c slots, at most K
// requests in the system): p_K = p_0 a^K / (c! c^(K-c)), p_n = p_0 a^n / n!
// for n <= c, a = lambda/mu (Gross et al., Fundamentals of Queueing
// Theory, 2.5). By PASTA an arrival finds K in the system with p_K.
func mmcKBlocking(c, k int, a float64) float64 {
	p := make([]float64, k+1)
	p[0] = 1
	for n := 1; n <= k; n++ {
		den := float64(n)
		if n > c {
			den = float64(c)
		}
		p[n] = p[n-1] * a / den
	}
	var sum float64
	for _, x := range p {
		sum += x
	}
	return p[k] / sum
}

func rejected(r *repStats) int64 { return r.out[o503] }

func TestOracleMMcK(t *testing.T) {
	// K = c: M/M/c/c is Erlang B (validation.md 1.3).
	require.InDelta(t, erlangB(3, 2.5), mmcKBlocking(3, 3, 2.5), 1e-12)
	// M/M/1/K: (1-rho) rho^K / (1 - rho^(K+1)).
	rho := 0.8
	require.InDelta(t, (1-rho)*math.Pow(rho, 5)/(1-math.Pow(rho, 6)), mmcKBlocking(1, 5, rho), 1e-12)
}

// ASP.NET's requestQueueLimit bounds the requests a backend holds: one
// server with c slots and limit K is M/M/c/K, and its 503 share is the
// blocking probability, here in overload (a = 2.4 Erlangs on 2 slots).
func TestRequestQueueLimitIsMMcK(t *testing.T) {
	const lambda, mu, c, k = 2.4, 1.0, 2, 6
	cfg := loadConfig(t, farm(1, "protocol: {timeout: 1000s}"))
	sc := loadScenario(t, queueScenario(lambda, mu, c, "100s", "20000s", 20, fmt.Sprintf("backends: {requestQueueLimit: %d}", k)))
	reps := simulate(t, cfg, sc)
	checkRate(t, "503 = M/M/2/6 blocking", rates(reps, rejected), mmcKBlocking(c, k, lambda/mu))
	for _, r := range reps {
		require.Zero(t, r.e5023(), "a 1000 s timeout: no 502.3")
		require.Zero(t, r.out[o5xx], "a full queue is not the application's 5xx")
	}
}

// poissonExcess is E[(N - q)^+] for N ~ Poisson(m).
func poissonExcess(m float64, q int) float64 {
	// E[(N-q)^+] = E[N] - q + sum_{n<q} (q-n) P(N=n).
	s, p := 0.0, math.Exp(-m)
	for n := 0; n < q; n++ {
		s += float64(q-n) * p
		p *= m / float64(n+1)
	}
	return m - float64(q) + s
}

// While a process is paused, arrivals wait in the application pool's
// http.sys queue; beyond queueLength they get 503 at once. One server, no
// slot limit (nothing waits before the pause): the N ~ Poisson(lambda P)
// arrivals of a pause of P seconds give E[(N - q)^+] 503s. The pause (10 s)
// is shorter than the timeout: every other request is answered, late.
func TestPauseFillsTheHTTPSysQueue(t *testing.T) {
	const lambda, P, q = 20.0, 10.0, 150
	cfg := loadConfig(t, farm(1, "protocol: {timeout: 30s}"))
	sc := loadScenario(t, fmt.Sprintf(`
duration: 60s
replications: 400
arrivals: {rate: %g}
latency: {fixed: 100ms}
backends: {queueLength: %d}
events: [{at: 20s, server: 10.0.0.1, fault: pause, for: 10s}]`, lambda, q))
	reps := simulate(t, cfg, sc)
	checkRate(t, "503 from a full http.sys queue", counts(reps, rejected), poissonExcess(lambda*P, q))
	for _, r := range reps {
		require.Zero(t, r.e5023())
	}
}

// A pause shorter than the timeout answers late and fails nothing: the
// lambda S requests in service when it starts and the lambda P sent during
// it are answered up to P + S later than usual; every answer takes at most
// P + S. (A hang of the same length times them all out: TestHangFreezes.)
func TestPauseShorterThanTimeout(t *testing.T) {
	const lambda, P, S = 20.0, 5.0, 0.1
	cfg := loadConfig(t, farm(1, "protocol: {timeout: 30s}"))
	sc := loadScenario(t, fmt.Sprintf(`
duration: 60s
replications: 400
arrivals: {rate: %g}
latency: {fixed: 100ms}
events: [{at: 20s, server: 10.0.0.1, fault: pause, for: 5s}]`, lambda))
	reps := simulate(t, cfg, sc)
	late := func(r *repStats) int64 { return r.out[o2xx] - int64(r.hist.n[histBucket(uint64(S*1e9))]) }
	checkRate(t, "late answers", counts(reps, late), lambda*(P+S))
	for _, r := range reps {
		require.Zero(t, r.e5023(), "a pause shorter than the timeout gives no 502.3")
		require.Zero(t, r.out[o503])
		require.LessOrEqual(t, r.hist.max, int64((P+S)*1e9), "no answer later than P + S")
	}
}

// A stopped application pool: http.sys answers 503 at once, so the server
// keeps its 1/N share until its URL test fails (the probe gets 503 too,
// after 1 ms): D = U + 1 ms with U ~ U(0, I), k incidents of
// (lambda/N)(I/2 + 1 ms) 503s each; requests inside finish (no 502.3).
func TestStoppedPoolAnswers503(t *testing.T) {
	const lambda, n, I, k = 40.0, 4, 5.0, 10
	cfg := loadConfig(t, farm(n, `
protocol: {timeout: 30s}
healthCheck: {url: "http://web/health", interval: 5s, timeout: 2s, retries: 0}`))
	sc := loadScenario(t, "duration: 400s\nreplications: 40\nseed: 9\narrivals: {rate: 40}\nlatency: {fixed: 10ms}\n"+incidents("stopped", k))
	reps := simulate(t, cfg, sc)
	checkRate(t, "503", counts(reps, rejected), k*lambda/n*(I/2+RejectTime.Seconds()))
	for _, r := range reps {
		require.Zero(t, r.e5023(), "in-flight requests finish; the rest get 503, not 502.3")
	}
}

// A recycle resets what the worker works on: with unlimited slots and
// fixed service S the requests in service at an instant are M/G/inf's,
// Poisson of mean lambda S (Little's law), so each recycle gives lambda S
// 502.3 / 12030 and nothing else fails.
func TestRecycleResetsRequestsInside(t *testing.T) {
	const lambda, S = 20.0, 2.0
	cfg := loadConfig(t, farm(1, "protocol: {timeout: 30s}"))
	sc := loadScenario(t, `
duration: 60s
replications: 40
arrivals: {rate: 20}
latency: {fixed: 2s}
events: [{at: 30s, server: 10.0.0.1, fault: recycle}]`)
	reps := simulate(t, cfg, sc)
	checkRate(t, "12030", counts(reps, func(r *repStats) int64 { return r.out[oReset] }), lambda*S)
	for _, r := range reps {
		require.Zero(t, r.out[oTimeout]+r.out[oRefused]+r.out[o503])
		require.EqualValues(t, r.out[oReset], r.faults[0].reset, "attributed to the recycle")
	}
}

// Planned removals. drain ("Disallow New Connections") and unavailable
// ("Make Unavailable Gracefully") let the requests inside finish: 0
// failures, exactly. unavailable also moves the affinitized sessions,
// which drain keeps. remove ("Make Unavailable Immediately") resets the
// lambda/N S requests inside (M/G/inf mean).
func TestPlannedRemovals(t *testing.T) {
	const lambda, n, S = 40.0, 2, 2.0
	cfg := loadConfig(t, farm(n, `
protocol: {timeout: 30s}
affinity: {useCookie: true}`))
	run := func(fault string) []*repStats {
		return simulate(t, cfg, loadScenario(t, fmt.Sprintf(`
duration: 90s
replications: 60
arrivals: {rate: 40}
latency: {fixed: 2s}
events: [{at: 30s, server: 10.0.0.1, fault: %s}]`, fault)))
	}
	drained, unavailable := run("drain"), run("unavailable")
	for _, r := range append(drained, unavailable...) {
		require.Zero(t, r.e5023()+r.out[o503]+r.out[oNoServer], "no failures")
	}
	// Sessions: with drain the first server keeps its sessions' requests;
	// made unavailable it gets none after 30 s (about lambda/N x 30 s
	// before).
	var dReq, uReq int64
	for i := range drained {
		dReq += drained[i].servers[0].requests
		uReq += unavailable[i].servers[0].requests
	}
	before := int64(len(drained)) * int64(lambda/n*30)
	require.Greater(t, dReq, before*11/10, "drain keeps affinitized sessions")
	require.Less(t, uReq, before*11/10, "unavailable moves them")
	reps := run("remove")
	checkRate(t, "remove: 12030", counts(reps, func(r *repStats) int64 { return r.out[oReset] }), lambda/n*S)
}

// sliceStream replays fixed arrival times (seconds) as arrivals.replay
// does, each request served for the scenario's latency.
type sliceStream struct {
	at []float64
	i  int
}

func (s *sliceStream) Next() (int64, int64, bool) {
	if s.i == len(s.at) {
		return 0, 0, false
	}
	s.i++
	return int64(s.at[s.i-1] * 1e9), -1, true
}
func (s *sliceStream) Err() error   { return nil }
func (s *sliceStream) Close() error { return nil }

// seconds lists n arrival times from first, one second apart.
func seconds(first float64, n int) []float64 {
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = first + float64(i)
	}
	return xs
}

// replayed runs one replication of sc against cfg with the arrivals at
// (service 2 s unless sc sets a latency).
func replayed(t *testing.T, cfg, sc string, at ...[]float64) *repStats {
	t.Helper()
	if !strings.Contains(sc, "latency:") {
		sc += "\nlatency: {fixed: 2s}"
	}
	s := loadScenario(t, sc+"\nreplications: 1\narrivals: {replay: {log: none.log}}\n")
	p, err := compile(loadConfig(t, cfg), s, nil)
	require.NoError(t, err)
	var all []float64
	for _, a := range at {
		all = append(all, a...)
	}
	p.replay = &replayState{spec: *s.Arrivals.Replay, open: func(Replay) (ArrivalStream, error) {
		return &sliceStream{at: all}, nil
	}}
	reps, err := runReplications(p, 1, Options{})
	require.NoError(t, err)
	return reps[0]
}

// Pooled vs new connections to an unreachable host. ARR keeps connections
// alive: a request sent on a pooled connection to a host that stopped
// answering waits for an answer until the farm timeout (12002 after 30 s);
// only a request that needs a new connection fails after Windows' 21 s of
// SYN retries (12029). The pool holds the most requests in flight at once
// within the last idle timeout. Deterministic arrivals (one server, service
// 2 s, nothing in flight when the host goes away at the fault): with P
// pooled connections and A requests during the outage, min(P, A) wait the
// timeout and A - min(P, A) fail after 21 s.
func TestPooledConnectionsToAnUnreachableHost(t *testing.T) {
	const timeout = 30 * 1e9
	check := func(t *testing.T, r *repStats, pooled, fresh int64) {
		t.Helper()
		require.EqualValues(t, pooled, r.out[oTimeout], "12002: sent on a pooled connection")
		require.EqualValues(t, fresh, r.out[oRefused], "12029: a new connection")
		require.EqualValues(t, pooled, r.hist.n[histBucket(uint64(timeout))], "each pooled one took the timeout")
		require.EqualValues(t, fresh, r.hist.n[histBucket(uint64(UnreachableConnectTime))], "each new one took 21 s")
	}
	cfg := farm(1, "protocol: {timeout: 30s}")
	burst, outage := make([]float64, 10), seconds(11, 20) // 10 at once at 0 s (P = 10), A = 20
	outage10 := "duration: 60s\nevents: [{at: 10s, server: 10.0.0.1, fault: unreachable}]"
	t.Run("pool of 10, 20 requests", func(t *testing.T) {
		// the 10 requests at 0 s all use a connection each; idle from 2 s
		check(t, replayed(t, cfg, outage10, burst, outage), 10, 10)
	})
	t.Run("pool shrinks to the traffic of the last idle timeout", func(t *testing.T) {
		// 10 at once at 0 s, 3 at once at 100 s (done at 102 s): with the
		// 2-minute default, 7 connections close at 122 s, 3 stay until
		// 222 s: P = 3 when the host goes away at 150 s.
		late := []float64{100, 100, 100}
		r := replayed(t, cfg, "duration: 200s\nevents: [{at: 150s, server: 10.0.0.1, fault: unreachable}]", burst, late, seconds(151, 20))
		check(t, r, 3, 17)
	})
	t.Run("idle timeout shorter than the gap", func(t *testing.T) {
		// idle since 2 s, closed at 7 s: the pool is empty at 10 s
		check(t, replayed(t, cfg, outage10+"\nbackends: {idleTimeout: 5s}", burst, outage), 0, 20)
	})
	t.Run("keepAlive false", func(t *testing.T) {
		cfg := farm(1, "protocol: {timeout: 30s, keepAlive: false}")
		check(t, replayed(t, cfg, outage10, burst, outage), 0, 20)
	})
	t.Run("fewer requests than pooled connections", func(t *testing.T) {
		check(t, replayed(t, cfg, outage10, burst, seconds(11, 4)), 4, 0)
	})
}

// Whether pooled connections wait for the timeout is inferred, so
// --assumptions runs an unreachable host once more without pooling
// (backends.idleTimeout 0s). Without a health test every request that
// meets the fault fails either way, only later or sooner: with common
// random numbers the 502.3 rate is the same, a ratio of exactly 1. The
// band is not run where no host becomes unreachable.
func TestIdleTimeoutAssumptionBand(t *testing.T) {
	cfg := loadConfig(t, farm(2, "protocol: {timeout: 30s}"))
	sc := loadScenario(t, `
duration: 120s
replications: 4
arrivals: {rate: 20}
latency: {fixed: 2s}
events: [{at: 10s, server: 10.0.0.1, fault: unreachable, for: 60s}]`)
	a, err := RunAssumptions(cfg, sc, Options{})
	require.NoError(t, err)
	var band *Variant
	for i := range a.Variants {
		if a.Variants[i].Setting == "backends.idleTimeout" {
			band = &a.Variants[i]
		}
	}
	require.NotNil(t, band, "an unreachable host: the pooling band runs")
	require.Equal(t, "2m -> 0s", band.Assumed+" -> "+band.Value)
	require.NotNil(t, band.Ratio5023)
	require.InDelta(t, 1, *band.Ratio5023, 1e-12)

	sc = loadScenario(t, "duration: 10s\nreplications: 2\narrivals: {rate: 20}\nlatency: {fixed: 2s}\n")
	a, err = RunAssumptions(cfg, sc, Options{})
	require.NoError(t, err)
	for _, v := range a.Variants {
		require.NotEqual(t, "backends.idleTimeout", v.Setting)
	}
	require.Contains(t, a.NotApplicable, "backends.idleTimeout: no host becomes unreachable, the only fault pooled connections change")
}

// arr.retryOtherServer: a request whose connection fails is sent once
// more, to the next eligible server in the farm's order. Round robin over
// 3 servers without a health test; servers 1 and 2 down for span: a
// request sent to 2 is retried on 3 and answered, one sent to 1 is retried
// on 2 and fails again (once only): lambda/3 x span 12029, instead of
// 2 lambda/3 x span without the retry. The lambda/3 x span answered on 3
// take S + 1 ms.
func TestRetryOnAnotherServer(t *testing.T) {
	const lambda, n, span, S = 30.0, 3, 60.0, 0.1
	cfg := loadConfig(t, farm(n, "protocol: {timeout: 30s}"))
	run := func(retry bool) []*repStats {
		return simulate(t, cfg, loadScenario(t, fmt.Sprintf(`
duration: 120s
replications: 20
arrivals: {rate: 30}
latency: {fixed: 100ms}
arr: {retryOtherServer: %v}
events:
  - {at: 30s, server: 10.0.0.1, fault: down, for: 60s}
  - {at: 30s, server: 10.0.0.2, fault: down, for: 60s}`, retry)))
	}
	refused := func(r *repStats) int64 { return r.out[oRefused] }
	checkRate(t, "12029 without retry", counts(run(false), refused), 2*lambda/n*span)
	reps := run(true)
	checkRate(t, "12029 with one retry", counts(reps, refused), lambda/n*span)
	for _, r := range reps {
		require.EqualValues(t, r.out[oRefused], r.hist.n[histBucket(uint64(2*ConnectFailTime))], "failed twice: 2 ms")
		require.Zero(t, r.out[oTimeout]+r.out[o503]) // (the requests inside 1 and 2 at 30 s are reset)
	}
	checkRate(t, "answered after a retry", counts(reps, func(r *repStats) int64 {
		return int64(r.hist.n[histBucket(uint64(S*1e9+float64(ConnectFailTime)))])
	}), lambda/n*span)
}

// The 502.3-by-cause report keeps "backend slower than the timeout" for
// timeouts no fault explains: a 12002 on a server without a fault, sent
// while another server had one, is split out, since it may be queueing
// behind the load the fault moved. Two servers, one slot each, service
// 20 s, timeout 30 s, arrivals at 1, 2 and 3 s. With server 2 made
// unavailable, all three go to server 1: the second waits until 21 s and
// the third until 41 s, both past their deadlines (32 and 33 s): two
// timeouts sent during a fault elsewhere. Without it, round robin sends
// the second to server 2 and only the third times out, no fault anywhere.
func TestTimeoutsDuringAFaultElsewhere(t *testing.T) {
	cfg := farm(2, "protocol: {timeout: 30s}")
	at := []float64{1, 2, 3}
	r := replayed(t, cfg, "duration: 60s\nconcurrency: 1\nlatency: {fixed: 20s}\nevents: [{at: 0s, server: 10.0.0.2, fault: unavailable, for: 100s}]", at)
	require.EqualValues(t, 2, r.out[oTimeout])
	require.EqualValues(t, 2, r.timeoutFaultOn)
	r = replayed(t, cfg, "duration: 60s\nconcurrency: 1\nlatency: {fixed: 20s}", at)
	require.EqualValues(t, 1, r.out[oTimeout])
	require.Zero(t, r.timeoutFaultOn)
}

// A recycle without for is an instant (the new worker starts at once):
// the report names it at its time, not "to the end".
func TestInstantRecycleLabel(t *testing.T) {
	cfg := loadConfig(t, farm(1, "protocol: {timeout: 30s}"))
	res, err := Run(cfg, loadScenario(t, `
duration: 60s
replications: 2
arrivals: {rate: 20}
latency: {fixed: 2s}
events: [{at: 30s, server: 10.0.0.1, fault: recycle}]`), Options{})
	require.NoError(t, err)
	var txt bytes.Buffer
	require.NoError(t, res.WriteText(&txt))
	require.Contains(t, txt.String(), "recycle on 10.0.0.1 at 30s: inside the worker when it recycled, reset (12030)")
	require.NotContains(t, txt.String(), "to the end")
}

// A farm server that is a site of this machine (127.0.0.1, httpPort 8081,
// a site bound to port 8081) runs in the pool the site names, and that
// pool's queueLength in applicationHost.config is the server's http.sys
// queue: the pause of TestPauseFillsTheHTTPSysQueue with no queue length
// in the scenario (IIS's 1000 would hold all 200 arrivals) gives
// E[(N - 150)^+] 503s, N ~ Poisson(lambda P). The scenario's per-server
// value still wins over the file.
func TestLocalPoolQueueLength(t *testing.T) {
	const lambda, P, q = 20.0, 10.0, 150
	src := `<configuration>
  <system.applicationHost>
    <applicationPools>
      <add name="Backend" queueLength="150" />
    </applicationPools>
    <sites>
      <site name="backend" id="2">
        <application path="/" applicationPool="Backend" />
        <bindings><binding protocol="http" bindingInformation="*:8081:" /></bindings>
      </site>
    </sites>
  </system.applicationHost>
  <webFarms>
    <webFarm name="web">
      <server address="127.0.0.1"><applicationRequestRouting httpPort="8081" /></server>
      <applicationRequestRouting><protocol timeout="00:00:30" /></applicationRequestRouting>
    </webFarm>
  </webFarms>
</configuration>`
	doc, err := schema.Load("applicationHost.config", []byte(src), schema.Options{})
	require.NoError(t, err)
	for _, f := range doc.Findings {
		require.NotEqual(t, schema.Error, f.Severity, "%s: %s", f.Span, f.Message)
	}
	scenario := fmt.Sprintf(`
duration: 60s
replications: 400
arrivals: {rate: %g}
latency: {fixed: 100ms}
events: [{at: 20s, server: 127.0.0.1, fault: pause, for: 10s}]`, lambda)
	reps := simulate(t, doc.Config, loadScenario(t, scenario))
	checkRate(t, "503 from the pool's queue", counts(reps, rejected), poissonExcess(lambda*P, q))

	res, err := Run(doc.Config, loadScenario(t, scenario), Options{})
	require.NoError(t, err)
	require.Contains(t, strings.Join(res.Farms[0].Notes, "\n"),
		`server 127.0.0.1 is site "backend" of this machine: queueLength 150 read from application pool "Backend" (applicationHost.config:4:40)`)
	// httpPort chose the pool: it is not among the settings "not simulated".
	require.NotContains(t, strings.Join(res.Farms[0].Notes, "\n"), "httpPort")

	own := loadScenario(t, scenario+"\nservers: {127.0.0.1: {queueLength: 1000}}")
	for _, r := range simulate(t, doc.Config, own) {
		require.Zero(t, r.out[o503], "the scenario's queueLength 1000 holds every arrival of the pause")
	}
	// With the scenario's value, httpPort changed nothing: it is named.
	res, err = Run(doc.Config, own, Options{})
	require.NoError(t, err)
	require.Contains(t, strings.Join(res.Farms[0].Notes, "\n"), "server/applicationRequestRouting/@httpPort")
}

// remoteBackendHost is the applicationHost.config of the machine behind
// farm server 10.0.0.11: the site bound to port 80 runs in pool "Shop",
// whose queueLength (line 4, the value at column 37) is 150.
const remoteBackendHost = `<configuration>
  <system.applicationHost>
    <applicationPools>
      <add name="Shop" queueLength="150" />
    </applicationPools>
    <sites>
      <site name="shop" id="1">
        <application path="/" applicationPool="Shop" />
        <bindings><binding protocol="http" bindingInformation="*:80:" /></bindings>
      </site>
    </sites>
  </system.applicationHost>
</configuration>`

// remoteFarm is an ARR server whose farm's one server is another machine.
func remoteFarm(t *testing.T, backends ...schema.BackendFile) *schema.Config {
	t.Helper()
	doc, err := schema.Load("applicationHost.config", []byte(`<configuration>
  <webFarms>
    <webFarm name="web">
      <server address="10.0.0.11" />
      <applicationRequestRouting><protocol timeout="00:00:30" /></applicationRequestRouting>
    </webFarm>
  </webFarms>
</configuration>`), schema.Options{})
	require.NoError(t, err)
	if len(backends) > 0 {
		doc = schema.MergeBackends(doc, backends)
	}
	return doc.Config
}

func loadBackend(t *testing.T, name, src string) *schema.Document {
	t.Helper()
	doc, err := schema.Load(name, []byte(src), schema.Options{})
	require.NoError(t, err)
	for _, f := range doc.Findings {
		require.NotEqual(t, schema.Error, f.Severity, "%s: %s", f.Span, f.Message)
	}
	return doc
}

// A farm server on another machine whose applicationHost.config is given
// (--backend 10.0.0.11=PATH) runs in the pool of the site bound to its
// httpPort there, as a site of this machine does (TestLocalPoolQueueLength):
// the same pause cell gives E[(N - 150)^+] 503s, N ~ Poisson(lambda P),
// where IIS's default 1000 gives none. The file wins over the scenario's
// backends.queueLength, the scenario's per-server value over the file; a
// backend given for another port is not this server's.
func TestRemotePoolQueueLength(t *testing.T) {
	const lambda, P, q = 20.0, 10.0, 150
	const file = "backends/web1/applicationHost.config"
	backend := loadBackend(t, file, remoteBackendHost)
	cfg := remoteFarm(t, schema.BackendFile{Address: "10.0.0.11", Doc: backend})
	scenario := fmt.Sprintf(`
duration: 60s
replications: 400
arrivals: {rate: %g}
latency: {fixed: 100ms}
events: [{at: 20s, server: 10.0.0.11, fault: pause, for: 10s}]`, lambda)
	want := poissonExcess(lambda*P, q)
	checkRate(t, "503 from the remote pool's queue", counts(simulate(t, cfg, loadScenario(t, scenario)), rejected), want)
	checkRate(t, "the file over backends.queueLength", counts(simulate(t, cfg, loadScenario(t, scenario+"\nbackends: {queueLength: 1000}")), rejected), want)

	res, err := Run(cfg, loadScenario(t, scenario), Options{})
	require.NoError(t, err)
	require.Contains(t, res.Farms[0].Notes,
		`server 10.0.0.11 is site "shop" of backends/web1/applicationHost.config (--backend): queueLength 150 read from application pool "Shop" (backends/web1/applicationHost.config:4:37)`)

	none := func(cfg *schema.Config, sc string, why string) {
		t.Helper()
		for _, r := range simulate(t, cfg, loadScenario(t, sc)) {
			require.Zero(t, r.out[o503], why)
		}
	}
	none(cfg, scenario+"\nservers: {10.0.0.11: {queueLength: 1000}}", "the scenario's per-server queueLength 1000 holds every arrival of the pause")
	none(remoteFarm(t), scenario, "without the file, IIS's 1000 holds every arrival")
	none(remoteFarm(t, schema.BackendFile{Address: "10.0.0.11", Port: 8080, Doc: backend}), scenario, "a file for port 8080 is not the port-80 server's")
}

// A file given for a farm server that says nothing of its queue length
// is named in a note with the reason, and the scenario's value applies.
func TestRemotePoolWithoutQueueLength(t *testing.T) {
	sc := "duration: 10s\nreplications: 1\narrivals: {rate: 1}\nlatency: {fixed: 10ms}"
	for _, c := range []struct{ name, src, want string }{
		{"backends/web1/web.config", `<configuration><system.web><httpRuntime executionTimeout="110" /></system.web></configuration>`,
			"server 10.0.0.11: backends/web1/web.config (--backend) declares no sites (a web.config; the machine's applicationHost.config has them), so its queueLength is the scenario's 1000 (backends.queueLength)"},
		{"a/applicationHost.config", strings.Replace(remoteBackendHost, "*:80:", "*:8080:", 1),
			"server 10.0.0.11: a/applicationHost.config (--backend) has no site with an http binding on port 80, so its queueLength is the scenario's 1000 (backends.queueLength)"},
		{"b/applicationHost.config", strings.Replace(remoteBackendHost, `applicationPool="Shop"`, `applicationPool="Other"`, 1),
			`server 10.0.0.11: b/applicationHost.config (--backend) has site "shop", whose application pool "Other" it does not declare, so its queueLength is the scenario's 1000 (backends.queueLength)`},
		{"c/applicationHost.config", strings.Replace(remoteBackendHost, ` queueLength="150"`, "", 1),
			`server 10.0.0.11: c/applicationHost.config (--backend) writes no queueLength for application pool "Shop" of site "shop", nor in applicationPoolDefaults, so its queueLength is the scenario's 1000 (backends.queueLength)`},
	} {
		cfg := remoteFarm(t, schema.BackendFile{Address: "10.0.0.11", Doc: loadBackend(t, c.name, c.src)})
		res, err := Run(cfg, loadScenario(t, sc), Options{})
		require.NoError(t, err)
		require.Contains(t, res.Farms[0].Notes, c.want, c.name)
	}
}

// A pause freezes the worker with the requests it holds: those waiting for
// a slot are inside it (ASP.NET's queue, bounded by requestQueueLimit), not
// in http.sys, so only the arrivals during the pause take the queueLength
// places. One slot, 2 s service, 5 requests at 0 s (one in service, four
// waiting inside) and a pause from 1 s to 11 s with queueLength 3: of the
// 5 sent during it (2 s .. 6 s) 3 wait and 5 - 3 = 2 get 503. A recycle
// instead hands the four waiting ones to the pool's http.sys queue for the
// new worker (simulation.md): they fill it past 3, and all 5 get 503.
func TestPauseLeavesWaitingRequestsInsideTheWorker(t *testing.T) {
	cfg := farm(1, "protocol: {timeout: 100s}")
	for _, tc := range []struct {
		fault string
		want  int64
	}{{"pause", 2}, {"recycle", 5}} {
		t.Run(tc.fault, func(t *testing.T) {
			sc := fmt.Sprintf("duration: 60s\nconcurrency: 1\nbackends: {queueLength: 3}\nevents: [{at: 1s, server: 10.0.0.1, fault: %s, for: 10s}]", tc.fault)
			r := replayed(t, cfg, sc, make([]float64, 5), seconds(2, 5))
			require.EqualValues(t, tc.want, r.out[o503])
		})
	}
}
