package simulate

import (
	"bytes"
	"flag"
	"os"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arrfarm/arrfarm/schema"
)

var update = flag.Bool("update", false, "rewrite the golden files in fixtures/sim")

func loadFixtures(t *testing.T) (*schema.Config, *Scenario) {
	t.Helper()
	doc, err := loadConfigFile("../fixtures/sim/web3.yaml")
	require.NoError(t, err)
	require.Empty(t, doc.Findings)
	src, err := os.ReadFile("../fixtures/sim/faults.yaml")
	require.NoError(t, err)
	sc, fs, err := LoadScenario("faults.yaml", src)
	require.NoError(t, err)
	require.Empty(t, fs)
	return doc.Config, sc
}

func runJSON(t *testing.T, cfg *schema.Config, sc *Scenario, opts Options) []byte {
	t.Helper()
	res, err := Run(cfg, sc, opts)
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, res.WriteJSON(&b))
	return b.Bytes()
}

// The same seed gives the same bytes, whatever GOMAXPROCS and the number
// of workers; another seed gives other bytes.
func TestDeterminism(t *testing.T) {
	cfg, sc := loadFixtures(t)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))

	runtime.GOMAXPROCS(1)
	one := runJSON(t, cfg, sc, Options{})
	runtime.GOMAXPROCS(2)
	two := runJSON(t, cfg, sc, Options{})
	four := runJSON(t, cfg, sc, Options{Workers: 4})
	require.Equal(t, string(one), string(two), "GOMAXPROCS 1 vs 2")
	require.Equal(t, string(one), string(four), "1 vs 4 workers")

	require.NoError(t, ApplySet(cfg, sc, "scenario.seed=8"))
	other := runJSON(t, cfg, sc, Options{})
	require.NotEqual(t, string(one), string(other), "another seed")
}

// Goldens pin the JSON and text outputs of the fixture (see
// fixtures/sim/README.md); they are the simulator's own output, reviewed
// when regenerated, and catch unintended changes.
func TestGolden(t *testing.T) {
	cfg, sc := loadFixtures(t)
	res, err := Run(cfg, sc, Options{})
	require.NoError(t, err)
	var js, txt bytes.Buffer
	require.NoError(t, res.WriteJSON(&js))
	require.NoError(t, res.WriteText(&txt))
	for name, got := range map[string][]byte{"faults.golden.json": js.Bytes(), "faults.golden.txt": txt.Bytes()} {
		path := "../fixtures/sim/" + name
		if *update {
			require.NoError(t, os.WriteFile(path, got, 0o644))
			continue
		}
		want, err := os.ReadFile(path)
		require.NoError(t, err, "run go test ./simulate/ -run TestGolden -update")
		require.Equal(t, string(want), string(got), "%s changed; if intended, run go test ./simulate/ -run TestGolden -update", name)
	}
}
