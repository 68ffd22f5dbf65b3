package rules

import (
	"strings"

	"github.com/arrfarm/arrfarm/lint"
)

// HealthURLNotAbsolute reports URL tests given a relative URL.
var HealthURLNotAbsolute = &lint.Rule{
	ID:       "ARR2008",
	Slug:     "health-url-not-absolute",
	Title:    "the health check URL is not a full http(s) URL",
	Severity: lint.Error,
	Doc: lint.Doc{
		Why: "ARR needs a full URL for the URL test (`http://host/path`); it sends the request to every server " +
			"of the farm with that host. A path such as `/health` is not a URL ARR can request, so the test cannot " +
			"succeed: servers are marked unhealthy and requests get 502.4, or the farm is left without a working " +
			"health check.",
		Fix: "Write the full URL, e.g. `http://web/health` (the host is sent as the Host header).",
		Bad: farmExample("", servers2+arr(`<healthCheck url="/health" interval="00:00:10" timeout="00:00:05" minServers="1" />
`)),
		Good: farmExample("", servers2+healthy),
	},
	Check: func(p *lint.Pass) {
		for _, f := range p.Config.Farms {
			u := strings.ToLower(strings.TrimSpace(f.HealthCheck.URL))
			if u == "" || strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://") {
				continue
			}
			p.Reportf(f.HealthCheck.ValueSpan("url"), f.Name,
				"health check url %q of farm %q is not a full http(s) URL: the URL test cannot succeed, so servers are marked unhealthy (502.4) or never checked",
				f.HealthCheck.URL, f.Name)
		}
	},
}
