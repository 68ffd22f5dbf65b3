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
			"servers; the ARR installer installs WFF 1.1 too. WFF attributes such as `primaryServer` or " +
			"`adminUserName` are defined only in the WFF schema, so ARR routing most likely does not read them: " +
			"they provision servers, they do not steer requests. A note, so that nobody expects them to change routing.",
		Fix:  "Keep them if WFF provisioning uses them; otherwise remove them.",
		Bad:  farmExample(` primaryServer="10.0.0.11"`, servers2+healthy),
		Good: farmExample("", servers2+healthy),
	},
	Evidence: evidence(srcWFFSchema, lint.Source{Kind: lint.FromCommunity, Ref: "ARR 3 readme: the ARR installer also installs Web Farm Framework 1.1"}, inferred("ARR routing does not read the WFF provisioning settings: they are defined only in webfarm.xml")),
	Check:    (*lint.Pass).ReportLoadFindings,
}
