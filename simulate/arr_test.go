package simulate

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrfarm/arrfarm/internal/human"
)

// Rules decide the farm when the scenario names none: the first enabled
// rule that rewrites to a farm, a later one overriding it unless
// stopProcessing; the scenario's farm wins over rules.
func TestTargetFarm(t *testing.T) {
	cfg := loadConfig(t, `
farms:
  - {name: web, servers: [{address: 10.0.0.1}]}
  - {name: api, servers: [{address: 10.0.0.2}]}
  - {name: old, servers: [{address: 10.0.0.3}]}
rules:
  - {name: off, enabled: false, match: {url: "*"}, action: {type: Rewrite, url: "http://old/{R:0}"}}
  - {name: first, match: {url: "*"}, action: {type: Rewrite, url: "http://web/{R:0}"}}
  - {name: second, match: {url: "*"}, action: {type: Rewrite, url: "http://API/{R:0}"}, stopProcessing: true}
  - {name: never, match: {url: "*"}, action: {type: Rewrite, url: "http://old/{R:0}"}}
`)
	sc := loadScenario(t, "arrivals: {rate: 1}\nlatency: {fixed: 1s}\n")
	f, err := sc.TargetFarm(cfg)
	require.NoError(t, err)
	require.Equal(t, "api", f.Name)

	sc = loadScenario(t, "farm: old\narrivals: {rate: 1}\nlatency: {fixed: 1s}\n")
	f, err = sc.TargetFarm(cfg)
	require.NoError(t, err)
	require.Equal(t, "old", f.Name)

	sc = loadScenario(t, "farm: nope\narrivals: {rate: 1}\nlatency: {fixed: 1s}\n")
	fs := sc.Check(cfg)
	require.Len(t, fs, 1)
	require.Equal(t, "scenario.yaml:1:7", fs[0].Span.String())
	require.Contains(t, fs[0].Message, `no farm "nope"`)
	_, err = Run(cfg, sc, Options{})
	var fe *FindingsError
	require.ErrorAs(t, err, &fe)
}

// Cookie affinity keeps a client on its server; a drained server keeps
// its affinitized clients but takes no new ones; a disabled server gets
// nothing.
func TestAffinityDrainDisabled(t *testing.T) {
	cfg := loadConfig(t, `
farms:
  - name: web
    servers: [{address: 10.0.0.1}, {address: 10.0.0.2}, {address: 10.0.0.3, enabled: false}]
    applicationRequestRouting:
      affinity: {useCookie: true}
`)
	sc := loadScenario(t, `
duration: 100s
replications: 1
arrivals: {rate: 100, clients: 10}
latency: {fixed: 10ms}
events: [{at: 50s, server: 10.0.0.1, fault: drain}]
`)
	p, err := compile(cfg, sc, nil)
	require.NoError(t, err)
	s := newSim(p, 0)
	s.runUntil(p.warm + 49e9)
	pinned := append([]int32(nil), s.cookie...)
	for _, c := range pinned {
		require.GreaterOrEqual(t, c, int32(0), "every one of 10 clients has come by")
		require.NotEqual(t, int32(2), c, "disabled server")
	}
	s.run()
	require.Equal(t, pinned, s.cookie, "clients stay on their server, drained or not")
	require.Zero(t, s.st.servers[2].requests)

	// Without affinity a drained server gets nothing new.
	cfg.Farms[0].Affinity.UseCookie = false
	p, err = compile(cfg, sc, nil)
	require.NoError(t, err)
	s = newSim(p, 0)
	s.runUntil(p.warm + 50e9)
	before := s.srv[0].st.requests
	s.run()
	require.Equal(t, before, s.st.servers[0].requests)
	require.Greater(t, s.st.servers[1].requests, before)
}

// A disabled farm answers every request with 502.4 (an assumption; the
// output says so).
func TestDisabledFarm(t *testing.T) {
	cfg := loadConfig(t, farm(2, ""))
	require.NoError(t, ApplySet(cfg, nil, "web.enabled=false"))
	sc := loadScenario(t, "duration: 10s\nreplications: 2\narrivals: {rate: 10}\nlatency: {fixed: 1ms}\n")
	res, err := Run(cfg, sc, Options{})
	require.NoError(t, err)
	f := res.Farms[0]
	require.Equal(t, f.Requests, f.Outcomes.S5024)
	require.Positive(t, f.Requests)
	require.Equal(t, []string{"farm is disabled (enabled=false): every request is assumed to get 502.4"}, f.Notes)
}

// The output says what was simulated in place of an unsupported algorithm.
func TestFallbackIsReported(t *testing.T) {
	for _, tc := range []struct {
		alg, arr, simulated, note string
	}{
		{"LeastResponseTime", "", "WeightedRoundRobin", "ARR 3 no longer supports it"},
		{"LeastResponseTime", "arr: {legacyAlgorithms: true}", "LeastResponseTime", ""},
		{"RequestHash", "", "RequestHash", ""},
	} {
		cfg := loadConfig(t, farm(2, "loadBalancing: {algorithm: "+tc.alg+"}"))
		sc := loadScenario(t, "duration: 2s\nreplications: 2\narrivals: {rate: 10}\nlatency: {fixed: 1ms}\n"+tc.arr)
		res, err := Run(cfg, sc, Options{})
		require.NoError(t, err)
		f := res.Farms[0]
		require.Equal(t, tc.simulated, f.Algorithm)
		require.Equal(t, tc.alg, f.ConfiguredAlgorithm)
		var txt bytes.Buffer
		require.NoError(t, res.WriteText(&txt))
		if tc.note == "" {
			require.Empty(t, f.AlgorithmNote)
			require.NotContains(t, txt.String(), "note: configured")
		} else {
			require.Contains(t, f.AlgorithmNote, tc.note)
			require.Contains(t, txt.String(), "note: configured "+tc.alg)
		}
	}
}

// The JSON carries every field of the Simulate contract (design.md 2).
func TestJSONContract(t *testing.T) {
	cfg := loadConfig(t, farm(2, "protocol: {timeout: 1s}"))
	sc := loadScenario(t, "duration: 10s\nreplications: 3\narrivals: {rate: 50}\nlatency: {lognormal: {median: 100ms, sigma: 1}}\n")
	res, err := Run(cfg, sc, Options{})
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, res.WriteJSON(&b))
	js := b.String()
	for _, key := range []string{`"seed": 1`, `"replications": 3`, `"duration_s": 10`, `"farms"`, `"name": "web"`,
		`"algorithm": "WeightedRoundRobin"`, `"requests"`, `"outcomes"`, `"2xx"`, `"5xx"`, `"502.3"`, `"502.4"`,
		`"win32"`, `"12002"`, `"12029"`, `"rates"`, `"mean"`, `"ci95"`, `"latency_ms"`, `"p50"`, `"p90"`,
		`"p99"`, `"p999"`, `"max"`, `"servers"`, `"address": "10.0.0.1"`, `"utilization": 0,`, `"mean_in_service"`, `"unhealthy_s"`} {
		require.Contains(t, js, key)
	}
	f := res.Farms[0]
	require.Equal(t, f.Requests, f.Outcomes.S2xx+f.Outcomes.S4xx+f.Outcomes.S5xx+f.Outcomes.S5023+f.Outcomes.S5024)
	var sum int64
	for _, s := range f.Servers {
		sum += s.Requests
	}
	require.Equal(t, f.Requests, sum)
	var series uint64
	for _, n := range f.Series.Requests {
		series += n
	}
	require.EqualValues(t, f.Requests, series)
	r := f.Rates.R5023
	require.True(t, r.CI95[0] <= r.Mean && r.Mean <= r.CI95[1])
}

// UntilCI adds replications until the 502.3 CI is tight enough, and the
// number it stops at does not depend on the number of workers.
func TestUntilCI(t *testing.T) {
	cfg := loadConfig(t, farm(2, "protocol: {timeout: 1s}"))
	sc := loadScenario(t, "duration: 20s\nreplications: 3\narrivals: {rate: 100}\nlatency: {lognormal: {median: 100ms, sigma: 1}}\n")
	var calls []string
	opts := Options{UntilCI: 0.05, Workers: 3, Progress: func(done, planned int) { calls = append(calls, fmt.Sprint(done, "/", planned)) }}
	res, err := Run(cfg, sc, opts)
	require.NoError(t, err)
	r := res.Farms[0].Rates.R5023
	require.Greater(t, res.Replications, 3)
	require.LessOrEqual(t, (r.CI95[1]-r.CI95[0])/2, 0.05*r.Mean+1e-12)
	require.NotEmpty(t, calls)
	opts.Workers, opts.Progress = 1, nil
	res1, err := Run(cfg, sc, opts)
	require.NoError(t, err)
	require.Equal(t, res.Replications, res1.Replications)
	require.Equal(t, res.Farms[0].Rates, res1.Farms[0].Rates)
}

// A rate with no events in any replication reports the rule-of-three upper
// bound 3/N over all N requests, not a 0 .. 0 interval that claims
// certainty.
func TestZeroEventRateIsAnUpperBound(t *testing.T) {
	cfg := loadConfig(t, farm(2, "protocol: {timeout: 30s}"))
	sc := loadScenario(t, "duration: 10s\nreplications: 3\narrivals: {rate: 50}\nlatency: {fixed: 10ms}\n")
	res, err := Run(cfg, sc, Options{})
	require.NoError(t, err)
	f := res.Farms[0]
	require.Zero(t, f.Outcomes.S5023, "a fast backend never times out")
	require.Positive(t, f.Requests)
	for name, r := range map[string]Rate{"502.3": f.Rates.R5023, "502.4": f.Rates.R5024} {
		assert.Equal(t, "rule_of_three", r.Bound, name)
		assert.Zero(t, r.Mean, name)
		assert.Equal(t, [2]float64{0, 3 / float64(f.Requests)}, r.CI95, name)
	}
	var b strings.Builder
	require.NoError(t, res.WriteText(&b))
	assert.Contains(t, b.String(), fmt.Sprintf("none seen; 95%% upper bound %s (rule of three: 3 / %d requests)", human.Percent(3/float64(f.Requests)), f.Requests))
	assert.NotContains(t, b.String(), "CI 0% .. 0%")
}

// When the bound counts bursty requests as fewer independent ones (3 VIF
// / N, VIF 10 here), the text says how many, instead of "3 / N".
func TestZeroEventBurstyBoundText(t *testing.T) {
	f := FarmResult{Name: "web", Requests: 200000}
	f.Rates.R5023 = Rate{CI95: [2]float64{0, 3 * 10 / 200000.0}, Bound: "rule_of_three"}
	f.Rates.R5024 = Rate{CI95: [2]float64{0, 3 / 200000.0}, Bound: "rule_of_three"}
	var b strings.Builder
	require.NoError(t, (&Result{Replications: 10, Farms: []FarmResult{f}}).WriteText(&b))
	assert.Contains(t, b.String(), "none seen; 95% upper bound 0.015% (rule of three on 200000 requests counted as 20000 independent ones: slow requests come in bursts here)")
	assert.Contains(t, b.String(), "(rule of three: 3 / 200000 requests)", "502.4's bound is the plain rule of three")
}
