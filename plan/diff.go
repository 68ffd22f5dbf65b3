// Package plan compares a desired ARR configuration with the live one and
// turns the difference into an ordered change set: farms, servers, every
// ARR attribute, the global proxy section, global rewrite rules and the
// allowed server variables. The change set prints as a summary, as the
// JSON contract, as an appcmd script or as a PowerShell script; the same
// comparison, read the other way, is drift: one finding per difference at
// the live file's position.
package plan

import (
	"sort"
	"strings"

	"github.com/arrfarm/arrfarm/schema"
)

// Operations of a change.
const (
	OpAdd    = "add"
	OpSet    = "set"
	OpRemove = "remove"
)

// Step is one step of an element's address below its section: a single
// child element by name, or a collection item by its key attributes.
type Step struct {
	Name string
	Key  [][2]string // nil for a single element
}

// Change is one change to the live configuration.
type Change struct {
	Op string
	// Section is the configuration section ("webFarms",
	// "system.webServer/proxy", ...) and Steps the element's address in it.
	Section string
	Steps   []Step
	// Attribute is the attribute changed, "" when the change adds or
	// removes the element itself.
	Attribute string
	// From and To are the attribute's values as IIS writes them; nil when
	// there is none (a new element, a removal, a secret).
	From, To *string
	// Secret marks a change to a password or encrypted value: the plan
	// never holds the value, the user sets it by hand.
	Secret bool
	// Drain marks the step that takes a server out of rotation (enabled
	// false) before it is removed.
	Drain bool
	// Label names the element for people ("server 10.0.0.5 in farm web")
	// and Name the attribute below it ("protocol.timeout").
	Label, Name string
	Spec        *schema.AttrSpec
	// DesiredSpan and CurrentSpan are where the change stands in each
	// file; CurrentSpan is the nearest existing parent for an addition.
	DesiredSpan, CurrentSpan schema.Span
	// InCurrent is false when the element does not exist in the current
	// file (an addition, and the settings of a new element).
	InCurrent bool

	phase int
	// inner changes fill in an element being added: part of that
	// addition, not differences of their own.
	inner bool
	// reorder marks the removal of an item that is added again further
	// down because its collection is ordered and its place changed; moved
	// marks that addition.
	reorder, moved bool
}

// Path is the element's XPath from the document root, as IIS's
// configuration filters write it:
// webFarms/webFarm[@name='web']/server[@address='10.0.0.5'].
func (c *Change) Path() string { return xpath(c.Section, c.Steps) }

// Plan is the ordered change set that turns the current configuration
// into the desired one.
type Plan struct {
	Desired, Current string // file names
	Changes          []Change
	// SecretsSkipped are the attributes (PATH/@attribute) whose change the
	// user must make by hand.
	SecretsSkipped []string
	// Transition is the simulated transition, when one was asked for.
	Transition *Transition
}

// Phases, in the order IIS accepts the changes: what a rule needs (allowed
// server variables, the proxy switched on, the farm and its servers)
// exists before the rule; a server leaves rotation before it is removed;
// a farm goes only once no rule routes to it.
const (
	phaseAllow       = iota // allowed server variables and host affinity providers added
	phaseProxy              // global proxy settings, webFarms settings
	phaseFarms              // farms and servers added, settings changed
	phaseRules              // global rules removed, added, changed
	phaseDrain              // servers to be removed leave rotation
	phaseRemoveSrv          // servers removed
	phaseRemoveFarm         // farms removed
	phaseRemoveAllow        // allowed server variables and providers removed
)

// Diff compares the desired configuration with the current one. Only the
// sections the desired file has are compared: what it leaves out, it
// leaves alone.
func Diff(desired, current *schema.Config) *Plan {
	p := &Plan{Desired: desired.File, Current: current.File}
	w := &walker{p: p}
	ds, cs := sections(desired), sections(current)
	for i := range ds {
		if !ds[i].written {
			continue
		}
		w.section = ds[i].path
		w.node(ds[i].root, cs[i].root, nil, scope{label: ds[i].root.label})
	}
	sort.SliceStable(p.Changes, func(i, j int) bool { return p.Changes[i].phase < p.Changes[j].phase })
	for _, c := range p.Changes {
		if c.Secret {
			p.SecretsSkipped = append(p.SecretsSkipped, c.Path()+"/@"+c.Attribute)
		}
	}
	return p
}

type walker struct {
	p       *Plan
	section string
}

// scope is what a change needs to know of the elements above it.
type scope struct {
	label string   // nearest labelled element, with its parents
	rel   []string // child element names below it
	what  string   // the kind of the nearest collection item ("farm", "server", "rule")
	// cur is the nearest element that exists in the current file, for
	// the position of additions.
	cur schema.Span
	// des is the nearest element present in the desired file, for the
	// position of removals.
	des schema.Span
}

func (s scope) child(name string) scope {
	if name != "applicationRequestRouting" {
		s.rel = append(append([]string(nil), s.rel...), name)
	}
	return s
}

func (s scope) item(n *node, what string) scope {
	label := n.label
	if s.what != "" && s.label != "" {
		sep := " in "
		if what == "rule" || what == "farm" {
			sep = ""
		}
		if sep != "" {
			label += sep + s.label
		}
	}
	return scope{label: label, what: what, cur: s.cur, des: s.des}
}

func (s scope) attrName(a string) string {
	return strings.Join(append(append([]string(nil), s.rel...), a), ".")
}

func appendStep(steps []Step, s Step) []Step {
	return append(append(make([]Step, 0, len(steps)+1), steps...), s)
}

func spanOf(e *schema.Element) schema.Span {
	if e == nil {
		return schema.Span{}
	}
	return e.Span
}

func valueSpan(e *schema.Element, attr string) schema.Span {
	if e == nil {
		return schema.Span{}
	}
	return e.ValueSpan(attr)
}

func (w *walker) emit(c Change) {
	c.Section = w.section
	w.p.Changes = append(w.p.Changes, c)
}

// phaseOf says when a change goes (see the phase constants).
func (w *walker) phaseOf(what, op string) int {
	switch w.section {
	case "system.webServer/rewrite/allowedServerVariables":
		if op == OpRemove {
			return phaseRemoveAllow
		}
		return phaseAllow
	case "system.webServer/proxy":
		return phaseProxy
	case "system.webServer/rewrite/globalRules":
		return phaseRules
	}
	switch {
	case what == "host affinity provider" && op == OpRemove:
		return phaseRemoveAllow
	case what == "host affinity provider":
		return phaseAllow
	case what == "farm" && op == OpRemove:
		return phaseRemoveFarm
	case what == "server" && op == OpRemove:
		return phaseRemoveSrv
	case what == "":
		return phaseProxy // the webFarms section's own settings
	}
	return phaseFarms
}

func isKey(n *node, attr string) bool {
	for _, kv := range n.key {
		if kv[0] == attr {
			return true
		}
	}
	return false
}

func str(s string) *string { return &s }

// hasCredentials reports whether a value holds something secret (a URL
// with a password, an [enc:...:enc] blob): such a value is never written
// into a plan either.
func hasCredentials(s string) bool { return schema.MaskSecrets(s) != s }

// node compares an element present in both files.
func (w *walker) node(d, c *node, steps []Step, sc scope) {
	if c.el != nil && c.el.Present {
		sc.cur = c.el.Span
	}
	if d.el != nil && d.el.Present {
		sc.des = d.el.Span
	}
	for i := range d.attrs {
		da, ca := &d.attrs[i], c.attr(d.attrs[i].Name)
		if ca == nil || isKey(d, da.Name) {
			continue
		}
		ch := Change{Op: OpSet, Steps: steps, Attribute: da.Name, Label: sc.label, Name: sc.attrName(da.Name), Spec: da.Spec,
			DesiredSpan: valueSpan(d.el, da.Name), CurrentSpan: valueSpan(c.el, da.Name), InCurrent: true,
			phase: w.phaseOf(sc.what, OpSet)}
		if !ca.Written && (c.el == nil || !c.el.Present) {
			ch.CurrentSpan = sc.cur
		}
		switch {
		case da.Secret != nil:
			if da.Secret.Set == ca.Secret.Set {
				continue
			}
			ch.Secret = true
			if !da.Secret.Set {
				ch.Op = OpRemove
			}
		case da.Text == ca.Text:
			continue
		case hasCredentials(da.Text) || hasCredentials(ca.Text):
			ch.Secret = true
		default:
			ch.From, ch.To = str(ca.Text), str(da.Text)
		}
		w.emit(ch)
	}
	for i, dk := range d.kids {
		w.node(dk, c.kids[i], appendStep(steps, Step{Name: dk.name}), sc.child(dk.name))
	}
	for i, dl := range d.lists {
		w.list(dl, c.lists[i], steps, sc)
	}
}

func itemStep(n *node) Step { return Step{Name: n.name, Key: n.key} }

// list compares two collections. Items are matched by key; in an ordered
// collection an item whose place changed is removed and added again, since
// appcmd adds at the end: the items from the first misplaced one on are
// moved.
func (w *walker) list(dl, cl *list, steps []Step, sc scope) {
	if sc.cur.IsZero() && len(cl.items) > 0 && cl.items[0].el != nil {
		// The collection's own element is not in the model (globalRules):
		// additions point at its first item.
		sc.cur = cl.items[0].el.Span
	}
	byKey := make(map[string]*node, len(cl.items))
	for _, it := range cl.items {
		if _, dup := byKey[keyOf(it)]; !dup {
			byKey[keyOf(it)] = it
		}
	}
	want := make(map[string]bool, len(dl.items))
	for _, it := range dl.items {
		want[keyOf(it)] = true
	}
	for _, it := range cl.items {
		if !want[keyOf(it)] {
			w.remove(it, dl.what, steps, sc, false)
		}
	}
	if !dl.ordered {
		for _, it := range dl.items {
			if c := byKey[keyOf(it)]; c != nil {
				w.node(it, c, appendStep(steps, itemStep(it)), sc.item(it, dl.what))
			} else {
				w.add(it, dl.what, steps, sc, w.phaseOf(dl.what, OpAdd), false)
			}
		}
		return
	}
	var kept []*node
	for _, it := range cl.items {
		if want[keyOf(it)] {
			kept = append(kept, it)
		}
	}
	j := 0
	moving := false
	for _, it := range dl.items {
		c := byKey[keyOf(it)]
		if !moving && c != nil && j < len(kept) && keyOf(kept[j]) == keyOf(it) {
			w.node(it, c, appendStep(steps, itemStep(it)), sc.item(it, dl.what))
			j++
			continue
		}
		if !moving && (c != nil || j < len(kept)) {
			// From here on every kept item is out of place: take them
			// out, to be added again in the desired order.
			moving = true
			for _, k := range kept[j:] {
				w.remove(k, dl.what, steps, sc, true)
			}
		}
		w.add(it, dl.what, steps, sc, w.phaseOf(dl.what, OpAdd), moving && c != nil)
	}
}

// remove takes an item out; a server is drained first.
func (w *walker) remove(c *node, what string, steps []Step, sc scope, reorder bool) {
	isc := sc.item(c, what)
	st := appendStep(steps, itemStep(c))
	if what == "server" {
		if en := c.attr("enabled"); en != nil && en.Text == "true" {
			w.emit(Change{Op: OpSet, Steps: st, Attribute: "enabled", From: str("true"), To: str("false"), Drain: true,
				Label: isc.label, Name: "enabled", Spec: en.Spec, DesiredSpan: sc.desiredParent(), CurrentSpan: valueSpan(c.el, "enabled"),
				InCurrent: true, phase: phaseDrain, inner: true})
		}
	}
	w.emit(Change{Op: OpRemove, Steps: st, Label: isc.label, DesiredSpan: sc.desiredParent(), CurrentSpan: spanOf(c.el),
		InCurrent: true, phase: w.phaseOf(what, OpRemove), reorder: reorder})
}

// add adds an item with every setting that differs from the schema
// default, and its children.
func (w *walker) add(d *node, what string, steps []Step, sc scope, phase int, readd bool) {
	isc := sc.item(d, what)
	st := appendStep(steps, itemStep(d))
	w.emit(Change{Op: OpAdd, Steps: st, Label: isc.label, DesiredSpan: spanOf(d.el), CurrentSpan: sc.cur, phase: phase, inner: readd, moved: readd})
	w.fill(d, st, isc, phase)
}

// fill writes the settings of an element being added.
func (w *walker) fill(d *node, steps []Step, sc scope, phase int) {
	for _, a := range d.attrs {
		if isKey(d, a.Name) || a.Default {
			continue
		}
		ch := Change{Op: OpSet, Steps: steps, Attribute: a.Name, Label: sc.label, Name: sc.attrName(a.Name), Spec: a.Spec,
			DesiredSpan: valueSpan(d.el, a.Name), CurrentSpan: sc.cur, phase: phase, inner: true}
		if a.Secret != nil || hasCredentials(a.Text) {
			ch.Secret = true
		} else {
			ch.To = str(a.Text)
		}
		w.emit(ch)
	}
	for _, k := range d.kids {
		w.fill(k, appendStep(steps, Step{Name: k.name}), sc.child(k.name), phase)
	}
	for _, l := range d.lists {
		for _, it := range l.items {
			isc := sc.item(it, l.what)
			st := appendStep(steps, itemStep(it))
			w.emit(Change{Op: OpAdd, Steps: st, Label: isc.label, DesiredSpan: spanOf(it.el), CurrentSpan: sc.cur, phase: phase, inner: true})
			w.fill(it, st, isc, phase)
		}
	}
}

// desiredParent is where a removal stands in the desired file: at the
// nearest element that holds what is left.
func (s scope) desiredParent() schema.Span { return s.des }

// xpath writes section/steps with key predicates.
func xpath(section string, steps []Step) string {
	var b strings.Builder
	b.WriteString(section)
	for _, s := range steps {
		b.WriteByte('/')
		b.WriteString(s.Name)
		for _, kv := range s.Key {
			b.WriteString("[@")
			b.WriteString(kv[0])
			b.WriteByte('=')
			b.WriteString(xpathLiteral(kv[1]))
			b.WriteByte(']')
		}
	}
	return b.String()
}

// xpathLiteral quotes s for XPath 1.0, which has no escapes: single
// quotes unless s holds one, then double quotes. ok is false when s holds
// both.
func xpathLiteral(s string) string {
	if !strings.Contains(s, "'") {
		return "'" + s + "'"
	}
	return `"` + s + `"`
}
