/* test_osdep.c — the e1000_osdep.h hooks for the e1000hw tests (see test_osdep.h): the contract
 * an OS glue fulfils, implemented on the PCIe data path and the simulation engine. */
#include "tests/e1000hw/test_osdep.h"

#include <stdio.h>

#include "drivers/common/e1000/e1000_osdep.h"
#include "sim/sim.h"

e1000_u32 e1000_osdep_read32(void *os, e1000_u32 reg)
{
    e1000_test_os *o = os;
    o->reads++;
    return (e1000_u32)pcie_mmio_read(o->fabric, o->bar0 + reg, 4);
}

void e1000_osdep_write32(void *os, e1000_u32 reg, e1000_u32 value)
{
    e1000_test_os *o = os;
    o->writes++;
    pcie_mmio_write(o->fabric, o->bar0 + reg, 4, value);
}

void e1000_osdep_udelay(void *os, e1000_u32 usec)
{
    e1000_test_os *o = os;
    o->delayed_us += usec;
    sim_wait((sim_time_t)usec * SIM_US);
}

void e1000_osdep_debug(void *os, const char *msg, e1000_u32 a, e1000_u32 b)
{
    e1000_test_os *o = os;
    o->debug_lines++;
    snprintf(o->last_debug, sizeof o->last_debug, "%s 0x%x 0x%x", msg, a, b);
}
