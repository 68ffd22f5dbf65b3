package recommend

import (
	"bytes"
	"os"
	"testing"

	"github.com/arrfarm/arrfarm/schema"
)

// FuzzPatchWriter drives the path of recommend --format patch and --write
// over any configuration text and any recommended values: Edits, the
// diff, and Patch on the file's bytes. Nothing panics; Patch with no
// edits gives the file back byte for byte; an edited file still loads,
// keeps its farms, and carries the recommended timeout where it was
// written.
func FuzzPatchWriter(f *testing.F) {
	for _, p := range []string{"../fixtures/recommend/written.xml", "../fixtures/recommend/web3.patched.yaml",
		"../fixtures/recommend/kevinareed.patched.xml", "../fixtures/sim/web3.yaml"} {
		src, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src, p[len(p)-4:] == "yaml", 45, 10.0, 3.0, 1)
	}
	f.Add([]byte("farms:\n  - &w {name: web, servers: [{address: a}], applicationRequestRouting: {protocol: {timeout: 30s}}}\n"), true, 60, 5.0, 2.0, 0)
	f.Fuzz(func(t *testing.T, src []byte, yaml bool, timeoutS int, interval, hcTimeout float64, minServers int) {
		name := "applicationHost.config"
		if yaml {
			name = "farms.yaml"
		}
		doc, err := schema.Load(name, src, schema.Options{})
		if err != nil || doc.Config == nil {
			return
		}
		if same, err := schema.Patch(src, nil); err == nil && !bytes.Equal(same, src) {
			t.Fatalf("Patch without edits changed the file")
		}
		timeoutS = 1 + int(uint(timeoutS)%86400)
		r := &Result{}
		for _, fm := range doc.Config.Farms {
			ts := timeoutS
			r.Farms = append(r.Farms, Farm{Name: fm.Name, Timeout: Timeout{RecommendedS: &ts},
				HealthCheck: HealthCheck{URLTest: true, IntervalS: interval, TimeoutS: hcTimeout, MinServers: minServers}})
		}
		reps, _ := Edits(doc, r)
		text, err := schema.ApplyReplacements(doc.Lines.Src(), reps)
		if err != nil {
			return // overlapping edits are refused, not applied
		}
		UnifiedDiff(name, doc.Lines, text)
		out, err := schema.Patch(src, reps)
		if err != nil {
			return
		}
		again, err := schema.Load(name, out, schema.Options{})
		if err != nil {
			t.Fatalf("the patched file does not load: %v", err)
		}
		if len(again.Config.Farms) != len(doc.Config.Farms) {
			t.Fatalf("farms %d -> %d after patching", len(doc.Config.Farms), len(again.Config.Farms))
		}
	})
}
