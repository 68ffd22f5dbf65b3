package simulate

import (
	"math"
	"testing"
)

// TestTimeoutCurveZeroEventsIsAnUpperBound: a timeout whose runs saw no
// 502.3 gets the rule of three's bound 3 VIF / n over all replications'
// requests, as Result's rates do, not a CI of 0 .. 0; VIF comes from the
// requests slower than half the timeout, which stand in for the timeouts.
func TestTimeoutCurveZeroEventsIsAnUpperBound(t *testing.T) {
	// The stand-ins (100 and 100 of 1000 slower than 1 s) spread no more
	// than independent trials: VIF 1, the plain rule of three 3 / 2000.
	c := &TimeoutCurve{
		MaxS:     3,
		Requests: []int64{1000, 1000},
		Fixed:    []int64{0, 0},
		BySec:    [][]int64{{900, 100, 0, 0}, {900, 100, 0, 0}},
	}
	r := c.Rate(2)
	if r.Mean != 0 || r.CI95[1] != 3.0/2000 || r.Bound != "rule_of_three" {
		t.Errorf("Rate(2) = %+v, want mean 0 and upper bound 3/2000 by the rule of three", r)
	}
	// At 1 s the requests in [1 s, 2 s) time out: 100 and 100 of 1000.
	if r := c.Rate(1); math.Abs(r.Mean-0.1) > 1e-12 || r.Bound != "" {
		t.Errorf("Rate(1) = %+v, want mean 0.1 with an interval", r)
	}

	// Clustered stand-ins: 100, 50, 100, 50 of 1000 slower than 1 s. By
	// hand: p = 0.075, the counts' variance (4 x 25^2)/3 = 833.3 over the
	// binomial 1000 p (1 - p) = 69.375 is VIF 12.012. No timeout at 2 s
	// then bounds the rate by 3 x 12.012 / 4000 = 0.009009, not the
	// 3 / 4000 = 0.00075 of independent requests.
	c = &TimeoutCurve{
		MaxS:     3,
		Requests: []int64{1000, 1000, 1000, 1000},
		Fixed:    []int64{0, 0, 0, 0},
		BySec:    [][]int64{{900, 100, 0, 0}, {950, 50, 0, 0}, {900, 100, 0, 0}, {950, 50, 0, 0}},
	}
	if r := c.Rate(2); r.Mean != 0 || math.Abs(r.CI95[1]-0.009009) > 1e-6 || r.Bound != "rule_of_three" {
		t.Errorf("clustered: Rate(2) = %+v, want upper bound 0.009009", r)
	}
}
