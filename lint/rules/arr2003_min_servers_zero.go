package rules

import (
	"github.com/arrfarm/arrfarm/lint"
)

// MinServersZero reports health-checked farms with minServers 0.
var MinServersZero = &lint.Rule{
	ID:       "ARR2003",
	Slug:     "min-servers-zero",
	Title:    "health checks on and minServers is 0",
	Severity: lint.Info,
	Doc: lint.Doc{
		Why: "With `minServers=\"0\"` (the default) ARR obeys the health check even when it marks every server " +
			"unhealthy. A health page that depends on a shared database, a certificate or a DNS name fails on all " +
			"servers at once, and then every request gets 502.4 (no server) although the servers could still " +
			"answer most of them. With `minServers` at least 1, ARR ignores health when fewer servers than that " +
			"are healthy and keeps routing. Microsoft's ARR events page warns that this override \"can potentially " +
			"cause ... further damage\": requests then reach servers the health check called unhealthy. That is the " +
			"trade-off: backend errors for the requests that fail, against a total outage. (All servers unhealthy " +
			"gives 502.4 in Microsoft's 502 troubleshooting article; the ARR events page says 502.3.) Microsoft's " +
			"own load-balancing walkthrough keeps the default 0 with a static health file, which shares no " +
			"dependency: the sources disagree on which way is safer, so this is a note, not a warning.",
		Fix: "Set `healthCheck/@minServers=\"1\"` (or more), and keep the health page free of shared dependencies.",
		Bad: farmExample("", servers2+arr(`<healthCheck url="http://web/health" interval="00:00:10" timeout="00:00:05" />
`)),
		Good: farmExample("", servers2+healthy),
	},
	Evidence: evidence(srcJeffGraves, srcWonyoo, srcEventsPage, src502Article),
	Check: func(p *lint.Pass) {
		for _, f := range p.Config.Farms {
			h := &f.HealthCheck
			if !f.Enabled || len(p.EnabledServers(f)) == 0 || !(hasURLTest(f) || hasLiveTest(f)) || h.MinServers != 0 || h.Invalid("minServers") {
				continue
			}
			p.Reportf(attrSpan(&h.Element, "minServers", farmSpan(f)), f.Name,
				"farm %q has health checks and minServers 0: if the health page depends on something all servers share and it fails, every server is marked unhealthy and every request gets 502.4 (per Microsoft's 502 article); minServers 1 keeps routing then, at the risk Microsoft notes of sending requests to failing servers",
				f.Name)
		}
	},
}
