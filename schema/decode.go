package schema

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

type decoder struct {
	b *builder
}

// validate checks the attributes of every built element against its spec
// and keeps the typed values for the model.
func (d *decoder) validate() {
	for _, n := range d.b.nodes {
		d.attrs(&n.nodeInfo)
	}
}

func (d *decoder) value(el *node, name string) (*rawAttr, bool) {
	if el == nil {
		return nil, false
	}
	return el.value(name)
}

// attrs validates the attributes of one element and keeps the typed value
// of each valid one.
func (d *decoder) attrs(info *nodeInfo) {
	spec := info.spec
	var wff []string
	for i := range info.attrs {
		ra := &info.attrs[i]
		a, ok := spec.Attrs[ra.Name]
		if !ok {
			if !spec.Open {
				d.unknownAttr(spec, *ra)
			}
			continue
		}
		if a.WFF {
			wff = append(wff, ra.Name)
		}
		v, ok := d.read(spec, a, *ra)
		if !ok {
			continue
		}
		ra.v = v
	}
	for _, n := range spec.AttrNames {
		if a := spec.Attrs[n]; a.Required {
			if _, ok := info.value(n); !ok && !hasRaw(info.attrs, n) {
				d.b.report(RuleMissingRequired, Error, info.tagSpan(d.b.lines), "%s has no %s attribute: IIS requires it", spec.Name, n)
			}
		}
	}
	if len(wff) > 0 {
		d.b.report(RuleWFFSetting, Info, info.tagSpan(d.b.lines), "%s has Web Farm Framework settings (%s): ARR routing probably ignores them", spec.Name, strings.Join(wff, ", "))
	}
}

func hasRaw(attrs []rawAttr, name string) bool {
	for _, a := range attrs {
		if a.Name == name {
			return true
		}
	}
	return false
}

func (d *decoder) unknownAttr(spec *ElemSpec, ra rawAttr) {
	msg := fmt.Sprintf("unknown attribute %s on %s", ra.Name, spec.Name)
	switch {
	case ra.Name == "port" && spec.Name == "server":
		msg += `: a server's port is set on its child element, <applicationRequestRouting httpPort="..." httpsPort="..." />; IIS rejects the file as it stands`
	case synonyms[ra.Name] != "" && spec.Attrs[synonyms[ra.Name]] != nil:
		msg += fmt.Sprintf(": did you mean %s?", synonyms[ra.Name])
	case spec.Elems[ra.Name] != nil:
		msg += fmt.Sprintf(": %s is a child element, not an attribute", ra.Name)
	default:
		if m := Closest(ra.Name, spec.AttrNames); m != "" {
			if strings.EqualFold(m, ra.Name) {
				msg += fmt.Sprintf(": did you mean %s? IIS names are case-sensitive", m)
			} else {
				msg += fmt.Sprintf(": did you mean %s?", m)
			}
		} else if len(spec.AttrNames) > 0 {
			msg += "; valid attributes: " + strings.Join(spec.AttrNames, ", ")
		}
	}
	d.b.report(RuleUnknownAttribute, Error, ra.nameSpan(d.b.lines), "%s", msg)
}

// read converts an attribute's text to its typed value and checks it
// against the schema. It reports an invalid-value finding and returns
// false when the value is not valid.
func (d *decoder) read(spec *ElemSpec, a *AttrSpec, ra rawAttr) (any, bool) {
	v, sev, problem := readValue(a, ra.Value, ra.Duration)
	switch {
	case problem == "":
		return v, true
	case v != nil: // accepted with a warning
		d.b.report(RuleInvalidValue, sev, ra.valueSpan(d.b.lines), "%s=%s on %s %s", a.Name, shownValue(a, ra.Value), spec.Name, problem)
		return v, true
	}
	d.b.report(RuleInvalidValue, sev, ra.valueSpan(d.b.lines), "invalid %s=%s on %s: %s", a.Name, shownValue(a, ra.Value), spec.Name, problem)
	return nil, false
}

// shownValue is how a value appears in messages: quoted, unless it is
// encrypted, which is never echoed.
func shownValue(a *AttrSpec, text string) string {
	if a.Secret || strings.Contains(text, "[enc:") {
		return "(an encrypted value)"
	}
	return fmt.Sprintf("%q", text)
}

// readValue converts text, the value of attribute a, to its typed value
// (bool, int64, string, float64 seconds, Secret) and checks it against the
// schema. goDurations also accepts Go durations ("30s") for time spans, as
// the YAML form does. An invalid text gives a nil value, severity Error and
// the problem; a value accepted with a reservation (an enum in the wrong
// case) gives the value, Warning and the reservation.
func readValue(a *AttrSpec, text string, goDurations bool) (v any, sev Severity, problem string) {
	if a.Secret {
		return Secret{Set: text != "", Encrypted: strings.HasPrefix(strings.TrimSpace(text), "[enc:")}, SeverityNone, ""
	}
	bad := func(format string, args ...any) (any, Severity, string) {
		return nil, Error, fmt.Sprintf(format, args...)
	}
	switch a.Type {
	case TypeBool:
		switch strings.ToLower(strings.TrimSpace(text)) {
		case "true":
			v = true
		case "false":
			v = false
		default:
			return bad("expected %s", a.Describe())
		}
	case TypeInt:
		n, err := strconv.ParseInt(strings.TrimSpace(text), 10, 64)
		if err != nil {
			return bad("expected %s", a.Describe())
		}
		v = n
	case TypeEnum:
		for _, e := range a.Enum {
			if e == text {
				return text, SeverityNone, ""
			}
		}
		for _, e := range a.Enum {
			if strings.EqualFold(e, strings.TrimSpace(text)) {
				return e, Warning, fmt.Sprintf("differs from %q in case; write %q", e, e)
			}
		}
		hint := ""
		if m := Closest(text, a.Enum); m != "" {
			hint = fmt.Sprintf("did you mean %q? ", m)
		}
		return bad("%sexpected %s", hint, a.Describe())
	case TypeTimeSpan:
		parse := ParseTimeSpan
		if goDurations {
			parse = ParseDuration
		}
		dur, err := parse(text)
		if err != nil {
			if te, ok := err.(*TimeSpanError); ok && te.Hint != "" {
				return bad("%s", te.Hint)
			}
			return bad("expected %s", a.Describe())
		}
		v = dur.Seconds()
	default:
		v = text
	}
	if !a.Valid(v) {
		if statusCodeLists[a.Name] {
			// The schema types these as plain strings, so IIS accepts any
			// text; only ARR's reading of it is in doubt.
			return v, Warning, "is not a list of status codes and ranges that ARR is known to read: IIS accepts the " +
				"file (the schema types it as a plain string), but ARR may not parse the value; write codes and ranges " +
				`such as "200-399", "500-" or "200,302"`
		}
		return bad("expected %s", a.Describe())
	}
	return v, SeverityNone, ""
}

// statusCodeLists are the health check attributes that hold status code
// lists. arr.cue checks their syntax, which the ARR schema does not.
var statusCodeLists = map[string]bool{"statusCodeMatch": true, "liveTrafficFailureCodes": true}

// SetAttribute sets attribute name of the model element el (a *Farm,
// *Server, *ServerARR, *Protocol, *Cache, *HealthCheck, *Affinity,
// *LoadBalancing, *Proxy, ...) from text, read as the YAML form reads it
// (time spans or Go durations), and checked against the schema as a loaded
// value is. The attribute then counts as written (Element.Has), at span.
// Secret attributes cannot be set this way.
func SetAttribute(el any, name, text string, span Span) error {
	rv := reflect.ValueOf(el)
	if rv.Kind() != reflect.Pointer || rv.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("setting %s: %T is not a model element", name, el)
	}
	spec := specOf(rv.Elem().Type())
	if spec == nil {
		return fmt.Errorf("setting %s: %T is not a model element", name, el)
	}
	a := spec.Attrs[name]
	if a == nil {
		return fmt.Errorf("%s has no attribute %q (attributes: %s)", spec.Name, name, strings.Join(spec.AttrNames, ", "))
	}
	if a.Secret {
		return fmt.Errorf("%s is a secret and cannot be set here", name)
	}
	v, _, problem := readValue(a, strings.TrimSpace(text), true)
	if v == nil {
		return fmt.Errorf("%s: %q is not valid: %s", name, text, problem)
	}
	for _, p := range planFor(rv.Elem().Type(), spec) {
		if p.name == name {
			setField(rv.Elem().FieldByIndex(p.index), v)
			elem := rv.Elem().FieldByName("Element").Addr().Interface().(*Element)
			elem.setAttr(name, AttrPos{Name: span, Value: span})
			return nil
		}
	}
	return fmt.Errorf("%s: attribute %q is not in the model", spec.Name, name)
}

// fieldPlan says how one tagged Go field is filled.
type fieldPlan struct {
	index []int
	attr  *AttrSpec
	name  string
}

var plans sync.Map // planKey -> []fieldPlan

type planKey struct {
	t    reflect.Type
	spec *ElemSpec
}

// planFor lists the arr-tagged fields of t (following ",inline" fields)
// with the attribute spec of each.
func planFor(t reflect.Type, spec *ElemSpec) []fieldPlan {
	key := planKey{t, spec}
	if p, ok := plans.Load(key); ok {
		return p.([]fieldPlan)
	}
	var out []fieldPlan
	var walk func(t reflect.Type, prefix []int)
	walk = func(t reflect.Type, prefix []int) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			tag, ok := f.Tag.Lookup("arr")
			idx := append(append([]int(nil), prefix...), i)
			if !ok {
				continue
			}
			if tag == ",inline" {
				walk(f.Type, idx)
				continue
			}
			out = append(out, fieldPlan{index: idx, attr: spec.Attrs[tag], name: tag})
		}
	}
	walk(t, nil)
	plans.Store(key, out)
	return out
}

// fill sets the element struct ptr (which embeds Element) from the typed
// attribute values of el, applying the schema's defaults for the rest.
// el may be nil: the element was absent and only defaults apply.
func (d *decoder) fill(ptr any, spec *ElemSpec, el *node, parentSpan Span) {
	rv := reflect.ValueOf(ptr).Elem()
	elem := rv.FieldByName("Element").Addr().Interface().(*Element)
	elem.lines = d.b.lines
	if el != nil {
		info := &el.nodeInfo
		elem.Span, elem.Present = info.tagSpan(d.b.lines), true
		elem.attrs = make([]namedAttrPos, 0, len(info.attrs))
		for _, ra := range info.attrs {
			if _, ok := spec.Attrs[ra.Name]; !ok {
				odd := elem.oddAttrs()
				odd.unknown = append(odd.unknown, ra.Name)
			}
		}
	} else {
		elem.Span = parentSpan
	}
	for _, p := range planFor(rv.Type(), spec) {
		if p.attr == nil {
			continue // TestModelMatchesSchema keeps tags and schema in step
		}
		f := rv.FieldByIndex(p.index)
		if ra, ok := d.value(el, p.name); ok {
			elem.setRaw(ra)
			setField(f, ra.v)
			continue
		}
		if el != nil && hasRaw(el.attrs, p.name) {
			odd := elem.oddAttrs()
			odd.invalid = append(odd.invalid, p.name)
		}
		if p.attr.HasDefault {
			setField(f, p.attr.Default)
		}
	}
}

func setField(f reflect.Value, v any) {
	switch x := v.(type) {
	case bool:
		f.SetBool(x)
	case int64:
		f.SetInt(x)
	case string:
		f.SetString(x)
	case Secret:
		f.Set(reflect.ValueOf(x))
	case float64: // seconds
		if f.Type() == reflect.TypeOf(time.Duration(0)) {
			f.SetInt(int64(math.Round(x * 1e9)))
		}
	}
}

// children returns the child elements of el whose spec is the child named
// name of el's spec (misplaced children are not loaded).
func (d *decoder) children(el *node, name string) []*node {
	var out []*node
	if el == nil {
		return nil
	}
	want := el.spec.Elems[name]
	for _, c := range el.children {
		if c.spec == want && !c.misplaced {
			out = append(out, c)
		}
	}
	return out
}

// child returns the single child called name, reporting repeats.
func (d *decoder) child(el *node, name string) *node {
	cs := d.children(el, name)
	if len(cs) == 0 {
		return nil
	}
	for _, extra := range cs[1:] {
		d.b.findings = append(d.b.findings, Finding{Rule: RuleDuplicateKey, Severity: Error, Span: extra.tagSpan(d.b.lines),
			Message: fmt.Sprintf("%s appears twice in %s: IIS rejects the file", name, el.spec.Name),
			Related: []Related{{Span: cs[0].tagSpan(d.b.lines), Message: "first " + name + " here"}}})
	}
	return cs[0]
}

// canonical maps a spec reached through <location> to the same element's
// spec outside any location, so both load alike.
func canonical(s *ElemSpec, sch *Schema) *ElemSpec {
	path, ok := strings.CutPrefix(s.Path, "location/")
	if !ok {
		return s
	}
	c := sch.Doc
	for _, part := range strings.Split(path, "/") {
		if c = c.Elems[part]; c == nil {
			return s
		}
	}
	return c
}

// config assembles the model from the built tree.
func (d *decoder) config(cfg *Config) {
	sch := d.b.sch
	cfg.LockedSections, cfg.SectionUnlocks = d.b.locked, d.b.unlocks
	farmsSpec := sch.Doc.Elems["webFarms"]
	farmSpec := farmsSpec.Elems["webFarm"]
	sws := sch.Doc.Elems["system.webServer"]
	proxySpec := sws.Elems["proxy"]
	rw := sws.Elems["rewrite"]
	globalRule := rw.Elems["globalRules"].Elems["rule"]
	sah := sch.Doc.Elems["system.applicationHost"]
	siteSpec := sah.Elems["sites"].Elems["site"]
	siteDefaultsSpec := sah.Elems["sites"].Elems["applicationDefaults"]
	poolSpec := sah.Elems["applicationPools"].Elems["add"]
	poolDefaultsSpec := sah.Elems["applicationPools"].Elems["applicationPoolDefaults"]
	authSpec := sws.Elems["security"].Elems["authentication"]
	allowedSpec := rw.Elems["allowedServerVariables"]
	outboundSpec := rw.Elems["outboundRules"].Elems["rule"]
	ancmSpec := sws.Elems["aspNetCore"]
	sysWebSpec := sch.Doc.Elems["system.web"]
	limitsSpec := sws.Elems["security"].Elems["requestFiltering"].Elems["requestLimits"]
	compressionSpec := sws.Elems["urlCompression"]
	siteRule := rw.Elems["rules"].Elems["rule"]

	d.fill(&cfg.WebFarms, farmsSpec, nil, Span{File: d.b.lines.File()})
	d.fill(&cfg.Proxy.Cache, proxySpec.Elems["cache"], nil, Span{File: d.b.lines.File()})
	d.fill(&cfg.Proxy, proxySpec, nil, Span{File: d.b.lines.File()})
	var globals, sites []*Rule
	proxySeen := false
	var walk func(el *node)
	walk = func(el *node) {
		info := &el.nodeInfo
		if info.misplaced && !info.asMeant {
			return
		}
		switch canonical(info.spec, sch) {
		case farmsSpec:
			d.fill(&cfg.WebFarms, farmsSpec, el, info.tagSpan(d.b.lines))
			if arr := d.child(el, "applicationRequestRouting"); arr != nil {
				if list := d.child(arr, "hostAffinityProviderList"); list != nil {
					for _, add := range d.children(list, "add") {
						if v, ok := d.value(add, "name"); ok {
							cfg.WebFarms.HostAffinityProviders = append(cfg.WebFarms.HostAffinityProviders, v.v.(string))
						}
					}
				}
			}
		case farmSpec:
			cfg.Farms = append(cfg.Farms, d.farm(el))
			return
		case proxySpec:
			if !proxySeen || info.location == "" {
				cfg.Proxy = Proxy{}
				d.fill(&cfg.Proxy, proxySpec, el, info.tagSpan(d.b.lines))
				d.fill(&cfg.Proxy.Cache, proxySpec.Elems["cache"], d.child(el, "cache"), info.tagSpan(d.b.lines))
				proxySeen = true
			}
			return
		case globalRule:
			globals = append(globals, d.rule(el, GlobalRule))
			return
		case siteRule:
			sites = append(sites, d.rule(el, SiteRule))
			return
		case siteSpec:
			s := &Site{}
			d.fill(s, info.spec, el, Span{})
			bspec := info.spec.Elems["bindings"].Elems["binding"]
			for _, b := range d.children(d.child(el, "bindings"), "binding") {
				bd := &Binding{}
				d.fill(bd, bspec, b, s.Span)
				s.Bindings = append(s.Bindings, bd)
			}
			for _, a := range d.children(el, "application") {
				app := &Application{}
				d.fill(app, info.spec.Elems["application"], a, s.Span)
				s.Applications = append(s.Applications, app)
			}
			d.fill(&s.ApplicationDefaults, info.spec.Elems["applicationDefaults"], d.child(el, "applicationDefaults"), s.Span)
			cfg.Sites = append(cfg.Sites, s)
			return
		case siteDefaultsSpec:
			d.fill(&cfg.SiteAppDefaults, info.spec, el, Span{})
			return
		case poolSpec:
			p := &ApplicationPool{}
			d.pool(p, info.spec, el)
			cfg.AppPools = append(cfg.AppPools, p)
			return
		case poolDefaultsSpec:
			cfg.AppPoolDefaults = ApplicationPool{}
			d.pool(&cfg.AppPoolDefaults, info.spec, el)
			return
		case ancmSpec:
			a := &AspNetCore{Location: info.location}
			d.fill(a, info.spec, el, Span{})
			cfg.AspNetCore = append(cfg.AspNetCore, a)
			return
		case outboundSpec:
			o := &OutboundRule{}
			d.fill(o, info.spec, el, Span{})
			d.fill(&o.Match, info.spec.Elems["match"], d.child(el, "match"), o.Span)
			d.fill(&o.Action, info.spec.Elems["action"], d.child(el, "action"), o.Span)
			cfg.OutboundRules = append(cfg.OutboundRules, o)
			return
		case allowedSpec:
			cfg.AllowedServerVariablesPresent = true
			cfg.AllowedServerVariablesSpan = info.tagSpan(d.b.lines)
			for _, add := range d.children(el, "add") {
				if v, ok := d.value(add, "name"); ok {
					cfg.AllowedServerVariables = append(cfg.AllowedServerVariables, v.v.(string))
				}
			}
			return
		case compressionSpec:
			u := &URLCompression{Location: info.location}
			d.fill(u, info.spec, el, Span{})
			cfg.URLCompression = append(cfg.URLCompression, u)
			return
		case limitsSpec:
			l := &RequestLimits{Location: info.location}
			d.fill(l, info.spec, el, Span{})
			cfg.RequestLimits = append(cfg.RequestLimits, l)
			return
		case sysWebSpec:
			a := &ASPNET{Location: info.location}
			d.fill(&a.HTTPRuntime, info.spec.Elems["httpRuntime"], d.child(el, "httpRuntime"), info.tagSpan(d.b.lines))
			d.fill(&a.Compilation, info.spec.Elems["compilation"], d.child(el, "compilation"), info.tagSpan(d.b.lines))
			cfg.ASPNET = append(cfg.ASPNET, a)
			return
		case authSpec:
			a := &Authentication{Location: info.location}
			d.fill(&a.Anonymous, authSpec.Elems["anonymousAuthentication"], d.child(el, "anonymousAuthentication"), info.tagSpan(d.b.lines))
			d.fill(&a.Windows, authSpec.Elems["windowsAuthentication"], d.child(el, "windowsAuthentication"), info.tagSpan(d.b.lines))
			cfg.Auth = append(cfg.Auth, a)
			return
		}
		for i, c := range el.children {
			walk(c)
			// The model now holds what it needs of c: let the
			// collector have c's subtree while the rest is read, so
			// that the tree and the model are not both whole at once.
			el.children[i] = nil
		}
	}
	// From here on the tree is reached only from its root.
	d.b.nodes = nil
	if root := d.b.root; root != nil {
		d.b.root = nil
		walk(root)
	}
	cfg.Rules = append(globals, sites...)
	d.duplicates(cfg)
}

// pool fills an application pool (or the pools' defaults) from el.
func (d *decoder) pool(p *ApplicationPool, spec *ElemSpec, el *node) {
	d.fill(p, spec, el, Span{})
	d.fill(&p.ProcessModel, spec.Elems["processModel"], d.child(el, "processModel"), p.Span)
	rspec := spec.Elems["recycling"]
	d.fill(&p.PeriodicRestart, rspec.Elems["periodicRestart"], d.child(d.child(el, "recycling"), "periodicRestart"), p.Span)
}

func (d *decoder) farm(el *node) *Farm {
	f := &Farm{}
	spec := el.spec
	d.fill(f, spec, el, Span{})
	for _, s := range d.children(el, "server") {
		srv := &Server{}
		sspec := s.spec
		d.fill(srv, sspec, s, Span{})
		d.fill(&srv.ARR, sspec.Elems["applicationRequestRouting"], d.child(s, "applicationRequestRouting"), srv.Span)
		f.Servers = append(f.Servers, srv)
	}
	arrSpec := spec.Elems["applicationRequestRouting"]
	arr := d.child(el, "applicationRequestRouting")
	if arr != nil {
		f.ARR = Element{Span: arr.tagSpan(d.b.lines), Present: true, lines: d.b.lines}
	} else {
		f.ARR = Element{Span: f.Span, lines: d.b.lines}
	}
	// A settings element written directly under webFarm (misplaced, and
	// reported) is read as the farm's, unless the right place has one.
	arrChild := func(name string) *node {
		if c := d.child(arr, name); c != nil {
			return c
		}
		for _, c := range el.children {
			if c.asMeant && c.spec == arrSpec.Elems[name] {
				return c
			}
		}
		return nil
	}
	protoSpec := arrSpec.Elems["protocol"]
	proto := arrChild("protocol")
	d.fill(&f.Protocol, protoSpec, proto, f.ARR.Span)
	d.fill(&f.Protocol.Cache, protoSpec.Elems["cache"], d.child(proto, "cache"), f.Protocol.Span)
	d.fill(&f.HealthCheck, arrSpec.Elems["healthCheck"], arrChild("healthCheck"), f.ARR.Span)
	affSpec := arrSpec.Elems["affinity"]
	aff := arrChild("affinity")
	d.fill(&f.Affinity, affSpec, aff, f.ARR.Span)
	for _, h := range d.children(aff, "host") {
		host := &AffinityHost{}
		d.fill(host, affSpec.Elems["host"], h, Span{})
		for _, eq := range d.children(h, "equivalentHost") {
			if v, ok := d.value(eq, "name"); ok {
				host.EquivalentHosts = append(host.EquivalentHosts, v.v.(string))
			}
		}
		f.Affinity.Hosts = append(f.Affinity.Hosts, host)
	}
	d.fill(&f.LoadBalancing, arrSpec.Elems["loadBalancing"], arrChild("loadBalancing"), f.ARR.Span)
	return f
}

func (d *decoder) rule(el *node, scope RuleScope) *Rule {
	r := &Rule{Scope: scope, Location: el.location}
	spec := el.spec
	d.fill(r, spec, el, Span{})
	d.fill(&r.Match, spec.Elems["match"], d.child(el, "match"), r.Span)
	conds := d.child(el, "conditions")
	d.fill(&r.Conditions, spec.Elems["conditions"], conds, r.Span)
	for _, c := range d.children(conds, "add") {
		cond := &Condition{}
		d.fill(cond, spec.Elems["conditions"].Elems["add"], c, Span{})
		r.Conditions.Items = append(r.Conditions.Items, cond)
	}
	for _, s := range d.children(d.child(el, "serverVariables"), "set") {
		sv := &ServerVariable{}
		d.fill(sv, spec.Elems["serverVariables"].Elems["set"], s, Span{})
		r.ServerVariables = append(r.ServerVariables, sv)
	}
	d.fill(&r.Action, spec.Elems["action"], d.child(el, "action"), r.Span)
	return r
}

// duplicates reports collection items with the same key. IIS compares these
// keys without regard to case.
func (d *decoder) duplicates(cfg *Config) {
	// Only the first item of each key is kept, by index, and an item's
	// span is made only when it is reported: a large file has hundreds of
	// thousands of items and almost never a duplicate.
	first := map[string]int{}
	check := func(what string, n int, item func(i int) (key string, el *Element, attr, farm string)) {
		clear(first)
		for i := range n {
			key, el, attr, farm := item(i)
			k := strings.ToLower(key)
			j, ok := first[k]
			if !ok {
				first[k] = i
				continue
			}
			fkey, fel, fattr, _ := item(j)
			d.b.findings = append(d.b.findings, Finding{Rule: RuleDuplicateKey, Severity: Error, Span: el.ValueSpan(attr), Farm: farm,
				Message: fmt.Sprintf("duplicate %s %q: IIS rejects the configuration (keys must be unique)", what, key),
				Related: []Related{{Span: fel.ValueSpan(fattr), Message: fmt.Sprintf("first %s %q here", what, fkey)}}})
		}
	}
	for _, f := range cfg.Farms {
		check("server address in farm "+strconv.Quote(f.Name)+":", len(f.Servers), func(i int) (string, *Element, string, string) {
			return f.Servers[i].Address, &f.Servers[i].Element, "address", f.Name
		})
	}
	check("farm name", len(cfg.Farms), func(i int) (string, *Element, string, string) {
		return cfg.Farms[i].Name, &cfg.Farms[i].Element, "name", cfg.Farms[i].Name
	})
	// Rule names are unique within one collection: the global rules, or
	// the rules of one <location> (few collections, many rules).
	type collection struct {
		scope    RuleScope
		location string
	}
	seen := map[collection]bool{}
	var order []collection
	for _, r := range cfg.Rules {
		if c := (collection{r.Scope, r.Location}); !seen[c] {
			seen[c] = true
			order = append(order, c)
		}
	}
	sort.Slice(order, func(i, j int) bool {
		if order[i].scope != order[j].scope {
			return order[i].scope < order[j].scope
		}
		return order[i].location < order[j].location
	})
	var in []*Rule
	for _, c := range order {
		in = in[:0]
		for _, r := range cfg.Rules {
			if r.Scope == c.scope && r.Location == c.location {
				in = append(in, r)
			}
		}
		check("rule name", len(in), func(i int) (string, *Element, string, string) {
			return in[i].Name, &in[i].Element, "name", ""
		})
	}
}
