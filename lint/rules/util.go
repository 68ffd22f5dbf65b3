package rules

import (
	"fmt"
	"strconv"
	"time"
)

// q quotes a user value for a message.
func q(s string) string { return strconv.Quote(s) }

// percent prints a share for a message: "1.3%", "0.12%", "0.004%".
func percent(p float64) string {
	v := p * 100
	switch {
	case v >= 10:
		return fmt.Sprintf("%.0f%%", v)
	case v >= 1:
		return fmt.Sprintf("%.1f%%", v)
	case v >= 0.1:
		return fmt.Sprintf("%.2f%%", v)
	}
	return fmt.Sprintf("%.3f%%", v)
}

// msRound picks a rounding unit that keeps about three significant digits
// of a latency.
func msRound(d time.Duration) time.Duration {
	switch {
	case d >= 10*time.Second:
		return 100 * time.Millisecond
	case d >= time.Second:
		return 10 * time.Millisecond
	}
	return time.Millisecond
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
