package schema

import (
	"strings"
	"testing"
)

func TestMaskSecretParams(t *testing.T) {
	for in, want := range map[string]string{
		// Query strings, as cs-uri-query and a trace's url hold them.
		"user=bob&password=hunter2&x=1":    "user=bob&password=****&x=1",
		"/login?Password=hunter2":          "/login?Password=****",
		"a=1&access_token=eyJhbGciOi.x.y":  "a=1&access_token=****",
		"?api_key=K1&apikey=K2&api-key=K3": "?api_key=****&apikey=****&api-key=****",
		"sv=2021&sig=abc%2Bdef%3D&se=2024": "sv=2021&sig=****&se=2024",
		"client_secret=s3&pwd=p&passwd=q":  "client_secret=****&pwd=****&passwd=****",
		"password=two+words&next=1":        "password=****&next=1",
		// Matrix parameters in a cs-uri-stem.
		"/app;jsessionid=ABC123/page": "/app;jsessionid=****", // a value may hold "/"
		"PHPSESSID=abc;+x=1":          "PHPSESSID=****;+x=1",
		// Cookies as W3C logs write them (spaces as +).
		"ASP.NET_SessionId=abc;+.ASPXAUTH=F00D;+theme=dark": "ASP.NET_SessionId=****;+.ASPXAUTH=****;+theme=dark",
		// Quoted in a message.
		`sc-status "password=hunter2" is not a number`: `sc-status "password=****" is not a number`,
		// Not secrets: the name only contains a secret word's letters, or
		// the value is empty.
		"author=jane&monkey=1&keyboard=us": "author=jane&monkey=1&keyboard=us",
		"password=&x=1":                    "password=&x=1",
		"no parameters at all":             "no parameters at all",
		// --set assignments in error messages: the colon after the value
		// stays, a name after a control character or inside a value is
		// still a name.
		"--set web.adminPassword=s3: adminPassword is a secret": "--set web.adminPassword=****: adminPassword is a secret",
		"--set w\x1b[31meb.adminPassword=s3: x":                 "--set w\x1b[31meb.adminPassword=****: x",
		"scenario.latency.p50=password=s3: invalid":             "scenario.latency.p50=password=****: invalid",
		"x.key=k1 x.monkey=m x.sig=s":                           "x.key=**** x.monkey=m x.sig=****",
	} {
		if got := MaskSecrets(in); got != want {
			t.Errorf("MaskSecrets(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestMaskHasFixedLength: the mask says nothing about the secret's length.
func TestParamMaskHasFixedLength(t *testing.T) {
	short, long := MaskSecrets("password=a"), MaskSecrets("password="+strings.Repeat("x", 300))
	if short != long || short != "password="+Mask {
		t.Errorf("masks differ: %q, %q", short, long)
	}
}

func TestPrintableMasksLogText(t *testing.T) {
	in := "GET http://bob:hunter2@backend/x?token=T0K&v=1 [enc:AesProvider:c2VjcmV0:enc] \x1b[2J\u009b"
	got := Printable(in)
	for _, secret := range []string{"hunter2", "T0K", "c2VjcmV0", "\x1b", "\u009b"} {
		if strings.Contains(got, secret) {
			t.Errorf("Printable(%q) = %q still holds %q", in, got, secret)
		}
	}
	for _, kept := range []string{"backend/x", "token=****", "v=1", `\x1b[2J`} {
		if !strings.Contains(got, kept) {
			t.Errorf("Printable(%q) = %q lost %q", in, got, kept)
		}
	}
}

// FuzzMaskSecrets: MaskSecrets never panics, masking twice changes
// nothing, and the value of a password parameter never survives, whatever
// stands before it. testdata/fuzz holds the inputs it failed on.
func FuzzMaskSecrets(f *testing.F) {
	for _, s := range []string{"user=bob&password=hunter2&x=1", "ASP.NET_SessionId=abc;+.ASPXAUTH=F00D", "a=b=c", "==", "x.sig=s:",
		"w\x1b[31meb.adminPassword=s3: x", "/app;jsessionid=ABC/page"} {
		f.Add(s, "v4lue")
	}
	f.Fuzz(func(t *testing.T, s, v string) {
		once := MaskSecrets(s)
		if twice := MaskSecrets(once); twice != once {
			t.Fatalf("MaskSecrets(%q) = %q, again %q", s, once, twice)
		}
		if paramValueLen([]byte(v)) != len(v) || len(v) < 3 || strings.Contains(v, "*") {
			return // v would end early, is too short to stand out, or could be read in a mask
		}
		// What comes before the parameter may be masked too (a
		// user:password@ it completes), so the test counts: the value
		// appears no more often than in the text without it.
		base := s + "&password="
		in := base + v
		if got := MaskSecrets(in); strings.Count(got, v) > strings.Count(base, v) {
			t.Fatalf("MaskSecrets(%q) = %q keeps %q", in, got, v)
		}
	})
}

// BenchmarkMaskSecretsHostile: a 1 MiB field of "=" and of password
// parameters (a log line can be that long); masking must stay linear.
func BenchmarkMaskSecretsHostile(b *testing.B) {
	for name, s := range map[string]string{
		"equals":    strings.Repeat("=", 1<<20),
		"passwords": strings.Repeat("password=", 1<<20/9),
		"names":     strings.Repeat("a", 1<<20) + "=x",
	} {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(s)))
			for b.Loop() {
				MaskSecrets(s)
			}
		})
	}
}
