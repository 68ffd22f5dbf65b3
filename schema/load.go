package schema

import (
	"bytes"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
)

// DefaultMaxBytes bounds the size of a file the loaders read. A real
// applicationHost.config is well under a megabyte; the bound keeps memory
// bounded on a hostile or mistaken input.
const DefaultMaxBytes = 32 << 20

// Options tune loading.
type Options struct {
	// Kind forces the kind of file. Nil: applicationHost.config unless the
	// file is named web.config or a comment before its root element calls
	// it a web.config (as documentation snippets do).
	Kind *Kind
	// Format forces XML or YAML. Nil: by extension (.yaml, .yml), else by
	// content.
	Format *Format
	// MaxBytes overrides DefaultMaxBytes.
	MaxBytes int
}

// Document is one loaded file.
type Document struct {
	Config *Config
	// Findings are what the loader found wrong: input and schema rules,
	// each with its position. Sorted by position.
	Findings []Finding
	// Lines is the file's UTF-8 text, for printing source lines.
	Lines *Lines
	// Suppressions are the "arrfarm:ignore" comments of the file.
	Suppressions []Suppression
	// Dropped are the elements inside the sections arrfarm reads that its
	// model does not carry (outbound rules, preconditions, Web Farm
	// Framework provisioning): written back, they would be lost.
	Dropped []Dropped
	// Empty is true when the file holds nothing to check: only
	// whitespace (and, in YAML, comments and document markers), or YAML
	// whose top level is not a mapping with a key of the farm form.
	// EmptyReason says which, for "no configuration found in FILE: ...".
	Empty       bool
	EmptyReason string
}

// Load loads src, the content of the file called name (used in positions
// and to tell the kind and format of the file).
func Load(name string, src []byte, opts Options) (*Document, error) {
	sch, err := Compiled()
	if err != nil {
		return nil, err
	}
	limit := opts.MaxBytes
	if limit <= 0 {
		limit = DefaultMaxBytes
	}
	format := detectFormat(name, src, opts.Format)
	cfg := &Config{File: name, Format: format}
	doc := &Document{Config: cfg, Lines: NewLines(name, nil)}
	fail := func(rule, msg string) (*Document, error) {
		doc.Findings = append(doc.Findings, Finding{Rule: rule, Severity: Error, Span: doc.Lines.Span(0, 0), Message: msg})
		return doc, nil
	}
	malformed := RuleXMLMalformed
	if format == YAML {
		malformed = RuleYAMLMalformed
	}
	if len(src) > limit {
		return fail(malformed, fmt.Sprintf("the file is larger than %d MiB; arrfarm reads configuration files up to that size", limit>>20))
	}
	text, err := toUTF8(src)
	if err != nil {
		return fail(malformed, "the file starts with a UTF-16 byte-order mark but is not valid UTF-16")
	}
	doc.Lines = NewLines(name, text)
	if blank(text, format) {
		doc.Empty, doc.EmptyReason = true, "it is empty"
	}
	if off := validUTF8(text); off >= 0 {
		doc.Findings = append(doc.Findings, Finding{Rule: malformed, Severity: Error, Span: doc.Lines.Span(off, off+1),
			Message: "the file is not UTF-8 or UTF-16 text (invalid byte here): IIS cannot read it"})
		return doc, nil
	}
	cfg.Kind = detectKind(name, text, opts.Kind)
	b := newBuilder(sch, cfg.Kind, doc.Lines)
	base := strings.ToLower(filepath.Base(name))
	b.realFile = base == "web.config" || base == "applicationhost.config"
	var ok bool
	if format == YAML {
		// The YAML reader marks the values it takes as attributes; the
		// rest (comments, keys arrfarm does not model) is scanned here,
		// once, so that output masks by position only.
		doc.Lines.markText(0, len(text))
		doc.Lines.read(len(text))
		ok = readYAML(b, text)
	} else {
		ok = readXML(b, text)
	}
	b.flushComments()
	if b.nothing != "" && !doc.Empty {
		doc.Empty, doc.EmptyReason = true, b.nothing
	}
	if ok {
		d := &decoder{b: b}
		d.validate()
		d.config(cfg)
	}
	doc.Findings = b.findings
	doc.Dropped = b.dropped
	doc.Suppressions = b.suppressions()
	sort.SliceStable(doc.Findings, func(i, j int) bool {
		a, c := doc.Findings[i], doc.Findings[j]
		if a.Span.Start.Offset != c.Span.Start.Offset {
			return a.Span.Start.Offset < c.Span.Start.Offset
		}
		if a.Rule != c.Rule {
			return a.Rule < c.Rule
		}
		return a.Message < c.Message
	})
	return doc, nil
}

func detectFormat(name string, src []byte, force *Format) Format {
	if force != nil {
		return *force
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".yaml", ".yml":
		return YAML
	case ".config", ".xml", ".xdt":
		return XML
	}
	if t, err := toUTF8(src); err == nil && sniffXML(t) {
		return XML
	}
	return YAML
}

// detectKind tells applicationHost.config from web.config: by file name,
// else by a comment before the root element that names the file a
// web.config (documentation snippets are labelled that way).
func detectKind(name string, text []byte, force *Kind) Kind {
	if force != nil {
		return *force
	}
	base := strings.ToLower(filepath.Base(name))
	switch {
	case strings.HasSuffix(base, "web.config"):
		return WebConfig
	case strings.HasSuffix(base, "applicationhost.config"), strings.HasSuffix(base, ".xdt"):
		return AppHost
	}
	head := text
	if i := bytes.IndexAny(head, "<"); i >= 0 {
		// Skip the declaration and comments up to the root element.
		for {
			rest := head[i:]
			if bytes.HasPrefix(rest, []byte("<?")) || bytes.HasPrefix(rest, []byte("<!--")) {
				end := bytes.Index(rest, []byte(">"))
				if bytes.HasPrefix(rest, []byte("<!--")) {
					end = bytes.Index(rest, []byte("-->"))
					if end >= 0 && bytes.Contains(bytes.ToLower(rest[:end]), []byte("web.config")) {
						return WebConfig
					}
				}
				if end < 0 {
					break
				}
				j := bytes.IndexByte(rest[end:], '<')
				if j < 0 {
					break
				}
				i += end + j
				continue
			}
			break
		}
	}
	return AppHost
}

// blank reports whether text holds no content: only whitespace, and in
// YAML comments and document markers.
func blank(text []byte, format Format) bool {
	if format != YAML {
		return len(bytes.TrimSpace(text)) == 0
	}
	for _, line := range bytes.Split(text, []byte("\n")) {
		l := bytes.TrimSpace(line)
		if len(l) > 0 && l[0] != '#' && !bytes.Equal(l, []byte("---")) && !bytes.Equal(l, []byte("...")) {
			return false
		}
	}
	return true
}

// Dropped is an element the model does not carry.
type Dropped struct {
	Element string // its path from the document root, e.g. "system.webServer/rewrite/outboundRules"
	Span    Span   // where its name was written
}
