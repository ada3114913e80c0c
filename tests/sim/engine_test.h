// engine_test.h — helpers shared by the engine tests. Every test may run in a process where others
// already ran (time only moves forward), so each works relative to sim_now() and leaves nothing
// pending behind it.
#ifndef VMKSIM_TESTS_SIM_ENGINE_TEST_H
#define VMKSIM_TESTS_SIM_ENGINE_TEST_H

#include <gtest/gtest.h>

#include <vector>

#include "sim/sim.h"

// Records the simulated time of each call.
struct TimeLog {
    std::vector<sim_time_t> at;
    static void record(void *self) { static_cast<TimeLog *>(self)->at.push_back(sim_now()); }
};

// Runs until nothing is left, so the next test starts from a quiet simulation.
inline void drain_simulation()
{
    ASSERT_EQ(sim_run_until(SIM_TIME_MAX), SIM_STOP_IDLE);
}

#endif
