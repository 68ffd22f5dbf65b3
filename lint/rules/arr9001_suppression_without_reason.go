package rules

import (
	"github.com/arrfarm/arrfarm/lint"
)

// SuppressionWithoutReason reports arrfarm:ignore comments without a rule
// or a reason; they silence nothing.
var SuppressionWithoutReason = &lint.Rule{
	ID:       "ARR9001",
	Slug:     "suppression-without-reason",
	Title:    "a suppression comment without a rule or a reason",
	Severity: lint.Warning,
	After:    true,
	Doc: lint.Doc{
		Why: "A suppression (`<!-- arrfarm:ignore RULE reason -->`, `# arrfarm:ignore RULE reason` in YAML) must " +
			"say why the finding does not apply, so that the next reader can judge whether it still holds. One " +
			"without a rule or a reason silences nothing.",
		Fix: "Name the rule (slug or ID) and give the reason after it.",
		Bad: farmExample("", `<!-- arrfarm:ignore min-servers-zero -->
<applicationRequestRouting>
  <healthCheck url="http://web/health" interval="00:00:10" timeout="00:00:05" />
</applicationRequestRouting>
`+servers2),
		Good: farmExample("", `<!-- arrfarm:ignore min-servers-zero the health page checks only IIS itself -->
<applicationRequestRouting>
  <healthCheck url="http://web/health" interval="00:00:10" timeout="00:00:05" />
</applicationRequestRouting>
`+servers2),
	},
	Evidence: evidence(srcArrfarm),
	Check: func(p *lint.Pass) {
		for _, u := range p.Suppressions() {
			switch {
			case u.Suppression.Rule == "":
				p.Reportf(u.Span, "", "suppression names no rule and silences nothing: write arrfarm:ignore RULE reason")
			case u.Reason == "":
				p.Reportf(u.Span, "", "suppression of %q gives no reason and silences nothing: write the reason after the rule", u.Suppression.Rule)
			}
		}
	},
}
