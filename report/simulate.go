package report

import (
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/arrfarm/arrfarm/simulate"
)

// Simulation builds the page of one simulation: per farm, the rates, the
// time-taken distribution against the timeout, the 502 rates over time
// with the faults shaded, and the load and unhealthy time of each server.
// inputs names what was simulated.
func Simulation(res *simulate.Result, inputs string) (*Page, error) {
	page := &Page{Title: "arrfarm simulation", Inputs: fmt.Sprintf("%s; %d replication(s) of %s after a %s warm-up, seed %d",
		inputs, res.Replications, seconds(res.DurationS), seconds(res.WarmupS), res.Seed)}
	for i := range res.Farms {
		f := &res.Farms[i]
		sec, err := farmSection(f, res)
		if err != nil {
			return nil, fmt.Errorf("farm %s: %w", f.Name, err)
		}
		page.Sections = append(page.Sections, sec)
	}
	return page, nil
}

func farmSection(f *simulate.FarmResult, res *simulate.Result) (Section, error) {
	sec := Section{Heading: "farm " + f.Name}
	sec.Facts = []Fact{
		{"algorithm (as simulated)", f.Algorithm},
		{"proxy timeout", seconds(f.TimeoutS)},
		{"requests", fmt.Sprint(f.Requests)},
		{"502.3", rateText(f.Rates.R5023, res.Replications)},
		{"502.4", rateText(f.Rates.R5024, res.Replications)},
		{"503 (backend queue full, pool stopped)", rateText(f.Rates.R503, res.Replications)},
		{"time-taken", fmt.Sprintf("p50 %s, p90 %s, p99 %s, p99.9 %s, max %s",
			seconds(f.LatencyMS.P50/1e3), seconds(f.LatencyMS.P90/1e3), seconds(f.LatencyMS.P99/1e3),
			seconds(f.LatencyMS.P999/1e3), seconds(f.LatencyMS.Max/1e3))},
	}
	if f.AlgorithmNote != "" {
		sec.Notes = append(sec.Notes, "configured "+f.ConfiguredAlgorithm+"; "+f.AlgorithmNote)
	}
	// The simulator's notes are the text report's notes and warnings; the
	// ones a reader must act on are shown as warnings here too.
	for _, n := range f.Notes {
		if isWarning(n) {
			sec.Warnings = append(sec.Warnings, n)
		} else {
			sec.Notes = append(sec.Notes, n)
		}
	}

	pts := make([]CCDFPoint, len(f.TimeTaken))
	for i, p := range f.TimeTaken {
		pts[i] = CCDFPoint{Seconds: p.Seconds, Exceed: p.Exceed}
	}
	ccdf, err := PlotCCDF(pts, f.TimeoutS)
	if err != nil {
		return sec, err
	}
	series := RateSeries{StepS: f.Series.StepS, Requests: f.Series.Requests, S5023: f.Series.S5023, S5024: f.Series.S5024}
	for _, fr := range f.Faults {
		w, ok := faultWindow(fr, res.DurationS)
		if ok {
			series.Faults = append(series.Faults, w)
		}
	}
	rates, err := PlotRates(series)
	if err != nil {
		return sec, err
	}
	bars, label, share := serverBars(f)
	load, unhealthy, err := PlotServers(bars, label, share, res.DurationS)
	if err != nil {
		return sec, err
	}
	for _, fig := range []template.HTML{rates, ccdf, load, unhealthy} {
		if fig != "" {
			sec.Figures = append(sec.Figures, fig)
		}
	}
	return sec, nil
}

// isWarning picks the notes that say the result needs action or care.
func isWarning(note string) bool {
	return strings.Contains(note, "overloaded") || strings.Contains(note, "CI target not reached")
}

func rateText(r simulate.Rate, replications int) string {
	if replications < 2 {
		return percent(r.Mean) + " (one replication: no interval)"
	}
	return fmt.Sprintf("%s (95%% CI %s to %s)", percent(r.Mean), percent(r.CI95[0]), percent(r.CI95[1]))
}

func percent(x float64) string {
	if x == 0 {
		return "0%"
	}
	return trimFloat(100*x) + "%"
}

// faultWindow places a fault on the measured window's time axis; a fault
// without an end lasts to the end of the window.
func faultWindow(fr simulate.FaultResult, windowS float64) (Window, bool) {
	at, err := time.ParseDuration(fr.At)
	if err != nil {
		return Window{}, false
	}
	end := windowS
	if fr.For != "" {
		d, err := time.ParseDuration(fr.For)
		if err != nil {
			return Window{}, false
		}
		end = at.Seconds() + d.Seconds()
	}
	return Window{Start: at.Seconds(), End: end, Label: fr.Fault + " " + fr.Server}, true
}

// serverBars reads each server's load: its busy share of capacity when
// every server has a concurrency limit, else the mean number of requests
// in service (an unlimited server has no capacity to divide by).
func serverBars(f *simulate.FarmResult) (bars []ServerBar, label string, share bool) {
	share = true
	for _, s := range f.Servers {
		share = share && s.Concurrency > 0
	}
	label = "mean requests in service"
	if share {
		label = "utilization (% of capacity)"
	}
	for _, s := range f.Servers {
		load := s.MeanInService
		if share {
			load = s.Utilization
		}
		bars = append(bars, ServerBar{Address: s.Address, Load: load, UnhealthyS: s.UnhealthyS})
	}
	return bars, label, share
}
