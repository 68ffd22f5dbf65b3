package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"
)

// What Windows users hand the tool, tested on Linux: Wine cannot run Go
// 1.26 Windows binaries, so these run the same code paths with Windows-
// shaped input (the cross-build and GOOS=windows go vet run in .ci/run).

// farmNoHealth has one finding: farm "web" has no URL test (line 2).
const farmNoHealth = "<webFarms>\n  <webFarm name=\"web\">\n    <server address=\"10.0.0.1\" />\n  </webFarm>\n</webFarms>\n"

// utf16LE encodes s as Notepad's "UTF-16 LE" does: a byte-order mark, then
// little-endian code units.
func utf16LE(s string) []byte {
	out := []byte{0xFF, 0xFE}
	for _, u := range utf16.Encode([]rune(s)) {
		out = append(out, byte(u), byte(u>>8))
	}
	return out
}

// TestNotepadEncodings: a file saved by Notepad with CRLF line ends, as
// UTF-8 with a byte-order mark, or as UTF-16 LE gives the same finding at
// the same position as the plain file, and no carriage return or BOM
// leaks into the printed source line.
func TestNotepadEncodings(t *testing.T) {
	dir := chdir(t)
	crlf := strings.ReplaceAll(farmNoHealth, "\n", "\r\n")
	files := map[string][]byte{
		"plain.config":     []byte(farmNoHealth),
		"crlf.config":      []byte(crlf),
		"utf8bom.config":   append([]byte("\xEF\xBB\xBF"), crlf...),
		"utf16le.config":   utf16LE(crlf),
		"crlf-farms.yaml":  []byte("farms:\r\n  - name: web\r\n    servers:\r\n      - address: 10.0.0.1\r\n"),
		"utf16-farms.yaml": utf16LE("farms:\r\n  - name: web\r\n    servers:\r\n      - address: 10.0.0.1\r\n"),
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for name := range files {
		code, out, stderr := runCLI(t, "", nil, "lint", name)
		want := name + ":2:18: warning: farm \"web\" has no URL test"
		if strings.HasSuffix(name, ".yaml") {
			want = name + ":2:11: warning: farm \"web\" has no URL test"
		}
		if code != exitFindings || !strings.HasPrefix(out, want) {
			t.Errorf("%s: exit %d, stderr %q, output:\n%s\nwant it to start %q", name, code, stderr, out, want)
		}
		if strings.ContainsAny(out, "\r\uFEFF") {
			t.Errorf("%s: a carriage return or BOM reached the output: %q", name, out)
		}
	}
}

// TestWindowsPathArguments: a drive path or UNC path that does not exist
// here is reported by its exact name (no backslash eaten or doubled) with
// exit 2, as a missing file is on Windows.
func TestWindowsPathArguments(t *testing.T) {
	farm := abs(t, "../../fixtures/sim/web3.yaml")
	chdir(t)
	for _, p := range []string{
		`C:\Windows\System32\inetsrv\config\applicationHost.config`,
		`\\web01\c$\Windows\System32\inetsrv\config\applicationHost.config`,
	} {
		code, _, stderr := runCLI(t, "", nil, "lint", p)
		if code != exitUsage || !strings.Contains(stderr, p+":") {
			t.Errorf("lint %s: exit %d, stderr %q; want exit 2 naming the path as given", p, code, stderr)
		}
	}
	// A log directory as a latency source, as an IIS admin would name it.
	logs := `C:\inetpub\logs\LogFiles\W3SVC1`
	if code, _, stderr := runCLI(t, "", nil, "lint", "--latency", logs, farm); code != exitUsage || !strings.Contains(stderr, logs) {
		t.Errorf("lint --latency %s: exit %d, stderr %q; want exit 2 naming the path as given", logs, code, stderr)
	}
}

// TestWindowsPathsInConfigs: Windows paths inside a configuration (a
// client certificate file, a rewrite target) and in .arrfarm.yaml (latency
// log paths) are values, read as written: they do not break loading, and a
// missing log path is named as written.
func TestWindowsPathsInConfigs(t *testing.T) {
	dir := chdir(t)
	cfg := "<configuration>\r\n<system.webServer>\r\n" +
		"  <proxy enabled=\"true\" clientCertFileName=\"C:\\certs\\arr client.pfx\" />\r\n" +
		"</system.webServer>\r\n</configuration>\r\n"
	if err := os.WriteFile(filepath.Join(dir, "applicationHost.config"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, stderr := runCLI(t, "", nil, "lint", "--fail-on", "error"); code != exitOK {
		t.Errorf("a config with a C:\\ path: exit %d\n%s%s", code, out, stderr)
	}
	// Single quotes keep YAML from reading \u and \W as escapes; a plain
	// scalar does too.
	logDir := `\\logs01\W3SVC1\u_ex2611*.log`
	yml := "latency:\r\n  - '" + logDir + "'\r\n"
	if err := os.WriteFile(filepath.Join(dir, ".arrfarm.yaml"), []byte(yml), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t, "", nil, "lint")
	if code != exitUsage || !strings.Contains(stderr, logDir) {
		t.Errorf(".arrfarm.yaml latency %s: exit %d, stderr %q; want exit 2 naming the path as written", logDir, code, stderr)
	}
}

// TestOutputPathWithBackslashes: -o takes the name as the operating system
// does. Here (Unix) a backslash is part of the file name, so the report is
// one file named exactly so; on Windows the same string names a file in a
// directory, which the OS resolves.
func TestOutputPathWithBackslashes(t *testing.T) {
	bad := abs(t, fx+"no-health-check/bad.xml")
	dir := chdir(t)
	out := `reports\arrfarm.sarif`
	code, stdout, stderr := runCLI(t, "", nil, "lint", "--format", "sarif", "-o", out, bad)
	if code != exitFindings || stdout != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	b, err := os.ReadFile(filepath.Join(dir, out))
	if err != nil || !strings.Contains(string(b), `"version": "2.1.0"`) {
		t.Errorf("report not written to %q: %v", out, err)
	}
}

// TestNamesDifferingInCase: a directory holding web.config and Web.config
// (possible on a Linux checkout of a Windows repository) lints both, each
// under its own name, in a stable order.
func TestNamesDifferingInCase(t *testing.T) {
	dir := chdir(t)
	for _, name := range []string{"web.config", "Web.config"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(farmNoHealth), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, out, _ := runCLI(t, "", nil, "lint", "--format", "checkstyle", ".")
	first := strings.Index(out, `<file name="Web.config">`)
	second := strings.Index(out, `<file name="web.config">`)
	if first < 0 || second < 0 || first > second {
		t.Errorf("want Web.config then web.config (byte order), each with its finding:\n%s", out)
	}
	if n := strings.Count(out, "<error "); n != 2 {
		t.Errorf("%d findings, want one per file", n)
	}
}

// TestWindowsLogPathsInScenarios: a scenario's empirical latency log named
// as an IIS admin would (a drive path, a UNC share) is the user's input:
// when it cannot be read, exit 2 naming the path as written, not an
// internal error and not a path with doubled backslashes.
func TestWindowsLogPathsInScenarios(t *testing.T) {
	farm := abs(t, "../../fixtures/sim/web3.yaml")
	dir := chdir(t)
	for _, logs := range []string{
		`C:\inetpub\logs\LogFiles\W3SVC1\u_ex*.log`,
		`\\web01\c$\inetpub\logs\LogFiles\W3SVC1`,
	} {
		sc := "duration: 1m\r\nreplications: 2\r\narrivals: {rate: 50}\r\nlatency:\r\n  empirical: {log: '" + logs + "'}\r\n"
		if err := os.WriteFile(filepath.Join(dir, "sc.yaml"), []byte(sc), 0o644); err != nil {
			t.Fatal(err)
		}
		code, _, stderr := runCLI(t, "", nil, "simulate", farm, "--scenario", "sc.yaml")
		if code != exitUsage || !strings.Contains(stderr, logs) {
			t.Errorf("scenario log %s: exit %d, stderr %q; want exit 2 naming the path as written", logs, code, stderr)
		}
	}
}
