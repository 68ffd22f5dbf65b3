package lint

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/arrfarm/arrfarm/schema"
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
//
// The scenario parsing here is deliberately small: only the latency models
// (design.md 3.3). The simulator's scenario package parses the whole file;
// this duplicates its latency part so that lint does not depend on simulate.
func LoadLatency(path string) (LatencySource, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".yaml", ".yml":
		src, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("reading latency source: %w", err)
		}
		return ParseScenarioLatency(path, src)
	}
	return nil, fmt.Errorf("latency source %s: only scenario files (.yaml) are supported so far; IIS logs arrive with the log reader", path)
}

// scenarioLatency is the latency part of a scenario file.
type scenarioLatency struct {
	name    string
	farm    string       // "" applies to every farm
	def     Distribution // nil when only per-server models are given
	servers map[string]Distribution
}

// ParseScenarioLatency reads the latency models of a scenario file: the
// top-level latency, per-server overrides and the farm it drives. A file
// without a farm applies to every farm of the config.
func ParseScenarioLatency(name string, src []byte) (LatencySource, error) {
	var doc struct {
		Farm    string    `yaml:"farm"`
		Latency yaml.Node `yaml:"latency"`
		Servers map[string]struct {
			Latency yaml.Node `yaml:"latency"`
		} `yaml:"servers"`
	}
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, fmt.Errorf("reading scenario %s: %w", name, err)
	}
	s := &scenarioLatency{name: filepath.Base(name), farm: doc.Farm, servers: map[string]Distribution{}}
	if doc.Latency.Kind != 0 {
		d, err := parseModel(&doc.Latency)
		if err != nil {
			return nil, fmt.Errorf("scenario %s: %w", name, err)
		}
		s.def = d
	}
	for addr, sv := range doc.Servers {
		if sv.Latency.Kind == 0 {
			continue
		}
		d, err := parseModel(&sv.Latency)
		if err != nil {
			return nil, fmt.Errorf("scenario %s: server %s: %w", name, addr, err)
		}
		s.servers[addr] = d
	}
	if s.def == nil && len(s.servers) == 0 {
		return nil, fmt.Errorf("scenario %s: no latency model (expected a latency: key)", name)
	}
	return s, nil
}

func (s *scenarioLatency) Name() string { return s.name }

func (s *scenarioLatency) Farm(cfg *schema.Config, f *schema.Farm) (Distribution, bool) {
	if s.farm != "" && !strings.EqualFold(s.farm, f.Name) {
		return nil, false
	}
	var parts []Distribution
	for _, sv := range f.Servers {
		if !sv.Enabled {
			continue
		}
		if d, ok := s.servers[sv.Address]; ok {
			parts = append(parts, d)
		} else if s.def != nil {
			parts = append(parts, s.def)
		}
	}
	switch {
	case len(parts) == 1:
		return parts[0], true
	case len(parts) > 1:
		w := make([]float64, len(parts))
		for i := range w {
			w[i] = 1
		}
		return newMixture(w, parts), true
	case s.def != nil:
		return s.def, true
	}
	return nil, false
}

// parseModel reads one latency model: exactly one of lognormal, fixed,
// exponential, mixture.
func parseModel(n *yaml.Node) (Distribution, error) {
	if n.Kind != yaml.MappingNode || len(n.Content) != 2 {
		return nil, fmt.Errorf("line %d: latency must have exactly one of lognormal, fixed, exponential, mixture", n.Line)
	}
	key, val := n.Content[0].Value, n.Content[1]
	switch key {
	case "fixed":
		d, err := duration(val)
		if err != nil {
			return nil, err
		}
		return fixed(d.Seconds()), nil
	case "exponential":
		f, err := fields(val, "mean")
		if err != nil {
			return nil, err
		}
		m, err := duration(f["mean"])
		if err != nil {
			return nil, err
		}
		if m <= 0 {
			return nil, fmt.Errorf("line %d: exponential mean must be positive", val.Line)
		}
		return exponential(m.Seconds()), nil
	case "lognormal":
		f, err := fields(val, "p50", "p99", "median", "sigma")
		if err != nil {
			return nil, err
		}
		switch {
		case f["p50"] != nil && f["p99"] != nil:
			p50, err := duration(f["p50"])
			if err != nil {
				return nil, err
			}
			p99, err := duration(f["p99"])
			if err != nil {
				return nil, err
			}
			if p50 <= 0 || p99 <= p50 {
				return nil, fmt.Errorf("line %d: lognormal needs 0 < p50 < p99", val.Line)
			}
			mu := math.Log(p50.Seconds())
			return lognormal{mu, (math.Log(p99.Seconds()) - mu) / normalQuantile(0.99)}, nil
		case f["median"] != nil && f["sigma"] != nil:
			med, err := duration(f["median"])
			if err != nil {
				return nil, err
			}
			var sigma float64
			if err := f["sigma"].Decode(&sigma); err != nil || sigma <= 0 {
				return nil, fmt.Errorf("line %d: lognormal sigma must be a positive number", f["sigma"].Line)
			}
			if med <= 0 {
				return nil, fmt.Errorf("line %d: lognormal median must be positive", val.Line)
			}
			return lognormal{math.Log(med.Seconds()), sigma}, nil
		}
		return nil, fmt.Errorf("line %d: lognormal needs p50 and p99, or median and sigma", val.Line)
	case "mixture":
		if val.Kind != yaml.SequenceNode || len(val.Content) == 0 {
			return nil, fmt.Errorf("line %d: mixture must be a non-empty list", val.Line)
		}
		var ws []float64
		var ds []Distribution
		for _, c := range val.Content {
			if c.Kind != yaml.MappingNode {
				return nil, fmt.Errorf("line %d: mixture item must be a mapping", c.Line)
			}
			var w float64 = -1
			rest := &yaml.Node{Kind: yaml.MappingNode, Line: c.Line}
			for i := 0; i+1 < len(c.Content); i += 2 {
				if c.Content[i].Value == "weight" {
					if err := c.Content[i+1].Decode(&w); err != nil {
						return nil, fmt.Errorf("line %d: weight must be a number", c.Content[i+1].Line)
					}
					continue
				}
				rest.Content = append(rest.Content, c.Content[i], c.Content[i+1])
			}
			if w <= 0 {
				return nil, fmt.Errorf("line %d: mixture item needs a positive weight", c.Line)
			}
			d, err := parseModel(rest)
			if err != nil {
				return nil, err
			}
			ws, ds = append(ws, w), append(ds, d)
		}
		return newMixture(ws, ds), nil
	case "empirical":
		return nil, fmt.Errorf("line %d: empirical latency (from IIS logs) is not supported by lint yet", n.Line)
	}
	return nil, fmt.Errorf("line %d: unknown latency model %q (want lognormal, fixed, exponential or mixture)", n.Content[0].Line, key)
}

// fields reads a mapping's values by key, rejecting keys not in allowed.
func fields(n *yaml.Node, allowed ...string) (map[string]*yaml.Node, error) {
	if n.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("line %d: expected a mapping with %s", n.Line, strings.Join(allowed, ", "))
	}
	out := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i].Value
		if !contains(allowed, k) {
			return nil, fmt.Errorf("line %d: unknown key %q (want %s)", n.Content[i].Line, k, strings.Join(allowed, ", "))
		}
		out[k] = n.Content[i+1]
	}
	return out, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func duration(n *yaml.Node) (time.Duration, error) {
	if n == nil || n.Kind != yaml.ScalarNode {
		return 0, errors.New("expected a duration")
	}
	d, err := schema.ParseDuration(n.Value)
	if err != nil {
		return 0, fmt.Errorf("line %d: %w", n.Line, err)
	}
	return d, nil
}

// The models work in seconds as float64; only results become Durations.

type fixed float64

func (f fixed) Exceed(t time.Duration) float64 {
	if t.Seconds() < float64(f) {
		return 1
	}
	return 0
}
func (f fixed) Quantile(float64) time.Duration { return seconds(float64(f)) }

type exponential float64 // mean

func (e exponential) Exceed(t time.Duration) float64 {
	if t <= 0 {
		return 1
	}
	return math.Exp(-t.Seconds() / float64(e))
}
func (e exponential) Quantile(q float64) time.Duration {
	return seconds(-float64(e) * math.Log(1-q))
}

type lognormal struct{ mu, sigma float64 } // of ln(seconds)

func (l lognormal) Exceed(t time.Duration) float64 {
	if t <= 0 {
		return 1
	}
	z := (math.Log(t.Seconds()) - l.mu) / l.sigma
	return 0.5 * math.Erfc(z/math.Sqrt2)
}
func (l lognormal) Quantile(q float64) time.Duration {
	return seconds(math.Exp(l.mu + l.sigma*normalQuantile(q)))
}

type mixture struct {
	w []float64 // normalised to sum 1
	d []Distribution
}

func newMixture(w []float64, d []Distribution) mixture {
	var sum float64
	for _, x := range w {
		sum += x
	}
	n := make([]float64, len(w))
	for i, x := range w {
		n[i] = x / sum
	}
	return mixture{n, d}
}

func (m mixture) Exceed(t time.Duration) float64 {
	var p float64
	for i, d := range m.d {
		p += m.w[i] * d.Exceed(t)
	}
	return p
}

// Quantile solves Exceed(t) = 1-q by bisection between the smallest and
// largest component quantile, which bracket the mixture's.
func (m mixture) Quantile(q float64) time.Duration {
	lo, hi := time.Duration(math.MaxInt64), time.Duration(0)
	for _, d := range m.d {
		x := d.Quantile(q)
		lo, hi = min(lo, x), max(hi, x)
	}
	for hi-lo > time.Microsecond {
		mid := lo + (hi-lo)/2
		if m.Exceed(mid) > 1-q {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hi
}

func seconds(s float64) time.Duration {
	if s > float64(math.MaxInt64)/1e9 {
		return time.Duration(math.MaxInt64)
	}
	return time.Duration(s * 1e9)
}

// normalQuantile is the standard normal quantile function.
func normalQuantile(q float64) float64 { return math.Sqrt2 * math.Erfinv(2*q-1) }
