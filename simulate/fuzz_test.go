package simulate

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/arrfarm/arrfarm/schema"
)

// seedScenarios adds the scenario fixtures as seeds.
func seedScenarios(f *testing.F) {
	for _, pat := range []string{"../fixtures/sim/*.yaml", "../fixtures/sim/bad/*.yaml"} {
		files, _ := filepath.Glob(pat)
		for _, p := range files {
			if src, err := os.ReadFile(p); err == nil {
				f.Add(src)
			}
		}
	}
}

// FuzzLoadScenario: whatever the bytes, the loader returns (no panic), and
// every finding has a position in the file.
func FuzzLoadScenario(f *testing.F) {
	seedScenarios(f)
	f.Add([]byte("duration: 1m\narrivals: {rate: 1}\nlatency: {constant: 1ms}\n"))
	f.Add([]byte("duration: 1m\r\narrivals: {rate: 1e308}\rconcurrency: 4294967297\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		_, findings, err := LoadScenario("s.yaml", src)
		if err != nil {
			return
		}
		for _, fd := range findings {
			if fd.Span.IsZero() {
				t.Fatalf("finding without position: %s", fd.Message)
			}
		}
	})
}

// FuzzApplySet: any --set assignment is applied or refused with an error
// that names it; none panics, and a refused one changes nothing.
func FuzzApplySet(f *testing.F) {
	for _, s := range []string{
		"web.protocol.timeout=45s", "web.healthCheck.interval=00:00:05", "web.server.10.0.0.12.weight=200",
		"proxy.timeout=00:03:00", "scenario.arrivals.rate=300", "scenario.servers.10.0.0.12.concurrency=8",
		"scenario.latency={lognormal: {p50: 100ms, p99: 2s}}", "scenario.events=[]", "web.enabled=false",
		"web.healthCheck.url=http://user:hunter2@web/health", "scenario.concurrency=4294967297",
		"scenario.duration=-1s", "=", "a.b.c.d.e.f=g", "scenario.=1",
	} {
		f.Add(s)
	}
	cfgSrc, err := os.ReadFile("../fixtures/sim/web3.yaml")
	if err != nil {
		f.Fatal(err)
	}
	scSrc, err := os.ReadFile("../fixtures/sim/faults.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, assignment string) {
		doc, err := schema.Load("web3.yaml", cfgSrc, schema.Options{})
		if err != nil {
			t.Fatal(err)
		}
		sc, _, err := LoadScenario("faults.yaml", scSrc)
		if err != nil {
			t.Fatal(err)
		}
		_ = ApplySet(doc.Config, sc, assignment)
	})
}
