package schema

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/literal"
	"cuelang.org/go/cue/token"
)

// The YAML form (design.md 3.2) uses the XML names, with a few keys that
// place elements in their sections:
//
//	proxy:      system.webServer/proxy
//	webFarms:   the webFarms section's own attributes
//	farms:      webFarms/webFarm (servers: webFarm/server)
//	rules:      system.webServer/rewrite/globalRules/rule
//	siteRules:  system.webServer/rewrite/rules/rule
//	locations:  [{path, rules}]: location/system.webServer/rewrite/rules/rule
//
// A scalar is an attribute, a mapping a child element, a list of mappings
// repeated child elements.
var yamlTopKeys = []string{"proxy", "webFarms", "farms", "rules", "siteRules", "locations"}

// YAMLTopKeys are the top-level keys of the YAML form: a YAML file with
// none of them is not a farm configuration.
func YAMLTopKeys() []string { return slices.Clone(yamlTopKeys) }

// readYAML parses src through the project's YAML entry point (CUE's
// decoder, which keeps positions) and feeds the builder. A large file is
// read in pieces (splitYAML) when it can be; if any piece fails, the
// attempt is thrown away and the whole file is read, so that errors are
// reported exactly as the whole file gives them.
func readYAML(b *builder, src []byte) bool {
	if !yamlWholeOnly && len(src) >= yamlChunkMin && loneCR(src) < 0 {
		if sp := splitYAML(src); sp != nil {
			secrets := len(b.lines.secrets)
			pb := newBuilder(b.sch, b.kind, b.lines)
			pb.realFile = b.realFile
			ok := readYAMLPieces(pb, src, sp)
			if yamlPiecesHook != nil {
				yamlPiecesHook(ok)
			}
			if ok {
				*b = *pb
				return true
			}
			b.lines.secrets = b.lines.secrets[:secrets]
		}
	}
	f, fs := ParseYAMLCUE(b.lines)
	if len(fs) > 0 {
		b.findings = append(b.findings, fs...)
		return false
	}
	(&yamlWalker{b: b}).file(f, len(src))
	return true
}

// readYAMLPieces reads the skeleton of sp, and each run of its lists'
// items when the walk comes to it; false when a piece failed.
func readYAMLPieces(b *builder, src []byte, sp *yamlSplit) bool {
	y := &yamlWalker{b: b, lists: sp.lists, pieces: newYAMLPieces(b.lines)}
	f, ok := y.pieces.parse(sp.skeleton, 0)
	sp.skeleton = nil
	if !ok {
		return false
	}
	y.file(f, len(src))
	return !y.failed
}

// file walks the top level of a farm file.
func (y *yamlWalker) file(f *ast.File, size int) {
	b := y.b
	root := b.lines.Span(0, 0)
	b.start("configuration", root, root, nil)
	fields := map[string]*ast.Field{}
	keys := 0
	for _, d := range f.Decls {
		fd, ok := d.(*ast.Field)
		if !ok {
			if e, ok := d.(*ast.EmbedDecl); ok && b.nothing == "" {
				b.nothing = notAMapping(e.Expr)
			}
			continue
		}
		keys++
		name, _, _ := ast.LabelName(fd.Label)
		if !contains(yamlTopKeys, name) {
			msg := fmt.Sprintf("unknown top-level key %s", name)
			if m := Closest(name, yamlTopKeys); m != "" {
				msg += fmt.Sprintf(": did you mean %s?", m)
			} else {
				msg += "; valid keys: " + strings.Join(yamlTopKeys, ", ")
			}
			b.report(RuleUnknownElement, Error, y.span(fd.Label), "%s", msg)
			continue
		}
		fields[name] = fd
	}
	if fd := fields["proxy"]; fd != nil {
		y.open("system.webServer", fd.Label)
		y.element("proxy", fd, fd.Value)
		y.close(fd.Value)
	}
	if fields["webFarms"] != nil || fields["farms"] != nil {
		var attrs []rawAttr
		var children []*ast.Field
		at := fields["farms"]
		if fd := fields["webFarms"]; fd != nil {
			at = fd
			attrs, children = y.split(fd.Value)
		}
		// CUE hangs a comment above a top-level key, or after the
		// file's last line, on the key.
		for _, k := range []string{"webFarms", "farms"} {
			if fd := fields[k]; fd != nil {
				y.comments(fd)
			}
		}
		b.start("webFarms", y.span(at.Label), y.span(at.Label), attrs)
		for _, c := range children {
			y.field(c)
		}
		if fd := fields["farms"]; fd != nil {
			y.list("webFarm", fd)
		}
		y.b.end(y.valueEnd(at))
	}
	if fd := fields["rules"]; fd != nil {
		y.comments(fd)
		y.open("system.webServer", fd.Label)
		y.open("rewrite", fd.Label)
		y.open("globalRules", fd.Label)
		y.list("rule", fd)
		for range 3 {
			y.b.end(y.valueEnd(fd))
		}
	}
	if fd := fields["siteRules"]; fd != nil {
		y.comments(fd)
		y.siteRules(fd, fd)
	}
	if fd := fields["locations"]; fd != nil {
		y.comments(fd)
		y.locations(fd)
	}
	if keys == 0 && b.nothing == "" {
		// "{}": a mapping, but without a key there is nothing to read.
		b.nothing = "it has none of the top-level keys " + strings.Join(yamlTopKeys, ", ")
	}
	y.flushDeferred(size + 1)
	b.end(size)
}

// notAMapping says why a YAML file whose top level is e (CUE's
// embedding of a non-mapping document) holds no farm configuration. The
// value itself is not quoted: it could be anything, a secret included.
func notAMapping(e ast.Expr) string {
	what, hint := "a scalar", ""
	switch e := e.(type) {
	case *ast.ListLit:
		what = "a list"
		if len(e.Elts) > 0 {
			if _, ok := e.Elts[0].(*ast.StructLit); ok {
				hint = " (a list of farms goes under farms:)"
			}
		}
	case *ast.BasicLit:
		if e.Kind == token.NULL {
			what = "null"
		}
	}
	return "its top level is " + what + ", not a mapping with one of the keys " + strings.Join(yamlTopKeys, ", ") + hint
}

type yamlWalker struct {
	b *builder
	// base is the offset of the piece being walked: CUE's positions are
	// offsets in the piece.
	base int
	// lists are the lists read piece by piece (splitYAML), by the offset
	// of their key; pieces parses them.
	lists  map[int]*yamlList
	pieces *yamlPieces
	// pieceEnd is the end of the piece being walked, 0 outside pieces.
	pieceEnd int
	failed   bool // a piece did not parse: the walk is thrown away
	// deferred are comments found after the element CUE hung them on,
	// waiting for the element they stand before.
	deferred []comment
	// done are the comment groups passed on, so that a group reached
	// from two nodes counts once.
	done map[*ast.CommentGroup]bool
}

// items calls each for every item of the list value of fd: from the tree
// at hand, or, for a list read in pieces, one run's tree at a time.
// notList reports a value that is not a list.
func (y *yamlWalker) items(fd *ast.Field, notList func(), each func(ast.Expr)) {
	if l := y.lists[y.off(fd.Label.Pos())]; l != nil && y.base == 0 {
		src := y.b.lines.Src()
		for _, r := range l.runs {
			if y.failed {
				return
			}
			f, ok := y.pieces.parse(src[r[0]:r[1]], 1)
			var list *ast.ListLit
			if ok && len(f.Decls) == 1 {
				if e, isEmbed := f.Decls[0].(*ast.EmbedDecl); isEmbed {
					list, _ = e.Expr.(*ast.ListLit)
				}
			}
			if list == nil {
				y.failed = true
				return
			}
			y.base, y.pieceEnd = r[0], r[1]
			for _, item := range list.Elts {
				each(item)
			}
			y.base, y.pieceEnd = 0, 0
		}
		return
	}
	list, ok := fd.Value.(*ast.ListLit)
	if !ok {
		notList()
		return
	}
	for _, item := range list.Elts {
		each(item)
	}
}

// valueEnd is the offset just past the value of fd.
func (y *yamlWalker) valueEnd(fd *ast.Field) int {
	if l := y.lists[y.off(fd.Label.Pos())]; l != nil && y.base == 0 {
		return l.end()
	}
	return y.end(fd.Value)
}

func (y *yamlWalker) span(n ast.Node) Span {
	return y.b.lines.Span(y.off(n.Pos()), y.end(n))
}

// end is the offset CUE gives as n's end. CUE computes the end of a
// scalar from its own literal (which may run past the text) and clamps
// what runs past its input to the input's size plus one; in a piece that
// would be the piece's size, so the end is computed here and clamped to
// the file's, as reading the file whole does.
func (y *yamlWalker) end(n ast.Node) int {
	var e int
	switch n := n.(type) {
	case *ast.BasicLit:
		if !n.ValuePos.IsValid() {
			return 0
		}
		e = y.off(n.ValuePos) + len(n.Value)
	case *ast.Ident:
		if !n.NamePos.IsValid() {
			return 0
		}
		e = y.off(n.NamePos) + len(n.Name)
	case *ast.UnaryExpr:
		return y.end(n.X)
	case *ast.Field:
		if len(n.Attrs) > 0 {
			return y.off(n.End())
		}
		return y.end(n.Value)
	default:
		// Block mappings and lists end where the lines around them
		// say, within the input; flow ones at their closing bracket.
		e = y.off(n.End())
		if y.pieceEnd > 0 && e > y.pieceEnd {
			y.failed = true // clamped: not known here
		}
		return e
	}
	return min(e, len(y.b.lines.Src())+1)
}

func (y *yamlWalker) off(p token.Pos) int {
	if !p.IsValid() {
		return 0
	}
	return y.base + p.Offset()
}

// scalarSpan is the source extent of a YAML scalar. CUE's end positions
// of converted YAML scalars are not exact, so the end is found in the
// text: a quoted scalar ends at its closing quote, a plain one before a
// flow indicator, a comment or the end of the line.
func (y *yamlWalker) scalarSpan(n ast.Node) Span {
	src := y.b.lines.Src()
	start := y.off(n.Pos())
	end := start
	if start < len(src) && (src[start] == '"' || src[start] == '\'') {
		q := src[start]
		end = start + 1
		for end < len(src) && src[end] != q && src[end] != '\n' {
			if src[end] == '\\' && q == '"' {
				end++
			}
			end++
		}
		end = min(end+1, len(src))
	} else {
		for end < len(src) && !strings.ContainsRune(",}]\n\r#", rune(src[end])) {
			end++
		}
		for end > start && (src[end-1] == ' ' || src[end-1] == '\t') {
			end--
		}
	}
	return y.b.lines.Span(start, end)
}

// open starts a structural element that the YAML form leaves implicit.
func (y *yamlWalker) open(name string, at ast.Node) {
	s := y.span(at)
	y.b.start(name, s, s, nil)
}

func (y *yamlWalker) close(n ast.Node) { y.b.end(y.end(n)) }

func (y *yamlWalker) siteRules(fd *ast.Field, at ast.Node) {
	y.open("system.webServer", at)
	y.open("rewrite", at)
	y.open("rules", at)
	y.list("rule", fd)
	for range 3 {
		y.b.end(y.valueEnd(fd))
	}
}

func (y *yamlWalker) locations(fd *ast.Field) {
	y.items(fd, func() {
		y.b.report(RuleInvalidValue, Error, y.span(fd.Value), "locations must be a list of {path, rules}")
	}, y.location)
	y.flushDeferred(y.valueEnd(fd))
}

func (y *yamlWalker) location(item ast.Expr) {
	st, ok := item.(*ast.StructLit)
	if !ok {
		y.b.report(RuleInvalidValue, Error, y.span(item), "a location must be a mapping with path and rules")
		return
	}
	// A comment before the item hangs on the item or its first field.
	y.comments(item)
	if len(st.Elts) > 0 {
		y.comments(st.Elts[0])
	}
	var attrs []rawAttr
	var rules *ast.Field
	for _, d := range st.Elts {
		f, ok := d.(*ast.Field)
		if !ok {
			continue
		}
		name, _, _ := ast.LabelName(f.Label)
		switch name {
		case "rules":
			rules = f
		default:
			if a, ok := y.scalar(name, f); ok {
				attrs = append(attrs, a)
			} else {
				y.b.report(RuleUnknownElement, Error, y.span(f.Label), "unknown key %s in a location: a location has path and rules", name)
			}
		}
	}
	s := y.span(item)
	y.b.start("location", s, s, attrs)
	if rules != nil {
		y.comments(rules)
		y.siteRules(rules, rules.Label)
	}
	y.close(item)
}

// list emits one element called name per item of the list value of fd.
func (y *yamlWalker) list(name string, fd *ast.Field) {
	y.items(fd, func() {
		key, _, _ := ast.LabelName(fd.Label)
		y.b.report(RuleInvalidValue, Error, y.span(fd.Value), "%s must be a list", key)
	}, func(item ast.Expr) { y.element(name, item, item) })
	// A comment after the last item, inside the list, stands before
	// nothing.
	y.flushDeferred(y.valueEnd(fd))
}

// element emits element name whose content is the mapping v; at is where
// comments and the element's name are taken from.
func (y *yamlWalker) element(name string, at ast.Node, v ast.Expr) {
	y.comments(at)
	if st, ok := v.(*ast.StructLit); ok && at == ast.Node(v) && len(st.Elts) > 0 {
		// CUE hangs a comment written before a list item on the item's
		// first field.
		if f, ok := st.Elts[0].(*ast.Field); ok {
			if _, isElem := f.Value.(*ast.StructLit); !isElem {
				y.comments(f)
			}
		}
	}
	if _, ok := v.(*ast.StructLit); !ok {
		y.b.report(RuleInvalidValue, Error, y.span(v), "%s must be a mapping of attributes and child elements", name)
		return
	}
	attrs, children := y.split(v)
	nameSpan := y.span(at)
	if f, ok := at.(*ast.Field); ok {
		nameSpan = y.span(f.Label)
	} else if st, ok := v.(*ast.StructLit); ok && len(st.Elts) > 0 {
		nameSpan = y.span(st.Elts[0])
	}
	if !y.b.start(name, nameSpan, nameSpan, attrs) {
		y.b.end(y.end(v))
		return
	}
	for _, c := range children {
		y.field(c)
	}
	y.close(v)
}

// field emits a child element (mapping) or collection (list) of the
// current element.
func (y *yamlWalker) field(f *ast.Field) {
	key, _, _ := ast.LabelName(f.Label)
	name := key
	if top := y.b.stack[len(y.b.stack)-1]; top.spec != nil {
		for _, c := range top.spec.ElemNames {
			if top.spec.Elems[c].YAML == key {
				name = c
			}
		}
	}
	if _, ok := f.Value.(*ast.ListLit); ok {
		y.comments(f)
		y.list(name, f)
		return
	}
	y.element(name, f, f.Value)
}

// split separates the scalar fields (attributes) of a mapping from its
// mapping and list fields (child elements).
func (y *yamlWalker) split(v ast.Expr) (attrs []rawAttr, children []*ast.Field) {
	st, ok := v.(*ast.StructLit)
	if !ok {
		return nil, nil
	}
	for _, d := range st.Elts {
		f, ok := d.(*ast.Field)
		if !ok {
			continue
		}
		name, _, _ := ast.LabelName(f.Label)
		switch f.Value.(type) {
		case *ast.StructLit, *ast.ListLit:
			children = append(children, f)
		default:
			if a, ok := y.scalar(name, f); ok {
				attrs = append(attrs, a)
			}
		}
	}
	return attrs, children
}

// scalar reads a scalar field as an attribute. YAML null means absent.
func (y *yamlWalker) scalar(name string, f *ast.Field) (rawAttr, bool) {
	ns, vs := y.span(f.Label), y.scalarSpan(f.Value)
	a := newRawAttr(y.b.intern(name), "", ns.Start.Offset, ns.End.Offset, vs.Start.Offset, vs.End.Offset, true)
	y.b.lines.markSecrets(name, vs.Start.Offset, vs.End.Offset)
	switch lit := f.Value.(type) {
	case *ast.BasicLit:
		switch lit.Kind {
		case token.NULL:
			return a, false
		case token.STRING:
			s, err := literal.Unquote(lit.Value)
			if err != nil {
				s = lit.Value
			}
			a.Value = s
		default:
			a.Value = lit.Value
		}
	case *ast.Ident:
		a.Value = lit.Name
	case *ast.UnaryExpr: // -5
		if b, ok := lit.X.(*ast.BasicLit); ok {
			a.Value = lit.Op.String() + b.Value
		}
	default:
		y.b.report(RuleInvalidValue, Error, vs, "%s must be a single value", name)
		return a, false
	}
	return a, true
}

// comments passes the comments written before node n to the builder (for
// "# arrfarm:ignore" suppressions). CUE keeps a YAML comment's text but not
// its position, so the comment is found in the source: the last line
// before n that holds its text.
func (y *yamlWalker) comments(n ast.Node) {
	y.flushDeferred(y.off(n.Pos()))
	for _, cg := range ast.Comments(n) {
		if cg.Position != 0 || y.done[cg] {
			continue
		}
		if y.done == nil {
			y.done = map[*ast.CommentGroup]bool{}
		}
		y.done[cg] = true
		texts := make([]string, len(cg.List))
		for i, c := range cg.List {
			texts[i] = strings.TrimPrefix(strings.TrimPrefix(c.Text, "#"), "//")
		}
		if spans, ok := y.findComments(y.linesAbove(n), texts); ok {
			for i, sp := range spans {
				y.b.comment(texts[i], sp)
			}
		} else if spans, ok := y.findComments(y.linesBelow(n), texts); ok {
			// A comment between two items, written less indented than
			// they are, hangs on the item before it; it stands before
			// the next one.
			for i, sp := range spans {
				y.deferred = append(y.deferred, comment{text: texts[i], span: sp})
			}
		} else {
			for _, t := range texts {
				y.b.comment(t, y.span(n))
			}
		}
	}
}

// flushDeferred passes on the comments found below an earlier element that
// stand before offset off.
func (y *yamlWalker) flushDeferred(off int) {
	k := 0
	for _, c := range y.deferred {
		if c.span.Start.Offset < off {
			y.b.comment(c.text, c.span)
		} else {
			y.deferred[k] = c
			k++
		}
	}
	y.deferred = y.deferred[:k]
}

// linesAbove is the block of comment and blank lines directly above n's
// line: its first and last line (first > last when there is none).
func (y *yamlWalker) linesAbove(n ast.Node) [2]int {
	last := y.b.lines.Pos(y.off(n.Pos())).Line - 1
	first := last
	for first >= 1 && y.commentOrBlank(first) {
		first--
	}
	return [2]int{first + 1, last}
}

// linesBelow are the lines after n's first line: n's own, then the block of
// comment and blank lines directly after it.
func (y *yamlWalker) linesBelow(n ast.Node) [2]int {
	l := y.b.lines
	e := min(y.end(n), len(l.Src()))
	first := l.Pos(y.off(n.Pos())).Line + 1
	end := l.Pos(len(l.Src())).Line
	last := first
	for ; last <= end; last++ {
		if ls, _ := l.LineBounds(last); ls >= e && !y.commentOrBlank(last) {
			break
		}
	}
	return [2]int{first, last - 1}
}

// findComments finds the comments of one group, in order, on the comment
// lines first..last, and returns the span of each ("#text"). One pass over
// the lines: the group's comments are consecutive lines of the file.
func (y *yamlWalker) findComments(lines [2]int, texts []string) ([]Span, bool) {
	var spans []Span
	for k := lines[0]; k <= lines[1] && len(spans) < len(texts); k++ {
		if start, end, ok := y.commentOn(k, texts[len(spans)]); ok {
			spans = append(spans, y.b.lines.Span(start, end))
		}
	}
	return spans, len(spans) == len(texts)
}

// commentOn reports whether line k is a comment line holding text, and
// where the comment ("#text") is.
func (y *yamlWalker) commentOn(k int, text string) (start, end int, ok bool) {
	src := y.b.lines.Src()
	ls, le := y.b.lines.LineBounds(k)
	i := ls
	for i < le && (src[i] == ' ' || src[i] == '\t') {
		i++
	}
	if i >= le || src[i] != '#' {
		return 0, 0, false
	}
	j := bytes.Index(src[i:le], []byte(text))
	if j < 0 {
		return 0, 0, false
	}
	return i, i + j + len(text), true
}

// commentOrBlank reports whether line k holds nothing but a comment.
func (y *yamlWalker) commentOrBlank(k int) bool {
	src := y.b.lines.Src()
	ls, le := y.b.lines.LineBounds(k)
	t := bytes.TrimLeft(src[ls:le], " \t")
	return len(t) == 0 || t[0] == '#'
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
