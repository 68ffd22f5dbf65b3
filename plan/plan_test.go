package plan

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/arrfarm/arrfarm/internal/testgen"
	"github.com/arrfarm/arrfarm/schema"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

func diffFiles(t testing.TB, desired, current string) *Plan {
	t.Helper()
	return Diff(load(t, desired, false).Config, load(t, current, true).Config)
}

func render(t testing.TB, format string, p *Plan) string {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, format, p); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestGolden keeps every format's output for three plans: a farm swap (the
// YAML form against an applicationHost.config), names and values that need
// quoting, and an appcmd export as CURRENT. The appcmd and PowerShell
// goldens were reviewed against the syntax script.go cites.
func TestGolden(t *testing.T) {
	cases := []struct{ name, desired, current string }{
		{"swap", "testdata/desired.yaml", "testdata/current.config"},
		{"quoting", "testdata/golden/quoting-desired.xml", "testdata/golden/quoting-current.xml"},
		{"export", "testdata/desired.yaml", "testdata/golden/export.xml"},
	}
	ext := map[string]string{"text": "txt", "json": "json", "appcmd": "cmd", "powershell": "ps1"}
	for _, c := range cases {
		p := diffFiles(t, c.desired, c.current)
		for _, format := range Formats {
			got := render(t, format, p)
			path := filepath.Join("testdata", "golden", c.name+"."+ext[format])
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./plan -update)", err)
			}
			if got != string(want) {
				t.Errorf("%s: output differs from %s (go test ./plan -update, then review):\n%s", c.name, path, got)
			}
		}
	}
}

func index(p *Plan, match func(c *Change) bool) int {
	return slices.IndexFunc(p.Changes, func(c Change) bool { return match(&c) })
}

func op(o, path, attr string) func(c *Change) bool {
	return func(c *Change) bool { return c.Op == o && c.Path() == path && c.Attribute == attr }
}

// TestOrder checks the order IIS needs on the swap plan: each pair is
// (earlier, later).
func TestOrder(t *testing.T) {
	p := diffFiles(t, "testdata/desired.yaml", "testdata/current.config")
	const (
		web    = "webFarms/webFarm[@name='web']"
		server = web + "/server[@address='10.0.0.13']"
		rules  = "system.webServer/rewrite/globalRules"
	)
	before := []struct {
		why           string
		first, second func(c *Change) bool
	}{
		{"a farm exists before the rule that routes to it",
			op(OpAdd, "webFarms/webFarm[@name='api']", ""), op(OpAdd, rules+"/rule[@name='ARR_api_loadbalance']", "")},
		{"a farm's servers exist before the rule that routes to it",
			op(OpAdd, "webFarms/webFarm[@name='api']/server[@address='10.0.2.2']", ""), op(OpAdd, rules+"/rule[@name='ARR_api_loadbalance']", "")},
		{"a server leaves rotation before it is removed",
			op(OpSet, server, "enabled"), op(OpRemove, server, "")},
		{"the new server is in before the old one leaves",
			op(OpAdd, web+"/server[@address='10.0.0.15']", ""), op(OpSet, server, "enabled")},
		{"no rule routes to a farm when it is removed",
			op(OpRemove, rules+"/rule[@name='ARR_old_loadbalance']", ""), op(OpRemove, "webFarms/webFarm[@name='old']", "")},
		{"a rule moved down the order is taken out before the rule that goes above it is added",
			op(OpRemove, rules+"/rule[@name='ARR web loadbalance']", ""), op(OpAdd, rules+"/rule[@name='ARR_api_loadbalance']", "")},
		{"and added again after it",
			op(OpAdd, rules+"/rule[@name='ARR_api_loadbalance']", ""), op(OpAdd, rules+"/rule[@name='ARR web loadbalance']", "")},
	}
	for _, b := range before {
		i, j := index(p, b.first), index(p, b.second)
		if i < 0 || j < 0 || i >= j {
			t.Errorf("%s: changes at %d and %d\n%s", b.why, i, j, render(t, "text", p))
		}
	}
	// Each change once.
	seen := map[string]bool{}
	for _, c := range p.Changes {
		k := c.Op + " " + c.Path() + " " + c.Attribute
		if seen[k] && !strings.Contains(k, "ARR web loadbalance") {
			t.Errorf("change twice: %s", k)
		}
		seen[k] = true
	}
	// The old farm is removed whole: its server is not drained one by one.
	if index(p, op(OpSet, "webFarms/webFarm[@name='old']/server[@address='10.0.9.1']", "enabled")) >= 0 {
		t.Error("a server of a farm being removed is drained")
	}
}

// TestJSONContract checks the plan JSON's shape (design.md section 2) and
// the values of one change worked out by hand from the two files.
func TestJSONContract(t *testing.T) {
	p := diffFiles(t, "testdata/desired.yaml", "testdata/current.config")
	var got struct {
		Changes []struct {
			Op        string  `json:"op"`
			Path      string  `json:"path"`
			Attribute *string `json:"attribute"`
			From      *string `json:"from"`
			To        *string `json:"to"`
			Desired   *Pos    `json:"desired"`
			Current   *Pos    `json:"current"`
		} `json:"changes"`
		SecretsSkipped []string `json:"secrets_skipped"`
	}
	out := render(t, "json", p)
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range got.Changes {
		if c.Desired == nil || !slices.Contains([]string{OpAdd, OpSet, OpRemove}, c.Op) {
			t.Errorf("change without desired position or with op %q: %+v", c.Op, c)
		}
		if c.Path == "webFarms/webFarm[@name='web']/applicationRequestRouting/protocol" && c.Attribute != nil && *c.Attribute == "timeout" {
			found = true
			// current.config line 11: <protocol timeout="00:00:30" />,
			// the value at column 28; desired.yaml line 12, 45s at column 27.
			if *c.From != "00:00:30" || *c.To != "00:00:45" || *c.Current != (Pos{"testdata/current.config", 11, 28}) || *c.Desired != (Pos{"testdata/desired.yaml", 12, 27}) {
				t.Errorf("protocol timeout change: %+v from %s to %s at %+v / %+v", c, *c.From, *c.To, *c.Desired, *c.Current)
			}
		}
		if c.Op == OpAdd && c.Current != nil {
			t.Errorf("an addition has a current position: %+v", c)
		}
	}
	if !found {
		t.Errorf("no protocol timeout change:\n%s", out)
	}
	if want := []string{"webFarms/webFarm[@name='api']/@adminPassword"}; !slices.Equal(got.SecretsSkipped, want) {
		t.Errorf("secrets_skipped = %q, want %q", got.SecretsSkipped, want)
	}
}

// TestSecretsNeverWritten: the encrypted password of desired.yaml and a
// health check URL's credentials appear in no format; the change names the
// attribute instead.
func TestSecretsNeverWritten(t *testing.T) {
	desired := []byte(`farms:
  - name: web
    adminPassword: "[enc:AesProvider:c2VjcmV0:enc]"
    servers: [{address: 10.0.0.1}]
    applicationRequestRouting:
      healthCheck: {url: "http://probe:hunter2@web/health", interval: 10s, timeout: 5s, minServers: 1}
`)
	d, err := schema.Load("desired.yaml", desired, schema.Options{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := LoadCurrent("current.config", []byte(`<configuration><webFarms><webFarm name="web"><server address="10.0.0.1"/></webFarm></webFarms></configuration>`))
	if err != nil {
		t.Fatal(err)
	}
	p := Diff(d.Config, c.Config)
	if len(p.SecretsSkipped) != 2 {
		t.Errorf("secrets_skipped = %q, want the password and the URL", p.SecretsSkipped)
	}
	for _, format := range Formats {
		out := render(t, format, p)
		for _, secret := range []string{"c2VjcmV0", "hunter2"} {
			if strings.Contains(out, secret) {
				t.Errorf("%s output holds %q:\n%s", format, secret, out)
			}
		}
		if !strings.Contains(out, "adminPassword") {
			t.Errorf("%s output does not name adminPassword:\n%s", format, out)
		}
	}
	for _, f := range Drift(p) {
		if strings.Contains(f.Message, "hunter2") {
			t.Errorf("drift finding holds the password: %s", f.Message)
		}
	}
}

// TestDefaultsEqual: a default written out and one left out are the same,
// in both directions and in both syntaxes.
func TestDefaultsEqual(t *testing.T) {
	explicit := []byte(`<configuration><webFarms><webFarm name="web" enabled="true">
<server address="10.0.0.1" enabled="true"><applicationRequestRouting weight="100" httpPort="80" /></server>
<applicationRequestRouting><protocol timeout="00:00:30" preserveHostHeader="true" /><healthCheck interval="00:00:30" minServers="0" />
<loadBalancing algorithm="WeightedRoundRobin" /></applicationRequestRouting></webFarm></webFarms>
<system.webServer><proxy enabled="false" timeout="00:02:00" /></system.webServer></configuration>`)
	implicit := []byte(`<configuration><webFarms><webFarm name="web"><server address="10.0.0.1" /></webFarm></webFarms>
<system.webServer><proxy /></system.webServer></configuration>`)
	yaml := []byte("proxy: {timeout: 2m}\nfarms:\n  - name: web\n    servers: [{address: 10.0.0.1}]\n    applicationRequestRouting: {protocol: {timeout: 30s}}\n")
	docs := map[string][]byte{"explicit.config": explicit, "implicit.config": implicit, "farms.yaml": yaml}
	for dn, dsrc := range docs {
		for cn, csrc := range docs {
			d, _ := schema.Load(dn, dsrc, schema.Options{})
			c, _ := LoadCurrent(cn, csrc)
			if p := Diff(d.Config, c.Config); len(p.Changes) != 0 {
				t.Errorf("plan %s --current %s: %d changes, want none:\n%s", dn, cn, len(p.Changes), render(t, "text", p))
			}
		}
	}
}

// TestDriftAtCurrentPositions: one finding per difference, at the current
// file's position of the value (line and column counted in the file).
func TestDriftAtCurrentPositions(t *testing.T) {
	p := diffFiles(t, "testdata/desired.yaml", "testdata/current.config")
	want := map[string][2]int{
		"farm web: protocol.timeout is 30s here, the desired configuration has 45s":           {11, 28},
		"proxy: timeout is 2m here, the desired configuration has 3m":                         {23, 36},
		"server 10.0.0.12 in farm web: weight is 100 here, the desired configuration has 200": {7, 44},
		"server 10.0.0.13 in farm web is not in the desired configuration":                    {9, 7},
		"farm old is not in the desired configuration":                                        {15, 5},
		"farm api is missing: the desired configuration has it":                               {3, 3},
	}
	got := map[string][2]int{}
	for _, d := range Drift(p) {
		got[d.Message] = [2]int{d.Span.Start.Line, d.Span.Start.Col}
		if d.Span.File != "testdata/current.config" {
			t.Errorf("finding in %s, want the current file: %s", d.Span.File, d.Message)
		}
	}
	for msg, pos := range want {
		if got[msg] != pos {
			t.Errorf("%q at %v, want %v (all: %v)", msg, got[msg], pos, got)
		}
	}
	// 6 above, the new server 10.0.0.15, the new and the moved rule, the
	// removed rule: the drain of 10.0.0.13 is part of its removal.
	if len(got) != 10 {
		t.Errorf("%d findings, want 10: %v", len(got), got)
	}
}

// TestScriptQuoting checks the quoting rules on single values, each
// expectation worked out by hand from the documented syntax.
func TestScriptQuoting(t *testing.T) {
	// cmd.exe: inside double quotes & | < > ^ are literal; % is doubled in
	// a batch file; a double quote cannot be carried.
	for in, want := range map[string]string{"a b": `"a b"`, "50%": `"50%%"`, "a&b|c^d": `"a&b|c^d"`} {
		if got, ok := cmdQuoted(in); !ok || got != want {
			t.Errorf("cmdQuoted(%q) = %q %v, want %q", in, got, ok, want)
		}
	}
	if _, ok := cmdQuoted(`say "hi"`); ok {
		t.Error(`cmdQuoted accepts a double quote`)
	}
	// PowerShell: a single-quoted string expands nothing; ' is written ''.
	if got := psQuoted("it's $x `n"); got != "'it''s $x `n'" {
		t.Errorf("psQuoted = %s", got)
	}
	// XPath 1.0 has no escapes: a value with an apostrophe is written in
	// double quotes; inside PowerShell's single quotes the apostrophe
	// doubles.
	f, ok := psFilter("webFarms", []Step{{Name: "webFarm", Key: [][2]string{{"name", "O'Brien farm"}}}})
	if want := `'webFarms/webFarm[@name="O''Brien farm"]'`; !ok || f != want {
		t.Errorf("psFilter = %s, want %s", f, want)
	}
	if _, ok := psFilter("webFarms", []Step{{Name: "webFarm", Key: [][2]string{{"name", `a'b"c`}}}}); ok {
		t.Error("psFilter accepts both quote kinds")
	}
	// appcmd: [name='value'] has no way to write an apostrophe.
	if path, ok := appcmdPath([]Step{{Name: "webFarm", Key: [][2]string{{"name", "blue farm"}}}, {Name: "server", Key: [][2]string{{"address", "10.0.0.1"}}}, {Name: "applicationRequestRouting"}}); !ok || path != "[name='blue farm'].[address='10.0.0.1'].applicationRequestRouting" {
		t.Errorf("appcmdPath = %q %v", path, ok)
	}
	if _, ok := appcmdPath([]Step{{Name: "webFarm", Key: [][2]string{{"name", "O'Brien"}}}}); ok {
		t.Error("appcmdPath accepts an apostrophe in a selector")
	}
}

// TestExportReadsAsConfig: an appcmd export and the applicationHost.config
// it was taken from are the same configuration, with positions in the
// export's own lines.
func TestExportReadsAsConfig(t *testing.T) {
	export := load(t, "testdata/golden/export.xml", true)
	if n := len(export.Config.Farms); n != 1 || len(export.Config.Farms[0].Servers) != 2 || !export.Config.Proxy.Present || len(export.Config.Rules) != 1 {
		t.Fatalf("export read as %d farms, proxy %v, %d rules", n, export.Config.Proxy.Present, len(export.Config.Rules))
	}
	for _, f := range export.Findings {
		if f.Severity == schema.Error {
			t.Errorf("finding on the export: %s %s", f.Span, f.Message)
		}
	}
	// Line 20: `        <system.webServer-proxy enabled="true" timeout="00:02:00">`.
	if s := export.Config.Proxy.ValueSpan("timeout"); s.Start.Line != 20 || s.Start.Col != 57 {
		t.Errorf("proxy timeout at %s, want line 20 column 57", s)
	}
	same := []byte(`<configuration><webFarms><webFarm name="web"><server address="10.0.0.11"/><server address="10.0.0.12"/>
<applicationRequestRouting><healthCheck url="http://web/health" interval="00:00:10" timeout="00:00:05" minServers="1"/></applicationRequestRouting>
</webFarm></webFarms><system.webServer><proxy enabled="true"/><rewrite><globalRules>
<rule name="ARR web loadbalance" patternSyntax="Wildcard" stopProcessing="true"><match url="*"/><action type="Rewrite" url="http://web/{R:0}"/></rule>
</globalRules></rewrite></system.webServer></configuration>`)
	c, _ := schema.Load("applicationHost.config", same, schema.Options{})
	if p := Diff(c.Config, export.Config); len(p.Changes) != 0 {
		t.Errorf("export differs from its configuration:\n%s", render(t, "text", p))
	}
}

// BenchmarkPlan1000Farms plans a change set over 1000 farms (goal: under
// 1 s): every farm added to an empty server, and every farm's timeout
// changed on a full one.
func BenchmarkPlan1000Farms(b *testing.B) {
	desiredSrc := testgen.Config(1000, 4)
	desired, err := schema.Load("desired.config", desiredSrc, schema.Options{})
	if err != nil {
		b.Fatal(err)
	}
	empty, _ := LoadCurrent("empty.config", []byte("<configuration />"))
	changed, _ := LoadCurrent("current.config", bytes.ReplaceAll(desiredSrc, []byte(`<protocol timeout="00:00:45" />`), []byte(`<protocol timeout="00:00:30" />`)))
	for name, cur := range map[string]*schema.Document{"add": empty, "change": changed} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				p := Diff(desired.Config, cur.Config)
				if len(p.Changes) < 1000 {
					b.Fatalf("%d changes", len(p.Changes))
				}
				var out bytes.Buffer
				if err := WriteAppcmd(&out, p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
