package rules

import (
	"strconv"
	"strings"

	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

// HealthCheckCannotPass reports URL tests that a backend site of this
// machine can never answer with success: it is not bound to the test's
// host name, or it requires Windows authentication.
var HealthCheckCannotPass = &lint.Rule{
	ID:       "ARR2009",
	Slug:     "health-check-cannot-pass",
	Title:    "a health check that a backend site can never pass",
	Severity: lint.Warning,
	Doc: lint.Doc{
		Why: "A URL test passes only when the server answers with a status in `statusCodeMatch` (200-399 by " +
			"default). When the backend site is on this machine and its sites are in the file (or a backend's " +
			"applicationHost.config is given with `lint --backend ADDRESS=PATH`; a web.config, for the authentication " +
			"only), arrfarm can tell " +
			"two ways it never will: the site's bindings on that port name host names and none is the test URL's " +
			"host (HTTP.sys answers 400 or routes the probe to another site), or the site requires Windows " +
			"authentication with anonymous access off (401). Every probe then fails, the servers are marked " +
			"unhealthy, and once all are, every request gets 502.4 (Microsoft's 502 article; the ARR events page " +
			"says 502.3). Which Host header and port ARR's probe uses is not documented: arrfarm assumes the " +
			"URL's host name and the server's `httpPort`/`httpsPort`, as Microsoft's examples imply.",
		Fix: "Use a test URL whose host the backend site is bound to (or bind the site to it, or add a binding " +
			"without a host name), and allow anonymous access to the health page (a `location` for its path), or let " +
			"`statusCodeMatch` accept 401 if an answer from the site is proof enough.",
		Bad:  healthSitesExample(`*:8001:blue.contoso.com`),
		Good: healthSitesExample(`*:8001:www.contoso.com`),
	},
	Evidence: evidence(srcHealthPage, src502Article,
		lint.Source{Kind: lint.FromDocs, Ref: "Microsoft, IIS site bindings (bindingInformation \"IP:port:host\"): a request whose Host matches no binding of the port is not served by that site"},
		inferred("the probe carries the URL's host name to each server's httpPort/httpsPort; ARR's probe addressing is an open question")),
	Check: func(p *lint.Pass) {
		if !hasBackendSites(p.Config) {
			return
		}
		for _, f := range p.Config.Farms {
			scheme, host, _, ok := urlHost(f.HealthCheck.URL)
			if !f.Enabled || !ok || (scheme != "http" && scheme != "https") || strings.ContainsAny(host, "{}") {
				continue
			}
			for _, s := range p.EnabledServers(f) {
				if s.Unknown("port") {
					continue
				}
				port, attr := s.ARR.HTTPPort, "httpPort"
				if scheme == "https" {
					port, attr = s.ARR.HTTPSPort, "httpsPort"
				}
				if s.ARR.Invalid(attr) {
					continue
				}
				site, binding, hostOK := backendSite(p.Config, s, scheme, port, host)
				if site.Site == nil {
					continue // the backend's site is not in these files
				}
				where := "server " + q(s.Address) + " (" + scheme + " port " + strconv.FormatInt(port, 10) + ", site " + q(site.Name) + ")"
				var rel []schema.Related
				if binding != nil {
					rel = []schema.Related{{Span: binding.ValueSpan("bindingInformation"), Message: "site " + q(site.Name) + " bound here"}}
				}
				switch {
				case !hostOK:
					p.Report(schema.Finding{Span: f.HealthCheck.ValueSpan("url"), Farm: f.Name, Related: rel,
						Message: "the health check of farm " + q(f.Name) + " asks for host " + q(host) + ", but " + where +
							" is bound only to other host names on that port: the probe cannot succeed, the server is marked unhealthy, and once all are requests get 502.4"})
				case requiresWindowsAuth(p.Config.Auth, site, urlPath(f.HealthCheck.URL)) && !acceptsStatus(&f.HealthCheck, 401):
					p.Report(schema.Finding{Span: f.HealthCheck.ValueSpan("url"), Farm: f.Name, Related: rel,
						Message: "the health check of farm " + q(f.Name) + " asks " + where + ", which requires Windows authentication with anonymous access off: " +
							"the probe gets 401, the server is marked unhealthy, and once all are requests get 502.4"})
				}
			}
		}
	},
}

// siteOnPort finds the site bound to scheme and port, the binding, and
// whether it answers host (a binding without a host name answers any).
func siteOnPort(sites []*schema.Site, scheme string, port int64, host string) (*schema.Site, *schema.Binding, bool) {
	return schema.SiteOnPort(sites, scheme, port, host)
}

// requiresWindowsAuth reports whether site refuses anonymous requests for
// path and asks for Windows authentication: each setting from the most
// specific level that writes it (the server level, the site, then
// "site/health" and deeper), as IIS applies locations.
func requiresWindowsAuth(auth []*schema.Authentication, site backendScope, path string) bool {
	loc := func(a *schema.Authentication) string { return a.Location }
	anon, windows := true, false
	if a := inForce(site, auth, loc, path, func(a *schema.Authentication) bool { return a.Anonymous.Has("enabled") }); a != nil {
		anon = a.Anonymous.Enabled
	}
	if a := inForce(site, auth, loc, path, func(a *schema.Authentication) bool { return a.Windows.Has("enabled") }); a != nil {
		windows = a.Windows.Enabled
	}
	return !anon && windows
}

// urlPath is the path of an absolute URL, without query.
func urlPath(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
	}
	i := strings.IndexByte(u, '/')
	if i < 0 {
		return ""
	}
	u = u[i:]
	if j := strings.IndexAny(u, "?#"); j >= 0 {
		u = u[:j]
	}
	return u
}

// acceptsStatus reports whether the health test's statusCodeMatch
// (ARR's default when not written) counts code as a pass.
func acceptsStatus(hc *schema.HealthCheck, code int) bool {
	set, err := schema.ParseStatusSet(hc.StatusCodeMatchOrDefault())
	return err == nil && set.Has(code)
}

// healthSitesExample is a blue/green farm on this machine with its sites.
func healthSitesExample(blueBinding string) string {
	return `<configuration>
  <system.applicationHost>
    <sites>
      <site name="blue" id="2">
        <bindings>
          <binding protocol="http" bindingInformation="` + blueBinding + `" />
        </bindings>
      </site>
    </sites>
  </system.applicationHost>
  <webFarms>
    <webFarm name="web">
      <server address="localhost">
        <applicationRequestRouting httpPort="8001" />
      </server>
      <applicationRequestRouting>
        <healthCheck url="http://www.contoso.com/health" interval="00:00:10" timeout="00:00:05" minServers="1" />
      </applicationRequestRouting>
    </webFarm>
  </webFarms>
  <system.webServer>
    <proxy enabled="true" />
    <rewrite>
      <globalRules>
        <rule name="ARR_web_loadbalance" patternSyntax="Wildcard" stopProcessing="true">
          <match url="*" />
          <conditions>
            <add input="{SERVER_PORT}" pattern="80" />
          </conditions>
          <action type="Rewrite" url="http://web/{R:0}" />
        </rule>
      </globalRules>
    </rewrite>
  </system.webServer>
</configuration>
`
}
