package recommend

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/arrfarm/arrfarm/internal/human"
	"github.com/arrfarm/arrfarm/schema"
	"github.com/arrfarm/arrfarm/simulate"
)

// maxCapacity bounds the server count capacity tries.
const maxCapacity = 1000

// kind is a group of enabled servers that are alike for capacity: the same
// weight, and the same latency model and concurrency in the scenario.
// Adding or removing any server of a kind is the same change.
type kind struct {
	like   *schema.Server // the first server of the kind
	weight int64
	conc   int           // 0: unlimited
	mean   time.Duration // mean service time
}

// strength is how much of the peak a server of the kind can carry for
// each unit of weight it is sent (round robin spreads by weight): slots
// over mean service time, over weight. Unlimited servers are strongest.
func (k kind) strength() float64 {
	if k.conc == 0 {
		return math.Inf(1)
	}
	return float64(k.conc) / k.mean.Seconds() / float64(k.weight)
}

// kinds groups the farm's enabled servers, in farm order, and returns the
// kind of each enabled server too.
func (fr *farmRun) kinds() ([]kind, []*schema.Server, []int, error) {
	var ks []kind
	var servers []*schema.Server
	var of []int
	keys := map[string]int{}
	for _, s := range fr.farm.Servers {
		if !s.Enabled {
			continue
		}
		key := fr.kindKey(s)
		_, conc := serverModel(fr.sc, s.Address)
		i, ok := keys[key]
		if !ok {
			mean, err := fr.busyMean(s.Address)
			if err != nil {
				return nil, nil, nil, fmt.Errorf("server %q: %w", s.Address, err)
			}
			i = len(ks)
			keys[key] = i
			ks = append(ks, kind{like: s, weight: weightOf(s), conc: conc, mean: max(mean, time.Nanosecond)})
		}
		servers = append(servers, s)
		of = append(of, i)
	}
	return ks, servers, of, nil
}

// kindKey says which kind a server (or a clone) is of.
func (fr *farmRun) kindKey(s *schema.Server) string {
	lat, conc := serverModel(fr.sc, fr.original(s.Address))
	return fmt.Sprintf("%d|%d|%s", weightOf(s), conc, lat.String())
}

// original is the address of the server a capacity clone copies, or
// address itself.
func (fr *farmRun) original(address string) string {
	if o, ok := fr.cloneOf[address]; ok {
		return o
	}
	return address
}

// capacity finds how many servers carry the scenario's peak rate, held
// steady, with the scenario's faults (slow spells and outages load the
// other servers too), at the timeout the recommendation ends with:
//
//   - when the farm as written meets the target, the fewest servers that
//     still do, taking the weakest first (the worst case for minServers,
//     which cannot choose which servers stay);
//   - otherwise, for each kind of server in the farm, how many clones of
//     it to add; the kind that needs fewest is the advice;
//   - N+1: the farm that meets, simulated with each kind of server out in
//     turn; servers (of the strongest kind, or the advised one) are added
//     until losing any one still meets the target.
//
// Every count is simulated, none is derived: a weighted farm with mixed
// servers is not n copies of its first server.
func (fr *farmRun) capacity(out *Farm) error {
	target := fr.opts.Target
	c := &out.Capacity
	if fr.opts.LatencyOnly {
		out.Reasons = append(out.Reasons, "capacity needs traffic: give a scenario (--scenario) with the peak arrival rate")
		return nil
	}
	ks, servers, of, err := fr.kinds()
	if err != nil {
		return err
	}
	if len(servers) == 0 || out.PeakRate <= 0 {
		out.Reasons = append(out.Reasons, "capacity: the farm has no enabled server, or the scenario no traffic")
		return nil
	}
	if !slices.ContainsFunc(ks, func(k kind) bool { return k.conc > 0 }) {
		out.Reasons = append(out.Reasons, "capacity: not computed: the scenario gives the servers unlimited concurrency (no concurrency), so in the model one server carries any load; set concurrency to the requests one server serves at once to size the farm")
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

	type outcome struct {
		ok bool
		r  [3]simulate.Rate
	}
	// added names the kind whose clones the set holds, out the server a
	// farm of len(set)+1 lost (N+1): the chart draws each as its own line.
	try := func(set []*schema.Server, added, out string) (outcome, error) {
		r, err := fr.runServers(set, t)
		if err != nil {
			return outcome{}, err
		}
		c.Tried = append(c.Tried, Point{X: float64(len(set)), Rate: r[0], Added: added, Out: out, R503: &r[2]})
		return outcome{meetsAll(r, target), r}, nil
	}
	// addedOf is the kind whose clones a set holds ("" for none).
	addedOf := func(set []*schema.Server) string {
		for _, s := range set {
			if o, ok := fr.cloneOf[s.Address]; ok {
				return o
			}
		}
		return ""
	}
	clones := map[int]int{} // clone numbers used per kind, for unique addresses
	clone := func(k int, n int) []*schema.Server {
		var add []*schema.Server
		for range n {
			clones[k]++
			s := *ks[k].like
			s.Address = fmt.Sprintf("%s+%d", ks[k].like.Address, clones[k])
			fr.cloneOf[s.Address] = ks[k].like.Address
			add = append(add, &s)
		}
		return add
	}
	with := func(set []*schema.Server, k, n int) []*schema.Server {
		return append(slices.Clone(set), clone(k, n)...)
	}

	have := len(servers)
	base, err := try(servers, "", "")
	if err != nil {
		return err
	}
	var needed int
	var meetSet []*schema.Server // the farm that meets the target
	var meetRate [3]simulate.Rate
	grow := -1 // the kind to add for N+1
	var adds []Add
	// The weakest first: enabled servers ordered by strength, stably.
	idx := make([]int, have)
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		return cmp.Compare(ks[of[a]].strength(), ks[of[b]].strength())
	})
	weakest := func(k int) []*schema.Server {
		set := make([]*schema.Server, k)
		for i := range k {
			set[i] = servers[idx[i]]
		}
		return set
	}
	if base.ok {
		lo, hi := 0, have // lo misses (or is 0), hi meets
		for lo+1 < have && fr.slots(weakest(lo+1)) <= out.PeakRate {
			lo++ // overloaded by the load alone: no need to simulate
		}
		rates := map[int][3]simulate.Rate{have: base.r}
		for hi-lo > 1 {
			mid := lo + (hi-lo)/2
			o, err := try(weakest(mid), "", "")
			if err != nil {
				return err
			}
			rates[mid] = o.r
			if o.ok {
				hi = mid
			} else {
				lo = mid
			}
		}
		needed, meetRate = hi, rates[hi]
		meetSet = servers
		grow = of[idx[have-1]] // the strongest kind
	} else {
		// Clones of each kind added to the farm as written.
		for k := range ks {
			lo, hi := 0, -1 // lo added miss, hi added meet
			var hiRate [3]simulate.Rate
			if c := fr.slots(servers); ks[k].conc > 0 && c <= out.PeakRate {
				// Fewer clones than this leave the farm overloaded by
				// the load alone: slots over mean service at or under
				// the peak rate.
				per := float64(ks[k].conc) / ks[k].mean.Seconds()
				lo = min(int(math.Floor((out.PeakRate-c)/per)), maxCapacity-have)
			}
			for step := 1; have+lo+step <= maxCapacity && !fr.idle(with(servers, k, lo), out.PeakRate); step *= 2 {
				o, err := try(with(servers, k, lo+step), ks[k].like.Address, "")
				if err != nil {
					return err
				}
				if o.ok {
					hi, hiRate = lo+step, o.r
					break
				}
				lo += step
			}
			if hi < 0 {
				continue
			}
			for hi-lo > 1 {
				mid := lo + (hi-lo)/2
				o, err := try(with(servers, k, mid), ks[k].like.Address, "")
				if err != nil {
					return err
				}
				if o.ok {
					hi, hiRate = mid, o.r
				} else {
					lo = mid
				}
			}
			adds = append(adds, Add{Like: ks[k].like.Address, Count: hi})
			if grow < 0 || hi < len(meetSet)-have {
				grow, meetSet, meetRate = k, with(servers, k, hi), hiRate
			}
		}
		if grow < 0 {
			if base.r[2].CI95[1] > target {
				// The farm as written again, for its 503s by cause.
				f, err := fr.runFarm(servers, t, 0)
				if err != nil {
					return err
				}
				a, why, err := fr.pauseQueue(f, servers, t, out.PeakRate, target)
				if err != nil {
					return err
				}
				if a != nil {
					c.QueueLength = a
				} else {
					why = fr.stoppedPools(f, base.r, servers, out.PeakRate)
				}
				if why != "" {
					out.Reasons = append(out.Reasons, fmt.Sprintf("capacity: the farm as written (%d enabled servers) misses the target at the peak on 503 (%s, 95%% CI upper %s) %s",
						have, human.Percent(base.r[2].Mean), human.Percent(base.r[2].CI95[1]), why))
					return nil
				}
			}
			out.Reasons = append(out.Reasons, fmt.Sprintf("capacity: the farm as written (%d enabled servers, %s first) misses the target at the peak, 502.3 at %s, 502.4 at %s, 503 at %s, and servers added until they are at most half busy do not keep them under %s at %s: the failures come from the latency or the scenario's faults, not from load; raise the timeout or see the health-check reasons",
				have, servers[0].Address, human.Percent(base.r[0].Mean), human.Percent(base.r[1].Mean), human.Percent(base.r[2].Mean), human.Percent(target), human.Duration(t)))
			return nil
		}
		needed = len(meetSet)
	}
	c.Add = adds

	// N+1: lose each kind of server in turn; add servers until every loss
	// still meets the target: the farm's own (weakest first) when it meets
	// as written, then clones of kind grow.
	survives := func(set []*schema.Server) (bool, error) {
		seen := map[string]bool{}
		for i, s := range set {
			if key := fr.kindKey(s); !seen[key] {
				seen[key] = true
				rest := slices.Concat(set[:i:i], set[i+1:])
				o, err := try(rest, addedOf(set), s.Address)
				if err != nil || !o.ok {
					return false, err
				}
			}
		}
		return true, nil
	}
	n1 := -1
	n1Set := meetSet
	if base.ok {
		for m := needed + 1; m <= have && n1 < 0; m++ {
			ok, err := survives(weakest(m))
			if err != nil {
				return err
			}
			if ok {
				n1 = m
			}
		}
		n1Set = with(servers, grow, 1)
	}
	// Stop once the last farm tried, with one server out, was at most
	// half busy: more servers would not make losing one meet the target.
	for n1 < 0 && len(n1Set) <= maxCapacity && (len(n1Set) < 3 || !fr.idle(n1Set[:len(n1Set)-2], out.PeakRate)) {
		ok, err := survives(n1Set)
		if err != nil {
			return err
		}
		if ok {
			n1 = len(n1Set)
			break
		}
		n1Set = with(n1Set, grow, 1)
	}
	c.Servers = &needed
	if n1 > 0 {
		c.ServersNPlus1 = &n1
	}
	c.Predicted5023, c.Predicted5024, c.Predicted503 = &meetRate[0], &meetRate[1], &meetRate[2]

	faults := "no faults"
	if len(fr.sc.Events) > 0 {
		faults = fmt.Sprintf("the scenario's %d fault(s)", len(fr.sc.Events))
	}
	at := fmt.Sprintf("at the peak of %s req/s held steady, with %s and %s (%s)", num(out.PeakRate), faults, which, human.Duration(t))
	var b strings.Builder
	if base.ok {
		fmt.Fprintf(&b, "capacity: the farm as written (%d enabled servers) keeps 502.3 at %s (95%% CI upper %s), 502.4 at %s and 503 at %s (95%% CI upper %s) %s; %d of them are needed, taking the weakest first (from %s)",
			have, human.Percent(base.r[0].Mean), human.Percent(base.r[0].CI95[1]), human.Percent(base.r[1].Mean), human.Percent(base.r[2].Mean), human.Percent(base.r[2].CI95[1]), at, needed, servers[idx[0]].Address)
	} else {
		var alts []string
		for _, a := range adds {
			alts = append(alts, fmt.Sprintf("%d like %s", a.Count, a.Like))
		}
		fmt.Fprintf(&b, "capacity: the farm as written (%d enabled servers) misses the target: 502.3 at %s, 502.4 at %s, 503 at %s %s; add %s (each kind simulated added to the farm as written); with them, 502.3 is %s (95%% CI upper %s), 503 %s (95%% CI upper %s)",
			have, human.Percent(base.r[0].Mean), human.Percent(base.r[1].Mean), human.Percent(base.r[2].Mean), at, strings.Join(alts, ", or "),
			human.Percent(meetRate[0].Mean), human.Percent(meetRate[0].CI95[1]), human.Percent(meetRate[2].Mean), human.Percent(meetRate[2].CI95[1]))
	}
	switch {
	case n1 < 0:
		b.WriteString("; no farm with servers at most half busy at the peak survives losing one: the misses come from the latency or the faults, not from load")
	case n1 <= have:
		fmt.Fprintf(&b, "; %d servers survive losing any one (each kind of server out in turn, simulated): the farm's %d do", n1, have)
	default:
		fmt.Fprintf(&b, "; %d servers survive losing any one (each kind of server out in turn, simulated): add %d like %s for that", n1, n1-have, ks[grow].like.Address)
	}
	out.Reasons = append(out.Reasons, b.String())
	return nil
}

// slots is how many requests a second set can serve: each server's
// concurrency over its mean service time (infinite when one is unlimited).
// A peak at or above it overloads the set, whatever the balancing.
func (fr *farmRun) slots(set []*schema.Server) float64 {
	var c float64
	for _, s := range set {
		_, conc := serverModel(fr.sc, fr.original(s.Address))
		if conc == 0 {
			return math.Inf(1)
		}
		mean, err := fr.busyMean(fr.original(s.Address))
		if err != nil || mean <= 0 {
			return math.Inf(1)
		}
		c += float64(conc) / mean.Seconds()
	}
	return c
}

// busyMean is the mean service time of the server at addr while the
// scenario's slow faults on it (or on every server) are at their worst:
// capacity is sized for the slow spell the scenario asks to survive.
func (fr *farmRun) busyMean(addr string) (time.Duration, error) {
	lat, _ := serverModel(fr.sc, addr)
	mean, err := meanOf(lat, fr.opts.Samples)
	if err != nil {
		return 0, err
	}
	factor := 1.0
	for _, e := range fr.sc.Events {
		if e.Fault == simulate.FaultSlow && (e.Server == "*" || e.Server == addr) {
			factor = math.Max(factor, e.Factor)
		}
	}
	return time.Duration(float64(mean) * factor), nil
}

// idle says every server of set would be at most half busy at the peak,
// given the share of it round robin sends by weight: adding more cannot be
// what it takes, so the capacity searches stop there.
func (fr *farmRun) idle(set []*schema.Server, peak float64) bool {
	var total float64
	for _, s := range set {
		total += float64(weightOf(s))
	}
	for _, s := range set {
		_, conc := serverModel(fr.sc, fr.original(s.Address))
		if conc == 0 {
			continue
		}
		mean, err := fr.busyMean(fr.original(s.Address))
		if err != nil || peak*float64(weightOf(s))/total*mean.Seconds()/float64(conc) > 0.5 {
			return false
		}
	}
	return true
}

// Add is a number of servers like an existing one to add to the farm.
type Add struct {
	Like  string `json:"like"`
	Count int    `json:"count"`
}

// cloneOverride is the scenario's settings of the server at address: for
// a clone, those of the server it copies, and the queueLength of that
// server's application pool when a file given declares it (a clone's
// address names no machine, so the simulator cannot find its pool) and
// the scenario does not set it for that server: a copy runs in a pool
// like its original's.
func (fr *farmRun) cloneOverride(address string) *simulate.ServerOverride {
	orig := fr.original(address)
	o := fr.sc.Servers[orig]
	if orig == address || (o != nil && o.QueueLength != nil) {
		return o
	}
	for _, s := range fr.farm.Servers {
		if s.Address != orig {
			continue
		}
		if n, ok := simulate.PoolQueueLength(fr.cfg, s); ok {
			var cp simulate.ServerOverride
			if o != nil {
				cp = *o
			}
			cp.QueueLength = &n
			return &cp
		}
		break
	}
	return o
}

// runServers simulates the farm with exactly the enabled servers set (the
// farm's own, or clones whose address is "ADDRESS+N", which take the
// scenario's settings of ADDRESS and its pool's queueLength:
// cloneOverride) at the peak rate held steady, with the
// scenario's faults on the servers still in the set, and returns the
// 502.3, 502.4 and 503 rates: a backend whose request queue is full
// answers 503 at once instead of letting the request time out, so an
// overloaded set can show no 502.3 at all.
func (fr *farmRun) runServers(set []*schema.Server, t time.Duration) ([3]simulate.Rate, error) {
	f, err := fr.runFarm(set, t, 0)
	if err != nil {
		return [3]simulate.Rate{}, err
	}
	return [3]simulate.Rate{f.Rates.R5023, f.Rates.R5024, f.Rates.R503}, nil
}

// runFarm is runServers' simulation, with every server's queueLength set
// to queue when it is above 0, and its whole result.
func (fr *farmRun) runFarm(set []*schema.Server, t time.Duration, queue int) (*simulate.FarmResult, error) {
	cfg := *fr.cfg
	cfg.Farms = nil
	farm := *fr.farm
	farm.Protocol.Timeout = t
	farm.Servers = set
	sc := *fr.sc
	sc.Arrivals.Rate = peakRate(fr.sc)
	sc.Arrivals.Schedule = nil
	sc.Arrivals.Replay = nil
	sc.Servers = map[string]*simulate.ServerOverride{}
	in := map[string]bool{}
	for _, s := range set {
		in[s.Address] = true
		o := fr.cloneOverride(s.Address)
		if queue > 0 {
			var cp simulate.ServerOverride
			if o != nil {
				cp = *o
			}
			cp.QueueLength = &queue
			o = &cp
		}
		if o != nil {
			sc.Servers[s.Address] = o
		}
	}
	sc.Events = nil
	for _, e := range fr.sc.Events {
		if e.Server == "*" || in[e.Server] {
			sc.Events = append(sc.Events, e)
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
		return nil, fmt.Errorf("simulating %d servers: %w", len(set), err)
	}
	fr.alg = res.Farms[0].Algorithm
	return &res.Farms[0], nil
}

// maxQueueLength is the largest applicationPools/add/@queueLength IIS
// accepts.
const maxQueueLength = 65535

// pauseQueue is the advice for a farm whose 503s come from its pools'
// http.sys queues overflowing while the workers take no requests (the
// scenario's pauses, and recycles whose new worker takes a while to
// start; f is the farm as written, simulated): requests wait there, up to queueLength, and the rest get 503.
// More servers help only in proportion (each holds its own queueLength of
// what a pause brings), so the setting to change is queueLength: the
// smallest value, the same for every server, that meets the target on 503 (what queueLength decides) with the farm's own servers, found by
// doubling then bisection; its 502.3 and 502.4 are reported beside it, and
// the advice says when they do not meet the target too. nil when
// the scenario has no such fault, the simulation attributes no 503 to
// one, or no queueLength up to IIS's largest meets.
func (fr *farmRun) pauseQueue(f *simulate.FarmResult, set []*schema.Server, t time.Duration, peak, target float64) (*QueueAdvice, string, error) {
	var pause time.Duration
	for _, e := range fr.sc.Events {
		if (e.Fault == simulate.FaultPause || e.Fault == simulate.FaultRecycle) && e.For > 0 {
			pause = max(pause, e.For)
		}
	}
	cur := 0
	for _, s := range set {
		if q := fr.queueLength(s.Address); q > 0 && (cur == 0 || q < cur) {
			cur = q
		}
	}
	if pause == 0 || cur == 0 || cur >= maxQueueLength {
		return nil, "", nil
	}
	var paused int64
	for _, x := range f.Faults {
		if x.Fault == string(simulate.FaultPause) || x.Fault == string(simulate.FaultRecycle) {
			paused += x.S503
		}
	}
	if paused == 0 {
		return nil, "", nil
	}
	lo, hi := cur, 0 // lo misses, hi meets
	var got *simulate.FarmResult
	try := func(q int) (bool, error) {
		f, err := fr.runFarm(set, t, q)
		if err != nil {
			return false, err
		}
		ok := meets(f.Rates.R503, target)
		if ok {
			got = f
		}
		return ok, nil
	}
	for q := min(2*cur, maxQueueLength); ; q = min(2*q, maxQueueLength) {
		ok, err := try(q)
		if err != nil {
			return nil, "", err
		}
		if ok {
			hi = q
			break
		}
		if lo = q; q == maxQueueLength {
			return nil, "", nil
		}
	}
	best := got
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		ok, err := try(mid)
		if err != nil {
			return nil, "", err
		}
		if ok {
			hi, best = mid, got
		} else {
			lo = mid
		}
	}
	r := best.Rates
	a := &QueueAdvice{Current: cur, Needed: hi, Predicted5023: r.R5023, Predicted5024: r.R5024, Predicted503: r.R503,
		Servers: int(math.Ceil(peak * pause.Seconds() / float64(cur))), PauseS: pause.Seconds()}
	verdict := "all three within the target"
	var over []string
	for _, x := range []struct {
		name string
		r    simulate.Rate
	}{{"502.3", r.R5023}, {"502.4", r.R5024}} {
		if !meets(x.r, target) {
			over = append(over, x.name)
		}
	}
	if len(over) > 0 {
		verdict = fmt.Sprintf("503 within the target, but the 95%% CI upper bound of %s is above it, so the queue alone does not show the farm meeting the target", strings.Join(over, " and "))
	}
	why := fmt.Sprintf("and %d of its %d simulated 503s came while workers took no requests (the scenario's pauses and recycle start-ups, up to %s): requests wait in the application pool's http.sys queue, queueLength %d, and the rest are turned away. More servers are not the fix: each holds only its own queueLength of what a pause brings, %s requests at the peak, so it would take at least %d servers, where servers at most half busy did not meet. Raise queueLength (applicationPools/add/@queueLength of each server's pool; IIS's default is 1000) to at least %d: simulated with the farm's %d servers, 502.3 %s (95%% CI upper %s), 502.4 %s (95%% CI upper %s), 503 %s (95%% CI upper %s): %s",
		paused, f.Outcomes.S503, human.Duration(pause), cur, num(peak*pause.Seconds()), a.Servers, hi, len(set),
		human.Percent(r.R5023.Mean), human.Percent(r.R5023.CI95[1]), human.Percent(r.R5024.Mean), human.Percent(r.R5024.CI95[1]), human.Percent(r.R503.Mean), human.Percent(r.R503.CI95[1]), verdict)
	return a, why, nil
}

// queueLength is the http.sys queue of the server at address as simulated:
// the scenario's value for it (or for the server a clone copies), else its
// pool's from a file given, else backends.queueLength; 0 is no limit.
func (fr *farmRun) queueLength(address string) int {
	if o := fr.cloneOverride(address); o != nil && o.QueueLength != nil {
		return *o.QueueLength
	}
	for _, s := range fr.farm.Servers {
		if s.Address == address {
			if n, ok := simulate.PoolQueueLength(fr.cfg, s); ok {
				return n
			}
		}
	}
	return fr.sc.Backends.QueueLength
}
