package lint

import (
	"strings"

	"github.com/arrfarm/arrfarm/schema"
)

// Severity is how bad a finding is. It is the schema's type so that the
// loader's per-finding severities need no conversion.
type Severity = schema.Severity

// Severities, lowest first.
const (
	Info    = schema.Info
	Warning = schema.Warning
	Error   = schema.Error
)

// A Rule is one lint check. Rules are values; package lint/rules lists them
// in an explicit registry, sorted by ID, and Validate checks that list.
type Rule struct {
	// ID is stable and never reused: "ARR" and four digits whose first
	// digit is the category (0 input and schema, 1 routing, 2 health,
	// 3 timeouts and latency, 4 balancing and affinity, 5 proxy,
	// 9 suppressions).
	ID string
	// Slug is the kebab-case name used in output, config files and
	// suppression comments.
	Slug string
	// Title is one line: lowercase, no final period, at most about 60
	// characters.
	Title string
	// Severity is the default; a finding may carry its own and the
	// configuration may override both.
	Severity Severity
	// Optional rules run only when enabled explicitly (--enable or the
	// enable list of .arrfarm.yaml).
	Optional bool
	// Latency rules need a latency source (--latency); without one they
	// are skipped silently.
	Latency bool
	// After rules run once every other rule has run and the suppressions
	// have been applied, so that Pass.Suppressions can say which of them
	// silenced something. Their own findings cannot be suppressed.
	After bool
	// Doc is the documentation printed by "arrfarm explain" and docs/rules.md.
	Doc Doc
	// Help is the documentation link of a rule that docs/rules.md does not
	// hold (check's limits are documented with the command); empty for
	// registry rules, whose link is their anchor in docs/rules.md.
	Help string
	// Evidence is what the rule's claim rests on: every source and its kind.
	// A rule resting only on inference is never an error (Validate).
	Evidence []Source
	// Check inspects Pass.Config and reports findings through the Pass.
	Check func(*Pass)
}

// Doc documents a rule. Why and Fix are Markdown paragraphs. Bad and Good
// are complete, loadable configurations: a test checks that the rule fires
// on Bad and stays silent on Good, so the examples cannot drift from the
// behaviour.
type Doc struct {
	Why  string // what goes wrong in production, and why
	Fix  string // how to fix it
	Bad  string // an example that triggers the rule
	Good string // the example fixed
	// BadName and GoodName are the file names the examples are loaded
	// under; empty means "applicationHost.config". A web.config example
	// needs its name because the name decides what the file may contain.
	BadName, GoodName string
}

// SourceKind is how strong a source is, from a schema file (what IIS
// enforces) down to arrfarm's own inference.
type SourceKind int

// Kinds of source, strongest first. The zero value is invalid so that a
// Source without a kind is caught by Validate.
const (
	_ SourceKind = iota
	// FromSchema: an IIS, ARR, URL Rewrite or Web Farm Framework schema
	// file says it (types, ranges, defaults, unique keys).
	FromSchema
	// FromDocs: Microsoft documentation says it.
	FromDocs
	// FromCommunity: a blog, forum answer, third-party repository or other
	// community report says it.
	FromCommunity
	// FromArrfarm: arrfarm's own formats (its YAML form, suppression
	// comments); the rule is about arrfarm, not about IIS.
	FromArrfarm
	// Inferred: reasoned from the above or from general practice, not
	// stated by any source found.
	Inferred
)

var sourceKindNames = [...]string{FromSchema: "schema", FromDocs: "Microsoft documentation",
	FromCommunity: "community report", FromArrfarm: "arrfarm format", Inferred: "inferred"}

func (k SourceKind) String() string {
	if k <= 0 || int(k) >= len(sourceKindNames) {
		return "unknown"
	}
	return sourceKindNames[k]
}

// A Source is one piece of evidence: its kind and where to find it.
type Source struct {
	Kind SourceKind
	Ref  string // the document, file or page, and what it says
}

// InferredOnly reports whether nothing but inference backs the rule.
func (r *Rule) InferredOnly() bool {
	for _, s := range r.Evidence {
		if s.Kind != Inferred {
			return false
		}
	}
	return true
}

// EvidenceSummary is the rule's evidence in one line: "schema (arr_schema.xml
// ...); inferred (...)".
func (r *Rule) EvidenceSummary() string {
	parts := make([]string, 0, len(r.Evidence))
	for _, s := range r.Evidence {
		parts = append(parts, s.Kind.String()+": "+s.Ref)
	}
	return strings.Join(parts, "; ")
}

// DocsURL is where docs/rules.md is published; each rule has an anchor
// named after its slug.
const DocsURL = "https://github.com/arrfarm/arrfarm/blob/main/docs/rules.md"

// URL is the rule's documentation link.
func (r *Rule) URL() string {
	if r.Help != "" {
		return r.Help
	}
	return DocsURL + "#" + r.Slug
}

// String is "ARR2001 no-health-check".
func (r *Rule) String() string { return r.ID + " " + r.Slug }

// Lookup finds a rule by slug or ID (IDs case-insensitively).
func Lookup(registry []*Rule, name string) *Rule {
	for _, r := range registry {
		if r.Slug == name || strings.EqualFold(r.ID, name) {
			return r
		}
	}
	return nil
}

// Suggest returns the registered slug closest to name, or "" when nothing
// is close, for "did you mean" hints.
func Suggest(registry []*Rule, name string) string {
	best, bestD := "", len(name)/2+1
	for _, r := range registry {
		if d := schema.EditDistance(strings.ToLower(name), r.Slug); d < bestD {
			best, bestD = r.Slug, d
		}
	}
	return best
}

// EditDistance is schema.EditDistance, for rules that suggest names
// (farm typos).
func EditDistance(a, b string) int { return schema.EditDistance(a, b) }
