package recommend

import (
	"fmt"
	"math"
	"time"

	"github.com/arrfarm/arrfarm/internal/human"
	"github.com/arrfarm/arrfarm/schema"
	"github.com/arrfarm/arrfarm/simulate"
)

// maxCapacity bounds the server count capacity tries.
const maxCapacity = 1000

// capacity finds the smallest number of servers like the farm's first
// enabled one that keep 502.3 and 502.4 under the target at the
// scenario's peak rate, held steady, without the scenario's faults (they
// are about health checks, not load). Servers are added by doubling from
// the count that is just stable, then bisected: the rate falls as servers
// are added.
func (fr *farmRun) capacity(out *Farm) error {
	target := fr.opts.Target
	c := &out.Capacity
	if fr.opts.LatencyOnly {
		out.Reasons = append(out.Reasons, "capacity needs traffic: give a scenario (--scenario) with the peak arrival rate")
		return nil
	}
	var tmpl *schema.Server
	for _, s := range fr.farm.Servers {
		if s.Enabled {
			tmpl = s
			break
		}
	}
	if tmpl == nil || !fr.farm.Enabled || out.PeakRate <= 0 {
		out.Reasons = append(out.Reasons, "capacity: the farm has no enabled server to copy, or the scenario no traffic")
		return nil
	}
	t := fr.opts.CapacityTimeout
	which := "the given timeout"
	switch {
	case t > 0:
	case out.Timeout.RecommendedS != nil:
		t, which = time.Duration(*out.Timeout.RecommendedS)*time.Second, "the recommended timeout"
	default:
		t, which = fr.farm.Protocol.Timeout, "the current timeout"
	}
	c.TimeoutS = t.Seconds()

	lat, conc := serverModel(fr.sc, tmpl.Address)
	lo := 0 // known to miss the target (or not tried)
	if conc > 0 {
		mean, err := meanOf(lat, fr.opts.Samples)
		if err != nil {
			return err
		}
		// Fewer servers than this are overloaded: queues grow without bound.
		lo = int(math.Floor(out.PeakRate * mean.Seconds() / float64(conc)))
	}
	rates := map[int][2]simulate.Rate{}
	try := func(n int) (bool, error) {
		r, err := fr.runServers(tmpl, n, t)
		if err != nil {
			return false, err
		}
		rates[n] = r
		c.Tried = append(c.Tried, Point{X: float64(n), Rate: r[0]})
		return meets(r[0], target) && meets(r[1], target), nil
	}
	hi := -1
	for step := 1; lo+step <= maxCapacity; step *= 2 {
		ok, err := try(lo + step)
		if err != nil {
			return err
		}
		if ok {
			hi = lo + step
			break
		}
		lo += step
	}
	if hi < 0 {
		out.Reasons = append(out.Reasons, fmt.Sprintf("capacity: even %d servers do not keep 502.3 under %s at %s: the 502.3 come from the latency itself (timeout %s), not from load; raise the timeout", lo, human.Percent(target), human.Duration(t), human.Duration(t)))
		return nil
	}
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		ok, err := try(mid)
		if err != nil {
			return err
		}
		if ok {
			hi = mid
		} else {
			lo = mid
		}
	}
	n, n1 := hi, hi+1
	r := rates[n]
	c.Servers, c.ServersNPlus1 = &n, &n1
	c.Predicted5023, c.Predicted5024 = &r[0], &r[1]
	have := out.Servers
	var verdict string
	switch {
	case have >= n1:
		verdict = fmt.Sprintf("the farm's %d enabled servers carry the peak even with one down", have)
	case have == n:
		verdict = fmt.Sprintf("the farm's %d enabled servers carry the peak, but not with one down: add one", have)
	default:
		verdict = fmt.Sprintf("the farm has %d enabled servers: add %d (%d to survive losing one)", have, n-have, n1-have)
	}
	out.Reasons = append(out.Reasons, fmt.Sprintf(
		"capacity: %d servers like %s keep 502.3 at %s (95%% CI upper %s) and 502.4 at %s at the peak of %s req/s with %s (%s); %d keep it with one server out of rotation; %s",
		n, tmpl.Address, human.Percent(r[0].Mean), human.Percent(r[0].CI95[1]), human.Percent(r[1].Mean), num(out.PeakRate), which, human.Duration(t), n1, verdict))
	return nil
}

// runServers simulates the farm with n copies of server tmpl (its weight,
// and its latency and concurrency in the scenario) at the peak rate, held
// steady, without faults, and returns the 502.3 and 502.4 rates.
func (fr *farmRun) runServers(tmpl *schema.Server, n int, t time.Duration) ([2]simulate.Rate, error) {
	cfg := *fr.cfg
	cfg.Farms = nil
	farm := *fr.farm
	farm.Protocol.Timeout = t
	farm.Servers = nil
	sc := *fr.sc
	sc.Arrivals.Rate = peakRate(fr.sc)
	sc.Arrivals.Schedule = nil
	sc.Arrivals.Replay = nil
	sc.Events = nil
	sc.Servers = map[string]*simulate.ServerOverride{}
	over := fr.sc.Servers[tmpl.Address]
	for i := 0; i < n; i++ {
		s := *tmpl
		s.Address = fmt.Sprintf("capacity-%d", i+1)
		farm.Servers = append(farm.Servers, &s)
		if over != nil {
			sc.Servers[s.Address] = over
		}
	}
	for _, f := range fr.cfg.Farms {
		if f == fr.farm {
			cfg.Farms = append(cfg.Farms, &farm)
		} else {
			cfg.Farms = append(cfg.Farms, f)
		}
	}
	res, err := simulate.Run(&cfg, &sc, fr.simOptions(false))
	if err != nil {
		return [2]simulate.Rate{}, fmt.Errorf("simulating %d servers: %w", n, err)
	}
	fr.alg = res.Farms[0].Algorithm
	rt := res.Farms[0].Rates
	return [2]simulate.Rate{rt.R5023, rt.R5024}, nil
}
