package rules

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
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
