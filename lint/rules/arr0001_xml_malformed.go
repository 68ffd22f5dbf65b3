package rules

import (
	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

// XMLMalformed reports files that are not well-formed XML. The loader finds
// them; like every input and schema rule this one passes its findings
// through so they get an ID, docs, a severity and suppression.
var XMLMalformed = &lint.Rule{
	ID:       "ARR0001",
	Slug:     schema.RuleXMLMalformed,
	Title:    "the file is not well-formed XML",
	Severity: lint.Error,
	Doc: lint.Doc{
		Why: "IIS refuses to load a configuration file that is not well-formed XML: every request to every site " +
			"the file applies to gets HTTP 500.19 until it is fixed. arrfarm reads what it can and reports the first " +
			"syntax error with its position.",
		Fix: "Close the element, quote the attribute or escape the `&`/`<` the message points at.",
		Bad: `<configuration>
  <webFarms>
    <webFarm name="web">
      <server address="10.0.0.11">
    </webFarm>
  </webFarms>
</configuration>
`,
		Good: `<configuration>
  <webFarms>
    <webFarm name="web">
      <server address="10.0.0.11" />
      <applicationRequestRouting>
        <healthCheck url="http://www.contoso.com/health" interval="00:00:10" timeout="00:00:05" minServers="1" />
      </applicationRequestRouting>
    </webFarm>
  </webFarms>
</configuration>
`,
	},
	Evidence: evidence(srcIISLegend),
	Check:    (*lint.Pass).ReportLoadFindings,
}
