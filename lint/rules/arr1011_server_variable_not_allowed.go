package rules

import (
	"strings"

	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

// ServerVariableNotAllowed reports distributed rules that set a server
// variable the allowed list does not name.
var ServerVariableNotAllowed = &lint.Rule{
	ID:       "ARR1011",
	Slug:     "server-variable-not-allowed",
	Title:    "a rule sets a server variable that is not allowed",
	Severity: lint.Warning,
	Doc: lint.Doc{
		Why: "A distributed rule (`system.webServer/rewrite/rules`, in a web.config or applicationHost.config) " +
			"may set a server variable or request header (`<set name=\"HTTP_X_FORWARDED_PROTO\" ... />`) only " +
			"when `system.webServer/rewrite/allowedServerVariables` in applicationHost.config lists it. Otherwise " +
			"every request the rule matches fails with HTTP 500.50 (\"The server variable ... is not allowed to be " +
			"set\"). The list lives in applicationHost.config, so the rule checks only files that are (part of) " +
			"one: a file with an `allowedServerVariables` element, or with the sections only applicationHost.config " +
			"holds (farms, the proxy, global rules) and no list at all. Global rules are not checked: URL " +
			"Rewrite 2.0's configuration reference says the list limits distributed rules only, and global rules " +
			"may set any server variable.",
		Fix: "Add the variable to `allowedServerVariables` (IIS Manager: URL Rewrite, View Server Variables), " +
			"e.g. `<add name=\"HTTP_X_FORWARDED_PROTO\" />`, or remove the `set`.",
		Bad: serverVariablesExample(""),
		Good: serverVariablesExample(`      <allowedServerVariables>
        <add name="HTTP_X_FORWARDED_PROTO" />
      </allowedServerVariables>
`),
	},
	Evidence: evidence(lint.Source{Kind: lint.FromDocs, Ref: "Microsoft, \"Setting HTTP request headers and IIS server variables\" (URL Rewrite 2): a variable must be added to the allowed list before rules can set it; IIS answers 500.50 otherwise"},
		lint.Source{Kind: lint.FromDocs, Ref: "Microsoft, URL Rewrite Module 2.0 configuration reference (allowedServerVariables): the list applies to distributed rules; global rules may set any server variable"},
		srcRewriteSchema),
	Check: func(p *lint.Pass) {
		cfg := p.Config
		if cfg.Kind == schema.WebConfig {
			return
		}
		appHost := cfg.AllowedServerVariablesPresent || len(cfg.Farms) > 0 || cfg.Proxy.Present
		for _, r := range cfg.Rules {
			if r.Scope == schema.GlobalRule {
				appHost = true
			}
		}
		if !appHost {
			return
		}
		allowed := map[string]bool{}
		for _, n := range cfg.AllowedServerVariables {
			allowed[strings.ToUpper(n)] = true
		}
		for _, r := range cfg.Rules {
			if !r.Enabled || r.Scope != schema.SiteRule {
				continue
			}
			for _, sv := range r.ServerVariables {
				if allowed[strings.ToUpper(sv.Name)] {
					continue
				}
				where := "this file has no allowedServerVariables list"
				if cfg.AllowedServerVariablesPresent {
					where = "allowedServerVariables does not list it"
				}
				p.Reportf(sv.ValueSpan("name"), "",
					"rule %q sets server variable %q, but %s: every request the rule matches gets HTTP 500.50 (the variable is not allowed to be set)",
					r.Name, sv.Name, where)
			}
		}
	},
}

// serverVariablesExample is an applicationHost.config whose site-level
// rule sets X-Forwarded-Proto; allowed is the allowedServerVariables
// element, or "".
func serverVariablesExample(allowed string) string {
	return `<configuration>
  <webFarms>
    <webFarm name="web">
      <server address="10.0.0.11" />
      <server address="10.0.0.12" />
      <applicationRequestRouting>
        <healthCheck url="http://www.contoso.com/health" interval="00:00:10" timeout="00:00:05" minServers="1" />
      </applicationRequestRouting>
    </webFarm>
  </webFarms>
  <system.webServer>
    <proxy enabled="true" />
` + forwardedProtoRewrite(allowed) + `  </system.webServer>
</configuration>
`
}

// forwardedProtoRewrite is a rewrite section whose proxy rule sets
// X-Forwarded-Proto, with allowed (an allowedServerVariables element, or
// "") before the rules: the examples of the rules on server variables.
func forwardedProtoRewrite(allowed string) string {
	return `    <rewrite>
` + allowed + `      <rules>
        <rule name="ARR_web_loadbalance" patternSyntax="Wildcard" stopProcessing="true">
          <match url="*" />
          <serverVariables>
            <set name="HTTP_X_FORWARDED_PROTO" value="https" />
          </serverVariables>
          <action type="Rewrite" url="http://web/{R:0}" />
        </rule>
      </rules>
    </rewrite>
`
}
