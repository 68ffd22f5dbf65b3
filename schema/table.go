package schema

// The validation table as data: table_gen.go holds specTable, written from
// the CUE derivation (compileSchema) by TestSpecTable with -update (go
// generate ./schema); the test fails when the committed table and a fresh
// derivation from arr.cue differ, so arr.cue stays the single source.

// specElem is one element of the table, in the order compileSchema visits
// them (a parent before its children, children in arr.cue's order).
type specElem struct {
	parent                                        int // index in specTable; -1 for the document element
	name, path, yaml                              string
	list, open, appHostOnly, locked, wff, runtime bool
	doc                                           string
	line                                          int
	attrs                                         []specAttr
}

// specAttr is one attribute of a specElem: AttrSpec's fields, with the
// default by type and the bounds as values, so that the table is constant
// data the linker lays out (no initialisation code runs for it).
type specAttr struct {
	name                              string
	typ                               ValueType
	required, hasDefault, wff, secret bool
	defBool                           bool
	defInt                            int64
	defStr                            string
	defNum                            float64
	enum                              []string
	hasMin, hasMax                    bool
	min, max, step                    float64
	doc                               string
	line                              int
	rule                              *checkNode
}

// schemaFromTable builds the Schema compileSchema derives from arr.cue,
// from specTable.
func schemaFromTable() *Schema {
	s := &Schema{byName: map[string][]*ElemSpec{}}
	elems := make([]*ElemSpec, len(specTable))
	for i := range specTable {
		t := &specTable[i]
		e := &ElemSpec{Name: t.name, Path: t.path, YAML: t.yaml, List: t.list, Open: t.open,
			AppHostOnly: t.appHostOnly, Locked: t.locked, WFF: t.wff, Runtime: t.runtime,
			Doc: t.doc, Line: t.line, Attrs: map[string]*AttrSpec{}, Elems: map[string]*ElemSpec{}}
		if t.parent >= 0 {
			elems[t.parent].addElem(e)
		}
		for j := range t.attrs {
			e.Attrs[t.attrs[j].name] = t.attrs[j].spec(e.Path)
			e.AttrNames = append(e.AttrNames, t.attrs[j].name)
		}
		elems[i] = e
	}
	s.Doc = elems[0]
	s.indexNames(s.Doc)
	return s
}

// indexNames lists e's descendants in byName in the order compileSchema
// does: each child after its own children.
func (s *Schema) indexNames(e *ElemSpec) {
	for _, n := range e.ElemNames {
		c := e.Elems[n]
		s.indexNames(c)
		s.byName[n] = append(s.byName[n], c)
	}
}

func (t *specAttr) spec(elemPath string) *AttrSpec {
	a := &AttrSpec{Name: t.name, Type: t.typ, Required: t.required, HasDefault: t.hasDefault,
		Enum: t.enum, WFF: t.wff, Secret: t.secret, Step: t.step, Doc: t.doc, Line: t.line,
		rule: t.rule, elemPath: elemPath}
	if t.hasDefault {
		switch t.typ {
		case TypeBool:
			a.Default = t.defBool
		case TypeInt:
			a.Default = t.defInt
		case TypeTimeSpan:
			a.Default = t.defNum
		default:
			a.Default = t.defStr
		}
	}
	if t.hasMin {
		lo := t.min
		a.Min = &lo
	}
	if t.hasMax {
		hi := t.max
		a.Max = &hi
	}
	a.setCheck()
	return a
}
