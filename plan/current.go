package plan

import (
	"bytes"
	"fmt"
	"regexp"

	"github.com/arrfarm/arrfarm/schema"
)

// LoadCurrent loads the live configuration: an applicationHost.config, or
// the output of
//
//	appcmd list config -section:webFarms /config:* /xml
//
// (and of the same for system.webServer/proxy and
// system.webServer/rewrite/globalRules, concatenated or one per file).
// appcmd wraps each section in <appcmd><CONFIG CONFIG.SECTION="..."> and
// names a nested section's element by its path with dashes
// (<system.webServer-proxy>); the export is read as the applicationHost.config
// it stands for, with every line where it was, so that positions point
// into the export.
//
// The live file is read as an applicationHost.config whatever its name:
// the sections a plan manages (webFarms, proxy, globalRules) live there.
func LoadCurrent(name string, src []byte) (*schema.Document, error) {
	kind := schema.AppHost
	if !isAppcmdExport(src) {
		return schema.Load(name, src, schema.Options{Kind: &kind})
	}
	format := schema.XML
	return schema.Load(name, fromAppcmd(src), schema.Options{Kind: &kind, Format: &format})
}

var appcmdRoot = regexp.MustCompile(`^\s*(<\?xml[^>]*\?>\s*)?(<!--[\s\S]*?-->\s*)*<appcmd[\s>]`)

func isAppcmdExport(src []byte) bool {
	head := src[:min(len(src), 4096)]
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	return appcmdRoot.Match(head)
}

var (
	appcmdTag   = regexp.MustCompile(`</?appcmd\s*>|<appcmd\s*/>`)
	configTag   = regexp.MustCompile(`<CONFIG\b[^>]*?/?>|</CONFIG\s*>`)
	sectionOpen = regexp.MustCompile(`<([A-Za-z][A-Za-z.]*(?:-[A-Za-z][A-Za-z.]*)+)\b([^>]*?)(/?)>`)
	sectionEnd  = regexp.MustCompile(`</([A-Za-z][A-Za-z.]*(?:-[A-Za-z][A-Za-z.]*)+)\s*>`)
)

// openSections writes <a-b-c ...> as <a><b><c ...>. The longer tag takes
// its extra characters from the indentation before it, where there is
// some, so that the attributes keep their columns.
func openSections(src []byte) []byte {
	var out bytes.Buffer
	last := 0
	for _, m := range sectionOpen.FindAllSubmatchIndex(src, -1) {
		parts := bytes.Split(src[m[2]:m[3]], []byte("-"))
		grow := len(parts) - 1
		start := m[0]
		for grow > 0 && start > last && src[start-1] == ' ' {
			start--
			grow--
		}
		out.Write(src[last:start])
		for i, p := range parts {
			out.WriteByte('<')
			out.Write(p)
			if i < len(parts)-1 {
				out.WriteByte('>')
			}
		}
		out.Write(src[m[4]:m[5]])
		if m[7] > m[6] { // self-closing
			out.WriteString("/>")
			for i := len(parts) - 2; i >= 0; i-- {
				out.WriteString("</")
				out.Write(parts[i])
				out.WriteByte('>')
			}
		} else {
			out.WriteByte('>')
		}
		last = m[1]
	}
	out.Write(src[last:])
	return out.Bytes()
}

// blank replaces a match by spaces, keeping its line breaks.
func blank(b []byte) []byte {
	out := make([]byte, len(b))
	for i, c := range b {
		if c == '\n' || c == '\r' {
			out[i] = c
		} else {
			out[i] = ' '
		}
	}
	return out
}

// fromAppcmd turns an appcmd export into configuration XML.
func fromAppcmd(src []byte) []byte {
	out := appcmdTag.ReplaceAllFunc(src, func(m []byte) []byte {
		switch {
		case bytes.HasSuffix(m, []byte("/>")):
			return []byte("<configuration/>")
		case bytes.HasPrefix(m, []byte("</")):
			return []byte("</configuration>")
		}
		return []byte("<configuration>")
	})
	out = configTag.ReplaceAllFunc(out, blank)
	out = openSections(out)
	return sectionEnd.ReplaceAllFunc(out, func(m []byte) []byte {
		g := sectionEnd.FindSubmatch(m)
		parts := bytes.Split(g[1], []byte("-"))
		var b bytes.Buffer
		for i := len(parts) - 1; i >= 0; i-- {
			b.WriteString("</")
			b.Write(parts[i])
			b.WriteByte('>')
		}
		return b.Bytes()
	})
}

// Unreadable reports why doc cannot be planned from or compared at all: it
// is empty, or not well-formed XML or YAML (the model holds nothing
// trustworthy). nil when it can.
func Unreadable(doc *schema.Document) error {
	if doc.Empty {
		return fmt.Errorf("reading %s: the file is empty", doc.Lines.File())
	}
	for _, f := range doc.Findings {
		if f.Severity == schema.Error && (f.Rule == schema.RuleXMLMalformed || f.Rule == schema.RuleYAMLMalformed) {
			return fmt.Errorf("reading %s: %s: %s", doc.Lines.File(), f.Span, f.Message)
		}
	}
	return nil
}
