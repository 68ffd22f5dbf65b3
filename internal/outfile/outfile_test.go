package outfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// noTemps fails when a temporary file was left in dir.
func noTemps(t *testing.T, dir string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".arrfarm-") {
			t.Errorf("temporary file %s left in %s", e.Name(), dir)
		}
	}
}

func TestWriteReplacesContent(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "out.json")
	if err := os.WriteFile(p, []byte("old content that is longer"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Write(p, []byte("new")); err != nil {
		t.Fatal(err)
	}
	if got := read(t, p); got != "new" {
		t.Errorf("content %q, want %q", got, "new")
	}
	noTemps(t, dir)
}

func TestErrorKeepsOldFileAndRemovesTemp(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "out.json")
	if err := os.WriteFile(p, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := WriteWith(p, func(w io.Writer) error {
		io.WriteString(w, "half")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	if got := read(t, p); got != "old" {
		t.Errorf("content %q, want the old file untouched", got)
	}
	noTemps(t, dir)
}

func TestPanicRemovesTemp(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "out.json")
	func() {
		defer func() { recover() }()
		_ = WriteWith(p, func(w io.Writer) error { panic("inside the writer") })
	}()
	if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("target exists after a panic: %v", err)
	}
	noTemps(t, dir)
	live.Lock()
	n := len(live.names)
	live.Unlock()
	if n != 0 {
		t.Errorf("%d temporary files still tracked", n)
	}
}

func TestMissingFolderIsNamed(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "reports")
	err := Write(filepath.Join(missing, "out.json"), []byte("x"))
	if err == nil {
		t.Fatal("no error writing into a missing folder")
	}
	if !strings.Contains(err.Error(), "the folder "+missing+" does not exist") {
		t.Errorf("error %q does not name the folder %s", err, missing)
	}
	if strings.Contains(err.Error(), ".arrfarm-") {
		t.Errorf("error %q names a temporary file", err)
	}
}

func TestFolderAsTarget(t *testing.T) {
	dir := t.TempDir()
	err := Write(dir, []byte("x"))
	if err == nil || !strings.Contains(err.Error(), "it is a folder") {
		t.Errorf("err = %v, want a folder error", err)
	}
}
