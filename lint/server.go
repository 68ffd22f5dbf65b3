package lint

import (
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/arrfarm/arrfarm/schema"
)

// A Server is the files of one run that IIS reads as one server's
// configuration, and the merged view the rules see.
type Server struct {
	// Files are applicationHost.config first, then the web.configs in
	// argument order.
	Files []string
	Doc   *schema.Document
}

// GroupServers ties the documents of one lint run into servers, as IIS
// reads them: an applicationHost.config (by name) and the web.configs
// that belong to it make one server (schema.MergeServer), each web.config
// standing for the site its folder names (schema.SiteLocation). With one
// applicationHost.config every web.config of the run belongs to it; with
// several, each web.config belongs to the one whose folder holds it most
// closely (config/web1/applicationHost.config and
// config/web1/sites/api/web.config), as a tree of several servers' files
// is laid out, and a web.config below none of their folders is linted
// alone, with a note that says so. The other documents are linted alone.
func GroupServers(docs []*schema.Document) (servers []Server, alone []*schema.Document, notes []string) {
	var appHosts, webs []*schema.Document
	for _, d := range docs {
		switch {
		case d.Config == nil:
		case schema.IsAppHostFile(d.Lines.File()):
			appHosts = append(appHosts, d)
		case d.Config.Kind == schema.WebConfig:
			webs = append(webs, d)
		}
	}
	if len(webs) == 0 || len(appHosts) == 0 {
		return nil, docs, nil
	}
	owned := map[*schema.Document][]*schema.Document{}
	var unowned []string
	for _, w := range webs {
		if app := owner(w, appHosts); app != nil {
			owned[app] = append(owned[app], w)
			continue
		}
		unowned = append(unowned, w.Lines.File())
	}
	if len(unowned) > 0 {
		names := make([]string, len(appHosts))
		for i, d := range appHosts {
			names[i] = d.Lines.File()
		}
		notes = append(notes, fmt.Sprintf("%s: in the folder of none of the %d applicationHost.config files (%s), so nothing says which server's web.config it is: linted alone (keep each server's web.configs below its applicationHost.config's folder, or lint one server per run)",
			strings.Join(unowned, ", "), len(appHosts), strings.Join(names, ", ")))
	}
	grouped := map[*schema.Document]bool{}
	for _, app := range appHosts {
		sites := owned[app]
		if len(sites) == 0 {
			continue
		}
		grouped[app] = true
		srv := Server{Files: []string{app.Lines.File()}}
		files := make([]schema.SiteFile, 0, len(sites))
		for _, w := range sites {
			files = append(files, schema.SiteFile{Doc: w, Location: schema.SiteLocation(w.Lines.File(), app.Config.Sites)})
			srv.Files = append(srv.Files, w.Lines.File())
			grouped[w] = true
		}
		srv.Doc = schema.MergeServer(app, files)
		servers = append(servers, srv)
	}
	for _, d := range docs {
		if !grouped[d] {
			alone = append(alone, d)
		}
	}
	return servers, alone, notes
}

// owner is the applicationHost.config web belongs to: the only one of
// appHosts, or of several the one whose folder holds web most closely;
// nil when web lies in none of their folders.
func owner(web *schema.Document, appHosts []*schema.Document) *schema.Document {
	if len(appHosts) == 1 {
		return appHosts[0]
	}
	var best *schema.Document
	depth := -1
	in := absDir(web.Lines.File())
	for _, app := range appHosts {
		dir := absDir(app.Lines.File())
		rel, err := filepath.Rel(dir, in)
		if err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && len(dir) > depth {
			best, depth = app, len(dir)
		}
	}
	return best
}

// absDir is the absolute folder of the file name, as far as the name
// says (no file system is asked: names may be "-" or in memory).
func absDir(name string) string {
	if abs, err := filepath.Abs(name); err == nil {
		name = abs
	}
	return filepath.Dir(name)
}

// WithBackends merges into doc the backend files (lint --backend) whose
// address, and port when given, is one of doc's farm servers, and returns
// the merged document with the backends used: by their index in
// backends, each as merged (a web.config paired with its machine's
// applicationHost.config has Host and Site set). A document none of them
// belongs to is returned as it is. A web.config given with the
// applicationHost.config of the same machine is layered below it as IIS
// layers them (pairBackends); a pair that cannot be placed is an error
// naming both files.
func WithBackends(doc *schema.Document, backends []schema.BackendFile) (*schema.Document, map[int]schema.BackendFile, error) {
	if doc.Config == nil {
		return doc, nil, nil
	}
	var use []schema.BackendFile
	index := map[*schema.Document]int{}
	for i, b := range backends {
		if len(backendServers(doc.Config, b)) > 0 {
			use = append(use, b)
			index[b.Doc] = i
		}
	}
	if len(use) == 0 {
		return doc, nil, nil
	}
	use, err := pairBackends(doc.Config, use)
	if err != nil {
		return nil, nil, err
	}
	used := make(map[int]schema.BackendFile, len(use))
	for _, b := range use {
		used[index[b.Doc]] = b
	}
	return schema.MergeBackends(doc, use), used, nil
}

// backendServers are the farm servers of c that backend file b is for:
// its address, and its port when given (the httpPort or httpsPort).
func backendServers(c *schema.Config, b schema.BackendFile) []*schema.Server {
	var out []*schema.Server
	for _, f := range c.Farms {
		for _, s := range f.Servers {
			if strings.EqualFold(s.Address, b.Address) && (b.Port == 0 || b.Port == s.ARR.HTTPPort || b.Port == s.ARR.HTTPSPort) {
				out = append(out, s)
			}
		}
	}
	return out
}

// pairBackends ties each web.config of backends to the applicationHost.config
// given for the same farm servers, if any: IIS reads a machine's
// applicationHost.config as its server level and a site's web.config at
// the site's root below it, so the web.config is the root of the site of
// that file bound to the servers' port (http on httpPort, https on
// httpsPort; only the web.config's port when it names one). It returns
// the files with the applicationHost.configs first, so that a
// web.config's settings are read after the <location> of its site, as
// IIS reads them. The pair is an error when the web.config is for farm
// servers the applicationHost.config is not for, when no site or more
// than one is bound to those ports, when two applicationHost.configs are
// for its servers, or when two web.configs would be one site's root.
func pairBackends(c *schema.Config, backends []schema.BackendFile) ([]schema.BackendFile, error) {
	out := make([]schema.BackendFile, 0, len(backends))
	for _, b := range backends {
		if isAppHost(b) {
			out = append(out, b)
		}
	}
	hosts := len(out)
	roots := map[string]string{} // a site's location -> the web.config that is its root
	for _, w := range backends {
		if isAppHost(w) || w.Doc.Config == nil {
			if !isAppHost(w) {
				out = append(out, w)
			}
			continue
		}
		servers := backendServers(c, w)
		var host *schema.BackendFile
		for i := range out[:hosts] {
			h := &out[i]
			if !strings.EqualFold(h.Address, w.Address) || !slices.ContainsFunc(servers, func(s *schema.Server) bool { return slices.Contains(backendServers(c, *h), s) }) {
				continue
			}
			if host != nil {
				return nil, fmt.Errorf("%s and %s are both applicationHost.config files for farm server %s, which %s (--backend %s) belongs to: give one applicationHost.config per machine (ADDRESS:PORT=PATH ties a file to one port)",
					host.Doc.Lines.File(), h.Doc.Lines.File(), w.Address, w.Doc.Lines.File(), schema.BackendLocation(w))
			}
			host = h
		}
		if host == nil {
			out = append(out, w)
			continue
		}
		site, err := pairSite(c, w, *host, servers)
		if err != nil {
			return nil, err
		}
		h := *host
		w.Host, w.Site = &h, site
		at := strings.ToLower(schema.BackendLocation(*host) + "/" + site)
		if other, ok := roots[at]; ok {
			return nil, fmt.Errorf("%s and %s are both given as the web.config of site %q of %s: a site has one root web.config",
				other, w.Doc.Lines.File(), site, host.Doc.Lines.File())
		}
		roots[at] = w.Doc.Lines.File()
		out = append(out, w)
	}
	return out, nil
}

// isAppHost reports whether backend file b is a machine's
// applicationHost.config (by name, as GroupServers tells them), not a
// site's web.config.
func isAppHost(b schema.BackendFile) bool {
	return b.Doc.Config != nil && schema.IsAppHostFile(b.Doc.Lines.File())
}

// pairSite is the name of the one site of host's applicationHost.config
// whose root web.config w is: the site bound to the port of each farm
// server w is for, as backendSite finds it. An error says why none or
// several are, naming both files and what would be valid.
func pairSite(c *schema.Config, w, host schema.BackendFile, servers []*schema.Server) (string, error) {
	wf, hf := w.Doc.Lines.File(), host.Doc.Lines.File()
	hostServers := backendServers(c, host)
	var sites, ports []string
	for _, s := range servers {
		if !slices.Contains(hostServers, s) {
			return "", fmt.Errorf("%s (--backend %s) and %s (--backend %s) are files of one machine, but the web.config is for farm server %s port %d, which the applicationHost.config is not for: give the web.config as %s:%d=%s, or the applicationHost.config without a port",
				wf, schema.BackendLocation(w), hf, schema.BackendLocation(host), s.Address, s.ARR.HTTPPort, w.Address, host.Port, wf)
		}
		for _, e := range []struct {
			scheme string
			port   int64
		}{{"http", s.ARR.HTTPPort}, {"https", s.ARR.HTTPSPort}} {
			if (w.Port != 0 && w.Port != e.port) || (host.Port != 0 && host.Port != e.port) {
				continue
			}
			where := e.scheme + " " + strconv.FormatInt(e.port, 10)
			if !slices.Contains(ports, where) {
				ports = append(ports, where)
			}
			if site, _, _ := schema.SiteOnPort(host.Doc.Config.Sites, e.scheme, e.port, ""); site != nil && !slices.Contains(sites, site.Name) {
				sites = append(sites, site.Name)
			}
		}
	}
	switch len(sites) {
	case 1:
		return sites[0], nil
	case 0:
		return "", fmt.Errorf("%s (--backend %s) is a site's web.config and %s (--backend %s) that machine's applicationHost.config, but no site there is bound to the farm's ports (%s): the web.config cannot be placed; give the applicationHost.config alone, or the web.config as ADDRESS:PORT=PATH for the port its site is bound to",
			wf, schema.BackendLocation(w), hf, schema.BackendLocation(host), strings.Join(ports, ", "))
	}
	return "", fmt.Errorf("%s (--backend %s) is a site's web.config and %s (--backend %s) that machine's applicationHost.config, whose sites %s are bound to the farm's ports (%s): which one the web.config is the root of is not known; give it as ADDRESS:PORT=PATH with its site's port",
		wf, schema.BackendLocation(w), hf, schema.BackendLocation(host), quoteAll(sites), strings.Join(ports, ", "))
}

// quoteAll quotes each name and joins them with commas.
func quoteAll(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}

// ParseBackend reads a --backend value, ADDR=PATH or ADDR:PORT=PATH: the
// farm server's address as the farm writes it and its web.config.
func ParseBackend(v string) (addr string, port int64, path string, err error) {
	addr, path, ok := strings.Cut(v, "=")
	addr, path = strings.TrimSpace(addr), strings.TrimSpace(path)
	if !ok || addr == "" || path == "" {
		return "", 0, "", fmt.Errorf("%q: want ADDRESS=PATH, a farm server's address and its web.config (e.g. 10.0.0.11=backends/web1/web.config)", v)
	}
	if h, p, ok := strings.Cut(addr, ":"); ok && !strings.Contains(p, ":") {
		n, err := strconv.ParseInt(p, 10, 64)
		if err != nil || n < 1 || n > 65535 {
			return "", 0, "", fmt.Errorf("%q: port %q is not a number from 1 to 65535", v, p)
		}
		addr, port = h, n
	}
	return addr, port, path, nil
}
