package simulate

import (
	"fmt"
	"html/template"
	"io"
	"math"
	"strings"
)

// WriteHTML writes one self-contained page (inline SVG, no scripts, no
// network) with the result's plots: 502 rates over time, time-taken
// percentiles against the proxy timeout, and per-server load. title names
// the inputs.
func (r *Result) WriteHTML(w io.Writer, title string) error {
	type farmPage struct {
		Name, Algorithm, Note      string
		Notes                      []string
		Requests                   int64
		R5023, R5024               string
		Timeline, Latency, Servers template.HTML
	}
	var farms []farmPage
	for i := range r.Farms {
		f := &r.Farms[i]
		farms = append(farms, farmPage{
			Name: f.Name, Algorithm: f.Algorithm, Note: f.AlgorithmNote, Notes: f.Notes, Requests: f.Requests,
			R5023:    fmtRate(f.Rates.R5023),
			R5024:    fmtRate(f.Rates.R5024),
			Timeline: timelineSVG(f),
			Latency:  latencySVG(f),
			Servers:  serversSVG(f),
		})
	}
	return htmlPage.Execute(w, map[string]any{
		"Title": title, "Seed": r.Seed, "Replications": r.Replications, "Duration": r.DurationS, "Farms": farms,
	})
}

func fmtRate(x Rate) string {
	if x.Bound == "rule_of_three" {
		return fmt.Sprintf("0%% (none seen; 95%% upper bound %.4f%%, rule of three)", 100*x.CI95[1])
	}
	return fmt.Sprintf("%.4f%% (95%% CI %.4f%% to %.4f%%)", 100*x.Mean, 100*x.CI95[0], 100*x.CI95[1])
}

const (
	plotW, plotH = 720.0, 220.0
	padL, padB   = 56.0, 28.0
)

// timelineSVG plots the per-second share of requests that got 502.3 and
// 502.4 over the measured window.
func timelineSVG(f *FarmResult) template.HTML {
	s := f.Series
	n := len(s.Requests)
	if n == 0 {
		return ""
	}
	share := func(bad []uint64) []float64 {
		out := make([]float64, n)
		for i := range out {
			if i < len(bad) && s.Requests[i] > 0 {
				out[i] = float64(bad[i]) / float64(s.Requests[i])
			}
		}
		return out
	}
	a, b := share(s.S5023), share(s.S5024)
	top := 0.0
	for i := range a {
		top = math.Max(top, math.Max(a[i], b[i]))
	}
	if top == 0 {
		top = 0.01
	}
	var sb strings.Builder
	svgOpen(&sb, "502 share of requests, per second")
	axes(&sb, fmt.Sprintf("%.3g%%", 100*top), "0", fmt.Sprintf("%.0f s", float64(n)*s.StepS))
	line := func(v []float64, color string) {
		sb.WriteString(`<polyline fill="none" stroke="` + color + `" stroke-width="1.5" points="`)
		for i, y := range v {
			fmt.Fprintf(&sb, "%.1f,%.1f ", padL+(plotW-padL)*float64(i)/float64(max(n-1, 1)), (plotH-padB)*(1-y/top))
		}
		sb.WriteString(`"/>`)
	}
	line(a, "#c0392b")
	line(b, "#8e44ad")
	legend(&sb, [][2]string{{"#c0392b", "502.3"}, {"#8e44ad", "502.4"}})
	sb.WriteString("</svg>")
	return template.HTML(sb.String())
}

// latencySVG draws the time-taken percentiles on a log scale with the
// farm's proxy timeout marked.
func latencySVG(f *FarmResult) template.HTML {
	p := f.LatencyMS
	vals := []struct {
		name string
		ms   float64
	}{{"p50", p.P50}, {"p90", p.P90}, {"p99", p.P99}, {"p99.9", p.P999}, {"max", p.Max}}
	hi := math.Max(p.Max, f.TimeoutS*1000) * 1.2
	lo := 1.0
	if hi <= lo {
		return ""
	}
	right := plotW - 90 // room for the value labels
	x := func(ms float64) float64 {
		return padL + (right-padL)*math.Log10(math.Max(ms, lo)/lo)/math.Log10(hi/lo)
	}
	var sb strings.Builder
	svgOpen(&sb, "time-taken percentiles (log scale) and the proxy timeout")
	for i, v := range vals {
		y := 12 + float64(i)*34
		fmt.Fprintf(&sb, `<text x="4" y="%.0f" font-size="12">%s</text><rect x="%.0f" y="%.0f" width="%.1f" height="22" fill="#2e86c1"/><text x="%.1f" y="%.0f" font-size="11">%s</text>`,
			y+15, v.name, padL, y, math.Max(x(v.ms)-padL, 1), x(v.ms)+4, y+15, fmtMS(v.ms))
	}
	tx := x(f.TimeoutS * 1000)
	fmt.Fprintf(&sb, `<line x1="%.1f" y1="0" x2="%.1f" y2="%.0f" stroke="#c0392b" stroke-dasharray="4 3"/><text x="%.1f" y="%.0f" font-size="11" fill="#c0392b" text-anchor="middle">timeout %s</text>`,
		tx, tx, plotH-padB+4, tx, plotH-6, fmtMS(f.TimeoutS*1000))
	sb.WriteString("</svg>")
	return template.HTML(sb.String())
}

func fmtMS(ms float64) string {
	if ms >= 1000 {
		return fmt.Sprintf("%.3g s", ms/1000)
	}
	return fmt.Sprintf("%.3g ms", ms)
}

// serversSVG draws each server's share of requests and its 502.3 count.
func serversSVG(f *FarmResult) template.HTML {
	if len(f.Servers) == 0 {
		return ""
	}
	top := int64(1)
	for _, s := range f.Servers {
		top = max(top, s.Requests)
	}
	h := 24*float64(len(f.Servers)) + 30
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" role="img"><title>requests and 502.3 per server</title>`, plotW, h)
	for i, s := range f.Servers {
		y := 6 + float64(i)*24
		// 130 px of address on the left, about 300 of figures on the right.
		wReq := (plotW - 440) * float64(s.Requests) / float64(top)
		wBad := (plotW - 440) * float64(s.S5023) / float64(top)
		// The same figures as the text report: util as a share of
		// capacity, or the mean in service when concurrency is unlimited.
		load := fmt.Sprintf("%.2f in service", s.MeanInService)
		if s.Utilization != nil {
			load = fmt.Sprintf("util %.0f%%", 100**s.Utilization)
		}
		fmt.Fprintf(&sb, `<text x="4" y="%.0f" font-size="12">%s</text><rect x="130" y="%.0f" width="%.1f" height="18" fill="#85c1e9"/><rect x="130" y="%.0f" width="%.1f" height="18" fill="#c0392b"/><text x="%.1f" y="%.0f" font-size="11">%d req, %d 502.3, %s, %.0f s unhealthy</text>`,
			y+13, template.HTMLEscapeString(s.Address), y, math.Max(wReq, 1), y, wBad, 134+wReq, y+13, s.Requests, s.S5023, load, s.UnhealthyS)
	}
	sb.WriteString("</svg>")
	return template.HTML(sb.String())
}

func svgOpen(sb *strings.Builder, title string) {
	fmt.Fprintf(sb, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" role="img"><title>%s</title>`, plotW, plotH, template.HTMLEscapeString(title))
}

func axes(sb *strings.Builder, yTop, yBottom, xRight string) {
	fmt.Fprintf(sb, `<line x1="%.0f" y1="0" x2="%.0f" y2="%.0f" stroke="#555"/><line x1="%.0f" y1="%.0f" x2="%.0f" y2="%.0f" stroke="#555"/>`,
		padL, padL, plotH-padB, padL, plotH-padB, plotW, plotH-padB)
	fmt.Fprintf(sb, `<text x="2" y="12" font-size="11">%s</text><text x="2" y="%.0f" font-size="11">%s</text><text x="%.0f" y="%.0f" font-size="11" text-anchor="end">%s</text>`,
		yTop, plotH-padB, yBottom, plotW, plotH-8, xRight)
}

func legend(sb *strings.Builder, items [][2]string) {
	for i, it := range items {
		x := plotW - 150 + float64(i)*70
		fmt.Fprintf(sb, `<rect x="%.0f" y="4" width="10" height="10" fill="%s"/><text x="%.0f" y="13" font-size="11">%s</text>`, x, it[0], x+14, it[1])
	}
}

var htmlPage = template.Must(template.New("report").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>arrfarm simulation: {{.Title}}</title>
<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:800px;color:#222}h2{margin-top:2em}p.note{color:#7d3c98}</style>
</head><body>
<h1>arrfarm simulation</h1>
<p>{{.Title}}: seed {{.Seed}}, {{.Replications}} replications of {{.Duration}} s each (after warm-up).</p>
{{range .Farms}}
<h2>Farm {{.Name}}</h2>
<p>{{.Requests}} requests, balanced by {{.Algorithm}}.<br>
502.3: {{.R5023}}<br>502.4: {{.R5024}}</p>
{{if .Note}}<p class="note">{{.Note}}</p>{{end}}{{range .Notes}}<p class="note">{{.}}</p>{{end}}
<h3>502 over time</h3>{{.Timeline}}
<h3>Time-taken</h3>{{.Latency}}
<h3>Servers</h3>{{.Servers}}
{{end}}
</body></html>
`))
