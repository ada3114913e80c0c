// timing_test_util.h — loads the two instrumented test objects (tests/timing/testmods) into the
// test process and registers them for counting: module A as owner 1, module B as owner 2.
#pragma once
#include <dlfcn.h>
#include <gtest/gtest.h>

#include "kernel_model/timing/timing.h"

namespace timing_test {

constexpr int kOwnerA = 1;
constexpr int kOwnerB = 2;

struct Mods {
    void *a = nullptr, *b = nullptr;
    int (*straight)(int, int) = nullptr;
    int (*loop)(int) = nullptr;
    int (*branchy)(int) = nullptr;
    int (*early)(const int *) = nullptr;
    int (*calls)(int) = nullptr;
    int (*apply)(int (*)(int), int) = nullptr;
    int (*sw)(int) = nullptr;
    int (*b_work)(int) = nullptr;
};

template <typename T> inline void sym(void *h, const char *name, T &out)
{
    out = reinterpret_cast<T>(dlsym(h, name));
    ASSERT_NE(out, nullptr) << name << ": " << dlerror();
}

// Loads and registers once per process (the registrations stay for the whole test binary).
inline const Mods &mods()
{
    static Mods m;
    static bool done = false;
    if (!done) {
        done = true;
        m.a = dlopen(TMOD_A_PATH, RTLD_NOW | RTLD_LOCAL);
        EXPECT_NE(m.a, nullptr) << dlerror();
        m.b = dlopen(TMOD_B_PATH, RTLD_NOW | RTLD_LOCAL);
        EXPECT_NE(m.b, nullptr) << dlerror();
        if (!m.a || !m.b)
            return m;
        sym(m.a, "tmod_straight", m.straight);
        sym(m.a, "tmod_loop", m.loop);
        sym(m.a, "tmod_branchy", m.branchy);
        sym(m.a, "tmod_early", m.early);
        sym(m.a, "tmod_calls", m.calls);
        sym(m.a, "tmod_apply", m.apply);
        sym(m.a, "tmod_switch", m.sw);
        sym(m.b, "tmod_b_work", m.b_work);
        sim_err err{};
        EXPECT_EQ(kern_timing_register_loaded(kOwnerA, "tmod_a", (const void *)m.loop, &err), 0)
            << err.msg;
        EXPECT_EQ(kern_timing_register_loaded(kOwnerB, "tmod_b", (const void *)m.b_work, &err), 0)
            << err.msg;
    }
    return m;
}

// Instructions counted for owners A and B while f runs (counters reset first).
template <typename F> inline uint64_t counted(F f)
{
    kern_timing_reset_counters();
    f();
    return kern_timing_owner_insns(kOwnerA) + kern_timing_owner_insns(kOwnerB);
}

}  // namespace timing_test
