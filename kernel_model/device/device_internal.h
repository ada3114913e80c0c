/* device_internal.h — the device layer's own structures, shared by its files (device.c: tree and
 * identity; driver.c: drivers, the driver map and binding; lifecycle.c: transitions and removal;
 * call.c: calls into driver code). Not for other layers: they use device.h. */
#ifndef VMKSIM_KERN_DEVICE_INTERNAL_H
#define VMKSIM_KERN_DEVICE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "kernel_model/device/device.h"

#define KDEV_LOG "kernel.device"

typedef enum kdev_bus { KDEV_BUS_PCI, KDEV_BUS_LOGICAL, KDEV_NBUS } kdev_bus;

struct vmkBusType {
    kdev_bus id;
    const char *name;
};
extern struct vmkBusType kdev_bus_types[KDEV_NBUS];

struct vmkDriver {
    int module_id;                 /* 0: a kernel-internal consumer */
    char name[VMK_MISC_NAME_MAX];
    vmk_DriverOps ops;
    vmk_AddrCookie priv;
    bool ready;                    /* module init returned OK (internal drivers: at once) */
    struct vmkDriver *next;        /* registration order */
};

struct vmkDevice {
    uint64_t serial;               /* registration number, for logs */
    struct vmkBusType *bus;
    char *bus_address;
    char *bus_identifier;          /* "" for none */
    kern_dev_state state;
    bool gone;                     /* forgotten (surprise removal) */
    bool in_scan;                  /* the attached driver's scanDevice runs now */
    bool in_attach;                /* the driver's attachDevice runs now */
    bool removing;                 /* removeDevice runs for it: vmk_DeviceUnregister allowed */
    struct vmkDriver *registering; /* NULL: registered by a kernel bus */
    vmk_DeviceOps ops;
    vmk_AddrCookie registering_data, registration_data;
    struct vmkDriver *attached;    /* also set while attachDevice runs */
    vmk_AddrCookie attached_data;
    kern_bus_hooks hooks;
    void *hooks_ctx;
    struct vmkDevice *parent, *first_child, *next_sibling;
    struct vmkDevice *next;        /* registration order */
};

/* device.c */
extern struct vmkDevice *kdev_devices;
bool kdev_device_live(const struct vmkDevice *d);
struct vmkDevice *kdev_device_new(struct vmkBusType *bus, const char *addr, const char *ident,
                                  sim_err *err);
void kdev_device_free(struct vmkDevice *d);   /* unlinks from tree and list */
void kdev_notify(struct vmkDevice *d, kern_dev_event ev, VMK_ReturnStatus st);
void kdev_attach_hook(struct vmkDevice *d, struct vmkDriver *drv, bool bound);   /* device.h */
void kdev_refused(struct vmkDevice *d, const char *what, sim_err *err);

/* driver.c */
extern struct vmkDriver *kdev_drivers;
bool kdev_driver_live(const struct vmkDriver *drv);
bool kdev_driver_matches(const struct vmkDriver *drv, const struct vmkDevice *d);

/* lifecycle.c */
VMK_ReturnStatus kdev_release_driver(struct vmkDevice *d, kern_remove_mode mode, sim_err *err);

/* call.c: every call into driver code runs with the driver's module on the current-module stack
 * and inside a world (the device manager's own unless one is entered already). */
VMK_ReturnStatus kdev_call(const struct vmkDriver *drv, VMK_ReturnStatus (*fn)(vmk_Device),
                           struct vmkDevice *d);
void kdev_call_void(const struct vmkDriver *drv, void (*fn)(vmk_Device), struct vmkDevice *d);
void kdev_call_world_free(void);

#endif
