package simulate

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// ulps is how many representable float64 values lie between a and b
// (both positive and finite).
func ulps(a, b float64) int64 {
	d := int64(math.Float64bits(a)) - int64(math.Float64bits(b))
	if d < 0 {
		d = -d
	}
	return d
}

// bigExp is e^x rounded to the nearest float64, computed in 160-bit
// arithmetic: x = k ln2 + r, e^r from its Taylor series until the terms
// vanish, times 2^k.
func bigExp(x float64) float64 {
	const prec = 160
	ln2, _ := new(big.Float).SetPrec(prec).SetString("0.69314718055994530941723212145817656807550013436025525412068")
	k := math.Round(x / math.Ln2)
	r := new(big.Float).SetPrec(prec).SetFloat64(x)
	r.Sub(r, new(big.Float).SetPrec(prec).Mul(ln2, big.NewFloat(k)))
	sum := new(big.Float).SetPrec(prec).SetInt64(1)
	term := new(big.Float).SetPrec(prec).SetInt64(1)
	for n := int64(1); n < 100; n++ {
		term.Mul(term, r)
		term.Quo(term, new(big.Float).SetPrec(prec).SetInt64(n))
		sum.Add(sum, term)
	}
	f, _ := sum.SetMantExp(sum, int(k)).Float64()
	return f
}

// fastExp is within one unit in the last place of e^x (computed in
// 160-bit arithmetic) over the whole range it handles, around the
// logarithms of service times in nanoseconds (a median of 1 µs to 1 h, 5
// sigma either side), at the table's cut points and at integers; so is
// math.Exp, documented "less than 1 ulp", which the same check shows.
func TestFastExpWithinOneUlp(t *testing.T) {
	expInit()
	r := rand.New(rand.NewPCG(19, 1))
	var xs []float64
	for range 3000 {
		xs = append(xs, r.Float64()*1400-700)
		xs = append(xs, 6.9+r.Float64()*22+5*r.NormFloat64())
		xs = append(xs, (r.Float64()-0.5)*1e-3)
	}
	for k := -700 * 185; k <= 700*185; k += 997 {
		xs = append(xs, float64(k)*math.Ln2/128, math.Nextafter(float64(k)*math.Ln2/128+math.Ln2/256, 0))
	}
	for k := -699; k <= 699; k += 7 {
		xs = append(xs, float64(k))
	}
	xs = append(xs, 0, math.SmallestNonzeroFloat64, -0.0)
	worstFast, worstMath := int64(0), int64(0)
	for _, x := range xs {
		want := bigExp(x)
		u := ulps(fastExp(x), want)
		require.LessOrEqual(t, u, int64(1), "x=%v: fastExp %v, e^x %v", x, fastExp(x), want)
		worstFast = max(worstFast, u)
		worstMath = max(worstMath, ulps(math.Exp(x), want))
	}
	t.Logf("%d arguments: fastExp at most %d ulp from e^x, math.Exp at most %d", len(xs), worstFast, worstMath)

	// The edges fall back to math.Exp.
	for _, x := range []float64{700, 709.7, 710, math.Inf(1), -700, -745, -746, math.Inf(-1)} {
		require.Equal(t, math.Exp(x), fastExp(x), "x=%v", x)
	}
	require.True(t, math.IsNaN(fastExp(math.NaN())))
}

func BenchmarkExp(b *testing.B) {
	expInit()
	x := make([]float64, 1024)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range x {
		x[i] = 18.4 + r.NormFloat64()
	}
	var sum float64
	b.Run("math", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			sum += math.Exp(x[i&1023])
		}
	})
	b.Run("fast", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			sum += fastExp(x[i&1023])
		}
	})
	_ = sum
}

// TestFastExpUnfused: every product in fastExp is rounded by an explicit
// float64 conversion, so no compiler fuses it into a multiply-add (the Go
// spec allows fusing x*y + z otherwise, even across statements). The
// arm64 compiler fuses wherever allowed (FMADDD, FMSUBD) and the amd64
// one does not (GOAMD64=v1), so without the conversions the arm64
// release would compute other bits than the ones
// TestFastExpWithinOneUlp checks on amd64 CI; with them every
// architecture runs the operations that test checks, rounding for
// rounding. A product of two constants is exact and exempt.
func TestFastExpUnfused(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "fastexp.go", nil, 0)
	require.NoError(t, err)
	var body *ast.BlockStmt
	for _, d := range f.Decls {
		if fn, ok := d.(*ast.FuncDecl); ok && fn.Name.Name == "fastExp" {
			body = fn.Body
		}
	}
	require.NotNil(t, body, "fastExp not found in fastexp.go")
	rounded := map[ast.Expr]bool{}
	ast.Inspect(body, func(n ast.Node) bool {
		if c, ok := n.(*ast.CallExpr); ok && len(c.Args) == 1 {
			if id, ok := c.Fun.(*ast.Ident); ok && id.Name == "float64" {
				rounded[ast.Unparen(c.Args[0])] = true
			}
		}
		return true
	})
	products := 0
	ast.Inspect(body, func(n ast.Node) bool {
		m, ok := n.(*ast.BinaryExpr)
		if !ok || m.Op != token.MUL || (constant(m.X) && constant(m.Y)) {
			return true
		}
		products++
		if !rounded[m] {
			t.Errorf("%s: the product %s is not rounded by float64(...): a compiler may fuse it into a multiply-add", fset.Position(m.Pos()), types.ExprString(m))
		}
		return true
	})
	require.Positive(t, products, "no product found: the test no longer reads fastExp")
}

// constant reports whether e is a literal or a parenthesized constant
// expression of literals (such as 1.0/6).
func constant(e ast.Expr) bool {
	switch e := ast.Unparen(e).(type) {
	case *ast.BasicLit:
		return true
	case *ast.BinaryExpr:
		return constant(e.X) && constant(e.Y)
	}
	return false
}
