/* intr.h — the kernel's interrupt core: the x86 vector table, MSI address/data encoding and
 * decoding (Intel SDM vol. 3 §11.11: address 0xFEE0_0000 | dest APIC ID << 12, data = vector,
 * fixed delivery, edge), level-triggered INTx lines shared by several handlers, and dispatch of an
 * arriving interrupt in an interrupt context on a simulated CPU (docs/kernel-services.md).
 * A vmk_IntrCookie IS a vector number (include/vmkapi/vmkapi_intr.h). */
#ifndef VMKSIM_KERN_INTR_H
#define VMKSIM_KERN_INTR_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/err.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Intel SDM vol. 3 §6.2: vectors 0-31 are reserved for exceptions; 32-255 are free for external
 * interrupts. The kernel hands out device vectors from KERN_INTR_VEC_FIRST upwards. */
#define KERN_INTR_VEC_FIRST 32
#define KERN_INTR_VEC_LAST 255
#define KERN_INTR_NVEC 256
/* Intel SDM vol. 3 §11.11.1: the MSI address range, 0xFEEx_xxxx; bits 19:12 = destination ID. */
#define KERN_MSI_ADDR_BASE 0xFEE00000ULL
#define KERN_MSI_ADDR_MASK 0xFFF00000ULL
#define KERN_MSI_DEST_SHIFT 12
/* Intel SDM vol. 3 §11.11.2: data bits 7:0 = vector, 10:8 = delivery mode (000 fixed),
 * 15 = trigger mode (0 edge). */
#define KERN_MSI_DATA_VECTOR_MASK 0xFFu
#define KERN_MSI_DATA_DELIVERY_MASK 0x700u

/* Allocates a free vector for owner_id (module id; 0 = kernel), named name (copied; shown in
 * logs), and returns the MSI address/data a device must write to raise it. Returns the vector
 * (>= KERN_INTR_VEC_FIRST), or -1 with err set when the table is full. */
int kern_intr_vector_alloc(int owner_id, const char *name, uint64_t *msi_addr, uint32_t *msi_data,
                           sim_err *err);
/* Frees a vector (unregistering any handler still on it). Unknown/free vectors are ignored. */
void kern_intr_vector_free(int vector);

/* Allocates the vector of a legacy INTx line: requester is the Requester ID of a function whose
 * interrupts arrive as Assert/Deassert_INTx with pin 1..4 (INTA..INTD). Every function sharing
 * the same line (same pin at the root: one line per pin) gets the same vector; handlers
 * registered on it are all called while the line is asserted. Returns the vector or -1. */
int kern_intr_intx_vector(int owner_id, const char *name, uint16_t requester, int pin,
                          sim_err *err);

/* Encodes/decodes the x86 MSI format. decode returns false (not an interrupt this kernel
 * accepts) for an address outside 0xFEEx_xxxx, a non-fixed delivery mode, or a vector < 32. */
void kern_msi_encode(int vector, int dest_apic, uint64_t *addr, uint32_t *data);
bool kern_msi_decode(uint64_t addr, uint32_t data, int *vector, int *dest_apic);

/* Handler registration (the core of vmk_IntrRegister). ack may be NULL. ack returns a
 * vmk_ReturnStatus: VMK_OK = the interrupt is this device's, run the handler; VMK_NOT_THIS_DEVICE
 * = a shared line raised by someone else, skip the handler; VMK_IGNORE = spurious, skip it. */
typedef int (*kern_intr_ack_fn)(void *handler_data, uint32_t vector);
typedef void (*kern_intr_handler_fn)(void *handler_data, uint32_t vector);
int kern_intr_register(int owner_id, int vector, const char *device_name, kern_intr_ack_fn ack,
                       kern_intr_handler_fn handler, void *handler_data, sim_err *err);
/* Removes the registration of handler_data on vector (each registration is identified by the
 * pair). -1 if there is none. */
int kern_intr_unregister(int vector, void *handler_data, sim_err *err);
int kern_intr_enable(int vector, sim_err *err);
int kern_intr_disable(int vector, sim_err *err);
/* Waits until no handler of vector is running (one may be waiting for a register read). Refused
 * from the CPU's own interrupt context and from contexts that cannot wait. */
int kern_intr_sync(int vector, sim_err *err);

/* Delivers vector now (the MSI/INTx host ops call this): queues it on the target CPU, whose
 * interrupt thread charges the dispatch cost to the CPU's interrupt world and runs each
 * registered ack + handler with the registering module as current module, in arrival order.
 * A disabled vector is remembered pending; enabling it delivers it. */
void kern_intr_deliver(int vector);

/* The fabric's host ops call these (installed by kern_boot through kern_host_install). */
void kern_intr_msi_arrived(uint16_t requester, uint64_t addr, uint32_t data);
void kern_intr_intx_arrived(uint16_t requester, int pin, bool asserted);

/* ---- queries (tests, results) ---- */
bool kern_intr_in_interrupt(void);           /* true in a CPU's interrupt context (its thread) */
uint64_t kern_intr_count(int vector);        /* handler runs on vector */
uint64_t kern_intr_total(void);              /* dispatches on every vector */
uint64_t kern_intr_spurious(void);           /* MSIs/INTx with no taker, bad MSI format */
int kern_intr_owner(int vector);             /* owner of an allocated vector, -1 if free */
/* Frees every vector (kernel shutdown / between tests). */
void kern_intr_reset(void);

#ifdef __cplusplus
}
#endif
#endif
