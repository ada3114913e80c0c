-- hotplug_nic_orderly.lua — issue 5's orderly NIC removal and re-insertion under traffic
-- (docs/hotplug.md): the native vmk_e1000 driver sends a paced TX stream from nic0 to nic1 (a
-- second NIC, cabled to it, in another slot) when nic0's slot's attention button is pressed. The kernel's hot-plug handler
-- blinks the power indicator, waits out the 5 s abort window, then removes the device in order
-- (quiesce, detach, unregister) while frames are still in flight, checks that the driver gave
-- back everything, and powers the slot off. The card is pulled, put back, powered, enumerated
-- and bound again, and carries traffic again. Asserted here: nothing lost, every frame in flight
-- at the removal ended completed or failed, the driver bound again, no leaks.

platform {
  cpus = 2, clock = "2.4GHz",
  root_ports = {
    port { slot = 1, hotplug = true, link = { gen = 1, width = 1, mps = 128, mrrs = 512 },
           device = endpoint { model = "e1000", name = "nic0" } },
    port { slot = 2, hotplug = true, link = { gen = 1, width = 1, mps = 128, mrrs = 512 },
           device = endpoint { model = "e1000", name = "nic1" } },
  },
}

boot()
wire { device = "nic0", backend = "peer", peer = "nic1" }
driver { device = "nic0", style = "native" }
driver { device = "nic1", style = "native" }

-- A first run: the NIC works before anything happens to it.
local before = tx { device = "nic0", frame_size = 512, count = 500, rate = 0.25 }
expect_eq(before.lost_ops, 0, "before: lost")
expect_eq(before.verified, 500, "before: verified")

-- The operator presses the button; 4.995 s later a TX run starts, so the 5 s window runs out
-- (and the device goes) while its frames are in flight: back to back, the TX workload keeps 64
-- frames in flight, more than the Gen1 x1 link drains at once.
local pressed = slot_button { slot = 1 }
run("4995ms")
local during = tx { device = "nic0", frame_size = 512, count = 20000, rate = "line",
                    timeout = "2s" }
wait_for { device = "nic0", state = "removed" }
expect_eq(during.lost_ops, 0, "during: no frame lost")
expect(during.failed_ops > 0, "during: the removal failed the frames still queued")
expect(during.verified > 0, "during: frames went through before the removal")

local ev = hotplug_events()
local removal = ev[#ev]
expect_eq(removal.kind, "attention-button", "event kind")
expect_eq(removal.outcome, "removed", "event outcome")
-- the removal began after the abort window: 5 s after the press
local expired
for _, s in ipairs(removal.steps) do
  if s.name == "abort window expired" then expired = s.time_ps end
end
expect(expired and expired - pressed >= 5 * 1000000000000, "5 s abort window")
local f = removal.in_flight
expect(f.issued > 0, "frames were in flight when the removal began")
expect_eq(f.issued, f.completed + f.failed, "in flight: issued = completed + failed")
expect_eq(slot_status { slot = 1 }.state, "off", "slot off after removal")
expect_eq(slot_status { slot = 1 }.power_indicator, "off", "power indicator off")

-- Re-insertion: pull the unpowered card, push it back; the handler powers the slot, waits for
-- the link and 100 ms, enumerates it into the port's reserved buses and binds vmk_e1000.
slot_pull { slot = 1 }
slot_insert { slot = 1, model = "e1000", name = "nic0" }
wait_for { device = "nic0", state = "bound" }
expect_eq(slot_status { slot = 1 }.power_indicator, "on", "power indicator on")

local after = tx { device = "nic0", frame_size = 512, count = 500, rate = 0.25 }
expect_eq(after.lost_ops, 0, "after: lost")
expect_eq(after.verified, 500, "after: verified")

expect_no_leaks()
log(string.format("orderly removal: %d frames in flight, %d completed, %d failed",
                  f.issued, f.completed, f.failed))
