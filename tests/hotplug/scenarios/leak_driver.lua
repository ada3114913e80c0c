-- a driver that gives nothing back at detach (testmods/hptest_leaky.c): the check after the
-- removal names its module and each resource
platform_two_nics()
boot()
slot_insert { slot = 2, model = "e1000", name = "nic1", style = "native", module = "hptest_leaky" }
wait_for { device = "nic1", state = "bound" }
slot_pull { slot = 2 }
wait_for { device = "nic1", state = "removed" }
local l = leaks()
local got = {}
for _, x in ipairs(l.list) do
  expect_eq(x.owner, "hptest_leaky", "owner of " .. x.what)
  got[x.what] = x.amount
end
expect_eq(got.heap_allocs, 1, "the kept allocation")
expect(got.heap_bytes and got.heap_bytes >= 256, "its bytes")
expect_eq(got.bar_mappings, 1, "BAR0 left mapped (reclaimed)")
expect_eq(got.interrupt_cookies, 1, "MSI cookie left (reclaimed)")
expect_eq(l.count, #l.list)
expect_eq(hotplug_stats().leaks, l.count)
print("LEAKS", l.count)
expect_no_leaks()   -- must fail here (test_hotplug.cpp looks for this line)
