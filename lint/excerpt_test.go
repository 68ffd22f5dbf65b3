package lint

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/arrfarm/arrfarm/schema"
)

// lineSpan is a span on line 1 of lines from byte offset s to e.
func lineSpan(l *schema.Lines, s, e int) schema.Span { return l.Span(s, e) }

func TestExcerptCaret(t *testing.T) {
	for _, c := range []struct {
		src, at   string // at: the spanned text, found in src
		wantLine  string
		wantCaret string
	}{
		{`<a b="xyz" />`, `xyz`, `<a b="xyz" />`, "      ^~~"},
		{"\t<a b=\"x\" />", `x"`, "\t<a b=\"x\" />", "\t      ^~"},
		{`é="v"`, `v`, `é="v"`, "   ^"}, // columns count characters, not bytes
		// An escape sequence in the source is shown as text, and the caret
		// moves by the width of what is shown.
		{"<a n=\"\x1b[2J\" b=\"x\"/>", `x`, `<a n="\x1b[2J" b="x"/>`, "                  ^"},
		{"<a n=\"\xc2\x9b\" b=\"x\"/>", `x`, `<a n="\u009b" b="x"/>`, "                 ^"},
		{"<a n=\"\x9b\" b=\"x\"/>", `x`, `<a n="\x9b" b="x"/>`, "               ^"},
	} {
		l := schema.NewLines("f", []byte(c.src))
		i := strings.Index(c.src, c.at)
		line, caret := Excerpt(l, lineSpan(l, i, i+len(c.at)))
		if line != c.wantLine || caret != c.wantCaret {
			t.Errorf("Excerpt(%q):\n got  %q\n      %q\n want %q\n      %q", c.src, line, caret, c.wantLine, c.wantCaret)
		}
	}
}

// A finding on one long line shows a window around the caret, not the
// line: the cost of printing a finding no longer grows with the line.
func TestExcerptWindow(t *testing.T) {
	var b strings.Builder
	b.WriteString("<webFarms>")
	for i := range 400 {
		b.WriteString(`<webFarm name="farm` + string(rune('a'+i%26)) + `" enabled="true"><server address="10.0.0.1" /></webFarm>`)
	}
	src := b.String()
	l := schema.NewLines("f", []byte(src))
	at := len(src) / 2
	at = strings.Index(src[at:], `enabled`) + at
	line, caret := Excerpt(l, l.Span(at, at+len("enabled")))
	if n := utf8.RuneCountInString(line); n > 180 {
		t.Errorf("excerpt of a %d-byte line has %d characters", len(src), n)
	}
	if !strings.HasPrefix(line, "…") || !strings.HasSuffix(line, "…") {
		t.Errorf("a cut line must say so: %q", line)
	}
	// The caret is under the spanned text.
	col := strings.Index(caret, "^")
	if got := string([]rune(line)[col : col+len("enabled")]); got != "enabled" || !strings.HasSuffix(caret, " ^~~~~~~") {
		t.Errorf("caret at column %d marks %q, want enabled\n%s\n%s", col, got, line, caret)
	}
}

// secretDocs are files whose secrets must never reach any output, with
// the secrets they hold. The secrets differ in length: the mask must not.
var secretDocs = []struct {
	name, src string
	secrets   []string
}{
	{"applicationHost.config", `<configuration><webFarms>
<webFarm name="web" adminUserName="admin" adminPassword="hunter2hunter2">
  <server address="svc:s3cretpass@10.0.0.1" />
  <applicationRequestRouting>
    <healthCheck url="http://probe:pr0bepass@web/health" interval="00:00:05" timeout="00:00:30" />
    <protocol clientCertPassword="[enc:AesProvider:bXlwYXNzd29yZA==:enc]" />
  </applicationRequestRouting>
</webFarm>
<webFarm name="api" adminPassword="multi
line-secret"><server address="10.0.0.2"/></webFarm>
</webFarms>
<appSettings><add key="db" connectionPassword="ZZtopSecret9" note="[enc:RsaProvider:cnNhc2VjcmV0:enc]"/></appSettings>
</configuration>
`, []string{"hunter2hunter2", "s3cretpass", "pr0bepass", "bXlwYXNzd29yZA==", "line-secret", "ZZtopSecret9", "cnNhc2VjcmV0"}},
	{"farms.yaml", `farms:
  - name: web
    "adminPassword": "quoted-key-secret"
    servers:
      - {address: "svc:yamlpass@10.0.0.1"}
    applicationRequestRouting:
      healthCheck: {url: "https://u:urlpass@web/health", interval: 00:00:05, timeout: 30s}
`, []string{"quoted-key-secret", "yamlpass", "urlpass"}},
}

// TestExcerptMasksSecrets: every line of the secret documents, excerpted
// at every column, shows no secret and masks of one fixed length.
func TestExcerptMasksSecrets(t *testing.T) {
	for _, d := range secretDocs {
		doc, err := schema.Load(d.name, []byte(d.src), schema.Options{})
		if err != nil {
			t.Fatal(err)
		}
		l := doc.Lines
		for off := 0; off < len(d.src); off++ {
			line, _ := Excerpt(l, l.Span(off, off+1))
			for _, s := range d.secrets {
				if strings.Contains(line, s) || (len(s) > 6 && strings.Contains(line, s[:6])) {
					t.Fatalf("%s: excerpt at offset %d shows secret %q: %s", d.name, off, s, line)
				}
			}
			if strings.Contains(line, "*****") {
				t.Fatalf("%s: a mask longer than %q: %s", d.name, schema.Mask, line)
			}
		}
	}
}

// TestFormatsAreSafe writes a hostile report in every format: no secret,
// no raw control byte (other than the line breaks and indentation of the
// format itself).
func TestFormatsAreSafe(t *testing.T) {
	doc, err := schema.Load(secretDocs[0].name, []byte(secretDocs[0].src), schema.Options{})
	if err != nil {
		t.Fatal(err)
	}
	hostile := "bad \x1b[2J\x1b]0;pwned\x07 value \"http://u:msgpass@h/\" [enc:A:bXNncGFzcw==:enc] \u009b31m\r\n::error::forged\x00" +
		` url "/health?password=qrypass&token=qrytok"`
	file := doc.Lines.File()
	rep := Report{
		Sources: map[string]*schema.Lines{file: doc.Lines},
		Diagnostics: []Diagnostic{{ID: "ARR1001", Rule: "route-to-unknown-farm", Severity: Error,
			Span: doc.Lines.Span(40, 50), Message: hostile, Farm: "w\x1bx",
			Related: []schema.Related{{Span: doc.Lines.Span(60, 61), Message: hostile}}}},
	}
	once := rep.Printable()
	if twice := once.Printable(); twice.Diagnostics[0].Message != once.Diagnostics[0].Message {
		t.Errorf("Printable is not idempotent: %q, then %q", once.Diagnostics[0].Message, twice.Diagnostics[0].Message)
	}
	for _, f := range Formats {
		var b bytes.Buffer
		if err := Write(&b, f, rep, false); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out := b.String()
		for _, s := range append(secretDocs[0].secrets, "msgpass", "bXNncGFzcw==", "qrypass", "qrytok") {
			if strings.Contains(out, s) {
				t.Errorf("%s: output shows secret %q:\n%s", f, s, out)
			}
		}
		for i, c := range []byte(out) {
			if c < 0x20 && c != '\n' && c != '\t' || c == 0x7f {
				t.Errorf("%s: raw control byte %#x at %d:\n%q", f, c, i, out)
				break
			}
		}
		if strings.Contains(out, "\u009b") {
			t.Errorf("%s: raw C1 control in output", f)
		}
		if strings.Contains(out, "\n::error::forged") {
			t.Errorf("%s: the message forged a workflow command", f)
		}
	}
}
