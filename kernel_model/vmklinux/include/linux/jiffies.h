/* linux/jiffies.h — jiffies and conversions. Mirrors Linux's include/linux/jiffies.h by name.
 * HZ is 1000 here (one jiffy = 1 ms, a common Linux configuration); jiffies is the calling
 * world's simulated time (vmk_GetTimerCycles) in ticks, read through vmklinux. */
#ifndef _VMKLNX_LINUX_JIFFIES_H
#define _VMKLNX_LINUX_JIFFIES_H

#include <linux/types.h>

#define HZ 1000

unsigned long vmklnx_jiffies(void);
#define jiffies vmklnx_jiffies()

static inline unsigned long msecs_to_jiffies(unsigned int ms) { return (unsigned long)ms * HZ / 1000; }
static inline unsigned long usecs_to_jiffies(unsigned int us)
{
    return ((unsigned long)us * HZ + 999999) / 1000000;
}
static inline unsigned int jiffies_to_msecs(unsigned long j) { return (unsigned int)(j * 1000 / HZ); }

#define time_after(a, b) ((long)((b) - (a)) < 0)
#define time_before(a, b) time_after(b, a)
#define time_after_eq(a, b) ((long)((a) - (b)) >= 0)

#endif
