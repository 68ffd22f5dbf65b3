package schema

import (
	"fmt"
	"io"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/beevik/etree"
)

// Redacted stands in for secret values in every output: the model never
// holds them (see Secret).
const (
	RedactedEncrypted = "[enc:redacted:enc]"
	Redacted          = "[redacted]"
)

// outElem is an element to write, in XML shape.
type outElem struct {
	spec     *ElemSpec
	attrs    [][2]string
	children []*outElem
}

func (o *outElem) add(c *outElem) *outElem {
	if c != nil {
		o.children = append(o.children, c)
	}
	return c
}

// outTree turns the model back into elements: each element with the
// attributes that were written or differ from the schema default.
// Elements with nothing to say are left out.
func outTree(cfg *Config) (*outElem, int) {
	sch := mustCompiled()
	secrets := 0
	root := &outElem{spec: sch.Doc}
	farmsSpec := sch.Doc.Elems["webFarms"]
	sws := sch.Doc.Elems["system.webServer"]
	rw := sws.Elems["rewrite"]

	elem := func(ptr any, spec *ElemSpec, keepEmpty bool) *outElem {
		o := &outElem{spec: spec}
		secrets += attrsOf(ptr, spec, &o.attrs)
		if len(o.attrs) == 0 && !keepEmpty {
			return nil
		}
		return o
	}
	// parentOf keeps an element when it has attributes or children.
	nonEmpty := func(o *outElem) *outElem {
		if o == nil || (len(o.attrs) == 0 && len(o.children) == 0) {
			return nil
		}
		return o
	}

	if len(cfg.Farms) > 0 || cfg.WebFarms.Present || len(cfg.WebFarms.HostAffinityProviders) > 0 {
		wf := root.add(elem(&cfg.WebFarms, farmsSpec, true))
		if len(cfg.WebFarms.HostAffinityProviders) > 0 {
			arrSpec := farmsSpec.Elems["applicationRequestRouting"]
			arr := wf.add(&outElem{spec: arrSpec})
			list := arr.add(&outElem{spec: arrSpec.Elems["hostAffinityProviderList"]})
			for _, n := range cfg.WebFarms.HostAffinityProviders {
				list.add(&outElem{spec: list.spec.Elems["add"], attrs: [][2]string{{"name", n}}})
			}
		}
		farmSpec := farmsSpec.Elems["webFarm"]
		arrSpec := farmSpec.Elems["applicationRequestRouting"]
		for _, f := range cfg.Farms {
			fe := wf.add(elem(f, farmSpec, true))
			for _, s := range f.Servers {
				se := fe.add(elem(s, farmSpec.Elems["server"], true))
				se.add(elem(&s.ARR, se.spec.Elems["applicationRequestRouting"], false))
			}
			arr := &outElem{spec: arrSpec}
			proto := elem(&f.Protocol, arrSpec.Elems["protocol"], true)
			proto.add(elem(&f.Protocol.Cache, proto.spec.Elems["cache"], false))
			arr.add(nonEmpty(proto))
			arr.add(elem(&f.HealthCheck, arrSpec.Elems["healthCheck"], false))
			aff := elem(&f.Affinity, arrSpec.Elems["affinity"], true)
			for _, h := range f.Affinity.Hosts {
				he := aff.add(elem(h, aff.spec.Elems["host"], true))
				for _, eq := range h.EquivalentHosts {
					he.add(&outElem{spec: he.spec.Elems["equivalentHost"], attrs: [][2]string{{"name", eq}}})
				}
			}
			arr.add(nonEmpty(aff))
			arr.add(elem(&f.LoadBalancing, arrSpec.Elems["loadBalancing"], false))
			fe.add(nonEmpty(arr))
		}
	}
	if cfg.Proxy.Present {
		sw := root.add(&outElem{spec: sws})
		p := sw.add(elem(&cfg.Proxy, sws.Elems["proxy"], true))
		p.add(elem(&cfg.Proxy.Cache, p.spec.Elems["cache"], false))
	}
	ruleElem := func(r *Rule, spec *ElemSpec) *outElem {
		re := elem(r, spec, true)
		re.add(elem(&r.Match, spec.Elems["match"], false))
		conds := elem(&r.Conditions, spec.Elems["conditions"], true)
		for _, c := range r.Conditions.Items {
			conds.add(elem(c, conds.spec.Elems["add"], true))
		}
		re.add(nonEmpty(conds))
		if len(r.ServerVariables) > 0 {
			sv := re.add(&outElem{spec: spec.Elems["serverVariables"]})
			for _, v := range r.ServerVariables {
				sv.add(elem(v, sv.spec.Elems["set"], true))
			}
		}
		re.add(elem(&r.Action, spec.Elems["action"], false))
		return re
	}
	var globals []*Rule
	byLoc := map[string][]*Rule{}
	var locs []string
	for _, r := range cfg.Rules {
		if r.Scope == GlobalRule {
			globals = append(globals, r)
			continue
		}
		if _, ok := byLoc[r.Location]; !ok {
			locs = append(locs, r.Location)
		}
		byLoc[r.Location] = append(byLoc[r.Location], r)
	}
	sort.Strings(locs)
	rewriteOf := func(parent *outElem) *outElem {
		var sw *outElem
		for _, c := range parent.children {
			if c.spec == sws {
				sw = c
			}
		}
		if sw == nil {
			sw = parent.add(&outElem{spec: sws})
		}
		for _, c := range sw.children {
			if c.spec == rw {
				return c
			}
		}
		return sw.add(&outElem{spec: rw})
	}
	if len(globals) > 0 {
		gr := rewriteOf(root).add(&outElem{spec: rw.Elems["globalRules"]})
		for _, r := range globals {
			gr.add(ruleElem(r, gr.spec.Elems["rule"]))
		}
	}
	for _, loc := range locs {
		parent := root
		if loc != "" {
			parent = root.add(&outElem{spec: sch.Doc.Elems["location"], attrs: [][2]string{{"path", loc}}})
		}
		rules := rewriteOf(parent).add(&outElem{spec: rw.Elems["rules"]})
		for _, r := range byLoc[loc] {
			rules.add(ruleElem(r, rules.spec.Elems["rule"]))
		}
	}
	return root, secrets
}

// attrsOf appends the attributes of the model struct ptr to out and
// returns how many secrets it redacted.
func attrsOf(ptr any, spec *ElemSpec, out *[][2]string) (secrets int) {
	rv := reflect.ValueOf(ptr).Elem()
	el := rv.FieldByName("Element").Addr().Interface().(*Element)
	for _, name := range spec.AttrNames {
		a := spec.Attrs[name]
		for _, p := range planFor(rv.Type(), spec) {
			if p.name != name {
				continue
			}
			f := rv.FieldByIndex(p.index)
			if s, ok := f.Interface().(Secret); ok {
				if s.Set {
					secrets++
					v := Redacted
					if s.Encrypted {
						v = RedactedEncrypted
					}
					*out = append(*out, [2]string{name, v})
				}
				continue
			}
			if !el.Has(name) && isDefault(f, a) {
				continue
			}
			v := valueText(f)
			if m := maskValue(name, v); m != v {
				secrets++
				v = m
			}
			*out = append(*out, [2]string{name, v})
		}
	}
	return secrets
}

func isDefault(f reflect.Value, a *AttrSpec) bool {
	if !a.HasDefault {
		return f.IsZero()
	}
	switch d := a.Default.(type) {
	case bool:
		return f.Bool() == d
	case int64:
		return f.Int() == d
	case string:
		return f.String() == d
	case float64:
		return f.Int() == int64(secondsToDuration(d))
	}
	return false
}

func valueText(f reflect.Value) string {
	switch v := f.Interface().(type) {
	case time.Duration:
		return FormatTimeSpan(v)
	case bool:
		return strconv.FormatBool(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case string:
		return v
	}
	return fmt.Sprint(f.Interface())
}

// WriteXML writes the configuration as applicationHost.config XML: the
// webFarms section, the proxy section and the rewrite rules. It returns the
// number of secret values replaced by a placeholder.
func WriteXML(w io.Writer, cfg *Config) (redacted int, err error) {
	root, secrets := outTree(cfg)
	doc := etree.NewDocument()
	doc.CreateProcInst("xml", `version="1.0" encoding="UTF-8"`)
	var build func(parent *etree.Element, o *outElem)
	build = func(parent *etree.Element, o *outElem) {
		e := parent.CreateElement(o.spec.Name)
		for _, a := range o.attrs {
			e.CreateAttr(a[0], a[1])
		}
		for _, c := range o.children {
			build(e, c)
		}
	}
	build(&doc.Element, root)
	doc.Indent(2)
	_, err = doc.WriteTo(w)
	return secrets, err
}

// WriteYAML writes the configuration in the YAML form (design.md 3.2). It
// returns the number of secret values replaced by a placeholder.
func WriteYAML(w io.Writer, cfg *Config) (redacted int, err error) {
	root, secrets := outTree(cfg)
	y := &yamlOut{}
	sch := mustCompiled()
	sws := sch.Doc.Elems["system.webServer"]
	for _, c := range root.children {
		switch c.spec {
		case sch.Doc.Elems["webFarms"]:
			var farms []*outElem
			rest := &outElem{spec: c.spec, attrs: c.attrs}
			for _, f := range c.children {
				if f.spec.Name == "webFarm" {
					farms = append(farms, f)
				} else {
					rest.children = append(rest.children, f)
				}
			}
			if len(rest.attrs) > 0 || len(rest.children) > 0 {
				y.line(0, "webFarms:")
				y.body(1, rest)
			}
			if len(farms) > 0 {
				y.line(0, "farms:")
				y.items(1, farms)
			}
		case sws:
			for _, s := range c.children {
				switch s.spec.Name {
				case "proxy":
					y.line(0, "proxy:")
					y.body(1, s)
				case "rewrite":
					for _, rs := range s.children {
						key := "rules"
						if rs.spec.Name == "rules" {
							key = "siteRules"
						}
						y.line(0, key+":")
						y.items(1, rs.children)
					}
				}
			}
		}
	}
	var locs []*outElem
	for _, c := range root.children {
		if c.spec.Name == "location" {
			locs = append(locs, c)
		}
	}
	if len(locs) > 0 {
		y.line(0, "locations:")
		for _, l := range locs {
			y.line(1, "- path: "+yamlScalar(l.attrs[0][1], nil))
			for _, s := range l.children {
				for _, rw := range s.children {
					for _, rs := range rw.children {
						y.line(2, "rules:")
						y.items(3, rs.children)
					}
				}
			}
		}
	}
	_, err = io.WriteString(w, y.b.String())
	return secrets, err
}

type yamlOut struct{ b strings.Builder }

func (y *yamlOut) line(indent int, s string) {
	y.b.WriteString(strings.Repeat("  ", indent))
	y.b.WriteString(s)
	y.b.WriteByte('\n')
}

// body writes an element's attributes and children as mapping entries.
func (y *yamlOut) body(indent int, o *outElem) {
	for _, a := range o.attrs {
		y.line(indent, a[0]+": "+yamlScalar(a[1], o.spec.Attrs[a[0]]))
	}
	// Repeated children become one list under their YAML key.
	done := map[*ElemSpec]bool{}
	for _, c := range o.children {
		if done[c.spec] {
			continue
		}
		if c.spec.List {
			done[c.spec] = true
			var same []*outElem
			for _, d := range o.children {
				if d.spec == c.spec {
					same = append(same, d)
				}
			}
			y.line(indent, c.spec.YAML+":")
			y.items(indent+1, same)
			continue
		}
		if len(c.attrs) == 0 && len(c.children) == 0 {
			y.line(indent, c.spec.YAML+": {}")
			continue
		}
		y.line(indent, c.spec.YAML+":")
		y.body(indent+1, c)
	}
}

// items writes list items, each a mapping.
func (y *yamlOut) items(indent int, list []*outElem) {
	for _, o := range list {
		sub := &yamlOut{}
		sub.body(0, o)
		lines := strings.Split(strings.TrimRight(sub.b.String(), "\n"), "\n")
		if len(lines) == 1 && lines[0] == "" {
			y.line(indent, "- {}")
			continue
		}
		for i, l := range lines {
			if i == 0 {
				y.line(indent, "- "+l)
			} else {
				y.line(indent, "  "+l)
			}
		}
	}
}

var plainYAML = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.\-/]*$`)

// yamlScalar quotes s unless it reads back as the same string; time spans
// are written as Go durations ("30s", "2m"), booleans and integers bare.
func yamlScalar(s string, a *AttrSpec) string {
	if a != nil {
		switch a.Type {
		case TypeTimeSpan:
			if d, err := ParseTimeSpan(s); err == nil {
				return FormatDuration(d)
			}
		case TypeBool, TypeInt:
			return s
		}
	}
	switch strings.ToLower(s) {
	case "true", "false", "yes", "no", "on", "off", "null", "y", "n", "~":
		return strconv.Quote(s)
	}
	if plainYAML.MatchString(s) {
		return s
	}
	if _, err := strconv.ParseInt(s, 10, 64); err == nil && !strings.HasPrefix(s, "0") || s == "0" {
		return s
	}
	return strconv.Quote(s)
}

// FormatDuration prints d the short way people write Go durations, without
// zero tails: 30s, 2m, 1h30m, 1.5s.
func FormatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// NotWritten lists what the model of cfg holds that WriteXML and WriteYAML
// leave out: the parts read for lint rules only (outbound rules, the
// allowed server variables, ASP.NET Core Module settings, sites,
// application pools, ASP.NET settings, request limits, compression,
// authentication). Together with Document.Dropped it is everything a
// conversion loses, so convert can name each with its position.
func NotWritten(cfg *Config) []Dropped {
	var out []Dropped
	add := func(e *Element, path string) {
		if e.Present {
			out = append(out, Dropped{Element: path, Span: e.Span})
		}
	}
	for _, r := range cfg.OutboundRules {
		add(&r.Element, "system.webServer/rewrite/outboundRules/rule")
	}
	if cfg.AllowedServerVariablesPresent {
		out = append(out, Dropped{Element: "system.webServer/rewrite/allowedServerVariables", Span: Span{File: cfg.File, Start: Pos{Line: 1, Col: 1}, End: Pos{Line: 1, Col: 1}}})
	}
	for _, a := range cfg.AspNetCore {
		add(&a.Element, "system.webServer/aspNetCore")
	}
	for _, s := range cfg.Sites {
		add(&s.Element, "system.applicationHost/sites/site")
	}
	add(&cfg.SiteAppDefaults.Element, "system.applicationHost/sites/applicationDefaults")
	add(&cfg.AppPoolDefaults.Element, "system.applicationHost/applicationPools/applicationPoolDefaults")
	for _, p := range cfg.AppPools {
		add(&p.Element, "system.applicationHost/applicationPools/add")
	}
	for _, u := range cfg.URLCompression {
		add(&u.Element, "system.webServer/urlCompression")
	}
	for _, l := range cfg.RequestLimits {
		add(&l.Element, "system.webServer/security/requestFiltering/requestLimits")
	}
	for _, a := range cfg.ASPNET {
		add(&a.HTTPRuntime.Element, "system.web/httpRuntime")
		add(&a.Compilation.Element, "system.web/compilation")
	}
	for _, a := range cfg.Auth {
		add(&a.Anonymous.Element, "system.webServer/security/authentication/anonymousAuthentication")
		add(&a.Windows.Element, "system.webServer/security/authentication/windowsAuthentication")
	}
	return out
}
