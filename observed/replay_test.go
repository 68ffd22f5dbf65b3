package observed

import (
	"math"
	"os"
	"strings"
	"testing"

	"github.com/arrfarm/arrfarm/schema"
	"github.com/arrfarm/arrfarm/simulate"
)

func replayRun(t *testing.T, log string, set ...string) *simulate.Result {
	t.Helper()
	src, err := os.ReadFile("../fixtures/sim/web3.yaml")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := schema.Load("web3.yaml", src, schema.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sc, fs, err := simulate.LoadScenario("replay.yaml", []byte("duration: 2h\nreplications: 2\n"+
		"arrivals: {replay: {log: \""+log+"\", speed: 1}}\nlatency: {fixed: 1ms}\n"))
	if err != nil || len(fs) > 0 {
		t.Fatal(err, fs)
	}
	for _, s := range set {
		if err := simulate.ApplySet(doc.Config, sc, s); err != nil {
			t.Fatal(err)
		}
	}
	res, err := simulate.Run(doc.Config, sc, simulate.Options{Arrivals: Replay})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// A backend's log replayed through its farm, unchanged: nothing queues
// (unlimited concurrency), each request keeps its own service time, so
// the simulated 502.3 share is the log's own share at or above the 30 s
// timeout, which must lie in the binomial 95 % interval around it; a
// 45 s timeout lowers it.
func TestReplayReproducesTheLogsTimeouts(t *testing.T) {
	p, taken := backendLog(t, 20000)
	n := float64(len(taken))
	var over, over45 int
	for _, v := range taken {
		if v >= 30000 {
			over++
		}
		if v >= 45000 {
			over45++
		}
	}
	want := float64(over) / n
	half := 1.96 * math.Sqrt(want*(1-want)/n)
	res := replayRun(t, p)
	f := res.Farms[0]
	if f.Requests != int64(2*len(taken)) {
		t.Errorf("replayed %d requests over 2 replications, the log has %d", f.Requests, len(taken))
	}
	got := f.Rates.R5023.Mean
	if math.Abs(got-want) > half {
		t.Errorf("502.3 share %.4f%%, the log's share at or above 30 s is %.4f%% ± %.4f%%", 100*got, 100*want, 100*half)
	}
	t.Logf("replayed %d requests: 502.3 %.4f%%, log at or above 30 s %.4f%%", f.Requests, 100*got, 100*want)
	longer := replayRun(t, p, "web.protocol.timeout=45s").Farms[0].Rates.R5023.Mean
	t.Logf("45 s timeout: 502.3 %.4f%%, log at or above 45 s %.4f%%", 100*longer, 100*float64(over45)/n)
	if longer >= got || math.Abs(longer-float64(over45)/n) > half {
		t.Errorf("with a 45 s timeout 502.3 share %.4f%% (30 s: %.4f%%), the log's share at or above 45 s is %.4f%%", 100*longer, 100*got, 100*float64(over45)/n)
	}
	// Same log, same seed: the same bytes.
	again := replayRun(t, p)
	if again.Farms[0].Rates != f.Rates || again.Farms[0].Requests != f.Requests {
		t.Error("a replay is not deterministic")
	}
}

// A replay without duration plays the whole log and says so: the default
// ten-minute window used to keep 10 of the 13 minutes of this log (40000
// requests at 50/s) silently, and 4 requests of a day's sparse log.
func TestReplayWithoutDurationPlaysTheWholeLog(t *testing.T) {
	p, taken := backendLog(t, 40000)
	doc, err := schema.Load("farm.yaml", []byte("farms:\n  - name: web\n    servers: [{address: 10.0.0.1}]\n"), schema.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sc, fs, err := simulate.LoadScenario("replay.yaml", []byte("replications: 2\narrivals: {replay: {log: \""+p+"\"}}\nlatency: {fixed: 1ms}\n"))
	if err != nil || len(fs) > 0 {
		t.Fatal(err, fs)
	}
	res, err := simulate.Run(doc.Config, sc, simulate.Options{Arrivals: Replay})
	if err != nil {
		t.Fatal(err)
	}
	f := res.Farms[0]
	if f.Requests != int64(2*len(taken)) {
		t.Errorf("replayed %d requests over 2 replications, the log has %d", f.Requests, len(taken))
	}
	said := false
	for _, n := range f.Notes {
		said = said || strings.Contains(n, "whole replayed log")
	}
	if !said || res.DurationS < 600 {
		t.Errorf("window %gs, notes %q: want the log's span (about 800 s) and a note saying so", res.DurationS, f.Notes)
	}
}
