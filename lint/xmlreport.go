package lint

import (
	"encoding/xml"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/jstemmer/go-junit-report/v2/junit"
)

// WriteJUnit prints a JUnit XML report, which Jenkins, Azure DevOps
// (PublishTestResults) and GitLab (artifacts:reports:junit) display as
// test results: one testsuite per file, and in it one passing testcase
// per rule checked that found nothing, one testcase per finding. A
// finding at or above r.FailOn is a failed testcase; one below it passes,
// its text in system-out, so that the test counts agree with the exit
// code (an info note must not turn a green build's test tab red). A rule
// with two findings in a file is two testcases, because a JUnit testcase
// holds one failure.
//
// The rules checked are r.Checked; a report without them (a caller that
// does not track which rules ran) lists only the failing testcases.
func WriteJUnit(w io.Writer, r Report) error {
	r = r.Printable()
	suites := junit.Testsuites{Name: "arrfarm"}
	byFile := map[string][]Diagnostic{}
	for _, d := range r.Diagnostics {
		byFile[d.Span.File] = append(byFile[d.Span.File], d)
	}
	for i, file := range r.files() {
		name := filepath.ToSlash(file)
		suite := junit.Testsuite{Name: name, ID: i, Time: "0"}
		found := map[string]bool{}
		for _, d := range byFile[file] {
			if d.ID != "" {
				found[d.ID] = true
			}
			found[d.Rule] = true
		}
		for _, rule := range r.Checked {
			// check's limits have no ID: they are found by slug.
			if (rule.ID == "" || !found[rule.ID]) && !found[rule.Slug] {
				suite.AddTestcase(junit.Testcase{Name: strings.TrimSpace(rule.ID + " " + rule.Slug), Classname: name, Time: "0"})
			}
		}
		for _, d := range byFile[file] {
			testName := strings.TrimSpace(d.ID + " " + d.Rule)
			if !d.Span.IsZero() {
				testName += fmt.Sprintf(" at %d:%d", d.Span.Start.Line, d.Span.Start.Col)
			}
			data := fmt.Sprintf("%s: %s: %s [%s]", position(d.Span), d.Severity, d.Message, d.Rule)
			if src, _ := Excerpt(r.Sources[d.Span.File], d.Span); src != "" {
				data += "\n    " + src
			}
			for _, rel := range d.Related {
				data += fmt.Sprintf("\n%s: note: %s", position(rel.Span), rel.Message)
			}
			if d.URL != "" {
				data += "\n" + d.URL
			}
			tc := junit.Testcase{Name: testName, Classname: name, Time: "0"}
			if d.Severity >= r.FailOn {
				tc.Failure = &junit.Result{Message: d.Message, Type: d.Severity.String(), Data: data}
			} else {
				tc.SystemOut = &junit.Output{Data: data}
			}
			suite.AddTestcase(tc)
		}
		suites.AddSuite(suite)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	return suites.WriteXML(w)
}

// Checkstyle XML, the format Jenkins' Warnings Next Generation plugin and
// reviewdog (-f=checkstyle) read. Written with encoding/xml: the format is
// four elements, and the Go packages that model it (inside reviewdog) come
// with a whole review tool.
type (
	checkstyleReport struct {
		XMLName xml.Name         `xml:"checkstyle"`
		Version string           `xml:"version,attr"`
		Files   []checkstyleFile `xml:"file"`
	}
	checkstyleFile struct {
		Name   string            `xml:"name,attr"`
		Errors []checkstyleError `xml:"error"`
	}
	checkstyleError struct {
		Line     int    `xml:"line,attr"`
		Column   int    `xml:"column,attr,omitempty"`
		Severity string `xml:"severity,attr"`
		Message  string `xml:"message,attr"`
		Source   string `xml:"source,attr"`
	}
)

// WriteCheckstyle prints a Checkstyle XML report: every file read, with an
// error element per finding (severity error, warning or info, as
// Checkstyle names them) whose source is "arrfarm.<ID>.<slug>".
func WriteCheckstyle(w io.Writer, r Report) error {
	r = r.Printable()
	out := checkstyleReport{Version: "4.3"}
	byFile := map[string][]Diagnostic{}
	for _, d := range r.Diagnostics {
		byFile[d.Span.File] = append(byFile[d.Span.File], d)
	}
	for _, file := range r.files() {
		cf := checkstyleFile{Name: file}
		for _, d := range byFile[file] {
			source := "arrfarm." + d.Rule
			if d.ID != "" {
				source = "arrfarm." + d.ID + "." + d.Rule
			}
			cf.Errors = append(cf.Errors, checkstyleError{
				Line: d.Span.Start.Line, Column: d.Span.Start.Col,
				Severity: d.Severity.String(), Message: d.Message, Source: source,
			})
		}
		out.Files = append(out.Files, cf)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
