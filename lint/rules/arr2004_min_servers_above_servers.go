package rules

import (
	"github.com/arrfarm/arrfarm/lint"
)

// MinServersAboveServers reports minServers settings that switch health
// checking off in practice.
var MinServersAboveServers = &lint.Rule{
	ID:       "ARR2004",
	Slug:     "min-servers-above-servers",
	Title:    "minServers is not below the number of enabled servers",
	Severity: lint.Warning,
	Doc: lint.Doc{
		Why: "ARR ignores health status whenever fewer than `minServers` servers are healthy. With `minServers` " +
			"above the farm's number of enabled servers that is always the case; with it equal, as soon as one " +
			"server fails. Either way a dead server is never taken out and its requests fail with 502.3.",
		Fix: "Set `minServers` below the number of enabled servers (usually 1).",
		Bad: farmExample("", servers2+arr(`<healthCheck url="http://web/health" interval="00:00:10" timeout="00:00:05" minServers="3" />
`)),
		Good: farmExample("", servers2+healthy),
	},
	Evidence: evidence(srcWonyoo, inferred("with minServers at or above the enabled servers the override is always or soon in force")),
	Check: func(p *lint.Pass) {
		for _, f := range p.Config.Farms {
			h := &f.HealthCheck
			n := int64(len(p.EnabledServers(f)))
			if !f.Enabled || n == 0 || !(hasURLTest(f) || hasLiveTest(f)) || h.Invalid("minServers") {
				continue
			}
			span := attrSpan(&h.Element, "minServers", farmSpan(f))
			switch {
			case h.MinServers > n:
				p.Reportf(span, f.Name,
					"minServers %d is more than the %d enabled servers of farm %q: ARR always ignores health, so a dead server keeps getting requests (502.3)",
					h.MinServers, n, f.Name)
			case h.MinServers == n && n >= 2:
				p.Reportf(span, f.Name,
					"minServers %d equals the number of enabled servers of farm %q: once one server fails ARR ignores health and keeps sending it requests (502.3)",
					h.MinServers, f.Name)
			}
		}
	},
}
