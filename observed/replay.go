package observed

import (
	"container/heap"
	"io"
	"math/rand/v2"

	"github.com/arrfarm/arrfarm/iislog"
	"github.com/arrfarm/arrfarm/simulate"
)

// maxReorder bounds how far back in time a request may have arrived
// before the line that completes it: IIS stamps a line when the request
// ends, so arrival = time - time-taken, and lines must be reordered by it.
// Lines are held for the longest time-taken seen, at most this long; a
// request that took longer is replayed at the latest arrival so far.
const maxReorder = int64(10 * 60 * 1e9)

// Replay opens a log as a stream of arrivals for simulate.Options.Arrivals.
// Each line is one request arriving at its completion time (IIS writes
// whole seconds; a seeded offset spreads the requests of one second over
// it) minus its time-taken. Its service time is the time-taken, except on
// lines of ARR's own failures (502.3, 502.4, WinHTTP codes), which say
// nothing about the backend: those draw from the scenario's latency.
func Replay(r simulate.Replay) (simulate.ArrivalStream, error) {
	in, err := iislog.Expand([]string{r.Log})
	if err != nil {
		return nil, err
	}
	rd := iislog.NewReader(in.Logs, iislog.Options{Open: func(name string) (io.ReadCloser, error) { return openLog(name) }})
	return &replayStream{r: rd, jit: rand.New(rand.NewPCG(1, 2)), base: -1}, nil
}

type pendingArrival struct{ at, svc, seq int64 }

type arrivalHeap []pendingArrival

func (h arrivalHeap) Len() int { return len(h) }
func (h arrivalHeap) Less(i, j int) bool {
	return h[i].at < h[j].at || (h[i].at == h[j].at && h[i].seq < h[j].seq)
}
func (h arrivalHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *arrivalHeap) Push(x any)   { *h = append(*h, x.(pendingArrival)) }
func (h *arrivalHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

type replayStream struct {
	r        *iislog.Reader
	jit      *rand.Rand
	h        arrivalHeap
	seq      int64
	maxTaken int64
	lastDone int64 // latest completion read, ns
	base     int64 // first arrival emitted, ns; -1 before
	last     int64
	done     bool
}

func (s *replayStream) Next() (int64, int64, bool) {
	for {
		if len(s.h) > 0 && (s.done || s.h[0].at < s.lastDone-int64(1e9)-s.maxTaken) {
			p := heap.Pop(&s.h).(pendingArrival)
			if s.base < 0 {
				s.base, s.last = p.at, p.at
			}
			s.last = max(s.last, p.at)
			return s.last - s.base, p.svc, true
		}
		if s.done {
			return 0, -1, false
		}
		if !s.r.Next() {
			s.done = true
			continue
		}
		rec := s.r.Record()
		if rec.Time == 0 {
			continue // no date and time: nothing to replay
		}
		taken := max(rec.TimeTaken, 0) * 1e6
		done := rec.Time*1e9 + s.jit.Int64N(1e9)
		svc := taken
		if rec.TimeTaken < 0 || (rec.Status == 502 && (rec.SubStatus == 3 || rec.SubStatus == 4)) || (rec.Win32 >= 12000 && rec.Win32 < 12200) {
			svc = -1
		}
		heap.Push(&s.h, pendingArrival{at: done - taken, svc: svc, seq: s.seq})
		s.seq++
		s.lastDone = max(s.lastDone, done)
		s.maxTaken = min(max(s.maxTaken, taken), maxReorder)
	}
}

func (s *replayStream) Err() error   { return s.r.Err() }
func (s *replayStream) Close() error { return s.r.Close() }
