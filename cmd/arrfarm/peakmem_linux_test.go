//go:build linux

package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/arrfarm/arrfarm/internal/testgen"
	"github.com/arrfarm/arrfarm/schema"
)

// TestPeakMemoryChild is the child process of BenchmarkPeakMemory: it lints
// one file, so that the parent can read the child's peak RSS from the
// kernel. It does nothing in a normal test run.
func TestPeakMemoryChild(t *testing.T) {
	path := os.Getenv("ARRFARM_PEAKMEM_FILE")
	if path == "" {
		t.Skip("child of BenchmarkPeakMemory only")
	}
	code := run([]string{"lint", "--fail-on", "never", path}, streams{in: strings.NewReader(""), out: io.Discard, err: os.Stderr}, func(string) string { return "" })
	if code != exitOK {
		t.Fatalf("lint exited %d", code)
	}
}

// BenchmarkPeakMemory measures the peak resident memory of a whole lint of
// a generated ~20 MB applicationHost.config and the same farms as ~20 MB of
// YAML, in a child process per run (peak RSS is per process). The issue's
// goal is peak < 15 x input + 50 MB; the metrics report peak MB, the ratio
// peak/input and the time per MB.
func BenchmarkPeakMemory(b *testing.B) {
	dir := b.TempDir()
	xml := testgen.Config(13000, 10) // ~20 MB
	doc, err := schema.Load("applicationHost.config", xml, schema.Options{})
	if err != nil || len(doc.Findings) != 0 {
		b.Fatalf("generated config: %v %v", err, doc.Findings)
	}
	var yml bytes.Buffer
	if _, err := schema.WriteYAML(&yml, doc.Config); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		src  []byte
	}{{"applicationHost.config", xml}, {"farms.yaml", yml.Bytes()}} {
		path := filepath.Join(dir, c.name)
		if err := os.WriteFile(path, c.src, 0o644); err != nil {
			b.Fatal(err)
		}
		b.Run(c.name, func(b *testing.B) {
			var peak int64
			var wall time.Duration
			for b.Loop() {
				cmd := exec.Command(os.Args[0], "-test.run=^TestPeakMemoryChild$", "-test.count=1")
				cmd.Env = append(os.Environ(), "ARRFARM_PEAKMEM_FILE="+path)
				start := time.Now()
				if out, err := cmd.CombinedOutput(); err != nil {
					b.Fatalf("child: %v\n%s", err, out)
				}
				wall += time.Since(start)
				ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
				peak = max(peak, ru.Maxrss<<10) // kilobytes on Linux
			}
			mb := float64(len(c.src)) / (1 << 20)
			b.ReportMetric(float64(peak)/(1<<20), "peak-MB")
			b.ReportMetric(float64(peak)/float64(len(c.src)), "peak/input")
			b.ReportMetric(15*mb+50, "goal-MB")
			b.ReportMetric(wall.Seconds()/float64(b.N)/mb*1000, "ms/input-MB")
		})
	}
}
