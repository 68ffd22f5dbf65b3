package rules

import (
	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

// WFFMinimumServers reports webFarm/@minimumServers written where ARR's
// healthCheck/@minServers was probably meant.
var WFFMinimumServers = &lint.Rule{
	ID:       "ARR2006",
	Slug:     "wff-minimum-servers",
	Title:    "the WFF setting minimumServers where ARR minServers was meant",
	Severity: lint.Warning,
	Doc: lint.Doc{
		Why: "`webFarm/@minimumServers` belongs to the Web Farm Framework (provisioning); ARR routing ignores " +
			"it. The ARR setting that keeps routing when too few servers are healthy is " +
			"`applicationRequestRouting/healthCheck/@minServers`. Setting only the former leaves ARR at " +
			"`minServers=\"0\"`: a failing health page can still take every server out (502.4).",
		Fix: "Set `healthCheck/@minServers` instead (and drop `minimumServers` unless WFF uses it).",
		Bad: farmExample(` minimumServers="1"`, servers2+arr(`<healthCheck url="http://web/health" interval="00:00:10" timeout="00:00:05" />
`)),
		Good: farmExample("", servers2+healthy),
	},
	Evidence: evidence(srcWFFSchema, srcARRSchema),
	Check: func(p *lint.Pass) {
		for _, f := range p.Config.Farms {
			if !f.Has("minimumServers") || f.MinimumServers <= 0 || f.HealthCheck.Has("minServers") {
				continue
			}
			var rel []schema.Related
			if f.HealthCheck.Present {
				rel = []schema.Related{{Span: f.HealthCheck.Span, Message: "ARR's minServers belongs on this healthCheck"}}
			}
			p.Report(schema.Finding{Span: f.ValueSpan("minimumServers"), Farm: f.Name, Related: rel,
				Message: "minimumServers on farm " + q(f.Name) + " is a Web Farm Framework setting that ARR routing ignores; " +
					"ARR's is healthCheck minServers, which stays 0"})
		}
	},
}
