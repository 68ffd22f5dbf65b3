package schema

import (
	"net"
	"strings"
)

// IsLoopback reports whether host names this machine: localhost or a
// loopback address (127.0.0.0/8, ::1), bracketed or not.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// SiteOnPort returns the site with a binding of scheme on port: the first
// whose host name is empty or host (ok true), else the first on that port
// whatever its host name (ok false, so the caller can say the host name
// differs), else nil.
func SiteOnPort(sites []*Site, scheme string, port int64, host string) (site *Site, binding *Binding, ok bool) {
	var first *Site
	var firstB *Binding
	for _, s := range sites {
		for _, b := range s.Bindings {
			bp, bh, ok := b.Port()
			if !ok || bp != port || !strings.EqualFold(b.Protocol, scheme) {
				continue
			}
			if bh == "" || strings.EqualFold(bh, host) {
				return s, b, true
			}
			if first == nil {
				first, firstB = s, b
			}
		}
	}
	return first, firstB, false
}

// LocalPool is the application pool that serves farm server s when s is
// a site of this same machine: a loopback address whose httpPort a site's
// http binding listens on. The site is returned with it; both are nil
// when s is another machine or no site listens there, and the pool is
// nil when the site's pool is not declared in this file.
func (c *Config) LocalPool(s *Server) (*Site, *ApplicationPool) {
	if !IsLoopback(s.Address) || s.ARR.Invalid("httpPort") {
		return nil, nil
	}
	return c.poolOnPort(s.ARR.HTTPPort)
}

// poolOnPort is the site of c with an http binding on port and its root
// application pool (nil when c does not declare it).
func (c *Config) poolOnPort(port int64) (*Site, *ApplicationPool) {
	site, _, _ := SiteOnPort(c.Sites, "http", port, "")
	if site == nil {
		return nil, nil
	}
	name, _ := site.RootPool(&c.SiteAppDefaults)
	return site, c.Pool(name)
}

// RemoteFor is the configuration file given for farm server s on another
// machine (--backend ADDRESS[:PORT]=PATH): address s's, port, when given,
// s's httpPort, one with a port preferred; nil when none was given.
func (c *Config) RemoteFor(s *Server) *RemoteBackend {
	var anyPort *RemoteBackend
	for _, b := range c.RemoteBackends {
		if !strings.EqualFold(b.Address, s.Address) {
			continue
		}
		switch {
		case b.Port != 0 && b.Port == s.ARR.HTTPPort:
			return b
		case b.Port == 0 && anyPort == nil:
			anyPort = b
		}
	}
	return anyPort
}

// RemotePool is LocalPool for a farm server on another machine whose
// applicationHost.config was given (RemoteFor, b): the site of that file
// with an http binding on s's httpPort and its pool, nil as LocalPool's
// are. QueueLength must then be asked of b.Config, whose
// applicationPoolDefaults apply to the pool. A web.config declares no
// sites: nil.
func (c *Config) RemotePool(s *Server) (b *RemoteBackend, site *Site, pool *ApplicationPool) {
	b = c.RemoteFor(s)
	if b == nil || b.Config == nil || s.ARR.Invalid("httpPort") {
		return b, nil, nil
	}
	site, pool = b.Config.poolOnPort(s.ARR.HTTPPort)
	return b, site, pool
}

// QueueLength is pool's http.sys queue length as IIS reads it: written on
// the pool, else in applicationPoolDefaults, else IIS's 1000. span is
// where it was written; written is false for IIS's default or a value the
// schema rejected (which IIS would refuse to load).
func (c *Config) QueueLength(pool *ApplicationPool) (n int64, span Span, written bool) {
	for _, p := range []*ApplicationPool{pool, &c.AppPoolDefaults} {
		if p.Has("queueLength") {
			if p.Invalid("queueLength") {
				return 1000, p.ValueSpan("queueLength"), false
			}
			return p.QueueLength, p.ValueSpan("queueLength"), true
		}
	}
	return 1000, Span{}, false
}
