package testgen

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"time"
)

// Line is what a generated log line records about one request.
type Line struct {
	Status, SubStatus int
	Win32             int64
	TimeTaken         int64 // ms
}

// W3C writes n requests as an IIS W3C log with the default IIS 8+ field
// line. Arrivals are Poisson at rate per second from start (seeded); each
// line is stamped with its completion time (arrival + time-taken, to the
// second, as IIS writes it), so lines are in completion order. gen draws
// each request's outcome. The arrivals, in order, are returned when keep
// is true.
func W3C(w io.Writer, n int, seed uint64, start time.Time, rate float64, gen func(r *rand.Rand) Line, keep bool) ([]time.Time, error) {
	bw := bufio.NewWriterSize(w, 1<<16)
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	fmt.Fprintf(bw, "#Software: Microsoft Internet Information Services 10.0\n#Version: 1.0\n#Date: %s\n", start.UTC().Format("2006-01-02 15:04:05"))
	bw.WriteString("#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken\n")
	type pending struct {
		done time.Time
		l    Line
		i    int
	}
	var arrivals []time.Time
	// Completion order: keep a small window sorted by completion time.
	var window []pending
	flush := func(upTo time.Time) {
		for len(window) > 0 {
			k := 0
			for j := range window {
				if window[j].done.Before(window[k].done) {
					k = j
				}
			}
			if !upTo.IsZero() && window[k].done.After(upTo) {
				return
			}
			p := window[k]
			window[k] = window[len(window)-1]
			window = window[:len(window)-1]
			t := p.done.UTC()
			fmt.Fprintf(bw, "%s %s 10.0.0.21 GET /api/orders/%d - 443 - 10.0.0.5 Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64) - %d %d %d %d\n",
				t.Format("2006-01-02"), t.Format("15:04:05"), p.i%50, p.l.Status, p.l.SubStatus, p.l.Win32, p.l.TimeTaken)
		}
	}
	at := start
	for i := range n {
		at = at.Add(time.Duration(r.ExpFloat64() / rate * 1e9))
		l := gen(r)
		if keep {
			arrivals = append(arrivals, at)
		}
		window = append(window, pending{at.Add(time.Duration(l.TimeTaken) * time.Millisecond), l, i})
		if len(window) > 256 {
			flush(at)
		}
	}
	flush(time.Time{})
	return arrivals, bw.Flush()
}
