package outfile

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestHandlerRemovesLiveTemps drives the signal handler shared by Unix and
// Windows with a signal sent on a plain channel, so it runs everywhere:
// every live temporary file (open or only tracked) is closed and removed,
// the registry is empty, and only then is the process ended.
func TestHandlerRemovesLiveTemps(t *testing.T) {
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

	c := make(chan os.Signal, 1)
	var ended []os.Signal
	var leftAtEnd []string
	lockedAtEnd := false
	c <- os.Interrupt
	close(c)
	handleSignals(c, func(sig os.Signal) {
		ended = append(ended, sig)
		// The interrupted write's cleanup must wait until the process
		// has ended, so the registry is still locked here.
		if live.TryLock() {
			live.Unlock()
		} else {
			lockedAtEnd = true
		}
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			leftAtEnd = append(leftAtEnd, e.Name())
		}
	})

	if !slices.Equal(ended, []os.Signal{os.Interrupt}) {
		t.Errorf("end called with %v, want [interrupt]", ended)
	}
	if !lockedAtEnd {
		t.Error("the process was ended with the registry unlocked: the failed write could report first")
	}
	if !slices.Equal(leftAtEnd, []string{"report.json"}) {
		t.Errorf("files when the process was ended: %v, want only report.json", leftAtEnd)
	}
	if _, err := a.WriteString("more"); !errors.Is(err, os.ErrClosed) {
		t.Errorf("writing to a removed temporary file: %v, want it closed", err)
	}
	b.Close()
	live.Lock()
	n := len(live.names)
	live.Unlock()
	if n != 0 {
		t.Errorf("%d temporary files still tracked", n)
	}
}

// TestRemoveLiveNamesWhatItRemoved: a tracked name whose file was never
// created is dropped without being reported as removed.
func TestRemoveLiveNamesWhatItRemoved(t *testing.T) {
	dir := t.TempDir()
	f, err := createTemp(dir, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	track(filepath.Join(dir, ".arrfarm-never-created.tmp"))
	got := removeLive()
	if !slices.Equal(got, []string{f.Name()}) {
		t.Errorf("removeLive() = %v, want [%s]", got, f.Name())
	}
	noTemps(t, dir)
	if got := removeLive(); len(got) != 0 {
		t.Errorf("second removeLive() = %v, want nothing", got)
	}
}
