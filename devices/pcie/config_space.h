/* config_space.h — one PCI Express function's 4 KiB configuration space (PCIe Base Spec 5.0
 * §7.2.2: 256 B PCI-compatible region + extended space), with per-byte masks that make writes obey
 * the register attributes of §7.4 (RO, RW, RW1C) and a write hook a model may use for side effects.
 * The builders below are used by the fabric and by endpoint models while they build a function. */
#ifndef VMKSIM_PCIE_CONFIG_SPACE_H
#define VMKSIM_PCIE_CONFIG_SPACE_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PCIE_CFG_SPACE_SIZE     4096    /* §7.2.2 */
#define PCIE_CFG_COMPAT_SIZE    256     /* PCI-compatible region */
#define PCIE_NUM_BARS           6       /* type 0; a type-1 header has 2 (unused here) */

typedef enum pcie_bar_kind {
    PCIE_BAR_NONE = 0,
    PCIE_BAR_MEM32,
    PCIE_BAR_MEM64,     /* takes this BAR and the next (upper 32 bits) */
    PCIE_BAR_IO,
} pcie_bar_kind;

typedef struct pcie_bar {
    pcie_bar_kind kind;
    bool prefetchable;
    uint64_t size;      /* power of two: >= 16 for memory, >= 4 for I/O (§7.5.1.2.1) */
    bool upper_half;    /* this slot holds the upper 32 bits of the 64-bit BAR before it */
} pcie_bar;

typedef struct pcie_cfg pcie_cfg;

/* Called after a configuration write has been applied to storage: off/size/val as written, old is
 * the value the same bytes held before. Models use it for side effects (e.g. hot-plug commands). */
typedef void (*pcie_cfg_write_hook)(void *ctx, pcie_cfg *cfg, uint16_t off, int size, uint32_t old,
                                    uint32_t val);

struct pcie_cfg {
    uint8_t data[PCIE_CFG_SPACE_SIZE];
    uint8_t wmask[PCIE_CFG_SPACE_SIZE];     /* bits software may write (RW) */
    uint8_t w1cmask[PCIE_CFG_SPACE_SIZE];   /* bits a written 1 clears (RW1C) */
    pcie_bar bars[PCIE_NUM_BARS];
    uint8_t claimed[PCIE_CFG_SPACE_SIZE / 8];  /* bytes taken by the header or a capability */
    uint8_t last_cap;          /* offset of the last standard capability added (0: none) */
    uint8_t pm_cap;            /* offset of the Power Management capability (0: none) */
    uint16_t last_ext_cap;     /* offset of the last extended capability added (0: none) */
    pcie_cfg_write_hook hook;
    void *hook_ctx;
};

/* Resets to an all-zero, all-read-only space whose 64-byte header is claimed. */
void pcie_cfg_init(pcie_cfg *c);

/* Claims [off, off+len) for a capability; false if out of range or overlapping a claim. */
bool pcie_cfg_claim(pcie_cfg *c, uint16_t off, uint16_t len);

/* Software access (a configuration request that reached this function). size 1, 2 or 4; the
 * caller has checked alignment and range. Writes honour wmask/w1cmask, then call the hook. */
uint32_t pcie_cfg_space_read(const pcie_cfg *c, uint16_t off, int size);
void pcie_cfg_space_write(pcie_cfg *c, uint16_t off, int size, uint32_t val);

/* Builder / hardware-side access: no masks applied. */
uint8_t pcie_cfg_get8(const pcie_cfg *c, uint16_t off);
uint16_t pcie_cfg_get16(const pcie_cfg *c, uint16_t off);
uint32_t pcie_cfg_get32(const pcie_cfg *c, uint16_t off);
void pcie_cfg_set8(pcie_cfg *c, uint16_t off, uint8_t v);
void pcie_cfg_set16(pcie_cfg *c, uint16_t off, uint16_t v);
void pcie_cfg_set32(pcie_cfg *c, uint16_t off, uint32_t v);
void pcie_cfg_set_wmask16(pcie_cfg *c, uint16_t off, uint16_t m);
void pcie_cfg_set_wmask32(pcie_cfg *c, uint16_t off, uint32_t m);
void pcie_cfg_set_w1c16(pcie_cfg *c, uint16_t off, uint16_t m);
void pcie_cfg_set_w1c32(pcie_cfg *c, uint16_t off, uint32_t m);
/* Hardware sets or clears status bits (a model's event, not a software write). */
void pcie_cfg_bits16(pcie_cfg *c, uint16_t off, uint16_t set, uint16_t clear);
void pcie_cfg_bits32(pcie_cfg *c, uint16_t off, uint32_t set, uint32_t clear);

/* Common header pieces (§7.5.1.1): IDs, revision, 24-bit class code, header type, and the
 * command/status masks every PCIe function has. */
void pcie_cfg_init_common(pcie_cfg *c, uint16_t vendor, uint16_t device, uint8_t revision,
                          uint32_t class_code, uint8_t header_type);

/* Declares a BAR (type 0 header, §7.5.1.2.1). Returns false if the declaration is impossible
 * (bad index, size not a power of two or below the minimum, a 64-bit BAR in slot 5, a slot
 * already taken). The sizing protocol then follows from the masks. */
bool pcie_cfg_add_bar(pcie_cfg *c, int idx, pcie_bar_kind kind, bool prefetchable, uint64_t size);

/* Decoded address a BAR holds now (the upper half included for a 64-bit BAR). */
uint64_t pcie_cfg_bar_address(const pcie_cfg *c, int idx);

#ifdef __cplusplus
}
#endif
#endif
