package outfile

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestAbortRemovesLiveTemps: every live temporary file (open or only
// tracked) is closed and removed, the write that owned an open one fails,
// and the registry stays locked, so that the failed write's cleanup
// (forget) cannot return, and report, before the process has ended.
func TestAbortRemovesLiveTemps(t *testing.T) {
	dir := t.TempDir()
	a, err := createTemp(dir, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	b, err := createTemp(dir, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.WriteString("partial"); err != nil {
		t.Fatal(err)
	}
	// A name recorded the moment before its file is created.
	pending := filepath.Join(dir, ".arrfarm-pending.tmp")
	track(pending)
	if err := os.WriteFile(pending, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	keep := filepath.Join(dir, "report.json") // not a temporary file
	if err := os.WriteFile(keep, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}

	removed := Abort()
	locked := !live.TryLock()
	var left []string
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		left = append(left, e.Name())
	}
	n := len(live.names)
	live.Unlock() // the process would have ended here

	slices.Sort(removed)
	want := []string{a.Name(), b.Name(), pending}
	slices.Sort(want)
	if !slices.Equal(removed, want) {
		t.Errorf("Abort() = %v, want %v", removed, want)
	}
	if !locked {
		t.Error("Abort returned with the registry unlocked: the failed write could report first")
	}
	if !slices.Equal(left, []string{"report.json"}) {
		t.Errorf("files after Abort: %v, want only report.json", left)
	}
	if _, err := a.WriteString("more"); !errors.Is(err, os.ErrClosed) {
		t.Errorf("writing to a removed temporary file: %v, want it closed", err)
	}
	if n != 0 {
		t.Errorf("%d temporary files still tracked", n)
	}
}

// TestAbortNamesWhatItRemoved: a tracked name whose file was never
// created is dropped without being reported as removed.
func TestAbortNamesWhatItRemoved(t *testing.T) {
	dir := t.TempDir()
	f, err := createTemp(dir, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	track(filepath.Join(dir, ".arrfarm-never-created.tmp"))
	got := Abort()
	live.Unlock()
	if !slices.Equal(got, []string{f.Name()}) {
		t.Errorf("Abort() = %v, want [%s]", got, f.Name())
	}
	noTemps(t, dir)
	got = Abort()
	live.Unlock()
	if len(got) != 0 {
		t.Errorf("second Abort() = %v, want nothing", got)
	}
}
