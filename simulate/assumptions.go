package simulate

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/arrfarm/arrfarm/internal/human"
	"github.com/arrfarm/arrfarm/schema"
)

// Assumptions is a prediction together with the same prediction under
// each undocumented ARR behaviour flipped, so a reader sees which unknown
// the 502 rates hang on. Every run uses the same seed, so the variants
// share their random numbers (arrivals, service times, probe phases) and
// their differences come from the assumption, not from noise.
type Assumptions struct {
	Farm         string  `json:"farm"`
	Seed         int64   `json:"seed"`
	Replications int     `json:"replications"`
	Base         Variant `json:"base"`
	// Variants has one entry per assumption that applies to this farm
	// and scenario.
	Variants []Variant `json:"variants"`
	// NotApplicable names the assumptions that cannot change this
	// prediction, with the reason.
	NotApplicable []string `json:"not_applicable,omitempty"`
}

// Variant is one run: the base (Setting empty) or one assumption changed.
type Variant struct {
	// Setting is the scenario path that changes the assumption, e.g.
	// arr.retrySpacing; Assumed is its value in the base run and Value the
	// value of this run.
	Setting  string `json:"setting,omitempty"`
	Assumed  string `json:"assumed,omitempty"`
	Value    string `json:"value,omitempty"`
	Evidence string `json:"evidence,omitempty"`
	// Replications is this run's count: under --until-ci each run stops
	// on its own.
	Replications int  `json:"replications"`
	R5023        Rate `json:"502.3"`
	R5024        Rate `json:"502.4"`
	R503         Rate `json:"503"`
	// Ratio5023 is this run's 502.3 rate over the base's; null when the
	// base has none.
	Ratio5023 *float64 `json:"ratio_502.3"`
}

// Worst returns the run (the base or a variant) with the highest share of
// 502s (502.3 plus 502.4): the prediction under the least favourable
// reading of what ARR leaves undocumented, one assumption at a time.
func (a *Assumptions) Worst() Variant {
	w := a.Base
	for _, v := range a.Variants {
		if v.R5023.Mean+v.R5024.Mean > w.R5023.Mean+w.R5024.Mean {
			w = v
		}
	}
	return w
}

// variant is an assumption flip: apply changes a copy of the scenario.
type variant struct {
	setting, assumed, value, evidence string
	apply                             func(sc *Scenario)
}

// RunAssumptions runs sc against cfg as Run does, then once more per
// undocumented ARR behaviour that applies, with that behaviour flipped
// (timeout semantics; legacy algorithms when the configuration names one;
// retry spacing; the minServers reading; probe queueing; the status when
// every server is unhealthy; the live-traffic test at its default period
// 0; connection pooling when a host becomes
// unreachable; session length at a quarter and four times its value). opts apply to every run; Progress counts all of them.
func RunAssumptions(cfg *schema.Config, sc *Scenario, opts Options) (*Assumptions, error) {
	p, err := compile(cfg, sc, opts.Samples)
	if err != nil {
		var fe *FindingsError
		if errors.As(err, &fe) {
			return nil, err
		}
		return nil, &InputError{fmt.Errorf("preparing the simulation of %s: %w", sc.File, err)}
	}
	vs, na := variantsFor(p)
	runs := 1 + len(vs)
	// The farm's name is printed as the Result prints it (masked, escaped).
	out := &Assumptions{Farm: schema.Printable(p.farm.Name), Seed: sc.Seed, NotApplicable: na}
	progress := opts.Progress
	run := func(k int, s *Scenario) (*Result, error) {
		o := opts
		if progress != nil {
			o.Progress = func(done, planned int) {
				progress(k*planned+done, runs*planned)
			}
		}
		return Run(cfg, s, o)
	}
	base, err := run(0, sc)
	if err != nil {
		return nil, err
	}
	out.Replications = base.Replications
	bf := base.Farms[0]
	out.Base = Variant{Replications: base.Replications, R5023: bf.Rates.R5023, R5024: bf.Rates.R5024, R503: bf.Rates.R503}
	for k, v := range vs {
		c := *sc
		v.apply(&c)
		res, err := run(k+1, &c)
		if err != nil {
			return nil, fmt.Errorf("simulating with %s %s: %w", v.setting, v.value, err)
		}
		f := res.Farms[0]
		x := Variant{Setting: v.setting, Assumed: v.assumed, Value: v.value, Evidence: v.evidence,
			Replications: res.Replications, R5023: f.Rates.R5023, R5024: f.Rates.R5024, R503: f.Rates.R503}
		if m := bf.Rates.R5023.Mean; m > 0 {
			r := f.Rates.R5023.Mean / m
			x.Ratio5023 = &r
		}
		out.Variants = append(out.Variants, x)
	}
	return out, nil
}

// variantsFor lists the flips that can change plan p's prediction, and
// the ones that cannot, with why.
func variantsFor(p *plan) ([]variant, []string) {
	sc := p.sc
	var vs []variant
	var na []string
	flip := func(a, b, cur string) string {
		if cur == a {
			return b
		}
		return a
	}

	ts := sc.ARR.TimeoutSemantics
	vs = append(vs, variant{"arr.timeoutSemantics", ts, flip("proxy", "cancel", ts),
		"whether a backend stops working on a request ARR gave up on: IIS does not (inferred), some applications do",
		func(s *Scenario) { s.ARR.TimeoutSemantics = flip("proxy", "cancel", ts) }})

	switch p.configured {
	case schema.LeastRequests, schema.LeastResponseTime, schema.WeightedTotalTraffic:
		l := sc.ARR.LegacyAlgorithms
		vs = append(vs, variant{"arr.legacyAlgorithms", fmt.Sprint(l), fmt.Sprint(!l),
			"only the 2019 ARR 3 schema comment says " + p.configured + " falls back to WeightedRoundRobin; older documentation describes it",
			func(s *Scenario) { s.ARR.LegacyAlgorithms = !l }})
	default:
		na = append(na, "arr.legacyAlgorithms: the farm balances with "+p.configured)
	}

	if p.urlTest {
		if p.retries > 0 {
			rs := sc.ARR.RetrySpacing
			vs = append(vs, variant{"arr.retrySpacing", rs, flip(RetryImmediate, RetryInterval, rs),
				"the ARR 3 readme says the URL test is retried; when is undocumented",
				func(s *Scenario) { s.ARR.RetrySpacing = flip(RetryImmediate, RetryInterval, rs) }})
		} else {
			na = append(na, "arr.retrySpacing: healthCheck/@retries is 0")
		}
		q := !sc.Health.NoQueue
		vs = append(vs, variant{"health.queue", fmt.Sprint(q), fmt.Sprint(!q),
			"whether a probe waits behind requests for a backend thread (inferred: it is a request)",
			func(s *Scenario) { s.Health.NoQueue = q }})
		enabled := 0
		for _, s := range p.servers {
			if s.enabled {
				enabled++
			}
		}
		if enabled > 1 {
			ph := sc.ARR.ProbePhase
			vs = append(vs, variant{"arr.probePhase", ph, flip(ProbeIndependent, ProbeSweep, ph),
				"whether ARR probes each server on its own schedule or the whole farm in one sweep is undocumented; a sweep lines up the servers' detections, so an outage of every server is a longer all-unhealthy window",
				func(s *Scenario) { s.ARR.ProbePhase = flip(ProbeIndependent, ProbeSweep, ph) }})
		} else {
			na = append(na, "arr.probePhase: one enabled server")
		}
	} else {
		na = append(na, "arr.retrySpacing, health.queue, arr.probePhase: the farm has no URL health test")
	}

	if p.minServers > 0 {
		m := sc.ARR.MinServersSemantics
		vs = append(vs, variant{"arr.minServersSemantics", m, flip(MinServersThreshold, MinServersIgnoreHealth, m),
			"Microsoft's ARR events page stops marking servers at minServers; community posts say health is ignored below it",
			func(s *Scenario) { s.ARR.MinServersSemantics = flip(MinServersThreshold, MinServersIgnoreHealth, m) }})
	} else {
		na = append(na, "arr.minServersSemantics: minServers is 0")
	}

	if p.urlTest || p.livePeriod > 0 {
		a := sc.ARR.AllUnhealthyStatus
		vs = append(vs, variant{"arr.allUnhealthyStatus", a, flip(Status5024, Status5023, a),
			"Microsoft's 502 troubleshooting article says 502.4 when every server is unhealthy, the ARR events page 502.3",
			func(s *Scenario) { s.ARR.AllUnhealthyStatus = flip(Status5024, Status5023, a) }})
	} else {
		na = append(na, "arr.allUnhealthyStatus: no health test can mark a server unhealthy")
	}

	if p.farm.HealthCheck.LiveTrafficFailurePeriod == 0 {
		l := sc.ARR.LiveTrafficDefault
		vs = append(vs, variant{"arr.liveTrafficDefault", l, flip(LiveTrafficOff, LiveTrafficOn, l),
			"Microsoft's load-balancing walkthrough says live-traffic testing runs by default; the schema's liveTrafficFailurePeriod default 0 reads as off (inferred). on: 10 failures (500 and above, connection failures), no window, mark a server unhealthy until a URL test brings it back",
			func(s *Scenario) { s.ARR.LiveTrafficDefault = flip(LiveTrafficOff, LiveTrafficOn, l) }})
	} else {
		na = append(na, "arr.liveTrafficDefault: the farm sets healthCheck/@liveTrafficFailurePeriod")
	}

	unreachable, refusing := false, false
	for i := range p.faults {
		k := p.faults[i].ev.Fault
		unreachable = unreachable || k == FaultUnreachable
		refusing = refusing || k == FaultUnreachable || k == FaultDown
	}
	if refusing && len(p.servers) > 1 {
		r := sc.ARR.RetryOtherServer
		vs = append(vs, variant{"arr.retryOtherServer", fmt.Sprint(r), fmt.Sprint(!r),
			"whether ARR sends a request whose connection failed to another server is undocumented (no setting, no statement either way)",
			func(s *Scenario) { s.ARR.RetryOtherServer = !r }})
	} else {
		na = append(na, "arr.retryOtherServer: no server refuses connections (down, unreachable) or the farm has one server")
	}
	switch {
	case !unreachable:
		na = append(na, "backends.idleTimeout: no host becomes unreachable, the only fault pooled connections change")
	case p.idleTimeout == 0:
		na = append(na, "backends.idleTimeout: connections are not pooled (protocol/@keepAlive false or idleTimeout 0)")
	default:
		it := sc.Backends.IdleTimeout
		vs = append(vs, variant{"backends.idleTimeout", schema.FormatDuration(it), "0s",
			"that requests on pooled connections to an unreachable host wait for the timeout, and how long idle connections stay pooled, are inferred; 0s: every request opens a new connection (21 s to fail)",
			func(s *Scenario) { s.Backends.IdleTimeout = 0 }})
	}

	if p.needClient && p.clients == 0 {
		l := sc.Arrivals.Sessions
		if l.Length <= 0 {
			l.Length = DefaultSessionLength
		}
		for _, k := range []float64{0.25, 4} {
			n := l
			n.Length = scaleDuration(l.Length, k)
			vs = append(vs, variant{"arrivals.sessions.length", schema.FormatDuration(l.Length), schema.FormatDuration(n.Length),
				"how long a browser session keeps its affinity cookie and hash key is a property of the users, not of ARR",
				func(s *Scenario) { s.Arrivals.Sessions = n }})
		}
	} else if !p.needClient {
		na = append(na, "arrivals.sessions.length: neither cookie affinity nor a per-session hash key")
	} else {
		na = append(na, "arrivals.sessions.length: the scenario has a fixed client population (arrivals.clients)")
	}
	return vs, na
}

func scaleDuration[D ~int64](d D, k float64) D { return D(math.Round(float64(d) * k)) }

// WriteJSON writes the assumption bands as indented JSON.
func (a *Assumptions) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(a); err != nil {
		return fmt.Errorf("writing assumption bands as JSON: %w", err)
	}
	return nil
}

// WriteText writes one line per assumption: its 502.3 and 502.4 rates and
// how far the 502.3 rate moves from the base prediction.
func (a *Assumptions) WriteText(w io.Writer) error {
	var b strings.Builder
	// Under --until-ci each run stops on its own: the counts are then
	// shown per run.
	same, fewest := true, a.Base.Replications
	for _, v := range a.Variants {
		same = same && v.Replications == a.Base.Replications
		fewest = min(fewest, v.Replications)
	}
	reps := fmt.Sprintf("%d replication(s) each", a.Base.Replications)
	if !same {
		reps = "replications per run in the last column"
	}
	fmt.Fprintf(&b, "farm %s: 502 rates under each undocumented ARR behaviour flipped (%s, seed %d, common random numbers)\n\n",
		a.Farm, reps, a.Seed)
	ci := func(v Variant) string {
		if v.Replications < 2 {
			return ""
		}
		return human.Percent(v.R5023.CI95[0]) + ".." + human.Percent(v.R5023.CI95[1])
	}
	row := func(setting, value, r5023, ci, r5024, ratio, replications string) {
		line := fmt.Sprintf("  %-26s %-25s %9s %-19s %9s  %-13s", setting, value, r5023, ci, r5024, ratio)
		if !same {
			line += "  " + replications
		}
		b.WriteString(strings.TrimRight(line, " ") + "\n")
	}
	row("assumption", "value", "502.3", "(95% CI)", "502.4", "502.3 vs base", "replications")
	row("(base: as simulated)", "", human.Percent(a.Base.R5023.Mean), ci(a.Base), human.Percent(a.Base.R5024.Mean), "", fmt.Sprint(a.Base.Replications))
	for _, v := range a.Variants {
		ratio := "-"
		if v.Ratio5023 != nil {
			ratio = fmt.Sprintf("x%.3g", *v.Ratio5023)
		} else if v.R5023.Mean > 0 {
			ratio = "from 0"
		}
		row(v.Setting, v.Assumed+" -> "+v.Value, human.Percent(v.R5023.Mean), ci(v), human.Percent(v.R5024.Mean), ratio, fmt.Sprint(v.Replications))
	}
	b.WriteString("\n")
	seen := map[string]bool{}
	for _, v := range a.Variants {
		if !seen[v.Setting] {
			seen[v.Setting] = true
			fmt.Fprintf(&b, "  %s: %s\n", v.Setting, v.Evidence)
		}
	}
	for _, n := range a.NotApplicable {
		fmt.Fprintf(&b, "  not varied: %s\n", n)
	}
	if fewest < 2 {
		b.WriteString("  (one replication in a run: no interval for it; differences may be noise)\n")
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("writing assumption bands: %w", err)
	}
	return nil
}
