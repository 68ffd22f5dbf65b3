package rules

import (
	"github.com/arrfarm/arrfarm/lint"
)

// HealthTimeoutNotBelowInterval reports URL tests whose timeout is not
// shorter than their interval.
var HealthTimeoutNotBelowInterval = &lint.Rule{
	ID:       "ARR2002",
	Slug:     "health-timeout-not-below-interval",
	Title:    "the health check timeout is not shorter than its interval",
	Severity: lint.Warning,
	Doc: lint.Doc{
		Why: "A URL test whose timeout is as long as the interval (both default to 30 seconds) lets probes of " +
			"a hanging server overlap, and a hung server is noticed only after a full timeout: meanwhile its " +
			"requests wait out the proxy timeout and end in 502.3 / 12002.",
		Fix: "Make the timeout shorter than the interval, e.g. `interval=\"00:00:10\" timeout=\"00:00:05\"`.",
		Bad: farmExample("", servers2+arr(`<healthCheck url="http://web/health" minServers="1" />
`)),
		Good: farmExample("", servers2+healthy),
	},
	Check: func(p *lint.Pass) {
		for _, f := range p.Config.Farms {
			h := &f.HealthCheck
			if !f.Enabled || !hasURLTest(f) || h.Timeout < h.Interval {
				continue
			}
			p.Reportf(attrSpan(&h.Element, "timeout", farmSpan(f)), f.Name,
				"health check timeout %s of farm %q is not shorter than its interval %s: probes of a hanging server overlap and it is taken out late",
				dur(h.Timeout), f.Name, dur(h.Interval))
		}
	},
}
