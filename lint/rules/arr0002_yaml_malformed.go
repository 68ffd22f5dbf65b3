package rules

import (
	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

// YAMLMalformed reports farm YAML files that do not parse.
var YAMLMalformed = &lint.Rule{
	ID:       "ARR0002",
	Slug:     schema.RuleYAMLMalformed,
	Title:    "the farm YAML file does not parse",
	Severity: lint.Error,
	Doc: lint.Doc{
		Why: "A farm YAML file that does not parse cannot be checked, converted or deployed: nothing in it " +
			"reaches IIS.",
		Fix: "Fix the YAML syntax at the reported position (an unclosed bracket or quote, a tab used for " +
			"indentation, a key without a value).",
		BadName: "farms.yaml",
		Bad: `farms:
  - name: web
    servers:
      - {address: 10.0.0.11
`,
		GoodName: "farms.yaml",
		Good: `farms:
  - name: web
    servers:
      - {address: 10.0.0.11}
    applicationRequestRouting:
      healthCheck: {url: "http://www.contoso.com/health", interval: 10s, timeout: 5s, minServers: 1}
`,
	},
	Evidence: evidence(srcArrfarm),
	Check:    (*lint.Pass).ReportLoadFindings,
}
