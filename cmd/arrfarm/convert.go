package main

import (
	"bytes"
	"fmt"
	"io"
	"slices"

	"github.com/arrfarm/arrfarm/internal/input"
	"github.com/arrfarm/arrfarm/internal/outfile"
	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
	"github.com/spf13/cobra"
)

func newConvertCmd(s streams) *cobra.Command {
	var to, output string
	cmd := &cobra.Command{
		Use:   "convert PATH --to yaml|xml",
		Short: "Convert farm settings between applicationHost.config XML and YAML",
		Long: `convert reads the ARR sections of an applicationHost.config (or web.config, or
the YAML form) and writes the same model in the other syntax: the webFarms
section, the global proxy section and the URL Rewrite rules. Attributes that
equal the schema default and were not written are left out. Secret values
(passwords, [enc:...:enc] blobs) are never copied: a placeholder stands in
their place and a note on stderr says so.

What the output cannot carry (outbound rules and their preconditions, Web Farm
Framework provisioning, the allowed server variables, ASP.NET Core Module,
site and authentication settings read for lint rules) is left out, each
element named with its position on stderr.

Errors in the input stop the conversion (exit 1); PATH "-" reads stdin.`,
		Example: `  arrfarm convert applicationHost.config --to yaml > farms.yaml
  arrfarm convert farms.yaml --to xml -o farms.config`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if to != "yaml" && to != "xml" {
				return fmt.Errorf(`--to must be "yaml" or "xml", not %q`, to)
			}
			doc, err := loadPath(args[0], s.in)
			if err != nil {
				return withCode(exitUsage, err)
			}
			if printFindings(s.err, doc, schema.Warning) {
				return withCode(exitFindings, fmt.Errorf("converting %s: the input has errors; fix them first (arrfarm lint %s)", args[0], args[0]))
			}
			var out bytes.Buffer
			write := schema.WriteYAML
			if to == "xml" {
				write = schema.WriteXML
			}
			n, err := write(&out, doc.Config)
			if err != nil {
				return withCode(exitInternal, fmt.Errorf("converting %s: %w", args[0], err))
			}
			dropped := append(slices.Clone(doc.Dropped), schema.NotWritten(doc.Config)...)
			slices.SortStableFunc(dropped, func(a, b schema.Dropped) int { return a.Span.Start.Offset - b.Span.Start.Offset })
			for _, d := range dropped {
				fmt.Fprintf(s.err, "%s: note: %s is left out: convert does not write it; copy it by hand\n", schema.Printable(d.Span.String()), d.Element)
			}
			if n > 0 {
				fmt.Fprintf(s.err, "note: %d secret value(s) replaced by %q, %q or %q (passwords, encrypted values, URL or address credentials); set them again in the output\n", n, schema.RedactedEncrypted, schema.Redacted, schema.Mask)
			}
			return writeOutput(s.out, output, out.Bytes())
		},
	}
	cmd.Flags().StringVar(&to, "to", "", "output syntax: yaml or xml (required)")
	cmd.Flags().StringVarP(&output, "output", "o", "", "write to FILE instead of stdout")
	_ = cmd.MarkFlagRequired("to")
	return cmd
}

// loadPath loads a configuration file, or stdin for "-".
// Both go through the bounded reader. A file with nothing to check (empty,
// or YAML that is not a farm mapping) is an error: exit 2.
func loadPath(path string, stdin io.Reader) (*schema.Document, error) {
	src, err := input.Read(path, stdin, schema.DefaultMaxBytes)
	if err != nil {
		return nil, err
	}
	name := path
	if path == input.Stdin {
		name = "<stdin>"
	}
	doc, err := schema.Load(name, src, schema.Options{})
	if err == nil && doc.Empty {
		// Checking or converting nothing must not pass as done.
		return nil, withCode(exitUsage, &lint.NoConfigError{Path: name, Reason: doc.EmptyReason})
	}
	return doc, err
}

// printFindings writes the loader's findings at or above min to w, one per
// line, and reports whether any is an error.
func printFindings(w io.Writer, doc *schema.Document, min schema.Severity) (hasErrors bool) {
	for _, f := range doc.Findings {
		if f.Severity >= min {
			fmt.Fprintf(w, "%s: %s: %s [%s]\n", schema.Printable(f.Span.String()), f.Severity, schema.Printable(f.Message), f.Rule)
		}
		hasErrors = hasErrors || f.Severity == schema.Error
	}
	return hasErrors
}

// writeOutput writes data to the file path (through outfile, as every
// file arrfarm writes), or to stdout when path is "".
func writeOutput(stdout io.Writer, path string, data []byte) error {
	if path == "" {
		_, err := stdout.Write(data)
		return err
	}
	if err := outfile.Write(path, data); err != nil {
		return withCode(exitUsage, err)
	}
	return nil
}
