package input

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadFileWithinBound(t *testing.T) {
	p := filepath.Join(t.TempDir(), "a.config")
	require.NoError(t, os.WriteFile(p, []byte("12345"), 0o644))
	src, err := ReadFile(p, 5)
	require.NoError(t, err)
	assert.Equal(t, "12345", string(src), "a file of exactly the bound is read whole")
}

func TestReadFileTooLargeIsAnErrorNotATruncation(t *testing.T) {
	p := filepath.Join(t.TempDir(), "a.config")
	require.NoError(t, os.WriteFile(p, []byte("123456"), 0o644))
	src, err := ReadFile(p, 5)
	assert.Nil(t, src)
	require.ErrorIs(t, err, ErrTooLarge)
	assert.Contains(t, err.Error(), "reading "+p+": the file is larger than 5 bytes")
}

func TestSymlinkToDevZeroIsRefusedWithoutReading(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no /dev/zero")
	}
	p := filepath.Join(t.TempDir(), ".arrfarm.yaml")
	require.NoError(t, os.Symlink("/dev/zero", p))
	_, err := ReadFile(p, 0)
	require.ErrorIs(t, err, ErrNotRegular)
	assert.Contains(t, err.Error(), "it is a device")
}

func TestDirectoryIsRefused(t *testing.T) {
	_, err := ReadFile(t.TempDir(), 0)
	require.ErrorIs(t, err, ErrNotRegular)
	assert.Contains(t, err.Error(), "it is a directory")
}

func TestMissingFileNamesThePathOnce(t *testing.T) {
	p := filepath.Join(t.TempDir(), "nope.config")
	_, err := ReadFile(p, 0)
	require.ErrorIs(t, err, os.ErrNotExist)
	assert.Equal(t, 1, strings.Count(err.Error(), p), err.Error())
}

func TestReadStdinIsBounded(t *testing.T) {
	src, err := Read(Stdin, strings.NewReader("abc"), 3)
	require.NoError(t, err)
	assert.Equal(t, "abc", string(src))
	_, err = Read(Stdin, strings.NewReader("abcd"), 3)
	require.ErrorIs(t, err, ErrTooLarge)
	assert.Contains(t, err.Error(), "standard input")
}

func TestOpenBoundedStopsAtTheBound(t *testing.T) {
	p := filepath.Join(t.TempDir(), "u_ex.log")
	require.NoError(t, os.WriteFile(p, []byte(strings.Repeat("x", 100)), 0o644))
	r, err := OpenBounded(p, 100)
	require.NoError(t, err)
	b, err := io.ReadAll(r)
	require.NoError(t, err, "exactly the bound is fine")
	assert.Len(t, b, 100)
	r.Close()

	r, err = OpenBounded(p, 99)
	require.NoError(t, err)
	defer r.Close()
	b, err = io.ReadAll(r)
	assert.True(t, errors.Is(err, ErrTooLarge), "err %v", err)
	assert.Len(t, b, 99, "what was read before the bound is returned, then the error")
}

// A large file is read into one buffer of its size: doubling a growing
// buffer would leave about twice the file as garbage at the start of a run.
func TestReadFileAllocatesTheFileOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "big.config")
	const size = 8 << 20
	if err := os.WriteFile(path, make([]byte, size), 0o644); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	src, err := ReadFile(path, 0)
	runtime.ReadMemStats(&after)
	if err != nil || len(src) != size {
		t.Fatalf("read %d bytes, %v", len(src), err)
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > size+size/8 {
		t.Fatalf("reading an %d-byte file allocated %d bytes", size, got)
	}
}
