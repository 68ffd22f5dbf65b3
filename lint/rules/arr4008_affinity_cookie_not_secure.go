package rules

import (
	"strings"

	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

// AffinityCookieNotSecure notes cookie affinity on farms served over HTTPS:
// ARR's affinity cookie has no Secure attribute unless an outbound rule
// adds one.
var AffinityCookieNotSecure = &lint.Rule{
	ID:       "ARR4008",
	Slug:     "affinity-cookie-not-secure",
	Title:    "the affinity cookie of an HTTPS farm is not marked Secure",
	Severity: lint.Info,
	Doc: lint.Doc{
		Why: "With `affinity/@useCookie=\"true\"` ARR sets a cookie (`ARRAffinity` unless `cookieName` says " +
			"otherwise) that pins a browser to one server. The ARR schema has no setting for the cookie's Secure " +
			"attribute, and the cookie ARR sets has been observed without it, so a browser also sends it over " +
			"plain HTTP, where it can be read or set by someone on the path (which server a client uses, or " +
			"pinning clients to one server). Security scanners report it as a cookie over HTTPS without Secure " +
			"(CWE-614). The cookie holds no secret (Microsoft's App Service team declined to mark its own " +
			"ARRAffinity Secure for that reason), so this is a note, for sites that must pass such scans or " +
			"serve only HTTPS. It fires when a farm with cookie affinity is routed by a rule that serves HTTPS " +
			"(an `{HTTPS}` condition, or a site with an https binding that the rule reaches) and no outbound rule " +
			"adds Secure to `RESPONSE_Set_Cookie`.",
		Fix: "Add an outbound rule that appends `; Secure` to the affinity cookie on HTTPS responses (match " +
			"`serverVariable=\"RESPONSE_Set_Cookie\"` with a pattern on the cookie name, a condition `{HTTPS}` = " +
			"`on`, action value `{R:0}; Secure`), or turn cookie affinity off if the application keeps no " +
			"in-memory state.",
		Bad:  affinityHTTPSExample(""),
		Good: affinityHTTPSExample(secureCookieRule),
	},
	Evidence: evidence(srcARRSchema,
		lint.Source{Kind: lint.FromCommunity, Ref: "Azure/app-service-announcements#12 and its discussion thread: the ARRAffinity cookie was sent without HttpOnly until 2017 and without Secure, which pen-test tools flag; Microsoft staff answer that it holds nothing sensitive"},
		lint.Source{Kind: lint.FromCommunity, Ref: "MITRE CWE-614, \"Sensitive Cookie in HTTPS Session Without 'Secure' Attribute\", the finding scanners report"},
		inferred("on-premises ARR's affinity cookie is taken to lack Secure as Azure's did (no schema setting adds it); an outbound rule on RESPONSE_Set_Cookie sees the cookie ARR sets")),
	Check: func(p *lint.Pass) {
		if addsSecure(p.Config) {
			return
		}
		for _, f := range p.Config.Farms {
			a := &f.Affinity
			if !f.Enabled || !a.UseCookie || a.Invalid("useCookie") {
				continue
			}
			for _, r := range p.RoutesTo(f) {
				if !servesHTTPS(p.Config, r) {
					continue
				}
				p.Report(schema.Finding{Span: a.ValueSpan("useCookie"), Farm: f.Name,
					Related: []schema.Related{{Span: r.Action.ValueSpan("url"), Message: "rule " + q(r.Name) + " routes HTTPS requests here"}},
					Message: "farm " + q(f.Name) + " pins clients with the affinity cookie " + q(a.CookieName) + " and rule " + q(r.Name) +
						" routes HTTPS requests to it, but no outbound rule marks the cookie Secure: browsers also send it over plain HTTP"})
				break
			}
		}
	},
}

// addsSecure reports whether an enabled outbound rule rewrites Set-Cookie
// headers to carry the Secure attribute.
func addsSecure(c *schema.Config) bool {
	for _, o := range c.OutboundRules {
		if o.Enabled && strings.EqualFold(o.Match.ServerVariable, "RESPONSE_Set_Cookie") && strings.EqualFold(o.Action.Type, "Rewrite") &&
			strings.Contains(strings.ToLower(o.Action.Value), "secure") {
			return true
		}
	}
	return false
}

// servesHTTPS reports whether rule r handles HTTPS requests: it requires
// them ({HTTPS} on), or a site with an https binding reaches it (any such
// site for a global rule, the rule's own for a site rule).
func servesHTTPS(c *schema.Config, r *schema.Rule) bool {
	plain := backendRequest{scheme: "http", port: 80, preserveHost: true}
	secure := backendRequest{scheme: "https", port: 443, preserveHost: true}
	if excludesBackend(r, plain) && !excludesBackend(r, secure) {
		return true
	}
	site, _, _ := strings.Cut(strings.Trim(r.Location, "/"), "/")
	for _, s := range c.Sites {
		if r.Scope == schema.SiteRule && !strings.EqualFold(s.Name, site) {
			continue
		}
		for _, b := range s.Bindings {
			port, host, ok := b.Port()
			if ok && strings.EqualFold(b.Protocol, "https") &&
				!excludesBackend(r, backendRequest{scheme: "https", port: port, host: host, preserveHost: host == ""}) {
				return true
			}
		}
	}
	return false
}

// secureCookieRule is the outbound rule that marks ARR's affinity cookie
// Secure on HTTPS responses.
const secureCookieRule = `<rule name="Secure affinity cookie">
  <match serverVariable="RESPONSE_Set_Cookie" pattern="^ARRAffinity=.*" />
  <conditions>
    <add input="{HTTPS}" pattern="on" />
  </conditions>
  <action type="Rewrite" value="{R:0}; Secure" />
</rule>
`

// affinityHTTPSExample is a farm with cookie affinity routed by the HTTPS
// rule of Microsoft's load-balancing walkthrough; outbound is added as the
// outbound rules ("" for none).
func affinityHTTPSExample(outbound string) string {
	src := rulesExample(`<webFarm name="web">
  <server address="web01.corp.contoso.com" />
  <server address="web02.corp.contoso.com" />
  <applicationRequestRouting>
    <healthCheck url="http://www.contoso.com/health" interval="00:00:10" timeout="00:00:05" minServers="1" />
    <affinity useCookie="true" />
  </applicationRequestRouting>
</webFarm>
`, `<rule name="ARR_web_loadbalance_SSL" patternSyntax="Wildcard" stopProcessing="true">
  <match url="*" />
  <conditions>
    <add input="{HTTPS}" pattern="on" />
  </conditions>
  <action type="Rewrite" url="https://web/{R:0}" />
</rule>
`)
	if outbound == "" {
		return src
	}
	return strings.Replace(src, `      </globalRules>
`, `      </globalRules>
      <outboundRules>
`+indent(outbound, "        ")+`      </outboundRules>
`, 1)
}
