package rules

import "testing"

// urlHost leaves user information out: "bob" is not the host and the
// password is not the port (RFC 3986 3.2: userinfo "@" host ":" port).
func TestURLHostSkipsUserinfo(t *testing.T) {
	for url, want := range map[string][2]string{
		"http://web/health":             {"web", ""},
		"http://bob:pw@auth/":           {"auth", ""},
		"https://bob:pw@auth:8443/x@y":  {"auth", "8443"},
		"http://bob:pw@[::1]:8080/":     {"::1", "8080"},
		"http://bob@web/health?u=a@b.c": {"web", ""},
	} {
		_, host, port, ok := urlHost(url)
		if !ok || [2]string{host, port} != want {
			t.Errorf("urlHost(%q) = %q, %q, %v; want %q", url, host, port, ok, want)
		}
	}
}
