package rules

import (
	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

// UnsupportedAlgorithm reports the algorithms ARR 3 no longer supports.
var UnsupportedAlgorithm = &lint.Rule{
	ID:       "ARR4001",
	Slug:     "unsupported-algorithm",
	Title:    "a load-balancing algorithm ARR 3 no longer supports",
	Severity: lint.Warning,
	Doc: lint.Doc{
		Why: "The ARR 3 schema keeps `LeastRequests`, `LeastResponseTime` and `WeightedTotalTraffic` only so " +
			"that old configurations load; ARR balances such farms with `WeightedRoundRobin` instead. A farm that " +
			"relies on least-requests to steer around a slow server does not get it: the slow server keeps its " +
			"full share and its requests queue up and time out (502.3).",
		Fix: "Use `WeightedRoundRobin` (with weights) or `RequestHash`, and a health check for slow servers.",
		Bad: farmExample("", servers2+arr(healthCheck+`<loadBalancing algorithm="LeastRequests" />
`)),
		Good: farmExample("", servers2+arr(healthCheck+`<loadBalancing algorithm="WeightedRoundRobin" />
`)),
	},
	Evidence: evidence(lint.Source{Kind: lint.FromSchema, Ref: "arr_schema.xml comment: LeastRequests, LeastResponseTime and WeightedTotalTraffic are no longer supported and fall back to WeightedRoundRobin"}),
	Check: func(p *lint.Pass) {
		for _, f := range p.Config.Farms {
			switch a := f.LoadBalancing.Algorithm; a {
			case schema.LeastRequests, schema.LeastResponseTime, schema.WeightedTotalTraffic:
				p.Reportf(f.LoadBalancing.ValueSpan("algorithm"), f.Name,
					"load-balancing algorithm %q is no longer supported by ARR 3: farm %q is balanced with WeightedRoundRobin instead", a, f.Name)
			}
		}
	},
}
