// test_timing_count.cpp — the trace-pc hook counts the instructions of executed blocks of
// registered modules: checked against Capstone over a straight-line function's own bytes, by
// relations that fail if per-block counts were wrong, and for attribution, functional mode,
// unregistered code and determinism (docs/timing.md).
#include <capstone/capstone.h>
#include <cstring>

#include "timing_test_util.h"

using namespace timing_test;

static int host_identity(int x) { return x; }   // code outside every registered module

// Instructions of a straight-line function from its entry to its ret, minus hook calls.
static uint64_t capstone_straight_count(const void *fn, bool *straight)
{
    csh h;
    EXPECT_EQ(cs_open(CS_ARCH_X86, CS_MODE_64, &h), CS_ERR_OK);
    cs_insn *in = cs_malloc(h);
    const uint8_t *code = static_cast<const uint8_t *>(fn);
    size_t size = 256;
    uint64_t addr = reinterpret_cast<uintptr_t>(fn);
    uint64_t n = 0;
    *straight = true;
    while (cs_disasm_iter(h, &code, &size, &addr, in)) {
        if (std::strcmp(in->mnemonic, "ret") == 0) {
            n++;
            break;
        }
        if (std::strcmp(in->mnemonic, "call") == 0)
            continue;   // the only call in it is the hook's
        if (in->mnemonic[0] == 'j')
            *straight = false;
        n++;
    }
    cs_free(in, 1);
    cs_close(&h);
    return n;
}

TEST(TimingCount, StraightLineFunctionCountsEveryInstructionButTheHookCall)
{
    const Mods &m = mods();
    bool straight = false;
    uint64_t expect = capstone_straight_count((const void *)m.straight, &straight);
    ASSERT_TRUE(straight) << "tmod_straight was compiled with a branch; the test needs none";
    EXPECT_GT(expect, 4u);
    EXPECT_EQ(counted([&] { m.straight(6, 7); }), expect);
}

TEST(TimingCount, LoopCostGrowsByTheBodyPerIteration)
{
    const Mods &m = mods();
    uint64_t c1 = counted([&] { m.loop(1); });
    uint64_t c2 = counted([&] { m.loop(2); });
    uint64_t c10 = counted([&] { m.loop(10); });
    uint64_t c30 = counted([&] { m.loop(30); });
    uint64_t body = c2 - c1;
    EXPECT_GE(body, 4u);   // i*3, s>>1, xor, add, increment, compare, branch: several insns
    EXPECT_EQ(c10 - c1, 9 * body);
    EXPECT_EQ(c30 - c10, 20 * body);
}

TEST(TimingCount, EachBranchOfAFunctionCostsWhatItsPathHolds)
{
    const Mods &m = mods();
    uint64_t big = counted([&] { m.branchy(9); });    // x > 5
    uint64_t neg = counted([&] { m.branchy(-3); });   // x < 0
    uint64_t mid = counted([&] { m.branchy(3); });    // fall through both tests
    EXPECT_GT(big, 5u);
    EXPECT_NE(big, neg);   // the exact per-path values are checked by test_timing_oracle
    EXPECT_NE(neg, mid);
    // Same path, other value: same count.
    EXPECT_EQ(counted([&] { m.branchy(100); }), big);
    EXPECT_EQ(counted([&] { m.branchy(-50); }), neg);
}

TEST(TimingCount, TimingOffCountsNothing)
{
    const Mods &m = mods();
    kern_timing_set_enabled(false);
    uint64_t off = counted([&] { m.loop(10); });
    kern_timing_set_enabled(true);
    EXPECT_EQ(off, 0u);
    EXPECT_GT(counted([&] { m.loop(10); }), 0u);
}

TEST(TimingCount, CodeOutsideRegisteredModulesIsNotCounted)
{
    const Mods &m = mods();
    uint64_t before = counted([&] { m.b_work(5); });
    ASSERT_GT(before, 0u);
    sim_err err{};
    ASSERT_EQ(kern_timing_unregister_module("tmod_b", &err), 0) << err.msg;
    EXPECT_EQ(counted([&] { m.b_work(5); }), 0u);
    EXPECT_EQ(kern_timing_owner_of((uintptr_t)m.b_work), -1);
    ASSERT_EQ(kern_timing_register_loaded(kOwnerB, "tmod_b", (const void *)m.b_work, &err), 0)
        << err.msg;
    EXPECT_EQ(counted([&] { m.b_work(5); }), before);
    EXPECT_EQ(kern_timing_owner_of((uintptr_t)m.b_work), kOwnerB);
}

TEST(TimingCount, AttributionSplitsBetweenTwoModules)
{
    const Mods &m = mods();
    uint64_t a_alone = counted([&] { m.apply(host_identity, 5); });
    uint64_t b_alone = counted([&] { m.b_work(5); });
    kern_timing_reset_counters();
    m.apply(m.b_work, 5);   // A calls into B
    EXPECT_EQ(kern_timing_owner_insns(kOwnerA), a_alone);
    EXPECT_EQ(kern_timing_owner_insns(kOwnerB), b_alone);
    EXPECT_EQ(kern_timing_owner_insns(KERN_OWNER_KERNEL), 0u);
}

TEST(TimingCount, SameCallsGiveSameCountsWarmOrCold)
{
    const Mods &m = mods();
    auto run = [&] {
        m.loop(7);
        m.branchy(2);
        m.calls(4);
        int v = 150;
        m.early(&v);
        m.early(nullptr);
        m.sw(3);
    };
    kern_timing_clear_block_cache();
    uint64_t misses0 = kern_timing_blocks_analysed();
    uint64_t cold = counted(run);
    uint64_t misses1 = kern_timing_blocks_analysed();
    uint64_t warm = counted(run);
    EXPECT_GT(misses1, misses0);
    EXPECT_EQ(kern_timing_blocks_analysed(), misses1);   // every block analysed once
    EXPECT_EQ(cold, warm);
    EXPECT_GT(cold, 0u);
}

TEST(TimingCount, CyclesAreInstructionsTimesCpi)
{
    const Mods &m = mods();
    kern_timing_params saved = *kern_timing_params_get();
    kern_timing_params p = saved;
    p.cpi_milli = 2500;
    sim_err err{};
    ASSERT_EQ(kern_timing_configure(&p, &err), 0) << err.msg;
    uint64_t n = counted([&] { m.loop(10); });
    EXPECT_EQ(kern_timing_owner_mcycles(kOwnerA), n * 2500);
    EXPECT_EQ(kern_timing_owner_cycles(kOwnerA), n * 2500 / 1000);
    ASSERT_EQ(kern_timing_configure(&saved, &err), 0) << err.msg;
}

TEST(TimingCount, WorldsReceiveWhatRunsWhileTheyAreEntered)
{
    const Mods &m = mods();
    uint64_t n = counted([&] { m.loop(5); });
    kern_timing_reset_counters();
    kern_tworld *w = kern_tworld_new("w0");
    uint64_t un_before = kern_tworld_owner_insns(kern_tworld_unattached(), kOwnerA);
    kern_tworld_enter(w);
    EXPECT_EQ(kern_tworld_current(), w);
    m.loop(5);
    kern_tworld_leave(w);
    EXPECT_EQ(kern_tworld_current(), kern_tworld_unattached());
    EXPECT_EQ(kern_tworld_owner_insns(w, kOwnerA), n);
    EXPECT_EQ(kern_tworld_owner_insns(kern_tworld_unattached(), kOwnerA), un_before);
    EXPECT_EQ(kern_tworld_mcycles(w), n * kern_timing_params_get()->cpi_milli);
    kern_tworld_free(w);
    EXPECT_EQ(kern_timing_owner_insns(kOwnerA), n);   // kept after the world is gone
}

TEST(TimingCount, RegistrationErrorsNameTheModule)
{
    const Mods &m = mods();
    sim_err err{};
    uintptr_t lo = 0x2000, hi = 0x1000;
    EXPECT_EQ(kern_timing_register_loaded(3, "tmod_a", (const void *)m.loop, &err), -1);
    EXPECT_NE(std::strstr(err.msg, "tmod_a is already registered"), nullptr) << err.msg;
    EXPECT_EQ(kern_timing_register_loaded(3, "other", (const void *)m.loop, &err), -1);
    EXPECT_NE(std::strstr(err.msg, "overlaps module tmod_a"), nullptr) << err.msg;
    EXPECT_EQ(kern_timing_register_module(KERN_TIMING_MAX_OWNERS, "x", 0x1000, 0x2000, &err), -1);
    EXPECT_NE(std::strstr(err.msg, "owner"), nullptr) << err.msg;
    EXPECT_EQ(kern_timing_register_module(3, "x", lo, hi, &err), -1);
    EXPECT_NE(std::strstr(err.msg, "invalid code range"), nullptr) << err.msg;
    EXPECT_EQ(kern_timing_unregister_module("nosuch", &err), -1);
    EXPECT_NE(std::strstr(err.msg, "nosuch is not registered"), nullptr) << err.msg;
    int on_stack = 0;
    EXPECT_EQ(kern_timing_register_loaded(3, "stack", &on_stack, &err), -1);
    EXPECT_NE(std::strstr(err.msg, "stack"), nullptr) << err.msg;
}
