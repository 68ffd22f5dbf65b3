package simulate

import (
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrfarm/arrfarm/latency"
)

var wantRE = regexp.MustCompile(`# want "((?:[^"\\]|\\.)*)"`)

// wants reads the `# want "regexp"` comments of a fixture, by line.
func wants(t *testing.T, src []byte) map[int]*regexp.Regexp {
	out := map[int]*regexp.Regexp{}
	for i, line := range strings.Split(string(src), "\n") {
		if m := wantRE.FindStringSubmatch(line); m != nil {
			rx, err := strconv.Unquote(`"` + m[1] + `"`)
			require.NoError(t, err)
			out[i+1] = regexp.MustCompile(rx)
		}
	}
	return out
}

// Every finding of a bad scenario must be on a line with a matching want,
// and every want must be met (analysistest style).
func TestBadScenarios(t *testing.T) {
	files, err := filepath.Glob("../fixtures/sim/bad/*.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	doc, err := loadConfigFile("../fixtures/sim/web3.yaml")
	require.NoError(t, err)
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(path)
			require.NoError(t, err)
			sc, fs, err := LoadScenario(name, src)
			require.NoError(t, err)
			if len(fs) == 0 {
				require.NotNil(t, sc)
				fs = sc.Check(doc.Config)
			} else {
				require.Nil(t, sc, "a scenario with findings is not returned")
			}
			want := wants(t, src)
			met := map[int]bool{}
			for _, f := range fs {
				require.Equal(t, name, f.Span.File)
				rx := want[f.Span.Start.Line]
				if rx == nil || !rx.MatchString(f.Message) {
					t.Errorf("unexpected finding %s: %s", f.Span, f.Message)
					continue
				}
				require.Positive(t, f.Span.Start.Col)
				met[f.Span.Start.Line] = true
			}
			for line, rx := range want {
				if !met[line] {
					t.Errorf("%s:%d: no finding matches %q", name, line, rx)
				}
			}
		})
	}
}

// Defaults come from scenario.cue; the design.md 3.3 example loads with
// every field in place.
func TestLoadScenarioDesignExample(t *testing.T) {
	src := `
farm: web
duration: 10m
warmup: 30s
replications: 10
seed: 1
arrivals:
  rate: 200
  schedule: [{at: 0s, rate: 100}, {at: 5m, rate: 400}]
  sessions: {length: 20m, requests: 12.5}
latency:
  mixture: [{weight: 0.95, lognormal: {p50: 120ms, p99: 2s}}, {weight: 0.05, fixed: 40s}]
concurrency: 0
errors: 0.0
servers:
  10.0.0.12: {latency: {lognormal: {median: 400ms, sigma: 1.2}}, concurrency: 32}
health:
  latency: {fixed: 5ms}
  queue: false
events:
  - {at: 2m, server: 10.0.0.11, fault: down, for: 90s}
  - {at: 7m, server: "*", fault: slow, factor: 5, for: 2m}
  - {at: 8m, server: 10.0.0.13, fault: error, for: 1m}
arr:
  legacyAlgorithms: false
  timeoutSemantics: proxy
  retrySpacing: interval
  minServersSemantics: ignoreHealth
  allUnhealthyStatus: "502.3"
`
	sc := loadScenario(t, src)
	require.Equal(t, 10*time.Minute, sc.Duration)
	require.Equal(t, 30*time.Second, sc.Warmup)
	require.Len(t, sc.Arrivals.Schedule, 2)
	require.Equal(t, Sessions{Length: 20 * time.Minute, Requests: 12.5}, sc.Arrivals.Sessions)
	require.True(t, sc.Health.NoQueue)
	require.Equal(t, ARROptions{TimeoutSemantics: "proxy", RetrySpacing: RetryInterval,
		MinServersSemantics: MinServersIgnoreHealth, AllUnhealthyStatus: Status5023, ProbePhase: ProbeIndependent, LiveTrafficDefault: LiveTrafficOff}, sc.ARR)
	require.Equal(t, latency.Mixture, sc.Latency.Kind)
	require.Len(t, sc.Latency.Components, 2)
	require.Equal(t, 40*time.Second, sc.Latency.Components[1].Fixed)
	// p99 = p50 * exp(z99 sigma)
	c := sc.Latency.Components[0]
	require.InDelta(t, 2.0, 0.120*math.Exp(latency.Z99*c.Sigma), 1e-9)
	o := sc.Servers["10.0.0.12"]
	require.Equal(t, 32, *o.Concurrency)
	require.Nil(t, o.Errors)
	require.Equal(t, 500, sc.Events[2].Status, "an error fault defaults to 500")
	require.Equal(t, FaultSlow, sc.Events[1].Fault)
	require.Equal(t, 1+strings.Count(src[:strings.Index(src, "{at: 7m")], "\n"), sc.Events[1].Span.Start.Line)

	min := loadScenario(t, "arrivals: {rate: 5}\nlatency: {fixed: 1s}\n")
	require.Equal(t, 10*time.Minute, min.Duration, "default duration")
	require.Equal(t, 10, min.Replications)
	require.Equal(t, int64(1), min.Seed)
	require.Zero(t, min.Arrivals.Clients, "sessions, not a fixed population, by default")
	require.Equal(t, Sessions{Length: 5 * time.Minute, Requests: 20}, min.Arrivals.Sessions)
	require.Equal(t, latency.Model{Kind: latency.Fixed, Fixed: 5 * time.Millisecond}, min.Health.Latency)
	require.False(t, min.Health.NoQueue, "probes queue by default")
	require.Equal(t, ARROptions{TimeoutSemantics: "proxy", RetrySpacing: RetryImmediate,
		MinServersSemantics: MinServersThreshold, AllUnhealthyStatus: Status5024, ProbePhase: ProbeIndependent, LiveTrafficDefault: LiveTrafficOff}, min.ARR)
}

func TestMissingLatency(t *testing.T) {
	_, fs, err := LoadScenario("s.yaml", []byte("arrivals: {rate: 5}\n"))
	require.NoError(t, err)
	require.Len(t, fs, 1)
	require.Contains(t, fs[0].Message, "latency is required")
	require.Equal(t, "s.yaml:1:1", fs[0].Span.String())
}

// knownFields (used for did-you-mean hints) must list exactly the fields
// of scenario.cue, which stays the single source of truth.
func TestKnownFieldsMatchSchema(t *testing.T) {
	v := cuecontext.New().CompileBytes(scenarioCUE)
	require.NoError(t, v.Err())
	// field finds an optional field too (LookupPath needs it present).
	field := func(x cue.Value, name string) cue.Value {
		it, err := x.Fields(cue.Optional(true), cue.Definitions(true))
		require.NoError(t, err)
		for it.Next() {
			if strings.TrimSuffix(it.Selector().String(), "?") == name {
				return it.Value()
			}
		}
		t.Fatalf("no field %s", name)
		return cue.Value{}
	}
	check := func(key, cuePath string) {
		x := v
		for _, l := range strings.Split(cuePath, ".") {
			x = field(x, l)
		}
		it, err := x.Fields(cue.Optional(true))
		require.NoError(t, err)
		var got []string
		for it.Next() {
			got = append(got, strings.TrimSuffix(strings.TrimSuffix(it.Selector().String(), "?"), "!"))
		}
		require.ElementsMatch(t, knownFields[key], got, "knownFields[%q] vs %s", key, cuePath)
	}
	check("", "#Scenario")
	check("arrivals", "#Scenario.arrivals")
	check("arrivals.sessions", "#Scenario.arrivals.sessions")
	check("arr", "#Scenario.arr")
	check("health", "#Scenario.health")
	check("events.*", "#Event")
	check("latency", "#Latency")
}

// Scenario YAML passes the same guards as farm YAML (schema.ParseYAMLCUE):
// a bare carriage return or deep nesting is a positioned finding, not a
// crash or a gigabyte of memory.
func TestScenarioYAMLGuards(t *testing.T) {
	sc, fs, err := LoadScenario("s.yaml", []byte("duration: 1m\rarrivals: {rate: 1}\n"))
	require.NoError(t, err)
	require.Nil(t, sc)
	require.Len(t, fs, 1)
	assert.Equal(t, "s.yaml:1:13", fs[0].Span.String())
	assert.Contains(t, fs[0].Message, "carriage return without a line feed")

	sc, fs, err = LoadScenario("s.yaml", []byte("latency: "+strings.Repeat("{a: ", 10000)+"1"+strings.Repeat("}", 10000)+"\n"))
	require.NoError(t, err)
	require.Nil(t, sc)
	require.Len(t, fs, 1)
	assert.Contains(t, fs[0].Message, "nesting deeper than 64 levels")
}

// Schedule steps out of order or repeated are errors at the step; steps and
// events after the end of the window are warnings at their time, kept on
// the scenario (a short --duration for a quick run is legitimate).
func TestScenarioTimelineFindings(t *testing.T) {
	src := "duration: 5m\narrivals:\n  schedule:\n    - {at: 0s, rate: 10}\n    - {at: 2m, rate: 20}\n    - {at: 1m, rate: 30}\n    - {at: 1m, rate: 40}\nlatency: {fixed: 1ms}\n"
	sc, fs, err := LoadScenario("s.yaml", []byte(src))
	require.NoError(t, err)
	require.Nil(t, sc)
	var got []string
	for _, f := range fs {
		got = append(got, f.Span.String()+" "+f.Message)
	}
	assert.Equal(t, []string{
		"s.yaml:6:12 schedule step at 1m0s comes after the step at 2m0s in the list: write the steps in time order",
		"s.yaml:7:12 schedule step at 1m0s repeats the time of the step before it: which rate holds from then is ambiguous; keep one",
	}, got)

	src = "duration: 5m\narrivals:\n  schedule:\n    - {at: 0s, rate: 10}\n    - {at: 6m, rate: 20}\nlatency: {fixed: 1ms}\nevents:\n  - {at: 1m, server: a, fault: down}\n  - {at: 5m, server: a, fault: hang}\n"
	sc, fs, err = LoadScenario("s.yaml", []byte(src))
	require.NoError(t, err)
	require.Empty(t, fs)
	require.NotNil(t, sc)
	got = nil
	for _, f := range sc.Warnings {
		got = append(got, f.Span.String()+" "+f.Severity.String()+" "+f.Message)
	}
	assert.Equal(t, []string{
		"s.yaml:5:12 warning schedule step at 6m0s is at or after the end of the simulated window (duration 5m0s): it never takes effect",
		"s.yaml:9:10 warning event at 5m0s (hang on a) is at or after the end of the simulated window (duration 5m0s): it never happens",
	}, got)
	assert.Len(t, sc.Events, 2, "nothing is dropped from the scenario")
}
