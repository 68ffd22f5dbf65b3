package schema

import "strings"

// Suppression is an "arrfarm:ignore RULE reason" comment. The lint package
// decides what it silences and reports the ones that are malformed or
// silence nothing.
type Suppression struct {
	Span   Span   // the comment itself
	Rule   string // as written: a slug or an ID; "" when missing
	Reason string // "" when missing
	// Scope is the element the comment stands directly before, start tag
	// through end tag, children included; zero when it precedes none.
	Scope Span
}

const suppressionMarker = "arrfarm:ignore"

func isSuppression(text string) bool {
	return strings.HasPrefix(strings.TrimSpace(text), suppressionMarker)
}

func parseSuppression(text string) (rule, reason string) {
	rest := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(text), suppressionMarker))
	rule, reason, _ = strings.Cut(rest, " ")
	return rule, strings.TrimSpace(reason)
}

type pendingSuppression struct {
	c    comment
	info *nodeInfo
}

func (b *builder) suppression(c comment, info *nodeInfo) {
	b.pending = append(b.pending, pendingSuppression{c: c, info: info})
}

// suppressions resolves each comment's scope once element ends are known.
func (b *builder) suppressions() []Suppression {
	out := make([]Suppression, 0, len(b.pending))
	for _, p := range b.pending {
		rule, reason := parseSuppression(p.c.text)
		s := Suppression{Span: p.c.span, Rule: rule, Reason: reason}
		if p.info != nil {
			s.Scope = b.lines.Span(int(p.info.tag0), max(p.info.end, int(p.info.tag1)))
		}
		out = append(out, s)
	}
	return out
}
