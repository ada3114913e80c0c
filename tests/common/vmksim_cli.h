// vmksim_cli.h — the fixture of tests that run the built `vmksim` binary as a user does: a fresh
// temporary folder per test, scripts written into it, `vmksim run ...` with stdout and stderr
// captured, and the check that a bad script stops with one "file:line: message" line.
#ifndef VMKSIM_TESTS_VMKSIM_CLI_H
#define VMKSIM_TESTS_VMKSIM_CLI_H

#include <gtest/gtest.h>

#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace vmksim_test {

inline std::string slurp(const std::string &path)
{
    std::ifstream f(path, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

struct CmdRun {
    int status = -1;   // exit status, -1 if killed by a signal
    std::string out, err;
};

class VmksimCli : public ::testing::Test {
protected:
    std::string dir;

    void SetUp() override
    {
        char tmpl[] = "/tmp/vmksim_test_XXXXXX";
        ASSERT_NE(mkdtemp(tmpl), nullptr);
        dir = tmpl;
    }
    void TearDown() override
    {
        std::string cmd = "rm -rf '" + dir + "'";
        ASSERT_EQ(std::system(cmd.c_str()), 0);
    }
    std::string write(const std::string &name, const std::string &src)
    {
        std::string p = dir + "/" + name;
        std::ofstream(p) << src;
        return p;
    }
    // `vmksim run ARGS` (ARGS quoted by the caller).
    CmdRun vmksim(const std::string &args)
    {
        std::string cmd = std::string("'") + VMKSIM_BINARY_DIR + "/vmksim' run " + args + " >'" +
                          dir + "/stdout' 2>'" + dir + "/stderr'";
        int st = std::system(cmd.c_str());
        CmdRun r;
        r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
        r.out = slurp(dir + "/stdout");
        r.err = slurp(dir + "/stderr");
        return r;
    }
    // `vmksim run PATH EXTRA` exits 1 and stderr ends with exactly one line
    // "<path>:<line>: ..." holding needle.
    ::testing::AssertionResult FailsAt(const std::string &path, int line, const char *needle,
                                       const std::string &extra = "")
    {
        CmdRun r = vmksim("'" + path + "'" + extra);
        if (r.status != 1)
            return ::testing::AssertionFailure() << "exit " << r.status << ", stderr: " << r.err;
        std::string prefix = path + ":" + std::to_string(line) + ": ";
        size_t at = r.err.rfind(prefix);
        if (at == std::string::npos)
            return ::testing::AssertionFailure() << "no '" << prefix << "' in: " << r.err;
        std::string msg = r.err.substr(at);
        if (msg.find('\n') != msg.size() - 1)
            return ::testing::AssertionFailure() << "not one line at the end: " << msg;
        if (msg.find(needle) == std::string::npos)
            return ::testing::AssertionFailure() << "no '" << needle << "' in: " << msg;
        return ::testing::AssertionSuccess();
    }
    // The same for a script given as source (written to t.lua).
    ::testing::AssertionResult ScriptFailsAt(const std::string &src, int line, const char *needle)
    {
        return FailsAt(write("t.lua", src), line, needle);
    }
};

}  // namespace vmksim_test

#endif
