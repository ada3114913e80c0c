// scenario_test_util.h — loading a scenario source in-process (platform-only mode) and checking
// that an error is one line "file:line: ..." at the right line.
#ifndef VMKSIM_TEST_SCENARIO_UTIL_H
#define VMKSIM_TEST_SCENARIO_UTIL_H

#include <gtest/gtest.h>

#include <string>

#include "sim/scenario/scenario.h"

struct ScnLoad {
    int rc = 0;
    std::string msg;
    platform_desc desc{};
    ScnLoad() = default;
    ScnLoad(const ScnLoad &) = delete;
    ScnLoad &operator=(const ScnLoad &) = delete;
    ~ScnLoad() { platform_desc_free(&desc); }
};

inline void scn_load(ScnLoad &r, const std::string &src, const char *name = "t.lua")
{
    sim_err err{};
    r.rc = scenario_load_platform_buffer(src.data(), src.size(), name, &r.desc, &err);
    r.msg = r.rc == 0 ? "" : err.msg;
}

// The load failed with a message that starts "<file>:<line>: " and contains every needle.
inline ::testing::AssertionResult FailsAt(const std::string &src, int line,
                                          std::initializer_list<const char *> needles,
                                          const char *file = "t.lua")
{
    ScnLoad r;
    scn_load(r, src, file);
    if (r.rc == 0)
        return ::testing::AssertionFailure() << "script loaded, expected an error at line " << line;
    std::string prefix = std::string(file) + ":" + std::to_string(line) + ": ";
    if (r.msg.compare(0, prefix.size(), prefix) != 0)
        return ::testing::AssertionFailure() << "message does not start with '" << prefix
                                             << "': " << r.msg;
    if (r.msg.find('\n') != std::string::npos)
        return ::testing::AssertionFailure() << "message is more than one line: " << r.msg;
    for (const char *n : needles)
        if (r.msg.find(n) == std::string::npos)
            return ::testing::AssertionFailure() << "message lacks '" << n << "': " << r.msg;
    return ::testing::AssertionSuccess() << r.msg;
}

#endif
