package rules

import (
	"testing"

	"github.com/arrfarm/arrfarm/schema"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A whole applicationHost.config without a proxy element has the proxy off
// (the section is AppHostOnly, its default enabled="false"), so farm rules
// forward nothing; the same rules in a snippet say nothing about the proxy.
func TestProxyDisabledInWholeAppHost(t *testing.T) {
	src := `<configuration>
  <webFarms><webFarm name="web"><server address="10.0.0.11"/></webFarm></webFarms>
  <system.webServer><rewrite><globalRules>
    <rule name="ARR_web_loadbalance"><match url="*"/><action type="Rewrite" url="http://web/{R:0}"/></rule>
  </globalRules></rewrite></system.webServer>
</configuration>`
	l := defaultLinter(t)
	count := func(name string) int {
		doc, err := schema.Load(name, []byte(src), schema.Options{})
		require.NoError(t, err)
		n := 0
		for _, d := range l.Lint(doc) {
			if d.Rule == "proxy-disabled" {
				n++
				assert.Equal(t, 4, d.Span.Start.Line)
			}
		}
		return n
	}
	assert.Equal(t, 1, count("applicationHost.config"))
	assert.Equal(t, 1, count("config/applicationHost.config"))
	assert.Equal(t, 0, count("snippet.xml"), "a snippet may leave the proxy to applicationHost.config")
}
