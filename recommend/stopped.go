package recommend

import (
	"fmt"
	"strings"
	"time"

	"github.com/arrfarm/arrfarm/internal/human"
	"github.com/arrfarm/arrfarm/schema"
	"github.com/arrfarm/arrfarm/simulate"
)

// stoppedPools explains a farm's 503s that came from stopped application
// pools (the scenario's fault stopped; f is the farm as written, base its
// rates, set its servers, at the peak): "" when none did. http.sys answers
// a stopped pool's requests with 503 at once, so no timeout changes them,
// and the server carries only its own share of the peak while its pool is
// stopped, so servers help only in proportion. What bounds them is how
// soon ARR stops sending the server requests, and that is the health
// check as the simulator models it: a probe to a stopped pool gets the
// 503 at once and fails unless statusCodeMatch accepts 503; the failed
// probes in a row mark the server unhealthy, unless minServers keeps it
// in rotation; with no URL test nothing does.
func (fr *farmRun) stoppedPools(f *simulate.FarmResult, base [3]simulate.Rate, set []*schema.Server, peak float64) string {
	var stopped int64
	var faults []string
	every := false
	share := -1.0 // of the first stopped server, by weight as round robin sends it
	for _, x := range f.Faults {
		if x.Fault != string(simulate.FaultStopped) || x.S503 == 0 {
			continue
		}
		stopped += x.S503
		every = every || x.Server == "*"
		faults = append(faults, faultText(x))
		if share < 0 {
			share = weightShare(set, x.Server)
		}
	}
	if stopped == 0 {
		return ""
	}
	n := len(set)
	var b strings.Builder
	fmt.Fprintf(&b, "and %d of its %d simulated 503s came from a stopped application pool (%s): http.sys answers 503 at once while a pool is stopped, so no timeout changes them, ",
		stopped, f.Outcomes.S503, strings.Join(faults, ", "))
	if every {
		b.WriteString("and with every server's pool stopped at once no server count or health check serves those requests: only pools that run do")
		return b.String() + fr.alsoMissed(base)
	}
	fmt.Fprintf(&b, "and a server carries only its share of the peak while its pool is stopped, %s req/s of %s with %d servers, so servers help only in proportion: servers at most half busy did not meet. ",
		num(share*peak), num(peak), n)
	hc := fr.farm.HealthCheck
	accepts, codes := fr.accepts503()
	switch {
	case hc.URL == "" || hc.Interval <= 0:
		b.WriteString("But the farm has no URL test, so ARR keeps sending the stopped server its share for the whole fault: a URL test takes it out once its probe sees the 503 (see the health-check reasons), and starting the pool ends it")
	case accepts:
		fmt.Fprintf(&b, "But the URL test's statusCodeMatch %q accepts 503, so the probe of the stopped pool passes and ARR keeps sending it its share for the whole fault: a statusCodeMatch without 503 (ARR's default is 200-399) lets the URL test take it out at its next probe", codes)
	case int(hc.MinServers) >= n:
		fmt.Fprintf(&b, "But minServers %d is not below the %d servers, so the URL test never takes one out of rotation (see the minServers note) and ARR keeps sending the stopped server its share for the whole fault: minServers below %d lets the URL test take it out at its next probe", hc.MinServers, n, n)
	default:
		failures, ticks, spacing := fr.failures()
		fmt.Fprintf(&b, "What ends them is the URL test: it takes the server out once a probe sees the 503 (statusCodeMatch %s does not accept it): until then, up to %s (the next probe, then %d failed probe(s) %s, each answered 503 at once), the server keeps its share; a shorter healthCheck interval shortens that (see the health-check reasons and the sets tried), and starting the pool ends it",
			codes, human.Duration(time.Duration(ticks)*hc.Interval), failures, spacing)
	}
	return b.String() + fr.alsoMissed(base)
}

// alsoMissed says which of 502.3 and 502.4 miss the target beside the
// 503s explained: those have causes of their own.
func (fr *farmRun) alsoMissed(base [3]simulate.Rate) string {
	var also []string
	for i, name := range []string{"502.3", "502.4"} {
		if !meets(base[i], fr.opts.Target) {
			also = append(also, fmt.Sprintf("%s (%s, 95%% CI upper %s)", name, human.Percent(base[i].Mean), human.Percent(base[i].CI95[1])))
		}
	}
	if len(also) == 0 {
		return ""
	}
	return fmt.Sprintf("; %s miss(es) the target too: see the timeout and health-check reasons", strings.Join(also, " and "))
}

// faultText names a fault of a result as a person reads it: "stopped on
// 10.0.0.2 at 2m for 5m".
func faultText(x simulate.FaultResult) string {
	text := func(d string) string {
		if v, err := time.ParseDuration(d); err == nil {
			return human.Duration(v)
		}
		return d
	}
	on := x.Server
	if on == "*" {
		on = "every server"
	}
	s := fmt.Sprintf("%s on %s at %s", x.Fault, on, text(x.At))
	if x.For == "" {
		return s + " to the end"
	}
	return s + " for " + text(x.For)
}

// weightShare is the share of the requests round robin sends the server
// at address in set, by weight; an even share when it is not found.
func weightShare(set []*schema.Server, address string) float64 {
	var total, w float64
	for _, s := range set {
		total += float64(weightOf(s))
		if s.Address == address {
			w = float64(weightOf(s))
		}
	}
	if w == 0 {
		return 1 / float64(len(set))
	}
	return w / total
}
