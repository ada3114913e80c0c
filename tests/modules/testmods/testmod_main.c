/* testmod_main.c — the good native test module: registers with the kernel, then calls
 * testmod_hello (in its own file, so the gdb test can break there and see that file's name). */
#include "testmod.h"

static vmk_ModuleID testmod_id = VMK_INVALID_MODULE_ID;

VMK_ReturnStatus init_module(void)
{
    VMK_ReturnStatus st = vmk_ModuleRegister(&testmod_id, VMKAPI_REVISION);
    if (st != VMK_OK) {
        vmk_WarningMessage("vmk_ModuleRegister failed: %s", vmk_StatusToString(st));
        return st;
    }
    return testmod_hello(testmod_id);
}

void cleanup_module(void)
{
    vmk_LogMessage("testmod: goodbye from module %d", (int)testmod_id);
}
