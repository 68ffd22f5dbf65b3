package recommend

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"time"

	"github.com/arrfarm/arrfarm/internal/human"
	"github.com/arrfarm/arrfarm/simulate"
)

// maxTimeoutS bounds the timeout search: the simulation keeps deadline
// entries of queued requests up to the timeout, so the bound keeps memory
// in proportion to traffic, and a farm that needs more than an hour is
// better served by a different fix.
const maxTimeoutS = 3600

// searchBound is the largest timeout tried: well above the current one and
// the percentile rule, so that the answer is inside.
func searchBound(current, rule time.Duration) int {
	b := max(120, 4*int(math.Ceil(current.Seconds())), 3*int(math.Ceil(rule.Seconds())))
	return min(b, maxTimeoutS)
}

// timeout finds the smallest whole-second timeout whose predicted 502.3
// rate meets the target, with one run when the timeout cannot change the
// dynamics (simulate.TimeoutShortcut), else by bisection with one run per
// timeout tried. Both use the scenario's seed: common random numbers, so
// neighbouring timeouts are compared on the same requests.
func (fr *farmRun) timeout(out *Farm, rule time.Duration) error {
	target := fr.opts.Target
	current := fr.farm.Protocol.Timeout
	bound := searchBound(current, rule)
	curS := int(current / time.Second)
	whole := current%time.Second == 0 && curS >= 1
	defer func() { fr.farm.Protocol.Timeout = current }()

	var rateAt func(t int) (simulate.Rate, error)
	var last *simulate.Result
	fixedShare := -1.0 // share of requests that fail whatever the timeout
	ok, why := simulate.TimeoutShortcut(fr.cfg, fr.sc)
	if ok && !fr.opts.BruteForce {
		out.Method = "one-run curve"
		res, err := fr.run(time.Duration(bound)*time.Second, true)
		if err != nil {
			return err
		}
		last = res
		c := res.TimeoutCurve
		rateAt = func(t int) (simulate.Rate, error) { return c.Rate(t), nil }
		var fixed, all int64
		for i := range c.Fixed {
			fixed += c.Fixed[i]
			all += c.Requests[i]
		}
		if all > 0 {
			fixedShare = float64(fixed) / float64(all)
		}
	} else {
		out.Method = "search"
		out.MethodNote = why
		if fr.opts.BruteForce {
			out.MethodNote = "asked for one run per timeout"
		}
		cache := map[int]simulate.Rate{}
		rateAt = func(t int) (simulate.Rate, error) {
			if r, ok := cache[t]; ok {
				return r, nil
			}
			res, err := fr.run(time.Duration(t)*time.Second, false)
			if err != nil {
				return simulate.Rate{}, err
			}
			last = res
			cache[t] = res.Farms[0].Rates.R5023
			return cache[t], nil
		}
		defer func() {
			for t, r := range cache {
				out.Curve = append(out.Curve, Point{X: float64(t), Rate: r})
			}
			sort.Slice(out.Curve, func(i, j int) bool { return out.Curve[i].X < out.Curve[j].X })
		}()
	}
	top, err := rateAt(bound)
	if err != nil {
		return err
	}
	best := -1
	if meets(top, target) {
		if out.Method == "one-run curve" {
			for t := 1; t <= bound; t++ {
				if r, _ := rateAt(t); meets(r, target) {
					best = t
					break
				}
			}
		} else {
			lo, hi := 0, bound // lo fails (or is 0), hi meets
			for hi-lo > 1 {
				mid := lo + (hi-lo)/2
				r, err := rateAt(mid)
				if err != nil {
					return err
				}
				if meets(r, target) {
					hi = mid
				} else {
					lo = mid
				}
			}
			best = hi
		}
	}
	if out.Method == "one-run curve" {
		end := bound
		if best > 0 {
			end = min(bound, max(2*best, curS, 30))
		}
		for t := 1; t <= end; t++ {
			r, _ := rateAt(t)
			out.Curve = append(out.Curve, Point{X: float64(t), Rate: r})
		}
	}
	if whole && curS <= bound && (out.Method == "one-run curve" || best < 0 || curS != best) {
		if r, err := rateAt(curS); err == nil {
			out.Timeout.Current5023 = &r
		}
	}

	pct := human.Percent
	if best < 0 {
		reason := fmt.Sprintf("no timeout up to %ds keeps 502.3 under %s: at %ds it is still %s (95%% CI upper bound %s)", bound, pct(target), bound, pct(top.Mean), pct(top.CI95[1]))
		if fixedShare >= 0 {
			reason += fmt.Sprintf("; %s of requests fail whatever the timeout (refused, reset, or sent to a hung server): see the health-check reasons", pct(fixedShare))
		} else if last != nil {
			f := last.Farms[0]
			if fixed := f.Win32.Refused + f.Win32.Reset; fixed > 0 || len(f.Faults) > 0 {
				reason += "; the scenario's faults (refused, reset or hung requests) cause 502.3 that no timeout removes: see the health-check reasons"
			}
		}
		out.Reasons = append(out.Reasons, reason)
		return nil
	}
	r, _ := rateAt(best)
	out.Timeout.RecommendedS = &best
	out.Timeout.Predicted5023 = &r
	reason := fmt.Sprintf("timeout %ds is the smallest whole second whose predicted 502.3 rate, %s (95%% CI %s .. %s), stays under the target %s with 95%% confidence",
		best, pct(r.Mean), pct(r.CI95[0]), pct(r.CI95[1]), pct(target))
	if best > 1 {
		prev, _ := rateAt(best - 1)
		reason += fmt.Sprintf("; at %ds the upper bound is %s%%, above it", best-1, strconv.FormatFloat(100*prev.CI95[1], 'g', 4, 64))
	}
	out.Reasons = append(out.Reasons, reason)
	if half := r.CI95[1] - r.Mean; half > target/4 {
		out.Reasons = append(out.Reasons, fmt.Sprintf("the 95%% CI is wide (+/- %s against a target of %s): more replications (scenario replications, or a longer duration) would tighten it and may allow a shorter timeout", pct(half), pct(target)))
	}
	if cr := out.Timeout.Current5023; cr != nil && curS != best {
		verdict := "meets the target too: the recommendation only shortens how long a client waits for a 502.3"
		if !meets(*cr, target) {
			verdict = "misses the target"
		}
		out.Reasons = append(out.Reasons, fmt.Sprintf("the current %ds predicts 502.3 at %s (95%% CI upper %s): it %s", curS, pct(cr.Mean), pct(cr.CI95[1]), verdict))
	}
	q := 100 * (1 - target)
	out.Reasons = append(out.Reasons, fmt.Sprintf(
		"the percentile rule (a timeout at p%s of service time for a %s false-timeout share) gives %s; the simulation also counts queue wait, faults and the scenario's traffic, and is what the recommendation uses",
		trimFloat(q), pct(target), human.Duration(rule)))
	if out.Method == "one-run curve" {
		out.Reasons = append(out.Reasons, "one simulation gave the whole 502.3-against-timeout curve: the backend keeps working after ARR gives up, the algorithm does not count ARR's in-flight requests and there is no live-traffic health test, so the timeout changes no request's fate but its own")
	} else {
		out.Reasons = append(out.Reasons, fmt.Sprintf("searched with one simulation per timeout tried (%d runs): %s", len(out.Curve), out.MethodNote))
	}
	return nil
}
