package schema

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// StatusSet is a list of status ranges such as "200-399,401" or "500-"
// (healthCheck/@statusCodeMatch, @liveTrafficFailureCodes).
type StatusSet []struct{ Lo, Hi int }

// ParseStatusSet reads a status list; an open range ("500-") ends at 999.
func ParseStatusSet(s string) (StatusSet, error) {
	var set StatusSet
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := strconv.Atoi(strings.TrimSpace(lo))
		if err != nil {
			return nil, fmt.Errorf("status range %q: %q is not a number", s, lo)
		}
		b := a
		if isRange {
			if strings.TrimSpace(hi) == "" {
				b = 999
			} else if b, err = strconv.Atoi(strings.TrimSpace(hi)); err != nil {
				return nil, fmt.Errorf("status range %q: %q is not a number", s, hi)
			}
		}
		set = append(set, struct{ Lo, Hi int }{a, b})
	}
	return set, nil
}

// Has reports whether code is in the set.
func (s StatusSet) Has(code int) bool {
	for _, r := range s {
		if code >= r.Lo && code <= r.Hi {
			return true
		}
	}
	return false
}

// ARR's healthCheck defaults where the attribute is not written, as
// arr.cue gives them (TestHealthCheckDefaults holds the two together):
// the model keeps an unwritten attribute at its zero value, so the
// packages that read these two ask the HealthCheck, not the field.
const (
	DefaultStatusCodeMatch = "200-399"
	DefaultProbeTimeout    = 30 * time.Second
)

// StatusCodeMatchOrDefault is the URL test's statusCodeMatch as ARR reads it:
// the attribute, or DefaultStatusCodeMatch when it is not written.
func (h *HealthCheck) StatusCodeMatchOrDefault() string {
	if strings.TrimSpace(h.StatusCodeMatch) == "" {
		return DefaultStatusCodeMatch
	}
	return h.StatusCodeMatch
}

// ProbeTimeout is how long a URL test waits: healthCheck/@timeout, or
// DefaultProbeTimeout when it is not written.
func (h *HealthCheck) ProbeTimeout() time.Duration {
	if h.Timeout <= 0 {
		return DefaultProbeTimeout
	}
	return h.Timeout
}
