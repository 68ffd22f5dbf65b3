package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recommend --write for farm api, whose applicationRequestRouting is an
// alias of web's: the shared values are not rewritten (that would change
// web too); each is named on stderr with the anchor, and the file stays
// as it was, since nothing else needs a change.
func TestRecommendWriteSharedAnchor(t *testing.T) {
	orig := []byte(`farms:
  - name: web
    servers:
      - {address: 10.0.0.11}
      - {address: 10.0.0.12}
    applicationRequestRouting: &arr
      protocol: {timeout: 30s}
      healthCheck: {url: "http://web/health", interval: 30s, timeout: 30s, minServers: 0}
  - name: api
    servers:
      - {address: 10.0.0.21}
      - {address: 10.0.0.22}
    applicationRequestRouting: *arr
`)
	dir := t.TempDir()
	path := filepath.Join(dir, "farms.yaml")
	require.NoError(t, os.WriteFile(path, orig, 0o644))
	sc := filepath.Join(dir, "api.yaml")
	peak, err := os.ReadFile(recPeak)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(sc, append(peak, "farm: api\n"...), 0o644))

	code, _, stderr := runCLI(t, "", nil, "recommend", path, "--scenario", sc, "--write")
	require.Equal(t, exitOK, code, stderr)
	// The healthCheck values recommended for peak.yaml (as in the README).
	for _, attr := range []string{"interval: 3s", "timeout: 1s", "minServers: 1"} {
		assert.Contains(t, stderr, "write its own healthCheck."+attr+" in place of the alias by hand")
	}
	assert.Contains(t, stderr, "the value is shared through the YAML anchor &arr (used at "+path+":13:32), so editing it would change every farm that uses it")
	assert.NotContains(t, stderr, "wrote ")
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, string(orig), string(got))
}
