package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/require"
)

const (
	checkDir   = "../../fixtures/check/"
	checkFarm  = checkDir + "farm.yaml"
	checkQuiet = checkDir + "quiet.yaml"
	checkHang  = checkDir + "hang.yaml"
	// farmLine is where farm web starts in farm.yaml ("- name: web").
	farmLine = 5
)

// hangRate is the simulated 502.3 rate of farm.yaml under hang.yaml, read
// from simulate (same seed, same numbers), so that the tests can place a
// limit below the mean, or between the mean and the upper CI bound,
// whatever the simulator predicts.
func hangRate(t *testing.T) (mean, upper float64) {
	t.Helper()
	code, out, errs := runCLI(t, "", nil, "simulate", checkFarm, "--scenario", checkHang, "--format", "json")
	if code != 0 {
		t.Fatalf("simulate: exit %d: %s", code, errs)
	}
	var res struct {
		Farms []struct {
			Rates map[string]struct {
				Mean float64    `json:"mean"`
				CI95 [2]float64 `json:"ci95"`
			} `json:"rates"`
		} `json:"farms"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	r := res.Farms[0].Rates["502.3"]
	// A third of the traffic for 20 s of 120 s is the most a hang of one
	// server in three can cost; the health check cuts it short.
	if r.Mean <= 0 || r.Mean > 1.0/3*20/120 || r.CI95[1] <= r.Mean {
		t.Fatalf("hang.yaml: 502.3 rate %g (CI up to %g) is not in (0, 5.6%%] with an interval", r.Mean, r.CI95[1])
	}
	return r.Mean, r.CI95[1]
}

type checkCase struct {
	name  string
	args  []string
	code  int
	diags []wantDiag // in output order
}

type wantDiag struct {
	rule, severity, file string
	line                 int
}

func checkCases(t *testing.T) []checkCase {
	mean, upper := hangRate(t)
	below := fmt.Sprintf("502.3=%g%%", 100*mean/2)
	between := fmt.Sprintf("502.3=%g%%", 100*(mean+upper)/2)
	return []checkCase{
		{name: "pass", args: []string{checkFarm, "--scenario", checkQuiet, "--max", "502.3=0.1%", "--max", "502.4=0.1%", "--max", "p99=1s"}, code: 0},
		{name: "breach", args: []string{checkFarm, "--scenario", checkQuiet, "--scenario", checkHang, "--max", below}, code: 1,
			diags: []wantDiag{{"max-502.3", "error", checkFarm, farmLine}}},
		{name: "breach-within-ci", args: []string{checkFarm, "--scenario", checkHang, "--max", between}, code: 1,
			diags: []wantDiag{{"max-502.3", "warning", checkFarm, farmLine}}},
		{name: "lint-failure", args: []string{checkDir + "broken-route.yaml", "--scenario", checkQuiet}, code: 1,
			diags: []wantDiag{{"route-to-unknown-farm", "warning", checkDir + "broken-route.yaml", 18}}},
	}
}

// Every outcome (pass, breach, a limit only the CI crosses, a lint
// error) in every format gives the same exit code and the same findings,
// and SARIF validates against the official schema.
func TestCheckFormats(t *testing.T) {
	sarifSchema, err := jsonschema.NewCompiler().Compile("../../fixtures/schemas/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range checkCases(t) {
		for _, format := range []string{"text", "json", "sarif", "github"} {
			t.Run(c.name+"/"+format, func(t *testing.T) {
				code, out, errs := runCLI(t, "", nil, append([]string{"check", "--format", format}, c.args...)...)
				if code != c.code {
					t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, c.code, out, errs)
				}
				var got []wantDiag
				switch format {
				case "text":
					got = parseTextDiags(out)
					if !strings.Contains(out, "verdict") {
						t.Errorf("text output has no table of predictions:\n%s", out)
					}
				case "json":
					got = parseJSONDiags(t, out)
				case "sarif":
					inst, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
					if err != nil {
						t.Fatal(err)
					}
					if err := sarifSchema.Validate(inst); err != nil {
						t.Fatalf("SARIF does not validate: %v", err)
					}
					got = parseSARIFDiags(t, out)
				case "github":
					got = parseGitHubDiags(out)
				}
				if fmt.Sprint(got) != fmt.Sprint(c.diags) {
					t.Errorf("findings %v, want %v\noutput:\n%s", got, c.diags, out)
				}
				if format != "text" && !strings.Contains(errs, "verdict") {
					t.Errorf("the table of predictions is not on stderr:\n%s", errs)
				}
			})
		}
	}
}

var textDiag = regexp.MustCompile(`(?m)^(\S+):(\d+):\d+: (error|warning|info): .* \[(\S+)\]$`)

func parseTextDiags(out string) []wantDiag {
	var ds []wantDiag
	for _, m := range textDiag.FindAllStringSubmatch(out, -1) {
		var line int
		fmt.Sscan(m[2], &line)
		ds = append(ds, wantDiag{m[4], m[3], m[1], line})
	}
	return ds
}

func parseJSONDiags(t *testing.T, out string) []wantDiag {
	var r struct {
		Diagnostics []struct {
			Rule, Severity, File string
			Line                 int
		}
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	var ds []wantDiag
	for _, d := range r.Diagnostics {
		ds = append(ds, wantDiag{d.Rule, d.Severity, d.File, d.Line})
	}
	return ds
}

func parseSARIFDiags(t *testing.T, out string) []wantDiag {
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct{ ID, Name string }
				}
			}
			Results []struct {
				RuleID    string
				RuleIndex *int
				Level     string
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
						Region           struct{ StartLine int }
					}
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &log); err != nil {
		t.Fatal(err)
	}
	var ds []wantDiag
	run := log.Runs[0]
	for _, r := range run.Results {
		// Every result, a breach too, names a rule that tool.driver.rules
		// describes, so code scanning can show its help.
		if r.RuleIndex == nil {
			t.Fatalf("result %s has no ruleIndex into tool.driver.rules", r.RuleID)
		}
		rule := run.Tool.Driver.Rules[*r.RuleIndex].Name
		if id := run.Tool.Driver.Rules[*r.RuleIndex].ID; id != r.RuleID {
			t.Errorf("result ruleId %s, but its ruleIndex points at %s", r.RuleID, id)
		}
		loc := r.Locations[0].PhysicalLocation
		ds = append(ds, wantDiag{rule, r.Level, loc.ArtifactLocation.URI, loc.Region.StartLine})
	}
	return ds
}

var ghDiag = regexp.MustCompile(`(?m)^::(error|warning|notice) file=([^,]+),line=(\d+),.*title=(?:ARR\d+ )?([^:]+)::`)

func parseGitHubDiags(out string) []wantDiag {
	var ds []wantDiag
	for _, m := range ghDiag.FindAllStringSubmatch(out, -1) {
		var line int
		fmt.Sscan(m[3], &line)
		ds = append(ds, wantDiag{m[4], m[1], m[2], line})
	}
	return ds
}

// --fail-on moves the line for findings, a limit only the CI crosses
// among them, but never lets a breach or a configuration the simulator
// cannot run pass.
func TestCheckFailOn(t *testing.T) {
	cases := checkCases(t)
	byName := map[string]checkCase{}
	for _, c := range cases {
		byName[c.name] = c
	}
	for _, c := range []struct {
		name, failOn string
		code         int
	}{
		{"breach-within-ci", "error", 0},
		{"lint-failure", "never", 0},
		{"breach", "never", 1},
	} {
		args := append([]string{"check", "--fail-on", c.failOn}, byName[c.name].args...)
		if code, out, errs := runCLI(t, "", nil, args...); code != c.code {
			t.Errorf("%s --fail-on %s: exit %d, want %d\n%s%s", c.name, c.failOn, code, c.code, out, errs)
		}
	}
	// Not well-formed XML: a finding, and nothing to simulate.
	code, out, _ := runCLI(t, "", nil, "check", "--fail-on", "never", "../../fixtures/lint/xml-malformed/bad.xml", "--scenario", checkQuiet)
	if code != 1 || !strings.Contains(out, "xml-malformed") || !strings.Contains(out, "no scenario was simulated") {
		t.Errorf("malformed XML: exit %d, want 1 with the finding and a note:\n%s", code, out)
	}
}

func TestCheckUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"check", checkFarm},
		{"check", checkFarm, "--scenario", checkDir + "missing.yaml"},
		{"check", checkDir + "missing.yaml", "--scenario", checkQuiet},
		{"check", checkFarm, "--scenario", checkQuiet, "--max", "503.2=1%"},
		{"check", checkFarm, "--scenario", checkQuiet, "--format", "html"},
	} {
		if code, _, errs := runCLI(t, "", nil, args...); code != 2 || errs == "" {
			t.Errorf("%v: exit %d with stderr %q, want 2 and a message", args, code, errs)
		}
	}
}

// In GitHub Actions the default format is GitHub's workflow commands.
func TestCheckGitHubByDefault(t *testing.T) {
	_, out, _ := runCLI(t, "", map[string]string{"GITHUB_ACTIONS": "true"}, "check", checkDir+"broken-route.yaml", "--scenario", checkQuiet)
	if !bytes.HasPrefix([]byte(out), []byte("::warning file=")) { // the mistyped farm name is a warning
		t.Errorf("GITHUB_ACTIONS=true: output is not workflow commands:\n%s", out)
	}
}

// --assume worst fails a limit that the default reading of ARR meets but
// a flipped undocumented behaviour does not. The limit sits between the
// base rate and the worst variant's, both read from simulate --assumptions.
func TestCheckAssumeWorst(t *testing.T) {
	code, out, errs := runCLI(t, "", nil, "simulate", checkFarm, "--scenario", checkHang, "--assumptions", "--format", "json")
	if code != 0 {
		t.Fatalf("simulate --assumptions: exit %d: %s", code, errs)
	}
	var bands struct {
		Base struct {
			R struct {
				CI95 [2]float64 `json:"ci95"`
			} `json:"502.3"`
		} `json:"base"`
		Variants []struct {
			Setting string
			R       struct {
				Mean float64    `json:"mean"`
				CI95 [2]float64 `json:"ci95"`
			} `json:"502.3"`
		} `json:"variants"`
	}
	if err := json.Unmarshal([]byte(out), &bands); err != nil {
		t.Fatal(err)
	}
	worst, name := 0.0, ""
	for _, v := range bands.Variants {
		if v.R.CI95[0] > worst {
			worst, name = v.R.CI95[0], v.Setting
		}
	}
	if worst <= bands.Base.R.CI95[1] {
		t.Skipf("no variant is clearly worse than the base (base CI up to %g, best lower bound %g)", bands.Base.R.CI95[1], worst)
	}
	limit := fmt.Sprintf("502.3=%g%%", 100*(bands.Base.R.CI95[1]+worst)/2)
	code, out, errs = runCLI(t, "", nil, "check", checkFarm, "--scenario", checkHang, "--max", limit)
	if code != 0 {
		t.Errorf("--assume base with --max %s: exit %d, want 0\n%s%s", limit, code, out, errs)
	}
	code, out, _ = runCLI(t, "", nil, "check", checkFarm, "--scenario", checkHang, "--max", limit, "--assume", "worst")
	if code != 1 || !strings.Contains(out, "with "+name+"=") {
		t.Errorf("--assume worst with --max %s: exit %d, want 1 and a breach under %s\n%s", limit, code, name, out)
	}
	if code, _, _ := runCLI(t, "", nil, "check", checkFarm, "--scenario", checkHang, "--assume", "best"); code != 2 {
		t.Errorf("--assume best: exit %d, want 2", code)
	}
}

// In JUnit, check lists each limit it held as a testcase: passing when the
// prediction is within it, failing (and not also passing) when breached,
// so a CI test tab shows what the gate checked, not only what failed.
func TestCheckJUnitListsLimits(t *testing.T) {
	mean, _ := hangRate(t)
	for _, c := range []struct {
		name              string
		args              []string
		code              int
		passing, breached []string
	}{
		{"pass", []string{checkFarm, "--scenario", checkQuiet, "--max", "502.3=0.1%", "--max", "p99=1s"}, 0,
			[]string{"max-502.3", "max-p99"}, nil},
		{"breach", []string{checkFarm, "--scenario", checkHang, "--max", fmt.Sprintf("502.3=%g%%", 100*mean/2), "--max", "502.4=50%"}, 1,
			[]string{"max-502.4"}, []string{"max-502.3"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, out, errs := runCLI(t, "", nil, append([]string{"check", "--format", "junit"}, c.args...)...)
			if code != c.code {
				t.Fatalf("exit %d, want %d: %s", code, c.code, errs)
			}
			var doc junitDoc
			if err := xml.Unmarshal([]byte(out), &doc); err != nil || len(doc.Suites) != 1 {
				t.Fatalf("not one JUnit testsuite (%v):\n%s", err, out)
			}
			passing, failing := map[string]bool{}, map[string]bool{}
			for _, tc := range doc.Suites[0].Cases {
				// "ARR8001 max-502.3 ...": an ID, then the slug
				for _, name := range strings.Fields(tc.Name)[:2] {
					if tc.Failure != nil {
						failing[name] = true
					} else {
						passing[name] = true
					}
				}
			}
			for _, n := range c.passing {
				if !passing[n] || failing[n] {
					t.Errorf("%s: passing %v, failing %v", n, passing[n], failing[n])
				}
			}
			for _, n := range c.breached {
				if passing[n] || !failing[n] {
					t.Errorf("%s: passing %v, failing %v; want only a failure", n, passing[n], failing[n])
				}
			}
			if !passing["ARR2001"] {
				t.Errorf("the lint rules that ran are not listed: %v", passing)
			}
		})
	}
}

// The README's CI example, --max 502.3=0.1% --max 502.4=0 --max p99=5s,
// passes on a farm that meets it (the quiet minute: fixed 200 ms, no
// fault, so no 502 at all and p99 200 ms) and fails on one that does not
// (one server hanging 20 s of two minutes: about 5% 502.3, the fixture's
// comment). The zero limit on 502.4 is a count, so it can pass.
func TestCheckREADMEExample(t *testing.T) {
	readme := []string{"--max", "502.3=0.1%", "--max", "502.4=0", "--max", "p99=5s"}
	code, out, errs := runCLI(t, "", nil, append([]string{"check", checkFarm, "--scenario", checkQuiet}, readme...)...)
	if code != exitOK {
		t.Fatalf("quiet farm: exit %d, want 0:\n%s%s", code, out, errs)
	}
	if !regexp.MustCompile(`502\.4\s+0%\s+count 0 of \d+\s+0%\s+ok`).MatchString(out) {
		t.Errorf("quiet farm: the 502.4=0 row does not state the count it rests on:\n%s", out)
	}
	code, out, _ = runCLI(t, "", nil, append([]string{"check", checkFarm, "--scenario", checkHang}, readme...)...)
	if code != exitFindings || !strings.Contains(out, "[max-502.3]") {
		t.Errorf("hanging server: exit %d, want 1 with a max-502.3 breach:\n%s", code, out)
	}
}

// noHealthTestFarm writes a farm of n servers with no health test (no
// server is ever marked unhealthy), timing out after timeout, routed by
// one rule, and returns its path.
func noHealthTestFarm(t *testing.T, dir string, n int, timeout string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("proxy: {enabled: true}\nfarms:\n  - name: web\n    servers:\n")
	for i := range n {
		fmt.Fprintf(&b, "      - {address: 10.0.0.%d}\n", 11+i)
	}
	fmt.Fprintf(&b, "    applicationRequestRouting:\n      protocol: {timeout: %s}\n", timeout)
	b.WriteString("rules:\n  - {name: r, patternSyntax: Wildcard, match: {url: \"*\"}, action: {type: Rewrite, url: \"http://web/{R:0}\"}, stopProcessing: true}\n")
	farm := filepath.Join(dir, "farm.yaml")
	require.NoError(t, os.WriteFile(farm, []byte(b.String()), 0o600))
	return farm
}

// A farm that cannot produce 502.4 (no health test: no server is ever
// marked unhealthy) passes --max 502.4=0 even while it breaches 502.3.
func TestCheckZeroLimitWithoutHealthTest(t *testing.T) {
	farm := noHealthTestFarm(t, t.TempDir(), 3, "30s")
	_, out, _ := runCLI(t, "", nil, "check", farm, "--scenario", checkHang, "--max", "502.4=0", "--max", "502.3=0.1%")
	if !regexp.MustCompile(`502\.4\s+0%\s+count 0 of \d+\s+0%\s+ok`).MatchString(out) {
		t.Errorf("no health test: 502.4=0 does not pass on its count:\n%s", out)
	}
}

// A scenario that sends (almost) nothing fails the gate: it shows nothing
// about the farm (it used to pass with "502.3 0% ok", exit 0).
func TestCheckTooFewRequests(t *testing.T) {
	sc := filepath.Join(t.TempDir(), "idle.yaml")
	require.NoError(t, os.WriteFile(sc, []byte("farm: web\nduration: 1s\nreplications: 2\nseed: 1\narrivals: {rate: 0.000001}\nlatency: {fixed: 100ms}\n"), 0o600))
	code, out, errs := runCLI(t, "", nil, "check", checkFarm, "--scenario", sc, "--max", "502.3=0.1%", "--format", "json")
	if code != exitFindings {
		t.Fatalf("idle scenario: exit %d, want 1:\n%s%s", code, out, errs)
	}
	if !strings.Contains(out, `"id": "ARR8000"`) || !strings.Contains(out, `"rule": "too-few-requests"`) {
		t.Errorf("idle scenario: no too-few-requests finding with its ID:\n%s", out)
	}
}

// --max rejects a bare share with both readings, and a metric given twice.
func TestCheckMaxUsage(t *testing.T) {
	code, _, errs := runCLI(t, "", nil, "check", checkFarm, "--scenario", checkQuiet, "--max", "502.3=0.1")
	if code != exitUsage || !strings.Contains(errs, "0.1%") || !strings.Contains(errs, "10%") {
		t.Errorf("--max 502.3=0.1: exit %d, want 2 naming both readings: %s", code, errs)
	}
	code, _, errs = runCLI(t, "", nil, "check", checkFarm, "--scenario", checkQuiet, "--max", "502.3=0.1%", "--max", "502.3=5%")
	if code != exitUsage || !strings.Contains(errs, "already has a limit") {
		t.Errorf("502.3 twice: exit %d, want 2: %s", code, errs)
	}
	// recommend and sweep read --target through the same parser.
	for _, args := range [][]string{{"recommend"}, {"sweep", "--vary", "web.protocol.timeout=2s,4s"}} {
		cmd := args[0]
		code, _, errs = runCLI(t, "", nil, append(args, checkFarm, "--scenario", checkQuiet, "--target", "502.3=0.1")...)
		if code != exitUsage || !strings.Contains(errs, "0.1%") || !strings.Contains(errs, "10%") {
			t.Errorf("%s --target 502.3=0.1: exit %d, want 2 naming both readings: %s", cmd, code, errs)
		}
	}
	code, out, _ := runCLI(t, "", nil, "explain", "max-502.3")
	if code != exitOK || !strings.Contains(out, "ARR8001 max-502.3") {
		t.Errorf("explain max-502.3: exit %d:\n%s", code, out)
	}
}

// --until-ci settles what a short run leaves open. Service times are
// lognormal with p99 1 s and the farm times out at 1 s, with unlimited
// concurrency: exactly 1 % of requests end in 502.3, independently. Two
// replications of 30 s (about 12 such requests) cannot show a 1.3 % limit
// holds; replications added until the half-width is within 10 % of the
// mean put the upper bound near 1.1 %, below it.
func TestCheckUntilCI(t *testing.T) {
	dir := t.TempDir()
	farm, sc := noHealthTestFarm(t, dir, 2, "1s"), filepath.Join(dir, "sc.yaml")
	require.NoError(t, os.WriteFile(sc, []byte("farm: web\nduration: 30s\nreplications: 2\nseed: 3\narrivals: {rate: 20}\nlatency: {lognormal: {p50: 100ms, p99: 1s}}\n"), 0o600))
	row := regexp.MustCompile(`(?m)^\S+\s+web\s+502\.3\s+([0-9.]+)%\s+([0-9.]+)%\s+1\.3%\s+(\S+)`)
	gate := []string{"check", farm, "--scenario", sc, "--max", "502.3=1.3%", "--fail-on", "error"}

	_, out, _ := runCLI(t, "", nil, gate...)
	if m := row.FindStringSubmatch(out); m == nil || m[3] == "ok" {
		t.Fatalf("two short replications: want a verdict other than ok, got:\n%s", out)
	}
	code, out, errs := runCLI(t, "", nil, append(gate, "--until-ci", "10%")...)
	m := row.FindStringSubmatch(out)
	if code != exitOK || m == nil || m[3] != "ok" {
		t.Fatalf("--until-ci 10%%: exit %d, want 0 with the limit ok:\n%s%s", code, out, errs)
	}
	mean, upper := atof(t, m[1])/100, atof(t, m[2])/100
	if math.Abs(mean-0.01) > 0.0015 || upper > mean*1.11 {
		t.Errorf("--until-ci 10%%: 502.3 %g%% up to %g%%, want about 1%% (exact) and the upper bound within 10%% of it", 100*mean, 100*upper)
	}
	n := regexp.MustCompile(`note: scenario \S+: (\d+) replications brought the 502\.3 rate's 95% CI half-width within 10% of its mean`).FindStringSubmatch(out)
	if n == nil || atof(t, n[1]) <= 2 {
		t.Errorf("--until-ci 10%%: no note saying how many replications it took (more than the scenario's 2):\n%s", out)
	}

	_, out, _ = runCLI(t, "", nil, append(gate, "--until-ci", "1%", "--max-replications", "5")...)
	if !strings.Contains(out, "CI target not reached: after 5 replications (the cap)") {
		t.Errorf("--until-ci cut short by --max-replications: not said:\n%s", out)
	}
	for _, bad := range [][]string{{"--until-ci", "0.1"}, {"--until-ci", "0%"}, {"--until-ci", "10%", "--max-replications", "0"}} {
		if code, _, errs := runCLI(t, "", nil, append(gate, bad...)...); code != exitUsage || !strings.Contains(errs, bad[len(bad)-2]) {
			t.Errorf("%v: exit %d, want %d naming the flag: %s", bad, code, exitUsage, errs)
		}
	}
}

func atof(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	require.NoError(t, err)
	return v
}
