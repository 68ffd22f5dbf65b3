package outfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// edited writes old to a new file with mode, stamps it as read, and
// returns its path and stamp.
func edited(t *testing.T, old string, mode os.FileMode) (string, Stamp) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "applicationHost.config")
	if err := os.WriteFile(p, []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
	st, err := StampOf(p, []byte(old))
	if err != nil {
		t.Fatal(err)
	}
	return p, st
}

// A change saved between the read and the write, of any kind the stamp
// covers, is refused: the file keeps what the other program saved.
func TestEditRefusesAChangedFile(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(p string) error
		why    string
	}{
		{"longer", func(p string) error { return os.WriteFile(p, []byte("old, and the user's edit"), 0) }, "bytes, was 3"},
		{"same size, later", func(p string) error { return os.WriteFile(p, []byte("usr"), 0) }, "modified at"},
		{"same size and time", func(p string) error {
			info, _ := os.Stat(p)
			if err := os.WriteFile(p, []byte("usr"), 0); err != nil {
				return err
			}
			return os.Chtimes(p, info.ModTime(), info.ModTime())
		}, "its content differs"},
		{"replaced by rename", func(p string) error {
			info, _ := os.Stat(p)
			tmp := p + ".swp"
			if err := os.WriteFile(tmp, []byte("usr"), 0o600); err != nil {
				return err
			}
			os.Chtimes(tmp, info.ModTime(), info.ModTime())
			return os.Rename(tmp, p)
		}, "changed since"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, st := edited(t, "old", 0o644)
			if err := tc.change(p); err != nil {
				t.Fatal(err)
			}
			now := read(t, p)
			err := Edit(p, []byte("new"), st)
			if !errors.Is(err, ErrChanged) || !strings.Contains(err.Error(), tc.why) || !strings.Contains(err.Error(), p) {
				t.Errorf("Edit: %v, want ErrChanged naming %s and %q", err, p, tc.why)
			}
			if got := read(t, p); got != now {
				t.Errorf("content %q, want the other program's %q", got, now)
			}
			noTemps(t, filepath.Dir(p))
		})
	}
}

// A file without any write bit is refused, even by root, and left as it is.
func TestEditRefusesReadOnly(t *testing.T) {
	p, st := edited(t, "old", 0o444)
	err := Edit(p, []byte("new"), st)
	if !errors.Is(err, ErrReadOnly) || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), "0444") {
		t.Errorf("Edit: %v, want ErrReadOnly naming %s and its mode", err, p)
	}
	if got := read(t, p); got != "old" {
		t.Errorf("content %q", got)
	}
	if info, _ := os.Stat(p); info.Mode().Perm() != 0o444 {
		t.Errorf("mode %v", info.Mode())
	}
}

// A file nobody else touched is written, and a second edit with the old
// stamp is refused: the first one changed the file.
func TestEditWritesThenRefusesTheOldStamp(t *testing.T) {
	p, st := edited(t, "old", 0o644)
	if err := Edit(p, []byte("new"), st); err != nil {
		t.Fatal(err)
	}
	if got := read(t, p); got != "new" {
		t.Errorf("content %q", got)
	}
	if err := Edit(p, []byte("newer"), st); !errors.Is(err, ErrChanged) {
		t.Errorf("second Edit with the old stamp: %v, want ErrChanged", err)
	}
	if got := read(t, p); got != "new" {
		t.Errorf("content %q after the refused edit", got)
	}
	noTemps(t, filepath.Dir(p))
}
