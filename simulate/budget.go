package simulate

import (
	"fmt"
	"strings"
	"unsafe"
)

// The work a run may take. Beyond these a scenario is almost surely a
// mistake (a rate in requests per hour written per second, a duration in
// days): the run used to take all memory and be killed, or panic inside
// a worker, instead of saying so.
const (
	// MaxRunRequests bounds the expected requests of a run over all
	// replications, warm-ups included: about 12 minutes on two cores at
	// the simulator's measured 7 M requests/s per core.
	MaxRunRequests = 1e10
	// MaxKeptBytes bounds what a run keeps per replication after folding
	// it into the totals: its outcome counts, and the timeout curve's
	// per-second counts when one is asked for. The time series and the
	// latency histogram are folded, so they cost the same for any number
	// of replications and (series) any duration.
	MaxKeptBytes = 1 << 30
)

// A BudgetError says that a scenario asks for more work than a run may
// take, with the estimate and how to lower it. It is the user's input
// that is out of bounds, not arrfarm.
type BudgetError struct {
	What, Estimate, Limit, Lower string
}

func (e *BudgetError) Error() string {
	return fmt.Sprintf("simulating: the scenario needs %s (%s), over the limit of %s; %s", e.What, e.Estimate, e.Limit, e.Lower)
}

// checkBudget estimates a run's requests and memory before running
// replications of sc, each keeping keptPerRep bytes beyond its counts.
func checkBudget(sc *Scenario, replications, keptPerRep int) error {
	peak := sc.Arrivals.Rate
	for _, st := range sc.Arrivals.Schedule {
		peak = max(peak, st.Rate)
	}
	reps := float64(max(replications, 1))
	var perRep float64
	var how string
	if sc.Requests > 0 {
		perRep = float64(sc.Requests) + peak*sc.Warmup.Seconds()
		how = fmt.Sprintf("%d requests + warm-up %s at up to %g/s, x %d replications", sc.Requests, sc.Warmup, peak, int(reps))
	} else {
		perRep = peak * (sc.Duration + sc.Warmup).Seconds()
		how = fmt.Sprintf("up to %g requests/s x %s (warm-up included) x %d replications", peak, sc.Duration+sc.Warmup, int(reps))
	}
	if total := perRep * reps; total > MaxRunRequests {
		return &BudgetError{
			What:     fmt.Sprintf("about %.3g simulated requests", total),
			Estimate: how,
			Limit:    fmt.Sprintf("%.0e", MaxRunRequests),
			Lower:    "lower arrivals.rate, duration (or requests) or replications (--replications, --duration)",
		}
	}
	kept := float64(unsafe.Sizeof(repCounts{})) + float64(keptPerRep)
	if bytes := kept * reps; bytes > MaxKeptBytes {
		return &BudgetError{
			What:     fmt.Sprintf("about %s kept per replication", humanBytes(bytes)),
			Estimate: fmt.Sprintf("%s x %d replications", humanBytes(kept), int(reps)),
			Limit:    humanBytes(MaxKeptBytes),
			Lower:    "lower replications (--replications, --max-replications)",
		}
	}
	return nil
}

func humanBytes(b float64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB"}
	i := 0
	for b >= 1024 && i < len(units)-1 {
		b /= 1024
		i++
	}
	return strings.TrimSuffix(fmt.Sprintf("%.1f", b), ".0") + " " + units[i]
}
