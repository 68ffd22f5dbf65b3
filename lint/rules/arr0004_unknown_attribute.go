package rules

import (
	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

// UnknownAttribute reports attribute names the ARR schema does not have.
var UnknownAttribute = &lint.Rule{
	ID:       "ARR0004",
	Slug:     schema.RuleUnknownAttribute,
	Title:    "an attribute name that is not in the schema",
	Severity: lint.Error,
	Doc: lint.Doc{
		Why: "IIS rejects a configuration with an attribute its schema does not define (HTTP 500.19 for " +
			"every request). Common cases come from scripts: `healthCheck/@enabled` (there is none: an empty " +
			"`url` turns the URL test off), `server/@httpPort` (it belongs on the server's " +
			"`applicationRequestRouting` child), `proxy/@responseBufferThreshold` (the name is " +
			"`responseBufferLimit`).",
		Fix: "Use the attribute the message suggests, on the element it belongs to.",
		Bad: farmExample("", `<server address="10.0.0.11" httpPort="8080" />
<server address="10.0.0.12" httpPort="8080" />
`+healthy),
		Good: farmExample("", `<server address="10.0.0.11">
  <applicationRequestRouting httpPort="8080" />
</server>
<server address="10.0.0.12">
  <applicationRequestRouting httpPort="8080" />
</server>
`+healthy),
	},
	Evidence: evidence(srcARRSchema, srcWFFSchema, srcRewriteSchema, srcIISLegend),
	Check:    (*lint.Pass).ReportLoadFindings,
}
