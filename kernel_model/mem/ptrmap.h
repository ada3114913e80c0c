/* ptrmap.h — an open-addressing hash map from a key (pointer or 64-bit value) to a pointer; the
 * kernel's allocators use it to recognise their live blocks without touching foreign memory. */
#ifndef VMKSIM_KERN_PTRMAP_H
#define VMKSIM_KERN_PTRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct kern_ptrmap {
    uint64_t *keys;   /* 0 = empty, UINT64_MAX = deleted */
    void **vals;
    size_t cap, n, used;
} kern_ptrmap;

/* key must not be 0 or UINT64_MAX. Returns -1 when out of memory. */
int kern_ptrmap_put(kern_ptrmap *m, uint64_t key, void *val);
void *kern_ptrmap_get(const kern_ptrmap *m, uint64_t key);
bool kern_ptrmap_del(kern_ptrmap *m, uint64_t key);
void kern_ptrmap_free(kern_ptrmap *m);

#endif
