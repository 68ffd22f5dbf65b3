package simulate

import (
	"hash/fnv"
	"math/bits"
	"math/rand/v2"
)

// Event kinds of the event queue. A switch on them dispatches events; no event
// carries a function value.
const (
	evComplete    uint8 = iota // a backend finishes a request (arg: request)
	evConnectFail              // a down server refused the connection (arg: request)
	evProbe                    // send a health probe (arg: server)
	evProbeResult              // a probe's verdict is known (arg: server, aux: 1 ok / 0 failed)
	evFault                    // a fault starts or ends (arg: fault boundary)
	evDeadline                 // a deadline kept in the heap: a probe's or a frozen request's (arg: request)
	evReject                   // the backend's web server answers 503 (arg: request)
)

// event is one entry of the heap. It is a value (no pointers), so the heap
// is a flat slice the garbage collector never scans.
type event struct {
	at   int64  // nanoseconds since the replication started
	seq  uint64 // scheduling order: breaks ties between equal times
	arg  int32  // request handle, server index or fault boundary
	aux  uint32 // request generation, or a small payload
	kind uint8
}

// before orders events by (time, sequence).
func before(at1 int64, seq1 uint64, at2 int64, seq2 uint64) bool {
	return at1 < at2 || (at1 == at2 && seq1 < seq2)
}

// eventHeap is a 4-ary min-heap of events ordered by (at, seq): the event
// queue's far part (queue.go), and the whole queue before the calendar. It is
// written out rather than built on container/heap, whose interface calls and
// boxing cost more than the rest of a request's processing. Four children
// per node halve the levels a pop walks (about 4 instead of 7-8 for the
// 165 completions a 10-server farm holds); with the branch-free pop below
// that measured about 5 % less CPU per request than the binary heap
// (README, Performance). Keys are unique (seq), so any valid heap pops
// events in the same order: the heap's shape never changes a result.
type eventHeap struct {
	ev []event
}

func (h *eventHeap) len() int { return len(h.ev) }

func (h *eventHeap) push(e event) {
	h.ev = append(h.ev, e)
	i := len(h.ev) - 1
	for i > 0 {
		p := (i - 1) / 4
		if !before(e.at, e.seq, h.ev[p].at, h.ev[p].seq) {
			break
		}
		h.ev[i] = h.ev[p]
		i = p
	}
	h.ev[i] = e
}

// pop removes and returns the earliest event. The heap must not be empty.
//
// It moves the hole left by the top down to a leaf, always to the earliest
// child, then sifts the last event up from there (Floyd's bottom-up
// variant): the last event is usually among the latest, so it rarely
// climbs, and the way down needs no comparison with it. The earliest of
// four children is found without branches, whose outcomes are random and
// mispredicted half the time.
func (h *eventHeap) pop() event {
	ev := h.ev
	top := ev[0]
	n := len(ev) - 1
	last := ev[n]
	ev = ev[:n]
	h.ev = ev
	if n == 0 {
		return top
	}
	i := 0
	for {
		c := 4*i + 1
		if c+3 >= n {
			if c < n {
				m := c
				for k := c + 1; k < n; k++ {
					if earlier(&ev[k], &ev[m]) != 0 {
						m = k
					}
				}
				ev[i] = ev[m]
				i = m
			}
			break
		}
		f := ev[c : c+4 : c+4]
		a := int(earlier(&f[1], &f[0]))
		b := 2 + int(earlier(&f[3], &f[2]))
		// a = b if f[b] is earlier, by a mask: an if compiles to a jump
		a ^= (a ^ b) & -int(earlier(&f[b&3], &f[a&3]))
		ev[i] = f[a&3]
		i = c + a
	}
	for i > 0 {
		p := (i - 1) / 4
		if !before(last.at, last.seq, ev[p].at, ev[p].seq) {
			break
		}
		ev[i] = ev[p]
		i = p
	}
	ev[i] = last
	return top
}

// earlier is 1 if a comes before b, else 0, without a branch: the borrow
// of the 128-bit subtraction (at, seq) - (at, seq), with the sign bit of
// at flipped so that unsigned order is signed order.
func earlier(a, b *event) uint64 {
	const sign = 1 << 63
	_, borrow := bits.Sub64(a.seq, b.seq, 0)
	_, borrow = bits.Sub64(uint64(a.at)^sign, uint64(b.at)^sign, borrow)
	return borrow
}

// ring is a growable FIFO ring buffer of values. Proxy timeouts use it: the
// timeout is the same for every request of a farm and requests are sent in
// time order, so deadlines arrive in order and a FIFO replaces a heap.
// Backend queues use it too.
type ring[T any] struct {
	buf  []T
	head int // index of the oldest element
	n    int
}

func (r *ring[T]) len() int { return r.n }

func (r *ring[T]) push(v T) {
	if r.n == len(r.buf) {
		r.grow()
	}
	i := r.head + r.n
	if i >= len(r.buf) {
		i -= len(r.buf)
	}
	r.buf[i] = v
	r.n++
}

// peek returns a pointer to the oldest element. The ring must not be empty.
func (r *ring[T]) peek() *T { return &r.buf[r.head] }

// pop removes and returns the oldest element. The ring must not be empty.
func (r *ring[T]) pop() T {
	v := r.buf[r.head]
	r.head++
	if r.head == len(r.buf) {
		r.head = 0
	}
	r.n--
	return v
}

// popBack removes and returns the newest element. The ring must not be
// empty. With push and pop it makes the ring a deque: the connection pool
// reuses its newest idle connection and closes its oldest.
func (r *ring[T]) popBack() T {
	r.n--
	i := r.head + r.n
	if i >= len(r.buf) {
		i -= len(r.buf)
	}
	return r.buf[i]
}

func (r *ring[T]) grow() {
	size := 2 * len(r.buf)
	if size < 16 {
		size = 16
	}
	buf := make([]T, size)
	k := copy(buf, r.buf[r.head:])
	copy(buf[k:], r.buf[:r.head])
	r.buf, r.head = buf, 0
}

func (r *ring[T]) reset() { r.head, r.n = 0, 0 }

// timeoutEntry is a pending proxy deadline.
type timeoutEntry struct {
	at  int64
	seq uint64
	req int32
	gen uint32
}

// queued is a request waiting for a backend slot. gen detects a request
// that was cancelled (and its handle reused) while it waited.
type queued struct {
	req int32
	gen uint32
}

// splitmix64 is a strong 64-bit mixer (Steele, Lea and Flood 2014); it turns
// structured inputs (seed, replication, component) into independent-looking
// PCG seeds.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// componentID names a random stream stably: by what it is ("arrivals") or
// which server it belongs to ("service/10.0.0.11"), never by position.
func componentID(name string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(name))
	return h.Sum64()
}

// stream returns the PCG stream of one component in one replication.
func stream(seed uint64, rep int, component string) *rand.Rand {
	c := componentID(component)
	a := splitmix64(seed ^ splitmix64(uint64(rep)+0x51ed27e1))
	s1 := splitmix64(a ^ c)
	s2 := splitmix64(s1 ^ 0x2545f4914f6cdd1d ^ c<<1)
	return rand.New(rand.NewPCG(s1, s2))
}
