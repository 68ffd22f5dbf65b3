package rules

import (
	"github.com/arrfarm/arrfarm/lint"
)

// NoHealthCheck reports farms that nothing takes dead servers out of.
var NoHealthCheck = &lint.Rule{
	ID:       "ARR2001",
	Slug:     "no-health-check",
	Title:    "the farm has no URL test and no live-traffic test of its own",
	Severity: lint.Warning,
	Doc: lint.Doc{
		Why: "The farm has no URL test and leaves the live-traffic test at its defaults. The sources disagree on " +
			"what those defaults do: the schema's `liveTrafficFailurePeriod` is 0, which reads as off, while " +
			"Microsoft's load-balancing walkthrough says live-traffic testing runs automatically by default. Either " +
			"way the farm is exposed. If it is off, ARR never marks a server unhealthy: a server that is down or " +
			"hangs keeps its share of requests, and each fails with 502.3 (12029 refused, or 12002 after the whole " +
			"proxy timeout) until someone takes it out by hand. If it is on, a failing server is taken out, but " +
			"only a URL test can bring it back (Health Test page): it stays out after it recovers, and once every " +
			"server has tripped every request gets 502.4.",
		Fix: "Set `healthCheck/@url` to a page that tests the web tier only (not shared dependencies), with an " +
			"interval of 5 to 30 seconds and a shorter timeout.",
		Bad:  farmExample("", servers2),
		Good: farmExample("", servers2+healthy),
	},
	Evidence: evidence(srcHealthPage, src502Article, srcLiveDefault),
	Check: func(p *lint.Pass) {
		for _, f := range p.Config.Farms {
			if !f.Enabled || len(p.EnabledServers(f)) == 0 || hasURLTest(f) || hasLiveTest(f) || f.HealthCheck.Invalid("liveTrafficFailurePeriod") {
				continue
			}
			p.Reportf(attrSpan(&f.HealthCheck.Element, "url", farmSpan(f)), f.Name,
				"farm %q has no URL test and no live-traffic settings: if the live-traffic test is off (schema default period 0) a dead server keeps getting its share of requests, which fail with 502.3 until it is taken out by hand; if it runs by default (Microsoft's walkthrough) a server it takes out never comes back without a URL test",
				f.Name)
		}
	},
}
