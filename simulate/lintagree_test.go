package simulate_test

import (
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/lint/rules"
	"github.com/arrfarm/arrfarm/schema"
	"github.com/arrfarm/arrfarm/simulate"
)

// Lint and simulate read RequestHash's hashServerVariable the same way.
// Where lint rule request-hash-settings says every request hashes the same
// empty value (a list of names; a name that is no IIS server variable and
// that no rule sets), the simulation sends 100 % of the requests to one
// server. Where lint is silent (no variable: the URL; the whole query
// string; a real variable) it splits them: with 2 servers each gets half,
// within 4 standard deviations of a binomial share, sqrt(1/4n) for n
// requests hashed one by one; per session, the n/R sessions of about R =
// 20 requests (geometric, so E[R^2] ~ 2R^2) give sqrt(2R/4n). A note says
// what was assumed.
func TestLintAndSimulateAgreeOnRequestHash(t *testing.T) {
	l, err := lint.New(rules.All, lint.Options{})
	require.NoError(t, err)
	sc, fs, err := simulate.LoadScenario("s.yaml", []byte("duration: 300s\nreplications: 1\narrivals: {rate: 100}\nlatency: {fixed: 10ms}\n"))
	require.NoError(t, err)
	require.Empty(t, fs)
	for _, tc := range []struct {
		name, lb  string
		lintFires bool
		oneServer bool
		note      string
	}{
		{"list of names", `hashServerVariable="x1,x2"`, true, true, "every request hashes the same empty value"},
		{"no such variable", `hashServerVariable="x"`, true, true, "assumed empty for every request"},
		{"the URL", ``, false, false, "each request is assumed to hash independently"},
		{"the query string", `hashServerVariable="query_string"`, false, false, "each request is assumed to hash independently"},
		{"query-string values", `hashServerVariable="query_string" queryStringNames="tenant"`, false, false, "assumed constant within a client's session"},
		{"one variable", `hashServerVariable="HTTP_X_TENANT"`, false, false, "assumed constant within a client's session"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := `<webFarms><webFarm name="web" enabled="true">
  <server address="a" enabled="true" /><server address="b" enabled="true" />
  <applicationRequestRouting><healthCheck url="http://web/health" />
    <loadBalancing algorithm="RequestHash" ` + tc.lb + ` /></applicationRequestRouting>
</webFarm></webFarms>`
			doc, err := schema.Load("web.config", []byte(src), schema.Options{})
			require.NoError(t, err)
			fired := false
			for _, d := range l.Lint(doc) {
				fired = fired || d.Rule == rules.RequestHashSettings.Slug
			}
			require.Equal(t, tc.lintFires, fired, "lint")

			res, err := simulate.Run(doc.Config, sc, simulate.Options{})
			require.NoError(t, err)
			f := res.Farms[0]
			a, b := f.Servers[0].Requests, f.Servers[1].Requests
			n := float64(a + b)
			if tc.oneServer {
				require.True(t, a == 0 || b == 0, "one server takes every request: %d and %d", a, b)
			} else {
				sd := 0.5 / sqrtf(n)
				if strings.Contains(tc.note, "session") {
					sd *= sqrtf(2 * 20)
				}
				require.InDelta(t, 0.5, float64(a)/n, 4*sd, "an even split")
			}
			require.Condition(t, func() bool {
				for _, note := range f.Notes {
					if strings.Contains(note, tc.note) {
						return true
					}
				}
				return false
			}, "notes %q", f.Notes)
		})
	}
}

func sqrtf(x float64) float64 { return math.Sqrt(x) }
