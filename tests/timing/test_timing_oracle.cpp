// test_timing_oracle.cpp — the counted instructions equal the instructions the CPU really
// executes, measured independently: a forked child runs a call under ptrace single-stepping and
// the parent counts every step inside the test modules' .text, leaving out the hook calls (a
// call whose second next step is the hook's first instruction).
#include <elf.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

#include "timing_test_util.h"

using namespace timing_test;

namespace {

struct Range { uintptr_t lo, hi; };

// The .text section of a loaded object, from its file's section headers and its load base.
Range text_of(const char *path, const void *any_symbol)
{
    std::ifstream f(path, std::ios::binary);
    std::vector<char> img((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    EXPECT_GT(img.size(), sizeof(Elf64_Ehdr));
    Elf64_Ehdr eh;
    std::memcpy(&eh, img.data(), sizeof eh);
    std::vector<Elf64_Shdr> sh(eh.e_shnum);
    std::memcpy(sh.data(), img.data() + eh.e_shoff, eh.e_shnum * sizeof(Elf64_Shdr));
    const char *names = img.data() + sh[eh.e_shstrndx].sh_offset;
    Dl_info info;
    EXPECT_NE(dladdr(any_symbol, &info), 0);
    uintptr_t base = reinterpret_cast<uintptr_t>(info.dli_fbase);
    for (const Elf64_Shdr &s : sh)
        if (std::strcmp(names + s.sh_name, ".text") == 0)
            return {base + s.sh_addr, base + s.sh_addr + s.sh_size};
    ADD_FAILURE() << path << ": no .text";
    return {0, 0};
}

struct Outcome { uint64_t executed = 0, counted = 0; bool ok = false; };

// Runs call() once to warm the block cache, then once more under single-stepping.
Outcome trace(const std::function<void()> &call)
{
    const Mods &m = mods();
    Range text[2] = {text_of(TMOD_A_PATH, (const void *)m.loop),
                     text_of(TMOD_B_PATH, (const void *)m.b_work)};
    const uintptr_t hook = reinterpret_cast<uintptr_t>(&__sanitizer_cov_trace_pc);
    int fds[2];
    Outcome out;
    if (pipe(fds) != 0)
        return out;
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        ptrace(PTRACE_TRACEME, 0, nullptr, nullptr);
        call();
        kern_timing_reset_counters();
        raise(SIGSTOP);
        call();
        raise(SIGSTOP);
        uint64_t n = kern_timing_owner_insns(kOwnerA) + kern_timing_owner_insns(kOwnerB);
        if (write(fds[1], &n, sizeof n) != (ssize_t)sizeof n)
            _exit(2);
        _exit(0);
    }
    close(fds[1]);
    int st = 0;
    waitpid(pid, &st, 0);
    if (!WIFSTOPPED(st) || WSTOPSIG(st) != SIGSTOP) {
        ADD_FAILURE() << "child did not stop (ptrace unavailable?)";
        return out;
    }
    std::vector<uintptr_t> rips;
    for (;;) {
        if (ptrace(PTRACE_SINGLESTEP, pid, nullptr, nullptr) != 0)
            break;
        waitpid(pid, &st, 0);
        if (!WIFSTOPPED(st) || WSTOPSIG(st) != SIGTRAP)
            break;   // the second SIGSTOP: the traced call is over
        user_regs_struct regs;
        ptrace(PTRACE_GETREGS, pid, nullptr, &regs);
        rips.push_back(regs.rip);
    }
    ptrace(PTRACE_CONT, pid, nullptr, nullptr);
    uint64_t n = 0;
    ssize_t got = read(fds[0], &n, sizeof n);
    close(fds[0]);
    waitpid(pid, &st, 0);
    auto in_text = [&](uintptr_t r) {
        return (r >= text[0].lo && r < text[0].hi) || (r >= text[1].lo && r < text[1].hi);
    };
    for (size_t i = 0; i < rips.size(); i++) {
        bool hook_call = i + 2 < rips.size() && rips[i + 2] == hook;
        if (in_text(rips[i]) && !hook_call)
            out.executed++;
    }
    out.counted = n;
    out.ok = got == (ssize_t)sizeof n && WIFEXITED(st) && WEXITSTATUS(st) == 0;
    return out;
}

#define EXPECT_MATCHES_ORACLE(call)                                         \
    do {                                                                    \
        Outcome o = trace([&] { call; });                                   \
        ASSERT_TRUE(o.ok);                                                  \
        EXPECT_GT(o.executed, 0u);                                          \
        EXPECT_EQ(o.counted, o.executed) << #call;                          \
    } while (0)

int host_identity(int x) { return x; }

}  // namespace

TEST(TimingOracle, StraightLine) { EXPECT_MATCHES_ORACLE(mods().straight(3, 4)); }

TEST(TimingOracle, LoopZeroOneAndTenIterations)
{
    EXPECT_MATCHES_ORACLE(mods().loop(0));
    EXPECT_MATCHES_ORACLE(mods().loop(1));
    EXPECT_MATCHES_ORACLE(mods().loop(10));
}

TEST(TimingOracle, EveryPathOfABranchyFunction)
{
    EXPECT_MATCHES_ORACLE(mods().branchy(9));
    EXPECT_MATCHES_ORACLE(mods().branchy(-3));
    EXPECT_MATCHES_ORACLE(mods().branchy(3));
}

TEST(TimingOracle, HookFreeReturnPathAfterABranch)
{
    int v = 150, w = 7;
    EXPECT_MATCHES_ORACLE(mods().early(nullptr));
    EXPECT_MATCHES_ORACLE(mods().early(&v));
    EXPECT_MATCHES_ORACLE(mods().early(&w));
}

TEST(TimingOracle, CallsInsideTheModuleAndAcrossModules)
{
    EXPECT_MATCHES_ORACLE(mods().calls(5));
    EXPECT_MATCHES_ORACLE(mods().apply(host_identity, 4));
    EXPECT_MATCHES_ORACLE(mods().apply(host_identity, -4));
    EXPECT_MATCHES_ORACLE(mods().apply(mods().b_work, 6));
}

// A switch through a jump table whose case blocks the compiler left without hooks: the rule in
// docs/timing.md ("Branch tails") counts less than ran, never more, and only the hook-free part.
TEST(TimingOracle, JumpTableSwitchIsNeverOvercounted)
{
    for (int x : {0, 3, 9}) {
        Outcome o = trace([&] { mods().sw(x); });
        ASSERT_TRUE(o.ok);
        EXPECT_LE(o.counted, o.executed) << "x=" << x;
        EXPECT_GE(o.counted + 8, o.executed) << "x=" << x;
    }
}
