package rules

import (
	"github.com/arrfarm/arrfarm/lint"
)

// SuppressionUnknownRule reports arrfarm:ignore comments naming a rule that
// does not exist.
var SuppressionUnknownRule = &lint.Rule{
	ID:       "ARR9002",
	Slug:     "suppression-unknown-rule",
	Title:    "a suppression names a rule that does not exist",
	Severity: lint.Warning,
	After:    true,
	Doc: lint.Doc{
		Why: "A suppression whose rule name is misspelt silences nothing, and the finding it was meant for " +
			"shows up again; usually the slug or ID has a typo.",
		Fix: "Use a slug or ID from `arrfarm rules`.",
		Bad: farmExample("", `<!-- arrfarm:ignore min-server-zero the health page checks only IIS itself -->
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
			if u.Suppression.Rule == "" || u.Rule != nil {
				continue
			}
			if s := lint.Suggest(p.Registry(), u.Suppression.Rule); s != "" {
				p.Reportf(u.Span, "", "suppression names unknown rule %q (did you mean %q?) and silences nothing", u.Suppression.Rule, s)
			} else {
				p.Reportf(u.Span, "", "suppression names unknown rule %q and silences nothing", u.Suppression.Rule)
			}
		}
	},
}
