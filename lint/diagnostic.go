package lint

import (
	"cmp"
	"regexp"
	"slices"

	"github.com/arrfarm/arrfarm/schema"
)

// A Diagnostic is one finding, ready to print: the rule that found it, its
// effective severity, where, and what will happen in production.
type Diagnostic struct {
	ID       string // "ARR2001"
	Rule     string // slug, "no-health-check"
	Severity Severity
	Span     schema.Span
	Message  string
	// Related are secondary positions ("farm defined here"): positions
	// never go into Message.
	Related []schema.Related
	Farm    string // the farm the finding is about, "" if none
	URL     string // the rule's documentation
}

// compareDiagnostics orders by file, line, column, rule ID, then message,
// so output is the same whatever order rules ran in.
func compareDiagnostics(a, b Diagnostic) int {
	return cmp.Or(
		cmp.Compare(a.Span.File, b.Span.File),
		cmp.Compare(a.Span.Start.Line, b.Span.Start.Line),
		cmp.Compare(a.Span.Start.Col, b.Span.Start.Col),
		cmp.Compare(a.ID, b.ID),
		cmp.Compare(a.Rule, b.Rule),
		cmp.Compare(a.Message, b.Message),
		cmp.Compare(a.Span.End.Offset, b.Span.End.Offset),
	)
}

// Sort orders diagnostics (file, line, column, rule) and drops exact
// duplicates, e.g. two routes that lead to the same finding.
func Sort(ds []Diagnostic) []Diagnostic {
	slices.SortStableFunc(ds, compareDiagnostics)
	return slices.CompactFunc(ds, func(a, b Diagnostic) bool {
		return compareDiagnostics(a, b) == 0 && a.Severity == b.Severity
	})
}

// Count returns the number of diagnostics at each severity.
func Count(ds []Diagnostic) map[Severity]int {
	n := map[Severity]int{Error: 0, Warning: 0, Info: 0}
	for _, d := range ds {
		n[d.Severity]++
	}
	return n
}

// AtOrAbove reports whether some diagnostic has severity >= min.
func AtOrAbove(ds []Diagnostic, min Severity) bool {
	for _, d := range ds {
		if d.Severity >= min {
			return true
		}
	}
	return false
}

// encrypted matches IIS encrypted attribute values.
var encrypted = regexp.MustCompile(`\[enc:[^\]]*?:enc\]`)

// Redact removes encrypted blobs from text that is about to be printed.
// Rules never put secret values in messages; this is the safety net for a
// rule that quotes a user value which happens to contain one.
func Redact(s string) string {
	return encrypted.ReplaceAllString(s, "[enc:…:enc]")
}
