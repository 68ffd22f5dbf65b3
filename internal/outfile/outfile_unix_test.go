//go:build unix

package outfile

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func withUmask(t *testing.T, mask int) {
	old := syscall.Umask(mask)
	t.Cleanup(func() { syscall.Umask(old) })
}

func TestNewFileFollowsUmask(t *testing.T) {
	for _, tc := range []struct {
		umask int
		want  os.FileMode
	}{{0o022, 0o644}, {0o077, 0o600}, {0o002, 0o664}} {
		withUmask(t, tc.umask)
		p := filepath.Join(t.TempDir(), "new.json")
		if err := Write(p, []byte("x")); err != nil {
			t.Fatal(err)
		}
		info, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := info.Mode().Perm(); got != tc.want {
			t.Errorf("umask %03o: new file mode %v, want %v", tc.umask, got, tc.want)
		}
	}
}

func TestExistingFileKeepsMode(t *testing.T) {
	withUmask(t, 0o022)
	for _, mode := range []os.FileMode{0o600, 0o640, 0o664, 0o755} {
		p := filepath.Join(t.TempDir(), "old.json")
		if err := os.WriteFile(p, []byte("old"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
		if err := Write(p, []byte("new")); err != nil {
			t.Fatal(err)
		}
		info, _ := os.Stat(p)
		if got := info.Mode().Perm(); got != mode {
			t.Errorf("mode %v became %v", mode, got)
		}
	}
}

func TestSymlinkIsFollowed(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "sub", "real.json")
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	if err := os.WriteFile(real, []byte("old"), 0o640); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.json")
	if err := os.Symlink("sub/real.json", link); err != nil {
		t.Fatal(err)
	}
	if err := Write(link, []byte("new")); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Lstat(link)
	if err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced: %v %v", fi.Mode(), err)
	}
	if got := read(t, real); got != "new" {
		t.Errorf("target content %q, want new", got)
	}
	if info, _ := os.Stat(real); info.Mode().Perm() != 0o640 {
		t.Errorf("target mode %v, want 0640", info.Mode().Perm())
	}
	noTemps(t, dir)
	noTemps(t, filepath.Join(dir, "sub"))
}

func TestDanglingSymlinkCreatesTarget(t *testing.T) {
	dir := t.TempDir()
	link := filepath.Join(dir, "link.json")
	if err := os.Symlink("made.json", link); err != nil {
		t.Fatal(err)
	}
	if err := Write(link, []byte("new")); err != nil {
		t.Fatal(err)
	}
	if got := read(t, filepath.Join(dir, "made.json")); got != "new" {
		t.Errorf("target content %q", got)
	}
	if fi, _ := os.Lstat(link); fi.Mode()&os.ModeSymlink == 0 {
		t.Error("the link was replaced by a file")
	}
}

func TestSymlinkLoop(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	os.Symlink("b", a)
	os.Symlink("a", b)
	if err := Write(a, []byte("x")); err == nil {
		t.Error("no error on a symbolic link loop")
	}
}

func TestNonRegularWrittenDirectly(t *testing.T) {
	if err := Write("/dev/null", []byte("x")); err != nil {
		t.Errorf("/dev/null: %v", err)
	}
	if info, err := os.Stat("/dev/null"); err != nil || info.Mode()&os.ModeCharDevice == 0 {
		t.Fatalf("/dev/null is no longer a device: %v", err)
	}

	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("mkfifo:", err)
	}
	got := make(chan string, 1)
	go func() {
		f, err := os.Open(fifo)
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(f)
		f.Close()
		got <- string(b)
	}()
	if err := Write(fifo, []byte("through the pipe")); err != nil {
		t.Fatal(err)
	}
	select {
	case s := <-got:
		if s != "through the pipe" {
			t.Errorf("reader got %q", s)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("reader got nothing")
	}
	if info, _ := os.Lstat(fifo); info.Mode()&os.ModeNamedPipe == 0 {
		t.Error("the FIFO was replaced")
	}
	noTemps(t, dir)
}

// A write that fails inside fn (here the temporary file closed under it,
// as a signal's Abort does) names the file the user gave, not the
// temporary one.
func TestWriteErrorNamesTheFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "out.json")
	err := WriteWith(p, func(w io.Writer) error {
		live.Lock()
		for _, f := range live.names {
			f.Close()
		}
		live.Unlock()
		_, err := w.Write(make([]byte, 128<<10)) // past the buffer
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "writing "+p+": ") || strings.Contains(err.Error(), ".arrfarm-") {
		t.Errorf("error %v, want it to name %s and no temporary file", err, p)
	}
	noTemps(t, dir)
}
