package schema

import (
	"fmt"
	"sort"
	"unicode/utf8"
)

// Pos is a place in a source file. Line and Col are 1-based; Col counts
// characters (runes), not bytes. Offset is the 0-based byte offset in the
// UTF-8 text the loader read (UTF-16 input is converted first).
type Pos struct {
	Offset int
	Line   int
	Col    int
}

// Span is a range of source text: Start is the first byte, End the byte
// after the last. A zero Span means "no position" (e.g. a default value).
type Span struct {
	File  string
	Start Pos
	End   Pos
}

// IsZero reports whether s carries no position.
func (s Span) IsZero() bool { return s.Start.Line == 0 }

// String renders the span as file:line:col, the form editors and CI
// annotations understand.
func (s Span) String() string {
	if s.IsZero() {
		return s.File
	}
	return fmt.Sprintf("%s:%d:%d", s.File, s.Start.Line, s.Start.Col)
}

// Lines converts byte offsets of one file into line:col positions.
type Lines struct {
	file   string
	src    []byte
	starts []int // byte offset of the first byte of each line
}

// NewLines indexes src, the UTF-8 text of file.
func NewLines(file string, src []byte) *Lines {
	starts := make([]int, 1, len(src)/40+1)
	for i, c := range src {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return &Lines{file: file, src: src, starts: starts}
}

// File is the name positions are reported under.
func (l *Lines) File() string { return l.file }

// Src is the indexed text.
func (l *Lines) Src() []byte { return l.src }

// Pos returns the position of byte offset off (clamped to the text).
func (l *Lines) Pos(off int) Pos {
	if off < 0 {
		off = 0
	}
	if off > len(l.src) {
		off = len(l.src)
	}
	i := sort.SearchInts(l.starts, off+1) - 1
	start := l.starts[i]
	return Pos{Offset: off, Line: i + 1, Col: utf8.RuneCount(l.src[start:off]) + 1}
}

// Span returns the span of bytes [start, end).
func (l *Lines) Span(start, end int) Span {
	if end < start {
		end = start
	}
	return Span{File: l.file, Start: l.Pos(start), End: l.Pos(end)}
}

// OffsetOf returns the byte offset of a 1-based line and column (in runes),
// the inverse of Pos. It is used for positions that arrive as line:col.
func (l *Lines) OffsetOf(line, col int) int {
	if line < 1 {
		return 0
	}
	if line > len(l.starts) {
		return len(l.src)
	}
	off := l.starts[line-1]
	for c := 1; c < col && off < len(l.src) && l.src[off] != '\n'; c++ {
		_, n := utf8.DecodeRune(l.src[off:])
		off += n
	}
	return off
}

// Line returns the text of 1-based line n without its line ending.
func (l *Lines) Line(n int) string {
	if n < 1 || n > len(l.starts) {
		return ""
	}
	start := l.starts[n-1]
	end := len(l.src)
	if n < len(l.starts) {
		end = l.starts[n] - 1
	}
	if end > start && l.src[end-1] == '\r' {
		end--
	}
	return string(l.src[start:end])
}
