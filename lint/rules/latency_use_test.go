package rules

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/arrfarm/arrfarm/latency"
	"github.com/arrfarm/arrfarm/lint"
	"github.com/arrfarm/arrfarm/schema"
)

// silentSource knows the latency of no farm, as an IIS log without a
// farm's requests would.
type silentSource struct{}

func (silentSource) Name() string { return "u_ex.log" }
func (silentSource) Farm(*schema.Config, *schema.Farm) (latency.Distribution, bool) {
	return nil, false
}

const twoFarms = `<configuration><webFarms>
<webFarm name="web"><server address="a"/><applicationRequestRouting><healthCheck url="http://web/h"/></applicationRequestRouting></webFarm>
<webFarm name="api"><server address="b"/><applicationRequestRouting><healthCheck url="http://api/h"/></applicationRequestRouting></webFarm>
</webFarms></configuration>`

func latencyLinter(t *testing.T, srcs ...lint.LatencySource) *lint.Linter {
	t.Helper()
	l, err := lint.New(All, lint.Options{Latency: srcs})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// A latency source with no samples for a farm is a finding on that farm:
// its timeout went unchecked.
func TestLatencySourceWithoutSamplesForAFarm(t *testing.T) {
	doc, err := schema.Load("applicationHost.config", []byte(twoFarms), schema.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range latencyLinter(t, silentSource{}).Lint(doc) {
		if d.Rule == "timeout-below-latency" {
			got = append(got, d.Span.String()+" "+d.Severity.String()+" "+d.Message)
		}
	}
	want := []string{
		`applicationHost.config:2:16 warning latency source u_ex.log has no samples for farm "web", so its timeout was not compared with latency`,
		`applicationHost.config:3:16 warning latency source u_ex.log has no samples for farm "api", so its timeout was not compared with latency`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// A scenario naming a farm that no linted configuration has is reported
// once, at the scenario's farm key, with a did-you-mean; a scenario about
// one of two farms says nothing about the other.
func TestLatencyScenarioNamingAMissingFarm(t *testing.T) {
	dir := t.TempDir()
	scen := filepath.Join(dir, "prod.yaml")
	if err := os.WriteFile(scen, []byte("# prod\nfarm: wbe\nlatency: {fixed: 10ms}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	src := &latency.Models{File: scen, FarmName: "wbe", Latency: latency.Model{Kind: latency.Fixed, Fixed: 10e6}}
	l := latencyLinter(t, src)
	doc, err := schema.Load("applicationHost.config", []byte(twoFarms), schema.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if n := countRule(l.Lint(doc), "timeout-below-latency"); n != 0 {
		t.Errorf("%d findings for the farms the scenario is not about", n)
	}
	ds := l.LatencyFindings()
	if len(ds) != 1 {
		t.Fatalf("want 1 finding, got %v", ds)
	}
	d := ds[0]
	if d.ID != "ARR3001" || d.Severity != lint.Error || d.Span.String() != scen+":2:7" ||
		d.Message != `latency source prod.yaml describes farm "wbe", which the configuration does not have, so no timeout was compared with its latency: did you mean "web"?` {
		t.Errorf("got %s %s %s %q", d.ID, d.Severity, d.Span, d.Message)
	}
}
