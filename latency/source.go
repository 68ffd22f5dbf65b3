package latency

import (
	"path/filepath"
	"strings"
	"time"

	"github.com/arrfarm/arrfarm/schema"
)

// A Distribution is a latency distribution.
type Distribution interface {
	// Exceed is the probability that a sample is greater than t.
	Exceed(t time.Duration) float64
	// Quantile is the q-quantile, 0 < q < 1.
	Quantile(q float64) time.Duration
}

// A Source describes how long backends take to answer, for the
// latency-aware lint rules and recommend: a scenario file's models
// (Models) or what IIS logs observed.
type Source interface {
	// Name is what messages call the source, e.g. the file name.
	Name() string
	// Farm returns the distribution of backend service times for farm f,
	// its enabled servers weighted equally (round robin); ok is false when
	// the source says nothing about f.
	Farm(cfg *schema.Config, f *schema.Farm) (d Distribution, ok bool)
}

// Models are the latency parts of a scenario file: the service-time model
// of every backend, per-server overrides and the farm they describe ("" for
// every farm). A *Models is a Source.
type Models struct {
	File     string
	FarmName string           // "" for every farm
	Latency  Model            // Kind None when only servers are given
	Servers  map[string]Model // by server address
}

// Name is the scenario file's base name.
func (m *Models) Name() string { return filepath.Base(m.File) }

// FarmDistribution is the service time of farm f under m: the equal-weight
// mixture of its enabled servers' models, since servers are balanced
// evenly.
func (m *Models) FarmDistribution(f *schema.Farm) (Model, bool) {
	if m.FarmName != "" && !strings.EqualFold(m.FarmName, f.Name) {
		return Model{}, false
	}
	mix := Model{Kind: Mixture}
	for _, sv := range f.Servers {
		if !sv.Enabled {
			continue
		}
		l, ok := m.Servers[sv.Address]
		if !ok {
			l = m.Latency
		}
		if l.Kind != None {
			mix.Components = append(mix.Components, Component{Weight: 1, Model: l})
		}
	}
	switch {
	case len(mix.Components) == 1:
		return mix.Components[0].Model, true
	case len(mix.Components) > 1:
		return mix, true
	}
	// No enabled server: the scenario's model still says what to expect.
	return m.Latency, m.Latency.Kind != None
}

// Farm implements Source.
func (m *Models) Farm(_ *schema.Config, f *schema.Farm) (Distribution, bool) {
	d, ok := m.FarmDistribution(f)
	if !ok {
		return nil, false
	}
	return d, true
}
