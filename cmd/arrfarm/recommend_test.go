package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat/distuv"
)

const (
	recCorpus   = "../../fixtures/corpus/kevinareed-bluegreen-alwaysup-sites-farm-healthcheck-rules.xml"
	recPeak     = "../../fixtures/recommend/peak.yaml"
	recOverload = "../../fixtures/recommend/overloaded.yaml"
	// recTwo is a two-server farm with every value recommend sets
	// written (the corpus farm above is blue/green: one active server).
	recTwo = "../../fixtures/recommend/written.xml"
)

func TestRecommendJSONContract(t *testing.T) {
	code, out, stderr := runCLI(t, "", nil, "recommend", recTwo, "--scenario", recPeak, "--format", "json")
	require.Equal(t, exitOK, code, stderr)
	var res struct {
		Target map[string]float64 `json:"target"`
		Farms  []map[string]any   `json:"farms"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &res))
	assert.Equal(t, map[string]float64{"502.3": 0.001}, res.Target)
	require.Len(t, res.Farms, 1)
	f := res.Farms[0]
	assert.Equal(t, "web", f["name"])
	for _, k := range []string{"timeout", "healthCheck", "capacity", "overloaded", "reasons"} {
		assert.Contains(t, f, k)
	}
	to := f["timeout"].(map[string]any)
	for _, k := range []string{"current_s", "recommended_s", "min_meeting_s", "percentile_rule_s", "predicted_502_3"} {
		assert.Contains(t, to, k)
	}
	assert.EqualValues(t, 30, to["current_s"])
	assert.NotNil(t, to["recommended_s"])
	// README's peak hour: 6 s is the smallest meeting 0.1 % (the percentile
	// rule, p99.9 of a lognormal with p50 120 ms and p99 2 s, is 5.04 s,
	// and queueing only adds), and the current 30 s meets it: kept.
	assert.GreaterOrEqual(t, to["min_meeting_s"], 6.0)
	assert.EqualValues(t, 30, to["recommended_s"])
	hc := f["healthCheck"].(map[string]any)
	for _, k := range []string{"interval_s", "timeout_s", "minServers"} {
		assert.Contains(t, hc, k)
	}
	c := f["capacity"].(map[string]any)
	for _, k := range []string{"servers", "servers_n_plus_1", "predicted_502_3", "predicted_503"} {
		assert.Contains(t, c, k)
	}
	assert.Equal(t, false, f["overloaded"])
	// The set simulated together carries every rate it is judged by:
	// 503 (a backend's full request queue) beside 502.3 and 502.4.
	set := f["set"].(map[string]any)
	for _, k := range []string{"predicted_502_3", "predicted_502_4", "predicted_503", "meets"} {
		assert.Contains(t, set, k)
	}
}

// overloaded.yaml offers the corpus farm's one active server 100 req/s
// of 50 ms work on one slot: 5 times what it can serve, so no setting
// meets the target: the report is written in full, and the exit is 1.
func TestRecommendOverloadedEveryFormat(t *testing.T) {
	for _, format := range []string{"text", "json", "patch"} {
		code, out, stderr := runCLI(t, "", nil, "recommend", recCorpus, "--scenario", recOverload, "--format", format)
		require.Equal(t, exitFindings, code, stderr)
		assert.Contains(t, lastLine(stderr), "farm alwaysup MISSES the target", format)
		assert.Contains(t, out, "overloaded", format)
		if format == "json" {
			assert.Contains(t, out, `"recommended_s": null`)
		}
		if format == "patch" {
			assert.NotContains(t, out, "<protocol", "no timeout for an overloaded farm")
		}
	}
}

// --write on a real corpus config: only the recommended attribute values
// change, the mode stays, and --format patch shows the same change.
func TestRecommendWriteInPlace(t *testing.T) {
	orig := []byte(`<configuration>
  <webFarms>
    <webFarm name="web" enabled="true">
      <server address="10.0.0.11" enabled="true" />
      <server address="10.0.0.12" enabled="true" />
      <server address="10.0.0.13" enabled="true" />
      <applicationRequestRouting>
        <healthCheck url="http://web/health" interval="00:00:01" />
      </applicationRequestRouting>
    </webFarm>
  </webFarms>
</configuration>
`)
	dir := t.TempDir()
	path := filepath.Join(dir, "applicationHost.config")
	require.NoError(t, os.WriteFile(path, orig, 0o600))
	require.NoError(t, os.Chmod(path, 0o600))

	code, patch, stderr := runCLI(t, "", nil, "recommend", path, "--scenario", recPeak, "--format", "patch")
	require.Equal(t, exitOK, code, stderr)
	code, _, stderr = runCLI(t, "", nil, "recommend", path, "--scenario", recPeak, "--write")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stderr, "wrote")
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	info, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm(), "the file keeps its mode")

	// Every changed line is one the patch names, and each holds only the
	// attributes recommend sets.
	var removed, added []string
	for _, l := range strings.Split(patch, "\n") {
		switch {
		case strings.HasPrefix(l, "---"), strings.HasPrefix(l, "+++"):
		case strings.HasPrefix(l, "-"):
			removed = append(removed, l[1:])
		case strings.HasPrefix(l, "+"):
			added = append(added, l[1:])
		}
	}
	require.NotEmpty(t, added)
	origLines, gotLines := strings.Split(string(orig), "\n"), strings.Split(string(got), "\n")
	for _, l := range removed {
		assert.Contains(t, origLines, l)
		assert.NotContains(t, gotLines, l)
	}
	for _, l := range added {
		assert.Contains(t, gotLines, l)
		assert.Regexp(t, `^\s*<(protocol|healthCheck) `, l)
	}
	assert.Equal(t, len(origLines)+len(added)-len(removed), len(gotLines))

	// A second run has nothing left to change.
	code, patch2, stderr := runCLI(t, "", nil, "recommend", path, "--scenario", recPeak, "--format", "patch")
	require.Equal(t, exitOK, code, stderr)
	assert.NotContains(t, patch2, "@@", "the written file already holds the recommendation")
}

// A farm with no enabled server: exit 1, a message that says why, and
// --write leaves the file as it was.
func TestRecommendNoServer(t *testing.T) {
	orig := []byte("farms:\n  - name: web\n    servers:\n      - {address: 10.0.0.1, enabled: false}\n    applicationRequestRouting:\n      protocol: {timeout: 30s}\n")
	path := filepath.Join(t.TempDir(), "farm.yaml")
	require.NoError(t, os.WriteFile(path, orig, 0o644))
	code, out, stderr := runCLI(t, "", nil, "recommend", path, "--scenario", recPeak, "--write")
	assert.Equal(t, exitFindings, code)
	assert.Contains(t, stderr, "no enabled server")
	assert.Contains(t, stderr, "nothing was written")
	assert.Contains(t, out, "skipped:")
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, orig, got)
}

func TestRecommendUsage(t *testing.T) {
	for _, args := range [][]string{
		{"recommend", recCorpus},
		{"recommend", recCorpus, "--scenario", recPeak, "--latency", recPeak},
		{"recommend", recCorpus, "--scenario", recPeak, "--target", "502.4=1%"},
		{"recommend", recCorpus, "--scenario", recPeak, "--format", "xml"},
		{"recommend", "-", "--scenario", recPeak, "--write"},
	} {
		code, _, stderr := runCLI(t, "", nil, args...)
		assert.Equal(t, exitUsage, code, "%v: %s", args, stderr)
	}
}

func TestRecommendNoFarm(t *testing.T) {
	code, _, stderr := runCLI(t, "", nil, "recommend", "../../fixtures/corpus/netlah-echoserviceapi-site-webconfig-rule-to-web-farm-name.xml", "--scenario", recPeak)
	assert.Equal(t, exitFindings, code)
	assert.Contains(t, stderr, "defines no webFarm")
}

// --latency alone: the M/G/inf case, with no capacity.
func TestRecommendLatencyOnly(t *testing.T) {
	code, out, stderr := runCLI(t, "", nil, "recommend", recCorpus, "--latency", recPeak, "--target", "1%", "--format", "json")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, out, `"servers": null`)
	assert.Contains(t, out, "capacity needs traffic")
}

// --latency with backend IIS logs: the service times are those of
// successful requests (2xx/3xx with win32 0), and the confidence is the
// log's: with n samples the rate at timeout T is k/n for the k samples at
// or above T, bounded by the one-sided 95 % Clopper-Pearson interval. The
// log has 607 lines; the test counts the usable ones itself. At 0.1 % no
// sample of that size can show the target is met (the bound with k = 0 is
// 1 - 0.05^(1/n), about 3/n, ~0.5 %), so no timeout meets it; at 1 % the
// smallest whole second meeting it is the one the formula gives.
func TestRecommendLatencyFromLogs(t *testing.T) {
	const log = "../../fixtures/logs/webknowit-iis85-w3svc1-u_ex151020.log"
	src, err := os.ReadFile(log)
	require.NoError(t, err)
	var ms []float64
	all := 0
	for _, line := range strings.Split(string(src), "\n") {
		f := strings.Fields(line)
		if len(f) != 15 || strings.HasPrefix(line, "#") {
			continue
		}
		all++
		status, _ := strconv.Atoi(f[11])
		win32, _ := strconv.Atoi(f[13])
		tt, _ := strconv.ParseFloat(f[14], 64)
		if status >= 200 && status < 400 && win32 == 0 {
			ms = append(ms, tt)
		}
	}
	n := len(ms)
	require.Less(t, n, all, "the log has lines that are not service times")
	floor := 1 - math.Pow(0.05, 1/float64(n))
	require.Greater(t, floor, 0.001)
	require.Less(t, floor, 0.01)

	type answer struct {
		Farms []struct {
			Timeout struct {
				RecommendedS *int `json:"recommended_s"`
				MinMeetingS  *int `json:"min_meeting_s"`
			}
			Reasons []string
		}
	}
	// No timeout can be shown to meet 0.1 % (floor above): a breach, exit 1.
	code, out, stderr := runCLI(t, "", nil, "recommend", recCorpus, "--latency", log, "--target", "0.1%", "--format", "json")
	require.Equal(t, exitFindings, code, stderr)
	assert.Contains(t, lastLine(stderr), "farm alwaysup MISSES the target 0.100%")
	var strict answer
	require.NoError(t, json.Unmarshal([]byte(out), &strict))
	require.Len(t, strict.Farms, 1)
	assert.Nil(t, strict.Farms[0].Timeout.MinMeetingS)
	assert.Nil(t, strict.Farms[0].Timeout.RecommendedS)
	why := strings.Join(strict.Farms[0].Reasons, "\n")
	assert.Contains(t, why, fmt.Sprintf("has %d usable samples", n))
	// The rate seen is within the target; only the bound the sample can
	// give is not, and the reason says that rather than "it is still 0%".
	assert.Contains(t, why, "keeps 502.3 under 0.100% with 95% confidence")
	assert.NotContains(t, why, "it is still")
	assert.NotContains(t, why, "fail whatever the timeout", "no request fails whatever the timeout here")

	code, out, stderr = runCLI(t, "", nil, "recommend", recCorpus, "--latency", log, "--target", "1%", "--format", "json")
	require.Equal(t, exitOK, code, stderr)
	var lax answer
	require.NoError(t, json.Unmarshal([]byte(out), &lax))
	want := 0
	for T := 1; want == 0; T++ {
		k := 0
		for _, x := range ms {
			if x >= float64(T)*1000 {
				k++
			}
		}
		upper := 1.0
		if k < n {
			upper = distuv.Beta{Alpha: float64(k + 1), Beta: float64(n - k)}.Quantile(0.95)
		}
		if upper <= 0.01 {
			want = T
		}
	}
	require.NotNil(t, lax.Farms[0].Timeout.MinMeetingS, "%v", lax.Farms[0].Reasons)
	assert.Equal(t, want, *lax.Farms[0].Timeout.MinMeetingS)
}

func TestSweepFormats(t *testing.T) {
	args := []string{"sweep", recCorpus, "--scenario", recPeak, "--vary", "alwaysup.protocol.timeout=2s,5s", "--vary", "scenario.arrivals.rate=100,200", "--set", "scenario.duration=1m", "--set", "scenario.replications=3"}
	code, out, stderr := runCLI(t, "", nil, append(args, "--format", "csv")...)
	require.Equal(t, exitOK, code, stderr)
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 5, "a header and a 2 x 2 grid")
	// Durations are seconds as numbers, so a spreadsheet sorts and plots them.
	assert.Equal(t, []string{"alwaysup.protocol.timeout_s", "scenario.arrivals.rate"}, rows[0][:2])
	assert.Equal(t, []string{"2", "100"}, rows[1][:2])
	assert.Equal(t, []string{"2", "200"}, rows[2][:2], "the last --vary changes fastest")
	assert.Equal(t, []string{"5", "100"}, rows[3][:2])

	code, out, stderr = runCLI(t, "", nil, append(args, "--format", "json")...)
	require.Equal(t, exitOK, code, stderr)
	var res struct {
		Points []struct {
			Values []string
			Rates  map[string]struct{ Mean float64 }
		}
	}
	require.NoError(t, json.Unmarshal([]byte(out), &res))
	require.Len(t, res.Points, 4)
	assert.Greater(t, res.Points[0].Rates["502.3"].Mean, res.Points[2].Rates["502.3"].Mean, "a 2 s timeout fails more than 5 s")

	code, out, stderr = runCLI(t, "", nil, append(args, "--format", "text")...)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, out, "same random streams")

	code, _, stderr = runCLI(t, "", nil, "sweep", recCorpus, "--scenario", recPeak, "--vary", "alwaysup.protocol.timeout=5s..1s/1s")
	assert.Equal(t, exitUsage, code, stderr)
}

// A sweep point where a server is busy at or above its capacity is marked
// as simulate marks it. overloaded.yaml: 50 ms of work on single-slot
// backends, two servers: 10 req/s is 25 % of capacity, 100 req/s is 250 %.
func TestSweepMarksOverloadedPoints(t *testing.T) {
	args := []string{"sweep", recTwo, "--scenario", recOverload, "--vary", "scenario.arrivals.rate=10,100", "--set", "scenario.replications=2"}
	code, out, stderr := runCLI(t, "", nil, args...)
	require.Equal(t, exitOK, code, stderr)
	lines := strings.Split(out, "\n")
	var low, high string
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "10 "):
			low = l
		case strings.HasPrefix(l, "100 "):
			high = l
		}
	}
	assert.NotContains(t, low, "OVERLOADED", out)
	assert.Contains(t, high, "OVERLOADED", out)
	assert.Contains(t, out, "OVERLOADED: at 1 point(s)")

	code, out, stderr = runCLI(t, "", nil, append(args, "--format", "csv")...)
	require.Equal(t, exitOK, code, stderr)
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	require.NoError(t, err)
	require.Len(t, rows, 3)
	last := len(rows[0]) - 1
	assert.Equal(t, "overloaded", rows[0][last])
	assert.Equal(t, []string{"false", "true"}, []string{rows[1][last], rows[2][last]})
}

// lastLine is the last line of a command's stderr.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

// over503.yaml (its comment works the figures out): 2000 req/s of 100 ms
// work on written.xml's two servers of 64 slots, which serve 1280 req/s:
// once the request queues are full about 36 % of requests get 503, and
// the target is 0.1 %. Nothing meets it: recommend exits 1 with a last
// line that names the farm and the rate that misses, every format is
// written in full, and --write leaves the file as it was.
func TestRecommendMissExitsOne(t *testing.T) {
	const over503 = "../../fixtures/recommend/over503.yaml"
	for _, format := range []string{"text", "json", "patch"} {
		code, out, stderr := runCLI(t, "", nil, "recommend", recTwo, "--scenario", over503, "--format", format)
		require.Equal(t, exitFindings, code, "%s: %s", format, stderr)
		last := lastLine(stderr)
		assert.Regexp(t, `^arrfarm: recommending for .*written\.xml: farm web MISSES the target 0\.100%: .* 503 3\d\.\d+%`, last, format)
		assert.Contains(t, last, "nothing was changed for it")
		switch format {
		case "text":
			assert.Contains(t, out, "together ")
			assert.Contains(t, out, "MISSES the target")
		case "json":
			var res struct {
				Farms []struct {
					Set struct {
						Meets bool `json:"meets"`
					} `json:"set"`
				} `json:"farms"`
			}
			require.NoError(t, json.Unmarshal([]byte(out), &res), out)
			require.Len(t, res.Farms, 1)
			assert.False(t, res.Farms[0].Set.Meets)
		case "patch":
			assert.Contains(t, out, "# farm web MISSES the target")
			assert.NotContains(t, out, "@@", "nothing is changed")
		}
	}

	orig, err := os.ReadFile(recTwo)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "written.xml")
	require.NoError(t, os.WriteFile(path, orig, 0o644))
	code, _, stderr := runCLI(t, "", nil, "recommend", path, "--scenario", over503, "--write")
	assert.Equal(t, exitFindings, code, stderr)
	assert.NotContains(t, stderr, "wrote")
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, orig, got)
}

// Two farms under one scenario: "big" has the four servers over503.yaml's
// 2000 req/s needs (2000 x 0.1 s = 200 busy slots on 4 x 64 = 256: 78 %
// busy), "small" the two that leave 36 % turned away. --write changes
// "big" (its health check is written with values recommend replaces) and
// nothing of "small", and the exit is 1, naming "small" alone.
func TestRecommendMissOneFarmOfTwo(t *testing.T) {
	cfg := `<configuration>
  <webFarms>
    <webFarm name="big" enabled="true">
      <server address="10.0.0.11" enabled="true" />
      <server address="10.0.0.12" enabled="true" />
      <server address="10.0.0.13" enabled="true" />
      <server address="10.0.0.14" enabled="true" />
      <applicationRequestRouting>
        <protocol timeout="00:00:30" />
        <healthCheck url="http://big/health" interval="00:00:30" timeout="00:00:30" minServers="0" />
      </applicationRequestRouting>
    </webFarm>
    <webFarm name="small" enabled="true">
      <server address="10.0.1.11" enabled="true" />
      <server address="10.0.1.12" enabled="true" />
      <applicationRequestRouting>
        <protocol timeout="00:00:30" />
        <healthCheck url="http://small/health" interval="00:00:30" timeout="00:00:30" minServers="0" />
      </applicationRequestRouting>
    </webFarm>
  </webFarms>
</configuration>
`
	src, err := os.ReadFile("../../fixtures/recommend/over503.yaml")
	require.NoError(t, err)
	dir := t.TempDir()
	sc := filepath.Join(dir, "sc.yaml")
	// Without farm: the scenario drives each farm in turn.
	require.NoError(t, os.WriteFile(sc, []byte(strings.Replace(string(src), "farm: web\n", "", 1)), 0o644))
	path := filepath.Join(dir, "applicationHost.config")
	require.NoError(t, os.WriteFile(path, []byte(cfg), 0o644))

	code, _, stderr := runCLI(t, "", nil, "recommend", path, "--scenario", sc, "--write")
	require.Equal(t, exitFindings, code, stderr)
	last := lastLine(stderr)
	assert.Contains(t, last, "farm small MISSES the target")
	assert.NotContains(t, last, "farm big")
	assert.Contains(t, stderr, "wrote ")
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	small := cfg[strings.Index(cfg, `<webFarm name="small"`):]
	assert.Contains(t, string(got), small, "farm small is left as written")
	assert.NotEqual(t, cfg, string(got), "farm big's recommendation is written")
}
