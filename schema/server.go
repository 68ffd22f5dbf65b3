package schema

import (
	"path/filepath"
	"strings"
)

// IIS reads one server's configuration from several files:
// applicationHost.config, then each site's web.config, whose sections
// apply as a <location path="site"> of applicationHost.config would. A farm
// lives in applicationHost.config while the rule that routes to it, or the
// server variable it sets, may live in a site's web.config. MergeServer
// builds that one view so that the rules relating farms to rewrite rules
// see both sides; every element keeps its own file's positions.

// A SiteFile is a site's (or application's) web.config and the
// <location path> it stands for: the site name, then the application's
// path below the site.
type SiteFile struct {
	Doc      *Document
	Location string
}

// IsAppHostFile reports whether name is the file IIS reads first,
// applicationHost.config (any case), the only file that can tie
// web.configs to one server.
func IsAppHostFile(name string) bool {
	return strings.EqualFold(filepath.Base(name), "applicationHost.config")
}

// SiteLocation is the <location path> a web.config at path stands for.
// IIS knows which site's folder holds the file; arrfarm knows only the
// path, so it looks for a folder named after one of applicationHost's
// sites (sites/api/v1/web.config with a site "api" is "api/v1") and
// otherwise takes the web.config's folder name for the site.
func SiteLocation(path string, sites []*Site) string {
	dir := filepath.Dir(filepath.Clean(path))
	var parts []string
	for _, p := range strings.Split(filepath.ToSlash(dir), "/") {
		if p != "" && p != "." {
			parts = append(parts, p)
		}
	}
	for i := len(parts) - 1; i >= 0; i-- {
		for _, s := range sites {
			if strings.EqualFold(parts[i], s.Name) {
				return strings.Join(append([]string{s.Name}, parts[i+1:]...), "/")
			}
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return parts[len(parts)-1]
}

// joinLocation nests a <location path> written inside a web.config under
// the web.config's own location.
// appendAt appends copies of a site file's sections to dst, each moved
// under the site's location, so that the merged view says where IIS
// applies it.
func appendAt[T any](dst, src []*T, site string, loc func(*T) *string) []*T {
	for _, x := range src {
		c := *x
		l := loc(&c)
		*l = joinLocation(site, *l)
		dst = append(dst, &c)
	}
	return dst
}

func joinLocation(outer, inner string) string {
	inner = strings.Trim(inner, "/")
	switch {
	case outer == "":
		return inner
	case inner == "":
		return outer
	}
	return outer + "/" + inner
}

// MergeServer returns the document IIS would read for one server:
// appHost's configuration with the site rules, outbound rules, ASP.NET
// and ASP.NET Core settings, request limits, compression and authentication of each site's web.config added under
// the site's location. The sections a web.config may not hold (farms, the
// proxy, global rules, the allowed server variables) come from appHost
// only; their presence in a web.config is reported on that file. Loader
// findings, suppressions and dropped elements are the files' own, so that
// a suppression in a web.config silences a finding the merged view makes
// there. appHost.Config must not be nil; a site whose file could not be
// parsed contributes its findings only.
func MergeServer(appHost *Document, sites []SiteFile) *Document {
	cfg := *appHost.Config
	cfg.Rules = append([]*Rule(nil), appHost.Config.Rules...)
	cfg.AspNetCore = append([]*AspNetCore(nil), appHost.Config.AspNetCore...)
	cfg.Auth = append([]*Authentication(nil), appHost.Config.Auth...)
	cfg.ASPNET = append([]*ASPNET(nil), appHost.Config.ASPNET...)
	cfg.RequestLimits = append([]*RequestLimits(nil), appHost.Config.RequestLimits...)
	cfg.URLCompression = append([]*URLCompression(nil), appHost.Config.URLCompression...)
	cfg.OutboundRules = append([]*OutboundRule(nil), appHost.Config.OutboundRules...)
	merged := &Document{
		Config:       &cfg,
		Lines:        appHost.Lines,
		Findings:     append([]Finding(nil), appHost.Findings...),
		Suppressions: append([]Suppression(nil), appHost.Suppressions...),
		Dropped:      append([]Dropped(nil), appHost.Dropped...),
	}
	for _, s := range sites {
		merged.Findings = append(merged.Findings, s.Doc.Findings...)
		merged.Suppressions = append(merged.Suppressions, s.Doc.Suppressions...)
		merged.Dropped = append(merged.Dropped, s.Doc.Dropped...)
		sc := s.Doc.Config
		if sc == nil {
			continue
		}
		for _, r := range sc.Rules {
			if r.Scope != SiteRule {
				continue // globalRules in a web.config: misplaced-element says so
			}
			c := *r
			c.Location = joinLocation(s.Location, r.Location)
			cfg.Rules = append(cfg.Rules, &c)
		}
		cfg.AspNetCore = appendAt(cfg.AspNetCore, sc.AspNetCore, s.Location, func(a *AspNetCore) *string { return &a.Location })
		cfg.Auth = appendAt(cfg.Auth, sc.Auth, s.Location, func(a *Authentication) *string { return &a.Location })
		cfg.ASPNET = appendAt(cfg.ASPNET, sc.ASPNET, s.Location, func(a *ASPNET) *string { return &a.Location })
		cfg.RequestLimits = appendAt(cfg.RequestLimits, sc.RequestLimits, s.Location, func(l *RequestLimits) *string { return &l.Location })
		cfg.URLCompression = appendAt(cfg.URLCompression, sc.URLCompression, s.Location, func(u *URLCompression) *string { return &u.Location })
		cfg.OutboundRules = append(cfg.OutboundRules, sc.OutboundRules...)
	}
	return merged
}
