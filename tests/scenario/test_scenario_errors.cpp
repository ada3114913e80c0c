// Every bad scenario input fails with one line "file:line: message" at the line that states the
// bad value, naming the field and value (docs/scenarios.md, "Errors"). Platform-only loads, in
// process; errors that need a real run (boot twice, run with a bad time) are in
// test_scenario_run.cpp.
#include "scenario_test_util.h"

TEST(ScenarioErrors, UnknownModelNamesTheModelAndTheKnownOnes)
{
    EXPECT_TRUE(FailsAt("platform { root_ports = {\n"
                        "  port { slot = 1,\n"
                        "    device = endpoint { model = \"e1001\", name = \"nic0\" } } } }\n",
                        3, {"endpoint", "unknown model 'e1001'", "e1000", "pvscsi"}));
}

TEST(ScenarioErrors, DuplicateSlotNamesTheEarlierLine)
{
    EXPECT_TRUE(FailsAt("platform { root_ports = {\n"
                        "  port { slot = 1 },\n"
                        "  port { slot = 1 } } }\n",
                        3, {"slot 1", "already used", "t.lua:2"}));
}

TEST(ScenarioErrors, DuplicateSlotAcrossASwitchIsCaught)
{
    EXPECT_TRUE(FailsAt("platform { root_ports = {\n"
                        "  port { slot = 7 },\n"
                        "  port { slot = 2, device = switch { name = \"sw0\", ports = {\n"
                        "    port { slot = 8 },\n"
                        "    port { slot = 7 } } } } } }\n",
                        5, {"slot 7", "t.lua:2"}));
}

TEST(ScenarioErrors, WidthSevenIsRefused)
{
    EXPECT_TRUE(FailsAt("platform { root_ports = {\n"
                        "  port { slot = 1, link = { gen = 3, width = 7 } } } }\n",
                        2, {"link.width = 7", "1, 2, 4, 8, 16"}));
}

TEST(ScenarioErrors, GenerationOutside1To5IsRefused)
{
    EXPECT_TRUE(FailsAt("platform { root_ports = { port { link = { gen = 6 } } } }", 1,
                        {"link.gen = 6", "1-5"}));
    EXPECT_TRUE(FailsAt("\nplatform { root_ports = { port { link = { gen = 0 } } } }", 2,
                        {"link.gen = 0"}));
}

TEST(ScenarioErrors, MpsAndMrrsMustBePowersOfTwoIn128To4096)
{
    EXPECT_TRUE(FailsAt("local p = port { link = { mps = 100 } }", 1, {"link.mps = 100"}));
    EXPECT_TRUE(FailsAt("local p = port { link = { mps = 8192 } }", 1, {"link.mps = 8192"}));
    EXPECT_TRUE(FailsAt("local p = port { link = { mrrs = 64 } }", 1, {"link.mrrs = 64"}));
    EXPECT_TRUE(FailsAt("local p = port { link = { mrrs = 3000 } }", 1,
                        {"link.mrrs = 3000", "power of two"}));
}

TEST(ScenarioErrors, DeviceOnATakenPortNamesWhatIsThere)
{
    EXPECT_TRUE(FailsAt("local p = port { slot = 4,\n"
                        "  device = endpoint { model = \"e1000\", name = \"nic0\" } }\n"
                        "platform { root_ports = { p } }\n"
                        "attach(p, endpoint { model = \"pvscsi\", name = \"hba0\" })\n",
                        4, {"attach", "slot 4 is taken", "endpoint 'nic0'", "t.lua:1"}));
    // by slot number, and a device that already sits elsewhere
    EXPECT_TRUE(FailsAt("local e = endpoint { model = \"e1000\", name = \"nic0\" }\n"
                        "platform { root_ports = { port { slot = 1, device = e },\n"
                        "                          port { slot = 2 } } }\n"
                        "attach(2, e)\n",
                        4, {"endpoint 'nic0' is already in slot 1"}));
}

TEST(ScenarioErrors, UnknownKeysAreNamedWithASuggestion)
{
    EXPECT_TRUE(FailsAt("platform { root_ports = {\n"
                        "  port { slot = 1, link = { gen = 3, widht = 8 } } } }\n",
                        2, {"unknown field 'widht' in link", "did you mean 'width'"}));
    EXPECT_TRUE(FailsAt("platform { cpu = 2 }", 1, {"unknown field 'cpu'", "'cpus'"}));
    EXPECT_TRUE(FailsAt("local e = endpoint { model = \"e1000\", name = \"n\", colour = 1 }", 1,
                        {"endpoint", "unknown field 'colour'", "fields: model, name, driver"}));
    EXPECT_TRUE(FailsAt("local p = port { 5 }", 1, {"positional value [1]"}));
}

TEST(ScenarioErrors, WrongTypesNameFieldAndType)
{
    EXPECT_TRUE(FailsAt("platform { cpus = \"two\" }", 1, {"'cpus' must be an integer, got string"}));
    EXPECT_TRUE(FailsAt("platform { cpus = 1.5 }", 1, {"'cpus' must be an integer, got 1.5"}));
    EXPECT_TRUE(FailsAt("local p = port { slot = 1, hotplug = 1 }", 1,
                        {"'hotplug' must be true or false"}));
    EXPECT_TRUE(FailsAt("local p = port { link = 5 }", 1, {"'link' must be a table"}));
    EXPECT_TRUE(FailsAt("local p = port { device = { model = \"e1000\" } }", 1,
                        {"'device' must be an endpoint{...} or switch{...}, got table"}));
    EXPECT_TRUE(FailsAt("local e = endpoint { model = \"e1000\", name = 5 }", 1,
                        {"'name' must be a string, got number"}));
    EXPECT_TRUE(FailsAt("platform { root_ports = { 1 } }", 1,
                        {"root_ports[1] must be a port{...}, got number"}));
    EXPECT_TRUE(FailsAt("local e = endpoint \"e1000\"", 1, {"endpoint: expected a table"}));
}

TEST(ScenarioErrors, OutOfRangeValuesAreRefused)
{
    EXPECT_TRUE(FailsAt("platform { cpus = 0 }", 1, {"cpus = 0 is outside 1-256"}));
    EXPECT_TRUE(FailsAt("platform { clock = \"20GHz\" }", 1, {"clock", "outside 1 MHz-10 GHz"}));
    EXPECT_TRUE(FailsAt("local p = port { slot = 9000 }", 1, {"slot = 9000 is outside 1-8191"}));
    EXPECT_TRUE(FailsAt("local p = port { hotplug = true }", 1,
                        {"hotplug = true needs a slot number"}));
    EXPECT_TRUE(FailsAt("local e = endpoint { model = \"e1000\", name = \"n\", driver = \"linux\" }",
                        1, {"driver = 'linux'", "native", "vmklinux"}));
    EXPECT_TRUE(FailsAt("local e = endpoint { model = \"e1000\", name = \"a b\" }", 1,
                        {"name 'a b'"}));
}

TEST(ScenarioErrors, BadTimeAndClockStrings)
{
    EXPECT_TRUE(FailsAt("local s = switch { name = \"s\", latency = \"fast\",\n"
                        "  ports = { port {} } }",
                        1, {"latency", "bad time \"fast\""}));
    EXPECT_TRUE(FailsAt("local s = switch { name = \"s\", latency = \"140\", ports = { port {} } }",
                        1, {"\"140\"", "missing unit"}));
    EXPECT_TRUE(FailsAt("local s = switch { name = \"s\", latency = \"1.5ps\", ports = { port {} } }",
                        1, {"not a whole number of ps"}));
    EXPECT_TRUE(FailsAt("local s = switch { name = \"s\", latency = -3, ports = { port {} } }", 1,
                        {"negative"}));
    EXPECT_TRUE(FailsAt("platform { clock = \"2.4 GHzz\" }", 1, {"bad frequency", "unknown unit"}));
    EXPECT_TRUE(FailsAt("local t = ms(-1)", 1, {"ms(-1)", "negative"}));
}

TEST(ScenarioErrors, RunBeforeBootIsRefused)
{
    EXPECT_TRUE(FailsAt("platform {}\nrun(\"10ms\")\n", 2, {"run: called before boot()"}));
    EXPECT_TRUE(FailsAt("platform {}\n\nrun_until(ms(1))\n", 3, {"run_until: called before boot()"}));
}

TEST(ScenarioErrors, BootWithoutPlatformIsRefused)
{
    EXPECT_TRUE(FailsAt("\nboot()\n", 2, {"boot: no platform declared"}));
}

TEST(ScenarioErrors, PlatformDeclaredTwice)
{
    EXPECT_TRUE(FailsAt("platform { cpus = 2 }\n\nplatform { cpus = 4 }\n", 3,
                        {"platform: already declared at t.lua:1"}));
}

TEST(ScenarioErrors, SyntaxErrorCarriesFileAndLine)
{
    EXPECT_TRUE(FailsAt("platform {\n  cpus = = 2 }\n", 2, {"near '='"}));
}

TEST(ScenarioErrors, RuntimeErrorsCarryFileAndLine)
{
    EXPECT_TRUE(FailsAt("local x\n\nx.y = 1\n", 3, {"attempt to index a nil value"}));
    EXPECT_TRUE(FailsAt("\nerror(\"plain\", 0)\n", 2, {"plain"}));
    EXPECT_TRUE(FailsAt("\n\nerror({})\n", 3, {"error object is a table value"}));
    EXPECT_TRUE(FailsAt("local f = function() error(\"deep\") end\nf()\n", 1, {"deep"}));
}

TEST(ScenarioErrors, ExpectFailureNamesTheMessage)
{
    EXPECT_TRUE(FailsAt("platform {}\nexpect(1 == 2, \"one is\", \"not two\")\n", 2,
                        {"expect failed: one is not two"}));
    EXPECT_TRUE(FailsAt("expect(false)", 1, {"expect failed"}));
    EXPECT_TRUE(FailsAt("\nexpect_eq(ms(1), us(999), \"times\")", 2,
                        {"expect_eq failed: times: got 1000000000, expected 999000000"}));
}

TEST(ScenarioErrors, DeclaredButUnusedObjectsAreReportedAtBoot)
{
    EXPECT_TRUE(FailsAt("local e = endpoint { model = \"e1000\", name = \"spare\" }\n"
                        "platform {}\n"
                        "boot()\n",
                        3, {"endpoint 'spare'", "t.lua:1", "in no port"}));
    EXPECT_TRUE(FailsAt("local p = port { slot = 5 }\nplatform {}\nboot()\n", 3,
                        {"slot 5", "not part of the platform"}));
}

TEST(ScenarioErrors, NoPlatformAtAllIsReported)
{
    ScnLoad r;
    scn_load(r, "local x = 1\n");
    ASSERT_EQ(r.rc, -1);
    EXPECT_EQ(r.msg, "t.lua: no platform { ... } declared");
}

TEST(ScenarioErrors, ASwitchCannotSitInItsOwnPort)
{
    EXPECT_TRUE(FailsAt("local sw = switch { name = \"sw0\", ports = { port { slot = 2 } } }\n"
                        "attach(2, sw)\n",
                        2, {"switch 'sw0' cannot sit in one of its own ports"}));
}

TEST(ScenarioErrors, APortBelongsToOneParent)
{
    EXPECT_TRUE(FailsAt("local p = port { slot = 3 }\n"
                        "local sw = switch { name = \"sw0\", ports = { p } }\n"
                        "platform { root_ports = { p } }\n",
                        3, {"root_ports[1]", "port of switch 'sw0'"}));
    EXPECT_TRUE(FailsAt("local p = port { slot = 3 }\n"
                        "platform { root_ports = { p, p } }\n",
                        2, {"root_ports[2] is the same port as root_ports[1]"}));
    EXPECT_TRUE(FailsAt("local p = port { slot = 3 }\n"
                        "local a = switch { name = \"a\", ports = { p } }\n"
                        "local b = switch { name = \"b\", ports = { p } }\n",
                        3, {"ports[1]", "t.lua:1", "already belongs to switch 'a'"}));
}

TEST(ScenarioErrors, DuplicateDeviceNamesNameTheEarlierLine)
{
    EXPECT_TRUE(FailsAt("local a = endpoint { model = \"e1000\", name = \"nic0\" }\n"
                        "local b = switch { name = \"nic0\", ports = { port {} } }\n",
                        2, {"name 'nic0' is already used by the endpoint declared at t.lua:1"}));
}

TEST(ScenarioErrors, TooManyBridgesForTheBusNumbersIsRefused)
{
    // 1 (bus 0) + 255 ports fit; the 256th port would need a 257th bus number.
    EXPECT_TRUE(FailsAt("for i = 1, 300 do\n  local p = port {}\nend\n", 2,
                        {"257 PCI bus numbers", "PCI has 256"}));
}

TEST(ScenarioErrors, LongFileNamesAreKeptWhole)
{
    // Lua shortens chunk names past LUA_IDSIZE (60) to "...tail"; errors keep the whole name.
    std::string name = "scenarios/a/rather/long/directory/name/for/a/scenario/file/bad.lua";
    EXPECT_TRUE(FailsAt("platform {\n  cpus = = 2 }\n", 2, {"near '='"}, name.c_str()));
    EXPECT_TRUE(FailsAt("\nlocal x = nil + 1\n", 2, {"arithmetic"}, name.c_str()));
    EXPECT_TRUE(FailsAt("\nplatform { cpus = 0 }\n", 2, {"cpus = 0"}, name.c_str()));
}

TEST(ScenarioErrors, BytecodeIsRefused)
{
    ScnLoad r;
    scn_load(r, std::string("\x1bLua\x54\x00", 6));
    ASSERT_EQ(r.rc, -1);
    EXPECT_EQ(r.msg.rfind("t.lua: ", 0), 0u) << r.msg;
    EXPECT_NE(r.msg.find("binary chunk"), std::string::npos) << r.msg;
}
