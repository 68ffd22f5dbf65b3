package rules

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/arrfarm/arrfarm/internal/input"
	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/observed"
	"github.com/arrfarm/arrfarm/schema"
)

// fixtureRoot holds one directory per rule slug with bad.* (every
// finding announced by a want comment) and good.* (no finding at all).
const fixtureRoot = "../../fixtures/lint"

// onDefaults are optional rules that stand for a fact about the deployment
// that only the user knows (the backends parse X-Forwarded-For as a bare
// address; ARR checks backend certificate names) and so fire on ordinary,
// valid configurations by design: the tests enable them on their own
// fixtures only.
var onDefaults = map[string]bool{"xff-includes-port": true, "https-backend-name": true}

// linterFor enables every rule, the optional ones too, and gives the
// latency rules the scenario in dir/latency.yaml when there is one.
func linterFor(t *testing.T, dir string) *lint.Linter {
	t.Helper()
	opts := lint.Options{}
	for _, r := range All {
		if r.Optional && (!onDefaults[r.Slug] || filepath.Base(dir) == r.Slug) {
			opts.Enable = append(opts.Enable, r.Slug)
		}
	}
	if dir != "" {
		p := filepath.Join(dir, "latency.yaml")
		if _, err := os.Stat(p); err == nil {
			src, err := observed.Open(p)
			if err != nil {
				t.Fatal(err)
			}
			opts.Latency = []lint.LatencySource{src}
		}
	}
	l, err := lint.New(All, opts)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func lintFile(t *testing.T, l *lint.Linter, path string) []lint.Diagnostic {
	t.Helper()
	src, err := input.ReadFile(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := schema.Load(path, src, schema.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return l.Lint(doc)
}

// render is how a want regexp sees a diagnostic: severity, message and slug,
// as the text format prints them.
func render(d lint.Diagnostic) string {
	return d.Severity.String() + ": " + d.Message + " [" + d.Rule + "]"
}

// expectation is one want regexp at a line.
type expectation struct {
	line int
	rx   *regexp.Regexp
}

var (
	wantComment = regexp.MustCompile(`(?:<!--|#)\s*want\s+(\+\d+\s+)?((?:(?:"(?:[^"\\]|\\.)*"|` + "`[^`]*`" + `)\s*)+)`)
	wantArg     = regexp.MustCompile(`"(?:[^"\\]|\\.)*"|` + "`[^`]*`")
)

// expectations reads the want comments of a fixture: `<!-- want "rx" -->`
// (or `# want "rx"` in YAML) expects a finding on its own line, `want +1
// "rx"` on the next line; one comment may hold several regexps.
func expectations(t *testing.T, path string) []expectation {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []expectation
	for i, line := range strings.Split(string(src), "\n") {
		for _, m := range wantComment.FindAllStringSubmatch(line, -1) {
			delta := 0
			if m[1] != "" {
				delta, _ = strconv.Atoi(strings.TrimSpace(m[1][1:]))
			}
			for _, arg := range wantArg.FindAllString(m[2], -1) {
				var pat string
				if arg[0] == '`' {
					pat = arg[1 : len(arg)-1]
				} else if pat, err = strconv.Unquote(arg); err != nil {
					t.Fatalf("%s:%d: bad want string %s: %v", path, i+1, arg, err)
				}
				rx, err := regexp.Compile(pat)
				if err != nil {
					t.Fatalf("%s:%d: bad want regexp: %v", path, i+1, err)
				}
				out = append(out, expectation{line: i + 1 + delta, rx: rx})
			}
		}
	}
	return out
}

// checkWants matches diagnostics to expectations one to one, as
// analysistest does: unexpected findings and unmatched wants both fail.
func checkWants(t *testing.T, path string, ds []lint.Diagnostic, wants []expectation) {
	t.Helper()
	used := make([]bool, len(wants))
	for _, d := range ds {
		found := false
		for i, w := range wants {
			if !used[i] && w.line == d.Span.Start.Line && w.rx.MatchString(render(d)) {
				used[i], found = true, true
				break
			}
		}
		if !found {
			t.Errorf("%s:%d:%d: unexpected finding: %s", path, d.Span.Start.Line, d.Span.Start.Col, render(d))
		}
	}
	var left []string
	for i, w := range wants {
		if !used[i] {
			left = append(left, fmt.Sprintf("%s:%d: no finding matching %q", path, w.line, w.rx))
		}
	}
	slices.Sort(left)
	for _, l := range left {
		t.Error(l)
	}
}

// fixtureFile finds dir/base.* (xml, config, yaml, ...).
func fixtureFile(dir, base string) string {
	if m := fixtureFiles(dir, base); len(m) > 0 {
		return m[0]
	}
	return ""
}

// fixtureFiles finds dir/base.* and dir/base-<case>.*: a rule's further
// bad or good shapes (a miss or a false alarm found later) sit beside the
// first, each a whole configuration.
func fixtureFiles(dir, base string) []string {
	var out []string
	for _, g := range []string{base + ".*", base + "-*.*"} {
		m, _ := filepath.Glob(filepath.Join(dir, g))
		for _, p := range m {
			if !strings.HasSuffix(p, ".golden") {
				out = append(out, p)
			}
		}
	}
	return out
}

// TestFixtures runs every rule's bad and good fixture. A registered rule
// without both fixtures fails, and so does a fixture directory that names
// no rule.
func TestFixtures(t *testing.T) {
	for _, r := range All {
		t.Run(r.Slug, func(t *testing.T) {
			dir := filepath.Join(fixtureRoot, r.Slug)
			bad, good := fixtureFile(dir, "bad"), fixtureFile(dir, "good")
			if bad == "" || good == "" {
				t.Fatalf("rule %s needs %s/bad.* and %s/good.*", r, dir, dir)
			}
			l := linterFor(t, dir)
			for _, bad := range fixtureFiles(dir, "bad") {
				ds := lintFile(t, l, bad)
				if !slices.ContainsFunc(ds, func(d lint.Diagnostic) bool { return d.Rule == r.Slug }) {
					t.Errorf("%s: rule %s does not fire on its bad fixture", bad, r.Slug)
				}
				checkWants(t, bad, ds, expectations(t, bad))
				checkEvidence(t, bad, ds)
			}
			for _, good := range fixtureFiles(dir, "good") {
				for _, d := range lintFile(t, l, good) {
					t.Errorf("%s:%d:%d: good fixture has a finding: %s", good, d.Span.Start.Line, d.Span.Start.Col, render(d))
				}
			}
		})
	}
	entries, err := os.ReadDir(fixtureRoot)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() && lint.Lookup(All, e.Name()) == nil {
			t.Errorf("%s/%s names no registered rule", fixtureRoot, e.Name())
		}
	}
}

// TestDocExamples keeps the documentation honest: each rule fires on its
// Bad example and not on its Good one.
func TestDocExamples(t *testing.T) {
	for _, r := range All {
		t.Run(r.Slug, func(t *testing.T) {
			l := linterFor(t, filepath.Join(fixtureRoot, r.Slug))
			run := func(name, src string) []lint.Diagnostic {
				if name == "" {
					name = "applicationHost.config"
				}
				doc, err := schema.Load(name, []byte(src), schema.Options{})
				if err != nil {
					t.Fatal(err)
				}
				return l.Lint(doc)
			}
			fires := func(ds []lint.Diagnostic) bool {
				return slices.ContainsFunc(ds, func(d lint.Diagnostic) bool { return d.Rule == r.Slug })
			}
			if ds := run(r.Doc.BadName, r.Doc.Bad); !fires(ds) {
				t.Errorf("rule does not fire on its Bad example; findings: %v", renderAll(ds))
			}
			// A Good example is what users copy: no rule may find anything
			// in it, not only the rule it illustrates (issue 7).
			if ds := run(r.Doc.GoodName, r.Doc.Good); len(ds) > 0 {
				t.Errorf("the Good example has findings: %v", renderAll(ds))
			}
		})
	}
}

func renderAll(ds []lint.Diagnostic) []string {
	var out []string
	for _, d := range ds {
		out = append(out, fmt.Sprintf("%d:%d %s", d.Span.Start.Line, d.Span.Start.Col, render(d)))
	}
	return out
}
