package lint

import (
	"cmp"
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

// Printable returns a copy of r whose user-supplied text is safe to
// print: secrets masked (schema.MaskSecrets, which also masks the values
// of secret-named parameters such as a health check URL's ?password=) and
// control characters escaped (schema.EscapeControl)
// in messages, file names and farm names. It is idempotent; every output
// format applies it.
func (r Report) Printable() Report {
	out := r
	out.Diagnostics = make([]Diagnostic, len(r.Diagnostics))
	for i, d := range r.Diagnostics {
		d.Message = schema.Printable(d.Message)
		d.Farm = schema.Printable(d.Farm)
		d.Span.File = schema.Printable(d.Span.File)
		if len(d.Related) > 0 {
			rel := make([]schema.Related, len(d.Related))
			for k, x := range d.Related {
				x.Message = schema.Printable(x.Message)
				x.Span.File = schema.Printable(x.Span.File)
				rel[k] = x
			}
			d.Related = rel
		}
		out.Diagnostics[i] = d
	}
	if len(r.Servers) > 0 {
		out.Servers = make([][]string, len(r.Servers))
		for i, files := range r.Servers {
			for _, f := range files {
				out.Servers[i] = append(out.Servers[i], schema.Printable(f))
			}
		}
	}
	if len(r.Notes) > 0 {
		out.Notes = make([]string, len(r.Notes))
		for i, n := range r.Notes {
			out.Notes[i] = schema.Printable(n)
		}
	}
	if len(r.Sources) > 0 {
		// Sources are looked up by the printable file name.
		out.Sources = make(map[string]*schema.Lines, len(r.Sources))
		for name, l := range r.Sources {
			out.Sources[schema.Printable(name)] = l
		}
	}
	return out
}
