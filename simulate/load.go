package simulate

import (
	_ "embed"
	"fmt"
	"math"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/cuecontext"
	cueerrors "cuelang.org/go/cue/errors"
	"cuelang.org/go/cue/token"

	"github.com/arrfarm/arrfarm/latency"
	"github.com/arrfarm/arrfarm/schema"
)

//go:embed scenario.cue
var scenarioCUE []byte

// LoadScenario reads a scenario from YAML text src; name is the file name
// positions are reported under. Problems with the text (syntax, unknown
// fields, wrong types, negative rates, bad durations) are findings with
// file:line:col; the scenario is nil when there is any. The error is
// reserved for failures that are not the input's fault.
//
// Whether server addresses exist in the configuration is checked later, by
// (*Scenario).Check or Run.
func LoadScenario(name string, src []byte) (*Scenario, []schema.Finding, error) {
	return load(name, src, false)
}

// LoadLatencyModels reads a scenario file for its latency models only: it
// is validated as LoadScenario validates it, but traffic (arrivals) may be
// left out, so a file can describe latency alone.
func LoadLatencyModels(name string, src []byte) (*latency.Models, []schema.Finding, error) {
	sc, fs, err := load(name, src, true)
	if sc == nil {
		return nil, fs, err
	}
	m := &latency.Models{File: name, FarmName: sc.Farm, Latency: sc.Latency, Servers: map[string]latency.Model{}}
	for addr, o := range sc.Servers {
		if o.Latency.Kind != latency.None {
			m.Servers[addr] = o.Latency
		}
	}
	return m, fs, err
}

func load(name string, src []byte, latencyOnly bool) (*Scenario, []schema.Finding, error) {
	f, fs := schema.ParseYAMLCUE(schema.NewLines(name, src))
	if len(fs) > 0 {
		for i := range fs {
			fs[i].Message = "malformed YAML: " + strings.TrimPrefix(fs[i].Message, "not valid YAML: ")
		}
		return nil, fs, nil
	}
	sc, fs, err := loadAST(name, src, f, latencyOnly)
	if err != nil {
		return nil, nil, fmt.Errorf("loading scenario %q: %w", name, err)
	}
	return sc, fs, nil
}

// loadAST validates and decodes a parsed scenario. latencyOnly lifts the
// requirement of traffic, for LoadLatencyModels.
func loadAST(name string, src []byte, f *ast.File, latencyOnly bool) (*Scenario, []schema.Finding, error) {
	ctx := cuecontext.New()
	sv := ctx.CompileBytes(scenarioCUE, cue.Filename("scenario.cue"))
	if err := sv.Err(); err != nil {
		return nil, nil, fmt.Errorf("compiling the embedded scenario schema: %w", err)
	}
	def := sv.LookupPath(cue.ParsePath("#Scenario"))
	lines := schema.NewLines(name, src)
	idx := newSpanIndex(lines, f)

	data := ctx.BuildFile(f)
	if err := data.Err(); err != nil {
		return nil, cueFindings(name, lines, idx, err, data), nil
	}
	v := def.Unify(data)
	if err := v.Validate(cue.Concrete(true)); err != nil {
		fs := cueFindings(name, lines, idx, err, data)
		// CUE reports "field not allowed" only when nothing else is wrong,
		// so ask the schema about every key the file wrote.
		fs = append(fs, unknownFields(def, idx, fs)...)
		sortFindings(fs)
		return nil, fs, nil
	}
	d := &decoder{file: name, idx: idx, latencyOnly: latencyOnly}
	sc := d.scenario(v)
	if len(d.findings) > 0 {
		sortFindings(d.findings)
		return nil, d.findings, nil
	}
	sc.File, sc.spans, sc.src = name, idx, src
	sortFindings(d.warnings)
	sc.Warnings = d.warnings
	return sc, nil, nil
}

func posSpan(lines *schema.Lines, p token.Pos) schema.Span {
	off := p.Offset()
	if p.Line() > 0 {
		off = lines.OffsetOf(p.Line(), p.Column())
	}
	return lines.Span(off, off)
}

// spanIndex records where each key and value of the scenario was written,
// by path (labels joined with pathSep; list elements by index).
type spanIndex struct {
	lines  *schema.Lines
	keys   map[string]schema.Span
	values map[string]schema.Span
}

const pathSep = "\x1f"

func pathKey(labels ...string) string { return strings.Join(labels, pathSep) }

func newSpanIndex(lines *schema.Lines, f *ast.File) spanIndex {
	idx := spanIndex{lines: lines, keys: map[string]schema.Span{}, values: map[string]schema.Span{}}
	if f == nil {
		return idx
	}
	var walkExpr func(path []string, x ast.Expr)
	walkFields := func(path []string, decls []ast.Decl) {
		for _, d := range decls {
			fd, ok := d.(*ast.Field)
			if !ok {
				continue
			}
			name, _, err := ast.LabelName(fd.Label)
			if err != nil {
				continue
			}
			p := append(append([]string(nil), path...), name)
			idx.keys[pathKey(p...)] = idx.span(fd.Label)
			walkExpr(p, fd.Value)
		}
	}
	walkExpr = func(path []string, x ast.Expr) {
		idx.values[pathKey(path...)] = idx.span(x)
		switch x := x.(type) {
		case *ast.StructLit:
			walkFields(path, x.Elts)
		case *ast.ListLit:
			for i, e := range x.Elts {
				walkExpr(append(append([]string(nil), path...), strconv.Itoa(i)), e)
			}
		}
	}
	walkFields(nil, f.Decls)
	return idx
}

func (idx spanIndex) span(n ast.Node) schema.Span {
	if idx.lines == nil {
		return schema.Span{}
	}
	p := n.Pos()
	if !p.IsValid() || p.Line() == 0 {
		return schema.Span{File: idx.lines.File()}
	}
	start := idx.lines.OffsetOf(p.Line(), p.Column())
	end := start
	if e := n.End(); e.IsValid() && e.Line() > 0 {
		end = idx.lines.OffsetOf(e.Line(), e.Column())
	}
	return idx.lines.Span(start, end)
}

// value returns where the value at path was written; for a path that is not
// in the file, the nearest written parent's value.
func (idx spanIndex) value(path []string) schema.Span {
	for n := len(path); n >= 0; n-- {
		if sp, ok := idx.values[pathKey(path[:n]...)]; ok && !sp.IsZero() {
			return sp
		}
	}
	if idx.lines == nil {
		return schema.Span{}
	}
	return idx.lines.Span(0, 0)
}

// key returns where the key of path was written (or its nearest parent's).
func (idx spanIndex) key(path []string) schema.Span {
	for n := len(path); n > 0; n-- {
		if sp, ok := idx.keys[pathKey(path[:n]...)]; ok && !sp.IsZero() {
			return sp
		}
	}
	return idx.value(nil)
}

// get is value for a dotted path without dots inside labels.
func (idx spanIndex) get(dotted string) schema.Span {
	return idx.value(strings.Split(dotted, "."))
}

// cueFindings turns CUE's validation errors into findings: one per path,
// the most useful message first, positions from the YAML.
func cueFindings(name string, lines *schema.Lines, idx spanIndex, err error, data cue.Value) []schema.Finding {
	type group struct {
		path    []string
		msgs    []string
		allowed []string // enum values offered by "conflicting values" errors
		got     string
		pos     token.Pos
	}
	groups := map[string]*group{}
	var order []string
	for _, e := range cueerrors.Errors(err) {
		format, args := e.Msg()
		msg := fmt.Sprintf(format, args...)
		if strings.Contains(msg, "empty disjunction") || strings.HasSuffix(msg, "errors in empty disjunction:") {
			continue
		}
		path := trimDef(cueerrors.Path(e))
		k := pathKey(path...)
		g := groups[k]
		if g == nil {
			g = &group{path: path}
			groups[k] = g
			order = append(order, k)
		}
		for _, p := range e.InputPositions() {
			if p.Filename() == name && !g.pos.IsValid() {
				g.pos = p
			}
		}
		// "conflicting values X and Y (mismatched types ...)": one of them is
		// the input, the other an allowed alternative.
		if strings.HasPrefix(format, "conflicting values %s and %s") && len(args) >= 2 {
			a, b := fmt.Sprint(args[0]), fmt.Sprint(args[1])
			in := ""
			if x := lookup(data, path); x.Exists() {
				in = fmt.Sprint(x)
			}
			switch {
			case in != "" && a == in:
				g.got, g.allowed = a, append(g.allowed, b)
			case in != "" && b == in:
				g.got, g.allowed = b, append(g.allowed, a)
			default:
				g.allowed = append(g.allowed, a, b)
			}
			continue
		}
		g.msgs = append(g.msgs, msg)
	}
	var out []schema.Finding
	for _, k := range order {
		g := groups[k]
		sp := idx.value(g.path)
		if g.pos.IsValid() && g.pos.Line() > 0 {
			sp = posSpan(lines, g.pos)
		}
		field := "scenario"
		if len(g.path) > 0 {
			field = strings.Join(g.path, ".")
		}
		var msg string
		rule := schema.RuleInvalidValue
		switch {
		case hasMsg(g.msgs, "field not allowed"):
			sp = idx.key(g.path)
			msg = fmt.Sprintf("unknown field %q%s", g.path[len(g.path)-1], suggestField(g.path))
			rule = schema.RuleUnknownAttribute
		case hasMsg(g.msgs, "out of bound"):
			msg = boundMessage(field, g.msgs)
		case hasMsg(g.msgs, "field is required but not present") || hasMsg(g.msgs, "incomplete value"):
			sp = idx.key(g.path)
			if _, ok := idx.keys[pathKey(g.path...)]; !ok {
				sp = idx.value(g.path[:len(g.path)-1])
			}
			msg = fmt.Sprintf("%s is required", field)
		case len(g.allowed) > 0:
			msg = enumMessage(field, g.got, g.allowed)
		case len(g.msgs) > 0:
			msg = field + ": " + g.msgs[0]
		default:
			msg = field + ": invalid value"
		}
		out = append(out, schema.Finding{Rule: rule, Severity: schema.Error, Span: sp, Message: msg})
	}
	if len(out) == 0 {
		out = append(out, schema.Finding{Rule: schema.RuleInvalidValue, Severity: schema.Error,
			Span: lines.Span(0, 0), Message: "invalid scenario: " + err.Error()})
	}
	sortFindings(out)
	return out
}

// unknownFields reports every key of the file that the schema does not
// allow where it stands, unless CUE already did.
func unknownFields(def cue.Value, idx spanIndex, have []schema.Finding) []schema.Finding {
	reported := map[string]bool{}
	for _, f := range have {
		reported[f.Span.String()] = true
	}
	var out []schema.Finding
	for k, sp := range idx.keys {
		path := strings.Split(k, pathSep)
		parent := schemaAt(def, path[:len(path)-1])
		if !parent.Exists() || parent.IncompleteKind() != cue.StructKind {
			continue
		}
		if parent.Allows(cue.Str(path[len(path)-1])) || reported[sp.String()] {
			continue
		}
		out = append(out, schema.Finding{Rule: schema.RuleUnknownAttribute, Severity: schema.Error, Span: sp,
			Message: fmt.Sprintf("unknown field %q%s", path[len(path)-1], suggestField(path))})
	}
	return out
}

// schemaAt is the schema's constraint for a data path: list elements by
// AnyIndex, server addresses by AnyString, defaults resolved.
func schemaAt(def cue.Value, path []string) cue.Value {
	v, _ := def.Default()
	for i, l := range path {
		sel := cue.Str(l)
		if _, err := strconv.Atoi(l); err == nil {
			sel = cue.AnyIndex
		} else if i > 0 && path[i-1] == "servers" {
			sel = cue.AnyString
		}
		v = v.LookupPath(cue.MakePath(sel))
		if !v.Exists() {
			return v
		}
		v, _ = v.Default()
	}
	return v
}

func trimDef(path []string) []string {
	if len(path) > 0 && strings.HasPrefix(path[0], "#") {
		path = path[1:]
	}
	out := make([]string, len(path))
	for i, l := range path {
		if u, err := strconv.Unquote(l); err == nil {
			l = u
		}
		out[i] = l
	}
	return out
}

func hasMsg(msgs []string, sub string) bool {
	for _, m := range msgs {
		if strings.Contains(m, sub) {
			return true
		}
	}
	return false
}

func boundMessage(field string, msgs []string) string {
	for _, m := range msgs {
		// invalid value -5 (out of bound >=0)
		i := strings.Index(m, "(out of bound ")
		if i < 0 {
			continue
		}
		val := strings.TrimSpace(strings.TrimPrefix(m[:i], "invalid value"))
		bound := strings.TrimSuffix(m[i+len("(out of bound "):], ")")
		return fmt.Sprintf("%s: %s is out of range: must be %s", field, val, bound)
	}
	return field + ": " + msgs[0]
}

func enumMessage(field, got string, allowed []string) string {
	seen := map[string]bool{}
	var types, values []string
	for _, a := range allowed {
		if seen[a] {
			continue
		}
		seen[a] = true
		switch a {
		case "string", "int", "number", "float", "bool", "struct", "list":
			types = append(types, a)
		default:
			if !strings.HasPrefix(a, "{") && !strings.HasPrefix(a, "[") {
				values = append(values, a)
			}
		}
	}
	if got == "" {
		got = "this value"
	}
	sort.Strings(values)
	if len(values) > 0 && len(types) == 0 {
		return fmt.Sprintf("%s: %s is not allowed: must be one of %s", field, got, strings.Join(values, ", "))
	}
	if len(types) > 0 {
		return fmt.Sprintf("%s: %s has the wrong type: want %s", field, got, strings.Join(types, " or "))
	}
	return fmt.Sprintf("%s: %s is not allowed", field, got)
}

// knownFields lists the fields a scenario object may have, by the path of
// its parent (list indexes and server addresses as "*"). It mirrors
// scenario.cue; a test checks that the two agree.
var knownFields = map[string][]string{
	"":                    {"farm", "duration", "requests", "warmup", "replications", "seed", "arrivals", "latency", "concurrency", "errors", "backends", "servers", "health", "events", "arr"},
	"backends":            {"queueLength", "requestQueueLimit", "idleTimeout"},
	"arrivals":            {"rate", "schedule", "sessions", "clients", "replay"},
	"arrivals.replay":     {"log", "speed"},
	"arrivals.sessions":   {"length", "requests"},
	"arrivals.schedule.*": {"at", "rate"},
	"latency":             latencyFields,
	"servers.*":           {"latency", "concurrency", "errors", "queueLength", "requestQueueLimit"},
	"health":              {"latency", "queue"},
	"events.*":            {"at", "server", "fault", "for", "factor", "status"},
	"arr":                 {"legacyAlgorithms", "timeoutSemantics", "retrySpacing", "healthFailures", "minServersSemantics", "allUnhealthyStatus", "probePhase", "retryOtherServer", "liveTrafficDefault"},
}

var latencyFields = []string{"fixed", "exponential", "lognormal", "empirical", "mixture"}

func suggestField(path []string) string {
	if len(path) == 0 {
		return ""
	}
	parent := genericPath(path[:len(path)-1])
	cands := knownFields[parent]
	if cands == nil {
		switch {
		case strings.HasSuffix(parent, "latency"):
			cands = latencyFields
		case strings.HasSuffix(parent, "lognormal"):
			cands = []string{"p50", "p99", "median", "sigma"}
		case strings.HasSuffix(parent, "exponential"):
			cands = []string{"mean"}
		case strings.HasSuffix(parent, "empirical"):
			cands = []string{"log", "url", "status"}
		case strings.HasSuffix(parent, "mixture.*"):
			cands = append([]string{"weight"}, latencyFields[:4]...)
		}
	}
	if len(cands) == 0 {
		return ""
	}
	bad := path[len(path)-1]
	best, bestD := "", 1<<30
	for _, c := range cands {
		if d := schema.EditDistance(strings.ToLower(bad), strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	if bestD <= max(2, len(bad)/3) {
		return fmt.Sprintf("; did you mean %q?", best)
	}
	return fmt.Sprintf("; allowed here: %s", strings.Join(cands, ", "))
}

func genericPath(path []string) string {
	out := make([]string, len(path))
	for i, l := range path {
		if _, err := strconv.Atoi(l); err == nil || (i > 0 && path[i-1] == "servers") {
			l = "*"
		}
		out[i] = l
	}
	return strings.Join(out, ".")
}

func sortFindings(fs []schema.Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i].Span.Start, fs[j].Span.Start
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
}

// decoder reads the validated CUE value into a Scenario, parsing durations
// and checking what CUE cannot, with findings at the YAML positions.
type decoder struct {
	file        string
	idx         spanIndex
	findings    []schema.Finding
	warnings    []schema.Finding
	latencyOnly bool // a latency source: traffic may be missing
}

// errorf reports a finding at the value of path, or at its key when the
// value is an object (which starts on the next line in block style).
func (d *decoder) errorf(path []string, format string, args ...any) {
	sp := d.idx.value(path)
	if _, ok := d.idx.keys[pathKey(path...)]; ok {
		if key := d.idx.key(path); key.Start.Line < sp.Start.Line {
			sp = key
		}
	}
	d.findings = append(d.findings, schema.Finding{Rule: schema.RuleInvalidValue, Severity: schema.Error,
		Span: sp, Message: fmt.Sprintf(format, args...)})
}

// lookup finds path in v, resolving defaults on the way (a default such as
// health.latency's is a disjunction until resolved).
func lookup(v cue.Value, path []string) cue.Value {
	v, _ = v.Default()
	for _, l := range path {
		sel := cue.Str(l)
		if n, err := strconv.Atoi(l); err == nil {
			sel = cue.Index(n)
		}
		v = v.LookupPath(cue.MakePath(sel))
		if !v.Exists() {
			return v
		}
		v, _ = v.Default()
	}
	return v
}

func join(path []string, more ...string) []string {
	return append(append([]string(nil), path...), more...)
}

func (d *decoder) has(v cue.Value, path ...string) bool { return lookup(v, path).Exists() }

func (d *decoder) str(v cue.Value, path ...string) string {
	s, _ := lookup(v, path).String()
	return s
}

func (d *decoder) num(v cue.Value, path ...string) float64 {
	f, _ := lookup(v, path).Float64()
	return f
}

func (d *decoder) int(v cue.Value, path ...string) int64 {
	n, _ := lookup(v, path).Int64()
	return n
}

func (d *decoder) bool(v cue.Value, path ...string) bool {
	b, _ := lookup(v, path).Bool()
	return b
}

// dur parses the duration at path (which must exist); want says what it is
// for the message.
func (d *decoder) dur(v cue.Value, path []string) time.Duration {
	x := lookup(v, path)
	var text string
	if s, err := x.String(); err == nil {
		text = s
	} else if f, err := x.Float64(); err == nil {
		text = strconv.FormatFloat(f, 'f', -1, 64)
	}
	t, err := schema.ParseDuration(text)
	if err != nil {
		d.errorf(path, "%s: %v", strings.Join(path, "."), err)
		return 0
	}
	if t < 0 {
		d.errorf(path, "%s: %q is negative", strings.Join(path, "."), text)
		return 0
	}
	if t > maxScenarioSpan {
		d.errorf(path, "%s: %q is longer than %s, the longest span a scenario may hold", strings.Join(path, "."), text, maxScenarioSpanText)
		return 0
	}
	return t
}

// maxScenarioSpan bounds every duration of a scenario (windows, event
// times, latencies): sums of a few of them stay far from int64
// nanoseconds' limit of 292 years, where they used to wrap around.
const (
	maxScenarioSpan     = time.Duration(maxService)
	maxScenarioSpanText = "365 days (8760h)"
)

func (d *decoder) scenario(v cue.Value) *Scenario {
	sc := &Scenario{
		Farm:         d.str(v, "farm"),
		Replications: int(d.int(v, "replications")),
		Seed:         d.int(v, "seed"),
		Concurrency:  int(d.int(v, "concurrency")),
		Errors:       d.num(v, "errors"),
		Servers:      map[string]*ServerOverride{},
		Backends: Backends{
			QueueLength:       int(d.int(v, "backends", "queueLength")),
			RequestQueueLimit: int(d.int(v, "backends", "requestQueueLimit")),
		},
	}
	sc.Backends.IdleTimeout = d.dur(v, []string{"backends", "idleTimeout"})
	sc.Warmup = d.dur(v, []string{"warmup"})
	n := len(d.findings)
	switch {
	case d.has(v, "duration") && d.has(v, "requests"):
		d.errorf([]string{"requests"}, "duration and requests both set: a replication ends after one or the other; keep one")
	case d.has(v, "requests"):
		sc.Requests = d.int(v, "requests")
	case d.has(v, "duration"):
		sc.Duration = d.dur(v, []string{"duration"})
		if sc.Duration == 0 && len(d.findings) == n {
			d.errorf([]string{"duration"}, "duration must be positive")
		}
	case d.has(v, "arrivals", "replay"):
		// A replay without duration plays the whole log: a default
		// window would keep ten minutes of a day's log (the plan notes
		// it, so the run says what it measured).
	default:
		sc.Duration = 10 * time.Minute
	}

	if d.has(v, "arrivals", "rate") {
		sc.Arrivals.Rate = d.num(v, "arrivals", "rate")
	}
	switch {
	case d.has(v, "arrivals", "clients") && d.has(v, "arrivals", "sessions"):
		d.errorf([]string{"arrivals", "sessions"}, "arrivals: clients and sessions both set: clients is a fixed population, sessions come and go; keep one")
	case d.has(v, "arrivals", "clients"):
		sc.Arrivals.Clients = int(d.int(v, "arrivals", "clients"))
	}
	sc.Arrivals.Sessions = Sessions{Length: DefaultSessionLength, Requests: DefaultSessionRequests}
	if d.has(v, "arrivals", "sessions") {
		p := []string{"arrivals", "sessions"}
		sc.Arrivals.Sessions = Sessions{Length: d.dur(v, join(p, "length")), Requests: d.num(v, join(p, "requests")...)}
		if sc.Arrivals.Sessions.Length == 0 {
			d.errorf(join(p, "length"), "arrivals.sessions.length must be positive")
		}
	}
	if l, err := lookup(v, []string{"arrivals", "schedule"}).List(); err == nil {
		for i := 0; l.Next(); i++ {
			p := []string{"arrivals", "schedule", strconv.Itoa(i)}
			sc.Arrivals.Schedule = append(sc.Arrivals.Schedule, RateStep{At: d.dur(v, join(p, "at")), Rate: d.num(v, join(p, "rate")...)})
		}
	}
	if d.has(v, "arrivals", "replay") {
		sc.Arrivals.Replay = &Replay{Log: d.relative(d.str(v, "arrivals", "replay", "log")), Speed: d.num(v, "arrivals", "replay", "speed")}
	}
	if !d.has(v, "arrivals", "rate") && len(sc.Arrivals.Schedule) == 0 && sc.Arrivals.Replay == nil && !d.latencyOnly {
		d.errorf([]string{"arrivals"}, "arrivals needs a rate or a schedule")
	}

	sc.Latency = d.latency(v, []string{"latency"}, true)
	sc.Health.Latency = latency.Model{Kind: latency.Fixed, Fixed: 5 * time.Millisecond}
	if d.has(v, "health", "latency") {
		sc.Health.Latency = d.latency(v, []string{"health", "latency"}, true)
	}
	if d.has(v, "health", "queue") {
		sc.Health.NoQueue = !d.bool(v, "health", "queue")
	}

	if it, err := lookup(v, []string{"servers"}).Fields(); err == nil {
		for it.Next() {
			addr := it.Selector().Unquoted()
			p := []string{"servers", addr}
			o := &ServerOverride{}
			if d.has(v, join(p, "latency")...) {
				o.Latency = d.latency(v, join(p, "latency"), true)
			}
			if d.has(v, join(p, "concurrency")...) {
				c := int(d.int(v, join(p, "concurrency")...))
				o.Concurrency = &c
			}
			if d.has(v, join(p, "errors")...) {
				e := d.num(v, join(p, "errors")...)
				o.Errors = &e
			}
			if d.has(v, join(p, "queueLength")...) {
				q := int(d.int(v, join(p, "queueLength")...))
				o.QueueLength = &q
			}
			if d.has(v, join(p, "requestQueueLimit")...) {
				q := int(d.int(v, join(p, "requestQueueLimit")...))
				o.RequestQueueLimit = &q
			}
			sc.Servers[addr] = o
		}
	}

	if l, err := lookup(v, []string{"events"}).List(); err == nil {
		for i := 0; l.Next(); i++ {
			p := []string{"events", strconv.Itoa(i)}
			e := Event{
				At:     d.dur(v, join(p, "at")),
				Server: d.str(v, join(p, "server")...),
				Fault:  FaultKind(d.str(v, join(p, "fault")...)),
				Span:   d.idx.value(p),
			}
			if d.has(v, join(p, "for")...) {
				e.For = d.dur(v, join(p, "for"))
				if e.For == 0 {
					d.errorf(join(p, "for"), "for must be positive (leave it out for a fault that lasts to the end)")
				}
			}
			switch {
			case e.Fault == FaultSlow && !d.has(v, join(p, "factor")...):
				d.errorf(p, "a slow fault needs a factor (service times are multiplied by it)")
			case e.Fault != FaultSlow && d.has(v, join(p, "factor")...):
				d.errorf(join(p, "factor"), "factor applies only to slow faults, not %s", e.Fault)
			}
			e.Factor = d.num(v, join(p, "factor")...)
			if d.has(v, join(p, "status")...) {
				if e.Fault != FaultError {
					d.errorf(join(p, "status"), "status applies only to error faults, not %s", e.Fault)
				}
				e.Status = int(d.int(v, join(p, "status")...))
			} else if e.Fault == FaultError {
				e.Status = 500
			}
			sc.Events = append(sc.Events, e)
		}
	}

	d.timeline(sc)

	sc.ARR = ARROptions{
		LegacyAlgorithms:    d.bool(v, "arr", "legacyAlgorithms"),
		TimeoutSemantics:    d.str(v, "arr", "timeoutSemantics"),
		RetrySpacing:        d.str(v, "arr", "retrySpacing"),
		HealthFailures:      int(d.int(v, "arr", "healthFailures")),
		MinServersSemantics: d.str(v, "arr", "minServersSemantics"),
		AllUnhealthyStatus:  d.str(v, "arr", "allUnhealthyStatus"),
		ProbePhase:          d.str(v, "arr", "probePhase"),
		RetryOtherServer:    d.bool(v, "arr", "retryOtherServer"),
		LiveTrafficDefault:  d.str(v, "arr", "liveTrafficDefault"),
	}
	return sc
}

// timeline checks the times of schedule steps and events: steps must be
// in time order without repeats (which rate holds from a repeated time is
// ambiguous), and a step or event at or after the end of the measured
// window would never take effect, a warning (a shorter --duration for a
// quick run is legitimate, but the user should know what it drops).
func (d *decoder) timeline(sc *Scenario) {
	steps := sc.Arrivals.Schedule
	for i := 1; i < len(steps); i++ {
		p := []string{"arrivals", "schedule", strconv.Itoa(i), "at"}
		switch prev := steps[i-1].At; {
		case steps[i].At == prev:
			d.errorf(p, "schedule step at %s repeats the time of the step before it: which rate holds from then is ambiguous; keep one", steps[i].At)
		case steps[i].At < prev:
			d.errorf(p, "schedule step at %s comes after the step at %s in the list: write the steps in time order", steps[i].At, prev)
		}
	}
	if sc.Duration <= 0 {
		return // requests mode: the window's length is not known here
	}
	for i, st := range steps {
		if st.At >= sc.Duration {
			d.warnf([]string{"arrivals", "schedule", strconv.Itoa(i), "at"}, "schedule step at %s is at or after the end of the simulated window (duration %s): it never takes effect", st.At, sc.Duration)
		}
	}
	for i, e := range sc.Events {
		if e.At >= sc.Duration {
			d.warnf([]string{"events", strconv.Itoa(i), "at"}, "event at %s (%s on %s) is at or after the end of the simulated window (duration %s): it never happens", e.At, e.Fault, e.Server, sc.Duration)
		}
	}
}

// warnf is errorf for a finding that does not stop the simulation.
func (d *decoder) warnf(path []string, format string, args ...any) {
	n := len(d.findings)
	d.errorf(path, format, args...)
	w := d.findings[n]
	d.findings = d.findings[:n]
	w.Severity = schema.Warning
	d.warnings = append(d.warnings, w)
}

// latency decodes a #Latency at path; top says mixtures are allowed.
func (d *decoder) latency(v cue.Value, path []string, top bool) latency.Model {
	var set []string
	for _, f := range latencyFields {
		if d.has(v, join(path, f)...) {
			set = append(set, f)
		}
	}
	if len(set) != 1 {
		if len(set) == 0 {
			d.errorf(path, "%s: give one latency model: %s", strings.Join(path, "."), strings.Join(latencyFields, ", "))
		} else {
			d.errorf(path, "%s: give one latency model, not %s (use mixture to combine models)", strings.Join(path, "."), strings.Join(set, " and "))
		}
		return latency.Model{}
	}
	p := join(path, set[0])
	switch set[0] {
	case "fixed":
		return latency.Model{Kind: latency.Fixed, Fixed: d.dur(v, p)}
	case "exponential":
		m := d.dur(v, join(p, "mean"))
		if m == 0 {
			d.errorf(join(p, "mean"), "exponential mean must be positive")
		}
		return latency.Model{Kind: latency.Exponential, Mean: m}
	case "lognormal":
		return d.lognormal(v, p)
	case "empirical":
		return latency.Model{Kind: latency.Empirical, Empirical: &latency.EmpiricalSpec{
			Log: d.relative(d.str(v, join(p, "log")...)), URL: d.str(v, join(p, "url")...), Status: d.str(v, join(p, "status")...),
			Fit: d.str(v, join(p, "fit")...)}}
	case "mixture":
		l := latency.Model{Kind: latency.Mixture}
		list, _ := lookup(v, p).List()
		for i := 0; list.Next(); i++ {
			cp := join(p, strconv.Itoa(i))
			c := latency.Component{Weight: d.num(v, join(cp, "weight")...), Model: d.latency(v, cp, false)}
			l.Components = append(l.Components, c)
		}
		if len(l.Components) == 0 {
			d.errorf(p, "mixture needs at least one component")
		}
		return l
	}
	return latency.Model{}
}

func (d *decoder) lognormal(v cue.Value, p []string) latency.Model {
	has := func(f string) bool { return d.has(v, join(p, f)...) }
	switch {
	case has("p50") && has("p99") && !has("median") && !has("sigma"):
		p50, p99 := d.dur(v, join(p, "p50")), d.dur(v, join(p, "p99"))
		if p50 <= 0 || p99 <= p50 {
			d.errorf(join(p, "p99"), "lognormal p99 (%v) must be above p50 (%v), and p50 above 0", p99, p50)
			return latency.Model{}
		}
		return latency.Model{Kind: latency.Lognormal, Median: p50, Sigma: math.Log(float64(p99)/float64(p50)) / latency.Z99}
	case has("median") && has("sigma") && !has("p50") && !has("p99"):
		m := d.dur(v, join(p, "median"))
		if m <= 0 {
			d.errorf(join(p, "median"), "lognormal median must be positive")
		}
		return latency.Model{Kind: latency.Lognormal, Median: m, Sigma: d.num(v, join(p, "sigma")...)}
	}
	d.errorf(p, "lognormal takes {p50, p99} or {median, sigma}")
	return latency.Model{}
}

// relative resolves a path written in the scenario against the scenario
// file's directory, so a scenario and its logs can move together.
func (d *decoder) relative(p string) string {
	if p == "" || filepath.IsAbs(p) || d.file == "" || d.file == "-" || strings.HasPrefix(d.file, "<") {
		return p
	}
	return filepath.Join(filepath.Dir(d.file), p)
}
