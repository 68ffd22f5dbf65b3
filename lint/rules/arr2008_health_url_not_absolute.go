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
		Why: "Microsoft's Health Test page says the URL test must be given in the complete URL format " +
			"(`http://host/path`); ARR sends the request to every server " +
			"of the farm with that host. A path such as `/health` is not a URL ARR can request, so the test cannot " +
			"succeed: servers are marked unhealthy and requests get 502.4, or the farm is left without a working " +
			"health check.",
		Fix: "Write the full URL with a host name the backend sites answer to (are bound to), such as the public " +
			"name `http://www.contoso.com/health`, as Microsoft's examples do: the host is sent as the Host header " +
			"to every server of the farm. The farm's name works only if the backends accept it as a host name.",
		Bad: farmExample("", servers2+arr(`<healthCheck url="/health" interval="00:00:10" timeout="00:00:05" minServers="1" />
`)),
		Good: farmExample("", servers2+healthy),
	},
	Evidence: evidence(lint.Source{Kind: lint.FromDocs, Ref: "Microsoft TechNet, ARR \"Health Test\" page (dd443513): the test URL must be written in the complete URL format"},
		inferred("what ARR does with a relative test URL (fail every probe, or not probe) is not documented")),
	Check: func(p *lint.Pass) {
		for _, f := range p.Config.Farms {
			u := strings.ToLower(strings.TrimSpace(f.HealthCheck.URL))
			if u == "" || strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "https://") {
				continue
			}
			p.Reportf(f.HealthCheck.ValueSpan("url"), f.Name,
				"health check url %q of farm %q is not a full http(s) URL, which the URL test needs: the test most likely fails on every server, marking them unhealthy (502.4), or never runs; write a URL with a host name the backends answer to",
				f.HealthCheck.URL, f.Name)
		}
	},
}
