// A good scenario fills platform_desc exactly as docs/scenarios.md says; the built-in default
// platform loads; the sandbox holds only what it documents; platform-only loads are bounded.
#include "scenario_test_util.h"

#include <cstring>
#include <string>

#include "sim/sim.h"

namespace {

const char *kGood = R"lua(
platform {
  cpus = 4, clock = "3.1GHz", root_complex_latency = "350ns",
  root_ports = {
    port { slot = 1, hotplug = true, link = { gen = 1, width = 1, mps = 128, mrrs = 256 },
           device = endpoint { model = "e1000", name = "nic0", driver = "native" } },
    port { slot = 2, hotplug = true, link = { gen = 4, width = 16, addr64 = false },
           device = switch { name = "sw0", cut_through = false, latency = "0.25us",
             ports = {
               port { slot = 10, hotplug = true, link = { gen = 3, width = 4 },
                      device = endpoint { model = "pvscsi", name = "hba0", driver = "vmklinux" } },
               { slot = 11, hotplug = true },
             } } },
    port { slot = 3 },
    port {},
  },
}
attach(3, endpoint { model = "pvscsi", name = "hba1" })
boot()
error("never reached: a platform-only load stops at boot()")
)lua";

}  // namespace

TEST(ScenarioPlatform, AGoodScriptFillsThePlatformDescription)
{
    ScnLoad r;
    scn_load(r, kGood, "good.lua");
    ASSERT_EQ(r.rc, 0) << r.msg;
    const platform_desc &d = r.desc;
    EXPECT_EQ(d.ncpus, 4);
    EXPECT_EQ(d.cpu_hz, 3100000000ULL);
    EXPECT_EQ(d.root_complex_latency_ps, 350 * SIM_NS);
    ASSERT_EQ(d.nroot_ports, 4);

    const pcie_port_desc &p1 = d.root_ports[0];
    EXPECT_EQ(p1.slot, 1);
    EXPECT_TRUE(p1.hotplug);
    EXPECT_EQ(p1.link.gen, 1);
    EXPECT_EQ(p1.link.width, 1);
    EXPECT_EQ(p1.link.mps, 128);
    EXPECT_EQ(p1.link.mrrs, 256);
    EXPECT_TRUE(p1.link.addr64);  // default
    ASSERT_EQ(p1.kind, PCIE_NODE_ENDPOINT);
    EXPECT_STREQ(p1.endpoint.model, "e1000");
    EXPECT_STREQ(p1.endpoint.name, "nic0");
    EXPECT_STREQ(p1.endpoint.driver_style, "native");
    EXPECT_STREQ(p1.origin.file, "good.lua");
    EXPECT_EQ(p1.origin.line, 5);

    const pcie_port_desc &p2 = d.root_ports[1];
    EXPECT_EQ(p2.link.gen, 4);
    EXPECT_EQ(p2.link.width, 16);
    pcie_link_params def = pcie_link_params_default();
    EXPECT_EQ(p2.link.mps, def.mps);   // unspecified fields keep the defaults
    EXPECT_EQ(p2.link.mrrs, def.mrrs);
    EXPECT_FALSE(p2.link.addr64);
    ASSERT_EQ(p2.kind, PCIE_NODE_SWITCH);
    ASSERT_NE(p2.sw, nullptr);
    EXPECT_STREQ(p2.sw->name, "sw0");
    EXPECT_FALSE(p2.sw->cut_through);
    EXPECT_EQ(p2.sw->hop_latency_ps, 250 * SIM_NS);
    ASSERT_EQ(p2.sw->nports, 2);
    EXPECT_EQ(p2.sw->ports[0].slot, 10);
    EXPECT_EQ(p2.sw->ports[0].link.width, 4);
    ASSERT_EQ(p2.sw->ports[0].kind, PCIE_NODE_ENDPOINT);
    EXPECT_STREQ(p2.sw->ports[0].endpoint.model, "pvscsi");
    EXPECT_STREQ(p2.sw->ports[0].endpoint.driver_style, "vmklinux");
    EXPECT_EQ(p2.sw->ports[1].slot, 11);
    EXPECT_TRUE(p2.sw->ports[1].hotplug);
    EXPECT_EQ(p2.sw->ports[1].kind, PCIE_NODE_EMPTY);
    EXPECT_EQ(p2.sw->ports[1].origin.line, 8);  // a plain table: the switch{} call's line

    const pcie_port_desc &p3 = d.root_ports[2];
    EXPECT_EQ(p3.slot, 3);
    EXPECT_FALSE(p3.hotplug);
    ASSERT_EQ(p3.kind, PCIE_NODE_ENDPOINT);  // attached by slot number
    EXPECT_STREQ(p3.endpoint.name, "hba1");
    EXPECT_STREQ(p3.endpoint.driver_style, "");

    const pcie_port_desc &p4 = d.root_ports[3];
    EXPECT_EQ(p4.slot, 0);
    EXPECT_EQ(p4.kind, PCIE_NODE_EMPTY);
    EXPECT_EQ(p4.link.gen, def.gen);
    EXPECT_EQ(p4.link.width, def.width);
}

TEST(ScenarioPlatform, DefaultsComeFromPlatformDescInit)
{
    ScnLoad r;
    scn_load(r, "platform {}");
    ASSERT_EQ(r.rc, 0) << r.msg;
    platform_desc def;
    platform_desc_init(&def);
    EXPECT_EQ(r.desc.ncpus, def.ncpus);
    EXPECT_EQ(r.desc.cpu_hz, def.cpu_hz);
    EXPECT_EQ(r.desc.root_complex_latency_ps, def.root_complex_latency_ps);
    EXPECT_EQ(r.desc.nroot_ports, 0);
}

TEST(ScenarioPlatform, SwitchDefaultsAreCutThroughAt140ns)
{
    ScnLoad r;
    scn_load(r, "platform { root_ports = { port { device = switch { name = \"s\", "
                "ports = { port {} } } } } }");
    ASSERT_EQ(r.rc, 0) << r.msg;
    ASSERT_EQ(r.desc.root_ports[0].kind, PCIE_NODE_SWITCH);
    EXPECT_TRUE(r.desc.root_ports[0].sw->cut_through);
    EXPECT_EQ(r.desc.root_ports[0].sw->hop_latency_ps, 140 * SIM_NS);
}

TEST(ScenarioPlatform, TimesAndClocksParseExactly)
{
    ScnLoad r;
    scn_load(r, R"lua(
      expect_eq(ns(1), 1000) expect_eq(us(1.5), 1500000) expect_eq(ms(10), 10000000000)
      expect_eq(s(1), 1000000000000) expect_eq(ps(7), 7)
      local sw = switch { name = "a", latency = "2.5us", ports = { port {} } }
      expect_eq(sw.latency, 2500000)
      local sw2 = switch { name = "b", latency = 1234, ports = { port {} } }
      expect_eq(sw2.latency, 1234)
      local sw3 = switch { name = "c", latency = "0.000001 s", ports = { port {} } }
      expect_eq(sw3.latency, us(1))
      platform { clock = "800 MHz", root_ports = { port { device = sw }, port { device = sw2 },
                                                  port { device = sw3 } } })lua");
    ASSERT_EQ(r.rc, 0) << r.msg;
    EXPECT_EQ(r.desc.cpu_hz, 800000000ULL);
}

TEST(ScenarioPlatform, ObjectsReadBackAndAreReadOnly)
{
    ScnLoad r;
    scn_load(r, R"lua(
      local e = endpoint { model = "e1000", name = "nic0" }
      local p = port { slot = 6, hotplug = true, link = { width = 2 }, device = e }
      expect_eq(p.slot, 6) expect(p.hotplug) expect_eq(p.link.width, 2)
      expect(p.device == e) expect(e.port == p) expect_eq(e.model, "e1000")
      expect_eq(tostring(p), "port(slot 6)") expect_eq(tostring(e), "endpoint(nic0)")
      expect(slot(6) == p) expect_eq(getmetatable(p), "locked")
      platform { root_ports = { p } }
      p.slot = 7)lua");
    ASSERT_EQ(r.rc, -1);
    EXPECT_NE(r.msg.find("t.lua:9: port: objects are read-only"), std::string::npos) << r.msg;
}

TEST(ScenarioPlatform, TheDefaultPlatformLoads)
{
    platform_desc d;
    sim_err err{};
    ASSERT_EQ(scenario_default_platform(&d, &err), 0) << err.msg;
    EXPECT_EQ(d.ncpus, 2);
    EXPECT_EQ(d.cpu_hz, 2400000000ULL);
    ASSERT_EQ(d.nroot_ports, 4);
    EXPECT_EQ(d.root_ports[0].kind, PCIE_NODE_ENDPOINT);
    EXPECT_STREQ(d.root_ports[0].endpoint.model, "e1000");
    EXPECT_EQ(d.root_ports[0].link.gen, 1);
    EXPECT_EQ(d.root_ports[0].link.width, 1);
    EXPECT_STREQ(d.root_ports[1].endpoint.model, "pvscsi");
    EXPECT_EQ(d.root_ports[1].link.width, 8);
    ASSERT_EQ(d.root_ports[2].kind, PCIE_NODE_SWITCH);
    ASSERT_EQ(d.root_ports[2].sw->nports, 2);
    EXPECT_EQ(d.root_ports[2].sw->ports[0].kind, PCIE_NODE_ENDPOINT);
    EXPECT_TRUE(d.root_ports[2].sw->ports[1].hotplug);
    EXPECT_EQ(d.root_ports[2].sw->ports[1].kind, PCIE_NODE_EMPTY);
    EXPECT_EQ(d.root_ports[3].kind, PCIE_NODE_EMPTY);
    EXPECT_TRUE(d.root_ports[3].hotplug);
    EXPECT_STREQ(d.root_ports[0].origin.file, SCENARIO_DEFAULT_NAME);
    platform_desc_free(&d);
}

TEST(ScenarioPlatform, TheDefaultPlatformIsTheFileInTheTree)
{
    platform_desc a, b;
    sim_err err{};
    ASSERT_EQ(scenario_default_platform(&a, &err), 0) << err.msg;
    ASSERT_EQ(scenario_load_platform(VMKSIM_SOURCE_DIR "/scenarios/default.lua", &b, &err), 0)
        << err.msg;
    ASSERT_EQ(a.nroot_ports, b.nroot_ports);
    for (int i = 0; i < a.nroot_ports; i++) {
        EXPECT_EQ(a.root_ports[i].slot, b.root_ports[i].slot);
        EXPECT_EQ(a.root_ports[i].kind, b.root_ports[i].kind);
        EXPECT_EQ(a.root_ports[i].origin.line, b.root_ports[i].origin.line);
        const pcie_link_params &la = a.root_ports[i].link, &lb = b.root_ports[i].link;
        EXPECT_EQ(la.gen, lb.gen);
        EXPECT_EQ(la.width, lb.width);
        EXPECT_EQ(la.mps, lb.mps);
        EXPECT_EQ(la.mrrs, lb.mrrs);
        EXPECT_EQ(la.addr64, lb.addr64);
    }
    platform_desc_free(&a);
    platform_desc_free(&b);
}

TEST(ScenarioPlatform, MissingFileIsAClearError)
{
    platform_desc d;
    sim_err err{};
    ASSERT_EQ(scenario_load_platform("/nonexistent/x.lua", &d, &err), -1);
    EXPECT_STREQ(err.msg, "/nonexistent/x.lua: cannot open: No such file or directory");
    EXPECT_EQ(d.nroot_ports, 0);
}

// ---- the sandbox ----

TEST(ScenarioSandbox, OnlySafeLibrariesAreOpen)
{
    ScnLoad r;
    scn_load(r, R"lua(
      expect(io == nil) expect(os == nil) expect(debug == nil) expect(package == nil)
      expect(require == nil) expect(dofile == nil) expect(loadfile == nil) expect(load == nil)
      expect(collectgarbage == nil) expect(string.dump == nil) expect(string.find == nil)
      expect(string.gsub == nil) expect(("x"):upper() == "X")
      expect(string.format("%d-%s", 3, "x") == "3-x") expect(table.concat({1, 2}, ",") == "1,2")
      expect(math.floor(2.5) == 2) expect(utf8.char(65) == "A") expect(coroutine.wrap ~= nil)
      expect(string.rep("", 1 << 60) == "")
      platform {})lua");
    EXPECT_EQ(r.rc, 0) << r.msg;
}

TEST(ScenarioSandbox, DeclarationsReadFieldsRawly)
{
    // A table's __index never runs in the middle of a declaration.
    ScnLoad r;
    scn_load(r, R"lua(
      local t = setmetatable({ slot = 1 }, { __index = function() error("ran") end })
      platform { root_ports = { port(t) } })lua");
    ASSERT_EQ(r.rc, 0) << r.msg;
    EXPECT_EQ(r.desc.root_ports[0].slot, 1);
}

TEST(ScenarioSandbox, GcMetamethodsAreRefused)
{
    EXPECT_TRUE(FailsAt("\nsetmetatable({}, { __gc = function() end })", 2,
                        {"__gc metamethods are not available"}));
}

TEST(ScenarioSandbox, MathRandomIsTheSeededEngineStream)
{
    // The same script draws the same numbers every time; randomseed restarts the stream.
    const char *src = R"lua(
      local a = { math.random(1, 1000000), math.random(1, 1000000), math.random() }
      math.randomseed(7)
      local b1 = math.random(1 << 40)
      math.randomseed(7)
      expect_eq(math.random(1 << 40), b1)
      for i = 1, 100 do local v = math.random(-3, 3) expect(v >= -3 and v <= 3) end
      expect(math.random(math.mininteger, math.maxinteger) ~= nil)
      local e = endpoint { model = "e1000", name = "n" .. a[1] .. "x" .. a[2] }
      platform { root_ports = { port { device = e } } })lua";
    ScnLoad r1, r2;
    scn_load(r1, src);
    scn_load(r2, src);
    ASSERT_EQ(r1.rc, 0) << r1.msg;
    ASSERT_EQ(r2.rc, 0) << r2.msg;
    EXPECT_STREQ(r1.desc.root_ports[0].endpoint.name, r2.desc.root_ports[0].endpoint.name);
    EXPECT_TRUE(FailsAt("local x = math.random(5, 1)", 1, {"interval is empty"}));
}

// ---- bounds of platform-only loads ----

static std::string load_limited(const char *src, uint64_t instr, size_t bytes)
{
    platform_desc d;
    sim_err err{};
    int rc = scenario_load_platform_buffer_limited(src, strlen(src), "lim.lua", instr, bytes, &d,
                                                   &err);
    platform_desc_free(&d);
    return rc == 0 ? "" : err.msg;
}

TEST(ScenarioLimits, AnEndlessLoopStopsAtTheInstructionBudget)
{
    std::string m = load_limited("local n = 0\nwhile true do n = n + 1 end", 100000, 0);
    EXPECT_EQ(m.rfind("lim.lua:2: ", 0), 0u) << m;
    EXPECT_NE(m.find("budget of 100000 Lua instructions"), std::string::npos) << m;
}

TEST(ScenarioLimits, PcallCannotSwallowTheBudget)
{
    std::string m = load_limited(
        "while true do pcall(function() while true do end end) end", 100000, 0);
    EXPECT_NE(m.find("budget"), std::string::npos) << m;
    m = load_limited("local co = coroutine.wrap(function() while true do end end)\n"
                     "while true do pcall(co) end", 100000, 0);
    EXPECT_NE(m.find("budget"), std::string::npos) << m;
}

TEST(ScenarioLimits, CLoopsAreChargedToo)
{
    std::string m = load_limited("table.move({}, 1, math.maxinteger - 1, 2)", 100000, 0);
    EXPECT_NE(m.find("budget"), std::string::npos) << m;
}

TEST(ScenarioLimits, MemoryIsCapped)
{
    std::string m = load_limited("local t = {}\nfor i = 1, 1e9 do t[i] = ('x'):rep(1000) .. i end",
                                 0, 4u << 20);
    EXPECT_EQ(m.rfind("lim.lua: not enough memory", 0), 0u) << m;
    m = load_limited("local s = ('x'):rep(1 << 30)", 0, 4u << 20);
    EXPECT_NE(m.find("not enough memory"), std::string::npos) << m;
}

extern "C" const unsigned char scn_default_lua[];   // the embedded scenarios/default.lua
extern "C" const size_t scn_default_lua_len;

TEST(ScenarioLimits, TheDefaultPlatformFitsTightLimits)
{
    platform_desc d;
    sim_err err{};
    ASSERT_EQ(scenario_load_platform_buffer_limited((const char *)scn_default_lua,
                                                    scn_default_lua_len, "d.lua", 100000,
                                                    1u << 20, &d, &err),
              0)
        << err.msg;
    platform_desc_free(&d);
}
