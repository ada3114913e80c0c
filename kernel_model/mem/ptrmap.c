/* ptrmap.c — open-addressing hash map (linear probing, tombstones), see ptrmap.h. The hash is
 * the 64-bit finaliser of splitmix64 (Steele et al., "Fast splittable pseudorandom number
 * generators", OOPSLA 2014), which spreads aligned pointers well. */
#include <stdlib.h>

#include "kernel_model/mem/ptrmap.h"

#define EMPTY 0
#define TOMB UINT64_MAX

static uint64_t mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static int grow(kern_ptrmap *m)
{
    size_t ncap = m->cap ? m->cap * 2 : 64;
    uint64_t *nk = calloc(ncap, sizeof *nk);
    void **nv = calloc(ncap, sizeof *nv);
    if (!nk || !nv) {
        free(nk);
        free(nv);
        return -1;
    }
    for (size_t i = 0; i < m->cap; i++) {
        uint64_t k = m->keys[i];
        if (k == EMPTY || k == TOMB)
            continue;
        size_t j = mix(k) & (ncap - 1);
        while (nk[j] != EMPTY)
            j = (j + 1) & (ncap - 1);
        nk[j] = k;
        nv[j] = m->vals[i];
    }
    free(m->keys);
    free(m->vals);
    m->keys = nk;
    m->vals = nv;
    m->cap = ncap;
    m->used = m->n;
    return 0;
}

int kern_ptrmap_put(kern_ptrmap *m, uint64_t key, void *val)
{
    if ((m->used + 1) * 4 > m->cap * 3 && grow(m) < 0)
        return -1;
    size_t j = mix(key) & (m->cap - 1), tomb = SIZE_MAX;
    while (m->keys[j] != EMPTY) {
        if (m->keys[j] == key) {
            m->vals[j] = val;
            return 0;
        }
        if (m->keys[j] == TOMB && tomb == SIZE_MAX)
            tomb = j;
        j = (j + 1) & (m->cap - 1);
    }
    if (tomb != SIZE_MAX)
        j = tomb;
    else
        m->used++;
    m->keys[j] = key;
    m->vals[j] = val;
    m->n++;
    return 0;
}

static size_t find(const kern_ptrmap *m, uint64_t key)
{
    if (!m->cap)
        return SIZE_MAX;
    size_t j = mix(key) & (m->cap - 1);
    while (m->keys[j] != EMPTY) {
        if (m->keys[j] == key)
            return j;
        j = (j + 1) & (m->cap - 1);
    }
    return SIZE_MAX;
}

void *kern_ptrmap_get(const kern_ptrmap *m, uint64_t key)
{
    size_t j = find(m, key);
    return j == SIZE_MAX ? NULL : m->vals[j];
}

bool kern_ptrmap_del(kern_ptrmap *m, uint64_t key)
{
    size_t j = find(m, key);
    if (j == SIZE_MAX)
        return false;
    m->keys[j] = TOMB;
    m->vals[j] = NULL;
    m->n--;
    return true;
}

void kern_ptrmap_free(kern_ptrmap *m)
{
    free(m->keys);
    free(m->vals);
    m->keys = NULL;
    m->vals = NULL;
    m->cap = m->n = m->used = 0;
}
