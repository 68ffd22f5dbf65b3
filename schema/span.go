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
	// wide marks lines holding non-ASCII bytes; on the others the column
	// is the byte distance. checkpoints caches rune counts of wide lines
	// every checkpointEvery bytes, so that positions on one long minified
	// line do not each count from the line's start.
	wide        map[int]bool
	checkpoints map[int][]int
	// secrets are byte ranges of secret values the loader read (see
	// markSecrets); output masks them.
	secrets       [][2]int
	secretsSorted bool
	// readTo is how far the loader read: secrets before it are all in
	// secrets (see markText).
	readTo int
}

const checkpointEvery = 1024

// NewLines indexes src, the UTF-8 text of file.
func NewLines(file string, src []byte) *Lines {
	starts := make([]int, 1, len(src)/40+1)
	var wide map[int]bool
	for i, c := range src {
		switch {
		case c == '\n':
			starts = append(starts, i+1)
		case c >= utf8.RuneSelf:
			if wide == nil {
				wide = map[int]bool{}
			}
			wide[len(starts)-1] = true
		}
	}
	return &Lines{file: file, src: src, starts: starts, wide: wide}
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
	if !l.wide[i] {
		return Pos{Offset: off, Line: i + 1, Col: off - start + 1}
	}
	return Pos{Offset: off, Line: i + 1, Col: l.runesBefore(i, start, off) + 1}
}

// runesBefore counts the runes of line i between its start and off.
func (l *Lines) runesBefore(i, start, off int) int {
	if off-start < checkpointEvery {
		return runeStarts(l.src[start:off])
	}
	if l.checkpoints == nil {
		l.checkpoints = map[int][]int{}
	}
	cps := l.checkpoints[i]
	if cps == nil {
		end := len(l.src)
		if i+1 < len(l.starts) {
			end = l.starts[i+1]
		}
		// cps[k] is the number of runes that start in the line's first
		// k*checkpointEvery bytes.
		cps = []int{0}
		n := 0
		for b := start; b+checkpointEvery <= end; b += checkpointEvery {
			n += runeStarts(l.src[b : b+checkpointEvery])
			cps = append(cps, n)
		}
		l.checkpoints[i] = cps
	}
	k := min((off-start)/checkpointEvery, len(cps)-1)
	return cps[k] + runeStarts(l.src[start+k*checkpointEvery:off])
}

// runeStarts counts the bytes of b that start a UTF-8 sequence: the rune
// count of valid text, and exact when b is cut inside a rune.
func runeStarts(b []byte) int {
	n := 0
	for _, c := range b {
		if c&0xC0 != 0x80 {
			n++
		}
	}
	return n
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
