package plan

import (
	"reflect"
	"testing"

	"github.com/arrfarm/arrfarm/schema"
	"github.com/arrfarm/arrfarm/simulate"
)

const transitionCurrent = `<configuration><webFarms><webFarm name="web">
<server address="10.0.0.11"/><server address="10.0.0.12"/><server address="10.0.0.13"/>
<applicationRequestRouting><protocol timeout="00:00:30"/><healthCheck url="http://web/health" interval="00:00:05" timeout="00:00:02" minServers="1"/></applicationRequestRouting>
</webFarm></webFarms><system.webServer><proxy enabled="true"/><rewrite><globalRules>
<rule name="ARR_web_loadbalance" patternSyntax="Wildcard" stopProcessing="true"><match url="*"/><action type="Rewrite" url="http://web/{R:0}"/></rule>
</globalRules></rewrite></system.webServer></configuration>`

// Each backend serves 10 requests at once in 200 ms: 50 requests/s. The
// scenario offers 100/s: three servers (150/s) carry it, one (50/s) does
// not, and its queue grows by 50 requests a second: requests wait ever
// longer, and the health probes queued behind them time out (2 s), so the
// last server is marked unhealthy too (502.4) or requests pass the 30 s
// timeout (502.3).
const transitionScenario = `farm: web
duration: 3m
warmup: 10s
replications: 3
seed: 7
arrivals: {rate: 100, clients: 200}
latency: {fixed: 200ms}
concurrency: 10
`

func transitionRun(t *testing.T, desired string) *Transition {
	t.Helper()
	d, err := schema.Load("desired.config", []byte(desired), schema.Options{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := LoadCurrent("current.config", []byte(transitionCurrent))
	if err != nil {
		t.Fatal(err)
	}
	sc, findings, err := simulate.LoadScenario("scenario.yaml", []byte(transitionScenario))
	if err != nil || len(findings) > 0 {
		t.Fatal(err, findings)
	}
	p := Diff(d.Config, c.Config)
	tr, err := Simulate(p, d.Config, c.Config, sc, simulate.Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// TestTransitionShowsOverload: a plan that takes two of three servers out
// leaves one server with twice its capacity offered in the last stage.
func TestTransitionShowsOverload(t *testing.T) {
	desired := `<configuration><webFarms><webFarm name="web"><server address="10.0.0.11"/>
<applicationRequestRouting><protocol timeout="00:00:30"/><healthCheck url="http://web/health" interval="00:00:05" timeout="00:00:02" minServers="1"/></applicationRequestRouting>
</webFarm></webFarms></configuration>`
	tr := transitionRun(t, desired)
	if len(tr.Farms) != 1 || len(tr.Farms[0].Stages) != 3 {
		t.Fatalf("want farm web in 3 stages (before, two drains): %+v", tr)
	}
	st := tr.Farms[0].Stages
	for _, s := range st[:2] {
		if s.Rate5023 != 0 || s.Rate5024 != 0 {
			t.Errorf("three and two servers carry 100/s at 50/s each, yet %q has 502.3 %v, 502.4 %v", s.Step, s.Rate5023, s.Rate5024)
		}
	}
	// One server is offered twice what it serves for the last 60 s: half
	// the requests at least cannot be served in time.
	if failed := st[2].Rate5023 + st[2].Rate5024; failed < 0.2 {
		t.Errorf("one server for 100/s: 502 rate %v in the last stage, want a large share", failed)
	}
	if st[1].Step != "~ server 10.0.0.12 in farm web out of rotation" && st[1].Step != "~ server 10.0.0.13 in farm web out of rotation" {
		t.Errorf("stage 1 begins with %q", st[1].Step)
	}
	if again := transitionRun(t, desired); !reflect.DeepEqual(again, tr) {
		t.Error("the same inputs give another transition")
	}
}

// TestTransitionAddBeforeDrain: replacing servers one for one keeps three
// in rotation throughout, since the plan adds before it drains.
func TestTransitionAddBeforeDrain(t *testing.T) {
	desired := `<configuration><webFarms><webFarm name="web">
<server address="10.0.0.11"/><server address="10.0.0.21"/><server address="10.0.0.22"/>
<applicationRequestRouting><protocol timeout="00:00:30"/><healthCheck url="http://web/health" interval="00:00:05" timeout="00:00:02" minServers="1"/></applicationRequestRouting>
</webFarm></webFarms></configuration>`
	tr := transitionRun(t, desired)
	st := tr.Farms[0].Stages
	if len(st) != 5 {
		t.Fatalf("want 5 stages (two adds, two drains): %+v", st)
	}
	for _, s := range st {
		if s.Rate5023 != 0 || s.Rate5024 != 0 || s.Requests == 0 {
			t.Errorf("stage %q: %d requests, 502.3 %v, 502.4 %v; want requests and no errors", s.Step, s.Requests, s.Rate5023, s.Rate5024)
		}
	}
}
