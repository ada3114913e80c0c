/* linux_module.c — the vmklinux shim module itself and its registry of Linux modules. Its
 * init_module registers vmklinux as a native module (heap, timer queue, work world, the one
 * native driver "vmklinux"); a Linux driver's glue calls vmklnx_module_init, which creates the
 * driver's own heap and runs its module_init as the driver's module, as the real shim's
 * vmk_early_init_module does (reference/vmkapi.md §3 "Per-driver glue"). */
#include "kernel_model/vmklinux/vmklinux_internal.h"

#include <linux/errno.h>

vmk_ModuleID vmklnx_id = VMK_INVALID_MODULE_ID;
vmk_HeapID vmklnx_heap = VMK_INVALID_HEAP_ID;
static vmklnx_module *modules;

/* vmklinux's own heap: pci_dev records, IRQ actions, lock records. 4 MiB holds thousands of each. */
#define VMKLNX_HEAP_MAX (4u << 20)

void *vmklnx_zalloc(vmk_ByteCount size)
{
    void *p = vmk_HeapAlloc(vmklnx_heap, size);
    if (p)
        vmk_Memset(p, 0, size);
    return p;
}

void vmklnx_free(void *p)
{
    if (p)
        vmk_HeapFree(vmklnx_heap, p);
}

VMK_ReturnStatus vmklnx_errno_to_status(int err)
{
    switch (err) {
    case 0: return VMK_OK;
    case -ENOMEM: return VMK_NO_MEMORY;
    case -ENODEV: case -ENOENT: case -ENXIO: return VMK_NOT_FOUND;
    case -EBUSY: return VMK_BUSY;
    case -EINVAL: return VMK_BAD_PARAM;
    case -EIO: return VMK_IO_ERROR;
    case -ETIMEDOUT: return VMK_TIMEOUT;
    case -ENOSPC: return VMK_NO_SPACE;
    case -EPERM: return VMK_NO_PERMISSION;
    case -EEXIST: return VMK_EXISTS;
    case -ENOSYS: return VMK_NOT_SUPPORTED;
    default: return VMK_FAILURE;
    }
}

int vmklnx_status_to_errno(VMK_ReturnStatus st)
{
    switch (st) {
    case VMK_OK: return 0;
    case VMK_NO_MEMORY: return -ENOMEM;
    case VMK_NOT_FOUND: return -ENODEV;
    case VMK_BUSY: return -EBUSY;
    case VMK_BAD_PARAM: return -EINVAL;
    case VMK_TIMEOUT: return -ETIMEDOUT;
    case VMK_NO_SPACE: case VMK_NO_RESOURCES: return -ENOSPC;
    case VMK_NO_PERMISSION: return -EPERM;
    case VMK_EXISTS: return -EEXIST;
    case VMK_NOT_SUPPORTED: return -ENOSYS;
    default: return -EIO;
    }
}

vmklnx_module *vmklnx_module_find(vmk_ModuleID id)
{
    for (vmklnx_module *m = modules; m; m = m->next)
        if (m->id == id)
            return m;
    return NULL;
}

vmk_Bool vmklnx_module_live(const vmklnx_module *m)
{
    for (vmklnx_module *it = modules; it; it = it->next)
        if (it == m)
            return VMK_TRUE;
    return VMK_FALSE;
}

vmklnx_module *vmklnx_module_current(const char *what)
{
    vmk_ModuleID id = vmk_ModuleStackTop();
    vmklnx_module *m = vmklnx_module_find(id);
    if (!m)
        vmk_WarningMessage("vmklinux: %s called by module %d, which is not a Linux module "
                           "registered with vmklinux", what, (int)id);
    return m;
}

static void module_forget(vmklnx_module *m)
{
    for (vmklnx_module **pp = &modules; *pp; pp = &(*pp)->next) {
        if (*pp == m) {
            *pp = m->next;
            break;
        }
    }
    vmklnx_pci_module_exit(m);
    vmklnx_scsi_module_exit(m);
    vmklnx_time_module_exit(m);
    vmklnx_locks_module_exit(m);
    vmklnx_mem_module_exit(m);
    vmklnx_free(m);
}

/* Called by a Linux module's glue (its init_module) with the module's own ID and its
 * module_init function. */
VMK_ReturnStatus vmklnx_module_init(vmk_ModuleID id, int (*init_fn)(void))
{
    if (id != vmk_ModuleStackTop()) {
        vmk_WarningMessage("vmklinux: module %d registers outside its own init_module", (int)id);
        return VMK_NOT_SUPPORTED;
    }
    if (vmklnx_module_find(id))
        return VMK_EXISTS;
    vmklnx_module *m = vmklnx_zalloc(sizeof *m);
    if (!m)
        return VMK_NO_MEMORY;
    m->id = id;
    vmk_ModuleGetName(id, m->name, sizeof m->name);
    VMK_ReturnStatus st = vmklnx_mem_module_init(m);
    if (st != VMK_OK) {
        vmklnx_free(m);
        return st;
    }
    m->next = modules;
    modules = m;
    int rc = 0;
    if (init_fn)
        VMKAPI_MODULE_CALL(id, rc, init_fn);
    if (rc != 0) {
        vmk_WarningMessage("vmklinux: module_init of %s failed: %d", m->name, rc);
        module_forget(m);
        return vmklnx_errno_to_status(rc);
    }
    vmk_LogMessage("vmklinux: Linux module %s registered (id %d)", m->name, (int)id);
    return VMK_OK;
}

/* Called by a Linux module's glue (its cleanup_module): runs module_exit as the module, then
 * takes back what the module left (drivers, timers, work, locks; its heap's leaks are
 * counted against it). */
void vmklnx_module_exit(vmk_ModuleID id, void (*exit_fn)(void))
{
    vmklnx_module *m = vmklnx_module_find(id);
    if (!m) {
        vmk_WarningMessage("vmklinux: module %d exits but never registered", (int)id);
        return;
    }
    if (exit_fn)
        VMKAPI_MODULE_CALL_VOID(id, exit_fn);
    module_forget(m);
}

VMK_ReturnStatus init_module(void)
{
    vmk_ModuleID id;
    VMK_ReturnStatus st = vmk_ModuleRegister(&id, VMKAPI_REVISION);
    if (st != VMK_OK)
        return st;
    vmklnx_id = id;
    vmk_HeapCreateProps hp;
    vmk_Memset(&hp, 0, sizeof hp);
    hp.type = VMK_HEAP_TYPE_SIMPLE;
    vmk_Memcpy(hp.name.string, "vmklinux", 9);
    hp.module = id;
    hp.initial = 0;
    hp.max = VMKLNX_HEAP_MAX;
    if ((st = vmk_HeapCreate(&hp, &vmklnx_heap)) != VMK_OK)
        return st;
    if ((st = vmklnx_time_init()) != VMK_OK) {
        vmk_HeapDestroy(vmklnx_heap);
        return st;
    }
    if ((st = vmklnx_skb_init()) != VMK_OK) {
        vmklnx_time_cleanup();
        vmk_HeapDestroy(vmklnx_heap);
        return st;
    }
    /* Last: devices are offered to the driver once init_module returns. */
    if ((st = vmklnx_pci_init()) != VMK_OK) {
        vmklnx_skb_cleanup();
        vmklnx_time_cleanup();
        vmk_HeapDestroy(vmklnx_heap);
        return st;
    }
    return VMK_OK;
}

void cleanup_module(void)
{
    vmklnx_pci_cleanup();
    while (modules) {   /* cannot happen: the loader keeps vmklinux while a dependent lives */
        vmk_WarningMessage("vmklinux: unloading with Linux module %s registered",
                           modules->name);
        module_forget(modules);
    }
    vmklnx_skb_cleanup();
    vmklnx_time_cleanup();
    vmk_HeapDestroy(vmklnx_heap);
    vmklnx_heap = VMK_INVALID_HEAP_ID;
}
