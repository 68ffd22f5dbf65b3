package rules

import (
	"fmt"
	"strings"

	"github.com/arrfarm/arrfarm/latency"
	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

// PlainProxyTimeoutBelowLatency reports plain reverse-proxy rules whose
// backend, by a latency source, is slower than the global proxy timeout
// that bounds them.
var PlainProxyTimeoutBelowLatency = &lint.Rule{
	ID:       "ARR3003",
	Slug:     "plain-proxy-timeout-below-latency",
	Title:    "the global proxy timeout is below a plain backend's latency",
	Severity: lint.Error,
	Latency:  true,
	Doc: lint.Doc{
		Why: "A rule that rewrites to a plain URL (not a farm) is bounded by the global " +
			"`system.webServer/proxy/@timeout` (default 2 minutes); farms have their own. When that backend's " +
			"99th percentile latency is above the global timeout, more than 1% of the rule's requests end in 502.3 / " +
			"12002 (error); above its 99.9th percentile, more than 0.1% (warning). The latency comes from a " +
			"scenario given with `--latency` whose `servers` section names the rule's host (the examples assume " +
			"one that gives `reports.corp.local` a p99 of 3 minutes).",
		Fix: "Raise `system.webServer/proxy/@timeout` above the backend's p99.9 latency, or route the backend " +
			"through a farm with its own `protocol/@timeout`.",
		Bad:  plainProxyExample,
		Good: strings.Replace(plainProxyExample, `<proxy enabled="true" />`, `<proxy enabled="true" timeout="00:30:00" />`, 1),
	},
	Evidence: evidence(src502Article,
		lint.Source{Kind: lint.FromCommunity, Ref: "502.3 troubleshooting articles raise system.webServer/proxy/@timeout for plain reverse-proxy rules"}),
	Check: func(p *lint.Pass) {
		px := &p.Config.Proxy
		if px.Invalid("timeout") {
			return
		}
		t := px.Timeout
		for _, r := range p.Config.Rules {
			scheme, host, ok := r.Target()
			if !r.Enabled || !ok || !proxyScheme(scheme) || p.TargetFarm(r) != nil {
				continue
			}
			for _, src := range p.Latency {
				d, ok := hostLatency(src, host)
				if !ok {
					continue
				}
				share := d.Exceed(t)
				if p99 := d.Quantile(0.99); t < p99 {
					p.Report(schema.Finding{Span: r.Action.ValueSpan("url"), Severity: lint.Error, Message: fmt.Sprintf(
						"rule %q proxies to %s, whose p99 latency is %s (%s), but the global proxy timeout that bounds it is %s: about %s of its requests get 502.3 / 12002",
						r.Name, host, dur(p99.Round(msRound(p99))), src.Name(), dur(t), percent(share))})
				} else if p999 := d.Quantile(0.999); t < p999 {
					p.Report(schema.Finding{Span: r.Action.ValueSpan("url"), Severity: lint.Warning, Message: fmt.Sprintf(
						"rule %q proxies to %s, whose p99.9 latency is %s (%s), but the global proxy timeout that bounds it is %s: about %s of its requests get 502.3 / 12002",
						r.Name, host, dur(p999.Round(msRound(p999))), src.Name(), dur(t), percent(share))})
				}
			}
		}
	},
}

// hostLatency is what a latency source says about one backend host: a
// scenario's per-server model for that address. Other sources describe
// farms only.
func hostLatency(src lint.LatencySource, host string) (latency.Distribution, bool) {
	m, ok := src.(*latency.Models)
	if !ok {
		return nil, false
	}
	for addr, l := range m.Servers {
		if strings.EqualFold(addr, host) && l.Kind != latency.None {
			return l, true
		}
	}
	return nil, false
}

// plainProxyExample has one plain reverse-proxy rule to reports.corp.local.
const plainProxyExample = `<configuration>
  <system.webServer>
    <proxy enabled="true" />
    <rewrite>
      <globalRules>
        <rule name="reports" stopProcessing="true">
          <match url="^reports/(.*)" />
          <action type="Rewrite" url="http://reports.corp.local/{R:1}" />
        </rule>
      </globalRules>
    </rewrite>
  </system.webServer>
</configuration>
`
