/* testmod_dep.c — a library module: exports testdep_add and a counter of the calls that arrived
 * with this module on top of the module stack (as VMKAPI_MODULE_CALL arranges). */
#include "vmkapi/vmkapi.h"

int testdep_calls;

int testdep_add(int a, int b)
{
    if (vmk_ModuleStackTop() == vmk_ModuleCurrentID)
        testdep_calls++;
    return a + b;
}

VMK_ReturnStatus init_module(void)
{
    vmk_LogMessage("testmod_dep: ready");
    return VMK_OK;
}

void cleanup_module(void)
{
    vmk_LogMessage("testmod_dep: %d calls served", testdep_calls);
}
