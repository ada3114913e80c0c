/* linux/delay.h — udelay/mdelay (busy waits) and msleep/usleep_range (sleeps). Mirrors Linux's
 * include/linux/delay.h by name; on vmk_DelayUsecs and vmk_WorldSleep, in simulated time. */
#ifndef _VMKLNX_LINUX_DELAY_H
#define _VMKLNX_LINUX_DELAY_H

#include <linux/types.h>

void udelay(unsigned long usecs);
void mdelay(unsigned long msecs);
void msleep(unsigned int msecs);
void usleep_range(unsigned long min, unsigned long max);

#endif
