-- a device bound to a Linux driver through vmklinux: no hot-plug path. An orderly removal is
-- refused with the reason; a surprise removal leaves the vanished device to the legacy driver
-- (it reads all ones) and is recorded; the simulator goes on.
platform_two_nics()
boot()
-- a Linux-style test driver (tests/vmklinux/testmods) on the vmklinux shim
slot_insert { slot = 2, model = "e1000", name = "nic1", style = "vmklinux", module = "lxtest_e1000" }
wait_for { device = "nic1", state = "bound" }
slot_button { slot = 2 }
wait_for { slot = 2, state = "on", timeout = "6s" }
local ev = last_event()
expect_eq(ev.kind, "attention-button")
expect_eq(ev.outcome, "refused")
expect(#ev.reason > 0, "a reason is given")   -- its text: test_hotplug.cpp
expect_eq(slot_status { slot = 2 }.power_indicator, "on", "indicator back on")
expect_eq(#pci_devices(), 4, "still there")

slot_pull { slot = 2 }
run("10ms")
ev = last_event()
expect_eq(ev.kind, "surprise-removal")
expect_eq(ev.outcome, "legacy-orphaned")
local st = slot_status { slot = 2 }
expect(st.legacy_orphan, "recorded")
expect_eq(hotplug_stats().legacy_orphans, 1)
-- a new card cannot take the slot while the legacy driver holds the old function
slot_insert { slot = 2, model = "e1000", name = "nic9" }
wait_for { slot = 2, state = "off" }
ev = last_event()
expect_eq(ev.kind, "insertion")
expect_eq(ev.outcome, "refused")
run("100ms")
