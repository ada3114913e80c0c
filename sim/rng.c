/* rng.c — the engine's deterministic random numbers: xoshiro256** (Blackman & Vigna, "Scrambled
 * linear pseudorandom number generators", 2018), its state filled by splitmix64 (Steele, Lea &
 * Flood, "Fast splittable pseudorandom number generators", 2014), bounded draws by Lemire's
 * multiply-and-reject method (Lemire, "Fast random integer generation in an interval", 2019). */
#include "sim/sim.h"

static uint64_t run_seed = 1; /* the run seed before sim_set_seed: documented as 1 */

static uint64_t rotl64(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* One splitmix64 step: advances *x by the golden-ratio increment and mixes it. */
static uint64_t splitmix64_next(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* FNV-1a, 64-bit (offset basis and prime from the FNV reference by Fowler, Noll and Vo). */
static uint64_t fnv1a64(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        h ^= *p;
        h *= 0x100000001b3ULL;
    }
    return h;
}

void sim_rng_seed(sim_rng *r, uint64_t seed)
{
    /* Four consecutive splitmix64 outputs are never all zero, the one state xoshiro forbids. */
    uint64_t x = seed;
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64_next(&x);
}

uint64_t sim_rng_next(sim_rng *r)
{
    uint64_t *s = r->s;
    uint64_t out = rotl64(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl64(s[3], 45);
    return out;
}

uint64_t sim_rng_below(sim_rng *r, uint64_t bound)
{
    if (bound == 0)
        return 0; /* documented: an empty range yields 0 and draws nothing */
    __extension__ typedef unsigned __int128 u128;
    u128 m = (u128)sim_rng_next(r) * bound;
    uint64_t low = (uint64_t)m;
    if (low < bound) {
        /* 2^64 mod bound: the draws whose low half falls below it are the biased ones. */
        uint64_t threshold = (0 - bound) % bound;
        while (low < threshold) {
            m = (u128)sim_rng_next(r) * bound;
            low = (uint64_t)m;
        }
    }
    return (uint64_t)(m >> 64);
}

double sim_rng_double(sim_rng *r)
{
    /* The top 53 bits, scaled by 2^-53: every double in [0, 1) on that grid, equally likely. */
    return (double)(sim_rng_next(r) >> 11) * 0x1.0p-53;
}

void sim_rng_derive(sim_rng *r, const char *stream_name)
{
    sim_rng_seed(r, run_seed ^ fnv1a64(stream_name ? stream_name : ""));
}

void sim_set_seed(uint64_t seed)
{
    run_seed = seed;
}

uint64_t sim_seed(void)
{
    return run_seed;
}
