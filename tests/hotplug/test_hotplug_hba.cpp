// test_hotplug_hba.cpp — scenarios/hotplug_hba_surprise.lua through the built vmksim binary: a
// PVSCSI card pulled out of its slot under a verified random-read run, with the native driver and
// then with the Linux driver on vmklinux. The script asserts its own expectations (no I/O lost,
// issued = completed + failed, the native device removed without leaks, the legacy one orphaned);
// this test checks what result.json's "hotplug" list says about the two events, and that the
// same seed gives the same bytes.
#include "tests/common/vmksim_cli.h"

#include <cjson/cJSON.h>

#include <string>

namespace {

using vmksim_test::CmdRun;
using vmksim_test::slurp;

const std::string kScenario =
    std::string(VMKSIM_SOURCE_DIR) + "/scenarios/hotplug_hba_surprise.lua";

class HotplugHba : public vmksim_test::VmksimCli {};

double num(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

std::string str(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? v->valuestring : "";
}

// The step whose name holds needle, or nullptr.
const cJSON *step_with(const cJSON *ev, const std::string &needle)
{
    const cJSON *st;
    cJSON_ArrayForEach(st, cJSON_GetObjectItemCaseSensitive(ev, "steps")) {
        if (str(st, "name").find(needle) != std::string::npos)
            return st;
    }
    return nullptr;
}

TEST_F(HotplugHba, SurpriseRemovalUnderIoNativeThenLegacy)
{
    CmdRun r = vmksim("'" + kScenario + "' --out '" + dir + "/out'");
    ASSERT_EQ(r.status, 0) << r.err << r.out;
    std::string json = slurp(dir + "/out/result.json");
    cJSON *doc = cJSON_Parse(json.c_str());
    ASSERT_NE(doc, nullptr);
    const cJSON *hp = cJSON_GetObjectItemCaseSensitive(doc, "hotplug");
    ASSERT_EQ(cJSON_GetArraySize(hp), 2);
    const char *slots[] = {"slot1", "slot2"};
    const char *outcomes[] = {"removed", "legacy-orphaned"};
    for (int i = 0; i < 2; i++) {
        SCOPED_TRACE(slots[i]);
        const cJSON *ev = cJSON_GetArrayItem(hp, i);
        EXPECT_EQ(str(ev, "slot"), slots[i]);
        EXPECT_EQ(str(ev, "kind"), "surprise-removal");
        EXPECT_EQ(str(ev, "outcome"), outcomes[i]);
        double prev = 0;
        const cJSON *st;
        cJSON_ArrayForEach(st, cJSON_GetObjectItemCaseSensitive(ev, "steps")) {
            EXPECT_GE(num(st, "time_ns"), prev);
            prev = num(st, "time_ns");
        }
        const cJSON *f = cJSON_GetObjectItemCaseSensitive(ev, "in_flight");
        double issued = num(f, "issued"), completed = num(f, "completed"),
               failed = num(f, "failed");
        EXPECT_GT(issued, 0);
        EXPECT_GT(failed, 0);
        EXPECT_EQ(issued, completed + failed);
    }
    // The legacy event waited for the storage layer's escalation, which ended its I/Os as
    // failed after timeouts and aborts: its steps say so, in that order.
    const cJSON *legacy = cJSON_GetArrayItem(hp, 1);
    const cJSON *waiting = step_with(legacy, "in-flight I/O(s) held by");
    const cJSON *ended = step_with(legacy, "in-flight I/O ended");
    const cJSON *totals = step_with(legacy, " timeouts, ");
    ASSERT_NE(waiting, nullptr);
    ASSERT_NE(ended, nullptr);
    ASSERT_NE(totals, nullptr);
    EXPECT_GT(num(ended, "time_ns"), num(waiting, "time_ns"));
    EXPECT_EQ(str(totals, "name").find(": 0 timeouts"), std::string::npos) << str(totals, "name");
    EXPECT_EQ(step_with(cJSON_GetArrayItem(hp, 0), "in-flight I/O(s) held by"), nullptr);
    cJSON_Delete(doc);

    CmdRun again = vmksim("'" + kScenario + "' --out '" + dir + "/out2'");
    ASSERT_EQ(again.status, 0) << again.err;
    EXPECT_EQ(slurp(dir + "/out2/result.json"), json);
}

}  // namespace
