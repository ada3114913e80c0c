// test_costs.cpp — the kernel cost table: every entry has a name and a rationale, charges go to
// the kernel owner of the current world (base + per byte), nothing is charged with timing off,
// and a scenario override is validated and recorded.
#include <gtest/gtest.h>

#include <cstring>
#include <set>
#include <string>

#include "kernel_model/costs.h"
#include "kernel_model/timing/timing.h"

TEST(Costs, EveryEntryHasANameAndARationale)
{
    std::set<std::string> names;
    for (int i = 0; i < KERN_COST_COUNT; i++) {
        const kern_cost_entry *e = kern_cost_get((kern_cost_id)i);
        ASSERT_NE(e, nullptr);
        ASSERT_NE(e->name, nullptr) << "entry " << i;
        EXPECT_TRUE(names.insert(e->name).second) << "duplicate " << e->name;
        ASSERT_NE(e->rationale, nullptr) << e->name;
        EXPECT_GT(std::strlen(e->rationale), 30u) << e->name;
        EXPECT_GT(e->base_mcycles + e->per_byte_mcycles, 0u) << e->name;
        EXPECT_EQ(kern_cost_find(e->name), i);
    }
    EXPECT_EQ(kern_cost_get(KERN_COST_COUNT), nullptr);
}

TEST(Costs, CitedLockFigures)
{
    EXPECT_EQ(kern_cost_mcycles(KERN_COST_SPINLOCK, 0), 34000u);
    EXPECT_EQ(kern_cost_mcycles(KERN_COST_IRQ_SAVE_RESTORE, 0), 37000u);
    EXPECT_NE(std::strstr(kern_cost_get(KERN_COST_SPINLOCK)->rationale, "202510.1658"), nullptr);
}

TEST(Costs, ChargeGoesToTheKernelOwnerOfTheCurrentWorld)
{
    kern_tworld *w = kern_tworld_new("costs");
    kern_timing_reset_counters();
    kern_tworld_enter(w);
    kern_cost_charge(KERN_COST_SPINLOCK, 0);
    kern_cost_charge(KERN_COST_MEMCOPY, 1000);
    kern_tworld_leave(w);
    const kern_cost_entry *mc = kern_cost_get(KERN_COST_MEMCOPY);
    uint64_t expect = 34000 + mc->base_mcycles + 1000 * mc->per_byte_mcycles;
    EXPECT_EQ(kern_tworld_owner_mcycles(w, KERN_OWNER_KERNEL), expect);
    EXPECT_EQ(kern_tworld_unsynced_mcycles(w), expect);
    EXPECT_EQ(kern_timing_owner_mcycles(KERN_OWNER_KERNEL), expect);
    EXPECT_EQ(kern_tworld_owner_insns(w, KERN_OWNER_KERNEL), 0u);
    kern_tworld_free(w);
}

TEST(Costs, NothingIsChargedWithTimingOff)
{
    kern_timing_reset_counters();
    kern_timing_set_enabled(false);
    kern_cost_charge(KERN_COST_WORLD_SWITCH, 0);
    kern_timing_set_enabled(true);
    EXPECT_EQ(kern_timing_total_mcycles(), 0u);
}

TEST(Costs, OverrideIsValidatedAndRecorded)
{
    sim_err err{};
    EXPECT_EQ(kern_cost_set("no_such_cost", 1, 0, "nic.lua:12", &err), -1);
    EXPECT_NE(std::strstr(err.msg, "nic.lua:12: unknown kernel cost 'no_such_cost'"), nullptr)
        << err.msg;
    ASSERT_EQ(kern_cost_set("spinlock", 50000, 0, "nic.lua:13", &err), 0) << err.msg;
    EXPECT_EQ(kern_cost_mcycles(KERN_COST_SPINLOCK, 0), 50000u);
    EXPECT_STREQ(kern_cost_get(KERN_COST_SPINLOCK)->rationale, "set by nic.lua:13");
    kern_cost_reset();
    EXPECT_EQ(kern_cost_mcycles(KERN_COST_SPINLOCK, 0), 34000u);
}
