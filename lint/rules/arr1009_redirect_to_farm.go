package rules

import (
	"strings"

	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

// RedirectToFarm reports Redirect actions whose host is a farm name.
var RedirectToFarm = &lint.Rule{
	ID:       "ARR1009",
	Slug:     "redirect-to-farm",
	Title:    "a rule redirects clients to a farm name",
	Severity: lint.Warning,
	Doc: lint.Doc{
		Why: "A farm name such as `web` is a host name only ARR knows. A `Redirect` action sends the URL to the " +
			"browser, which then looks the name up in DNS and most likely fails: the client sees a connection error " +
			"instead of the page. Routing to a farm needs a `Rewrite` action. Farms named after a public host name " +
			"(`www.contoso.com`) are left alone: redirecting there, as the usual HTTP-to-HTTPS rule does, is right.",
		Fix: "Use `type=\"Rewrite\"` to route to the farm, or redirect to the public host name.",
		Bad: rulesExample(webFarm, `<rule name="ARR_web_loadbalance" patternSyntax="Wildcard" stopProcessing="true">
  <match url="*" />
  <action type="Redirect" url="http://web/{R:0}" />
</rule>
`),
		Good: rulesExample(webFarm, webRule),
	},
	Evidence: evidence(srcDefineFarm, inferred("a farm name without a dot is unlikely to be in public DNS, so a browser sent there fails")),
	Check: func(p *lint.Pass) {
		for _, r := range p.Config.Rules {
			if !r.Enabled || r.Action.Type != "Redirect" {
				continue
			}
			_, host, _, ok := urlHost(r.Action.URL)
			if !ok {
				continue
			}
			if strings.Contains(host, ".") {
				// A farm named after the public host name (www.contoso.com)
				// is common; redirecting to that name is the canonical
				// HTTPS redirect, not a mistake.
				continue
			}
			for _, f := range p.Config.Farms {
				if strings.EqualFold(f.Name, host) {
					p.Report(schema.Finding{Span: r.Action.ValueSpan("type"), Farm: f.Name, Related: farmDefined(f),
						Message: "rule " + q(r.Name) + " redirects clients to " + q(r.Action.URL) + ", but " + q(f.Name) +
							" is a farm name, which browsers probably cannot resolve (a name without a dot is rarely in public DNS); use type=\"Rewrite\" to route to the farm"})
					break
				}
			}
		}
	},
}
