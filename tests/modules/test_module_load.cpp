// test_module_load.cpp — loading modules into this process as the kernel does: init_module runs
// with the module's ID on the module stack, IDs/refcounts/base addresses are kept, dependencies
// bind across modules, a module in use cannot be unloaded, failed init leaves nothing behind.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "kernel_model/module/module.h"
#include "module_test_util.h"
#include "sim/sim.h"

namespace {

std::vector<std::string> g_lines;

void capture(void *, sim_log_level, const char *line)
{
    g_lines.push_back(line);
}

bool logged(const std::string &part)
{
    for (const auto &l : g_lines)
        if (l.find(part) != std::string::npos)
            return true;
    return false;
}

class Loader : public ::testing::Test {
  protected:
    void SetUp() override
    {
        g_lines.clear();
        sim_log_set_file(nullptr);
        sim_log_set_sink(capture, nullptr);
    }
    void TearDown() override
    {
        kern_module_unload_all();
        EXPECT_EQ(kern_module_count(), 0u);
        EXPECT_EQ(kern_module_stack_depth(), 0u);
        sim_log_set_sink(nullptr, nullptr);
        sim_log_set_file(stderr);
    }
    kern_module *load(const char *name, std::string *msg = nullptr)
    {
        kern_module *m = nullptr;
        sim_err err{};
        if (kern_module_load(module_path(name).c_str(), &m, &err) != 0 && msg)
            *msg = err.msg;
        return m;
    }
};

TEST_F(Loader, GoodModuleInitRunsWithItsIdAndIsListed)
{
    std::string msg;
    kern_module *m = load("testmod", &msg);
    ASSERT_NE(m, nullptr) << msg;
    EXPECT_GT(m->id, 0);
    EXPECT_STREQ(m->name, "testmod");
    EXPECT_EQ(m->api, KERN_MOD_API_VMKAPI);
    EXPECT_NE(m->base, 0u);
    EXPECT_EQ(m->refcount, 0);
    EXPECT_EQ(kern_module_find("testmod"), m);
    EXPECT_EQ(kern_module_by_id(m->id), m);
    EXPECT_EQ(kern_module_count(), 1u);
    // testmod_hello returns VMK_OK only if its registered ID equals vmk_ModuleCurrentID and the
    // stack top, and the kernel names it "testmod"; its log line carries the module's name.
    EXPECT_TRUE(logged("testmod: testmod: hello from module " + std::to_string(m->id) +
                       " (testmod)"));
    EXPECT_EQ(kern_module_stack_depth(), 0u) << "init's push was popped";
    int id = m->id;
    sim_err err{};
    ASSERT_EQ(kern_module_unload("testmod", &err), 0) << err.msg;
    EXPECT_TRUE(logged("testmod: testmod: goodbye from module " + std::to_string(id)));
    EXPECT_EQ(kern_module_find("testmod"), nullptr);
}

TEST_F(Loader, IdsGrowAndAreNotReused)
{
    kern_module *a = load("testmod");
    ASSERT_NE(a, nullptr);
    int first = a->id;
    sim_err err{};
    ASSERT_EQ(kern_module_unload("testmod", &err), 0);
    kern_module *b = load("testmod");
    ASSERT_NE(b, nullptr);
    EXPECT_GT(b->id, first);
}

TEST_F(Loader, SameModuleTwiceIsRefused)
{
    ASSERT_NE(load("testmod"), nullptr);
    std::string msg;
    EXPECT_EQ(load("testmod", &msg), nullptr);
    EXPECT_NE(msg.find("module testmod ("), std::string::npos) << msg;
    EXPECT_NE(msg.find("a module named 'testmod' is already loaded"), std::string::npos) << msg;
}

TEST_F(Loader, DependentNeedsItsDependencyLoadedFirst)
{
    std::string msg;
    EXPECT_EQ(load("testmod_user", &msg), nullptr);
    EXPECT_NE(msg.find("module testmod_user ("), std::string::npos) << msg;
    EXPECT_NE(msg.find("dependency 'testmod_dep' is not loaded"), std::string::npos) << msg;
    EXPECT_EQ(kern_module_count(), 0u);
}

TEST_F(Loader, DependentCallsIntoItsDependency)
{
    std::string msg;
    kern_module *dep = load("testmod_dep", &msg);
    ASSERT_NE(dep, nullptr) << msg;
    kern_module *user = load("testmod_user", &msg);
    ASSERT_NE(user, nullptr) << msg;   // its init checks testdep_add(2, 3) == 5 under dep's ID
    EXPECT_EQ(dep->refcount, 1);
    ASSERT_EQ(user->n_deps, 1u);
    EXPECT_EQ(user->deps[0], dep);
    EXPECT_TRUE(logged("testmod_user: testdep_add(2, 3) = 5"));

    sim_err err{};
    EXPECT_NE(kern_module_unload("testmod_dep", &err), 0);
    EXPECT_NE(std::string(err.msg).find("module testmod_dep ("), std::string::npos) << err.msg;
    EXPECT_NE(std::string(err.msg).find("in use by module testmod_user"), std::string::npos)
        << err.msg;
    ASSERT_EQ(kern_module_unload("testmod_user", &err), 0) << err.msg;
    EXPECT_EQ(dep->refcount, 0);
    ASSERT_EQ(kern_module_unload("testmod_dep", &err), 0) << err.msg;
    EXPECT_TRUE(logged("testmod_dep: testmod_dep: 1 calls served"));
}

TEST_F(Loader, RefusedModulesLeaveNothingLoaded)
{
    std::string msg;
    EXPECT_EQ(load("testmod_missing", &msg), nullptr);
    EXPECT_EQ(msg, "module testmod_missing (" + module_path("testmod_missing") +
                       "): unresolved symbol 'vmk_NoSuchCall'");
    EXPECT_EQ(load("testmod_noshim", &msg), nullptr);
    EXPECT_NE(msg.find("api mismatch"), std::string::npos) << msg;
    EXPECT_EQ(kern_module_count(), 0u);
}

TEST_F(Loader, FailedInitUnloadsAndReportsTheStatus)
{
    std::string msg;
    EXPECT_EQ(load("testmod_initfail", &msg), nullptr);
    EXPECT_EQ(msg, "module testmod_initfail (" + module_path("testmod_initfail") +
                       "): init_module failed: VMK_NO_MEMORY (0xbad0008)");
    EXPECT_TRUE(logged("testmod_initfail: testmod_initfail: refusing to start"));
    EXPECT_EQ(kern_module_count(), 0u);
    EXPECT_EQ(kern_module_stack_depth(), 0u);
}

TEST_F(Loader, ModuleStackPushPopAndLimits)
{
    kern_module *m = load("testmod");
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(kern_module_current(), 0) << "kernel when nothing is pushed";
    sim_err err{};
    ASSERT_EQ(kern_module_push(m->id, &err), 0);
    EXPECT_EQ(kern_module_current(), m->id);
    EXPECT_NE(kern_module_push(9999, &err), 0);
    EXPECT_NE(std::string(err.msg).find("unknown module ID 9999"), std::string::npos);
    ASSERT_EQ(kern_module_pop(&err), 0);
    EXPECT_NE(kern_module_pop(&err), 0);
    EXPECT_NE(std::string(err.msg).find("pop of an empty stack"), std::string::npos);
    for (int i = 0; i < KERN_MOD_STACK_DEPTH; i++)
        ASSERT_EQ(kern_module_push(0, &err), 0);
    EXPECT_NE(kern_module_push(0, &err), 0);
    while (kern_module_stack_depth())
        kern_module_pop(nullptr);
}

TEST_F(Loader, MissingAndNonModuleFilesAreRefused)
{
    kern_module *m = nullptr;
    sim_err err{};
    EXPECT_NE(kern_module_load("/nonexistent.so", &m, &err), 0);
    EXPECT_NE(std::string(err.msg).find("module file /nonexistent.so: cannot open"),
              std::string::npos);
    // This test program is an ELF file but no module.
    EXPECT_NE(kern_module_load("/proc/self/exe", &m, &err), 0);
    EXPECT_NE(std::string(err.msg).find("module file /proc/self/exe: "), std::string::npos)
        << err.msg;
}

} // namespace
