/* vmklinux_module.c — the per-driver glue compiled into every Linux driver module (as the real
 * shim's vmkdrivers common/vmklinux_module.c is; reference/vmkapi.md §3 "Per-driver glue"). Its
 * init_module hands the module's ID and its module_init function to vmklinux, which creates the
 * module's heap and runs the function as the module; cleanup_module does the same for
 * module_exit. It calls only vmklinux exports, as an api=vmklinux module must. */
#include "vmkapi/vmkapi_module.h"

/* vmklinux exports (linux_module.c). */
VMK_ReturnStatus vmklnx_module_init(vmk_ModuleID id, int (*init_fn)(void));
void vmklnx_module_exit(vmk_ModuleID id, void (*exit_fn)(void));

/* Defined by module_init / module_exit (linux/module.h); hidden, so never exported. A driver
 * without module_exit leaves the weak reference 0. */
__attribute__((visibility("hidden"))) int vmklnx_module_init_hook(void);
__attribute__((weak, visibility("hidden"))) void vmklnx_module_exit_hook(void);

VMK_ReturnStatus init_module(void)
{
    return vmklnx_module_init(vmk_ModuleCurrentID, vmklnx_module_init_hook);
}

void cleanup_module(void)
{
    vmklnx_module_exit(vmk_ModuleCurrentID, vmklnx_module_exit_hook);
}
