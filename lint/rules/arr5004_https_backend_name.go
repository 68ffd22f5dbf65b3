package rules

import (
	"net"
	"strings"

	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

// HTTPSBackendName notes HTTPS to backends addressed by an IP address or a
// single-label name, which their certificates rarely carry.
var HTTPSBackendName = &lint.Rule{
	ID:       "ARR5004",
	Slug:     "https-backend-name",
	Title:    "forwarding over https to a backend addressed by IP or short name",
	Severity: lint.Info,
	Optional: true,
	Doc: lint.Doc{
		Why: "When ARR forwards over HTTPS it connects to the server's address (a farm's `server/@address`, or the " +
			"host of a plain rewrite URL). Certificates are issued for DNS names; one issued for an IP address or " +
			"a single-label intranet name (`web01`) is rare. By default ARR ignores a name mismatch (Microsoft KB " +
			"2693489); where the check is turned on (an option an ARR hotfix adds), the handshake fails and every request gets " +
			"502.3 with a certificate error (12175, or 12038 for a name mismatch). Since that check is an option, " +
			"the rule is optional too: enable it (`--enable https-backend-name`) where ARR checks backend " +
			"certificate names.",
		Fix: "Address the backends by the fully qualified name on their certificates, or forward over `http://` " +
			"inside a trusted network (SSL offloading).",
		Bad: strings.Replace(farmExample("", servers2+healthy), `url="http://web/{R:0}"`, `url="https://web/{R:0}"`, 1),
		Good: strings.Replace(farmExample("", `<server address="web01.corp.contoso.com" />
<server address="web02.corp.contoso.com" />
`+healthy), `url="http://web/{R:0}"`, `url="https://web/{R:0}"`, 1),
	},
	Evidence: evidence(src502Article,
		lint.Source{Kind: lint.FromDocs, Ref: "Microsoft KB 2693489 (SSL common names in ARR): by default ARR ignores a backend certificate whose name does not match; checking it is an option an ARR hotfix adds"},
		lint.Source{Kind: lint.FromDocs, Ref: "Microsoft, WinHTTP error messages: 12175 ERROR_WINHTTP_SECURE_FAILURE, 12038 ERROR_WINHTTP_SECURE_CERT_CN_INVALID"},
		inferred("certificates are rarely issued for IP addresses or single-label names")),
	Check: func(p *lint.Pass) {
		reported := map[*schema.Server]bool{}
		for _, r := range p.Config.Rules {
			scheme, host, ok := r.Target()
			if !r.Enabled || !ok || scheme != "https" || strings.ContainsAny(host, "{}") {
				continue
			}
			if f := p.TargetFarm(r); f != nil {
				for _, s := range p.EnabledServers(f) {
					if reported[s] || !bareName(s.Address) {
						continue
					}
					reported[s] = true
					p.Report(schema.Finding{Span: s.ValueSpan("address"), Farm: f.Name,
						Related: []schema.Related{{Span: r.Action.ValueSpan("url"), Message: "rule " + q(r.Name) + " forwards over https here"}},
						Message: "rule " + q(r.Name) + " forwards over HTTPS to farm " + q(f.Name) + ", whose server " + q(s.Address) + " is " + whatName(s.Address) +
							": its certificate is unlikely to carry that name, and where ARR checks the name requests get 502.3 (12038 / 12175)"})
				}
				continue
			}
			if bareName(host) {
				p.Reportf(r.Action.ValueSpan("url"), "",
					"rule %q forwards over HTTPS to %s %q: its certificate is unlikely to carry that name, and where ARR checks the name requests get 502.3 (12038 / 12175)",
					r.Name, whatName(host), host)
			}
		}
		for _, f := range p.Config.Farms {
			scheme, host, _, ok := urlHost(f.HealthCheck.URL)
			if !f.Enabled || !ok || scheme != "https" || !bareName(host) {
				continue
			}
			p.Reportf(f.HealthCheck.ValueSpan("url"), f.Name,
				"the health check of farm %q uses HTTPS with %s %q: a certificate rarely carries that name, and where ARR checks it every probe fails and the servers are marked unhealthy",
				f.Name, whatName(host), host)
		}
	},
}

// bareName reports whether host is an IP address or a name without a dot
// (localhost included).
func bareName(host string) bool {
	h := strings.Trim(strings.TrimSpace(host), "[]")
	return h != "" && (net.ParseIP(h) != nil || !strings.Contains(h, "."))
}

func whatName(host string) string {
	if net.ParseIP(strings.Trim(host, "[]")) != nil {
		return "an IP address"
	}
	return "a single-label name"
}
