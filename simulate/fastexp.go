package simulate

import (
	"math"
	"math/big"
	"sync"
)

// fastExp is e^x within one unit in the last place (math.Exp on amd64
// is within two), in about half math.Exp's time: every lognormal service time is one exponential, and
// math.Exp's amd64 code (a 13-step chain of dependent multiply-adds) was a
// fifth of the simulator's time per request. The method is the
// table-driven one of ARM's optimized-routines (also musl's exp):
// x = k ln2/N + r with N = 128, e^x = 2^(k/N) e^r, 2^(k/N) from a table
// (with a correction term, so that it is exact to about 2^-105), e^r from
// a degree-5 Taylor polynomial (|r| <= ln2/256, so the truncation error is
// below 1e-18). Outside |x| < 700, and for NaN, it is math.Exp.
//
// Every product is rounded by an explicit float64 conversion, which the
// Go spec says prevents fusing it into a multiply-add: arm64 (which we
// ship) would otherwise fuse eight of them, amd64 none, and the accuracy
// checked on amd64 CI would not be arm64's. Rounded, every architecture
// computes the same bits (TestFastExpUnfused keeps it so).
func fastExp(x float64) float64 {
	if !(x < 700 && x > -700) {
		return math.Exp(x)
	}
	// kd = round(x N/ln2): adding 1.5*2^52 rounds to an integer held in
	// the low mantissa bits.
	kd := float64(x*expInvLn2N) + expShift
	ki := math.Float64bits(kd)
	kd -= expShift
	// ln2hi/N has 20 trailing zero bits, so kd*ln2hi is exact.
	r := x - float64(kd*expLn2hiN) - float64(kd*expLn2loN)
	t := &expTab[ki%expN]
	// ki<<45 puts k>>7 in the exponent field and k%N where the table
	// subtracted it.
	scale := math.Float64frombits(t.bits + ki<<45)
	r2 := float64(r * r)
	p2 := 1.0/2 + float64(r*(1.0/6))
	p4 := 1.0/24 + float64(r*(1.0/120))
	p := t.tail + r + float64(r2*p2) + float64(float64(r2*r2)*p4)
	return scale + float64(scale*p)
}

const (
	expN       = 128
	expShift   = 0x1.8p52
	expInvLn2N = expN / math.Ln2
)

var (
	expLn2hiN, expLn2loN float64
	// expTab[i]: bits is the float64 bits of 2^(i/N) with i<<45 taken
	// off (fastExp adds k<<45 back), tail is 2^(i/N)/float64(2^(i/N)) - 1.
	expTab [expN]struct {
		bits uint64
		tail float64
	}
)

// expInit computes fastExp's constants in 200-bit arithmetic rather than
// copying them as opaque numbers: ln2/N split into a 33-bit high part and
// the rest, and 2^(i/N) from seven square roots of 2. That takes about
// 0.3 ms, so it runs once, when newSampler first compiles a lognormal
// model, not at the start of every process (arrfarm lint has no use for
// it); fastExp must not be called before.
var expInit = sync.OnceFunc(func() {
	const prec = 200
	ln2, ok := new(big.Float).SetPrec(prec).SetString("0.69314718055994530941723212145817656807550013436025525412068")
	if !ok {
		panic("fastExp: ln 2")
	}
	ln2N := new(big.Float).SetPrec(prec).Quo(ln2, big.NewFloat(expN))
	f, _ := ln2N.Float64()
	expLn2hiN = math.Float64frombits(math.Float64bits(f) &^ (1<<20 - 1))
	lo := new(big.Float).SetPrec(prec).Sub(ln2N, big.NewFloat(expLn2hiN))
	expLn2loN, _ = lo.Float64()

	root := new(big.Float).SetPrec(prec).SetInt64(2)
	for range 7 {
		root.Sqrt(root)
	}
	v := new(big.Float).SetPrec(prec).SetInt64(1)
	for i := range expN {
		hi, _ := v.Float64()
		d := new(big.Float).SetPrec(prec).Sub(v, big.NewFloat(hi))
		d.Quo(d, big.NewFloat(hi))
		expTab[i].tail, _ = d.Float64()
		expTab[i].bits = math.Float64bits(hi) - uint64(i)<<45
		v.Mul(v, root)
	}
})
