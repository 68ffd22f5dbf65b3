package simulate

import (
	"math"
	"math/rand/v2"
	"time"
)

const never = math.MaxInt64

// Request flags.
const (
	fCounted   uint16 = 1 << iota // arrived inside the measured window
	fProxyDone                    // ARR has answered the client
	fInService                    // holds a backend slot
	fHang                         // frozen, or sent to a hung server: never answered
	fRefused                      // the connection fails (evConnectFail is scheduled)
	fLive                         // the handle is in use
	fDeadline                     // a deadline entry exists (ring or heap)
	fProbe                        // a health probe, not a client's request
	fRetried                      // sent again after a failed connection (arr.retryOtherServer)
	fFaultOn                      // sent while a fault was active on some server
)

// request is one proxied request. It lives in sim.req and is referred to by
// its int32 handle; gen changes each time the handle is reused, so events
// that outlive their request are recognised.
type request struct {
	sent   int64
	srv    int32
	gen    uint32
	fault  int16  // the fault active on the server when sent, or -1
	status uint16 // the status the backend will answer
	flags  uint16
	svc    int64 // replayed service time in ns; -1: the model draws it
	done   int64 // when its service ends (in service only); a pause moves it
}

// server is a backend's runtime state. Fields used per request come first.
type server struct {
	weight   int64
	cw       int64 // smooth weighted round robin: current weight
	inflight int32 // proxy-side in-flight requests (LeastRequests)
	busy     int32 // backend slots in use (or requests in service, unlimited)
	conc     int32
	waiting  int32 // requests in the queue (stale cancelled entries excluded)
	qlen     int32 // http.sys queue limit while the worker takes no requests; 0: none
	// inside: of the waiting requests, those a paused worker froze with
	// (ASP.NET's queue): they take no http.sys place
	inside int32
	rql    int32 // requests the worker holds (in service + waiting); 0: no limit
	// hold: the worker takes no requests (paused, or a recycled worker
	// starting): they wait in the http.sys queue
	hold    bool
	errors  float64
	svc     *sampler
	rng     *rand.Rand // service times and errors
	queue   ring[queued]
	sent    int64 // all requests sent (WeightedTotalTraffic)
	hashKey uint64
	// idle: ARR's kept-alive connections to the server that no request
	// uses, as the times they were last released, oldest first. A request
	// takes the newest; the oldest close after backends.idleTimeout.
	idle ring[int64]

	// fault state, recomputed at each fault boundary
	down, hang, drained bool
	unreachable         bool
	stopped             bool // the application pool is stopped: 503 at once
	paused              bool // the process is frozen (pause)
	starting            bool // a recycled worker is starting
	removed             bool // made unavailable (unavailable, remove): sessions move too
	slow                float64
	errStatus           uint16
	faultID             int16

	// health
	enabled bool
	healthy bool
	fails   int  // consecutive failed probes
	probing bool // a probe is out
	hrng    *rand.Rand
	live    []int64 // times of recent live-traffic failures (a ring)
	liveN   int
	liveAt  int

	// LeastResponseTime windows
	lrtWin             int64
	lrtSum, lrtPrevSum float64
	lrtN, lrtPrevN     int64

	// measurement
	busyArea       float64 // slot-nanoseconds inside the window
	busyLast       int64
	unhealthyNs    int64
	unhealthySince int64
	st             serverStats
}

// sim is one replication.
type sim struct {
	p   *plan
	now int64
	seq uint64

	heap eventQueue
	tmo  ring[timeoutEntry]

	nextArr   int64
	arrSeq    uint64
	arrStep   int
	gapScale  float64 // ns per unit exponential at the current rate
	nextStep  int64
	arrRng    *rand.Rand
	clientRng *rand.Rand
	clientKey uint64
	sessRng   *rand.Rand

	// sessions (arrivals.sessions): slot-indexed, slots reused
	sessEnd  []int64
	sessKey  []uint64
	active   []int32 // running sessions' slots (some may have ended: see client)
	freeSess []int32
	sweep    int
	sessSeq  uint64

	srv    []server
	req    []request
	free   []int32
	elig   []int32 // servers that can take a new request, in config order
	affOK  []bool  // servers an affinitized client may stay on
	cookie []int32 // per client or session slot: the affinity server, or -1
	rr     int
	totalW int64
	uniW   bool

	end     int64 // end of the measured window (never until known)
	horizon int64 // the replication stops after this time
	arrived int64 // counted arrivals

	// faultsOn counts the faults with a duration active now, on any
	// server: a timeout on a server without one may be queueing behind
	// the load a fault moved there.
	faultsOn int

	noElig      bool
	noEligSince int64
	// allUnhealthy: no eligible server because every server that could
	// take requests is unhealthy (arr.allUnhealthyStatus decides the answer)
	allUnhealthy      bool
	allUnhealthySince int64

	st repStats

	// replay streams a log's arrivals (arrivals.replay); replaySvc is the
	// service time of the next arrival, -1 to draw it.
	replay    ArrivalStream
	replaySvc int64
}

func newSim(p *plan, rep int) *sim {
	s := &sim{p: p}
	seed := p.seed
	s.arrRng = stream(seed, rep, "arrivals")
	s.clientRng = stream(seed, rep, "clients")
	s.clientKey = s.clientRng.Uint64()
	s.sessRng = stream(seed, rep, "sessions")
	n := len(p.servers)
	s.srv = make([]server, n)
	live := 0
	if p.livePeriod > 0 {
		live = p.liveMax
	}
	for i := range p.servers {
		ps := &p.servers[i]
		v := &s.srv[i]
		v.weight, v.conc, v.errors, v.svc = ps.weight, ps.conc, ps.errors, &ps.svc
		v.qlen, v.rql = ps.qlen, ps.rql
		v.enabled, v.healthy, v.slow, v.faultID = ps.enabled, true, 1, -1
		v.rng = stream(seed, rep, "service/"+ps.addr)
		v.hrng = stream(seed, rep, "health/"+ps.addr)
		v.hashKey = splitmix64(componentID(ps.addr))
		if live > 0 {
			v.live = make([]int64, live)
		}
	}
	typical := math.Inf(1)
	for i := range p.servers {
		typical = min(typical, p.servers[i].svc.typical())
	}
	s.heap.init(calendarShift(typical))
	s.elig = make([]int32, 0, n)
	s.affOK = make([]bool, n)
	if p.useCookie && p.clients > 0 {
		s.cookie = make([]int32, p.clients)
		for i := range s.cookie {
			s.cookie[i] = -1
		}
	}
	// Size the pool for the requests a farm typically holds; it grows if
	// needed and then stays.
	s.req = make([]request, 0, 1024)
	s.free = make([]int32, 0, 1024)
	s.end = never
	if p.end > 0 {
		s.end = p.end
	}
	s.horizon = never
	if s.end != never {
		s.horizon = s.end + p.timeout + int64(ConnectFailTime)
	}
	s.st.init(p, s.end)
	s.updateEligibility()

	for i := range p.bounds {
		s.schedule(p.bounds[i].at, evFault, int32(i), 0)
	}
	if p.urlTest {
		var sweep int64
		if p.probeSweep {
			sweep = p.probePhase(rep, "health/sweep", stream(seed, rep, "health/sweep").Float64())
		}
		for i := range s.srv {
			if s.srv[i].enabled {
				// Drawn in sweep mode too, so that each server's health
				// stream (probe latencies) is the same under both readings.
				phase := p.probePhase(rep, "health/"+p.servers[i].addr, s.srv[i].hrng.Float64())
				if p.probeSweep {
					phase = sweep
				}
				s.schedule(phase, evProbe, int32(i), 0)
			}
		}
	}
	s.setStep(0)
	s.openReplay()
	s.scheduleArrival(0)
	return s
}

// probePhase is the first probe time of one server (or of the farm's sweep)
// in replication rep; u is a uniform draw from its own stream, used when
// there is a single replication per block.
//
// The scenario's replications form a block. Within a block a server's
// phases are a randomly shifted grid, (k + V)/n of the interval for k =
// 0..n-1 with V uniform, and which replication gets which k is a random
// permutation, both drawn per server and block, so the servers' relative
// phases still vary. A grid, not one point per slice at random: what
// matters is the delay from a fault, at a time the scenario fixes, to the
// next probe, (phase - fault) mod interval, and a shifted grid stays a
// shifted grid under that rotation. So the block's mean delay is within
// interval/(2n) of the exact interval/2 for every fault time and setting;
// independent phases miss it by interval/sqrt(12n) typically, which made a
// curve over probe intervals dip and rise (issue 16: 14 -> 15 s).
func (p *plan) probePhase(rep int, component string, u float64) int64 {
	n := p.strata
	if n < 2 {
		return int64(u * float64(p.interval))
	}
	block, k := rep/n, rep%n
	r := stream(p.seed, block, component+"/grid")
	v := r.Float64()
	perm := r.Perm(n)
	return int64((float64(perm[k]) + v) / float64(n) * float64(p.interval))
}

func (s *sim) schedule(at int64, kind uint8, arg int32, aux uint32) {
	s.heap.push(event{at: at, seq: s.seq, arg: arg, aux: aux, kind: kind})
	s.seq++
}

// run processes events until the replication is over.
func (s *sim) run() {
	s.runUntil(never)
	s.finish()
}

// runUntil processes every event at or before limit (and before the
// horizon).
func (s *sim) runUntil(limit int64) {
	for {
		// The earliest of: the next arrival, the heap's top, the oldest
		// deadline. Ties go to the one scheduled first.
		t, q, src := s.nextArr, s.arrSeq, 0
		if e := s.heap.peek(); e != nil && before(e.at, e.seq, t, q) {
			t, q, src = e.at, e.seq, 1
		}
		if s.tmo.n > 0 {
			if e := s.tmo.peek(); before(e.at, e.seq, t, q) {
				t, src = e.at, 2
			}
		}
		if t > limit || t > s.horizon {
			return
		}
		s.now = t
		switch src {
		case 0:
			s.arrive()
		case 1:
			// The event is read in place before anything is pushed
			// (popRef).
			e := s.heap.popRef()
			kind, arg, aux := e.kind, e.arg, e.aux
			switch kind {
			case evComplete:
				s.complete(arg, aux)
			case evConnectFail:
				s.connectFail(arg, aux)
			case evReject:
				s.reject(arg, aux)
			case evProbe:
				s.probe(arg)
			case evProbeResult:
				s.probeResult(arg, aux == 1)
			case evDeadline:
				s.deadline(arg, aux)
			case evFault:
				s.faultBoundary(arg)
			}
		case 2:
			e := s.tmo.pop()
			s.timeout(e.req, e.gen)
		}
	}
}

// setStep makes arrival-rate step k current.
func (s *sim) setStep(k int) {
	s.arrStep = k
	rate := s.p.steps[k].rate
	s.gapScale = 0
	if rate > 0 {
		s.gapScale = 1e9 / rate
	}
	s.nextStep = never
	if k+1 < len(s.p.steps) {
		s.nextStep = s.p.steps[k+1].at
	}
}

// scheduleArrival draws the next Poisson arrival after t. At a rate step
// the draw restarts at the step with the new rate, which is exact for a
// piecewise-constant rate because the exponential gap has no memory.
func (s *sim) scheduleArrival(t int64) {
	if s.p.replay != nil {
		s.replayArrival()
		return
	}
	for {
		if s.gapScale > 0 {
			gap := int64(s.arrRng.ExpFloat64() * s.gapScale)
			if gap < s.nextStep-t {
				t += gap
				break
			}
		}
		if s.nextStep == never {
			t = never
			break
		}
		t = s.nextStep
		s.setStep(s.arrStep + 1)
	}
	if t >= s.end {
		t = never
	}
	s.nextArr, s.arrSeq = t, s.seq
	s.seq++
	if t == never && s.end == never {
		// Requests mode with no more traffic: the window ends here.
		s.closeWindow(s.now + 1)
	}
}

func (s *sim) closeWindow(end int64) {
	s.end = end
	s.horizon = end + s.p.timeout + int64(ConnectFailTime)
	s.st.end = end
}

func (s *sim) arrive() {
	now := s.now
	counted := now >= s.p.warm
	if counted {
		s.arrived++
		if s.p.requests > 0 && s.arrived >= s.p.requests && s.end == never {
			s.closeWindow(now + 1)
		}
	}
	svc := s.replaySvc
	s.scheduleArrival(now)

	client, key := int32(-1), uint64(0)
	if s.p.needClient {
		client, key = s.client()
	} else if s.p.alg == algHash && s.p.hashKey == hashPerRequest {
		key = s.clientRng.Uint64()
	}
	i := s.pick(client, key)
	if i < 0 {
		if counted {
			s.st.noServer(now-s.p.warm, s.allUnhealthy && s.p.unhealthy503)
		}
		return
	}
	v := &s.srv[i]
	v.sent++
	v.inflight++
	r, h := s.alloc()
	r.sent, r.srv, r.fault, r.status, r.flags, r.svc = now, i, v.faultID, 200, fLive, svc
	if counted {
		r.flags |= fCounted
		v.st.requests++
	}
	if s.faultsOn > 0 {
		r.flags |= fFaultOn
	}
	s.send(h, r, v)
}

// send sends request h to server v (r.srv) now: at its arrival, or again
// after a failed connection (fRetried), when its deadline stays that of
// its arrival.
func (s *sim) send(h int32, r *request, v *server) {
	now := s.now
	pooled := s.takeConn(v)
	switch {
	case v.down:
		r.flags |= fRefused
		s.schedule(now+int64(ConnectFailTime), evConnectFail, h, r.gen)
		return
	case v.unreachable && !pooled && now+int64(UnreachableConnectTime) < r.sent+s.p.timeout:
		// A new connection: Windows gives up on the SYN after 21 s. A
		// request sent on a pooled connection instead waits for an
		// answer until the timeout (the case below).
		r.flags |= fRefused
		s.schedule(now+int64(UnreachableConnectTime), evConnectFail, h, r.gen)
		return
	case v.hang || v.unreachable:
		r.flags |= fHang
		s.pushTimeout(h, r)
		return
	case v.stopped:
		s.refuse503(h, r)
		return
	}
	if v.errStatus != 0 {
		r.status = v.errStatus
	} else if v.errors > 0 && v.rng.Float64() < v.errors {
		r.status = 500
	}
	if !v.hold && (v.conc == 0 || v.busy < v.conc) {
		if v.rql > 0 && v.busy >= v.rql {
			s.refuse503(h, r)
			return
		}
		// The answer time is known now: only a request that will not be
		// answered before its deadline needs a deadline entry. An answer
		// exactly at the deadline is too late, as for a queued request,
		// whose deadline entry was pushed first.
		d := s.serviceTime(r, v)
		if now+d >= r.sent+s.p.timeout {
			s.pushTimeout(h, r)
		}
		s.begin(h, r, v, d)
		return
	}
	if s.queueFull(v) {
		s.refuse503(h, r)
		return
	}
	v.queue.push(queued{h, r.gen})
	v.waiting++
	s.pushTimeout(h, r)
}

// takeConn gives a new request to server v a connection: a pooled idle
// one (true) or a new one (false). Idle connections older than
// backends.idleTimeout have closed: the pool's size follows the traffic,
// the most requests in flight at once within the last idle timeout.
func (s *sim) takeConn(v *server) bool {
	for v.idle.n > 0 && *v.idle.peek() <= s.now-s.p.idleTimeout {
		v.idle.pop()
	}
	if v.idle.n == 0 {
		return false
	}
	v.idle.popBack()
	return true
}

// releaseConn returns the connection of a request ARR got an answer for
// to server v's pool (keep-alive); a request that failed (502.3) closed
// its connection instead.
func (s *sim) releaseConn(v *server) {
	if s.p.idleTimeout > 0 {
		v.idle.push(s.now)
	}
}

// queueFull says whether a request that would wait at server v is turned
// away with 503 instead: while the worker takes requests, ASP.NET's
// requestQueueLimit bounds the requests it holds (in service and
// waiting); while it takes none (paused, starting after a recycle), the
// requests wait in the application pool's http.sys queue, bounded by
// queueLength.
func (s *sim) queueFull(v *server) bool {
	if v.hold {
		return v.qlen > 0 && v.waiting-v.inside >= v.qlen
	}
	return v.rql > 0 && v.busy+v.waiting >= v.rql
}

// refuse503 answers request h with 503 from the backend's web server
// (http.sys or ASP.NET) after RejectTime, without the application.
func (s *sim) refuse503(h int32, r *request) {
	r.status = 503
	r.flags |= fRefused
	s.schedule(s.now+int64(RejectTime), evReject, h, r.gen)
}

// reject delivers a 503 scheduled by refuse503.
func (s *sim) reject(h int32, gen uint32) {
	r := &s.req[h]
	if r.gen != gen {
		return
	}
	v := &s.srv[r.srv]
	r.flags |= fProxyDone
	if r.flags&fProbe != 0 {
		s.release(h)
		s.probeResult(r.srv, s.p.statusOK.Has(503))
		return
	}
	v.inflight--
	s.releaseConn(v)
	taken := s.now - r.sent
	if s.p.alg == algLeastResponseTime {
		s.lrtSample(v, taken)
	}
	if s.p.livePeriod > 0 && s.p.liveCodes.Has(503) {
		s.liveFailure(r.srv)
	}
	if r.flags&fCounted != 0 {
		s.st.rejected(r, v, taken)
	}
	s.release(h)
}

func (s *sim) pushTimeout(h int32, r *request) {
	r.flags |= fDeadline
	if r.flags&fRetried != 0 {
		// Its deadline is older than those in the ring: the heap keeps it.
		s.schedule(r.sent+s.p.timeout, evDeadline, h, r.gen)
		return
	}
	s.tmo.push(timeoutEntry{at: r.sent + s.p.timeout, seq: s.seq, req: h, gen: r.gen})
	s.seq++
}

// client returns the client of a new request: its slot (for the affinity
// cookie) and its hash key. With a fixed population it is drawn uniformly;
// otherwise the request starts a session with probability sessNew, or
// joins a running session chosen uniformly. Ended sessions leave the active
// list when a draw meets them, and one entry per request is checked in
// rotation so that none lingers.
func (s *sim) client() (int32, uint64) {
	if s.p.clients > 0 {
		c := int32(s.clientRng.IntN(s.p.clients))
		return c, uint64(c)
	}
	if n := len(s.active); n > 0 {
		if s.sweep >= n {
			s.sweep = 0
		}
		if s.sessEnd[s.active[s.sweep]] <= s.now {
			s.endSession(s.sweep)
		} else {
			s.sweep++
		}
	}
	if len(s.active) > 0 && s.clientRng.Float64() >= s.p.sessNew {
		for len(s.active) > 0 {
			k := s.clientRng.IntN(len(s.active))
			c := s.active[k]
			if s.sessEnd[c] > s.now {
				return c, s.sessKey[c]
			}
			s.endSession(k)
		}
	}
	var c int32
	if n := len(s.freeSess); n > 0 {
		c = s.freeSess[n-1]
		s.freeSess = s.freeSess[:n-1]
	} else {
		c = int32(len(s.sessEnd))
		s.sessEnd = append(s.sessEnd, 0)
		s.sessKey = append(s.sessKey, 0)
		if s.p.useCookie {
			s.cookie = append(s.cookie, -1)
		}
	}
	s.sessEnd[c] = s.now + int64(s.sessRng.ExpFloat64()*s.p.sessLen)
	s.sessSeq++
	s.sessKey[c] = s.sessSeq
	if s.p.useCookie {
		s.cookie[c] = -1
	}
	s.active = append(s.active, c)
	return c, s.sessSeq
}

// endSession removes active[k]; order does not matter, draws are uniform.
func (s *sim) endSession(k int) {
	last := len(s.active) - 1
	s.freeSess = append(s.freeSess, s.active[k])
	s.active[k] = s.active[last]
	s.active = s.active[:last]
}

// serviceTime draws how long server v works on request r, starting now.
func (s *sim) serviceTime(r *request, v *server) int64 {
	if r.status != 200 {
		return int64(ErrorServiceTime)
	}
	var d int64
	if r.flags&fProbe != 0 {
		d = s.p.probe.draw(v.hrng)
	} else if r.svc >= 0 {
		d = r.svc
	} else {
		d = v.svc.draw(v.rng)
	}
	if v.slow != 1 {
		d = int64(min(float64(d)*v.slow, float64(maxService)))
	}
	// A draw from a long tail (a lognormal's, times a slow factor) must
	// not overflow now+d: past a year it is a request that never ends.
	return min(d, maxService)
}

// maxService caps a service time (one year in nanoseconds); scenario
// durations are capped at the same bound (maxScenarioSpan), so event
// times stay far from int64's limit.
const maxService = int64(365 * 24 * time.Hour)

// begin gives request h a backend slot for d nanoseconds from now.
func (s *sim) begin(h int32, r *request, v *server, d int64) {
	s.busyChange(v, 1)
	r.flags |= fInService
	r.done = s.now + d
	s.schedule(r.done, evComplete, h, r.gen)
}

func (s *sim) busyChange(v *server, delta int32) {
	if lo, hi := max(v.busyLast, s.p.warm), min(s.now, s.end); hi > lo {
		v.busyArea += float64(v.busy) * float64(hi-lo)
	}
	v.busyLast = s.now
	v.busy += delta
}

func (s *sim) alloc() (*request, int32) {
	if n := len(s.free); n > 0 {
		h := s.free[n-1]
		s.free = s.free[:n-1]
		return &s.req[h], h
	}
	s.req = append(s.req, request{})
	h := int32(len(s.req) - 1)
	return &s.req[h], h
}

func (s *sim) release(h int32) {
	s.req[h].gen++
	s.req[h].flags = 0
	s.free = append(s.free, h)
}

// complete: a backend finished request h.
func (s *sim) complete(h int32, gen uint32) {
	r := &s.req[h]
	if r.gen != gen || r.flags&fInService == 0 || r.done != s.now {
		return // cancelled at its deadline, frozen by a hang, or delayed by a pause
	}
	v := &s.srv[r.srv]
	s.busyChange(v, -1)
	if r.flags&fProxyDone == 0 {
		r.flags |= fProxyDone
		if r.flags&fProbe != 0 {
			s.probeResult(r.srv, s.p.statusOK.Has(int(r.status)))
		} else {
			v.inflight--
			s.releaseConn(v)
			s.answered(r, v, s.now-r.sent)
		}
	}
	s.release(h)
	s.startNext(v)
}

// startNext gives a freed slot to the oldest request still waiting.
func (s *sim) startNext(v *server) {
	for v.queue.n > 0 && !v.hold && (v.conc == 0 || v.busy < v.conc) {
		q := v.queue.pop()
		r := &s.req[q.req]
		if r.gen != q.gen {
			continue // cancelled while waiting
		}
		v.waiting--
		s.begin(q.req, r, v, s.serviceTime(r, v))
	}
}

// timeout: ARR's deadline for request h has come.
func (s *sim) timeout(h int32, gen uint32) {
	r := &s.req[h]
	if r.gen != gen || r.flags&fProxyDone != 0 {
		return // answered in time
	}
	v := &s.srv[r.srv]
	r.flags |= fProxyDone
	if r.flags&fProbe != 0 {
		s.probeResult(r.srv, false)
	} else {
		v.inflight--
		s.failed(r, v, s.p.timeout, oTimeout)
	}
	s.giveUp(h, r, v)
}

// deadline is a deadline kept in the heap: a probe's, or that of a request
// frozen before its answer was due.
func (s *sim) deadline(h int32, gen uint32) {
	s.timeout(h, gen)
}

// giveUp settles request h after ARR stopped waiting for it.
func (s *sim) giveUp(h int32, r *request, v *server) {
	switch {
	case r.flags&fHang != 0:
		s.release(h)
	case s.p.cancel:
		inService := r.flags&fInService != 0
		s.release(h) // a queued entry or a completion event is now stale
		if inService {
			s.busyChange(v, -1)
			s.startNext(v)
		} else if r.flags&fRefused == 0 {
			v.waiting--
			// The oldest wait longest: the frozen ones time out first.
			v.inside = max(v.inside-1, 0)
		}
	}
	// Otherwise the backend keeps working; complete releases the request.
}

func (s *sim) connectFail(h int32, gen uint32) {
	r := &s.req[h]
	if r.gen != gen {
		return
	}
	v := &s.srv[r.srv]
	if s.p.retryOther && r.flags&fRetried == 0 {
		if j := s.nextEligible(r.srv); j >= 0 {
			s.retry(h, r, v, j)
			return
		}
	}
	r.flags |= fProxyDone
	v.inflight--
	s.failed(r, v, s.now-r.sent, oRefused)
	s.release(h)
}

// nextEligible is the first eligible server after server i in the farm's
// order (wrapping), other than i; -1 if none.
func (s *sim) nextEligible(i int32) int32 {
	for _, j := range s.elig {
		if j > i {
			return j
		}
	}
	if len(s.elig) > 0 && s.elig[0] != i {
		return s.elig[0]
	}
	return -1
}

// retry sends request h, whose connection to server v failed, once more
// to server j (arr.retryOtherServer). The failed attempt counts against v
// as live traffic does; the client sees one request, timed from its
// arrival, with its original deadline. In the per-server rows the request
// moves to j, which settles it, so that a server's requests are the sum
// of its outcomes.
func (s *sim) retry(h int32, r *request, v *server, j int32) {
	v.inflight--
	if s.p.livePeriod > 0 {
		s.liveFailure(r.srv)
	}
	w := &s.srv[j]
	w.sent++
	w.inflight++
	if r.flags&fCounted != 0 {
		v.st.requests--
		w.st.requests++
	}
	r.srv, r.fault, r.status = j, w.faultID, 200
	r.flags = r.flags&^fRefused | fRetried
	s.send(h, r, w)
}

// answered records a backend's answer that ARR passed on.
func (s *sim) answered(r *request, v *server, taken int64) {
	if s.p.alg == algLeastResponseTime {
		s.lrtSample(v, taken)
	}
	if r.status != 200 && s.p.livePeriod > 0 && s.p.liveCodes.Has(int(r.status)) {
		s.liveFailure(r.srv)
	}
	if r.flags&fCounted != 0 {
		s.st.answered(r, v, taken)
	}
}

// failed records a 502.3: outcome oTimeout (12002), oRefused (12029) or
// oReset (12030).
func (s *sim) failed(r *request, v *server, taken int64, outcome int) {
	if s.p.alg == algLeastResponseTime {
		s.lrtSample(v, taken)
	}
	if s.p.livePeriod > 0 {
		s.liveFailure(r.srv)
	}
	if r.flags&fCounted != 0 {
		s.st.failed(r, v, taken, outcome)
	}
}
