package lint

import (
	"bytes"
	"strings"
	"testing"

	"github.com/arrfarm/arrfarm/schema"
)

func TestGitHubEscaping(t *testing.T) {
	d := Diagnostic{ID: "ARR1001", Rule: "r", Severity: Error, Message: "100% bad\nreally",
		Span: schema.Span{File: "a,b:c.config", Start: schema.Pos{Line: 3, Col: 5}, End: schema.Pos{Line: 3, Col: 9}}}
	var b bytes.Buffer
	if err := WriteGitHub(&b, Report{Diagnostics: []Diagnostic{d}}); err != nil {
		t.Fatal(err)
	}
	// A message is one line: a line break that came from the input is
	// shown escaped (Report.Printable), and '%' is escaped for the runner.
	want := "::error file=a%2Cb%3Ac.config,line=3,col=5,endLine=3,endColumn=9,title=ARR1001 r::100%25 bad\\x0areally [r]\n"
	if b.String() != want {
		t.Errorf("got  %q\nwant %q", b.String(), want)
	}
}

func TestJSONEmpty(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJSON(&b, Report{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `"diagnostics": []`) || !strings.Contains(b.String(), `"error": 0`) {
		t.Errorf("empty report: %s", b.String())
	}
}

func TestSortDedupe(t *testing.T) {
	at := func(line, col int) schema.Span {
		return schema.Span{File: "f", Start: schema.Pos{Line: line, Col: col}}
	}
	ds := Sort([]Diagnostic{
		{ID: "ARR2001", Span: at(3, 1), Message: "b"},
		{ID: "ARR1001", Span: at(3, 1), Message: "a"},
		{ID: "ARR2001", Span: at(3, 1), Message: "b"},
		{ID: "ARR0001", Span: at(1, 9), Message: "c"},
	})
	var got []string
	for _, d := range ds {
		got = append(got, d.ID)
	}
	if strings.Join(got, " ") != "ARR0001 ARR1001 ARR2001" {
		t.Errorf("sorted and deduplicated: %v", got)
	}
}

func TestValidateRejects(t *testing.T) {
	good := func() *Rule {
		return &Rule{ID: "ARR2001", Slug: "no-health-check", Title: "a title", Severity: Warning, Check: func(*Pass) {},
			Doc: Doc{Why: "w", Fix: "f", Bad: "b", Good: "g"}, Evidence: []Source{{Kind: FromDocs, Ref: "a page"}}}
	}
	if err := Validate([]*Rule{good()}); err != nil {
		t.Fatalf("valid rule rejected: %v", err)
	}
	for name, mutate := range map[string]func(r *Rule){
		"bad ID":       func(r *Rule) { r.ID = "ARR7001" },
		"bad slug":     func(r *Rule) { r.Slug = "No_Health" },
		"title cap":    func(r *Rule) { r.Title = "A title" },
		"title period": func(r *Rule) { r.Title = "a title." },
		"no severity":  func(r *Rule) { r.Severity = 0 },
		"no check":     func(r *Rule) { r.Check = nil },
		"no example":   func(r *Rule) { r.Doc.Good = "" },
		"no evidence":  func(r *Rule) { r.Evidence = nil },
		"no ref":       func(r *Rule) { r.Evidence[0].Ref = "" },
		"no kind":      func(r *Rule) { r.Evidence[0].Kind = 0 },
		// The acceptance of issue 10: a claim no source makes is never an error.
		"inferred error": func(r *Rule) {
			r.Severity = Error
			r.Evidence = []Source{{Kind: Inferred, Ref: "reasoning"}, {Kind: Inferred, Ref: "more reasoning"}}
		},
	} {
		r := good()
		mutate(r)
		if Validate([]*Rule{r}) == nil {
			t.Errorf("%s: not rejected", name)
		}
	}
	a, b := good(), good()
	b.Slug = "other"
	if Validate([]*Rule{a, b}) == nil {
		t.Error("duplicate ID not rejected")
	}
	b.ID = "ARR1001"
	if Validate([]*Rule{a, b}) == nil {
		t.Error("unsorted registry not rejected")
	}
}
