package lint

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/arrfarm/arrfarm/internal/input"
	"github.com/arrfarm/arrfarm/latency"
	"github.com/arrfarm/arrfarm/schema"
)

// latencyRule is the slug of the rule that compares timeouts with a
// latency source; findings about the sources themselves belong to it.
const latencyRule = "timeout-below-latency"

// noteFarms records the farms of a linted configuration, so that a latency
// source naming a farm none of them has can be reported once all are read.
func (l *Linter) noteFarms(cfg *schema.Config) {
	if l.farms == nil {
		l.farms = map[string]string{}
	}
	for _, f := range cfg.Farms {
		l.farms[strings.ToLower(f.Name)] = f.Name
	}
}

// LatencyFindings reports the --latency sources that checked nothing: a
// scenario whose farm is in none of the configurations linted so far.
// Call it after the last Lint; a silent no-op would let a renamed farm's
// timeout go unchecked.
func (l *Linter) LatencyFindings() []Diagnostic {
	r := Lookup(l.registry, latencyRule)
	if r == nil || !l.runs(r) {
		return nil
	}
	var out []Diagnostic
	for _, src := range l.latency {
		m, ok := src.(*latency.Models)
		if !ok || m.FarmName == "" {
			continue
		}
		if _, ok := l.farms[strings.ToLower(m.FarmName)]; ok {
			continue
		}
		msg := fmt.Sprintf("latency source %s describes farm %q, which the configuration does not have, so no timeout was compared with its latency", m.Name(), m.FarmName)
		names := make([]string, 0, len(l.farms))
		for _, n := range l.farms {
			names = append(names, n)
		}
		if c := schema.Closest(m.FarmName, names); c != "" {
			msg += fmt.Sprintf(": did you mean %q?", c)
		}
		out = append(out, l.diagnostic(rawFinding{rule: r, f: schema.Finding{Rule: r.Slug, Severity: Error,
			Span: scenarioFarmSpan(m.File), Message: msg}}))
	}
	return Sort(out)
}

var farmKey = regexp.MustCompile(`(?m)^farm[ \t]*:[ \t]*`)

// scenarioFarmSpan is where a scenario file names its farm (its first
// line when the text cannot be read again).
func scenarioFarmSpan(file string) schema.Span {
	src, err := input.ReadFile(file, 0)
	if err != nil {
		return schema.Span{File: file, Start: schema.Pos{Line: 1, Col: 1}, End: schema.Pos{Line: 1, Col: 1}}
	}
	lines := schema.NewLines(file, src)
	if loc := farmKey.FindIndex(src); loc != nil {
		end := loc[1]
		for end < len(src) && src[end] != '\n' && src[end] != '\r' && src[end] != '#' {
			end++
		}
		return lines.Span(loc[1], end)
	}
	return lines.Span(0, 0)
}
