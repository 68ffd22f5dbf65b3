package schema

import "bytes"

// A large farm file is almost entirely the items of a few top-level lists
// (farms, rules, siteRules, locations). Parsing the whole file at once
// holds go-yaml's node tree and CUE's syntax tree of every item at the
// same time, about 30 bytes of tree per byte of YAML. splitYAML cuts those
// lists into runs of items that parse on their own, so that the reader
// holds one run's trees at a time; the rest of the file (the skeleton)
// is parsed as before.
//
// The cut is conservative: whatever makes the independence of items
// doubtful (document markers, directives, tabs at the start of a line, a
// root that is not a block mapping of plain keys, a list whose lines do
// not all sit at or under its items' indentation, comments where go-yaml
// might attach them to either neighbour) keeps a list, or the whole file,
// in one piece. A piece that does not parse, or that the guards reject,
// makes the reader start again on the whole file (readYAML), so that
// every message and position is the one the whole file gives.

// yamlChunkMin is the size below which a file is read whole: splitting
// saves memory only on large files. Tests set it to 0.
var yamlChunkMin = 1 << 20

// yamlWholeOnly makes readYAML read every file whole (tests compare the
// two ways).
var yamlWholeOnly = false

// yamlPiecesHook, when set (by tests), learns whether readYAML read a
// file in pieces, so that a test comparing the two ways knows it did.
var yamlPiecesHook func(inPieces bool)

// yamlChunkable are the top-level keys whose value may be split.
var yamlChunkable = []string{"farms", "rules", "siteRules", "locations"}

// yamlSplit is a file cut into a skeleton and runs of list items.
type yamlSplit struct {
	// skeleton is the source with each split list's runs turned into one
	// line of spaces, so that offsets in it are offsets in the source and
	// a split key's value reads as null.
	skeleton []byte
	// lists are the split lists by the offset of their key.
	lists map[int]*yamlList
}

// yamlList is one split list: consecutive runs of whole items.
type yamlList struct {
	runs [][2]int // [start, end) in the source; each ends where the next starts
}

// end is the offset just past the list's value, as the whole-file parse
// sees it: the start of the next top-level key (or of the comments that
// head it), or the end of the file.
func (l *yamlList) end() int { return l.runs[len(l.runs)-1][1] }

type yamlLine struct {
	start, end, next int // content [start, end) without the line end; next line's start
	indent           int // leading spaces
	blank, comment   bool
}

func (l yamlLine) text(src []byte) []byte { return src[l.start:l.end] }

// splitYAML cuts src; nil when it does not split (see above).
func splitYAML(src []byte) *yamlSplit {
	var lines []yamlLine
	for off := 0; off < len(src); {
		nl := bytes.IndexByte(src[off:], '\n')
		next := len(src)
		end := len(src)
		if nl >= 0 {
			end, next = off+nl, off+nl+1
		}
		if end > off && src[end-1] == '\r' {
			end--
		}
		l := yamlLine{start: off, end: end, next: next}
		i := off
		for i < end && src[i] == ' ' {
			i++
		}
		l.indent = i - off
		rest := src[i:end]
		switch {
		case len(bytes.TrimLeft(rest, " \t")) == 0:
			l.blank = true
		case bytes.TrimLeft(rest, " \t")[0] == '#':
			l.comment = true
		case l.indent == 0 && (rest[0] == '\t' || rest[0] == '%' || bytes.HasPrefix(rest, []byte("---")) || bytes.HasPrefix(rest, []byte("..."))):
			return nil // tabs as indentation, directives, document markers
		}
		lines = append(lines, l)
		off = next
	}
	sp := &yamlSplit{lists: map[int]*yamlList{}}
	sawKey := false
	for i := 0; i < len(lines); {
		l := lines[i]
		if l.blank || l.comment {
			i++
			continue
		}
		if !sawKey && (l.indent > 0 || isYAMLItem(l.text(src), 0)) {
			return nil // the root is not a mapping at column 0
		}
		if l.indent > 0 || isYAMLItem(l.text(src), 0) {
			i++ // inside the value of the key before it
			continue
		}
		name, bare, ok := yamlKeyLine(l.text(src))
		if !ok {
			return nil // not a plain key at the top level
		}
		sawKey = true
		// The key's value runs to the next top-level key.
		j := i + 1
		for j < len(lines) && (lines[j].blank || lines[j].comment || lines[j].indent > 0 || isYAMLItem(lines[j].text(src), 0)) {
			j++
		}
		if bare && contains(yamlChunkable, name) {
			if list := splitList(src, lines[i+1:j]); list != nil {
				sp.lists[l.start] = list
			}
		}
		i = j
	}
	if len(sp.lists) == 0 {
		return nil
	}
	sp.skeleton = bytes.Clone(src)
	for _, list := range sp.lists {
		// One line of spaces: the skeleton's offsets stay the file's
		// (all the walker uses), and its parsers do not index the lines
		// of the items.
		end := list.end()
		if sp.skeleton[end-1] == '\n' {
			end--
		}
		for k := list.runs[0][0]; k < end; k++ {
			sp.skeleton[k] = ' '
		}
	}
	return sp
}

// splitList cuts the lines of a key's value into runs of items; nil when
// the value is not a block list whose items may be parsed apart.
//
// A run ends where CUE ends the item before it: at the start of the next
// item's line, or, when one block of comments at the items' indentation
// stands above it (go-yaml's head comment of the next item), at the start
// of that block, which then opens the next run. Anything else between two
// items (comments at other indentations, or in two blocks) keeps them in
// one run.
func splitList(src []byte, lines []yamlLine) *yamlList {
	var g gap
	first := -1
	for k, l := range lines {
		if !l.blank && !l.comment {
			first = k
			break
		}
		g.add(l)
	}
	if first < 0 {
		return nil
	}
	n := lines[first].indent
	if !isYAMLItem(lines[first].text(src), n) || !g.clean(n) {
		return nil
	}
	list := &yamlList{}
	start := g.cut(lines[first])
	last := lines[first] // the last content line
	g = gap{}
	for _, l := range lines[first+1:] {
		switch {
		case l.blank || l.comment:
			g.add(l)
			continue
		case l.indent > n:
		case l.indent < n || !isYAMLItem(l.text(src), n):
			return nil // a line outside the items (a continued scalar?)
		default: // the next item
			if g.clean(n) && !mayEndEmpty(last.text(src)) {
				cut := g.cut(l)
				list.runs = append(list.runs, [2]int{start, cut})
				start = cut
			}
		}
		g = gap{}
		last = l
	}
	end := lines[len(lines)-1].next // the next key's line, or the end of the file
	if g.comments {
		// One block of comments at column 0 directly above the next key
		// is go-yaml's head comment of that key, and CUE ends the list
		// at the block's start; other comments after the last item
		// might be either's.
		if g.bad || g.closed || g.indent != 0 || end == len(src) {
			return nil
		}
		end = g.start
	}
	if mayEndEmpty(last.text(src)) {
		// An empty value takes its position from what follows it.
		return nil
	}
	list.runs = append(list.runs, [2]int{start, end})
	return list
}

// gap is what stands between two items: blank lines and comments.
type gap struct {
	comments bool
	start    int  // where the block of comments starts
	indent   int  // the comments' indentation
	closed   bool // a blank line after the block
	bad      bool // comments in two blocks or at two indentations
}

func (g *gap) add(l yamlLine) {
	switch {
	case l.blank:
		g.closed = g.comments
	case g.closed || g.comments && l.indent != g.indent:
		g.bad = true
	case !g.comments:
		g.comments, g.start, g.indent = true, l.start, l.indent
	}
}

// clean is true when the gap before an item at indentation n leaves no
// doubt where go-yaml puts its comments.
func (g *gap) clean(n int) bool { return !g.bad && (!g.comments || g.indent == n) }

// cut is where the run holding item starts.
func (g *gap) cut(item yamlLine) int {
	if g.comments {
		return g.start
	}
	return item.start
}

// mayEndEmpty is true when line may end in an empty value ("key:", "-",
// "key: &anchor", "key: # comment", "key: |"): go-yaml places an empty
// value at the token after it, which is in the next piece. (An anchor
// anywhere on the line also keeps the item with the next, which may use
// it.)
func mayEndEmpty(line []byte) bool {
	line = bytes.TrimRight(line, " \t")
	if len(line) == 0 || line[len(line)-1] == ':' || line[len(line)-1] == '-' || bytes.ContainsAny(line, "#&!") {
		return true
	}
	// A block scalar's header with no content after it.
	last := line[bytes.LastIndexAny(line, " \t")+1:]
	return last[0] == '|' || last[0] == '>'
}

// isYAMLItem is true for a line that starts a block sequence item at
// indentation n: "- " or a lone "-".
func isYAMLItem(line []byte, n int) bool {
	if len(line) <= n || line[n] != '-' {
		return false
	}
	for _, c := range line[:n] {
		if c != ' ' {
			return false
		}
	}
	return len(line) == n+1 || line[n+1] == ' '
}

// yamlKeyLine reads a top-level line "name:" (bare: nothing after it) or
// "name: value"; ok is false for anything else (quoted or complex keys).
func yamlKeyLine(line []byte) (name string, bare, ok bool) {
	i := 0
	for i < len(line) && (line[i] >= 'a' && line[i] <= 'z' || line[i] >= 'A' && line[i] <= 'Z' ||
		i > 0 && (line[i] >= '0' && line[i] <= '9' || line[i] == '_' || line[i] == '-' || line[i] == '.')) {
		i++
	}
	if i == 0 || i == len(line) || line[i] != ':' {
		return "", false, false
	}
	rest := line[i+1:]
	if len(rest) > 0 && rest[0] != ' ' {
		return "", false, false // "a:b" is a scalar, not a key
	}
	return string(line[:i]), len(bytes.TrimRight(rest, " ")) == 0, true
}
