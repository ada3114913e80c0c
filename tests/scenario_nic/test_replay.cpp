// test_replay.cpp — replay{}: a TX capture fed back through the NIC's RX and its driver arrives
// intact (byte for byte, in order), at the capture's own times or paced; frames the NIC filters
// are counted, not lost; bad captures and arguments stop the script at their line.
#include "tests/common/vmksim_cli.h"

#include <cstdio>
#include <string>

namespace {

using vmksim_test::CmdRun;

const char *kPlatform = R"lua(platform { cpus = 2, root_ports = {
  port { slot = 1, link = { gen = 1, width = 1, mps = 128, mrrs = 512 },
         device = endpoint { model = "e1000", name = "nic0" } },
  port { slot = 2, link = { gen = 3, width = 4 }, device = endpoint { model = "e1000", name = "nic1" } } } }
boot()
)lua";   // 5 lines

class Replay : public vmksim_test::VmksimCli {};

}  // namespace

TEST_F(Replay, ACaptureFedBackThroughRxArrivesIntact)
{
    std::string src = std::string(kPlatform) + R"lua(
wire { device = "nic0", backend = "loopback" }
driver { device = "nic0" }
local t = tx { device = "nic0", frame_size = 512, count = 400, rate = 0.25, pcap = "tx512" }
expect_eq(t.captured, 400)
wire { device = "nic0", backend = "generator" }
local r = replay { device = "nic0", pcap = "tx512" }
expect_eq(r.replayed, 400, 'replayed')
expect_eq(r.verified, 400, 'intact')
expect_eq(r.failed_ops, 0, 'failed')
expect_eq(r.lost_ops, 0, 'lost')
expect(r.driver_cycles_per_op > 0, 'driver cycles')
-- paced at 0.5 Gbit/s: the same frames
expect_eq(replay { device = "nic0", pcap = "tx512", rate = 0.5 }.verified, 400, 'paced')
-- back to back at 10 Gbit/s is more than the Gen1 x1 NIC moves: its FIFO overflows, and what
-- it drops is counted, never lost
local l = replay { device = "nic0", pcap = "tx512", rate = "line" }
expect(l.dropped > 0, 'line: FIFO overflow')
expect_eq(l.verified + l.dropped, 400, 'line: every frame ended')
expect_eq(l.lost_ops, 0, 'line: lost')
-- nic1's address filter rejects frames addressed to nic0: dropped and counted, not lost
wire { device = "nic1", backend = "generator" }
driver { device = "nic1" }
local f = replay { device = "nic1", pcap = "tx512", rate = "line" }
expect_eq(f.verified, 0, 'filtered')
expect_eq(f.dropped, 400, 'dropped')
expect_eq(f.lost_ops, 0, 'filtered lost')
)lua";
    std::string path = write("r.lua", src);
    CmdRun r = vmksim("'" + path + "' --out '" + dir + "/o'");
    ASSERT_EQ(r.status, 0) << r.err;
    std::string res = vmksim_test::slurp(dir + "/o/result.json");
    EXPECT_NE(res.find("\"kind\": \"replay\""), std::string::npos) << res.substr(0, 2000);
}

TEST_F(Replay, BadCapturesAndArgumentsStopAtTheirLine)
{
    std::string p = std::string(kPlatform) +
                    "wire { device = \"nic0\", backend = \"generator\" }\n"
                    "driver { device = \"nic0\" }\n";   // script lines start at 8
    // not a pcap file
    std::string junk = write("junk.pcap", "this is not a capture at all, not even close\n");
    EXPECT_TRUE(ScriptFailsAt(p + "replay { device = \"nic0\", pcap = \"" + junk + "\" }\n", 8,
                              junk.c_str()));
    // a capture whose last record is cut off in the middle
    FILE *f = std::fopen((dir + "/cut.pcap").c_str(), "wb");
    ASSERT_NE(f, nullptr);
    const unsigned char hdr[24] = {0x4d, 0x3c, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0,
                                   0,    0,    0,    0,    0xff, 0xff, 0, 0, 1, 0, 0, 0};
    const unsigned char rec[16] = {0, 0, 0, 0, 0, 0, 0, 0, 60, 0, 0, 0, 60, 0, 0, 0};
    std::fwrite(hdr, 1, sizeof hdr, f);
    std::fwrite(rec, 1, sizeof rec, f);
    std::fwrite("short", 1, 5, f);
    std::fclose(f);
    EXPECT_TRUE(ScriptFailsAt(p + "replay { device = \"nic0\", pcap = \"" + dir +
                                  "/cut.pcap\" }\n", 8, "cut.pcap"));
    EXPECT_TRUE(ScriptFailsAt(p + "replay { device = \"nic0\", pcap = \"tx64\" }\n", 8,
                              "has none"));
    EXPECT_TRUE(ScriptFailsAt(p + "replay { device = \"nic0\", pcap = \"/nonexistent.pcap\" }\n",
                              8, "/nonexistent.pcap"));
    EXPECT_TRUE(ScriptFailsAt(p + "replay { device = \"nic0\", pcap = \"x.pcap\", rate = \"fast\" }\n",
                              8, "field 'rate'"));
    EXPECT_TRUE(ScriptFailsAt(p + "replay { device = \"nic0\" }\n", 8, "missing field 'pcap'"));
    EXPECT_TRUE(ScriptFailsAt(std::string(kPlatform) + "replay { device = \"nic0\", pcap = "
                                  "\"x.pcap\" }\n", 6, "has no driver"));
}
