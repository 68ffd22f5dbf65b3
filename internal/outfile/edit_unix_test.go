//go:build unix

package outfile

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func inode(t *testing.T, p string) uint64 {
	t.Helper()
	info, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return uint64(info.Sys().(*syscall.Stat_t).Ino)
}

// Two writers that read the same file both try to write it: whatever the
// interleaving, one succeeds and the other refuses. The hook runs the
// second writer to completion (or to its wait on the lock) between the
// first one's check and its write, the window where, without a lock,
// both would pass the check.
func TestEditConcurrentWritersOneWins(t *testing.T) {
	p, st := edited(t, "old", 0o644)
	var second error
	var wg sync.WaitGroup
	editHook = func() {
		editHook = nil
		wg.Add(1)
		go func() {
			defer wg.Done()
			second = Edit(p, []byte("second"), st)
		}()
		time.Sleep(200 * time.Millisecond)
	}
	defer func() { editHook = nil }()
	first := Edit(p, []byte("first"), st)
	wg.Wait()
	if first != nil {
		t.Fatalf("first writer: %v", first)
	}
	if !errors.Is(second, ErrChanged) {
		t.Errorf("second writer: %v, want ErrChanged", second)
	}
	if got := read(t, p); got != "first" {
		t.Errorf("content %q, want the first writer's", got)
	}
}

// Mode bits, setgid and sticky included, survive the replacement (the
// process owns the file and is in its group, so a rename keeps them).
func TestEditKeepsModeAndOwner(t *testing.T) {
	for _, mode := range []os.FileMode{0o600, 0o640, 0o755, 0o644 | os.ModeSetgid, 0o644 | os.ModeSticky, 0o755 | os.ModeSetuid} {
		p, st := edited(t, "old", mode)
		before, _ := os.Stat(p)
		if err := Edit(p, []byte("new"), st); err != nil {
			t.Fatalf("%v: %v", mode, err)
		}
		after, _ := os.Stat(p)
		if got := after.Mode() & keptMode; got != mode {
			t.Errorf("mode %v became %v", mode, got)
		}
		b, a := before.Sys().(*syscall.Stat_t), after.Sys().(*syscall.Stat_t)
		if a.Uid != b.Uid || a.Gid != b.Gid {
			t.Errorf("owner %d:%d became %d:%d", b.Uid, b.Gid, a.Uid, a.Gid)
		}
		if got := read(t, p); got != "new" {
			t.Errorf("content %q", got)
		}
		noTemps(t, filepath.Dir(p))
	}
}

// A file with another hard link is written in place: both names still
// show the same, new content, no backup stays, and the inode is the same.
func TestEditHardLinkKeepsTheLink(t *testing.T) {
	p, st := edited(t, "old content, longer than the new", 0o640)
	other := filepath.Join(t.TempDir(), "link.config")
	if err := os.Link(p, other); err != nil {
		t.Skip("no hard links here:", err)
	}
	ino := inode(t, p)
	if err := Edit(p, []byte("new"), st); err != nil {
		t.Fatal(err)
	}
	if got := read(t, other); got != "new" {
		t.Errorf("the other link shows %q, want the new content", got)
	}
	if got := read(t, p); got != "new" {
		t.Errorf("content %q", got)
	}
	if inode(t, p) != ino || inode(t, other) != ino {
		t.Error("the file was replaced: the link is broken")
	}
	if _, err := os.Stat(p + BackupSuffix); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("backup left: %v", err)
	}
	noTemps(t, filepath.Dir(p))
}

// A backup left by an earlier run that failed mid-way is the user's: the
// edit stops, names it, and writes nothing.
func TestEditInPlaceKeepsAnOldBackup(t *testing.T) {
	p, st := edited(t, "old", 0o640)
	if err := os.Link(p, p+".link"); err != nil {
		t.Skip("no hard links here:", err)
	}
	if err := os.WriteFile(p+BackupSuffix, []byte("what an earlier run saved"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := Edit(p, []byte("new"), st)
	if err == nil || !strings.Contains(err.Error(), p+BackupSuffix) {
		t.Errorf("Edit: %v, want an error naming the backup", err)
	}
	if got := read(t, p); got != "old" {
		t.Errorf("content %q", got)
	}
	if got := read(t, p+BackupSuffix); got != "what an earlier run saved" {
		t.Errorf("backup %q", got)
	}
}

// Extended attributes (here a user attribute, as setfattr would set) stay
// on the file: it is written in place.
func TestEditKeepsXattrs(t *testing.T) {
	p, st := edited(t, "old", 0o640)
	if err := setXattr(p, "user.arrfarm-test", "kept"); err != nil {
		t.Skip("no user extended attributes here:", err)
	}
	if err := Edit(p, []byte("new"), st); err != nil {
		t.Fatal(err)
	}
	if got := read(t, p); got != "new" {
		t.Errorf("content %q", got)
	}
	if v, err := getXattr(p, "user.arrfarm-test"); err != nil || v != "kept" {
		t.Errorf("attribute after the edit: %q, %v", v, err)
	}
}

// A symbolic link is followed; the link stays a link.
func TestEditFollowsSymlink(t *testing.T) {
	p, st := edited(t, "old", 0o640)
	link := filepath.Join(t.TempDir(), "link.config")
	if err := os.Symlink(p, link); err != nil {
		t.Fatal(err)
	}
	if err := Edit(link, []byte("new"), st); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Error("the link was replaced")
	}
	if got := read(t, p); got != "new" {
		t.Errorf("content %q", got)
	}
}

// A temporary file a killed run left (old, by name) goes on the next
// write into its folder; a fresh one (another run writing now) and files
// that only look alike stay.
func TestStaleTempsCleaned(t *testing.T) {
	dir := t.TempDir()
	old := time.Now().Add(-2 * time.Hour)
	stale := filepath.Join(dir, ".arrfarm-0123456789abcdef.tmp")
	fresh := filepath.Join(dir, ".arrfarm-fedcba9876543210.tmp")
	alike := filepath.Join(dir, ".arrfarm-notours.tmp")
	for _, name := range []string{stale, fresh, alike} {
		if err := os.WriteFile(name, []byte("partial"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	os.Chtimes(stale, old, old)
	os.Chtimes(alike, old, old)
	if err := Write(filepath.Join(dir, "out.json"), []byte("x")); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]bool{stale: false, fresh: true, alike: true} {
		_, err := os.Stat(name)
		if got := err == nil; got != want {
			t.Errorf("%s exists: %v, want %v", filepath.Base(name), got, want)
		}
	}
}

// A file owned by another user in a folder the process may write (a
// root-owned applicationHost.config in a shared folder) is not replaced
// by one the process owns: it is refused when the process may not write
// it, and the folder is left without a backup or temporary file. Needs
// root to set up (chown) and a user to run as.
func TestEditOtherUsersFile(t *testing.T) {
	if os.Getenv("OUTFILE_OTHER_USER") != "" {
		p := os.Args[len(os.Args)-1]
		err := Edit(p, []byte("new"), mustStamp(p))
		if err == nil {
			os.Exit(0)
		}
		os.Stderr.WriteString(err.Error())
		os.Exit(3)
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root to give the file to another user")
	}
	dir := t.TempDir()
	os.Chmod(filepath.Dir(dir), 0o777)
	os.Chmod(dir, 0o777)
	p := filepath.Join(dir, "applicationHost.config")
	os.WriteFile(p, []byte("old"), 0o644)
	// The test binary, where the other user may run it.
	bin := filepath.Join(t.TempDir(), "outfile.test")
	self, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(bin, self, 0o755)
	os.Chmod(filepath.Dir(bin), 0o755)
	os.Chmod(filepath.Dir(filepath.Dir(bin)), 0o755)
	cmd := exec.Command(bin, "-test.run=^TestEditOtherUsersFile$", "--", p)
	cmd.Env = append(os.Environ(), "OUTFILE_OTHER_USER=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	t.Logf("child: %s", out)
	if !errors.As(err, &ee) || ee.ExitCode() != 3 || !strings.Contains(string(out), p) {
		t.Errorf("child: %v %s, want a refusal naming %s", err, out, p)
	}
	if got := read(t, p); got != "old" {
		t.Errorf("content %q", got)
	}
	if info, _ := os.Stat(p); info.Sys().(*syscall.Stat_t).Uid != 0 {
		t.Error("the file changed owner")
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("files left in the folder: %v", ents)
	}
}

func mustStamp(p string) Stamp {
	b, err := os.ReadFile(p)
	if err != nil {
		panic(err)
	}
	st, err := StampOf(p, b)
	if err != nil {
		panic(err)
	}
	return st
}
