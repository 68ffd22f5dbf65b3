package simulate

import (
	"fmt"
	"time"

	"github.com/arrfarm/arrfarm/schema"
)

// TimeoutCurve is the 502.3 rate against the farm's proxy timeout, for
// every whole second up to the timeout the run was made with, from ONE
// simulation. It is exact (not an interpolation) when TimeoutShortcut
// says the timeout cannot change the dynamics: then a request times out at
// T exactly when its time to response headers is at least T, and that time
// does not depend on T.
type TimeoutCurve struct {
	// MaxS is the timeout the run was made with, in whole seconds.
	MaxS int
	// Per replication: counted requests, 502.3 that happen whatever the
	// timeout (refused, reset, hung servers), and BySec[k], the requests
	// whose time to headers was in [k s, k+1 s); BySec[MaxS] also holds
	// those that timed out at MaxS.
	Requests []int64
	Fixed    []int64
	BySec    [][]int64
	// tail is each replication's repCounts.tail, the stand-ins the run
	// itself used for its 502.3 interval.
	tail [][tailRungs]int64
}

// Rate returns the 502.3 rate with timeout t whole seconds (1 <= t <=
// MaxS): mean over replications with its 95 % CI, as Result reports
// rates (rateOfCounts).
func (c *TimeoutCurve) Rate(t int) Rate {
	t = min(max(t, 1), c.MaxS)
	events := c.slowerThan(t)
	for i := range events {
		events[i] += c.Fixed[i]
	}
	// Stand-ins for clustering, as rate5023 takes them: at the run's own
	// timeout the run's, so that the curve there is the run; below it the
	// requests slower than t/2, t/4, ... whole seconds.
	var rungs [][]int64
	if t == c.MaxS && len(c.tail) == len(c.Requests) {
		rungs = byRung(c.tail)
	} else {
		for s := t / 2; s >= 1; s /= 2 {
			rungs = append(rungs, c.slowerThan(s))
		}
	}
	return rateOfCounts(events, c.Requests, pickProxy(rungs))
}

// slowerThan is, per replication, the requests whose time to headers was
// at least s whole seconds (those that timed out at MaxS included).
func (c *TimeoutCurve) slowerThan(s int) []int64 {
	n := make([]int64, len(c.Requests))
	for i := range n {
		for k := s; k <= c.MaxS; k++ {
			n[i] += c.BySec[i][k]
		}
	}
	return n
}

// TimeoutShortcut reports whether one run yields the whole timeout curve
// for the farm sc drives in cfg, and if not, why. The timeout must not feed
// back into what happens to other requests: the backend keeps working after
// ARR gives up (timeoutSemantics proxy), the algorithm does not count
// ARR's in-flight requests or response times (LeastRequests and
// LeastResponseTime as documented), and no live-traffic health test turns
// 502.3 into unhealthy servers.
func TimeoutShortcut(cfg *schema.Config, sc *Scenario) (bool, string) {
	farm, err := sc.TargetFarm(cfg)
	if err != nil {
		return false, err.Error()
	}
	if sc.ARR.TimeoutSemantics == "cancel" {
		return false, "timeoutSemantics cancel: a timed-out request frees its backend slot, so the timeout changes the queues"
	}
	if sc.ARR.LegacyAlgorithms {
		switch a := farm.LoadBalancing.Algorithm; a {
		case schema.LeastRequests, schema.LeastResponseTime:
			return false, a + " reads ARR's own view of each server (in-flight requests or response times), which a timeout changes"
		}
	}
	if farm.HealthCheck.LiveTrafficFailurePeriod > 0 || liveByDefault(farm, sc) {
		return false, "the live-traffic health test counts 502.3 (timeouts) against a server, so the timeout changes which servers are healthy"
	}
	return true, ""
}

// curveStats is the per-replication record behind TimeoutCurve.
type curveStats struct {
	fixed int64
	bySec []int64
}

// record counts a counted request that got its response headers (or timed
// out) after taken ns.
func (c *curveStats) record(taken int64) {
	k := int(taken / int64(time.Second))
	if k >= len(c.bySec) {
		k = len(c.bySec) - 1
	}
	c.bySec[k]++
}

func checkCurve(cfg *schema.Config, sc *Scenario, p *plan) error {
	if ok, why := TimeoutShortcut(cfg, sc); !ok {
		return fmt.Errorf("one run cannot give the whole timeout curve: %s", why)
	}
	if p.timeout%int64(time.Second) != 0 {
		return fmt.Errorf("the timeout curve needs a whole-second timeout, not %v", time.Duration(p.timeout))
	}
	return nil
}
