package plan

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/arrfarm/arrfarm/schema"
)

// Formats are the names Write accepts.
var Formats = []string{"text", "json", "appcmd", "powershell"}

// Write renders p in format.
func Write(w io.Writer, format string, p *Plan) error {
	switch format {
	case "text":
		return WriteText(w, p)
	case "json":
		return WriteJSON(w, p)
	case "appcmd":
		return WriteAppcmd(w, p)
	case "powershell":
		return WritePowerShell(w, p)
	}
	return fmt.Errorf("unknown format %q (want %s)", format, strings.Join(Formats, ", "))
}

// Pos is a position in the JSON contract.
type Pos struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Column int    `json:"column"`
}

type jsonChange struct {
	Op        string  `json:"op"`
	Path      string  `json:"path"`
	Attribute *string `json:"attribute"`
	From      *string `json:"from"`
	To        *string `json:"to"`
	Desired   Pos     `json:"desired"`
	Current   *Pos    `json:"current"`
	// Extra fields (the contract allows them): a secret to set by hand, a
	// server taken out of rotation before its removal.
	Secret bool `json:"secret,omitempty"`
	Drain  bool `json:"drain,omitempty"`
}

type jsonPlan struct {
	Changes        []jsonChange `json:"changes"`
	SecretsSkipped []string     `json:"secrets_skipped"`
	// Transition is an extra field: the simulated stages, with --scenario.
	Transition *jsonTransition `json:"transition,omitempty"`
}

type jsonTransition struct {
	Scenario     string      `json:"scenario"`
	Replications int         `json:"replications"`
	StageS       float64     `json:"stage_s"`
	Note         string      `json:"note,omitempty"`
	Farms        []jsonStage `json:"farms"`
}

type jsonStage struct {
	Farm   string `json:"farm"`
	Stages []struct {
		Step     *string `json:"step"`
		FromS    float64 `json:"from_s"`
		ToS      float64 `json:"to_s"`
		Requests uint64  `json:"requests"`
		Rate5023 float64 `json:"502.3"`
		Rate5024 float64 `json:"502.4"`
	} `json:"stages"`
}

func transitionJSON(t *Transition) *jsonTransition {
	if t == nil {
		return nil
	}
	out := &jsonTransition{Scenario: schema.Printable(t.Scenario), Replications: t.Replications, StageS: t.StageS, Note: t.Note, Farms: []jsonStage{}}
	for _, f := range t.Farms {
		js := jsonStage{Farm: schema.Printable(f.Farm)}
		for _, s := range f.Stages {
			st := struct {
				Step     *string `json:"step"`
				FromS    float64 `json:"from_s"`
				ToS      float64 `json:"to_s"`
				Requests uint64  `json:"requests"`
				Rate5023 float64 `json:"502.3"`
				Rate5024 float64 `json:"502.4"`
			}{FromS: s.FromS, ToS: s.ToS, Requests: s.Requests, Rate5023: s.Rate5023, Rate5024: s.Rate5024}
			if s.Step != "" {
				st.Step = str(schema.Printable(s.Step))
			}
			js.Stages = append(js.Stages, st)
		}
		out.Farms = append(out.Farms, js)
	}
	return out
}

// transitionLines is the transition as text lines, for the scripts'
// comments.
func transitionLines(t *Transition) []string {
	if t == nil {
		return nil
	}
	var b strings.Builder
	_ = t.WriteText(&b)
	return strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
}

func posOf(file string, s schema.Span) Pos {
	if s.IsZero() {
		return Pos{File: file, Line: 1, Column: 1}
	}
	return Pos{File: file, Line: s.Start.Line, Column: s.Start.Col}
}

// WriteJSON writes the plan as the JSON contract (design.md section 2).
// Every user-written text is masked for secrets and control characters.
func WriteJSON(w io.Writer, p *Plan) error {
	out := jsonPlan{Changes: []jsonChange{}, SecretsSkipped: []string{}, Transition: transitionJSON(p.Transition)}
	for i := range p.Changes {
		c := &p.Changes[i]
		jc := jsonChange{Op: c.Op, Path: schema.Printable(c.Path()), From: printable(c.From), To: printable(c.To),
			Desired: posOf(schema.Printable(p.Desired), c.DesiredSpan), Secret: c.Secret, Drain: c.Drain}
		if c.Attribute != "" {
			jc.Attribute = str(c.Attribute)
		}
		if c.InCurrent { // an addition has no place in the current file yet
			cp := posOf(schema.Printable(p.Current), c.CurrentSpan)
			jc.Current = &cp
		}
		out.Changes = append(out.Changes, jc)
	}
	for _, s := range p.SecretsSkipped {
		out.SecretsSkipped = append(out.SecretsSkipped, schema.Printable(s))
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func printable(s *string) *string {
	if s == nil {
		return nil
	}
	return str(schema.Printable(*s))
}

// shown is a value for people: time spans the way the YAML form writes
// them (30s, 2m), text quoted when it is empty or has spaces.
func shown(c *Change, v *string) string {
	if v == nil {
		return "(none)"
	}
	if c.Spec != nil && c.Spec.Type == schema.TypeTimeSpan {
		if d, err := schema.ParseTimeSpan(*v); err == nil {
			return schema.FormatDuration(d)
		}
	}
	s := schema.Printable(*v)
	if s == "" || strings.ContainsAny(s, " \t\"") {
		return fmt.Sprintf("%q", s)
	}
	return s
}

// WriteText writes a summary, one line per change in the order they are
// applied:
//
//   - server 10.0.0.5 in farm web
//     ~ farm web: protocol.timeout 30s -> 45s
//   - farm old
func WriteText(w io.Writer, p *Plan) error {
	var b strings.Builder
	adds, sets, removes := 0, 0, 0
	for i := range p.Changes {
		c := &p.Changes[i]
		label := schema.Printable(c.Label)
		// The settings and items of an element being added follow its
		// "+" line, indented.
		indent := ""
		if c.inner && !c.Drain && !c.moved {
			indent = "    "
		}
		switch {
		case c.reorder:
			fmt.Fprintf(&b, "- %s (added again below: rules apply in order, appcmd adds at the end)\n", label)
		case c.moved:
			fmt.Fprintf(&b, "+ %s (again, at its place in the order)\n", label)
		case c.Secret:
			fmt.Fprintf(&b, "%s! %s: %s is a secret: set it by hand (the plan never holds its value)\n", indent, label, c.Name)
		case c.Op == OpAdd:
			fmt.Fprintf(&b, "%s+ %s\n", indent, label)
		case c.Op == OpRemove:
			fmt.Fprintf(&b, "- %s\n", label)
		case c.Drain:
			fmt.Fprintf(&b, "~ %s: enabled true -> false (out of rotation before its removal)\n", label)
		case c.From == nil:
			fmt.Fprintf(&b, "%s    %s = %s\n", indent, c.Name, shown(c, c.To))
		default:
			fmt.Fprintf(&b, "~ %s: %s %s -> %s\n", label, c.Name, shown(c, c.From), shown(c, c.To))
		}
		if c.inner || c.Drain {
			continue
		}
		switch {
		case c.reorder:
			sets++ // a move is one change
		case c.Op == OpAdd:
			adds++
		case c.Op == OpRemove:
			removes++
		default:
			sets++
		}
	}
	if len(p.Changes) == 0 {
		fmt.Fprintf(&b, "No changes: %s already matches %s.\n", schema.Printable(p.Current), schema.Printable(p.Desired))
	} else {
		fmt.Fprintf(&b, "\nPlan: %d to add, %d to change, %d to remove.\n", adds, sets, removes)
	}
	if len(p.SecretsSkipped) > 0 {
		fmt.Fprintf(&b, "%d secret value(s) are not in this plan; set them by hand:\n", len(p.SecretsSkipped))
		for _, s := range p.SecretsSkipped {
			fmt.Fprintf(&b, "  %s\n", schema.Printable(s))
		}
	}
	if p.Transition != nil {
		b.WriteByte('\n')
		_ = p.Transition.WriteText(&b)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
