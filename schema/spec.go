package schema

import (
	_ "embed"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"
)

// CUESource is the embedded CUE schema, the single source of truth for the
// ARR configuration (printed by "arrfarm schema --format cue").
//
//go:embed arr.cue
var CUESource []byte

// ValueType is how an attribute's text is read.
type ValueType int

// Value types of attributes.
const (
	TypeString ValueType = iota
	TypeBool
	TypeInt
	TypeEnum
	TypeTimeSpan // IIS time span text, validated as seconds
)

func (t ValueType) String() string {
	return [...]string{"string", "bool", "integer", "enum", "time span"}[t]
}

// AttrSpec describes one attribute, derived from the CUE schema.
type AttrSpec struct {
	Name       string
	Type       ValueType
	Required   bool
	HasDefault bool
	Default    any      // bool, int64, string, or float64 seconds for time spans
	Enum       []string // allowed values of an enum, default first
	WFF        bool     // Web Farm Framework setting
	Secret     bool     // never echoed
	Min, Max   *float64 // numeric bounds, for messages
	// Step is a time span's math.MultipleOf(n) constraint, 0 when none:
	// a time span in whole minutes has Step 60.
	Step float64
	Doc  string // the field's comment in arr.cue
	Line int    // the field's line in arr.cue

	// rule is the compiled constraint of an integer, string or time span
	// (nil: CUE decides), check the predicate made from it or from the
	// type (bool, enum): nil when CUE decides.
	rule  *checkNode
	check func(any) bool
	// elemPath and field find the attribute's CUE field: set when the
	// schema was derived from CUE (compileSchema), else looked up in a
	// derivation made on first need (cueField).
	elemPath string
	field    cue.Value
	memo     sync.Map // CUE verdicts by value, when check is nil
}

// ElemSpec describes one element, derived from the CUE schema.
type ElemSpec struct {
	Name        string
	Path        string // slash-separated from the document root, e.g. "webFarms/webFarm/server"
	YAML        string // key in the YAML form
	List        bool   // an IIS collection item: may repeat
	Open        bool   // other children and attributes are skipped, not reported
	AppHostOnly bool   // allowed only in applicationHost.config
	Locked      bool   // locked by default: a web.config may set it only where applicationHost.config unlocks it
	WFF         bool
	Runtime     bool
	Doc         string // the field's comment in arr.cue, else its definition's
	Line        int    // the field's line in arr.cue
	Attrs       map[string]*AttrSpec
	AttrNames   []string // schema order
	Elems       map[string]*ElemSpec
	ElemNames   []string
}

// Schema is the validation table derived from the CUE schema.
type Schema struct {
	// Doc is the spec of #Configuration, the document element.
	Doc *ElemSpec
	// byName lists every element spec by element name, for did-you-mean
	// and misplaced-element hints.
	byName map[string][]*ElemSpec
}

var (
	loadOnce sync.Once
	theSpec  *Schema
	specErr  error
)

// Compiled returns the schema's validation table, built once per process
// from specTable, the table derived from the embedded CUE when the code
// was generated (table_gen.go; TestSpecTable fails when the two differ,
// so arr.cue stays the source). Compiling the CUE at start-up took a third
// of a short run's CPU time; CUE itself is compiled only when an attribute
// whose constraint has no Go form is validated (cueField).
//
//go:generate go test -run ^TestSpecTable$ -update .
func Compiled() (*Schema, error) {
	loadOnce.Do(func() { theSpec = schemaFromTable() })
	return theSpec, specErr
}

func mustCompiled() *Schema {
	s, err := Compiled()
	if err != nil {
		panic("schema: the embedded CUE schema does not compile: " + err.Error())
	}
	return s
}

// compileSchema compiles the CUE schema src and derives the validation
// table from it: the generator of specTable, and the source of the CUE
// fields that validate what the table has no Go form for.
func compileSchema(src []byte) (*Schema, error) {
	ctx := cuecontext.New()
	root := ctx.CompileBytes(src, cue.Filename("arr.cue"))
	if err := root.Err(); err != nil {
		return nil, fmt.Errorf("compiling arr.cue: %w", err)
	}
	s := &Schema{byName: map[string][]*ElemSpec{}}
	doc := root.LookupPath(cue.ParsePath("#Configuration"))
	if !doc.Exists() {
		return nil, fmt.Errorf("arr.cue has no #Configuration")
	}
	spec, err := s.elemSpec("configuration", "", doc, false)
	if err != nil {
		return nil, err
	}
	s.Doc = spec
	return s, nil
}

func (s *Schema) elemSpec(name, parent string, v cue.Value, list bool) (*ElemSpec, error) {
	path := name
	if parent != "" {
		path = parent + "/" + name
	}
	if name == "configuration" {
		path = ""
	}
	e := &ElemSpec{Name: name, Path: path, YAML: name, List: list,
		Attrs: map[string]*AttrSpec{}, Elems: map[string]*ElemSpec{}}
	e.Open = v.Allows(cue.Str("\x00any-other-name"))
	it, err := v.Fields(cue.Optional(true))
	if err != nil {
		return nil, fmt.Errorf("reading %s in arr.cue: %w", path, err)
	}
	for it.Next() {
		f := it.Value()
		label := it.Selector().Unquoted()
		attrs := attrSet(f)
		switch f.IncompleteKind() {
		case cue.StructKind:
			c, err := s.elemSpec(label, path, f, false)
			if err != nil {
				return nil, err
			}
			c.applyAttrs(attrs)
			c.Doc, c.Line = docOf(f)
			e.addElem(c)
			s.byName[label] = append(s.byName[label], c)
		case cue.ListKind:
			item := f.LookupPath(cue.MakePath(cue.AnyIndex))
			c, err := s.elemSpec(label, path, item, true)
			if err != nil {
				return nil, err
			}
			c.applyAttrs(attrs)
			c.Doc, c.Line = docOf(f)
			e.addElem(c)
			s.byName[label] = append(s.byName[label], c)
		default:
			a, err := s.attrSpec(label, path, f, it.FieldType()&cue.RequiredConstraint != 0, attrs)
			if err != nil {
				return nil, err
			}
			e.Attrs[label] = a
			e.AttrNames = append(e.AttrNames, label)
		}
	}
	return e, nil
}

func (e *ElemSpec) addElem(c *ElemSpec) {
	e.Elems[c.Name] = c
	e.ElemNames = append(e.ElemNames, c.Name)
}

func (e *ElemSpec) applyAttrs(attrs map[string]string) {
	_, e.AppHostOnly = attrs["appHostOnly"]
	_, e.Locked = attrs["locked"]
	_, e.WFF = attrs["wff"]
	_, e.Runtime = attrs["runtime"]
	if y, ok := attrs["yaml"]; ok && y != "" {
		e.YAML = y
	}
}

// docOf returns the comments arr.cue attaches to a field (those of every
// conjunct: a field's own and, for a field typed by a definition, the
// definition's), joined into one paragraph, and the field's line.
func docOf(v cue.Value) (string, int) {
	var parts []string
	for _, cg := range v.Doc() {
		t := strings.Join(strings.Fields(cg.Text()), " ")
		if t != "" && !slices.Contains(parts, t) {
			parts = append(parts, t)
		}
	}
	// An override (#Protocol's timeout: *30 | _) comes before the field it
	// overrides; the general text reads better first.
	slices.Reverse(parts)
	return strings.Join(parts, " "), v.Pos().Line()
}

// attrSet returns the CUE field attributes (@name(contents)) of v.
func attrSet(v cue.Value) map[string]string {
	m := map[string]string{}
	for _, a := range v.Attributes(cue.ValueAttr) {
		m[a.Name()] = a.Contents()
	}
	return m
}

func (s *Schema) attrSpec(name, path string, f cue.Value, required bool, attrs map[string]string) (*AttrSpec, error) {
	a := &AttrSpec{Name: name, Required: required, elemPath: path, field: f}
	a.Doc, a.Line = docOf(f)
	_, a.WFF = attrs["wff"]
	_, a.Secret = attrs["secret"]
	_, timespan := attrs["timespan"]
	switch k := f.IncompleteKind(); {
	case timespan:
		a.Type = TypeTimeSpan
	case k == cue.BoolKind:
		a.Type = TypeBool
	case k == cue.IntKind:
		a.Type = TypeInt
	case k == cue.StringKind:
		a.Type = TypeString
		if enum := enumValues(f); enum != nil {
			a.Type, a.Enum = TypeEnum, enum
		}
	default:
		return nil, fmt.Errorf("arr.cue: %s/@%s has kind %v, which no loader reads", path, name, k)
	}
	if d, ok := f.Default(); ok && d.IsConcrete() {
		a.HasDefault = true
		switch a.Type {
		case TypeBool:
			a.Default, _ = d.Bool()
		case TypeInt:
			a.Default, _ = d.Int64()
		case TypeTimeSpan:
			a.Default, _ = d.Float64()
		default:
			a.Default, _ = d.String()
		}
	}
	switch a.Type {
	case TypeBool, TypeEnum:
		// A CUE bool field admits true and false, and the enumeration read
		// from the disjunction is the whole constraint: setCheck.
	default:
		a.rule, a.Min, a.Max = compileCheck(f)
		// Formatting a field's CUE is the dearest step of deriving the
		// table (a fifth of it when done for every field): only a time
		// span's Step is read (Describe).
		if a.Type != TypeTimeSpan {
			break
		}
		if m := multipleOf.FindStringSubmatch(fmt.Sprint(f)); m != nil {
			a.Step, _ = strconv.ParseFloat(m[1], 64)
		}
	}
	a.setCheck()
	return a, nil
}

// setCheck makes the attribute's predicate from its type or its rule.
func (a *AttrSpec) setCheck() {
	switch a.Type {
	case TypeBool:
		a.check = func(x any) bool { _, ok := x.(bool); return ok }
	case TypeEnum:
		enum := a.Enum
		a.check = func(x any) bool { s, ok := x.(string); return ok && slices.Contains(enum, s) }
	default:
		if a.rule != nil {
			a.check = a.rule.predicate()
		}
	}
}

// multipleOf finds a math.MultipleOf(n) constraint in a field's CUE text,
// for messages ("in whole minutes").
var multipleOf = regexp.MustCompile(`math\.MultipleOf\(([0-9.]+)\)`)

// enumValues returns the literals of a string disjunction ("A" | "B"), or
// nil when the field is not such an enum.
func enumValues(f cue.Value) []string {
	op, args := f.Expr()
	if op != cue.OrOp {
		return nil
	}
	var out []string
	for _, a := range args {
		s, err := a.String()
		if err != nil || !a.IsConcrete() {
			return nil
		}
		out = append(out, s)
	}
	if d, ok := f.Default(); ok {
		if ds, err := d.String(); err == nil {
			for i, v := range out {
				if v == ds {
					out[0], out[i] = out[i], out[0]
				}
			}
		}
	}
	return out
}

// compileCheck turns the common constraint shapes of the schema (kinds,
// bounds, !=, regular expressions, literals, & and |) into a checkNode, from
// which a Go predicate is made (checkNode.predicate), so that validating
// thousands of farms does not unify each value in CUE. Anything else
// returns a nil rule, and the value is checked by CUE itself (memoised).
// TestCompiledChecksAgreeWithCUE keeps the two in step.
func compileCheck(f cue.Value) (rule *checkNode, lo, hi *float64) {
	c := &compiler{}
	n, ok := c.compile(f, 0)
	if !ok {
		return nil, c.lo, c.hi
	}
	return &n, c.lo, c.hi
}

// checkOp is what one checkNode tests.
type checkOp uint8

const (
	opString   checkOp = iota + 1 // any string
	opBool                        // any bool
	opInt                         // any integer
	opNumber                      // any number
	opAny                         // anything (_)
	opUint                        // an integer >= 0
	opAnd                         // every one of args
	opOr                          // any one of args
	opGE                          // a number >= num
	opGT                          // a number > num
	opLE                          // a number <= num
	opLT                          // a number < num
	opNot                         // not args[0] (a literal)
	opMatch                       // a string matching the regular expression str
	opNotMatch                    // a string not matching str
	opEqString                    // the string str
	opEqBool                      // the bool flag
	opEqNum                       // the number num
)

// checkNode is a compiled CUE constraint, as data, so that the table
// derived from arr.cue can be written as Go (table_gen.go).
type checkNode struct {
	op   checkOp
	str  string
	num  float64
	flag bool
	args []checkNode
}

type compiler struct{ lo, hi *float64 }

func (c *compiler) compile(v cue.Value, depth int) (checkNode, bool) {
	if depth > 12 {
		return checkNode{}, false
	}
	op, args := v.Expr()
	switch op {
	case cue.NoOp:
		if len(args) != 1 {
			return checkNode{}, false
		}
		a := args[0]
		if a.IsConcrete() {
			return literalCheck(a)
		}
		switch strings.TrimSpace(fmt.Sprint(a)) {
		case "string":
			return checkNode{op: opString}, true
		case "bool":
			return checkNode{op: opBool}, true
		case "int":
			return checkNode{op: opInt}, true
		case "number":
			return checkNode{op: opNumber}, true
		case "_":
			return checkNode{op: opAny}, true
		case "uint":
			c.bound(0, true)
			return checkNode{op: opUint}, true
		}
		// A leaf that is itself a conjunction or reference: look inside once.
		e := a.Eval()
		if fmt.Sprint(e) == fmt.Sprint(a) {
			if op2, _ := e.Expr(); op2 == cue.NoOp {
				return checkNode{}, false
			}
		}
		return c.compile(e, depth+1)
	case cue.AndOp, cue.OrOp:
		n := checkNode{op: opOr}
		if op == cue.AndOp {
			n.op = opAnd
		}
		for _, a := range args {
			p, ok := c.compile(a, depth+1)
			if !ok {
				return checkNode{}, false
			}
			n.args = append(n.args, p)
		}
		return n, true
	case cue.GreaterThanEqualOp, cue.GreaterThanOp, cue.LessThanEqualOp, cue.LessThanOp:
		if len(args) != 1 {
			return checkNode{}, false
		}
		b, err := args[0].Float64()
		if err != nil {
			return checkNode{}, false
		}
		switch op {
		case cue.GreaterThanEqualOp:
			c.bound(b, true)
			return checkNode{op: opGE, num: b}, true
		case cue.GreaterThanOp:
			return checkNode{op: opGT, num: b}, true
		case cue.LessThanEqualOp:
			c.bound(b, false)
			return checkNode{op: opLE, num: b}, true
		default:
			return checkNode{op: opLT, num: b}, true
		}
	case cue.NotEqualOp:
		if len(args) != 1 {
			return checkNode{}, false
		}
		eq, ok := literalCheck(args[0])
		if !ok {
			return checkNode{}, false
		}
		return checkNode{op: opNot, args: []checkNode{eq}}, true
	case cue.RegexMatchOp, cue.NotRegexMatchOp:
		if len(args) != 1 {
			return checkNode{}, false
		}
		pat, err := args[0].String()
		if err != nil {
			return checkNode{}, false
		}
		if _, err := regexp.Compile(pat); err != nil {
			return checkNode{}, false
		}
		if op == cue.RegexMatchOp {
			return checkNode{op: opMatch, str: pat}, true
		}
		return checkNode{op: opNotMatch, str: pat}, true
	case cue.SelectorOp:
		return c.compile(v.Eval(), depth+1)
	}
	return checkNode{}, false
}

// bound records the tightest numeric bounds seen, for "must be from..."
// messages; the check itself does not depend on them.
func (c *compiler) bound(b float64, lower bool) {
	if lower {
		if c.lo == nil || b > *c.lo {
			c.lo = &b
		}
		return
	}
	if c.hi == nil || b < *c.hi {
		c.hi = &b
	}
}

func literalCheck(a cue.Value) (checkNode, bool) {
	switch a.Kind() {
	case cue.StringKind:
		s, _ := a.String()
		return checkNode{op: opEqString, str: s}, true
	case cue.BoolKind:
		b, _ := a.Bool()
		return checkNode{op: opEqBool, flag: b}, true
	case cue.IntKind, cue.FloatKind, cue.NumberKind:
		f, err := a.Float64()
		if err != nil {
			return checkNode{}, false
		}
		return checkNode{op: opEqNum, num: f}, true
	}
	return checkNode{}, false
}

// predicate makes the Go predicate of n.
func (n *checkNode) predicate() func(any) bool {
	switch n.op {
	case opString:
		return func(x any) bool { _, ok := x.(string); return ok }
	case opBool:
		return func(x any) bool { _, ok := x.(bool); return ok }
	case opInt:
		return func(x any) bool { _, ok := x.(int64); return ok }
	case opNumber:
		return isNumber
	case opAny:
		return func(any) bool { return true }
	case opUint:
		return func(x any) bool { n, ok := x.(int64); return ok && n >= 0 }
	case opAnd, opOr:
		parts := make([]func(any) bool, len(n.args))
		for i := range n.args {
			parts[i] = n.args[i].predicate()
		}
		if n.op == opAnd {
			return func(x any) bool {
				for _, p := range parts {
					if !p(x) {
						return false
					}
				}
				return true
			}
		}
		return func(x any) bool {
			for _, p := range parts {
				if p(x) {
					return true
				}
			}
			return false
		}
	case opGE:
		b := n.num
		return func(x any) bool { n, ok := num(x); return ok && n >= b }
	case opGT:
		b := n.num
		return func(x any) bool { n, ok := num(x); return ok && n > b }
	case opLE:
		b := n.num
		return func(x any) bool { n, ok := num(x); return ok && n <= b }
	case opLT:
		b := n.num
		return func(x any) bool { n, ok := num(x); return ok && n < b }
	case opNot:
		eq := n.args[0].predicate()
		return func(x any) bool { return !eq(x) }
	case opMatch, opNotMatch:
		re := regexp.MustCompile(n.str)
		want := n.op == opMatch
		return func(x any) bool { s, ok := x.(string); return ok && re.MatchString(s) == want }
	case opEqString:
		s := n.str
		return func(x any) bool { v, ok := x.(string); return ok && v == s }
	case opEqBool:
		b := n.flag
		return func(x any) bool { v, ok := x.(bool); return ok && v == b }
	case opEqNum:
		f := n.num
		return func(x any) bool { n, ok := num(x); return ok && n == f }
	}
	panic(fmt.Sprintf("schema: check operation %d has no predicate", n.op))
}

func num(x any) (float64, bool) {
	switch n := x.(type) {
	case int64:
		return float64(n), true
	case float64:
		return n, true
	}
	return 0, false
}

func isNumber(x any) bool { _, ok := num(x); return ok }

// Valid reports whether the typed value x (bool, int64, string, or float64
// seconds for time spans) satisfies the attribute's CUE constraint.
func (a *AttrSpec) Valid(x any) bool {
	if a.check != nil {
		return a.check(x)
	}
	return a.cueValid(x)
}

func (a *AttrSpec) cueValid(x any) bool {
	key := fmt.Sprintf("%T:%v", x, x)
	if v, ok := a.memo.Load(key); ok {
		return v.(bool)
	}
	cueMu.Lock()
	f := a.cueField()
	ok := f.Unify(f.Context().Encode(x)).Validate(cue.Concrete(true)) == nil
	cueMu.Unlock()
	a.memo.Store(key, ok)
	return ok
}

// cueMu serialises evaluation on the shared CUE context; CUE values are
// not documented as safe for concurrent use. It also guards AttrSpec.field.
var cueMu sync.Mutex

var (
	cueOnce sync.Once
	cueSpec *Schema
)

// cueField returns the attribute's field in the compiled CUE schema,
// compiling arr.cue the first time an attribute of the generated table
// needs it (only for constraints compileCheck has no Go form for, such as
// math.MultipleOf). The caller holds cueMu.
func (a *AttrSpec) cueField() cue.Value {
	if a.field.Exists() {
		return a.field
	}
	cueOnce.Do(func() {
		s, err := compileSchema(CUESource)
		if err != nil {
			panic("schema: the embedded CUE schema does not compile: " + err.Error())
		}
		cueSpec = s
	})
	e := cueSpec.Doc
	if a.elemPath != "" {
		e = cueSpec.byPath(a.elemPath)
	}
	if e == nil || e.Attrs[a.Name] == nil {
		panic("schema: " + a.elemPath + "/@" + a.Name + " is in the generated table but not in arr.cue: run go generate ./schema")
	}
	a.field = e.Attrs[a.Name].field
	return a.field
}

// Describe says in words what values the attribute accepts.
func (a *AttrSpec) Describe() string {
	switch a.Type {
	case TypeBool:
		return `"true" or "false"`
	case TypeEnum:
		return "one of " + quoteList(a.Enum)
	case TypeInt:
		return "an integer" + a.rangeText(func(f float64) string { return fmt.Sprintf("%.0f", f) })
	case TypeTimeSpan:
		unit := ""
		switch a.Step {
		case 0, 1:
		case 60:
			unit = " in whole minutes"
		default:
			unit = " in whole multiples of " + FormatTimeSpan(secondsToDuration(a.Step))
		}
		return "a time span (hh:mm:ss)" + unit + a.rangeText(func(f float64) string {
			return FormatTimeSpan(secondsToDuration(f))
		})
	}
	if a.check == nil {
		cueMu.Lock()
		defer cueMu.Unlock()
		return "a value that satisfies " + strings.TrimSpace(fmt.Sprint(a.cueField()))
	}
	return "a string"
}

func (a *AttrSpec) rangeText(f func(float64) string) string {
	switch {
	case a.Min != nil && a.Max != nil:
		return fmt.Sprintf(" from %s to %s", f(*a.Min), f(*a.Max))
	case a.Min != nil && *a.Min > 0:
		return fmt.Sprintf(" of at least %s", f(*a.Min))
	case a.Max != nil:
		return fmt.Sprintf(" of at most %s", f(*a.Max))
	}
	return ""
}

func quoteList(vals []string) string {
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = fmt.Sprintf("%q", v)
	}
	return strings.Join(q, ", ")
}

func secondsToDuration(f float64) time.Duration {
	return time.Duration(math.Round(f * 1e9))
}

// byPath is the element spec at path (e.g.
// system.webServer/rewrite/allowedServerVariables), or nil.
func (s *Schema) byPath(path string) *ElemSpec {
	e := s.Doc
	for _, p := range strings.Split(path, "/") {
		if e = e.Elems[p]; e == nil {
			return nil
		}
	}
	return e
}
