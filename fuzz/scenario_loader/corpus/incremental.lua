local sw = switch { name = "sw0", ports = { port { slot = 10, hotplug = true }, port { slot = 11 } } }
local rp = port { slot = 1, hotplug = true, link = { gen = 4, width = 16, mps = 512, mrrs = 4096 } }
platform { cpus = 8, clock = "3GHz", root_ports = { rp, port { slot = 2, device = sw } } }
attach(10, endpoint { model = "e1000", name = "nic0", driver = "native" })
attach(slot(11), endpoint { model = "pvscsi", name = "hba0", driver = "vmklinux" })
expect_eq(slot(10).device.name, "nic0")
boot()
