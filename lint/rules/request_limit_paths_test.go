package rules

import (
	"strings"
	"testing"
)

// limits is a requestLimits section allowing n bytes.
func limits(n string) string {
	return `<system.webServer><security><requestFiltering><requestLimits maxAllowedContentLength="` + n + `" /></requestFiltering></security></system.webServer>`
}

// TestRequestLimitPerApplication: request-limit-below-backend compares,
// for each URL the ARR site proxies, the limit IIS applies there on the
// ARR site (30000000 bytes unless written) with the backend's limit for
// the path the request reaches, as each side's <location> elements layer
// them. Backend 10.0.0.11 (its applicationHost.config, site "Default Web
// Site" on the farm's port 80) is reached through fixtures/backend's
// catch-all rule, or through one that routes only api/* (Wildcard,
// {R:0}: the path is kept). The finding points at the ARR site's limit
// when it writes one, else at the backend's.
func TestRequestLimitPerApplication(t *testing.T) {
	const file = "web1/applicationHost.config"
	apiOnly := func(arr string) string {
		return strings.Replace(arr, `<match url="*" />`, `<match url="api/*" />`, 1)
	}
	frontAt := func(path, n string) func(string) string {
		return func(arr string) string {
			return strings.Replace(arr, "</configuration>", location(path, limits(n))+"</configuration>", 1)
		}
	}
	for _, c := range []struct {
		name    string
		arr     func(string) string // changes the ARR server's file
		backend string
		want    string // the value the finding points at, in the backend's file or else the ARR server's; "" for none
	}{
		{"an application accepts more than the ARR site", nil,
			location("Default Web Site/upload", limits("1073741824")), "1073741824"},
		{"an application accepts more than the ARR site's own limit", frontAt("Default Web Site", "52428800"),
			location("Default Web Site/upload", limits("1073741824")), "52428800"},
		{"an application below the routed path accepts more", apiOnly,
			location("Default Web Site/api/upload", limits("1073741824")), "1073741824"},
		{"the routed application's limit equals the ARR site's", apiOnly,
			location("Default Web Site", limits("1073741824")) + location("Default Web Site/api", limits("30000000")), ""},
		{"the routed application's limit is smaller", apiOnly,
			location("Default Web Site", limits("1073741824")) + location("Default Web Site/api", limits("10485760")), ""},
		{"the larger application is not routed", apiOnly,
			location("Default Web Site", limits("1073741824")) + location("Default Web Site/api", limits("10485760")) + location("Default Web Site/admin", limits("1073741824")), ""},
		{"the ARR site raises its limit for the routed path", func(arr string) string { return frontAt("Default Web Site/api", "1073741824")(apiOnly(arr)) },
			location("Default Web Site", limits("1073741824")), ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			arr := arrBox(t)
			if c.arr != nil {
				if arr = c.arr(arr); arr == arrBox(t) {
					t.Fatal("the ARR server's file was not changed: fixtures/backend changed")
				}
			}
			src := backendHost(c.backend)
			got := rulesFound(lintWithBackend(t, arr, file, src), "request-limit-below-backend")
			if c.want == "" {
				if len(got) != 0 {
					t.Errorf("want no request-limit-below-backend finding, got %q", got)
				}
				return
			}
			in, text := file, src
			if !strings.Contains(src, c.want) {
				in, text = "applicationHost.config", arr
			}
			if want := at(t, in, text, c.want); len(got) != 1 || got[0] != want {
				t.Errorf("want one request-limit-below-backend finding at %s, got %q", want, got)
			}
		})
	}
}

// TestRequestLimitRewrittenPath: the rule's example proxies files/X of
// the Default Web Site to X of site files (regex ^files/(.*), {R:1}), so
// the files site's application upload is reached at files/upload: its
// 1 GB is a finding, named by both paths, unless the ARR site lets 1 GB
// through at files (its <location>); then the files site's root 1 GB is
// let through too.
func TestRequestLimitRewrittenPath(t *testing.T) {
	noRoot := strings.Replace(requestLimitExample(""), `<location path="files">`, `<location path="files/upload">`, 1)
	ds := lintSource(t, "applicationHost.config", noRoot)
	var got []string
	for _, d := range ds {
		if d.Rule == "request-limit-below-backend" {
			got = append(got, d.Span.String()+": "+d.Message)
		}
	}
	want := at(t, "applicationHost.config", noRoot, "1073741824")
	if len(got) != 1 || !strings.HasPrefix(got[0], want+":") || !strings.Contains(got[0], "path /files/upload of site \"Default Web Site\"") || !strings.Contains(got[0], "path /upload of site \"files\"") {
		t.Errorf("want one finding at %s naming path /files/upload of the ARR site and /upload of site files, got %q", want, got)
	}
	raised := requestLimitExample(location("Default Web Site/files", limits("1073741824")))
	if got := rulesFound(lintSource(t, "applicationHost.config", raised), "request-limit-below-backend"); len(got) != 0 {
		t.Errorf("the ARR site lets 1 GB through at files: want no finding, got %q", got)
	}
}
