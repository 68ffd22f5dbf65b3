package rules

import (
	"github.com/arrfarm/arrfarm/lint"
)

// AffinityWithoutHealthCheck reports cookie affinity on farms without a
// health check.
var AffinityWithoutHealthCheck = &lint.Rule{
	ID:       "ARR2007",
	Slug:     "affinity-without-health-check",
	Title:    "cookie affinity without a health check",
	Severity: lint.Info,
	Doc: lint.Doc{
		Why: "With client affinity (`useCookie=\"true\"`) each client sticks to one server. ARR most likely " +
			"re-balances a client only when its server is unavailable or unhealthy (not documented); with no URL " +
			"test, and the live-traffic test off (the schema's default period 0; Microsoft's walkthrough says it " +
			"runs by default), a dead server is never unhealthy, so its clients would keep getting 502.3 while the " +
			"rest of the farm is fine. `no-health-check` already warns about the missing health check; this note adds what it " +
			"means for pinned clients.",
		Fix: "Add a URL test (`healthCheck/@url`).",
		Bad: farmExample("", servers2+arr(`<affinity useCookie="true" />
`)),
		Good: farmExample("", servers2+arr(healthCheck+`<affinity useCookie="true" />
`)),
	},
	Evidence: evidence(lint.Source{Kind: lint.FromDocs, Ref: "Microsoft TechNet, ARR \"Server Affinity\" page (dd443543): client affinity pins a client to a server with a cookie"}, srcLiveDefault, inferred("ARR re-balances a pinned client only when its server is unavailable or unhealthy; not documented")),
	Check: func(p *lint.Pass) {
		for _, f := range p.Config.Farms {
			if !f.Enabled || !f.Affinity.UseCookie || hasURLTest(f) || hasLiveTest(f) {
				continue
			}
			p.Reportf(attrSpan(&f.Affinity.Element, "useCookie", farmSpan(f)), f.Name,
				"farm %q pins clients to servers with a cookie but has no URL test: unless the live-traffic test runs by default (Microsoft's walkthrough says so, the schema's default period 0 says not), when a server dies its clients probably keep getting 502.3",
				f.Name)
		}
	},
}
