/* testmod_libc.c — reaches for libc (malloc), which the process has but the kernel does not
 * export: the loader must refuse it, naming 'malloc'. */
#include "vmkapi/vmkapi.h"

void *malloc(vmk_ByteCount size);

VMK_ReturnStatus init_module(void)
{
    return malloc(16) ? VMK_OK : VMK_NO_MEMORY;
}
