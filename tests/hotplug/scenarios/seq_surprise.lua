-- surprise removal (presence lost), link down, power fault and MRL: each removes the device
-- through the surprise path (forget first), checks leaks, and leaves the slot off
platform_two_nics()
boot()
wire { device = "nic0", backend = "loopback" }
driver { device = "nic0", style = "native" }
slot_insert { slot = 2, model = "e1000", name = "nic1", style = "native", wire = "loopback" }
wait_for { device = "nic1", state = "bound" }
-- nic1 sends to nic0, which stays: every frame nic1 put on the wire is received and verified
wire { device = "nic1", backend = "peer", peer = "nic0" }

-- surprise pull under traffic, scheduled 1 ms into a TX run
slot_pull { slot = 2, at = now() + 1 * MS }
local r = tx { device = "nic1", frame_size = 512, count = 5000, rate = "line", timeout = "50ms" }
expect(r.verified > 0, "frames went through before the pull")
wait_for { device = "nic1", state = "removed" }
local ev = last_event()
expect_eq(ev.kind, "surprise-removal")
expect_eq(ev.outcome, "removed")
local lost = step_time(ev, "card gone (presence lost)")
expect(step_time(ev, "forget 0000:09:00.0") >= lost, "forget first")
expect(step_time(ev, "quiesce 0000:09:00.0") >= step_time(ev, "forget 0000:09:00.0"), "then quiesce")
expect(ev.in_flight.issued > 0, "frames in flight at the pull")
expect_eq(ev.in_flight.issued, ev.in_flight.completed + ev.in_flight.failed, "in flight all ended")
expect_eq(r.lost_ops, 0, "nothing lost")
expect(r.failed_ops > 0, "the rest failed")

-- link down (card stays in, powered)
slot_insert { slot = 2, model = "e1000", name = "nic1" }
wait_for { device = "nic1", state = "bound" }
slot_link_down { slot = 2 }
wait_for { device = "nic1", state = "removed" }
ev = last_event()
expect_eq(ev.kind, "link-down")
expect_eq(ev.outcome, "removed")
expect_eq(slot_status { slot = 2 }.powered, false, "slot powered off after a link loss")

-- the button powers the card again; then a power fault
slot_button { slot = 2 }
wait_for { device = "nic1", state = "bound" }
slot_power_fault { slot = 2 }
wait_for { device = "nic1", state = "removed" }
ev = last_event()
expect_eq(ev.kind, "power-fault")
expect_eq(ev.outcome, "removed")
expect_eq(slot_status { slot = 2 }.attention_indicator, "on", "attention indicator on a fault")

-- MRL opened on a powered card; closing it powers the slot again
slot_button { slot = 2 }
wait_for { device = "nic1", state = "bound" }
expect_eq(slot_status { slot = 2 }.attention_indicator, "off", "fault indication cleared")
slot_mrl { slot = 2, open = true }
wait_for { device = "nic1", state = "removed" }
expect_eq(last_event().kind, "mrl-open")
slot_mrl { slot = 2, open = false }
wait_for { device = "nic1", state = "bound" }
expect_eq(last_event().kind, "mrl-close")
local st = hotplug_stats()
expect_eq(st.removals, 4)
expect_eq(st.leak_checks, 4)
expect_no_leaks()
