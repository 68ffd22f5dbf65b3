package lint

import (
	"bytes"
	"strings"

	"github.com/arrfarm/arrfarm/schema"
)

var marker = []byte("arrfarm:ignore")

// withOrphans returns doc's suppressions plus the suppression comments the
// loader did not record. WORKAROUND: schema's builder drops a pending
// suppression comment when an end tag or text follows it instead of an
// element (builder.end and builder.text reset b.comments), so a comment
// that stands before nothing never reaches Document.Suppressions and could
// not be reported as silencing nothing. Remove once the loader records
// them with a zero Scope.
//
// It looks for the marker with bytes.Index, not a regexp over the whole
// file: a 1000-farm file has no marker and must cost next to nothing.
func withOrphans(doc *schema.Document) []schema.Suppression {
	if doc.Lines == nil {
		return doc.Suppressions
	}
	src := doc.Lines.Src()
	// Known comments by line, and by text because the loader positions
	// YAML suppression comments at 1:1 (reported to the lead).
	known := make(map[int]bool, len(doc.Suppressions))
	byText := map[string]int{}
	for _, s := range doc.Suppressions {
		known[s.Span.Start.Line] = true
		byText[s.Rule+"\x00"+s.Reason]++
	}
	out := doc.Suppressions
	for at := 0; ; {
		i := bytes.Index(src[at:], marker)
		if i < 0 {
			break
		}
		i += at
		at = i + len(marker)
		// The comment opener right before the marker, spaces between.
		j := i
		for j > 0 && (src[j-1] == ' ' || src[j-1] == '\t') {
			j--
		}
		var start, end int
		switch {
		case j >= 4 && string(src[j-4:j]) == "<!--":
			start = j - 4
			k := bytes.Index(src[i:], []byte("-->"))
			if k < 0 {
				continue
			}
			end = i + k + 3
		case j >= 1 && src[j-1] == '#' && (j == 1 || src[j-2] == ' ' || src[j-2] == '\t' || src[j-2] == '\n'):
			start = j - 1
			k := bytes.IndexAny(src[i:], "\r\n")
			if k < 0 {
				k = len(src) - i
			}
			end = i + k
		default:
			continue
		}
		text := string(src[i:end])
		text = strings.TrimSuffix(text, "-->")
		rest := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(text), "arrfarm:ignore"))
		rule, reason, _ := strings.Cut(rest, " ")
		reason = strings.TrimSpace(reason)
		if k := rule + "\x00" + reason; known[doc.Lines.Pos(start).Line] || byText[k] > 0 {
			byText[k]--
			continue
		}
		out = append(out, schema.Suppression{Span: doc.Lines.Span(start, end), Rule: rule, Reason: reason})
	}
	return out
}
