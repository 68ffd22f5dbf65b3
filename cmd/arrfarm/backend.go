package main

import (
	"fmt"
	"io"

	"github.com/spf13/pflag"

	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

// --backend ADDRESS[:PORT]=PATH ties the configuration file of a farm
// server on another machine to the farm: lint reads a web.config's
// settings for the backend rules, and the commands that simulate
// (simulate, check, recommend, sweep) read the queueLength of the pool
// that serves the server in the machine's applicationHost.config. One
// parser (lint.ParseBackend), one reader (loadPath, the bounded reader)
// and one merge (lint.WithBackends) serve all five.

// addSimBackendFlag adds --backend to a command that simulates.
func addSimBackendFlag(f *pflag.FlagSet, v *[]string) {
	f.StringArrayVar(v, "backend", nil, "ADDRESS[:PORT]=PATH: the applicationHost.config of the farm server at ADDRESS (another machine), whose pool's queueLength the simulation uses (repeatable)")
}

// simBackendHelp is the paragraph of --help that says what --backend does
// for the commands that simulate.
const simBackendHelp = `A farm server on another machine runs in an application pool of that
machine: --backend ADDRESS=PATH (or ADDRESS:PORT=PATH; repeatable) gives
its applicationHost.config, and the queueLength of the pool of the site
bound to the server's httpPort there is the server's http.sys queue, as
for a site of this machine (simulate and check print a note naming its
file:line:col). A scenario's servers.ADDRESS.queueLength still wins.
check also lints the file with the farm, as lint --backend does. ADDRESS
is the server's address as the farm writes it; one no farm server has is
a usage error.`

// parseBackend reads one --backend value, ADDRESS[:PORT]=PATH
// (lint.ParseBackend); a malformed value is a usage error.
func parseBackend(v string) (b schema.BackendFile, path string, err error) {
	addr, port, path, err := lint.ParseBackend(v)
	if err != nil {
		return b, "", withCode(exitUsage, fmt.Errorf("--backend %w", err))
	}
	return schema.BackendFile{Address: addr, Port: port}, path, nil
}

// loadBackend loads the file of a parsed --backend value through
// loadPath (the bounded reader, as every configuration is read).
func loadBackend(b schema.BackendFile, path string, stdin io.Reader) (schema.BackendFile, error) {
	doc, err := loadPath(path, stdin)
	if err != nil {
		return b, fmt.Errorf("--backend %s=%s: %w", schema.BackendLocation(b), path, err)
	}
	b.Doc = doc
	return b, nil
}

// unmatchedBackend is the error for a --backend file whose address (and
// port) no farm server of the configuration has.
func unmatchedBackend(b schema.BackendFile) error {
	where := schema.BackendLocation(b)
	return fmt.Errorf("--backend %s=%s: no farm server of the configuration has address %s", where, b.Doc.Lines.File(), where)
}

// backendNote says how a --backend file was read: a web.config paired
// with its machine's applicationHost.config (b.Host) names the site whose
// root it is.
func backendNote(b schema.BackendFile) string {
	kind := "web.config"
	switch {
	case schema.IsAppHostFile(b.Doc.Lines.File()):
		kind = "applicationHost.config"
	case b.Host != nil:
		kind = fmt.Sprintf("root web.config of site %q of %s", b.Site, b.Host.Doc.Lines.File())
	}
	return fmt.Sprintf("%s read as the %s of farm server %s (another machine)", b.Doc.Lines.File(), kind, schema.BackendLocation(b))
}

// readBackends reads every --backend value of a command that simulates.
// A malformed value or an unreadable file is a usage error (exit 2).
// When stopOnErrors, a file with error-level findings stops the command
// (exit 1) as the configuration's do; check lints them instead.
func readBackends(s streams, values []string, doing string, stopOnErrors bool) ([]schema.BackendFile, error) {
	var out []schema.BackendFile
	for _, v := range values {
		b, path, err := parseBackend(v)
		if err != nil {
			return nil, err
		}
		if b, err = loadBackend(b, path, s.in); err != nil {
			return nil, withCode(exitUsage, err)
		}
		if stopOnErrors && printFindings(s.err, b.Doc, schema.Error) {
			f := b.Doc.Lines.File()
			return nil, withCode(exitFindings, fmt.Errorf("%s: the --backend file %s has errors (see above; arrfarm lint %s)", doing, f, f))
		}
		out = append(out, b)
	}
	return out, nil
}

// joinBackends merges the backend files into doc (lint.WithBackends); a
// file no farm server of doc has is a usage error, as in lint.
func joinBackends(doc *schema.Document, backends []schema.BackendFile) (*schema.Document, error) {
	if len(backends) == 0 {
		return doc, nil
	}
	merged, used, err := lint.WithBackends(doc, backends)
	if err != nil {
		return nil, withCode(exitUsage, fmt.Errorf("--backend: %w", err))
	}
	for i, b := range backends {
		if _, ok := used[i]; !ok {
			return nil, withCode(exitUsage, unmatchedBackend(b))
		}
	}
	return merged, nil
}

// sources maps the file names of a report's diagnostics to their text:
// the configuration's and every backend file's.
func sources(doc *schema.Document, backends []schema.BackendFile) map[string]*schema.Lines {
	m := map[string]*schema.Lines{doc.Lines.File(): doc.Lines}
	for _, b := range backends {
		m[b.Doc.Lines.File()] = b.Doc.Lines
	}
	return m
}
