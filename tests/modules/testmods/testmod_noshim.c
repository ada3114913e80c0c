/* testmod_noshim.c — declared api=vmklinux but does not depend on the vmklinux shim: refused as
 * an api mismatch. */
#include "vmkapi/vmkapi.h"

int printk(const char *fmt, ...);

VMK_ReturnStatus init_module(void)
{
    printk("hello\n");
    return VMK_OK;
}
