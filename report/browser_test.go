package report

import (
	"bytes"
	"context"
	"fmt"

	"html/template"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/arrfarm/arrfarm/internal/input"
	"github.com/arrfarm/arrfarm/recommend"
	"github.com/arrfarm/arrfarm/schema"
	"github.com/arrfarm/arrfarm/simulate"
)

// artifactDir is where the rendered pages and their screenshots are kept
// for a person to look at: $ARRFARM_ARTIFACTS, else testdata-out (not
// committed; see .gitignore).
func artifactDir(t *testing.T) string {
	dir := os.Getenv("ARRFARM_ARTIFACTS")
	if dir == "" {
		dir = "testdata-out"
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// chromium finds Debian's headless browser. Locally the test skips without
// it; CI (.ci/run) installs it and sets ARRFARM_REQUIRE_BROWSER=1, so there
// a missing browser fails instead of passing silently.
func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("ARRFARM_REQUIRE_BROWSER") == "1" {
		t.Fatal("chromium is not installed, and ARRFARM_REQUIRE_BROWSER=1 says this run must render the HTML reports")
	}
	t.Skip("chromium is not installed: the HTML reports are not rendered (apt-get install -y chromium)")
	return ""
}

// render loads file in headless Chromium and returns the DOM after load,
// the console messages (a page without scripts should print none: any
// message is a failed load or a parse error) and a screenshot's path.
func render(t *testing.T, bin, file string, height int) (dom string, console []string, shot string) {
	t.Helper()
	shot = strings.TrimSuffix(file, ".html") + ".png"
	common := []string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run",
		"--enable-logging=stderr", "--v=0", "--hide-scrollbars",
	}
	runChromium := func(args ...string) (string, string) {
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, bin, append(append(common, "--user-data-dir="+t.TempDir()), args...)...)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Run(); err != nil {
			t.Fatalf("chromium %v: %v\n%s", args, err, errb.String())
		}
		return out.String(), errb.String()
	}
	url := "file://" + file
	dom, errs := runChromium("--dump-dom", url)
	_, errs2 := runChromium("--screenshot="+shot, fmt.Sprintf("--window-size=1000,%d", height), url)
	for _, line := range strings.Split(errs+errs2, "\n") {
		if strings.Contains(line, ":CONSOLE") {
			console = append(console, line)
		}
	}
	return dom, console, shot
}

var (
	svgElement = regexp.MustCompile(`(?s)<svg\b.*?</svg>`)
	pathData   = regexp.MustCompile(`<path[^>]*\sd="M[^"]+"`)
)

// checkRendered asserts that the page has wantSVG plots, each with drawn
// paths and the given texts, no console message, and a screenshot that is
// not blank.
func checkRendered(t *testing.T, bin, name string, page *Page, wantSVG int, texts ...string) {
	t.Helper()
	file := filepath.Join(artifactDir(t), name+".html")
	var b bytes.Buffer
	if err := page.Write(&b); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	dom, console, shot := render(t, bin, file, 400+600*wantSVG)
	if len(console) > 0 {
		t.Errorf("%s: console messages:\n%s", name, strings.Join(console, "\n"))
	}
	svgs := svgElement.FindAllString(dom, -1)
	if len(svgs) != wantSVG {
		t.Fatalf("%s: %d <svg> in the rendered DOM, want %d", name, len(svgs), wantSVG)
	}
	for i, s := range svgs {
		if n := len(pathData.FindAllString(s, -1)); n < 10 {
			t.Errorf("%s: plot %d has %d drawn paths: empty", name, i+1, n)
		}
	}
	for _, text := range texts {
		if !strings.Contains(dom, text) {
			t.Errorf("%s: the rendered page does not say %q", name, text)
		}
	}
	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: screenshot: %v", name, err)
	}
	var ink, all int
	bounds := img.Bounds()
	for y := bounds.Min.Y; y < bounds.Max.Y; y += 2 {
		for x := bounds.Min.X; x < bounds.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r < 0xe000 || g < 0xe000 || bl < 0xe000 {
				ink++
			}
			all++
		}
	}
	if share := float64(ink) / float64(all); share < 0.01 {
		t.Errorf("%s: screenshot %s is %.2f%% ink: blank", name, shot, 100*share)
	}
	t.Logf("%s: %d plots rendered; screenshot %s", name, len(svgs), shot)
}

func TestBrowserSimulationPage(t *testing.T) {
	bin := chromium(t)
	res := simulateFixture(t, "../fixtures/check/farm.yaml", "../fixtures/check/hang.yaml")
	page, err := Simulation(res, "farm.yaml with hang.yaml")
	if err != nil {
		t.Fatal(err)
	}
	checkRendered(t, bin, "simulation", page, 4,
		"time into the measured window (min:s)", "t = time-taken (log scale)", "proxy timeout 30s",
		"fault windows", "mean requests in service", "unhealthy time per replication (s)", "10.0.0.12")
}

func TestBrowserCurvePage(t *testing.T) {
	bin := chromium(t)
	// A made-up curve: the page must draw whatever it is given.
	var pts []CurvePoint
	for x := 5.0; x <= 60; x += 5 {
		m := 0.02 * math.Exp(-x/10)
		pts = append(pts, CurvePoint{X: x, Mean: m, Lo: m * 0.8, Hi: m * 1.2})
	}
	fig, err := PlotCurve(Curve{Title: "502.3 against the proxy timeout", XLabel: "protocol timeout (s)",
		Points: pts, Target: 0.001, Mark: 35, MarkLabel: "recommended 35s"})
	if err != nil {
		t.Fatal(err)
	}
	page := &Page{Title: "curve", Sections: []Section{{Heading: "farm web", Figures: []template.HTML{fig}}}}
	checkRendered(t, bin, "curve", page, 1, "protocol timeout (s)", "target 0.1%", "recommended 35s")
}

// A page that writes to the console is caught: the check above can fail.
func TestBrowserCatchesConsoleMessages(t *testing.T) {
	bin := chromium(t)
	file := filepath.Join(t.TempDir(), "console.html")
	if err := os.WriteFile(file, []byte(`<!DOCTYPE html><p>x</p><img src="missing.png"><script>console.error("boom")</script>`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, console, _ := render(t, bin, file, 600)
	if len(console) == 0 {
		t.Fatal("a console.error and a missing image produced no console message: the check is blind")
	}
}

func simulateFixture(t *testing.T, config, scenario string) *simulate.Result {
	t.Helper()
	cfg, sc := loadFixture(t, config, scenario)
	res, err := simulate.Run(cfg, sc, simulate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func loadFixture(t *testing.T, config, scenario string) (*schema.Config, *simulate.Scenario) {
	t.Helper()
	cfgSrc, err := input.ReadFile(config, 0)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := schema.Load(config, cfgSrc, schema.Options{})
	if err != nil {
		t.Fatal(err)
	}
	src, err := input.ReadFile(scenario, 0)
	if err != nil {
		t.Fatal(err)
	}
	sc, fs, err := simulate.LoadScenario(scenario, src)
	if err != nil || len(fs) > 0 {
		t.Fatalf("loading %s: %v %v", scenario, err, fs)
	}
	return doc.Config, sc
}

func TestBrowserRecommendationPage(t *testing.T) {
	bin := chromium(t)
	cfg, sc := loadFixture(t, "../fixtures/sim/web3.yaml", "../fixtures/sim/faults.yaml")
	res, err := recommend.Recommend(cfg, sc, recommend.Options{Target: 0.001})
	if err != nil {
		t.Fatal(err)
	}
	page, err := Recommendation(res, "web3.yaml with faults.yaml")
	if err != nil {
		t.Fatal(err)
	}
	checkRendered(t, bin, "recommend", page, 2, "protocol/@timeout (s)", "target 0.1%", "servers", "502.3 against the proxy timeout")
}

func TestBrowserSweepPage(t *testing.T) {
	bin := chromium(t)
	load := func() (*schema.Config, *simulate.Scenario, error) {
		cfg, sc := loadFixture(t, "../fixtures/sim/web3.yaml", "../fixtures/recommend/peak.yaml")
		return cfg, sc, nil
	}
	vary, err := recommend.ParseVary("web.protocol.timeout=1s..8s/1s")
	if err != nil {
		t.Fatal(err)
	}
	res, err := recommend.Sweep(load, []recommend.Vary{vary}, simulate.Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Target = 0.001
	page, err := Sweep(res, "web3.yaml with peak.yaml")
	if err != nil {
		t.Fatal(err)
	}
	checkRendered(t, bin, "sweep", page, 1, "web.protocol.timeout (s)", "target 0.1%", "502.3 (mean, 95% CI)")
}
