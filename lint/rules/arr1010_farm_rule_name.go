package rules

import (
	"strings"

	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

// FarmRuleName notes global routing rules not named the way IIS Manager
// links them to their farm. Optional: many setups name rules their own way.
var FarmRuleName = &lint.Rule{
	ID:       "ARR1010",
	Slug:     "farm-rule-name",
	Title:    "a global routing rule is not named after its farm",
	Severity: lint.Info,
	Optional: true,
	Doc: lint.Doc{
		Why: "IIS Manager links a farm to its routing rule only by the rule's name, `ARR_<farm>_loadbalance`. " +
			"With another name the farm's \"Use URL Rewrite to inspect incoming requests\" box shows unchecked and " +
			"the Routing Rules page may create a second, catch-all rule that changes routing. Optional: enable it " +
			"when the farms are also managed in IIS Manager.",
		Fix: "Rename the rule to `ARR_<farm>_loadbalance`.",
		Bad: rulesExample(webFarm, `<rule name="to-web" patternSyntax="Wildcard" stopProcessing="true">
  <match url="*" />
  <action type="Rewrite" url="http://web/{R:0}" />
</rule>
`),
		Good: rulesExample(webFarm, webRule),
	},
	Evidence: evidence(srcOwscott),
	Check: func(p *lint.Pass) {
		for _, r := range p.Config.Rules {
			if !r.Enabled || r.Scope != schema.GlobalRule {
				continue
			}
			f := p.TargetFarm(r)
			if f == nil {
				continue
			}
			want := "ARR_" + f.Name + "_loadbalance"
			if strings.HasPrefix(strings.ToLower(r.Name), strings.ToLower("ARR_"+f.Name)) {
				continue
			}
			p.Reportf(r.ValueSpan("name"), f.Name,
				"rule %q routes to farm %q but is not named %q: IIS Manager does not link it to the farm and may add a second routing rule",
				r.Name, f.Name, want)
		}
	},
}
