package simulate

import (
	"math"
	"testing"
)

// Nine requests in ten take 100 ms and one in ten takes 2 s: more than
// 100 ms is exceeded by 10 %, more than 2 s by none, and the curve never
// rises.
func TestCCDF(t *testing.T) {
	var h histogram
	for i := range 1000 {
		if i%10 == 0 {
			h.add(2e9)
		} else {
			h.add(1e8)
		}
	}
	pts := h.ccdf()
	if len(pts) != 2 {
		t.Fatalf("got %v, want two points", pts)
	}
	if math.Abs(pts[0].Seconds-0.1) > 0.0001 || pts[0].Exceed != 0.1 {
		t.Errorf("first point %+v, want 0.1 s exceeded by 10%%", pts[0])
	}
	if math.Abs(pts[1].Seconds-2) > 0.002 || pts[1].Exceed != 0 {
		t.Errorf("last point %+v, want 2 s exceeded by none", pts[1])
	}

	var e histogram
	for i := range 100000 {
		e.add(int64(1e6 * (1 + float64(i)/10)))
	}
	pts = e.ccdf()
	for i := 1; i < len(pts); i++ {
		// The last point (nothing exceeds the maximum) closes the curve
		// wherever it falls.
		spaced := i == len(pts)-1 || pts[i].Seconds >= pts[i-1].Seconds*ccdfStep*0.999
		if pts[i].Exceed > pts[i-1].Exceed || !spaced {
			t.Fatalf("points %d and %d: %+v then %+v: not spaced by %g, or rising", i-1, i, pts[i-1], pts[i], ccdfStep)
		}
	}
	if n := len(pts); n < 50 || n > 200 {
		t.Errorf("%d points for 1 ms .. 10 s, want about 190 at 5%% steps", n)
	}
}
