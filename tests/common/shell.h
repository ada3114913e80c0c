// shell.h — running an independent tool (sg3_utils, lspci, tshark, gdb) from a test: its merged
// stdout and stderr and its exit status, and whether it is installed (tests skip without it).
#ifndef VMKSIM_TESTS_SHELL_H
#define VMKSIM_TESTS_SHELL_H

#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace vmksim_test {

// Runs cmd with sh; returns what it printed (stdout and stderr), its exit status in *rc (-1 if
// it could not run or was killed).
inline std::string sh(const std::string &cmd, int *rc)
{
    std::string out;
    FILE *p = popen((cmd + " 2>&1").c_str(), "r");
    if (!p) {
        *rc = -1;
        return out;
    }
    char buf[512];
    while (fgets(buf, sizeof buf, p))
        out += buf;
    int st = pclose(p);
    *rc = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return out;
}

inline bool have(const char *tool)
{
    int rc;
    sh(std::string("command -v ") + tool, &rc);
    return rc == 0;
}

}  // namespace vmksim_test

#endif
