/* testmod_missing.c — calls a function the kernel does not export: the loader must refuse it,
 * naming the module and 'vmk_NoSuchCall'. */
#include "vmkapi/vmkapi.h"

VMK_ReturnStatus vmk_NoSuchCall(int x);

VMK_ReturnStatus init_module(void)
{
    return vmk_NoSuchCall(1);
}
