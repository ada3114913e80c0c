/* vmkapi_base.c — the kernel's implementation of the vmkapi status and libc-like helpers
 * (vmkapi_status.h, vmkapi_libc.h) that modules call. */
#include <string.h>

#include "kernel_model/costs.h"
#include "kernel_model/module/module.h"
#include "vmkapi/vmkapi.h"

/* Bytes modules had the kernel copy with vmk_Memcpy (a run's copied_bytes, docs/results.md). */
static uint64_t copied_bytes;

uint64_t kern_copied_bytes(void)
{
    return copied_bytes;
}

static const char *const status_names[] = {
    "VMK_FAILURE", "VMK_WOULD_BLOCK", "VMK_NOT_FOUND", "VMK_BUSY", "VMK_EXISTS",
    "VMK_LIMIT_EXCEEDED", "VMK_BAD_PARAM", "VMK_NO_MEMORY", "VMK_NOT_SUPPORTED",
    "VMK_NOT_INITIALIZED", "VMK_INVALID_NAME", "VMK_INVALID_HANDLE",
    "VMK_VERSION_MISMATCH_MAJOR", "VMK_IO_ERROR", "VMK_TIMEOUT", "VMK_NO_SPACE",
    "VMK_BAD_ADDR_RANGE", "VMK_IGNORE", "VMK_NOT_THIS_DEVICE", "VMK_DEATH_PENDING",
    "VMK_NO_PERMISSION", "VMK_NO_RESOURCES",
};
_Static_assert(sizeof status_names / sizeof status_names[0] == VMK_STATUS_END - VMK_FAILURE,
               "one name per status code");

const char *vmk_StatusToString(VMK_ReturnStatus status)
{
    if (status == VMK_OK)
        return "VMK_OK";
    if (status >= VMK_FAILURE && status < VMK_STATUS_END)
        return status_names[status - VMK_FAILURE];
    return "VMK_UNKNOWN_STATUS";
}

/* A CPU copy of packet or I/O data: charged per byte from the cost table and counted. */
void *vmk_Memcpy(void *dst, const void *src, vmk_ByteCount len)
{
    kern_cost_charge(KERN_COST_MEMCOPY, len);
    copied_bytes += len;
    return memcpy(dst, src, len);
}

void *vmk_Memset(void *dst, int byte, vmk_ByteCount len)
{
    return memset(dst, byte, len);
}

int vmk_Memcmp(const void *a, const void *b, vmk_ByteCount len)
{
    return memcmp(a, b, len);
}

vmk_ByteCount vmk_Strnlen(const char *s, vmk_ByteCount maxlen)
{
    return strnlen(s, maxlen);
}
