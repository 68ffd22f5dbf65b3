package rules

import (
	"strconv"

	"github.com/arrfarm/arrfarm/lint"
)

// RouteLoopToSelf reports routes back to the ARR server itself.
var RouteLoopToSelf = &lint.Rule{
	ID:       "ARR1006",
	Slug:     "route-loop-to-self",
	Title:    "requests are routed back to the ARR server itself",
	Severity: lint.Warning,
	Doc: lint.Doc{
		Why: "A farm server (or a rewrite target) that is this machine (`localhost`, `127.0.0.1`) on the port " +
			"the ARR site listens on (80 for http, 443 for https) sends each request back into ARR, which routes " +
			"it again: the request loops until `Max-Forwards` runs out and the client gets 400.605, or it waits " +
			"for the proxy timeout and gets 502.3. arrfarm assumes the ARR site listens on the default ports.",
		Fix: "Point the server at the backend's own port (`applicationRequestRouting/@httpPort`, e.g. 8080), " +
			"or bind the backend site to another host name.",
		Bad: farmExample("", `<server address="localhost" />
<server address="10.0.0.12" />
`+healthy),
		Good: farmExample("", `<server address="localhost">
  <applicationRequestRouting httpPort="8080" />
</server>
<server address="10.0.0.12" />
`+healthy),
	},
	Check: func(p *lint.Pass) {
		for _, f := range p.Config.Farms {
			if !f.Enabled {
				continue
			}
			schemes := map[string]bool{}
			for _, r := range p.RoutesTo(f) {
				s, _, _ := r.Target()
				schemes[s] = true
			}
			if len(schemes) == 0 {
				schemes["http"] = true
			}
			for _, s := range p.EnabledServers(f) {
				if !isLoopback(s.Address) {
					continue
				}
				for _, c := range []struct {
					scheme string
					port   int64
					attr   string
				}{{"http", s.ARR.HTTPPort, "httpPort"}, {"https", s.ARR.HTTPSPort, "httpsPort"}} {
					if !schemes[c.scheme] || (c.scheme == "http" && c.port != 80) || (c.scheme == "https" && c.port != 443) {
						continue
					}
					p.Reportf(attrSpan(&s.ARR.Element, c.attr, s.ValueSpan("address")), f.Name,
						"server %q of farm %q is this ARR server on %s port %d, where ARR itself listens: requests loop until Max-Forwards runs out (400.605) or time out (502.3)",
						s.Address, f.Name, c.scheme, c.port)
				}
			}
		}
		for _, r := range p.Config.Rules {
			if !r.Enabled || r.Action.Type != "Rewrite" || p.TargetFarm(r) != nil {
				continue
			}
			scheme, host, port, ok := urlHost(r.Action.URL)
			if !ok || !isLoopback(host) {
				continue
			}
			if (scheme == "http" && (port == "" || port == "80")) || (scheme == "https" && (port == "" || port == "443")) {
				n := 80
				if scheme == "https" {
					n = 443
				}
				p.Reportf(r.Action.ValueSpan("url"), "",
					"rule %q rewrites to %q, this ARR server's own %s port %s: requests loop until Max-Forwards runs out (400.605) or time out (502.3)",
					r.Name, r.Action.URL, scheme, strconv.Itoa(n))
			}
		}
	},
}
