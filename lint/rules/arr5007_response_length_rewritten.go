package rules

import (
	"strings"

	"github.com/arrfarm/arrfarm/lint"
)

// ResponseLengthRewritten reports outbound rules that set every response's
// Content-Length to a constant.
var ResponseLengthRewritten = &lint.Rule{
	ID:       "ARR5007",
	Slug:     "response-length-rewritten",
	Title:    "an outbound rule sets Content-Length to a constant",
	Severity: lint.Warning,
	Doc: lint.Doc{
		Why: "An outbound rule that matches `RESPONSE_Content_Length` and rewrites it to a fixed value (such as " +
			"`0`) makes every response it matches declare that body length whatever the backend sent. HTTP " +
			"clients read exactly the declared number of bytes: with `0` they see an empty body, with a larger " +
			"number they wait for bytes that never come until a timeout. Public load-balancer guides copy such a " +
			"rule, apparently meant for one special case, into their catch-all configuration.",
		Fix: "Remove the rule, or give it a precondition that limits it to the responses it was meant for " +
			"(and let IIS compute the length otherwise).",
		Bad: outboundExample(`<rule name="Rewrite Content-Length Header">
  <match serverVariable="RESPONSE_Content_Length" pattern=".+" />
  <action type="Rewrite" value="0" />
</rule>
`),
		Good: outboundExample(`<rule name="Hide server header">
  <match serverVariable="RESPONSE_Server" pattern=".+" />
  <action type="Rewrite" value="" />
</rule>
`),
	},
	Evidence: evidence(srcRewriteSchema, inferred("HTTP (RFC 9110, Content-Length): a recipient reads the declared number of body bytes; URL Rewrite sets the header as written")),
	Check: func(p *lint.Pass) {
		for _, o := range p.Config.OutboundRules {
			// A preCondition is the fix: the rule is limited to the
			// responses it was written for. An action without type does
			// nothing (URL Rewrite 2.0's default is None).
			if !o.Enabled || o.PreCondition != "" || !strings.EqualFold(o.Match.ServerVariable, "RESPONSE_Content_Length") ||
				!strings.EqualFold(o.Action.Type, "Rewrite") || strings.ContainsAny(o.Action.Value, "{}") {
				continue
			}
			p.Reportf(attrSpan(&o.Action.Element, "value", o.ValueSpan("name")), "",
				"outbound rule %q sets Content-Length to %q for every response it matches: clients read that many bytes of the body "+
					"(none with \"0\") whatever the backend sent", o.Name, o.Action.Value)
		}
	},
}

// outboundExample is an applicationHost.config with the clean farm and
// the given outbound rules.
func outboundExample(rules string) string {
	return strings.Replace(farmExample("", servers2+healthy), `      </globalRules>
`, `      </globalRules>
      <outboundRules>
`+indent(rules, "        ")+`      </outboundRules>
`, 1)
}
