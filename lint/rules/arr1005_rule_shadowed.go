package rules

import (
	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

// RuleShadowed reports rules that can never run because an earlier rule
// of the same list matches every request and stops processing.
var RuleShadowed = &lint.Rule{
	ID:       "ARR1005",
	Slug:     "rule-shadowed",
	Title:    "a rule never runs: an earlier catch-all rule stops processing",
	Severity: lint.Warning,
	Doc: lint.Doc{
		Why: "URL Rewrite evaluates rules in order. A rule that matches every URL (`*`, `.*`, no conditions) " +
			"with `stopProcessing=\"true\"` ends evaluation, so the rules after it in the same list never run: " +
			"a farm routed only by such a later rule gets no traffic. This often happens when the wizard's " +
			"catch-all `ARR_<farm>_loadbalance` rule is added above hand-written rules.",
		Fix: "Move the specific rules above the catch-all, or give the catch-all a narrower pattern or a condition.",
		Bad: rulesExample(webFarm, webRule+`<rule name="health" stopProcessing="true">
  <match url="^health$" />
  <action type="CustomResponse" statusCode="200" />
</rule>
`),
		Good: rulesExample(webFarm, `<rule name="health" stopProcessing="true">
  <match url="^health$" />
  <action type="CustomResponse" statusCode="200" />
</rule>
`+webRule),
	},
	Evidence: evidence(srcRewriteOrder, srcRewriteSchema),
	Check: func(p *lint.Pass) {
		type list struct {
			scope    schema.RuleScope
			location string
		}
		stopper := map[list]*schema.Rule{}
		for _, r := range p.Config.Rules {
			if !r.Enabled {
				continue
			}
			l := list{r.Scope, r.Location}
			if c := stopper[l]; c != nil {
				msg := "rule " + q(r.Name) + " never runs: rule " + q(c.Name) + " before it matches every URL and stops processing"
				farm := ""
				if f := p.TargetFarm(r); f != nil {
					farm = f.Name
					msg += ", so farm " + q(f.Name) + " gets no requests through it"
				}
				p.Report(schema.Finding{Span: r.ValueSpan("name"), Farm: farm, Message: msg,
					Related: []schema.Related{{Span: c.ValueSpan("name"), Message: "catch-all rule " + q(c.Name) + " here"}}})
				continue
			}
			if r.StopProcessing && catchAll(r) {
				stopper[l] = r
			}
		}
	},
}
