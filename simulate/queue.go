package simulate

import (
	"math"
	"math/bits"
)

// qBuckets is the calendar's size: a power of two, and a multiple of 64
// (one bit per bucket in qBits words).
const (
	qBuckets = 1024
	qWords   = qBuckets / 64
)

// eventQueue holds the scheduled events in (at, seq) order. Nearly all of
// them are completions due within a few service times, so it keeps those
// in a calendar (Brown 1988): qBuckets buckets of 2^shift ns each, a
// bucket being a list sorted by (at, seq), over the window from the
// bucket of the last event popped (cur) on; a bit per bucket says which
// are occupied. Pushing walks a list of about one entry and popping takes
// the first occupied bucket's head, where the 4-ary heap walked four
// levels of four children (28 % of the CPU time, README, Performance).
// Events past the window, or before it (a deadline already due), go to a
// 4-ary heap, far, and every peek compares its top with the calendar's
// earliest: the order is exactly (at, seq), so the queue pops what the
// heap popped and no result changes.
//
// The bucket width only decides the speed: the plan sets it from the
// service times (calendarShift), so that the window spans about 16 of
// them.
type eventQueue struct {
	shift uint
	cur   int64 // bucket number (at >> shift) of the last event popped
	n     int   // events in the calendar
	// topOK: the earliest event is known (until a pop, or a push of an
	// earlier one): in far if topFar, else at the head of bucket topB.
	// A request's arrival and its completion each look at the queue's
	// top; the second look costs nothing.
	topOK  bool
	topFar bool
	topB   int
	head   [qBuckets]int32 // first node of each bucket's list; valid where its bit is set
	bits   [qWords]uint64
	// nodes holds the calendar's events; free chains the unused ones
	// through next (-1 ends). It grows to the most events ever pending
	// and then stays, as the request pool does.
	nodes []qnode
	free  int32
	far   eventHeap
	// farTop holds the event popRef last took from far.
	farTop event
}

type qnode struct {
	ev   event
	next int32
}

func (q *eventQueue) init(shift uint) {
	q.shift = shift
	q.free = -1
}

func (q *eventQueue) len() int { return q.n + len(q.far.ev) }

func (q *eventQueue) push(e event) {
	if q.topOK && earlier(&e, q.top()) != 0 {
		q.topOK = false
	}
	k := e.at >> q.shift
	if uint64(k-q.cur) >= qBuckets {
		q.far.push(e)
		return
	}
	nd := q.free
	if nd >= 0 {
		q.free = q.nodes[nd].next
	} else {
		q.nodes = append(q.nodes, qnode{})
		nd = int32(len(q.nodes) - 1)
	}
	q.nodes[nd].ev = e
	b := int(k & (qBuckets - 1))
	link := &q.head[b]
	if q.bits[b>>6]&(1<<(b&63)) == 0 {
		q.bits[b>>6] |= 1 << (b & 63)
		*link = -1
	} else {
		for *link >= 0 && earlier(&q.nodes[*link].ev, &e) != 0 {
			link = &q.nodes[*link].next
		}
	}
	q.nodes[nd].next = *link
	*link = nd
	q.n++
}

// top is the earliest event; topOK must be set.
func (q *eventQueue) top() *event {
	if q.topFar {
		return &q.far.ev[0]
	}
	return &q.nodes[q.head[q.topB]].ev
}

// peek returns the earliest event, nil if none, and remembers where it is
// for pop.
func (q *eventQueue) peek() *event {
	if q.topOK {
		return q.top()
	}
	var top *event
	if q.n > 0 {
		// Every calendar event lies in [cur, cur+qBuckets) buckets, so
		// the first occupied bucket from cur's, wrapping, is the earliest.
		p := int(q.cur & (qBuckets - 1))
		w := p >> 6
		x := q.bits[w] &^ (1<<(p&63) - 1)
		for x == 0 {
			w = (w + 1) & (qWords - 1)
			x = q.bits[w]
		}
		b := w<<6 | bits.TrailingZeros64(x)
		q.topB = b
		top = &q.nodes[q.head[b]].ev
	}
	q.topFar = false
	if len(q.far.ev) > 0 && (top == nil || earlier(&q.far.ev[0], top) != 0) {
		q.topFar = true
		top = &q.far.ev[0]
	}
	q.topOK = top != nil
	return top
}

// pop removes and returns the earliest event. The queue must not be
// empty.
func (q *eventQueue) pop() event { return *q.popRef() }

// popRef removes the earliest event and returns it in place: the node it
// was in goes back to the free list, so the event is valid until the next
// push. The event loop reads its fields from there; returned by value,
// the 32-byte event was stored to the stack field by field and read back
// whole, a store-forwarding stall that perf put at a quarter of runUntil's
// own time.
func (q *eventQueue) popRef() *event {
	if !q.topOK {
		q.peek()
	}
	q.topOK = false
	if q.topFar {
		q.farTop = q.far.pop()
		// A deadline already due may be before the calendar's window:
		// cur never goes back.
		q.cur = max(q.cur, q.farTop.at>>q.shift)
		return &q.farTop
	}
	b := q.topB
	h := q.head[b]
	nd := &q.nodes[h]
	q.head[b] = nd.next
	if nd.next < 0 {
		q.bits[b>>6] &^= 1 << (b & 63)
	}
	nd.next = q.free
	q.free = h
	q.n--
	q.cur = nd.ev.at >> q.shift
	return &nd.ev
}

// calendarShift is the bucket width (a power of two ns) for service times
// of about typical ns: a 64th of it, so that the calendar spans 16 of them.
func calendarShift(typical float64) uint {
	w := typical / 64
	if !(w >= 2) { // also NaN
		return 0
	}
	return uint(min(math.Floor(math.Log2(w)), 40))
}
