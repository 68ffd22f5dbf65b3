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
