package outfile

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// A Stamp is what a file looked like when it was read: Edit refuses to
// write over a file whose stamp has changed since, so that an edit saved
// during a run, or another arrfarm's --write, is not lost.
type Stamp struct {
	Size    int64
	ModTime time.Time
	Sum     [sha256.Size]byte
}

// StampOf stamps the file at path whose content was read as content. The
// file is looked at after it was read: if it changed in between, the size
// or time is the new one and the sum the old one's, and Edit refuses, as
// it should.
func StampOf(path string, content []byte) (Stamp, error) {
	info, err := os.Stat(path)
	if err != nil {
		return Stamp{}, fmt.Errorf("reading %s: %w", path, err)
	}
	return Stamp{Size: info.Size(), ModTime: info.ModTime(), Sum: sha256.Sum256(content)}, nil
}

// ErrChanged is wrapped by Edit's error when the file changed since it
// was read; ErrReadOnly when it has no write bit. Nothing was written then.
var (
	ErrChanged  = errors.New("the file changed since arrfarm read it")
	ErrReadOnly = errors.New("the file is read-only")
)

// editHook, when set (by tests), runs after the file was checked against
// its stamp and before it is written: where another writer would race.
var editHook func()

// lockWait is how long Edit waits for another arrfarm's edit of the same
// file to finish.
const lockWait = 30 * time.Second

// Edit writes data over the existing regular file at path (following
// symbolic links), which was read when was was taken.
//
//   - It refuses when the file changed since (size, modification time or
//     content), so that nothing another program saved is lost; and, on
//     Unix, it holds an advisory lock (flock) on the file from that check
//     to the end of the write, so that of two arrfarm runs editing the
//     same file at once the second sees the first's change and refuses.
//   - It refuses a read-only file (no write bit at all): the user
//     protected it, even from root.
//   - The file keeps its mode bits (setuid, setgid and sticky too) and its
//     owner and group: it is replaced through a temporary file and a
//     rename when that loses nothing; it is written in place when a
//     rename would lose something (other hard links, extended attributes
//     such as ACLs or SELinux labels, an owner or mode bits the process
//     cannot give a new file), with a copy of the old content beside it
//     (path + BackupSuffix) that is removed once the new content is on
//     disk, and named in the error otherwise.
//
// Errors name the real file, never the temporary one.
func Edit(path string, data []byte, was Stamp) error {
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	f, err := os.Open(real)
	if err != nil {
		return fmt.Errorf("writing %s: %w", real, err)
	}
	defer f.Close() // releases the lock
	info, err := f.Stat()
	if err != nil {
		return fmt.Errorf("writing %s: %w", real, err)
	}
	if !info.Mode().IsRegular() {
		return fmt.Errorf("writing %s: it is not a regular file", real)
	}
	if info.Mode().Perm()&0o222 == 0 {
		return fmt.Errorf("writing %s: %w (mode %04o); arrfarm does not override that", real, ErrReadOnly, info.Mode().Perm())
	}
	if err := lockFile(f, lockWait); err != nil {
		return fmt.Errorf("writing %s: %w", real, err)
	}
	// The lock is on the file that was opened: if another writer renamed
	// a new file over the name meanwhile, that is a change too.
	now, err := os.Stat(real)
	if err != nil {
		return fmt.Errorf("writing %s: %w", real, err)
	}
	if !os.SameFile(info, now) {
		return fmt.Errorf("writing %s: %w (it was replaced); nothing was written", real, ErrChanged)
	}
	if err := unchanged(real, f, now, was); err != nil {
		return err
	}
	if !lockHeld {
		f.Close()
	}
	if editHook != nil {
		editHook()
	}
	if why := replaceLoses(real, now); why != "" {
		return editInPlace(real, now, data, why)
	}
	return replace(real, now, data)
}

// unchanged checks the file against the stamp taken when it was read.
func unchanged(real string, f *os.File, info fs.FileInfo, was Stamp) error {
	changed := func(what string) error {
		return fmt.Errorf("writing %s: %w (%s); nothing was written: run arrfarm again on the current file", real, ErrChanged, what)
	}
	if info.Size() != was.Size {
		return changed(fmt.Sprintf("%d bytes, was %d", info.Size(), was.Size))
	}
	if !info.ModTime().Equal(was.ModTime) {
		return changed("modified at " + info.ModTime().Format(time.RFC3339Nano))
	}
	h := sha256.New()
	if _, err := io.Copy(h, io.LimitReader(f, was.Size+1)); err != nil {
		return fmt.Errorf("writing %s: reading it again: %w", real, err)
	}
	if [sha256.Size]byte(h.Sum(nil)) != was.Sum {
		return changed("its content differs")
	}
	return nil
}

// keptMode is what of a file's mode Edit keeps.
const keptMode = fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky

// replace writes data to a temporary file beside real, gives it real's
// owner and mode, and renames it over real. When the temporary file does
// not take real's mode (a setgid bit the process may not set is cleared
// silently), it falls back to editing in place.
func replace(real string, info fs.FileInfo, data []byte) error {
	tmp, err := createTemp(filepath.Dir(real), info.Mode().Perm())
	if err != nil {
		return fmt.Errorf("writing %s: %w", real, err)
	}
	name := tmp.Name()
	defer forget(name)
	discard := func() {
		tmp.Close()
		os.Remove(name)
	}
	fail := func(err error) error {
		discard()
		return fmt.Errorf("writing %s: %w", real, err)
	}
	if _, err := tmp.Write(data); err != nil {
		return fail(err)
	}
	if err := keepOwner(tmp, info); err != nil {
		return fail(err)
	}
	// After the chown, which clears setuid and setgid.
	want := info.Mode() & keptMode
	if err := tmp.Chmod(want); err != nil {
		return fail(err)
	}
	if got, err := tmp.Stat(); err != nil {
		return fail(err)
	} else if got.Mode()&keptMode != want {
		discard()
		return editInPlace(real, info, data, fmt.Sprintf("a new file cannot get its mode %v", want))
	}
	if err := tmp.Sync(); err != nil {
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(name)
		return fmt.Errorf("writing %s: %w", real, err)
	}
	if err := os.Rename(name, real); err != nil {
		os.Remove(name)
		return fmt.Errorf("writing %s: %w", real, err)
	}
	return nil
}

// BackupSuffix names the copy of a file edited in place that exists while
// the write is in progress.
const BackupSuffix = ".arrfarm-backup"

// editInPlace overwrites real, keeping its inode (and so its links,
// owner, mode and attributes), after copying the old content to real +
// BackupSuffix; the copy is removed once the new content is on disk, and
// named in the error otherwise. It holds the registry of live files
// throughout, so that Abort (a signal) waits for it: the file is never
// left half written by an interrupt.
func editInPlace(real string, info fs.FileInfo, data []byte, why string) error {
	live.Lock()
	defer live.Unlock()
	// Open first: a file the process may not write (another user's) is
	// refused before any backup is made.
	f, err := os.OpenFile(real, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("writing %s in place (%s): %w", real, why, err)
	}
	defer f.Close()
	old, err := io.ReadAll(io.LimitReader(f, info.Size()+1))
	if err != nil {
		return fmt.Errorf("writing %s: %w", real, err)
	}
	backup := real + BackupSuffix
	if err := writeNew(backup, old); err != nil {
		return fmt.Errorf("writing %s in place (%s): saving the old content first: %w", real, why, err)
	}
	_, err = f.WriteAt(data, 0)
	if err == nil && len(data) < len(old) {
		err = f.Truncate(int64(len(data)))
	}
	if err == nil {
		err = f.Sync()
	}
	if err != nil {
		return fmt.Errorf("writing %s in place (%s): %w; the old content is in %s", real, why, err, backup)
	}
	if err := os.Remove(backup); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("writing %s: the new content is written, but removing the backup %s failed: %w", real, backup, err)
	}
	return nil
}

// writeNew writes data to a new file, on disk before it returns (never
// over an existing one: a backup left by an earlier failed run is the
// user's to look at).
func writeNew(name string, data []byte) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s exists, left by an earlier run that failed: compare it with the file, then remove it", name)
		}
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(name)
	}
	return err
}
