package diagnose

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/arrfarm/arrfarm/iislog"
	"github.com/arrfarm/arrfarm/internal/testgen"
	"github.com/arrfarm/arrfarm/schema"
)

type spec struct {
	status, sub int
	win32       int64
	count       int
	taken       func(r *rand.Rand) int64
}

// synthetic writes an ARR server's log with known counts across two header
// blocks whose field orders differ, and returns the time-taken values of
// each group.
func synthetic(t *testing.T, seed uint64, specs []spec) (string, map[string][]int64) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 1))
	type line struct {
		s     spec
		taken int64
	}
	var lines []line
	for _, s := range specs {
		for range s.count {
			lines = append(lines, line{s, s.taken(r)})
		}
	}
	r.Shuffle(len(lines), func(i, j int) { lines[i], lines[j] = lines[j], lines[i] })
	var b bytes.Buffer
	values := map[string][]int64{}
	start := time.Date(2024, 3, 4, 10, 0, 0, 0, time.UTC)
	half := len(lines) / 2
	b.WriteString("#Software: Microsoft Internet Information Services 10.0\n#Version: 1.0\n#Date: 2024-03-04 10:00:00\n")
	b.WriteString("#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken\n")
	for i, l := range lines {
		at := start.Add(time.Duration(i) * 100 * time.Millisecond)
		if i == half {
			b.WriteString("#Software: Microsoft Internet Information Services 10.0\n#Fields: time-taken sc-win32-status sc-substatus sc-status c-ip cs-uri-stem time date s-computername\n")
		}
		if i < half {
			fmt.Fprintf(&b, "%s %s 10.0.0.1 GET /api/%d - 443 - 192.0.2.%d Mozilla/5.0+(X) - %d %d %d %d\n",
				at.Format("2006-01-02"), at.Format("15:04:05"), i%7, i%5, l.s.status, l.s.sub, l.s.win32, l.taken)
		} else {
			fmt.Fprintf(&b, "%d %d %d %d 192.0.2.%d /api/%d %s %s ARR01\n",
				l.taken, l.s.win32, l.s.sub, l.s.status, i%5, i%7, at.Format("15:04:05"), at.Format("2006-01-02"))
		}
		k := fmt.Sprintf("%d.%d/%d", l.s.status, l.s.sub, l.s.win32)
		values[k] = append(values[k], l.taken)
	}
	p := filepath.Join(t.TempDir(), "u_ex240304.log")
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p, values
}

// nearestRank is the textbook nearest-rank percentile.
func nearestRank(v []int64, q float64) int64 {
	s := slices.Clone(v)
	slices.Sort(s)
	return s[int(math.Ceil(q*float64(len(s))))-1]
}

var arrMix = []spec{
	{200, 0, 0, 5000, func(r *rand.Rand) int64 { return int64(math.Exp(4 + r.NormFloat64())) }},
	{502, 3, 12002, 40, func(r *rand.Rand) int64 { return 29900 + r.Int64N(120) }},
	{502, 3, 12029, 25, func(r *rand.Rand) int64 { return 1 + r.Int64N(15) }},
	{502, 4, 0, 15, func(r *rand.Rand) int64 { return r.Int64N(3) }},
	{500, 0, 0, 60, func(r *rand.Rand) int64 { return 50 + r.Int64N(900) }},
}

func TestSyntheticARRLog(t *testing.T) {
	p, values := synthetic(t, 7, arrMix)
	rep, err := Run(iislog.Inputs{Logs: []string{p}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, s := range arrMix {
		total += s.count
	}
	if rep.Lines != int64(total) || rep.SkippedLines != 0 || len(rep.Groups) != len(arrMix) || !rep.ARRBox {
		t.Fatalf("lines %d skipped %d groups %d arrbox %v", rep.Lines, rep.SkippedLines, len(rep.Groups), rep.ARRBox)
	}
	// Sorted by count, descending: the order of arrMix by count.
	order := []int{0, 4, 1, 2, 3}
	for i, g := range rep.Groups {
		s := arrMix[order[i]]
		if g.Status != s.status || g.Substatus != s.sub || g.Win32 != s.win32 || g.Count != int64(s.count) {
			t.Errorf("group %d: %s count %d, want %d.%d/%d count %d", i, g.code(), g.Count, s.status, s.sub, s.win32, s.count)
			continue
		}
		if want := float64(s.count) / float64(total); g.Share != want {
			t.Errorf("%s share %v, want %v", g.code(), g.Share, want)
		}
		v := values[fmt.Sprintf("%d.%d/%d", s.status, s.sub, s.win32)]
		want := Percentiles{nearestRank(v, 0.5), nearestRank(v, 0.9), nearestRank(v, 0.99), slices.Max(v)}
		if *g.TimeTaken != want {
			t.Errorf("%s time-taken %+v, want %+v", g.code(), *g.TimeTaken, want)
		}
		if g.Meaning == "" {
			t.Errorf("%s has no meaning", g.code())
		}
	}
	if !strings.Contains(rep.Groups[2].Meaning, "ERROR_WINHTTP_TIMEOUT") || !strings.Contains(rep.Groups[4].Meaning, "No Server") {
		t.Errorf("meanings: %q / %q", rep.Groups[2].Meaning, rep.Groups[4].Meaning)
	}
}

const farmConfig = `<configuration>
  <webFarms>
    <webFarm name="web" enabled="true">
      <server address="10.0.0.11" enabled="true" />
      <server address="10.0.0.12" enabled="true" />
      <applicationRequestRouting>
        <protocol timeout="00:00:30" />
        <healthCheck url="http://web/health" interval="00:00:05" />
      </applicationRequestRouting>
    </webFarm>
  </webFarms>
</configuration>
`

func TestConfigLinks(t *testing.T) {
	p, _ := synthetic(t, 8, arrMix)
	doc, err := schema.Load("applicationHost.config", []byte(farmConfig), schema.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(iislog.Inputs{Logs: []string{p}}, Options{Config: doc.Config, By: "server"})
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range rep.Groups {
		switch g.code() {
		case "502.3 / 12002":
			// The timeout value starts on line 7 (the protocol element), column 28: 8 spaces and `<protocol timeout="` before it.
			if g.Farm != "web" || g.Position != "applicationHost.config:7:28" || !strings.Contains(g.Link, "matches farm web's 30 s timeout (applicationHost.config:7:28)") {
				t.Errorf("12002 link: farm %q position %q link %q", g.Farm, g.Position, g.Link)
			}
		case "502.4 / 0":
			if g.Farm != "web" || !strings.Contains(g.Link, "no server of farm web was eligible then") || !strings.Contains(g.Link, "applicationHost.config:8:9") {
				t.Errorf("502.4 link: %q", g.Link)
			}
		}
		var n int64
		for _, b := range g.By {
			n += b.Count
		}
		if n != g.Count {
			t.Errorf("%s: by server adds up to %d of %d", g.code(), n, g.Count)
		}
	}
}

func TestTracesAttributeBackends(t *testing.T) {
	dir := t.TempDir()
	servers := []string{"10.0.0.11", "10.0.0.12", "10.0.0.13"}
	want := map[string]int64{}
	r := rand.New(rand.NewPCG(3, 3))
	var names []string
	for i := range 30 {
		s := servers[r.IntN(len(servers))]
		code, sub, taken := int64(12002), 3, 30000
		if i%3 == 0 {
			code, taken = 12029, 2
		}
		want[s]++
		var b bytes.Buffer
		testgen.Trace(&b, testgen.TraceSpec{URL: "http://shop/cart", Status: 502, SubStatus: sub, StatusAsDot: i%2 == 0,
			ErrorCode: code, TimeTaken: taken, Farm: "web", Server: s, At: time.Date(2024, 1, 1, 0, 0, i, 0, time.UTC)})
		p := filepath.Join(dir, fmt.Sprintf("fr%06d.xml", i+1))
		os.WriteFile(p, b.Bytes(), 0o644)
		names = append(names, p)
	}
	in, err := iislog.Expand([]string{dir})
	if err != nil || len(in.Traces) != 30 {
		t.Fatalf("expand: %v %+v", err, in)
	}
	rep, err := Run(in, Options{By: "server"})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for _, g := range rep.Groups {
		if g.Status != 502 || g.Farm != "web" {
			t.Errorf("group %s farm %q", g.code(), g.Farm)
		}
		for _, b := range g.By {
			got[b.Key] += b.Count
		}
	}
	if rep.Traces != 30 || rep.Attributed != 30 || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("traces %d attributed %d by server %v, want %v", rep.Traces, rep.Attributed, got, want)
	}
	_ = names
}

func TestJSONContract(t *testing.T) {
	p, _ := synthetic(t, 9, arrMix[:2])
	rep, err := Run(iislog.Inputs{Logs: []string{p}}, Options{By: "hour"})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	rep.WriteJSON(&b)
	var out struct {
		Files        *int   `json:"files"`
		Lines        *int64 `json:"lines"`
		SkippedLines *int64 `json:"skipped_lines"`
		Traces       *int   `json:"traces"`
		Groups       []map[string]any
	}
	if err := json.Unmarshal(b.Bytes(), &out); err != nil {
		t.Fatal(err)
	}
	if out.Files == nil || *out.Lines != 5040 || out.SkippedLines == nil || out.Traces == nil || len(out.Groups) != 2 {
		t.Fatalf("%s", b.String())
	}
	for _, k := range []string{"status", "substatus", "win32", "count", "share", "time_taken_ms", "meaning", "advice", "by"} {
		if _, ok := out.Groups[1][k]; !ok {
			t.Errorf("group lacks %q: %v", k, out.Groups[1])
		}
	}
	tt := out.Groups[1]["time_taken_ms"].(map[string]any)
	for _, k := range []string{"p50", "p90", "p99", "max"} {
		if _, ok := tt[k]; !ok {
			t.Errorf("time_taken_ms lacks %q", k)
		}
	}
}

func TestCorpusDiagnose(t *testing.T) {
	in, err := iislog.Expand([]string{"../fixtures/logs"})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(in, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// 3 logs: 1 + 253 + 567 records (see iislog's corpus test), 2 traces.
	if rep.Files != 5 || rep.Traces != 2 || rep.Lines != 3+253+567+2 || rep.SkippedLines != 2 || rep.ARRBox {
		t.Errorf("files %d traces %d lines %d skipped %d arr %v", rep.Files, rep.Traces, rep.Lines, rep.SkippedLines, rep.ARRBox)
	}
}

func TestBadBy(t *testing.T) {
	if _, err := Run(iislog.Inputs{Logs: []string{"x"}}, Options{By: "farm"}); err == nil || !strings.Contains(err.Error(), "url, hour, server, client") {
		t.Errorf("--by farm: %v", err)
	}
}
