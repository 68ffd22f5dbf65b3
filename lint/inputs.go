package lint

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/arrfarm/arrfarm/internal/input"
	"github.com/arrfarm/arrfarm/schema"
)

// Inputs are the files the PATH arguments of lint name.
type Inputs struct {
	// Files are the files to lint, in argument order; a directory
	// contributes its configuration files in lexical order.
	Files []string
	// Problems are paths that could not be read (a missing file, an
	// unreadable subdirectory) and directories in which no configuration
	// was found. Each makes the run fail as unreadable input: checking
	// nothing must never pass.
	Problems []error
}

// A Skipped file is one a directory walk looked at and did not lint.
type Skipped struct {
	Path   string
	Reason string
}

// NoConfigError says that a path held nothing to check.
type NoConfigError struct {
	Path string
	// Reason is why a file named on the command line holds nothing.
	Reason string
	// Looked and Skipped are the files of a directory walk.
	Looked  int
	Skipped []Skipped
}

// maxSkippedListed bounds the skipped files an error names.
const maxSkippedListed = 8

func (e *NoConfigError) Error() string {
	if e.Reason != "" {
		return fmt.Sprintf("no configuration found in %s: %s", e.Path, e.Reason)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "no configuration found in %s: looked at %d %s", e.Path, e.Looked, plural(e.Looked, "file"))
	for i, s := range e.Skipped {
		if i == maxSkippedListed {
			fmt.Fprintf(&b, "; and %d more", len(e.Skipped)-i)
			break
		}
		if i == 0 {
			b.WriteString(", skipped: ")
		} else {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%s because %s", s.Path, s.Reason)
	}
	return b.String()
}

// FindInputs expands the PATH arguments: "-" is standard input, a file is
// itself, a directory contributes the files that look like configurations
// (by extension; YAML files only with a top-level key of the YAML form, so
// that scenarios and CI workflows beside the configs are not read as
// farms). Hidden files and directories are skipped. An unreadable
// subdirectory is reported and the walk goes on.
func FindInputs(paths []string) Inputs {
	var in Inputs
	for _, p := range paths {
		if p == input.Stdin {
			in.Files = append(in.Files, p)
			continue
		}
		info, err := os.Stat(p)
		if err != nil {
			in.Problems = append(in.Problems, fmt.Errorf("reading %s: %w", p, unwrapPathError(err)))
			continue
		}
		if !info.IsDir() {
			in.Files = append(in.Files, p)
			continue
		}
		n := len(in.Files)
		none := &NoConfigError{Path: p}
		_ = walkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				// Unreadable: report it and go on with the rest.
				in.Problems = append(in.Problems, fmt.Errorf("reading directory %s: %w", path, unwrapPathError(err)))
				if d != nil && d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			hidden := strings.HasPrefix(d.Name(), ".") && path != p
			if d.IsDir() {
				if hidden {
					return filepath.SkipDir
				}
				return nil
			}
			if hidden {
				return nil
			}
			none.Looked++
			if ok, why := lintable(path); ok {
				in.Files = append(in.Files, path)
			} else {
				none.Skipped = append(none.Skipped, Skipped{Path: path, Reason: why})
			}
			return nil
		})
		if len(in.Files) == n {
			in.Problems = append(in.Problems, none)
		}
	}
	return in
}

// walkDir is filepath.WalkDir; tests replace it to meet an unreadable
// directory, which root (the CI user) cannot make.
var walkDir = filepath.WalkDir

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// topKey matches a key at the start of a line: the top level of a block
// mapping. The file is sniffed as text, so that a farm file with a syntax
// error further down is still linted (and the error reported).
var topKey = regexp.MustCompile(`(?m)^(["']?)([A-Za-z][\w.-]*)(["']?)[ \t]*:(.*)$`)

// lintable tells whether a file met in a directory walk is a configuration
// and, when it is not, why.
func lintable(path string) (bool, string) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".config", ".xml", ".xdt":
		return true, ""
	case ".yaml", ".yml":
	default:
		return false, "it is not a .config, .xml, .xdt, .yaml or .yml file"
	}
	src, err := input.ReadFile(path, 0)
	if err != nil {
		if errors.Is(err, input.ErrNotRegular) || errors.Is(err, input.ErrTooLarge) {
			// The reader's own reason, without the path it repeats.
			return false, strings.TrimPrefix(err.Error(), "reading "+path+": ")
		}
		return false, "it cannot be read (" + unwrapPathError(err).Error() + ")"
	}
	if len(bytes.TrimSpace(src)) == 0 {
		return false, "it is empty"
	}
	keys := schema.YAMLTopKeys()
	var near string
	for _, m := range topKey.FindAllSubmatch(src, -1) {
		key := string(m[2])
		for _, k := range keys {
			if key == k {
				return true, ""
			}
		}
		// A key close to one of the form's, holding a block or a flow
		// collection as every key of the form does, is an attempt at a
		// farm file (farm: instead of farms:). A scenario's "farm: web"
		// holds a name.
		rest := strings.TrimSpace(strings.SplitN(string(m[4]), "#", 2)[0])
		if near == "" && (rest == "" || rest[0] == '[' || rest[0] == '{') {
			if c := schema.Closest(key, keys); c != "" {
				off := bytes.Index(src, m[0])
				line := 1 + bytes.Count(src[:off], []byte("\n"))
				near = fmt.Sprintf(" (line %d has %s:, did you mean %s:?)", line, key, c)
			}
		}
	}
	return false, "it has none of the top-level keys " + strings.Join(keys, ", ") + near
}
