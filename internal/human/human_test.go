package human

import (
	"math"
	"strings"
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

func TestParsePercent(t *testing.T) {
	for in, want := range map[string]float64{"0.1%": 0.001, " 5 %": 0.05, "0": 0, "0%": 0, "99.9%": 0.999} {
		got, err := ParsePercent(in)
		if err != nil || math.Abs(got-want) > 1e-15 {
			t.Errorf("ParsePercent(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	// A bare number names both readings and picks neither.
	_, err := ParsePercent("0.1")
	if err == nil || !strings.Contains(err.Error(), "0.1%") || !strings.Contains(err.Error(), "10%") {
		t.Errorf("ParsePercent(0.1): %v, want an error naming 0.1%% and 10%%", err)
	}
	for _, bad := range []string{"", "%", "abc", "-1%", "100%", "NaN%", "Inf%", "1e400%"} {
		if _, err := ParsePercent(bad); err == nil {
			t.Errorf("ParsePercent(%q) accepted", bad)
		}
	}
}

func TestLimit(t *testing.T) {
	// 0.9 / 100 is 0.009000000000000001 in binary floating point.
	for share, want := range map[float64]string{0.9 / 100: "0.9%", 0.1 / 100: "0.1%", 0: "0%", 0.05: "5%"} {
		if got := Limit(share); got != want {
			t.Errorf("Limit(%v) = %q, want %q", share, got, want)
		}
	}
}
