package schema

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/unicode"
)

// maxDepth bounds element nesting: ARR's sections are a few levels deep,
// and a hostile file must not grow the builder's stack without limit.
const maxDepth = 128

// toUTF8 returns src as UTF-8 without a byte-order mark. UTF-16 files
// (with a BOM, or starting with "<" as UTF-16) are converted.
func toUTF8(src []byte) ([]byte, error) {
	switch {
	case bytes.HasPrefix(src, []byte{0xEF, 0xBB, 0xBF}):
		return src[3:], nil
	case bytes.HasPrefix(src, []byte{0xFF, 0xFE}), bytes.HasPrefix(src, []byte{0x3C, 0x00}):
		return unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder().Bytes(src)
	case bytes.HasPrefix(src, []byte{0xFE, 0xFF}), bytes.HasPrefix(src, []byte{0x00, 0x3C}):
		return unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewDecoder().Bytes(src)
	}
	return src, nil
}

// readXML tokenizes src (UTF-8) and feeds the builder. It reports a
// not-well-formed document as an xml-malformed finding at the place the
// parser stopped and returns false.
func readXML(b *builder, src []byte) bool {
	dec := xml.NewDecoder(bytes.NewReader(src))
	dec.Strict = true
	// The text is UTF-8 already (toUTF8), whatever the declaration says.
	dec.CharsetReader = func(label string, r io.Reader) (io.Reader, error) { return r, nil }
	sawRoot, sawDecl := false, false
	for {
		off := int(dec.InputOffset())
		tok, err := dec.Token()
		if err == io.EOF {
			if !sawRoot {
				b.report(RuleXMLMalformed, Error, b.lines.Span(0, 0), "the file has no XML element: expected <configuration> or an ARR section such as <webFarms>")
				return false
			}
			return true
		}
		if err != nil {
			b.malformed(dec, err)
			return false
		}
		switch t := tok.(type) {
		case xml.StartElement:
			sawRoot = true
			end := int(dec.InputOffset())
			attrs, dup := scanAttrs(b.lines, src, off, end, t.Attr)
			for i := range attrs {
				attrs[i].Name = b.intern(attrs[i].Name)
			}
			b.lines.read(end)
			if dup != nil {
				b.report(RuleXMLMalformed, Error, dup.nameSpan(b.lines), "attribute %s appears twice in one element: IIS rejects the file", dup.Name)
			}
			nameSpan := b.lines.Span(off+1, off+1+len(rawName(t.Name)))
			if len(b.stack) >= maxDepth {
				b.report(RuleXMLMalformed, Error, nameSpan, "elements nested deeper than %d levels: not an IIS configuration", maxDepth)
				return false
			}
			if !b.start(t.Name.Local, nameSpan, b.lines.Span(off, end), attrs) {
				var visit func(int, string, []rawAttr, Span)
				if t.Name.Local == "configSections" && b.kind == AppHost && len(b.stack) == 2 {
					visit = b.sectionDecl
				}
				if err := skipXML(b.lines, dec, src, visit); err != nil {
					b.malformed(dec, err)
					return false
				}
				b.end(int(dec.InputOffset()))
			}
		case xml.EndElement:
			b.lines.read(int(dec.InputOffset()))
			b.end(int(dec.InputOffset()))
		case xml.Comment:
			b.lines.markText(off, int(dec.InputOffset()))
			b.lines.read(int(dec.InputOffset()))
			b.comment(string(t), b.lines.Span(off, int(dec.InputOffset())))
		case xml.ProcInst:
			b.lines.markText(off, int(dec.InputOffset()))
			b.lines.read(int(dec.InputOffset()))
			if strings.EqualFold(t.Target, "xml") && off > 0 {
				// encoding/xml accepts a declaration anywhere; XML 1.0
				// (production [1] document, and [17] PITarget reserving
				// "xml") allows it only as the file's first bytes, and IIS's
				// parser rejects the file otherwise.
				b.report(RuleXMLMalformed, Error, b.lines.Span(off, int(dec.InputOffset())), "not well-formed XML: %s; IIS cannot read this file", misplacedDecl(src[:off], sawDecl))
				return false
			}
			sawDecl = true
		case xml.CharData:
			b.lines.markText(off, int(dec.InputOffset()))
			b.lines.read(int(dec.InputOffset()))
			b.text(len(bytes.TrimSpace(t)) > 0)
		default:
			b.lines.markText(off, int(dec.InputOffset()))
			b.lines.read(int(dec.InputOffset()))
		}
	}
}

// misplacedDecl says why an XML declaration after the first byte is
// wrong, from what precedes it.
func misplacedDecl(before []byte, sawDecl bool) string {
	switch {
	case sawDecl:
		return "a second XML declaration (<?xml ...?>); a file has at most one, at its very start"
	case len(bytes.TrimLeft(before, " \t\r\n")) == 0:
		return "the XML declaration (<?xml ...?>) must be the file's first bytes, but blank space comes before it; delete it"
	}
	return "the XML declaration (<?xml ...?>) must be the file's first bytes, but other content (a comment or an element) comes before it; move the declaration to the top"
}

// skipXML reads past the content of an element arrfarm does not build
// (another IIS section) up to its end tag. It builds nothing, but records
// the secrets it passes (a password attribute, credentials in a URL or a
// connection string), so that output can mask them by position. visit,
// when not nil, sees each start tag below the skipped element: its depth
// (1 for a child), name, attributes and the span of its name.
func skipXML(l *Lines, dec *xml.Decoder, src []byte, visit func(depth int, name string, attrs []rawAttr, nameSpan Span)) error {
	for depth := 1; depth > 0; {
		off := int(dec.InputOffset())
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		end := int(dec.InputOffset())
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			attrs, _ := scanAttrs(l, src, off, end, t.Attr)
			if visit != nil {
				visit(depth-1, t.Name.Local, attrs, l.Span(off+1, off+1+len(rawName(t.Name))))
			}
		case xml.EndElement:
			depth--
		default:
			l.markText(off, end)
		}
		l.read(end)
	}
	return nil
}

// sectionDecl reads a start tag inside applicationHost.config's
// <configSections> (depth 1 for its children): a <section
// overrideModeDefault="Allow"> of a section arrfarm knows to be locked by
// default unlocks it for every site. b.groups holds, per depth, the name
// of each enclosing <sectionGroup>.
func (b *builder) sectionDecl(depth int, name string, attrs []rawAttr, span Span) {
	b.groups = b.groups[:min(len(b.groups), depth-1)]
	for len(b.groups) < depth-1 {
		b.groups = append(b.groups, "") // not a sectionGroup: no section path
	}
	attr := func(n string) string {
		for _, a := range attrs {
			if a.Name == n {
				return a.Value
			}
		}
		return ""
	}
	switch name {
	case "sectionGroup":
		b.groups = append(b.groups, attr("name"))
		return
	case "section":
		if !strings.EqualFold(strings.TrimSpace(attr("overrideModeDefault")), "Allow") {
			break
		}
		path := strings.Join(append(append([]string(nil), b.groups...), attr("name")), "/")
		if s := b.sch.byPath(path); s != nil && s.Locked {
			b.unlocks = append(b.unlocks, SectionLock{Section: s.Path, Span: span})
		}
	}
	b.groups = append(b.groups, "")
}

func (b *builder) malformed(dec *xml.Decoder, err error) {
	msg := err.Error()
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		msg = se.Msg
	}
	off := int(dec.InputOffset())
	if off > 0 && off >= len(b.lines.Src()) {
		msg += " (the file ends too early)"
	}
	b.report(RuleXMLMalformed, Error, b.lines.Span(off, off), "not well-formed XML: %s; IIS cannot read this file", msg)
}

func rawName(n xml.Name) string {
	if n.Space != "" && !strings.Contains(n.Space, "/") && !strings.Contains(n.Space, ":") {
		return n.Space + ":" + n.Local
	}
	return n.Local
}

// scanAttrs pairs the decoded attributes of a start tag with their byte
// positions, which encoding/xml does not report, by scanning the raw tag
// src[start:end]. Namespaced attributes (xmlns, xdt:Transform) are left
// out: IIS ignores them and so does arrfarm. It also returns the second
// occurrence of a duplicated attribute, if any.
func scanAttrs(l *Lines, src []byte, start, end int, decoded []xml.Attr) (attrs []rawAttr, dup *rawAttr) {
	tag := src[start:end]
	i := 1
	for i < len(tag) && !isXMLSpace(tag[i]) && tag[i] != '>' && tag[i] != '/' {
		i++
	}
	type pos struct{ ns, ne, vs, ve int }
	var buf [16]pos
	spans := buf[:0]
	for {
		for i < len(tag) && isXMLSpace(tag[i]) {
			i++
		}
		if i >= len(tag) || tag[i] == '>' || tag[i] == '/' {
			break
		}
		ns := i
		for i < len(tag) && !isXMLSpace(tag[i]) && tag[i] != '=' {
			i++
		}
		ne := i
		for i < len(tag) && (isXMLSpace(tag[i]) || tag[i] == '=') {
			i++
		}
		if i >= len(tag) {
			break
		}
		q := tag[i]
		if q != '"' && q != '\'' {
			break
		}
		i++
		vs := i
		for i < len(tag) && tag[i] != q {
			i++
		}
		spans = append(spans, pos{ns, ne, vs, i})
		i++
	}
	attrs = make([]rawAttr, 0, len(decoded))
	for k, a := range decoded {
		var p pos
		if k < len(spans) && len(spans) == len(decoded) {
			p = spans[k]
		}
		ra := newRawAttr(a.Name.Local, a.Value, start+p.ns, start+p.ne, start+p.vs, start+p.ve, false)
		if len(spans) == len(decoded) {
			l.markSecrets(ra.Name, start+p.vs, start+p.ve)
		}
		if dup == nil && len(spans) == len(decoded) {
			// Attributes are few: compare the raw name with the earlier ones.
			name := tag[p.ns:p.ne]
			for _, q := range spans[:k] {
				if bytes.Equal(tag[q.ns:q.ne], name) {
					d := ra
					dup = &d
					break
				}
			}
		}
		if a.Name.Space != "" || a.Name.Local == "xmlns" {
			continue
		}
		attrs = append(attrs, ra)
	}
	if len(spans) != len(decoded) {
		l.markText(start, end) // positions unknown: the whole tag
	}
	return attrs, dup
}

func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// sniffXML reports whether src looks like XML rather than YAML.
func sniffXML(src []byte) bool {
	t := bytes.TrimLeft(src, " \t\r\n")
	return len(t) > 0 && t[0] == '<'
}

// validUTF8 reports the offset of the first invalid byte, or -1.
func validUTF8(src []byte) int {
	if utf8.Valid(src) {
		return -1
	}
	for i := 0; i < len(src); {
		r, n := utf8.DecodeRune(src[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return -1
}
