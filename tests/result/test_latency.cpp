// test_latency.cpp — the latency recorder (sim/result/latency.h): nearest-rank percentiles, exact
// up to RESULT_LATENCY_EXACT_MAX samples; beyond, exact below 2048 ps and at rank 1 / rank N and
// within 1/2048 relative error elsewhere, checked against a brute-force sort of seeded random data.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "sim/result/latency.h"

namespace {

// The definition in docs/results.md: the sample of rank ceil(N * pct / 10000), rank >= 1.
uint64_t brute_percentile(std::vector<uint64_t> v, uint32_t pct)
{
    std::sort(v.begin(), v.end());
    uint64_t n = v.size();
    uint64_t rank = (n * pct + 9999) / 10000;   // small n in tests: no overflow
    if (rank < 1)
        rank = 1;
    return v[rank - 1];
}

struct Lat {
    result_latency *l = result_latency_new();
    ~Lat() { result_latency_free(l); }
};

sim_time_t pctl(const result_latency *l, uint32_t pct)
{
    sim_time_t v = 12345;
    EXPECT_TRUE(result_latency_percentile(l, pct, &v));
    return v;
}

void expect_within(uint64_t got, uint64_t want)
{
    double err = std::fabs((double)got - (double)want);
    EXPECT_LE(err, (double)want / 2048.0) << "got " << got << " want " << want;
}

}  // namespace

TEST(Latency, EmptyRecorderHasNoPercentiles)
{
    Lat a;
    ASSERT_NE(a.l, nullptr);
    sim_time_t v = 99;
    EXPECT_FALSE(result_latency_percentile(a.l, RESULT_P50, &v));
    EXPECT_EQ(v, 0u);
    EXPECT_EQ(result_latency_count(a.l), 0u);
    EXPECT_EQ(result_latency_min(a.l), 0u);
    EXPECT_EQ(result_latency_max(a.l), 0u);
}

TEST(Latency, NearestRankOnTenValues)
{
    Lat a;
    for (uint64_t v = 10; v >= 1; v--)   // order of recording does not matter
        result_latency_record(a.l, v);
    EXPECT_EQ(pctl(a.l, 0), 1u);           // rank 1
    EXPECT_EQ(pctl(a.l, 1000), 1u);        // ceil(1.0) = 1
    EXPECT_EQ(pctl(a.l, 1001), 2u);        // ceil(1.001) = 2
    EXPECT_EQ(pctl(a.l, RESULT_P50), 5u);  // ceil(5.0) = 5
    EXPECT_EQ(pctl(a.l, RESULT_P90), 9u);
    EXPECT_EQ(pctl(a.l, RESULT_P99), 10u); // ceil(9.9) = 10
    EXPECT_EQ(pctl(a.l, RESULT_P100), 10u);
    EXPECT_EQ(pctl(a.l, 20000), 10u);      // above 100 % is 100 %
    EXPECT_EQ(result_latency_count(a.l), 10u);
}

TEST(Latency, ExactBelow2048Picoseconds)
{
    Lat a;
    std::vector<uint64_t> all;
    std::mt19937_64 rng(7);
    for (int i = 0; i < 5000; i++) {
        uint64_t v = rng() % 2048;
        all.push_back(v);
        result_latency_record(a.l, v);
    }
    for (uint32_t p : {1u, 2500u, RESULT_P50, RESULT_P90, RESULT_P99, RESULT_P999, RESULT_P100})
        EXPECT_EQ(pctl(a.l, p), brute_percentile(all, p)) << "pct " << p;
}

TEST(Latency, SmallRunIsExact)
{
    // Log-uniform latencies from 100 ps to ~10 ms, seeded, fewer than RESULT_LATENCY_EXACT_MAX.
    Lat a;
    std::vector<uint64_t> all;
    std::mt19937_64 rng(11);
    std::uniform_real_distribution<double> exp2(std::log2(100.0), std::log2(1e10));
    for (int i = 0; i < 50000; i++) {
        uint64_t v = (uint64_t)std::exp2(exp2(rng)) + rng() % 7;
        all.push_back(v);
        result_latency_record(a.l, v);
    }
    for (uint32_t p : {0u, 1u, 100u, 1000u, RESULT_P50, 7777u, RESULT_P90, RESULT_P99,
                       RESULT_P999, 9999u, RESULT_P100})
        EXPECT_EQ(pctl(a.l, p), brute_percentile(all, p)) << "pct " << p;
}

TEST(Latency, HistogramTakesOverAboveTheExactLimit)
{
    // 499970 ps and 500200 ps share the histogram bucket [499968, 500224) ps (width 256).
    Lat a;
    for (unsigned i = 0; i < RESULT_LATENCY_EXACT_MAX; i++)
        result_latency_record(a.l, i % 2 ? 500200 : 499970);
    EXPECT_EQ(pctl(a.l, RESULT_P50), 499970u);          // exact: rank 32768 of 65536
    result_latency_record(a.l, 500200);
    // Now 65537 samples, rank 32769 is 500200 ps; the histogram answers its bucket's middle.
    EXPECT_EQ(pctl(a.l, RESULT_P50), 499968u + 128u);
    expect_within(pctl(a.l, RESULT_P50), 500200);
    EXPECT_EQ(pctl(a.l, RESULT_P100), 500200u);          // rank N stays exact
    EXPECT_EQ(pctl(a.l, 0), 499970u);                    // and rank 1
}

TEST(Latency, RandomDataWithinDocumentedErrorOfBruteForce)
{
    // Log-uniform latencies from 100 ps to ~10 ms, seeded: every power of two in between is hit,
    // and more samples than the exact limit, so the histogram answers.
    Lat a;
    std::vector<uint64_t> all;
    std::mt19937_64 rng(20240601);
    std::uniform_real_distribution<double> exp2(std::log2(100.0), std::log2(1e10));
    for (int i = 0; i < 200000; i++) {
        uint64_t v = (uint64_t)std::exp2(exp2(rng)) + rng() % 7;
        all.push_back(v);
        result_latency_record(a.l, v);
    }
    std::vector<uint64_t> sorted = all;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(result_latency_min(a.l), sorted.front());
    EXPECT_EQ(result_latency_max(a.l), sorted.back());
    for (uint32_t p : {0u, 1u, 100u, 1000u, RESULT_P50, 7777u, RESULT_P90, RESULT_P99,
                       RESULT_P999, 9999u, RESULT_P100}) {
        uint64_t want = brute_percentile(all, p);
        expect_within(pctl(a.l, p), want);
    }
    EXPECT_EQ(pctl(a.l, RESULT_P100), sorted.back());   // rank N is exact
    EXPECT_EQ(pctl(a.l, 0), sorted.front());            // rank 1 is exact
}

TEST(Latency, EveryMagnitudeUpTo64Bits)
{
    // Three samples lo < mid < hi: p50 is mid, for mid at each power of two and its neighbours.
    for (int e = 1; e < 64; e++) {
        for (int64_t d : {-1, 0, 1}) {
            uint64_t mid = ((uint64_t)1 << e) + (uint64_t)d;
            Lat a;
            result_latency_record(a.l, 0);
            result_latency_record(a.l, mid);
            result_latency_record(a.l, UINT64_MAX);
            expect_within(pctl(a.l, RESULT_P50), mid);
            EXPECT_EQ(pctl(a.l, RESULT_P100), UINT64_MAX);
        }
    }
}

TEST(Latency, MergeEqualsRecordingEverything)
{
    Lat a, b, all;
    std::mt19937_64 rng(3);
    for (int i = 0; i < 100000; i++) {   // above the exact limit: the histograms merge
        uint64_t v = rng() % 50000000;
        result_latency_record(i % 3 ? a.l : b.l, v);
        result_latency_record(all.l, v);
    }
    ASSERT_EQ(result_latency_merge(a.l, b.l), 0);
    EXPECT_EQ(result_latency_count(a.l), 100000u);
    EXPECT_EQ(result_latency_min(a.l), result_latency_min(all.l));
    EXPECT_EQ(result_latency_max(a.l), result_latency_max(all.l));
    for (uint32_t p : {0u, RESULT_P50, RESULT_P90, RESULT_P99, RESULT_P100})
        EXPECT_EQ(pctl(a.l, p), pctl(all.l, p)) << "pct " << p;

    Lat empty;   // merging into an empty recorder keeps the exact extremes of the source
    ASSERT_EQ(result_latency_merge(empty.l, b.l), 0);
    EXPECT_EQ(result_latency_min(empty.l), result_latency_min(b.l));
    EXPECT_EQ(result_latency_max(empty.l), result_latency_max(b.l));
}

TEST(Latency, MergeOfSmallRunsStaysExact)
{
    Lat a, b;
    std::vector<uint64_t> all;
    std::mt19937_64 rng(5);
    for (int i = 0; i < 3000; i++) {
        uint64_t v = rng() % 90000000;
        all.push_back(v);
        result_latency_record(i % 2 ? a.l : b.l, v);
    }
    ASSERT_EQ(result_latency_merge(a.l, b.l), 0);
    for (uint32_t p : {1u, RESULT_P50, RESULT_P90, RESULT_P99})
        EXPECT_EQ(pctl(a.l, p), brute_percentile(all, p)) << "pct " << p;
}

TEST(Latency, ResetForgetsEverything)
{
    Lat a;
    result_latency_record(a.l, 5000);
    result_latency_reset(a.l);
    sim_time_t v;
    EXPECT_FALSE(result_latency_percentile(a.l, RESULT_P50, &v));
    result_latency_record(a.l, 7);
    EXPECT_EQ(pctl(a.l, RESULT_P50), 7u);
    EXPECT_EQ(result_latency_dropped(a.l), 0u);
}
