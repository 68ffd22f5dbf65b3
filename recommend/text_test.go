package recommend

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrfarm/arrfarm/simulate"
)

// The timeout line gives the current and the recommended value in one
// form: a farm with ARR's 5-minute timeout kept read "5m -> 300s", as if
// the value changed.
func TestTimeoutLineOneUnit(t *testing.T) {
	for _, tc := range []struct {
		cur  float64
		rec  int
		want string
	}{
		{300, 300, "timeout      5m -> 5m (rule: keep)"},
		{300, 45, "timeout      5m -> 45s (rule: keep)"},
		{30, 90, "timeout      30s -> 1m30s (rule: keep)"},
	} {
		zero := simulate.Rate{CI95: [2]float64{0, 0.0001}}
		rec := tc.rec
		res := &Result{Target: Target{R5023: 0.001}, Farms: []Farm{{
			Name: "web", Servers: 2,
			Timeout: Timeout{CurrentS: tc.cur, RecommendedS: &rec, Rule: RuleKeep, Predicted5023: &zero},
			Set:     Set{Predicted5023: zero, Predicted5024: zero, Predicted503: zero, Meets: true},
		}}}
		var b strings.Builder
		require.NoError(t, res.WriteText(&b))
		assert.Contains(t, b.String(), tc.want)
	}
}
