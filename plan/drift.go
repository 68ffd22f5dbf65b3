package plan

import (
	"fmt"

	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

// DocsURL is where plan and drift are documented.
const DocsURL = "https://github.com/arrfarm/arrfarm/blob/main/docs/plan.md"

// DriftRule is the rule drift findings carry in every lint format. It is
// not in the lint registry: it compares two files, and runs only in
// "arrfarm drift".
var DriftRule = &lint.Rule{
	ID:       "ARR8001",
	Slug:     "drift",
	Title:    "the live configuration differs from the desired one",
	Severity: lint.Error,
	Help:     DocsURL + "#drift",
	Doc: lint.Doc{
		Why: "The live applicationHost.config no longer says what the desired configuration (the one reviewed, linted and simulated) says: someone changed it by hand, or a deployment did not apply.",
		Fix: "Run `arrfarm plan DESIRED --current CURRENT --format appcmd` (or powershell) and apply the plan, or bring the change into the desired configuration.",
	},
	Evidence: []lint.Source{{Kind: lint.FromArrfarm, Ref: "arrfarm's plan model: every ARR attribute at its effective value, defaults applied"}},
}

// Drift lists one finding per difference between the desired and the
// current configuration, at the current file's position. A default
// written out in one file and left out in the other is no difference.
func Drift(p *Plan) []lint.Diagnostic {
	var out []lint.Diagnostic
	for i := range p.Changes {
		c := &p.Changes[i]
		if c.inner || c.Drain {
			continue
		}
		d := lint.Diagnostic{ID: DriftRule.ID, Rule: DriftRule.Slug, Severity: DriftRule.Severity, URL: DriftRule.URL(),
			Span: c.CurrentSpan, Message: driftMessage(c)}
		if d.Span.IsZero() {
			d.Span = schema.Span{File: p.Current, Start: schema.Pos{Line: 1, Col: 1}, End: schema.Pos{Line: 1, Col: 1}}
		}
		if !c.DesiredSpan.IsZero() {
			d.Related = []schema.Related{{Span: c.DesiredSpan, Message: "desired here"}}
		}
		out = append(out, d)
	}
	return lint.Sort(out)
}

func driftMessage(c *Change) string {
	switch {
	case c.Secret && c.Op == OpRemove:
		return fmt.Sprintf("%s: %s is set here but not in the desired configuration", c.Label, c.Name)
	case c.Secret && c.InCurrent:
		return fmt.Sprintf("%s: %s is not set here but is in the desired configuration", c.Label, c.Name)
	case c.Secret:
		return fmt.Sprintf("%s: %s differs from the desired configuration", c.Label, c.Name)
	case c.Op == OpAdd:
		return fmt.Sprintf("%s is missing: the desired configuration has it", c.Label)
	case c.Op == OpRemove && c.reorder:
		return fmt.Sprintf("%s stands at another place in the rule order than in the desired configuration", c.Label)
	case c.Op == OpRemove:
		return fmt.Sprintf("%s is not in the desired configuration", c.Label)
	}
	return fmt.Sprintf("%s: %s is %s here, the desired configuration has %s", c.Label, c.Name, shown(c, c.From), shown(c, c.To))
}
