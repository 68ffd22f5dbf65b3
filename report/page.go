// Package report draws simulation results as one self-contained HTML page:
// plots made with gonum/plot, embedded as inline SVG, with no script and
// no network access. It takes plain data (simulate.Result and the small
// types of this package) and knows nothing about how it was computed.
package report

import (
	"fmt"
	"html/template"
	"io"

	"github.com/arrfarm/arrfarm/schema"
)

// Page is one report.
type Page struct {
	Title string
	// Inputs name what was simulated ("farm.yaml with peak.yaml").
	Inputs string
	// Warnings are printed above everything, in the same words as the
	// text report.
	Warnings []string
	Sections []Section
}

// Section is one farm, or one varied setting.
type Section struct {
	Heading  string
	Facts    []Fact
	Notes    []string
	Warnings []string
	Figures  []template.HTML
}

// Fact is one labelled number in a section's table.
type Fact struct{ Label, Value string }

// Write renders the page. Its text is made safe first (printable): the
// template escapes HTML, not secrets or control characters.
func (p *Page) Write(w io.Writer) error {
	if err := pageTemplate.Execute(w, p.printable()); err != nil {
		return fmt.Errorf("writing the HTML report: %w", err)
	}
	return nil
}

var pageTemplate = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body { font-family: "Liberation Sans", Arial, Helvetica, sans-serif; margin: 2em auto; max-width: 60em; color: #222; padding: 0 1em; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; }
h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ccc; }
.inputs { color: #555; }
.warning { background: #fff4e0; border-left: 4px solid #e08a00; padding: 0.5em 0.8em; margin: 0.5em 0; }
.note { color: #555; margin: 0.3em 0; }
table { border-collapse: collapse; margin: 0.8em 0; }
td { padding: 0.15em 1em 0.15em 0; vertical-align: top; }
td:first-child { color: #555; }
figure { margin: 1em 0; }
svg { width: 100%; height: auto; }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
<p class="inputs">{{.Inputs}}</p>
{{range .Warnings}}<p class="warning">{{.}}</p>
{{end}}{{range .Sections}}<section>
<h2>{{.Heading}}</h2>
{{range .Warnings}}<p class="warning">{{.}}</p>
{{end}}{{if .Facts}}<table>
{{range .Facts}}<tr><td>{{.Label}}</td><td>{{.Value}}</td></tr>
{{end}}</table>
{{end}}{{range .Notes}}<p class="note">note: {{.}}</p>
{{end}}{{range .Figures}}<figure>{{.}}</figure>
{{end}}</section>
{{end}}</body>
</html>
`))

// printable returns a copy of p whose text has secrets masked and control
// characters escaped (schema.Printable): the inputs name files, which may
// hold anything, and headings, facts and notes quote farm names and
// server addresses. Text that is already printable stays as it is.
func (p *Page) printable() *Page {
	out := *p
	out.Title = schema.Printable(p.Title)
	out.Inputs = schema.Printable(p.Inputs)
	out.Warnings = printableAll(p.Warnings)
	out.Sections = make([]Section, len(p.Sections))
	for i, sec := range p.Sections {
		sec.Heading = schema.Printable(sec.Heading)
		sec.Notes = printableAll(sec.Notes)
		sec.Warnings = printableAll(sec.Warnings)
		facts := make([]Fact, len(sec.Facts))
		for j, f := range sec.Facts {
			facts[j] = Fact{schema.Printable(f.Label), schema.Printable(f.Value)}
		}
		sec.Facts = facts
		out.Sections[i] = sec
	}
	return &out
}

func printableAll(ss []string) []string {
	if ss == nil {
		return nil
	}
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = schema.Printable(s)
	}
	return out
}
