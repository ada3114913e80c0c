// fixture.h — a two-run result (native TX and vmklinux storage with hot-plug) whose every derived
// value can be worked out by hand; shared by the JSON and table tests.
#pragma once

#include "sim/result/result.h"

// Run 0 (native): 1000 ops of 64 B in 1 ms; driver 1234567 cycles, kernel 500000; latencies 1..1000 ns.
// Run 1 (vmklinux): 4 ops, 16 KiB, 2 us; mcycles given; verify_errors 0; one hot-plug event.
inline vmk_result *make_fixture()
{
    vmk_result *res = result_new("scenarios/nic_overhead.lua", 42);
    result_run *r = result_run_add(res, "nic0", "e1000n", RESULT_STYLE_NATIVE);
    result_run_set_workload_str(r, "kind", "tx");
    result_run_set_workload_int(r, "frame_size", 64);
    result_run_set_workload_int(r, "rate_bps", 10000000000LL);
    result_run_set_workload_bool(r, "verify", true);
    result_run_set_label(r, "tx 64B 10G");
    result_run_set_ops(r, 1000);
    result_run_set_bytes(r, 64000);
    result_run_set_duration(r, SIM_MS);
    result_run_set_cycles(r, 1234567, 0, 500000);
    for (int i = 1; i <= 1000; i++)
        result_run_record_latency(r, (sim_time_t)i * SIM_NS);
    result_run_set_counter(r, RESULT_MMIO_READS, 3);
    result_run_set_counter(r, RESULT_MMIO_WRITES, 1000);
    result_run_set_counter(r, RESULT_DMA_BYTES, 80000);
    result_run_set_counter(r, RESULT_INTERRUPTS, 10);
    result_run_set_counter(r, RESULT_ALLOCATIONS, 1000);
    result_run_set_counter(r, RESULT_COPIED_BYTES, 0);
    result_run_add_counter(r, RESULT_INTERRUPTS, 5);
    result_run_set_failed_ops(r, 0);
    result_run_set_lost_ops(r, 0);

    result_run *s = result_run_add(res, "hba0", "pvscsi_linux", RESULT_STYLE_VMKLINUX);
    result_run_set_workload_str(s, "rw", "randread");
    result_run_set_workload_int(s, "block_size", 4096);
    result_run_set_workload_int(s, "queue_depth", -1);   // negative ints are written as such
    result_run_set_workload_int(s, "queue_depth", 32);   // replaced in place
    result_run_set_ops(s, 4);
    result_run_set_bytes(s, 16384);
    result_run_set_duration(s, 2 * SIM_US);
    result_run_set_mcycles(s, 1000, 2001, 3000);          // 1/1000 cycles
    result_run_record_latency(s, 1500);                  // 1.5 ns, exact (< 2048 ps)
    result_run_record_latency(s, 1700);
    result_run_set_failed_ops(s, 1);
    result_run_set_lost_ops(s, 2);
    result_run_set_verify_errors(s, 0);
    result_hotplug *hp = result_run_add_hotplug(s, "slot3", "surprise-removal");
    result_hotplug_add_step(hp, "presence-lost", 1500 * SIM_NS);
    result_hotplug_add_step(hp, "link-down", 1500 * SIM_NS + 250);
    result_hotplug_set_outcome(hp, "removed");
    result_hotplug_set_in_flight(hp, 32, 29, 3);
    return res;
}
