package rules

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

// arrBox is the ARR server of fixtures/backend: farm web (timeout 5m,
// health check http://www.contoso.com/health) on servers 10.0.0.11 and
// 10.0.0.12, port 80, proxied by a global rule for the Default Web Site.
func arrBox(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../../fixtures/backend/applicationHost.config")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// backendHost is the applicationHost.config of 10.0.0.11: the Default Web
// Site on port 80 (the farm's), site "admin" on 8080 (no farm server's),
// with body added at the end (global sections and locations).
func backendHost(body string) string {
	return `<configuration>
  <system.applicationHost>
    <sites>
      <site name="Default Web Site" id="1">
        <bindings><binding protocol="http" bindingInformation="*:80:" /></bindings>
      </site>
      <site name="admin" id="2">
        <bindings><binding protocol="http" bindingInformation="*:8080:" /></bindings>
      </site>
    </sites>
  </system.applicationHost>
` + body + `</configuration>`
}

// lintWithBackend lints the ARR server's arrSrc with the file backend,
// loaded as name for 10.0.0.11, as lint --backend does.
func lintWithBackend(t *testing.T, arrSrc, name, backend string) []lint.Diagnostic {
	t.Helper()
	arr, err := schema.Load("applicationHost.config", []byte(arrSrc), schema.Options{})
	if err != nil {
		t.Fatal(err)
	}
	bd, err := schema.Load(name, []byte(backend), schema.Options{})
	if err != nil {
		t.Fatal(err)
	}
	doc, used, err := lint.WithBackends(arr, []schema.BackendFile{{Address: "10.0.0.11", Doc: bd}})
	if err != nil {
		t.Fatal(err)
	}
	if len(used) != 1 {
		t.Fatalf("the backend file was not tied to farm server 10.0.0.11")
	}
	return defaultLinter(t).Lint(doc)
}

// at is the file:line:col of the first attribute value "value" in src,
// where a finding about it points: its first character, inside the quotes.
func at(t *testing.T, file, src, value string) string {
	t.Helper()
	i := strings.Index(src, `"`+value+`"`) + 1
	if i < 1 {
		t.Fatalf("%q not in the source", value)
	}
	line := 1 + strings.Count(src[:i], "\n")
	col := i - strings.LastIndex(src[:i], "\n")
	return fmt.Sprintf("%s:%d:%d", file, line, col)
}

func location(path, section string) string {
	return `  <location path="` + path + `">
    ` + section + `
  </location>
`
}

func ancm(timeout string) string {
	return `<system.webServer><aspNetCore processPath="dotnet" hostingModel="outofprocess" requestTimeout="` + timeout + `" /></system.webServer>`
}

// TestBackendHostLocations: the settings of a backend's
// applicationHost.config that sit in a <location> apply to the site (or
// application) it names, as IIS merges them, and only there: a location
// for the farm server's site (the one bound to its port 80) is checked, a
// location for another site is not, and a site's location overrides the
// file's global section. The finding points at the location's element.
func TestBackendHostLocations(t *testing.T) {
	const file = "web1/applicationHost.config"
	for _, c := range []struct {
		name, body string
		rule       string
		want       string // the value the finding points at, in the backend's file or else the ARR server's; "" for none
	}{
		{"site location below the farm's timeout", location("Default Web Site", ancm("00:02:00")), "backend-request-timeout", `00:02:00`},
		{"site location above the farm's timeout", location("Default Web Site", ancm("00:10:00")), "backend-request-timeout", ""},
		{"a bad global overridden by the site's location", `  ` + ancm("00:01:00") + "\n" + location("Default Web Site", ancm("00:10:00")), "backend-request-timeout", ""},
		{"a bad value for another site", location("admin", ancm("00:01:00")), "backend-request-timeout", ""},
		{"a bad global the site keeps", `  ` + ancm("00:01:00") + "\n", "backend-request-timeout", `00:01:00`},
		{"an application of the site below the farm's timeout", location("Default Web Site", ancm("00:10:00")) + location("Default Web Site/api", ancm("00:01:00")), "backend-request-timeout", `00:01:00`},
		{"a site location that writes no timeout keeps the server's good one", `  ` + ancm("00:10:00") + "\n" + location("Default Web Site", `<system.webServer><aspNetCore processPath="dotnet" arguments="app.dll" /></system.webServer>`), "backend-request-timeout", ""},
		{"a site location that writes no timeout keeps the server's bad one", `  ` + ancm("00:01:00") + "\n" + location("Default Web Site", `<system.webServer><aspNetCore processPath="dotnet" arguments="app.dll" /></system.webServer>`), "backend-request-timeout", `00:01:00`},
		{"hosted in process at the server level", `  <system.webServer><aspNetCore processPath="dotnet" hostingModel="inprocess" /></system.webServer>` + "\n" + location("Default Web Site", `<system.webServer><aspNetCore processPath="dotnet" requestTimeout="00:01:00" /></system.webServer>`), "backend-request-timeout", ""},
		{"executionTimeout at the site's location", location("Default Web Site", `<system.web><httpRuntime executionTimeout="110" /></system.web>`), "backend-execution-timeout", `110`},
		{"executionTimeout of the server overridden by the site's", `  <system.web><httpRuntime executionTimeout="60" /></system.web>` + "\n" + location("Default Web Site", `<system.web><httpRuntime executionTimeout="600" /></system.web>`), "backend-execution-timeout", ""},
		{"Windows authentication at the site's location", location("Default Web Site", `<system.webServer><security><authentication><anonymousAuthentication enabled="false" /><windowsAuthentication enabled="true" /></authentication></security></system.webServer>`), "health-check-cannot-pass", "http://www.contoso.com/health"},
		{"Windows authentication but the health page anonymous", location("Default Web Site", `<system.webServer><security><authentication><anonymousAuthentication enabled="false" /><windowsAuthentication enabled="true" /></authentication></security></system.webServer>`) +
			location("Default Web Site/health", `<system.webServer><security><authentication><anonymousAuthentication enabled="true" /></authentication></security></system.webServer>`), "health-check-cannot-pass", ""},
		{"an upload limit at the site's location", location("Default Web Site", `<system.webServer><security><requestFiltering><requestLimits maxAllowedContentLength="104857600" /></requestFiltering></security></system.webServer>`), "request-limit-below-backend", "104857600"},
		{"an upload limit for another site", location("admin", `<system.webServer><security><requestFiltering><requestLimits maxAllowedContentLength="104857600" /></requestFiltering></security></system.webServer>`), "request-limit-below-backend", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := backendHost(c.body)
			var got []string
			for _, d := range lintWithBackend(t, arrBox(t), file, src) {
				if d.Rule == c.rule {
					got = append(got, d.Span.String()+": "+d.Message)
				}
			}
			if c.want == "" {
				if len(got) != 0 {
					t.Errorf("want no %s finding, got %q", c.rule, got)
				}
				return
			}
			in, text := file, src
			if !strings.Contains(src, c.want) {
				in, text = "applicationHost.config", arrBox(t)
			}
			want := at(t, in, text, c.want)
			if len(got) != 1 || !strings.HasPrefix(got[0], want+":") {
				t.Errorf("want one %s finding at %s, got %q", c.rule, want, got)
			}
		})
	}
}

// rulesFound lists the findings of rule in ds as file:line:col.
func rulesFound(ds []lint.Diagnostic, rule string) []string {
	var out []string
	for _, d := range ds {
		if d.Rule == rule {
			out = append(out, d.Span.String())
		}
	}
	return out
}

// TestBackendHostBindings: the site of a backend's applicationHost.config
// is the one bound to the farm server's port, so its host names count as
// a site of this machine's do: a health check for another host name
// cannot pass; one for its own host name can.
func TestBackendHostBindings(t *testing.T) {
	for _, c := range []struct {
		host string
		want int
	}{{"blue.contoso.com", 1}, {"www.contoso.com", 0}} {
		src := strings.Replace(backendHost(""), `"*:80:"`, `"*:80:`+c.host+`"`, 1)
		got := rulesFound(lintWithBackend(t, arrBox(t), "web1/applicationHost.config", src), "health-check-cannot-pass")
		if len(got) != c.want {
			t.Errorf("site bound to %s: want %d health-check-cannot-pass findings, got %q", c.host, c.want, got)
		}
	}
}

// TestBackendOutsideARRServerLevel: the ARR server's own server-level
// settings are not another machine's. Its global 10 MB request limit
// applies to its Default Web Site, not to backend 10.0.0.11, whose
// web.config writes no limit: nothing says the backend accepts more than
// the proxy, so request-limit-below-backend stays quiet; the backend's
// own 100 MB limit is a finding.
func TestBackendOutsideARRServerLevel(t *testing.T) {
	arr := strings.Replace(arrBox(t), `<proxy enabled="true" />`,
		`<proxy enabled="true" /><security><requestFiltering><requestLimits maxAllowedContentLength="10485760" /></requestFiltering></security>`, 1)
	quiet := `<configuration><system.webServer><aspNetCore processPath="dotnet" requestTimeout="00:10:00" /></system.webServer></configuration>`
	if got := rulesFound(lintWithBackend(t, arr, "web1/web.config", quiet), "request-limit-below-backend"); len(got) != 0 {
		t.Errorf("a backend that writes no limit: want no request-limit-below-backend finding, got %q", got)
	}
	big := `<configuration><system.webServer><security><requestFiltering><requestLimits maxAllowedContentLength="104857600" /></requestFiltering></security></system.webServer></configuration>`
	if got, want := rulesFound(lintWithBackend(t, arr, "web1/web.config", big), "request-limit-below-backend"), at(t, "applicationHost.config", arr, "10485760"); len(got) != 1 || got[0] != want {
		t.Errorf("a backend that accepts 100 MB: want one request-limit-below-backend finding at %s, got %q", want, got)
	}
}

// TestLoopbackApplicationLocation: the backend site of this machine is
// checked at its applications too: <location path="api/v1"> with a
// requestTimeout below the farm's is a finding there, as the site's own
// would be.
func TestLoopbackApplicationLocation(t *testing.T) {
	src := strings.Replace(ancmExample("00:05:00"), "</configuration>", `  <location path="api/v1">
    <system.webServer>
      <aspNetCore processPath="dotnet" hostingModel="outofprocess" requestTimeout="00:01:00" />
    </system.webServer>
  </location>
</configuration>`, 1)
	got := rulesFound(lintSource(t, "applicationHost.config", src), "backend-request-timeout")
	if want := at(t, "applicationHost.config", src, "00:01:00"); len(got) != 1 || got[0] != want {
		t.Errorf("want one backend-request-timeout finding at %s, got %q", want, got)
	}
}

// TestLoopbackInheritedTimeout: IIS reads each attribute from the most
// specific level that writes it, so a site location that writes only
// processPath keeps the server level's requestTimeout of 10 minutes,
// above the farm's 5: no finding.
func TestLoopbackInheritedTimeout(t *testing.T) {
	src := strings.Replace(ancmExample("00:05:00"), `hostingModel="outofprocess" requestTimeout="00:05:00" `, ``, 1)
	src = strings.Replace(src, `<proxy enabled="true" />`, `<proxy enabled="true" />
    <aspNetCore processPath="dotnet" hostingModel="outofprocess" requestTimeout="00:10:00" />`, 1)
	if !strings.Contains(src, `<aspNetCore processPath="dotnet" />`) {
		t.Fatal("the example changed: its site location no longer writes only processPath")
	}
	if got := rulesFound(lintSource(t, "applicationHost.config", src), "backend-request-timeout"); len(got) != 0 {
		t.Errorf("want no backend-request-timeout finding, got %q", got)
	}
}
