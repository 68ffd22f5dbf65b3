package lint

import (
	"fmt"
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
// reads them: one applicationHost.config (by name) and every web.config of
// the run make one server (schema.MergeServer), each web.config standing
// for the site its folder names (schema.SiteLocation). The other documents
// are linted alone. With two or more applicationHost.config files nothing
// says which web.config belongs to which, so every file is linted alone
// and a note says so.
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
	if len(webs) == 0 || len(appHosts) != 1 {
		if len(webs) > 0 && len(appHosts) > 1 {
			names := make([]string, len(appHosts))
			for i, d := range appHosts {
				names[i] = d.Lines.File()
			}
			notes = append(notes, fmt.Sprintf("%d applicationHost.config files (%s): the web.configs cannot be tied to one server, so every file was linted alone; lint one server's files per run",
				len(appHosts), strings.Join(names, ", ")))
		}
		return nil, docs, notes
	}
	app := appHosts[0]
	srv := Server{Files: []string{app.Lines.File()}}
	sites := make([]schema.SiteFile, 0, len(webs))
	for _, w := range webs {
		sites = append(sites, schema.SiteFile{Doc: w, Location: schema.SiteLocation(w.Lines.File(), app.Config.Sites)})
		srv.Files = append(srv.Files, w.Lines.File())
	}
	srv.Doc = schema.MergeServer(app, sites)
	for _, d := range docs {
		if d != app && (d.Config == nil || d.Config.Kind != schema.WebConfig) {
			alone = append(alone, d)
		}
	}
	return []Server{srv}, alone, nil
}

// WithBackends merges into doc the backend web.configs (lint --backend)
// whose address, and port when given, is one of doc's farm servers, and
// returns the merged document with the indexes of the backends used. A
// document none of them belongs to is returned as it is.
func WithBackends(doc *schema.Document, backends []schema.BackendFile) (*schema.Document, []int) {
	if doc.Config == nil {
		return doc, nil
	}
	var use []schema.BackendFile
	var used []int
	for i, b := range backends {
		if servesBackend(doc.Config, b) {
			use = append(use, b)
			used = append(used, i)
		}
	}
	if len(use) == 0 {
		return doc, nil
	}
	return schema.MergeBackends(doc, use), used
}

func servesBackend(c *schema.Config, b schema.BackendFile) bool {
	for _, f := range c.Farms {
		for _, s := range f.Servers {
			if strings.EqualFold(s.Address, b.Address) && (b.Port == 0 || b.Port == s.ARR.HTTPPort || b.Port == s.ARR.HTTPSPort) {
				return true
			}
		}
	}
	return false
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
