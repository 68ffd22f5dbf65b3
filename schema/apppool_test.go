package schema

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Application pools and the pool each site's root application runs in are
// read with IIS's defaults (idle time-out 20 minutes, periodic recycle 29
// hours: Microsoft's ARR deployment recommendations and the periodicRestart
// reference) and the positions of what was written.
func TestApplicationPools(t *testing.T) {
	src := `<configuration>
  <system.applicationHost>
    <applicationPools>
      <add name="DefaultAppPool" />
      <add name="ApiPool">
        <processModel idleTimeout="00:00:00" idleTimeoutAction="Suspend" />
        <recycling>
          <periodicRestart time="29:00:00" />
        </recycling>
      </add>
      <applicationPoolDefaults>
        <recycling>
          <periodicRestart time="1.00:00:00" />
        </recycling>
      </applicationPoolDefaults>
    </applicationPools>
    <sites>
      <site name="Default Web Site" id="1">
        <application path="/" />
      </site>
      <site name="Api" id="2">
        <application path="/" applicationPool="ApiPool" />
      </site>
      <site name="Shop" id="3">
        <applicationDefaults applicationPool="ShopPool" />
      </site>
      <applicationDefaults applicationPool="SitesPool" />
    </sites>
  </system.applicationHost>
</configuration>
`
	doc := load(t, "applicationHost.config", src)
	require.Empty(t, doc.Findings)
	c := doc.Config
	require.Len(t, c.AppPools, 2)
	def := c.Pool("defaultapppool")
	require.NotNil(t, def)
	assert.Equal(t, 20*time.Minute, def.ProcessModel.IdleTimeout)
	assert.Equal(t, 29*time.Hour, def.PeriodicRestart.Time)
	assert.False(t, def.PeriodicRestart.Has("time"))
	api := c.Pool("ApiPool")
	assert.Equal(t, time.Duration(0), api.ProcessModel.IdleTimeout)
	assert.Equal(t, "Suspend", api.ProcessModel.IdleTimeoutAction)
	assert.Equal(t, 29*time.Hour, api.PeriodicRestart.Time, "29:00:00 is 29 hours in IIS")
	assert.Equal(t, 8, api.PeriodicRestart.ValueSpan("time").Start.Line)
	assert.True(t, c.AppPoolDefaults.Present)
	assert.Equal(t, 24*time.Hour, c.AppPoolDefaults.PeriodicRestart.Time)
	assert.Equal(t, 13, c.AppPoolDefaults.PeriodicRestart.ValueSpan("time").Start.Line)

	want := []string{"SitesPool", "ApiPool", "ShopPool"}
	for i, s := range c.Sites {
		name, at := s.RootPool(&c.SiteAppDefaults)
		assert.Equal(t, want[i], name, s.Name)
		require.NotNil(t, at, s.Name)
	}
	name, at := c.Sites[0].RootPool(nil)
	assert.Equal(t, DefaultAppPool, name, "without any applicationPool written IIS uses DefaultAppPool")
	assert.Nil(t, at)
}

// ASP.NET's executionTimeout is written as a number of seconds, per
// location, and a web.config's settings join the site's location when
// the server's files are merged.
func TestASPNETSettings(t *testing.T) {
	app := load(t, "applicationHost.config", `<configuration>
  <system.applicationHost>
    <sites>
      <site name="api" id="2" />
    </sites>
  </system.applicationHost>
  <location path="api">
    <system.web>
      <compilation debug="true" />
    </system.web>
  </location>
</configuration>
`)
	web := load(t, "sites/api/web.config", `<configuration>
  <system.web>
    <httpRuntime targetFramework="4.8" executionTimeout="3600" />
  </system.web>
</configuration>
`)
	require.Empty(t, web.Findings)
	require.Len(t, web.Config.ASPNET, 1)
	rt := web.Config.ASPNET[0].HTTPRuntime
	assert.Equal(t, int64(3600), rt.ExecutionTimeout)
	assert.Equal(t, 3, rt.ValueSpan("executionTimeout").Start.Line)

	m := MergeServer(app, []SiteFile{{Doc: web, Location: SiteLocation("sites/api/web.config", app.Config.Sites)}}).Config
	require.Len(t, m.ASPNET, 2)
	assert.Equal(t, "api", m.ASPNET[0].Location)
	assert.True(t, m.ASPNET[0].Compilation.Debug)
	assert.Equal(t, "api", m.ASPNET[1].Location)
	assert.Equal(t, "sites/api/web.config", m.ASPNET[1].HTTPRuntime.Span.File)

	bad := load(t, "web.config", `<configuration><system.web><httpRuntime executionTimeout="00:05:00" /></system.web></configuration>`)
	require.NotEmpty(t, bad.Findings, "executionTimeout is a number of seconds, not a time span")
	assert.True(t, bad.Config.ASPNET[0].HTTPRuntime.Invalid("executionTimeout"))
	def := load(t, "web.config", `<configuration><system.web><httpRuntime /></system.web></configuration>`)
	assert.Equal(t, int64(110), def.Config.ASPNET[0].HTTPRuntime.ExecutionTimeout, "ASP.NET's default is 110 seconds")
}

// Request limits are read per location, with IIS's default of 30000000
// bytes, and a site web.config's join its site's location on merging.
func TestRequestLimits(t *testing.T) {
	app := load(t, "applicationHost.config", `<configuration>
  <system.webServer>
    <security>
      <requestFiltering>
        <requestLimits maxQueryString="4096" />
      </requestFiltering>
    </security>
  </system.webServer>
</configuration>
`)
	web := load(t, "sites/files/web.config", `<configuration>
  <system.webServer>
    <security>
      <requestFiltering>
        <requestLimits maxAllowedContentLength="1073741824" />
      </requestFiltering>
    </security>
  </system.webServer>
</configuration>
`)
	require.Empty(t, app.Findings)
	require.Len(t, app.Config.RequestLimits, 1)
	assert.Equal(t, int64(30000000), app.Config.RequestLimits[0].MaxAllowedContentLength)
	assert.False(t, app.Config.RequestLimits[0].Has("maxAllowedContentLength"))
	m := MergeServer(app, []SiteFile{{Doc: web, Location: "files"}}).Config
	require.Len(t, m.RequestLimits, 2)
	assert.Equal(t, "files", m.RequestLimits[1].Location)
	assert.Equal(t, int64(1<<30), m.RequestLimits[1].MaxAllowedContentLength)
	assert.Equal(t, 5, m.RequestLimits[1].ValueSpan("maxAllowedContentLength").Start.Line)
}

// sslFlags is written as a number or as flag names; bit 1 is Sni.
func TestBindingRequiresSNI(t *testing.T) {
	for flags, want := range map[string]bool{"": false, "0": false, "1": true, "2": false, "3": true,
		"Sni": true, "sni, CentralCertStore": true, "CentralCertStore": false, "None": false} {
		b := &Binding{SSLFlags: flags}
		assert.Equal(t, want, b.RequiresSNI(), "sslFlags %q", flags)
	}
	doc := load(t, "applicationHost.config", `<configuration><system.applicationHost><sites><site name="app" id="2"><bindings>
<binding protocol="https" bindingInformation="*:8443:app.contoso.com" sslFlags="1" />
</bindings></site></sites></system.applicationHost></configuration>`)
	require.Empty(t, doc.Findings)
	b := doc.Config.Sites[0].Bindings[0]
	assert.True(t, b.RequiresSNI())
	assert.Equal(t, 2, b.ValueSpan("sslFlags").Start.Line)
}

// urlCompression is read per location with IIS's defaults (both on).
func TestURLCompression(t *testing.T) {
	doc := load(t, "applicationHost.config", `<configuration>
  <system.webServer>
    <urlCompression />
  </system.webServer>
  <location path="webmail">
    <system.webServer>
      <urlCompression doDynamicCompression="false" />
    </system.webServer>
  </location>
</configuration>
`)
	require.Empty(t, doc.Findings)
	require.Len(t, doc.Config.URLCompression, 2)
	server, site := doc.Config.URLCompression[0], doc.Config.URLCompression[1]
	assert.True(t, server.DoDynamicCompression && server.DoStaticCompression)
	assert.Equal(t, "webmail", site.Location)
	assert.False(t, site.DoDynamicCompression)
	assert.True(t, site.DoStaticCompression)
	assert.Equal(t, 7, site.ValueSpan("doDynamicCompression").Start.Line)
}
