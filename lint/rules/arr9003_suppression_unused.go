package rules

import (
	"github.com/arrfarm/arrfarm/lint"
)

// SuppressionUnused reports valid suppressions that silenced nothing.
var SuppressionUnused = &lint.Rule{
	ID:       "ARR9003",
	Slug:     "suppression-unused",
	Title:    "a suppression that silences nothing",
	Severity: lint.Warning,
	After:    true,
	Doc: lint.Doc{
		Why: "A suppression applies to the element directly after it and that element's children. One that " +
			"silences nothing is stale (the problem was fixed) or misplaced (not directly before the element the " +
			"finding is on); either way it would hide a future finding for no reason.",
		Fix: "Remove it, or move it directly above the element the finding points into.",
		Bad: farmExample("", `<!-- arrfarm:ignore no-health-check the backends are checked by the external balancer -->
`+servers2+healthy),
		Good: farmExample("", servers2+healthy),
	},
	Evidence: evidence(srcArrfarm),
	Check: func(p *lint.Pass) {
		for _, u := range p.Suppressions() {
			if u.Rule == nil || u.Reason == "" || u.Used > 0 || !u.Active {
				continue
			}
			if u.Scope.IsZero() {
				p.Reportf(u.Span, "", "suppression of %q is not directly before an element and silences nothing", u.Suppression.Rule)
				continue
			}
			p.Reportf(u.Span, "", "suppression of %q silences nothing: no %s finding in the element after it", u.Suppression.Rule, u.Rule.Slug)
		}
	},
}
