package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/arrfarm/arrfarm/simulate"
)

// Every command that writes a file goes through internal/outfile; these
// check that each one's flag reaches it: a missing folder is named (not a
// temporary file), exit 2, and nothing is left behind.
func TestOutputIntoMissingFolder(t *testing.T) {
	bad := abs(t, fx+"farm-no-servers/bad.xml")
	web3, faults := abs(t, "../../fixtures/sim/web3.yaml"), abs(t, "../../fixtures/sim/faults.yaml")
	for _, args := range [][]string{
		{"lint", "-o", "nowhere/report.json", bad},
		{"convert", "--to", "yaml", "-o", "nowhere/farms.yaml", bad},
		{"simulate", web3, "--scenario", faults, "--replications", "2", "-o", "nowhere/out.txt"},
		{"simulate", web3, "--scenario", faults, "--replications", "2", "--html", "nowhere/report.html"},
	} {
		dir := chdir(t)
		code, _, stderr := runCLI(t, "", nil, args...)
		if code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
		if !strings.Contains(stderr, "the folder nowhere does not exist") || strings.Contains(stderr, ".arrfarm-") {
			t.Errorf("%v: stderr does not name the missing folder:\n%s", args, stderr)
		}
		ents, _ := os.ReadDir(dir)
		if len(ents) != 0 {
			t.Errorf("%v: left %v behind", args, ents)
		}
	}
}

func TestOutputKeepsModeAndLink(t *testing.T) {
	bad := abs(t, fx+"farm-no-servers/bad.xml")
	dir := chdir(t)
	real := filepath.Join(dir, "real.json")
	if err := os.WriteFile(real, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("real.json", "report.json"); err != nil {
		t.Skip("symlink:", err)
	}
	if code, _, stderr := runCLI(t, "", nil, "lint", "--format", "json", "-o", "report.json", bad); code != 1 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	fi, _ := os.Lstat("report.json")
	info, _ := os.Stat(real)
	raw, _ := os.ReadFile(real)
	if fi.Mode()&os.ModeSymlink == 0 || info.Mode().Perm() != 0o600 || !strings.Contains(string(raw), `"farm-no-servers"`) {
		t.Errorf("link %v, target mode %v, target content %d bytes: want the link kept, 0600, the report", fi.Mode(), info.Mode().Perm(), len(raw))
	}
}

// secretConfig holds secrets in every shape the issue names; none may
// reach any lint format, and the terminal escape in it must not either.
const secretConfig = `<configuration><webFarms>
<webFarm name="web" adminUserName="admin" adminPassword="hunter2hunter2">
  <server address="svc:s3cretpass@10.0.0.1" />
  <applicationRequestRouting>
    <healthCheck url="http://probe:pr0bepass@web/health" interval="5" />
    <protocol clientCertPassword="[enc:AesProvider:bXlwYXNzd29yZA==:enc]" timeout="[enc:AesProvider:dGltZW91dA==:enc]" />
  </applicationRequestRouting>
</webFarm>
<webFarm name="api" adminPassword="multi
line-secret"><server address="10.0.0.2"/></webFarm>
</webFarms></configuration>
`

var secretWords = []string{"hunter2", "s3cretpass", "pr0bepass", "bXlwYXNzd29yZA", "dGltZW91dA", "line-secret"}

func TestLintOutputLeaksNothing(t *testing.T) {
	dir := chdir(t)
	files := map[string]string{
		"applicationHost.config": secretConfig,
		// A raw escape sequence makes the XML malformed; the finding
		// points at it and shows its line.
		"esc.config": "<webFarms><webFarm name=\"x\x1b[2J\" adminPassword=\"hunter2hunter2\"/></webFarms>\n",
		// YAML spells the escape; it reaches messages through the name.
		"esc.yaml": "farms:\n  - name: \"api\\e[2J\\e]0;title\\a\"\n    adminPassword: hunter2hunter2\n    servers: [{address: \"svc:s3cretpass@10.0.0.3\"}]\n",
	}
	var paths []string
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, name)
	}
	for _, format := range []string{"text", "json", "sarif", "github"} {
		code, out, stderr := runCLI(t, "", nil, append([]string{"lint", "--format", format}, paths...)...)
		if code != exitFindings {
			t.Errorf("%s: exit %d, want 1 (the file has findings)", format, code)
		}
		for _, s := range secretWords {
			if strings.Contains(out+stderr, s) {
				t.Errorf("%s: output shows %q:\n%s", format, s, out)
			}
		}
		if strings.ContainsAny(out, "\x1b\x07") {
			t.Errorf("%s: raw control character in output:\n%s", format, out)
		}
		if !strings.Contains(out, "interval") || !strings.Contains(out, "U+001B") || !strings.Contains(out, "api") {
			t.Errorf("%s: the findings themselves are missing:\n%s", format, out)
		}
	}
}

// TestLintLongLine: 400 farms on one line. Each finding shows a window of
// the line, so the output is a few hundred bytes per finding instead of
// the whole line (about 33 KB) each time.
func TestLintLongLine(t *testing.T) {
	var b strings.Builder
	b.WriteString(`<configuration><system.webServer><proxy enabled="true"/></system.webServer><webFarms>`)
	for i := range 400 {
		fmt.Fprintf(&b, `<webFarm name="f%d"><server address="a%d"/></webFarm>`, i, i)
	}
	b.WriteString("</webFarms></configuration>")
	dir := chdir(t)
	p := filepath.Join(dir, "applicationHost.config")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ := runCLI(t, "", nil, "lint", p)
	findings := strings.Count(out, ": warning: ") + strings.Count(out, ": error: ") + strings.Count(out, ": info: ")
	if code != exitFindings || findings < 400 {
		t.Fatalf("exit %d, %d findings; want 1 and at least one per farm", code, findings)
	}
	// The source line is about 20 KB; the excerpt under each finding is a
	// window of it. Measured per output line, so a longer message does not
	// break the test.
	for _, line := range strings.Split(out, "\n") {
		if len(line) > 1000 {
			t.Fatalf("an output line of %d bytes: the source line is not cut:\n%.300s...", len(line), line)
		}
	}
}

// TestSetErrorMasksSecrets: an assignment is echoed in its error; the
// credentials in it are not.
func TestSetErrorMasksSecrets(t *testing.T) {
	web3, faults := abs(t, "../../fixtures/sim/web3.yaml"), abs(t, "../../fixtures/sim/faults.yaml")
	chdir(t)
	code, out, stderr := runCLI(t, "", nil, "simulate", web3, "--scenario", faults,
		"--set", "web.healthCheck.urll=http://probe:pr0bepass@web/health\x1b[2J")
	if code != exitUsage {
		t.Errorf("exit %d, want 2", code)
	}
	if strings.Contains(out+stderr, "pr0bepass") || strings.Contains(stderr, "\x1b") {
		t.Errorf("the error shows the password or a raw escape:\n%s", stderr)
	}
	if !strings.Contains(stderr, `--set web.healthCheck.urll=http://****@web/health\x1b[2J`) || !strings.Contains(stderr, "url") {
		t.Errorf("the error does not name the assignment:\n%s", stderr)
	}
}

// TestConvertLeaksNothing: convert copies no secret in either direction,
// whatever attribute it hides in, and says how many it replaced.
func TestConvertLeaksNothing(t *testing.T) {
	dir := chdir(t)
	p := filepath.Join(dir, "applicationHost.config")
	src := strings.Replace(secretConfig, `interval="5"`, `interval="00:00:05"`, 1)
	src = strings.Replace(src, ` timeout="[enc:AesProvider:dGltZW91dA==:enc]"`, ``, 1)
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, to := range []string{"yaml", "xml"} {
		code, out, stderr := runCLI(t, "", nil, "convert", "--to", to, p)
		if code != exitOK {
			t.Fatalf("--to %s: exit %d: %s", to, code, stderr)
		}
		for _, s := range secretWords {
			if strings.Contains(out+stderr, s) {
				t.Errorf("--to %s: output shows %q:\n%s", to, s, out)
			}
		}
		// adminPassword x2, the address, the health URL, clientCertPassword.
		if !strings.Contains(stderr, "note: 5 secret value(s) replaced") {
			t.Errorf("--to %s: stderr does not count the 5 secrets:\n%s", to, stderr)
		}
		if !strings.Contains(out, "****@10.0.0.1") || !strings.Contains(out, "http://****@web/health") {
			t.Errorf("--to %s: the masked values lost their host:\n%s", to, out)
		}
	}
}

// TestSimulateLeaksNothing: a server written as user:password@host and a
// farm name holding an escape sequence reach the text, JSON and HTML
// reports masked and escaped.
func TestSimulateLeaksNothing(t *testing.T) {
	dir := chdir(t)
	cfg := `proxy: {enabled: true}
farms:
  - name: "web\e[2J"
    servers:
      - {address: "svc:s3cretpass@10.0.0.11"}
      - {address: 10.0.0.12}
    applicationRequestRouting:
      healthCheck: {url: "http://probe:pr0bepass@web/health", interval: 5s, timeout: 2s}
rules:
  - {name: r, patternSyntax: Wildcard, match: {url: "*"}, action: {type: Rewrite, url: "http://web/{R:0}"}}
`
	sc := `duration: 1m
replications: 2
seed: 1
arrivals: {rate: 50}
latency: {lognormal: {p50: 50ms, p99: 500ms}}
events:
  - {at: 10s, server: "svc:s3cretpass@10.0.0.11", fault: down, for: 10s}
`
	os.WriteFile(filepath.Join(dir, "farms.yaml"), []byte(cfg), 0o644)
	os.WriteFile(filepath.Join(dir, "sc.yaml"), []byte(sc), 0o644)
	for _, format := range []string{"text", "json"} {
		code, out, stderr := runCLI(t, "", nil, "simulate", "farms.yaml", "--scenario", "sc.yaml", "--format", format, "--html", "r.html")
		if code != exitOK {
			t.Fatalf("%s: exit %d: %s", format, code, stderr)
		}
		page, _ := os.ReadFile(filepath.Join(dir, "r.html"))
		all := out + stderr + string(page)
		for _, s := range []string{"s3cretpass", "pr0bepass", "\x1b"} {
			if strings.Contains(all, s) {
				t.Errorf("%s: a report shows %q", format, s)
			}
		}
		if !strings.Contains(out, "****@10.0.0.11") || !strings.Contains(string(page), "****@10.0.0.11") {
			t.Errorf("%s: the masked server is missing from the reports:\n%s", format, out)
		}
	}
}

// Absurd numbers are errors that name what the user wrote.
func TestAbsurdNumbers(t *testing.T) {
	web3, faults := abs(t, "../../fixtures/sim/web3.yaml"), abs(t, "../../fixtures/sim/faults.yaml")
	dir := chdir(t)
	n := 0
	scenario := func(extra string) string {
		n++
		p := filepath.Join(dir, fmt.Sprintf("s%d.yaml", n))
		os.WriteFile(p, []byte("duration: 1m\nreplications: 2\nlatency: {fixed: 10ms}\n"+extra), 0o644)
		return p
	}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--scenario", faults, "--replications", "0"}, exitUsage, "arrfarm: --replications 0: replications: 0 is out of range: must be >=1"},
		{[]string{"--scenario", faults, "--duration", "-5m"}, exitUsage, `arrfarm: --duration -5m: duration: "-5m" is negative`},
		{[]string{"--scenario", scenario("arrivals: {rate: 10}\nconcurrency: 2147483648\n")}, exitFindings, "concurrency: 2147483648 is out of range: must be <=1000000"},
		{[]string{"--scenario", scenario("arrivals: {rate: 10}\nconcurrency: 4294967297\n")}, exitFindings, "concurrency: 4294967297 is out of range: must be <=1000000"},
		{[]string{"--scenario", scenario("arrivals: {rate: 10}\nevents: [{at: 1s, server: 10.0.0.11, fault: slow, factor: 1e12}]\n")}, exitFindings, "events.0.factor: 1E+12 is out of range: must be <=1000"},
		{[]string{"--scenario", scenario("arrivals: {rate: 10}\nevents: [{at: 1s, server: 10.0.0.11, fault: down, for: 9000h}]\n")}, exitFindings, `events.0.for: "9000h" is longer than 365 days (8760h)`},
		{[]string{"--scenario", scenario("arrivals: {rate: 10}\nwarmup: \"-106751.23:47:16.8\"\n")}, exitFindings, `warmup: "-106751.23:47:16.8" is negative`},
		{[]string{"--scenario", scenario("arrivals: {rate: 1e7}\n")}, exitFindings, "arrivals.rate: 1E+7 is out of range: must be <=1000000"},
		{[]string{"--scenario", scenario("arrivals: {rate: 100000}\n"), "--duration", "10h", "--replications", "1000"}, exitUsage,
			"arrfarm: simulating: the scenario needs about 3.6e+12 simulated requests (up to 100000 requests/s x 10h0m0s (warm-up included) x 1000 replications), over the limit of 1e+10; lower arrivals.rate"},
	} {
		code, out, stderr := runCLI(t, "", nil, append([]string{"simulate", web3}, c.args...)...)
		if code != c.code || !strings.Contains(stderr, c.want) || out != "" {
			t.Errorf("%v: exit %d, want %d; stderr:\n%s\nwant it to contain %q", c.args, code, c.code, stderr, c.want)
		}
	}
}

func TestAffinityTimeoutWholeMinutes(t *testing.T) {
	dir := chdir(t)
	p := filepath.Join(dir, "applicationHost.config")
	os.WriteFile(p, []byte(`<webFarms><webFarm name="w"><server address="a"/><applicationRequestRouting><affinity timeout="00:01:30"/></applicationRequestRouting></webFarm></webFarms>`), 0o644)
	code, out, _ := runCLI(t, "", nil, "lint", p)
	if code != exitFindings || !strings.Contains(out, `invalid timeout="00:01:30" on affinity: expected a time span (hh:mm:ss) in whole minutes from 00:01:00 to 30.00:00:00`) {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

// TestInternalErrorMessage: a panic in a simulation worker reaches the
// user as the standard internal-error message and exit 3.
func TestInternalErrorMessage(t *testing.T) {
	var b strings.Builder
	err := fmt.Errorf("simulating: %w", &simulate.InternalError{Replication: 4, Panic: "runtime error: index out of range [0] with length 0"})
	if code := exitCodeOf(&b, withCode(exitFindings, err)); code != exitInternal {
		t.Errorf("exit %d, want 3", code)
	}
	want := "arrfarm: internal error: replication 4: runtime error: index out of range [0] with length 0\nPlease report this with the input that caused it.\n"
	if b.String() != want {
		t.Errorf("got  %q\nwant %q", b.String(), want)
	}
}

// TestProxyDisabledByName: the one way the file name matters to
// proxy-disabled is the one the README states.
func TestProxyDisabledByName(t *testing.T) {
	dir := chdir(t)
	body := `<configuration><system.webServer><rewrite><globalRules>
<rule name="r"><match url="*"/><action type="Rewrite" url="http://web/{R:0}"/></rule>
</globalRules></rewrite></system.webServer>
<webFarms><webFarm name="web"><server address="a"/></webFarm></webFarms></configuration>`
	withProxy := strings.Replace(body, "<system.webServer>", `<system.webServer><proxy enabled="false"/>`, 1)
	for _, c := range []struct {
		name, src string
		fires     bool
	}{
		{"applicationHost.config", body, true}, // the whole configuration: no <proxy> = off
		{"APPLICATIONHOST.CONFIG", body, true}, // any case
		{"arr.config", body, false},            // a piece: the proxy may be set elsewhere
		{"arr.config", withProxy, true},        // a proxy element that is off, whatever the name
		{"farms-applicationHost.xml", withProxy, true},
	} {
		sub := filepath.Join(dir, fmt.Sprint(len(c.src), c.fires, c.name))
		os.Mkdir(sub, 0o755)
		p := filepath.Join(sub, c.name)
		os.WriteFile(p, []byte(c.src), 0o644)
		_, out, _ := runCLI(t, "", nil, "lint", "--enable", "proxy-disabled", p)
		if got := strings.Contains(out, "[proxy-disabled]"); got != c.fires {
			t.Errorf("%s (proxy element: %v): proxy-disabled fired %v, want %v:\n%s", c.name, c.src == withProxy, got, c.fires, out)
		}
	}
}

// TestArrfarmYAMLBadKey: a typo in .arrfarm.yaml is named with its
// position and the key that was meant, not a Go type.
func TestArrfarmYAMLBadKey(t *testing.T) {
	bad := abs(t, fx+"farm-no-servers/bad.xml")
	dir := chdir(t)
	for src, want := range map[string]string{
		"fail-on: error\ndisabel: [farm-rule-name]\n": `.arrfarm.yaml:2:1: unknown key "disabel": did you mean disable?`,
		"severity:\n  - error\n":                      `.arrfarm.yaml:2:3: severity must be a mapping of rule to level`,
	} {
		os.WriteFile(filepath.Join(dir, ".arrfarm.yaml"), []byte(src), 0o644)
		code, out, stderr := runCLI(t, "", nil, "lint", bad)
		if code != exitUsage || !strings.Contains(stderr, want) || strings.Contains(stderr, "struct") || out != "" {
			t.Errorf("%q: exit %d, stderr:\n%s\nwant exit 2 and %q", src, code, stderr, want)
		}
	}
}
