package rules

import (
	"time"

	"github.com/arrfarm/arrfarm/lint"
)

// HealthTimeoutNotBelowInterval reports URL tests whose timeout is not
// shorter than their interval.
var HealthTimeoutNotBelowInterval = &lint.Rule{
	ID:       "ARR2002",
	Slug:     "health-timeout-not-below-interval",
	Title:    "the health check timeout is not shorter than its interval",
	Severity: lint.Info,
	Doc: lint.Doc{
		Why: "General load-balancer practice keeps a probe's timeout below its interval: otherwise probes of a " +
			"hanging server may overlap, and a hung server is noticed only after a full timeout while its requests " +
			"wait out the proxy timeout (502.3 / 12002). ARR's documentation says nothing about it, and ARR's own " +
			"defaults are 30 seconds for both, so this is a note, and only when a value was changed from its " +
			"default. An `interval` of 0 is left alone: what ARR does with it is not documented.",
		Fix: "Make the timeout shorter than the interval, e.g. `interval=\"00:00:10\" timeout=\"00:00:05\"`.",
		Bad: farmExample("", servers2+arr(`<healthCheck url="http://web/health" interval="00:00:10" minServers="1" />
`)),
		Good: farmExample("", servers2+healthy),
	},
	Evidence: evidence(srcHealthPage, inferred("general load-balancer practice (e.g. OpenStack Octavia) keeps a probe timeout below its interval; ARR's documentation is silent")),
	Check: func(p *lint.Pass) {
		for _, f := range p.Config.Farms {
			h := &f.HealthCheck
			if !f.Enabled || !hasURLTest(f) || h.Timeout < h.Interval || h.Interval <= 0 ||
				h.Invalid("timeout") || h.Invalid("interval") ||
				(h.Timeout == defaultHealthTimeout && h.Interval == defaultHealthInterval) {
				continue
			}
			p.Reportf(attrSpan(&h.Element, "timeout", farmSpan(f)), f.Name,
				"health check timeout %s of farm %q is not shorter than its interval %s: probes of a hanging server may overlap and it is taken out late",
				dur(h.Timeout), f.Name, dur(h.Interval))
		}
	},
}

// The healthCheck defaults of the ARR schema.
const (
	defaultHealthTimeout  = 30 * time.Second
	defaultHealthInterval = 30 * time.Second
)
