package rules

import (
	"strings"
	"testing"

	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

// lintSource lints src, loaded as name, with the default rules.
func lintSource(t *testing.T, name, src string) []lint.Diagnostic {
	t.Helper()
	doc, err := schema.Load(name, []byte(src), schema.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return defaultLinter(t).Lint(doc)
}

func countRule(ds []lint.Diagnostic, slug string) int {
	n := 0
	for _, d := range ds {
		if d.Rule == slug {
			n++
		}
	}
	return n
}

// A {HTTP_HOST} condition keeps the backend's requests out of the global
// rule only when the farm does not pass the client's Host header on:
// with preserveHostHeader (the farm default, true) the backend site on
// localhost:8080 receives the public host name and matches again.
func TestLoopHostConditionNeedsHostHeaderRewritten(t *testing.T) {
	src := func(preserve string) string {
		return `<configuration>
  <webFarms>
    <webFarm name="web">
      <server address="localhost"><applicationRequestRouting httpPort="8080" /></server>
      <server address="10.0.0.12" />
      <applicationRequestRouting>
        <protocol` + preserve + ` />
        <healthCheck url="http://www.contoso.com/health" interval="00:00:10" timeout="00:00:05" minServers="1" />
      </applicationRequestRouting>
    </webFarm>
  </webFarms>
  <system.webServer>
    <proxy enabled="true" />
    <rewrite><globalRules>
      <rule name="ARR_web_loadbalance" patternSyntax="Wildcard" stopProcessing="true">
        <match url="*" />
        <conditions><add input="{HTTP_HOST}" pattern="^www\.contoso\.com$" /></conditions>
        <action type="Rewrite" url="http://web/{R:0}" />
      </rule>
    </globalRules></rewrite>
  </system.webServer>
</configuration>`
	}
	if n := countRule(lintSource(t, "applicationHost.config", src("")), "route-loop-to-self"); n != 1 {
		t.Errorf("host condition with the Host header preserved: %d loop findings, want 1", n)
	}
	if n := countRule(lintSource(t, "applicationHost.config", src(` preserveHostHeader="false"`)), "route-loop-to-self"); n != 0 {
		t.Errorf("host condition with the Host header rewritten: %d loop findings, want 0", n)
	}
}

// A global catch-all rule that rewrites to a plain URL on this machine
// loops the same way; a rule that only forwards one path does not.
func TestLoopPlainURLOnThisMachine(t *testing.T) {
	src := func(match string) string {
		return `<configuration>
  <system.webServer>
    <proxy enabled="true" />
    <rewrite><globalRules>
      <rule name="to-app" stopProcessing="true">
        <match url="` + match + `" />
        <action type="Rewrite" url="http://127.0.0.1:5000/{R:0}" />
      </rule>
    </globalRules></rewrite>
  </system.webServer>
</configuration>`
	}
	ds := lintSource(t, "applicationHost.config", src(".*"))
	if countRule(ds, "route-loop-to-self") != 1 {
		t.Errorf("catch-all global rule to 127.0.0.1:5000: want one loop finding, got %v", renderAll(ds))
	}
	for _, d := range ds {
		if d.Rule == "route-loop-to-self" && !strings.Contains(d.Message, "{SERVER_PORT}") {
			t.Errorf("the message should say how to fix it: %s", d.Message)
		}
	}
	if n := countRule(lintSource(t, "applicationHost.config", src("^app/(.*)")), "route-loop-to-self"); n != 0 {
		t.Errorf("a path-specific rule: %d loop findings, want 0", n)
	}
}

// global-timeout-only stays silent on a global timeout written at its
// default (2 minutes): writing the default out changes nothing and says
// nothing about the farms.
func TestGlobalTimeoutExplicitDefault(t *testing.T) {
	src := func(timeout string) string {
		return strings.Replace(farmExample("", servers2+healthy), `<proxy enabled="true" />`,
			`<proxy enabled="true" timeout="`+timeout+`" />`, 1)
	}
	if n := countRule(lintSource(t, "applicationHost.config", src("00:02:00")), "global-timeout-only"); n != 0 {
		t.Errorf("explicit default 00:02:00: %d findings, want 0", n)
	}
	if n := countRule(lintSource(t, "applicationHost.config", src("00:03:00")), "global-timeout-only"); n != 1 {
		t.Errorf("00:03:00 with only a farm rule: %d findings, want 1", n)
	}
}

// Issue 7: a finding is never built from a default that stands in for a
// value the user wrote and the loader rejected. Each case writes one
// invalid value; the loader reports it (invalid-value), and the rule that
// would otherwise reason about the default stays silent.
func TestNoFindingsFromDefaultsStandingInForInvalidValues(t *testing.T) {
	for _, c := range []struct {
		rule, src string
	}{
		{"health-timeout-not-below-interval", farmExample("", servers2+arr(`<healthCheck url="http://www.contoso.com/health" interval="0:0:x" timeout="00:00:05" minServers="1" />
`))},
		{"health-timeout-not-below-interval", farmExample("", servers2+arr(`<healthCheck url="http://www.contoso.com/health" interval="00:00:10" timeout="ten" minServers="1" />
`))},
		{"min-servers-zero", farmExample("", servers2+arr(`<healthCheck url="http://www.contoso.com/health" interval="00:00:10" timeout="00:00:05" minServers="one" />
`))},
		{"min-servers-above-servers", farmExample("", servers2+arr(`<healthCheck url="http://www.contoso.com/health" interval="00:00:10" timeout="00:00:05" minServers="-1" />
`))},
		{"no-health-check", farmExample("", servers2+arr(`<healthCheck liveTrafficFailurePeriod="1m" minServers="1" />
`))},
		{"hash-settings-ignored", farmExample("", servers2+arr(healthCheck+`<loadBalancing algorithm="requesthash-typo" hashServerVariable="HTTP_X_TENANT" />
`))},
		{"proxy-disabled", strings.Replace(farmExample("", servers2+healthy), `<proxy enabled="true" />`, `<proxy enabled="yes" />`, 1)},
		{"cookie-name-without-use-cookie", farmExample("", servers2+arr(healthCheck+`<affinity useCookie="yes" cookieName="WebAffinity" />
`))},
		{"uneven-weights", farmExample("", `<server address="10.0.0.11"><applicationRequestRouting weight="1000" /></server>
<server address="10.0.0.12"><applicationRequestRouting weight="0" /></server>
`+healthy)},
		{"duplicate-server", farmExample("", `<server address="web01.corp.local"><applicationRequestRouting httpPort="80800" /></server>
<server address="web01" />
`+healthy)},
		{"route-loop-to-self", farmExample("", `<server address="localhost"><applicationRequestRouting httpPort="http" /></server>
<server address="10.0.0.12" />
`+healthy)},
		{"global-timeout-only", strings.Replace(farmExample("", servers2+arr(healthCheck+`<protocol timeout="5 minutes" />
`)), `<proxy enabled="true" />`, `<proxy enabled="true" timeout="00:05:00" />`, 1)},
	} {
		ds := lintSource(t, "applicationHost.config", c.src)
		if countRule(ds, "invalid-value") == 0 {
			t.Errorf("%s: the case has no invalid value, so it tests nothing: %v", c.rule, renderAll(ds))
		}
		if countRule(ds, c.rule) != 0 {
			t.Errorf("%s reasons about a default that stands in for an invalid value: %v", c.rule, renderAll(ds))
		}
	}
}

// Microsoft's reverse-proxy walkthrough rewrites to intranet hosts such as
// http://webmail/. A farm that no rule of this file routes to (its rule
// is in a site's web.config) does not make those rules suspect: only a
// rule whose name mentions the farm, or a host that cannot be a host name,
// is taken for a mistyped farm (issue 17).
func TestUnknownFarmNotGuessedFromUnrelatedFarm(t *testing.T) {
	src := func(ruleName, host string) string {
		return `<configuration>
  <webFarms>
    <webFarm name="intranet">
      <server address="10.0.0.11" />
      <server address="10.0.0.12" />
      <applicationRequestRouting>
        <healthCheck url="http://intranet.contoso.com/health" interval="00:00:10" timeout="00:00:05" minServers="1" />
      </applicationRequestRouting>
    </webFarm>
  </webFarms>
  <system.webServer>
    <proxy enabled="true" />
    <rewrite><globalRules>
      <rule name="` + ruleName + `" stopProcessing="true">
        <match url="^webmail/(.*)" />
        <action type="Rewrite" url="http://` + host + `/{R:1}" />
      </rule>
    </globalRules></rewrite>
  </system.webServer>
</configuration>`
	}
	for _, tc := range []struct {
		name, host string
		want       int
	}{
		{"Route the requests for Company 1", "webmail", 0},
		{"ARR_intranet_loadbalance", "webmail", 1},
		{"Route the requests for Company 1", "LOCAL_SERVERS", 1},
	} {
		if n := countRule(lintSource(t, "applicationHost.config", src(tc.name, tc.host)), "route-to-unknown-farm"); n != tc.want {
			t.Errorf("rule %q to http://%s/: %d route-to-unknown-farm findings, want %d", tc.name, tc.host, n, tc.want)
		}
	}
}
