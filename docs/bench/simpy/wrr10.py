#!/usr/bin/env python3
"""The simulator's 10-server WeightedRoundRobin benchmark (BenchmarkWRR10,
docs/bench/simpy/wrr10.yaml) as a SimPy 2 model, to time the two as whole
processes. Not a test: nothing in CI runs it.

Same model: Poisson arrivals at 1000/s; 10 equal servers picked in
round-robin order (WeightedRoundRobin with equal weights); each server
has 32 slots and a FIFO queue; lognormal service times (median 100 ms,
sigma 1); ARR's 30 s timeout, after which the client gets 502.3 while
the backend finishes the request (timeoutSemantics: proxy); a 60 s
warm-up whose arrivals are not counted, then REQUESTS counted arrivals,
then the run drains. It reports what arrfarm's text report does for
this case: outcome counts, time-taken percentiles, per-server requests
and utilisation.

Usage: python3 wrr10.py [REQUESTS] [SEED]   (Debian: apt-get install python3-simpy)
"""
import math
import random
import sys

from SimPy.Simulation import (Process, Resource, activate, hold, initialize,
                              now, release, request, simulate)

RATE = 1000.0          # requests/s
SERVERS = 10
SLOTS = 32
MU = math.log(0.100)   # lognormal: ln(median in s)
SIGMA = 1.0
TIMEOUT = 30.0
WARMUP = 60.0


class Stats:
    def __init__(self):
        self.ok = 0
        self.timeouts = 0
        self.taken = []
        self.per_server = [0] * SERVERS
        self.busy = [0.0] * SERVERS   # slot-seconds inside the window
        self.end = None               # end of the measured window


class Req(Process):
    def run(self, srv, counted, st):
        sent = now()
        res = servers[srv]
        yield request, self, res
        start = now()
        yield hold, self, random.lognormvariate(MU, SIGMA)
        yield release, self, res
        done = now()
        end = st.end if st.end is not None else done
        lo, hi = max(start, WARMUP), min(done, end)
        if hi > lo:
            st.busy[srv] += hi - lo
        if counted:
            taken = done - sent
            if taken >= TIMEOUT:
                st.timeouts += 1
                st.taken.append(TIMEOUT)
            else:
                st.ok += 1
                st.taken.append(taken)


class Arrivals(Process):
    def run(self, requests, st):
        rr = 0
        counted = 0
        while counted < requests:
            yield hold, self, random.expovariate(RATE)
            c = now() >= WARMUP
            if c:
                counted += 1
                st.per_server[rr] += 1
            r = Req()
            activate(r, r.run(rr, c, st))
            rr = (rr + 1) % SERVERS
        st.end = now()


def quantile(sorted_vals, q):
    k = max(int(math.ceil(q * len(sorted_vals))), 1)
    return sorted_vals[k - 1]


def main():
    requests = int(sys.argv[1]) if len(sys.argv) > 1 else 1000000
    random.seed(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
    global servers
    initialize()
    servers = [Resource(capacity=SLOTS, name="10.0.0.%d" % (i + 1)) for i in range(SERVERS)]
    st = Stats()
    a = Arrivals()
    activate(a, a.run(requests, st))
    simulate(until=1e12)
    n = st.ok + st.timeouts
    st.taken.sort()
    window = st.end - WARMUP
    print("requests %d  502.3 %d (%.4f %%)  2xx %d" % (n, st.timeouts, 100.0 * st.timeouts / n, st.ok))
    print("time taken p50 %.1f ms  p95 %.1f ms  p99 %.1f ms  max %.1f ms" % tuple(
        1000 * v for v in (quantile(st.taken, 0.5), quantile(st.taken, 0.95), quantile(st.taken, 0.99), st.taken[-1])))
    for i in range(SERVERS):
        print("10.0.0.%d  %d requests  util %.3f" % (i + 1, st.per_server[i], st.busy[i] / (SLOTS * window)))


if __name__ == "__main__":
    main()
