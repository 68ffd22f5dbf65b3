package recommend

import (
	"math"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An overloaded farm behind backends with a bounded request queue answers
// 503 at once instead of letting requests time out (issue 19): judged by
// 502.3 and 502.4 alone it looked fine. fixtures/recommend/over503.yaml
// offers 2000 req/s x 0.1 s = 200 busy slots to two servers of 64 slots:
// capacity must count at least ceil(200 / 64) = 4 servers, and the farm as
// written must not "meet the target".
func TestCapacityAndSetCount503(t *testing.T) {
	src, err := os.ReadFile("../fixtures/recommend/written.xml")
	require.NoError(t, err)
	doc := loadConfig(t, "written.xml", string(src))
	scSrc, err := os.ReadFile("../fixtures/recommend/over503.yaml")
	require.NoError(t, err)
	sc := loadScenario(t, string(scSrc))

	const rate, service, slots, servers = 2000.0, 0.1, 64, 2
	least := int(math.Ceil(rate * service / slots))
	require.Equal(t, 4, least)

	res, err := Recommend(doc.Config, sc, Options{Target: 0.001})
	require.NoError(t, err)
	f := res.Farms[0]
	c := f.Capacity
	require.NotNil(t, c.Servers, "%s", reasons(f))
	assert.GreaterOrEqual(t, *c.Servers, least, "%s", reasons(f))
	require.NotNil(t, c.Predicted503)
	assert.LessOrEqual(t, c.Predicted503.CI95[1], 0.001, "the count capacity gives meets the target on 503 too")

	assert.False(t, f.Set.Meets, "%s", reasons(f))
	assert.Nil(t, f.Timeout.RecommendedS)
	// Once the queues are full, 1 - 1280/2000 = 36 % are turned away; they
	// fill 5000 / 360 = 13.9 s into the run, 3.9 s into the 60 s measured
	// after the 10 s warm-up: (60 - 3.9) / 60 of 36 % is 33.7 %.
	full := 5000 / (rate/servers - slots/service)
	want := (1 - servers*slots/service/rate) * (60 - (full - 10)) / 60
	assert.InDelta(t, want, f.Set.Predicted503.Mean, 0.02, "the farm as written, simulated: 503")
	assert.Zero(t, f.Set.Predicted5023.Mean, "no request waits the 30 s timeout")
	assert.Zero(t, f.Set.Predicted5024.Mean)
	assert.Contains(t, reasons(f), "NO CHANGE RECOMMENDED")

	var text, js strings.Builder
	require.NoError(t, res.WriteText(&text))
	require.NoError(t, res.WriteJSON(&js))
	assert.Contains(t, text.String(), ", 503 ")
	assert.Contains(t, text.String(), "MISSES the target")
	assert.NotContains(t, text.String(), ": meets the target")
	assert.Contains(t, js.String(), `"predicted_503"`)
}

// The set check holds 503 to the target even when 502.3 and 502.4 are 0.
// One server with 2 slots and ASP.NET's requestQueueLimit 4 (in service
// and waiting) offered a = 1.6 Erlangs (rho 0.8, not overloaded) is
// M/M/2/4: p_4 = (a^4 / (2! 2^2)) / sum_n p_n = 0.8192 / 5.7232 = 14.3 %
// of requests get 503. Nothing waits near the 30 s timeout (at most two
// ahead in the queue) and there is no URL test: 502.3 and 502.4 are 0, and
// still no set meets a 1 % target.
func TestSetRejects503(t *testing.T) {
	const a, c, k = 1.6, 2, 4
	p := []float64{1}
	for n := 1; n <= k; n++ {
		p = append(p, p[n-1]*a/float64(min(n, c)))
	}
	var sum float64
	for _, x := range p {
		sum += x
	}
	block := p[k] / sum
	require.InDelta(t, 0.1431, block, 1e-4)

	doc := loadConfig(t, "farm.yaml", farmYAML(1, "protocol: {timeout: 30s}"))
	sc := loadScenario(t, `
duration: 2h
warmup: 1m
replications: 4
seed: 5
arrivals: {rate: 1.6}
latency: {exponential: {mean: 1s}}
concurrency: 2
backends: {requestQueueLimit: 4}
`)
	res, err := Recommend(doc.Config, sc, Options{Target: 0.01})
	require.NoError(t, err)
	f := res.Farms[0]
	assert.False(t, f.Overloaded)
	s := f.Set
	assert.Zero(t, s.Predicted5023.Mean, "%s", reasons(f))
	assert.Zero(t, s.Predicted5024.Mean)
	assert.InDelta(t, block, s.Predicted503.Mean, 3*(s.Predicted503.CI95[1]-s.Predicted503.Mean)+0.005, "503 = M/M/2/4 blocking")
	assert.False(t, s.Meets, "a 14 %% 503 rate misses a 1 %% target: %s", reasons(f))
	assert.Contains(t, reasons(f), "NO CHANGE RECOMMENDED")
	// Capacity: the one server misses on 503 alone, so servers are added.
	require.NotNil(t, f.Capacity.Servers, "%s", reasons(f))
	assert.GreaterOrEqual(t, *f.Capacity.Servers, 2)
	require.NotNil(t, f.Capacity.Predicted503)
	assert.LessOrEqual(t, f.Capacity.Predicted503.CI95[1], 0.01)
}
