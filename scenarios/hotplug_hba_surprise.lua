-- hotplug_hba_surprise.lua — issue 5's surprise removal of a storage HBA under I/O (docs/hotplug.md
-- "Surprise removal of an HBA"), once through each driver style. Two PVSCSI controllers, each with
-- a RAM disk, sit in hot-plug slots 1 and 2. A verified 4 KiB random-read run at queue depth 32
-- goes to one disk while its card is pulled out of the slot without warning.
--
-- native (vmk_pvscsi, hba0 in slot 1): the hot-plug handler tells the device layer the device is
-- gone; the driver stops touching it, the storage layer fails back every command still in the
-- driver, and the device is removed and checked for leaks.
-- legacy (vmw_pvscsi on vmklinux, hba1 in slot 2): vmklinux has no hot-plug path, so the Linux
-- driver keeps the vanished function and reads all ones from it; its commands never complete and
-- time out; the storage layer's abort and LUN reset fail, and the bus reset has the driver fail
-- them back. The event waits for that and records it, and the simulator carries on.
--
-- Asserted for both: the event's in_flight counts (the commands outstanding on the adapter when
-- the event began) satisfy issued = completed + failed; the io{} run loses nothing (every I/O
-- ended completed or failed) and some I/Os failed.

platform {
  cpus = 2, clock = "2.4GHz",
  root_ports = {
    port { slot = 1, hotplug = true, link = { gen = 3, width = 8, mps = 256, mrrs = 512 },
           device = endpoint { model = "pvscsi", name = "hba0" } },
    port { slot = 2, hotplug = true, link = { gen = 3, width = 8, mps = 256, mrrs = 512 },
           device = endpoint { model = "pvscsi", name = "hba1" } },
  },
}

boot()

local SEED = 11
local REGION = 4 * 1024 * 1024
local MS = 1000000000             -- picoseconds
local PULL_AFTER = 2 * MS         -- into the random-read run

-- A verified sequential fill of the region (so every read checks a pattern), then the random
-- reads with the slot pulled PULL_AFTER into them. The run issues for 20 ms; a
-- refused I/O (the disk is gone) stops it early. io_timeout is short so that the legacy half's
-- escalation (timeout, then abort, device reset and bus reset at 1 s each) ends in seconds.
local function surprise(hba, slot, style)
  local fill = io { device = hba, rw = "write", bs = 131072, qd = 32, region = REGION,
                    count = REGION // 131072, verify = true, seed = SEED }
  expect_eq(fill.lost_ops + fill.failed_ops + fill.verify_errors, 0, style .. ": fill clean")
  local nev = #hotplug_events()
  slot_pull { slot = slot, at = now() + PULL_AFTER }
  local r = io { device = hba, rw = "randread", bs = 4096, qd = 32, region = REGION,
                 time = "20ms", verify = true, seed = SEED, io_timeout = "50ms" }
  expect_eq(r.lost_ops, 0, style .. ": no I/O lost")
  expect(r.failed_ops > 0, style .. ": the I/Os in flight at the pull failed")
  expect(r.ops > 0, style .. ": I/Os completed before the pull")
  expect_eq(r.verify_errors, 0, style .. ": what completed verified")
  wait_for { slot = slot, state = "idle", timeout = "10s" }   -- the handler's event has ended
  local evs = hotplug_events()
  expect_eq(#evs, nev + 1, style .. ": one hot-plug event")
  local ev = evs[#evs]
  expect_eq(ev.kind, "surprise-removal", style .. ": event kind")
  local f = ev.in_flight
  expect(f.issued > 0, style .. ": I/Os were in flight when the card went")
  expect_eq(f.issued, f.completed + f.failed, style .. ": in flight: issued = completed + failed")
  expect(f.failed > 0, style .. ": in-flight I/Os failed")
  log(string.format("%s: %d I/Os done, %d failed; in flight at the pull: %d (%d completed, "
                    .. "%d failed); event %s", style, r.ops, r.failed_ops, f.issued, f.completed,
                    f.failed, ev.outcome))
  return ev
end

-- Both HBAs start with the native driver (a loaded driver module takes every function the
-- driver map gives it, so vmk_pvscsi drives both); after hba0 is gone, hba1 changes style.
disk { device = "hba0", target = 0, size = "16MiB", preset = "nvme" }
disk { device = "hba1", target = 0, size = "16MiB", preset = "nvme" }
driver { device = "hba0", style = "native" }
driver { device = "hba1", style = "native" }

-- ---- native ----
local ev = surprise("hba0", 1, "native")
expect_eq(ev.outcome, "removed", "native: device removed")
wait_for { device = "hba0", state = "removed" }
expect_eq(slot_status { slot = 1 }.state, "off", "native: slot off")
expect_no_leaks()

-- ---- legacy ----
-- vmk_pvscsi is unloaded; the driver map gives hba1 to vmklinux, which probes vmw_pvscsi.
driver { device = "hba1", style = "vmklinux" }
ev = surprise("hba1", 2, "vmklinux")
expect_eq(ev.outcome, "legacy-orphaned", "vmklinux: the driver keeps the vanished device")
expect(#ev.reason > 0, "vmklinux: a reason is given")
-- (the sandbox has no string.find: a plain substring search)
local function contains(s, needle)
  for i = 1, #s - #needle + 1 do
    if string.sub(s, i, i + #needle - 1) == needle then return true end
  end
  return false
end
local waited, ended, totals
for _, s in ipairs(ev.steps) do
  if contains(s.name, "in-flight I/O(s) held by") then waited = s.time_ps end
  if contains(s.name, "in-flight I/O ended") then ended = s.time_ps end
  if contains(s.name, " timeouts, ") then totals = s.name end
end
expect(waited and ended and ended > waited, "vmklinux: the event waited for its I/Os to end")
-- what followed: the adapter's commands timed out and were aborted
expect(totals and not contains(totals, ": 0 timeouts") and not contains(totals, " 0 aborts"),
       "vmklinux: timeouts and aborts recorded: " .. tostring(totals))
local st = slot_status { slot = 2 }
expect(st.legacy_orphan, "vmklinux: orphan recorded")
expect_eq(hotplug_stats().legacy_orphans, 1, "one legacy orphan")
-- the simulator goes on: time passes, nothing else happens to the other slot
run("10ms")
expect_eq(slot_status { slot = 1 }.state, "off", "slot 1 still off")
