package simulate

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"cuelang.org/go/cue/ast"

	"github.com/arrfarm/arrfarm/schema"
)

// ApplySet applies one --set assignment, PATH=VALUE, to the configuration
// or the scenario:
//
//	<farm>.<attribute>                     a webFarm attribute (web.enabled=false)
//	<farm>.<element>.<attribute>           protocol, healthCheck, affinity, loadBalancing
//	                                       (web.protocol.timeout=45s,
//	                                       web.healthCheck.interval=00:00:05,
//	                                       web.loadBalancing.algorithm=LeastRequests)
//	<farm>.server.<address>.<attribute>    a server's enabled, or its
//	                                       applicationRequestRouting attributes (weight)
//	proxy.<attribute>                      the global system.webServer/proxy section
//	scenario.<path>                        any scenario field (scenario.arrivals.rate=300,
//	                                       scenario.servers.10.0.0.12.concurrency=8,
//	                                       scenario.latency={lognormal: {p50: 100ms, p99: 2s}})
//
// Configuration values are checked against the ARR schema (types, enums,
// ranges; durations as IIS time spans or Go durations). A scenario value is
// YAML and the whole scenario is validated again through scenario.cue, so
// an override obeys the same rules as the file. Setting one latency model
// replaces the others, and duration replaces requests (and back).
func ApplySet(cfg *schema.Config, sc *Scenario, assignment string) error {
	path, value, ok := strings.Cut(assignment, "=")
	path = strings.TrimSpace(path)
	if !ok || path == "" {
		return fmt.Errorf("--set %s: want PATH=VALUE, e.g. web.protocol.timeout=45s", assignment)
	}
	var err error
	switch {
	case strings.HasPrefix(path, "scenario."):
		if sc == nil {
			return fmt.Errorf("--set %s: no scenario", assignment)
		}
		err = sc.set(strings.TrimPrefix(path, "scenario."), value)
	case strings.HasPrefix(path, "proxy."):
		err = setProxy(cfg, strings.Split(strings.TrimPrefix(path, "proxy."), "."), value)
	default:
		err = setFarm(cfg, path, value)
	}
	if err != nil {
		return fmt.Errorf("--set %s: %w", assignment, err)
	}
	return nil
}

// setSpan marks values set from the command line, so that Element.Has
// counts them as written.
var setSpan = schema.Span{File: "--set"}

func setFarm(cfg *schema.Config, path, value string) error {
	var farm *schema.Farm
	for _, f := range cfg.Farms {
		if strings.HasPrefix(path, f.Name+".") && (farm == nil || len(f.Name) > len(farm.Name)) {
			farm = f
		}
	}
	if farm == nil {
		first, _, _ := strings.Cut(path, ".")
		return fmt.Errorf("no farm %q in the configuration (farms: %s; other roots: proxy, scenario)", first, farmNames(cfg))
	}
	rest := strings.Split(strings.TrimPrefix(path, farm.Name+"."), ".")
	if len(rest) == 1 {
		return schema.SetAttribute(farm, rest[0], value, setSpan)
	}
	if rest[0] == "server" || rest[0] == "servers" {
		if len(rest) < 3 {
			return fmt.Errorf("want %s.server.<address>.<attribute>", farm.Name)
		}
		addr, attr := strings.Join(rest[1:len(rest)-1], "."), rest[len(rest)-1]
		for _, s := range farm.Servers {
			if s.Address != addr {
				continue
			}
			if attr == "enabled" || attr == "address" {
				return schema.SetAttribute(s, attr, value, setSpan)
			}
			return schema.SetAttribute(&s.ARR, attr, value, setSpan)
		}
		return fmt.Errorf("farm %q has no server %q", farm.Name, addr)
	}
	var el any
	switch rest[0] {
	case "protocol":
		el = &farm.Protocol
		if len(rest) == 3 && rest[1] == "cache" {
			el, rest = &farm.Protocol.Cache, rest[1:]
		}
	case "healthCheck":
		el = &farm.HealthCheck
	case "affinity":
		el = &farm.Affinity
	case "loadBalancing":
		el = &farm.LoadBalancing
	default:
		return fmt.Errorf("farm %q has no element %q (elements: protocol, healthCheck, affinity, loadBalancing, server.<address>)", farm.Name, rest[0])
	}
	if len(rest) != 2 {
		return fmt.Errorf("want %s.%s.<attribute>", farm.Name, rest[0])
	}
	return schema.SetAttribute(el, rest[1], value, setSpan)
}

// setProxy sets proxy.<attribute> or proxy.cache.<attribute>.
func setProxy(cfg *schema.Config, path []string, value string) error {
	switch {
	case len(path) == 1:
		return schema.SetAttribute(&cfg.Proxy, path[0], value, setSpan)
	case len(path) == 2 && path[0] == "cache":
		return schema.SetAttribute(&cfg.Proxy.Cache, path[1], value, setSpan)
	}
	return fmt.Errorf("want proxy.<attribute> or proxy.cache.<attribute>")
}

// setting is one scenario assignment, kept so that the scenario can be
// rebuilt from its source text with every assignment applied in order.
type setting struct {
	path  []string
	value string
}

// set applies a scenario assignment and re-validates the whole scenario.
func (sc *Scenario) set(path, value string) error {
	labels, err := splitSetPath(path)
	if err != nil {
		return err
	}
	sets := append(slices.Clone(sc.sets), setting{labels, value})
	f, fs := schema.ParseYAMLCUE(schema.NewLines(sc.File, sc.src))
	if len(fs) > 0 {
		return fmt.Errorf("re-reading %s: %s", sc.File, fs[0].Message)
	}
	for _, s := range sets {
		x, err := parseSetValue(s.value)
		if err != nil {
			return err
		}
		setAST(f, s.path, x)
	}
	next, fs, err := loadAST(sc.File, sc.src, f, false)
	if err != nil {
		return err
	}
	if len(fs) > 0 {
		msgs := make([]string, len(fs))
		for i, fd := range fs {
			msgs[i] = fd.Message
		}
		return fmt.Errorf("%s", strings.Join(msgs, "; "))
	}
	// Positions of the file's own values stay right: only set values have
	// none, and they are not reported against the file.
	*sc = *next
	sc.sets = sets
	return nil
}

// splitSetPath splits a dotted scenario path. A label may be quoted
// ("10.0.0.12"); under servers an unquoted address may contain dots: it
// runs up to the server field that follows it.
func splitSetPath(path string) ([]string, error) {
	var raw []string
	for len(path) > 0 {
		if path[0] == '"' {
			end := strings.Index(path[1:], `"`)
			if end < 0 {
				return nil, fmt.Errorf("unterminated quote in %q", path)
			}
			raw = append(raw, path[1:end+1])
			path = strings.TrimPrefix(path[end+2:], ".")
			continue
		}
		label, rest, _ := strings.Cut(path, ".")
		raw = append(raw, label)
		path = rest
	}
	if len(raw) == 0 {
		return nil, fmt.Errorf("no field after \"scenario.\"; e.g. scenario.arrivals.rate=300")
	}
	var out []string
	for i := 0; i < len(raw); i++ {
		if raw[i] == "" {
			return nil, fmt.Errorf("empty label in path")
		}
		out = append(out, raw[i])
		if raw[i] == "servers" && i+1 < len(raw) {
			j := i + 2
			for j < len(raw) && !slices.Contains(knownFields["servers.*"], raw[j]) {
				j++
			}
			out = append(out, strings.Join(raw[i+1:j], "."))
			i = j - 1
		}
	}
	return out, nil
}

func parseSetValue(value string) (ast.Expr, error) {
	f, fs := schema.ParseYAMLCUE(schema.NewLines("--set", []byte("v: "+value)))
	if len(fs) > 0 || len(f.Decls) != 1 {
		return nil, fmt.Errorf("value %q is not a YAML value", value)
	}
	fd, ok := f.Decls[0].(*ast.Field)
	if !ok {
		return nil, fmt.Errorf("value %q is not a YAML value", value)
	}
	return fd.Value, nil
}

// exclusive lists fields that replace each other when one is set.
var exclusive = [][]string{
	latencyFields,
	{"duration", "requests"},
	{"p50", "median"}, {"p50", "sigma"}, {"p99", "median"}, {"p99", "sigma"},
}

// setAST sets path to x in the YAML's AST, creating objects on the way.
func setAST(f *ast.File, path []string, x ast.Expr) { setDecls(&f.Decls, path, x) }

func setDecls(decls *[]ast.Decl, path []string, x ast.Expr) {
	label := path[0]
	if len(path) == 1 {
		dropExclusive(decls, label)
	}
	var field *ast.Field
	for _, d := range *decls {
		if fd, ok := d.(*ast.Field); ok {
			if name, _, err := ast.LabelName(fd.Label); err == nil && name == label {
				field = fd
			}
		}
	}
	if field == nil {
		var l ast.Label = ast.NewIdent(label)
		if ast.StringLabelNeedsQuoting(label) {
			l = ast.NewString(label)
		}
		field = &ast.Field{Label: l, Value: &ast.StructLit{}}
		*decls = append(*decls, field)
	}
	if len(path) == 1 {
		field.Value = x
		return
	}
	// A list element by index: events.0.at.
	if n, err := strconv.Atoi(path[1]); err == nil {
		if list, ok := field.Value.(*ast.ListLit); ok && n >= 0 && n < len(list.Elts) {
			if len(path) == 2 {
				list.Elts[n] = x
				return
			}
			if st, ok := list.Elts[n].(*ast.StructLit); ok {
				setDecls(&st.Elts, path[2:], x)
				return
			}
		}
	}
	st, ok := field.Value.(*ast.StructLit)
	if !ok {
		st = &ast.StructLit{}
		field.Value = st
	}
	setDecls(&st.Elts, path[1:], x)
}

func dropExclusive(decls *[]ast.Decl, label string) {
	for _, group := range exclusive {
		if !slices.Contains(group, label) {
			continue
		}
		*decls = slices.DeleteFunc(*decls, func(d ast.Decl) bool {
			fd, ok := d.(*ast.Field)
			if !ok {
				return false
			}
			name, _, err := ast.LabelName(fd.Label)
			return err == nil && name != label && slices.Contains(group, name)
		})
	}
}
