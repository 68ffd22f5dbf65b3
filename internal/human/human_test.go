package human

import (
	"testing"
	"time"
)

func TestPercent(t *testing.T) {
	for x, want := range map[float64]string{
		0:        "0%",
		0.000012: "0.0012%",
		0.0012:   "0.120%",
		0.25:     "25.00%",
	} {
		if got := Percent(x); got != want {
			t.Errorf("Percent(%v) = %q, want %q", x, got, want)
		}
	}
}

func TestDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		17867700 * time.Microsecond: "17.9s",
		90004 * time.Millisecond:    "1m30s",
		223400 * time.Microsecond:   "223ms",
	} {
		if got := Duration(d); got != want {
			t.Errorf("Duration(%v) = %q, want %q", d, got, want)
		}
	}
}
