package rules

import (
	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

// MissingRequired reports elements without a required attribute.
var MissingRequired = &lint.Rule{
	ID:       "ARR0008",
	Slug:     schema.RuleMissingRequired,
	Title:    "a required attribute is missing",
	Severity: lint.Error,
	Doc: lint.Doc{
		Why: "A farm needs a `name`, a server an `address`, a rewrite rule a `name`: without them IIS rejects " +
			"the configuration (HTTP 500.19 for every request).",
		Fix: "Add the attribute the message names.",
		Bad: farmExample("", `<server address="10.0.0.11" />
<server />
`+healthy),
		Good: farmExample("", servers2+healthy),
	},
	Evidence: evidence(srcWFFSchema, srcRewriteSchema),
	Check:    (*lint.Pass).ReportLoadFindings,
}
