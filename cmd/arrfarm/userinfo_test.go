package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arrfarm/arrfarm/lint"
)

// A rule that rewrites to http://bob:routePw@web/ routes to farm web (the
// user name is not the host), a health check written with credentials is
// read for its host, and no output format of lint shows a password or
// reads "bob" as a host.
func TestURLUserinfoIsNotTheHost(t *testing.T) {
	cfg := `<configuration>
  <webFarms>
    <webFarm name="web">
      <server address="10.0.0.1" />
      <server address="10.0.0.2" />
      <applicationRequestRouting>
        <healthCheck url="http://bob:probePw@web/health" interval="00:00:10" timeout="00:00:05" minServers="1" />
      </applicationRequestRouting>
    </webFarm>
  </webFarms>
  <system.webServer>
    <rewrite>
      <globalRules>
        <rule name="r"><match url=".*" /><action type="Rewrite" url="http://bob:routePw@web/{R:0}" /></rule>
        <rule name="s"><match url="^x" /><action type="Rewrite" url="http://bob:otherPw@wbe:8080/{R:0}" /></rule>
      </globalRules>
    </rewrite>
  </system.webServer>
</configuration>
`
	path := filepath.Join(t.TempDir(), "applicationHost.config")
	require.NoError(t, os.WriteFile(path, []byte(cfg), 0o644))
	for _, format := range lint.Formats {
		_, out, stderr := runCLI(t, "", nil, "lint", path, "--format", format)
		all := out + stderr
		if strings.Contains(all, "no enabled rewrite rule routes to farm") {
			t.Errorf("%s: rule r is not seen routing to farm web", format)
		}
		for _, secret := range []string{"routePw", "probePw", "otherPw"} {
			if strings.Contains(all, secret) {
				t.Errorf("%s shows the password %s", format, secret)
			}
		}
		if strings.Contains(strings.ReplaceAll(all, `\"`, `"`), `host "bob"`) {
			t.Errorf("%s reads the user name bob as a host", format)
		}
		if format == "text" {
			// Rule s goes to host wbe, a typo of the farm, which is
			// named as the host, with no credentials.
			if !strings.Contains(all, `sends requests to host "wbe"`) {
				t.Errorf("text: rule s is not seen going to host wbe:\n%s", all)
			}
		}
	}
}
