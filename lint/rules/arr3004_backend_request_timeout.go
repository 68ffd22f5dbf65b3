package rules

import (
	"strconv"
	"strings"

	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

// BackendRequestTimeout reports backend sites whose ASP.NET Core Module
// gives up before the farm's proxy timeout does.
var BackendRequestTimeout = &lint.Rule{
	ID:       "ARR3004",
	Slug:     "backend-request-timeout",
	Title:    "a backend's ASP.NET Core requestTimeout is below the farm's",
	Severity: lint.Warning,
	Doc: lint.Doc{
		Why: "An ASP.NET Core backend hosted out of process waits for its app only `aspNetCore/@requestTimeout` " +
			"(default 2 minutes) and then answers 502.3 itself. When the farm's `protocol/@timeout` is longer, " +
			"slow requests still fail at the backend's limit: raising the farm's timeout, the usual fix for 502.3, " +
			"does not help them. arrfarm sees this when the backend sites are sites of this machine (farm servers " +
			"on `localhost`) with their `aspNetCore` settings in the files (a `location` for the site, or the " +
			"site's web.config linted with applicationHost.config), or when a backend on another machine is given " +
			"with its web.config or applicationHost.config (`lint --backend ADDRESS=PATH`). Each attribute is read as IIS " +
			"layers the levels (the server's, the site's `location`, then an application's or folder's `location` below " +
			"it), and the site and each application with its own `aspNetCore` are checked. In-process hosting has no " +
			"such timeout.",
		Fix: "Raise `aspNetCore/@requestTimeout` of the backend to at least the farm's `protocol/@timeout`, or " +
			"host the app in process (`hostingModel=\"inprocess\"`).",
		Bad:  ancmExample("00:02:00"),
		Good: ancmExample("00:05:00"),
	},
	Evidence: evidence(lint.Source{Kind: lint.FromDocs, Ref: "Microsoft, \"ASP.NET Core Module (ANCM) configuration reference\": requestTimeout, default 00:02:00, applies to out-of-process hosting only"},
		lint.Source{Kind: lint.FromCommunity, Ref: "aspnet/IISIntegration#201 and aspnet/AspNetCoreModule#287: ANCM answers 502.3 when the app does not respond in time"},
		src502Article,
		inferred("the backend site is found through the loopback server's port and the site's bindings")),
	Check: func(p *lint.Pass) {
		if len(p.Config.AspNetCore) == 0 || !hasBackendSites(p.Config) {
			return
		}
		for _, f := range p.Config.Farms {
			if !f.Enabled || f.Protocol.Invalid("timeout") {
				continue
			}
			for _, s := range p.EnabledServers(f) {
				if s.Unknown("port") || s.ARR.Invalid("httpPort") {
					continue
				}
				site, _, _ := backendSite(p.Config, s, "http", s.ARR.HTTPPort, "")
				if site.Site == nil {
					continue
				}
				for _, path := range sitePaths(site, p.Config.AspNetCore, func(a *schema.AspNetCore) string { return a.Location }) {
					a := siteAspNetCore(p.Config.AspNetCore, site, path)
					if a == nil || strings.EqualFold(strings.TrimSpace(a.HostingModel), "inprocess") || a.Invalid("requestTimeout") ||
						a.RequestTimeout >= f.Protocol.Timeout {
						continue
					}
					p.Report(schema.Finding{Span: attrSpan(&a.Element, "requestTimeout", a.Span), Farm: f.Name,
						Related: farmDefined(f),
						Message: scopeName(site, path) + " (server " + q(s.Address) + " port " + strconv.FormatInt(s.ARR.HTTPPort, 10) + " of farm " + q(f.Name) +
							") runs ASP.NET Core out of process with requestTimeout " + dur(a.RequestTimeout) + ", below the farm's proxy timeout of " +
							dur(f.Protocol.Timeout) + ": slower requests get 502.3 from the backend at " + dur(a.RequestTimeout) + ", whatever the farm allows"})
				}
			}
		}
	},
}

// siteAspNetCore is the aspNetCore setting in force at path of site, as
// IIS layers locations (backendScope.covers): requestTimeout and
// hostingModel each from the most specific level that writes them, so
// that a location setting only processPath keeps the server level's
// timeout. The element returned is the one that writes requestTimeout
// (where a finding points), else the most specific present; its
// HostingModel is the one in force. nil when no level has the element.
func siteAspNetCore(all []*schema.AspNetCore, site backendScope, path string) *schema.AspNetCore {
	loc := func(a *schema.AspNetCore) string { return a.Location }
	present := inForce(site, all, loc, path, func(*schema.AspNetCore) bool { return true })
	if present == nil {
		return nil
	}
	out := present
	if t := inForce(site, all, loc, path, func(a *schema.AspNetCore) bool { return a.Has("requestTimeout") }); t != nil {
		out = t
	}
	if h := inForce(site, all, loc, path, func(a *schema.AspNetCore) bool { return a.Has("hostingModel") }); h != nil && h != out {
		c := *out
		c.HostingModel = h.HostingModel
		out = &c
	}
	return out
}

// ancmExample is a farm whose backend is an ASP.NET Core site of this
// machine with the given requestTimeout; the farm allows 5 minutes.
func ancmExample(requestTimeout string) string {
	return `<configuration>
  <system.applicationHost>
    <sites>
      <site name="api" id="2">
        <bindings>
          <binding protocol="http" bindingInformation="*:5000:" />
        </bindings>
      </site>
    </sites>
  </system.applicationHost>
  <webFarms>
    <webFarm name="web">
      <server address="localhost">
        <applicationRequestRouting httpPort="5000" />
      </server>
      <applicationRequestRouting>
        <protocol timeout="00:05:00" />
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
  <location path="api">
    <system.webServer>
      <aspNetCore processPath="dotnet" hostingModel="outofprocess" requestTimeout="` + requestTimeout + `" />
    </system.webServer>
  </location>
</configuration>
`
}
