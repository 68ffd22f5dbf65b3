package main

import (
	"encoding/json"
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/arrfarm/arrfarm/lint/rules"
)

var update = flag.Bool("update", false, "rewrite the CI format goldens in fixtures/format-golden and docs/cli")

// formatCorpus are the corpus files the CI format goldens lint: errors
// and warnings in one, warnings and info in another, a clean-but-for-WFF
// file with an adminPassword attribute in the third.
var formatCorpus = []string{
	"ghips-erp-docs-webfarm-invented-loadbalance-roundrobin.xml",
	"iisdocs-wff2-webfarms-provisioning-extension.xml",
	"kevinareed-bluegreen-alwaysup-sites-farm-healthcheck-rules.xml",
}

// lintCorpusCopy copies formatCorpus into a temporary working directory,
// so that file names in the output are the bare names wherever the test
// runs, and returns the golden directory's absolute path.
func lintCorpusCopy(t *testing.T) string {
	t.Helper()
	golden := abs(t, "../../fixtures/format-golden")
	var srcs [][]byte
	for _, name := range formatCorpus {
		b, err := os.ReadFile(filepath.Join("../../fixtures/corpus", name))
		if err != nil {
			t.Fatal(err)
		}
		srcs = append(srcs, b)
	}
	dir := chdir(t)
	for i, name := range formatCorpus {
		if err := os.WriteFile(filepath.Join(dir, name), srcs[i], 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return golden
}

// lintJSON returns the findings of the corpus run in the JSON contract,
// the reference every other format is counted against.
func lintJSON(t *testing.T) []map[string]any {
	t.Helper()
	_, out, _ := runCLI(t, "", nil, append([]string{"lint", "--format", "json"}, formatCorpus...)...)
	var r struct {
		Diagnostics []map[string]any `json:"diagnostics"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Diagnostics) < 5 {
		t.Fatalf("the format corpus gives %d findings; the goldens need a few of each severity", len(r.Diagnostics))
	}
	return r.Diagnostics
}

func TestCIFormatGoldens(t *testing.T) {
	golden := lintCorpusCopy(t)
	for _, format := range []string{"azure", "gitlab", "junit", "checkstyle"} {
		t.Run(format, func(t *testing.T) {
			code, out, stderr := runCLI(t, "", nil, append([]string{"lint", "--format", format}, formatCorpus...)...)
			if code != exitFindings || stderr != "" {
				t.Fatalf("exit %d, stderr %q; want 1 (findings at or above warning) and nothing on stderr", code, stderr)
			}
			path := filepath.Join(golden, "corpus."+format)
			if *update {
				if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./cmd/arrfarm -run CIFormat -update)", err)
			}
			if out != string(want) {
				t.Errorf("%s output differs from %s (review, then go test ./cmd/arrfarm -run CIFormat -update):\n%s", format, path, out)
			}
		})
	}
}

// azureLine is a logissue command with every property lint promises: file,
// line, column and code, and nothing after the message on its line.
var azureLine = regexp.MustCompile(`^##vso\[task\.logissue type=(error|warning);sourcepath=[^;\]\r\n]+;linenumber=[1-9][0-9]*;columnnumber=[1-9][0-9]*;code=ARR[0-9]{4}\][^\r\n]+$`)

func TestAzureParses(t *testing.T) {
	lintCorpusCopy(t)
	want := lintJSON(t)
	_, out, _ := runCLI(t, "", nil, append([]string{"lint", "--format", "azure"}, formatCorpus...)...)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != len(want) {
		t.Fatalf("%d logging commands for %d findings", len(lines), len(want))
	}
	for i, l := range lines {
		if !azureLine.MatchString(l) {
			t.Errorf("not a complete logissue command: %q", l)
			continue
		}
		d := want[i]
		for _, part := range []string{
			"sourcepath=" + d["file"].(string) + ";",
			";code=" + d["id"].(string) + "]",
		} {
			if !strings.Contains(l, part) {
				t.Errorf("line %d lacks %q: %s", i+1, part, l)
			}
		}
		typ := map[string]string{"error": "error", "warning": "warning", "info": "warning"}[d["severity"].(string)]
		if !strings.HasPrefix(l, "##vso[task.logissue type="+typ+";") {
			t.Errorf("a %s finding is not type=%s: %s", d["severity"], typ, l)
		}
	}
}

func TestAzureChosenByTFBuild(t *testing.T) {
	bad := abs(t, fx+"no-health-check/bad.xml")
	chdir(t)
	code, out, _ := runCLI(t, "", map[string]string{"TF_BUILD": "True"}, "lint", bad)
	if code != exitFindings || !strings.HasPrefix(out, "##vso[task.logissue type=warning;sourcepath=") {
		t.Errorf("TF_BUILD=True: exit %d, output:\n%s", code, out)
	}
	// The exit code still follows --fail-on: the finding is a warning.
	if code, _, _ := runCLI(t, "", map[string]string{"TF_BUILD": "True"}, "lint", "--fail-on", "error", bad); code != exitOK {
		t.Errorf("TF_BUILD=True --fail-on error with only a warning: exit %d, want 0", code)
	}
	_, out, _ = runCLI(t, "", map[string]string{"TF_BUILD": "True"}, "lint", "--format", "text", bad)
	if strings.Contains(out, "##vso") {
		t.Errorf("an explicit --format lost to TF_BUILD:\n%s", out)
	}
	_, out, _ = runCLI(t, "", map[string]string{"TF_BUILD": "False"}, "lint", bad)
	if strings.Contains(out, "##vso") {
		t.Errorf("TF_BUILD=False chose azure:\n%s", out)
	}
}

func TestGitLabParses(t *testing.T) {
	lintCorpusCopy(t)
	want := lintJSON(t)
	_, out, _ := runCLI(t, "", nil, append([]string{"lint", "--format", "gitlab"}, formatCorpus...)...)
	var issues []struct {
		Description *string `json:"description"`
		CheckName   *string `json:"check_name"`
		Fingerprint *string `json:"fingerprint"`
		Severity    *string `json:"severity"`
		Location    *struct {
			Path  *string `json:"path"`
			Lines *struct {
				Begin *int `json:"begin"`
			} `json:"lines"`
		} `json:"location"`
	}
	if err := json.Unmarshal([]byte(out), &issues); err != nil {
		t.Fatalf("not a JSON array of issues: %v\n%s", err, out)
	}
	if len(issues) != len(want) {
		t.Fatalf("%d issues for %d findings", len(issues), len(want))
	}
	fingerprints := map[string]bool{}
	// GitLab's documented severities.
	severities := map[string]bool{"info": true, "minor": true, "major": true, "critical": true, "blocker": true}
	for i, is := range issues {
		if is.Description == nil || is.CheckName == nil || is.Fingerprint == nil || is.Severity == nil ||
			is.Location == nil || is.Location.Path == nil || is.Location.Lines == nil || is.Location.Lines.Begin == nil {
			t.Errorf("issue %d lacks a required field: %+v", i, is)
			continue
		}
		if fingerprints[*is.Fingerprint] {
			t.Errorf("fingerprint %s repeats: GitLab needs them unique", *is.Fingerprint)
		}
		fingerprints[*is.Fingerprint] = true
		if !severities[*is.Severity] {
			t.Errorf("severity %q is not one GitLab knows", *is.Severity)
		}
		if *is.Location.Path != want[i]["file"] || float64(*is.Location.Lines.Begin) != want[i]["line"] || *is.CheckName != want[i]["id"] {
			t.Errorf("issue %d at %s:%d (%s), finding at %v:%v (%v)", i, *is.Location.Path, *is.Location.Lines.Begin, *is.CheckName, want[i]["file"], want[i]["line"], want[i]["id"])
		}
	}
}

type junitDoc struct {
	XMLName xml.Name `xml:"testsuites"`
	Suites  []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Cases    []struct {
			Name      string `xml:"name,attr"`
			Classname string `xml:"classname,attr"`
			Failure   *struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func TestJUnitParses(t *testing.T) {
	lintCorpusCopy(t)
	want := lintJSON(t)
	// The default --fail-on is warning: info findings are testcases that
	// pass (the build is green with them), warnings and errors fail; with
	// --fail-on info every finding fails, with never none does.
	for _, c := range []struct {
		failOn string
		fails  func(severity string) bool
	}{
		{"", func(s string) bool { return s != "info" }},
		{"info", func(string) bool { return true }},
		{"error", func(s string) bool { return s == "error" }},
		{"never", func(string) bool { return false }},
	} {
		args := []string{"lint", "--format", "junit"}
		if c.failOn != "" {
			args = append(args, "--fail-on", c.failOn)
		}
		_, out, _ := runCLI(t, "", nil, append(args, formatCorpus...)...)
		checkJUnit(t, c.failOn, out, want, c.fails)
	}
}

// checkJUnit checks a JUnit report of formatCorpus against the JSON
// findings want: a testcase per finding, failing when fails says its
// severity does, and one per rule checked that found nothing.
func checkJUnit(t *testing.T, failOn, out string, want []map[string]any, fails func(string) bool) {
	t.Helper()
	var doc junitDoc
	if err := xml.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("--fail-on %q: not XML: %v", failOn, err)
	}
	if len(doc.Suites) != len(formatCorpus) {
		t.Fatalf("%d testsuites for %d files", len(doc.Suites), len(formatCorpus))
	}
	// The rules that run by default on a file without latency data.
	checked := 0
	for _, r := range rules.All {
		if !r.Optional && !r.Latency {
			checked++
		}
	}
	failures, wantFailures, infos := 0, 0, 0
	for _, d := range want {
		if fails(d["severity"].(string)) {
			wantFailures++
		}
		if d["severity"] == "info" {
			infos++
		}
	}
	if infos == 0 {
		t.Fatal("the corpus has no info finding: the test cannot tell failures from notes")
	}
	for i, s := range doc.Suites {
		if s.Name != formatCorpus[i] {
			t.Errorf("testsuite %d is %q, want %q", i, s.Name, formatCorpus[i])
		}
		var fileFindings, fileFailures, rulesHit = 0, 0, map[string]bool{}
		for _, d := range want {
			if d["file"] == s.Name {
				fileFindings++
				if fails(d["severity"].(string)) {
					fileFailures++
				}
				rulesHit[d["id"].(string)] = true
			}
		}
		if s.Failures != fileFailures || len(s.Cases) != s.Tests {
			t.Errorf("--fail-on %q: %s: %d failures, %d testcases (tests=%d); want %d failures", failOn, s.Name, s.Failures, len(s.Cases), s.Tests, fileFailures)
		}
		if len(s.Cases) != checked-len(rulesHit)+fileFindings {
			t.Errorf("%s: %d testcases; want one per rule checked (%d) with findings counted one each (%d in %d rules)",
				s.Name, len(s.Cases), checked, fileFindings, len(rulesHit))
		}
		for _, c := range s.Cases {
			if c.Failure != nil {
				failures++
				if c.Failure.Message == "" || c.Failure.Type == "" || !strings.Contains(c.Failure.Text, s.Name+":") {
					t.Errorf("failure without message, type or position: %+v", c.Failure)
				}
				if !fails(c.Failure.Type) {
					t.Errorf("--fail-on %q: a %s finding is a failure: %s", failOn, c.Failure.Type, c.Name)
				}
			}
		}
	}
	if failures != wantFailures {
		t.Errorf("--fail-on %q: %d failures for %d findings at or above it", failOn, failures, wantFailures)
	}
}

func TestCheckstyleParses(t *testing.T) {
	lintCorpusCopy(t)
	want := lintJSON(t)
	_, out, _ := runCLI(t, "", nil, append([]string{"lint", "--format", "checkstyle"}, formatCorpus...)...)
	var doc struct {
		XMLName xml.Name `xml:"checkstyle"`
		Files   []struct {
			Name   string `xml:"name,attr"`
			Errors []struct {
				Line     int    `xml:"line,attr"`
				Column   int    `xml:"column,attr"`
				Severity string `xml:"severity,attr"`
				Message  string `xml:"message,attr"`
				Source   string `xml:"source,attr"`
			} `xml:"error"`
		} `xml:"file"`
	}
	if err := xml.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not XML: %v", err)
	}
	if len(doc.Files) != len(formatCorpus) {
		t.Fatalf("%d file elements for %d files", len(doc.Files), len(formatCorpus))
	}
	i := 0
	for _, f := range doc.Files {
		for _, e := range f.Errors {
			if i >= len(want) {
				t.Fatalf("more errors than the %d findings", len(want))
			}
			d := want[i]
			if f.Name != d["file"] || float64(e.Line) != d["line"] || float64(e.Column) != d["column"] ||
				e.Severity != d["severity"] || e.Message != d["message"] || !strings.Contains(e.Source, d["id"].(string)) {
				t.Errorf("error %d: %s:%d:%d %s %q %s; finding %v", i, f.Name, e.Line, e.Column, e.Severity, e.Message, e.Source, d)
			}
			i++
		}
	}
	if i != len(want) {
		t.Errorf("%d errors for %d findings", i, len(want))
	}
}

// TestCIFormatsKeepSecrets lints a farm whose admin password and an
// encrypted value sit on the line of a finding: no format may print them,
// and a control character in a farm name must not reach the output.
func TestCIFormatsKeepSecrets(t *testing.T) {
	dir := chdir(t)
	src := "<webFarms>\n  <webFarm name=\"we\x1bb\" adminPassword=\"hunter2\" adminUserName=\"[enc:AesProvider:c2VjcmV0:enc]\">\n" +
		"    <server address=\"10.0.0.1\" />\n  </webFarm>\n</webFarms>\n"
	if err := os.WriteFile(filepath.Join(dir, "farm.config"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	// YAML's "\e" puts a real ESC into the farm name, which messages quote.
	yml := "farms:\n  - name: \"we\\eb\"\n    adminPassword: hunter2\n    servers:\n      - address: 10.0.0.1\n"
	if err := os.WriteFile(filepath.Join(dir, "farm.yaml"), []byte(yml), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"azure", "gitlab", "junit", "checkstyle"} {
		code, out, stderr := runCLI(t, "", nil, "lint", "--format", format, "farm.config", "farm.yaml")
		if code != exitFindings {
			t.Fatalf("%s: exit %d (%s); the farm has findings", format, code, stderr)
		}
		for _, secret := range []string{"hunter2", "c2VjcmV0", "\x1b"} {
			if strings.Contains(out, secret) {
				t.Errorf("%s output contains %q:\n%s", format, secret, out)
			}
		}
	}
}

// TestCheckAzureUnderTFBuild: check writes its breaches through the same
// format selection as lint, so Azure Pipelines gets logging commands.
func TestCheckAzureUnderTFBuild(t *testing.T) {
	farm, hang := abs(t, "../../fixtures/check/farm.yaml"), abs(t, "../../fixtures/check/hang.yaml")
	chdir(t)
	code, out, stderr := runCLI(t, "", map[string]string{"TF_BUILD": "True"}, "check", farm, "--scenario", hang)
	if code != exitFindings || !strings.Contains(out, "##vso[task.logissue type=error;sourcepath="+farm+";linenumber=") {
		t.Errorf("check under TF_BUILD=True: exit %d, stderr %q, output:\n%s", code, stderr, out)
	}
}
