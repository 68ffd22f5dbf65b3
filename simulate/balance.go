package simulate

import "math"

// pick chooses the server for a request from client (-1 when the scenario
// needs no clients) with RequestHash key key, or returns -1 when no server
// is eligible (502.4).
func (s *sim) pick(client int32, key uint64) int32 {
	if s.p.useCookie {
		if c := s.cookie[client]; c >= 0 && s.affOK[c] {
			return c
		}
	}
	n := len(s.elig)
	if n == 0 {
		return -1
	}
	var i int32
	switch s.p.alg {
	case algWRR:
		i = s.pickWRR()
	case algLeastRequests:
		i = s.pickLeast(false)
	case algTotalTraffic:
		i = s.pickLeast(true)
	case algLeastResponseTime:
		i = s.pickLRT()
	case algHash:
		i = s.pickHash(key)
	}
	if s.p.useCookie {
		s.cookie[client] = i
	}
	return i
}

// pickWRR is smooth weighted round robin (nginx's): every eligible server
// gains its weight, the one with the most current weight wins and pays the
// total. With equal weights that is plain cyclic order, done directly.
func (s *sim) pickWRR() int32 {
	if s.uniW {
		if s.rr >= len(s.elig) {
			s.rr = 0
		}
		i := s.elig[s.rr]
		s.rr++
		return i
	}
	best := int32(-1)
	for _, i := range s.elig {
		v := &s.srv[i]
		v.cw += v.weight
		if best < 0 || v.cw > s.srv[best].cw {
			best = i
		}
	}
	s.srv[best].cw -= s.totalW
	return best
}

// pickLeast picks the eligible server with the least load/weight, ties
// broken round robin (the scan starts after the previous winner).
// LeastRequests uses proxy-side in-flight requests; WeightedTotalTraffic the
// requests sent so far (equal sizes).
func (s *sim) pickLeast(traffic bool) int32 {
	n := len(s.elig)
	if s.rr >= n {
		s.rr = 0
	}
	bestPos := -1
	var bl, bw int64
	for k, p := 0, s.rr; k < n; k++ {
		v := &s.srv[s.elig[p]]
		l := int64(v.inflight)
		if traffic {
			l = v.sent
		}
		// l/w < bl/bw, without division.
		if bestPos < 0 || (s.uniW && l < bl) || (!s.uniW && l*bw < bl*v.weight) {
			bestPos, bl, bw = p, l, v.weight
		}
		if p++; p == n {
			p = 0
		}
	}
	s.rr = bestPos + 1
	return s.elig[bestPos]
}

// pickLRT picks the eligible server with the lowest mean response time over
// the current and previous leastResponseTimePeriod windows; a server with
// no answers yet counts as 0, so it gets tried. Ties round robin.
func (s *sim) pickLRT() int32 {
	n := len(s.elig)
	if s.rr >= n {
		s.rr = 0
	}
	bestPos := -1
	best := math.Inf(1)
	for k, p := 0, s.rr; k < n; k++ {
		v := &s.srv[s.elig[p]]
		s.lrtRoll(v)
		m := 0.0
		if c := v.lrtN + v.lrtPrevN; c > 0 {
			m = (v.lrtSum + v.lrtPrevSum) / float64(c)
		}
		if m < best {
			bestPos, best = p, m
		}
		if p++; p == n {
			p = 0
		}
	}
	s.rr = bestPos + 1
	return s.elig[bestPos]
}

// lrtRoll moves server v's response-time window forward to now.
func (s *sim) lrtRoll(v *server) {
	per := s.p.lrtPeriod
	w := s.now / per
	switch {
	case w == v.lrtWin:
	case w == v.lrtWin+1:
		v.lrtPrevSum, v.lrtPrevN = v.lrtSum, v.lrtN
		v.lrtSum, v.lrtN, v.lrtWin = 0, 0, w
	default:
		v.lrtPrevSum, v.lrtPrevN, v.lrtSum, v.lrtN, v.lrtWin = 0, 0, 0, 0, w
	}
}

func (s *sim) lrtSample(v *server, taken int64) {
	s.lrtRoll(v)
	v.lrtSum += float64(taken)
	v.lrtN++
}

// pickHash is rendezvous (highest random weight) hashing of key over the
// eligible servers: consistent, so a server leaving remaps only its own
// keys, like ARR's CARP. Unequal weights use the logarithmic method
// (score = -w / ln u).
func (s *sim) pickHash(key uint64) int32 {
	ck := splitmix64(key ^ s.clientKey)
	best := int32(-1)
	if s.uniW {
		var bh uint64
		for _, i := range s.elig {
			if h := splitmix64(ck ^ s.srv[i].hashKey); best < 0 || h > bh {
				best, bh = i, h
			}
		}
		return best
	}
	bs := math.Inf(-1)
	for _, i := range s.elig {
		h := splitmix64(ck ^ s.srv[i].hashKey)
		u := (float64(h>>11) + 0.5) / (1 << 53)
		if sc := -float64(s.srv[i].weight) / math.Log(u); sc > bs {
			best, bs = i, sc
		}
	}
	return best
}

// updateEligibility recomputes which servers can take requests after a
// change of health or drain state.
func (s *sim) updateEligibility() {
	healthy := 0
	for i := range s.srv {
		if v := &s.srv[i]; v.enabled && !v.drained && !v.removed && v.healthy {
			healthy++
		}
	}
	// minServers, read as "ignore health": with fewer healthy servers than
	// that, ARR disregards health rather than return 502.4. (The documented
	// reading acts where servers are marked: see canMarkUnhealthy.)
	override := s.p.minIgnore && healthy < s.p.minServers
	avail := false // a server would take requests if it were healthy
	s.elig = s.elig[:0]
	s.totalW = 0
	s.uniW = true
	for i := range s.srv {
		v := &s.srv[i]
		ok := v.enabled && !v.removed && (v.healthy || override)
		s.affOK[i] = ok
		avail = avail || (v.enabled && !v.drained && !v.removed)
		v.cw = 0
		if ok && !v.drained {
			if len(s.elig) > 0 && v.weight != s.srv[s.elig[0]].weight {
				s.uniW = false
			}
			s.elig = append(s.elig, int32(i))
			s.totalW += v.weight
		}
	}
	none := len(s.elig) == 0
	all := none && avail
	if all != s.allUnhealthy {
		if all {
			s.allUnhealthySince = s.now
		} else {
			s.st.allUnhealthyNs += s.st.overlap(s.allUnhealthySince, s.now)
		}
		s.allUnhealthy = all
	}
	if none != s.noElig {
		if none {
			s.noEligSince = s.now
		} else {
			s.st.noEligNs += s.st.overlap(s.noEligSince, s.now)
		}
		s.noElig = none
	}
}

// canMarkUnhealthy says whether a failing server may be marked unhealthy
// now. Under the documented minServers reading (Microsoft's ARR events
// page, event 1002), once only minServers enabled servers are healthy no
// more are marked until the healthy count increases; the server stays in
// rotation and its requests fail as they will.
func (s *sim) canMarkUnhealthy() bool {
	if s.p.minIgnore || s.p.minServers <= 0 {
		return true
	}
	healthy := 0
	for i := range s.srv {
		if v := &s.srv[i]; v.enabled && v.healthy {
			healthy++
		}
	}
	return healthy > s.p.minServers
}
