// Package human prints rates and durations the way every report of arrfarm
// shows them, so that simulate, recommend and check agree digit for digit.
package human

import (
	"fmt"
	"time"

	"github.com/arrfarm/arrfarm/schema"
)

// Percent prints a share with enough digits for the small rates a 502
// target is about (0.00012 -> "0.0120%").
func Percent(x float64) string {
	switch {
	case x == 0:
		return "0%"
	case x < 0.0001:
		return fmt.Sprintf("%.4f%%", 100*x)
	case x < 0.01:
		return fmt.Sprintf("%.3f%%", 100*x)
	}
	return fmt.Sprintf("%.2f%%", 100*x)
}

// Seconds prints a duration given in seconds; see Duration.
func Seconds(s float64) string { return Duration(time.Duration(s * 1e9)) }

// Duration rounds d to about three significant digits for a person to
// read (17.8677s -> 17.9s, 1m30.004s -> 1m30s, 0.2234s -> 223ms).
func Duration(d time.Duration) string {
	switch {
	case d >= time.Minute:
		d = d.Round(time.Second)
	case d >= 10*time.Second:
		d = d.Round(100 * time.Millisecond)
	case d >= time.Second:
		d = d.Round(10 * time.Millisecond)
	case d >= 10*time.Millisecond:
		d = d.Round(time.Millisecond)
	default:
		d = d.Round(10 * time.Microsecond)
	}
	return schema.FormatDuration(d)
}
