package rules

import (
	"path/filepath"
	"strings"

	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

// ProxyDisabled reports rewrites to absolute URLs while the proxy is off:
// the file's proxy section leaves it off, or the file is a whole
// applicationHost.config without one (the section lives nowhere else).
var ProxyDisabled = &lint.Rule{
	ID:       "ARR1007",
	Slug:     "proxy-disabled",
	Title:    "rules rewrite to absolute URLs but the proxy is not enabled",
	Severity: lint.Error,
	Doc: lint.Doc{
		Why: "Rewriting to `http://host/...` (a farm or any other host) forwards the request only when ARR's " +
			"proxy is enabled (`system.webServer/proxy/@enabled=\"true\"`, default false). With the proxy off, " +
			"IIS does not forward the request and clients get 404. The rule fires when this file has the proxy " +
			"element, or when the file is an applicationHost.config, where a missing element means the proxy is " +
			"off; a snippet or another file may leave it to applicationHost.config.",
		Fix: "Set `enabled=\"true\"` on the `proxy` element (IIS Manager: Application Request Routing Cache, " +
			"Server Proxy Settings, Enable proxy).",
		Bad:  strings.Replace(rulesExample(webFarm, webRule), `<proxy enabled="true" />`, `<proxy />`, 1),
		Good: rulesExample(webFarm, webRule),
	},
	Evidence: evidence(srcReverseProxy, srcARRSchema, inferred("with the proxy off IIS does not forward the rewrite; clients probably see 404")),
	Check: func(p *lint.Pass) {
		px := &p.Config.Proxy
		wholeAppHost := strings.EqualFold(filepath.Base(p.Config.File), "applicationHost.config")
		if px.Enabled || px.Invalid("enabled") || p.Config.Kind == schema.WebConfig || !(px.Present || wholeAppHost) {
			return
		}
		where := []schema.Related{{Span: attrSpan(&px.Element, "enabled", px.Span), Message: "proxy not enabled here"}}
		if !px.Present {
			where = nil // no proxy element to point at
		}
		for _, r := range p.Config.Rules {
			scheme, _, ok := r.Target()
			if !r.Enabled || !ok || !proxyScheme(scheme) {
				continue
			}
			p.Report(schema.Finding{Span: r.Action.ValueSpan("url"),
				Related: where,
				Message: "rule " + q(r.Name) + " rewrites to " + q(r.Action.URL) + " but the ARR proxy is not enabled: IIS does not forward these requests and clients get 404"})
		}
	},
}
