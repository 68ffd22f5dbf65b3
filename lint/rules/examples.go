package rules

import "strings"

// farmExample wraps farm settings into a complete applicationHost.config
// whose other parts are clean: one farm "web" routed by a catch-all rule,
// health-checked, two servers. Rule examples change one thing in it.
// inner replaces the farm's body (servers and applicationRequestRouting).
func farmExample(farmAttrs, inner string) string {
	return `<configuration>
  <webFarms>
    <webFarm name="web"` + farmAttrs + `>
` + indent(inner, "      ") + `    </webFarm>
  </webFarms>
  <system.webServer>
    <proxy enabled="true" />
    <rewrite>
      <globalRules>
        <rule name="ARR_web_loadbalance" patternSyntax="Wildcard" stopProcessing="true">
          <match url="*" />
          <action type="Rewrite" url="http://web/{R:0}" />
        </rule>
      </globalRules>
    </rewrite>
  </system.webServer>
</configuration>
`
}

// servers2 and healthy are the usual farm body parts.
const servers2 = `<server address="10.0.0.11" />
<server address="10.0.0.12" />
`

const healthy = `<applicationRequestRouting>
  <healthCheck url="http://www.contoso.com/health" interval="00:00:10" timeout="00:00:05" minServers="1" />
</applicationRequestRouting>
`

// arr wraps children in the farm's applicationRequestRouting element.
func arr(children string) string {
	return "<applicationRequestRouting>\n" + indent(children, "  ") + "</applicationRequestRouting>\n"
}

// healthCheck is the clean health check line, for farms that set more.
const healthCheck = `<healthCheck url="http://www.contoso.com/health" interval="00:00:10" timeout="00:00:05" minServers="1" />
`

// rulesExample is a complete applicationHost.config with the clean farm
// "web" and the given globalRules body.
func rulesExample(farms, rules string) string {
	return `<configuration>
  <webFarms>
` + indent(farms, "    ") + `  </webFarms>
  <system.webServer>
    <proxy enabled="true" />
    <rewrite>
      <globalRules>
` + indent(rules, "        ") + `      </globalRules>
    </rewrite>
  </system.webServer>
</configuration>
`
}

// webFarm is the clean farm "web" as rulesExample's farms argument.
const webFarm = `<webFarm name="web">
  <server address="10.0.0.11" />
  <server address="10.0.0.12" />
  <applicationRequestRouting>
    <healthCheck url="http://www.contoso.com/health" interval="00:00:10" timeout="00:00:05" minServers="1" />
  </applicationRequestRouting>
</webFarm>
`

// webRule is the clean catch-all rule to farm web.
const webRule = `<rule name="ARR_web_loadbalance" patternSyntax="Wildcard" stopProcessing="true">
  <match url="*" />
  <action type="Rewrite" url="http://web/{R:0}" />
</rule>
`

func indent(s, prefix string) string {
	lines := strings.SplitAfter(s, "\n")
	var b strings.Builder
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			b.WriteString(prefix)
		}
		b.WriteString(l)
	}
	return b.String()
}
