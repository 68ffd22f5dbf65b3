package simulate

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
)

// The histogram's loops stop at the maximum's bucket (histogram.used):
// every figure read from it is the one read from the whole array, also
// with samples at the edges of buckets and a merge of a histogram with a
// higher maximum into one with a lower.
func TestHistogramUsedIsWhole(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var a, b histogram
	for range 5000 {
		a.add(int64(rng.ExpFloat64() * 1e8))
	}
	for _, v := range []int64{0, 511, 512, 1023, 1024, 1 << 30, 1<<30 - 1, 3e10} {
		b.add(v)
	}
	var sum histogram
	sum.merge(&a)
	sum.merge(&b)
	var whole [histBuckets]uint64
	for i := range whole {
		whole[i] = a.n[i] + b.n[i]
	}
	assert.Equal(t, whole, sum.n)
	assert.Equal(t, int64(3e10), sum.max)
	total := uint64(0)
	for _, c := range whole {
		total += c
	}
	assert.Equal(t, int64(total), sum.atLeast(0))
	assert.Equal(t, int64(1), sum.atLeast(3e10))
	assert.Equal(t, int64(0), sum.atLeast(3e10+1<<26))
	assert.Equal(t, float64(3e10), sum.quantile(1))
	assert.Equal(t, 0.0, sum.quantile(1e-9))
	c := sum.ccdf()
	assert.Equal(t, 3e10/1e9, c[len(c)-1].Seconds)
	assert.Equal(t, 0.0, c[len(c)-1].Exceed)
}
