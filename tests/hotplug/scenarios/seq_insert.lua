-- insertion: presence → power on (1 ms command) → DLL Link Active (power stable 100 ms +
-- detect 20 ms + training 72 us after power on) → 100 ms → enumerate → bind
platform_two_nics()
boot()
run("10ms")
local t0 = slot_insert { slot = 2, model = "e1000", name = "nic1", style = "native" }
local bound = wait_for { device = "nic1", state = "bound" }
local ev = last_event()
expect_eq(ev.slot, "slot2")
expect_eq(ev.kind, "insertion")
expect_eq(ev.outcome, "bound")
expect_eq(step_time(ev, "card inserted (presence detected)"), t0, "seen at once (MSI)")
local on = step_time(ev, "slot powered on")
-- the handler writes Slot Control once its interrupt thread has run (about a microsecond);
-- Command Completed comes 1 ms after the write
local write = on - 1 * MS
expect(write >= t0 and write - t0 < 10000000, "power-on command right after the interrupt")
local link = step_time(ev, "link up (DLL Link Active)")
expect_eq(link - write, 120072000000, "DLL Link Active 120.072 ms after power on")
local cfg = step_time(ev, "100 ms after link up: configuration allowed")
expect_eq(cfg - link, 100 * MS, "100 ms before the first configuration request")
expect_eq(step_time(ev, "enumerated 1 function(s) on bus 09"), cfg, "enumerated then")
expect(step_time(ev, "0000:09:00.0 bound to vmk_e1000") >= cfg, "bound after enumeration")
expect_eq(bound, ev.end_ps, "wait_for returns when the event ends")
local st = slot_status { slot = 2 }
expect_eq(st.state, "on")
expect_eq(st.power_indicator, "on")
expect_eq(st.functions, 1)
-- the new function got the port's reserved bus and window
local found
for _, d in ipairs(pci_devices()) do
  if d.bus == 9 then found = d end
end
expect(found and found.vendor == 0x8086 and found.device == 0x100e, "09:00.0 is the NIC")
