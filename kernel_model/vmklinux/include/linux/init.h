/* linux/init.h — __init/__exit section markers. Mirrors Linux's include/linux/init.h by name;
 * vmksim keeps module code resident, so they place nothing. */
#ifndef _VMKLNX_LINUX_INIT_H
#define _VMKLNX_LINUX_INIT_H

#define __init
#define __exit
#define __initdata
#define __devinit
#define __devexit

#endif
