package rules

import (
	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

// UnsupportedAlgorithm notes the algorithms a 2019 ARR 3 schema comment
// calls unsupported.
var UnsupportedAlgorithm = &lint.Rule{
	ID:       "ARR4001",
	Slug:     "unsupported-algorithm",
	Title:    "a load-balancing algorithm the ARR 3 schema calls unsupported",
	Severity: lint.Info,
	Doc: lint.Doc{
		Why: "A comment in the ARR 3 schema (2019) says `LeastRequests`, `LeastResponseTime` and " +
			"`WeightedTotalTraffic` are no longer supported and fall back to `WeightedRoundRobin`. That comment is " +
			"the only source: IIS Manager still offers \"Least current request\" and the other two, and Microsoft's " +
			"Load Balance page describes them. If the comment is right, a farm that relies on least-requests to " +
			"steer around a slow server does not get it: the slow server keeps its full share and its requests " +
			"queue up and time out (502.3). Which one your ARR build does is not known, so this is a note; " +
			"`arrfarm simulate` runs such a farm as WeightedRoundRobin by default and `simulate --assumptions` " +
			"shows it both ways (`arr.legacyAlgorithms`).",
		Fix: "To depend on no disputed behaviour, use `WeightedRoundRobin` (with weights) or `RequestHash`, and a " +
			"health check for slow servers.",
		Bad: farmExample("", servers2+arr(healthCheck+`<loadBalancing algorithm="LeastRequests" />
`)),
		Good: farmExample("", servers2+arr(healthCheck+`<loadBalancing algorithm="WeightedRoundRobin" />
`)),
	},
	Evidence: evidence(lint.Source{Kind: lint.FromSchema, Ref: "arr_schema.xml comment (2019): LeastRequests, LeastResponseTime and WeightedTotalTraffic are no longer supported and fall back to WeightedRoundRobin"},
		lint.Source{Kind: lint.FromDocs, Ref: "Microsoft TechNet, ARR \"Load Balance\" page (dd443524), and IIS Manager's Load Balance dialog: still offer Least current request, Least response time and Weighted total traffic"}),
	Check: func(p *lint.Pass) {
		for _, f := range p.Config.Farms {
			switch a := f.LoadBalancing.Algorithm; a {
			case schema.LeastRequests, schema.LeastResponseTime, schema.WeightedTotalTraffic:
				p.Reportf(f.LoadBalancing.ValueSpan("algorithm"), f.Name,
					"load-balancing algorithm %q: the ARR 3 schema comment says it is no longer supported and farm %q is balanced with WeightedRoundRobin instead, "+
						"while IIS Manager and older documentation still offer it; which your ARR build does is not documented (simulate --assumptions shows both)", a, f.Name)
			}
		}
	},
}
