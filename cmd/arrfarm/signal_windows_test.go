//go:build windows

package main

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/arrfarm/arrfarm/internal/outfile"
)

// TestCtrlBreakRemovesTemp starts a child in its own process group (so
// that the console event reaches it alone, as in os/signal's own Windows
// tests), sends it Ctrl+Break while its temporary file exists, and expects
// the file gone and the child ended with STATUS_CONTROL_C_EXIT.
func TestCtrlBreakRemovesTemp(t *testing.T) {
	if dir := os.Getenv("OUTFILE_CTRL_DIR"); dir != "" {
		catchSignals()
		_ = outfile.WriteWith(filepath.Join(dir, "out.json"), func(w io.Writer) error {
			io.WriteString(w, "partial")
			os.WriteFile(filepath.Join(dir, "ready"), nil, 0o666)
			time.Sleep(20 * time.Second)
			return nil
		})
		exit(0) // not reached when the console event is handled
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCtrlBreakRemovesTemp$")
	cmd.Env = append(os.Environ(), "OUTFILE_CTRL_DIR="+dir)
	cmd.SysProcAttr = &syscall.SysProcAttr{CreationFlags: syscall.CREATE_NEW_PROCESS_GROUP}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for i := 0; ; i++ {
		if _, err := os.Stat(filepath.Join(dir, "ready")); err == nil {
			break
		}
		if i == 200 {
			cmd.Process.Kill()
			t.Fatal("the child never started writing")
		}
		time.Sleep(50 * time.Millisecond)
	}
	gen := syscall.NewLazyDLL("kernel32.dll").NewProc("GenerateConsoleCtrlEvent")
	const ctrlBreakEvent = 1
	if r, _, err := gen.Call(ctrlBreakEvent, uintptr(cmd.Process.Pid)); r == 0 {
		cmd.Process.Kill()
		t.Skip("GenerateConsoleCtrlEvent:", err) // no console to send it through
	}
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("child did not fail: %v", err)
	}
	if got := uint32(ee.ExitCode()); got != statusControlCExit {
		t.Errorf("child exit status %#x, want %#x (STATUS_CONTROL_C_EXIT)", got, statusControlCExit)
	}
	os.Remove(filepath.Join(dir, "ready"))
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		t.Errorf("%s left in %s", e.Name(), dir)
	}
	if _, err := os.Stat(filepath.Join(dir, "out.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("partial output exists: %v", err)
	}
}
