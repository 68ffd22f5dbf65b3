package rules

import (
	"strings"

	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

// ProxyDisabled reports rewrites to absolute URLs while the proxy section
// in the same file leaves the proxy off.
var ProxyDisabled = &lint.Rule{
	ID:       "ARR1007",
	Slug:     "proxy-disabled",
	Title:    "rules rewrite to absolute URLs but the proxy is not enabled",
	Severity: lint.Error,
	Doc: lint.Doc{
		Why: "Rewriting to `http://host/...` (a farm or any other host) forwards the request only when ARR's " +
			"proxy is enabled (`system.webServer/proxy/@enabled=\"true\"`, default false). With the proxy off, " +
			"IIS does not forward the request and clients get 404. The rule fires only when this file has the " +
			"proxy element, since it may be enabled elsewhere.",
		Fix: "Set `enabled=\"true\"` on the `proxy` element (IIS Manager: Application Request Routing Cache, " +
			"Server Proxy Settings, Enable proxy).",
		Bad:  strings.Replace(rulesExample(webFarm, webRule), `<proxy enabled="true" />`, `<proxy />`, 1),
		Good: rulesExample(webFarm, webRule),
	},
	Check: func(p *lint.Pass) {
		px := &p.Config.Proxy
		if !px.Present || px.Enabled || p.Config.Kind == schema.WebConfig {
			return
		}
		for _, r := range p.Config.Rules {
			scheme, _, ok := r.Target()
			if !r.Enabled || !ok || (scheme != "http" && scheme != "https") {
				continue
			}
			p.Report(schema.Finding{Span: r.Action.ValueSpan("url"),
				Related: []schema.Related{{Span: attrSpan(&px.Element, "enabled", px.Span), Message: "proxy not enabled here"}},
				Message: "rule " + q(r.Name) + " rewrites to " + q(r.Action.URL) + " but the ARR proxy is not enabled: IIS does not forward these requests and clients get 404"})
		}
	},
}
