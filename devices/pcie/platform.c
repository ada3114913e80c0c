/* platform.c — defaults and ownership for platform descriptions (platform.h). */
#include "devices/pcie/platform.h"

#include <stdlib.h>
#include <string.h>

pcie_link_params pcie_link_params_default(void)
{
    /* Gen3 x8, MPS 256, MRRS 512, 64-bit addressing: the pcie-bench model's default
     * configuration (pcie-bench/pcie-model pcie_bw.py), a common server slot. */
    pcie_link_params l = {.gen = 3, .width = 8, .mps = 256, .mrrs = 512, .addr64 = true};
    return l;
}

void platform_desc_init(platform_desc *p)
{
    memset(p, 0, sizeof *p);
    p->ncpus = 1;
    p->cpu_hz = 2400000000ULL;  /* 2.4 GHz, the clock the reference cost figures assume */
    /* Root complex + host memory share of a DMA read: pcie-bench measured a median of 533 ns for
     * an 8 B DMA read on gen3 x8 (Xeon E5-2620v3; shared/reference/pcie.md §2). The link share
     * of that read (one MRd up, one 8 B CplD down, ~7 ns at gen3 x8) is timed by the fabric;
     * the remaining 526 ns is the host side, charged once per request at the root complex. */
    p->root_complex_latency_ps = 526 * SIM_NS;
}

static void port_free(pcie_port_desc *port)
{
    if (port->kind == PCIE_NODE_SWITCH && port->sw) {
        for (int i = 0; i < port->sw->nports; i++)
            port_free(&port->sw->ports[i]);
        free(port->sw);
    }
    port->sw = NULL;
    port->kind = PCIE_NODE_EMPTY;
}

void platform_desc_free(platform_desc *p)
{
    for (int i = 0; i < p->nroot_ports; i++)
        port_free(&p->root_ports[i]);
    p->nroot_ports = 0;
}
