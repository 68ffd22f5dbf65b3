package schema

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The Go defaults of HealthCheck are arr.cue's: the spec derived from the
// CUE gives the same statusCodeMatch and timeout.
func TestHealthCheckDefaults(t *testing.T) {
	sch, err := Compiled()
	require.NoError(t, err)
	e := sch.Doc
	for _, name := range []string{"webFarms", "webFarm", "applicationRequestRouting", "healthCheck"} {
		e = e.Elems[name]
		require.NotNil(t, e, "element %s", name)
	}
	require.Equal(t, DefaultStatusCodeMatch, e.Attrs["statusCodeMatch"].Default)
	require.Equal(t, DefaultProbeTimeout.Seconds(), e.Attrs["timeout"].Default)

	var h HealthCheck
	require.Equal(t, "200-399", h.StatusCodeMatchOrDefault())
	require.Equal(t, 30*time.Second, h.ProbeTimeout())
	h.StatusCodeMatch, h.Timeout = "200,302", 5*time.Second
	require.Equal(t, "200,302", h.StatusCodeMatchOrDefault())
	require.Equal(t, 5*time.Second, h.ProbeTimeout())
}
