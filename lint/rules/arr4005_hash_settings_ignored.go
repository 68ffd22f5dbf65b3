package rules

import (
	"github.com/arrfarm/arrfarm/lint"
)

// HashSettingsIgnored reports RequestHash settings on farms balanced
// another way.
var HashSettingsIgnored = &lint.Rule{
	ID:       "ARR4005",
	Slug:     "hash-settings-ignored",
	Title:    "hash settings on a farm not balanced by RequestHash",
	Severity: lint.Info,
	Doc: lint.Doc{
		Why: "`hashServerVariable` and `queryStringNames` take effect only with `algorithm=\"RequestHash\"`. On " +
			"a farm balanced another way requests are not pinned by the hash, so caches and sessions keyed on it " +
			"are spread over all servers. A dead setting harms nothing by itself (like a cookie name without " +
			"useCookie), so this is a note: it matters only if the pinning was wanted.",
		Fix: "Set `algorithm=\"RequestHash\"` if requests must be pinned by the hash; otherwise remove the settings.",
		Bad: farmExample("", servers2+arr(healthCheck+`<loadBalancing hashServerVariable="HTTP_X_TENANT" />
`)),
		Good: farmExample("", servers2+arr(healthCheck+`<loadBalancing algorithm="RequestHash" hashServerVariable="HTTP_X_TENANT" />
`)),
	},
	Evidence: evidence(srcLoadBalance, srcARRSchema),
	Check: func(p *lint.Pass) {
		for _, f := range p.Config.Farms {
			lb := &f.LoadBalancing
			if lb.Algorithm == "RequestHash" || lb.Invalid("algorithm") {
				continue
			}
			for _, attr := range []string{"hashServerVariable", "queryStringNames"} {
				if lb.Has(attr) {
					p.Reportf(lb.ValueSpan(attr), f.Name,
						"%s has no effect: farm %q balances with %s, not RequestHash, so requests are not pinned by the hash",
						attr, f.Name, lb.Algorithm)
				}
			}
		}
	},
}
