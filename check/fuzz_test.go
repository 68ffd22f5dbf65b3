package check

import (
	"errors"
	"os"
	"testing"
	"time"

	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/lint/rules"
	"github.com/arrfarm/arrfarm/schema"
	"github.com/arrfarm/arrfarm/simulate"
)

// FuzzCheck runs the gate over any farm YAML, scenario and limit: lint,
// the scenario's checks, the simulation (kept small, so that the fuzzer
// explores inputs rather than long runs) and the verdicts. Nothing
// panics, and no input makes a replication fail inside the simulator
// (an *InternalError is arrfarm's bug, exit 3, whatever the input).
func FuzzCheck(f *testing.F) {
	farm, err := os.ReadFile("../fixtures/check/farm.yaml")
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range []string{"../fixtures/check/quiet.yaml", "../fixtures/check/hang.yaml", "../fixtures/check/broken-route.yaml"} {
		sc, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(farm, sc, "502.3=0.1%", false)
	}
	f.Add(farm, []byte("farm: web\nduration: 10s\nreplications: 2\narrivals: {rate: 20}\nlatency: {fixed: 40s}\n"), "p99=1s", true)
	linter, err := lint.New(rules.All, lint.Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, cfg, scen []byte, limit string, worst bool) {
		sc, fs, err := simulate.LoadScenario("s.yaml", scen)
		if err != nil || hasError(fs) || !small(sc) {
			return
		}
		doc, err := schema.Load("farm.yaml", cfg, schema.Options{})
		if err != nil {
			return
		}
		var limits []Limit
		if l, err := ParseLimit(limit); err == nil {
			limits = append(limits, l)
		}
		rep, err := Run(doc, linter, []Scenario{{Name: "s.yaml", Src: scen}}, Options{Limits: limits, Registry: rules.All, Worst: worst,
			Simulate: simulate.Options{Workers: 1}})
		var ie *simulate.InternalError
		if errors.As(err, &ie) {
			t.Fatalf("internal error: %v\n%s", ie, ie.Stack)
		}
		if err == nil {
			rep.Failed(lint.Warning)
		}
	})
}

// small keeps a fuzzed scenario to about 20 000 requests and ten minutes
// of simulated time per replication (probes and faults scale with time).
func small(sc *simulate.Scenario) bool {
	if sc.Arrivals.Replay != nil || sc.Duration+sc.Warmup > 10*time.Minute {
		return false
	}
	peak := sc.Arrivals.Rate
	for _, st := range sc.Arrivals.Schedule {
		peak = max(peak, st.Rate)
	}
	reps := float64(max(sc.Replications, 1))
	if sc.Requests > 0 {
		return peak >= 1 && float64(sc.Requests)*reps <= 20000 && sc.Warmup <= time.Minute
	}
	return peak*(sc.Duration+sc.Warmup).Seconds()*reps <= 20000
}
