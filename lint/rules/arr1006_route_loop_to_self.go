package rules

import (
	"fmt"
	"regexp"
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
			"excludes the backend's traffic. \"This machine\" is a loopback name or address, or a host name one of " +
			"the file's own site bindings answers to. arrfarm tells the backend's request apart by what it knows of " +
			"it: its port (`{SERVER_PORT}`), whether it is https (`{HTTPS}`), and its Host header when the farm does " +
			"not pass the client's on; a condition, negated or not, that this request passes does not exclude it. " +
			"When the file lists its sites, a port no site binding uses is served by something other than IIS " +
			"(Kestrel, Node), which rewrite rules do not reach, and nothing is reported. A rewrite target whose " +
			"scheme is a back-reference (`{C:1}://`, as IIS Manager's reverse-proxy template writes) counts as " +
			"both http and https.",
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
            <add input="{SERVER_PORT}" pattern="80" />
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
				for _, s := range targetSchemes(s) {
					schemes[s] = true
				}
			}
			if len(schemes) == 0 {
				schemes["http"] = true
			}
			for _, s := range p.EnabledServers(f) {
				if !thisMachine(p.Config, s.Address) || s.Unknown("port") {
					// server/@port (reported as unknown) means the user
					// chose a port: the default 80 stands in for it.
					continue
				}
				for _, c := range []struct {
					scheme string
					port   int64
					attr   string
				}{{"http", s.ARR.HTTPPort, "httpPort"}, {"https", s.ARR.HTTPSPort, "httpsPort"}} {
					if !schemes[c.scheme] || s.ARR.Invalid(c.attr) || !iisListens(p.Config, c.scheme, c.port) {
						continue
					}
					span := attrSpan(&s.ARR.Element, c.attr, s.ValueSpan("address"))
					req := backendRequest{scheme: c.scheme, port: c.port, host: s.Address, preserveHost: f.Protocol.PreserveHostHeader}
					if arrPort(c.scheme, c.port) {
						if r := loopingRule(p.RoutesTo(f), req, false); r != nil {
							p.Report(schema.Finding{Span: span, Farm: f.Name,
								Related: []schema.Related{{Span: r.ValueSpan("name"), Message: "rule " + q(r.Name) + " routes the request again"}},
								Message: fmt.Sprintf("server %q of farm %q is this ARR server on %s port %d, where ARR itself listens: requests loop until Max-Forwards runs out (400.605) or time out (502.3)",
									s.Address, f.Name, c.scheme, c.port)})
						}
						continue
					}
					if r := loopingRule(p.RoutesTo(f), req, true); r != nil {
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
			if !ok || !thisMachine(p.Config, host) {
				continue
			}
			for _, sc := range targetSchemes(scheme) {
				n := defaultPort(sc)
				if port != "" {
					v, err := strconv.ParseInt(port, 10, 64)
					if err != nil {
						break // a port from a back-reference: unknown
					}
					n = v
				}
				if n == 0 || !iisListens(p.Config, sc, n) {
					continue
				}
				req := backendRequest{scheme: sc, port: n, host: host, preserveHost: p.Config.Proxy.PreserveHostHeader}
				if arrPort(sc, n) {
					if loopingRule([]*schema.Rule{r}, req, false) != nil {
						p.Reportf(r.Action.ValueSpan("url"), "",
							"rule %q rewrites to %q, this ARR server's own %s port %d: requests loop until Max-Forwards runs out (400.605) or time out (502.3)",
							r.Name, r.Action.URL, sc, n)
						break
					}
					continue
				}
				if loopingRule([]*schema.Rule{r}, req, true) != nil {
					p.Reportf(r.Action.ValueSpan("url"), "",
						"global rule %q sends every request to %q on this machine with no condition that leaves out that site's own requests: "+
							"global rules apply to it too, so requests loop until Max-Forwards runs out (400.605) or time out (502.3); "+
							"add a {SERVER_PORT} condition or move the rule to the ARR site's web.config", r.Name, r.Action.URL)
					break
				}
			}
		}
	},
}

// defaultPort is the port a URL of scheme uses when it names none.
func defaultPort(scheme string) int64 {
	switch scheme {
	case "http":
		return 80
	case "https":
		return 443
	}
	return 0
}

// arrPort reports whether port is where arrfarm assumes the ARR site
// listens: the scheme's default port.
func arrPort(scheme string, port int64) bool { return port == defaultPort(scheme) }

// thisMachine reports whether host names the machine the file configures:
// a loopback name or address, or a host name one of the file's own site
// bindings answers to (a farm server named after the public site).
func thisMachine(cfg *schema.Config, host string) bool {
	if isLoopback(host) {
		return true
	}
	for _, st := range cfg.Sites {
		for _, b := range st.Bindings {
			if _, h, ok := b.Port(); ok && h != "" && strings.EqualFold(h, host) {
				return true
			}
		}
	}
	return false
}

// iisListens reports whether an IIS site of this machine may answer
// scheme on port. When the file lists no sites nothing is known and
// arrfarm assumes one does; when it lists them, a port no binding uses is
// served by something else (Kestrel, Node), which global rules do not
// reach.
func iisListens(cfg *schema.Config, scheme string, port int64) bool {
	if len(cfg.Sites) == 0 {
		return true
	}
	for _, st := range cfg.Sites {
		for _, b := range st.Bindings {
			if n, _, ok := b.Port(); ok && n == port && strings.EqualFold(b.Protocol, scheme) {
				return true
			}
		}
	}
	return false
}

// backendRequest is what the request ARR sends to a backend on this
// machine looks like to the rewrite rules it meets there.
type backendRequest struct {
	scheme       string
	port         int64
	host         string // the server address or rewrite host
	preserveHost bool   // the client's Host header is passed on
}

// value returns the server variable input as the backend's request sees
// it, and false when it is not known (then it is whatever the original
// request had, which the rule matched).
func (b backendRequest) value(input string) (string, bool) {
	switch strings.ToUpper(strings.TrimSpace(input)) {
	case "{SERVER_PORT}", "{LOCAL_PORT}":
		return itoa(b.port), true
	case "{HTTPS}":
		if b.scheme == "https" {
			return "on", true
		}
		return "off", true
	case "{SERVER_PORT_SECURE}":
		if b.scheme == "https" {
			return "1", true
		}
		return "0", true
	case "{HTTP_HOST}":
		if b.preserveHost {
			return "", false
		}
		if arrPort(b.scheme, b.port) {
			return b.host, true
		}
		return b.host + ":" + itoa(b.port), true
	case "{SERVER_NAME}":
		if b.preserveHost {
			return "", false
		}
		return b.host, true
	}
	return "", false
}

// loopingRule returns the first enabled rule of rules that the backend's
// request req still meets: its conditions do not leave it out and, with
// global, it is a global rule matching every URL (a backend on another
// port is another site, which only global rules reach).
func loopingRule(rules []*schema.Rule, req backendRequest, global bool) *schema.Rule {
	for _, r := range rules {
		if global && (r.Scope != schema.GlobalRule || !matchesEveryURL(r)) {
			continue
		}
		if !excludesBackend(r, req) {
			return r
		}
	}
	return nil
}

// excludesBackend reports whether r's conditions certainly fail for the
// backend's request: with MatchAll one condition that fails, with MatchAny
// all of them. A condition on a variable whose value for that request is
// not known (the URL, most headers) is taken to hold, as it held for the
// request ARR routed.
func excludesBackend(r *schema.Rule, req backendRequest) bool {
	items := r.Conditions.Items
	if len(items) == 0 {
		return false
	}
	failed := 0
	for _, c := range items {
		if conditionFails(r, c, req) {
			failed++
		}
	}
	if strings.EqualFold(r.Conditions.LogicalGrouping, "MatchAny") {
		return failed == len(items)
	}
	return failed > 0
}

// conditionFails reports whether condition c certainly does not hold for
// req.
func conditionFails(r *schema.Rule, c *schema.Condition, req backendRequest) bool {
	if c.MatchType != "" && c.MatchType != "Pattern" {
		return false
	}
	v, known := req.value(c.Input)
	if !known {
		return false
	}
	rx, ok := conditionPattern(r.PatternSyntax, c.Pattern, c.IgnoreCase)
	if !ok {
		return false
	}
	return rx.MatchString(v) == c.Negate
}

// conditionPattern compiles a condition's pattern in the rule's syntax.
// ECMAScript patterns that Go's regexp cannot read are not judged.
func conditionPattern(syntax, pattern string, ignoreCase bool) (*regexp.Regexp, bool) {
	switch syntax {
	case "Wildcard":
		pattern = "^" + strings.NewReplacer(`\*`, ".*", `\?`, ".").Replace(regexp.QuoteMeta(pattern)) + "$"
	case "ExactMatch":
		pattern = "^" + regexp.QuoteMeta(pattern) + "$"
	}
	if ignoreCase {
		pattern = "(?i)" + pattern
	}
	rx, err := regexp.Compile(pattern)
	return rx, err == nil
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
