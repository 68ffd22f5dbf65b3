// Package observed turns what operators already have into inputs for
// lint, simulate and recommend: it opens latency sources named on the
// command line (scenario files through the simulator's loader, IIS logs
// through iislog), supplies the observed samples of an empirical latency
// model and streams the arrivals a scenario replays.
package observed

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/arrfarm/arrfarm/internal/input"
	"github.com/arrfarm/arrfarm/latency"
	"github.com/arrfarm/arrfarm/simulate"
)

// Open opens the latency source at path for the latency-aware lint rules:
// a scenario file (.yaml, .yml) or IIS W3C logs (a file, glob or
// directory, plain or .gz), whose time-taken gives the percentiles.
func Open(path string) (latency.Source, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".yaml", ".yml":
		src, err := input.ReadFile(path, 0)
		if err != nil {
			return nil, fmt.Errorf("reading latency source: %w", err)
		}
		return ParseScenario(path, src)
	}
	o, err := ReadLogs(latency.EmpiricalSpec{Log: path})
	if err != nil {
		return nil, fmt.Errorf("latency source %s: %w", path, err)
	}
	return logSource{o}, nil
}

// ParseScenario reads the latency models of a scenario file: the
// top-level latency, per-server overrides and the farm it drives. A file
// without a farm applies to every farm of the config. Traffic may be left
// out.
func ParseScenario(name string, src []byte) (latency.Source, error) {
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
	for _, l := range m.Servers {
		if l.UsesEmpirical() {
			return nil, fmt.Errorf("scenario %s: per-server empirical latency is not supported by lint; give the logs to --latency directly", name)
		}
	}
	if m.Latency.Kind == latency.Empirical && len(m.Servers) == 0 {
		// The scenario only points at logs: lint reads them as --latency
		// would, with the scenario's filter.
		o, err := ReadLogs(*m.Latency.Empirical)
		if err != nil {
			return nil, fmt.Errorf("scenario %s: empirical latency: %w", name, err)
		}
		return logSource{o}, nil
	}
	if m.Latency.UsesEmpirical() {
		return nil, fmt.Errorf("scenario %s: empirical latency inside a mixture is not supported by lint; give the logs to --latency directly", name)
	}
	return m, nil
}
