package simulate

import (
	"math"
	"testing"
)

// TestTimeoutCurveZeroEventsIsAnUpperBound: a timeout whose runs saw no
// 502.3 gets the rule of three's bound 3/n over all replications' requests,
// as Result's rates do, not a CI of 0 .. 0.
func TestTimeoutCurveZeroEventsIsAnUpperBound(t *testing.T) {
	c := &TimeoutCurve{
		MaxS:     3,
		Requests: []int64{1000, 1000},
		Fixed:    []int64{0, 0},
		BySec:    [][]int64{{900, 100, 0, 0}, {950, 50, 0, 0}},
	}
	r := c.Rate(2)
	if r.Mean != 0 || r.CI95[1] != 3.0/2000 || r.Bound != "rule_of_three" {
		t.Errorf("Rate(2) = %+v, want mean 0 and upper bound 3/2000 by the rule of three", r)
	}
	// At 1 s the requests in [1 s, 2 s) time out: 100 and 50 of 1000.
	if r := c.Rate(1); math.Abs(r.Mean-0.075) > 1e-12 || r.Bound != "" {
		t.Errorf("Rate(1) = %+v, want mean 0.075 from a Student t CI", r)
	}
}
