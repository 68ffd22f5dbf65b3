package main

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The commands that simulate take --backend as lint does: server
// 10.0.0.11 of fixtures/backend is another machine whose
// applicationHost.config (backends/web1) gives its pool queueLength 50.
// Paused for 10 s at 20 requests/s (WRR's half of 40), it holds 50 and
// turns the rest away with 503 until the health check takes it out; with
// IIS's 1000 (no file) nothing is turned away.
const backendWeb1 = "10.0.0.11=backends/web1/applicationHost.config"

func backendFixture(t *testing.T) {
	t.Helper()
	src := abs(t, "../../fixtures/backend")
	copyFixtureTree(t, src, chdir(t))
}

func outcomes503(t *testing.T, out string) int64 {
	t.Helper()
	var res struct {
		Farms []struct {
			Outcomes struct {
				S503 int64 `json:"503"`
			} `json:"outcomes"`
			Notes []string `json:"notes"`
		} `json:"farms"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &res), out)
	return res.Farms[0].Outcomes.S503
}

func TestSimulateBackendQueueLength(t *testing.T) {
	backendFixture(t)
	args := []string{"simulate", "applicationHost.config", "--scenario", "pause.yaml", "--format", "json"}
	code, out, errs := runCLI(t, "", nil, args...)
	require.Equal(t, exitOK, code, errs)
	assert.Zero(t, outcomes503(t, out), "IIS's queueLength 1000 holds every request of the pause")

	code, out, errs = runCLI(t, "", nil, append(args, "--backend", backendWeb1)...)
	require.Equal(t, exitOK, code, errs)
	// At least 20/s x 5 s (the probe's timeout) - 50 reach the full queue
	// in each of the 10 replications.
	assert.Greater(t, outcomes503(t, out), int64(10*(20*5-50)))
	assert.Contains(t, out, `server 10.0.0.11 is site \"Default Web Site\" of backends/web1/applicationHost.config (--backend): queueLength 50 read from application pool \"DefaultAppPool\" (backends/web1/applicationHost.config:8:47)`)
	assert.NotContains(t, out, "httpPort")

	// The scenario's per-server value wins over the file.
	code, out, errs = runCLI(t, "", nil, append(args, "--backend", backendWeb1, "--set", "scenario.servers.10.0.0.11.queueLength=1000")...)
	require.Equal(t, exitOK, code, errs)
	assert.Zero(t, outcomes503(t, out))
}

// sweep loads the configuration again at every point: each keeps the
// backend's queueLength (the 503 share, column 11 of the CSV, is above 0
// with it and 0 without).
func TestSweepBackendQueueLength(t *testing.T) {
	backendFixture(t)
	args := []string{"sweep", "applicationHost.config", "--scenario", "pause.yaml", "--vary", "scenario.arrivals.rate=20,40", "--format", "csv"}
	for _, c := range []struct {
		extra []string
		some  bool
	}{{nil, false}, {[]string{"--backend", backendWeb1}, true}} {
		code, out, errs := runCLI(t, "", nil, append(args, c.extra...)...)
		require.Equal(t, exitOK, code, errs)
		lines := strings.Split(strings.TrimSpace(out), "\n")
		require.Len(t, lines, 3, out)
		require.Equal(t, "503", strings.Split(lines[0], ",")[10], "the CSV's columns")
		for _, l := range lines[1:] {
			share := strings.Split(l, ",")[10]
			assert.Equal(t, c.some, share != "0", "%v: 503 share %s", c.extra, share)
		}
	}
}

func TestCheckBackendQueueLength(t *testing.T) {
	backendFixture(t)
	args := []string{"check", "applicationHost.config", "--scenario", "pause.yaml", "--max", "503=0"}
	code, out, errs := runCLI(t, "", nil, args...)
	require.Equal(t, exitOK, code, "%s%s", out, errs)

	code, out, errs = runCLI(t, "", nil, append(args, "--backend", backendWeb1)...)
	require.Equal(t, exitFindings, code, "%s%s", out, errs)
	assert.Regexp(t, `applicationHost.config:\d+:\d+: error: .*503`, out)
	assert.Contains(t, out, `note: scenario pause.yaml, farm web: server 10.0.0.11 is site "Default Web Site" of backends/web1/applicationHost.config (--backend): queueLength 50`)
}

// --backend's usage errors are lint's, on every command that takes it.
func TestBackendUsageErrors(t *testing.T) {
	backendFixture(t)
	for _, cmd := range [][]string{
		{"simulate", "applicationHost.config", "--scenario", "pause.yaml"},
		{"check", "applicationHost.config", "--scenario", "pause.yaml"},
		{"recommend", "applicationHost.config", "--scenario", "pause.yaml"},
		{"sweep", "applicationHost.config", "--scenario", "pause.yaml", "--vary", "scenario.arrivals.rate=20,40"},
	} {
		for _, c := range []struct{ backend, want string }{
			{"10.0.0.99=backends/web1/applicationHost.config", "--backend 10.0.0.99=backends/web1/applicationHost.config: no farm server of the configuration has address 10.0.0.99"},
			{"10.0.0.11:8080=backends/web1/applicationHost.config", "no farm server of the configuration has address 10.0.0.11:8080"},
			{"backends/web1/applicationHost.config", "want ADDRESS=PATH"},
			{"10.0.0.11:0=backends/web1/applicationHost.config", "is not a number from 1 to 65535"},
			{"10.0.0.11=backends/missing.config", "--backend 10.0.0.11=backends/missing.config: "},
		} {
			code, out, errs := runCLI(t, "", nil, append(cmd, "--backend", c.backend)...)
			if code != exitUsage || !strings.Contains(errs, c.want) {
				t.Errorf("%s --backend %s: exit %d, want 2 and %q; stdout %q stderr %q", cmd[0], c.backend, code, c.want, out, errs)
			}
		}
	}
}

// A --backend file with errors stops the simulation as the
// configuration's do: simulate exits 1 naming it; check lints it (the
// finding at its own file:line:col) and its note names that file, not
// the configuration.
func TestBackendFileWithErrors(t *testing.T) {
	backendFixture(t)
	src, err := os.ReadFile("backends/web1/applicationHost.config")
	require.NoError(t, err)
	bad := strings.Replace(string(src), `queueLength="50"`, `queueLength="5"`, 1) // IIS's range is 10..65535
	require.NoError(t, os.MkdirAll("other", 0o755))
	require.NoError(t, os.WriteFile("other/applicationHost.config", []byte(bad), 0o644))
	backend := "10.0.0.11=other/applicationHost.config"

	code, _, errs := runCLI(t, "", nil, "simulate", "applicationHost.config", "--scenario", "pause.yaml", "--backend", backend)
	assert.Equal(t, exitFindings, code)
	assert.Contains(t, errs, "other/applicationHost.config:8:47: error: invalid queueLength=\"5\"")
	assert.Contains(t, errs, "simulating: the --backend file other/applicationHost.config has errors")

	code, out, errs := runCLI(t, "", nil, "check", "applicationHost.config", "--scenario", "pause.yaml", "--backend", backend)
	assert.Equal(t, exitFindings, code, errs)
	assert.Contains(t, out, "other/applicationHost.config:8:47: error: invalid queueLength=\"5\"")
	assert.Contains(t, out, "note: other/applicationHost.config has errors, so no scenario was simulated")
}

// recommend prints the simulation's notes that bear on its answer, once,
// as simulate prints them: here the queueLength read from the --backend
// file (50, backends/web1/applicationHost.config:8:47), on which the
// 503s that make the farm miss depend.
func TestRecommendPrintsSimulationNotes(t *testing.T) {
	backendFixture(t)
	const queueNote = `note: server 10.0.0.11 is site "Default Web Site" of backends/web1/applicationHost.config (--backend): queueLength 50 read from application pool "DefaultAppPool" (backends/web1/applicationHost.config:8:47)`
	_, sim, errs := runCLI(t, "", nil, "simulate", "applicationHost.config", "--scenario", "pause.yaml", "--backend", backendWeb1)
	require.Equal(t, 1, strings.Count(sim, queueNote), "simulate's note: %s%s", sim, errs)

	args := []string{"recommend", "applicationHost.config", "--scenario", "pause.yaml", "--backend", backendWeb1}
	_, out, errs := runCLI(t, "", nil, args...)
	assert.Equal(t, 1, strings.Count(out, "  "+queueNote+"\n"), "%s%s", out, errs)
	// Every note simulate printed for the farm as written that is about
	// the configuration (not the run) is there too.
	for _, l := range strings.Split(sim, "\n") {
		if l = strings.TrimSpace(l); strings.HasPrefix(l, "note: health:") || strings.HasPrefix(l, "note: minServers") {
			assert.Equal(t, 1, strings.Count(out, l), "%q", l)
		}
	}

	_, js, errs := runCLI(t, "", nil, append(args, "--format", "json")...)
	var res struct {
		Farms []struct {
			Notes []string `json:"notes"`
		} `json:"farms"`
	}
	require.NoError(t, json.Unmarshal([]byte(js), &res), "%s%s", js, errs)
	require.Len(t, res.Farms, 1)
	assert.Contains(t, res.Farms[0].Notes, strings.TrimPrefix(queueNote, "note: "))

	// Without the file there is no such note.
	_, out, _ = runCLI(t, "", nil, "recommend", "applicationHost.config", "--scenario", "pause.yaml")
	assert.NotContains(t, out, "queueLength 50")
}

// A web.config and the applicationHost.config of one machine given
// together are one server's files, as IIS reads them: the web.config is
// the root of the site bound to the farm's port, "Default Web Site", and
// the pool of that site still gives the queueLength, whichever file
// comes first.
func TestBackendWebConfigWithAppHost(t *testing.T) {
	backendFixture(t)
	both := []string{"--backend", "10.0.0.11=backends/web1/web.config", "--backend", backendWeb1}
	code, out, errs := runCLI(t, "", nil, append([]string{"lint", "applicationHost.config"}, both...)...)
	require.Equal(t, exitFindings, code, "%s%s", out, errs)
	assert.Contains(t, out, `backends/web1/web.config:6:104: warning: site "10.0.0.11/Default Web Site" (server "10.0.0.11" port 80 of farm "web") runs ASP.NET Core out of process with requestTimeout 2m`)

	code, out, errs = runCLI(t, "", nil, append([]string{"simulate", "applicationHost.config", "--scenario", "pause.yaml", "--format", "json"}, both...)...)
	require.Equal(t, exitOK, code, errs)
	assert.Contains(t, out, `queueLength 50 read from application pool \"DefaultAppPool\"`)
}

// lint --backend pairs a web.config with its machine's
// applicationHost.config; where the pairing is ambiguous it guesses
// neither way but stops with a usage error (exit 2) that names both files.
func TestLintBackendAmbiguousPair(t *testing.T) {
	backendFixture(t)
	require.NoError(t, os.MkdirAll("other", 0o755))
	host, err := os.ReadFile("backends/web1/applicationHost.config")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile("other/applicationHost.config", host, 0o644))
	web, err := os.ReadFile("backends/web1/web.config")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile("other/web.config", web, 0o644))

	// Unambiguous: one applicationHost.config and one web.config.
	// The note says which site's root the web.config was read as.
	code, out, errs := runCLI(t, "", nil, "lint", "applicationHost.config", "--backend", backendWeb1, "--backend", "10.0.0.11=backends/web1/web.config")
	require.NotEqual(t, exitUsage, code, "stdout %q stderr %q", out, errs)
	assert.Contains(t, out, `note: backends/web1/web.config read as the root web.config of site "Default Web Site" of backends/web1/applicationHost.config of farm server 10.0.0.11 (another machine)`)

	for _, c := range []struct {
		name    string
		backend []string
		want    []string
	}{
		{"two applicationHost.config for one machine",
			[]string{backendWeb1, "10.0.0.11=other/applicationHost.config", "10.0.0.11=backends/web1/web.config"},
			[]string{"backends/web1/applicationHost.config and other/applicationHost.config are both applicationHost.config files for farm server 10.0.0.11", "give one applicationHost.config per machine"}},
		{"two root web.configs for one site",
			[]string{backendWeb1, "10.0.0.11=backends/web1/web.config", "10.0.0.11=other/web.config"},
			[]string{"backends/web1/web.config and other/web.config are both given as the web.config of site", "a site has one root web.config"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			args := []string{"lint", "applicationHost.config"}
			for _, b := range c.backend {
				args = append(args, "--backend", b)
			}
			code, out, errs := runCLI(t, "", nil, args...)
			assert.Equal(t, exitUsage, code, "stdout %q stderr %q", out, errs)
			for _, w := range c.want {
				assert.Contains(t, errs, w)
			}
			assert.Empty(t, out, "nothing is reported from a guess")
		})
	}
}
