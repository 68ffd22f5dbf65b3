// Package input is the one way arrfarm reads the files it is given:
// configurations, scenarios, .arrfarm.yaml, latency sources, IIS logs and the
// files sniffed while walking a directory. Every read is bounded in size,
// and only regular files (or standard input, named "-") are read: a
// repository whose .arrfarm.yaml links to /dev/zero must not exhaust
// memory, and a FIFO must not hang a CI job.
//
// Packages that may not import project packages (iislog) take an
// io.Reader; the command line opens it here with Open.
package input

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// MaxBytes bounds a configuration, scenario or settings file. A real
// applicationHost.config is well under a megabyte.
const MaxBytes = 32 << 20

// Stdin is the path that names standard input.
const Stdin = "-"

// ErrTooLarge is wrapped by the errors of reads that hit their bound.
var ErrTooLarge = errors.New("file too large")

// ErrNotRegular is wrapped by the errors for devices, FIFOs, sockets and
// directories given as files.
var ErrNotRegular = errors.New("not a regular file")

// ReadFile reads the regular file at path, up to limit bytes (MaxBytes when
// limit <= 0). A larger file is an error wrapping ErrTooLarge, never a
// silently truncated read.
func ReadFile(path string, limit int64) ([]byte, error) {
	f, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// Read into a buffer of the file's size (plus the byte that tells a
	// file that grew past the bound): growing one by doubling would leave
	// a large file's earlier copies as garbage at the start of the run.
	var hint int64
	if info, err := f.Stat(); err == nil {
		hint = info.Size()
	}
	return readSized(path, f, limit, hint)
}

// Read reads path, or stdin when path is "-", up to limit bytes.
func Read(path string, stdin io.Reader, limit int64) ([]byte, error) {
	if path == Stdin {
		return ReadAll("standard input", stdin, limit)
	}
	return ReadFile(path, limit)
}

// ReadAll reads r, called name in errors, up to limit bytes.
func ReadAll(name string, r io.Reader, limit int64) ([]byte, error) {
	return readAll(name, r, limit)
}

func readAll(name string, r io.Reader, limit int64) ([]byte, error) {
	return readSized(name, r, limit, 0)
}

// readSized is readAll with the expected size of r.
func readSized(name string, r io.Reader, limit, hint int64) ([]byte, error) {
	if limit <= 0 {
		limit = MaxBytes
	}
	// ReadFrom grows the buffer only when less than MinRead is free.
	var buf bytes.Buffer
	buf.Grow(int(min(max(hint, 0), limit)) + bytes.MinRead)
	_, err := buf.ReadFrom(io.LimitReader(r, limit+1))
	src := buf.Bytes()
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	if int64(len(src)) > limit {
		return nil, tooLarge(name, limit)
	}
	return src, nil
}

func tooLarge(name string, limit int64) error {
	return &inputError{is: ErrTooLarge, msg: fmt.Sprintf("reading %s: the file is larger than %s, the most arrfarm reads from one file", name, size(limit))}
}

// inputError is a message that reads as a sentence and still matches its
// sentinel with errors.Is.
type inputError struct {
	is  error
	msg string
}

func (e *inputError) Error() string        { return e.msg }
func (e *inputError) Is(target error) bool { return target == e.is }

func size(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// Open opens the regular file at path for reading. Devices, FIFOs, sockets
// and directories are refused before they are opened (opening a FIFO
// blocks until a writer comes). A symbolic link is followed, and refused
// when its target is not a regular file.
func Open(path string) (*os.File, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, unwrapPath(err))
	}
	if err := regular(path, info); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, unwrapPath(err))
	}
	// The file may have been swapped between Stat and Open.
	if info, err = f.Stat(); err != nil || regular(path, info) != nil {
		f.Close()
		if err == nil {
			err = regular(path, info)
		}
		return nil, err
	}
	return f, nil
}

// OpenBounded opens path like Open and reads at most limit bytes from it:
// reading past the bound fails with an error wrapping ErrTooLarge, so a
// streaming reader (IIS logs) cannot be fed without end.
func OpenBounded(path string, limit int64) (io.ReadCloser, error) {
	f, err := Open(path)
	if err != nil {
		return nil, err
	}
	return &bounded{f: f, name: path, left: limit, limit: limit}, nil
}

type bounded struct {
	f     *os.File
	name  string
	left  int64
	limit int64
}

func (b *bounded) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// One byte more tells a file of exactly limit bytes from a longer one.
		var one [1]byte
		if n, _ := b.f.Read(one[:]); n > 0 {
			return 0, tooLarge(b.name, b.limit)
		}
		return 0, io.EOF
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.f.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *bounded) Close() error { return b.f.Close() }

func regular(path string, info fs.FileInfo) error {
	m := info.Mode()
	if m.IsRegular() {
		return nil
	}
	what := "not a regular file"
	switch {
	case m.IsDir():
		what = "a directory"
	case m&fs.ModeNamedPipe != 0:
		what = "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		what = "a socket"
	case m&fs.ModeDevice != 0, m&fs.ModeCharDevice != 0:
		what = "a device"
	}
	return &inputError{is: ErrNotRegular, msg: fmt.Sprintf("reading %s: it is %s; arrfarm reads regular files only (standard input: -)", path, what)}
}

// unwrapPath drops the *fs.PathError wrapper, whose text would repeat the
// path the caller's message already names.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
