package recommend

import (
	"bytes"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/unicode"

	"github.com/arrfarm/arrfarm/internal/outfile"
	"github.com/arrfarm/arrfarm/schema"
)

var update = flag.Bool("update", false, "rewrite the golden files in fixtures/recommend")

// handResult is a recommendation written by hand (not simulated), so that
// the patch goldens test the patcher alone: timeout 41 s, health check
// every 5 s with a 2 s timeout and minServers 1.
func handResult(farm string) *Result {
	t := 41
	return &Result{Target: Target{R5023: 0.001}, Farms: []Farm{{
		Name:        farm,
		Timeout:     Timeout{RecommendedS: &t},
		HealthCheck: HealthCheck{URLTest: true, IntervalS: 5, TimeoutS: 2, MinServers: 1},
	}}}
}

// linesSubsequence reports whether every line of orig that no replacement
// touches appears in patched, in order: the patch changed those lines only.
func untouchedLinesKept(t *testing.T, orig, patched []byte, reps []schema.Replacement) {
	t.Helper()
	touched := map[int]bool{}
	lines := schema.NewLines("x", orig)
	for _, r := range reps {
		for l := lines.Pos(r.Start).Line; l <= lines.Pos(r.End).Line; l++ {
			touched[l] = true
		}
	}
	out := strings.SplitAfter(string(patched), "\n")
	j := 0
	for i, line := range strings.SplitAfter(string(orig), "\n") {
		if touched[i+1] {
			continue
		}
		for j < len(out) && out[j] != line {
			j++
		}
		if !assert.Less(t, j, len(out), "line %d %q is missing or changed", i+1, line) {
			return
		}
		j++
	}
}

func TestPatchGolden(t *testing.T) {
	for _, tc := range []struct{ file, farm, golden string }{
		// A real corpus config: a healthCheck element to extend, and no
		// protocol element, which is added with the file's indentation.
		{"../fixtures/corpus/kevinareed-bluegreen-alwaysup-sites-farm-healthcheck-rules.xml", "alwaysup", "kevinareed.patched.xml"},
		// YAML: values written are replaced in their own form (Go
		// durations); minServers is not written and is left to the user.
		{"../fixtures/sim/web3.yaml", "web", "web3.patched.yaml"},
		// XML with every value written, as IIS time spans.
		{"../fixtures/recommend/written.xml", "web", "written.patched.xml"},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			src, err := os.ReadFile(tc.file)
			require.NoError(t, err)
			doc, err := schema.Load(tc.file, src, schema.Options{})
			require.NoError(t, err)
			reps, notes := Edits(doc, handResult(tc.farm))
			require.NotEmpty(t, reps)
			got, err := schema.Patch(src, reps)
			require.NoError(t, err)
			golden := filepath.Join("../fixtures/recommend", tc.golden)
			if *update {
				require.NoError(t, os.WriteFile(golden, got, 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err)
			assert.Equal(t, string(want), string(got))
			untouchedLinesKept(t, src, got, reps)

			// The patched file says what was recommended, and is no worse.
			after, err := schema.Load(tc.file, got, schema.Options{})
			require.NoError(t, err)
			f := after.Config.Farm(tc.farm)
			assert.Equal(t, 41*time.Second, f.Protocol.Timeout)
			assert.Equal(t, 5*time.Second, f.HealthCheck.Interval)
			assert.Equal(t, 2*time.Second, f.HealthCheck.Timeout)
			if doc.Config.Format == schema.YAML {
				require.Len(t, notes, 1)
				assert.Contains(t, notes[0], "minServers: 1 by hand")
			} else {
				assert.Empty(t, notes)
				assert.EqualValues(t, 1, f.HealthCheck.MinServers)
			}
			assert.Equal(t, len(doc.Findings), len(after.Findings), "the patch adds no finding")
		})
	}
}

// Line endings, a UTF-8 byte-order mark and UTF-16 survive a patch.
func TestPatchKeepsEncodingAndLineEndings(t *testing.T) {
	const name = "../fixtures/corpus/kevinareed-bluegreen-alwaysup-sites-farm-healthcheck-rules.xml"
	lf, err := os.ReadFile(name)
	require.NoError(t, err)
	wantLF, err := os.ReadFile("../fixtures/recommend/kevinareed.patched.xml")
	require.NoError(t, err)
	crlf := bytes.ReplaceAll(lf, []byte("\n"), []byte("\r\n"))
	wantCRLF := bytes.ReplaceAll(wantLF, []byte("\n"), []byte("\r\n"))
	bom := []byte{0xEF, 0xBB, 0xBF}
	utf16 := func(b []byte) []byte {
		out, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes(b)
		require.NoError(t, err)
		return out
	}
	for _, tc := range []struct {
		name      string
		src, want []byte
	}{
		{"CRLF", crlf, wantCRLF},
		{"BOM+CRLF", append(append([]byte(nil), bom...), crlf...), append(append([]byte(nil), bom...), wantCRLF...)},
		{"UTF-16LE", utf16(crlf), utf16(wantCRLF)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := schema.Load(name, tc.src, schema.Options{})
			require.NoError(t, err)
			reps, _ := Edits(doc, handResult("alwaysup"))
			require.NotEmpty(t, reps)
			got, err := schema.Patch(tc.src, reps)
			require.NoError(t, err)
			assert.True(t, bytes.Equal(tc.want, got), "the LF golden with this file's line endings and encoding")
		})
	}
}

// --write replaces the file through a temporary file and a rename: the
// mode stays, and a write that fails before the rename leaves the original
// as it was and no temporary file behind.
func TestWriteKeepsModeAndSurvivesInterruption(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "applicationHost.config")
	orig, err := os.ReadFile("../fixtures/corpus/kevinareed-bluegreen-alwaysup-sites-farm-healthcheck-rules.xml")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, orig, 0o640))
	require.NoError(t, os.Chmod(path, 0o640))
	doc, err := schema.Load(path, orig, schema.Options{})
	require.NoError(t, err)
	reps, _ := Edits(doc, handResult("alwaysup"))
	patched, err := schema.Patch(orig, reps)
	require.NoError(t, err)

	err = outfile.WriteWith(path, func(w io.Writer) error {
		_, _ = w.Write(patched[:len(patched)/2])
		return assert.AnError // interrupted before the rename
	})
	require.Error(t, err)
	still, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, orig, still, "the original is intact")
	entries, _ := os.ReadDir(dir)
	assert.Len(t, entries, 1, "no temporary file left behind")

	require.NoError(t, outfile.Write(path, patched))
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, patched, got)
	info, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o640), info.Mode().Perm())
}
