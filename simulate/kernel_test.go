package simulate

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arrfarm/arrfarm/schema"
)

// The heap pops in (time, sequence) order whatever the insertion order
// (a seeded shuffle, so that a failure replays).
func TestHeapOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var want []event
	for i := range 500 {
		want = append(want, event{at: int64(r.IntN(50)), seq: uint64(i)})
	}
	sort.Slice(want, func(i, j int) bool { return before(want[i].at, want[i].seq, want[j].at, want[j].seq) })
	for range 20 {
		in := append([]event(nil), want...)
		r.Shuffle(len(in), func(i, j int) { in[i], in[j] = in[j], in[i] })
		var h eventHeap
		for _, e := range in {
			h.push(e)
		}
		for i := range want {
			require.Equal(t, want[i], h.pop(), "pop %d", i)
		}
		require.Zero(t, h.len())
	}
}

// Pushes and pops interleaved, as the simulator does them, against a
// sorted list: times repeat (sequence breaks ties), some are negative and
// some are never, and the heap grows and shrinks through partial families.
func TestHeapInterleaved(t *testing.T) {
	r := rand.New(rand.NewPCG(19, 4))
	var h eventHeap
	var model []event
	seq := uint64(0)
	for step := range 20000 {
		if r.IntN(100) < 52 || len(model) == 0 {
			at := int64(r.IntN(40)) - 5
			if r.IntN(50) == 0 {
				at = never
			}
			e := event{at: at, seq: seq, arg: int32(step)}
			seq++
			h.push(e)
			model = append(model, e)
			sort.Slice(model, func(i, j int) bool { return before(model[i].at, model[i].seq, model[j].at, model[j].seq) })
			continue
		}
		require.Equal(t, model[0], h.pop(), "step %d", step)
		model = model[1:]
		require.Equal(t, len(model), h.len())
	}
}

func TestRingWrapsAndGrows(t *testing.T) {
	var q ring[int]
	next, want := 0, 0
	for round := range 100 {
		for range round % 7 * 5 {
			q.push(next)
			next++
		}
		for range round % 5 * 6 {
			if q.len() == 0 {
				break
			}
			require.Equal(t, want, q.pop())
			want++
		}
	}
	for q.len() > 0 {
		require.Equal(t, want, q.pop())
		want++
	}
	require.Equal(t, next, want)
}

// Streams depend on the component's name, not its position: adding a
// server leaves the other servers' draws alone.
func TestStreamsAreStable(t *testing.T) {
	a := stream(1, 3, "service/10.0.0.11").Uint64()
	require.Equal(t, a, stream(1, 3, "service/10.0.0.11").Uint64())
	require.NotEqual(t, a, stream(1, 4, "service/10.0.0.11").Uint64())
	require.NotEqual(t, a, stream(2, 3, "service/10.0.0.11").Uint64())
	require.NotEqual(t, a, stream(1, 3, "service/10.0.0.12").Uint64())

	two := loadConfig(t, farm(2, "protocol: {timeout: 30s}"))
	three := loadConfig(t, farm(3, "protocol: {timeout: 30s}"))
	sc := loadScenario(t, "duration: 1s\nreplications: 1\narrivals: {rate: 10}\nlatency: {exponential: {mean: 1s}}\n")
	draws := func(cfg *schema.Config) []int64 {
		p, err := compile(cfg, sc, nil)
		require.NoError(t, err)
		s := newSim(p, 0)
		v := &s.srv[1] // 10.0.0.2
		out := make([]int64, 5)
		for i := range out {
			out[i] = v.svc.draw(v.rng)
		}
		return out
	}
	require.Equal(t, draws(two), draws(three))
}

func TestHistogram(t *testing.T) {
	var h histogram
	for v := range int64(100000) {
		h.add(v * 1000) // 0 .. 100 ms in µs steps
	}
	for _, q := range []float64{0.5, 0.9, 0.99, 0.999} {
		want := q * 1e8
		require.InEpsilon(t, want, h.quantile(q), 0.002, "q=%v", q)
	}
	require.EqualValues(t, 99999000, h.max)
	// Buckets are monotone and every value lands in a bucket whose
	// midpoint is within 0.1 %.
	prev := -1
	for _, v := range []uint64{0, 1, 511, 512, 1023, 1024, 1 << 20, 3e10, math.MaxInt64} {
		b := histBucket(v)
		require.Greater(t, b, prev)
		require.Less(t, b, histBuckets)
		if v > 0 {
			require.InEpsilon(t, float64(v), histValue(b), 0.001, fmt.Sprint(v))
		}
		prev = b
	}
}
