package recommend

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aymanbagabas/go-udiff"

	"github.com/arrfarm/arrfarm/schema"
)

// change is one attribute value a recommendation sets.
type change struct {
	el    *schema.Element
	elem  string // element name under applicationRequestRouting
	attr  string
	value any // time.Duration or int
}

// Changes lists what applying r to the farms of doc changes: the timeout
// when one is recommended, and the health-check settings when the farm has
// a URL test. Values equal to the current ones are left alone.
func changes(doc *schema.Document, r *Result) map[*schema.Farm][]change {
	out := map[*schema.Farm][]change{}
	for _, rf := range r.Farms {
		f := doc.Config.Farm(rf.Name)
		if f == nil {
			continue
		}
		var cs []change
		if t := rf.Timeout.RecommendedS; t != nil && time.Duration(*t)*time.Second != f.Protocol.Timeout {
			cs = append(cs, change{&f.Protocol.Element, "protocol", "timeout", time.Duration(*t) * time.Second})
		}
		if h := rf.HealthCheck; h.URLTest {
			hc := &f.HealthCheck
			if d := secondsOf(h.IntervalS); d != hc.Interval {
				cs = append(cs, change{&hc.Element, "healthCheck", "interval", d})
			}
			if d := secondsOf(h.TimeoutS); d != hc.Timeout {
				cs = append(cs, change{&hc.Element, "healthCheck", "timeout", d})
			}
			if int64(h.MinServers) != hc.MinServers {
				cs = append(cs, change{&hc.Element, "healthCheck", "minServers", h.MinServers})
			}
		}
		if len(cs) > 0 {
			out[f] = cs
		}
	}
	return out
}

// sharedAt finds the anchored node (that an alias uses) holding off.
func sharedAt(shared []schema.SharedYAML, off int) (schema.SharedYAML, bool) {
	for _, a := range shared {
		if a.Start <= off && off < a.End {
			return a, true
		}
	}
	return schema.SharedYAML{}, false
}

func secondsOf(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// Edits turns r into replacements of doc's text (schema.Patch applies
// them): a written attribute gets a new value in place, written the way
// the old one was (IIS time span or Go duration); in XML a missing
// attribute is added to its element's start tag, and a missing element
// (protocol, or applicationRequestRouting itself) is added as a child with
// the file's indentation and line endings. What cannot be placed (a YAML
// file without the key, a self-closing parent) is returned as a note for
// the user to add by hand.
func Edits(doc *schema.Document, r *Result) ([]schema.Replacement, []string) {
	text := doc.Lines.Src()
	xml := doc.Config.Format != schema.YAML
	nl := "\n"
	if bytes.Contains(text, []byte("\r\n")) {
		nl = "\r\n"
	}
	var reps []schema.Replacement
	var notes []string
	var shared []schema.SharedYAML
	if !xml {
		shared = schema.YAMLShared(doc.Lines)
	}
	all := changes(doc, r)
	for _, rf := range r.Farms {
		f := doc.Config.Farm(rf.Name)
		cs := all[f]
		// Missing elements, grouped so that one new element gets all its
		// attributes.
		missing := map[string][]change{}
		var order []string
		for _, c := range cs {
			switch {
			case c.el.Has(c.attr):
				sp := c.el.ValueSpan(c.attr)
				if a, ok := sharedAt(shared, sp.Start.Offset); ok {
					// Written through an anchor: the edit would change
					// every farm that uses the alias, not only this one.
					notes = append(notes, fmt.Sprintf("%s: farm %q: %s.%s is not changed: the value is shared through the YAML anchor &%s (used at %s), so editing it would change every farm that uses it; to change farm %q alone, write its own %s.%s: %s in place of the alias by hand",
						sp, f.Name, c.elem, c.attr, a.Anchor, a.Alias, f.Name, c.elem, c.attr, valueText(c.value, "", false)))
					continue
				}
				old := string(text[sp.Start.Offset:sp.End.Offset])
				reps = append(reps, schema.Replacement{Start: sp.Start.Offset, End: sp.End.Offset, Text: valueText(c.value, old, xml)})
			case !xml:
				notes = append(notes, fmt.Sprintf("%s: farm %q: add %s.%s: %s by hand (arrfarm edits only values already written in YAML)",
					f.Span, f.Name, c.elem, c.attr, valueText(c.value, "", false)))
			case c.el.Present:
				at, ok := attrInsertPoint(text, c.el.Span)
				if !ok {
					notes = append(notes, fmt.Sprintf("%s: add %s=%q by hand", c.el.Span, c.attr, valueText(c.value, "", true)))
					continue
				}
				reps = append(reps, schema.Replacement{Start: at, End: at, Text: fmt.Sprintf(" %s=%q", c.attr, valueText(c.value, "", true))})
			default:
				if missing[c.elem] == nil {
					order = append(order, c.elem)
				}
				missing[c.elem] = append(missing[c.elem], c)
			}
		}
		if len(order) == 0 {
			continue
		}
		var elems []string
		for _, name := range order {
			var b strings.Builder
			b.WriteString("<" + name)
			for _, c := range missing[name] {
				fmt.Fprintf(&b, " %s=%q", c.attr, valueText(c.value, "", true))
			}
			b.WriteString(" />")
			elems = append(elems, b.String())
		}
		farmIndent := indentOf(text, f.Span.Start.Offset)
		if f.ARR.Present {
			if end := f.ARR.Span.End.Offset; bytes.HasSuffix(text[:end], []byte("/>")) {
				notes = append(notes, fmt.Sprintf("%s: add %s inside applicationRequestRouting by hand", f.ARR.Span, strings.Join(elems, " ")))
				continue
			}
			arrIndent := indentOf(text, f.ARR.Span.Start.Offset)
			unit := strings.TrimPrefix(arrIndent, farmIndent)
			if unit == "" || unit == arrIndent {
				unit = "    "
			}
			var b strings.Builder
			for _, e := range elems {
				b.WriteString(nl + arrIndent + unit + e)
			}
			reps = append(reps, schema.Replacement{Start: f.ARR.Span.End.Offset, End: f.ARR.Span.End.Offset, Text: b.String()})
			continue
		}
		if bytes.HasSuffix(text[:f.Span.End.Offset], []byte("/>")) {
			notes = append(notes, fmt.Sprintf("%s: add <applicationRequestRouting>%s</applicationRequestRouting> inside the farm by hand", f.Span, strings.Join(elems, "")))
			continue
		}
		unit := "    "
		if len(f.Servers) > 0 {
			if u := strings.TrimPrefix(indentOf(text, f.Servers[0].Span.Start.Offset), farmIndent); u != "" {
				unit = u
			}
		}
		var b strings.Builder
		b.WriteString(nl + farmIndent + unit + "<applicationRequestRouting>")
		for _, e := range elems {
			b.WriteString(nl + farmIndent + unit + unit + e)
		}
		b.WriteString(nl + farmIndent + unit + "</applicationRequestRouting>")
		reps = append(reps, schema.Replacement{Start: f.Span.End.Offset, End: f.Span.End.Offset, Text: b.String()})
	}
	return reps, notes
}

// valueText writes v as the file would: an IIS time span in XML or when
// the old value was one, else a Go duration; numbers as numbers.
func valueText(v any, old string, xml bool) string {
	switch x := v.(type) {
	case time.Duration:
		if xml || strings.Contains(old, ":") {
			return schema.FormatTimeSpan(x)
		}
		return schema.FormatDuration(x)
	case int:
		return strconv.Itoa(x)
	}
	return fmt.Sprint(v)
}

// attrInsertPoint is where a new attribute goes in the start tag at sp:
// after the last attribute, before the whitespace that precedes ">" or "/>".
func attrInsertPoint(text []byte, sp schema.Span) (int, bool) {
	end := sp.End.Offset
	if end <= sp.Start.Offset || end > len(text) || text[end-1] != '>' {
		return 0, false
	}
	at := end - 1
	if at > 0 && text[at-1] == '/' {
		at--
	}
	for at > sp.Start.Offset && strings.ContainsRune(" \t\r\n", rune(text[at-1])) {
		at--
	}
	return at, true
}

// indentOf is the whitespace that starts the line holding offset off.
func indentOf(text []byte, off int) string {
	start := bytes.LastIndexByte(text[:off], '\n') + 1
	end := start
	for end < len(text) && (text[end] == ' ' || text[end] == '\t') {
		end++
	}
	return string(text[start:end])
}

// UnifiedDiff is the patch of the file named name, loaded as lines, to
// new (the loader's UTF-8 text with the recommendation applied). No secret
// the loader recorded appears in it: a context line that holds one is left
// out with the context beyond it (a hunk needs no fixed amount of context;
// git apply and patch take it), and one the patch must show (a changed
// line, context between two changes, or the only context line left on a
// side, which git apply needs) is masked. masked lists those lines (1-based,
// in the file as read): there the patch no longer applies as printed.
func UnifiedDiff(name string, lines *schema.Lines, new []byte) (diff string, masked []int) {
	old := string(lines.Src())
	name = schema.Printable(name)
	u, err := udiff.ToUnifiedDiff("a/"+name, "b/"+name, old, udiff.Lines(old, string(new)), udiff.DefaultContextLines)
	if err != nil {
		// udiff.Lines gives consistent edits; say so rather than print
		// a wrong patch.
		return "", nil
	}
	for _, h := range u.Hunks {
		masked = append(masked, hideSecrets(h, lines)...)
	}
	return u.String(), masked
}

// hideSecrets trims and masks one hunk (see UnifiedDiff).
func hideSecrets(h *udiff.Hunk, lines *schema.Lines) (masked []int) {
	// The line of the old file each hunk line is (0 for an insertion).
	at := make([]int, len(h.Lines))
	n := h.FromLine
	first, last := -1, -1
	for i, l := range h.Lines {
		if l.Kind != udiff.Insert {
			at[i] = n
			n++
		}
		if l.Kind != udiff.Equal {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return nil
	}
	secret := func(i int) bool {
		if at[i] == 0 {
			return false
		}
		start, end := lines.LineBounds(at[i])
		return len(lines.SecretsIn(start, end)) > 0
	}
	// Leading context: keep the lines next to the first change up to the
	// first secret one going outward, but at least one line if there was
	// any (it is masked then).
	from := 0
	for i := first - 1; i >= 0; i-- {
		if secret(i) {
			from = min(i+1, first-1)
			break
		}
	}
	to := len(h.Lines)
	for i := last + 1; i < len(h.Lines); i++ {
		if secret(i) {
			to = max(i, last+2)
			break
		}
	}
	h.Lines = h.Lines[from:to]
	at = at[from:to]
	h.FromLine += from
	h.ToLine += from
	// What is left and still secret is masked. Inserted lines hold the
	// secrets of the lines they replace (a value changed next to a
	// password in one start tag), so those texts are masked in them.
	var texts []string
	for i := range h.Lines {
		if at[i] == 0 {
			continue
		}
		start, end := lines.LineBounds(at[i])
		rs := lines.SecretsIn(start, end)
		if len(rs) == 0 {
			continue
		}
		src := lines.Src()
		var b strings.Builder
		prev := start
		for _, r := range rs {
			r[0], r[1] = max(r[0], start), min(r[1], end)
			texts = append(texts, string(src[r[0]:r[1]]))
			b.Write(src[prev:r[0]])
			b.WriteString(schema.Mask)
			prev = r[1]
		}
		b.WriteString(h.Lines[i].Content[prev-start:])
		h.Lines[i].Content = b.String()
		masked = append(masked, at[i])
	}
	for i, l := range h.Lines {
		if l.Kind != udiff.Insert {
			continue
		}
		c := l.Content
		for _, t := range texts {
			if t != "" {
				c = strings.ReplaceAll(c, t, schema.Mask)
			}
		}
		h.Lines[i].Content = schema.MaskSecrets(c)
	}
	return masked
}
