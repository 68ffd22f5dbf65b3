package lint

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func write(t *testing.T, p, s string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(t, os.WriteFile(p, []byte(s), 0o644))
}

func TestFindInputsEmptyDirectory(t *testing.T) {
	dir := t.TempDir()
	in := FindInputs([]string{dir})
	assert.Empty(t, in.Files)
	require.Len(t, in.Problems, 1)
	assert.Equal(t, "no configuration found in "+dir+": looked at 0 files", in.Problems[0].Error())
}

func TestFindInputsNamesWhatItSkippedAndWhy(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "ci.yml"), "on: push\njobs: {}\n")
	write(t, filepath.Join(dir, "farm.yaml"), "# web farm\nfarm:\n  - name: web\n")
	write(t, filepath.Join(dir, "scenario.yaml"), "farm: web\nlatency: {fixed: 10ms}\n")
	write(t, filepath.Join(dir, "empty.yaml"), " \n\t\n")
	write(t, filepath.Join(dir, "notes.txt"), "hi")
	write(t, filepath.Join(dir, ".hidden", "a.config"), "<configuration/>")
	in := FindInputs([]string{dir})
	assert.Empty(t, in.Files)
	require.Len(t, in.Problems, 1)
	var nc *NoConfigError
	require.True(t, errors.As(in.Problems[0], &nc))
	assert.Equal(t, 5, nc.Looked, "hidden files are not looked at")
	msg := in.Problems[0].Error()
	keys := "proxy, webFarms, farms, rules, siteRules, locations"
	for _, want := range []string{
		"no configuration found in " + dir + ": looked at 5 files, skipped: ",
		filepath.Join(dir, "ci.yml") + " because it has none of the top-level keys " + keys + ";",
		filepath.Join(dir, "farm.yaml") + " because it has none of the top-level keys " + keys + " (line 2 has farm:, did you mean farms:?)",
		filepath.Join(dir, "empty.yaml") + " because it is empty",
		filepath.Join(dir, "notes.txt") + " because it is not a .config, .xml, .xdt, .yaml or .yml file",
	} {
		assert.Contains(t, msg, want)
	}
	assert.NotContains(t, msg, "scenario.yaml because it has none of the top-level keys "+keys+" (", "a scenario's farm: names a farm; no did-you-mean")
}

func TestFindInputsKeepsFarmFilesWithSyntaxErrors(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "farms.yaml"), "proxy: {enabled: true\nfarms: [\n")
	in := FindInputs([]string{dir})
	assert.Empty(t, in.Problems)
	assert.Equal(t, []string{filepath.Join(dir, "farms.yaml")}, in.Files, "the loader reports the syntax error")
}

func TestFindInputsGoesOnPastAnUnreadableDirectory(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "a", "x.config"), "<configuration/>")
	write(t, filepath.Join(dir, "locked", "y.config"), "<configuration/>")
	write(t, filepath.Join(dir, "z", "w.config"), "<configuration/>")
	locked := filepath.Join(dir, "locked")
	old := walkDir
	t.Cleanup(func() { walkDir = old })
	walkDir = func(root string, fn fs.WalkDirFunc) error {
		return old(root, func(path string, d fs.DirEntry, err error) error {
			if path == locked {
				// What WalkDir does when it cannot read a directory: a
				// second call with the error.
				return fn(path, d, &fs.PathError{Op: "open", Path: path, Err: fs.ErrPermission})
			}
			return fn(path, d, err)
		})
	}
	in := FindInputs([]string{dir})
	assert.Equal(t, []string{filepath.Join(dir, "a", "x.config"), filepath.Join(dir, "z", "w.config")}, in.Files)
	require.Len(t, in.Problems, 1)
	assert.Equal(t, "reading directory "+locked+": permission denied", in.Problems[0].Error())
}

func TestFindInputsMissingPath(t *testing.T) {
	p := filepath.Join(t.TempDir(), "nope")
	in := FindInputs([]string{p})
	require.Len(t, in.Problems, 1)
	assert.Equal(t, "reading "+p+": no such file or directory", in.Problems[0].Error())
}
