package schema

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

func TestLinesColumnsCountCharacters(t *testing.T) {
	// A long line with multi-byte characters: every column must equal the
	// number of characters before it, plus one.
	line := strings.Repeat("aé€😀", 2000)
	src := "first\n" + line + "\nlast"
	l := NewLines("f", []byte(src))
	start := len("first\n")
	for off := start; off <= start+len(line); off += 7 {
		if !utf8.RuneStart(src[off]) && off < len(src) {
			continue
		}
		p := l.Pos(off)
		assert.Equal(t, 2, p.Line)
		assert.Equal(t, utf8.RuneCountInString(src[start:off])+1, p.Col, "offset %d", off)
	}
	assert.Equal(t, Pos{Offset: len(src) - 2, Line: 3, Col: 3}, l.Pos(len(src)-2))
	assert.Equal(t, "last", l.Line(3))
	assert.Equal(t, len(src)-4, l.OffsetOf(3, 1))
}

// BenchmarkPosMinified is a minified (one-line) config's worth of
// positions: it must not cost the square of the line's length.
func BenchmarkPosMinified(b *testing.B) {
	src := []byte(strings.Repeat(`<server address="ü"/>`, 50000))
	for b.Loop() {
		l := NewLines("f", src)
		for off := 0; off < len(src); off += 22 {
			l.Pos(off)
		}
	}
}
