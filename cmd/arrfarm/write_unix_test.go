//go:build unix

package main

import (
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrfarm/arrfarm/internal/outfile"
)

// writeConfig copies recTwo (a farm with every value recommend changes
// written) into a new folder with mode and returns its path and content.
func writeConfig(t *testing.T, mode os.FileMode) (string, []byte) {
	t.Helper()
	orig, err := os.ReadFile(recTwo)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "applicationHost.config")
	require.NoError(t, os.WriteFile(path, orig, 0o600))
	require.NoError(t, os.Chmod(path, mode))
	return path, orig
}

// noTempsIn fails when arrfarm left a temporary file or a backup in dir.
func noTempsIn(t *testing.T, dir string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range ents {
		assert.NotContains(t, e.Name(), ".arrfarm-", "left in %s", dir)
		assert.NotContains(t, e.Name(), outfile.BackupSuffix, "left in %s", dir)
	}
}

// The file changes between the read and the write: here the run's own
// --html page is written over CONFIG first, as a user who gave the same
// name twice would. --write exits 2 naming the file and keeps what the
// other writer saved.
func TestRecommendWriteRefusesChangedFile(t *testing.T) {
	path, _ := writeConfig(t, 0o644)
	code, _, stderr := runCLI(t, "", nil, "recommend", path, "--scenario", recPeak, "--write", "--html", path)
	assert.Equal(t, exitUsage, code, stderr)
	assert.Contains(t, stderr, "writing "+path+": the file changed since arrfarm read it")
	assert.Contains(t, stderr, "nothing was written")
	assert.NotContains(t, stderr, "wrote ")
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(got), "<!DOCTYPE html>"), "the other writer's content (the page) stays: %.40q", got)
	noTempsIn(t, filepath.Dir(path))
}

// A read-only CONFIG (0444) is refused, not replaced, even by root.
func TestRecommendWriteRefusesReadOnly(t *testing.T) {
	path, orig := writeConfig(t, 0o444)
	code, _, stderr := runCLI(t, "", nil, "recommend", path, "--scenario", recPeak, "--write")
	assert.Equal(t, exitUsage, code, stderr)
	assert.Contains(t, stderr, "writing "+path+": the file is read-only (mode 0444)")
	assert.Contains(t, stderr, "nothing was written: make it writable, or print the change with --format patch")
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, orig, got)
	info, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o444), info.Mode().Perm())
}

// Owner, group and mode bits (setgid here) stay; a second hard link sees
// the new content (the file was written in place, not replaced).
func TestRecommendWriteKeepsOwnerModeAndLinks(t *testing.T) {
	path, orig := writeConfig(t, 0o664|os.ModeSetgid)
	link := filepath.Join(t.TempDir(), "linked.config")
	require.NoError(t, os.Link(path, link))
	before, err := os.Stat(path)
	require.NoError(t, err)
	code, _, stderr := runCLI(t, "", nil, "recommend", path, "--scenario", recPeak, "--write")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stderr, "wrote 3 change(s) to "+path)
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.NotEqual(t, orig, got)
	viaLink, err := os.ReadFile(link)
	require.NoError(t, err)
	assert.Equal(t, got, viaLink, "the other link shows the new content")
	after, err := os.Stat(path)
	require.NoError(t, err)
	assert.True(t, os.SameFile(before, after), "same inode")
	assert.Equal(t, 0o664|os.ModeSetgid, after.Mode()&(os.ModePerm|os.ModeSetgid|os.ModeSetuid|os.ModeSticky))
	b, a := before.Sys().(*syscall.Stat_t), after.Sys().(*syscall.Stat_t)
	assert.Equal(t, [2]uint32{b.Uid, b.Gid}, [2]uint32{a.Uid, a.Gid})
	noTempsIn(t, filepath.Dir(path))

	// Without a second link the file is replaced, and still keeps them.
	require.NoError(t, os.Remove(link))
	require.NoError(t, os.WriteFile(path, orig, 0))
	code, _, stderr = runCLI(t, "", nil, "recommend", path, "--scenario", recPeak, "--write")
	require.Equal(t, exitOK, code, stderr)
	after, err = os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, 0o664|os.ModeSetgid, after.Mode()&(os.ModePerm|os.ModeSetgid|os.ModeSetuid|os.ModeSticky))
	a = after.Sys().(*syscall.Stat_t)
	assert.Equal(t, [2]uint32{b.Uid, b.Gid}, [2]uint32{a.Uid, a.Gid})
	noTempsIn(t, filepath.Dir(path))
}

// TestAsArrfarm is not a test: it is arrfarm's main, for the tests below
// that run arrfarm as its own process (ARRFARM_AS_MAIN holds its
// arguments, one a line) and signal it.
func TestAsArrfarm(t *testing.T) {
	args := os.Getenv("ARRFARM_AS_MAIN")
	if args == "" {
		t.Skip("the arrfarm process of the signal tests only")
	}
	catchSignals()
	exit(run(strings.Split(args, "\n"), streams{in: os.Stdin, out: io.Discard, err: os.Stderr}, os.Getenv))
}

// arrfarmProcess is arrfarm with args as a child process (this test
// binary, through TestAsArrfarm), its stderr in errb.
func arrfarmProcess(args []string, errb *strings.Builder) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^TestAsArrfarm$")
	cmd.Env = append(os.Environ(), "ARRFARM_AS_MAIN="+strings.Join(args, "\n"))
	cmd.Stderr = errb
	return cmd
}

// TestSignalDuringWriteEndsBySignal: the write that SIGTERM interrupts
// fails ("file already closed"), but the process ends by the signal, not
// with that error and exit 2, and leaves no temporary or partial file.
func TestSignalDuringWriteEndsBySignal(t *testing.T) {
	if dir := os.Getenv("ARRFARM_SIGNAL_DIR"); dir != "" {
		catchSignals()
		err := outfile.WriteWith(filepath.Join(dir, "out.json"), func(w io.Writer) error {
			io.WriteString(w, "partial")
			syscall.Kill(os.Getpid(), syscall.SIGTERM)
			// Write on until the handler closes the file: the write
			// fails at once, racing the signal to end the process.
			for {
				if _, err := io.WriteString(w, strings.Repeat("more", 1<<14)); err != nil {
					return err
				}
			}
		})
		if err != nil {
			os.Stderr.WriteString("arrfarm: " + err.Error() + "\n")
			exit(exitUsage)
		}
		exit(exitOK)
	}
	for range 5 {
		dir := t.TempDir()
		cmd := exec.Command(os.Args[0], "-test.run=^TestSignalDuringWriteEndsBySignal$")
		cmd.Env = append(os.Environ(), "ARRFARM_SIGNAL_DIR="+dir)
		var errb strings.Builder
		cmd.Stderr = &errb
		err := cmd.Run()
		var ee *exec.ExitError
		require.True(t, errors.As(err, &ee), "child did not fail: %v %s", err, errb.String())
		ws := ee.Sys().(syscall.WaitStatus)
		assert.True(t, ws.Signaled() && ws.Signal() == syscall.SIGTERM, "child status %v, want killed by SIGTERM; stderr %s", ws, errb.String())
		assert.NotContains(t, errb.String(), "file already closed")
		noTempsIn(t, dir)
		_, err = os.Stat(filepath.Join(dir, "out.json"))
		assert.ErrorIs(t, err, os.ErrNotExist, "partial output")
	}
}

// TestIgnoredSignalIsLeftAlone runs a child the way nohup would, with
// SIGHUP ignored, which sends itself SIGHUP in the middle of a write: the
// write must complete, since the signal would not have ended the process.
func TestIgnoredSignalIsLeftAlone(t *testing.T) {
	if dir := os.Getenv("ARRFARM_IGNORED_DIR"); dir != "" {
		catchSignals()
		err := outfile.WriteWith(filepath.Join(dir, "out.json"), func(w io.Writer) error {
			io.WriteString(w, "first half, ")
			syscall.Kill(os.Getpid(), syscall.SIGHUP)
			time.Sleep(300 * time.Millisecond)
			io.WriteString(w, "second half")
			return nil
		})
		if err != nil {
			os.Stderr.WriteString(err.Error())
			exit(exitUsage)
		}
		exit(exitOK)
	}
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh to start a child with SIGHUP ignored")
	}
	dir := t.TempDir()
	cmd := exec.Command(sh, "-c", `trap "" HUP; exec "$0" -test.run='^TestIgnoredSignalIsLeftAlone$'`, os.Args[0])
	cmd.Env = append(os.Environ(), "ARRFARM_IGNORED_DIR="+dir)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "child: %s", out)
	got, err := os.ReadFile(filepath.Join(dir, "out.json"))
	require.NoError(t, err)
	assert.Equal(t, "first half, second half", string(got))
	noTempsIn(t, dir)
}

// SIGTERM at a random moment of recommend --write, arrfarm running as its
// own process: it ends either by the signal or with exit 0 (the signal
// came too late), never with another code, and CONFIG is then either the
// old file or the whole new one, with no temporary file beside it.
func TestRecommendWriteSIGTERM(t *testing.T) {
	path, orig := writeConfig(t, 0o644)
	code, _, stderr := runCLI(t, "", nil, "recommend", path, "--scenario", recPeak, "--write")
	require.Equal(t, exitOK, code, stderr)
	want, err := os.ReadFile(path)
	require.NoError(t, err)
	start := time.Now()
	errb := strings.Builder{}
	require.NoError(t, arrfarmProcess([]string{"recommend", path, "--scenario", recPeak, "--write"}, &errb).Run())
	whole := time.Since(start) // a run with nothing to change takes as long
	r := rand.New(rand.NewPCG(1, 2))
	signalled := 0
	const runs = 5
	for i := range runs {
		require.NoError(t, os.WriteFile(path, orig, 0))
		var errb strings.Builder
		cmd := arrfarmProcess([]string{"recommend", path, "--scenario", recPeak, "--write"}, &errb)
		require.NoError(t, cmd.Start())
		// Around the end of a whole run, where the write is.
		time.Sleep(time.Duration((0.6 + 0.7*r.Float64()) * float64(whole)))
		cmd.Process.Signal(syscall.SIGTERM)
		err := cmd.Wait()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			ws := ee.Sys().(syscall.WaitStatus)
			require.True(t, ws.Signaled() && ws.Signal() == syscall.SIGTERM, "run %d: status %v, want exit 0 or killed by SIGTERM; stderr %s", i, ws, errb.String())
			signalled++
		} else {
			require.NoError(t, err)
		}
		got, err := os.ReadFile(path)
		require.NoError(t, err)
		if string(got) != string(orig) && string(got) != string(want) {
			t.Fatalf("run %d: CONFIG is neither the old file nor the new one:\n%s", i, got)
		}
		noTempsIn(t, filepath.Dir(path))
	}
	t.Logf("%d of %d runs ended by SIGTERM (a whole run took %v)", signalled, runs, whole)
}

// Two arrfarm processes run recommend --write on the same file at once:
// both read the old file, and only one may report that it wrote; the
// other refuses (exit 2, the file changed since it read it), or, had it
// read the file after the first wrote, finds nothing to change.
func TestRecommendWriteTwoProcesses(t *testing.T) {
	path, orig := writeConfig(t, 0o644)
	args := []string{"recommend", path, "--scenario", recPeak, "--write"}
	var errs [2]strings.Builder
	cmds := [2]*exec.Cmd{arrfarmProcess(args, &errs[0]), arrfarmProcess(args, &errs[1])}
	for _, c := range cmds {
		require.NoError(t, c.Start())
	}
	wrote, refused := 0, 0
	for i, c := range cmds {
		err := c.Wait()
		stderr := errs[i].String()
		switch {
		case err == nil && strings.Contains(stderr, "wrote 3 change(s)"):
			wrote++
		case err == nil:
			// Read after the other's write: nothing left to change.
		default:
			var ee *exec.ExitError
			require.True(t, errors.As(err, &ee), "%v", err)
			assert.Equal(t, exitUsage, ee.ExitCode(), stderr)
			assert.Contains(t, stderr, "writing "+path+": the file changed since arrfarm read it")
			refused++
		}
	}
	assert.Equal(t, 1, wrote, "exactly one process reports writing: %q", [2]string{errs[0].String(), errs[1].String()})
	t.Logf("one wrote, %d refused", refused)
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.NotEqual(t, orig, got)
	noTempsIn(t, filepath.Dir(path))
}
