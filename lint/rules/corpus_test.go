package rules

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

var update = flag.Bool("update", false, "rewrite the lint goldens and docs/rules.md")

const (
	corpusDir = "../../fixtures/corpus"
	goldenDir = "../../fixtures/lint-golden"
)

// validCorpus are the files corpus/MANIFEST.md calls valid ARR
// configuration; lint must find no error in them.
var validCorpus = map[string]bool{
	"xwebadmin-dsc-fixture-requesthash-querystring.xml":              true,
	"xwebadmin-dsc-fixture-weights-requesthash-servervariable.xml":   true,
	"xwebadmin-dsc-fixture-unit-final.xml":                           true,
	"mattgillard-iis-reverse-proxy-applicationHost.config":           true,
	"mattgillard-iis-reverse-proxy-web.config":                       true,
	"saritasa-arr-blue-green-site-web.config":                        true,
	"iisdocs-http-load-balancing-globalrules-http-https.xml":         true,
	"iisdocs-arr-cdn-globalrules-rewritemap-farm.xml":                true,
	"iisdocs-wff2-webfarms-provisioning-extension.xml":               true,
	"inframole-agent-test-applicationhost-farm-and-globalrules.xml":  true,
	"kevinareed-bluegreen-alwaysup-sites-farm-healthcheck-rules.xml": true,
	"nopcommerce-docs-webfarm-admin-and-arr-rules.xml":               true,
	"netlah-echoserviceapi-site-webconfig-rule-to-web-farm-name.xml": true,
	"kszabelski-azurewebapparrtest-applicationHost.xdt":              true,
}

// corpus loads every corpus file under its base name, so that goldens do
// not depend on where the test runs.
func corpus(t *testing.T) (names []string, docs []*schema.Document) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(corpusDir, "*"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		base := filepath.Base(f)
		if base == "README.md" {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := schema.Load(base, src, schema.Options{})
		if err != nil {
			t.Fatal(err)
		}
		names, docs = append(names, base), append(docs, doc)
	}
	if len(names) < 20 {
		t.Fatalf("found %d corpus files in %s, want the 21 of corpus/MANIFEST.md", len(names), corpusDir)
	}
	return names, docs
}

func defaultLinter(t *testing.T) *lint.Linter {
	l, err := lint.New(All, lint.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// TestCorpusGoldens compares the text report of each corpus file with its
// golden (fixtures/lint-golden/<file>.txt; go test -update rewrites them,
// review the diff). Valid configurations must have no error-level finding.
func TestCorpusGoldens(t *testing.T) {
	names, docs := corpus(t)
	l := defaultLinter(t)
	for i, name := range names {
		t.Run(name, func(t *testing.T) {
			ds := l.Lint(docs[i])
			checkEvidence(t, name, ds)
			if validCorpus[name] {
				for _, d := range ds {
					if d.Severity == lint.Error {
						t.Errorf("valid config has an error: %d:%d %s [%s]", d.Span.Start.Line, d.Span.Start.Col, d.Message, d.Rule)
					}
				}
			}
			var buf bytes.Buffer
			rep := lint.Report{Diagnostics: ds, Sources: map[string]*schema.Lines{name: docs[i].Lines}, Rules: All}
			if err := lint.WriteText(&buf, rep, false); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join(goldenDir, name+".txt")
			if *update {
				if err := os.MkdirAll(goldenDir, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./lint/rules -update and review the goldens)", err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("lint report of %s differs from %s (go test ./lint/rules -update, then review the diff):\n%s", name, golden, buf.String())
			}
		})
	}
}

// TestCorpusSARIF validates the SARIF report of the whole corpus against
// the official SARIF 2.1.0 schema.
func TestCorpusSARIF(t *testing.T) {
	names, docs := corpus(t)
	l := defaultLinter(t)
	rep := lint.Report{Sources: map[string]*schema.Lines{}, Rules: All, Version: "test"}
	for i, doc := range docs {
		rep.Sources[names[i]] = doc.Lines
		rep.Diagnostics = append(rep.Diagnostics, l.Lint(doc)...)
	}
	rep.Diagnostics = lint.Sort(rep.Diagnostics)
	var buf bytes.Buffer
	if err := lint.WriteSARIF(&buf, rep); err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	sch, err := c.Compile("../../fixtures/schemas/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(inst); err != nil {
		t.Fatalf("SARIF output does not validate: %v", err)
	}

	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID, Name, HelpURI string
						ShortDescription  struct{ Text string }
						Default           struct{ Level string } `json:"defaultConfiguration"`
						Properties        struct {
							Evidence []struct{ Kind, Ref string } `json:"arrfarmEvidence"`
						}
					}
				}
			}
			Results []struct {
				RuleID              string
				PartialFingerprints map[string]string
			}
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if len(run.Tool.Driver.Rules) != len(All) {
		t.Errorf("tool.driver.rules has %d rules, the registry %d", len(run.Tool.Driver.Rules), len(All))
	}
	for i, r := range run.Tool.Driver.Rules {
		if r.ID != All[i].ID || r.Name != All[i].Slug || r.HelpURI == "" || r.ShortDescription.Text == "" || r.Default.Level == "" ||
			len(r.Properties.Evidence) != len(All[i].Evidence) || r.Properties.Evidence[0].Kind == "" || r.Properties.Evidence[0].Ref == "" {
			t.Errorf("driver rule %d incomplete: %+v", i, r)
		}
	}
	if len(run.Results) != len(rep.Diagnostics) || len(run.Results) == 0 {
		t.Fatalf("%d results for %d diagnostics", len(run.Results), len(rep.Diagnostics))
	}
	seen := map[string]bool{}
	for _, r := range run.Results {
		fp := r.PartialFingerprints["arrfarmFingerprint/v1"]
		if fp == "" || seen[fp] {
			t.Errorf("result %s: fingerprint %q missing or not unique", r.RuleID, fp)
		}
		seen[fp] = true
	}
}

// TestNoSecretsInOutput: the corpus holds an [enc:...:enc] password and
// WFF admin settings; no format may echo them.
func TestNoSecretsInOutput(t *testing.T) {
	names, docs := corpus(t)
	l := defaultLinter(t)
	rep := lint.Report{Sources: map[string]*schema.Lines{}, Rules: All}
	for i, doc := range docs {
		rep.Sources[names[i]] = doc.Lines
		rep.Diagnostics = append(rep.Diagnostics, l.Lint(doc)...)
	}
	// A finding on the line that holds the secret, to make the text format
	// print that line.
	src := []byte(`<configuration><webFarms><webFarm name="web" adminPassword="hunter2" /></webFarms></configuration>` + "\n" +
		`<!-- x --><virtualDirectory password="[enc:AesProvider:c2VjcmV0:enc]" />`)
	doc, err := schema.Load("secret.config", src, schema.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rep.Sources["secret.config"] = doc.Lines
	rep.Diagnostics = append(rep.Diagnostics, l.Lint(doc)...)
	for _, f := range lint.Formats {
		var buf bytes.Buffer
		if err := lint.Write(&buf, f, rep, false); err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{"SECRET", "hunter2", "c2VjcmV0"} {
			if strings.Contains(buf.String(), secret) {
				t.Errorf("format %s echoes secret %q", f, secret)
			}
		}
	}
	if !strings.Contains(fmt.Sprint(rep.Diagnostics), "web") {
		t.Error("the secret fixture produced no finding, so the text format printed none of its lines")
	}
}

// TestDocsUpToDate fails when docs/rules.md is not what the registry
// generates.
func TestDocsUpToDate(t *testing.T) {
	const path = "../../docs/rules.md"
	got := lint.Markdown(All)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil || string(want) != got {
		t.Fatalf("docs/rules.md is stale: run go test ./lint/rules -update")
	}
}

// manifestDefects are the defects ../shared/corpus/MANIFEST.md lists for
// each corpus file ("what it exercises", "valid ARR config?"), as the
// finding that reports each. Each must be found on the file as written,
// not only after another mistake in the file is fixed (issue 7): the
// misplaced webFarms of the hadvida file hides neither its relative
// health URL nor its unrouted farm.
var manifestDefects = map[string][]struct {
	line int
	rule string
	rx   string
}{
	"hadvida-lb-guide-webfarm-in-systemwebserver-healthcheck-interval5.xml": {
		{6, "unknown-element", `enabled is an attribute of proxy`},                                       // <proxy><enabled>true</enabled></proxy>
		{36, "misplaced-element", `webFarms does not belong in system.webServer`},                        // webFarms inside system.webServer
		{38, "unknown-attribute", `unknown attribute port on server`},                                    // server/@port
		{42, "misplaced-element", `healthCheck does not belong in system.webServer/webFarms/webFarm:`},   // healthCheck directly under webFarm
		{42, "health-url-not-absolute", `health check url "/health" .* not a full http\(s\)`},            // relative URL
		{42, "invalid-value", `invalid interval="5"`},                                                    // bare-number interval
		{43, "misplaced-element", `loadBalancing does not belong in system.webServer/webFarms/webFarm:`}, // loadBalancing directly under webFarm
		{22, "route-to-unknown-farm", `"LOCAL_SERVERS", which is not a farm .*"ApiGatewayFarm"`},         // the undefined farm name
		{37, "farm-without-route", `farm "ApiGatewayFarm"`},                                              // the farm nothing routes to
		{19, "server-variable-not-allowed", `"HTTP_X_FORWARDED_FOR".*no allowedServerVariables`},         // X-Forwarded-* set without allowedServerVariables
		{20, "server-variable-not-allowed", `"HTTP_X_FORWARDED_PROTO".*no allowedServerVariables`},
		{30, "response-length-rewritten", `sets Content-Length to "0"`}, // outbound rule rewriting RESPONSE_Content_Length to 0
	},
	"ghips-erp-docs-webfarm-invented-loadbalance-roundrobin.xml": {
		{7, "unknown-element", `loadBalance .*did you mean loadBalancing`},
		{7, "invalid-value", `algorithm="RoundRobin"`},
		{6, "cookie-name-without-use-cookie", `useCookie is false`},
	},
	"xwebadmin-dsc-fixture-weights-requesthash-servervariable.xml": {
		{31, "weights-ignored", `RequestHash`},
		{42, "weights-ignored", `RequestHash`},
		{45, "request-hash-settings", `hashServerVariable "x" .*not an IIS server variable`},
	},
	"xwebadmin-dsc-fixture-unit-final.xml": {
		{50, "request-hash-settings", `hashServerVariable "x1,x2" is one variable name`},
	},
	"xwebadmin-dsc-fixture-requesthash-querystring.xml": {
		{4, "farm-no-servers", `has no servers`},
	},
	"iisdocs-wff2-webfarms-provisioning-extension.xml": {
		{2, "wff-setting", `Web Farm Framework settings`},
	},
	"boxlang-docs-server-level-webconfig-proxy-and-globalrules.xml": {
		{4, "misplaced-element", `proxy is allowed only in applicationHost.config`},
		{6, "misplaced-element", `globalRules is allowed only in applicationHost.config`},
	},
	"boxlang-docs-site-webconfig-ws-scheme-rewrite.xml": {
		{9, "websocket-scheme-target", `ws://`},
	},
	"hvac-perf-guide-invented-serverfarms-loadbalancing-healthcheck-elements.xml": {
		{12, "misplaced-element", `system.webServer inside system.webServer`},
		{14, "unknown-element", `serverFarms`},
		{15, "unknown-element", `serverFarm`},
		{22, "unknown-element", `algorithm is an attribute`},
	},
	"improvedk-multiple-farms-lowercased-misnested.xml": {
		{2, "unknown-element", `webfarms.*case-sensitive`},
		{5, "misplaced-element", `server inside server`},
		{22, "unknown-attribute", `stopprocessing`},
		{24, "misplaced-element", `action does not belong in .*match`},
	},
	"improvedk-wiki-farm-lowercased-misnested.xml": {
		{1, "unknown-element", `webfarms.*case-sensitive`},
		{8, "misplaced-element", `add inside add`},
	},
}

func TestCorpusManifestDefects(t *testing.T) {
	names, docs := corpus(t)
	l := defaultLinter(t)
	byName := map[string]*schema.Document{}
	for i, n := range names {
		byName[n] = docs[i]
	}
	for file, wants := range manifestDefects {
		doc := byName[file]
		if doc == nil {
			t.Errorf("%s: not in %s", file, corpusDir)
			continue
		}
		ds := l.Lint(doc)
		for _, w := range wants {
			rx := regexp.MustCompile(w.rx)
			if !slices.ContainsFunc(ds, func(d lint.Diagnostic) bool {
				return d.Span.Start.Line == w.line && d.Rule == w.rule && rx.MatchString(d.Message)
			}) {
				t.Errorf("%s:%d: the defect MANIFEST.md lists is not found: want %s matching %q; got:\n%s",
					file, w.line, w.rule, w.rx, strings.Join(renderAll(ds), "\n"))
			}
		}
	}
}
