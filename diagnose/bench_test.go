package diagnose

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/arrfarm/arrfarm/iislog"
	"github.com/arrfarm/arrfarm/internal/testgen"
)

// benchLog returns a generated ARR server's log: the file named by
// ARRFARM_BENCH_LOG (generated there with ARRFARM_BENCH_LINES lines when
// missing; 7,000,000 lines are about 1 GB), else a 200,000-line log in a
// temporary directory.
func benchLog(b *testing.B) string {
	b.Helper()
	path, lines := os.Getenv("ARRFARM_BENCH_LOG"), 200000
	if path == "" {
		path = filepath.Join(b.TempDir(), "u_ex240304.log")
	} else if _, err := os.Stat(path); err == nil {
		return path
	} else if n := os.Getenv("ARRFARM_BENCH_LINES"); n != "" {
		if _, err := fmt.Sscan(n, &lines); err != nil {
			b.Fatal(err)
		}
	}
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	_, err = testgen.W3C(f, lines, 42, time.Date(2024, 3, 4, 0, 0, 0, 0, time.UTC), 100, arrOutcome, false)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		b.Fatal(err)
	}
	return path
}

// arrOutcome is a day on an ARR server: lognormal service, timeouts
// at 30 s, some refused connections, a few 502.4 and backend 500s.
func arrOutcome(r *rand.Rand) testgen.Line {
	switch u := r.IntN(1000); {
	case u < 3:
		return testgen.Line{Status: 502, SubStatus: 3, Win32: 12029, TimeTaken: r.Int64N(20)}
	case u < 5:
		return testgen.Line{Status: 502, SubStatus: 4, TimeTaken: r.Int64N(3)}
	case u < 15:
		return testgen.Line{Status: 500, TimeTaken: 20 + r.Int64N(500)}
	}
	ms := int64(150 * math.Exp(1.2*r.NormFloat64()))
	if ms >= 30000 {
		return testgen.Line{Status: 502, SubStatus: 3, Win32: 12002, TimeTaken: 30000 + r.Int64N(15)}
	}
	return testgen.Line{Status: 200, TimeTaken: ms}
}

// BenchmarkDiagnose reads and diagnoses one log per iteration; MB/s is
// the throughput, peak-heap-MB the largest heap seen after the run.
func BenchmarkDiagnose(b *testing.B) {
	path := benchLog(b)
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(st.Size())
	b.ReportAllocs()
	var peak uint64
	for b.Loop() {
		rep, err := Run(iislog.Inputs{Logs: []string{path}}, Options{By: "hour"})
		if err != nil || rep.Lines == 0 {
			b.Fatal(err)
		}
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapSys)
	}
	b.ReportMetric(float64(peak)/(1<<20), "heap-sys-MB")
}
