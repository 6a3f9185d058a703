#!/usr/bin/python3
"""The M/M/c model of bench/bench_mmc.cpp in SimPy 2.3 (Debian python3-simpy).

Run with /usr/bin/python3. Same model, same voters: voter i's interarrival gap and service time
come from core::RandomStream(seed, 1) and core::RandomStream(seed, 2) (core/random.hpp),
reimplemented here bit for bit, rounded to whole microseconds, and simulated in microseconds
(integers below 2^53 are exact in a float), so the mean wait printed here equals bench_mmc's up to
the order of events falling on the same microsecond.

The draws are made before the clock starts (pure-Python 64-bit hashing is much slower than
SimPy's usual random.expovariate and would make SimPy look slower than it is); the timed part is
SimPy itself: initialize(), the processes, the Resource, simulate(). Its time is printed too.

Usage: mmc_simpy.py [--lambda=PER_S] [--mu=PER_S] [--servers=C] [--voters=N] [--seed=S] [--reps=R]
Prints the model, mean wait vs Erlang C, and `voters_per_s: X` (best of R repetitions).
"""
import math
import sys
import time

from SimPy.Simulation import Process, Resource, activate, hold, initialize, now, release, request, simulate

M64 = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15


def mix64(x):
    """SplitMix64 finaliser, as core::mix64."""
    x = (x + GOLDEN) & M64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & M64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & M64
    return x ^ (x >> 31)


def hash_keys(a, *rest):
    """Order-sensitive hash of several keys, as core::hash_keys."""
    for b in rest:
        a = mix64(a) ^ ((b + 0x632BE59BD9B4E019 + ((a << 6) & M64) + (a >> 2)) & M64)
    return mix64(a)


def draws_us(seed, purpose, mean_us, n):
    """n draws of core::RandomStream(seed, purpose).exponential(mean_us), rounded as floor(x + 0.5)."""
    key = hash_keys(seed, purpose)
    out = []
    for i in range(n):
        u = mix64((key + i * GOLDEN) & M64)
        uniform_pos = 1.0 - (u >> 11) * 2.0 ** -53
        out.append(float(math.floor(-mean_us * math.log(uniform_pos) + 0.5)))
    return out


class Stats:
    def __init__(self):
        self.total_wait = 0.0
        self.served = 0


class Voter(Process):
    def visit(self, service, desks, stats):
        arrived = now()
        yield request, self, desks
        stats.total_wait += now() - arrived
        stats.served += 1
        yield hold, self, service
        yield release, self, desks


class Source(Process):
    def generate(self, gaps, services, desks, stats):
        for i in range(len(gaps)):
            yield hold, self, gaps[i]
            v = Voter()
            activate(v, v.visit(services[i], desks, stats))


def run_once(gaps, services, servers):
    t0 = time.perf_counter()
    initialize()
    desks = Resource(capacity=servers, monitored=False)
    stats = Stats()
    s = Source()
    activate(s, s.generate(gaps, services, desks, stats))
    simulate(until=1e300)
    return time.perf_counter() - t0, stats


def erlang_c_mean_wait(lam, mu, c):
    a = lam / mu
    rho = a / c
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return b / (1.0 - rho * (1.0 - b)) / (c * mu - lam)


def main(argv):
    p = {"lambda": 1.0 / 40.0, "mu": 1.0 / 60.0, "servers": 2, "voters": 200000, "seed": 2021, "reps": 3}
    for arg in argv[1:]:
        if not arg.startswith("--") or "=" not in arg:
            sys.exit(f"mmc_simpy.py: expected --name=value, got '{arg}'")
        key, value = arg[2:].split("=", 1)
        if key not in p:
            sys.exit(f"mmc_simpy.py: unknown option --{key} (known: {' '.join(p)})")
        p[key] = type(p[key])(value)
    lam, mu, c, n, seed = p["lambda"], p["mu"], p["servers"], p["voters"], p["seed"]
    if lam / (c * mu) >= 1.0:
        sys.exit(f"mmc_simpy.py: M/M/{c} with lambda={lam} and mu={mu} is unstable")

    t0 = time.perf_counter()
    gaps = draws_us(seed, 1, 1e6 / lam, n)
    services = draws_us(seed, 2, 1e6 / mu, n)
    draw_s = time.perf_counter() - t0

    print("engine: SimPy 2.3 (SimPy.Simulation), /usr/bin/python3")
    print(f"model: M/M/{c} lambda={lam}/s mu={mu}/s rho={lam / (c * mu):.3f} voters={n} seed={seed}")
    best, rates = None, []
    for _ in range(p["reps"]):
        seconds, stats = run_once(gaps, services, c)
        rates.append(f"{n / seconds:.0f}")
        if best is None or seconds < best[0]:
            best = (seconds, stats)
    seconds, stats = best
    print(f"served: {stats.served} draws_untimed_s: {draw_s:.2f}")
    print(f"mean_wait_s: {stats.total_wait / stats.served / 1e6:.3f} (Erlang C: {erlang_c_mean_wait(lam, mu, c):.3f})")
    print(f"rates_per_rep: {' '.join(rates)}")
    print(f"voters_per_s: {n / seconds:.0f}")


if __name__ == "__main__":
    main(sys.argv)
