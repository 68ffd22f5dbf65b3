//go:build linux

package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/arrfarm/arrfarm/internal/testgen"
	"github.com/arrfarm/arrfarm/schema"
)

// TestPeakMemoryChild is the child process of BenchmarkPeakMemory: it lints
// one file, so that the parent can read the child's peak RSS from the
// kernel. It does nothing in a normal test run.
func TestPeakMemoryChild(t *testing.T) {
	path, args := os.Getenv("ARRFARM_PEAKMEM_FILE"), os.Getenv("ARRFARM_PEAKMEM_ARGS")
	if path == "" && args == "" {
		t.Skip("child of BenchmarkPeakMemory only")
	}
	argv := []string{"lint", "--fail-on", "never", path}
	if args != "" {
		argv = strings.Split(args, "\n")
	}
	code := run(argv, streams{in: strings.NewReader(""), out: io.Discard, err: os.Stderr}, func(string) string { return "" })
	if code != exitOK {
		t.Fatalf("%s exited %d", argv[0], code)
	}
	// VmHWM is this process's own peak: the rusage the parent gets from
	// wait4 also counts the parent's memory at the fork (Linux folds the
	// old address space's peak in at exec), and the parent holds the
	// generated inputs.
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			fmt.Println("PEAK", strings.TrimSpace(strings.TrimPrefix(line, "VmHWM:")))
		}
	}
}

// BenchmarkPeakMemory measures the peak resident memory of a whole lint of
// a generated ~20 MB applicationHost.config (and a ~5 MB one), the same
// farms as ~20 MB (and ~5 MB) of YAML, and a ~20 MB config of rewrite rules
// (the shape with the most model per byte), in a child process per run
// that reports its own VmHWM. The issue's
// goal is peak < 15 x input + 50 MB; the metrics report peak MB, the ratio
// peak/input and the time per MB.
func BenchmarkPeakMemory(b *testing.B) {
	dir := b.TempDir()
	// A quarter-size file first: peak and time per MB should not grow
	// with the size.
	small := testgen.Config(3250, 10)  // ~5 MB
	xml := testgen.Config(13000, 10)   // ~20 MB
	rules := testgen.RuleConfig(90000) // ~20 MB
	for _, src := range [][]byte{xml, rules} {
		if doc, err := schema.Load("applicationHost.config", src, schema.Options{}); err != nil || len(doc.Findings) != 0 {
			b.Fatalf("generated config: %v %v", err, doc.Findings)
		}
	}
	doc, err := schema.Load("applicationHost.config", xml, schema.Options{})
	if err != nil {
		b.Fatal(err)
	}
	var yml bytes.Buffer
	if _, err := schema.WriteYAML(&yml, doc.Config); err != nil {
		b.Fatal(err)
	}
	smallDoc, err := schema.Load("applicationHost.config", small, schema.Options{})
	if err != nil {
		b.Fatal(err)
	}
	var smallYML bytes.Buffer
	if _, err := schema.WriteYAML(&smallYML, smallDoc.Config); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		src  []byte
	}{{"5MB/applicationHost.config", small}, {"applicationHost.config", xml}, {"5MB/farms.yaml", smallYML.Bytes()},
		{"farms.yaml", yml.Bytes()}, {"rules/applicationHost.config", rules}} {
		path := filepath.Join(dir, strings.ReplaceAll(c.name, "/", "-"))
		if err := os.WriteFile(path, c.src, 0o644); err != nil {
			b.Fatal(err)
		}
		b.Run(c.name, func(b *testing.B) {
			var peak int64
			var wall time.Duration
			for b.Loop() {
				start := time.Now()
				peak = max(peak, childPeak(b, "ARRFARM_PEAKMEM_FILE="+path))
				wall += time.Since(start)
			}
			mb := float64(len(c.src)) / (1 << 20)
			b.ReportMetric(float64(peak)/(1<<20), "peak-MB")
			b.ReportMetric(float64(peak)/float64(len(c.src)), "peak/input")
			b.ReportMetric(15*mb+50, "goal-MB")
			b.ReportMetric(wall.Seconds()/float64(b.N)/mb*1000, "ms/input-MB")
		})
	}
}

// BenchmarkSimulatePeakMemory measures the peak resident memory of
// simulate --html --format json on a quiet farm for a month, a quarter and
// a year of simulated time (issue 18: 8.3 GB for the year). The series
// has at most maxSeriesBuckets buckets whatever the duration, and each
// replication is folded into the totals when done, so past the duration
// where buckets start to widen (about 4.5 h) the peak should stay flat;
// the goal is under 200 MB.
func BenchmarkSimulatePeakMemory(b *testing.B) {
	dir := b.TempDir()
	farm := filepath.Join(dir, "farm.yaml")
	if err := os.WriteFile(farm, []byte("farms:\n  - name: web\n    servers: [{address: a}, {address: b}]\n"), 0o644); err != nil {
		b.Fatal(err)
	}
	for _, d := range []string{"720h", "2190h", "8760h"} {
		scen := filepath.Join(dir, d+".yaml")
		src := "farm: web\nduration: " + d + "\nreplications: 2\narrivals: {rate: 0.001}\nlatency: {fixed: 10ms}\nseed: 1\n"
		if err := os.WriteFile(scen, []byte(src), 0o644); err != nil {
			b.Fatal(err)
		}
		args := []string{"simulate", farm, "--scenario", scen, "--html", filepath.Join(dir, d+".html"), "--format", "json"}
		b.Run("duration="+d, func(b *testing.B) {
			var peak int64
			for b.Loop() {
				peak = max(peak, childPeak(b, "ARRFARM_PEAKMEM_ARGS="+strings.Join(args, "\n")))
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-MB")
			b.ReportMetric(200, "goal-MB")
		})
	}
}

// childPeak runs TestPeakMemoryChild with env and returns its VmHWM in
// bytes.
func childPeak(b *testing.B, env string) int64 {
	cmd := exec.Command(os.Args[0], "-test.run=^TestPeakMemoryChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), env)
	out, err := cmd.CombinedOutput()
	if err != nil {
		b.Fatalf("child: %v\n%s", err, out)
	}
	var kb int64
	if i := bytes.Index(out, []byte("PEAK ")); i < 0 {
		b.Fatalf("child reported no peak:\n%s", out)
	} else if _, err := fmt.Sscanf(string(out[i:]), "PEAK %d kB", &kb); err != nil {
		b.Fatalf("child's peak: %v\n%s", err, out)
	}
	return kb << 10
}
