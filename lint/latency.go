package lint

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/arrfarm/arrfarm/internal/input"
	"github.com/arrfarm/arrfarm/schema"
	"github.com/arrfarm/arrfarm/simulate"
)

// A LatencySource describes how long backends take to answer: a scenario
// file's latency models today, IIS logs once the log reader lands (an
// iislog-backed source only has to implement this interface).
type LatencySource interface {
	// Name is what messages call the source, e.g. the file name.
	Name() string
	// Farm returns the distribution of backend service times for farm f,
	// its enabled servers weighted equally (round robin); ok is false when
	// the source says nothing about f.
	Farm(cfg *schema.Config, f *schema.Farm) (d Distribution, ok bool)
}

// A Distribution is a latency distribution.
type Distribution interface {
	// Exceed is the probability that a sample is greater than t.
	Exceed(t time.Duration) float64
	// Quantile is the q-quantile, 0 < q < 1.
	Quantile(q float64) time.Duration
}

// LoadLatency opens a latency source. Scenario files (.yaml, .yml) are
// read now; IIS logs are not yet supported and say so.
func LoadLatency(path string) (LatencySource, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".yaml", ".yml":
		src, err := input.ReadFile(path, 0)
		if err != nil {
			return nil, fmt.Errorf("reading latency source: %w", err)
		}
		return ParseScenarioLatency(path, src)
	}
	return nil, fmt.Errorf("latency source %s: only scenario files (.yaml) are supported so far; IIS logs arrive with the log reader", path)
}

// scenarioLatency is the latency part of a scenario file, read and
// validated by the simulator's scenario loader so that lint and simulate
// agree on what a scenario means.
type scenarioLatency struct {
	name string
	m    *simulate.LatencyModels
}

// ParseScenarioLatency reads the latency models of a scenario file: the
// top-level latency, per-server overrides and the farm it drives. A file
// without a farm applies to every farm of the config. Traffic may be left
// out.
func ParseScenarioLatency(name string, src []byte) (LatencySource, error) {
	m, findings, err := simulate.LoadLatencyModels(name, src)
	if err != nil {
		return nil, err
	}
	if len(findings) > 0 {
		more := ""
		if len(findings) > 1 {
			more = fmt.Sprintf(" (and %d more)", len(findings)-1)
		}
		return nil, fmt.Errorf("%s: %s%s", findings[0].Span, findings[0].Message, more)
	}
	for _, l := range append([]simulate.Latency{m.Latency}, values(m.Servers)...) {
		if usesEmpirical(l) {
			return nil, fmt.Errorf("scenario %s: empirical latency (from IIS logs) is not supported by lint yet", name)
		}
	}
	return &scenarioLatency{name: filepath.Base(name), m: m}, nil
}

func values(m map[string]simulate.Latency) []simulate.Latency {
	out := make([]simulate.Latency, 0, len(m))
	for _, l := range m {
		out = append(out, l)
	}
	return out
}

func usesEmpirical(l simulate.Latency) bool {
	if l.Kind == simulate.Empirical {
		return true
	}
	for _, c := range l.Components {
		if usesEmpirical(c.Latency) {
			return true
		}
	}
	return false
}

func (s *scenarioLatency) Name() string { return s.name }

func (s *scenarioLatency) Farm(cfg *schema.Config, f *schema.Farm) (Distribution, bool) {
	if s.m.Farm != "" && !strings.EqualFold(s.m.Farm, f.Name) {
		return nil, false
	}
	// Servers balanced evenly: the farm's service time is the equal-weight
	// mixture of its enabled servers' models.
	mix := simulate.Latency{Kind: simulate.Mixture}
	for _, sv := range f.Servers {
		if !sv.Enabled {
			continue
		}
		l, ok := s.m.Servers[sv.Address]
		if !ok {
			l = s.m.Latency
		}
		if l.Kind != simulate.NoLatency {
			mix.Components = append(mix.Components, simulate.Component{Weight: 1, Latency: l})
		}
	}
	switch {
	case len(mix.Components) == 1:
		return mix.Components[0].Latency, true
	case len(mix.Components) > 1:
		return mix, true
	}
	// No enabled server: the scenario's model still says what to expect.
	return s.m.Latency, s.m.Latency.Kind != simulate.NoLatency
}
