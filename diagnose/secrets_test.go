package diagnose

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/arrfarm/arrfarm/iislog"
	"github.com/arrfarm/arrfarm/internal/testgen"
	"github.com/arrfarm/arrfarm/schema"
)

// The secrets a hostile or careless log, trace and configuration hold, one
// per place, so that a leak names where it came from.
var logSecrets = []string{
	"stemPw1",   // cs-uri-stem: URL credentials
	"stemPw2",   // cs-uri-stem: a matrix parameter (;password=)
	"queryPw",   // cs-uri-query
	"refPw",     // cs(Referer): URL credentials
	"cookieTok", // cs(Cookie): .ASPXAUTH
	"userPw",    // cs-username written user:password@
	"hostPw",    // s-computername written user:password@host
	"Y2xpZW50",  // c-ip holding an encrypted blob
	"statusPw",  // a malformed line quoting a field (sc-status)
	"traceTok",  // a trace's url query (access_token=)
	"tracePw",   // a trace's Server, user:password@host
	"hcPw",      // --config: health check URL credentials
	"hcTok",     // --config: health check URL token
	"addrPw",    // --config: server address user:password@host
}

// hostileInputs writes a W3C log, failed-request traces and a farm
// configuration that hold logSecrets and control characters in every
// field diagnose reads, and returns the inputs and the configuration.
func hostileInputs(t *testing.T) (iislog.Inputs, *schema.Config) {
	t.Helper()
	dir := t.TempDir()
	var b bytes.Buffer
	b.WriteString("#Software: Microsoft Internet Information Services 10.0\n")
	b.WriteString("#Fields: date time s-ip s-computername cs-method cs-uri-stem cs-uri-query cs-username c-ip cs(Cookie) cs(Referer) sc-status sc-substatus sc-win32-status time-taken\n")
	line := func(host, stem, query, user, client, cookie, ref, status, sub, win32, taken string) {
		b.WriteString(strings.Join([]string{"2024-03-04", "10:00:00", "10.0.0.1", host, "GET", stem, query, user, client, cookie, ref, status, sub, win32, taken}, " ") + "\n")
	}
	for range 3 {
		line("admin:hostPw@arr01", "http://bob:stemPw1@backend/cart", "user=bob&password=queryPw&x=1", "bob:userPw@corp",
			"10.0.0.9", "theme=dark;+.ASPXAUTH=cookieTok", "http://eve:refPw@shop/", "502", "3", "12002", "29950")
	}
	line("ARR\x1b[2J01", "/login;password=stemPw2", "-", "-", "[enc:AesProvider:Y2xpZW50:enc]", "-", "-", "502", "3", "12029", "3")
	line("ARR01", "/a\x1b]0;title\x07", "-", "-", "10.0.0.9", "-", "-", "502", "4", "0", "1")
	line("ARR01", "/x", "-", "-", "10.0.0.9", "-", "-", `password=statusPw`, "3", "12002", "1")
	logPath := filepath.Join(dir, "u_ex240304.log")
	if err := os.WriteFile(logPath, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	in := iislog.Inputs{Logs: []string{logPath}}
	for i, spec := range []testgen.TraceSpec{
		{URL: "http://shop/api?access_token=traceTok&amp;v=1", Status: 502, SubStatus: 3, ErrorCode: 12029, TimeTaken: 2,
			Farm: "web", Server: "svc:tracePw@10.0.0.12"},
		// XML 1.0 allows C1 controls: U+009B is CSI on an 8-bit terminal.
		{URL: "http://shop/\u009b2J", Status: 502, SubStatus: 2, TimeTaken: 5, Farm: "w\u009beb", Server: "10.0.0.13"},
	} {
		spec.At = time.Date(2024, 3, 4, 10, 0, i, 0, time.UTC)
		var tb bytes.Buffer
		if err := testgen.Trace(&tb, spec); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, "fr00000"+string(rune('1'+i))+".xml")
		if err := os.WriteFile(p, tb.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		in.Traces = append(in.Traces, p)
	}
	const cfg = `farms:
  - name: web
    servers:
      - {address: "admin:addrPw@10.0.0.11"}
      - {address: 10.0.0.12}
    applicationRequestRouting:
      protocol: {timeout: 30s}
      healthCheck: {url: "http://monitor:hcPw@web/health?token=hcTok", interval: 5s}
`
	doc, err := schema.Load("farms.yaml", []byte(cfg), schema.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return in, doc.Config
}

// unsafe returns what in out must never be printed: a secret, or a control
// character other than newline and tab (C0, DEL, C1) or an invalid byte.
func unsafe(out string) []string {
	var bad []string
	for _, s := range logSecrets {
		if strings.Contains(out, s) {
			bad = append(bad, s)
		}
	}
	for i, r := range out {
		if r == utf8.RuneError || (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			bad = append(bad, strings.ToValidUTF8(out[max(0, i-20):min(len(out), i+20)], "?"))
			break
		}
	}
	return bad
}

// contract is the Diagnose JSON contract (design.md, "Diagnose JSON"):
// unmarshalling fails when a field has another type.
type contract struct {
	Files        int   `json:"files"`
	Lines        int64 `json:"lines"`
	SkippedLines int64 `json:"skipped_lines"`
	Traces       int   `json:"traces"`
	Groups       []struct {
		Status      *int     `json:"status"`
		Substatus   *int     `json:"substatus"`
		Win32       *int64   `json:"win32"`
		Count       int64    `json:"count"`
		Share       float64  `json:"share"`
		TimeTakenMs *jsonPct `json:"time_taken_ms"`
		Meaning     string   `json:"meaning"`
		Advice      string   `json:"advice"`
		Farm        string   `json:"farm"`
		By          []struct {
			Key   string  `json:"key"`
			Count int64   `json:"count"`
			Share float64 `json:"share"`
		} `json:"by"`
	} `json:"groups"`
	Examples []string `json:"skipped_examples"`
}

// TestReportNeverLeaks runs diagnose on hostile inputs with every --by and
// with --config, in text and JSON: no secret and no control character is
// printed, the JSON still parses as the contract, and the masked values
// are there (so a row did not simply vanish).
func TestReportNeverLeaks(t *testing.T) {
	in, cfg := hostileInputs(t)
	want := map[string][]string{
		"":       {`sc-status "password=****"`, "health check http://****@web/health?token=****", "****@10.0.0.11"},
		"url":    {"http://****@backend/cart", "/login;password=****", `/a\x1b]0;title\x07`, "\n/api\n", "\n/\\u009b2J\n"},
		"server": {"****@arr01", `ARR\x1b[2J01`, "****@10.0.0.12"},
		"client": {"[enc:****:enc]"},
		"hour":   {"2024-03-04 10:00"},
	}
	for _, by := range append([]string{""}, ByKeys...) {
		rep, err := Run(in, Options{By: by, Config: cfg})
		if err != nil {
			t.Fatal(err)
		}
		var text, js bytes.Buffer
		if err := rep.WriteText(&text, by); err != nil {
			t.Fatal(err)
		}
		if err := rep.WriteJSON(&js); err != nil {
			t.Fatal(err)
		}
		for format, out := range map[string]string{"text": text.String(), "json": js.String()} {
			if bad := unsafe(out); len(bad) > 0 {
				t.Errorf("--by %q %s output prints %q:\n%s", by, format, bad, out)
			}
		}
		var c contract
		if err := json.Unmarshal(js.Bytes(), &c); err != nil {
			t.Fatalf("--by %q: the JSON does not parse as the contract: %v\n%s", by, err, js.String())
		}
		if c.Lines != 5+2 || c.Traces != 2 || c.SkippedLines != 1 || len(c.Examples) != 1 {
			t.Errorf("--by %q: lines %d traces %d skipped %d examples %v", by, c.Lines, c.Traces, c.SkippedLines, c.Examples)
		}
		var keys []string
		for _, g := range c.Groups {
			keys = append(keys, g.Farm)
			for _, row := range g.By {
				keys = append(keys, row.Key)
			}
		}
		all := text.String() + strings.Join(keys, "\n")
		for _, s := range want[by] {
			if !strings.Contains(all, s) {
				t.Errorf("--by %q: %q is not in the report:\n%s", by, s, text.String())
			}
		}
		if !strings.Contains(strings.Join(keys, "\n"), `w\u009beb`) {
			t.Errorf("--by %q: the trace's farm is not printed escaped: %q", by, keys)
		}
	}
}

// TestMaskedKeysMerge: two URLs that differ only in a masked password are
// one row, whose counts add up.
func TestMaskedKeysMerge(t *testing.T) {
	log := "#Fields: cs-uri-stem sc-status sc-substatus sc-win32-status time-taken\n" +
		"/a;password=one 502 3 12002 10\n/a;password=two 502 3 12002 30\n/a;password=two 502 3 12002 20\n"
	p := filepath.Join(t.TempDir(), "u_ex1.log")
	os.WriteFile(p, []byte(log), 0o644)
	rep, err := Run(iislog.Inputs{Logs: []string{p}}, Options{By: "url"})
	if err != nil {
		t.Fatal(err)
	}
	by := rep.Groups[0].By
	if len(by) != 1 || by[0].Key != "/a;password=****" || by[0].Count != 3 || by[0].Share != 1 || by[0].MaxMs != 30 {
		t.Errorf("rows %+v, want one /a;password=**** row of 3, max 30 ms", by)
	}
}
