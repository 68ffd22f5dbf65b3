package rules

import (
	"strings"

	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

// BackendHostInRedirects reports proxying that sends the backend's own host
// name and rewrites nothing back in the response headers.
var BackendHostInRedirects = &lint.Rule{
	ID:       "ARR5008",
	Slug:     "backend-host-in-redirects",
	Title:    "the backend's host name is sent and never rewritten back",
	Severity: lint.Warning,
	Doc: lint.Doc{
		Why: "With `preserveHostHeader=\"false\"` ARR sends the backend's own name (the server's address, or the " +
			"host of a plain rewrite URL) as the Host header, and the backend builds redirects and absolute links " +
			"from it. `reverseRewriteHostInResponseHeaders` turns the host in response headers such as Location " +
			"back into the public one; with it off and no outbound rule on `RESPONSE_Location`, a redirect sends " +
			"the browser to the internal address (which it usually cannot reach, and which it should not learn), " +
			"and cookies the backend scopes to its own domain are not sent back through the public name. " +
			"Microsoft's architecture guidance recommends preserving the original host name for these reasons. " +
			"A farm preserves the host by default; the global proxy section does not but reverse-rewrites by " +
			"default, so the rule fires only when both are off for the same traffic. (Microsoft's \"Modifying HTTP " +
			"Response Headers\" walkthrough saw an internal address in a Location header even with the global " +
			"defaults; arrfarm does not warn there, since the documented setting is on.)",
		Fix: "Keep the client's host (`preserveHostHeader=\"true\"`, the farm default; the backend must then " +
			"answer to the public name), or turn `reverseRewriteHostInResponseHeaders` on, or add an outbound rule " +
			"that rewrites `RESPONSE_Location` to the public host, as Microsoft's walkthrough does.",
		Bad: farmExample("", servers2+arr(healthCheck+`<protocol preserveHostHeader="false" />
`)),
		Good: farmExample("", servers2+arr(healthCheck+`<protocol preserveHostHeader="false" reverseRewriteHostInResponseHeaders="true" />
`)),
	},
	Evidence: evidence(srcARRSchema,
		lint.Source{Kind: lint.FromDocs, Ref: "Microsoft TechNet, ARR \"Proxy\" page (dd443526): \"Reverse rewrite host in response headers\" is a proxy setting"},
		lint.Source{Kind: lint.FromDocs, Ref: "Microsoft, \"Modifying HTTP Response Headers\" (URL Rewrite 2.0): behind a reverse proxy a redirect's Location may carry the internal address; an outbound rule on RESPONSE_Location replaces it"},
		lint.Source{Kind: lint.FromDocs, Ref: "Microsoft Azure Architecture Center, \"Preserve the original HTTP host name between a reverse proxy and its back-end web application\": a different host name at the backend breaks redirect URLs and cookies and can expose back-end URLs"},
		inferred("what reverseRewriteHostInResponseHeaders covers beyond Location (Set-Cookie domains) is not documented; the rule treats it as fixing Location")),
	Check: func(p *lint.Pass) {
		if hasLocationRule(p.Config) {
			return
		}
		for _, f := range p.Config.Farms {
			pr := &f.Protocol
			// A farm preserves the host unless told not to; alternateHostName
			// may name the host it sends instead, which arrfarm cannot judge.
			if !f.Enabled || !pr.Has("preserveHostHeader") || pr.PreserveHostHeader || pr.ReverseRewriteHostInResponseHeaders ||
				pr.Invalid("reverseRewriteHostInResponseHeaders") || strings.TrimSpace(pr.AlternateHostName) != "" || len(p.RoutesTo(f)) == 0 {
				continue
			}
			p.Report(schema.Finding{Span: pr.ValueSpan("preserveHostHeader"), Farm: f.Name, Related: farmDefined(f),
				Message: "farm " + q(f.Name) + " sends its servers' own names as the Host header (preserveHostHeader=\"false\") and rewrites " +
					"nothing back (reverseRewriteHostInResponseHeaders is off and no outbound rule rewrites RESPONSE_Location): " +
					"redirects the backends build send clients to the servers' internal addresses"})
		}
		px := &p.Config.Proxy
		if !px.Has("reverseRewriteHostInResponseHeaders") || px.ReverseRewriteHostInResponseHeaders || px.PreserveHostHeader || px.Invalid("preserveHostHeader") {
			return
		}
		for _, r := range p.Config.Rules {
			scheme, host, ok := r.Target()
			if !r.Enabled || !ok || !proxyScheme(scheme) || p.TargetFarm(r) != nil || strings.ContainsAny(host, "{}") {
				continue
			}
			p.Report(schema.Finding{Span: px.ValueSpan("reverseRewriteHostInResponseHeaders"),
				Related: []schema.Related{{Span: r.Action.ValueSpan("url"), Message: "rule " + q(r.Name) + " proxies to " + q(host) + " here"}},
				Message: "the global proxy sends the target's own name as the Host header (preserveHostHeader is off) and " +
					"reverseRewriteHostInResponseHeaders=\"false\" with no outbound rule on RESPONSE_Location: redirects from " + q(host) +
					" (rule " + q(r.Name) + ") send clients to that internal address"})
			return // one finding: the setting is one
		}
	},
}

// hasLocationRule reports whether an enabled outbound rule rewrites the
// Location response header, the fix Microsoft's walkthrough uses.
func hasLocationRule(c *schema.Config) bool {
	for _, o := range c.OutboundRules {
		if o.Enabled && strings.EqualFold(o.Match.ServerVariable, "RESPONSE_Location") && strings.EqualFold(o.Action.Type, "Rewrite") {
			return true
		}
	}
	return false
}
