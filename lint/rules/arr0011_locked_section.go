package rules

import (
	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

// LockedSection reports a section that applicationHost.config locks by
// default (allowedServerVariables) set in a web.config.
var LockedSection = &lint.Rule{
	ID:       "ARR0011",
	Slug:     schema.RuleLockedSection,
	Title:    "a web.config sets a section the server locks by default",
	Severity: lint.Warning,
	Doc: lint.Doc{
		Why: "URL Rewrite registers `system.webServer/rewrite/allowedServerVariables` in applicationHost.config " +
			"with `overrideModeDefault=\"Deny\"`: the section may be set only at the server level. A site's " +
			"web.config that sets it anyway (often copied with the rule that needs the variable) is a configuration " +
			"error for the whole site: IIS answers every request of the site with 500.19 (\"This configuration " +
			"section cannot be used at this path ... locked at a parent level\"), not only the requests the rule " +
			"matches. applicationHost.config may unlock the section: its declaration in `<configSections>` with " +
			"`overrideModeDefault=\"Allow\"`, or a `<location path=\"site\" overrideMode=\"Allow\">` (or the older " +
			"`allowOverride=\"true\"`) that holds the section. Linted together with applicationHost.config, a web.config " +
			"the server unlocks is not reported, and its list counts for server-variable-not-allowed; linted alone, " +
			"its server's unlocks are unknown, which is why this is a warning, not an error.",
		Fix: "Move the `<add name=\"...\" />` entries to applicationHost.config (IIS Manager at the server level: URL " +
			"Rewrite, View Server Variables; or `appcmd set config -section:system.webServer/rewrite/allowedServerVariables " +
			"/+\"[name='HTTP_X_FORWARDED_PROTO']\" /commit:apphost`) and delete the element from the web.config.",
		BadName:  "web.config",
		GoodName: "web.config",
		Bad:      lockedExample("      <allowedServerVariables>\n        <add name=\"HTTP_X_FORWARDED_PROTO\" />\n      </allowedServerVariables>\n"),
		Good:     lockedExample(""),
	},
	Evidence: evidence(
		lint.Source{Kind: lint.FromSchema, Ref: "applicationHost.config as URL Rewrite 2 installs it: <section name=\"allowedServerVariables\" overrideModeDefault=\"Deny\" /> in the rewrite section group"},
		lint.Source{Kind: lint.FromDocs, Ref: "Microsoft IIS support blog, \"overrideModeDefault and allowDefinition attributes\": setting a section locked by overrideModeDefault=\"Deny\" in a web.config gives HTTP Error 500.19, \"This configuration section cannot be used at this path\""}),
	Check: (*lint.Pass).ReportLoadFindings,
}

// lockedExample is a site's web.config with a proxy rule that sets
// X-Forwarded-Proto; allowed is an allowedServerVariables element or "".
func lockedExample(allowed string) string {
	return "<configuration>\n  <system.webServer>\n" + forwardedProtoRewrite(allowed) + "  </system.webServer>\n</configuration>\n"
}
