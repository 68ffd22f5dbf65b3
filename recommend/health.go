package recommend

import (
	"fmt"
	"math"
	"time"

	"github.com/arrfarm/arrfarm/internal/human"
	"github.com/arrfarm/arrfarm/schema"
	"github.com/arrfarm/arrfarm/simulate"
)

// outageKinds are the faults a URL test is there to notice: the server
// stops answering requests (down, unreachable), answers none in time
// (hang), or answers every one 503 (stopped: a stopped application pool;
// counted only when the probe's statusCodeMatch rejects 503, see
// outages). ARR keeps sending the server its share until the probes fail,
// so each costs the budget as a hang does: a down or stopped server
// answers the probes at once, so the hang's detection time (probes that
// wait their timeout) bounds theirs.
var outageKinds = map[simulate.FaultKind]bool{simulate.FaultDown: true, simulate.FaultUnreachable: true, simulate.FaultHang: true, simulate.FaultStopped: true}

// accepts503 says whether the URL test's statusCodeMatch (written, or
// ARR's default) accepts the 503 a stopped application pool answers: then
// its probe passes and never takes that server out; and the match.
func (fr *farmRun) accepts503() (bool, string) {
	codes := fr.farm.HealthCheck.StatusCodeMatchOrDefault()
	set, err := schema.ParseStatusSet(codes)
	return err == nil && set.Has(503), codes
}

// outages is the outage rate the health-check interval is budgeted for:
// the scenario's own server outages per hour of its window when it has
// any, else the assumed rate (Options.OutagesPerHour, 1 by default); and
// the words that say where it came from. The budget prices one outage as
// one server's share, so a fault on every server at once (server "*")
// counts once for each of the farm's servers: it holds the whole peak. A
// stopped pool whose 503 the probe accepts is not counted: no interval
// notices it (stoppedPools says what does).
func (fr *farmRun) outages(peak float64, servers int) (float64, string) {
	n, unseen, every := 0, 0, 0
	accepts, codes := fr.accepts503()
	for _, e := range fr.sc.Events {
		switch {
		case e.Fault == simulate.FaultStopped && accepts:
			unseen++
		case outageKinds[e.Fault] && e.Server == "*":
			every++
			n += max(servers, 1)
		case outageKinds[e.Fault]:
			n++
		}
	}
	note := ""
	if unseen > 0 {
		note = fmt.Sprintf("; its %d stopped-pool fault(s) are not counted: statusCodeMatch %q accepts the 503 a stopped pool answers, so no probe notices them", unseen, codes)
	}
	window := fr.sc.Duration.Hours()
	if window == 0 && fr.sc.Requests > 0 && peak > 0 {
		window = float64(fr.sc.Requests) / peak / 3600
	}
	if every > 0 {
		note = fmt.Sprintf("; its %d fault(s) on every server at once (\"*\") count once per server, %d each", every, max(servers, 1)) + note
	}
	if n > 0 && window > 0 {
		return float64(n) / window, fmt.Sprintf("%s server outage(s) an hour, the scenario's %d down/unreachable/hang/stopped server fault(s) in its %s window%s", num(float64(n)/window), n, human.Duration(time.Duration(window*float64(time.Hour))), note)
	}
	if fr.opts.OutagesPerHour > 0 {
		return fr.opts.OutagesPerHour, fmt.Sprintf("%s outage(s) an hour (assumed: --outages-per-hour; the scenario has no outage fault%s)", num(fr.opts.OutagesPerHour), note)
	}
	return 1, fmt.Sprintf("1 outage an hour (assumed: the default of --outages-per-hour; the scenario has no outage fault%s)", note)
}

// failures is the number of failed probes in a row that mark a server
// unhealthy, and the probe periods they take: retried at once (the
// simulator's default) they cost one interval, spaced by the interval
// one each (scenario arr.retrySpacing).
func (fr *farmRun) failures() (failures, ticks int, spacing string) {
	failures = int(max(fr.farm.HealthCheck.Retries, 0)) + 1
	if n := fr.sc.ARR.HealthFailures; n > 0 {
		failures = n
	}
	ticks, spacing = 1, "retried at once"
	if fr.sc.ARR.RetrySpacing == simulate.RetryInterval {
		ticks, spacing = failures, "one interval apart"
	}
	return failures, ticks, spacing
}

// hangSeconds is how long a hung server keeps getting requests: until the
// next probe (at worst an interval, or ticks of them), then every failed
// probe waits its timeout.
func hangSeconds(interval, probeTimeout, failures, ticks int) int {
	if ticks > 1 {
		return ticks*interval + probeTimeout
	}
	return interval + failures*probeTimeout
}

// health suggests the URL test's interval, probe timeout and minServers;
// verify then simulates them together with the timeout and may change
// them.
//
//   - probe timeout: twice the probe's p99.9 response time, at least 1 s.
//     Probes queue behind requests (scenario health.queue, the default), so
//     verify raises it while the simulation shows healthy servers failing
//     probes.
//   - interval: the outage budget. A server that hangs keeps its share of
//     the peak (peak/N) until it is noticed, hangSeconds; at the outage
//     rate (outages) those requests, added to the share the timeout
//     already costs, must stay within the target (one server has the whole
//     peak, and its outage fails every request whatever the health check
//     does: the reason says so, and counts the same). The largest whole
//     second that does, between the probe timeout + 1 s (lint rule
//     health-timeout-not-below-interval) and ARR's default 30 s; a current
//     interval within it is kept.
//   - minServers: the servers needed at the peak (capacity). Under the
//     documented reading (ARR event 1002) no more servers are marked
//     unhealthy once only minServers are healthy, so a probe that fails
//     on healthy servers never leaves fewer than the peak needs; lower
//     values send the whole peak to the one or two servers left. A one-
//     server farm, or a farm whose capacity is not known, keeps its value.
func (fr *farmRun) health(out *Farm) {
	hc := &fr.farm.HealthCheck
	h := &out.HealthCheck
	h.URLTest = hc.URL != "" && hc.Interval > 0
	h.CurrentIntervalS, h.CurrentTimeoutS, h.CurrentMinServers = hc.Interval.Seconds(), hc.Timeout.Seconds(), int(hc.MinServers)

	probe := fr.sc.Health.Latency
	p999 := 5 * time.Millisecond
	if probe.Kind != 0 {
		if q, err := quantileOf(probe, 0.999, fr.opts.Samples); err == nil {
			p999 = q
		}
	}
	timeout := int(math.Max(1, math.Ceil(2*p999.Seconds())))
	h.TimeoutS = float64(timeout)
	interval, why := fr.interval(out, timeout)
	h.IntervalS, h.IntervalWhy = float64(interval), why
	h.MinServers = h.CurrentMinServers
	switch {
	case out.Servers < 2:
		h.MinServersWhy = fmt.Sprintf("healthCheck minServers %d kept: with one server there is no other to send its traffic to; minServers only decides whether a server failing its probe still gets requests (502.3 when it is really down) or the farm answers 502.4", h.MinServers)
	case out.Capacity.Servers == nil:
		h.MinServersWhy = fmt.Sprintf("healthCheck minServers %d kept: the servers needed at the peak are not known (capacity not computed), and minServers should be that number", h.MinServers)
	case *out.Capacity.Servers >= out.Servers:
		// minServers at the farm's size would keep a down server in
		// rotation for good: leave room to take one out.
		h.MinServers = out.Servers - 1
		h.MinServersWhy = fmt.Sprintf("healthCheck minServers %d: the peak needs all %d servers (capacity), but minServers %d would never let the URL test take a down server out of rotation (ARR event 1002: no server is marked unhealthy once only minServers are healthy); one fewer lets it take out one, and capacity says how many to add to survive that", h.MinServers, out.Servers, out.Servers)
	default:
		h.MinServers = *out.Capacity.Servers
		h.MinServersWhy = fmt.Sprintf("healthCheck minServers %d: the servers needed at the peak (capacity); under the documented reading (ARR event 1002) no more servers are marked unhealthy once only minServers are healthy, so a probe that fails on healthy servers never leaves fewer than the peak needs, while a lower value sends the whole peak to the servers left", h.MinServers)
	}
}

// RuleSuggest chooses the health check health suggests, verified with
// longer probe timeouts while servers without a fault fail probes
// (HealthCheck.Rule; RuleKeep keeps the current one).
const RuleSuggest = "suggest"

// keepable says whether the farm's current health check may be kept
// (RuleKeep) once its set meets the target, and returns the outage
// budget's reason for it; "" when it may not. Meeting the target on the
// scenario's rates is not enough: a scenario holds few outages, or none,
// and no probe failing on every healthy server. So the current values also
// need what health's suggestions are made for: traffic to count the
// outage budget with, and a budget within the target at their interval
// and probe timeout; and, with two servers or more, a minServers that
// lets the URL test take a hung server out (below the enabled servers:
// under event 1002's reading none is marked once only minServers are
// healthy, and the budget would count a rescue that never comes) and,
// when capacity is known, that never leaves fewer than the peak needs
// (at least capacity's count, or one below the farm's size when the peak
// needs them all). A lone server is never taken anywhere: its outage
// fails its requests either way.
func (fr *farmRun) keepable(out *Farm) string {
	hc := &fr.farm.HealthCheck
	if out.PeakRate <= 0 {
		return ""
	}
	if n, m := out.Servers, int(hc.MinServers); n >= 2 && (m >= n || out.Capacity.Servers != nil && m < min(*out.Capacity.Servers, n-1)) {
		return ""
	}
	ok, why := fr.budget(out, int(math.Ceil(hc.Interval.Seconds())), int(math.Ceil(hc.ProbeTimeout().Seconds())))
	if !ok {
		return ""
	}
	return why
}

// interval is the largest whole-second interval within the outage budget
// (see health), or the current one when it is within; at least the probe
// timeout + 1 s, at most 30 s; and the budget's reason.
func (fr *farmRun) interval(out *Farm, probeTimeout int) (int, string) {
	hc := &fr.farm.HealthCheck
	lowest := max(2, probeTimeout+1)
	interval := lowest
	for i := 30; i >= lowest; i-- {
		if ok, _ := fr.budget(out, i, probeTimeout); ok {
			interval = i
			break
		}
	}
	if cur := int(math.Ceil(hc.Interval.Seconds())); hc.URL != "" && cur >= lowest && cur <= interval {
		interval = cur // already within the budget: keep it
	}
	ok, reason := fr.budget(out, interval, probeTimeout)
	if !ok {
		reason += fmt.Sprintf(" even at %ds, the shortest interval above the probe timeout", interval)
		if failures, _, _ := fr.failures(); failures > 1 {
			reason += fmt.Sprintf("; fewer failed probes to mark a server (retries, now %d) would notice it sooner", failures-1)
		}
	}
	return interval, reason
}

// budget is the outage budget of a URL test probing every interval
// seconds with a probeTimeout-second timeout (see health): whether the
// requests a hung server keeps getting until it is noticed, added to the
// share the timeout already costs, stay within the target at the outage
// rate, and the reason that counts it. With no traffic nothing can be
// counted, and nothing is above the target.
func (fr *farmRun) budget(out *Farm, interval, probeTimeout int) (bool, string) {
	if out.PeakRate <= 0 {
		return true, fmt.Sprintf("healthCheck interval %ds: no traffic was given, so the outage budget cannot be counted", interval)
	}
	failures, ticks, spacing := fr.failures()
	perServer := out.PeakRate / float64(max(out.Servers, 1))
	rate, source := fr.outages(out.PeakRate, out.Servers)
	// The share the timeout already costs, when the scenario has no
	// faults: with faults it includes some of their cost, and the whole
	// set is simulated anyway.
	used := 0.0
	if p := out.Timeout.Predicted5023; p != nil && len(fr.sc.Events) == 0 {
		used = p.Mean
	}
	hang := hangSeconds(interval, probeTimeout, failures, ticks)
	share := rate * perServer * float64(hang) / (out.PeakRate * 3600)
	total, target := used+share, fr.opts.Target
	held := fmt.Sprintf("a hung server keeps its share of the peak, %s req/s,", num(perServer))
	if out.Servers < 2 {
		// No other server takes its requests: marked unhealthy, the farm
		// answers 502.4; under minServers it is never marked. The budget
		// still counts the time until a URL test notices the hang.
		held = fmt.Sprintf("with one server an outage fails every request for its whole length whatever the health check does (there is no other server to send them to: once the URL test marks it the farm answers 502.4, and with minServers 1 or more it is never marked); the budget counts the requests the hung server gets before a URL test notices it, the whole peak, %s req/s,", num(perServer))
	}
	reason := fmt.Sprintf("healthCheck interval %ds: %s for up to %ds (next probe, then %d failed probe(s) %s, each waiting the %ds probe timeout); at %s that costs %s of requests",
		interval, held, hang, failures, spacing, probeTimeout, source, human.Percent(share))
	if used > 0 {
		reason += fmt.Sprintf(", on top of the %s the timeout costs: %s in all", human.Percent(used), human.Percent(total))
	}
	if total <= target {
		return true, reason + fmt.Sprintf(", within the target %s", human.Percent(target))
	}
	return false, reason + fmt.Sprintf(": WARNING: above the target %s", human.Percent(target))
}
