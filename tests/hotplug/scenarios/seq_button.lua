-- attention button: blink at once, removal only after the 5 s abort window; a second press
-- within the window cancels (PCIe Base 5.0 §6.7.1.5, Linux pciehp_ctrl.c)
platform_two_nics()
boot()
wire { device = "nic0", backend = "loopback" }
driver { device = "nic0", style = "native" }
run("10ms")

-- cancel: pressed twice, 2 s apart
local p1 = slot_button { slot = 1 }
run("1ms")
local st = slot_status { slot = 1 }
expect_eq(st.state, "blinking-off", "state inside the window")
expect_eq(st.power_indicator, "blink", "power indicator blinks")
run("2s")
slot_button { slot = 1 }
wait_for { slot = 1, state = "on" }
local ev = last_event()
expect_eq(ev.kind, "attention-button")
expect_eq(ev.outcome, "cancelled")
expect_eq(slot_status { slot = 1 }.power_indicator, "on", "indicator back on")
expect_eq(#pci_devices(), 3, "nothing removed")
local r = tx { device = "nic0", frame_size = 64, count = 100, rate = 0.25 }
expect_eq(r.verified, 100, "still working after the cancel")

-- removal: one press
local p2 = slot_button { slot = 1 }
local gone = wait_for { device = "nic0", state = "removed" }
ev = last_event()
expect_eq(ev.outcome, "removed")
local blink = step_time(ev, "power indicator blinking")
-- one Slot Control command (1 ms), written once the interrupt thread ran (~1 us)
expect(blink - p2 >= 1 * MS and blink - p2 < 1 * MS + 10000000, "blinking after one command")
local expired = step_time(ev, "abort window expired")
expect_eq(expired - blink, 5000 * MS, "5 s abort window")
expect(step_time(ev, "quiesce 0000:01:00.0") >= expired, "quiesce after the window")
expect(step_time(ev, "detach 0000:01:00.0") >= step_time(ev, "quiesce 0000:01:00.0"), "detach after quiesce")
local off = step_time(ev, "slot powered off")
expect(off > step_time(ev, "detach 0000:01:00.0"), "power off last")
expect(gone >= expired, "removed after the window")
expect_eq(slot_status { slot = 1 }.powered, false, "no power")
expect_eq(slot_status { slot = 1 }.power_indicator, "off")
expect_eq(#pci_devices(), 2, "the function left the tree")
expect_no_leaks()

-- a press on the slot with the unpowered card powers it again after the window
local p3 = slot_button { slot = 1 }
local back = wait_for { device = "nic0", state = "bound" }
ev = last_event()
expect_eq(ev.outcome, "bound")
expect(step_time(ev, "abort window expired") - p3 >= 5000 * MS, "window before power on")
expect(back - p3 > 5220 * MS, "window + link + 100 ms")
