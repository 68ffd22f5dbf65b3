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
	want := "::error file=a%2Cb%3Ac.config,line=3,col=5,endLine=3,endColumn=9,title=ARR1001 r::100%25 bad%0Areally [r]\n"
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

func TestRedactLine(t *testing.T) {
	for in, want := range map[string]string{
		`<webFarm adminPassword="hunter2" name="x">`: `<webFarm adminPassword="*******" name="x">`,
		`  password='[enc:Aes:abc:enc]' user="u"`:    `  password='*****************' user="u"`,
		`x="[enc:Aes:abc:enc]"`:                      `x="*****************"`,
		`    adminPassword: hunter2`:                 `    adminPassword: *******`,
		`<proxy clientCertPassword = "s3cr3t" />`:    `<proxy clientCertPassword = "******" />`,
		`<webFarm name="password" />`:                `<webFarm name="password" />`,
	} {
		if got := RedactLine(in); got != want {
			t.Errorf("RedactLine(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCaret(t *testing.T) {
	span := func(c1, c2 int) schema.Span {
		return schema.Span{Start: schema.Pos{Line: 1, Col: c1}, End: schema.Pos{Line: 1, Col: c2}}
	}
	for _, c := range []struct {
		src  string
		s    schema.Span
		want string
	}{
		{`<a b="xyz" />`, span(7, 10), "      ^~~"},
		{"\t<a b=\"x\" />", span(8, 9), "\t      ^"},
		{`é="v"`, span(4, 5), "   ^"}, // columns count characters, not bytes
	} {
		if got := caret(c.src, c.s); got != c.want {
			t.Errorf("caret(%q) = %q, want %q", c.src, got, c.want)
		}
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
