package rules

import (
	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

// DuplicateKey reports two farms with one name, two servers with one
// address in a farm, or two rules with one name.
var DuplicateKey = &lint.Rule{
	ID:       "ARR0006",
	Slug:     schema.RuleDuplicateKey,
	Title:    "two farms, servers or rules with the same key",
	Severity: lint.Error,
	Doc: lint.Doc{
		Why: "Farm names, server addresses within a farm and rule names are unique keys in the IIS schema. " +
			"A duplicate makes IIS reject the configuration (HTTP 500.19 for every request).",
		Fix: "Remove the duplicate or give it its own key.",
		Bad: farmExample("", `<server address="10.0.0.11" />
<server address="10.0.0.11" />
`+healthy),
		Good: farmExample("", servers2+healthy),
	},
	Evidence: evidence(srcARRSchema, srcWFFSchema, srcRewriteSchema),
	Check:    (*lint.Pass).ReportLoadFindings,
}
