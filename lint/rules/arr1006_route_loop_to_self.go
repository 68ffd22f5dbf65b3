package rules

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

// RouteLoopToSelf reports routes back to the ARR server itself.
var RouteLoopToSelf = &lint.Rule{
	ID:       "ARR1006",
	Slug:     "route-loop-to-self",
	Title:    "requests are routed back to the ARR server itself",
	Severity: lint.Warning,
	Doc: lint.Doc{
		Why: "A request that ARR sends to this machine enters IIS again, and when a rewrite rule matches it again it " +
			"is routed again: it loops until `Max-Forwards` runs out and the client gets 400.605, or it waits for the " +
			"proxy timeout and gets 502.3. Two shapes do this. A farm server or rewrite target on this machine " +
			"(`localhost`, `127.0.0.1`) on the port the ARR site listens on (80 for http, 443 for https; arrfarm " +
			"assumes the default ports) loops through any rule. On another port (a backend site on `localhost:8080`) " +
			"it loops when a catch-all **global** rule routes the farm: global rules apply to every site of the " +
			"machine, so the backend site's request matches the same rule and is routed again, unless a condition " +
			"excludes the backend's traffic.",
		Fix: "Give the global rule a condition that only the ARR site's requests meet: `{SERVER_PORT}` (e.g. " +
			"`^80$`), or `{HTTP_HOST}` set to the public host name, which works only when the farm's " +
			"`protocol/@preserveHostHeader` is false (by default the backend receives the public Host header too). " +
			"Or move the rule into the ARR site's web.config (`system.webServer/rewrite/rules`), which applies to " +
			"that site only. A server on port 80 or 443 of this machine needs its own port " +
			"(`applicationRequestRouting/@httpPort`).",
		Bad: farmExample("", `<server address="localhost">
  <applicationRequestRouting httpPort="8080" />
</server>
<server address="10.0.0.12" />
`+healthy),
		Good: strings.Replace(farmExample("", `<server address="localhost">
  <applicationRequestRouting httpPort="8080" />
</server>
<server address="10.0.0.12" />
`+healthy), `<match url="*" />`, `<match url="*" />
          <conditions>
            <add input="{SERVER_PORT}" pattern="^80$" />
          </conditions>`, 1),
	},
	Evidence: evidence(srcSelfLoop, srcStatusCodes, inferred("global rules apply to every request on the box, including the request a farm server on this machine receives")),
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
				if !isLoopback(s.Address) || s.Unknown("port") {
					// server/@port (reported as unknown) means the user
					// chose a port: the default 80 stands in for it.
					continue
				}
				for _, c := range []struct {
					scheme string
					port   int64
					attr   string
				}{{"http", s.ARR.HTTPPort, "httpPort"}, {"https", s.ARR.HTTPSPort, "httpsPort"}} {
					if !schemes[c.scheme] || s.ARR.Invalid(c.attr) {
						continue
					}
					span := attrSpan(&s.ARR.Element, c.attr, s.ValueSpan("address"))
					if (c.scheme == "http" && c.port == 80) || (c.scheme == "https" && c.port == 443) {
						p.Reportf(span, f.Name,
							"server %q of farm %q is this ARR server on %s port %d, where ARR itself listens: requests loop until Max-Forwards runs out (400.605) or time out (502.3)",
							s.Address, f.Name, c.scheme, c.port)
						continue
					}
					if r := loopingGlobalRule(p, f, c.scheme, f.Protocol.PreserveHostHeader); r != nil {
						p.Report(schema.Finding{Span: span, Farm: f.Name,
							Related: []schema.Related{{Span: r.ValueSpan("name"), Message: "global rule " + q(r.Name) + " routes every request to the farm"}},
							Message: fmt.Sprintf("server %q of farm %q is this machine (%s port %d), and global rule %q sends every request to the farm with no condition "+
								"that leaves out the backend site's own requests: global rules apply to that site too, so requests loop until Max-Forwards runs out "+
								"(400.605) or time out (502.3); add a {SERVER_PORT} condition or move the rule to the ARR site's web.config",
								s.Address, f.Name, c.scheme, c.port, r.Name)})
					}
				}
			}
		}
		for _, r := range p.Config.Rules {
			if !r.Enabled || r.Action.Type != "Rewrite" || p.TargetFarm(r) != nil {
				continue
			}
			scheme, host, port, ok := urlHost(r.Action.URL)
			if !ok || !isLoopback(host) || (scheme != "http" && scheme != "https") {
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
				continue
			}
			if r.Scope == schema.GlobalRule && matchesEveryURL(r) && !excludesBackend(r, p.Config.Proxy.PreserveHostHeader) {
				p.Reportf(r.Action.ValueSpan("url"), "",
					"global rule %q sends every request to %q on this machine with no condition that leaves out that site's own requests: "+
						"global rules apply to it too, so requests loop until Max-Forwards runs out (400.605) or time out (502.3); "+
						"add a {SERVER_PORT} condition or move the rule to the ARR site's web.config", r.Name, r.Action.URL)
			}
		}
	},
}

// loopingGlobalRule returns an enabled global rule that routes every
// request to farm f over scheme without a condition that leaves out the
// requests a backend site on this machine receives.
func loopingGlobalRule(p *lint.Pass, f *schema.Farm, scheme string, preserveHost bool) *schema.Rule {
	for _, r := range p.RoutesTo(f) {
		if s, _, _ := r.Target(); s != scheme || r.Scope != schema.GlobalRule || !matchesEveryURL(r) {
			continue
		}
		if !excludesBackend(r, preserveHost) {
			return r
		}
	}
	return nil
}

// matchesEveryURL reports whether r's URL pattern matches every request,
// whatever its conditions.
func matchesEveryURL(r *schema.Rule) bool {
	if r.Match.Negate {
		return false
	}
	p := strings.TrimSpace(r.Match.URL)
	switch r.PatternSyntax {
	case "Wildcard":
		return p == "*"
	case "ExactMatch":
		return false
	}
	switch p {
	case ".*", "^.*", ".*$", "^.*$", "(.*)", "^(.*)", "(.*)$", "^(.*)$", "":
		return true
	}
	return false
}

// excludesBackend reports whether r's conditions can tell the ARR site's
// requests from those a backend site on this machine receives: a test of
// the port, or of the host name when ARR does not pass the client's Host
// header on (preserveHost false).
func excludesBackend(r *schema.Rule, preserveHost bool) bool {
	items := r.Conditions.Items
	if len(items) == 0 {
		return false
	}
	n := 0
	for _, c := range items {
		in := strings.ToUpper(c.Input)
		port := strings.Contains(in, "{SERVER_PORT}") || strings.Contains(in, "{LOCAL_PORT}") || strings.Contains(in, "{SERVER_PORT_SECURE}")
		host := strings.Contains(in, "{HTTP_HOST}") || strings.Contains(in, "{SERVER_NAME}")
		if port || (host && !preserveHost) {
			n++
		}
	}
	if strings.EqualFold(r.Conditions.LogicalGrouping, "MatchAny") {
		return n == len(items)
	}
	return n > 0
}
