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
	Title:    "a rewrite rule targets what looks like a mistyped farm name",
	Severity: lint.Warning,
	Doc: lint.Doc{
		Why: "ARR routes a request to a farm when a rewrite rule's URL host is the farm's name " +
			"(`http://web/{R:0}`). A host that is not a farm is proxied as an ordinary host name, which is " +
			"legitimate: Microsoft's reverse-proxy walkthrough rewrites to single-label intranet hosts such as " +
			"`http://webmail/`. So the rule fires only on hosts that look like a mistyped farm: a name without a dot " +
			"within a small edit distance of one of the file's farms, or a name without a dot while a farm of the " +
			"file receives no route at all and either the rule's name mentions that farm (`ARR_<farm>_loadbalance`) " +
			"or the name cannot be a host name (an underscore, as in a `LOCAL_SERVERS` placeholder). What then happens depends on name resolution: where the name does " +
			"not resolve, every request the rule matches gets 502.3 (win32 12007, name not resolved); where it " +
			"does, requests go to that host instead of the farm.",
		Fix: "Use the farm's exact name as the URL host. If the host is meant (an intranet server), nothing needs " +
			"changing; a fully qualified name makes that plain.",
		Bad: rulesExample(webFarm, `<rule name="ARR_web_loadbalance" patternSyntax="Wildcard" stopProcessing="true">
  <match url="*" />
  <action type="Rewrite" url="http://wbe/{R:0}" />
</rule>
`),
		Good: rulesExample(webFarm, webRule),
	},
	Evidence: evidence(srcDefineFarm, srcReverseProxy, src502Article, inferred("a host that is not a farm is proxied as a host name; whether it resolves decides between a working proxy and 502.3 / 12007")),
	Check: func(p *lint.Pass) {
		if len(p.Config.Farms) == 0 {
			return
		}
		var unrouted []*schema.Farm
		for _, f := range p.Config.Farms {
			if f.Enabled && len(p.RoutesTo(f)) == 0 {
				unrouted = append(unrouted, f)
			}
		}
		for _, r := range p.Config.Rules {
			scheme, host, ok := r.Target()
			if !r.Enabled || !ok || !proxyScheme(scheme) || p.TargetFarm(r) != nil ||
				strings.ContainsAny(host, "{}.") || isLoopback(host) || net.ParseIP(strings.Trim(host, "[]")) != nil {
				continue
			}
			span := r.Action.ValueSpan("url")
			if f := closestFarm(p.Config, host); f != nil {
				p.Report(schema.Finding{Span: span, Farm: f.Name, Related: farmDefined(f),
					Message: "rule " + q(r.Name) + " sends requests to host " + q(host) + ", which is not a farm of this configuration (did you mean farm " +
						q(f.Name) + "?): ARR proxies them to a host of that name instead, and where the name does not resolve every request gets 502.3 / 12007"})
				continue
			}
			if f := meantFarm(r, host, unrouted); f != nil {
				p.Report(schema.Finding{Span: span, Farm: f.Name, Related: farmDefined(f),
					Message: "rule " + q(r.Name) + " sends requests to host " + q(host) + ", which is not a farm of this configuration, while farm " + q(f.Name) +
						" gets no requests from any rule: if the rule is meant for that farm, use its name; otherwise ARR proxies to a host called " + q(host) +
						", and where that name does not resolve every request gets 502.3 / 12007"})
			}
		}
	},
}

// meantFarm returns the farm among unrouted (enabled farms no rule
// routes to) that rule r, rewriting to host, was probably meant for: the
// farm its name mentions (IIS Manager names it ARR_<farm>_loadbalance), or,
// when host cannot be a host name at all (an underscore, as in a
// LOCAL_SERVERS placeholder), the first. A plain intranet name next to an
// unrelated unrouted farm (Microsoft's http://webmail/ pattern) is nil.
func meantFarm(r *schema.Rule, host string, unrouted []*schema.Farm) *schema.Farm {
	name := strings.ToLower(r.Name)
	for _, f := range unrouted {
		if n := strings.ToLower(f.Name); len(n) > 1 && strings.Contains(name, n) {
			return f
		}
	}
	if len(unrouted) > 0 && strings.Contains(host, "_") {
		return unrouted[0]
	}
	return nil
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
