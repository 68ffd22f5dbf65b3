package simulate

// probe sends server i's URL test and schedules its verdict and the next
// probe. Probes keep their cadence whatever the verdict.
func (s *sim) probe(i int32) {
	p := s.p
	v := &s.srv[i]
	s.schedule(s.now+p.interval, evProbe, i, 0)
	var after int64
	ok := false
	switch {
	case v.down:
		after = int64(ConnectFailTime)
	case v.hang:
		after = p.hcTimeout
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
			// Model: an error fault answers the probe with its status too.
			status = int(v.errStatus)
		}
		ok = p.statusOK.has(status)
	}
	var aux uint32
	if ok {
		aux = 1
	}
	s.schedule(s.now+after, evProbeResult, i, aux)
}

func (s *sim) probeResult(i int32, ok bool) {
	v := &s.srv[i]
	if ok {
		v.fails = 0
		if !v.healthy {
			s.setHealthy(v, true)
		}
		return
	}
	v.fails++
	if v.fails >= s.p.failures && v.healthy {
		s.setHealthy(v, false)
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
	if v.liveN == m && s.now-v.live[v.liveAt%m] <= s.p.livePeriod {
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
// combine: down beats hang beats error; slow factors multiply; drain is
// independent.
func (s *sim) faultBoundary(b int32) {
	f := &s.p.faults[s.p.bounds[b].fault]
	for i := range s.srv {
		if f.all || f.server == int32(i) {
			wasDown := s.srv[i].down
			s.refreshFaults(int32(i))
			if s.srv[i].down && !wasDown {
				s.crash(int32(i))
			}
		}
	}
	s.updateEligibility()
}

// crash: server i went down with requests inside. Their connections reset:
// ARR answers those it still waited for with 502.3 / 12030, and the
// backend's work (including work ARR had given up on) is gone. This runs
// only at fault boundaries, so scanning the pool is fine.
func (s *sim) crash(i int32) {
	v := &s.srv[i]
	for h := range s.req {
		r := &s.req[h]
		if r.flags&fLive == 0 || r.srv != i || r.flags&fRefused != 0 {
			continue
		}
		if r.flags&fProxyDone == 0 {
			r.flags |= fProxyDone
			r.fault = v.faultID // the crash, not what was active when sent
			v.inflight--
			s.failed(r, v, s.now-r.sent, oReset)
		}
		if r.flags&fInService != 0 {
			s.busyChange(v, -1)
		}
		s.release(int32(h))
	}
	v.queue.reset()
}

func (s *sim) refreshFaults(i int32) {
	v := &s.srv[i]
	v.down, v.hang, v.drained, v.slow, v.errStatus, v.faultID = false, false, false, 1, 0, -1
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
		case FaultSlow:
			v.slow *= f.ev.Factor
		case FaultError:
			v.errStatus = uint16(f.ev.Status)
		case FaultDrain:
			v.drained = true
			continue // a drain causes no failures to attribute
		}
		if f.start >= latest {
			latest, v.faultID = f.start, int16(k)
		}
	}
	if v.down {
		v.hang = false
	}
}
