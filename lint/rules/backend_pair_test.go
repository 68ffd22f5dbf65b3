package rules

import (
	"strings"
	"testing"

	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

// backendFile is one --backend value of a test: the farm server's address
// (with a port, or 0), the file's name and its text.
type backendFile struct {
	addr       string
	port       int64
	name, text string
}

// lintWithBackendFiles lints the ARR server's arrSrc with the backend
// files, in the order given, as lint --backend does; err is
// lint.WithBackends's.
func lintWithBackendFiles(t *testing.T, arrSrc string, files ...backendFile) ([]lint.Diagnostic, error) {
	t.Helper()
	arr, err := schema.Load("applicationHost.config", []byte(arrSrc), schema.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var bs []schema.BackendFile
	for _, f := range files {
		d, err := schema.Load(f.name, []byte(f.text), schema.Options{})
		if err != nil {
			t.Fatal(err)
		}
		bs = append(bs, schema.BackendFile{Address: f.addr, Port: f.port, Doc: d})
	}
	doc, used, err := lint.WithBackends(arr, bs)
	if err != nil {
		return nil, err
	}
	if len(used) != len(files) {
		t.Fatalf("%d of the %d backend files were tied to a farm server", len(used), len(files))
	}
	return defaultLinter(t).Lint(doc), nil
}

// webConfig is a site's web.config holding section.
func webConfig(section string) string {
	return "<configuration>\n  " + section + "\n</configuration>\n"
}

// TestBackendWebConfigBelowAppHost: given both the applicationHost.config
// of 10.0.0.11 and a web.config for the same address, IIS reads the
// web.config at the root of the site the farm's port 80 is bound to
// (Default Web Site), below the file's server level and the <location>
// for that site, and above the locations of its applications: the most
// specific level that writes requestTimeout wins, whichever order the
// files are given in.
func TestBackendWebConfigBelowAppHost(t *testing.T) {
	const hostFile, webFile = "web1/applicationHost.config", "web1/web.config"
	for _, c := range []struct {
		name, host, web string
		want            string // the requestTimeout the one finding points at; "" for none
	}{
		{"the web.config's bad timeout overrides the site's good location", location("Default Web Site", ancm("00:10:00")), ancm("00:01:00"), "00:01:00"},
		{"the web.config's good timeout overrides the server level's bad one", "  " + ancm("00:01:00") + "\n", ancm("00:10:00"), ""},
		{"the web.config's good timeout overrides the site's bad location", location("Default Web Site", ancm("00:01:00")), ancm("00:10:00"), ""},
		{"an application's location overrides the web.config", location("Default Web Site/api", ancm("00:02:00")), ancm("00:10:00"), "00:02:00"},
		{"a location for another site does not reach the web.config's site", location("admin", ancm("00:10:00")), ancm("00:01:00"), "00:01:00"},
	} {
		for _, webFirst := range []bool{true, false} {
			host := backendFile{"10.0.0.11", 0, hostFile, backendHost(c.host)}
			web := backendFile{"10.0.0.11", 0, webFile, webConfig(c.web)}
			files := []backendFile{host, web}
			if webFirst {
				files = []backendFile{web, host}
			}
			ds, err := lintWithBackendFiles(t, arrBox(t), files...)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			got := rulesFound(ds, "backend-request-timeout")
			if c.want == "" {
				if len(got) != 0 {
					t.Errorf("%s (web.config first: %v): want no backend-request-timeout finding, got %q", c.name, webFirst, got)
				}
				continue
			}
			in, text := hostFile, host.text
			if strings.Contains(web.text, c.want) {
				in, text = webFile, web.text
			}
			if want := at(t, in, text, c.want); len(got) != 1 || got[0] != want {
				t.Errorf("%s (web.config first: %v): want one backend-request-timeout finding at %s, got %q", c.name, webFirst, want, got)
			}
		}
	}
}

// TestBackendWebConfigAmbiguousSite: when the farm server's ports (http
// 80, and https 443, ARR's default httpsPort) are bound to two sites of
// the backend's applicationHost.config, which one a web.config given for
// the whole address is the root of is unknown: an error names both files
// and the way out. Given for port 80 it is the Default Web Site's, and
// no site bound to the ports is an error too.
func TestBackendWebConfigAmbiguousSite(t *testing.T) {
	twoSites := strings.Replace(backendHost(""), `<site name="admin" id="2">
        <bindings><binding protocol="http" bindingInformation="*:8080:" /></bindings>`, `<site name="admin" id="2">
        <bindings><binding protocol="https" bindingInformation="*:443:" /></bindings>`, 1)
	if twoSites == backendHost("") {
		t.Fatal("backendHost changed: site admin is no longer bound to http 8080")
	}
	host := backendFile{"10.0.0.11", 0, "web1/applicationHost.config", twoSites}
	web := backendFile{"10.0.0.11", 0, "web1/web.config", webConfig(ancm("00:01:00"))}
	_, err := lintWithBackendFiles(t, arrBox(t), host, web)
	if err == nil {
		t.Fatal("a web.config for two sites: want an error, got none")
	}
	for _, s := range []string{"web1/web.config", "web1/applicationHost.config", `"Default Web Site"`, `"admin"`, "ADDRESS:PORT=PATH"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("the error does not name %s: %v", s, err)
		}
	}

	web.port = 80
	ds, err := lintWithBackendFiles(t, arrBox(t), host, web)
	if err != nil {
		t.Fatalf("a web.config for port 80: %v", err)
	}
	if got, want := rulesFound(ds, "backend-request-timeout"), at(t, web.name, web.text, "00:01:00"); len(got) != 1 || got[0] != want {
		t.Errorf("a web.config for port 80: want one backend-request-timeout finding at %s, got %q", want, got)
	}

	noSite := strings.Replace(backendHost(""), `"*:80:"`, `"*:81:"`, 1)
	web.port = 0
	_, err = lintWithBackendFiles(t, arrBox(t), backendFile{"10.0.0.11", 0, "web1/applicationHost.config", noSite}, web)
	if err == nil || !strings.Contains(err.Error(), "web1/web.config") || !strings.Contains(err.Error(), "web1/applicationHost.config") || !strings.Contains(err.Error(), "no site") {
		t.Errorf("no site on port 80: want an error naming both files and saying no site is bound, got %v", err)
	}
}

// TestBackendWebConfigUnlockedByAppHost: a site's web.config that lists
// allowedServerVariables sets a section URL Rewrite locks by default
// (locked-section); the applicationHost.config given with it unlocks it
// for the web.config's site, so the finding goes, as for a web.config
// linted with this machine's applicationHost.config.
func TestBackendWebConfigUnlockedByAppHost(t *testing.T) {
	web := backendFile{"10.0.0.11", 0, "web1/web.config", webConfig(`<system.webServer><rewrite><allowedServerVariables><add name="HTTP_X_ORIGINAL_HOST" /></allowedServerVariables></rewrite></system.webServer>`)}
	alone, err := lintWithBackendFiles(t, arrBox(t), web)
	if err != nil {
		t.Fatal(err)
	}
	if len(rulesFound(alone, "locked-section")) != 1 {
		t.Fatalf("the web.config alone: want one locked-section finding, got %q", rulesFound(alone, "locked-section"))
	}
	unlock := func(site string) string {
		return `  <location path="` + site + `" overrideMode="Allow">
    <system.webServer><rewrite><allowedServerVariables /></rewrite></system.webServer>
  </location>
`
	}
	for _, c := range []struct {
		site string
		want int
	}{{"Default Web Site", 0}, {"admin", 1}} {
		ds, err := lintWithBackendFiles(t, arrBox(t), web, backendFile{"10.0.0.11", 0, "web1/applicationHost.config", backendHost(unlock(c.site))})
		if err != nil {
			t.Fatal(err)
		}
		if got := rulesFound(ds, "locked-section"); len(got) != c.want {
			t.Errorf("unlocked for site %q: want %d locked-section findings, got %q", c.site, c.want, got)
		}
	}
}
