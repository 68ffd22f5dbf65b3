package lint

import (
	"fmt"
	"strings"

	"github.com/arrfarm/arrfarm/schema"
)

// A Pass is one rule's view of one document. Rules read Config and report
// through Report; the helpers share indexes built once per document.
type Pass struct {
	Rule   *Rule
	Config *schema.Config // never nil: an empty Config when the file could not be parsed
	Doc    *schema.Document
	// Latency holds the latency sources; empty unless the rule is a
	// Latency rule and sources were given.
	Latency []LatencySource

	registry []*Rule
	idx      *index
	supp     []SuppressionUse
	report   func(schema.Finding)
}

// Report records a finding of the pass's rule. Severity, if set, overrides
// the rule's default (the configuration can still override both).
func (p *Pass) Report(f schema.Finding) {
	f.Rule = p.Rule.Slug
	p.report(f)
}

// Reportf reports at span about farm ("" if none).
func (p *Pass) Reportf(span schema.Span, farm string, format string, args ...any) {
	p.Report(schema.Finding{Span: span, Farm: farm, Message: fmt.Sprintf(format, args...)})
}

// LoadFindings are the loader's findings for this rule's slug: the input
// and schema rules pass them through.
func (p *Pass) LoadFindings() []schema.Finding {
	var out []schema.Finding
	for _, f := range p.Doc.Findings {
		if f.Rule == p.Rule.Slug {
			out = append(out, f)
		}
	}
	return out
}

// ReportLoadFindings passes the loader's findings of this rule through:
// the whole check of an input or schema rule.
func (p *Pass) ReportLoadFindings() {
	for _, f := range p.LoadFindings() {
		p.Report(f)
	}
}

// RoutesTo returns the enabled rewrite rules whose target is farm f, in
// evaluation order.
func (p *Pass) RoutesTo(f *schema.Farm) []*schema.Rule {
	return p.index().routes[strings.ToLower(f.Name)]
}

// EnabledServers returns f's enabled servers.
func (p *Pass) EnabledServers(f *schema.Farm) []*schema.Server {
	var out []*schema.Server
	for _, s := range f.Servers {
		if s.Enabled {
			out = append(out, s)
		}
	}
	return out
}

// Registry is the whole rule catalog the linter was built with.
func (p *Pass) Registry() []*Rule { return p.registry }

// SuppressionUse is a suppression comment and what became of it.
type SuppressionUse struct {
	schema.Suppression
	Rule   *Rule // the rule it names; nil when unknown or missing
	Active bool  // the rule it names ran on this document
	Used   int   // findings it silenced
}

// Suppressions returns every suppression comment of the document with its
// outcome. Only After rules see them; for others the list is empty.
func (p *Pass) Suppressions() []SuppressionUse { return p.supp }

// index holds what several rules need, computed once per document.
type index struct {
	routes map[string][]*schema.Rule // lower-cased farm name -> enabled rules targeting it
	farms  map[string]*schema.Farm   // lower-cased farm name -> first farm of that name
}

// TargetFarm is r.TargetFarm(p.Config) through an index: ARR matches farm
// names case-insensitively, and a linear search per rule would make a
// 1000-farm file quadratic.
func (p *Pass) TargetFarm(r *schema.Rule) *schema.Farm {
	_, host, ok := r.Target()
	if !ok {
		return nil
	}
	return p.index().farms[strings.ToLower(host)]
}

func (p *Pass) index() *index {
	if p.idx.routes == nil {
		p.idx.routes = map[string][]*schema.Rule{}
		farms := make(map[string]*schema.Farm, len(p.Config.Farms))
		for _, f := range p.Config.Farms {
			if k := strings.ToLower(f.Name); farms[k] == nil {
				farms[k] = f
			}
		}
		p.idx.farms = farms
		for _, r := range p.Config.Rules {
			if !r.Enabled {
				continue
			}
			if _, host, ok := r.Target(); ok && farms[strings.ToLower(host)] != nil {
				k := strings.ToLower(host)
				p.idx.routes[k] = append(p.idx.routes[k], r)
			}
		}
	}
	return p.idx
}
