package lint

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// The CI formats: the report as the build systems IIS shops use read it.
// Each one follows its platform's published format; none has a
// well-kept Go library for writing it (JUnit uses go-junit-report's
// types, in xmlreport.go).

// WriteAzure prints Azure Pipelines logging commands, one per finding:
//
//	##vso[task.logissue type=warning;sourcepath=f;linenumber=12;columnnumber=5;code=ARR2001]message [slug]
//
// The agent turns them into issues on the run and annotations on the pull
// request. Azure has only error and warning issues, so info findings are
// warnings whose message starts with "info:".
func WriteAzure(w io.Writer, r Report) error {
	r = r.Printable()
	var b strings.Builder
	for _, d := range r.Diagnostics {
		typ, prefix := "warning", ""
		switch d.Severity {
		case Error:
			typ = "error"
		case Info:
			prefix = "info: "
		}
		fmt.Fprintf(&b, "##vso[task.logissue type=%s;sourcepath=%s", typ, azureProperty(d.Span.File))
		if !d.Span.IsZero() {
			fmt.Fprintf(&b, ";linenumber=%d;columnnumber=%d", d.Span.Start.Line, d.Span.Start.Col)
		}
		fmt.Fprintf(&b, ";code=%s]%s\n", azureProperty(cmpOr(d.ID, d.Rule)), azureData(prefix+d.Message+" ["+d.Rule+"]"))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// azureData and azureProperty escape logging-command text as the Azure
// Pipelines task library does (taskcommand.ts): "%" first, then line
// breaks so that a command stays on one line, and in property values also
// ";" and "]", which end a property and the property list. Other control
// characters are replaced, as in every format.
func azureData(s string) string {
	return strings.NewReplacer("%", "%AZP25", "\r", "%0D", "\n", "%0A").Replace(stripControl(s))
}

func azureProperty(s string) string {
	return strings.NewReplacer("%", "%AZP25", "\r", "%0D", "\n", "%0A", "]", "%5D", ";", "%3B").Replace(stripControl(s))
}

// stripControl replaces control characters other than line breaks and tabs
// with U+FFFD, so that no value from a configuration can move a terminal's
// cursor, hide text in a CI log, or make an XML report invalid.
func stripControl(s string) string {
	if !strings.ContainsFunc(s, isStrippedControl) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isStrippedControl(r) {
			return unicode.ReplacementChar
		}
		return r
	}, s)
}

func isStrippedControl(r rune) bool {
	return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t'
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// gitlabIssue is one entry of a GitLab Code Quality report (the Code
// Climate issue subset GitLab documents as required).
type gitlabIssue struct {
	Description string         `json:"description"`
	CheckName   string         `json:"check_name"`
	Fingerprint string         `json:"fingerprint"`
	Severity    string         `json:"severity"`
	Location    gitlabLocation `json:"location"`
}

type gitlabLocation struct {
	Path  string      `json:"path"`
	Lines gitlabLines `json:"lines"`
}

type gitlabLines struct {
	Begin int `json:"begin"`
}

// gitlabSeverity maps severities onto GitLab's five levels the way
// eslint-formatter-gitlab does for ESLint's error and warning: error is
// major, warning minor; info stays info.
func gitlabSeverity(s Severity) string {
	switch s {
	case Error:
		return "major"
	case Warning:
		return "minor"
	}
	return "info"
}

// WriteGitLab prints a GitLab Code Quality report: a JSON array with one
// issue per finding. GitLab matches issues between the base and the merge
// request by fingerprint, so it is the SARIF fingerprint (stable when lines
// move), made unique within the report.
func WriteGitLab(w io.Writer, r Report) error {
	r = r.Printable()
	out := make([]gitlabIssue, 0, len(r.Diagnostics))
	seen := map[string]int{}
	for _, d := range r.Diagnostics {
		fp := fingerprint(d, r)
		seen[fp]++
		if n := seen[fp]; n > 1 {
			fp += ":" + strconv.Itoa(n)
		}
		out = append(out, gitlabIssue{
			Description: stripControl(d.Message + " [" + d.Rule + "]"),
			CheckName:   cmpOr(d.ID, d.Rule),
			Fingerprint: fp,
			Severity:    gitlabSeverity(d.Severity),
			// GitLab wants a repository-relative path with slashes and a
			// line; a finding about a whole file points at its first line.
			Location: gitlabLocation{Path: filepath.ToSlash(d.Span.File), Lines: gitlabLines{Begin: max(d.Span.Start.Line, 1)}},
		})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// files returns every file the report covers, sorted: those that were read
// (Sources) and any that only a diagnostic names.
func (r Report) files() []string {
	set := map[string]bool{}
	for f := range r.Sources {
		set[f] = true
	}
	for _, d := range r.Diagnostics {
		set[d.Span.File] = true
	}
	files := make([]string, 0, len(set))
	for f := range set {
		files = append(files, f)
	}
	slices.Sort(files)
	return files
}
