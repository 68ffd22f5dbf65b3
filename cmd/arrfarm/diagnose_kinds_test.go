package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const logKinds = "../../fixtures/logkinds/"

// TestDiagnoseLogKinds runs diagnose as a user would on each kind of log
// in fixtures/logkinds (its README says what each holds): the exit code
// and the words that say what was read, and how.
func TestDiagnoseLogKinds(t *testing.T) {
	dir := t.TempDir()
	deep := filepath.Join(dir, "fr000001.xml")
	os.WriteFile(deep, []byte(`<failedRequest url="http://x/" statusCode="502">`+strings.Repeat("<a>", 5000)), 0o644)
	badLines := filepath.Join(dir, "u_ex240101.log")
	os.WriteFile(badLines, []byte("#Fields: date time sc-status time-taken\n2024-01-01 00:00:00 200\n2024-01-01 00:00:01 2x0 4\n"), 0o644)
	early := filepath.Join(dir, "u_ex240102.log")
	os.WriteFile(early, []byte("2024-01-01 00:00:00 10.0.0.1 GET /a - 80 - 10.0.0.9 - - 404 0 64 54\n2024-01-01 00:00:01 10.0.0.1 GET /b - 80 - 10.0.0.9 - - 404 0 64 54\n"), 0o644)
	for _, c := range []struct {
		name  string
		args  []string
		stdin string
		code  int
		want  []string
		not   []string
	}{
		{"FTP beside the site's log", []string{logKinds + "LogFiles"}, "", 0,
			[]string{"FTPSVC2/u_ex240205.log is an FTP log (fields x-session, x-fullpath)", "530 = not logged in", "not read", "16 requests"}, []string{"\n530"}},
		{"FTP alone", []string{logKinds + "LogFiles/FTPSVC2"}, "", 2, []string{"no request lines", "is an FTP log"}, nil},
		{"HTTP.sys error log", []string{logKinds + "HTTPERR"}, "", 0,
			[]string{"HTTP.sys error log: 8 lines", "QueueFull  2  (status 503)", "request queue was full", "Timer_ConnectionIdle  3", "connectionTimeout", "never reach the site's W3C log"}, nil},
		{"firewall", []string{logKinds + "pfirewall.log"}, "", 2, []string{"is a Windows Firewall log", "not HTTP requests"}, nil},
		{"runs of spaces", []string{logKinds + "LogFiles/W3SVC1"}, "", 0,
			[]string{"6 lines had runs of spaces", "200.0 / 0  10 (62.5%)  time-taken p50 15 ms", "500.0 / 0  1"}, []string{"skipped lines: more"}},
		{"quoted values", []string{logKinds + "webcache-quoted.log"}, "", 0, []string{"3 requests, 0 skipped", "2 lines had quoted values with spaces"}, nil},
		{"no #Fields, IIS's default fields", []string{logKinds + "grepped-502.log"}, "", 0,
			[]string{"has no #Fields line: read with IIS's default fields", "502.3 / 12002  2"}, nil},
		{"no #Fields, --fields", []string{"-", "--fields", "date time cs-uri-stem sc-status sc-substatus sc-win32-status time-taken"},
			"2024-03-04 10:15:02 /api 502 3 12002 29987\n", 0, []string{"502.3 / 12002  1", "read with the given fields"}, nil},
		{"no #Fields, not the default set", []string{"-"}, "2024-03-04 10:15:02 /api 502 3 12002 29987\n", 2,
			[]string{"is not a W3C extended log", `name their fields: --fields "date time`}, nil},
		{"no date", []string{logKinds + "nodate-u_ex130730.log", "--by", "hour"}, "", 0,
			[]string{"their day is the #Date directive's", "2013-07-30 00:00"}, []string{"(no time)"}},
		{"no sc-status", []string{logKinds + "nostatus.log"}, "", 0, []string{"(sc-status not logged)  3", "no sc-status field"}, []string{"Status -1", "(no status)"}},
		{"every line skipped", []string{badLines}, "", 2,
			[]string{"no request lines (2 skipped)", "first skipped lines:", "u_ex240101.log:2: 3 fields, the #Fields line has 4", "u_ex240101.log:3: sc-status \"2x0\" is not a number"}, nil},
		{"win32 64 at 54 ms on a site without ARR", []string{early}, "", 0,
			[]string{"404.0 / 64  2", "At a median of 54 ms that is not a proxy timeout"}, []string{"usually ARR after its timeout"}},
		{"nested trace", []string{deep}, "", 2, []string{"elements nested deeper than 128 levels"}, nil},
		{"Authorization on the first line", []string{logKinds + "auth-first-line.log"}, "", 2,
			[]string{"is not a W3C extended log", `"Authorization:..."`}, []string{"QWxh", "Basic", "OpenSesame"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, c.stdin, nil, append([]string{"diagnose"}, c.args...)...)
			all := stdout + stderr
			if code != c.code {
				t.Errorf("exit %d, want %d\n%s", code, c.code, all)
			}
			for _, w := range c.want {
				if !strings.Contains(all, w) {
					t.Errorf("output lacks %q:\n%s", w, all)
				}
			}
			for _, n := range c.not {
				if strings.Contains(all, n) {
					t.Errorf("output has %q:\n%s", n, all)
				}
			}
		})
	}
}
