package schema

import (
	"path/filepath"
	"slices"
	"strconv"
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

// unlocked returns the findings of site file s without the locked-section
// findings that applicationHost.config's unlocks answer: a
// <section overrideModeDefault="Allow"> declaration (every path), or a
// <location overrideMode="Allow"> (or allowOverride="true") holding the
// section at the site's path or above it. It also returns the sections
// unlocked for the file.
func unlocked(s SiteFile, unlocks []SectionLock) ([]Finding, map[string]bool) {
	if len(unlocks) == 0 || s.Doc.Config == nil || len(s.Doc.Config.LockedSections) == 0 {
		return s.Doc.Findings, nil
	}
	open := map[Span]bool{}
	sections := map[string]bool{}
	for _, l := range s.Doc.Config.LockedSections {
		at := strings.ToLower(joinLocation(s.Location, l.Location))
		for _, u := range unlocks {
			under := strings.ToLower(strings.Trim(u.Location, "/"))
			if u.Section == l.Section && (under == "" || under == "." || at == under || strings.HasPrefix(at, under+"/")) {
				open[l.Span] = true
				sections[l.Section] = true
			}
		}
	}
	out := make([]Finding, 0, len(s.Doc.Findings))
	for _, f := range s.Doc.Findings {
		if f.Rule == RuleLockedSection && open[f.Span] {
			continue
		}
		out = append(out, f)
	}
	return out, sections
}

const allowedVarsSection = "system.webServer/rewrite/allowedServerVariables"

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
		fs, open := unlocked(s, appHost.Config.SectionUnlocks)
		merged.Findings = append(merged.Findings, fs...)
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
		if open[allowedVarsSection] && sc.AllowedServerVariablesPresent {
			// Unlocked, the site's list counts as IIS reads it. The model
			// keeps one list per server, as it does for applicationHost's
			// <location> lists: the names count for every site.
			cfg.AllowedServerVariables = append(slices.Clip(cfg.AllowedServerVariables), sc.AllowedServerVariables...)
			cfg.AllowedServerVariablesPresent = true
		}
	}
	return merged
}

// A BackendFile is the configuration file (a web.config, or its
// applicationHost.config) of a farm server on another machine:
// the server's Address as the farm names it, with Port when only that
// port's site is meant (0: any).
type BackendFile struct {
	Address string
	Port    int64
	Doc     *Document
	// Host, for a web.config given with the applicationHost.config of
	// its machine (lint.WithBackends pairs them), is that file, and Site
	// the name of the site there whose root the web.config is: its
	// sections stand below that site's location, as IIS reads a site's
	// web.config below applicationHost.config, and it is no
	// RemoteBackend of its own (the applicationHost.config is).
	Host *BackendFile
	Site string
}

// BackendLocation is the <location path> a backend file's sections stand
// under in the merged view: the server's address (and port).
func BackendLocation(b BackendFile) string {
	if b.Port != 0 {
		return b.Address + ":" + strconv.FormatInt(b.Port, 10)
	}
	return b.Address
}

// MergeBackends returns doc with the configuration files of remote farm
// servers added, as MergeServer adds a site's web.config: their ASP.NET and ASP.NET Core
// settings, request limits, compression and authentication under the
// backend's location (BackendLocation; a web.config paired with its
// machine's applicationHost.config, under that file's location and the
// site's name), each keeping its file's spans, and the files' findings
// and suppressions. Their rewrite rules are not added: they run on the
// backend, not on the ARR server; nor are the sites and pools of a
// backend's applicationHost.config, which stay in RemoteBackend.Config.
// An applicationHost.config must come before the web.configs paired with
// it, so that a site's web.config is read after the file's <location>
// for the site, as IIS reads it. doc.Config must not be nil.
func MergeBackends(doc *Document, backends []BackendFile) *Document {
	cfg := *doc.Config
	cfg.AspNetCore = slices.Clip(cfg.AspNetCore)
	cfg.Auth = slices.Clip(cfg.Auth)
	cfg.ASPNET = slices.Clip(cfg.ASPNET)
	cfg.RequestLimits = slices.Clip(cfg.RequestLimits)
	cfg.URLCompression = slices.Clip(cfg.URLCompression)
	cfg.RemoteBackends = slices.Clip(cfg.RemoteBackends)
	merged := &Document{
		Config:       &cfg,
		Lines:        doc.Lines,
		Findings:     slices.Clip(doc.Findings),
		Suppressions: slices.Clip(doc.Suppressions),
		Dropped:      slices.Clip(doc.Dropped),
	}
	for _, b := range backends {
		loc, findings := BackendLocation(b), b.Doc.Findings
		if b.Host != nil && b.Host.Doc.Config != nil {
			// A site's web.config below its machine's
			// applicationHost.config: the sections that file unlocks
			// for the site are no locked-section finding.
			loc = joinLocation(BackendLocation(*b.Host), b.Site)
			findings, _ = unlocked(SiteFile{Doc: b.Doc, Location: b.Site}, b.Host.Doc.Config.SectionUnlocks)
		}
		merged.Findings = append(merged.Findings, findings...)
		merged.Suppressions = append(merged.Suppressions, b.Doc.Suppressions...)
		merged.Dropped = append(merged.Dropped, b.Doc.Dropped...)
		bc := b.Doc.Config
		if bc == nil {
			continue
		}
		if b.Host == nil {
			cfg.RemoteBackends = append(cfg.RemoteBackends, &RemoteBackend{Address: b.Address, Port: b.Port, Location: loc, File: b.Doc.Lines.File(), Config: bc})
		}
		cfg.AspNetCore = appendAt(cfg.AspNetCore, bc.AspNetCore, loc, func(a *AspNetCore) *string { return &a.Location })
		cfg.Auth = appendAt(cfg.Auth, bc.Auth, loc, func(a *Authentication) *string { return &a.Location })
		cfg.ASPNET = appendAt(cfg.ASPNET, bc.ASPNET, loc, func(a *ASPNET) *string { return &a.Location })
		cfg.RequestLimits = appendAt(cfg.RequestLimits, bc.RequestLimits, loc, func(l *RequestLimits) *string { return &l.Location })
		cfg.URLCompression = appendAt(cfg.URLCompression, bc.URLCompression, loc, func(u *URLCompression) *string { return &u.Location })
	}
	return merged
}
