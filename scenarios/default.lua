-- default.lua — the built-in default platform (vmksim lspci with no SCENARIO; the Quick start's
-- `vmksim run scenarios/default.lua`): a small two-socket-class server's I/O, as in
-- docs/scenarios.md. It boots the platform and runs for a short simulated time.

platform {
  cpus = 2, clock = "2.4GHz",
  root_ports = {
    -- The 82540EM is a PCI part; behind a PCIe port it gets the narrowest, slowest link.
    port { slot = 1, hotplug = true, link = { gen = 1, width = 1, mps = 128, mrrs = 512 },
           device = endpoint { model = "e1000", name = "nic0" } },
    port { slot = 2, hotplug = true, link = { gen = 3, width = 8, mps = 256, mrrs = 512 },
           device = endpoint { model = "pvscsi", name = "hba0" } },
    -- A cut-through switch fanning out to two hot-plug slots: one card, one free slot.
    port { slot = 3, hotplug = false, link = { gen = 3, width = 8 },
           device = switch { name = "sw0", cut_through = true, latency = "140ns",
             ports = {
               port { slot = 10, hotplug = true, link = { gen = 3, width = 4 },
                      device = endpoint { model = "pvscsi", name = "hba1" } },
               port { slot = 11, hotplug = true, link = { gen = 3, width = 4 } },
             } } },
    -- An empty hot-plug slot, for a card added while the system runs.
    port { slot = 4, hotplug = true, link = { gen = 3, width = 16 } },
  },
}

boot()
log(string.format("default platform: %d PCI functions", #pci_devices()))
run("10ms")
