package rules

import (
	"github.com/arrfarm/arrfarm/lint"
)

// LiveTrafficWithoutURLTest reports live-traffic tests that nothing can
// undo.
var LiveTrafficWithoutURLTest = &lint.Rule{
	ID:       "ARR2005",
	Slug:     "live-traffic-without-url-test",
	Title:    "a live-traffic test without a URL test",
	Severity: lint.Warning,
	Doc: lint.Doc{
		Why: "The live-traffic test (`liveTrafficFailurePeriod` above 0) marks a server unhealthy after " +
			"`maxLiveTrafficFailures` failed requests, but only the URL test can mark it healthy again, because " +
			"ARR sends no live traffic to unhealthy servers. Without a URL test every server that trips once stays " +
			"out until someone intervenes; when all have tripped, every request gets 502.4.",
		Fix: "Add `healthCheck/@url` so servers come back. Setting `liveTrafficFailurePeriod` back to 0 may not turn " +
			"the test off: the schema's 0 reads as off, but Microsoft's load-balancing walkthrough says live-traffic " +
			"testing runs by default.",
		Bad: farmExample("", servers2+arr(`<healthCheck liveTrafficFailurePeriod="00:01:00" maxLiveTrafficFailures="20" minServers="1" />
`)),
		Good: farmExample("", servers2+arr(`<healthCheck url="http://web/health" interval="00:00:10" timeout="00:00:05" liveTrafficFailurePeriod="00:01:00" maxLiveTrafficFailures="20" minServers="1" />
`)),
	},
	Evidence: evidence(srcHealthPage, srcLiveDefault),
	Check: func(p *lint.Pass) {
		for _, f := range p.Config.Farms {
			if !f.Enabled || !hasLiveTest(f) || hasURLTest(f) {
				continue
			}
			p.Reportf(attrSpan(&f.HealthCheck.Element, "liveTrafficFailurePeriod", farmSpan(f)), f.Name,
				"farm %q marks servers unhealthy from live traffic but has no URL test to bring them back: each server that trips stays out, and once all have every request gets 502.4 (per Microsoft's 502 article)",
				f.Name)
		}
	},
}
