package schema

import "testing"

// The user information of a rewrite URL is neither the host nor the port:
// "http://bob:pw@auth/" goes to host auth (RFC 3986 3.2: userinfo "@"
// host ":" port), not to a host called bob.
func TestTargetSkipsUserinfo(t *testing.T) {
	for url, want := range map[string]string{
		"http://web/{R:0}":                 "web",
		"http://bob:pw@auth/":              "auth",
		"http://bob@auth:8080/x":           "auth",
		"https://bob:p@ss:w@rd@auth?q=a@b": "auth",
		"http://bob:pw@[::1]:8080/":        "[::1]",
		"http://web/a@b":                   "web",
	} {
		r := &Rule{}
		r.Action.Type, r.Action.URL = "Rewrite", url
		if _, host, ok := r.Target(); !ok || host != want {
			t.Errorf("Target(%q) = %q, %v; want %q", url, host, ok, want)
		}
	}
	cfg := &Config{Farms: []*Farm{{Name: "auth"}}}
	r := &Rule{}
	r.Action.Type, r.Action.URL = "Rewrite", "http://bob:pw@AUTH/{R:0}"
	if f := r.TargetFarm(cfg); f == nil || f.Name != "auth" {
		t.Errorf("TargetFarm = %v, want farm auth", f)
	}
}
