package rules

import (
	"github.com/arrfarm/arrfarm/lint"
)

// NoHealthCheck reports farms that nothing takes dead servers out of.
var NoHealthCheck = &lint.Rule{
	ID:       "ARR2001",
	Slug:     "no-health-check",
	Title:    "the farm has neither a URL test nor a live-traffic test",
	Severity: lint.Warning,
	Doc: lint.Doc{
		Why: "Without a health check ARR never marks a server unhealthy: a server that is down or hangs keeps " +
			"its share of requests, and each of them fails with 502.3 (12029 refused, or 12002 after the whole " +
			"proxy timeout) until someone takes the server out by hand.",
		Fix: "Set `healthCheck/@url` to a page that tests the web tier only (not shared dependencies), with an " +
			"interval of 5 to 30 seconds and a shorter timeout.",
		Bad:  farmExample("", servers2),
		Good: farmExample("", servers2+healthy),
	},
	Evidence: evidence(srcHealthPage, src502Article),
	Check: func(p *lint.Pass) {
		for _, f := range p.Config.Farms {
			if !f.Enabled || len(p.EnabledServers(f)) == 0 || hasURLTest(f) || hasLiveTest(f) || f.HealthCheck.Invalid("liveTrafficFailurePeriod") {
				continue
			}
			p.Reportf(attrSpan(&f.HealthCheck.Element, "url", farmSpan(f)), f.Name,
				"farm %q has no health check: a dead server keeps getting its share of requests, which fail with 502.3 until it is taken out by hand",
				f.Name)
		}
	},
}
