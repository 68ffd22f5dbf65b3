package rules

import (
	"strconv"
	"strings"

	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

// RequestLimitBelowBackend reports an ARR site whose request size limit is
// below that of a backend site it proxies to.
var RequestLimitBelowBackend = &lint.Rule{
	ID:       "ARR5010",
	Slug:     "request-limit-below-backend",
	Title:    "the ARR site refuses request bodies a backend accepts",
	Severity: lint.Warning,
	Doc: lint.Doc{
		Why: "IIS request filtering refuses a request whose body is larger than " +
			"`security/requestFiltering/requestLimits/@maxAllowedContentLength` (30000000 bytes, about 28.6 MB, by " +
			"default) before any rewrite rule runs. The ARR site applies its own limit: when a backend site was " +
			"given a larger one (for uploads) and the ARR site kept a smaller one, the uploads the backend was " +
			"set up for are refused at the proxy (404.13) and never reach it. arrfarm sees this when the backend " +
			"is a site of this machine (a farm server on a loopback address, or a rewrite to `localhost`, the " +
			"site found by its port) whose limit is in the files, in a `location` of applicationHost.config or " +
			"the site's web.config linted with it; or a farm server on another machine whose web.config or " +
			"applicationHost.config is given (`lint --backend ADDRESS=PATH`) and writes the limit (its server level " +
			"may be in no file given). The ARR site is the site of the proxying rule (for global " +
			"rules, the other sites that answer HTTP). Each side's limit is read as IIS layers the levels (the " +
			"server's, the site's `location`, then an application's or folder's `location` below it) and compared " +
			"per path the rule proxies: the ARR site's limit for a URL with the backend's for the path the rule " +
			"sends it to, so an application of the backend that accepts more is found, and one outside the paths " +
			"the rule routes is not. The paths are read from a rule that matches a literal prefix and any rest " +
			"(`^files/(.*)`, Wildcard `files/*`, or every URL) and rewrites to a literal path followed by `{R:0}` " +
			"or `{R:1}`; for a rule of another form, the sites' roots are compared.",
		Fix: "Raise `maxAllowedContentLength` of the ARR site (or the server level) to at least the backend's, or " +
			"lower the backend's to what the proxy lets through.",
		Bad: requestLimitExample(""),
		Good: requestLimitExample(`<location path="Default Web Site">
  <system.webServer>
    <security>
      <requestFiltering>
        <requestLimits maxAllowedContentLength="1073741824" />
      </requestFiltering>
    </security>
  </system.webServer>
</location>
`),
	},
	Evidence: evidence(
		lint.Source{Kind: lint.FromDocs, Ref: "Microsoft IIS configuration reference, requestFiltering/requestLimits: maxAllowedContentLength is the largest request body in bytes, default 30000000 (about 28.6 MB); a request over a limit is refused with a 404 substatus (404.13 for content length)"},
		inferred("the proxying site's request filtering runs before its rewrite rules, so its limit applies to proxied requests; the backend site is found through the loopback port and the site's bindings")),
	Check: func(p *lint.Pass) {
		c := p.Config
		if len(c.RequestLimits) == 0 || len(c.Sites) == 0 {
			return
		}
		// One finding per ARR site, backend site and pair of limits.
		type pair struct {
			front  *schema.Site
			back   string
			fl, bl *schema.RequestLimits
		}
		seen := map[pair]bool{}
		for _, l := range loopbackRoutes(p) {
			for _, front := range frontSites(c, l.rule, l.back.Site) {
				fs := backendScope{Site: front}
				for _, pt := range routedPoints(c.RequestLimits, l.rule, fs, l.back) {
					back := requestLimit(c.RequestLimits, l.back, pt.back)
					if back.at == nil && l.back.root != "" {
						// Another machine's server level may be in no file
						// given: only a limit its files write says it
						// accepts more.
						continue
					}
					fl := requestLimit(c.RequestLimits, fs, pt.front)
					if back.value <= fl.value || back.invalid || fl.invalid {
						continue
					}
					k := pair{front, l.back.Name, fl.at, back.at}
					if seen[k] {
						continue
					}
					seen[k] = true
					backName := scopeName(l.back, pt.back)
					span := back.span(l.rule)
					related := []schema.Related{{Span: l.rule.Action.ValueSpan("url"), Message: "rule " + q(l.rule.Name) + " proxies to site " + q(l.back.Name) + " here"}}
					if fl.at != nil {
						span = fl.at.ValueSpan("maxAllowedContentLength")
						if back.at != nil {
							related = append(related, schema.Related{Span: back.at.ValueSpan("maxAllowedContentLength"), Message: backName + " accepts " + bytesText(back.value) + " here"})
						}
					}
					p.Report(schema.Finding{Span: span, Farm: l.farm, Related: related,
						Message: scopeName(fs, pt.front) + " refuses request bodies over " + bytesText(fl.value) + fl.origin() + ", but its rule " + q(l.rule.Name) +
							" proxies to " + backName + ", which accepts " + bytesText(back.value) + ": larger uploads are refused at the proxy (404.13) and never reach the backend"})
				}
			}
		}
	},
}

// A routedPoint is a URL path of the ARR site (front) and the path of
// the backend site rule r proxies it to (back), each without slashes at
// its ends, "" for the site's root.
type routedPoint struct{ front, back string }

// routedPoints are the pairs of paths at which the request limits of the
// ARR site and of the backend site rule r proxies to are compared: the
// limits in force at a URL change only at a path a <location> of either
// names, so the pairs are where the rule's routed paths begin (routedPath)
// and each path of either site below it (sitePaths), taken to the other
// side, in that order. A path the rule does not route (an application
// outside its prefix) is none of them. When the rule's mapping is of
// another form, the sites' roots only.
func routedPoints(all []*schema.RequestLimits, r *schema.Rule, front, back backendScope) []routedPoint {
	f, b, ok := routedPath(r)
	if !ok {
		return []routedPoint{{"", ""}}
	}
	out := []routedPoint{{f, b}}
	loc := func(l *schema.RequestLimits) string { return l.Location }
	for _, p := range sitePaths(back, all, loc)[1:] {
		if rest, ok := belowDir(p, b); ok {
			out = append(out, routedPoint{joinPath(f, rest), p})
		}
	}
	for _, p := range sitePaths(front, all, loc)[1:] {
		if rest, ok := belowDir(p, f); ok {
			out = append(out, routedPoint{p, joinPath(b, rest)})
		}
	}
	return out
}

// routedPath is how rule r carries the ARR site's URL paths to the
// backend: the paths at or below directory front (of the site; for a
// rule of an application's web.config, below the application's path)
// go to the same rest below directory back. It reads a match of a
// literal prefix followed by the rest ("^files/(.*)", Wildcard
// "files/*", or one that matches every URL) and an action URL whose path
// is a literal prefix followed by {R:0} (the whole matched path) or
// {R:1} (the rest): "^files/(.*)" to "http://web/{R:1}" sends files/X to
// X. ok is false for other forms (a negated match, conditions' back
// references, a path rewritten in the middle).
func routedPath(r *schema.Rule) (front, back string, ok bool) {
	if r.Match.Negate {
		return "", "", false
	}
	prefix, group, ok := matchPrefix(r.PatternSyntax, strings.TrimSpace(r.Match.URL))
	if !ok {
		return "", "", false
	}
	_, rest, _ := strings.Cut(r.Action.URL, "://")
	i := strings.IndexByte(rest, '/')
	if i < 0 {
		return "", "", false
	}
	path := rest[i+1:]
	if j := strings.IndexByte(path, '?'); j >= 0 {
		path = path[:j]
	}
	to, ref, ok := strings.Cut(path, "{")
	if !ok || !literalDir(to) {
		return "", "", false
	}
	switch {
	case strings.EqualFold(ref, "R:0}"):
		back = to + prefix
	case strings.EqualFold(ref, "R:1}") && group:
		back = to
	default:
		return "", "", false
	}
	if r.Scope == schema.SiteRule {
		_, app, _ := strings.Cut(strings.Trim(r.Location, "/"), "/")
		prefix = joinPath(app, prefix)
	}
	return strings.Trim(prefix, "/"), strings.Trim(back, "/"), true
}

// matchPrefix reads a rule's match pattern as a literal directory prefix
// (a run of path characters ending in "/", or none) followed by any
// rest; group reports whether the rest is captured as {R:1}.
func matchPrefix(syntax, p string) (prefix string, group, ok bool) {
	switch syntax {
	case "Wildcard":
		prefix, ok = strings.CutSuffix(p, "*")
		return prefix, true, ok && literalDir(prefix)
	case "ExactMatch":
		return "", false, false
	}
	p = strings.TrimSuffix(p, "$")
	start := strings.HasPrefix(p, "^")
	p = strings.TrimPrefix(p, "^")
	switch {
	case strings.HasSuffix(p, "(.*)"):
		prefix, group = strings.TrimSuffix(p, "(.*)"), true
	case strings.HasSuffix(p, ".*"):
		prefix = strings.TrimSuffix(p, ".*")
	default:
		return "", false, false
	}
	// Without ^ a prefix may match anywhere in the path.
	return prefix, group, literalDir(prefix) && (start || prefix == "")
}

// literalDir reports whether s is a literal URL directory: empty, or path
// characters that are no regular expression or wildcard operator, ending
// in "/".
func literalDir(s string) bool {
	if s == "" {
		return true
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '/' || c == '_' || c == '-') {
			return false
		}
	}
	return strings.HasSuffix(s, "/")
}

// belowDir is path p relative to directory dir when p is dir or below it.
func belowDir(p, dir string) (string, bool) {
	if dir == "" {
		return p, true
	}
	if !underPath(p, dir) {
		return "", false
	}
	return strings.Trim(p[len(dir):], "/"), true
}

// joinPath joins two URL paths without slashes at their ends.
func joinPath(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "/" + b
}

// loopbackRoute is a proxying rule whose target is a site of this
// machine.
type loopbackRoute struct {
	rule *schema.Rule
	farm string // the farm routed through, "" for a plain rewrite
	back backendScope
}

// loopbackRoutes lists the enabled proxying rules and the sites of this
// machine they reach: a farm's loopback servers by their port for the
// rule's scheme, or a rewrite to a loopback URL by its port.
func loopbackRoutes(p *lint.Pass) []loopbackRoute {
	var out []loopbackRoute
	for _, r := range p.Config.Rules {
		scheme, host, ok := r.Target()
		if !r.Enabled || !ok || (scheme != "http" && scheme != "https") {
			continue
		}
		if f := p.TargetFarm(r); f != nil {
			if !f.Enabled {
				continue
			}
			for _, s := range p.EnabledServers(f) {
				port := s.ARR.HTTPPort
				if scheme == "https" {
					port = s.ARR.HTTPSPort
				}
				if s.Unknown("port") {
					continue
				}
				if site, _, _ := backendSite(p.Config, s, scheme, port, ""); site.Site != nil {
					out = append(out, loopbackRoute{r, f.Name, site})
				}
			}
			continue
		}
		_, h, portText, ok := urlHost(r.Action.URL)
		if !ok || !isLoopback(h) || !isLoopback(host) {
			continue
		}
		port := int64(80)
		if scheme == "https" {
			port = 443
		}
		if portText != "" {
			n, err := strconv.ParseInt(portText, 10, 64)
			if err != nil {
				continue
			}
			port = n
		}
		if site, _, _ := siteOnPort(p.Config.Sites, scheme, port, ""); site != nil {
			out = append(out, loopbackRoute{rule: r, back: backendScope{Site: site}})
		}
	}
	return out
}

// frontSites are the sites whose requests rule r proxies: its own site
// for a site rule, else every site other than back with an HTTP(S)
// binding whose requests the rule's conditions do not leave out (a
// global rule limited to {SERVER_PORT} 80 proxies for the port-80 site
// only).
func frontSites(c *schema.Config, r *schema.Rule, back *schema.Site) []*schema.Site {
	var out []*schema.Site
	if r.Scope == schema.SiteRule {
		site, _, _ := strings.Cut(strings.Trim(r.Location, "/"), "/")
		for _, s := range c.Sites {
			if strings.EqualFold(s.Name, site) && s != back {
				out = append(out, s)
			}
		}
		return out
	}
	for _, s := range c.Sites {
		if s != back && reachesSite(r, s) {
			out = append(out, s)
		}
	}
	return out
}

// reachesSite reports whether global rule r can match a request to one of
// site s's HTTP(S) bindings.
func reachesSite(r *schema.Rule, s *schema.Site) bool {
	for _, b := range s.Bindings {
		scheme := strings.ToLower(b.Protocol)
		port, host, ok := b.Port()
		if !ok || (scheme != "http" && scheme != "https") {
			continue
		}
		if !excludesBackend(r, backendRequest{scheme: scheme, port: port, host: host, preserveHost: host == ""}) {
			return true
		}
	}
	return false
}

// limit is a site's request size limit in force and where it was set.
type limit struct {
	value   int64
	at      *schema.RequestLimits // nil: IIS's default
	invalid bool
}

func (l limit) origin() string {
	if l.at == nil {
		return " (IIS's default)"
	}
	if l.at.Location == "" {
		return " (the server level's limit)"
	}
	return ""
}

// span is where a finding about l points: its value, else the rule.
func (l limit) span(r *schema.Rule) schema.Span {
	if l.at != nil {
		return l.at.ValueSpan("maxAllowedContentLength")
	}
	return r.Action.ValueSpan("url")
}

// requestLimit is the maxAllowedContentLength in force at path of site
// ("" its root): the most specific level's that writes it
// (backendScope.covers), else 30000000.
func requestLimit(all []*schema.RequestLimits, site backendScope, path string) limit {
	l := inForce(site, all, func(l *schema.RequestLimits) string { return l.Location }, path,
		func(l *schema.RequestLimits) bool { return l.Has("maxAllowedContentLength") })
	if l == nil {
		return limit{value: defaultMaxContent}
	}
	return limit{l.MaxAllowedContentLength, l, l.Invalid("maxAllowedContentLength")}
}

// defaultMaxContent is requestLimits/@maxAllowedContentLength's IIS
// default.
const defaultMaxContent = 30000000

// bytesText prints a byte count with its size in MB or GB.
func bytesText(n int64) string {
	s := strconv.FormatInt(n, 10) + " bytes"
	switch {
	case n >= 1<<30:
		return s + " (" + strconv.FormatFloat(float64(n)/(1<<30), 'f', 1, 64) + " GB)"
	case n >= 1<<20:
		return s + " (" + strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB)"
	}
	return s
}

// requestLimitExample is an applicationHost.config whose Default Web Site
// proxies /files/ to the files site on port 8081, which accepts 1 GB;
// extra is added before the end (a location for the ARR site).
func requestLimitExample(extra string) string {
	return `<configuration>
  <system.applicationHost>
    <sites>
      <site name="Default Web Site" id="1">
        <bindings>
          <binding protocol="http" bindingInformation="*:80:" />
        </bindings>
      </site>
      <site name="files" id="2">
        <bindings>
          <binding protocol="http" bindingInformation="*:8081:" />
        </bindings>
      </site>
    </sites>
  </system.applicationHost>
  <system.webServer>
    <proxy enabled="true" />
  </system.webServer>
  <location path="Default Web Site">
    <system.webServer>
      <rewrite>
        <rules>
          <rule name="Reverse Proxy to files" stopProcessing="true">
            <match url="^files/(.*)" />
            <action type="Rewrite" url="http://localhost:8081/{R:1}" />
          </rule>
        </rules>
      </rewrite>
    </system.webServer>
  </location>
  <location path="files">
    <system.webServer>
      <security>
        <requestFiltering>
          <requestLimits maxAllowedContentLength="1073741824" />
        </requestFiltering>
      </security>
    </system.webServer>
  </location>
` + indent(extra, "  ") + `</configuration>
`
}
