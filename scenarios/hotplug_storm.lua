-- hotplug_storm.lua — issue 5's storm of add/remove cycles (docs/hotplug.md): an 82540EM card is
-- inserted into hot-plug slot 4, powered, enumerated and bound to the native vmk_e1000 driver,
-- then removed — pulled without warning on three cycles out of four, by the attention button
-- (5 s abort window, orderly removal) on the fourth — again and again. After every removal the
-- kernel checks that the driver and the kernel gave back everything (heap, DMA mappings,
-- interrupt vectors, BAR mappings, bus numbers, windows); the script asserts that no cycle
-- leaked and that every cycle ended with the card bound, then removed.
--
-- Cycles: 1000, or VMKSIM_PARAM_CYCLES=N in the environment (tests run 100 and 1000 to compare
-- the process's memory).

platform {
  cpus = 2, clock = "2.4GHz",
  root_ports = {
    port { slot = 1, hotplug = true, link = { gen = 1, width = 1, mps = 128, mrrs = 512 },
           device = endpoint { model = "e1000", name = "nic0" } },
    port { slot = 4, hotplug = true, link = { gen = 1, width = 1 } },
  },
}

local CYCLES = param { name = "cycles", default = 1000, min = 1, max = 100000 }
-- result.json lists the first 100 events in full (steps and times) and counts the rest as
-- "hotplug_omitted": the storm's result stays readable and the process's memory flat.
result_limits { hotplug_events = 100 }

boot()

for i = 1, CYCLES do
  slot_insert { slot = 4, model = "e1000", name = "storm", style = "native" }
  wait_for { device = "storm", state = "bound", timeout = "2s" }
  if i % 4 == 0 then
    slot_button { slot = 4 }
    wait_for { device = "storm", state = "removed", timeout = "6s" }
    slot_pull { slot = 4 }            -- the unpowered card comes out
  else
    slot_pull { slot = 4 }            -- surprise: the card is pulled while powered
    wait_for { device = "storm", state = "removed", timeout = "1s" }
  end
end
wait_for { slot = 4, state = "off" }

local st = hotplug_stats()
expect_eq(st.additions, CYCLES, "every insertion was enumerated and bound")
expect_eq(st.removals, CYCLES, "every card was removed")
expect_eq(st.leak_checks, CYCLES, "a leak check after every removal")
expect_eq(st.failed + st.refused + st.command_timeouts, 0, "no failed event or command")
expect_no_leaks()
log(string.format("storm: %d cycles, %d hot-plug events, %d interrupts, %d slot commands",
                  CYCLES, st.events, st.interrupts, st.commands))
