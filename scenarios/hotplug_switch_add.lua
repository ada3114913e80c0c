-- hotplug_switch_add.lua — issue 5's hot-add behind a switch (docs/hotplug.md): an 82540EM card
-- goes into the empty hot-plug slot 11 of switch sw0's downstream port while the system runs.
-- The kernel's hot-plug controller of that downstream port (its MSI crosses the switch's
-- upstream link) powers the slot, waits for the link and 100 ms, enumerates the card into the
-- bus numbers and memory windows boot reserved behind the port, and binds the native driver the
-- insertion asked for. The new NIC then carries traffic to nic0, which sits behind a root port.

platform {
  cpus = 2, clock = "2.4GHz",
  root_ports = {
    port { slot = 1, hotplug = true, link = { gen = 1, width = 1, mps = 128, mrrs = 512 },
           device = endpoint { model = "e1000", name = "nic0" } },
    port { slot = 3, hotplug = false, link = { gen = 3, width = 8 },
           device = switch { name = "sw0", cut_through = true, latency = "140ns",
             ports = {
               port { slot = 10, hotplug = true, link = { gen = 3, width = 4 } },
               port { slot = 11, hotplug = true, link = { gen = 1, width = 1 } },
             } } },
  },
}

boot()
wire { device = "nic0", backend = "loopback" }   -- replaced by the cable to nic1 below
driver { device = "nic0", style = "native" }

local before = #pci_devices()
local port = slot_status { slot = 11 }
expect_eq(port.state, "off", "slot 11 starts empty")

-- the card goes in with a loopback cable on its port (its driver reads the link as it starts)
local inserted = slot_insert { slot = 11, model = "e1000", name = "nic1", style = "native",
                               wire = "loopback" }
local bound = wait_for { device = "nic1", state = "bound", timeout = "2s" }
expect_eq(#pci_devices(), before + 1, "one new function")
-- power on, link up (100 ms + 20 ms + 72 us), then 100 ms before configuration
expect(bound - inserted >= 220 * 1000000000, "link training and the 100 ms wait came first")

local ev = hotplug_events()
local add = ev[#ev]
expect_eq(add.slot, "slot11", "event slot")
expect_eq(add.kind, "insertion", "event kind")
expect_eq(add.outcome, "bound", "event outcome")

-- the new function sits under the switch's downstream port, inside its reserved buses
local nic1
for _, d in ipairs(pci_devices()) do
  if d.vendor == 0x8086 and d.device == 0x100e and d.bus ~= 1 then nic1 = d end
end
expect(nic1 ~= nil, "nic1 enumerated")
local dp
for _, d in ipairs(pci_devices()) do
  if d.slot == 11 then dp = d end
end
expect(dp ~= nil, "the downstream port of slot 11")
log(string.format("nic1 at %s behind downstream port %s", nic1.bdf, dp.bdf))

-- working: frames from nic0 to the new NIC and back
wire { device = "nic1", backend = "peer", peer = "nic0" }
local r = tx { device = "nic1", frame_size = 256, count = 1000, rate = 0.25 }
expect_eq(r.lost_ops, 0, "nic1 -> nic0: lost")
expect_eq(r.verified, 1000, "nic1 -> nic0: verified")
local back = tx { device = "nic0", frame_size = 256, count = 1000, rate = 0.25 }
expect_eq(back.lost_ops, 0, "nic0 -> nic1: lost")
expect_eq(back.verified, 1000, "nic0 -> nic1: verified")

lspci { args = "-tv", out = "lspci_tree.txt" }
lspci { args = "-xxxx", out = "lspci_xxxx.txt" }
expect_no_leaks()
