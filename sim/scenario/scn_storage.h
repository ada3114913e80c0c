/* scn_storage.h — what the storage half of the scenario API shares between scn_storage.c (the
 * HBAs a scenario touched, driver{} for them, disk{}) and scn_io.c (the io{} measured run).
 * Private to sim/scenario/; the Lua API is in docs/scenarios.md ("Storage workloads"). */
#ifndef VMKSIM_SCN_STORAGE_H
#define VMKSIM_SCN_STORAGE_H

#include "devices/hba/pvscsi.h"
#include "kernel_model/scsi/scsi.h"
#include "sim/scenario/scn_net.h"

#define SCN_HBA_MAX 16           /* HBAs with a driver or disks in one scenario (our own limit) */
#define SCN_STORAGE_LOG "scenario.storage"

/* One PVSCSI HBA the scenario touched. */
typedef struct scn_hba {
    char name[PLATFORM_NAME_LEN];
    pvscsi *dev;
    kern_pci_dev *pdev;
    kern_module *mod;            /* the driver module bound to it (the Linux driver under
                                  * vmklinux), NULL if none */
    result_style style;
    scsi_disk *disks[PVSCSI_MAX_TARGETS];   /* LUN 0 of each target attached by disk{} (the
                                              * controller owns them) */
} scn_hba;

/* The HBA named name (a "pvscsi" endpoint of the booted platform), recorded on first use;
 * raises "what: ..." when there is none. */
scn_hba *scn_storage_hba(lua_State *L, const char *what, const char *name);
/* The storage layer's adapter for the HBA: the kern_scsi_adapter whose device's parent is the
 * HBA's PCI function (both driver styles publish it that way); NULL if there is none. */
kern_scsi_adapter *scn_storage_adapter(const scn_hba *h);
/* Runs the simulation until the adapter's discovery is over, at most timeout of simulated
 * time; false if it was not. */
bool scn_storage_wait_scanned(kern_scsi_adapter *a, sim_time_t timeout);
/* "64MiB", "4KiB", "512", or an integer: bytes. Raises "what: field = ..." otherwise. */
uint64_t scn_storage_bytes(lua_State *L, int idx, const char *what, const char *field,
                           bool *present);

/* Registers disk{} and io{}. */
void scn_register_storage(lua_State *L);
void scn_register_io(lua_State *L);

#endif
