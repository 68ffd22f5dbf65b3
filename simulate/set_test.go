package simulate

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arrfarm/arrfarm/latency"
	"github.com/arrfarm/arrfarm/schema"
)

func TestApplySetConfig(t *testing.T) {
	cfg := loadConfig(t, farm(3, "protocol: {timeout: 30s}"))
	f := cfg.Farm("web")
	for _, a := range []string{
		"web.protocol.timeout=45s",
		"web.healthCheck.interval=00:00:05",
		"web.healthCheck.minServers=1",
		"web.loadBalancing.algorithm=LeastRequests",
		"web.affinity.useCookie=true",
		"web.enabled=false",
		"web.server.10.0.0.2.weight=200",
		"web.server.10.0.0.3.enabled=false",
		"proxy.timeout=00:03:00",
	} {
		require.NoError(t, ApplySet(cfg, nil, a), a)
	}
	require.Equal(t, 45*time.Second, f.Protocol.Timeout)
	require.Equal(t, 5*time.Second, f.HealthCheck.Interval)
	require.EqualValues(t, 1, f.HealthCheck.MinServers)
	require.Equal(t, schema.LeastRequests, f.LoadBalancing.Algorithm)
	require.True(t, f.Affinity.UseCookie)
	require.False(t, f.Enabled)
	require.EqualValues(t, 200, f.Servers[1].ARR.Weight)
	require.False(t, f.Servers[2].Enabled)
	require.Equal(t, 3*time.Minute, cfg.Proxy.Timeout)
	require.True(t, f.Protocol.Has("timeout"), "a --set value counts as written")
	require.Equal(t, "--set", f.Protocol.ValueSpan("timeout").File)

	for a, msg := range map[string]string{
		"web.protocol.timeout=45":                 `write 45s for seconds`,
		"web.protocol.timeout=0s":                 `expected a time span`,
		"web.loadBalancing.algorithm=Random":      `one of "WeightedRoundRobin"`,
		"web.healthCheck.intervall=5s":            `no attribute "intervall"`,
		"api.protocol.timeout=45s":                `no farm "api"`,
		"web.cache.enabled=true":                  `no element "cache"`,
		"web.server.10.9.9.9.weight=1":            `no server "10.9.9.9"`,
		"web.protocol.timeout":                    `want PATH=VALUE`,
		"web.affinity.useCookie=yes":              `"true" or "false"`,
		"web.protocol.clientCertPassword=hunter2": `secret`,
		"scenario.arrivals.rate=5":                `no scenario`,
	} {
		err := ApplySet(cfg, nil, a)
		require.Error(t, err, a)
		require.Contains(t, err.Error(), msg, a)
		require.Contains(t, err.Error(), "--set "+a, "the error names the assignment")
	}
	require.Equal(t, 45*time.Second, f.Protocol.Timeout, "a rejected assignment changes nothing")
}

func TestApplySetScenario(t *testing.T) {
	cfg := loadConfig(t, farm(2, "protocol: {timeout: 30s}"))
	sc := loadScenario(t, `
duration: 1m
arrivals: {rate: 100}
latency: {lognormal: {p50: 100ms, p99: 1s}}
servers:
  10.0.0.1: {concurrency: 4}
events:
  - {at: 10s, server: 10.0.0.2, fault: hang, for: 5s}
`)
	for _, a := range []string{
		"scenario.arrivals.rate=300",
		"scenario.seed=42",
		"scenario.concurrency=8",
		"scenario.servers.10.0.0.1.errors=0.5",
		`scenario.servers."10.0.0.2".concurrency=2`,
		"scenario.latency.fixed=250ms", // replaces the lognormal model
		"scenario.events.0.for=20s",
		"scenario.arr.legacyAlgorithms=true",
		"scenario.requests=5000", // replaces duration
	} {
		require.NoError(t, ApplySet(cfg, sc, a), a)
	}
	require.Equal(t, 300.0, sc.Arrivals.Rate)
	require.EqualValues(t, 42, sc.Seed)
	require.Equal(t, 8, sc.Concurrency)
	require.Equal(t, 0.5, *sc.Servers["10.0.0.1"].Errors)
	require.Equal(t, 4, *sc.Servers["10.0.0.1"].Concurrency, "other server fields stay")
	require.Equal(t, 2, *sc.Servers["10.0.0.2"].Concurrency)
	require.Equal(t, latency.Model{Kind: latency.Fixed, Fixed: 250 * time.Millisecond}, sc.Latency)
	require.Equal(t, 20*time.Second, sc.Events[0].For)
	require.True(t, sc.ARR.LegacyAlgorithms)
	require.EqualValues(t, 5000, sc.Requests)
	require.Zero(t, sc.Duration)
	// Positions of the file's values survive re-validation.
	require.Equal(t, 8, sc.Events[0].Span.Start.Line)

	for a, msg := range map[string]string{
		"scenario.arrivals.rate=-1":        "out of range",
		"scenario.arrivals.rat=1":          `unknown field "rat"`,
		"scenario.warmup=30":               "has no unit",
		"scenario.arr.timeoutSemantics=no": `must be one of "cancel", "proxy"`,
	} {
		err := ApplySet(cfg, sc, a)
		require.Error(t, err, a)
		require.Contains(t, err.Error(), msg, a)
	}
	require.Equal(t, 300.0, sc.Arrivals.Rate, "a rejected assignment changes nothing")
	require.Len(t, sc.sets, 9)
}
