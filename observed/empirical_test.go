package observed

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/arrfarm/arrfarm/internal/testgen"
	"github.com/arrfarm/arrfarm/latency"
	"github.com/arrfarm/arrfarm/schema"
	"github.com/arrfarm/arrfarm/simulate"
)

// backendLog writes a backend's log whose time-taken is lognormal with
// median 2 s and sigma 1: about 0.34 % of requests take longer than 30 s.
func backendLog(t *testing.T, n int) (string, []int64) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "u_ex240304.log")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	var taken []int64
	_, err = testgen.W3C(f, n, 11, time.Date(2024, 3, 4, 0, 0, 0, 0, time.UTC), 50, func(r *rand.Rand) testgen.Line {
		ms := int64(2000 * math.Exp(r.NormFloat64()))
		taken = append(taken, ms)
		return testgen.Line{Status: 200, TimeTaken: ms}
	}, false)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	return p, taken
}

func share(v []int64, above int64) float64 {
	n := 0
	for _, x := range v {
		if x > above {
			n++
		}
	}
	return float64(n) / float64(len(v))
}

// M/G/inf: with unlimited concurrency nothing queues, so a request times
// out exactly when its own service time exceeds the timeout, whatever the
// order of arrivals. Resampling the log must give the log's own share.
func TestEmpiricalReproducesTheLogsShare(t *testing.T) {
	p, taken := backendLog(t, 20000)
	want := share(taken, 30000)
	src, err := os.ReadFile("../fixtures/sim/web3.yaml")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := schema.Load("web3.yaml", src, schema.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sc, fs, err := simulate.LoadScenario("s.yaml", []byte("duration: 5m\nreplications: 10\nseed: 3\narrivals: {rate: 200}\n"+
		"latency: {empirical: {log: \""+p+"\"}}\n"))
	if err != nil || len(fs) > 0 {
		t.Fatal(err, fs)
	}
	res, err := simulate.Run(doc.Config, sc, simulate.Options{Samples: Samples})
	if err != nil {
		t.Fatal(err)
	}
	r := res.Farms[0].Rates.R5023
	if want < r.CI95[0] || want > r.CI95[1] {
		t.Errorf("log's share above 30 s %.4f%%, simulated 502.3 %.4f%% CI [%.4f%%, %.4f%%]", 100*want, 100*r.Mean, 100*r.CI95[0], 100*r.CI95[1])
	}
}

func TestLintSourceReportsTheLogsPercentile(t *testing.T) {
	p, taken := backendLog(t, 5000)
	src, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	d, ok := src.Farm(nil, &schema.Farm{Name: "web"})
	if !ok {
		t.Fatal("no distribution")
	}
	s := slices.Clone(taken)
	slices.Sort(s)
	for _, q := range []float64{0.5, 0.99, 0.999} {
		want := time.Duration(s[int(math.Ceil(q*float64(len(s))))-1]) * time.Millisecond
		if got := d.Quantile(q); got != want {
			t.Errorf("p%v = %v, the log's nearest-rank value is %v", 100*q, got, want)
		}
	}
	if !strings.Contains(src.Name(), "5000 requests") || strings.Contains(src.Name(), "ARR server") {
		t.Errorf("name %q", src.Name())
	}
}

func TestARRBoxLogIsCensored(t *testing.T) {
	p := filepath.Join(t.TempDir(), "arr.log")
	f, _ := os.Create(p)
	testgen.W3C(f, 2000, 5, time.Date(2024, 3, 4, 0, 0, 0, 0, time.UTC), 20, func(r *rand.Rand) testgen.Line {
		ms := int64(2000 * math.Exp(r.NormFloat64()))
		switch {
		case ms >= 30000:
			return testgen.Line{Status: 502, SubStatus: 3, Win32: 12002, TimeTaken: 30000 + r.Int64N(20)}
		case r.IntN(100) == 0:
			return testgen.Line{Status: 502, SubStatus: 4, TimeTaken: 1}
		}
		return testgen.Line{Status: 200, TimeTaken: ms}
	}, false)
	f.Close()
	o, err := ReadLogs(latency.EmpiricalSpec{Log: p, Status: "200-399"})
	if err != nil {
		t.Fatal(err)
	}
	if !o.ARRBox || o.Sample.CensoredLen() == 0 || o.Skipped == 0 {
		t.Fatalf("ARR box %v, censored %d, skipped %d", o.ARRBox, o.Sample.CensoredLen(), o.Skipped)
	}
	src := logSource{o}
	if !strings.Contains(src.Name(), "censored at ARR's timeout") || !strings.Contains(src.Name(), "looks like an ARR server's log") {
		t.Errorf("name %q", src.Name())
	}
	// The censored lognormal fit recovers the backend's distribution
	// although every sample above 30 s was cut.
	m := o.Sample.FitLognormal()
	if math.Abs(m.Median.Seconds()-2) > 0.2 || math.Abs(m.Sigma-1) > 0.1 {
		t.Errorf("fit median %v sigma %v, want about 2s and 1", m.Median, m.Sigma)
	}
}

func TestEmpiricalSpecErrors(t *testing.T) {
	p, _ := backendLog(t, 10)
	for spec, want := range map[latency.EmpiricalSpec]string{
		{Log: p, Status: "2xx"}:                            "not a status or a range",
		{Log: p, URL: "/nothing/*"}:                        "no line of",
		{Log: filepath.Dir(p) + "/*.txt"}:                  "no file matches",
		{Log: "../fixtures/logkinds/HTTPERR/httperr1.log"}: "no request line in ../fixtures/logkinds/HTTPERR/httperr1.log: ../fixtures/logkinds/HTTPERR/httperr1.log is an HTTP.sys error log",
		{Log: "../fixtures/logkinds/LogFiles/FTPSVC2"}:     "is an FTP log",
	} {
		if _, err := ReadLogs(spec); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%+v: %v, want %q", spec, err, want)
		}
	}
	if !wildcard("/api/*", "/API/orders/7") || wildcard("/api/*", "/web/a") || !wildcard("*.aspx", "/a/b.aspx") {
		t.Error("wildcard")
	}
}

func TestScenarioPointingAtLogs(t *testing.T) {
	p, _ := backendLog(t, 2000)
	direct, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	via, err := ParseScenario("s.yaml", []byte("latency: {empirical: {log: \""+p+"\"}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	f := &schema.Farm{Name: "web"}
	a, _ := direct.Farm(nil, f)
	b, _ := via.Farm(nil, f)
	if a.Quantile(0.99) != b.Quantile(0.99) || a.Exceed(30*time.Second) != b.Exceed(30*time.Second) {
		t.Errorf("a scenario's empirical latency reads differently from --latency on the same log")
	}
}
