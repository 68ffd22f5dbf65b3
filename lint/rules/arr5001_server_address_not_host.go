package rules

import (
	"net"
	"strings"

	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

// ServerAddressNotHost reports server addresses with a scheme, port or
// path, which ARR reads as part of the host name.
var ServerAddressNotHost = &lint.Rule{
	ID:       "ARR5001",
	Slug:     "server-address-not-host",
	Title:    "a server address with a scheme, port or path",
	Severity: lint.Warning,
	Doc: lint.Doc{
		Why: "`server/@address` is a host name or IP address only. ARR takes the port from the server's " +
			"`applicationRequestRouting/@httpPort`/`@httpsPort` and the scheme from the rewrite rule. Written as " +
			"`10.0.0.11:8080` or `http://web01/`, ARR most likely looks the whole text up as a host name, which " +
			"fails: every request ARR sends to that server would get 502.3 / 12007 (name not resolved). The schema " +
			"accepts any text, so IIS loads the file.",
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
	Evidence: evidence(lint.Source{Kind: lint.FromDocs, Ref: "Microsoft, \"Define and configure an ARR server farm\": ports are set in the server's advanced settings (httpPort, httpsPort), not in the address"}, inferred("ARR then probably resolves the whole text as a host name (502.3 / 12007)")),
	Check: func(p *lint.Pass) {
		for _, f := range p.Config.Farms {
			for _, s := range f.Servers {
				a := strings.TrimSpace(s.Address)
				what := ""
				hostPart := a
				if i := strings.Index(hostPart, "://"); i >= 0 {
					hostPart = hostPart[i+3:]
				}
				if i := strings.IndexAny(hostPart, "/?#"); i >= 0 {
					hostPart = hostPart[:i]
				}
				switch {
				case strings.Contains(hostPart, "@"):
					// user:password@host: the part before "@" is not a
					// port, and the message must not repeat it.
					what = "user credentials"
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
					"server address %q of farm %q includes %s: ARR probably looks the whole text up as a host name, so requests sent to it would get 502.3 / 12007; give the host alone (a port goes in applicationRequestRouting httpPort)",
					schema.MaskSecrets(s.Address), f.Name, what)
			}
		}
	},
}
