package simulate

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

// effectiveCounts' sparse rule: at ten replications or more, a count with
// fewer than 0.2 effective events a replication takes the stand-in's VIF
// alone (docs/simulation.md, where the rule was written down before the
// seeds that confirmed it were recorded); with fewer replications the
// count's own VIF, widened for how few measured it, stays.
func TestSparseCountTakesTheStandInVIF(t *testing.T) {
	reqs := func(r int) []int64 {
		out := make([]int64, r)
		for i := range out {
			out[i] = 20000
		}
		return out
	}
	// Ten replications, one burst of 40 timeouts: the count's own VIF is
	// about 40, widened by (t_9/z)^2 = 1.33, so 40 / (10 x 53) = 0.075
	// effective events a replication, below 0.2.
	events := []int64{0, 0, 0, 0, 0, 0, 0, 0, 0, 40}
	proxy := []int64{30, 25, 41, 28, 33, 22, 35, 90, 27, 180}
	_, e, _, floored := flooredCounts(events, reqs(10), proxy)
	assert.Less(t, e/(10*floored), sparseEffective, "the case must be sparse")
	est, ok := dispersion(proxy, reqs(10))
	assert.True(t, ok)
	_, _, _, vif := effectiveCounts(events, reqs(10), proxy)
	assert.Equal(t, math.Max(1, est), vif)
	assert.Less(t, vif, floored, "the stand-in clusters less than the count's own spread says")

	// A count with effective events to spare keeps the floored VIF.
	dense := proxy
	_, _, _, f := flooredCounts(dense, reqs(10), proxy)
	_, _, _, v := effectiveCounts(dense, reqs(10), proxy)
	assert.Equal(t, f, v)

	// Two replications: sparse by the ratio, only because (t_1/z)^2 = 42
	// widens the count's own VIF; the rule was never judged there.
	two, twoProxy := []int64{300, 40}, []int64{900, 600}
	_, e, _, floored = flooredCounts(two, reqs(2), twoProxy)
	assert.Less(t, e/(2*floored), sparseEffective, "the ratio alone would apply the rule")
	_, _, _, vif = effectiveCounts(two, reqs(2), twoProxy)
	assert.Equal(t, floored, vif)
}
