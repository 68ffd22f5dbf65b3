package iislog

import (
	"strings"
	"testing"
)

// TestQuoteNeverCutsACredential: printers mask a credential by its end
// ("@", ":enc]"), so a quote cut at 40 bytes must not keep the start of
// one whose end it drops.
func TestQuoteNeverCutsACredential(t *testing.T) {
	long := strings.Repeat("x", 50)
	for in, want := range map[string]string{
		"short": `"short"`,
		long:    `"` + long[:40] + `..."`,
		"http://admin:hunter2hunter2hunter2hunter2@backend/path": `"..."`,
		// The "@" is kept: the printer masks the credential.
		"http://admin:hunter2@backend/a/long/path/to/x":             `"http://admin:hunter2@backend/a/long/path..."`,
		"user=bob&password=hunter2 and http://a:b@c/ more":          `"user=bob&password=hunter2 and ..."`,
		"GET /a HTTP/1.1 [enc:AesProvider:aGVsbG8gd29y bGQ=:enc] x": `"GET /a HTTP/1.1 ..."`,
		"a long first word with spaces, then admin:hunter2@host":    `"a long first word with spaces, then ..."`,
		"[enc:AesProvider:aGVsbG8=:enc] then a long tail of words":  `"[enc:AesProvider:aGVsbG8=:enc] then a lo..."`,
	} {
		if got := quote([]byte(in)); got != want {
			t.Errorf("quote(%q) = %s, want %s", in, got, want)
		}
	}
}

// TestSniffKeepsCredentialsWhole: the first line of a file that is not a
// log is quoted in the error; a URL with credentials past the cut does not
// show its user and the start of its password.
func TestSniffKeepsCredentialsWhole(t *testing.T) {
	got := Sniff([]byte("see http://admin:hunter2hunter2hunter2hunter2@intranet.example/reports for details"))
	if strings.Contains(got, "admin") || strings.Contains(got, "hunter") {
		t.Errorf("Sniff = %s", got)
	}
}

// TestSniffDropsAuthorization: a file whose first line is an HTTP
// header carrying a credential ("Authorization: Basic ...") is refused
// without a byte of the credential; the printer's masking cannot find
// its end, so the quote leaves it out.
func TestSniffDropsAuthorization(t *testing.T) {
	for line, want := range map[string]string{
		"Authorization: Basic QWxhZGRpbjpPcGVuU2VzYW1lMTIzNDU2Nzg5MA==":           `"Authorization:..."`,
		"Proxy-Authorization: Negotiate YIIGhgYGKwYBBQUCoIIGejCCBnagMDAuBgkqhkiC": `"Proxy-Authorization:..."`,
		"X-Api-Key: 0123456789abcdef0123456789abcdef":                             `"X-Api-Key:..."`,
		"curl -H 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc'":            `"curl -H 'Authorization: Bearer ..."`,
		"Host: intranet.example":                                                  `"Host: intranet.example"`,
	} {
		got := Sniff([]byte(line))
		if !strings.HasSuffix(got, want) {
			t.Errorf("Sniff(%q) = %s, want it to end %s", line, got, want)
		}
	}
}
