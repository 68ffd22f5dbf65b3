package rules

import (
	"strings"

	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

// DuplicateServer reports one backend listed twice under spellings that
// differ only in case or a trailing dot (exact duplicates are duplicate-key).
var DuplicateServer = &lint.Rule{
	ID:       "ARR4007",
	Slug:     "duplicate-server",
	Title:    "the same server listed twice with different spellings",
	Severity: lint.Warning,
	Doc: lint.Doc{
		Why: "Host names are case-insensitive, so `Web01` and `web01` are the same machine; IIS still treats them " +
			"as two servers. That server then gets twice its share of requests and of health probes, and taking " +
			"one entry out of rotation leaves the machine in service.",
		Fix: "Remove one of the entries.",
		Bad: farmExample("", `<server address="web01.corp.local" />
<server address="WEB01.corp.local" />
<server address="web02.corp.local" />
`+healthy),
		Good: farmExample("", `<server address="web01.corp.local" />
<server address="web02.corp.local" />
`+healthy),
	},
	Check: func(p *lint.Pass) {
		for _, f := range p.Config.Farms {
			first := map[string]*schema.Server{}
			for _, s := range f.Servers {
				k := strings.TrimSuffix(strings.ToLower(s.Address), ".")
				if prev, ok := first[k]; ok && prev.Address != s.Address {
					p.Report(schema.Finding{Span: s.ValueSpan("address"), Farm: f.Name,
						Related: []schema.Related{{Span: prev.ValueSpan("address"), Message: "first listed here as " + q(prev.Address)}},
						Message: "server " + q(s.Address) + " is server " + q(prev.Address) + " again (host names ignore case): it gets twice its share of farm " +
							q(f.Name) + "'s requests and health probes"})
					continue
				}
				if _, ok := first[k]; !ok {
					first[k] = s
				}
			}
		}
	},
}
