package rules

import (
	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

// XFFIncludesPort notes that ARR appends the client's port to
// X-Forwarded-For, for backends that read the header as a bare address.
var XFFIncludesPort = &lint.Rule{
	ID:       "ARR5003",
	Slug:     "xff-includes-port",
	Title:    "the X-Forwarded-For header carries the client port",
	Severity: lint.Info,
	Optional: true,
	Doc: lint.Doc{
		Why: "By default (`includePortInXForwardedFor=\"true\"`) ARR sends the client's address with its TCP port, " +
			"`203.0.113.7:49152`, in `X-Forwarded-For`. Backends and libraries that expect a bare IP address there " +
			"(IP allow-lists, rate limiters, geo lookups, some forwarded-header middleware) then fail to parse it, " +
			"or treat every request as coming from an unknown address. Turning it off loses the port, which only " +
			"matters to backends that log or use it. arrfarm cannot see what the backends parse, so the rule is " +
			"optional: enable it (`--enable xff-includes-port`) when yours expect a bare address.",
		Fix: "Set `includePortInXForwardedFor=\"false\"` on the farm's `protocol` element (farm routes) and on " +
			"`system.webServer/proxy` (plain reverse-proxy rules).",
		Bad: farmExample("", servers2+healthy),
		Good: farmExample("", servers2+arr(healthCheck+`<protocol includePortInXForwardedFor="false" />
`)),
	},
	Evidence: evidence(srcARRSchema, lint.Source{Kind: lint.FromDocs, Ref: "Microsoft, \"Troubleshooting 502 errors in ARR\": a FREB trace of a forwarded request shows X-Forwarded-For as 192.168.0.204:49247"},
		inferred("which backends parse the header as a bare address is known only to their owners")),
	Check: func(p *lint.Pass) {
		check := func(e *schema.Element, s *schema.ProxySettings, farm, where string, fallback schema.Span) {
			if !s.IncludePortInXForwardedFor || s.XForwardedForHeaderName == "" || e.Invalid("includePortInXForwardedFor") {
				return
			}
			p.Reportf(attrSpan(e, "includePortInXForwardedFor", fallback), farm,
				"%s sends the client's address with its port in %s (\"203.0.113.7:49152\"): backends that parse it as a bare IP address fail; "+
					"includePortInXForwardedFor=\"false\" sends the address alone", where, s.XForwardedForHeaderName)
		}
		px := &p.Config.Proxy
		if px.Present && px.Enabled {
			for _, r := range p.Config.Rules {
				if scheme, _, ok := r.Target(); r.Enabled && ok && proxyScheme(scheme) && p.TargetFarm(r) == nil {
					check(&px.Element, &px.ProxySettings, "", "the global proxy (used by rule "+q(r.Name)+")", px.Span)
					break
				}
			}
		}
		for _, f := range p.Config.Farms {
			if f.Enabled && len(p.RoutesTo(f)) > 0 {
				check(&f.Protocol.Element, &f.Protocol.ProxySettings, f.Name, "farm "+q(f.Name), farmSpan(f))
			}
		}
	},
}
