package observed

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/arrfarm/arrfarm/simulate"
)

// FuzzReplay reads any text as a log to replay (arrivals.replay): Replay
// either refuses it or streams arrivals that never go back in time, with
// service times that are not negative, and stops. Nothing panics.
func FuzzReplay(f *testing.F) {
	for _, p := range []string{"../fixtures/logs/waikolai-iis70-w3svc20-u_ex090908.log",
		"../fixtures/logs/elastic-beats-filebeat-iis-access-test-multiheader.log",
		"../fixtures/logs/webknowit-iis85-w3svc1-u_ex151020.log"} {
		src, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	f.Add([]byte("#Fields: date time sc-status time-taken\n2024-01-01 00:00:01 200 5\n2024-01-01 00:00:00 502 700000\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		p := filepath.Join(t.TempDir(), "u_ex240101.log")
		if err := os.WriteFile(p, src, 0o644); err != nil {
			t.Fatal(err)
		}
		st, err := Replay(simulate.Replay{Log: p, Speed: 1})
		if err != nil {
			return
		}
		defer st.Close()
		last := int64(-1 << 62)
		for n := 0; ; n++ {
			at, svc, ok := st.Next()
			if !ok {
				break
			}
			if n > len(src) {
				t.Fatalf("more arrivals (%d) than bytes in the log", n)
			}
			if at < last {
				t.Fatalf("arrival %d at %d, before the previous at %d", n, at, last)
			}
			if svc < -1 {
				t.Fatalf("arrival %d has service time %d", n, svc)
			}
			last = at
		}
		_ = st.Err()
	})
}
