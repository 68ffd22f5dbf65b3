package rules

import (
	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

// ReadAsFragment notes ARR blocks written straight under <configuration>
// in a file that is not a real applicationHost.config or web.config. It is
// its own rule, not a misplaced-element finding, so that a team linting
// documentation snippets can disable the note without silencing the
// misplaced elements that are real errors.
var ReadAsFragment = &lint.Rule{
	ID:       "ARR0010",
	Slug:     schema.RuleFragment,
	Title:    "an ARR block outside its section, read as a snippet of it",
	Severity: lint.Info,
	Doc: lint.Doc{
		Why: "Documentation and answers often show one block of a section (a `webFarm`, a rewrite `rule`) " +
			"wrapped in a bare `<configuration>` element. IIS would not read such a file: the block belongs " +
			"inside its section. arrfarm reads it as that section so that its settings are still checked, and " +
			"says so. A file named `applicationHost.config` or `web.config` is a real configuration, where the " +
			"same block is a misplaced-element error instead.",
		Fix: "Nothing, for a snippet. Before the block goes into a real configuration, put it in the section " +
			"the message names. Disable this rule to lint a folder of snippets quietly; misplaced-element " +
			"still reports the errors.",
		BadName:  "snippet.xml",
		GoodName: "snippet.xml",
		Bad: `<configuration>
  <webFarm name="web">
    <server address="10.0.0.11" />
    <server address="10.0.0.12" />
    <applicationRequestRouting>
      <healthCheck url="http://www.contoso.com/health" interval="00:00:10" timeout="00:00:05" minServers="1" />
    </applicationRequestRouting>
  </webFarm>
</configuration>
`,
		Good: farmExample("", servers2+healthy),
	},
	Evidence: evidence(srcARRSchema, lint.Source{Kind: lint.FromArrfarm, Ref: "arrfarm reads a block under <configuration> in a file not named applicationHost.config or web.config as a snippet of its section"}),
	Check:    (*lint.Pass).ReportLoadFindings,
}
