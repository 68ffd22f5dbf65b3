package lint

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"go.yaml.in/yaml/v3"

	"github.com/arrfarm/arrfarm/schema"
)

// ConfigFileName is the project configuration file lint looks for in the
// current directory and its parents.
const ConfigFileName = ".arrfarm.yaml"

// Config is a .arrfarm.yaml file:
//
//	enable: [farm-rule-name]             # slugs or IDs; turns on optional rules
//	disable: [ARR2003]
//	severity: {no-health-check: error}   # error, warning or info
//	latency: [scenarios/prod.yaml]       # relative to this file
//	fail-on: warning                     # error, warning, info or never
type Config struct {
	Path     string // the file it was read from
	Enable   []string
	Disable  []string
	Severity map[string]Severity
	Latency  []string
	FailOn   string // "" when not set
}

// FindConfig returns the path of the nearest .arrfarm.yaml in dir or one of
// its parents, or "" when there is none.
func FindConfig(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("finding %s: %w", ConfigFileName, err)
	}
	for {
		p := filepath.Join(dir, ConfigFileName)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("finding %s: %w", ConfigFileName, err)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", nil
		}
		dir = parent
	}
}

// LoadConfig reads a .arrfarm.yaml. Unknown keys, rule severities and
// fail-on levels that do not exist are errors: a typo in a CI gate should
// not pass silently. Rule names are checked later, by New.
func LoadConfig(path string) (*Config, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading config: %w", err)
	}
	var raw struct {
		Enable   []string          `yaml:"enable"`
		Disable  []string          `yaml:"disable"`
		Severity map[string]string `yaml:"severity"`
		Latency  []string          `yaml:"latency"`
		FailOn   string            `yaml:"fail-on"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	if err := dec.Decode(&raw); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("reading config %s: %w", path, err)
	}
	c := &Config{Path: path, Enable: raw.Enable, Disable: raw.Disable, FailOn: raw.FailOn,
		Severity: map[string]Severity{}}
	for rule, s := range raw.Severity {
		sev, ok := schema.ParseSeverity(s)
		if !ok {
			return nil, fmt.Errorf("config %s: severity of %s: %q is not error, warning or info", path, rule, s)
		}
		c.Severity[rule] = sev
	}
	if c.FailOn != "" {
		if _, err := ParseFailOn(c.FailOn); err != nil {
			return nil, fmt.Errorf("config %s: fail-on: %w", path, err)
		}
	}
	for _, l := range raw.Latency {
		if !filepath.IsAbs(l) {
			l = filepath.Join(filepath.Dir(path), l)
		}
		c.Latency = append(c.Latency, l)
	}
	return c, nil
}

// Never is the fail-on level that never fails: above every severity.
const Never Severity = Error + 1

// ParseFailOn reads a --fail-on level.
func ParseFailOn(s string) (Severity, error) {
	if s == "never" {
		return Never, nil
	}
	if sev, ok := schema.ParseSeverity(s); ok {
		return sev, nil
	}
	return 0, fmt.Errorf("%q is not error, warning, info or never", s)
}
