package recommend

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrfarm/arrfarm/schema"
)

// Two farms sharing a YAML anchor: a recommendation for one must not
// rewrite the other. The shared values are left alone with a note per
// value naming the anchor and its use; values the farm owns (here api's
// own protocol, written next to a merge of the shared settings) are
// still changed, and web's values stay whatever farm the result is for.
func TestEditsLeaveAnchoredValuesAlone(t *testing.T) {
	src := `farms:
  - name: web
    servers:
      - {address: 10.0.0.11}
    applicationRequestRouting:
      healthCheck: &hc {url: "http://web/health", interval: 30s, timeout: 30s, minServers: 0}
      protocol: {timeout: 30s}
  - name: api
    servers:
      - {address: 10.0.0.21}
    applicationRequestRouting:
      healthCheck: *hc
      protocol: {timeout: 30s}
`
	for _, farm := range []string{"api", "web"} {
		doc := loadConfig(t, "farms.yaml", src)
		reps, notes := Edits(doc, handResult(farm))
		got, err := schema.Patch([]byte(src), reps)
		require.NoError(t, err)
		after := loadConfig(t, "farms.yaml", string(got))
		// The farm's own timeout is changed; the shared health check,
		// seen by both farms, is not.
		assert.Equal(t, 41*time.Second, after.Config.Farm(farm).Protocol.Timeout, farm)
		for _, name := range []string{"web", "api"} {
			hc := after.Config.Farm(name).HealthCheck
			assert.Equal(t, 30*time.Second, hc.Interval, "%s: %s's interval", farm, name)
			assert.Equal(t, 30*time.Second, hc.Timeout, "%s: %s's timeout", farm, name)
			assert.EqualValues(t, 0, hc.MinServers, "%s: %s's minServers", farm, name)
		}
		other := map[string]string{"api": "web", "web": "api"}[farm]
		assert.Equal(t, 30*time.Second, after.Config.Farm(other).Protocol.Timeout, "the other farm's own timeout")
		require.Len(t, notes, 3, farm)
		for _, n := range notes {
			assert.Contains(t, n, "farms.yaml:6:")
			assert.Contains(t, n, `the value is shared through the YAML anchor &hc (used at farms.yaml:12:20)`)
			assert.Contains(t, n, `to change farm "`+farm+`" alone`)
		}
		assert.Contains(t, strings.Join(notes, "\n"), "healthCheck.interval: 5s in place of the alias")
	}
}

// An anchor that no alias uses shares nothing: its values are edited as
// usual.
func TestEditsUnusedAnchor(t *testing.T) {
	src := `farms:
  - name: web
    servers:
      - {address: 10.0.0.11}
    applicationRequestRouting:
      healthCheck: &hc {url: "http://web/health", interval: 30s, timeout: 30s, minServers: 0}
      protocol: &p {timeout: 30s}
`
	doc := loadConfig(t, "farms.yaml", src)
	reps, notes := Edits(doc, handResult("web"))
	assert.Len(t, reps, 4)
	assert.Empty(t, notes)
}
