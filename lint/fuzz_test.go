package lint

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/arrfarm/arrfarm/schema"
)

// FuzzWriters feeds every output format an arbitrary finding over an
// arbitrary source file: the output must parse as its format says and
// never hold a raw control byte (other than the format's own line breaks
// and indentation) or a C1 control.
func FuzzWriters(f *testing.F) {
	files, _ := filepath.Glob("../fixtures/lint/*/bad.*")
	for i, p := range files {
		if src, err := os.ReadFile(p); err == nil {
			f.Add(src, "farm \"web\" has no servers", filepath.Base(p), "web", i*7, i*7+5, i%3)
		}
	}
	f.Add([]byte("<a b=\"\x1b[2J\" c=\"http://u:p@h/\"/>"), "bad \x1b]0;t\x07 \r\n::error::x", "a,b:c%.config", "w\x00", 3, 9, 1)
	f.Add([]byte("x\xff\xfe\u009b\u2028y"), "\xc2\x9b31m", "f]]>.xml", "", 0, 100, 2)
	f.Fuzz(func(t *testing.T, src []byte, msg, file, farm string, start, end, sev int) {
		if file == "" {
			file = "f"
		}
		lines := schema.NewLines(file, src)
		n := len(src) + 1
		s, e := ((start%n)+n)%n, ((end%n)+n)%n
		if e < s {
			s, e = e, s
		}
		span := lines.Span(s, e)
		severity := []Severity{Info, Warning, Error}[((sev%3)+3)%3]
		r := Report{
			Sources: map[string]*schema.Lines{file: lines},
			Diagnostics: []Diagnostic{{ID: "ARR1001", Rule: "route-to-unknown-farm", Severity: severity, Span: span,
				Message: msg, Farm: farm, URL: "https://example.com/r",
				Related: []schema.Related{{Span: lines.Span(e, e), Message: msg}}}},
		}
		for _, format := range Formats {
			var b bytes.Buffer
			if err := Write(&b, format, r, format == "text"); err != nil {
				t.Fatalf("%s: %v", format, err)
			}
			out := b.Bytes()
			checkBytes(t, format, out)
			switch format {
			case "json", "sarif", "gitlab":
				if !json.Valid(out) {
					t.Fatalf("%s: not JSON:\n%s", format, out)
				}
			case "junit", "checkstyle":
				dec := xml.NewDecoder(bytes.NewReader(out))
				for {
					if _, err := dec.Token(); err == io.EOF {
						break
					} else if err != nil {
						t.Fatalf("%s: not XML (%v):\n%s", format, err, out)
					}
				}
			case "github", "azure":
				// One workflow or logging command per finding, nothing else.
				prefix := map[string]string{"github": "::", "azure": "##vso["}[format]
				got := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
				if len(got) != 1 || !strings.HasPrefix(got[0], prefix) {
					t.Fatalf("%s: %d lines for one finding:\n%s", format, len(got), out)
				}
			}
		}
	})
}

// checkBytes fails on raw control bytes (other than newline and tab; the
// text format's colors are its own ESC sequences, removed first) and on C1
// controls.
func checkBytes(t *testing.T, format string, out []byte) {
	t.Helper()
	if format == "text" {
		for _, c := range []string{ansiReset, ansiBold, ansiDim, ansiRed, ansiYellow, ansiBlue, ansiGreen} {
			out = bytes.ReplaceAll(out, []byte(c), nil)
		}
	}
	for i := 0; i < len(out); {
		r, n := utf8.DecodeRune(out[i:])
		if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f || r >= 0x80 && r < 0xa0 {
			t.Fatalf("%s: raw control %U at byte %d:\n%q", format, r, i, out)
		}
		if r == utf8.RuneError && n == 1 && format == "text" {
			t.Fatalf("%s: invalid UTF-8 byte %#x at %d:\n%q", format, out[i], i, out)
		}
		i += n
	}
}

// FuzzLoadConfig: any .arrfarm.yaml is read or refused with an error that
// names the file; none panics.
func FuzzLoadConfig(f *testing.F) {
	for _, s := range []string{
		"disable: [farm-rule-name]\nseverity: {uneven-weights: warning}\nlatency: [scenarios/prod.yaml]\nfail-on: error\n",
		"disabel: [x]\n", "severity: error\n", "fail-on: [a]\n", "", "---\n---\n", "enable: [&a x, *a]\n",
		"severity: {a: {b: c}}\n", "latency: [\"\\x1b[2J\"]\n", "\r\rfail-on: never\r",
	} {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	path := filepath.Join(dir, ".arrfarm.yaml")
	f.Fuzz(func(t *testing.T, src []byte) {
		if err := os.WriteFile(path, src, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := LoadConfig(path)
		if err != nil && !strings.Contains(err.Error(), path) {
			t.Fatalf("error does not name the file: %v", err)
		}
	})
}
