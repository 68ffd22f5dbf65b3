package recommend

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrfarm/arrfarm/schema"
	"github.com/arrfarm/arrfarm/simulate"
)

// How a sweep words an overloaded point depends on the backend queue
// limits. Two servers of one slot and 50 ms fixed work serve 40 req/s;
// 100 req/s is offered. With no limit (requestQueueLimit 0, queueLength
// 0) the queues grow all run long and no request is turned away. With
// ASP.NET's requestQueueLimit 10 a server's queue is full within a
// second, and from then on 1 - 40/100 = 60 % of requests get 503 at once:
// the overload shows as 503, and the queue does not grow.
func TestSweepOverloadWordedByQueueLimit(t *testing.T) {
	cfgSrc := farmYAML(2, "protocol: {timeout: 30s}")
	scSrc := `
duration: 30s
warmup: 5s
replications: 3
seed: 4
arrivals: {rate: 100}
latency: {fixed: 50ms}
concurrency: 1
backends: {queueLength: 0}
`
	load := func() (*schema.Config, *simulate.Scenario, error) {
		return loadConfig(t, "farm.yaml", cfgSrc).Config, loadScenario(t, scSrc), nil
	}
	res, err := Sweep(load, []Vary{{Path: "scenario.backends.requestQueueLimit", Values: []string{"0", "10"}}}, simulate.Options{}, nil)
	require.NoError(t, err)
	require.Len(t, res.Points, 2)
	unbounded, capped := res.Points[0], res.Points[1]
	assert.True(t, unbounded.Overloaded)
	assert.True(t, capped.Overloaded)
	assert.Zero(t, unbounded.Rates.R503.Mean, "no limit: nothing is turned away")
	assert.Zero(t, unbounded.QueueFull503)
	assert.InDelta(t, 1-40.0/100, capped.Rates.R503.Mean, 0.03, "503 = 1 - capacity / offered")
	assert.Positive(t, capped.QueueFull503)

	var text, js strings.Builder
	require.NoError(t, res.WriteText(&text))
	out := text.String()
	var grew, turned string
	for _, l := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(l, "OVERLOADED") && strings.Contains(l, "grew all run long"):
			grew = l
		case strings.HasPrefix(l, "OVERLOADED"):
			turned = l
		}
	}
	assert.Contains(t, grew, "at 1 point(s)", out)
	assert.Contains(t, turned, "at 1 point(s)", out)
	assert.Contains(t, turned, "turned away with 503", out)
	assert.NotContains(t, turned, "grew", out)

	require.NoError(t, res.WriteJSON(&js))
	assert.Contains(t, js.String(), `"queue_full_503": `)
}

// recommend's overload reason words it the same way: with the default
// requestQueueLimit (5000) the busiest backend's queue fills and the rest
// get 503; with none it grows without bound. Two one-slot servers of
// 50 ms offered 100 req/s are 250 % busy either way.
func TestRecommendOverloadWordedByQueueLimit(t *testing.T) {
	doc := loadConfig(t, "farm.yaml", farmYAML(2, "protocol: {timeout: 30s}"))
	for _, c := range []struct {
		backends, want, not string
	}{
		{"{}", "fills to the backend's requestQueueLimit (5000 in service and waiting) and the requests beyond it are turned away with 503", "without bound"},
		{"{requestQueueLimit: 0, queueLength: 0}", "queues grow without bound", "503"},
	} {
		sc := loadScenario(t, "duration: 10s\nreplications: 2\narrivals: {rate: 100}\nlatency: {fixed: 50ms}\nconcurrency: 1\nbackends: "+c.backends+"\n")
		res, err := Recommend(doc.Config, sc, Options{Target: 0.001})
		require.NoError(t, err)
		f := res.Farms[0]
		require.True(t, f.Overloaded)
		require.NotEmpty(t, f.Reasons)
		assert.Contains(t, f.Reasons[0], c.want, c.backends)
		assert.NotContains(t, f.Reasons[0], c.not, c.backends)
	}
}
