package rules

import (
	"fmt"

	"github.com/arrfarm/arrfarm/latency"
	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

// TimeoutBelowLatency compares each farm's effective proxy timeout with the
// backend latency a latency source reports.
var TimeoutBelowLatency = &lint.Rule{
	ID:       "ARR3001",
	Slug:     "timeout-below-latency",
	Title:    "the farm's proxy timeout is below the backends' tail latency",
	Severity: lint.Error,
	Latency:  true,
	Doc: lint.Doc{
		Why: "ARR gives up on a backend request after the farm's `protocol/@timeout` (default 30 seconds) and " +
			"answers 502.3 / 12002, while the backend may still finish the work. When the timeout is below the " +
			"backends' 99th percentile latency, more than 1% of requests fail that way (error); below the " +
			"99.9th percentile, more than 0.1% (warning). Needs `--latency` with a scenario file (its latency " +
			"models give the percentiles), or backend IIS logs (their time-taken, Kaplan-Meier when an ARR server's log is censored at the timeout). The farm's timeout is what counts, not the " +
			"global proxy timeout.",
		Fix: "Raise `applicationRequestRouting/protocol/@timeout` above the p99.9 latency (`arrfarm recommend` " +
			"computes a value from the target 502.3 rate), or make the slow requests faster.",
		Bad: farmExample("", servers2+arr(healthCheck+`<protocol timeout="00:00:01" />
`)),
		Good: farmExample("", servers2+arr(healthCheck+`<protocol timeout="00:00:30" />
`)),
	},
	Evidence: evidence(src502Article),
	Check: func(p *lint.Pass) {
		for _, f := range p.Config.Farms {
			if !f.Enabled || len(p.EnabledServers(f)) == 0 || f.Protocol.Invalid("timeout") {
				continue
			}
			t := f.Protocol.Timeout
			span := attrSpan(&f.Protocol.Element, "timeout", farmSpan(f))
			for _, src := range p.Latency {
				d, ok := src.Farm(p.Config, f)
				if !ok {
					if m, scoped := src.(*latency.Models); scoped && m.FarmName != "" {
						continue // a scenario about another farm
					}
					p.Report(schema.Finding{Span: farmSpan(f), Farm: f.Name, Severity: lint.Warning, Message: fmt.Sprintf(
						"latency source %s has no samples for farm %q, so its timeout was not compared with latency",
						src.Name(), f.Name)})
					continue
				}
				share := d.Exceed(t)
				if p99 := d.Quantile(0.99); t < p99 {
					p.Report(schema.Finding{Span: span, Farm: f.Name, Severity: lint.Error, Message: fmt.Sprintf(
						"farm %q times out after %s, below the backends' p99 latency of %s (%s): about %s of its requests get 502.3 / 12002",
						f.Name, dur(t), dur(p99.Round(msRound(p99))), src.Name(), percent(share))})
				} else if p999 := d.Quantile(0.999); t < p999 {
					p.Report(schema.Finding{Span: span, Farm: f.Name, Severity: lint.Warning, Message: fmt.Sprintf(
						"farm %q times out after %s, below the backends' p99.9 latency of %s (%s): about %s of its requests get 502.3 / 12002",
						f.Name, dur(t), dur(p999.Round(msRound(p999))), src.Name(), percent(share))})
				}
			}
		}
	},
}
