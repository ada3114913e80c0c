// test_module_cli.cpp — `vmksim modinfo` and `vmksim modload` as a user runs them (exit codes,
// stdout, the refusal on stderr), and gdb breaking inside a loaded module by function name.
#include <gtest/gtest.h>

#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "module_test_util.h"

namespace {

struct Result {
    int code = -1;
    std::string out, err;
};

class Cli : public ::testing::Test {
  protected:
    void SetUp() override
    {
        char tmpl[] = "/tmp/vmksim_modcli_XXXXXX";
        ASSERT_NE(mkdtemp(tmpl), nullptr);
        dir = tmpl;
    }
    void TearDown() override
    {
        std::string cmd = "rm -rf '" + dir + "'";
        (void)!system(cmd.c_str());
    }
    // Runs a shell command line with stdout and stderr captured apart.
    Result sh(const std::string &cmdline)
    {
        std::string o = dir + "/stdout", e = dir + "/stderr";
        std::string cmd = cmdline + " >'" + o + "' 2>'" + e + "'";
        int st = system(cmd.c_str());
        Result r;
        r.code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
        r.out = file_bytes(o);
        r.err = file_bytes(e);
        return r;
    }
    Result vmksim(const std::string &args)
    {
        return sh(std::string("'") + VMKSIM_BINARY_DIR + "/vmksim' " + args);
    }
    std::string dir;
};

bool has(const std::string &s, const std::string &part)
{
    return s.find(part) != std::string::npos;
}

TEST_F(Cli, ModinfoPrintsFieldsAndWhereEachSymbolBinds)
{
    Result r = vmksim("modinfo " + module_path("testmod"));
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(has(r.out, "name:     testmod\n")) << r.out;
    EXPECT_TRUE(has(r.out, "version:  1.2.3\n"));
    EXPECT_TRUE(has(r.out, "license:  GPL\n"));
    EXPECT_TRUE(has(r.out, "api:      vmkapi\n"));
    EXPECT_TRUE(has(r.out, "depends:  (none)\n"));
    EXPECT_TRUE(has(r.out, "file:     " + module_path("testmod") + "\n"));
    EXPECT_TRUE(has(r.out, "  vmk_ModuleRegister               kernel\n")) << r.out;
    EXPECT_TRUE(has(r.out, "loadable: yes\n"));
    EXPECT_EQ(r.err, "");
}

TEST_F(Cli, ModinfoRefusesAnUnresolvedSymbol)
{
    Result r = vmksim("modinfo " + module_path("testmod_missing"));
    EXPECT_EQ(r.code, 1);
    EXPECT_TRUE(has(r.out, "  vmk_NoSuchCall                   UNRESOLVED\n")) << r.out;
    EXPECT_TRUE(has(r.out, "loadable: no\n"));
    EXPECT_TRUE(has(r.err, "module testmod_missing (" + module_path("testmod_missing") +
                               "): unresolved symbol 'vmk_NoSuchCall'")) << r.err;
}

TEST_F(Cli, ModinfoFindsDependenciesBesideTheFile)
{
    Result r = vmksim("modinfo " + module_path("testmod_user"));
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(has(r.out, "depends:  testmod_dep\n"));
    EXPECT_TRUE(has(r.out, "  testdep_add                      module testmod_dep\n")) << r.out;

    std::string lone = dir + "/testmod_user.so";
    write_file(lone, file_bytes(module_path("testmod_user")));
    r = vmksim("modinfo " + lone);
    EXPECT_EQ(r.code, 1);
    EXPECT_TRUE(has(r.out, "  testdep_add                      UNRESOLVED\n")) << r.out;
    EXPECT_TRUE(has(r.err, "module testmod_user (" + lone + "): dependency 'testmod_dep' cannot be "
                           "loaded: module file " + dir + "/testmod_dep.so: cannot open")) << r.err;
}

TEST_F(Cli, ModinfoReportsApiMismatch)
{
    Result r = vmksim("modinfo " + module_path("testmod_noshim"));
    EXPECT_EQ(r.code, 1);
    EXPECT_TRUE(has(r.err, "module testmod_noshim (")) << r.err;
    EXPECT_TRUE(has(r.err, "api mismatch: api=vmklinux but 'vmklinux' (the shim) is not in depends"));
}

TEST_F(Cli, ModinfoRefusesNonElfEmptyAndTruncatedFiles)
{
    std::string good = file_bytes(module_path("testmod"));
    struct { const char *name; std::string bytes; const char *why; } files[] = {
        {"text.so", "hello, not a module\n", "not an ELF file"},
        {"empty.so", "", "empty file, not an ELF module"},
        {"cut.so", good.substr(0, good.size() / 2), "truncated"},
    };
    for (const auto &f : files) {
        std::string p = dir + "/" + f.name;
        write_file(p, f.bytes);
        Result r = vmksim("modinfo " + p);
        EXPECT_EQ(r.code, 1) << f.name;
        EXPECT_TRUE(has(r.err, "module file " + p + ": ")) << r.err;
        EXPECT_TRUE(has(r.err, f.why)) << r.err;
    }
}

TEST_F(Cli, ModloadLoadsDependenciesFirstAndUnloadsInReverse)
{
    Result r = vmksim("modload " + module_path("testmod_user") + " " + module_path("testmod_dep") +
                   " " + module_path("testmod"));
    EXPECT_EQ(r.code, 0) << r.err;
    size_t dep = r.out.find("loaded   testmod_dep"), user = r.out.find("loaded   testmod_user");
    size_t udep = r.out.find("unloaded testmod_dep"), uuser = r.out.find("unloaded testmod_user");
    ASSERT_NE(dep, std::string::npos) << r.out;
    ASSERT_NE(user, std::string::npos) << r.out;
    ASSERT_NE(udep, std::string::npos) << r.out;
    ASSERT_NE(uuser, std::string::npos) << r.out;
    EXPECT_LT(dep, user);
    EXPECT_LT(uuser, udep);
    EXPECT_TRUE(has(r.err, "testmod_user: testdep_add(2, 3) = 5")) << r.err;
    EXPECT_TRUE(has(r.err, "testmod: hello from module")) << r.err;
}

TEST_F(Cli, ModloadRefusals)
{
    Result r = vmksim("modload " + module_path("testmod_missing"));
    EXPECT_EQ(r.code, 1);
    EXPECT_TRUE(has(r.err, "module testmod_missing (")) << r.err;
    EXPECT_TRUE(has(r.err, "unresolved symbol 'vmk_NoSuchCall'")) << r.err;

    r = vmksim("modload " + module_path("testmod_user"));
    EXPECT_EQ(r.code, 1);
    EXPECT_TRUE(has(r.err, "dependency 'testmod_dep' is not loaded")) << r.err;

    r = vmksim("modload " + module_path("testmod") + " " + module_path("testmod_initfail"));
    EXPECT_EQ(r.code, 1);
    EXPECT_TRUE(has(r.err, "init_module failed: VMK_NO_MEMORY")) << r.err;
    EXPECT_TRUE(has(r.out, "unloaded testmod ")) << "what loaded before is unloaded: " << r.out;

    r = vmksim("modload");
    EXPECT_EQ(r.code, 2);
    EXPECT_TRUE(has(r.err, "usage: vmksim modload FILE..."));
}

TEST_F(Cli, GdbBreaksInsideALoadedModule)
{
    if (sh("command -v gdb").code != 0)
        GTEST_SKIP() << "gdb is not installed";
    std::string env;
#ifdef VMKSIM_SANITIZED_BUILD
    // LeakSanitizer cannot run under ptrace; the rest of ASan works under gdb.
    env = "ASAN_OPTIONS=detect_leaks=0 ";
#endif
    Result r = sh(env + "timeout 120 gdb -batch -nx -iex 'set debuginfod enabled off' "
                     "-ex 'set breakpoint pending on' -ex 'break testmod_hello' -ex run -ex bt "
                     "--args '" + std::string(VMKSIM_BINARY_DIR) + "/vmksim' modload " +
               module_path("testmod"));
    if (has(r.out + r.err, "ptrace: Operation not permitted"))
        GTEST_SKIP() << "this machine forbids ptrace: " << r.err;
    EXPECT_TRUE(has(r.out, "Breakpoint 1, testmod_hello")) << r.out << r.err;
    EXPECT_TRUE(has(r.out, "testmod_hello.c:")) << r.out;
    // The backtrace goes from the module's other file back into the kernel's loader.
    EXPECT_TRUE(has(r.out, " in init_module () at ")) << r.out;
    EXPECT_TRUE(has(r.out, "testmod_main.c:")) << r.out;
    EXPECT_TRUE(has(r.out, "kern_module_load")) << r.out;
}

} // namespace
