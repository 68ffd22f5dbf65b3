package simulate

import (
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"
)

// The calendar queue pops exactly in (time, sequence) order, as the
// simulator uses it: events pushed at or after the last one popped, mostly
// within the calendar's window (1024 buckets of 2^shift ns), some past it
// (the far heap), some before it (a deadline already due), some never, and
// many at the same time (sequence breaks ties). Checked against a sorted
// list, for bucket widths that put everything in the window and almost
// nothing in it.
func TestEventQueueOrder(t *testing.T) {
	for _, shift := range []uint{0, 3, 8} {
		r := rand.New(rand.NewPCG(19, uint64(shift)))
		var q eventQueue
		q.init(shift)
		var model []event
		seq, now := uint64(0), int64(0)
		for step := range 100000 {
			// peek remembers the top: a push of an earlier event after
			// it must not leave the remembered one to pop
			if len(model) > 0 && r.IntN(3) == 0 {
				top := q.peek()
				require.NotNil(t, top)
				require.Equal(t, model[0], *top, "peek at step %d", step)
			}
			if r.IntN(100) < 51 || len(model) == 0 {
				var at int64
				switch k := r.IntN(100); {
				case k < 70: // within a few buckets
					at = now + int64(r.IntN(8<<shift))
				case k < 80: // the same time as now
					at = now
				case k < 93: // anywhere in the window or just past it
					at = now + int64(r.IntN(1100<<shift))
				case k < 98: // far past it
					at = now + int64(r.IntN(1<<(shift+14)))
				case k < 99: // already due
					at = now - int64(r.IntN(2<<shift))
				default:
					at = never
				}
				e := event{at: at, seq: seq, arg: int32(step)}
				seq++
				q.push(e)
				i := sort.Search(len(model), func(i int) bool { return before(e.at, e.seq, model[i].at, model[i].seq) })
				model = append(model, event{})
				copy(model[i+1:], model[i:])
				model[i] = e
				continue
			}
			e := q.pop()
			require.Equal(t, model[0], e, "shift %d, step %d", shift, step)
			model = model[1:]
			require.Equal(t, len(model), q.len())
			if e.at != never {
				now = max(now, e.at)
			}
		}
		for len(model) > 0 {
			require.Equal(t, model[0], q.pop())
			model = model[1:]
		}
		require.Nil(t, q.peek())
		require.Zero(t, q.len())
	}
}

// The bucket width follows the typical service time: a 64th of it,
// rounded down to a power of two, and 1 ns for times too short to split.
func TestCalendarShift(t *testing.T) {
	require.EqualValues(t, 20, calendarShift(100e6)) // 100 ms / 64 = 1.56 ms: 2^20 ns = 1.05 ms
	require.EqualValues(t, 6, calendarShift(64*64))
	require.EqualValues(t, 0, calendarShift(1))
	require.EqualValues(t, 0, calendarShift(0))
}
