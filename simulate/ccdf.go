package simulate

// CCDFPoint is one point of the time-taken distribution: the share of
// requests whose time-taken exceeded Seconds.
type CCDFPoint struct {
	Seconds float64 `json:"s"`
	Exceed  float64 `json:"exceed"`
}

// ccdfStep is the smallest relative step between two points: 5 % keeps a
// 1 ms .. 30 s distribution to about 200 points, smooth on a log axis.
const ccdfStep = 1.05

// ccdf returns P(time-taken > t) at bucket midpoints spaced at least
// ccdfStep apart, from the smallest value to the largest, for plots. Each
// point counts the samples in the buckets above its own.
func (h *histogram) ccdf() []CCDFPoint {
	var total uint64
	for _, c := range h.used() {
		total += c
	}
	if total == 0 {
		return nil
	}
	var out []CCDFPoint
	above := total
	last := 0.0
	for b, c := range h.used() {
		if c == 0 {
			continue
		}
		above -= c
		v := min(histValue(b), float64(h.max)) / 1e9
		if last > 0 && v < last*ccdfStep && above > 0 {
			continue
		}
		out = append(out, CCDFPoint{Seconds: v, Exceed: float64(above) / float64(total)})
		last = v
	}
	return out
}
