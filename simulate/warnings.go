package simulate

import "fmt"

// overloadedAt is the share of capacity above which a server is called
// overloaded: a queue in front of a server this busy grows for as long as
// the load lasts, and the waiting, not the service time, decides the
// 502.3 rate.
const overloadedAt = 0.98

// warn adds to each farm's notes what a reader must not miss, so that the
// text report and the HTML page say the same: servers at or above
// capacity, and an --until-ci precision that the replication cap cut
// short.
func warn(res *Result, counts []repCounts, opts Options) {
	for i := range res.Farms {
		f := &res.Farms[i]
		for _, s := range f.Servers {
			if s.Overloaded() {
				// A backend queue limit caps the queue: the overload then
				// shows as 503 turned away at once, not a growing queue.
				grows := "queues grow"
				if n := f.queueFull503(s.Address, s.S503); n > 0 {
					grows = fmt.Sprintf("its queue filled to the backend's limit (requestQueueLimit, or queueLength while the worker took none) and %d request(s) were turned away with 503", n)
				}
				f.Notes = append(f.Notes, fmt.Sprintf("server %s is overloaded: busy %.0f%% of its capacity (%d at once); the offered load is at or above what it can serve, %s, and no timeout fixes that",
					s.Address, 100*s.Utilization, s.Concurrency, grows))
			}
		}
		if opts.UntilCI > 0 && !ciReached(counts, opts.UntilCI) {
			f.Notes = append(f.Notes, fmt.Sprintf("CI target not reached: after %d replications (the cap) the 502.3 rate's 95%% CI half-width is still above %.3g%% of its mean",
				len(counts), 100*opts.UntilCI))
		}
	}
}

// Overloaded says whether the server was busy at or above what it can
// serve. An unlimited server (concurrency 0) cannot be overloaded.
func (s ServerResult) Overloaded() bool {
	return s.Enabled && s.Concurrency > 0 && s.Utilization >= overloadedAt
}

// Overloaded says whether any server of the farm was (see
// ServerResult.Overloaded): sweep marks such points as simulate does.
func (f FarmResult) Overloaded() bool {
	for _, s := range f.Servers {
		if s.Overloaded() {
			return true
		}
	}
	return false
}
