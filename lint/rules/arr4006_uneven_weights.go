package rules

import (
	"slices"

	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

// UnevenWeights notes weight ratios of 10:1 or more.
var UnevenWeights = &lint.Rule{
	ID:       "ARR4006",
	Slug:     "uneven-weights",
	Title:    "server weights differ tenfold or more",
	Severity: lint.Info,
	Doc: lint.Doc{
		Why: "Weights are relative: only their ratio matters. A ratio of 10:1 or more puts almost all traffic on " +
			"the heavy servers, which become a hot spot and take the whole load when the light ones are there " +
			"only as a reserve. This is sometimes deliberate (a canary); often the weights were meant as " +
			"percentages of a different total.",
		Fix: "Check that the ratio is intended; weights 100/100 split evenly, 200/100 two to one.",
		Bad: farmExample("", `<server address="10.0.0.11">
  <applicationRequestRouting weight="1000" />
</server>
<server address="10.0.0.12">
  <applicationRequestRouting weight="10" />
</server>
`+healthy),
		Good: farmExample("", `<server address="10.0.0.11">
  <applicationRequestRouting weight="200" />
</server>
<server address="10.0.0.12">
  <applicationRequestRouting weight="100" />
</server>
`+healthy),
	},
	Evidence: evidence(srcLoadBalance),
	Check: func(p *lint.Pass) {
		for _, f := range p.Config.Farms {
			if !f.Enabled || f.LoadBalancing.Algorithm == schema.RequestHash {
				continue // weights-ignored covers it
			}
			servers := p.EnabledServers(f)
			if len(servers) < 2 {
				continue
			}
			if slices.ContainsFunc(servers, func(s *schema.Server) bool { return s.ARR.Invalid("weight") }) {
				continue // a default weight stands in for an invalid one
			}
			hi, lo := servers[0], servers[0]
			var total int64
			for _, s := range servers {
				total += s.ARR.Weight
				if s.ARR.Weight > hi.ARR.Weight {
					hi = s
				}
				if s.ARR.Weight < lo.ARR.Weight {
					lo = s
				}
			}
			if lo.ARR.Weight <= 0 || hi.ARR.Weight < 10*lo.ARR.Weight {
				continue
			}
			p.Report(schema.Finding{Span: attrSpan(&hi.ARR.Element, "weight", hi.ValueSpan("address")), Farm: f.Name,
				Related: []schema.Related{{Span: attrSpan(&lo.ARR.Element, "weight", lo.ValueSpan("address")), Message: "lightest server " + q(lo.Address) + " here"}},
				Message: "server " + q(hi.Address) + " gets " + percent(float64(hi.ARR.Weight)/float64(total)) + " of farm " + q(f.Name) +
					"'s requests (weights " + itoa(hi.ARR.Weight) + " against " + itoa(lo.ARR.Weight) + "): it is a hot spot, and the other " +
					others(len(servers)-1) + " " + percent(float64(total-hi.ARR.Weight)/float64(total)) + " together"})
		}
	},
}

// others is "server carries" or "N servers carry".
func others(n int) string {
	if n == 1 {
		return "server carries"
	}
	return itoa(int64(n)) + " servers carry"
}
