package rules

import (
	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

// UnknownElement reports element names the ARR schema does not have.
var UnknownElement = &lint.Rule{
	ID:       "ARR0003",
	Slug:     schema.RuleUnknownElement,
	Title:    "an element name that is not in the schema",
	Severity: lint.Error,
	Doc: lint.Doc{
		Why: "IIS rejects a configuration with an element its schema does not define (HTTP 500.19), or, in " +
			"sections it does not validate, silently ignores it: either way the setting never takes effect. " +
			"Names are case-sensitive (`webfarms` is not `webFarms`), and values written as child elements " +
			"(`<proxy><enabled>true</enabled></proxy>`) are unknown elements too.",
		Fix: "Use the name the message suggests, with the exact case, or write the value as an attribute.",
		Bad: farmExample("", servers2+arr(healthCheck+`<loadBalance algorithm="WeightedRoundRobin" />
`)),
		Good: farmExample("", servers2+arr(healthCheck+`<loadBalancing algorithm="WeightedRoundRobin" />
`)),
	},
	Evidence: evidence(srcARRSchema, srcWFFSchema, srcRewriteSchema, srcIISLegend),
	Check:    (*lint.Pass).ReportLoadFindings,
}
