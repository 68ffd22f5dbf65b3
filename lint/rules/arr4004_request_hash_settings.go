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
	Title:    "request hash settings that probably do not work as written",
	Severity: lint.Warning,
	Doc: lint.Doc{
		Why: "RequestHash hashes the URL, one server variable (`hashServerVariable`), or, with " +
			"`hashServerVariable=\"query_string\"`, the values of the query-string parameters in " +
			"`queryStringNames` (the mapping the community's xWebAdministration module uses). Parameter names " +
			"without the query-string variable are probably ignored. `hashServerVariable` takes one variable " +
			"name: a list such as `x1,x2` names no variable, and a name that is neither an IIS server variable nor " +
			"set by a rewrite rule of the file (`x`) is probably empty for every request, so every request hashes " +
			"alike and goes to one server. `query_string` without names is left alone: it plausibly hashes the " +
			"whole query string.",
		Fix: "Use `hashServerVariable=\"query_string\"` together with `queryStringNames=\"a,b\"`, or one server " +
			"variable that requests carry (`HTTP_X_TENANT` for a header, or one a rewrite rule sets).",
		Bad: farmExample("", servers2+arr(healthCheck+`<loadBalancing algorithm="RequestHash" queryStringNames="tenant" />
`)),
		Good: farmExample("", servers2+arr(healthCheck+`<loadBalancing algorithm="RequestHash" hashServerVariable="query_string" queryStringNames="tenant" />
`)),
	},
	Evidence: evidence(srcXWebfarm, srcLoadBalance, inferred("a server variable that no request has and no rule sets is empty, so every request hashes alike")),
	Check: func(p *lint.Pass) {
		set := map[string]bool{}
		for _, r := range p.Config.Rules {
			for _, sv := range r.ServerVariables {
				set[strings.ToUpper(sv.Name)] = true
			}
		}
		for _, f := range p.Config.Farms {
			lb := &f.LoadBalancing
			if lb.Algorithm != schema.RequestHash {
				continue
			}
			v := strings.TrimSpace(lb.HashServerVariable)
			qs := strings.EqualFold(v, "query_string")
			if strings.TrimSpace(lb.QueryStringNames) != "" && !qs {
				p.Reportf(lb.ValueSpan("queryStringNames"), f.Name,
					"queryStringNames %q of farm %q is probably ignored: it takes effect with hashServerVariable=\"query_string\"", lb.QueryStringNames, f.Name)
			}
			switch {
			case v == "" || qs:
			case strings.ContainsAny(v, ", ;"):
				p.Reportf(lb.ValueSpan("hashServerVariable"), f.Name,
					"hashServerVariable %q is one variable name, and no server variable is called that: every request of farm %q probably hashes the same empty value and goes to one server",
					lb.HashServerVariable, f.Name)
			case !schema.KnownServerVariable(v) && !set[strings.ToUpper(v)]:
				p.Report(schema.Finding{Span: lb.ValueSpan("hashServerVariable"), Farm: f.Name, Severity: lint.Info,
					Message: "hashServerVariable " + q(v) + " of farm " + q(f.Name) + " is not an IIS server variable (nor HTTP_<header>) and no rewrite rule of this file sets it: " +
						"if requests do not carry it, it is empty for all of them and they all hash to one server"})
			}
		}
	},
}
