/* linux/module.h — module_init/module_exit and the MODULE_* tags. Mirrors Linux's
 * include/linux/module.h by name. A Linux driver module is linked with vmklinux's per-driver glue
 * (kernel_model/vmklinux/glue/vmklinux_module.c): its init_module registers the module with
 * vmklinux (which creates the module's heap) and then runs the function named by module_init, as
 * the real shim's vmk_early_init_module does (reference/vmkapi.md §3). module_init/module_exit
 * name that function through hidden hooks, so nothing extra is exported. The module's name,
 * version, license and dependencies come from its build (vmksim_add_module), so MODULE_LICENSE
 * and friends record nothing. */
#ifndef _VMKLNX_LINUX_MODULE_H
#define _VMKLNX_LINUX_MODULE_H

#include <linux/init.h>
#include <linux/types.h>

struct module;
#define THIS_MODULE ((struct module *)0)

#define module_init(fn)                                                         \
    __attribute__((visibility("hidden"))) int vmklnx_module_init_hook(void);    \
    __attribute__((visibility("hidden"))) int vmklnx_module_init_hook(void) { return fn(); }
#define module_exit(fn)                                                         \
    __attribute__((visibility("hidden"))) void vmklnx_module_exit_hook(void);   \
    __attribute__((visibility("hidden"))) void vmklnx_module_exit_hook(void) { fn(); }

#define MODULE_LICENSE(x) _Static_assert(1, "MODULE_LICENSE")
#define MODULE_AUTHOR(x) _Static_assert(1, "MODULE_AUTHOR")
#define MODULE_DESCRIPTION(x) _Static_assert(1, "MODULE_DESCRIPTION")
#define MODULE_VERSION(x) _Static_assert(1, "MODULE_VERSION")
#define MODULE_DEVICE_TABLE(type, name) _Static_assert(1, "MODULE_DEVICE_TABLE")
#define EXPORT_SYMBOL(sym) _Static_assert(1, "EXPORT_SYMBOL")
#define EXPORT_SYMBOL_GPL(sym) _Static_assert(1, "EXPORT_SYMBOL_GPL")

#endif
