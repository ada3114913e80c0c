// test_rng.cpp — the engine's RNG (sim/rng.c) against known answers computed independently
// (tests/sim/rng_kat.py, which agrees with the vectors published with xoshiro256** and splitmix64),
// plus bounds, distribution and stream-derivation properties.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "sim/sim.h"

namespace {

// Tests that change the run seed put the default back, so the binary passes in any order.
struct SeedGuard {
    uint64_t saved = sim_seed();
    ~SeedGuard() { sim_set_seed(saved); }
};

TEST(SimRng, XoshiroMatchesPublishedVectorFromState1234)
{
    sim_rng r = {{1, 2, 3, 4}};
    const uint64_t expected[] = {11520ULL, 0ULL, 1509978240ULL, 1215971899390074240ULL,
                                 1216172134540287360ULL, 607988272756665600ULL};
    for (uint64_t e : expected)
        EXPECT_EQ(sim_rng_next(&r), e);
}

TEST(SimRng, SeedFillsStateWithSplitmix64Outputs)
{
    sim_rng r;
    sim_rng_seed(&r, 1234567);
    EXPECT_EQ(r.s[0], 6457827717110365317ULL);
    EXPECT_EQ(r.s[1], 3203168211198807973ULL);
    EXPECT_EQ(r.s[2], 9817491932198370423ULL);
    EXPECT_EQ(r.s[3], 4593380528125082431ULL);
}

TEST(SimRng, SeededStreamsMatchIndependentImplementation)
{
    sim_rng r;
    sim_rng_seed(&r, 42);
    EXPECT_EQ(sim_rng_next(&r), 1546998764402558742ULL);
    EXPECT_EQ(sim_rng_next(&r), 6990951692964543102ULL);
    EXPECT_EQ(sim_rng_next(&r), 12544586762248559009ULL);
    EXPECT_EQ(sim_rng_next(&r), 17057574109182124193ULL);
    sim_rng_seed(&r, 1);
    EXPECT_EQ(sim_rng_next(&r), 12966619160104079557ULL);
    EXPECT_EQ(sim_rng_next(&r), 9600361134598540522ULL);
}

TEST(SimRng, DoubleIsTop53BitsScaled)
{
    sim_rng r;
    sim_rng_seed(&r, 1);
    EXPECT_EQ(sim_rng_double(&r), 0.7029218331588505); // (12966619160104079557 >> 11) * 2^-53
    for (int i = 0; i < 100000; i++) {
        double d = sim_rng_double(&r);
        ASSERT_GE(d, 0.0);
        ASSERT_LT(d, 1.0);
        ASSERT_EQ(d, std::ldexp(std::floor(std::ldexp(d, 53)), -53)) << "not on the 2^-53 grid";
    }
}

TEST(SimRng, BelowMatchesIndependentImplementation)
{
    sim_rng r;
    sim_rng_seed(&r, 42);
    const uint64_t expected[] = {0, 3, 6, 9, 9, 7, 7, 8};
    for (uint64_t e : expected)
        EXPECT_EQ(sim_rng_below(&r, 10), e);
    sim_rng_seed(&r, 7);
    EXPECT_EQ(sim_rng_below(&r, 3ULL << 62), 9692516303121356995ULL);
    EXPECT_EQ(sim_rng_below(&r, 3ULL << 62), 3856539442751087005ULL);
}

TEST(SimRng, BelowStaysWithinBound)
{
    sim_rng r;
    sim_rng_seed(&r, 3);
    const uint64_t bounds[] = {1, 2, 3, 7, 1000, (1ULL << 63) + 1, UINT64_MAX};
    for (uint64_t b : bounds)
        for (int i = 0; i < 20000; i++)
            ASSERT_LT(sim_rng_below(&r, b), b) << "bound " << b;
    EXPECT_EQ(sim_rng_below(&r, 1), 0u);
    EXPECT_EQ(sim_rng_below(&r, 0), 0u); // documented: an empty range yields 0
}

TEST(SimRng, BelowIsUniformOverSmallBound)
{
    sim_rng r;
    sim_rng_seed(&r, 11);
    const int n = 100000, k = 10;
    int count[k] = {};
    for (int i = 0; i < n; i++)
        count[sim_rng_below(&r, k)]++;
    double chi2 = 0;
    for (int c : count) {
        double d = c - n / (double)k;
        chi2 += d * d / (n / (double)k);
    }
    EXPECT_LT(chi2, 27.88); // chi-square, 9 degrees of freedom, p = 0.001
}

TEST(SimRng, BelowHasNoModuloBiasForLargeBound)
{
    // With bound = 3 * 2^62, "next % bound" would put half of all draws below 2^62 (one third of
    // the range); an unbiased draw puts a third there.
    sim_rng r;
    sim_rng_seed(&r, 5);
    const uint64_t bound = 3ULL << 62;
    const int n = 60000;
    int low = 0;
    for (int i = 0; i < n; i++)
        low += sim_rng_below(&r, bound) < (1ULL << 62);
    EXPECT_NEAR(low / (double)n, 1.0 / 3.0, 0.01);
}

TEST(SimRng, RunSeedDefaultsToOneAndIsSettable)
{
    SeedGuard guard;
    EXPECT_EQ(sim_seed(), 1u);
    sim_set_seed(0xdeadbeefULL);
    EXPECT_EQ(sim_seed(), 0xdeadbeefULL);
}

TEST(SimRng, DeriveMatchesIndependentImplementation)
{
    SeedGuard guard;
    sim_rng r;
    sim_set_seed(1);
    sim_rng_derive(&r, "nic0");
    EXPECT_EQ(sim_rng_next(&r), 479329726632833330ULL);
    EXPECT_EQ(sim_rng_next(&r), 9233746539410448652ULL);
    sim_set_seed(99);
    sim_rng_derive(&r, "nic0");
    EXPECT_EQ(sim_rng_next(&r), 17420113750731857584ULL);
}

TEST(SimRng, DeriveIsReproducibleAndGivesDistinctStreams)
{
    SeedGuard guard;
    sim_set_seed(2024);
    const char *names[] = {"nic0", "nic1", "hba0", "pcie.link", ""};
    std::set<uint64_t> firsts;
    for (const char *name : names) {
        sim_rng a, b;
        sim_rng_derive(&a, name);
        sim_rng_derive(&b, name);
        for (int i = 0; i < 16; i++)
            ASSERT_EQ(sim_rng_next(&a), sim_rng_next(&b)) << name;
        sim_rng_derive(&a, name);
        firsts.insert(sim_rng_next(&a));
    }
    EXPECT_EQ(firsts.size(), 5u);
    sim_rng plain, derived;
    sim_rng_seed(&plain, 2024);
    sim_rng_derive(&derived, "");
    EXPECT_NE(sim_rng_next(&plain), sim_rng_next(&derived));
}

} // namespace
