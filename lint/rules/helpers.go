package rules

import (
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/arrfarm/arrfarm/schema"
)

// farmSpan is where a finding about a whole farm points: its name.
func farmSpan(f *schema.Farm) schema.Span { return f.ValueSpan("name") }

// attrSpan points at attribute name's value of e when it was written, else
// at e itself, else (e absent) at fallback.
func attrSpan(e *schema.Element, name string, fallback schema.Span) schema.Span {
	if e.Has(name) || e.Present {
		return e.ValueSpan(name)
	}
	return fallback
}

// farmDefined is the usual related position of a finding elsewhere.
func farmDefined(f *schema.Farm) []schema.Related {
	return []schema.Related{{Span: farmSpan(f), Message: "farm " + strconv.Quote(f.Name) + " defined here"}}
}

// hasURLTest reports whether the farm's servers are probed.
func hasURLTest(f *schema.Farm) bool { return strings.TrimSpace(f.HealthCheck.URL) != "" }

// hasLiveTest reports whether the farm sets a live-traffic test of its own
// (liveTrafficFailurePeriod above 0). Whether the default period 0 is off
// is in dispute: the schema's 0 reads as off (inferred), Microsoft's
// load-balancing walkthrough says live-traffic testing runs by default
// (srcLiveDefault). The rules that gate on this judge the settings a farm
// writes; those about a farm that writes none (no-health-check,
// affinity-without-health-check) say both readings.
func hasLiveTest(f *schema.Farm) bool { return f.HealthCheck.LiveTrafficFailurePeriod > 0 }

// dur prints a duration the short way people write it.
func dur(d time.Duration) string { return schema.FormatDuration(d) }

// urlHost splits an absolute URL into scheme, host and port ("" when none
// is written); user information ("bob:pw@") is neither. ok is false for relative URLs.
func urlHost(u string) (scheme, host, port string, ok bool) {
	i := strings.Index(u, "://")
	if i <= 0 {
		return "", "", "", false
	}
	scheme = strings.ToLower(u[:i])
	rest := schema.Authority(u[i+3:])
	if h, p, err := net.SplitHostPort(rest); err == nil {
		return scheme, h, p, h != ""
	}
	return scheme, strings.Trim(rest, "[]"), "", rest != ""
}

// isLoopback reports whether host names this machine.
func isLoopback(host string) bool { return schema.IsLoopback(host) }

// catchAll reports whether rule r matches every request: no conditions,
// not negated, a pattern that matches any URL.
func catchAll(r *schema.Rule) bool {
	if r.Match.Negate || len(r.Conditions.Items) > 0 {
		return false
	}
	p := strings.TrimSpace(r.Match.URL)
	switch r.PatternSyntax {
	case "Wildcard":
		return p == "*"
	case "ExactMatch":
		return false
	}
	switch p {
	case ".*", "^.*", ".*$", "^.*$", "(.*)", "^(.*)", "(.*)$", "^(.*)$":
		return true
	}
	return false
}

// proxyScheme reports whether a rewrite target's scheme (as Rule.Target
// gives it) proxies over HTTP: http, https, or a back-reference that
// yields one of them, as in {C:1}://backend/{R:1}, the target IIS
// Manager's reverse-proxy template writes (the condition on {CACHE_URL}
// captures the request's own scheme).
func proxyScheme(s string) bool {
	return s == "http" || s == "https" || variableScheme(s)
}

// variableScheme reports whether scheme is computed when the rule runs
// ({C:1}, http{C:1}): it may be http or https.
func variableScheme(s string) bool {
	i := strings.IndexByte(s, '{')
	return i >= 0 && strings.HasSuffix(s, "}") && strings.HasPrefix("https", s[:i])
}

// targetSchemes is the schemes a rewrite target may use: its own, or both
// http and https when the scheme is a back-reference.
func targetSchemes(s string) []string {
	if variableScheme(s) {
		return []string{"http", "https"}
	}
	return []string{s}
}

// backendSite finds the site that serves farm server s on scheme's port:
// for a loopback server the site of this machine bound to it (siteOnPort,
// with the binding and whether it answers host); for a server on another
// machine whose web.config was given (lint --backend), a site named after
// its location, with no binding, answering any host. nil when the
// backend's site is not among the files.
func backendSite(c *schema.Config, s *schema.Server, scheme string, port int64, host string) (*schema.Site, *schema.Binding, bool) {
	if isLoopback(s.Address) {
		return siteOnPort(c.Sites, scheme, port, host)
	}
	for _, b := range c.RemoteBackends {
		if strings.EqualFold(b.Address, s.Address) && (b.Port == 0 || b.Port == port) {
			return &schema.Site{Name: b.Location}, nil, true
		}
	}
	return nil, nil, false
}

// hasBackendSites reports whether c holds any backend site: a site of
// this machine, or a remote backend's web.config.
func hasBackendSites(c *schema.Config) bool { return len(c.Sites) > 0 || len(c.RemoteBackends) > 0 }
