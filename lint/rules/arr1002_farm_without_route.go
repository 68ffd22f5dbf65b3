package rules

import (
	"strings"

	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

// FarmWithoutRoute reports enabled farms that no enabled rule routes to.
var FarmWithoutRoute = &lint.Rule{
	ID:       "ARR1002",
	Slug:     "farm-without-route",
	Title:    "no enabled rewrite rule routes to the farm",
	Severity: lint.Warning,
	Doc: lint.Doc{
		Why: "A farm receives traffic only through a URL Rewrite rule whose action rewrites to " +
			"`http(s)://<farm name>/...`. Creating a farm (with appcmd or a script) does not create that rule. " +
			"A farm nothing routes to gets no requests: its servers sit idle while traffic goes elsewhere. " +
			"The rule fires only when the file has rewrite rules, since they may live in another file.",
		Fix: "Add a rule that rewrites to the farm (the IIS Manager wizard names it `ARR_<farm>_loadbalance`), " +
			"enable the rule that does, or remove the farm.",
		Bad: rulesExample(webFarm+`<webFarm name="api">
  <server address="10.0.0.21" />
  <server address="10.0.0.22" />
  <applicationRequestRouting>
    <healthCheck url="http://api/health" interval="00:00:10" timeout="00:00:05" minServers="1" />
  </applicationRequestRouting>
</webFarm>
`, webRule),
		Good: rulesExample(webFarm+`<webFarm name="api">
  <server address="10.0.0.21" />
  <server address="10.0.0.22" />
  <applicationRequestRouting>
    <healthCheck url="http://api/health" interval="00:00:10" timeout="00:00:05" minServers="1" />
  </applicationRequestRouting>
</webFarm>
`, `<rule name="ARR_api_loadbalance" stopProcessing="true">
  <match url="^api/(.*)" />
  <action type="Rewrite" url="http://api/{R:1}" />
</rule>
`+webRule),
	},
	Evidence: evidence(srcDefineFarm),
	Check: func(p *lint.Pass) {
		if len(p.Config.Rules) == 0 {
			return
		}
		for _, f := range p.Config.Farms {
			if !f.Enabled || len(p.RoutesTo(f)) > 0 {
				continue
			}
			var rel []schema.Related
			for _, r := range p.Config.Rules {
				if _, host, ok := r.Target(); ok && !r.Enabled && strings.EqualFold(host, f.Name) {
					rel = append(rel, schema.Related{Span: r.ValueSpan("enabled"), Message: "rule " + q(r.Name) + " routes here but is disabled"})
				}
			}
			p.Report(schema.Finding{Span: farmSpan(f), Farm: f.Name, Related: rel,
				Message: "no enabled rewrite rule routes to farm " + q(f.Name) + ": it receives no requests"})
		}
	},
}
