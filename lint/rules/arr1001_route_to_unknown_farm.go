package rules

import (
	"net"
	"strings"

	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

// RouteToUnknownFarm reports rewrite targets that look like a farm name
// but are not one of the file's farms.
var RouteToUnknownFarm = &lint.Rule{
	ID:       "ARR1001",
	Slug:     "route-to-unknown-farm",
	Title:    "a rewrite rule targets a farm this file does not define",
	Severity: lint.Error,
	Doc: lint.Doc{
		Why: "ARR routes a request to a farm when a rewrite rule's URL host is the farm's name " +
			"(`http://web/{R:0}`). When the host is not a farm, ARR proxies to it as an ordinary host name: " +
			"a typo in the farm name, or a bare name that no DNS server knows, makes every request the rule " +
			"matches fail with 502.3 (win32 12007, name not resolved). The rule fires only when the file defines " +
			"farms, and only for hosts close to a farm name or without a dot.",
		Fix: "Use the farm's exact name as the URL host, or a fully qualified host name for a plain reverse proxy.",
		Bad: rulesExample(webFarm, `<rule name="ARR_web_loadbalance" patternSyntax="Wildcard" stopProcessing="true">
  <match url="*" />
  <action type="Rewrite" url="http://wbe/{R:0}" />
</rule>
`),
		Good: rulesExample(webFarm, webRule),
	},
	Check: func(p *lint.Pass) {
		if len(p.Config.Farms) == 0 {
			return
		}
		for _, r := range p.Config.Rules {
			scheme, host, ok := r.Target()
			if !r.Enabled || !ok || (scheme != "http" && scheme != "https") || p.TargetFarm(r) != nil ||
				strings.ContainsAny(host, "{}") {
				continue
			}
			span := r.Action.ValueSpan("url")
			if f := closestFarm(p.Config, host); f != nil {
				p.Report(schema.Finding{Span: span, Farm: f.Name, Related: farmDefined(f),
					Message: "rule " + q(r.Name) + " sends requests to host " + q(host) + ", which is not a farm (did you mean farm " +
						q(f.Name) + "?): ARR proxies them to a host of that name, and where none resolves every request gets 502.3 / 12007"})
				continue
			}
			if !strings.Contains(host, ".") && !isLoopback(host) && net.ParseIP(strings.Trim(host, "[]")) == nil {
				p.Reportf(span, "", "rule %q sends requests to %q, which is neither a farm of this file nor a fully qualified host: "+
					"ARR looks it up as a host name and, where it does not resolve, every request gets 502.3 / 12007", r.Name, host)
			}
		}
	},
}

// closestFarm returns the farm whose name is within a typo of host.
func closestFarm(cfg *schema.Config, host string) *schema.Farm {
	var best *schema.Farm
	bestD := 0
	h := strings.ToLower(host)
	for _, f := range cfg.Farms {
		n := strings.ToLower(f.Name)
		limit := max(1, min(3, len(n)/4))
		if d := lint.EditDistance(h, n); d <= limit && (best == nil || d < bestD) {
			best, bestD = f, d
		}
	}
	return best
}
