package lint

import (
	"regexp"
	"strings"

	"github.com/arrfarm/arrfarm/schema"
)

// orphanComment finds suppression comments in source text: XML comments
// and YAML comments (a # at the start of a line or after a space).
var orphanComment = regexp.MustCompile(`<!--\s*(arrfarm:ignore\b.*?)-->|(?m)(?:^|[ \t])#[ \t]*(arrfarm:ignore\b[^\r\n]*)`)

// withOrphans returns doc's suppressions plus the suppression comments the
// loader did not record. WORKAROUND: schema's builder drops a pending
// suppression comment when an end tag or text follows it instead of an
// element (builder.end and builder.text reset b.comments), so a comment
// that stands before nothing never reaches Document.Suppressions and could
// not be reported as silencing nothing. Remove once the loader records
// them with a zero Scope.
func withOrphans(doc *schema.Document) []schema.Suppression {
	if doc.Lines == nil {
		return doc.Suppressions
	}
	src := doc.Lines.Src()
	known := make(map[int]bool, len(doc.Suppressions))
	for _, s := range doc.Suppressions {
		known[s.Span.Start.Offset] = true
	}
	out := doc.Suppressions
	for _, m := range orphanComment.FindAllSubmatchIndex(src, -1) {
		start, end, text := m[0], m[1], ""
		if m[2] >= 0 {
			text = string(src[m[2]:m[3]])
		} else {
			text = string(src[m[4]:m[5]])
			start = m[4] - 1
			for start > 0 && src[start] != '#' {
				start--
			}
		}
		if known[start] {
			continue
		}
		rest := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(text), "arrfarm:ignore"))
		rule, reason, _ := strings.Cut(rest, " ")
		out = append(out, schema.Suppression{Span: doc.Lines.Span(start, end), Rule: rule, Reason: strings.TrimSpace(reason)})
	}
	return out
}
