/* link_timing.h — the PCIe link timing model: how long any TLP occupies a link, how a DMA transfer
 * splits into TLPs, what a switch hop adds, and the effective DMA bandwidth of a link.
 * Follows the PCIe Base Specification (TLP formats §2.2, Ack/FC update guidelines §3.6 / §2.6.1,
 * completion rules §2.3.1.1) as modelled by the pcie-bench bandwidth model (Neugebauer et al.,
 * SIGCOMM 2018; github.com/pcie-bench/pcie-model). See docs/pcie-timing.md for the formulas. */
#ifndef VMKSIM_PCIE_LINK_TIMING_H
#define VMKSIM_PCIE_LINK_TIMING_H

#include <stdbool.h>
#include <stdint.h>

#include "devices/pcie/platform.h"
#include "sim/err.h"
#include "sim/sim.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Transaction layer packet kinds the model times. */
typedef enum pcie_tlp_kind {
    PCIE_TLP_MWR,   /* memory write: 3 DW header (32-bit address) or 4 DW (64-bit) + payload */
    PCIE_TLP_MRD,   /* memory read request: header only (the payload argument is ignored) */
    PCIE_TLP_CPLD,  /* completion with data: 3 DW header + payload */
    PCIE_TLP_CPL,   /* completion without data: 3 DW header (payload ignored) */
    PCIE_TLP_MSG,   /* message without data: 4 DW header (payload ignored) */
    PCIE_TLP_MSGD,  /* message with data: 4 DW header + payload */
    PCIE_TLP_MSI,   /* MSI/MSI-X: a memory write of one DW (payload argument ignored: always 4 B) */
} pcie_tlp_kind;

const char *pcie_tlp_kind_name(pcie_tlp_kind kind);

/* ---- link parameters ---- */

/* Checks gen (1-5), width (1, 2, 4, 8, 16), MPS and MRRS (128..4096, powers of two). On a bad
 * value returns -1 with a message such as "width: 7 is not one of 1, 2, 4, 8, 16". */
int pcie_link_validate(const pcie_link_params *l, sim_err *err);
/* Read Completion Boundary: 64 or 128 bytes (PCIe Base Spec §2.3.1.1, Link Control RCB bit). */
int pcie_rcb_validate(int rcb, sim_err *err);

/* Raw bit rate after line encoding, all lanes: GT/s x encoding efficiency x width (Gb/s). */
double pcie_link_raw_gbps(const pcie_link_params *l);
/* Share of the raw rate taken by Ack and UpdateFC DLLPs sent at the spec's recommended intervals
 * for this width and MPS, and by SKIP ordered sets. */
double pcie_link_dllp_share(const pcie_link_params *l);
/* Rate left for TLPs (framing included): raw x (1 - dllp share), Gb/s. */
double pcie_link_tlp_gbps(const pcie_link_params *l);

/* ---- one TLP ---- */

/* Bytes a TLP puts on the link besides its payload: framing and data-link layer (sequence
 * number, LCRC, start/end) plus the TLP header for this kind and the link's addressing. */
uint32_t pcie_tlp_overhead_bytes(const pcie_link_params *l, pcie_tlp_kind kind);
/* All link bytes of one TLP; the payload is rounded up to whole DWs as on the wire. */
uint64_t pcie_tlp_wire_bytes(const pcie_link_params *l, pcie_tlp_kind kind, uint32_t payload);
/* Time the link needs to carry bytes at the TLP-layer rate (Ack/FC/SKIP share amortised). */
sim_time_t pcie_link_bytes_ps(const pcie_link_params *l, uint64_t bytes);
/* Time one TLP occupies the link: pcie_link_bytes_ps(pcie_tlp_wire_bytes(...)). */
sim_time_t pcie_link_tlp_ps(const pcie_link_params *l, pcie_tlp_kind kind, uint32_t payload);

/* ---- switch hops ---- */

/* PLX Gen2 ExpressLane switches, cut-through: "low latency down to 140ns"
 * (plxtech.com newsletter 0907; shared/reference/pcie.md §2). */
#define PCIE_SWITCH_LATENCY_PS_DEFAULT (140 * SIM_NS)

/* Delay a switch adds to a TLP arriving on `ingress`. Cut-through forwards once the header is
 * in: the fixed latency only. Store-and-forward must receive the whole TLP (to check its LCRC)
 * before forwarding: latency + the TLP's serialisation time on the ingress link. */
sim_time_t pcie_hop_ps(const pcie_link_params *ingress, bool cut_through, sim_time_t latency_ps,
                       pcie_tlp_kind kind, uint32_t payload);

/* ---- splitting DMA into TLPs ---- */

/* How the completer answers read requests, and how payload bytes are counted. */
typedef struct pcie_dma_opts {
    uint32_t rcb;      /* Read Completion Boundary, 64 or 128 */
    bool rcb_chunks;   /* true: one completion per RCB-aligned block (seen on older chipsets,
                        * pcie-bench's rcb_chunks); false: completions up to MPS, ending on RCB
                        * boundaries (PCIe Base Spec §2.3.1.1) */
    bool pad_to_dw;    /* true: payloads occupy whole DWs, including the byte offset of an
                        * unaligned start (the TLP Length field counts DWs, §2.2.2);
                        * false: bytes as given (pcie-bench's convention) */
} pcie_dma_opts;

/* rcb 64, completions up to MPS, payload padded to DWs: what the simulator's DMA uses. */
pcie_dma_opts pcie_dma_opts_default(void);

/* Length of the next TLP of a transfer at addr with `remaining` bytes left (remaining > 0).
 * Memory writes: at most MPS; read requests: at most MRRS; neither crosses a 4 KiB boundary
 * (§2.2.7). Completions of one read request: at most MPS and every completion but the last ends
 * on an RCB boundary (or, with rcb_chunks, at the next RCB boundary). */
uint32_t pcie_split_mwr(const pcie_link_params *l, uint64_t addr, uint64_t remaining);
uint32_t pcie_split_mrd(const pcie_link_params *l, uint64_t addr, uint64_t remaining);
uint32_t pcie_split_cpld(const pcie_link_params *l, const pcie_dma_opts *o, uint64_t addr,
                         uint64_t remaining);

/* Link bytes and TLP counts of one DMA transfer, by direction as seen from the device:
 * up = device to host (MWr, MRd), down = host to device (CplD). */
typedef struct pcie_dma_cost {
    uint64_t mwr, mrd, cpld;          /* TLP counts */
    uint64_t up_bytes, down_bytes;    /* link bytes incl. headers, framing and payload */
} pcie_dma_cost;

/* Adds the cost of a DMA write (device -> host memory) of len bytes at addr to *c. */
void pcie_dma_write_cost(const pcie_link_params *l, const pcie_dma_opts *o, uint64_t addr,
                         uint64_t len, pcie_dma_cost *c);
/* Adds the cost of a DMA read (host memory -> device): MRd requests up, CplD completions down. */
void pcie_dma_read_cost(const pcie_link_params *l, const pcie_dma_opts *o, uint64_t addr,
                        uint64_t len, pcie_dma_cost *c);

/* ---- effective bandwidth (the pcie-bench model) ---- */

typedef struct pcie_bw_result {
    double raw_gbps;    /* pcie_link_raw_gbps */
    double tlp_gbps;    /* pcie_link_tlp_gbps */
    double write_gbps;  /* back-to-back DMA writes of `size` bytes */
    double read_gbps;   /* back-to-back DMA reads of `size` bytes */
    double rw_gbps;     /* reads and writes of `size` bytes at once: data rate of each stream */
    pcie_dma_cost write, read;  /* per-transfer costs behind the figures */
} pcie_bw_result;

/* Effective bandwidth of repeated DMA transfers of `size` bytes starting at address 0 on link l.
 * Each direction of the link carries tlp_gbps; a transfer stream runs as fast as its busier
 * direction allows. Returns -1 (with a message) for an invalid link, RCB or a size of 0. */
int pcie_bw_compute(const pcie_link_params *l, const pcie_dma_opts *o, uint64_t size,
                    pcie_bw_result *r, sim_err *err);

#ifdef __cplusplus
}
#endif
#endif
