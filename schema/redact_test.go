package schema

import (
	"bytes"
	"strings"
	"testing"
)

func TestMaskSecrets(t *testing.T) {
	for in, want := range map[string]string{
		`health URL "http://user:pass@web/health" is relative`: `health URL "http://****@web/health" is relative`,
		`https://token@github.com/x`:                           `https://****@github.com/x`,
		`http://u:p@ss@host/`:                                  `http://****@host/`,
		`server "svc:pw@10.0.0.1"`:                             `server "****@10.0.0.1"`,
		`value [enc:AesProvider:c2VjcmV0:enc] here`:            `value [enc:****:enc] here`,
		`mail admin@example.com`:                               `mail admin@example.com`,
		`/mnt/svc:pw@share/farms.yaml`:                         `/mnt/****@share/farms.yaml`,
		`\\svc:pw@fileserver\farms`:                            `\\****@fileserver\farms`,
		`http://web/{R:0}`:                                     `http://web/{R:0}`,
		// Azure connection strings: the keys, not the names around them.
		`AccountName=acme;AccountKey=c2VjcmV0a2V5;EndpointSuffix=core.windows.net`: `AccountName=acme;AccountKey=****;EndpointSuffix=core.windows.net`,
		`Endpoint=sb://acme/;SharedAccessKeyName=Root;SharedAccessKey=QUJDRA==`:    `Endpoint=sb://acme/;SharedAccessKeyName=Root;SharedAccessKey=****`,
		`SharedAccessSignature=sv=2022&sig=abc`:                                    `SharedAccessSignature=****&sig=****`,
	} {
		if got := MaskSecrets(in); got != want {
			t.Errorf("MaskSecrets(%q) = %q, want %q", in, got, want)
		}
	}
	// The mask's length says nothing about the secret's.
	a, b := MaskSecrets("http://u:p@h/"), MaskSecrets("http://u:"+strings.Repeat("p", 40)+"@h/")
	if a != b {
		t.Errorf("masks differ with the secret's length: %q, %q", a, b)
	}
}

func TestEscapeControl(t *testing.T) {
	for in, want := range map[string]string{
		"plain\ttab":   "plain\ttab",
		"\x1b[2Jclear": `\x1b[2Jclear`,
		"nul\x00":      `nul\x00`,
		"cr\rnl\n":     `cr\x0dnl\x0a`,
		"del\x7f":      `del\x7f`,
		"c1\u009b31m":  `c1\u009b31m`,
		"bad\x9bbyte":  `bad\x9bbyte`,
		"sep\u2028":    `sep\u2028`,
		"é and 日本":     "é and 日本",
	} {
		if got := EscapeControl(in); got != want {
			t.Errorf("EscapeControl(%q) = %q, want %q", in, got, want)
		}
	}
}

// The loader records the exact byte ranges of secrets it reads, so that
// output masks them whatever their shape (a value over several lines, a
// quoted YAML key, an address with credentials).
func TestLoaderMarksSecrets(t *testing.T) {
	for name, src := range map[string]string{
		"applicationHost.config": "<webFarms><webFarm name=\"w\" adminPassword=\"multi\nline\" >" +
			"<server address=\"svc:addrpass@10.0.0.1\"/>" +
			"<applicationRequestRouting><healthCheck url=\"http://u:urlpass@w/h\"/>" +
			"<protocol clientCertPassword=\"[enc:A:ZW5j:enc]\"/></applicationRequestRouting></webFarm></webFarms>",
		"farms.yaml": "farms:\n  - name: w\n    \"adminPassword\": \"multi line\"\n    servers: [{address: \"svc:addrpass@10.0.0.1\"}]\n" +
			"    applicationRequestRouting:\n      healthCheck: {url: \"http://u:urlpass@w/h\"}\n      protocol: {clientCertPassword: \"[enc:A:ZW5j:enc]\"}\n",
	} {
		doc, err := Load(name, []byte(src), Options{})
		if err != nil {
			t.Fatal(err)
		}
		l := doc.Lines
		l.secrets = mergeRanges(l.secrets)
		var got []string
		for _, r := range l.secrets {
			got = append(got, strings.Trim(src[r[0]:r[1]], `"`))
		}
		want := []string{"multi\nline", "svc:addrpass", "u:urlpass", "[enc:A:ZW5j:enc]"}
		if name == "farms.yaml" {
			want[0] = "multi line"
		}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("%s: secret ranges %q, want %q", name, got, want)
		}
	}
}

// Secrets outside the values the model takes (sections arrfarm skips,
// comments, text) are recorded by position while the file is read, so that
// output never has to search the text it prints.
func TestLoaderMarksSecretsItDoesNotModel(t *testing.T) {
	src := "<configuration>\n" +
		"  <!-- backup at http://ops:commentpass@backup/ -->\n" +
		"  <connectionStrings><add name=\"db\" connectionString=\"Server=s;Password=connpass;\" /></connectionStrings>\n" +
		"  <system.web><identity userName=\"svc\" password=\"idpass\" /></system.web>\n" +
		"  <appSettings><add key=\"k\" value=\"[enc:A:YmxvYg==:enc]\" /></appSettings>\n" +
		"  <webFarms><webFarm name=\"w\"><server address=\"10.0.0.1\" /></webFarm></webFarms>\n" +
		"</configuration>\n"
	doc, err := Load("applicationHost.config", []byte(src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	l := doc.Lines
	if l.readTo != len(src) {
		t.Fatalf("the loader read to %d of %d bytes", l.readTo, len(src))
	}
	for _, secret := range []string{"ops:commentpass", "connpass", "idpass", "[enc:A:YmxvYg==:enc]"} {
		at := strings.Index(src, secret)
		rs := l.SecretsIn(at, at+len(secret))
		if len(rs) == 0 || rs[0][0] > at || rs[len(rs)-1][1] < at+len(secret) {
			t.Errorf("%s at %d is not covered by the recorded secrets %v", secret, at, rs)
		}
	}
}

// In a file that is not well-formed the loader stops early; the text after
// that point is scanned when output shows it, so its secrets are masked too.
func TestSecretsPastAParseError(t *testing.T) {
	src := "<webFarms><webFarm name=\"w\">\n<server address=\"a\" <<broken\n" +
		"<!-- http://ops:tailpass@backup/ --> password=\"tail2\"\n"
	doc, err := Load("applicationHost.config", []byte(src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	l := doc.Lines
	if l.readTo >= len(src) {
		t.Fatalf("the loader claims to have read the broken file to its end")
	}
	for _, secret := range []string{"ops:tailpass", "tail2"} {
		at := strings.Index(src, secret)
		rs := l.SecretsIn(at, at+len(secret))
		if len(rs) == 0 || rs[0][0] > at || rs[len(rs)-1][1] < at+len(secret) {
			t.Errorf("%s at %d is not covered: %v", secret, at, rs)
		}
	}
}

// Secret-named parameters in a value (a health check URL's ?token=, a
// connection string's Password=) are masked where the loader recorded
// them and in converted output.
func TestSecretParamsInValues(t *testing.T) {
	src := `<webFarms><webFarm name="w"><server address="10.0.0.1"/><applicationRequestRouting>` +
		`<healthCheck url="http://w/health?token=tok123&amp;x=1" /></applicationRequestRouting></webFarm></webFarms>`
	doc, err := Load("applicationHost.config", []byte(src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	at := strings.Index(src, "tok123")
	if rs := doc.Lines.SecretsIn(at, at+6); len(rs) != 1 || rs[0][0] != at || rs[0][1] != at+6 {
		t.Errorf("token value at %d not recorded exactly: %v", at, rs)
	}
	for _, write := range []func(*bytes.Buffer) error{
		func(b *bytes.Buffer) error { _, err := WriteYAML(b, doc.Config); return err },
		func(b *bytes.Buffer) error { _, err := WriteXML(b, doc.Config); return err },
	} {
		var out bytes.Buffer
		if err := write(&out); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(out.String(), "tok123") || !strings.Contains(out.String(), "token="+Mask) {
			t.Errorf("converted output does not mask the token:\n%s", out.String())
		}
	}
}
