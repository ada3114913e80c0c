/* testmod_initfail.c — init_module fails: the loader must unload it and report the status. */
#include "vmkapi/vmkapi.h"

VMK_ReturnStatus init_module(void)
{
    vmk_WarningMessage("testmod_initfail: refusing to start");
    return VMK_NO_MEMORY;
}
