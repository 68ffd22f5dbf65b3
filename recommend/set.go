package recommend

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/arrfarm/arrfarm/internal/human"
	"github.com/arrfarm/arrfarm/simulate"
)

// Set is the recommendation applied as a whole: the values that would be
// written, simulated together on the scenario as given (its traffic and
// faults), before anything is printed.
type Set struct {
	TimeoutS      float64 `json:"timeout_s"`
	IntervalS     float64 `json:"interval_s,omitempty"`
	ProbeTimeoutS float64 `json:"probe_timeout_s,omitempty"`
	MinServers    int     `json:"minServers"`
	// Predicted5023, Predicted5024 and Predicted503 are the whole set's
	// rates, each held to the target.
	Predicted5023 simulate.Rate `json:"predicted_502_3"`
	Predicted5024 simulate.Rate `json:"predicted_502_4"`
	Predicted503  simulate.Rate `json:"predicted_503"`
	// Meets says the set meets the target with 95 % confidence; a set
	// that does not is never recommended: Set then describes the farm as
	// written, and nothing is changed.
	Meets bool `json:"meets"`
	// Tried is how many sets were simulated.
	Tried int `json:"tried"`
}

// candidate is one set of values to simulate together.
type candidate struct {
	timeout                time.Duration
	interval, probeTimeout time.Duration
	minServers             int64
	what                   string
	// ladder: a suggested health check, accepted only when no server
	// without a fault fails a probe, unless it is the last of the ladder.
	ladder, last bool
	// keep: the current health check, kept by RuleKeep when it meets;
	// intervalWhy then says why it may be kept (keepable).
	keep        bool
	intervalWhy string
	// tightened, on a keep candidate under Options.Tighten, says why the
	// current values stay although the suggested ones were asked for;
	// budgetEnd marks the last rung within the outage budget when longer
	// ones were put after them.
	tightened string
	budgetEnd bool
}

func (c candidate) same(d candidate) bool {
	return c.timeout == d.timeout && c.interval == d.interval && c.probeTimeout == d.probeTimeout && c.minServers == d.minServers
}

// runSet simulates the scenario as given with c applied to the farm.
func (fr *farmRun) runSet(c candidate) (*simulate.Result, error) {
	saved := *fr.farm
	defer func() { *fr.farm = saved }()
	hc := &fr.farm.HealthCheck
	fr.farm.Protocol.Timeout = c.timeout
	if hc.URL != "" {
		hc.Interval, hc.Timeout, hc.MinServers = c.interval, c.probeTimeout, c.minServers
	}
	res, err := simulate.Run(fr.cfg, fr.sc, fr.simOptions(false))
	if err != nil {
		return nil, fmt.Errorf("simulating the recommended settings together: %w", err)
	}
	return res, nil
}

// falseMarks counts probes that failed on servers the scenario gives no
// fault: healthy servers whose probe timed out, most often behind queued
// requests.
func (fr *farmRun) falseMarks(f *simulate.FarmResult) int64 {
	faulted := map[string]bool{}
	for _, e := range fr.sc.Events {
		if e.Server == "*" {
			return 0 // every server has a fault: no probe failure is false
		}
		faulted[e.Server] = true
	}
	var n int64
	for _, s := range f.Servers {
		if !faulted[s.Address] {
			n += s.ProbesFailed
		}
	}
	return n
}

// verify simulates the recommended timeout, health-check settings and
// minServers together on the scenario as given, and keeps the first set
// that meets the target with 95 % confidence (502.3, 502.4 and 503 each:
// meetsAll), trying in order:
//
//  0. unless Options.Tighten, the recommended timeout with the current
//     health check, when its outage budget holds (keepable): kept by
//     RuleKeep if it meets, as a current timeout that meets is kept;
//  1. the recommendation; while healthy servers fail probes (they queue
//     behind requests), the same with a longer probe timeout (2 s, 5 s,
//     10 s, 20 s) and an interval above it;
//  2. the recommended timeout with the current health-check settings;
//  3. the farm as written.
//
// Tightening never moves a farm to values worse by the outage budget than
// current ones that hold it (keepable): then the rungs of step 1 whose
// budget warns come after step 2, which RuleKeep keeps if it meets, and
// the last rung within the budget ends the ladder before it.
//
// When none meets, nothing is recommended (the timeout, the health-check
// values and minServers stay as written) and a reason says so: a set that
// misses the target is never printed as advice.
func (fr *farmRun) verify(out *Farm) error {
	hc := fr.farm.HealthCheck
	h := &out.HealthCheck
	cur := candidate{timeout: fr.farm.Protocol.Timeout, interval: hc.Interval, probeTimeout: hc.Timeout, minServers: hc.MinServers, what: "the farm as written"}
	t := cur.timeout
	if r := out.Timeout.RecommendedS; r != nil {
		t = time.Duration(*r) * time.Second
	}
	current := candidate{timeout: t, interval: hc.Interval, probeTimeout: hc.Timeout, minServers: hc.MinServers, what: "the recommended timeout with the current health check"}
	var cands []candidate
	keepWhy := ""
	if h.URLTest {
		keepWhy = fr.keepable(out)
	}
	// Judged on its rates alone, as the farm as written is: it is tried
	// once and stands for steps 2 and 3.
	k := current
	k.keep, k.intervalWhy = true, keepWhy
	if k.same(cur) {
		k.what = cur.what
	}
	if keepWhy != "" && !fr.opts.Tighten {
		cands = append(cands, k)
	}
	if h.URLTest {
		base := int(h.TimeoutS)
		ladder := []candidate{{t, secondsOf(h.IntervalS), secondsOf(h.TimeoutS), int64(h.MinServers), "the recommendation", true, false, false, h.IntervalWhy, "", false}}
		for _, p := range []int{2, 5, 10, 20} {
			if p > base {
				i, why := fr.interval(out, p)
				ladder = append(ladder, candidate{t, time.Duration(i) * time.Second, time.Duration(p) * time.Second, int64(h.MinServers),
					fmt.Sprintf("the recommendation with a %ds probe timeout", p), true, false, false, why, "", false})
			}
		}
		ladder[len(ladder)-1].last = true
		switch {
		case keepWhy != "" && fr.opts.Tighten:
			var within, warns []candidate
			for _, c := range ladder {
				if ok, _ := fr.budget(out, int(c.interval/time.Second), int(c.probeTimeout/time.Second)); ok {
					within = append(within, c)
				} else {
					warns = append(warns, c)
				}
			}
			k.tightened = fr.tightened(len(within), ladder[0])
			if len(within) > 0 {
				within[len(within)-1].last = true
				within[len(within)-1].budgetEnd = len(warns) > 0
			}
			cands = append(append(append(cands, within...), k), warns...)
		case keepWhy != "":
			cands = append(cands, ladder...)
		default:
			cands = append(append(cands, ladder...), current)
		}
	} else {
		current.what = "the recommended timeout"
		cands = append(cands, current)
	}
	if !cands[len(cands)-1].same(cur) && !(keepWhy != "" && current.same(cur)) {
		cands = append(cands, cur)
	}
	var tried []string
	var chosen *candidate
	var chosenFalse int64 // probes the kept set failed on healthy servers
	var got *simulate.FarmResult
	for i := range cands {
		c := cands[i]
		// A repeat of the set before it simulates the same (same values,
		// same seed): skip it when it cannot be judged differently, that
		// is when that set was judged on its rates alone or this one is
		// not (a ladder rung before the last turns down probe failures
		// on healthy servers; the last, the current values and the farm
		// as written do not).
		if i > 0 && c.same(cands[i-1]) && (onRates(cands[i-1]) || !onRates(c)) {
			continue
		}
		res, err := fr.runSet(c)
		if err != nil {
			return err
		}
		f := &res.Farms[0]
		if fr.log != nil {
			f.Rates.R5023 = fr.log.rate(c.timeout) // logBound
		}
		got = f
		out.Set.Tried++
		fm := int64(0)
		if c.ladder || c.keep {
			fm = fr.falseMarks(f)
		}
		tried = append(tried, fmt.Sprintf("%s: 502.3 %s (95%% CI upper %s), 502.4 %s, 503 %s%s", c.what, human.Percent(f.Rates.R5023.Mean), human.Percent(f.Rates.R5023.CI95[1]), human.Percent(f.Rates.R5024.Mean), human.Percent(f.Rates.R503.Mean), falseText(fm)))
		ok := meetsAll([3]simulate.Rate{f.Rates.R5023, f.Rates.R5024, f.Rates.R503}, fr.opts.Target)
		if ok && (!c.ladder || fm == 0 || c.last) {
			chosen, chosenFalse = &cands[i], fm
			break
		}
	}
	s := &out.Set
	s.Predicted5023, s.Predicted5024, s.Predicted503 = got.Rates.R5023, got.Rates.R5024, got.Rates.R503
	// The notes of the run the answer rests on: the set kept, or the farm
	// as written when none meets.
	out.Notes = got.NoteLines()
	if chosen == nil {
		// Nothing meets: recommend nothing.
		chosen = &cur
		s.Meets = false
		out.Timeout.RecommendedS = nil
		out.Timeout.Predicted5023 = nil
		out.Timeout.Rule = ""
		out.Reasons = append(out.Reasons, fmt.Sprintf("NO CHANGE RECOMMENDED: no set of settings tried meets the target %s with 95%% confidence on the scenario as given (%s); the values stay as written",
			human.Percent(fr.opts.Target), strings.Join(tried, "; ")))
	} else {
		s.Meets = true
		if chosen.timeout != t {
			out.Timeout.RecommendedS = nil
			out.Timeout.Predicted5023 = nil
			out.Timeout.Rule = ""
		}
		out.Reasons = append(out.Reasons, fmt.Sprintf("simulated together on the scenario as given (traffic and faults), %s meets the target %s: 502.3 %s (95%% CI %s .. %s), 502.4 %s, 503 %s; sets tried in order: %s",
			chosen.what, human.Percent(fr.opts.Target), human.Percent(s.Predicted5023.Mean), human.Percent(s.Predicted5023.CI95[0]), human.Percent(s.Predicted5023.CI95[1]),
			human.Percent(s.Predicted5024.Mean), human.Percent(s.Predicted503.Mean), strings.Join(tried, "; ")))
	}
	s.TimeoutS = chosen.timeout.Seconds()
	suggested := *h
	if h.URLTest {
		s.IntervalS, s.ProbeTimeoutS, s.MinServers = chosen.interval.Seconds(), chosen.probeTimeout.Seconds(), int(chosen.minServers)
		h.IntervalS, h.TimeoutS, h.MinServers = s.IntervalS, s.ProbeTimeoutS, s.MinServers
		h.IntervalWhy = chosen.intervalWhy
	} else {
		s.MinServers = int(hc.MinServers)
	}
	fr.healthReasons(out, chosen, chosenFalse, suggested)
	return nil
}

// onRates says whether c is judged on its rates alone, probe failures on
// servers without a fault notwithstanding.
func onRates(c candidate) bool { return !c.ladder || c.last }

// tightened says why the current health check stays under --tighten
// (step 2 met before a rung whose outage budget warns): within of the
// ladder's rungs hold the budget, first is its first rung (the shortest
// probe timeout, so the shortest hang).
func (fr *farmRun) tightened(within int, first candidate) string {
	if within > 0 {
		return fmt.Sprintf("--tighten asked for the suggested values, but the %d suggested set(s) within the outage budget did not meet the target (see the sets tried), and the others would be worse than these by that budget, which these hold", within)
	}
	failures, ticks, _ := fr.failures()
	secs := func(d time.Duration) int { return int(math.Ceil(d.Seconds())) }
	return fmt.Sprintf("--tighten asked for the suggested values, but every suggested set's outage budget is above the target: the shortest hang among them, at interval %ds with a %ds probe timeout, is %ds, against %ds at these values, which hold the budget; tightening never moves to values worse by it",
		secs(first.interval), secs(first.probeTimeout), hangSeconds(secs(first.interval), secs(first.probeTimeout), failures, ticks),
		hangSeconds(secs(fr.farm.HealthCheck.Interval), secs(fr.farm.HealthCheck.ProbeTimeout()), failures, ticks))
}

func falseText(n int64) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(", %d probe(s) failed on servers without a fault", n)
}

// healthReasons says why the health-check values are what they are:
// chosen is the set kept, falseProbes how many probes it failed on servers
// without a fault (the ladder's last rung is kept even so, and so is a
// current health check that meets), suggested what health suggested.
func (fr *farmRun) healthReasons(out *Farm, chosen *candidate, falseProbes int64, suggested HealthCheck) {
	h := &out.HealthCheck
	if !h.URLTest {
		out.Reasons = append(out.Reasons, fmt.Sprintf(
			"healthCheck: the farm has no URL test, so a down server keeps getting its share of requests until someone disables it; add healthCheck url with interval %ss and timeout %ss (not simulated: the farm as written has none); %s",
			num(h.IntervalS), num(h.TimeoutS), h.IntervalWhy))
		return
	}
	switch {
	case chosen.keep:
		h.Rule = RuleKeep
		reason := fmt.Sprintf("healthCheck interval %s, timeout %s, minServers %d kept (rule: keep): simulated together with the timeout on the scenario as given (traffic and faults) they meet the target on 502.3, 502.4 and 503, and the interval's outage budget holds (next reason): no change is needed",
			human.Seconds(h.IntervalS), human.Seconds(h.TimeoutS), h.MinServers)
		if falseProbes > 0 {
			reason += fmt.Sprintf("; %d probe(s) failed on servers without a fault in the simulation (probes wait behind requests), and the set meets the target all the same", falseProbes)
		}
		switch same := suggested.IntervalS == h.IntervalS && suggested.TimeoutS == h.TimeoutS && suggested.MinServers == h.MinServers; {
		case chosen.tightened != "":
			reason += "; " + chosen.tightened
		case !same:
			reason += fmt.Sprintf("; --tighten tries the suggested values instead (interval %ss, timeout %ss, minServers %d; then longer probe timeouts while servers without a fault fail probes)",
				num(suggested.IntervalS), num(suggested.TimeoutS), suggested.MinServers)
		case falseProbes > 0:
			reason += "; they are also the suggested values, which --tighten would turn down for those probe failures and try longer probe timeouts"
		default:
			reason += "; they are also the suggested values"
		}
		out.Reasons = append(out.Reasons, reason, h.IntervalWhy)
		return
	case !chosen.ladder:
		out.Reasons = append(out.Reasons, "healthCheck: the suggested values were not kept (see the sets tried): the current interval, timeout and minServers stay")
		return
	}
	h.Rule = RuleSuggest
	out.Reasons = append(out.Reasons, h.IntervalWhy)
	enough := "long enough that no server without a fault failed a probe in the simulation (probes wait behind requests)"
	if falseProbes > 0 {
		longest := "the longest probe timeout tried"
		if chosen.budgetEnd {
			longest = "the longest probe timeout within the outage budget (--tighten tries longer ones only after the current values, which hold it)"
		}
		enough = fmt.Sprintf("%s, yet %d probe(s) still failed on servers without a fault in the simulation (probes wait behind requests); the set meets the target all the same", longest, falseProbes)
	}
	out.Reasons = append(out.Reasons, fmt.Sprintf("healthCheck timeout %ss: at least twice the probe's p99.9 and 1s, below the interval, and %s", num(h.TimeoutS), enough))
	out.Reasons = append(out.Reasons, h.MinServersWhy)
}
