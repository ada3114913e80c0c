/* vmkapi_module.h — module identity, registration, the current-module stack and the .modinfo
 * metadata macros. Names follow vmkapi v2.3 (core/vmkapi_module.h): vmk_ModuleID,
 * vmk_ModuleRegister, vmk_ModuleCurrentID, VMKAPI_MODULE_CALL. The .modinfo layout (NUL-separated
 * "key=value" strings) is vmksim's, documented in docs/modules.md. */
#ifndef VMKAPI_MODULE_H
#define VMKAPI_MODULE_H

#include "vmkapi/vmkapi_status.h"
#include "vmkapi/vmkapi_types.h"

/* A loaded module's ID. 0 is the kernel itself; modules get 1, 2, ... in load order. */
typedef vmk_int32 vmk_ModuleID;
#define VMK_INVALID_MODULE_ID ((vmk_ModuleID)-1)
#define VMK_KERNEL_MODULE_ID ((vmk_ModuleID)0)

/* Revision numbers: major.minor.update.patch packed one byte each (vmkapi's layout). */
#define VMK_REVISION_FROM_NUMBERS(major, minor, update, patch) \
    ((vmk_uint32)(((major) << 24) | ((minor) << 16) | ((update) << 8) | (patch)))
#define VMK_REVISION_MAJOR(rev) (((rev) >> 24) & 0xff)
#define VMKAPI_REVISION VMK_REVISION_FROM_NUMBERS(2, 3, 0, 0)

/* Longest module name including its NUL (the loader refuses longer names). */
#define VMK_MODULE_NAME_MAX 64

#ifdef VMK_BUILDING_MODULE
/* Defined in every module by the glue vmksim_add_module() generates; the loader stores the
 * module's ID here before init_module runs. */
extern vmk_ModuleID vmk_ModuleCurrentID;
#endif

/* Returns the calling module's ID in *id. Valid only while the module's init_module runs;
 * VMK_VERSION_MISMATCH_MAJOR if vmkApiRevision's major differs from the kernel's. */
VMK_ReturnStatus vmk_ModuleRegister(vmk_ModuleID *id, vmk_uint32 vmkApiRevision);

/* The ID of the loaded module called name, or VMK_INVALID_MODULE_ID. */
vmk_ModuleID vmk_ModuleGetID(const char *name);

/* Copies the module's name (NUL-terminated, truncated to len) into name; id 0 is "vmkernel". */
VMK_ReturnStatus vmk_ModuleGetName(vmk_ModuleID id, char *name, vmk_ByteCount len);

/* The current-module stack: the module whose code runs now, for attribution of cost and of
 * resources. Every call from one module into another goes through VMKAPI_MODULE_CALL. */
VMK_ReturnStatus vmk_ModulePushId(vmk_ModuleID id);
void vmk_ModulePopId(void);
vmk_ModuleID vmk_ModuleStackTop(void);

#define VMKAPI_MODULE_CALL(moduleID, returnValue, function, ...) \
    do {                                                          \
        vmk_ModulePushId(moduleID);                               \
        (returnValue) = function(__VA_ARGS__);                    \
        vmk_ModulePopId();                                        \
    } while (0)
#define VMKAPI_MODULE_CALL_VOID(moduleID, function, ...) \
    do {                                                  \
        vmk_ModulePushId(moduleID);                       \
        function(__VA_ARGS__);                            \
        vmk_ModulePopId();                                \
    } while (0)

/* ---- .modinfo metadata: one NUL-terminated "key=value" string per entry ----
 * vmksim_add_module() generates name, version, license, api and depends from its arguments;
 * a module must not repeat them by hand (the loader refuses duplicate keys). */
#define VMK_MODINFO_ENTRY(tag, keyvalue) \
    static const char tag[] __attribute__((section(".modinfo"), used, aligned(1))) = keyvalue
#define VMK_NAME_INFO(name) VMK_MODINFO_ENTRY(vmk_modinfo_name, "name=" name)
#define VMK_VERSION_INFO(version) VMK_MODINFO_ENTRY(vmk_modinfo_version, "version=" version)
#define VMK_LICENSE_INFO(license) VMK_MODINFO_ENTRY(vmk_modinfo_license, "license=" license)
#define VMK_API_INFO(api) VMK_MODINFO_ENTRY(vmk_modinfo_api, "api=" api)
#define VMK_DEPENDS_INFO(deps) VMK_MODINFO_ENTRY(vmk_modinfo_depends, "depends=" deps)

#ifdef VMK_BUILDING_MODULE
/* Entry points every module defines: init_module returns VMK_OK or the load fails;
 * cleanup_module (optional) runs at unload. */
VMK_ReturnStatus init_module(void);
void cleanup_module(void);
#endif

#endif
