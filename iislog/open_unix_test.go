//go:build unix

package iislog

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestOpenFileRefusesFIFO: a FIFO among the logs must not hang the job;
// opening one for reading would block until a writer came.
func TestOpenFileRefusesFIFO(t *testing.T) {
	p := filepath.Join(t.TempDir(), "u_ex261201.log")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skipf("cannot make a FIFO here: %v", err)
	}
	done := make(chan error, 1)
	go func() {
		rc, err := OpenFile(p)
		if rc != nil {
			rc.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Fatalf("OpenFile(FIFO) = %v, want a 'not a regular file' error", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("OpenFile blocked on a FIFO")
	}
}
