package rules

import (
	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

// FarmNoServers reports enabled farms without an enabled server.
var FarmNoServers = &lint.Rule{
	ID:       "ARR1003",
	Slug:     "farm-no-servers",
	Title:    "an enabled farm has no enabled server",
	Severity: lint.Error,
	Doc: lint.Doc{
		Why: "With no server to pick, ARR answers every request routed to the farm with 502.4 (no server). " +
			"This happens when a farm is created before its servers are added, or when a script takes every " +
			"server out with `enabled=\"false\"`. It is an error when a rule in this file routes to the farm and " +
			"a warning otherwise.",
		Fix: "Add servers, enable at least one, or disable the farm and its rule.",
		Bad: rulesExample(`<webFarm name="web">
  <server address="10.0.0.11" enabled="false" />
  <server address="10.0.0.12" enabled="false" />
  <applicationRequestRouting>
    <healthCheck url="http://web/health" interval="00:00:10" timeout="00:00:05" minServers="1" />
  </applicationRequestRouting>
</webFarm>
`, webRule),
		Good: rulesExample(`<webFarm name="web">
  <server address="10.0.0.11" />
  <server address="10.0.0.12" enabled="false" />
  <applicationRequestRouting>
    <healthCheck url="http://web/health" interval="00:00:10" timeout="00:00:05" minServers="1" />
  </applicationRequestRouting>
</webFarm>
`, webRule),
	},
	Evidence: evidence(src502Article),
	Check: func(p *lint.Pass) {
		for _, f := range p.Config.Farms {
			if !f.Enabled || len(p.EnabledServers(f)) > 0 {
				continue
			}
			sev := lint.Warning
			routed := p.RoutesTo(f)
			if len(routed) > 0 {
				sev = lint.Error
			}
			what := "farm " + q(f.Name) + " has no servers"
			if len(f.Servers) > 0 {
				what = "every server of farm " + q(f.Name) + " is disabled"
			}
			msg := what + ": every request routed to it gets 502.4 (no server)"
			if len(routed) > 0 {
				msg = what + ": every request rule " + q(routed[0].Name) + " routes to it gets 502.4 (no server)"
			}
			p.Report(schema.Finding{Span: farmSpan(f), Farm: f.Name, Severity: sev, Message: msg})
		}
	},
}
