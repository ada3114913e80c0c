-- hba_overhead.lua — issue 4's standard storage scenario (docs/results.md, "Reading a storage
-- run"): the default platform's hba0 (a PVSCSI controller behind root port 2, a Gen3 x8 link),
-- one 64 MiB RAM disk with the nvme media preset as target 0, and the runs 4 KiB random read,
-- 4 KiB random write and 128 KiB sequential read at queue depths 1 and 32, verified, through the
-- native vmkapi driver (drivers/native/pvscsi) and then through the Linux-style driver on the
-- vmklinux shim (drivers/linux/vmw_pvscsi).
--
-- Every run must end clean: verify_errors == 0, lost_ops == 0, failed_ops == 0. Native runs
-- spend no cycles in a shim; vmklinux runs do (the point of the comparison).

platform {
  cpus = 2, clock = "2.4GHz",
  root_ports = {
    port { slot = 1, hotplug = true, link = { gen = 1, width = 1, mps = 128, mrrs = 512 },
           device = endpoint { model = "e1000", name = "nic0" } },
    port { slot = 2, hotplug = true, link = { gen = 3, width = 8, mps = 256, mrrs = 512 },
           device = endpoint { model = "pvscsi", name = "hba0" } },
    port { slot = 3, hotplug = true, link = { gen = 3, width = 8, mps = 256, mrrs = 512 },
           device = endpoint { model = "pvscsi", name = "hba1" } },
  },
}

boot()

local SEED = 7           -- the verify pattern's seed, the same for every run of a disk
-- I/Os per run, scaled from IOS (VMKSIM_PARAM_IOS=N in the environment; the tests run fewer):
-- 2048 4 KiB I/Os at QD 32 wrap the driver's 128-slot request ring 16 times, and the whole
-- scenario takes about a second of host time.
local IOS = param { name = "ios", default = 2048, min = 64, max = 1000000 }
-- The part of the disk the runs use (16 MiB by default; at least 32 slots of 128 KiB, as QD 32
-- needs, and at most the disk); the prefill writes all of it.
local REGION = math.max(4 * 1024 * 1024, math.min(IOS * 8192, 64 * 1024 * 1024))
local RUNS = {
  { rw = "randread",  bs = 4096,   qd = 1,  count = IOS // 8 },
  { rw = "randread",  bs = 4096,   qd = 32, count = IOS },
  { rw = "randwrite", bs = 4096,   qd = 1,  count = IOS // 8 },
  { rw = "randwrite", bs = 4096,   qd = 32, count = IOS },
  { rw = "read",      bs = 131072, qd = 1,  count = IOS // 32 },
  { rw = "read",      bs = 131072, qd = 32, count = IOS // 8 },
}

local function check(r, what, style)
  expect_eq(r.verify_errors, 0, what .. ": verify_errors")
  expect_eq(r.lost_ops, 0, what .. ": lost_ops")
  expect_eq(r.failed_ops, 0, what .. ": failed_ops")
  expect(r.driver_cycles_per_op > 0, what .. ": the driver's cycles are measured")
  if style == "native" then
    expect_eq(r.shim_cycles_per_op, 0, what .. ": no shim in the native path")
  else
    expect(r.shim_cycles_per_op > 0, what .. ": the shim's cycles per I/O")
  end
end

-- One HBA through one driver style: the driver, a sequential prefill of the region (so that
-- every read checks a pattern this scenario wrote), then the six measured runs.
local function runs_for(hba, style)
  driver { device = hba, style = style }
  local fill = io { device = hba, rw = "write", bs = 131072, qd = 32, region = REGION,
                    count = REGION // 131072, verify = true, seed = SEED }
  check(fill, style .. " prefill", style)
  for _, p in ipairs(RUNS) do
    local what = string.format("%s %s %dK qd%d", style, p.rw, p.bs // 1024, p.qd)
    local r = io { device = hba, rw = p.rw, bs = p.bs, qd = p.qd, region = REGION,
                   count = p.count, verify = true, seed = SEED }
    check(r, what, style)
    if p.rw ~= "randwrite" then
      expect(r.verified_blocks > 0, what .. ": blocks verified")
    end
    log(string.format("%s: %.0f IOPS, %.0f cycles/IO (driver %.0f, shim %.0f, kernel %.0f), "
                      .. "p50 %.1f us", what, r.iops, r.total_cycles_per_op,
                      r.driver_cycles_per_op, r.shim_cycles_per_op, r.kernel_cycles_per_op,
                      r.p50_us or 0))
  end
end

-- The disk stays attached to the controller across both halves: the same medium, the same data.
disk { device = "hba0", target = 0, size = "64MiB", preset = "nvme" }
runs_for("hba0", "native")

-- ---- vmklinux half: BEGIN (drivers/linux/vmw_pvscsi on the vmklinux shim) ----
-- A driver{} of the other style replaces the native driver: vmk_pvscsi is unloaded, the driver
-- map gives the HBA to the vmklinux shim, which probes vmw_pvscsi; discovery finds the same disk.
runs_for("hba0", "vmklinux")
-- ---- vmklinux half: END ----
