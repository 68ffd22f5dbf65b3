package rules

import (
	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

// Misplaced reports known elements in the wrong place.
var Misplaced = &lint.Rule{
	ID:       "ARR0007",
	Slug:     schema.RuleMisplaced,
	Title:    "a known element in the wrong place",
	Severity: lint.Error,
	Doc: lint.Doc{
		Why: "IIS reads an element only where its schema puts it. `healthCheck` directly under `webFarm` " +
			"(it belongs in `applicationRequestRouting`), `webFarms` inside `system.webServer` (it is a " +
			"top-level section), or `proxy`/`globalRules` in a web.config (they are allowed only in " +
			"applicationHost.config) are rejected or ignored, so the setting never applies.",
		Fix:  "Move the element where the message says.",
		Bad:  farmExample("", servers2+healthCheck),
		Good: farmExample("", servers2+healthy),
	},
	Evidence: evidence(srcARRSchema, srcRewriteSchema, srcIISLegend),
	Check:    (*lint.Pass).ReportLoadFindings,
}
