/* testmod_hello.c — the function the gdb test breaks in. Checks what the loader promised: the
 * registered ID equals vmk_ModuleCurrentID and the top of the module stack, and the kernel knows
 * the module by its .modinfo name. */
#include "testmod.h"

VMK_ReturnStatus testmod_hello(vmk_ModuleID id)
{
    char name[VMK_MODULE_NAME_MAX];
    if (id != vmk_ModuleCurrentID || id != vmk_ModuleStackTop())
        return VMK_INVALID_HANDLE;
    if (vmk_ModuleGetName(id, name, sizeof name) != VMK_OK ||
        vmk_Memcmp(name, "testmod", vmk_Strnlen(name, sizeof name) + 1) != 0)
        return VMK_INVALID_NAME;
    vmk_LogMessage("testmod: hello from module %d (%s)", (int)id, name);
    return VMK_OK;
}
