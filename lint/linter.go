package lint

import (
	"fmt"

	"github.com/arrfarm/arrfarm/schema"
)

// Options select and tune the rules of a Linter.
type Options struct {
	// Enable and Disable name rules by slug or ID. Disable wins over the
	// defaults, Enable over Disable: the CLI appends its flags after the
	// configuration file's lists, so with one list per source the last
	// word is the user's.
	Enable, Disable []string
	// Severity overrides rules' severities, keyed by slug or ID.
	Severity map[string]Severity
	// Latency sources feed the latency-aware rules.
	Latency []LatencySource
}

// A Linter runs a registry of rules over documents.
type Linter struct {
	registry []*Rule
	enabled  map[*Rule]bool
	severity map[*Rule]Severity
	latency  []LatencySource
	farms    map[string]string // lower-cased name -> name, of every farm linted
}

// New prepares a linter. It fails on a rule name that is not in the
// registry, suggesting the closest slug.
func New(registry []*Rule, opts Options) (*Linter, error) {
	l := &Linter{
		registry: registry,
		enabled:  make(map[*Rule]bool, len(registry)),
		severity: map[*Rule]Severity{},
		latency:  opts.Latency,
	}
	for _, r := range registry {
		l.enabled[r] = !r.Optional
	}
	lookup := func(name string) (*Rule, error) {
		if r := Lookup(registry, name); r != nil {
			return r, nil
		}
		if s := Suggest(registry, name); s != "" {
			return nil, fmt.Errorf("unknown rule %q (did you mean %q?)", name, s)
		}
		return nil, fmt.Errorf("unknown rule %q (see arrfarm rules)", name)
	}
	for _, name := range opts.Disable {
		r, err := lookup(name)
		if err != nil {
			return nil, err
		}
		l.enabled[r] = false
	}
	for _, name := range opts.Enable {
		r, err := lookup(name)
		if err != nil {
			return nil, err
		}
		l.enabled[r] = true
	}
	for name, sev := range opts.Severity {
		r, err := lookup(name)
		if err != nil {
			return nil, err
		}
		l.severity[r] = sev
	}
	return l, nil
}

// runs reports whether rule r runs on documents: enabled, and given
// latency data if it needs some.
func (l *Linter) runs(r *Rule) bool {
	return l.enabled[r] && (!r.Latency || len(l.latency) > 0)
}

// Checked returns the rules that run on documents, in registry order.
func (l *Linter) Checked() []*Rule {
	var out []*Rule
	for _, r := range l.registry {
		if l.runs(r) {
			out = append(out, r)
		}
	}
	return out
}

// rawFinding is a finding before severities and suppressions are settled.
type rawFinding struct {
	rule *Rule // nil: a loader finding with a slug no rule owns
	f    schema.Finding
}

// Lint runs the enabled rules over doc and returns its diagnostics,
// sorted and de-duplicated, suppressions applied.
func (l *Linter) Lint(doc *schema.Document) []Diagnostic {
	cfg := doc.Config
	if cfg == nil {
		// Nothing could be parsed (e.g. malformed XML): the model rules see
		// an empty configuration, the input rules still report.
		cfg = &schema.Config{}
		if doc.Lines != nil {
			cfg.File = doc.Lines.File()
		}
	}
	l.noteFarms(cfg)
	idx := &index{}
	var raw []rawFinding
	newPass := func(r *Rule) *Pass {
		return &Pass{Rule: r, Config: cfg, Doc: doc, idx: idx, registry: l.registry,
			report: func(f schema.Finding) { raw = append(raw, rawFinding{r, f}) }}
	}
	for _, r := range l.registry {
		if r.After || !l.runs(r) {
			continue
		}
		p := newPass(r)
		if r.Latency {
			p.Latency = l.latency
		}
		r.Check(p)
	}
	// A loader finding whose slug no registered rule owns is still shown:
	// dropping it would hide a problem with the input. The registry test
	// makes this a can't-happen for the slugs schema declares.
	for _, f := range doc.Findings {
		if Lookup(l.registry, f.Rule) == nil {
			raw = append(raw, rawFinding{nil, f})
		}
	}

	uses := l.suppress(doc, &raw)
	for _, r := range l.registry {
		if !l.enabled[r] || !r.After {
			continue
		}
		p := newPass(r)
		p.supp = uses
		r.Check(p)
	}

	out := make([]Diagnostic, 0, len(raw))
	for _, rf := range raw {
		out = append(out, l.diagnostic(rf))
	}
	return Sort(out)
}

// suppress drops the findings that a valid suppression covers and returns
// every suppression with its use count. A suppression is valid when it
// names a registered rule, gives a reason and stands directly before an
// element; invalid ones silence nothing (the 9xxx rules report them).
func (l *Linter) suppress(doc *schema.Document, raw *[]rawFinding) []SuppressionUse {
	supps := doc.Suppressions
	if len(supps) == 0 {
		return nil
	}
	uses := make([]SuppressionUse, len(supps))
	for i, s := range supps {
		r := Lookup(l.registry, s.Rule)
		uses[i] = SuppressionUse{Suppression: s, Rule: r, Active: r != nil && l.runs(r)}
	}
	kept := (*raw)[:0]
	for _, rf := range *raw {
		silenced := false
		for i := range uses {
			u := &uses[i]
			if u.Rule == nil || u.Rule != rf.rule || u.Reason == "" || u.Scope.IsZero() || rf.f.Span.IsZero() {
				continue
			}
			if u.Scope.File == rf.f.Span.File &&
				u.Scope.Start.Offset <= rf.f.Span.Start.Offset && rf.f.Span.Start.Offset < u.Scope.End.Offset {
				u.Used++
				silenced = true
			}
		}
		if !silenced {
			kept = append(kept, rf)
		}
	}
	*raw = kept
	return uses
}

func (l *Linter) diagnostic(rf rawFinding) Diagnostic {
	d := Diagnostic{
		Rule:     rf.f.Rule,
		Severity: rf.f.Severity,
		Span:     rf.f.Span,
		Message:  schema.MaskSecrets(rf.f.Message),
		Farm:     rf.f.Farm,
	}
	for _, rel := range rf.f.Related {
		rel.Message = schema.MaskSecrets(rel.Message)
		d.Related = append(d.Related, rel)
	}
	if rf.rule == nil {
		if d.Severity == schema.SeverityNone {
			d.Severity = Error
		}
		return d
	}
	d.ID, d.URL = rf.rule.ID, rf.rule.URL()
	if d.Severity == schema.SeverityNone {
		d.Severity = rf.rule.Severity
	}
	if s, ok := l.severity[rf.rule]; ok {
		d.Severity = s
	}
	return d
}
