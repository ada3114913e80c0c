// test_table.cpp — the compact stdout table (sim/result/table.c): header, one aligned row per run,
// the values of docs/results.md rounded for reading, "-" where a value is undefined.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "fixture.h"
#include "sim/result/result.h"

namespace {

std::string table_of(const vmk_result *res)
{
    char *buf = nullptr;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    result_print_table(res, f);
    fclose(f);
    std::string s(buf, len);
    free(buf);
    return s;
}

std::vector<std::string> lines_of(const std::string &s)
{
    std::vector<std::string> v;
    std::istringstream in(s);
    for (std::string l; std::getline(in, l);)
        v.push_back(l);
    return v;
}

}  // namespace

TEST(ResultTable, FixtureTable)
{
    vmk_result *res = make_fixture();
    std::string t = table_of(res);
    const char *want =
        "device  style     workload           ops  cyc/op  shim/op  p50 ns  p99 ns    ops/s  Gbit/s  failed  lost\n"
        "nic0    native    tx 64B 10G        1000  1734.6      0.0   500.0   990.0  1000000   0.512       0     0\n"
        "hba0    vmklinux  randread 4096 32     4     1.5      0.5     1.5     1.7  2000000  65.536       1     2\n";
    EXPECT_EQ(t, want) << t;
    result_free(res);
}

TEST(ResultTable, ColumnsLineUp)
{
    vmk_result *res = make_fixture();
    result_run *r = result_run_add(res, "a-much-longer-device-name", "x", RESULT_STYLE_NATIVE);
    result_run_set_ops(r, 123456789);
    std::vector<std::string> l = lines_of(table_of(res));
    ASSERT_EQ(l.size(), 4u);
    for (const std::string &line : l)
        EXPECT_EQ(line.size(), l[0].size()) << line;   // numbers are right-aligned to one edge
    // Each column starts at the same offset in every line: the style column follows the device.
    size_t style_at = l[0].find("style");
    EXPECT_EQ(style_at, std::string("a-much-longer-device-name  ").size());
    EXPECT_EQ(l[1].substr(style_at, 6), "native");
    EXPECT_EQ(l[2].substr(style_at, 8), "vmklinux");
    result_free(res);
}

TEST(ResultTable, UndefinedValuesShowDashes)
{
    vmk_result *res = result_new("empty.lua", 0);
    result_run_add(res, "nic0", "e1000n", RESULT_STYLE_VMKLINUX);
    std::string t = table_of(res);
    const char *want =
        "device  style     workload  ops  cyc/op  shim/op  p50 ns  p99 ns  ops/s  Gbit/s  failed  lost\n"
        "nic0    vmklinux  -           0       -        -       -       -      -       -       0     0\n";
    EXPECT_EQ(t, want) << t;
    result_free(res);

    vmk_result *none = result_new("none.lua", 0);   // no runs: the header alone
    EXPECT_EQ(lines_of(table_of(none)).size(), 1u);
    result_free(none);
}

TEST(ResultTable, LongWorkloadIsCut)
{
    vmk_result *res = result_new("long.lua", 0);
    result_run *r = result_run_add(res, "nic0", "d", RESULT_STYLE_NATIVE);
    result_run_set_workload_str(r, "a", "aaaaaaaaaaaaaaaaaaaa");
    result_run_set_workload_str(r, "b", "bbbbbbbbbbbbbbbbbbbb");
    std::vector<std::string> l = lines_of(table_of(res));
    ASSERT_EQ(l.size(), 2u);
    EXPECT_NE(l[1].find("aaaaaaaaaaaaaaaaaaaa bbbbbbbb..."), std::string::npos) << l[1];
    result_free(res);
}
