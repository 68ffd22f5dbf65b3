package rules

import (
	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

// RouteToDisabledFarm reports enabled rules that route to a disabled farm.
var RouteToDisabledFarm = &lint.Rule{
	ID:       "ARR1004",
	Slug:     "route-to-disabled-farm",
	Title:    "an enabled rule routes to a disabled farm",
	Severity: lint.Error,
	Doc: lint.Doc{
		Why: "A farm with `enabled=\"false\"` is offline: ARR routes no new requests to its servers, so every " +
			"request the rule matches fails (502.4, no server) instead of reaching a backend or falling through " +
			"to the next rule.",
		Fix: "Enable the farm, or disable or remove the rule that routes to it.",
		Bad: rulesExample(`<webFarm name="web" enabled="false">
  <server address="10.0.0.11" />
  <server address="10.0.0.12" />
  <applicationRequestRouting>
    <healthCheck url="http://web/health" interval="00:00:10" timeout="00:00:05" minServers="1" />
  </applicationRequestRouting>
</webFarm>
`, webRule),
		Good: rulesExample(webFarm, webRule),
	},
	Check: func(p *lint.Pass) {
		for _, r := range p.Config.Rules {
			if !r.Enabled {
				continue
			}
			if f := p.TargetFarm(r); f != nil && !f.Enabled {
				p.Report(schema.Finding{Span: r.Action.ValueSpan("url"), Farm: f.Name,
					Related: []schema.Related{{Span: f.ValueSpan("enabled"), Message: "farm " + q(f.Name) + " disabled here"}},
					Message: "rule " + q(r.Name) + " routes to farm " + q(f.Name) + ", which is disabled: every request it matches gets 502.4 (no server)"})
			}
		}
	},
}
