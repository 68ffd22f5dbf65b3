//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A repository whose .arrfarm.yaml links to /dev/zero must not exhaust
// memory: the file is refused before it is read.
func TestArrfarmYAMLLinkedToDevZeroIsRefused(t *testing.T) {
	cfg := abs(t, fx+"no-health-check/good.xml")
	dir := chdir(t)
	if err := os.Symlink("/dev/zero", filepath.Join(dir, ".arrfarm.yaml")); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runCLI(t, "", nil, "lint", cfg)
	if code != exitUsage || !strings.Contains(stderr, ".arrfarm.yaml: it is a device; arrfarm reads regular files only") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	if out != "" {
		t.Errorf("nothing is linted with an unreadable settings file: %q", out)
	}
}

// A FIFO among the inputs must not hang the job: as a PATH, as --config,
// as --latency, as a scenario, and inside a walked directory.
func TestFIFOsDoNotHang(t *testing.T) {
	cfg := abs(t, fx+"no-health-check/good.xml")
	dir := chdir(t)
	fifo := filepath.Join(dir, "in.yaml")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	walk := filepath.Join(dir, "walk")
	if err := os.MkdirAll(walk, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(walk, "farms.yaml"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"lint", fifo},
		{"lint", "--config", fifo, cfg},
		{"lint", "--latency", fifo, cfg},
		{"simulate", cfg, "--scenario", fifo},
		{"convert", "--to", "yaml", fifo},
		{"lint", walk}, // sniffed in the walk: skipped, so nothing is found
	} {
		done := make(chan [3]string, 1)
		go func() {
			code, _, stderr := runCLI(t, "", nil, args...)
			done <- [3]string{string(rune('0' + code)), stderr}
		}()
		select {
		case r := <-done:
			if r[0] != "2" || !strings.Contains(r[1], "named pipe") {
				t.Errorf("%v: exit %s, stderr %q", args, r[0], r[1])
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("%v hung on a FIFO", args)
		}
	}
}
