-- (prepended to each hot-plug test scenario by test_hotplug.cpp)
MS = 1000000000        -- picoseconds
function step_time(ev, name)
  for _, s in ipairs(ev.steps) do
    if s.name == name then return s.time_ps end
  end
  error("event " .. ev.kind .. " has no step '" .. name .. "'", 2)
end
function last_event() local e = hotplug_events(); return e[#e] end
function platform_two_nics()
  platform {
    cpus = 2, clock = "2.4GHz",
    root_ports = {
      port { slot = 1, hotplug = true, link = { gen = 1, width = 1, mps = 128, mrrs = 512 },
             device = endpoint { model = "e1000", name = "nic0" } },
      port { slot = 2, hotplug = true, link = { gen = 1, width = 1 } },
    },
  }
end
