package rules

import (
	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

// WFFSetting notes Web Farm Framework settings, which ARR routing ignores.
var WFFSetting = &lint.Rule{
	ID:       "ARR0009",
	Slug:     schema.RuleWFFSetting,
	Title:    "a Web Farm Framework setting that ARR routing ignores",
	Severity: lint.Info,
	Doc: lint.Doc{
		Why: "The `webFarms` section is shared by ARR and the Web Farm Framework (WFF), which provisions " +
			"servers. WFF attributes such as `primaryServer` or `adminUserName` are valid where WFF is " +
			"installed but change nothing about how ARR routes requests; without WFF, IIS rejects them.",
		Fix:  "Keep them only if WFF is installed and used; otherwise remove them.",
		Bad:  farmExample(` primaryServer="10.0.0.11"`, servers2+healthy),
		Good: farmExample("", servers2+healthy),
	},
	Check: (*lint.Pass).ReportLoadFindings,
}
