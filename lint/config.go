package lint

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/arrfarm/arrfarm/internal/input"
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

// configKeys are the keys of .arrfarm.yaml.
var configKeys = []string{"enable", "disable", "severity", "latency", "fail-on"}

// LoadConfig reads a .arrfarm.yaml through the project's bounded reader and
// YAML entry point. Unknown keys, rule severities and fail-on levels that
// do not exist are errors with the file's line and column: a typo in a CI
// gate should not pass silently. Rule names are checked later, by New.
func LoadConfig(path string) (*Config, error) {
	src, err := input.ReadFile(path, 0)
	if err != nil {
		return nil, fmt.Errorf("reading config: %w", err)
	}
	lines := schema.NewLines(path, src)
	docs, fs := schema.ParseYAML(lines)
	if len(fs) > 0 {
		return nil, fmt.Errorf("reading config %s: %s", fs[0].Span, fs[0].Message)
	}
	c := &Config{Path: path, Severity: map[string]Severity{}}
	if len(docs) == 0 || len(docs[0].Content) == 0 || docs[0].Content[0].Tag == "!!null" {
		return c, nil // an empty file sets nothing
	}
	at := func(n *yaml.Node) string {
		return lines.Span(lines.OffsetOf(n.Line, n.Column), lines.OffsetOf(n.Line, n.Column)).String()
	}
	if len(docs) > 1 {
		return nil, fmt.Errorf("config %s: one YAML document expected, found %d", at(docs[1]), len(docs))
	}
	root := docs[0].Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("config %s: expected a mapping of %s", at(root), strings.Join(configKeys, ", "))
	}
	strs := func(key, v *yaml.Node) ([]string, error) {
		var out []string
		if v.Kind != yaml.SequenceNode {
			return nil, fmt.Errorf("config %s: %s must be a list, e.g. %s: [a, b]", at(v), key.Value, key.Value)
		}
		for _, e := range v.Content {
			if e.Kind != yaml.ScalarNode {
				return nil, fmt.Errorf("config %s: %s must be a list of names", at(e), key.Value)
			}
			out = append(out, e.Value)
		}
		return out, nil
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		switch k.Value {
		case "enable":
			c.Enable, err = strs(k, v)
		case "disable":
			c.Disable, err = strs(k, v)
		case "latency":
			var ls []string
			ls, err = strs(k, v)
			for _, l := range ls {
				if !filepath.IsAbs(l) {
					l = filepath.Join(filepath.Dir(path), l)
				}
				c.Latency = append(c.Latency, l)
			}
		case "severity":
			if v.Kind != yaml.MappingNode {
				return nil, fmt.Errorf("config %s: severity must be a mapping of rule to level, e.g. severity: {no-health-check: error}", at(v))
			}
			for j := 0; j+1 < len(v.Content); j += 2 {
				rule, lvl := v.Content[j], v.Content[j+1]
				sev, ok := schema.ParseSeverity(lvl.Value)
				if !ok || lvl.Kind != yaml.ScalarNode {
					return nil, fmt.Errorf("config %s: severity of %s: %q is not error, warning or info", at(lvl), rule.Value, lvl.Value)
				}
				c.Severity[rule.Value] = sev
			}
		case "fail-on":
			if _, err := ParseFailOn(v.Value); err != nil || v.Kind != yaml.ScalarNode {
				return nil, fmt.Errorf("config %s: fail-on: %q is not error, warning, info or never", at(v), v.Value)
			}
			c.FailOn = v.Value
		default:
			msg := fmt.Sprintf("config %s: unknown key %q", at(k), k.Value)
			if m := schema.Closest(k.Value, configKeys); m != "" {
				return nil, fmt.Errorf("%s: did you mean %s?", msg, m)
			}
			return nil, fmt.Errorf("%s; the keys are %s", msg, strings.Join(configKeys, ", "))
		}
		if err != nil {
			return nil, err
		}
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
