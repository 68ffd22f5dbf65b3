package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const corpus = "../../fixtures/corpus/"

func TestConvertRoundTrip(t *testing.T) {
	code, y, stderr := runCLI(t, "", nil, "convert", corpus+"inframole-agent-test-applicationhost-farm-and-globalrules.xml", "--to", "yaml")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, y, "farms:\n  - name: AppFarm\n")
	assert.Contains(t, y, "httpPort: 8080")
	dir := t.TempDir()
	in := filepath.Join(dir, "farms.yaml")
	require.NoError(t, os.WriteFile(in, []byte(y), 0o644))
	out := filepath.Join(dir, "farms.config")
	code, _, stderr = runCLI(t, "", nil, "convert", in, "--to", "xml", "-o", out)
	require.Equal(t, exitOK, code, stderr)
	x, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Contains(t, string(x), `<webFarm name="AppFarm" enabled="true">`)
	assert.Contains(t, string(x), `<applicationRequestRouting httpPort="8080"/>`)
}

func TestConvertStopsOnErrors(t *testing.T) {
	code, stdout, stderr := runCLI(t, "", nil, "convert", corpus+"ghips-erp-docs-webfarm-invented-loadbalance-roundrobin.xml", "--to", "yaml")
	assert.Equal(t, exitFindings, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "ghips-erp-docs-webfarm-invented-loadbalance-roundrobin.xml:7:6: error: unknown element loadBalance")
}

func TestConvertUsage(t *testing.T) {
	code, _, stderr := runCLI(t, "", nil, "convert", corpus+"inframole-agent-test-applicationhost-farm-and-globalrules.xml", "--to", "json")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, `--to must be "yaml" or "xml"`)
	code, _, stderr = runCLI(t, "", nil, "convert", "does-not-exist.config", "--to", "yaml")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "does-not-exist.config")
}

func TestConvertStdinRedactsSecrets(t *testing.T) {
	src := `<webFarms><webFarm name="w" adminPassword="[enc:AesProvider:XYZZY:enc]"><server address="a"/></webFarm></webFarms>`
	code, out, stderr := runCLI(t, src, nil, "convert", "-", "--to", "yaml")
	require.Equal(t, exitOK, code, stderr)
	assert.NotContains(t, out+stderr, "XYZZY")
	assert.Contains(t, stderr, "1 secret value(s) replaced")
}

func TestSchemaCommand(t *testing.T) {
	code, out, _ := runCLI(t, "", nil, "schema")
	require.Equal(t, exitOK, code)
	assert.Contains(t, out, "#WebFarm:")
	code, out, _ = runCLI(t, "", nil, "schema", "--format", "jsonschema")
	require.Equal(t, exitOK, code)
	var js map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &js))
	farms := js["properties"].(map[string]any)["farms"].(map[string]any)["items"].(map[string]any)
	servers := farms["properties"].(map[string]any)["servers"].(map[string]any)
	assert.Equal(t, "array", servers["type"])
	assert.Equal(t, []any{"name"}, farms["required"])
}

func TestVersionAndCompletion(t *testing.T) {
	code, out, _ := runCLI(t, "", nil, "version")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, out, "arrfarm ")
	code, out, _ = runCLI(t, "", nil, "completion", "bash")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, out, "bash completion")
	code, _, stderr := runCLI(t, "", nil, "no-such-command")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "unknown command")
}

// endless is a stdin that never ends.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}

// Standard input is read up to the size limit, never to its end: a
// runaway pipe is unreadable input (exit 2), not unbounded memory.
func TestStdinIsBounded(t *testing.T) {
	var out, errb bytes.Buffer
	code := run([]string{"lint", "-"}, streams{in: endless{}, out: &out, err: &errb}, func(string) string { return "" })
	assert.Equal(t, exitUsage, code, errb.String())
	assert.Contains(t, errb.String(), "reading standard input: the file is larger than 32 MiB")
}

// convert never drops content without a word: every element of the
// sections it reads that the output cannot carry is named, with its
// position, on stderr.
func TestConvertNamesWhatItLeavesOut(t *testing.T) {
	const in = "../../fixtures/convert/dropped.config"
	for _, to := range []string{"yaml", "xml"} {
		code, out, stderr := runCLI(t, "", nil, "convert", in, "--to", to)
		if code != exitOK {
			t.Fatalf("--to %s: exit %d\n%s", to, code, stderr)
		}
		want := in + ":6:8: note: webFarms/webFarm/platformProvision is left out: convert does not write it; copy it by hand\n" +
			in + ":7:8: note: webFarms/webFarm/applicationProvision is left out: convert does not write it; copy it by hand\n" +
			in + ":14:9: note: system.webServer/rewrite/outboundRules/rule is left out: convert does not write it; copy it by hand\n" +
			in + ":15:10: note: system.webServer/rewrite/outboundRules/preConditions is left out: convert does not write it; copy it by hand\n"
		if stderr != want {
			t.Errorf("--to %s: stderr\n%s\nwant\n%s", to, stderr, want)
		}
		// What is written is kept: the farm and its route.
		for _, s := range []string{"web", "http://web/{R:0}", "http://web/h"} {
			if !strings.Contains(out, s) {
				t.Errorf("--to %s: output lacks %s:\n%s", to, s, out)
			}
		}
	}
}
