package rules

import (
	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

// WeightsIgnored reports server weights on a farm whose algorithm ignores
// them.
var WeightsIgnored = &lint.Rule{
	ID:       "ARR4003",
	Slug:     "weights-ignored",
	Title:    "server weights on a farm whose algorithm ignores them",
	Severity: lint.Info,
	Doc: lint.Doc{
		Why: "`weight` is documented for the weighted algorithms. With `RequestHash` a request goes to the server " +
			"its hash maps to; no source says whether the hash honours weights, and a community test suite " +
			"(xWebAdministration) assumes it does not. If it does not, a server given a small weight because it is " +
			"smaller still gets an equal share of the hash space and may overload. A note, since the behaviour is " +
			"not documented.",
		Fix: "Remove the weights, or balance with `WeightedRoundRobin` if the weights matter.",
		Bad: farmExample("", `<server address="10.0.0.11">
  <applicationRequestRouting weight="200" />
</server>
<server address="10.0.0.12" />
`+arr(healthCheck+`<loadBalancing algorithm="RequestHash" />
`)),
		Good: farmExample("", `<server address="10.0.0.11">
  <applicationRequestRouting weight="200" />
</server>
<server address="10.0.0.12" />
`+arr(healthCheck+`<loadBalancing algorithm="WeightedRoundRobin" />
`)),
	},
	Evidence: evidence(srcXWebfarm, inferred("RequestHash maps requests by hash; no source says whether it weighs servers")),
	Check: func(p *lint.Pass) {
		for _, f := range p.Config.Farms {
			if f.LoadBalancing.Algorithm != schema.RequestHash {
				continue
			}
			for _, s := range f.Servers {
				if s.ARR.Has("weight") {
					p.Report(schema.Finding{Span: s.ARR.ValueSpan("weight"), Farm: f.Name,
						Related: []schema.Related{{Span: f.LoadBalancing.ValueSpan("algorithm"), Message: "RequestHash chosen here"}},
						Message: "server " + q(s.Address) + " has a weight, but farm " + q(f.Name) +
							" balances with RequestHash, which probably ignores weights (not documented): the server may get an equal share of the hash space regardless"})
				}
			}
		}
	},
}
