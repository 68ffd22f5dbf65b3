package recommend

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrfarm/arrfarm/simulate"
)

// reasons joins a farm's reasons for Contains checks.
func reasons(f Farm) string { return strings.Join(f.Reasons, "\n") }

// simulateSet runs the scenario with the recommended set applied to a
// fresh copy of the farm: the check does not trust Set, it re-simulates.
func simulateSet(t *testing.T, cfgSrc string, sc *simulate.Scenario, f Farm) simulate.Rates {
	t.Helper()
	doc := loadConfig(t, "farm.yaml", cfgSrc)
	farm := doc.Config.Farm(f.Name)
	if f.Timeout.RecommendedS != nil {
		farm.Protocol.Timeout = time.Duration(*f.Timeout.RecommendedS) * time.Second
	}
	if h := f.HealthCheck; h.URLTest {
		farm.HealthCheck.Interval = secondsOf(h.IntervalS)
		farm.HealthCheck.Timeout = secondsOf(h.TimeoutS)
		farm.HealthCheck.MinServers = int64(h.MinServers)
	}
	res, err := simulate.Run(doc.Config, sc, simulate.Options{})
	require.NoError(t, err)
	return res.Farms[0].Rates
}

// Probes queue behind requests (the simulator's default): three servers
// of 4 slots with fixed 2 s service at 5.4 req/s, each at rho = 5.4 x 2 /
// 12 = 0.9, keep probes waiting, and a 1 s probe timeout fails healthy
// servers. One failure (retries 0) marks a server down, and the two left
// are offered 5.4 x 2 / 8 = 1.35 of what they can serve: overloaded, so
// with a 5 s proxy timeout most requests time out. That is the issue's
// 0.0023 % -> 16.7 % case: the old advice (probe timeout 1 s, applied with
// the shorter timeout) must miss the target by far, and the recommendation,
// simulated as a whole, must meet it.
func TestSetSimulatedTogetherProbesQueue(t *testing.T) {
	cfgSrc := farmYAML(3, `protocol: {timeout: 30s}
healthCheck: {url: "http://web/h", interval: 30s, timeout: 25s, retries: 0}`)
	scSrc := `
duration: 10m
warmup: 1m
replications: 4
seed: 3
arrivals: {rate: 5.4}
latency: {fixed: 2s}
concurrency: 4
`
	sc := loadScenario(t, scSrc)
	doc := loadConfig(t, "farm.yaml", cfgSrc)

	// The old advice: a 1 s probe timeout with the shorter timeout.
	naive := Farm{Name: "web", HealthCheck: HealthCheck{URLTest: true, IntervalS: 10, TimeoutS: 1, MinServers: 1}}
	five := 5
	naive.Timeout.RecommendedS = &five
	old := simulateSet(t, cfgSrc, sc, naive)
	assert.Greater(t, old.R5023.Mean, 0.10, "two servers at rho 1.35 time out most requests")

	res, err := Recommend(doc.Config, sc, Options{Target: 0.01, Tighten: true})
	require.NoError(t, err)
	f := res.Farms[0]
	require.True(t, f.Set.Meets, "%s", reasons(f))
	require.NotNil(t, f.Timeout.RecommendedS)
	assert.Less(t, *f.Timeout.RecommendedS, 30, "--tighten shortens a timeout that meets the target")
	assert.Greater(t, f.HealthCheck.TimeoutS, 1.0, "a 1 s probe timeout fails healthy servers here")
	assert.Greater(t, f.Set.Tried, 1, "the first set missed and was not printed")
	got := simulateSet(t, cfgSrc, sc, f)
	assert.LessOrEqual(t, got.R5023.CI95[1], 0.01, "the printed set, re-simulated, meets the target")
	assert.LessOrEqual(t, got.R5024.CI95[1], 0.01)
	assert.Contains(t, reasons(f), "the recommendation: 502.3", "the reasons list the set that missed")
}

// minServers under the documented reading (ARR event 1002): once only
// minServers servers are healthy, no more are marked unhealthy. With a
// probe that fails everywhere (probe time 10 s against a 5 s probe
// timeout), minServers 1 leaves one server with the whole peak: 4 slots of
// fixed 1 s service offered 12 req/s, so at most 4/12 of requests can be
// served, and with the backend working on after ARR gives up, the queue
// grows and 502.3 is at least 1 - 4/12 = 67 % (the issue saw 100 %). With
// minServers 4, four servers stay: 12 x 1 / 16 = 0.75 each, under the 5 s
// timeout a fixed 1 s service almost never waits 4 s: 502.3 meets 1 %.
// The recommendation sizes minServers from capacity: three servers are
// overloaded (12 / 12 = 1), so four are needed.
func TestMinServersFromCapacity(t *testing.T) {
	cfg := func(min int) string {
		return farmYAML(5, fmt.Sprintf(`protocol: {timeout: 5s}
healthCheck: {url: "http://web/h", interval: 30s, timeout: 5s, retries: 0, minServers: %d}`, min))
	}
	scSrc := `
duration: 10m
warmup: 1m
replications: 4
seed: 4
arrivals: {rate: 12}
latency: {fixed: 1s}
concurrency: 4
`
	broken := loadScenario(t, scSrc+"health: {latency: {fixed: 10s}}\n")
	run := func(min int) simulate.Rates {
		doc := loadConfig(t, "farm.yaml", cfg(min))
		res, err := simulate.Run(doc.Config, broken, simulate.Options{})
		require.NoError(t, err)
		return res.Farms[0].Rates
	}
	assert.GreaterOrEqual(t, run(1).R5023.Mean, 1-4.0/12, "one server left with the whole peak")
	assert.LessOrEqual(t, run(4).R5023.CI95[1], 0.01, "four servers carry the peak")

	doc := loadConfig(t, "farm.yaml", cfg(1))
	res, err := Recommend(doc.Config, loadScenario(t, scSrc), Options{Target: 0.01})
	require.NoError(t, err)
	f := res.Farms[0]
	require.NotNil(t, f.Capacity.Servers, "%s", reasons(f))
	assert.Equal(t, 4, *f.Capacity.Servers, "3 servers are at rho 1")
	assert.Equal(t, 4, f.HealthCheck.MinServers, "%s", reasons(f))
	assert.True(t, f.Set.Meets)
	assert.Contains(t, reasons(f), "healthCheck minServers 4: the servers needed at the peak")
}

// A one-server farm keeps its minServers: there is no other server to
// protect, and the old 1 -> 0 advice came with a reason that argued for 1.
func TestOneServerFarmKeepsMinServers(t *testing.T) {
	doc := loadConfig(t, "farm.yaml", farmYAML(1, `protocol: {timeout: 30s}
healthCheck: {url: "http://web/h", interval: 30s, minServers: 1}`))
	sc := loadScenario(t, "duration: 2m\nreplications: 3\narrivals: {rate: 5}\nlatency: {fixed: 100ms}\nconcurrency: 4\n")
	res, err := Recommend(doc.Config, sc, Options{Target: 0.01})
	require.NoError(t, err)
	f := res.Farms[0]
	assert.Equal(t, 1, f.HealthCheck.MinServers)
	assert.Contains(t, reasons(f), "minServers 1 kept: with one server")
	assert.NotContains(t, reasons(f), "minServers 0")
}

// The interval's outage budget: a hung server keeps peak/N until it is
// noticed, interval + failures x probe timeout; at R outages an hour that
// is R x peak/N x hang / (peak x 3600) of all requests, added to the
// share the timeout costs. The case: one hang an hour on 2
// servers with a 30 s interval and 4 failed probes of 30 s: 150 s x 1/2 /
// 3600 = 2.1 % against a 0.5 % target, which must warn.
func TestOutageBudget(t *testing.T) {
	doc := loadConfig(t, "farm.yaml", farmYAML(2, `healthCheck: {url: "http://web/h", interval: 30s, timeout: 5s, retries: 3}`))
	sc := loadScenario(t, "duration: 1h\narrivals: {rate: 100}\nlatency: {fixed: 10ms}\n")
	for _, tc := range []struct {
		outages, target float64
		probe           int
		want            int
		warn            bool
	}{
		// 1/h, 0.5 %: share(i) = (i + 4 x 1) / 2 / 3600 <= 0.005 -> i <= 32 -> 30 (ARR's default caps).
		{1, 0.005, 1, 30, false},
		// 4/h: 4 (i + 4) / 7200 <= 0.005 -> i <= 5.
		{4, 0.005, 1, 5, false},
		// 4/h, probe 30 s: at i = 31 (above the probe timeout) 4 (31 + 120) / 7200 = 8.4 %: warn.
		{4, 0.005, 30, 31, true},
	} {
		fr := newFarmRun(doc.Config, sc, "web", Options{Target: tc.target, OutagesPerHour: tc.outages})
		out := &Farm{Servers: 2, PeakRate: 100}
		got, why := fr.interval(out, tc.probe)
		assert.Equal(t, tc.want, got, "%+v: %s", tc, why)
		assert.Equal(t, tc.warn, strings.Contains(why, "WARNING"), why)
		assert.Contains(t, why, "--outages-per-hour", "the assumed rate is named")
	}
	// A scenario with faults gives the rate: 2 hangs in 30 minutes = 4/h.
	faulty := loadScenario(t, `duration: 30m
arrivals: {rate: 100}
latency: {fixed: 10ms}
events:
  - {at: 1m, server: 10.0.0.1, fault: hang, for: 1m}
  - {at: 10m, server: 10.0.0.2, fault: down, for: 1m}
  - {at: 20m, server: 10.0.0.2, fault: slow, factor: 2, for: 1m}
`)
	fr := newFarmRun(doc.Config, faulty, "web", Options{Target: 0.005, OutagesPerHour: 1})
	rate, source := fr.outages(100, 2)
	assert.InDelta(t, 4, rate, 1e-9, "a slow spell is not an outage")
	assert.Contains(t, source, "the scenario's 2")
	// One hang on every server at once in 30 minutes holds the whole
	// peak, both servers' shares: 2 server outages, 4 an hour. Counted as
	// one outage it priced half the requests it fails.
	every := loadScenario(t, `duration: 30m
arrivals: {rate: 100}
latency: {fixed: 10ms}
events:
  - {at: 1m, server: "*", fault: hang, for: 1m}
`)
	fr = newFarmRun(doc.Config, every, "web", Options{Target: 0.005, OutagesPerHour: 1})
	rate, source = fr.outages(100, 2)
	assert.InDelta(t, 4, rate, 1e-9, source)
	assert.Contains(t, source, `count once per server`)
	// The interval it allows is the one 4 outages an hour allow above:
	// 4 (i + 4) / 7200 <= 0.005 -> i <= 5.
	got, why := fr.interval(&Farm{Servers: 2, PeakRate: 100}, 1)
	assert.Equal(t, 5, got, why)
}

// With one server an outage fails every request for its whole length
// whatever the health check does: taken out, it leaves no server (502.4),
// and with minServers 1 it is never taken out. The budget's reason says so
// instead of speaking of a share. The arithmetic stays the whole peak
// until the URL test notices the hang (TestVerifyJudgesTheFarmAsWritten
// relies on such budgets being above the target): at 1 outage an hour and
// a 0.4 % target, (i + 4 x 1) / 3600 <= 0.004 gives i <= 10.4, so 10 s,
// a 14 s hang, 14/3600 = 0.389 %.
func TestOutageBudgetOneServer(t *testing.T) {
	doc := loadConfig(t, "farm.yaml", farmYAML(1, `healthCheck: {url: "http://web/h", interval: 30s, timeout: 5s, retries: 3}`))
	sc := loadScenario(t, "duration: 1h\narrivals: {rate: 100}\nlatency: {fixed: 10ms}\n")
	fr := newFarmRun(doc.Config, sc, "web", Options{Target: 0.004, OutagesPerHour: 1})
	got, why := fr.interval(&Farm{Servers: 1, PeakRate: 100}, 1)
	assert.Equal(t, 10, got, why)
	assert.Contains(t, why, "with one server an outage fails every request for its whole length whatever the health check does")
	assert.Contains(t, why, "the whole peak, 100 req/s, for up to 14s")
	assert.Contains(t, why, "costs 0.389% of requests")
	assert.NotContains(t, why, "share")
}

// A farm with mixed, weighted servers: server 1 (weight 100, 10 slots)
// and server 2 (weight 300, 4 slots), fixed 1 s service, 6 req/s. Round
// robin by weight sends 4.5 req/s to server 2: rho = 4.5 / 4 > 1, so the
// farm as written misses. Clones of server 1 (the old advice copied the
// first server) lower server 2's share to 6 x 300 / (400 + 100k): k = 1
// gives 3.6 / 4 = 0.9, k = 3 gives 3 / 4 = 0.75. Whatever kind and count
// the advice names, the farm with them must meet the target when simulated
// again here, and every server must be under rho 1 by that formula.
func TestCapacityMixedWeightedServers(t *testing.T) {
	cfgSrc := `farms:
  - name: web
    servers:
      - {address: a, applicationRequestRouting: {weight: 100}}
      - {address: b, applicationRequestRouting: {weight: 300}}
    applicationRequestRouting:
      protocol: {timeout: 10s}
`
	scSrc := `
duration: 10m
warmup: 1m
replications: 4
seed: 6
arrivals: {rate: 6}
latency: {fixed: 1s}
concurrency: 10
servers:
  b: {concurrency: 4}
`
	doc := loadConfig(t, "farm.yaml", cfgSrc)
	sc := loadScenario(t, scSrc)
	res, err := Recommend(doc.Config, sc, Options{Target: 0.01, CapacityTimeout: 10 * time.Second})
	require.NoError(t, err)
	f := res.Farms[0]
	c := f.Capacity
	require.NotNil(t, c.Servers, "%s", reasons(f))
	require.NotEmpty(t, c.Add, "the farm as written misses: %s", reasons(f))
	slots := map[string]float64{"a": 10, "b": 4}
	weight := map[string]float64{"a": 100, "b": 300}
	for _, add := range c.Add {
		// rho of each server with the advised clones, by the formula.
		total := weight["a"] + weight["b"] + float64(add.Count)*weight[add.Like]
		for _, s := range []string{"a", "b"} {
			assert.Less(t, 6*weight[s]/total/slots[s], 1.0, "add %d like %s: server %s", add.Count, add.Like, s)
		}
		// Re-simulate the farm with the clones.
		var servers strings.Builder
		extra := ""
		for i := range add.Count {
			addr := fmt.Sprintf("%sc%d", add.Like, i)
			fmt.Fprintf(&servers, "      - {address: %s, applicationRequestRouting: {weight: %.0f}}\n", addr, weight[add.Like])
			if add.Like == "b" {
				extra += "  " + addr + ": {concurrency: 4}\n"
			}
		}
		src := strings.Replace(cfgSrc, "    applicationRequestRouting:\n      protocol", servers.String()+"    applicationRequestRouting:\n      protocol", 1)
		d2 := loadConfig(t, "farm.yaml", src)
		r, err := simulate.Run(d2.Config, loadScenario(t, scSrc+extra), simulate.Options{})
		require.NoError(t, err)
		assert.LessOrEqual(t, r.Farms[0].Rates.R5023.CI95[1], 0.01, "add %d like %s", add.Count, add.Like)
	}
	require.NotNil(t, c.ServersNPlus1)
	assert.Greater(t, *c.ServersNPlus1, *c.Servers)
	// Every set tried says what it was, so the chart can draw each kind:
	// the farm as written first, copies of both kinds added to it, and the
	// N+1 farm with each kind out in turn, one server fewer than the farm.
	require.NotEmpty(t, c.Tried)
	assert.Equal(t, Point{X: 2, Rate: c.Tried[0].Rate, R503: c.Tried[0].R503}, c.Tried[0], "the farm as written")
	added, out := map[string]bool{}, map[string]bool{}
	for _, p := range c.Tried {
		if p.Added != "" && p.Out == "" {
			added[p.Added] = true
			assert.Greater(t, p.X, 2.0, "copies of %s added to the two servers", p.Added)
		}
		if p.Out != "" {
			out[p.Out] = true
			assert.Less(t, p.X, float64(*c.ServersNPlus1), "%s out of the N+1 farm", p.Out)
		}
	}
	assert.Equal(t, map[string]bool{"a": true, "b": true}, added)
	assert.NotEmpty(t, out)
}

// Unlimited concurrency gives no capacity to size: not "1 server".
func TestCapacityUnlimitedConcurrency(t *testing.T) {
	doc := loadConfig(t, "farm.yaml", farmYAML(3, "protocol: {timeout: 30s}"))
	sc := loadScenario(t, "duration: 1m\nreplications: 2\narrivals: {rate: 50}\nlatency: {fixed: 100ms}\n")
	res, err := Recommend(doc.Config, sc, Options{Target: 0.01})
	require.NoError(t, err)
	f := res.Farms[0]
	assert.Nil(t, f.Capacity.Servers)
	assert.Contains(t, reasons(f), "unlimited concurrency")
}

// slow faults load the farm: capacity keeps them. Two servers of 4 slots
// with fixed 1 s service at 5 req/s are at rho 5/8 = 0.625; with both slow
// (factor 2) for the whole window, 5 x 2 / 8 = 1.25: overloaded, so the
// farm as written misses and servers must be added.
func TestCapacityKeepsSlowFaults(t *testing.T) {
	doc := loadConfig(t, "farm.yaml", farmYAML(2, "protocol: {timeout: 10s}"))
	base := "duration: 10m\nwarmup: 1m\nreplications: 3\nseed: 8\narrivals: {rate: 5}\nlatency: {fixed: 1s}\nconcurrency: 4\n"
	calm, err := Recommend(doc.Config, loadScenario(t, base), Options{Target: 0.01})
	require.NoError(t, err)
	require.NotNil(t, calm.Farms[0].Capacity.Servers)
	assert.Empty(t, calm.Farms[0].Capacity.Add, "rho 0.625: the farm as written meets")
	slow, err := Recommend(doc.Config, loadScenario(t, base+"events:\n  - {at: 0s, server: \"*\", fault: slow, factor: 2}\n"), Options{Target: 0.01})
	require.NoError(t, err)
	c := slow.Farms[0].Capacity
	require.NotNil(t, c.Servers, "%s", reasons(slow.Farms[0]))
	assert.GreaterOrEqual(t, *c.Servers, 3, "rho 1.25 on two servers: at least one more")
}

// Disabled farms and farms without an enabled server get no advice, only
// a note; the command turns the second into exit 1.
func TestSkippedFarms(t *testing.T) {
	doc := loadConfig(t, "farm.yaml", `farms:
  - name: off
    enabled: false
    servers: [{address: 10.0.0.1}]
  - name: empty
    servers: [{address: 10.0.0.2, enabled: false}]
  - name: web
    servers: [{address: 10.0.0.3}]
`)
	sc := loadScenario(t, "duration: 1m\nreplications: 2\narrivals: {rate: 5}\nlatency: {fixed: 10ms}\nconcurrency: 4\n")
	res, err := Recommend(doc.Config, sc, Options{Target: 0.01})
	require.NoError(t, err)
	require.Len(t, res.Farms, 1)
	assert.Equal(t, "web", res.Farms[0].Name)
	require.Len(t, res.Skipped, 2)
	assert.Equal(t, Skipped{"off", SkipDisabled, res.Skipped[0].Note}, res.Skipped[0])
	assert.Contains(t, res.Skipped[0].Note, `enabled="false"`)
	assert.Equal(t, []string{"empty"}, res.NoServer())
	reps, _ := Edits(doc, res)
	for _, r := range reps {
		assert.NotContains(t, r.Text, "10.0.0.1")
	}
}

// A blue/green farm (a responseMatch test only the live colour answers)
// has the live colour's servers as peers, not all of them.
func TestBlueGreenIsOneActivePeer(t *testing.T) {
	doc := loadConfig(t, "farm.yaml", `farms:
  - name: site
    servers: [{address: site-blue}, {address: site-green}]
    applicationRequestRouting:
      healthCheck: {url: "http://site/up.html", interval: 5s, responseMatch: up}
`)
	sc := loadScenario(t, "duration: 1m\nreplications: 2\narrivals: {rate: 5}\nlatency: {fixed: 10ms}\nconcurrency: 4\n")
	res, err := Recommend(doc.Config, sc, Options{Target: 0.01})
	require.NoError(t, err)
	f := res.Farms[0]
	assert.Equal(t, 1, f.Servers)
	assert.Contains(t, reasons(f), "looks blue/green")
	assert.Equal(t, 0, f.HealthCheck.MinServers, "one active server keeps its minServers")
}
