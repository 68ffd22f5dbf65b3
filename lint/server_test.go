package lint

import (
	"strings"
	"testing"

	"github.com/arrfarm/arrfarm/schema"
)

func loadDoc(t *testing.T, name, src string) *schema.Document {
	t.Helper()
	doc, err := schema.Load(name, []byte(src), schema.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

const (
	serverAppHost = `<configuration>
  <system.applicationHost><sites><site name="Shop" id="1" /></sites></system.applicationHost>
  <webFarms><webFarm name="web"><server address="10.0.0.11" /></webFarm></webFarms>
  <location path="Shop"><system.webServer><rewrite><rules>
    <rule name="static"><match url="^static/" /><action type="None" /></rule>
  </rules></rewrite></system.webServer></location>
</configuration>`
	serverSite = `<configuration><system.webServer><rewrite><rules>
  <rule name="to farm"><match url=".*" /><action type="Rewrite" url="http://web/{R:0}" /></rule>
</rules></rewrite></system.webServer></configuration>`
)

func TestGroupServers(t *testing.T) {
	app := loadDoc(t, "cfg/applicationHost.config", serverAppHost)
	site := loadDoc(t, "cfg/sites/shop/web.config", serverSite)
	app2 := loadDoc(t, "other/applicationHost.config", serverAppHost)
	yaml := loadDoc(t, "farms.yaml", "farms:\n  - name: api\n    servers: [{address: 10.0.0.21}]\n")

	servers, alone, notes := GroupServers([]*schema.Document{app, site, yaml})
	if len(servers) != 1 || len(notes) != 0 || len(alone) != 1 || alone[0] != yaml {
		t.Fatalf("servers %v, alone %d, notes %q; want one server and the YAML file alone", servers, len(alone), notes)
	}
	srv := servers[0]
	if strings.Join(srv.Files, " ") != "cfg/applicationHost.config cfg/sites/shop/web.config" {
		t.Errorf("files %q", srv.Files)
	}
	rules := srv.Doc.Config.Rules
	if len(rules) != 2 {
		t.Fatalf("%d rules in the merged view, want applicationHost's and the site's", len(rules))
	}
	// The folder "shop" is the site "Shop" (IIS site names are
	// case-insensitive): the web.config's rules join the location's.
	if r := rules[1]; r.Name != "to farm" || r.Location != "Shop" || r.Span.File != "cfg/sites/shop/web.config" || r.Span.Start.Line != 2 {
		t.Errorf("site rule %q at %s:%d in location %q; want \"to farm\" at cfg/sites/shop/web.config:2 in \"Shop\"", r.Name, r.Span.File, r.Span.Start.Line, r.Location)
	}
	if site.Config.Rules[0].Location != "" {
		t.Error("merging changed the site document's own model")
	}
	if f := srv.Doc.Config.Farms[0]; f.Span.File != "cfg/applicationHost.config" {
		t.Errorf("farm from %s", f.Span.File)
	}

	// Two applicationHost.config files: the web.config belongs to the one
	// whose folder holds it (cfg/), the other is linted alone.
	servers, alone, notes = GroupServers([]*schema.Document{app, app2, site})
	if len(servers) != 1 || strings.Join(servers[0].Files, " ") != "cfg/applicationHost.config cfg/sites/shop/web.config" ||
		len(alone) != 1 || alone[0] != app2 || len(notes) != 0 {
		t.Errorf("servers %v, alone %d, notes %q; want cfg's server and other/ alone", servers, len(alone), notes)
	}
	// Nested servers: the closest folder wins.
	inner := loadDoc(t, "cfg/sites/applicationHost.config", serverAppHost)
	servers, _, _ = GroupServers([]*schema.Document{app, inner, site})
	if len(servers) != 1 || servers[0].Files[0] != "cfg/sites/applicationHost.config" {
		t.Errorf("servers %v: want the web.config tied to cfg/sites/applicationHost.config", servers)
	}
	// A web.config in neither folder: nothing says which server's it is,
	// so it is linted alone and a note says why.
	stray := loadDoc(t, "elsewhere/web.config", serverSite)
	servers, alone, notes = GroupServers([]*schema.Document{app, app2, site, stray})
	if len(servers) != 1 || len(alone) != 2 || alone[0] != app2 || alone[1] != stray || len(notes) != 1 ||
		!strings.Contains(notes[0], "elsewhere/web.config: in the folder of none of the 2 applicationHost.config files (cfg/applicationHost.config, other/applicationHost.config)") {
		t.Errorf("servers %d, alone %d, notes %q", len(servers), len(alone), notes)
	}
	// Without a web.config, nothing to tie and nothing to say.
	servers, alone, notes = GroupServers([]*schema.Document{app, app2})
	if len(servers) != 0 || len(alone) != 2 || len(notes) != 0 {
		t.Errorf("servers %d, alone %d, notes %q", len(servers), len(alone), notes)
	}
}

func TestSiteLocation(t *testing.T) {
	sites := []*schema.Site{{Name: "Default Web Site"}, {Name: "api"}}
	for path, want := range map[string]string{
		"sites/api/web.config":                     "api",
		"sites/api/v1/web.config":                  "api/v1",
		"inetpub/Default Web Site/shop/web.config": "Default Web Site/shop",
		"sites/blog/web.config":                    "blog",
		"web.config":                               "",
	} {
		if got := schema.SiteLocation(path, sites); got != want {
			t.Errorf("SiteLocation(%q) = %q, want %q", path, got, want)
		}
	}
}
