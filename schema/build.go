package schema

import (
	"fmt"
	"strings"
)

// The builder turns a stream of element events, from the XML tokenizer or
// the YAML walker, into a tree of the ARR sections with their positions.
// It decides where each element belongs: known elements are built; unknown
// or misplaced ones are reported (with a suggestion); other IIS sections
// are skipped without being built. The tree is the loader's own (not an
// etree document): it holds only what the decoder needs, as byte offsets,
// because on a large file it is live at once with the model being built
// from it, and memory must stay a small multiple of the file's size.

// rawAttr is an attribute as read, before validation. Its positions are
// byte offsets into the file's Lines (files are bounded well below 2 GiB);
// spans are made from them only when a finding or the model asks.
type rawAttr struct {
	Name         string
	Value        string
	name0, name1 int32
	val0, val1   int32
	Duration     bool // value came from YAML: Go durations are allowed
	// v is the typed value once decoder.validate has found it valid:
	// bool, int64, string, float64 seconds (time spans) or Secret.
	v any
}

// newRawAttr is attribute name=value written at [name0,name1), its value
// at [val0,val1) (quotes excluded).
func newRawAttr(name, value string, name0, name1, val0, val1 int, duration bool) rawAttr {
	return rawAttr{Name: name, Value: value, name0: int32(name0), name1: int32(name1),
		val0: int32(val0), val1: int32(val1), Duration: duration}
}

func (a *rawAttr) nameSpan(l *Lines) Span  { return l.Span(int(a.name0), int(a.name1)) }
func (a *rawAttr) valueSpan(l *Lines) Span { return l.Span(int(a.val0), int(a.val1)) }

// node is a built element.
type node struct {
	nodeInfo
	children []*node
}

// nodeInfo is what the loader knows of a built element.
type nodeInfo struct {
	spec       *ElemSpec
	tag0, tag1 int32 // start tag (or YAML key), as byte offsets
	end        int   // byte offset just past the element
	attrs      []rawAttr
	location   string // enclosing <location path>
	misplaced  bool   // reported, validated, not loaded into the model...
	// ...unless asMeant: a known element under the wrong parent (a
	// healthCheck directly under webFarm, webFarms inside
	// system.webServer) is also loaded as if it stood where it belongs,
	// so that its own mistakes are found on the file as written, not only
	// after the misplacement is fixed.
	asMeant bool
}

func (n *nodeInfo) tagSpan(l *Lines) Span { return l.Span(int(n.tag0), int(n.tag1)) }

// value is the typed value of attribute name, when it was written valid.
func (n *nodeInfo) value(name string) (*rawAttr, bool) {
	for i := range n.attrs {
		if a := &n.attrs[i]; a.Name == name && a.v != nil {
			return a, true
		}
	}
	return nil, false
}

type frame struct {
	el   *node // nil while skipping
	spec *ElemSpec
	info *nodeInfo
	name string // as written: a misplaced element is read as another spec
}

type builder struct {
	dropped  []Dropped
	sch      *Schema
	kind     Kind
	lines    *Lines
	root     *node   // the document's first root element
	nodes    []*node // every built element, in document order
	stack    []frame
	findings []Finding
	location string
	comments []comment // suppression comments seen since the last element start or end
	pending  []pendingSuppression
	// asMeant is set by place for the element it returns: see nodeInfo.
	asMeant bool
	// unlocking: the open <location> says overrideMode="Allow" or
	// allowOverride="true", which unlocks the sections written in it.
	unlocking bool
	// locked and unlocks become Config.LockedSections and SectionUnlocks.
	locked, unlocks []SectionLock
	groups          []string // sectionDecl's enclosing sectionGroup names
	// realFile is true for files named applicationHost.config or
	// web.config, where a misplaced section is a real mistake rather than
	// a snippet's wrapper.
	realFile bool
	// names holds one copy of each attribute name: the model keeps a name
	// per written attribute, and a large file repeats a few names
	// hundreds of thousands of times.
	names map[string]string
	// nothing, when set, says why the file holds no configuration at
	// all (a YAML file whose top level is a list or a scalar).
	nothing string
}

func (b *builder) intern(s string) string {
	if c, ok := b.names[s]; ok {
		return c
	}
	if b.names == nil {
		b.names = map[string]string{}
	}
	if len(b.names) < 1024 { // a hostile file's endless names stay unshared
		b.names[s] = s
	}
	return s
}

type comment struct {
	text string
	span Span
}

func newBuilder(sch *Schema, kind Kind, lines *Lines) *builder {
	return &builder{sch: sch, kind: kind, lines: lines}
}

func (b *builder) report(rule string, sev Severity, span Span, format string, args ...any) {
	b.findings = append(b.findings, Finding{Rule: rule, Severity: sev, Span: span, Message: fmt.Sprintf(format, args...)})
}

// start opens an element. It returns false when the element (and so its
// content) is to be skipped; the caller then skips to its end and calls
// skipped instead of end.
func (b *builder) start(name string, nameSpan, tagSpan Span, attrs []rawAttr) bool {
	comments := b.comments
	b.comments = nil
	var parent frame
	if len(b.stack) > 0 {
		parent = b.stack[len(b.stack)-1]
	}
	b.asMeant = false
	spec, misplaced := b.place(name, parent, nameSpan, attrs)
	if spec == nil && parent.spec != nil && parent.spec != b.sch.Doc && parent.spec.Name != "system.webServer" && parent.spec.Name != "location" {
		// Content of a section arrfarm reads that its model does not
		// carry (outbound rules, preconditions, Web Farm Framework
		// provisioning): convert must say it leaves it out.
		b.dropped = append(b.dropped, Dropped{Element: parent.spec.Path + "/" + name, Span: nameSpan})
	}
	if spec == nil {
		// Skipped, but a suppression before it still covers it (e.g. an
		// unknown element reported at its name).
		info := &nodeInfo{tag0: int32(tagSpan.Start.Offset), tag1: int32(tagSpan.End.Offset)}
		for _, c := range comments {
			b.suppression(c, info)
		}
		b.stack = append(b.stack, frame{info: info, name: name})
		return false
	}
	el := &node{nodeInfo: nodeInfo{spec: spec, tag0: int32(tagSpan.Start.Offset), tag1: int32(tagSpan.End.Offset), attrs: attrs, misplaced: misplaced, asMeant: misplaced && b.asMeant}}
	if parent.el != nil {
		parent.el.children = append(parent.el.children, el)
	} else if b.root == nil {
		// Elements after the root (not well-formed, which encoding/xml
		// lets pass) are validated but not loaded.
		b.root = el
	}
	b.nodes = append(b.nodes, el)
	if name == "location" && spec.Path == "location" {
		for _, a := range attrs {
			switch a.Name {
			case "path":
				b.location = a.Value
			case "overrideMode":
				b.unlocking = strings.EqualFold(strings.TrimSpace(a.Value), "Allow")
			case "allowOverride":
				b.unlocking = strings.EqualFold(strings.TrimSpace(a.Value), "true")
			}
		}
	}
	el.location = b.location
	info := &el.nodeInfo
	for _, c := range comments {
		b.suppression(c, info)
	}
	b.stack = append(b.stack, frame{el: el, spec: spec, info: info, name: name})
	return true
}

// place finds the spec of element name under parent. It reports unknown
// and misplaced elements. A nil spec means: skip the element.
func (b *builder) place(name string, parent frame, nameSpan Span, attrs []rawAttr) (spec *ElemSpec, misplaced bool) {
	if parent.spec == nil && len(b.stack) > 0 {
		return nil, false // inside a skipped element
	}
	if parent.spec == nil {
		return b.placeRoot(name, nameSpan)
	}
	if s, ok := parent.spec.Elems[name]; ok {
		if s.AppHostOnly && b.kind == WebConfig {
			b.report(RuleMisplaced, Error, nameSpan, "%s is allowed only in applicationHost.config (IIS rejects it in a web.config with a 500.19 configuration error); move it to applicationHost.config", s.Path)
			return s, true
		}
		// The same section inside a <location> has the spec path
		// location/...: IIS names it without.
		section := strings.TrimPrefix(s.Path, "location/")
		if s.Locked && b.kind == AppHost && b.unlocking {
			b.unlocks = append(b.unlocks, SectionLock{Section: section, Location: b.location, Span: nameSpan})
		}
		if s.Locked && b.kind == WebConfig {
			b.locked = append(b.locked, SectionLock{Section: section, Location: b.location, Span: nameSpan})
			b.report(RuleLockedSection, Warning, nameSpan, "%s is locked at the server level by default (overrideModeDefault=\"Deny\"): set in a web.config, it makes IIS answer every request of the site with 500.19 unless applicationHost.config unlocks it; set it in applicationHost.config", section)
		}
		if s.WFF && !s.Open {
			b.report(RuleWFFSetting, Info, nameSpan, "%s is a Web Farm Framework setting: ARR routing probably ignores it", name)
		}
		if s.WFF || s.Runtime {
			return nil, false
		}
		return s, false
	}
	if _, isAttr := parent.spec.Attrs[name]; isAttr {
		b.report(RuleUnknownElement, Error, nameSpan, "%s is an attribute of %s, not a child element: write <%s %s=\"...\" />", name, parent.spec.Name, parent.spec.Name, name)
		return nil, false
	}
	if name == parent.spec.Name {
		b.report(RuleMisplaced, Error, nameSpan, "%s inside %s: elements of one kind do not nest (was the outer <%s> meant to be closed first, or written as <%s ... />?)", name, name, name, name)
		return parent.spec, true
	}
	// A known element in the wrong place: validate it where it stands so
	// its own mistakes show too.
	if cands := b.sch.byName[name]; len(cands) > 0 && !isCollectionVerb(name) {
		s := b.pickSpec(cands, attrs)
		if parent.spec == b.sch.Doc && !b.realFile {
			// A block written straight under <configuration>, as the
			// snippets in documentation are: read it as that section.
			b.report(RuleFragment, Info, nameSpan, "%s directly under <configuration>: read as a fragment of %s", name, parentPath(s))
			return s, false
		}
		b.report(RuleMisplaced, Error, nameSpan, "%s does not belong in %s: it belongs in %s", name, b.writtenPath(), parentPath(s))
		b.asMeant = true
		return s, true
	}
	hint, guess := b.suggest(name, parent.spec)
	if parent.spec.Open && hint == "" {
		return nil, false // another IIS section: not arrfarm's to check
	}
	msg := fmt.Sprintf("unknown element %s in %s", name, b.writtenPath())
	if hint != "" {
		msg += ": " + hint
	} else if len(parent.spec.ElemNames) > 0 {
		msg += "; valid children: " + strings.Join(parent.spec.ElemNames, ", ")
	}
	b.report(RuleUnknownElement, Error, nameSpan, "%s", msg)
	// Read what was probably meant, so that its own mistakes show too;
	// it is not loaded into the model.
	return guess, guess != nil
}

func (b *builder) placeRoot(name string, nameSpan Span) (*ElemSpec, bool) {
	if name == "configuration" {
		return b.sch.Doc, false
	}
	cands := b.sch.byName[name]
	if len(cands) == 0 {
		if hint, guess := b.suggest(name, b.sch.Doc); hint != "" {
			b.report(RuleUnknownElement, Error, nameSpan, "unknown root element %s: %s", name, hint)
			return guess, guess != nil
		} else {
			b.report(RuleUnknownElement, Info, nameSpan, "root element %s holds no ARR settings (expected configuration, webFarms, webFarm, system.webServer or rewrite)", name)
		}
		return nil, false
	}
	return b.pickSpec(cands, nil), false
}

// pickSpec chooses among elements of one name (rule under globalRules or
// rules; applicationRequestRouting at three levels).
func (b *builder) pickSpec(cands []*ElemSpec, attrs []rawAttr) *ElemSpec {
	best, bestScore := cands[0], -1
	for _, c := range cands {
		score := 0
		for _, a := range attrs {
			if _, ok := c.Attrs[a.Name]; ok {
				score += 2
			}
		}
		if c.Name == "rule" && strings.Contains(c.Path, "globalRules") == (b.kind == AppHost) {
			score++
		}
		if strings.HasPrefix(c.Path, "webFarms/webFarm/applicationRequestRouting") {
			score++ // the farm-level element is the one people write by hand
		}
		if score > bestScore {
			best, bestScore = c, score
		}
	}
	return best
}

func isCollectionVerb(name string) bool { return name == "add" || name == "clear" || name == "remove" }

func parentPath(s *ElemSpec) string {
	if i := strings.LastIndexByte(s.Path, '/'); i >= 0 {
		return s.Path[:i]
	}
	return "<configuration>"
}

// writtenPath is where the element being placed stands, as the file
// writes it: the names of the open elements below <configuration> and
// <location>. It is not the spec path of the parent, which is where a
// misplaced element was read as meant (an applicationRequestRouting
// under system.webServer is read as a farm's): naming that would send the
// reader to a place the file does not have.
func (b *builder) writtenPath() string {
	parts := make([]string, 0, len(b.stack))
	for _, f := range b.stack {
		if f.spec == b.sch.Doc || f.spec != nil && f.spec.Path == "location" {
			continue
		}
		parts = append(parts, f.name)
	}
	if len(parts) == 0 {
		return "<configuration>"
	}
	return strings.Join(parts, "/")
}

// synonyms are names people write for ARR elements and attributes, found in
// public guides and scripts (arr-reference.md section 7).
var synonyms = map[string]string{
	"serverFarms":             "webFarms",
	"serverFarm":              "webFarm",
	"loadBalance":             "loadBalancing",
	"port":                    "httpPort",
	"responseBufferThreshold": "responseBufferLimit",
	"healthcheck":             "healthCheck",
}

// suggest returns a did-you-mean hint for an unknown element name among
// the children of parent, and the spec of the element probably meant. In
// an open parent (where other IIS sections live) only a case-insensitive
// match or a known synonym counts: "system.web" is a real section, not a
// typo of "system.webServer".
func (b *builder) suggest(name string, parent *ElemSpec) (string, *ElemSpec) {
	guess := func(m string) *ElemSpec {
		if s, ok := parent.Elems[m]; ok {
			return s
		}
		if c := b.sch.byName[m]; len(c) > 0 {
			return b.pickSpec(c, nil)
		}
		return nil
	}
	if s, ok := synonyms[name]; ok {
		return fmt.Sprintf("did you mean %s?", s), guess(s)
	}
	var m string
	if parent.Open {
		for _, c := range parent.ElemNames {
			if strings.EqualFold(c, name) {
				m = c
			}
		}
	} else {
		m = Closest(name, parent.ElemNames)
	}
	switch {
	case m == "":
		return "", nil
	case strings.EqualFold(m, name):
		return fmt.Sprintf("did you mean %s? IIS names are case-sensitive", m), guess(m)
	}
	return fmt.Sprintf("did you mean %s?", m), guess(m)
}

// end closes the current element; endOff is the byte just past it.
func (b *builder) end(endOff int) {
	if len(b.stack) == 0 {
		return
	}
	f := b.stack[len(b.stack)-1]
	b.stack = b.stack[:len(b.stack)-1]
	b.flushComments()
	if f.info != nil {
		f.info.end = endOff
		if f.spec != nil && f.spec.Path == "location" {
			b.location = ""
			b.unlocking = false
		}
	}
}

// text notes character data between elements: it separates a comment from
// the element after it.
func (b *builder) text(nonSpace bool) {
	if nonSpace {
		b.flushComments()
	}
}

func (b *builder) comment(text string, span Span) {
	if isSuppression(text) {
		b.comments = append(b.comments, comment{text: text, span: span})
	}
}

// flushComments records suppressions that stand before nothing.
func (b *builder) flushComments() {
	for _, c := range b.comments {
		b.suppression(c, nil)
	}
	b.comments = nil
}
