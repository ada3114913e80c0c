/* linux/device.h — struct device (the part drivers use: name, driver data, DMA masks) and the
 * dev_* log helpers. Mirrors Linux's include/linux/device.h by name. */
#ifndef _VMKLNX_LINUX_DEVICE_H
#define _VMKLNX_LINUX_DEVICE_H

#include <linux/kernel.h>
#include <linux/types.h>

struct device {
    const char *init_name;     /* "0000:01:00.0" */
    void *driver_data;
    u64 *dma_mask;             /* points at dma_mask_storage */
    u64 coherent_dma_mask;
    u64 dma_mask_storage;
};

static inline const char *dev_name(const struct device *dev) { return dev->init_name; }
static inline void *dev_get_drvdata(const struct device *dev) { return dev->driver_data; }
static inline void dev_set_drvdata(struct device *dev, void *data) { dev->driver_data = data; }

#define dev_err(dev, fmt, ...) printk(KERN_ERR "%s: " fmt, dev_name(dev), ##__VA_ARGS__)
#define dev_warn(dev, fmt, ...) printk(KERN_WARNING "%s: " fmt, dev_name(dev), ##__VA_ARGS__)
#define dev_info(dev, fmt, ...) printk(KERN_INFO "%s: " fmt, dev_name(dev), ##__VA_ARGS__)
#define dev_dbg(dev, fmt, ...) printk(KERN_DEBUG "%s: " fmt, dev_name(dev), ##__VA_ARGS__)

#endif
