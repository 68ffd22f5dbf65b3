package schema

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"cuelang.org/go/cue/ast"
	cueerrors "cuelang.org/go/cue/errors"
	"cuelang.org/go/cue/token"
	cueyaml "cuelang.org/go/encoding/yaml"
	"go.yaml.in/yaml/v3"
)

// This file is the project's one way into YAML: farm files, scenarios and
// .arrfarm.yaml all pass the same guards before any YAML library builds
// anything from them.

// Bounds on YAML structure. Real farm files nest about ten levels deep and
// scenarios fewer; anchors and aliases are rare. The bounds keep memory in
// proportion to the file: YAML aliases can make a small file expand into a
// huge tree (a 1 MB anchored string referenced 200 times is 200 MB of
// text), and deep nesting is expensive for every later stage.
const (
	// MaxYAMLDepth is the deepest nesting of mappings and sequences.
	MaxYAMLDepth = 64
	// MaxYAMLAliasNodes bounds the nodes that aliases expand into.
	MaxYAMLAliasNodes = 10_000
	// minAliasBytes is the alias expansion (in bytes of scalar text) every
	// file may use; larger files may use as much as their own size.
	minAliasBytes = 1 << 20
)

// ParseYAML parses the YAML text of lines through the guards and returns
// its documents' nodes (nil for an empty file). Problems are findings with
// positions (rule yaml-malformed); the nodes are nil when there is any.
func ParseYAML(lines *Lines) ([]*yaml.Node, []Finding) {
	src := lines.Src()
	fail := func(off int, format string, args ...any) ([]*yaml.Node, []Finding) {
		return nil, []Finding{{Rule: RuleYAMLMalformed, Severity: Error, Span: lines.Span(off, off),
			Message: fmt.Sprintf(format, args...)}}
	}
	if i := loneCR(src); i >= 0 {
		// The YAML decoders read an old Mac line end inconsistently (CUE
		// v0.17.1's panics), and positions would disagree with ours.
		return nil, []Finding{{Rule: RuleYAMLMalformed, Severity: Error, Span: lines.Span(i, i+1),
			Message: "carriage return without a line feed: write line ends as LF or CRLF"}}
	}
	docs, err := decodeYAML(src)
	if err != nil {
		off, msg := yamlErrorAt(lines, err)
		return fail(off, "not valid YAML: %s", msg)
	}
	g := yamlGuard{lines: lines, budget: max(int64(len(src)), minAliasBytes), sizes: map[*yaml.Node]aliasSize{}}
	for _, d := range docs {
		if f := g.walk(d, 0); f != nil {
			return nil, []Finding{*f}
		}
	}
	return docs, nil
}

// ParseYAMLCUE parses lines into CUE's syntax tree (which the CUE
// evaluator and the farm YAML reader take), after the guards of ParseYAML.
func ParseYAMLCUE(lines *Lines) (*ast.File, []Finding) {
	docs, fs := ParseYAML(lines)
	if len(fs) > 0 {
		return nil, fs
	}
	if len(docs) > 1 {
		// CUE would read the stream as one list, and the reader would
		// see a list where a mapping was meant.
		g := yamlGuard{lines: lines}
		return nil, []Finding{*g.at(docs[1], "a second YAML document starts here: arrfarm reads one document per file; split the file, or drop the --- line")}
	}
	f, err := extractYAML(lines.File(), lines.Src())
	if err != nil {
		off, msg := yamlErrorAt(lines, err)
		return nil, []Finding{{Rule: RuleYAMLMalformed, Severity: Error, Span: lines.Span(off, off),
			Message: "not valid YAML: " + msg}}
	}
	return f, nil
}

func decodeYAML(src []byte) (docs []*yaml.Node, err error) {
	defer func() {
		if r := recover(); r != nil {
			docs, err = nil, fmt.Errorf("the YAML parser failed on this input (%v)", r)
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(src))
	for {
		var n yaml.Node
		if err := dec.Decode(&n); err != nil {
			if errors.Is(err, io.EOF) {
				return docs, nil
			}
			return nil, err
		}
		docs = append(docs, &n)
	}
}

// extractYAML calls CUE's YAML decoder, turning a panic inside it into an
// error: a bad input must give a finding, never a crash.
func extractYAML(name string, src []byte) (f *ast.File, err error) {
	defer func() {
		if r := recover(); r != nil {
			f, err = nil, fmt.Errorf("the YAML parser failed on this input (%v)", r)
		}
	}()
	return cueyaml.Extract(name, src)
}

// yamlErrLine finds the line a YAML parser names only in its message:
// "yaml: line 3: ..." (1-based) or CUE's "file:3: ..." (0-based).
var (
	yamlErrLine    = regexp.MustCompile(`^yaml: line (\d+): `)
	cueYAMLErrLine = regexp.MustCompile(`^:(\d+):\s*`)
	// The problems go-yaml's parser (not its scanner) reports.
	yamlParserProblem = regexp.MustCompile(`^did not find expected (',' or|'-' indicator|<document start>|<stream-start>|key$|node content)|^found (duplicate %|incompatible YAML|undefined tag handle)`)
)

// yamlErrorAt returns the offset a YAML parser error points at and its
// message without the parser's own prefix.
func yamlErrorAt(lines *Lines, err error) (int, string) {
	msg := err.Error()
	if m := yamlErrLine.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		text := msg[len(m[0]):]
		if yamlParserProblem.MatchString(text) {
			// go-yaml counts the lines of parser errors from 0 and those
			// of scanner errors from 1.
			n++
		}
		return lines.OffsetOf(n, 1), text
	}
	for _, e := range cueerrors.Errors(err) {
		for _, p := range append([]token.Pos{e.Position()}, e.InputPositions()...) {
			if p.IsValid() && p.Line() > 0 {
				format, args := e.Msg()
				return lines.OffsetOf(p.Line(), p.Column()), fmt.Sprintf(format, args...)
			}
		}
	}
	rest := strings.TrimPrefix(msg, lines.File())
	if m := cueYAMLErrLine.FindStringSubmatch(rest); m != nil {
		n, _ := strconv.Atoi(m[1])
		return lines.OffsetOf(n+1, 1), rest[len(m[0]):]
	}
	return 0, strings.TrimPrefix(msg, "yaml: ")
}

// loneCR returns the offset of the first carriage return not followed by a
// line feed, or -1.
func loneCR(src []byte) int {
	for i := bytes.IndexByte(src, '\r'); i >= 0; {
		if i+1 == len(src) || src[i+1] != '\n' {
			return i
		}
		j := bytes.IndexByte(src[i+1:], '\r')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return -1
}

type aliasSize struct{ nodes, bytes int64 }

// yamlGuard checks depth and alias expansion over a parsed document.
type yamlGuard struct {
	lines  *Lines
	budget int64 // bytes of scalar text aliases may expand into
	nodes  int64 // nodes aliases expanded into so far
	used   int64 // bytes so far
	sizes  map[*yaml.Node]aliasSize
}

func (g *yamlGuard) at(n *yaml.Node, format string, args ...any) *Finding {
	off := g.lines.OffsetOf(n.Line, n.Column)
	return &Finding{Rule: RuleYAMLMalformed, Severity: Error, Span: g.lines.Span(off, off),
		Message: fmt.Sprintf(format, args...)}
}

func (g *yamlGuard) walk(n *yaml.Node, depth int) *Finding {
	if n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode {
		depth++
		if depth > MaxYAMLDepth {
			return g.at(n, "nesting deeper than %d levels: arrfarm's files nest about ten levels", MaxYAMLDepth)
		}
	}
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		s := g.size(n.Alias)
		g.nodes += s.nodes
		g.used += s.bytes
		if g.nodes > MaxYAMLAliasNodes || g.used > g.budget {
			return g.at(n, "aliases (*%s) expand to more than %d nodes or %s of text: write the values out, or use fewer aliases", n.Value, MaxYAMLAliasNodes, byteSize(g.budget))
		}
		return nil
	}
	for _, c := range n.Content {
		if f := g.walk(c, depth); f != nil {
			return f
		}
	}
	return nil
}

// size is what n expands into, aliases inside it expanded too; memoised
// per node so that nested aliases cost linear time to measure.
func (g *yamlGuard) size(n *yaml.Node) aliasSize {
	if s, ok := g.sizes[n]; ok {
		return s
	}
	// An alias inside its own anchor counts as nothing here (CUE reports
	// the cycle); the entry also stops the recursion.
	g.sizes[n] = aliasSize{}
	s := aliasSize{nodes: 1, bytes: int64(len(n.Value))}
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		s = g.size(n.Alias)
	}
	for _, c := range n.Content {
		cs := g.size(c)
		s.nodes += cs.nodes
		s.bytes += cs.bytes
		if s.nodes > MaxYAMLAliasNodes<<1 || s.bytes > g.budget<<1 {
			break // already over any bound; stop before the sums overflow
		}
	}
	g.sizes[n] = s
	return s
}

func byteSize(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d KiB", n>>10)
}

// yamlPieces parses the pieces of one file that splitYAML cut, through
// the guards of ParseYAML: depth counted from the file's root, and one
// alias budget for the whole file.
type yamlPieces struct {
	name  string
	guard yamlGuard
}

func newYAMLPieces(lines *Lines) *yamlPieces {
	return &yamlPieces{name: lines.File(), guard: yamlGuard{lines: lines, budget: max(int64(len(lines.Src())), minAliasBytes)}}
}

// parse parses one piece whose root sits depth levels below the file's
// root. ok is false when it does not parse or the guards reject it: the
// caller then reads the whole file, which says why with its position.
func (p *yamlPieces) parse(src []byte, depth int) (f *ast.File, ok bool) {
	if bytes.ContainsAny(src, "&*") || bytes.Contains(src, []byte("<<")) {
		docs, err := decodeYAML(src)
		if err != nil || len(docs) != 1 {
			return nil, false
		}
		// Sizes are memoised per node: a piece's nodes are not kept
		// past it.
		p.guard.sizes = map[*yaml.Node]aliasSize{}
		if f := p.guard.walk(docs[0], depth); f != nil {
			return nil, false
		}
	}
	f, err := extractYAML(p.name, src)
	if err != nil {
		return nil, false
	}
	// Without anchors, aliases and merge keys (the common case), CUE's
	// tree nests exactly as go-yaml's nodes do, so the depth guard is
	// checked on it and the piece is parsed once, not twice.
	if len(f.Decls) > 0 {
		if _, embed := f.Decls[0].(*ast.EmbedDecl); !embed {
			depth++ // a root mapping: its fields are the file's decls
		}
	}
	return f, depth+astDepth(f) <= MaxYAMLDepth
}

// astDepth is the deepest nesting of structs and lists in f.
func astDepth(f *ast.File) int {
	deepest, depth := 0, 0
	ast.Walk(f, func(n ast.Node) bool {
		switch n.(type) {
		case *ast.StructLit, *ast.ListLit:
			depth++
			deepest = max(deepest, depth)
		}
		return true
	}, func(n ast.Node) {
		switch n.(type) {
		case *ast.StructLit, *ast.ListLit:
			depth--
		}
	})
	return deepest
}

// A SharedYAML is a YAML node with an anchor that aliases use elsewhere:
// a value written inside [Start, End) belongs to every place that uses
// the alias, so editing it there edits them all.
type SharedYAML struct {
	Start, End int
	Anchor     string
	Alias      Span // the first use of the alias
}

// YAMLShared lists the anchored nodes of lines' YAML that some alias
// uses, by position. A file that does not parse has none.
func YAMLShared(lines *Lines) []SharedYAML {
	docs, fs := ParseYAML(lines)
	if len(fs) > 0 {
		return nil
	}
	uses := map[*yaml.Node]*yaml.Node{}
	var order []*yaml.Node
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.AliasNode {
			if n.Alias != nil && uses[n.Alias] == nil {
				uses[n.Alias] = n
				order = append(order, n.Alias)
			}
			return
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	for _, d := range docs {
		walk(d)
	}
	var out []SharedYAML
	for _, a := range order {
		start := lines.OffsetOf(a.Line, a.Column)
		end := start
		var reach func(n *yaml.Node)
		reach = func(n *yaml.Node) {
			// What matters is that every value inside starts before
			// end: a plain scalar ends its value's length after its
			// start, a quoted one at most two bytes more.
			size := len(n.Value)
			if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
				size += 2
			}
			end = max(end, lines.OffsetOf(n.Line, n.Column)+max(size, 1))
			if n.Kind != yaml.AliasNode {
				for _, c := range n.Content {
					reach(c)
				}
			}
		}
		reach(a)
		use := uses[a]
		at := lines.OffsetOf(use.Line, use.Column)
		out = append(out, SharedYAML{Start: start, End: min(end, len(lines.Src())), Anchor: a.Anchor, Alias: lines.Span(at, at)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Start < out[j].Start })
	return out
}
