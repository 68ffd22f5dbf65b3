package lint

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/arrfarm/arrfarm/schema"
)

// A Report is what the output formats render.
type Report struct {
	Diagnostics []Diagnostic
	// Sources are the files' texts by file name, for printing source
	// lines; a file without an entry prints without them.
	Sources map[string]*schema.Lines
	// Rules is the whole registry: SARIF lists every rule, enabled or not.
	Rules []*Rule
	// Checked are the rules that ran, for the formats that also list what
	// passed (JUnit); nil lists only the findings.
	Checked []*Rule
	// Version is arrfarm's version, for SARIF's tool.driver.
	Version string
	// FailOn is the --fail-on level: the formats that have a notion of
	// failure (JUnit) count only findings at or above it. The zero value
	// counts every finding.
	FailOn Severity
}

// Formats are the names Write accepts.
var Formats = []string{"text", "json", "sarif", "github", "azure", "gitlab", "junit", "checkstyle"}

// CIFormat picks the format for a run whose --format was not given: the
// annotation format of the CI system the environment names (GitHub Actions
// sets GITHUB_ACTIONS=true, Azure Pipelines TF_BUILD=True), else def.
func CIFormat(getenv func(string) string, def string) string {
	switch {
	case getenv("GITHUB_ACTIONS") == "true":
		return "github"
	case strings.EqualFold(getenv("TF_BUILD"), "true"):
		return "azure"
	}
	return def
}

// Write renders r in format. color applies to text only.
//
// Every format, including new ones, must go through Write or start with
// r.Printable(): user text (messages, file and farm names) then has its
// secrets masked and its control characters escaped. Formats that show
// source text get it from Excerpt. TestFormatsAreSafe checks every name in
// Formats against a hostile report.
func Write(w io.Writer, format string, r Report, color bool) error {
	r = r.Printable()
	switch format {
	case "text":
		return WriteText(w, r, color)
	case "json":
		return WriteJSON(w, r)
	case "sarif":
		return WriteSARIF(w, r)
	case "github":
		return WriteGitHub(w, r)
	case "azure":
		return WriteAzure(w, r)
	case "gitlab":
		return WriteGitLab(w, r)
	case "junit":
		return WriteJUnit(w, r)
	case "checkstyle":
		return WriteCheckstyle(w, r)
	}
	return fmt.Errorf("unknown format %q (want %s)", format, strings.Join(Formats, ", "))
}

// ANSI colors for the text format.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiDim    = "\x1b[2m"
	ansiRed    = "\x1b[31m"
	ansiYellow = "\x1b[33m"
	ansiBlue   = "\x1b[34m"
	ansiGreen  = "\x1b[32m"
)

func severityColor(s Severity) string {
	switch s {
	case Error:
		return ansiRed
	case Warning:
		return ansiYellow
	}
	return ansiBlue
}

// WriteText prints one block per diagnostic:
//
//	file:line:col: severity: message [slug]
//	    <source line>
//	    ^~~~
//
// then any related positions as "note" lines, then a one-line summary.
func WriteText(w io.Writer, r Report, color bool) error {
	r = r.Printable()
	paint := func(code, s string) string {
		if !color {
			return s
		}
		return code + s + ansiReset
	}
	var b strings.Builder
	for _, d := range r.Diagnostics {
		fmt.Fprintf(&b, "%s: %s: %s %s\n", paint(ansiBold, position(d.Span)),
			paint(severityColor(d.Severity), d.Severity.String()), d.Message, paint(ansiDim, "["+d.Rule+"]"))
		if src, caret := Excerpt(r.Sources[d.Span.File], d.Span); caret != "" {
			fmt.Fprintf(&b, "    %s\n    %s\n", src, paint(ansiGreen, caret))
		}
		for _, rel := range d.Related {
			fmt.Fprintf(&b, "%s: %s: %s\n", paint(ansiBold, position(rel.Span)), paint(ansiDim, "note"), rel.Message)
		}
	}
	if n := len(r.Diagnostics); n > 0 {
		c := Count(r.Diagnostics)
		fmt.Fprintf(&b, "%d %s (%d %s, %d %s, %d info)\n", n, plural(n, "finding"),
			c[Error], plural(c[Error], "error"), c[Warning], plural(c[Warning], "warning"), c[Info])
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func plural(n int, s string) string {
	if n == 1 {
		return s
	}
	return s + "s"
}

func position(s schema.Span) string {
	if s.IsZero() {
		return s.File
	}
	return fmt.Sprintf("%s:%d:%d", s.File, s.Start.Line, s.Start.Col)
}

// jsonDiagnostic is the lint JSON contract (docs/design.md section 2):
// exactly these fields.
type jsonDiagnostic struct {
	ID        string `json:"id"`
	Rule      string `json:"rule"`
	Severity  string `json:"severity"`
	File      string `json:"file"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"end_line"`
	EndColumn int    `json:"end_column"`
	Farm      string `json:"farm"`
	Message   string `json:"message"`
	URL       string `json:"url"`
}

// WriteJSON prints {"diagnostics": [...], "summary": {...}}.
func WriteJSON(w io.Writer, r Report) error {
	r = r.Printable()
	out := struct {
		Diagnostics []jsonDiagnostic `json:"diagnostics"`
		Summary     struct {
			Error   int `json:"error"`
			Warning int `json:"warning"`
			Info    int `json:"info"`
		} `json:"summary"`
	}{Diagnostics: make([]jsonDiagnostic, 0, len(r.Diagnostics))}
	for _, d := range r.Diagnostics {
		out.Diagnostics = append(out.Diagnostics, jsonDiagnostic{
			ID: d.ID, Rule: d.Rule, Severity: d.Severity.String(), File: d.Span.File,
			Line: d.Span.Start.Line, Column: d.Span.Start.Col, EndLine: d.Span.End.Line, EndColumn: d.Span.End.Col,
			Farm: d.Farm, Message: d.Message, URL: d.URL,
		})
	}
	c := Count(r.Diagnostics)
	out.Summary.Error, out.Summary.Warning, out.Summary.Info = c[Error], c[Warning], c[Info]
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// WriteGitHub prints GitHub Actions workflow commands, which the runner
// turns into annotations on the pull request's changed lines.
func WriteGitHub(w io.Writer, r Report) error {
	r = r.Printable()
	var b strings.Builder
	for _, d := range r.Diagnostics {
		cmd := "notice"
		switch d.Severity {
		case Error:
			cmd = "error"
		case Warning:
			cmd = "warning"
		}
		fmt.Fprintf(&b, "::%s file=%s", cmd, ghProperty(d.Span.File))
		if !d.Span.IsZero() {
			fmt.Fprintf(&b, ",line=%d,col=%d", d.Span.Start.Line, d.Span.Start.Col)
			if d.Span.End.Line >= d.Span.Start.Line && d.Span.End.Line > 0 {
				fmt.Fprintf(&b, ",endLine=%d", d.Span.End.Line)
				if d.Span.End.Line == d.Span.Start.Line {
					fmt.Fprintf(&b, ",endColumn=%d", d.Span.End.Col)
				}
			}
		}
		title := strings.TrimSpace(d.ID + " " + d.Rule)
		fmt.Fprintf(&b, ",title=%s::%s\n", ghProperty(title), ghData(d.Message+" ["+d.Rule+"]"))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// ghData and ghProperty escape workflow-command text the way the Actions
// toolkit does (@actions/core command.ts).
func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func ghProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
