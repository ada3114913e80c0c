// test_gdb_netpath.cpp — a user debugging the Linux driver: gdb on `vmksim run` of a small
// scenario (the NIC bound through vmklinux, three frames sent), `break e1000_xmit_frame` set
// before the module is loaded; the backtrace crosses the driver (e1000_txrx.c), vmklinux's
// uplinkTx (linux_net.c) and the kernel's uplink layer (kern_uplink_tx). Skipped without gdb.
#include "tests/common/vmksim_cli.h"

#include <string>

namespace {

using vmksim_test::CmdRun;

class GdbNetPath : public vmksim_test::VmksimCli {};

bool has(const std::string &s, const char *needle) { return s.find(needle) != std::string::npos; }

TEST_F(GdbNetPath, BreakInTheLinuxDriversXmitShowsDriverShimAndKernel)
{
    if (std::system("command -v gdb >/dev/null 2>&1") != 0)
        GTEST_SKIP() << "gdb is not installed";
    std::string lua = write("g.lua",
        "platform { cpus = 1, root_ports = { port { slot = 1, device = endpoint { "
        "model = \"e1000\", name = \"nic0\" } } } }\n"
        "boot()\n"
        "wire { device = \"nic0\", backend = \"loopback\" }\n"
        "driver { device = \"nic0\", style = \"vmklinux\" }\n"
        "tx { device = \"nic0\", frame_size = 64, count = 3 }\n");
    std::string env;
#ifdef VMKSIM_SANITIZED_BUILD
    env = "ASAN_OPTIONS=detect_leaks=0 ";   // LeakSanitizer cannot run under ptrace
#endif
    std::string cmd = env + "timeout 120 gdb -batch -nx -iex 'set debuginfod enabled off' "
                      "-ex 'set breakpoint pending on' -ex 'break e1000_xmit_frame' -ex run "
                      "-ex bt -ex kill --args '" + std::string(VMKSIM_BINARY_DIR) +
                      "/vmksim' run '" + lua + "' >'" + dir + "/gdb.out' 2>&1";
    (void)!std::system(cmd.c_str());
    std::string out = vmksim_test::slurp(dir + "/gdb.out");
    if (has(out, "ptrace: Operation not permitted"))
        GTEST_SKIP() << "this machine forbids ptrace: " << out;
    EXPECT_TRUE(has(out, "Breakpoint 1, e1000_xmit_frame")) << out;
    // frame #0 in the driver, #1 in the shim, then the kernel's uplink layer
    size_t drv = out.find("#0  e1000_xmit_frame");
    size_t shim = out.find(" in uplink_tx ");
    size_t kern = out.find(" in kern_uplink_tx ");
    ASSERT_NE(drv, std::string::npos) << out;
    ASSERT_NE(shim, std::string::npos) << out;
    ASSERT_NE(kern, std::string::npos) << out;
    EXPECT_LT(drv, shim);
    EXPECT_LT(shim, kern);
    EXPECT_TRUE(has(out, "e1000_txrx.c:")) << out;
    EXPECT_TRUE(has(out, "vmklinux/linux_net.c:")) << out;
    EXPECT_TRUE(has(out, "uplink/uplink.c:")) << out;
}

}  // namespace
