package rules

import (
	"net"
	"strings"

	"github.com/arrfarm/arrfarm/lint"
)

// ServerAddressNotHost reports server addresses with a scheme, port or
// path, which ARR reads as part of the host name.
var ServerAddressNotHost = &lint.Rule{
	ID:       "ARR5001",
	Slug:     "server-address-not-host",
	Title:    "a server address with a scheme, port or path",
	Severity: lint.Error,
	Doc: lint.Doc{
		Why: "`server/@address` is a host name or IP address only. ARR takes the port from the server's " +
			"`applicationRequestRouting/@httpPort`/`@httpsPort` and the scheme from the rewrite rule. Written as " +
			"`10.0.0.11:8080` or `http://web01/`, the whole text is looked up as a host name, which fails: every " +
			"request ARR sends to that server gets 502.3 / 12007 (name not resolved).",
		Fix: "Put the host in `address` and the port in `applicationRequestRouting/@httpPort`.",
		Bad: farmExample("", `<server address="10.0.0.11:8080" />
<server address="10.0.0.12:8080" />
`+healthy),
		Good: farmExample("", `<server address="10.0.0.11">
  <applicationRequestRouting httpPort="8080" />
</server>
<server address="10.0.0.12">
  <applicationRequestRouting httpPort="8080" />
</server>
`+healthy),
	},
	Check: func(p *lint.Pass) {
		for _, f := range p.Config.Farms {
			for _, s := range f.Servers {
				a := strings.TrimSpace(s.Address)
				what := ""
				switch {
				case strings.Contains(a, "://"):
					what = "a scheme"
				case strings.ContainsAny(a, "/?#"):
					what = "a path"
				default:
					if _, port, err := net.SplitHostPort(a); err == nil && port != "" {
						what = "a port"
					}
				}
				if what == "" {
					continue
				}
				p.Reportf(s.ValueSpan("address"), f.Name,
					"server address %q of farm %q includes %s: ARR looks the whole text up as a host name, so every request sent to it gets 502.3 / 12007; put the port in applicationRequestRouting httpPort",
					s.Address, f.Name, what)
			}
		}
	},
}
