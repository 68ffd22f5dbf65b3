package rules

import (
	"strings"

	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

// RequestHashSettings reports RequestHash settings that cannot work: a
// query-string hash without parameter names, parameter names without the
// query-string hash, a list where one server variable belongs.
var RequestHashSettings = &lint.Rule{
	ID:       "ARR4004",
	Slug:     "request-hash-settings",
	Title:    "request hash settings that cannot work as written",
	Severity: lint.Warning,
	Doc: lint.Doc{
		Why: "RequestHash hashes the URL, one server variable (`hashServerVariable`), or, with " +
			"`hashServerVariable=\"query_string\"`, the values of the query-string parameters in " +
			"`queryStringNames`. Names without the query-string variable are ignored; the query-string variable " +
			"without names has nothing to hash; `hashServerVariable` takes one variable name, so a list such as " +
			"`x1,x2` names a variable that does not exist and every request hashes to the same server.",
		Fix: "Use `hashServerVariable=\"query_string\"` together with `queryStringNames=\"a,b\"`, or one existing " +
			"server variable on its own.",
		Bad: farmExample("", servers2+arr(healthCheck+`<loadBalancing algorithm="RequestHash" queryStringNames="tenant" />
`)),
		Good: farmExample("", servers2+arr(healthCheck+`<loadBalancing algorithm="RequestHash" hashServerVariable="query_string" queryStringNames="tenant" />
`)),
	},
	Check: func(p *lint.Pass) {
		for _, f := range p.Config.Farms {
			lb := &f.LoadBalancing
			if lb.Algorithm != schema.RequestHash {
				continue
			}
			qs := strings.EqualFold(lb.HashServerVariable, "query_string")
			names := strings.TrimSpace(lb.QueryStringNames) != ""
			switch {
			case qs && !names:
				p.Reportf(lb.ValueSpan("hashServerVariable"), f.Name,
					"farm %q hashes on query_string but lists no queryStringNames: there are no parameter values to hash, so requests are not spread by query string", f.Name)
			case names && !qs:
				p.Reportf(lb.ValueSpan("queryStringNames"), f.Name,
					"queryStringNames %q of farm %q is ignored: it takes effect only with hashServerVariable=\"query_string\"", lb.QueryStringNames, f.Name)
			}
			if strings.ContainsAny(lb.HashServerVariable, ", ;") {
				p.Reportf(lb.ValueSpan("hashServerVariable"), f.Name,
					"hashServerVariable %q is one variable name, and no server variable is called that: every request of farm %q hashes the same empty value and goes to one server",
					lb.HashServerVariable, f.Name)
			}
		}
	},
}
