package schema

import (
	"bytes"
	"fmt"
	"sort"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/unicode"
)

// Replacement replaces the bytes [Start, End) of the text the loader read
// (Pos.Offset values: UTF-8, without a byte-order mark) with Text;
// Start == End inserts Text there.
type Replacement struct {
	Start, End int
	Text       string
}

// Patch applies reps to src, the file's bytes exactly as read from disk,
// and returns the new file: every byte outside the replaced ranges is
// unchanged (comments, order, whitespace, line endings), and the file keeps
// its encoding and byte-order mark. Offsets refer to the loader's text, so
// Patch maps them back: past a UTF-8 BOM, or through UTF-16, which is
// decoded, patched and encoded again only when that round trip reproduces
// the original bytes exactly.
func Patch(src []byte, reps []Replacement) ([]byte, error) {
	text, err := toUTF8(src)
	if err != nil {
		return nil, fmt.Errorf("patching: %w", err)
	}
	var prefix []byte
	var enc encoding.Encoding
	switch {
	case bytes.HasPrefix(src, []byte{0xEF, 0xBB, 0xBF}):
		prefix = src[:3]
	case bytes.HasPrefix(src, []byte{0xFF, 0xFE}):
		enc = unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM)
	case bytes.HasPrefix(src, []byte{0x3C, 0x00}):
		enc = unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM)
	case bytes.HasPrefix(src, []byte{0xFE, 0xFF}):
		enc = unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM)
	case bytes.HasPrefix(src, []byte{0x00, 0x3C}):
		enc = unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM)
	}
	if enc != nil {
		back, err := enc.NewEncoder().Bytes(text)
		if err != nil || !bytes.Equal(back, src) {
			return nil, fmt.Errorf("patching: this UTF-16 file does not convert to UTF-8 and back unchanged, so it cannot be edited byte for byte")
		}
	}
	out, err := ApplyReplacements(text, reps)
	if err != nil {
		return nil, err
	}
	if enc != nil {
		if out, err = enc.NewEncoder().Bytes(out); err != nil {
			return nil, fmt.Errorf("patching: encoding the result as UTF-16: %w", err)
		}
		return out, nil
	}
	return append(append([]byte(nil), prefix...), out...), nil
}

// ApplyReplacements applies reps to the loader's text itself (for showing a
// diff); Patch is what writes files.
func ApplyReplacements(text []byte, reps []Replacement) ([]byte, error) {
	rs := append([]Replacement(nil), reps...)
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].Start < rs[j].Start })
	var b bytes.Buffer
	b.Grow(len(text) + 64)
	at := 0
	for _, r := range rs {
		if r.Start < at || r.End < r.Start || r.End > len(text) {
			return nil, fmt.Errorf("patching: replacement [%d, %d) overlaps another or lies outside the %d-byte text", r.Start, r.End, len(text))
		}
		b.Write(text[at:r.Start])
		b.WriteString(r.Text)
		at = r.End
	}
	b.Write(text[at:])
	return b.Bytes(), nil
}
