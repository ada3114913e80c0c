/* pvscsi_test_osdep.c — the pvscsi_osdep.h hooks for the pvscsi_hw tests (see
 * pvscsi_test_osdep.h), implemented on the PCIe data path and the simulation engine. */
#include "tests/native_pvscsi/pvscsi_test_osdep.h"

#include <stdio.h>

#include "drivers/common/pvscsi/pvscsi_osdep.h"
#include "sim/sim.h"

pvscsi_u32 pvscsi_osdep_read32(void *os, pvscsi_u32 reg)
{
    pvscsi_test_os *o = os;
    o->reads++;
    return (pvscsi_u32)pcie_mmio_read(o->fabric, o->bar + reg, 4);
}

void pvscsi_osdep_write32(void *os, pvscsi_u32 reg, pvscsi_u32 value)
{
    pvscsi_test_os *o = os;
    o->writes++;
    pcie_mmio_write(o->fabric, o->bar + reg, 4, value);
}

void pvscsi_osdep_udelay(void *os, pvscsi_u32 usec)
{
    pvscsi_test_os *o = os;
    o->delayed_us += usec;
    sim_wait((sim_time_t)usec * SIM_US);
}

void pvscsi_osdep_debug(void *os, const char *msg, pvscsi_u32 a, pvscsi_u32 b)
{
    pvscsi_test_os *o = os;
    o->debug_lines++;
    snprintf(o->last_debug, sizeof o->last_debug, "%s 0x%x 0x%x", msg, a, b);
}
