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
// rate meets the target (MinMeetingS), with one run when the timeout
// cannot change the dynamics (simulate.TimeoutShortcut), else by bisection
// with one run per timeout tried. Both use the scenario's seed: common
// random numbers, so neighbouring timeouts are compared on the same
// requests. The recommendation is not that value, which spends the whole
// target: a current timeout that meets the target is kept (RuleKeep)
// unless Options.Tighten, else the headroom rule chooses (RuleHeadroom).
func (fr *farmRun) timeout(out *Farm, rule time.Duration) error {
	target := fr.opts.Target
	current := fr.farm.Protocol.Timeout
	bound := searchBound(current, rule)
	curS := int(current / time.Second)
	whole := current%time.Second == 0 && curS >= 1
	defer func() { fr.farm.Protocol.Timeout = current }()

	var rateAt func(t int) (simulate.Rate, error)
	runs := func() int { return 1 }
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
		runs = func() int { return len(cache) }
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
	if fr.log != nil {
		// The log's sample bounds the rate, not the resampling (logBound).
		sim := rateAt
		rateAt = func(t int) (simulate.Rate, error) {
			if _, err := sim(t); err != nil {
				return simulate.Rate{}, err
			}
			return fr.log.rate(time.Duration(t) * time.Second), nil
		}
	}
	top, err := rateAt(bound)
	if err != nil {
		return err
	}
	// smallest is the smallest whole second whose 95 % upper bound is at or
	// under limit (-1 when none up to the bound): a scan of the one-run
	// curve, or a bisection (the rate falls as the timeout grows).
	smallest := func(limit float64) (int, error) {
		if !meets(top, limit) {
			return -1, nil
		}
		if out.Method == "one-run curve" {
			for t := 1; t <= bound; t++ {
				if r, _ := rateAt(t); meets(r, limit) {
					return t, nil
				}
			}
			return bound, nil
		}
		lo, hi := 0, bound // lo fails (or is 0), hi meets
		for hi-lo > 1 {
			mid := lo + (hi-lo)/2
			r, err := rateAt(mid)
			if err != nil {
				return -1, err
			}
			if meets(r, limit) {
				hi = mid
			} else {
				lo = mid
			}
		}
		return hi, nil
	}
	best, err := smallest(target)
	if err != nil {
		return err
	}
	// Headroom: the smallest timeout spends the whole target on false
	// timeouts, leaving nothing for outages, hangs or a busier day. The
	// headroom rule asks for a tenth of the target, or, when the floor (the
	// rate at the search bound, from faults or the tail itself) is above
	// that, for a rate within 10 % of the floor's upper bound.
	headLimit := target / 10
	headWhy := fmt.Sprintf("a tenth of the target (%s)", human.Percent(headLimit))
	if floor := 1.1 * top.CI95[1]; floor > headLimit {
		headLimit = min(target, floor)
		headWhy = fmt.Sprintf("within 10%% of the floor (at %ds the upper bound is %s)", bound, human.Percent(top.CI95[1]))
	}
	head := -1
	if best > 0 {
		if head, err = smallest(headLimit); err != nil {
			return err
		}
		head = max(head, best)
	}
	if out.Method == "one-run curve" {
		end := bound
		if head > 0 {
			end = min(bound, max(2*head, curS, 30))
		}
		for t := 1; t <= end; t++ {
			r, _ := rateAt(t)
			out.Curve = append(out.Curve, Point{X: float64(t), Rate: r})
		}
	}
	if whole && (curS <= bound || out.Method == "search" && curS <= maxTimeoutS) {
		if r, err := rateAt(curS); err == nil {
			out.Timeout.Current5023 = &r
		}
	}

	pct := human.Percent
	if best < 0 {
		// Where the mean is within, only the bound misses: what the run
		// could show, not what it saw.
		form := "no timeout up to %ds keeps 502.3 under %s: at %ds it is still %s (95%% CI upper bound %s)"
		if top.Mean <= target {
			form = "no timeout up to %ds keeps 502.3 under %s with 95%% confidence: at %ds the predicted rate is %s, but its 95%% CI upper bound is %s"
		}
		reason := fmt.Sprintf(form, bound, pct(target), bound, pct(top.Mean), pct(top.CI95[1]))
		if fixedShare > 0 {
			reason += fmt.Sprintf("; %s of requests fail whatever the timeout (refused, reset, or sent to a hung server): see the health-check reasons", pct(fixedShare))
		} else if last != nil {
			f := last.Farms[0]
			if fixed := f.Win32.Refused + f.Win32.Reset; fixed > 0 || len(f.Faults) > 0 {
				reason += "; the scenario's faults (refused, reset or hung requests) cause 502.3 that no timeout removes: see the health-check reasons"
			}
		}
		if fr.log != nil && fr.log.floor() > target {
			reason += fmt.Sprintf("; the latency log has %d usable samples (2xx/3xx, win32 0): no sample of that size bounds a tail below %s with 95%% confidence (one-sided Clopper-Pearson; about 3/n), so it cannot show the target %s is met: give more log, or a larger target",
				fr.log.n(), pct(fr.log.floor()), pct(target))
		}
		out.Reasons = append(out.Reasons, reason)
		return nil
	}
	out.Timeout.MinMeetingS = &best
	cr := out.Timeout.Current5023
	curMeets := cr != nil && meets(*cr, target)
	chosen := head
	switch {
	case curMeets && !fr.opts.Tighten:
		chosen = curS
		out.Timeout.Rule = RuleKeep
	case curMeets && curS <= head:
		chosen = curS
		out.Timeout.Rule = RuleKeep
	default:
		out.Timeout.Rule = RuleHeadroom
	}
	r, _ := rateAt(chosen)
	out.Timeout.RecommendedS = &chosen
	out.Timeout.Predicted5023 = &r
	minR, _ := rateAt(best)
	minText := fmt.Sprintf("%ds is the smallest whole second whose predicted 502.3 rate, %s (95%% CI %s .. %s), meets the target %s with 95%% confidence",
		best, pct(minR.Mean), pct(minR.CI95[0]), pct(minR.CI95[1]), pct(target))
	if best > 1 {
		prev, _ := rateAt(best - 1)
		minText += fmt.Sprintf(" (at %ds the upper bound is %s%%)", best-1, strconv.FormatFloat(100*prev.CI95[1], 'g', 4, 64))
	}
	switch {
	case out.Timeout.Rule == RuleKeep && fr.opts.Tighten:
		out.Reasons = append(out.Reasons, fmt.Sprintf("timeout %ds kept (rule: keep): the current value predicts 502.3 at %s (95%% CI upper %s), within the target, and is already at or under the headroom value %ds; %s",
			chosen, pct(r.Mean), pct(r.CI95[1]), head, minText))
	case out.Timeout.Rule == RuleKeep:
		out.Reasons = append(out.Reasons, fmt.Sprintf("timeout %ds kept (rule: keep): the current value predicts 502.3 at %s (95%% CI upper %s), within the target; --tighten would shorten it to %ds (headroom: %s); %s",
			chosen, pct(r.Mean), pct(r.CI95[1]), head, headWhy, minText))
	default:
		reason := fmt.Sprintf("timeout %ds (rule: headroom): the smallest whole second whose predicted 502.3 rate, %s (95%% CI %s .. %s), is at or under %s, so the rest of the target is left for outages, hangs and a busier day; %s",
			chosen, pct(r.Mean), pct(r.CI95[0]), pct(r.CI95[1]), headWhy, minText)
		if cr != nil && curS != chosen {
			verdict := "misses the target"
			if curMeets {
				verdict = "meets the target; --tighten asked to shorten it"
			}
			reason += fmt.Sprintf("; the current %ds predicts %s (95%% CI upper %s): it %s", curS, pct(cr.Mean), pct(cr.CI95[1]), verdict)
		}
		out.Reasons = append(out.Reasons, reason)
	}
	if half := r.CI95[1] - r.Mean; half > target/4 {
		out.Reasons = append(out.Reasons, fmt.Sprintf("the 95%% CI is wide (+/- %s against a target of %s): more replications (scenario replications, or a longer duration) would tighten it", pct(half), pct(target)))
	}
	if fr.log != nil {
		out.Reasons = append(out.Reasons, fmt.Sprintf("confidence from the latency log's %d usable samples (2xx/3xx, win32 0): the share at or above each timeout with its one-sided 95%% Clopper-Pearson bound, not the resampling's spread", fr.log.n()))
	}
	q := 100 * (1 - target)
	out.Reasons = append(out.Reasons, fmt.Sprintf(
		"the percentile rule (a timeout at p%s of service time for a %s false-timeout share) gives %s; the simulation also counts queue wait, faults and the scenario's traffic, and is what the recommendation uses",
		trimFloat(q), pct(target), human.Duration(rule)))
	if out.Method == "one-run curve" {
		out.Reasons = append(out.Reasons, "one simulation gave the whole 502.3-against-timeout curve: the backend keeps working after ARR gives up, the algorithm does not count ARR's in-flight requests and there is no live-traffic health test, so the timeout changes no request's fate but its own")
	} else {
		out.Reasons = append(out.Reasons, fmt.Sprintf("searched with one simulation per timeout tried (%d runs): %s", runs(), out.MethodNote))
	}
	return nil
}

// Rules that choose the recommended timeout (Timeout.Rule).
const (
	// RuleKeep keeps a current timeout that already meets the target.
	RuleKeep = "keep"
	// RuleHeadroom is the smallest timeout whose rate is a tenth of the
	// target, or within 10 % of the floor when that is higher.
	RuleHeadroom = "headroom"
)
