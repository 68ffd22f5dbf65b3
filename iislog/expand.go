package iislog

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Inputs are the files named on a command line, sorted into W3C logs and
// failed-request traces.
type Inputs struct {
	Logs   []string
	Traces []string
}

// IsTrace says whether a file name is a failed-request trace's (IIS names
// them fr000001.xml, fr000002.xml, ...).
func IsTrace(name string) bool {
	base := strings.ToLower(filepath.Base(name))
	return strings.HasSuffix(base, ".xml")
}

// isLogName says whether a file found in a directory is a W3C log: IIS
// writes u_exYYMMDD.log (u_ex...._x.log with custom fields), other
// rollover schemes keep the .log extension; gzipped archives add .gz.
func isLogName(name string) bool {
	base := strings.ToLower(filepath.Base(name))
	base = strings.TrimSuffix(base, ".gz")
	return strings.HasSuffix(base, ".log")
}

// isTraceName says whether a file found in a directory is a failed-request
// trace: IIS names them fr000001.xml, ...; a copied trace may carry a
// prefix (site-fr000001.xml). Other XML (freb.xsl's neighbours,
// configurations) is left alone.
func isTraceName(name string) bool {
	base, ok := strings.CutSuffix(strings.ToLower(filepath.Base(name)), ".xml")
	if !ok {
		return false
	}
	i := strings.LastIndex(base, "fr")
	if i < 0 || i+2 == len(base) || (i > 0 && base[i-1] != '-' && base[i-1] != '_') {
		return false
	}
	for _, c := range base[i+2:] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// Expand turns files, globs and directories into the inputs to read, in a
// stable order: arguments in the order given, the files of a glob or a
// directory sorted by path. A directory is searched recursively (IIS's
// LogFiles/W3SVC<n>/u_ex*.log layout) for *.log, *.log.gz and fr*.xml. "-"
// stands for standard input and is kept as a log. A glob that matches
// nothing, a directory without logs and a missing file are errors.
func Expand(args []string) (Inputs, error) {
	var in Inputs
	seen := map[string]bool{}
	add := func(p string, trace bool) {
		if seen[p] {
			return
		}
		seen[p] = true
		if trace {
			in.Traces = append(in.Traces, p)
		} else {
			in.Logs = append(in.Logs, p)
		}
	}
	for _, a := range args {
		if a == "-" {
			add(a, false)
			continue
		}
		if strings.ContainsAny(a, "*?[") {
			m, err := filepath.Glob(a)
			if err != nil {
				return in, fmt.Errorf("log pattern %q: %w", a, err)
			}
			if len(m) == 0 {
				return in, fmt.Errorf("no file matches %s", a)
			}
			sort.Strings(m)
			for _, p := range m {
				if st, err := os.Stat(p); err == nil && st.IsDir() {
					if err := walk(p, add); err != nil {
						return in, err
					}
					continue
				}
				add(p, IsTrace(p))
			}
			continue
		}
		st, err := os.Stat(a)
		if err != nil {
			return in, fmt.Errorf("reading logs: %w", err)
		}
		if st.IsDir() {
			if err := walk(a, add); err != nil {
				return in, err
			}
			continue
		}
		add(a, IsTrace(a))
	}
	return in, nil
}

func walk(dir string, add func(string, bool)) error {
	var found []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() && (isLogName(p) || isTraceName(p)) {
			found = append(found, p)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("reading log directory %s: %w", dir, err)
	}
	if len(found) == 0 {
		return fmt.Errorf("directory %s has no IIS logs (*.log, *.log.gz) or failed-request traces (fr*.xml)", dir)
	}
	sort.Strings(found)
	for _, p := range found {
		add(p, isTraceName(p))
	}
	return nil
}

// Size is the total size on disk of the named files (0 for stdin and
// files that cannot be read), for a progress bar.
func Size(names []string) int64 {
	var n int64
	for _, p := range names {
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			n += st.Size()
		}
	}
	return n
}
