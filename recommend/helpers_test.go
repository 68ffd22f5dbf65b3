package recommend

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/arrfarm/arrfarm/schema"
	"github.com/arrfarm/arrfarm/simulate"
)

// farmYAML is a farm YAML with n servers 10.0.0.1..n; arr is the body of
// the farm's applicationRequestRouting.
func farmYAML(n int, arr string) string {
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

func loadConfig(t testing.TB, name, src string) *schema.Document {
	t.Helper()
	doc, err := schema.Load(name, []byte(src), schema.Options{})
	require.NoError(t, err)
	for _, f := range doc.Findings {
		if f.Severity == schema.Error {
			t.Fatalf("config: %s: %s", f.Span, f.Message)
		}
	}
	return doc
}

func loadScenario(t testing.TB, src string) *simulate.Scenario {
	t.Helper()
	sc, fs, err := simulate.LoadScenario("scenario.yaml", []byte(src))
	require.NoError(t, err)
	for _, f := range fs {
		t.Errorf("scenario: %s: %s", f.Span, f.Message)
	}
	if len(fs) > 0 {
		t.FailNow()
	}
	return sc
}
