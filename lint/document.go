package lint

import "github.com/arrfarm/arrfarm/schema"

// Document is one loaded file: the model, the loader's own findings (the
// input and schema rules), the source text and the suppression comments.
//
// TEMPORARY: mirrors schema.Document until the loader lands on main; then
// this becomes an alias.
type Document struct {
	Config       *schema.Config
	Findings     []schema.Finding
	Lines        *schema.Lines
	Suppressions []Suppression
}

// Suppression is one "arrfarm:ignore" comment. TEMPORARY mirror of
// schema.Suppression.
type Suppression struct {
	Span   schema.Span
	Rule   string
	Reason string
	Scope  schema.Span
}
