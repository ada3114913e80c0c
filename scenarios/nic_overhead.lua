-- nic_overhead.lua — issue 3's standard NIC scenario (docs/results.md, "Reading a NIC run"): the
-- default platform's nic0 (82540EM behind root port 1, a Gen1 x1 link, as default.lua declares
-- it), TX and RX at 64, 512 and 1500-byte frames with 10 Gbit/s on the wire, through the native
-- vmkapi driver (drivers/native/e1000) and then through the Linux-style driver on the vmklinux
-- shim (drivers/linux/e1000). TX runs loop the NIC's port back to itself, so every frame sent
-- is received by the same driver and verified by the RX sink; their wire captures go to
-- OUT/tx<size>.pcap (native) and OUT/vmklinux_tx<size>.pcap. RX runs cable the port to a
-- traffic generator instead.
--
-- Every frame must be verified: each run expects lost_ops == 0 and verified == count.

platform {
  cpus = 2, clock = "2.4GHz",
  root_ports = {
    -- The 82540EM is a PCI part; behind a PCIe port it gets the narrowest, slowest link. This
    -- Gen1 x1 link (2.5 GT/s, 8b/10b: 2 Gbit/s of TLPs) caps what the NIC can move, whatever the
    -- wire speed.
    port { slot = 1, hotplug = true, link = { gen = 1, width = 1, mps = 128, mrrs = 512 },
           device = endpoint { model = "e1000", name = "nic0" } },
    port { slot = 2, hotplug = true, link = { gen = 3, width = 8, mps = 256, mrrs = 512 },
           device = endpoint { model = "pvscsi", name = "hba0" } },
    port { slot = 3, hotplug = false, link = { gen = 3, width = 8 },
           device = switch { name = "sw0", cut_through = true, latency = "140ns",
             ports = {
               port { slot = 10, hotplug = true, link = { gen = 3, width = 4 },
                      device = endpoint { model = "pvscsi", name = "hba1" } },
               port { slot = 11, hotplug = true, link = { gen = 3, width = 4 } },
             } } },
    port { slot = 4, hotplug = true, link = { gen = 3, width = 16 } },
  },
}

boot()

local SIZES = { 64, 512, 1500 }   -- Ethernet frame bytes with FCS (RFC 2544 §9)
local COUNT = 2000                -- frames per run: more than either 256-entry ring, several wraps
local WIRE = 10                   -- Gbit/s: the wire's speed (serialisation of each frame)
-- Offered load, Gbit/s on the wire (preamble, IFG and FCS included), the same for every run.
-- The Gen1 x1 link (2.5 GT/s, 8b/10b) carries the NIC's descriptor fetches, payload DMA,
-- write-backs and MSIs; 64-byte frames saturate it first (back to back, TX reaches about
-- 0.74 Mpps = 0.49 Gbit/s on the wire, and RX at 1 Gbit/s overflows the 48 KB receive FIFO). A
-- quarter gigabit is below that for every size in both directions, so every frame must arrive:
-- what the runs compare is the cost per packet, not where the link saturates.
local RATE = 0.25

local function check(r, what)
  expect_eq(r.lost_ops, 0, what .. ": lost_ops")
  expect_eq(r.failed_ops, 0, what .. ": failed_ops")
  expect_eq(r.verified, COUNT, what .. ": frames verified")
end

-- The cable first (the driver reads the link state when it starts), then the native driver:
-- vmk_e1000 from the build's modules folder, bound through the kernel's driver map.
wire { device = "nic0", backend = "loopback" }
driver { device = "nic0", style = "native" }

for _, size in ipairs(SIZES) do
  -- paced at RATE; the TX workload keeps at most 64 frames in flight
  local r = tx { device = "nic0", frame_size = size, count = COUNT, rate = RATE,
                 wire_speed = WIRE, pcap = "tx" .. size }
  check(r, "native tx " .. size)
end

wire { device = "nic0", backend = "generator" }
for _, size in ipairs(SIZES) do
  -- a generator on the far end of the cable sends at RATE; the driver's NetPoll delivers
  local r = rx { device = "nic0", frame_size = size, count = COUNT, rate = RATE,
                 wire_speed = WIRE }
  check(r, "native rx " .. size)
end

-- The same six runs through the Linux-style driver (drivers/linux/e1000, module "e1000") on the
-- vmklinux shim. A device holds one driver: the native one is unbound first (its module is
-- unloaded), then the driver map gives the NIC to the shim, which probes the Linux driver and
-- registers its net_device as the uplink. The cable is still the generator's: back to loopback
-- before the driver starts, so it reads the link up.
driver { device = "nic0", style = "none" }
wire { device = "nic0", backend = "loopback" }
driver { device = "nic0", style = "vmklinux" }

for _, size in ipairs(SIZES) do
  local r = tx { device = "nic0", frame_size = size, count = COUNT, rate = RATE,
                 wire_speed = WIRE, pcap = "vmklinux_tx" .. size }
  check(r, "vmklinux tx " .. size)
  expect(r.shim_cycles_per_op > 0, "vmklinux tx " .. size .. ": the shim's cycles are counted")
end

wire { device = "nic0", backend = "generator" }
for _, size in ipairs(SIZES) do
  local r = rx { device = "nic0", frame_size = size, count = COUNT, rate = RATE,
                 wire_speed = WIRE }
  check(r, "vmklinux rx " .. size)
  expect(r.shim_cycles_per_op > 0, "vmklinux rx " .. size .. ": the shim's cycles are counted")
end
