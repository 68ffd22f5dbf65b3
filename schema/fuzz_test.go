package schema

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParseDuration: Go durations and IIS time spans as the YAML form and
// scenarios read them. What parses keeps its sign and prints back to the
// same value.
func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"30s", "2m", "1h30m", "120ms", "00:00:45", "-1s", "-00:00:01",
		"2562047h47m16.854775807s", "-2562047h47m16.854775808s", "106751.23:47:16.8547758", "30", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDuration(s)
		if err != nil {
			return
		}
		neg := strings.HasPrefix(strings.TrimSpace(s), "-")
		if neg && d > 0 || !neg && d < 0 {
			t.Fatalf("%q parsed as %v: the sign changed", s, d)
		}
		if d%100 == 0 { // time spans hold 100 ns ticks
			back, err := ParseTimeSpan(FormatTimeSpan(d))
			if err != nil || back != d {
				t.Fatalf("%q -> %v -> %q -> %v, %v", s, d, FormatTimeSpan(d), back, err)
			}
		}
	})
}

// FuzzSuppression: an arrfarm:ignore comment of any text before an element
// gives exactly one suppression whose rule has no space and whose reason
// is trimmed.
func FuzzSuppression(f *testing.F) {
	for _, s := range []string{"arrfarm:ignore no-health-check the balancer checks", "arrfarm:ignore", "arrfarm:ignore ARR2001",
		"  arrfarm:ignore\tno-health-check\treason ", "arrfarm:ignore a b c -- d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		rule, reason := parseSuppression(text)
		if strings.ContainsAny(rule, " ") || reason != strings.TrimSpace(reason) {
			t.Fatalf("%q: rule %q, reason %q", text, rule, reason)
		}
		if strings.Contains(text, "--") || strings.HasSuffix(text, "-") || !utf8.ValidString(text) {
			return // not a valid XML comment
		}
		src := "<configuration><webFarms>\n<!--" + text + "-->\n<webFarm name=\"web\" /></webFarms></configuration>"
		doc, err := Load("applicationHost.config", []byte(src), Options{})
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		if isSuppression(text) {
			want = 1
		}
		if len(doc.Suppressions) != want && !hasError(doc) {
			t.Fatalf("%q: %d suppressions, want %d", text, len(doc.Suppressions), want)
		}
	})
}

func hasError(doc *Document) bool {
	for _, f := range doc.Findings {
		if f.Severity == Error {
			return true
		}
	}
	return false
}

// FuzzToUTF8: encoding detection. UTF-8 without a byte-order mark passes
// through unchanged; whatever converts is valid UTF-8 or reported by the
// loader with a position; detection never panics.
func FuzzToUTF8(f *testing.F) {
	seedCorpus(f, "*.xml")
	f.Add([]byte("\xef\xbb\xbf<configuration/>"))
	f.Add([]byte("\xff\xfe<\x00c\x00/\x00>\x00"))
	f.Add([]byte("\xfe\xff\x00<\x00c\x00/\x00>"))
	f.Add([]byte("<\x00"))
	f.Add([]byte("\x00<"))
	f.Fuzz(func(t *testing.T, src []byte) {
		out, err := toUTF8(src)
		if err != nil {
			return
		}
		if utf8.Valid(src) && !bytes.HasPrefix(src, []byte{0xEF, 0xBB, 0xBF}) && !bytes.HasPrefix(src, []byte("<\x00")) && !bytes.HasPrefix(src, []byte("\x00<")) && !bytes.Equal(out, src) {
			t.Fatalf("UTF-8 input changed: %q -> %q", src, out)
		}
		_ = detectFormat("input", src, nil)
		doc, err := Load("input", src, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !utf8.Valid(doc.Lines.Src()) && !hasError(doc) {
			t.Fatalf("invalid UTF-8 loaded without an error: %q", doc.Lines.Src())
		}
	})
}

// FuzzWriteXML: a YAML model of any shape converts to well-formed XML that
// loads back with the same farms and rules, and no secret value leaks.
func FuzzWriteXML(f *testing.F) {
	f.Add([]byte("farms:\n  - name: web\n    servers: [{address: a}]\n    applicationRequestRouting: {protocol: {timeout: 45s}}\n"))
	f.Add([]byte("proxy: {enabled: true, timeout: 2m}\nrules:\n  - {name: r, action: {type: Rewrite, url: \"http://web/{R:0}\"}}\n"))
	f.Add([]byte("farms:\n  - name: \"w<&>\\\"'\"\n    adminUserName: u\n    adminPassword: hunter2\n    servers: [{address: \"a\\u0001b\"}]\n"))
	f.Add([]byte("farms:\n  - name: web\n    applicationRequestRouting: {protocol: {clientCertPassword: \"[enc:AesProvider:c2VjcmV0:enc]\"}}\n"))
	f.Add([]byte("farms:\n  - name: web\n    servers: [{address: \"u:p@a\"}]\n    applicationRequestRouting: {healthCheck: {url: \"http://u:p@web/h\"}}\nrules:\n  - {name: r, action: {type: Rewrite, url: \"http://x:[enc:A:eA==:enc]@web/{R:0}\"}}\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		doc, err := Load("farms.yaml", src, Options{Format: ptr(YAML)})
		if err != nil || hasError(doc) {
			return
		}
		var out bytes.Buffer
		if _, err := WriteXML(&out, doc.Config); err != nil {
			t.Fatal(err)
		}
		dec := xml.NewDecoder(bytes.NewReader(out.Bytes()))
		for {
			if _, err := dec.Token(); err == io.EOF {
				break
			} else if err != nil {
				t.Fatalf("WriteXML wrote malformed XML (%v):\n%s", err, out.Bytes())
			}
		}
		// No secret survives: secret attributes hold a placeholder, and no
		// other value holds an encrypted blob or URL credentials.
		dec = xml.NewDecoder(bytes.NewReader(out.Bytes()))
		for {
			tok, err := dec.Token()
			if err != nil {
				break
			}
			st, ok := tok.(xml.StartElement)
			if !ok {
				continue
			}
			for _, a := range st.Attr {
				v := a.Value
				switch {
				case secretName(a.Name.Local) && v != "" && v != Redacted && v != RedactedEncrypted,
					v != RedactedEncrypted && MaskSecrets(v) != v:
					t.Fatalf("secret in %s=%q:\n%s", a.Name.Local, v, out.Bytes())
				}
			}
		}
		back, err := Load("applicationHost.config", out.Bytes(), Options{Format: ptr(XML)})
		if err != nil {
			t.Fatal(err)
		}
		if len(back.Config.Farms) != len(doc.Config.Farms) || len(back.Config.Rules) != len(doc.Config.Rules) {
			t.Fatalf("farms %d -> %d, rules %d -> %d:\n%s", len(doc.Config.Farms), len(back.Config.Farms),
				len(doc.Config.Rules), len(back.Config.Rules), out.Bytes())
		}
	})
}
