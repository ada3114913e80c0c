/* linux/kernel.h — printk and its log levels, pr_* helpers, min/max. Mirrors Linux's
 * include/linux/printk.h + kernel.h: a level is the KERN_SOH byte followed by a digit at the
 * start of the format (Linux's kern_levels.h). printk is vmklinux's (linux_printk.c): formatted
 * by vmklinux itself and written to the kernel log under the calling module's name. */
#ifndef _VMKLNX_LINUX_KERNEL_H
#define _VMKLNX_LINUX_KERNEL_H

#include <linux/types.h>
#include <linux/errno.h>

#define KERN_SOH "\001"
#define KERN_EMERG KERN_SOH "0"
#define KERN_ALERT KERN_SOH "1"
#define KERN_CRIT KERN_SOH "2"
#define KERN_ERR KERN_SOH "3"
#define KERN_WARNING KERN_SOH "4"
#define KERN_NOTICE KERN_SOH "5"
#define KERN_INFO KERN_SOH "6"
#define KERN_DEBUG KERN_SOH "7"

typedef __builtin_va_list va_list;
#define va_start(ap, last) __builtin_va_start(ap, last)
#define va_end(ap) __builtin_va_end(ap)
#define va_arg(ap, type) __builtin_va_arg(ap, type)

int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintk(const char *fmt, va_list args) __attribute__((format(printf, 1, 0)));
/* Exported as vmklnx_* because libc's names come first in a module's symbol lookup scope
 * (docs/modules.md "Loading"): a driver must bind to vmklinux's formatter, not the host's. */
int vmklnx_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int vmklnx_vsnprintf(char *buf, size_t size, const char *fmt, va_list args)
    __attribute__((format(printf, 3, 0)));
#define snprintf vmklnx_snprintf
#define vsnprintf vmklnx_vsnprintf

#define pr_err(fmt, ...) printk(KERN_ERR fmt, ##__VA_ARGS__)
#define pr_warn(fmt, ...) printk(KERN_WARNING fmt, ##__VA_ARGS__)
#define pr_notice(fmt, ...) printk(KERN_NOTICE fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...) printk(KERN_INFO fmt, ##__VA_ARGS__)
#define pr_debug(fmt, ...) printk(KERN_DEBUG fmt, ##__VA_ARGS__)

#define min(a, b) ((a) < (b) ? (a) : (b))
#define max(a, b) ((a) > (b) ? (a) : (b))
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#define ALIGN(x, a) (((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))

#define BUG_ON(cond) do { if (unlikely(cond)) printk(KERN_CRIT "BUG at %s:%d\n", __FILE__, __LINE__); } while (0)
#define WARN_ON(cond) ({ int __w = !!(cond); if (unlikely(__w)) printk(KERN_WARNING "WARNING at %s:%d\n", __FILE__, __LINE__); __w; })

#endif
