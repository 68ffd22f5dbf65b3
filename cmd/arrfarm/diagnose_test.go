package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDiagnoseCorpus(t *testing.T) {
	code, out, errOut := runCLI(t, "", nil, "diagnose", "../../fixtures/logs", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rep struct {
		Files, Traces int
		Lines         int64
		Groups        []struct{ Status, Count int }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	// 3 logs + 2 traces; 3+253+567 request lines (see iislog's corpus test) + 2 traces.
	if rep.Files != 5 || rep.Traces != 2 || rep.Lines != 825 || rep.Groups[0].Status != 304 {
		t.Errorf("%+v", rep)
	}
}

func TestDiagnoseBadInput(t *testing.T) {
	for args, want := range map[string]string{
		"../../fixtures/lint":         "has no IIS logs",
		"../../fixtures/nothing-here": "no such file",
		"../../fixtures/corpus/mattgillard-iis-reverse-proxy-web.config": "looks like XML",
		"../../fixtures/logs --by farm":                                  "want one of url, hour, server, client",
		"../../fixtures/logs --format x":                                 "--format",
	} {
		code, _, errOut := runCLI(t, "", nil, append([]string{"diagnose"}, strings.Fields(args)...)...)
		if code != 2 || !strings.Contains(errOut, want) {
			t.Errorf("%s: exit %d, stderr %q, want 2 and %q", args, code, errOut, want)
		}
	}
}

func TestDiagnoseStdin(t *testing.T) {
	log := "#Fields: date time sc-status sc-substatus sc-win32-status time-taken\n2024-01-01 00:00:00 502 4 0 1\n"
	code, out, errOut := runCLI(t, log, nil, "diagnose", "-")
	if code != 0 || !strings.Contains(out, "502.4 / 0  1 (100.0%)") || !strings.Contains(out, "looks like the ARR server's log") {
		t.Errorf("exit %d\n%s\n%s", code, out, errOut)
	}
}

// TestDiagnoseNeverLeaks runs the command as a user would, on a log and a
// configuration that hold secrets, in both formats, to stdout and to -o:
// neither stream nor the file holds a secret or a raw escape sequence,
// and the JSON parses.
func TestDiagnoseNeverLeaks(t *testing.T) {
	dir := t.TempDir()
	logs := filepath.Join(dir, "W3SVC1")
	os.Mkdir(logs, 0o755)
	log := "#Fields: date time s-computername cs-uri-stem cs-uri-query cs(Cookie) c-ip sc-status sc-substatus sc-win32-status time-taken\n" +
		"2024-03-04 10:00:00 admin:hostPw@arr01 http://bob:stemPw@backend/x password=queryPw .ASPXAUTH=cookieTok 10.0.0.9 502 3 12002 29990\n" +
		"2024-03-04 10:00:01 ARR\x1b[2J01 /login;token=stemTok - - [enc:AesProvider:Y2xpZW50:enc] 502 4 0 1\n" +
		"2024-03-04 10:00:02 ARR01 /x - - 10.0.0.9 password=statusPw 3 12002 1\n"
	os.WriteFile(filepath.Join(logs, "u_ex240304.log"), []byte(log), 0o644)
	cfg := filepath.Join(dir, "farms.yaml")
	os.WriteFile(cfg, []byte(`farms:
  - name: web
    servers:
      - {address: "admin:addrPw@10.0.0.11"}
    applicationRequestRouting:
      protocol: {timeout: 30s}
      healthCheck: {url: "http://monitor:hcPw@web/health?token=hcTok", interval: 5s}
`), 0o644)
	secrets := []string{"hostPw", "stemPw", "queryPw", "cookieTok", "stemTok", "Y2xpZW50", "statusPw", "addrPw", "hcPw", "hcTok", "\x1b"}
	for _, by := range []string{"url", "server", "client", "hour"} {
		for _, format := range []string{"text", "json"} {
			out := filepath.Join(dir, "report."+format)
			code, stdout, stderr := runCLI(t, "", nil, "diagnose", logs, "--config", cfg, "--by", by, "--format", format)
			code2, _, stderr2 := runCLI(t, "", nil, "diagnose", logs, "--config", cfg, "--by", by, "--format", format, "-o", out)
			file, _ := os.ReadFile(out)
			if code != 0 || code2 != 0 {
				t.Fatalf("--by %s --format %s: exit %d, %d: %s", by, format, code, code2, stderr+stderr2)
			}
			if string(file) != stdout {
				t.Errorf("--by %s --format %s: -o wrote something else than stdout", by, format)
			}
			for _, s := range secrets {
				if strings.Contains(stdout+stderr+stderr2, s) {
					t.Errorf("--by %s --format %s prints %q:\n%s%s", by, format, s, stdout, stderr)
				}
			}
			if !strings.Contains(stdout, "****") {
				t.Errorf("--by %s --format %s: nothing masked, so the secrets were not read:\n%s", by, format, stdout)
			}
			if format == "json" && !json.Valid([]byte(stdout)) {
				t.Errorf("--by %s: the JSON does not parse:\n%s", by, stdout)
			}
		}
	}
}

// TestDiagnoseErrorsMask: a file that is not a log is refused with a quote
// of its first line, which must not carry its secrets to the terminal.
func TestDiagnoseErrorsMask(t *testing.T) {
	p := filepath.Join(t.TempDir(), "u_ex1.log")
	os.WriteFile(p, []byte("user=bob&password=hunter2 and more\n"), 0o644)
	code, _, stderr := runCLI(t, "", nil, "diagnose", p)
	if code != 2 || !strings.Contains(stderr, `password=****`) || strings.Contains(stderr, "hunter2") || strings.Contains(stderr, "\x1b") {
		t.Errorf("exit %d, stderr %q: want 2 and the password masked", code, stderr)
	}
}
