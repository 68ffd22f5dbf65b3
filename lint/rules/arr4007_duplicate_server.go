package rules

import (
	"net"
	"strings"

	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

// DuplicateServer reports one backend listed twice under spellings that
// IIS keeps apart: a trailing dot, or a short name beside its fully
// qualified name. (Addresses that differ only in case are duplicate keys,
// which the loader reports.)
var DuplicateServer = &lint.Rule{
	ID:       "ARR4007",
	Slug:     "duplicate-server",
	Title:    "the same server listed twice with different spellings",
	Severity: lint.Warning,
	Doc: lint.Doc{
		Why: "`web01` and `web01.corp.local` (or `web01.corp.local.`) on the same ports most likely name the same " +
			"backend, but IIS treats them as two servers. That machine then gets twice its share of requests and health probes, and taking one " +
			"entry out of rotation leaves it in service.",
		Fix: "Remove one of the entries.",
		Bad: farmExample("", `<server address="web01.corp.local" />
<server address="web01" />
<server address="web02.corp.local" />
`+healthy),
		Good: farmExample("", `<server address="web01.corp.local" />
<server address="web02.corp.local" />
`+healthy),
	},
	Evidence: evidence(inferred("two entries with the same host and port reach one machine; IIS keys servers by the address text only")),
	Check: func(p *lint.Pass) {
		for _, f := range p.Config.Farms {
			for i, s := range f.Servers {
				for _, prev := range f.Servers[:i] {
					if sameHost(prev.Address, s.Address) && samePorts(prev, s) {
						p.Report(schema.Finding{Span: s.ValueSpan("address"), Farm: f.Name,
							Related: []schema.Related{{Span: prev.ValueSpan("address"), Message: "first listed here as " + q(prev.Address)}},
							Message: "server " + q(s.Address) + " is most likely server " + q(prev.Address) + " again, on the same ports: that machine gets twice its share of farm " +
								q(f.Name) + "'s requests and health probes"})
						break
					}
				}
			}
		}
	},
}

// samePorts reports whether a and b reach the same ports. One machine
// under two names with different ports is two backends (a documented
// pattern: several sites of one server in one farm).
func samePorts(a, b *schema.Server) bool {
	for _, attr := range []string{"httpPort", "httpsPort"} {
		if a.ARR.Invalid(attr) || b.ARR.Invalid(attr) {
			return false
		}
	}
	return a.ARR.HTTPPort == b.ARR.HTTPPort && a.ARR.HTTPSPort == b.ARR.HTTPSPort
}

// sameHost reports whether a and b name one host in different spellings:
// equal but for a trailing dot, or a short name and a name that starts
// with it. Spellings equal but for case are not counted: they are
// duplicate keys.
func sameHost(a, b string) bool {
	if strings.EqualFold(a, b) || net.ParseIP(a) != nil || net.ParseIP(b) != nil {
		return false
	}
	a, b = strings.ToLower(strings.TrimSuffix(a, ".")), strings.ToLower(strings.TrimSuffix(b, "."))
	if a == b {
		return true
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	return !strings.Contains(a, ".") && strings.HasPrefix(b, a+".")
}
