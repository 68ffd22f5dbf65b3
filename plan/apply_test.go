package plan

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/beevik/etree"
)

// applyAppcmd is an independent interpreter of the appcmd commands a plan
// script holds, written from appcmd's documented syntax and not from the
// plan code, so that a round trip through it checks the script and not
// the plan against itself:
//
//   - appcmd set config -section:SECTION PARAM... /commit:apphost
//     (https://learn.microsoft.com/en-us/iis/get-started/getting-started-with-iis/getting-started-with-appcmdexe);
//   - PARAM is /PATH:VALUE to set an attribute, /+PATH to add a collection
//     element, /-PATH to remove one; PATH steps through child elements by
//     name and collection elements by [attr='value',...], joined by dots
//     (https://blogs.iis.net/eokim/understanding-appcmd-exe-list-set-config-configurationpath-section-name-parameter-name-value,
//     and the AppCmd.exe samples of
//     https://learn.microsoft.com/en-us/iis/configuration/system.applicationhost/sites/site/);
//   - a collection's element name comes from the IIS schema files
//     (arr_schema.xml, rewrite_schema.xml): addElements below.
//
// cmd.exe's part: a .cmd line has %% for %, and arguments are split at
// spaces outside double quotes, the quotes removed (the Microsoft C
// runtime's argument rules).
func applyAppcmd(xml []byte, script string) ([]byte, error) {
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(xml); err != nil {
		return nil, err
	}
	for n, line := range strings.Split(script, "\r\n") {
		if !strings.HasPrefix(line, `"%APPCMD%" set config `) {
			continue
		}
		line = strings.TrimSuffix(line, " || exit /b 1")
		args := cmdArgs(strings.ReplaceAll(line, "%%", "%"))
		section := ""
		for _, a := range args[3:] {
			var err error
			switch {
			case strings.HasPrefix(a, "-section:"):
				section = strings.TrimPrefix(a, "-section:")
			case a == "/commit:apphost":
			case strings.HasPrefix(a, "/+"):
				err = applyAdd(doc, section, a[2:])
			case strings.HasPrefix(a, "/-"):
				err = applyRemove(doc, section, a[2:])
			case strings.HasPrefix(a, "/"):
				err = applySet(doc, section, a[1:])
			default:
				err = fmt.Errorf("unexpected argument %q", a)
			}
			if err != nil {
				return nil, fmt.Errorf("script line %d: %s: %w", n+1, a, err)
			}
		}
	}
	doc.Indent(2)
	var b bytes.Buffer
	_, err := doc.WriteTo(&b)
	return b.Bytes(), err
}

// addElements maps a collection's parent element to its item element.
var addElements = map[string]string{
	"webFarms": "webFarm", "webFarm": "server", "affinity": "host", "host": "equivalentHost",
	"hostAffinityProviderList": "add", "globalRules": "rule", "conditions": "add",
	"serverVariables": "set", "allowedServerVariables": "add",
}

// cmdArgs splits a command line the C runtime's way (no backslash
// escapes are used by what is tested).
func cmdArgs(line string) []string {
	var out []string
	var cur strings.Builder
	quoted, have := false, false
	for _, r := range line {
		switch {
		case r == '"':
			quoted, have = !quoted, true
		case r == ' ' && !quoted:
			if have {
				out = append(out, cur.String())
				cur.Reset()
				have = false
			}
		default:
			cur.WriteRune(r)
			have = true
		}
	}
	if have {
		out = append(out, cur.String())
	}
	return out
}

type pathStep struct {
	name string
	sel  [][2]string
}

// splitOutside splits s at sep where it is not inside [...] or '...'.
func splitOutside(s string, sep rune, max int) []string {
	var out []string
	depth, quoted, start := 0, false, 0
	for i, r := range s {
		switch {
		case r == '\'' && depth > 0:
			quoted = !quoted
		case quoted:
		case r == '[':
			depth++
		case r == ']':
			depth--
		case r == sep && depth == 0 && (max < 0 || len(out) < max-1):
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

func parsePath(p string) ([]pathStep, error) {
	if p == "" {
		return nil, nil
	}
	var steps []pathStep
	for _, part := range splitOutside(p, '.', -1) {
		if !strings.HasPrefix(part, "[") {
			steps = append(steps, pathStep{name: part})
			continue
		}
		if !strings.HasSuffix(part, "]") {
			return nil, fmt.Errorf("bad selector %q", part)
		}
		var sel [][2]string
		for _, kv := range splitOutside(part[1:len(part)-1], ',', -1) {
			k, v, ok := strings.Cut(kv, "=")
			if !ok || len(v) < 2 || v[0] != '\'' || v[len(v)-1] != '\'' {
				return nil, fmt.Errorf("bad selector term %q", kv)
			}
			sel = append(sel, [2]string{k, v[1 : len(v)-1]})
		}
		steps = append(steps, pathStep{sel: sel})
	}
	return steps, nil
}

// sectionElem finds the section's element: at the top of the document,
// else inside a <location>; it is created at the top when absent.
func sectionElem(doc *etree.Document, section string) (*etree.Element, error) {
	parts := strings.Split(section, "/")
	root := doc.Root()
	if root == nil {
		return nil, fmt.Errorf("empty document")
	}
	find := func(from *etree.Element) *etree.Element {
		e := from
		for _, p := range parts {
			if e = e.SelectElement(p); e == nil {
				return nil
			}
		}
		return e
	}
	if root.Tag != "configuration" {
		// A fragment: its root is one of the section's elements.
		for i, p := range parts {
			if p == root.Tag {
				e := root
				for _, q := range parts[i+1:] {
					c := e.SelectElement(q)
					if c == nil {
						c = e.CreateElement(q)
					}
					e = c
				}
				return e, nil
			}
		}
		return nil, fmt.Errorf("section %s cannot be reached from a fragment whose root is <%s>", section, root.Tag)
	}
	if e := find(root); e != nil {
		return e, nil
	}
	for _, loc := range root.SelectElements("location") {
		if e := find(loc); e != nil {
			return e, nil
		}
	}
	e := root
	for _, p := range parts {
		c := e.SelectElement(p)
		if c == nil {
			c = e.CreateElement(p)
		}
		e = c
	}
	return e, nil
}

func matches(e *etree.Element, sel [][2]string) bool {
	for _, kv := range sel {
		if !strings.EqualFold(e.SelectAttrValue(kv[0], ""), kv[1]) {
			return false
		}
	}
	return true
}

// walk follows steps from e; create makes missing single elements (appcmd
// sets an attribute of an element not written yet), never collection items.
func walk(e *etree.Element, steps []pathStep) (*etree.Element, error) {
	for _, s := range steps {
		if s.sel == nil {
			c := e.SelectElement(s.name)
			if c == nil {
				c = e.CreateElement(s.name)
			}
			e = c
			continue
		}
		item, ok := addElements[e.Tag]
		if !ok {
			return nil, fmt.Errorf("<%s> has no collection", e.Tag)
		}
		var found *etree.Element
		for _, c := range e.SelectElements(item) {
			if matches(c, s.sel) {
				found = c
				break
			}
		}
		if found == nil {
			return nil, fmt.Errorf("no %s %v in <%s>", item, s.sel, e.Tag)
		}
		e = found
	}
	return e, nil
}

func applyAdd(doc *etree.Document, section, path string) error {
	steps, err := parsePath(path)
	if err != nil || len(steps) == 0 || steps[len(steps)-1].sel == nil {
		return fmt.Errorf("an add needs a collection element, got %q (%v)", path, err)
	}
	sec, err := sectionElem(doc, section)
	if err != nil {
		return err
	}
	parent, err := walk(sec, steps[:len(steps)-1])
	if err != nil {
		return err
	}
	item, ok := addElements[parent.Tag]
	if !ok {
		return fmt.Errorf("<%s> has no collection", parent.Tag)
	}
	last := steps[len(steps)-1]
	for _, c := range parent.SelectElements(item) {
		if matches(c, last.sel) {
			return fmt.Errorf("duplicate collection element %v", last.sel)
		}
	}
	e := parent.CreateElement(item)
	for _, kv := range last.sel {
		e.CreateAttr(kv[0], kv[1])
	}
	return nil
}

func applyRemove(doc *etree.Document, section, path string) error {
	steps, err := parsePath(path)
	if err != nil || len(steps) == 0 {
		return fmt.Errorf("bad remove path %q (%v)", path, err)
	}
	sec, err := sectionElem(doc, section)
	if err != nil {
		return err
	}
	e, err := walk(sec, steps)
	if err != nil {
		return err
	}
	e.Parent().RemoveChild(e)
	return nil
}

func applySet(doc *etree.Document, section, param string) error {
	pv := splitOutside(param, ':', 2)
	if len(pv) != 2 {
		return fmt.Errorf("no value in %q", param)
	}
	parts := splitOutside(pv[0], '.', -1)
	attr := parts[len(parts)-1]
	steps, err := parsePath(strings.Join(parts[:len(parts)-1], "."))
	if err != nil {
		return err
	}
	sec, err := sectionElem(doc, section)
	if err != nil {
		return err
	}
	e, err := walk(sec, steps)
	if err != nil {
		return err
	}
	e.CreateAttr(attr, pv[1])
	return nil
}
