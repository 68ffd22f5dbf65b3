package schema

import "strings"

// Format is the syntax a configuration was read from.
type Format int

// Formats.
const (
	XML Format = iota
	YAML
)

func (f Format) String() string {
	if f == YAML {
		return "yaml"
	}
	return "xml"
}

// Kind is what sort of IIS file a configuration came from; it decides which
// sections are allowed where.
type Kind int

// Kinds of configuration file.
const (
	// AppHost is applicationHost.config (also the YAML form and XDT
	// transforms of applicationHost.config).
	AppHost Kind = iota
	// WebConfig is a site's or application's web.config, where the
	// AppHostOnly sections (webFarms, proxy, globalRules) are not allowed.
	WebConfig
)

func (k Kind) String() string {
	if k == WebConfig {
		return "web.config"
	}
	return "applicationHost.config"
}

// Authority is the host and port of what follows a URL's "scheme://":
// up to the path, query or fragment, without user information
// ("bob:pw@web:8080/x" gives "web:8080"; the user name is not the host,
// and the password must not show as a port).
func Authority(rest string) string {
	if j := strings.IndexAny(rest, "/?#"); j >= 0 {
		rest = rest[:j]
	}
	if j := strings.LastIndexByte(rest, '@'); j >= 0 {
		rest = rest[j+1:]
	}
	return rest
}

// Target splits the rule's rewrite URL into scheme and host, e.g.
// "http://web/{R:0}" gives ("http", "web"), and so does
// "http://bob:pw@web/{R:0}". ok is false when the action is
// not a Rewrite to an absolute URL (a local rewrite, a redirect, none).
// A port, if any, stays out of host.
func (r *Rule) Target() (scheme, host string, ok bool) {
	if r.Action.Type != "Rewrite" {
		return "", "", false
	}
	u := r.Action.URL
	i := strings.Index(u, "://")
	if i <= 0 {
		return "", "", false
	}
	scheme = strings.ToLower(u[:i])
	rest := Authority(u[i+3:])
	if j := strings.LastIndexByte(rest, ':'); j >= 0 && !strings.Contains(rest[j:], "]") {
		rest = rest[:j]
	}
	return scheme, rest, rest != ""
}

// TargetFarm returns the farm the rule routes to: an enabled-or-not farm of
// cfg whose name is the rewrite URL's host (ARR compares farm names
// case-insensitively, as host names are), or nil.
func (r *Rule) TargetFarm(cfg *Config) *Farm {
	_, host, ok := r.Target()
	if !ok {
		return nil
	}
	for _, f := range cfg.Farms {
		if strings.EqualFold(f.Name, host) {
			return f
		}
	}
	return nil
}
