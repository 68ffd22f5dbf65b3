package simulate

// probe is server i's URL-test tick: it schedules the next tick and sends
// a probe unless one (or a chain of immediate retries) is still out, so the
// cadence holds whatever the verdicts.
func (s *sim) probe(i int32) {
	if v := &s.srv[i]; !v.probing {
		if s.p.retryImmediate {
			v.fails = 0 // each tick starts a new round of attempts
		}
		s.sendProbe(i)
	}
	// Scheduled after the probe's verdict, so that a verdict due at the
	// next tick (timeout = interval, the defaults) comes first.
	s.schedule(s.now+s.p.interval, evProbe, i, 0)
}

// sendProbe sends one probe to server i. A server that refuses, does not
// answer or hangs fails it without using a slot; otherwise the probe is a
// request: it takes a backend slot (or waits for one behind the requests)
// and fails when its answer is not back within the health-check timeout.
// With health.queue false it is answered beside the queue instead.
func (s *sim) sendProbe(i int32) {
	p := s.p
	v := &s.srv[i]
	v.probing = true
	var after int64
	ok := false
	switch {
	case v.down:
		after = int64(ConnectFailTime)
	case v.unreachable:
		after = min(int64(UnreachableConnectTime), p.hcTimeout)
	case v.hang:
		after = p.hcTimeout
	case v.stopped:
		// http.sys answers the probe 503 as it does requests.
		after = min(int64(RejectTime), p.hcTimeout)
		ok = p.statusOK.Has(503)
	case p.probeQueue:
		r, h := s.alloc()
		r.sent, r.srv, r.fault, r.status, r.flags = s.now, i, -1, 200, fLive|fProbe|fDeadline
		if v.errStatus != 0 {
			// Model: an error fault answers the probe with its status too.
			r.status = v.errStatus
		}
		s.schedule(s.now+p.hcTimeout, evDeadline, h, r.gen)
		switch {
		case !v.hold && (v.conc == 0 || v.busy < v.conc) && (v.rql == 0 || v.busy < v.rql):
			s.begin(h, r, v, s.serviceTime(r, v))
		case s.queueFull(v) || !v.hold && v.conc == 0:
			s.refuse503(h, r) // a probe is a request: a full queue turns it away
		default:
			v.queue.push(queued{h, r.gen})
			v.waiting++
		}
		return
	default:
		d := p.probe.draw(v.hrng)
		if v.slow != 1 {
			d = int64(float64(d) * v.slow)
		}
		if d > p.hcTimeout {
			after = p.hcTimeout // no answer in time
			break
		}
		after = d
		status := 200
		if v.errStatus != 0 {
			status = int(v.errStatus)
		}
		ok = p.statusOK.Has(status)
	}
	var aux uint32
	if ok {
		aux = 1
	}
	s.schedule(s.now+after, evProbeResult, i, aux)
}

// probeResult takes a probe's verdict. A success marks the server healthy.
// A failure counts; healthCheck/@retries more failures in a row are
// needed before the server is marked unhealthy, retried at once
// (arr.retrySpacing immediate) or at the next ticks (interval).
func (s *sim) probeResult(i int32, ok bool) {
	v := &s.srv[i]
	v.probing = false
	if s.now >= s.p.warm && s.now < s.end {
		v.st.probes++
		if !ok {
			v.st.probeFails++
		}
	}
	if ok {
		v.fails = 0
		if !v.healthy {
			s.setHealthy(v, true)
		}
		return
	}
	if !v.healthy {
		return // retries matter only before marking
	}
	v.fails++
	if v.fails <= s.p.retries {
		if s.p.retryImmediate {
			s.sendProbe(i)
		}
		return
	}
	if s.canMarkUnhealthy() {
		s.setHealthy(v, false)
	} else if s.p.retryImmediate {
		v.fails = 0
	}
}

// liveFailure counts a failed live request of server i: 502.3 or a status
// in liveTrafficFailureCodes. maxLiveTrafficFailures of them within
// liveTrafficFailurePeriod mark the server unhealthy; only the URL test
// brings it back.
func (s *sim) liveFailure(i int32) {
	v := &s.srv[i]
	if !v.healthy {
		return
	}
	m := len(v.live)
	v.live[v.liveAt] = s.now
	if v.liveAt++; v.liveAt == m {
		v.liveAt = 0
	}
	if v.liveN < m {
		v.liveN++
	}
	// v.live[v.liveAt] is now the oldest of the last m failures.
	if v.liveN == m && s.now-v.live[v.liveAt%m] <= s.p.livePeriod && s.canMarkUnhealthy() {
		v.liveN, v.liveAt = 0, 0
		s.setHealthy(v, false)
	}
}

func (s *sim) setHealthy(v *server, healthy bool) {
	if healthy {
		v.unhealthyNs += s.st.overlap(v.unhealthySince, s.now)
	} else {
		v.unhealthySince = s.now
		v.fails = 0
	}
	v.healthy = healthy
	s.updateEligibility()
}

// faultBoundary: fault bound b starts or ends. The state of every affected
// server is recomputed from all faults active now, so overlapping faults
// combine: down beats unreachable beats hang beats stopped beats error;
// slow factors multiply; drain, unavailable, pause and a starting worker
// are independent.
func (s *sim) faultBoundary(b int32) {
	fb := s.p.bounds[b]
	f := &s.p.faults[fb.fault]
	if f.start < f.end {
		if fb.end {
			s.faultsOn--
		} else {
			s.faultsOn++
		}
	}
	if f.ev.Fault == FaultProxyRecycle {
		if !fb.end {
			s.proxyRecycle()
		}
		return
	}
	starts := !fb.end
	for i := range s.srv {
		if f.all || f.server == int32(i) {
			v := &s.srv[i]
			wasDown, wasFrozen, wasPaused, wasUnreachable, wasHold := v.down, v.hang || v.unreachable, v.paused, v.unreachable, v.hold
			s.refreshFaults(int32(i))
			if v.down && !wasDown || wasUnreachable && !v.unreachable {
				// The server's sockets are gone: a process that died
				// closed them; a host that was unreachable (powered off)
				// comes back without them. Model: a request would retry a
				// stale pooled connection on a new one, so dropping them
				// changes no outcome.
				v.idle.reset()
			}
			switch {
			case v.down && !wasDown:
				s.reset(int32(i), true, v.faultID)
			case (v.hang || v.unreachable) && !wasFrozen && !wasDown:
				s.freeze(int32(i))
			case starts && f.ev.Fault == FaultRemove:
				// ARR aborts every request it has out to the server.
				s.reset(int32(i), true, int16(fb.fault))
			case starts && f.ev.Fault == FaultRecycle:
				// The worker process exits: what it works on is reset; the
				// waiting requests stay in the pool's http.sys queue for
				// the new worker.
				s.reset(int32(i), false, int16(fb.fault))
			}
			if v.paused && !wasPaused {
				s.pause(int32(i))
			}
			switch {
			case !v.hold, v.starting && starts && f.ev.Fault == FaultRecycle:
				// A worker that takes requests holds the waiting ones;
				// one that exited left them to http.sys for the next.
				v.inside = 0
			case !wasHold:
				// A pause freezes the waiting requests inside the worker:
				// only those sent from now on take http.sys places.
				v.inside = v.waiting
			}
			s.startNext(v) // a resumed or started worker takes the queue
		}
	}
	s.updateEligibility()
}

// proxyRecycle: ARR's own application pool recycled. Its runtime state
// is gone (arr-reference.md 3.2): every server counts as healthy again,
// failure counts and live-traffic failures start over, and the URL test
// runs on at its cadence.
func (s *sim) proxyRecycle() {
	for i := range s.srv {
		v := &s.srv[i]
		v.fails, v.liveN, v.liveAt = 0, 0, 0
		v.idle.reset() // the connection pool lived in the old process
		if !v.healthy {
			v.unhealthyNs += s.st.overlap(v.unhealthySince, s.now)
			v.healthy = true
		}
	}
	s.updateEligibility()
}

// freeze: server i stopped answering (hang, or its host became
// unreachable) with requests inside. As in a frozen process, none of them
// is answered: ARR's timeout ends each (12002), probes fail at theirs, and
// the work done on them is lost. A request whose answer was due before
// its deadline had no deadline entry; it gets one in the heap.
func (s *sim) freeze(i int32) {
	v := &s.srv[i]
	for h := range s.req {
		r := &s.req[h]
		if r.flags&fLive == 0 || r.srv != i || r.flags&fRefused != 0 {
			continue
		}
		if r.flags&fInService != 0 {
			s.busyChange(v, -1)
			r.flags &^= fInService
		}
		if r.flags&fProxyDone != 0 {
			s.release(int32(h)) // ARR had given up on it already
			continue
		}
		r.flags |= fHang
		r.fault = v.faultID // the freeze, not what was active when sent
		if r.flags&fDeadline == 0 {
			r.flags |= fDeadline
			s.schedule(r.sent+s.p.timeout, evDeadline, int32(h), r.gen)
		}
	}
	v.queue.reset()
	v.waiting, v.inside = 0, 0
}

// reset: the connections of server i's requests were reset (the server
// went down, its worker recycled, or it was removed at once) with
// requests inside; waiting says whether the queued ones go as well, and
// cause is the fault the failures are attributed to.
// ARR answers those it still waited for with 502.3 / 12030, and the
// backend's work (including work ARR had given up on) is gone. This runs
// only at fault boundaries, so scanning the pool is fine.
func (s *sim) reset(i int32, waiting bool, cause int16) {
	v := &s.srv[i]
	for h := range s.req {
		r := &s.req[h]
		if r.flags&fLive == 0 || r.srv != i || r.flags&fRefused != 0 {
			continue
		}
		flags := r.flags
		if flags&fInService != 0 {
			s.busyChange(v, -1)
		} else if !waiting {
			continue
		}
		pending := flags&fProxyDone == 0
		if pending && flags&fProbe == 0 {
			r.flags |= fProxyDone
			r.fault = cause // the reset, not what was active when sent
			v.inflight--
			s.failed(r, v, s.now-r.sent, oReset)
		}
		s.release(int32(h))
		if pending && flags&fProbe != 0 {
			s.probeResult(i, false) // a retry meets the down server: no request
		}
	}
	if waiting {
		v.queue.reset()
		v.waiting, v.inside = 0, 0
	}
}

// pause: server i's process froze with requests inside. Their service
// stops and goes on when the pause ends: each answer moves that much
// later (never, for a pause without end). A request whose answer is now
// due at or after its deadline gets a deadline entry in the heap.
func (s *sim) pause(i int32) {
	end := s.pauseEnd(i)
	v := &s.srv[i]
	for h := range s.req {
		r := &s.req[h]
		if r.flags&fLive == 0 || r.srv != i || r.flags&fInService == 0 {
			continue
		}
		if end == never {
			r.done = never
			continue // its completion event is stale; it never ends
		}
		r.done += end - s.now
		s.schedule(r.done, evComplete, int32(h), r.gen)
		if r.flags&(fProxyDone|fProbe) == 0 {
			r.fault = v.faultID
			if r.flags&fDeadline == 0 && r.done >= r.sent+s.p.timeout {
				r.flags |= fDeadline
				s.schedule(r.sent+s.p.timeout, evDeadline, int32(h), r.gen)
			}
		}
	}
}

// pauseEnd is when the pauses of server i active now are over (never for
// one without end); overlapping pauses count as one.
func (s *sim) pauseEnd(i int32) int64 {
	end := s.now
	for {
		moved := false
		for k := range s.p.faults {
			f := &s.p.faults[k]
			if f.ev.Fault == FaultPause && (f.all || f.server == i) && f.start <= end && f.end > end {
				end, moved = f.end, true
			}
		}
		if !moved || end == never {
			return end
		}
	}
}

func (s *sim) refreshFaults(i int32) {
	v := &s.srv[i]
	v.down, v.hang, v.unreachable, v.drained, v.slow, v.errStatus, v.faultID = false, false, false, false, 1, 0, -1
	v.stopped, v.paused, v.starting, v.removed = false, false, false, false
	var latest int64 = -1
	for k := range s.p.faults {
		f := &s.p.faults[k]
		if s.now < f.start || s.now >= f.end || (!f.all && f.server != i) {
			continue
		}
		switch f.ev.Fault {
		case FaultDown:
			v.down = true
		case FaultHang:
			v.hang = true
		case FaultUnreachable:
			v.unreachable = true
		case FaultSlow:
			v.slow *= f.ev.Factor
		case FaultError:
			v.errStatus = uint16(f.ev.Status)
		case FaultDrain:
			v.drained = true
			continue // a drain causes no failures to attribute
		case FaultUnavailable:
			v.removed = true
			continue
		case FaultRemove:
			v.removed = true
		case FaultStopped:
			v.stopped = true
		case FaultPause:
			v.paused = true
		case FaultRecycle:
			v.starting = true
		}
		if f.start >= latest {
			latest, v.faultID = f.start, int16(k)
		}
	}
	if v.down {
		v.hang, v.unreachable = false, false
	}
	if v.unreachable {
		v.hang = false
	}
	if v.down || v.unreachable || v.hang {
		v.stopped = false
	}
	v.hold = v.paused || v.starting
}
