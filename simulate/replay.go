package simulate

import (
	"sync"
)

// Replay takes a scenario's arrivals from a log instead of a Poisson
// process (arrivals.replay).
type Replay struct {
	// Log is a file, glob or directory of IIS W3C logs.
	Log string
	// Speed divides the log's time: 2 replays a day in twelve hours.
	Speed float64
}

// ArrivalStream yields a replayed log's requests in arrival order.
type ArrivalStream interface {
	// Next returns the next request's arrival in nanoseconds after the
	// log's first, and its service time in nanoseconds, or -1 when the
	// scenario's latency model must draw it. ok is false at the end.
	Next() (at, service int64, ok bool)
	// Err is the error that ended the stream early, if any.
	Err() error
	Close() error
}

// ArrivalSource opens the stream of a replay (observed.Replay reads IIS
// logs). Each replication opens its own, so a day of logs is streamed,
// never held.
type ArrivalSource func(r Replay) (ArrivalStream, error)

// replayState is what the replications of a plan share about its replay:
// the source and the first error any of them met.
type replayState struct {
	spec Replay
	open ArrivalSource
	mu   sync.Mutex
	err  error
}

func (r *replayState) fail(err error) {
	r.mu.Lock()
	if r.err == nil {
		r.err = err
	}
	r.mu.Unlock()
}

// openReplay starts replication s's stream.
func (s *sim) openReplay() {
	s.replaySvc = -1
	rp := s.p.replay
	if rp == nil {
		return
	}
	st, err := rp.open(rp.spec)
	if err != nil {
		rp.fail(err)
		return
	}
	s.replay = st
}

// replayArrival schedules the next replayed request: its arrival time
// scaled by the speed, its service time kept for arrive. At the end of
// the log the measured window closes, as in requests mode.
func (s *sim) replayArrival() {
	var at, svc int64 = 0, -1
	ok := false
	if s.replay != nil {
		at, svc, ok = s.replay.Next()
	}
	t := int64(never)
	if ok {
		t = int64(float64(at) / s.p.replay.spec.Speed)
		t = max(t, s.now)
		if t >= s.end {
			t = never
		}
	} else if s.replay != nil {
		if err := s.replay.Err(); err != nil {
			s.p.replay.fail(err)
		}
		s.replay.Close()
		s.replay = nil
	}
	s.replaySvc = svc
	s.nextArr, s.arrSeq = t, s.seq
	s.seq++
	if t == never && (s.end == never || s.end > s.now+1) {
		s.closeWindow(s.now + 1)
	}
}
