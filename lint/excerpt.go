package lint

import (
	"strings"
	"unicode/utf8"

	"github.com/arrfarm/arrfarm/schema"
)

// The text format shows at most this many bytes of source on each side of
// a finding: a minified file keeps everything on one line, and printing
// that line whole for each finding made the output grow with the square
// of the file's size (400 farms on one line printed 14 MB).
const (
	excerptWhole  = 200 // a line up to this many bytes is shown whole
	excerptBefore = 80
	excerptAfter  = 80
	excerptMark   = 80 // longest underline
)

// Excerpt returns the part of span's first line to print under a finding,
// and the caret line that marks the span in it:
//
//   - a line longer than 200 bytes cut to about 160 columns around the span, with "…" where
//     the line goes on;
//   - secret values (as the loader read them, and any encrypted blob,
//     URL credentials or password-like attribute in the text) replaced by
//     schema.Mask, whose fixed length says nothing about the secret;
//   - control characters and invalid bytes escaped (schema.EscapeControl).
//
// The caret line accounts for every replacement, so it stays under the
// span. Every text format that shows source goes through Excerpt.
func Excerpt(lines *schema.Lines, span schema.Span) (src, caretLine string) {
	if lines == nil || span.IsZero() {
		return "", ""
	}
	lineStart, lineEnd := lines.LineBounds(span.Start.Line)
	text := lines.Src()
	s := min(max(span.Start.Offset, lineStart), lineEnd)
	e := s + 1
	if span.End.Line == span.Start.Line && span.End.Offset > s {
		e = span.End.Offset
	}
	e = min(e, lineEnd)
	from, to := lineStart, lineEnd
	if lineEnd-lineStart > excerptWhole {
		e = min(e, s+excerptMark)
		if from < s-excerptBefore {
			from = runeStart(text, s-excerptBefore)
		}
		if to > max(e, s+1)+excerptAfter {
			to = runeStart(text, max(e, s+1)+excerptAfter)
		}
	}
	masks := lines.SecretsIn(from, to)

	var b strings.Builder
	var cells []bool // one per printed column: whether it is a tab
	caretCol, endCol := -1, -1
	emit := func(text string, tab bool, width int) {
		b.WriteString(text)
		for range width {
			cells = append(cells, tab)
		}
	}
	if from > lineStart {
		emit("…", false, 1)
	}
	for i := from; i < to; {
		if len(masks) > 0 && i >= masks[0][1] {
			masks = masks[1:]
			continue
		}
		if len(masks) > 0 && i >= masks[0][0] {
			// A caret or an end inside the secret points at the mask.
			if caretCol < 0 && s < masks[0][1] {
				caretCol = len(cells)
			}
			emit(schema.Mask, false, len(schema.Mask))
			if endCol < 0 && e <= masks[0][1] {
				endCol = len(cells)
			}
			i = masks[0][1]
			continue
		}
		if caretCol < 0 && i >= s {
			caretCol = len(cells)
		}
		if endCol < 0 && i >= e {
			endCol = len(cells)
		}
		r, n := utf8.DecodeRune(text[i:])
		raw := string(text[i : i+n])
		if esc := schema.EscapeControl(raw); esc != raw {
			emit(esc, false, len(esc))
		} else {
			emit(raw, r == '\t', 1)
		}
		i += n
	}
	if caretCol < 0 {
		caretCol = len(cells)
	}
	if endCol < 0 {
		endCol = len(cells)
	}
	if to < lineEnd {
		b.WriteString("…")
	}
	var c strings.Builder
	for _, tab := range cells[:caretCol] {
		if tab {
			c.WriteByte('\t')
		} else {
			c.WriteByte(' ')
		}
	}
	c.WriteByte('^')
	if endCol-caretCol > 1 {
		c.WriteString(strings.Repeat("~", endCol-caretCol-1))
	}
	return b.String(), c.String()
}

// runeStart moves off back to the first byte of the rune it is in.
func runeStart(text []byte, off int) int {
	for off > 0 && off < len(text) && !utf8.RuneStart(text[off]) {
		off--
	}
	return off
}
