package simulate

import (
	"math"
	"math/bits"
)

// Outcomes of a request, as ARR answers the client.
const (
	o2xx          = iota // the backend's answer, below 400
	o4xx                 // the backend's answer, 400-499
	o5xx                 // the backend's answer, 500 or above
	o503                 // 503 from the backend's web server: a full queue, a stopped pool
	oTimeout             // 502.3 / 12002: no response headers within the timeout
	oRefused             // 502.3 / 12029: the connection was refused
	oReset               // 502.3 / 12030: the server went down with the request inside
	oAllUnhealthy        // 502.3, win32 0: every server unhealthy, arr.allUnhealthyStatus 502.3
	oNoServer            // 502.4: no eligible server
	nOutcomes
)

// histogram counts values (nanoseconds) in logarithmic buckets: exact below
// 1024 ns, then 512 buckets per power of two, so any value is known within
// 0.1 % (bucket midpoint). It has a fixed size and never allocates.
type histogram struct {
	n   [histBuckets]uint64
	max int64
}

const (
	histSub     = 9
	histBuckets = (64 - histSub) << histSub
)

func histBucket(v uint64) int {
	if v < 1<<histSub {
		return int(v)
	}
	e := bits.Len64(v) - histSub - 1
	return (e+1)<<histSub + int(v>>uint(e)) - 1<<histSub
}

// histValue is the midpoint of bucket b.
func histValue(b int) float64 {
	if b < 2<<histSub {
		return float64(b)
	}
	e := b>>histSub - 1
	m := b&(1<<histSub-1) + 1<<histSub
	lo := float64(uint64(m) << uint(e))
	return lo + float64(uint64(1)<<uint(e))/2
}

func (h *histogram) add(v int64) {
	if v < 0 {
		v = 0
	}
	h.n[histBucket(uint64(v))]++
	if v > h.max {
		h.max = v
	}
}

// atLeast is the number of samples in buckets from v's up.
func (h *histogram) atLeast(v int64) int64 {
	var n uint64
	used := h.used()
	for b := histBucket(uint64(max(v, 0))); b < len(used); b++ {
		n += used[b]
	}
	return int64(n)
}

// countTail fills tail from the replication's histogram.
func (st *repStats) countTail(timeout int64) {
	for k := range st.tail {
		st.tail[k] = st.hist.atLeast(timeout >> (k + 1))
	}
}

func (h *histogram) merge(o *histogram) {
	for i, c := range o.used() {
		if c != 0 {
			h.n[i] += c
		}
	}
	h.max = max(h.max, o.max)
}

// used is the part of n that can hold samples: every sample is from 0 to
// max, and buckets grow with the value. The array is 220 KB; a short run
// fills a few pages of it, and reading or writing the rest of a fresh
// histogram cost page faults (about 3 % of a 1-request simulate process).
func (h *histogram) used() []uint64 {
	return h.n[:histBucket(uint64(h.max))+1]
}

// quantile returns the q-quantile (0 < q <= 1) in nanoseconds: the value
// below or at which a share q of the samples lie, as the midpoint of its
// bucket and never above the maximum.
func (h *histogram) quantile(q float64) float64 {
	var total uint64
	for _, c := range h.used() {
		total += c
	}
	if total == 0 {
		return 0
	}
	rank := uint64(math.Ceil(q * float64(total)))
	rank = max(rank, 1)
	var acc uint64
	for b, c := range h.used() {
		acc += c
		if acc >= rank {
			return math.Min(histValue(b), float64(h.max))
		}
	}
	return float64(h.max)
}

// second is one second of the measured window, by arrival time.
type second struct {
	Requests, E5023, E5024, E5xx uint32
}

type serverStats struct {
	requests int64
	out      [nOutcomes]int64
	// URL-test probes whose verdict came inside the window, and how many
	// of them failed
	probes, probeFails int64
}

// faultStats attributes failures to one scenario event.
type faultStats struct {
	e5023 int64 // 502.3 of requests sent to its server while it was active
	e503  int64 // 503 likewise
	// the 502.3 by WinHTTP error
	timeout, refused, reset int64
}

// maxSeriesBuckets bounds a replication's time series: past it, buckets
// double in width (and pairs merge), so that a year of simulated time
// costs what four and a half hours at one second per bucket do.
const maxSeriesBuckets = 1 << 14

// repCounts are the outcome counts of one replication: all a run keeps
// per replication once it is folded into the totals (the confidence
// intervals are over per-replication rates).
type repCounts struct {
	out [nOutcomes]int64
	// tail[k] counts the requests that took at least timeout / 2^(k+1):
	// frequent stand-ins for 502.3 timeouts, whose spread over
	// replications shows how clustered the timeouts are (rate5023).
	tail [tailRungs]int64
}

// tailRungs is how many halvings below the timeout repCounts.tail counts.
const tailRungs = 8

// repStats is what one replication measured.
type repStats struct {
	repCounts
	warm, end int64
	hist      histogram
	// series has one bucket per step ns (a power of two seconds) of the
	// measured window, at most maxSeriesBuckets.
	series   []second
	step     int64
	noEligNs int64
	// allUnhealthyNs is the part of noEligNs in which every server that
	// could take requests was unhealthy
	allUnhealthyNs int64
	faults         []faultStats
	// timeoutFaultOn: 12002 on a server without a fault, sent while
	// another server had one
	timeoutFaultOn int64
	servers        []serverStats // filled by finish
	busy           []float64     // per server: busy slot-ns inside the window
	unhealthy      []int64       // per server: unhealthy ns inside the window
	window         int64         // length of the measured window
	curve          curveStats    // with plan.curve only
}

func (st *repStats) init(p *plan, end int64) {
	st.warm, st.end = p.warm, end
	secs := 64.0 // the window's expected length in seconds
	switch {
	case end != never:
		secs = float64(end-p.warm) / 1e9
	case p.steps[0].rate > 0 && len(p.steps) == 1:
		// Requests mode: the window lasts about requests/rate seconds.
		secs = float64(p.requests)/p.steps[0].rate*1.1 + 16
	}
	// The step is the same for every replication of a duration-mode run
	// (and fits its window); requests mode coarsens as it goes if needed.
	st.step = 1e9
	for secs*1e9/float64(st.step) >= maxSeriesBuckets && st.step <= math.MaxInt64/2 {
		st.step *= 2
	}
	n := min(int(secs*1e9/float64(st.step))+1, maxSeriesBuckets)
	st.series = make([]second, 0, n)
	st.faults = make([]faultStats, len(p.faults))
	if p.curve {
		st.curve.bySec = make([]int64, p.timeout/1e9+1)
	}
}

// overlap is the part of [lo, hi) inside the measured window.
func (st *repStats) overlap(lo, hi int64) int64 {
	lo, hi = max(lo, st.warm), min(hi, st.end)
	if hi > lo {
		return hi - lo
	}
	return 0
}

// sec returns the series entry of a request sent at sent (inside the
// window).
func (st *repStats) sec(sent int64) *second {
	k := int((sent - st.warm) / st.step)
	for k >= maxSeriesBuckets {
		st.coarsen()
		k = int((sent - st.warm) / st.step)
	}
	for len(st.series) <= k {
		st.series = append(st.series, second{})
	}
	return &st.series[k]
}

// coarsen doubles the series' step, merging pairs of buckets in place: a
// window longer than planned (requests mode) keeps a bounded series.
func (st *repStats) coarsen() {
	st.series = mergePairs(st.series, func(b *second, o second) {
		b.Requests += o.Requests
		b.E5023 += o.E5023
		b.E5024 += o.E5024
		b.E5xx += o.E5xx
	})
	st.step *= 2
}

// mergePairs sums buckets 2i and 2i+1 into bucket i, in place: the
// per-replication series and the run's totals both halve their
// resolution this way, each with its own add.
func mergePairs[T any](s []T, add func(b *T, o T)) []T {
	for i := 0; 2*i < len(s); i++ {
		b := s[2*i]
		if 2*i+1 < len(s) {
			add(&b, s[2*i+1])
		}
		s[i] = b
	}
	return s[:(len(s)+1)/2]
}

// noServer records a request that found no eligible server: 502.4, or
// 502.3 when as5023 (every server unhealthy, arr.allUnhealthyStatus).
func (st *repStats) noServer(offset int64, as5023 bool) {
	sc := st.sec(st.warm + offset)
	sc.Requests++
	st.hist.add(0)
	if as5023 {
		st.out[oAllUnhealthy]++
		sc.E5023++
		if st.curve.bySec != nil {
			st.curve.fixed++ // 502.3 whatever the timeout
		}
		return
	}
	st.out[oNoServer]++
	sc.E5024++
}

// e5023 is the number of 502.3 answers.
func (st *repCounts) e5023() int64 {
	return st.out[oTimeout] + st.out[oRefused] + st.out[oReset] + st.out[oAllUnhealthy]
}

func (st *repStats) answered(r *request, v *server, taken int64) {
	o := o2xx
	switch {
	case r.status >= 500:
		o = o5xx
	case r.status >= 400:
		o = o4xx
	}
	st.out[o]++
	v.st.out[o]++
	st.hist.add(taken)
	if st.curve.bySec != nil {
		st.curve.record(taken)
	}
	sc := st.sec(r.sent)
	sc.Requests++
	if o == o5xx {
		sc.E5xx++
	}
}

// rejected records a 503 from the backend's web server (not the
// application's answer, which counts in 5xx).
func (st *repStats) rejected(r *request, v *server, taken int64) {
	st.out[o503]++
	v.st.out[o503]++
	st.hist.add(taken)
	if r.fault >= 0 {
		st.faults[r.fault].e503++
	}
	st.sec(r.sent).Requests++ // the series keeps 502s and 5xx only
}

func (st *repStats) failed(r *request, v *server, taken int64, o int) {
	st.out[o]++
	v.st.out[o]++
	st.hist.add(taken)
	if st.curve.bySec != nil {
		// A hung server never answers and a refused or reset request
		// fails at its own time: 502.3 whatever the timeout.
		if o == oTimeout && r.flags&fHang == 0 {
			st.curve.record(taken)
		} else {
			st.curve.fixed++
		}
	}
	if o == oTimeout && r.fault < 0 && r.flags&fFaultOn != 0 {
		st.timeoutFaultOn++
	}
	if r.fault >= 0 {
		fs := &st.faults[r.fault]
		fs.e5023++
		switch o {
		case oTimeout:
			fs.timeout++
		case oRefused:
			fs.refused++
		case oReset:
			fs.reset++
		}
	}
	sc := st.sec(r.sent)
	sc.Requests++
	sc.E5023++
}

// finish closes the time integrals at the end of the replication.
func (s *sim) finish() {
	st := &s.st
	st.window = st.overlap(st.warm, s.end)
	if s.noElig {
		st.noEligNs += st.overlap(s.noEligSince, s.now)
		s.noElig = false
	}
	if s.allUnhealthy {
		st.allUnhealthyNs += st.overlap(s.allUnhealthySince, s.now)
		s.allUnhealthy = false
	}
	st.servers = make([]serverStats, len(s.srv))
	st.busy = make([]float64, len(s.srv))
	st.unhealthy = make([]int64, len(s.srv))
	for i := range s.srv {
		v := &s.srv[i]
		s.busyChange(v, 0)
		if !v.healthy {
			v.unhealthyNs += st.overlap(v.unhealthySince, s.now)
			v.unhealthySince = s.now
		}
		st.servers[i] = v.st
		st.busy[i] = v.busyArea
		st.unhealthy[i] = v.unhealthyNs
	}
}

// requests is the number of counted requests.
func (st *repCounts) requests() int64 {
	var n int64
	for _, c := range st.out {
		n += c
	}
	return n
}
