package human

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ParsePercent reads a share of requests written with its unit: "0.1%" is
// 0.001. It is the one parser of check's --max and of recommend's and
// sweep's --target, so that the three agree. A bare number other than 0 is
// an error that shows both readings: "0.1" is one request in a thousand to
// some and 10 % to others, and a gate or a recommended timeout must never
// rest on a guess between the two. 0 needs no unit.
func ParsePercent(s string) (float64, error) {
	t := strings.TrimSpace(s)
	num, pct := strings.CutSuffix(t, "%")
	v, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return 0, fmt.Errorf("%q is not a share between 0 and 100%%, e.g. 0.1%%", s)
	}
	if !pct {
		if v == 0 {
			return 0, nil
		}
		if v >= 1 {
			return 0, fmt.Errorf("%q has no unit: write %s%% if you mean %s%%", s, num, num)
		}
		return 0, fmt.Errorf("%q has no unit, and it reads two ways: %s%% (one request in %s) or %s%% (the fraction %s); write the one you mean with %%",
			s, num, strconv.FormatFloat(math.Round(1000/v)/10, 'f', -1, 64), strconv.FormatFloat(v*100, 'g', 12, 64), num)
	}
	if v >= 100 {
		return 0, fmt.Errorf("%q is not a share between 0 and 100%%, e.g. 0.1%%", s)
	}
	return v / 100, nil
}

// Limit prints a share given as a limit the way a person wrote it: 0.9 %
// read from "0.9%" is 0.009000000000000001 after the division, and
// prints as "0.9%", not with the float's noise.
func Limit(share float64) string {
	return strconv.FormatFloat(100*share, 'g', 12, 64) + "%"
}
