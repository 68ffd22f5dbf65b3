package rules

import (
	"net"
	"slices"
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

// A backendScope is a backend site as the merged view places its
// settings. Its Name is the site's <location path> there: the site's
// name on this machine; for another machine, the location its --backend
// file stands under (schema.BackendLocation), followed by the site's name
// when the file is an applicationHost.config (a web.config is the site
// itself).
type backendScope struct {
	*schema.Site
	// root is the location of the site's server level: "" on this
	// machine; for another machine its file's location, where the file's
	// global sections stand (the ARR server's own do not reach it).
	root string
}

// backendSite finds the site that serves farm server s on scheme's port:
// for a loopback server the site of this machine bound to it (siteOnPort,
// with the binding and whether it answers host); for a server on another
// machine whose file was given (lint --backend), the site of its
// applicationHost.config bound to the port in the same way, else (a
// web.config, or no site on the port) the file's location, with no
// binding, answering any host. Site is nil when the backend's site is not
// among the files.
func backendSite(c *schema.Config, s *schema.Server, scheme string, port int64, host string) (backendScope, *schema.Binding, bool) {
	if isLoopback(s.Address) {
		site, b, ok := siteOnPort(c.Sites, scheme, port, host)
		return backendScope{Site: site}, b, ok
	}
	for _, b := range c.RemoteBackends {
		if !strings.EqualFold(b.Address, s.Address) || (b.Port != 0 && b.Port != port) {
			continue
		}
		if b.Config != nil {
			if site, bind, ok := siteOnPort(b.Config.Sites, scheme, port, host); site != nil {
				in := *site
				in.Name = b.Location + "/" + site.Name
				return backendScope{Site: &in, root: b.Location}, bind, ok
			}
		}
		return backendScope{Site: &schema.Site{Name: b.Location}, root: b.Location}, nil, true
	}
	return backendScope{}, nil, false
}

// covers reports whether a section at <location path="loc"> of the merged
// view applies at path of the site (its URL path, "" or "/" for the
// site's root), and how specific it is, as IIS layers them: 0 the server
// level, 1 the site, then one more per segment of an application or
// folder below it.
func (b backendScope) covers(loc, path string) (int, bool) {
	loc = strings.Trim(loc, "/")
	rest, below := cutPrefixFold(loc, b.Name+"/")
	switch {
	case strings.EqualFold(loc, b.Name):
		return 1, true
	case strings.EqualFold(loc, b.root):
		return 0, true
	case !below:
		return 0, false
	}
	if p := strings.Trim(path, "/"); underPath(p, rest) {
		return 2 + strings.Count(rest, "/"), true
	}
	return 0, false
}

// cutPrefixFold is strings.CutPrefix ignoring case, as IIS compares
// location paths.
func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

// underPath reports whether URL path p (no leading slash) is dir or below
// it.
func underPath(p, dir string) bool {
	rest, ok := cutPrefixFold(p, dir)
	return ok && (rest == "" || rest[0] == '/')
}

// inForce returns, of the elements all whose location covers path of
// site b, the most specific (the last written among equals, as IIS reads
// a later section over an earlier one) for which has reports true; nil
// when none does.
func inForce[T any](b backendScope, all []*T, loc func(*T) string, path string, has func(*T) bool) *T {
	var out *T
	depth := -1
	for _, x := range all {
		if d, ok := b.covers(loc(x), path); ok && d >= depth && has(x) {
			out, depth = x, d
		}
	}
	return out
}

// sitePaths are the URL paths of site at which the elements all (located
// by loc) may differ from the site root's: its root (""), then each
// application or folder a location names below it, in the order written,
// each once.
func sitePaths[T any](site backendScope, all []*T, loc func(*T) string) []string {
	out := []string{""}
	for _, x := range all {
		rest, ok := cutPrefixFold(strings.Trim(loc(x), "/"), site.Name+"/")
		if ok && rest != "" && !slices.ContainsFunc(out, func(p string) bool { return strings.EqualFold(p, rest) }) {
			out = append(out, rest)
		}
	}
	return out
}

// scopeName names path of site in a message: the site, or the path
// within it.
func scopeName(site backendScope, path string) string {
	if path == "" {
		return "site " + q(site.Name)
	}
	return "path /" + path + " of site " + q(site.Name)
}

// hasBackendSites reports whether c holds any backend site: a site of
// this machine, or a remote backend's web.config.
func hasBackendSites(c *schema.Config) bool { return len(c.Sites) > 0 || len(c.RemoteBackends) > 0 }
