//go:build unix

package outfile

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
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

// TestSignalRemovesTemp runs a child process that is killed by SIGTERM
// while its temporary file exists: the file must be gone and the child
// must still die of the signal.
func TestSignalRemovesTemp(t *testing.T) {
	if dir := os.Getenv("OUTFILE_SIGNAL_DIR"); dir != "" {
		_ = WriteWith(filepath.Join(dir, "out.json"), func(w io.Writer) error {
			io.WriteString(w, "partial")
			syscall.Kill(os.Getpid(), syscall.SIGTERM)
			time.Sleep(10 * time.Second)
			return nil
		})
		os.Exit(0) // not reached when the signal works
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestSignalRemovesTemp$")
	cmd.Env = append(os.Environ(), "OUTFILE_SIGNAL_DIR="+dir)
	err := cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("child did not fail: %v", err)
	}
	ws := ee.Sys().(syscall.WaitStatus)
	if !ws.Signaled() || ws.Signal() != syscall.SIGTERM {
		t.Errorf("child status %v, want killed by SIGTERM", ws)
	}
	noTemps(t, dir)
	if _, err := os.Stat(filepath.Join(dir, "out.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("partial output exists: %v", err)
	}
}

// TestIgnoredSignalIsLeftAlone runs a child the way nohup would, with
// SIGHUP ignored, which sends itself SIGHUP in the middle of a write: the
// write must complete, since the signal would not have ended the process.
func TestIgnoredSignalIsLeftAlone(t *testing.T) {
	if dir := os.Getenv("OUTFILE_IGNORED_DIR"); dir != "" {
		err := WriteWith(filepath.Join(dir, "out.json"), func(w io.Writer) error {
			io.WriteString(w, "first half, ")
			syscall.Kill(os.Getpid(), syscall.SIGHUP)
			time.Sleep(300 * time.Millisecond)
			io.WriteString(w, "second half")
			return nil
		})
		if err != nil {
			os.Stderr.WriteString(err.Error())
			os.Exit(1)
		}
		os.Exit(0)
	}
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh to start a child with SIGHUP ignored")
	}
	dir := t.TempDir()
	cmd := exec.Command(sh, "-c", `trap "" HUP; exec "$0" -test.run='^TestIgnoredSignalIsLeftAlone$'`, os.Args[0])
	cmd.Env = append(os.Environ(), "OUTFILE_IGNORED_DIR="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if got := read(t, filepath.Join(dir, "out.json")); got != "first half, second half" {
		t.Errorf("content %q, want the whole output", got)
	}
	noTemps(t, dir)
}
