package rules

import (
	"strconv"
	"strings"
	"time"

	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

// BackendExecutionTimeout reports ASP.NET backend sites that end requests
// before the farm's proxy timeout does.
var BackendExecutionTimeout = &lint.Rule{
	ID:       "ARR3005",
	Slug:     "backend-execution-timeout",
	Title:    "a backend's ASP.NET executionTimeout is below the farm's",
	Severity: lint.Warning,
	Doc: lint.Doc{
		Why: "ASP.NET (System.Web) ends a request that runs longer than `httpRuntime/@executionTimeout` (110 seconds " +
			"by default, written as a number of seconds) with \"Request timed out\", an HTTP 500 that ARR passes " +
			"to the client. When the farm's `protocol/@timeout` is longer, the farm's allowance is never used: slow " +
			"requests fail at the backend's limit, so raising the farm's timeout does not help them. ASP.NET does " +
			"not enforce the limit in debug builds (`compilation/@debug=\"true\"`, itself a production risk) and " +
			"checks it only every few seconds, so the end comes somewhat after the value. arrfarm sees this when " +
			"the backend is a site of this machine (a farm server on `localhost` or a loopback address, the " +
			"site found by its port) whose `system.web` settings are in the files: a `location` of " +
			"applicationHost.config or the site's web.config linted with it; or a backend on another machine whose " +
			"web.config or applicationHost.config is given (`lint --backend ADDRESS=PATH`), the site found by its port " +
			"there. The site and each application or folder with its own `system.web` are checked, the most specific " +
			"`location` winning as in IIS. It fires only where the site has an `httpRuntime` element (an ASP.NET " +
			"application) and no `aspNetCore` handler.",
		Fix: "Raise `httpRuntime/@executionTimeout` of the backend to at least the farm's timeout in seconds, or " +
			"lower the farm's `protocol/@timeout` to what the backend allows.",
		Bad:  executionTimeoutExample("110"),
		Good: executionTimeoutExample("300"),
	},
	Evidence: evidence(
		lint.Source{Kind: lint.FromDocs, Ref: "Microsoft .NET API reference, HttpRuntimeSection.ExecutionTimeout: default 00:01:50 (110 s), written in seconds (TimeSpanSecondsConverter); the request fails when it runs past it"},
		lint.Source{Kind: lint.FromDocs, Ref: "Microsoft, \"Debug mode in ASP.NET applications\" (KB 2580348): in debug mode the execution timeout is extended to 30,000,000 seconds"},
		src502Article,
		inferred("the backend site is found through the loopback server's port and the site's bindings; ASP.NET Core sites do not use httpRuntime")),
	Check: func(p *lint.Pass) {
		c := p.Config
		if len(c.ASPNET) == 0 || !hasBackendSites(c) {
			return
		}
		for _, f := range p.Config.Farms {
			if !f.Enabled || f.Protocol.Invalid("timeout") || len(p.RoutesTo(f)) == 0 {
				continue
			}
			for _, s := range p.EnabledServers(f) {
				if s.Unknown("port") || s.ARR.Invalid("httpPort") {
					continue
				}
				site, _, _ := backendSite(c, s, "http", s.ARR.HTTPPort, "")
				if site.Site == nil {
					continue
				}
				for _, path := range sitePaths(site, c.ASPNET, func(a *schema.ASPNET) string { return a.Location }) {
					if siteAspNetCore(c.AspNetCore, site, path) != nil {
						continue
					}
					rt, debug := siteExecution(c.ASPNET, site, path)
					if rt == nil || debug || rt.Invalid("executionTimeout") {
						continue
					}
					limit := time.Duration(rt.ExecutionTimeout) * time.Second
					if limit >= f.Protocol.Timeout {
						continue
					}
					p.Report(schema.Finding{Span: rt.ValueSpan("executionTimeout"), Farm: f.Name, Related: farmDefined(f),
						Message: scopeName(site, path) + " (server " + q(s.Address) + " port " + strconv.FormatInt(s.ARR.HTTPPort, 10) + " of farm " + q(f.Name) +
							") ends ASP.NET requests after executionTimeout " + dur(limit) + ", below the farm's proxy timeout of " + dur(f.Protocol.Timeout) +
							": slower requests fail with the backend's 500 \"Request timed out\" at " + dur(limit) + ", whatever the farm allows"})
				}
			}
		}
	},
}

// siteExecution is the httpRuntime element in force at path of site, as
// IIS layers locations (backendScope.covers): the one of the most
// specific level that writes executionTimeout; without one written, the
// most specific httpRuntime present stands for the default. nil when no
// level has the element. debug is compilation/@debug in force there, by
// the same precedence.
func siteExecution(all []*schema.ASPNET, site backendScope, path string) (rt *schema.HTTPRuntime, debug bool) {
	loc := func(a *schema.ASPNET) string { return a.Location }
	if a := inForce(site, all, loc, path, func(a *schema.ASPNET) bool { return a.Compilation.Has("debug") }); a != nil {
		debug = a.Compilation.Debug
	}
	if a := inForce(site, all, loc, path, func(a *schema.ASPNET) bool { return a.HTTPRuntime.Has("executionTimeout") }); a != nil {
		return &a.HTTPRuntime, debug
	}
	if a := inForce(site, all, loc, path, func(a *schema.ASPNET) bool { return a.HTTPRuntime.Present }); a != nil {
		return &a.HTTPRuntime, debug
	}
	return nil, debug
}

// executionTimeoutExample is a farm whose backend is an ASP.NET site of
// this machine with the given executionTimeout (seconds); the farm allows
// 5 minutes.
func executionTimeoutExample(seconds string) string {
	return strings.Replace(strings.Replace(ancmExample("00:02:00"), `<site name="api" id="2">`, `<site name="legacy" id="2">`, 1),
		`  <location path="api">
    <system.webServer>
      <aspNetCore processPath="dotnet" hostingModel="outofprocess" requestTimeout="00:02:00" />
    </system.webServer>
  </location>`, `  <location path="legacy">
    <system.web>
      <httpRuntime targetFramework="4.8" executionTimeout="`+seconds+`" />
    </system.web>
  </location>`, 1)
}
