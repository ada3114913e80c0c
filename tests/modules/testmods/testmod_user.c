/* testmod_user.c — depends on testmod_dep and calls its export across modules, through
 * VMKAPI_MODULE_CALL so the callee runs with its own ID on the module stack. */
#include "vmkapi/vmkapi.h"

int testdep_add(int a, int b);
extern int testdep_calls;

VMK_ReturnStatus init_module(void)
{
    int sum = 0;
    int before = testdep_calls;
    vmk_ModuleID dep = vmk_ModuleGetID("testmod_dep");
    if (dep == VMK_INVALID_MODULE_ID || dep == vmk_ModuleCurrentID)
        return VMK_NOT_FOUND;
    VMKAPI_MODULE_CALL(dep, sum, testdep_add, 2, 3);
    if (sum != 5 || testdep_calls != before + 1 || vmk_ModuleStackTop() != vmk_ModuleCurrentID)
        return VMK_FAILURE;
    vmk_LogMessage("testmod_user: testdep_add(2, 3) = %d", sum);
    return VMK_OK;
}
