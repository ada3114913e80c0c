#!/usr/bin/env python3
"""rng_kat.py — computes the known-answer vectors of tests/sim/test_rng.cpp by a route independent
of sim/rng.c: Python big integers, written from the algorithm descriptions (splitmix64: Steele, Lea
& Flood 2014; xoshiro256**: Blackman & Vigna 2018; bounded draws: Lemire 2019; FNV-1a 64). Its
splitmix64 / xoshiro256** / FNV-1a outputs agree with the vectors published with those algorithms
(splitmix64 seed 1234567 -> 6457827717110365317; xoshiro256** state {1,2,3,4} -> 11520, 0,
1509978240, ...; FNV-1a("a") = 0xaf63dc4c8601ec8c). Run once by hand; not part of the test run."""
M = (1 << 64) - 1


def rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & M


def splitmix64(seed, n):
    x, out = seed, []
    for _ in range(n):
        x = (x + 0x9E3779B97F4A7C15) & M
        z = x
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
        out.append(z ^ (z >> 31))
    return out


class Xoshiro:
    def __init__(self, state):
        self.s = list(state)

    def next(self):
        s = self.s
        out = (rotl((s[1] * 5) & M, 7) * 9) & M
        t = (s[1] << 17) & M
        s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t
        s[3] = rotl(s[3], 45)
        return out

    def below(self, bound):
        m = self.next() * bound
        if (m & M) < bound:
            threshold = ((1 << 64) - bound) % bound
            while (m & M) < threshold:
                m = self.next() * bound
        return m >> 64


def fnv1a64(data):
    h = 0xCBF29CE484222325
    for c in data:
        h = ((h ^ c) * 0x100000001B3) & M
    return h


def seeded(seed):
    return Xoshiro(splitmix64(seed, 4))


print("splitmix64(1234567):", splitmix64(1234567, 4))
x = Xoshiro([1, 2, 3, 4]); print("state {1,2,3,4}:", [x.next() for _ in range(6)])
x = seeded(42); print("seed 42:", [x.next() for _ in range(4)])
x = seeded(1); print("seed 1:", [x.next() for _ in range(4)])
x = seeded(1); print("seed 1 first double:", repr((x.next() >> 11) * 2.0 ** -53))
x = seeded(42); print("seed 42 below(10):", [x.below(10) for _ in range(8)])
x = seeded(7); print("seed 7 below(3<<62):", [x.below(3 << 62) for _ in range(4)])
print("fnv1a64 '', a, foobar:", [hex(fnv1a64(b)) for b in (b"", b"a", b"foobar")])
x = seeded(1 ^ fnv1a64(b"nic0")); print("derive(seed 1, nic0):", [x.next() for _ in range(3)])
x = seeded(99 ^ fnv1a64(b"nic0")); print("derive(seed 99, nic0):", [x.next() for _ in range(3)])
