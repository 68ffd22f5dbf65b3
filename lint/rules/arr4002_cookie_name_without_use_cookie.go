package rules

import (
	"github.com/arrfarm/arrfarm/lint"
)

// CookieNameWithoutUseCookie reports an affinity cookie name on a farm
// without cookie affinity.
var CookieNameWithoutUseCookie = &lint.Rule{
	ID:       "ARR4002",
	Slug:     "cookie-name-without-use-cookie",
	Title:    "affinity cookieName set while useCookie is false",
	Severity: lint.Info,
	Doc: lint.Doc{
		Why: "Setting the affinity cookie's name does not turn affinity on: `useCookie` does (default false). " +
			"Often the name is a harmless leftover from a time affinity was on; if the application keeps session " +
			"state in memory and expected affinity, its requests are spread over all servers and lose it.",
		Fix: "Add `useCookie=\"true\"` if the application needs affinity; otherwise remove `cookieName`.",
		Bad: farmExample("", servers2+arr(healthCheck+`<affinity cookieName="WebAffinity" />
`)),
		Good: farmExample("", servers2+arr(healthCheck+`<affinity useCookie="true" cookieName="WebAffinity" />
`)),
	},
	Evidence: evidence(srcARRSchema, lint.Source{Kind: lint.FromDocs, Ref: "Microsoft TechNet, ARR \"Server Affinity\" page (dd443543): useCookie turns client affinity on"}),
	Check: func(p *lint.Pass) {
		for _, f := range p.Config.Farms {
			a := &f.Affinity
			if !a.Has("cookieName") || a.UseCookie || a.Invalid("useCookie") {
				continue
			}
			p.Reportf(a.ValueSpan("cookieName"), f.Name,
				"affinity cookieName %q is set but useCookie is false: farm %q has no client affinity and each session's requests are spread over all servers",
				a.CookieName, f.Name)
		}
	},
}
