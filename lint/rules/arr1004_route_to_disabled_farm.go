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
	Severity: lint.Warning,
	Doc: lint.Doc{
		Why: "A farm with `enabled=\"false\"` is offline: Microsoft's documentation says new traffic is no longer " +
			"routed to its servers. The requests the rule matches then do not reach a backend of the farm; what " +
			"the client gets is not documented (arrfarm's simulator assumes 502.4, no server), and they do not fall " +
			"through to the next rule.",
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
	Evidence: evidence(lint.Source{Kind: lint.FromDocs, Ref: "Microsoft TechNet, ARR \"Server Farm\" page (dd443518): a farm taken offline gets no new traffic"}, inferred("the status code clients then get is not documented; arrfarm's simulator assumes 502.4")),
	Check: func(p *lint.Pass) {
		for _, r := range p.Config.Rules {
			if !r.Enabled {
				continue
			}
			if f := p.TargetFarm(r); f != nil && !f.Enabled {
				p.Report(schema.Finding{Span: r.Action.ValueSpan("url"), Farm: f.Name,
					Related: []schema.Related{{Span: f.ValueSpan("enabled"), Message: "farm " + q(f.Name) + " disabled here"}},
					Message: "rule " + q(r.Name) + " routes to farm " + q(f.Name) + ", which is disabled: ARR routes no new requests to its servers, so the requests it matches fail (probably 502.4; the status is not documented)"})
			}
		}
	},
}
