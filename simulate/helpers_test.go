package simulate

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/arrfarm/arrfarm/internal/input"
	"github.com/arrfarm/arrfarm/schema"
)

// statCells is the number of statistical acceptance cells in this
// package's tests; validation.md 4.4 applies a Bonferroni correction over
// them, so that the suite as a whole has a 5 % false-alarm rate.
const statCells = 61

// loadConfig loads a farm YAML (design.md 3.2) and fails on any finding.
func loadConfig(t testing.TB, src string) *schema.Config {
	t.Helper()
	doc, err := schema.Load("farm.yaml", []byte(src), schema.Options{})
	require.NoError(t, err)
	for _, f := range doc.Findings {
		if f.Severity == schema.Error {
			t.Fatalf("config: %s: %s", f.Span, f.Message)
		}
	}
	return doc.Config
}

// farm is a farm YAML with n servers 10.0.0.1..n; arr is the body of the
// farm's applicationRequestRouting.
func farm(n int, arr string) string {
	var b strings.Builder
	b.WriteString("farms:\n  - name: web\n    servers:\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "      - {address: 10.0.0.%d}\n", i)
	}
	b.WriteString("    applicationRequestRouting:\n")
	for _, line := range strings.Split(strings.TrimSpace(arr), "\n") {
		b.WriteString("      " + line + "\n")
	}
	return b.String()
}

func loadScenario(t testing.TB, src string) *Scenario {
	t.Helper()
	sc, fs, err := LoadScenario("scenario.yaml", []byte(src))
	require.NoError(t, err)
	for _, f := range fs {
		t.Errorf("scenario: %s: %s", f.Span, f.Message)
	}
	if len(fs) > 0 {
		t.FailNow()
	}
	return sc
}

// simulate runs every replication and returns their statistics.
func simulate(t testing.TB, cfg *schema.Config, sc *Scenario) []*repStats {
	t.Helper()
	p, err := compile(cfg, sc, nil)
	require.NoError(t, err)
	reps, err := runReplications(p, sc.Replications, Options{})
	require.NoError(t, err)
	return reps
}

func timeouts(r *repStats) int64 { return r.out[oTimeout] + r.out[oRefused] + r.out[oReset] }

// rates are the per-replication shares of count.
func rates(reps []*repStats, count func(*repStats) int64) []float64 {
	xs := make([]float64, len(reps))
	for i, r := range reps {
		xs[i] = float64(count(r)) / float64(r.requests())
	}
	return xs
}

func meanSE(xs []float64) (mean, se float64) {
	n := float64(len(xs))
	for _, x := range xs {
		mean += x
	}
	mean /= n
	var ss float64
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(ss/(n-1)) / math.Sqrt(n)
}

// checkRate is the acceptance rule of validation.md 4.4: the replication
// mean must be within crit standard errors of the exact value, crit being
// the two-sided Bonferroni quantile over statCells cells (Student t with
// R-1 degrees of freedom, as the SE is estimated from R replications). It
// also requires the run to be precise enough to catch a 15 % error, so that
// a loose run cannot pass by being vague.
func checkRate(t testing.TB, name string, xs []float64, want float64) {
	t.Helper()
	mean, se := meanSE(xs)
	crit := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(len(xs) - 1)}.Quantile(1 - 0.05/(2*statCells))
	z := (mean - want) / se
	t.Logf("%s: simulated %.5g ± %.2g (SE, R=%d), exact %.5g, z=%.2f (crit %.2f)", name, mean, se, len(xs), want, z, crit)
	if math.Abs(z) >= crit {
		t.Errorf("%s: simulated %.5g, exact %.5g: z = %.2f, beyond ±%.2f", name, mean, want, z, crit)
	}
	if crit*se > 0.15*want {
		t.Errorf("%s: too imprecise to test: crit*SE = %.3g is more than 15%% of %.3g; run longer", name, crit*se, want)
	}
}

// loadConfigFile loads a configuration fixture through the bounded reader,
// as the command line does.
func loadConfigFile(path string) (*schema.Document, error) {
	src, err := input.ReadFile(path, 0)
	if err != nil {
		return nil, err
	}
	return schema.Load(path, src, schema.Options{})
}

// runReplications runs n replications and keeps every one, for tests that
// look inside them (Run folds each into its totals as it is done).
func runReplications(p *plan, n int, opts Options) ([]*repStats, error) {
	var reps []*repStats
	_, err := replicate(p, n, opts, func(st *repStats) { reps = append(reps, st) })
	return reps, err
}
