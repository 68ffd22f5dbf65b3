package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every command that writes a file goes through internal/outfile; these
// check that each one's flag reaches it: a missing folder is named (not a
// temporary file), exit 2, and nothing is left behind.
func TestOutputIntoMissingFolder(t *testing.T) {
	bad := abs(t, fx+"farm-no-servers/bad.xml")
	web3, faults := abs(t, "../../fixtures/sim/web3.yaml"), abs(t, "../../fixtures/sim/faults.yaml")
	for _, args := range [][]string{
		{"lint", "-o", "nowhere/report.json", bad},
		{"convert", "--to", "yaml", "-o", "nowhere/farms.yaml", bad},
		{"simulate", web3, "--scenario", faults, "--replications", "2", "-o", "nowhere/out.txt"},
		{"simulate", web3, "--scenario", faults, "--replications", "2", "--html", "nowhere/report.html"},
	} {
		dir := chdir(t)
		code, _, stderr := runCLI(t, "", nil, args...)
		if code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
		if !strings.Contains(stderr, "the folder nowhere does not exist") || strings.Contains(stderr, ".arrfarm-") {
			t.Errorf("%v: stderr does not name the missing folder:\n%s", args, stderr)
		}
		ents, _ := os.ReadDir(dir)
		if len(ents) != 0 {
			t.Errorf("%v: left %v behind", args, ents)
		}
	}
}

func TestOutputKeepsModeAndLink(t *testing.T) {
	bad := abs(t, fx+"farm-no-servers/bad.xml")
	dir := chdir(t)
	real := filepath.Join(dir, "real.json")
	if err := os.WriteFile(real, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("real.json", "report.json"); err != nil {
		t.Skip("symlink:", err)
	}
	if code, _, stderr := runCLI(t, "", nil, "lint", "--format", "json", "-o", "report.json", bad); code != 1 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	fi, _ := os.Lstat("report.json")
	info, _ := os.Stat(real)
	raw, _ := os.ReadFile(real)
	if fi.Mode()&os.ModeSymlink == 0 || info.Mode().Perm() != 0o600 || !strings.Contains(string(raw), `"farm-no-servers"`) {
		t.Errorf("link %v, target mode %v, target content %d bytes: want the link kept, 0600, the report", fi.Mode(), info.Mode().Perm(), len(raw))
	}
}
