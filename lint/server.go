package lint

import (
	"fmt"
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
