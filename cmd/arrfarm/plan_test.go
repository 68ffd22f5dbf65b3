package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	planDesired = "../../plan/testdata/desired.yaml"
	planCurrent = "../../plan/testdata/current.config"
)

func TestPlanFormatsAndExit(t *testing.T) {
	code, out, stderr := runCLI(t, "", nil, "plan", planDesired, "--current", planCurrent)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, out, "~ farm web: protocol.timeout 30s -> 45s\n")
	assert.Contains(t, out, "+ server 10.0.0.15 in farm web\n")
	assert.Contains(t, out, "- farm old\n")

	code, out, stderr = runCLI(t, "", nil, "plan", planDesired, "--current", planCurrent, "--format", "json")
	require.Equal(t, exitOK, code, stderr)
	var p struct {
		Changes        []map[string]any `json:"changes"`
		SecretsSkipped []string         `json:"secrets_skipped"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &p))
	assert.NotEmpty(t, p.Changes)
	assert.Equal(t, []string{"webFarms/webFarm[@name='api']/@adminPassword"}, p.SecretsSkipped)

	dir := t.TempDir()
	script := filepath.Join(dir, "apply.cmd")
	code, out, stderr = runCLI(t, "", nil, "plan", planDesired, "--current", planCurrent, "--format", "appcmd", "-o", script)
	require.Equal(t, exitOK, code, stderr)
	assert.Empty(t, out)
	b, err := os.ReadFile(script)
	require.NoError(t, err)
	assert.Contains(t, string(b), `/"[name='web'].applicationRequestRouting.protocol.timeout:00:00:45" /commit:apphost`)

	// Planned against itself: empty, and still exit 0.
	code, out, stderr = runCLI(t, "", nil, "plan", planCurrent, "--current", planCurrent)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, out, "No changes")
}

func TestPlanStopsOnLintErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "farms.yaml")
	// Two farms of one name: IIS rejects the file (duplicate-key, an error).
	require.NoError(t, os.WriteFile(bad, []byte("farms:\n  - {name: web, servers: [{address: 10.0.0.1}]}\n  - {name: web, servers: [{address: 10.0.0.2}]}\n"), 0o644))
	code, out, stderr := runCLI(t, "", nil, "plan", bad, "--current", planCurrent)
	assert.Equal(t, exitFindings, code)
	assert.Empty(t, out)
	assert.Contains(t, stderr, "duplicate farm name")
	assert.Contains(t, stderr, "no plan written")
}

func TestPlanUnreadable(t *testing.T) {
	code, _, stderr := runCLI(t, "", nil, "plan", planDesired, "--current", "does-not-exist.config")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "does-not-exist.config")
	dir := t.TempDir()
	broken := filepath.Join(dir, "applicationHost.config")
	require.NoError(t, os.WriteFile(broken, []byte("<configuration><webFarms>"), 0o644))
	code, _, _ = runCLI(t, "", nil, "plan", planDesired, "--current", broken)
	assert.Equal(t, exitUsage, code)
	code, _, _ = runCLI(t, "", nil, "drift", planDesired, "--current", broken)
	assert.Equal(t, exitUsage, code)
	code, _, stderr = runCLI(t, "", nil, "plan", planDesired, "--current", planCurrent, "--format", "yaml")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "appcmd")
}

func TestDriftExitAndFormats(t *testing.T) {
	code, out, stderr := runCLI(t, "", nil, "drift", planDesired, "--current", planCurrent)
	assert.Equal(t, exitFindings, code, stderr)
	assert.Contains(t, out, "current.config:11:28: error: farm web: protocol.timeout is 30s here, the desired configuration has 45s [drift]")

	code, _, stderr = runCLI(t, "", nil, "drift", planCurrent, "--current", planCurrent)
	assert.Equal(t, exitOK, code, stderr)

	for _, format := range []string{"json", "sarif", "github", "azure", "gitlab", "junit", "checkstyle"} {
		code, out, stderr := runCLI(t, "", nil, "drift", planDesired, "--current", planCurrent, "--format", format)
		assert.Equal(t, exitFindings, code, format+": "+stderr)
		assert.Contains(t, out, "current.config", format)
	}
	// On GitHub Actions the default is annotations.
	code, out, _ = runCLI(t, "", map[string]string{"GITHUB_ACTIONS": "true"}, "drift", planDesired, "--current", planCurrent)
	assert.Equal(t, exitFindings, code)
	assert.Contains(t, out, "::error file=")
}

func TestPlanScenario(t *testing.T) {
	dir := t.TempDir()
	sc := filepath.Join(dir, "peak.yaml")
	require.NoError(t, os.WriteFile(sc, []byte("farm: web\nduration: 1m\nwarmup: 5s\nreplications: 2\nseed: 1\narrivals: {rate: 20}\nlatency: {fixed: 100ms}\n"), 0o644))
	code, out, stderr := runCLI(t, "", nil, "plan", planDesired, "--current", planCurrent, "--scenario", sc)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, out, "Transition, simulated with")
	assert.Contains(t, out, "+ server 10.0.0.15 in farm web")
	code, out, stderr = runCLI(t, "", nil, "plan", planDesired, "--current", planCurrent, "--scenario", sc, "--format", "json")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, out, `"transition"`)
	code, out, stderr = runCLI(t, "", nil, "plan", planDesired, "--current", planCurrent, "--scenario", sc, "--format", "appcmd")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, out, "REM Transition, simulated with")
}
