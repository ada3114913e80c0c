// test_lspci.cpp — the lspci output of a booted platform, checked by the real pciutils: the -xxxx
// dump goes to `lspci -F FILE -vvv`, which must decode root ports, slots, switch ports and each
// endpoint's capabilities, with the BAR addresses and bus numbers of the kernel's tree; our -t and
// -n listings must equal what lspci itself prints from that dump. The vmksim binary is run too.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

#include "kernel_model/kernel.h"
#include "kernel_model/pci/pci_regs.h"
#include "kernel_model/pci/pci_tree.h"
#include "sim/sim.h"
#include "test_platform.h"

namespace {

const char *const kLspci = "/usr/bin/lspci";

std::string run(const std::string &cmd, int *status = nullptr)
{
    std::string out;
    FILE *p = popen(cmd.c_str(), "r");
    if (!p)
        return out;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0)
        out.append(buf, n);
    int st = pclose(p);
    if (status)
        *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return out;
}

std::string print(pcie_fabric *f, const kern_pci_tree *t, kern_lspci_opts o)
{
    char *buf = nullptr;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    kern_lspci_print(m, f, t, &o);
    fclose(m);
    std::string s(buf, len);
    free(buf);
    return s;
}

// Splits lspci -v output into blocks keyed by "BB:DD.F".
std::map<std::string, std::string> blocks(const std::string &out)
{
    std::map<std::string, std::string> m;
    std::string key;
    size_t pos = 0;
    while (pos < out.size()) {
        size_t nl = out.find('\n', pos);
        std::string line = out.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
        pos = nl == std::string::npos ? out.size() : nl + 1;
        if (!line.empty() && line[0] != '\t' && line.size() > 7 && line[2] == ':' && line[5] == '.')
            key = line.substr(0, 7);
        if (!key.empty())
            m[key] += line + "\n";
    }
    return m;
}

bool has(const std::string &hay, const std::string &needle) { return hay.find(needle) != std::string::npos; }

std::string hex(uint64_t v, int width)
{
    char b[32];
    snprintf(b, sizeof b, "%0*llx", width, (unsigned long long)v);
    return b;
}

class Lspci : public ::testing::Test {
protected:
    void SetUp() override
    {
        if (access(kLspci, X_OK) != 0)
            GTEST_SKIP() << kLspci << " is not installed (pciutils)";
        sim_log_set_level(SIM_LOG_WARN);
        testplat::build(&desc);
        ASSERT_EQ(kern_boot(&desc, &sys, &err), 0) << err.msg;
        char path[] = "/tmp/vmksim_lspci_XXXXXX";
        int fd = mkstemp(path);
        ASSERT_GE(fd, 0);
        close(fd);
        dump_path = path;
        kern_lspci_opts o{};
        o.dump_bytes = 4096;
        dump = print(sys->fabric, sys->pci, o);
        FILE *fp = fopen(path, "w");
        ASSERT_NE(fp, nullptr);
        fwrite(dump.data(), 1, dump.size(), fp);
        fclose(fp);
    }
    void TearDown() override
    {
        if (!dump_path.empty())
            unlink(dump_path.c_str());
        kern_shutdown(sys);
        platform_desc_free(&desc);
    }
    // stdout only: lspci may warn on stderr about things unrelated to the dump (e.g. libkmod).
    std::string lspci(const std::string &args, int *status = nullptr, bool with_stderr = false)
    {
        return run(std::string(kLspci) + " -F " + dump_path + " " + args +
                       (with_stderr ? " 2>&1" : " 2>/dev/null"),
                   status);
    }
    platform_desc desc{};
    kern_system *sys = nullptr;
    sim_err err{};
    std::string dump_path, dump;
};

TEST_F(Lspci, DumpHasTheFormatLspciReads)
{
    // Every function: header line, 256 rows of 16 bytes, a blank line.
    size_t n = kern_pci_count(sys->pci);
    size_t lines = 0;
    for (char c : dump)
        lines += c == '\n';
    EXPECT_EQ(lines, n * (1 + 4096 / 16 + 1));
    EXPECT_TRUE(has(dump, "\n00: ")) << dump.substr(0, 200);
    EXPECT_TRUE(has(dump, "\n100: ")) << "extended space rows use three hex digits";
    EXPECT_TRUE(has(dump, "\nff0: "));
    int st = -1;
    std::string out = lspci("", &st, true);
    EXPECT_EQ(st, 0) << out;
    EXPECT_FALSE(has(out, "dump:")) << out;   // lspci's dump reader complains with "dump: ..."
}

TEST_F(Lspci, RealLspciDecodesPortsSlotsAndEndpoints)
{
    int st = -1;
    std::string out = lspci("-vvv", &st);
    ASSERT_EQ(st, 0) << out;
    auto b = blocks(out);
    ASSERT_EQ(b.size(), kern_pci_count(sys->pci)) << out;
    int rp = 0, up = 0, dp = 0, ep = 0;
    for (size_t i = 0; i < kern_pci_count(sys->pci); i++) {
        const kern_pci_dev *d = kern_pci_at(sys->pci, i);
        char bdf[16];
        kern_pci_bdf(d, bdf, sizeof bdf);
        ASSERT_TRUE(b.count(bdf)) << bdf << " missing in\n" << out;
        const std::string &blk = b[bdf];
        switch (d->port_type) {
        case KPCI_EXP_TYPE_ROOT_PORT:
            rp++;
            EXPECT_TRUE(has(blk, "PCI bridge")) << blk;
            EXPECT_TRUE(has(blk, "Express (v2) Root Port (Slot+)")) << blk;
            EXPECT_TRUE(has(blk, "SltCap:")) << blk;
            EXPECT_TRUE(has(blk, d->hotplug_capable ? "HotPlug+" : "HotPlug-")) << blk;
            EXPECT_TRUE(has(blk, "Slot #" + std::to_string(d->slot) + ",")) << blk;
            break;
        case KPCI_EXP_TYPE_UPSTREAM:
            up++;
            EXPECT_TRUE(has(blk, "Express (v2) Upstream Port")) << blk;
            break;
        case KPCI_EXP_TYPE_DOWNSTREAM:
            dp++;
            EXPECT_TRUE(has(blk, "Express (v2) Downstream Port (Slot+)")) << blk;
            EXPECT_TRUE(has(blk, d->hotplug_capable ? "HotPlug+" : "HotPlug-")) << blk;
            break;
        case KPCI_EXP_TYPE_ENDPOINT:
            ep++;
            EXPECT_TRUE(has(blk, "Express (v2) Endpoint")) << blk;
            EXPECT_EQ(has(blk, "Power Management version"), d->cap_pm != 0) << blk;
            EXPECT_EQ(has(blk, "MSI: Enable"), d->cap_msi != 0) << blk;
            EXPECT_EQ(has(blk, "MSI-X: Enable"), d->cap_msix != 0) << blk;
            EXPECT_TRUE(d->cap_pm != 0) << "endpoint models carry Power Management";
            EXPECT_TRUE(d->cap_msi || d->cap_msix) << "endpoint models carry MSI or MSI-X";
            break;
        default:
            ADD_FAILURE() << bdf << " unexpected port type " << d->port_type;
        }
        // BARs at the addresses the kernel assigned.
        for (int j = 0; j < d->nbars; j++) {
            const kern_pci_bar &bar = d->bars[j];
            if (bar.type == KERN_BAR_NONE)
                continue;
            std::string want = "Region " + std::to_string(j) + ": " +
                               (bar.type == KERN_BAR_IO ? "I/O ports at " + hex(bar.base, 4)
                                                        : "Memory at " + hex(bar.base, 8) + " (" +
                                                              (bar.type == KERN_BAR_MEM64 ? "64-bit" : "32-bit") +
                                                              ", " + (bar.prefetchable ? "" : "non-") +
                                                              "prefetchable)");
            EXPECT_TRUE(has(blk, want)) << want << "\n" << blk;
        }
        if (d->header_type == KPCI_HEADER_BRIDGE) {
            char bus[80];
            snprintf(bus, sizeof bus, "Bus: primary=%02x, secondary=%02x, subordinate=%02x",
                     d->primary, d->secondary, d->subordinate);
            EXPECT_TRUE(has(blk, bus)) << bus << "\n" << blk;
            if (kern_pci_range_open(&d->mem)) {
                EXPECT_TRUE(has(blk, "Memory behind bridge: " + hex(d->mem.base, 8) + "-" +
                                         hex(d->mem.limit, 8)))
                    << blk;
            }
            if (kern_pci_range_open(&d->pref)) {
                EXPECT_TRUE(has(blk, "Prefetchable memory behind bridge: " + hex(d->pref.base, 16) +
                                         "-" + hex(d->pref.limit, 16)))
                    << blk;
            }
        }
    }
    EXPECT_EQ(rp, 3);
    EXPECT_EQ(up, 1);
    EXPECT_EQ(dp, 2);
    EXPECT_EQ(ep, 3);
}

TEST_F(Lspci, TreeEqualsWhatLspciDrawsFromTheDump)
{
    int st = -1;
    std::string theirs = lspci("-t", &st);
    ASSERT_EQ(st, 0) << theirs;
    kern_lspci_opts o{};
    o.tree = true;
    std::string ours = print(sys->fabric, sys->pci, o);
    EXPECT_EQ(ours, theirs);
    EXPECT_EQ(ours.rfind("-[0000:00]-+-01.0-[", 0), 0u) << ours;
    const kern_pci_dev *rp1 = kern_pci_find(sys->pci, 0, 1, 0);
    ASSERT_NE(rp1, nullptr);
    char first[64];
    snprintf(first, sizeof first, "-[0000:00]-+-01.0-[%02x-%02x]----00.0\n", rp1->secondary,
             rp1->subordinate);
    EXPECT_EQ(ours.rfind(first, 0), 0u) << ours;
    EXPECT_TRUE(has(ours, "\\-03.0-[")) << "last root port closes the bus: " << ours;
    EXPECT_TRUE(has(ours, "]--\n")) << "the empty hot-plug slot shows an empty bus: " << ours;
}

TEST_F(Lspci, NumericListingEqualsLspciN)
{
    int st = -1;
    std::string theirs = lspci("-n", &st);
    ASSERT_EQ(st, 0) << theirs;
    kern_lspci_opts o{};
    o.numeric = true;
    EXPECT_EQ(print(sys->fabric, sys->pci, o), theirs);
}

TEST_F(Lspci, NamedListingAndNamedTreeEqualLspciWithPciIds)
{
    // Our name table holds the PCI ID Repository's names for the IDs the models carry, so with
    // pci.ids installed lspci prints the very same lines.
    int st = -1;
    std::string theirs = lspci("", &st);
    ASSERT_EQ(st, 0) << theirs;
    if (!has(theirs, "Sky Lake-E"))
        GTEST_SKIP() << "lspci has no pci.ids to name devices with";
    kern_lspci_opts o{};
    EXPECT_EQ(print(sys->fabric, sys->pci, o), theirs);
    o.tree = true;
    o.verbose = 1;
    EXPECT_EQ(print(sys->fabric, sys->pci, o), lspci("-tv"));
}

TEST_F(Lspci, VerboseListingShowsBarsBusesAndCapabilities)
{
    kern_lspci_opts o{};
    o.verbose = 1;
    std::string out = print(sys->fabric, sys->pci, o);
    auto b = blocks(out);
    const kern_pci_dev *rp1 = kern_pci_find(sys->pci, 0, 1, 0);
    ASSERT_NE(rp1, nullptr);
    EXPECT_TRUE(has(b["00:01.0"], "PCI bridge")) << out;
    EXPECT_TRUE(has(b["00:01.0"], "Root Port (Slot+)")) << out;
    EXPECT_TRUE(has(b["00:01.0"], "SltCap: HotPlug+ Slot #1")) << out;
    EXPECT_TRUE(has(b["00:03.0"], "SltCap: HotPlug- Slot #3")) << out;
    const kern_pci_dev *ep = rp1->first_child;
    ASSERT_NE(ep, nullptr);
    char bdf[16];
    kern_pci_bdf(ep, bdf, sizeof bdf);
    for (int j = 0; j < ep->nbars; j++)
        if (ep->bars[j].type == KERN_BAR_MEM32 || ep->bars[j].type == KERN_BAR_MEM64) {
            EXPECT_TRUE(has(b[bdf], "Memory at " + hex(ep->bars[j].base, 8))) << b[bdf];
        }
    EXPECT_TRUE(has(b[bdf], "[size=")) << b[bdf];
}

// ---- the vmksim binary ----

std::string vmksim() { return std::string(VMKSIM_BINARY_DIR) + "/vmksim"; }

TEST(LspciCli, BadArgumentsExitTwo)
{
    if (access(vmksim().c_str(), X_OK) != 0)
        GTEST_SKIP() << "vmksim not built";
    int st = -1;
    std::string out = run(vmksim() + " lspci -q 2>&1", &st);
    EXPECT_EQ(st, 2) << out;
    EXPECT_TRUE(has(out, "unknown option '-q'")) << out;
    out = run(vmksim() + " lspci a.lua b.lua 2>&1", &st);
    EXPECT_EQ(st, 2) << out;
    EXPECT_TRUE(has(out, "more than one scenario")) << out;
}

TEST(LspciCli, MissingScenarioFailsWithItsName)
{
    if (access(vmksim().c_str(), X_OK) != 0)
        GTEST_SKIP() << "vmksim not built";
    int st = -1;
    std::string out = run(vmksim() + " lspci /nonexistent/dir/none.lua 2>&1", &st);
    EXPECT_NE(st, 0) << out;
    EXPECT_TRUE(has(out, "none.lua")) << out;
}

TEST(LspciCli, BadScenarioReportsFileAndLine)
{
    if (access(vmksim().c_str(), X_OK) != 0)
        GTEST_SKIP() << "vmksim not built";
    char path[] = "/tmp/vmksim_bad_XXXXXX.lua";
    int fd = mkstemps(path, 4);
    ASSERT_GE(fd, 0);
    const char bad[] = "-- a syntax error on line 2\nthis is not lua\n";
    ASSERT_EQ(write(fd, bad, sizeof bad - 1), ssize_t(sizeof bad - 1));
    close(fd);
    int st = -1;
    std::string out = run(vmksim() + " lspci " + path + " 2>&1", &st);
    unlink(path);
    EXPECT_NE(st, 0) << out;
    EXPECT_TRUE(has(out, std::string(path) + ":2:")) << out;
}

TEST(LspciCli, DefaultPlatformDumpDecodesInRealLspci)
{
    if (access(vmksim().c_str(), X_OK) != 0)
        GTEST_SKIP() << "vmksim not built";
    if (access(kLspci, X_OK) != 0)
        GTEST_SKIP() << "pciutils not installed";
    char path[] = "/tmp/vmksim_dump_XXXXXX";
    int fd = mkstemp(path);
    ASSERT_GE(fd, 0);
    close(fd);
    int st = -1;
    std::string err = run(vmksim() + " lspci -xxxx > " + path + " 2>&1", &st);
    if (st == 2 && has(run(std::string("cat ") + path), "not built yet")) {
        unlink(path);
        GTEST_SKIP() << "default platform not available yet";
    }
    ASSERT_EQ(st, 0) << run(std::string("cat ") + path);
    std::string out = run(std::string(kLspci) + " -F " + path + " -vvv 2>/dev/null", &st);
    std::string tree_ours = run(vmksim() + " lspci -t");
    std::string tree_theirs = run(std::string(kLspci) + " -F " + path + " -t 2>/dev/null");
    unlink(path);
    EXPECT_EQ(st, 0) << out;
    EXPECT_TRUE(has(out, "Root Port (Slot+)")) << out;
    EXPECT_TRUE(has(out, "HotPlug+")) << out;
    EXPECT_EQ(tree_ours, tree_theirs);
}

}  // namespace
