package plan

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/arrfarm/arrfarm/internal/human"
	"github.com/arrfarm/arrfarm/schema"
	"github.com/arrfarm/arrfarm/simulate"
)

// The transition: while a plan is applied, servers enter and leave
// rotation one step at a time. Simulate replays a scenario through the
// farms with every server that is in rotation at any point of the plan,
// splits the scenario's window into one stage per step that changes which
// servers take traffic (in the planned order) and puts each server out of
// rotation, with the simulator's drain fault, for the stages in which the
// plan has it out: a server not added yet, or drained before its removal.
// Settings take their desired values throughout, and rule changes are not
// staged: the stages show what the order of server changes costs.

// Stage is one stretch of the transition.
type Stage struct {
	// Step is the change that starts the stage ("" for the first: the
	// server set before the plan).
	Step string
	// FromS and ToS bound the stage in the measured window, in seconds.
	FromS, ToS float64
	// Requests are the requests that arrived in it, over all
	// replications; Rate5023 and Rate5024 their shares that ended so.
	Requests           uint64
	Rate5023, Rate5024 float64
}

// FarmTransition is one simulated farm's stages.
type FarmTransition struct {
	Farm   string
	Stages []Stage
}

// Transition is the simulated transition.
type Transition struct {
	Scenario     string
	Replications int
	StageS       float64
	Farms        []FarmTransition
	// Note says why nothing was simulated, when nothing was.
	Note string
}

// step is one change to which servers take traffic.
type step struct {
	farm, address string
	in            bool // enters rotation (false: leaves it)
	label         string
}

// rotationSteps lists, in plan order, the changes that put a server of a
// farm that exists now into rotation or take one out. Servers of a farm
// being added enter with it, before any rule routes there.
func rotationSteps(p *Plan) []step {
	var out []step
	for i := range p.Changes {
		c := &p.Changes[i]
		if len(c.Steps) != 2 || c.Steps[0].Name != "webFarm" || c.Steps[1].Name != "server" || c.Section != "webFarms" {
			continue
		}
		farm, addr := c.Steps[0].Key[0][1], c.Steps[1].Key[0][1]
		switch {
		case c.Op == OpAdd && !c.inner:
			out = append(out, step{farm, addr, true, "+ " + c.Label})
		case c.Op == OpSet && c.Attribute == "enabled" && c.InCurrent:
			in := deref(c.To) == "true"
			label := "~ " + c.Label + ": enabled " + deref(c.To)
			if c.Drain {
				label = "~ " + c.Label + " out of rotation"
			}
			out = append(out, step{farm, addr, in, label})
		}
	}
	return out
}

func sameKey(a, b string) bool { return strings.EqualFold(a, b) }

// Simulate predicts the 502 rates while p is applied, under scenario sc
// (a scenario with a duration: its window is split into the stages).
// desired and current are the configurations p was planned from.
func Simulate(p *Plan, desired, current *schema.Config, sc *simulate.Scenario, opts simulate.Options) (*Transition, error) {
	tr := &Transition{Scenario: sc.File, Replications: sc.Replications}
	steps := rotationSteps(p)
	if len(steps) == 0 {
		tr.Note = "no server enters or leaves rotation in this plan: nothing to simulate"
		return tr, nil
	}
	if sc.Duration <= 0 {
		return nil, errors.New("simulating the transition: the scenario must have a duration (not requests), which is split into one stage per step")
	}
	stages := len(steps) + 1
	stage := sc.Duration / time.Duration(stages)
	if stage < time.Second {
		return nil, fmt.Errorf("simulating the transition: %d stages in %s leave under a second each; give the scenario a longer duration", stages, sc.Duration)
	}
	tr.StageS = stage.Seconds()
	cfg, inRotation := transitionConfig(desired, current)
	run := *sc
	run.Events = slices.Clone(sc.Events)
	for key, in := range inRotation {
		out := time.Duration(-1) // start of the current out-of-rotation stretch
		if !in {
			out = 0
		}
		for i, s := range steps {
			if !sameKey(s.farm, key[0]) || !sameKey(s.address, key[1]) {
				continue
			}
			at := stage * time.Duration(i+1)
			switch {
			case s.in && out >= 0:
				run.Events = append(run.Events, simulate.Event{At: out, Server: key[1], Fault: simulate.FaultDrain, For: at - out})
				out = -1
			case !s.in && out < 0:
				out = at
			}
		}
		if out >= 0 {
			run.Events = append(run.Events, simulate.Event{At: out, Server: key[1], Fault: simulate.FaultDrain})
		}
	}
	// The events came from a map: order them fully, so that the same
	// inputs give the same simulation.
	slices.SortStableFunc(run.Events, func(a, b simulate.Event) int {
		if a.At != b.At {
			return cmp.Compare(a.At, b.At)
		}
		return cmp.Compare(a.Server, b.Server)
	})
	res, err := simulate.Run(cfg, &run, opts)
	if err != nil {
		return nil, err
	}
	tr.Replications = res.Replications
	for _, f := range res.Farms {
		ft := FarmTransition{Farm: f.Name}
		for k := 0; k < stages; k++ {
			st := Stage{FromS: float64(k) * tr.StageS, ToS: float64(k+1) * tr.StageS}
			if k > 0 {
				st.Step = steps[k-1].label
			}
			var e3, e4 uint64
			for i := range f.Series.Requests {
				t := float64(i) * f.Series.StepS
				if t < st.FromS || t >= st.ToS {
					continue
				}
				st.Requests += f.Series.Requests[i]
				e3 += f.Series.S5023[i]
				e4 += f.Series.S5024[i]
			}
			if st.Requests > 0 {
				st.Rate5023 = float64(e3) / float64(st.Requests)
				st.Rate5024 = float64(e4) / float64(st.Requests)
			}
			ft.Stages = append(ft.Stages, st)
		}
		tr.Farms = append(tr.Farms, ft)
	}
	return tr, nil
}

// transitionConfig is the desired configuration with, in each farm that
// exists now, the servers the plan removes: every server that takes
// traffic at some point of the transition. inRotation says, by farm and
// address, whether each server of a farm that exists now takes traffic
// before the plan; such a server is enabled in the copy, and drain faults
// keep it out where the plan has it out.
func transitionConfig(desired, current *schema.Config) (*schema.Config, map[[2]string]bool) {
	cfg := *desired
	cfg.Farms = make([]*schema.Farm, len(desired.Farms))
	inRotation := map[[2]string]bool{}
	for i, f := range desired.Farms {
		nf := *f
		cfg.Farms[i] = &nf
		var cur *schema.Farm
		for _, c := range current.Farms {
			if sameKey(c.Name, f.Name) {
				cur = c
				break
			}
		}
		if cur == nil {
			continue
		}
		nf.Servers = nil
		was := func(addr string) *schema.Server {
			for _, s := range cur.Servers {
				if sameKey(s.Address, addr) {
					return s
				}
			}
			return nil
		}
		for _, s := range f.Servers {
			c := was(s.Address)
			in := c != nil && c.Enabled
			inRotation[[2]string{f.Name, s.Address}] = in
			if in || s.Enabled {
				ns := *s
				ns.Enabled = true
				s = &ns
			}
			nf.Servers = append(nf.Servers, s)
		}
		for _, c := range cur.Servers {
			if slices.ContainsFunc(f.Servers, func(s *schema.Server) bool { return sameKey(s.Address, c.Address) }) {
				continue
			}
			inRotation[[2]string{f.Name, c.Address}] = c.Enabled
			nf.Servers = append(nf.Servers, c)
		}
	}
	return &cfg, inRotation
}

// WriteText prints the stages, one line each.
func (t *Transition) WriteText(w io.Writer) error {
	var b strings.Builder
	if t.Note != "" {
		fmt.Fprintf(&b, "Transition (%s): %s.\n", schema.Printable(t.Scenario), t.Note)
		_, err := io.WriteString(w, b.String())
		return err
	}
	fmt.Fprintf(&b, "Transition, simulated with %s: one stage of %s per step that changes which servers take traffic, %d replications.\n",
		schema.Printable(t.Scenario), human.Seconds(t.StageS), t.Replications)
	fmt.Fprintf(&b, "Predicted for the stage that each step begins:\n")
	for _, f := range t.Farms {
		fmt.Fprintf(&b, "farm %s\n", schema.Printable(f.Farm))
		width := len("before the plan")
		for _, s := range f.Stages {
			width = max(width, len(schema.Printable(s.Step)))
		}
		fmt.Fprintf(&b, "  %-*s  %10s  %8s  %8s\n", width, "step", "requests", "502.3", "502.4")
		for _, s := range f.Stages {
			step := schema.Printable(s.Step)
			if step == "" {
				step = "before the plan"
			}
			fmt.Fprintf(&b, "  %-*s  %10d  %8s  %8s\n", width, step, s.Requests, human.Percent(s.Rate5023), human.Percent(s.Rate5024))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
