// Package outfile writes the files arrfarm produces (-o, --html, --write):
// the whole content or nothing, in place of the file the user named.
//
// Every command that writes a file goes through Write or WriteWith, so the
// rules below hold everywhere:
//
//   - A regular file is replaced atomically: the content goes to a
//     temporary file beside it, which is renamed over the target only when
//     complete. An interrupted run leaves the old file intact.
//   - An existing file keeps its permission bits; a new file gets 0666
//     minus the umask, like the output of any Unix tool.
//   - A symbolic link is followed: its target is replaced and the link
//     stays a link.
//   - A file that is not a regular file (a terminal, a pipe, /dev/stdout,
//     /dev/null) is written directly: renaming over it would replace the
//     device node, or fail.
//   - The temporary file is removed on every exit path: an error, a panic
//     unwinding through WriteWith, and a signal, for which the process's
//     signal handler (in cmd/arrfarm: this package never ends the process)
//     calls Abort before ending the process.
//   - A missing folder is named in the error instead of a temporary file.
//   - A temporary file left by a run killed outright (SIGKILL, a power
//     cut), which no handler can remove, is removed by the next write into
//     its folder once it is an hour old (cleanStale): arrfarm's temporary
//     files are named .arrfarm-<16 hex digits>.tmp, and one being written
//     is never that old.
//
// Edit is the stricter path of --write, which edits the user's own file
// (edit.go): it refuses a file changed since it was read or read-only,
// and keeps owner, mode, hard links and extended attributes.
package outfile

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// Write replaces the file at path with data (see the package comment).
func Write(path string, data []byte) error {
	return WriteWith(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// WriteWith replaces the file at path with what fn writes. When fn returns
// an error, a regular target is left as it was. Errors name path.
func WriteWith(path string, fn func(io.Writer) error) error {
	if path == "" {
		return errors.New("writing: no file name")
	}
	target, direct, err := resolve(path)
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if direct {
		return writeDirect(path, target, fn)
	}
	dir := filepath.Dir(target)
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		return fmt.Errorf("writing %s: the folder %s does not exist", path, dir)
	}
	perm := fs.FileMode(0o666) // the umask applies to a new file
	keep := false
	if info, err := os.Stat(target); err == nil {
		perm, keep = info.Mode().Perm(), true
	}
	tmp, err := createTemp(dir, perm)
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
		forget(tmp.Name())
	}()
	if keep {
		// Chmod is not subject to the umask: the replacement gets exactly
		// the old file's bits (O_CREATE's mode was masked).
		if err := tmp.Chmod(perm); err != nil {
			return fmt.Errorf("writing %s: %w", path, err)
		}
	}
	bw := bufio.NewWriterSize(tmp, 64<<10)
	if err := fn(bw); err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) && pe.Path == tmp.Name() {
			// The user named path, not the temporary file.
			return fmt.Errorf("writing %s: %w", path, pe.Err)
		}
		return err
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		done = true
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), target); err != nil {
		os.Remove(tmp.Name())
		done = true
		return fmt.Errorf("writing %s: %w", path, err)
	}
	done = true
	return nil
}

// resolve follows symbolic links from path to the file to replace. direct
// is true when that file exists and is not a regular file, or when the
// link leads into a special file system (/proc/self/fd/1 for /dev/stdout
// names a pipe or terminal that has no path of its own).
func resolve(path string) (target string, direct bool, err error) {
	info, err := os.Stat(path) // follows links
	switch {
	case err == nil && !info.Mode().IsRegular():
		if info.IsDir() {
			return "", false, errors.New("it is a folder")
		}
		return path, true, nil
	case err == nil:
		real, err := filepath.EvalSymlinks(path)
		if err != nil || strings.HasPrefix(real, "/proc/") || strings.HasPrefix(real, "/dev/") {
			// A regular file reached through /dev/stdout (the shell's
			// "> file"): write through the link, as the shell would.
			return path, true, nil
		}
		return real, false, nil
	case !errors.Is(err, fs.ErrNotExist):
		return "", false, err
	}
	// The path does not exist, or is a link whose target does not exist
	// yet: follow the links by hand to the name that will be created.
	target = path
	for range 40 {
		fi, err := os.Lstat(target)
		if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			return target, false, nil
		}
		dest, err := os.Readlink(target)
		if err != nil {
			return "", false, err
		}
		if !filepath.IsAbs(dest) {
			dest = filepath.Join(filepath.Dir(target), dest)
		}
		target = dest
	}
	return "", false, errors.New("too many levels of symbolic links")
}

// writeDirect writes to a file that cannot be replaced by a rename.
func writeDirect(path, target string, fn func(io.Writer) error) error {
	f, err := os.OpenFile(target, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	bw := bufio.NewWriterSize(f, 64<<10)
	err = fn(bw)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// staleAfter is the age past which a temporary file of arrfarm's is
// taken as left behind by a run that was killed (SIGKILL, a power cut):
// a live one is written continuously, so its modification time is fresh.
const staleAfter = time.Hour

// tempName matches the names createTemp gives.
var tempName = regexp.MustCompile(`^\.arrfarm-[0-9a-f]{16}\.tmp$`)

// cleanStale removes, from dir, arrfarm's temporary files older than
// staleAfter: nothing can remove them when a run is killed outright. It
// is best effort: a file it cannot remove stays.
func cleanStale(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.Type().IsRegular() || !tempName.MatchString(e.Name()) {
			continue
		}
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > staleAfter {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// createTemp creates a new file in dir with mode perm (less the umask),
// after removing stale ones. os.CreateTemp would always use 0600, which a
// new output must not get.
func createTemp(dir string, perm fs.FileMode) (*os.File, error) {
	cleanStale(dir)
	for range 100 {
		var b [8]byte
		_, _ = rand.Read(b[:])
		name := filepath.Join(dir, ".arrfarm-"+hex.EncodeToString(b[:])+".tmp")
		track(name)
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
		if err == nil {
			hold(name, f)
			return f, nil
		}
		forget(name)
		if !errors.Is(err, fs.ErrExist) {
			return nil, err
		}
	}
	return nil, errors.New("cannot create a temporary file")
}
