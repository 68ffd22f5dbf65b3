package rules

import (
	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

// ForwardedForDisabled notes an emptied X-Forwarded-For header name.
var ForwardedForDisabled = &lint.Rule{
	ID:       "ARR5002",
	Slug:     "forwarded-for-disabled",
	Title:    "the X-Forwarded-For header is switched off",
	Severity: lint.Info,
	Doc: lint.Doc{
		Why: "Behind ARR every request reaches the backend from the ARR server's address; the client's address " +
			"travels in `X-Forwarded-For`. An empty `xForwardedForHeaderName` stops ARR from sending it, so " +
			"backend logs, rate limits and IP allow-lists see only the ARR server.",
		Fix: "Remove `xForwardedForHeaderName=\"\"` (the default is `X-Forwarded-For`).",
		Bad: farmExample("", servers2+arr(healthCheck+`<protocol xForwardedForHeaderName="" />
`)),
		Good: farmExample("", servers2+arr(healthCheck+`<protocol xForwardedForHeaderName="X-Forwarded-For" />
`)),
	},
	Evidence: evidence(srcProxyPage, srcARRSchema),
	Check: func(p *lint.Pass) {
		check := func(e *schema.Element, name, farm, where string) {
			if e.Has("xForwardedForHeaderName") && name == "" {
				p.Reportf(e.ValueSpan("xForwardedForHeaderName"), farm,
					"xForwardedForHeaderName is empty on %s: backends no longer learn the client address, only the ARR server's", where)
			}
		}
		check(&p.Config.Proxy.Element, p.Config.Proxy.XForwardedForHeaderName, "", "the global proxy")
		for _, f := range p.Config.Farms {
			check(&f.Protocol.Element, f.Protocol.XForwardedForHeaderName, f.Name, "farm "+q(f.Name))
		}
	},
}
