package recommend

import (
	"fmt"
	"math"
	"time"

	"github.com/arrfarm/arrfarm/internal/human"
	"github.com/arrfarm/arrfarm/simulate"
)

// outageBudget is the traffic one server outage may cost: the requests sent
// to a down server before the URL test notices it should not use more than
// the 502.3 target's share of an hour of traffic. With one outage an hour,
// detection alone then stays within the target.
const outageBudget = time.Hour

// health suggests the URL test's interval, timeout and minServers.
//
//   - interval: a down server keeps its share of requests (peak/N) until
//     healthFailures probes failed, about healthFailures x interval; the
//     largest whole second that keeps those requests within the target's
//     share of an hour of traffic, between 2 s (so that a whole-second timeout
//     fits below it) and ARR's default 30 s. A
//     current interval inside that budget is kept.
//   - timeout: twice the probe's p99.9 response time, so a slow but alive
//     server is not marked down, at least 1 s, and below the interval so
//     that probes do not pile up (lint rule health-timeout-not-below-interval).
//     A current timeout that is long enough and below the interval is kept.
//   - minServers: 1 when there are two or more servers: if every server
//     looks unhealthy, the probe is more likely broken than the farm, and
//     sending traffic beats answering 502.4 to everyone (lint rules
//     min-servers-zero and min-servers-above-servers).
func (fr *farmRun) health(out *Farm) {
	hc := &fr.farm.HealthCheck
	h := &out.HealthCheck
	h.URLTest = hc.URL != "" && hc.Interval > 0
	h.CurrentIntervalS, h.CurrentTimeoutS, h.CurrentMinServers = hc.Interval.Seconds(), hc.Timeout.Seconds(), int(hc.MinServers)
	// retries+1 failures in a row mark a server unhealthy; retried at once
	// (the simulator's default) they cost one interval, spaced by the
	// interval they cost one each (scenario arr.retrySpacing).
	failures := int(max(fr.farm.HealthCheck.Retries, 0)) + 1
	ticks, spacing := 1, "retried at once"
	if fr.sc.ARR.RetrySpacing == simulate.RetryInterval {
		ticks, spacing = failures, "one interval apart"
	}
	n := max(out.Servers, 1)
	target := fr.opts.Target

	interval := 30
	budget := target * out.PeakRate * outageBudget.Seconds() // requests
	if out.PeakRate > 0 {
		limit := target * outageBudget.Seconds() * float64(n) / float64(ticks)
		interval = int(math.Max(2, math.Min(30, math.Floor(limit))))
	}
	if cur := int(math.Ceil(hc.Interval.Seconds())); h.URLTest && cur <= interval {
		interval = max(2, cur) // already within the budget: keep it (room for a 1 s timeout)
	}
	h.IntervalS = float64(interval)

	probe := fr.sc.Health.Latency
	p999 := 5 * time.Millisecond
	if probe.Kind != 0 {
		if q, err := quantileOf(probe, 0.999, fr.opts.Samples); err == nil {
			p999 = q
		}
	}
	timeout := int(math.Max(1, math.Ceil(2*p999.Seconds())))
	timeout = min(timeout, interval-1)
	if cur := hc.Timeout; h.URLTest && cur%time.Second == 0 && int(cur/time.Second) >= timeout && int(cur/time.Second) < interval {
		timeout = int(cur / time.Second) // long enough and below the interval: keep it
	}
	h.TimeoutS = float64(timeout)
	if out.Servers >= 2 {
		h.MinServers = 1
	}

	perServer := out.PeakRate / float64(n)
	detectS := ticks * interval
	lost := perServer * float64(detectS)
	hangS := detectS + failures*timeout
	if ticks > 1 {
		hangS = detectS + timeout
	}
	detect := fmt.Sprintf("a down server is noticed within about %ds (%d failed probe(s), %s); until then it gets its share of the peak, %s req/s: about %s requests lost per outage",
		detectS, failures, spacing, num(perServer), num(math.Round(lost)))
	if out.Servers == 0 {
		return // nothing to check until the farm has a server
	}
	if !h.URLTest {
		out.Reasons = append(out.Reasons, fmt.Sprintf(
			"healthCheck: the farm has no URL test, so a down server keeps getting its share of requests (1/%d of all) until someone disables it; add healthCheck url with interval %ds and timeout %ds (%s)", n, interval, timeout, detect))
		return
	}
	if out.PeakRate > 0 {
		verdict := fmt.Sprintf("within the 502.3 target's share of an hour of traffic (%s requests), so one outage an hour stays within the target", num(math.Round(budget)))
		if lost > budget {
			verdict = fmt.Sprintf("more than the 502.3 target's share of an hour of traffic (%s requests) even at 2s, the shortest interval that leaves room for a whole-second probe timeout", num(math.Round(budget)))
			if ticks > 1 {
				verdict += fmt.Sprintf("; fewer healthCheck retries (now %d) would notice it sooner", failures-1)
			}
		}
		out.Reasons = append(out.Reasons, fmt.Sprintf("healthCheck interval %ds: %s, %s", interval, detect, verdict))
	}
	out.Reasons = append(out.Reasons, fmt.Sprintf("healthCheck timeout %ds: at least twice the probe's p99.9 (%s) and 1s, and below the interval; a hung server is noticed within about %ds", timeout, human.Duration(p999), hangS))
	if h.MinServers != h.CurrentMinServers {
		out.Reasons = append(out.Reasons, fmt.Sprintf("healthCheck minServers %d: when every server looks unhealthy the probe is more likely broken than the farm; keep serving instead of answering 502.4 to everyone", h.MinServers))
	}
}
