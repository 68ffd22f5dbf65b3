package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLogErrorsMask: every command that reads a log (lint --latency, a
// scenario's empirical latency, replay) refuses a file that is not one by
// quoting its first line; the quote must not carry a password or the
// start of URL credentials, and the exit code is 2 (unreadable input),
// whichever path read it.
func TestLogErrorsMask(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.log")
	os.WriteFile(bad, []byte("user=bob&password=hunter2 http://admin:hunter2hunter2hunter2@intranet/\n"), 0o644)
	replay := filepath.Join(dir, "replay.yaml")
	os.WriteFile(replay, []byte("duration: 1m\narrivals: {replay: {log: bad.log}}\nlatency: {lognormal: {p50: 120ms, p99: 2s}}\n"), 0o644)
	empirical := filepath.Join(dir, "empirical.yaml")
	os.WriteFile(empirical, []byte("duration: 1m\narrivals: {rate: 10}\nlatency: {empirical: {log: bad.log}}\n"), 0o644)
	const cfg = "../../fixtures/sim/web3.yaml"
	for _, args := range [][]string{
		{"lint", cfg, "--latency", bad},
		{"lint", cfg, "--latency", empirical},
		{"simulate", cfg, "--scenario", replay},
		{"simulate", cfg, "--scenario", empirical},
		{"diagnose", bad},
	} {
		code, _, stderr := runCLI(t, "", nil, args...)
		if code != 2 || !strings.Contains(stderr, "is not a W3C extended log") {
			t.Errorf("%s: exit %d, stderr %q; want 2 and the file refused", args, code, stderr)
		}
		if strings.Contains(stderr, "hunter") || strings.Contains(stderr, "admin") || !strings.Contains(stderr, "password=****") {
			t.Errorf("%s: stderr %q shows a secret", args, stderr)
		}
	}
}
