package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// chdir moves into a temporary directory so that no .arrfarm.yaml of the
// repository is picked up.
func chdir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Chdir(dir)
	return dir
}

const fx = "../../fixtures/lint/"

func abs(t *testing.T, p string) string {
	t.Helper()
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestLintExitCodes(t *testing.T) {
	clean := abs(t, fx+"no-health-check/good.xml")
	warn := abs(t, fx+"no-health-check/bad.xml")        // warnings only
	errs := abs(t, fx+"farm-no-servers/bad.xml")        // errors
	malformed := abs(t, fx+"xml-malformed/bad.xml")     // not well-formed
	info := abs(t, fx+"forwarded-for-disabled/bad.xml") // info only
	chdir(t)
	for _, c := range []struct {
		name string
		args []string
		want int
	}{
		{"clean", []string{"lint", clean}, 0},
		{"warnings fail by default", []string{"lint", warn}, 1},
		{"warnings pass with fail-on error", []string{"lint", "--fail-on", "error", warn}, 0},
		{"errors fail with fail-on error", []string{"lint", "--fail-on", "error", errs}, 1},
		{"info passes by default", []string{"lint", info}, 0},
		{"info fails with fail-on info", []string{"lint", "--fail-on", "info", info}, 1},
		{"never", []string{"lint", "--fail-on", "never", errs}, 0},
		{"malformed XML is a finding", []string{"lint", malformed}, 1},
		{"malformed XML with never", []string{"lint", "--fail-on", "never", malformed}, 0},
		{"missing file", []string{"lint", "does-not-exist.config"}, 2},
		{"missing file wins over never", []string{"lint", "--fail-on", "never", clean, "does-not-exist.config"}, 2},
		{"default path missing", []string{"lint"}, 2},
		{"bad fail-on", []string{"lint", "--fail-on", "sometimes", clean}, 2},
		{"bad format", []string{"lint", "--format", "xml", clean}, 2},
		{"unknown rule", []string{"lint", "--disable", "no-such-rule", clean}, 2},
		{"disable by slug", []string{"lint", "--disable", "no-health-check", warn}, 0},
		{"disable by ID", []string{"lint", "--disable", "arr2001", warn}, 0},
		{"missing latency file", []string{"lint", "--latency", "nope.yaml", clean}, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, "", nil, c.args...)
			if code != c.want {
				t.Errorf("exit %d, want %d; stderr: %s", code, c.want, stderr)
			}
		})
	}
}

func TestLintStdinAndText(t *testing.T) {
	src, err := os.ReadFile(fx + "route-to-disabled-farm/bad.xml")
	if err != nil {
		t.Fatal(err)
	}
	chdir(t)
	code, out, _ := runCLI(t, string(src), nil, "lint", "-")
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	// The finding is on line 17 of the fixture, at column 39 where the
	// action's url value http://web/{R:0} (16 characters) starts; the text
	// format indents the source line by 4 and puts a caret under the value.
	for _, want := range []string{
		"<stdin>:17:39: warning: rule \"ARR_web_loadbalance\" routes to farm \"web\", which is disabled",
		"[route-to-disabled-farm]\n",
		"\n    " + strings.Repeat(" ", 38) + "^" + strings.Repeat("~", 15) + "\n",
		"<stdin>:3:34: note: farm \"web\" disabled here\n",
		"1 finding (0 errors, 1 warning, 0 info)\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\x1b[") {
		t.Error("color codes in output that is not a terminal")
	}
}

func TestLintGitHubAuto(t *testing.T) {
	bad := abs(t, fx+"no-health-check/bad.xml")
	chdir(t)
	_, out, _ := runCLI(t, "", map[string]string{"GITHUB_ACTIONS": "true"}, "lint", bad)
	if !strings.HasPrefix(out, "::warning file=") || !strings.Contains(out, ",line=3,col=20,") {
		t.Errorf("GITHUB_ACTIONS=true did not select the github format:\n%s", out)
	}
	_, out, _ = runCLI(t, "", map[string]string{"GITHUB_ACTIONS": "true"}, "lint", "--format", "json", bad)
	if !strings.HasPrefix(out, "{") {
		t.Errorf("an explicit --format lost to GITHUB_ACTIONS:\n%s", out)
	}
}

func TestLintJSONAndOutputFile(t *testing.T) {
	bad := abs(t, fx+"farm-no-servers/bad.xml")
	dir := chdir(t)
	code, out, _ := runCLI(t, "", nil, "lint", "--format", "json", "-o", "report.json", bad)
	if code != 1 || out != "" {
		t.Fatalf("exit %d, stdout %q; want 1 and nothing on stdout", code, out)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Diagnostics []map[string]any `json:"diagnostics"`
		Summary     map[string]int   `json:"summary"`
	}
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatal(err)
	}
	// The fixture announces 3 findings: 2 farm-no-servers (one error, one
	// warning) and 1 farm-without-route warning.
	if len(rep.Diagnostics) != 3 || rep.Summary["error"] != 1 || rep.Summary["warning"] != 2 || rep.Summary["info"] != 0 {
		t.Errorf("got %d diagnostics, summary %v", len(rep.Diagnostics), rep.Summary)
	}
	want := []string{"id", "rule", "severity", "file", "line", "column", "end_line", "end_column", "farm", "message", "url"}
	for _, d := range rep.Diagnostics {
		if len(d) != len(want) {
			t.Errorf("diagnostic has fields %v, want exactly %v", keys(d), want)
		}
		for _, k := range want {
			if _, ok := d[k]; !ok {
				t.Errorf("diagnostic lacks %q: %v", k, d)
			}
		}
	}
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestLintConfigFile(t *testing.T) {
	warn := abs(t, fx+"no-health-check/bad.xml")
	dir := chdir(t)
	sub := filepath.Join(dir, "a", "b")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(p, s string) {
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Found in a parent directory; severity override and fail-on apply.
	write(filepath.Join(dir, ".arrfarm.yaml"), "severity: {no-health-check: error}\nfail-on: error\n")
	t.Chdir(sub)
	code, out, _ := runCLI(t, "", nil, "lint", "--format", "json", warn)
	if code != 1 || !strings.Contains(out, `"error": 2`) {
		t.Errorf("severity override from the parent's .arrfarm.yaml not applied: exit %d\n%s", code, out)
	}
	// --fail-on on the command line beats the file.
	if code, _, _ := runCLI(t, "", nil, "lint", "--fail-on", "never", warn); code != 0 {
		t.Errorf("--fail-on never: exit %d, want 0", code)
	}
	// --config names another file; disable there; --enable beats it.
	other := filepath.Join(dir, "other.yaml")
	write(other, "disable: [ARR2001]\n")
	if code, _, _ := runCLI(t, "", nil, "lint", "--config", other, warn); code != 0 {
		t.Errorf("disable in --config file: exit %d, want 0", code)
	}
	if code, _, _ := runCLI(t, "", nil, "lint", "--config", other, "--enable", "no-health-check", warn); code != 1 {
		t.Errorf("--enable after the file's disable: exit %d, want 1", code)
	}
	// A typo in the config file is a usage error, not silently ignored.
	write(other, "disabled: [ARR2001]\n")
	if code, _, stderr := runCLI(t, "", nil, "lint", "--config", other, warn); code != 2 || !strings.Contains(stderr, "disabled") {
		t.Errorf("unknown config key: exit %d, stderr %q", code, stderr)
	}
}

func TestLintLatency(t *testing.T) {
	bad := abs(t, fx+"timeout-below-latency/bad.xml")
	scen := abs(t, fx+"timeout-below-latency/latency.yaml")
	chdir(t)
	_, out, _ := runCLI(t, "", nil, "lint", "--format", "json", bad)
	if strings.Contains(out, "timeout-below-latency") {
		t.Error("latency rule ran without --latency")
	}
	_, out, _ = runCLI(t, "", nil, "lint", "--format", "json", "--latency", scen, bad)
	if strings.Count(out, `"rule": "timeout-below-latency"`) != 2 {
		t.Errorf("want 2 timeout-below-latency findings with --latency:\n%s", out)
	}
}

func TestLintDirectory(t *testing.T) {
	dir := chdir(t)
	write := func(p, s string) {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(dir, "cfg", "applicationHost.config"), `<configuration><webFarms><webFarm name="web" /></webFarms></configuration>`)
	write(filepath.Join(dir, "cfg", "farms.yaml"), "farms:\n  - name: api\n")
	write(filepath.Join(dir, "cfg", "scenario.yaml"), "farm: web\nlatency: {fixed: 10ms}\n")
	write(filepath.Join(dir, "cfg", ".hidden", "x.config"), `<configuration><webFarms><webFarm name="hidden" /></webFarms></configuration>`)
	_, out, stderr := runCLI(t, "", nil, "lint", "--format", "json", "cfg")
	for _, want := range []string{`farm \"web\" has no servers`, `farm \"api\" has no servers`} {
		if !strings.Contains(out, want) {
			t.Errorf("directory lint lacks %s:\n%s\n%s", want, out, stderr)
		}
	}
	if strings.Contains(out, "hidden") || strings.Contains(out, "scenario.yaml") {
		t.Errorf("directory lint read a hidden or scenario file:\n%s", out)
	}
}

// TestFragmentNoteHasItsOwnSlug: disabling the snippet note must not
// silence the misplaced-element errors of the same run (issue 17).
func TestFragmentNoteHasItsOwnSlug(t *testing.T) {
	snippet, misplaced := abs(t, fx+"read-as-fragment/bad.xml"), abs(t, fx+"misplaced-element/bad.xml")
	chdir(t)
	code, out, _ := runCLI(t, "", nil, "lint", "--format", "json", "--disable", "read-as-fragment", snippet, misplaced)
	if code != 1 || strings.Contains(out, "read-as-fragment") || !strings.Contains(out, `"rule": "misplaced-element"`) {
		t.Errorf("exit %d; want 1, misplaced-element findings and no read-as-fragment:\n%s", code, out)
	}
	_, out, _ = runCLI(t, "", nil, "lint", "--format", "json", snippet)
	if !strings.Contains(out, `"rule": "read-as-fragment"`) {
		t.Errorf("the snippet's note is missing:\n%s", out)
	}
}

// TestLintServerFolder is the README's multi-file example: the farms in
// applicationHost.config, the rules in two sites' web.configs. Linted
// together, the typo in one site's rule and the server variable the
// server does not allow are found, at their own files' positions.
func TestLintServerFolder(t *testing.T) {
	src := abs(t, "../../fixtures/server/typo/config")
	dir := chdir(t)
	copyFixtureTree(t, src, filepath.Join(dir, "config"))
	code, out, errs := runCLI(t, "", nil, "lint", "config/applicationHost.config", "config/sites")
	if code != 1 {
		t.Fatalf("exit %d, want 1; stderr: %s", code, errs)
	}
	for _, want := range []string{
		"config/sites/www/web.config:11:39: warning: rule \"ARR_web_loadbalance\" sends requests to host \"wbe\"",
		"did you mean farm \"web\"?",
		"config/sites/www/web.config:9:24: warning: rule \"ARR_web_loadbalance\" sets server variable \"HTTP_X_FORWARDED_PROTO\"",
		"[server-variable-not-allowed]",
		"config/applicationHost.config:21:20: warning: no enabled rewrite rule routes to farm \"web\"",
		"read as one server: config/applicationHost.config, config/sites/api/web.config, config/sites/www/web.config",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// The farm api is routed from the other site: no finding about it.
	if strings.Contains(out, `farm "api"`) {
		t.Errorf("a finding about farm api, which sites/api/web.config routes to:\n%s", out)
	}
	_, out, _ = runCLI(t, "", nil, "lint", "--format", "json", "config")
	var r struct {
		Diagnostics []map[string]any `json:"diagnostics"`
		Servers     []struct {
			Files []string `json:"files"`
		} `json:"servers"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Diagnostics) != 3 || len(r.Servers) != 1 || len(r.Servers[0].Files) != 3 {
		t.Errorf("%d findings, servers %+v; want 3 findings and one server of 3 files:\n%s", len(r.Diagnostics), r.Servers, out)
	}

	// A second server's files beside them: each server's web.configs are
	// tied to the applicationHost.config whose folder holds them, so the
	// same findings come from each, and nothing is linted without its
	// server. Before, two applicationHost.config files made every file
	// lint alone, and the farms lost their routes (farm-without-route).
	copyFixtureTree(t, src, filepath.Join(dir, "other"))
	_, out, _ = runCLI(t, "", nil, "lint", "config", "other")
	for _, want := range []string{
		"read as one server: config/applicationHost.config, config/sites/api/web.config, config/sites/www/web.config",
		"read as one server: other/applicationHost.config, other/sites/api/web.config, other/sites/www/web.config",
		`other/sites/www/web.config:11:39: warning: rule "ARR_web_loadbalance" sends requests to host "wbe"`,
		"6 findings (0 errors, 6 warnings, 0 info)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("two servers' files: output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, `farm "api"`) {
		t.Errorf("two servers' files: a finding about farm api, which each server's sites/api/web.config routes to:\n%s", out)
	}
	// A web.config in neither server's folder is linted alone, and a note
	// says why.
	copyFixtureTree(t, filepath.Join(src, "sites", "www"), filepath.Join(dir, "stray"))
	_, out, _ = runCLI(t, "", nil, "lint", "config", "other", "stray")
	if !strings.Contains(out, "note: stray/web.config: in the folder of none of the 2 applicationHost.config files (config/applicationHost.config, other/applicationHost.config)") {
		t.Errorf("a stray web.config:\n%s", out)
	}
}

// copyFixtureTree copies the files under src to dst.
func copyFixtureTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(dst, filepath.Dir(rel)), 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestLintRemoteBackends: the farm's servers are other machines, and
// their web.configs are given with --backend. Each backend rule then sees
// its server's settings (fixtures/backend): web1's ASP.NET Core
// requestTimeout 2m and web2's executionTimeout 110 s below the farm's 5m,
// web2's Windows authentication that the health probe cannot pass, and
// its 100 MB upload limit above the ARR site's default 30000000 bytes.
// Without the flags the ARR box alone is clean; an address that is no
// farm server is a usage error.
func TestLintRemoteBackends(t *testing.T) {
	src := abs(t, "../../fixtures/backend")
	dir := chdir(t)
	copyFixtureTree(t, src, dir)
	code, out, errs := runCLI(t, "", nil, "lint", "applicationHost.config")
	if code != 0 || strings.Contains(out, "warning") {
		t.Fatalf("the ARR box alone: exit %d, want 0; %s%s", code, out, errs)
	}
	code, out, errs = runCLI(t, "", nil, "lint", "--backend", "10.0.0.11=backends/web1/web.config",
		"--backend", "10.0.0.12=backends/web2/web.config", "applicationHost.config")
	if code != 1 {
		t.Fatalf("exit %d, want 1; stderr: %s", code, errs)
	}
	for _, want := range []string{
		`backends/web1/web.config:6:104: warning: site "10.0.0.11" (server "10.0.0.11" port 80 of farm "web") runs ASP.NET Core out of process with requestTimeout 2m, below the farm's proxy timeout of 5m`,
		`backends/web2/web.config:8:58: warning: site "10.0.0.12" (server "10.0.0.12" port 80 of farm "web") ends ASP.NET requests after executionTimeout 1m50s`,
		`applicationHost.config:21:27: warning: the health check of farm "web" asks server "10.0.0.12" (http port 80, site "10.0.0.12"), which requires Windows authentication`,
		`backends/web2/web.config:17:49: warning: site "Default Web Site" refuses request bodies over 30000000 bytes`,
		"note: backends/web1/web.config read as the web.config of farm server 10.0.0.11 (another machine)",
		"4 findings (0 errors, 4 warnings, 0 info)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// A port narrows the match: web1 serves port 80, not 8080.
	code, _, errs = runCLI(t, "", nil, "lint", "--backend", "10.0.0.11:8080=backends/web1/web.config", "applicationHost.config")
	if code != 2 || !strings.Contains(errs, "no farm server of the configuration has address 10.0.0.11:8080") {
		t.Errorf("a backend no farm server matches: exit %d, want 2; stderr: %s", code, errs)
	}
	code, _, errs = runCLI(t, "", nil, "lint", "--backend", "backends/web1/web.config", "applicationHost.config")
	if code != 2 || !strings.Contains(errs, "want ADDRESS=PATH") {
		t.Errorf("--backend without ADDRESS=: exit %d, want 2; stderr: %s", code, errs)
	}
}
