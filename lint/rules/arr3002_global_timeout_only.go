package rules

import (
	"strings"

	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

// GlobalTimeoutOnly reports a global proxy timeout raised above farms'
// effective timeouts, which farm routes do not use.
var GlobalTimeoutOnly = &lint.Rule{
	ID:       "ARR3002",
	Slug:     "global-timeout-only",
	Title:    "the global proxy timeout is raised above a farm's timeout",
	Severity: lint.Warning,
	Doc: lint.Doc{
		Why: "Requests routed to a farm use the farm's `protocol/@timeout` (default 30 seconds), not the global " +
			"`system.webServer/proxy/@timeout` (default 2 minutes), which applies to rewrites to plain URLs. Raising " +
			"only the global value, the classic fix attempt for 502.3 / 12002, changes nothing for the farm: its " +
			"slow requests still fail at the farm's timeout. Fires only when the global timeout is written " +
			"explicitly.",
		Fix: "Set the timeout on the farm: `webFarm/applicationRequestRouting/protocol/@timeout`.",
		Bad: strings.Replace(farmExample("", servers2+healthy), `<proxy enabled="true" />`, `<proxy enabled="true" timeout="00:05:00" />`, 1),
		Good: strings.Replace(farmExample("", servers2+arr(healthCheck+`<protocol timeout="00:05:00" />
`)), `<proxy enabled="true" />`, `<proxy enabled="true" timeout="00:05:00" />`, 1),
	},
	Check: func(p *lint.Pass) {
		px := &p.Config.Proxy
		if !px.Has("timeout") {
			return
		}
		for _, f := range p.Config.Farms {
			if !f.Enabled || f.Protocol.Timeout >= px.Timeout {
				continue
			}
			p.Report(schema.Finding{Span: px.ValueSpan("timeout"), Farm: f.Name, Related: farmDefined(f),
				Message: "the global proxy timeout of " + dur(px.Timeout) + " does not apply to farm " + q(f.Name) +
					": requests routed to it still time out after " + dur(f.Protocol.Timeout) + " (its protocol timeout) with 502.3 / 12002"})
		}
	},
}
