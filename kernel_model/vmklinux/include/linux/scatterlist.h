/* linux/scatterlist.h — struct scatterlist and its walkers (sg_next, for_each_sg, sg_virt,
 * sg_dma_address/len, sg_init_table, sg_set_buf). Mirrors Linux's include/linux/scatterlist.h by
 * name. vmksim has no struct page: an entry names its segment by kernel address (the machine
 * address is the kernel's pointer, vmkapi_dma.h). Lists are flat arrays whose last entry is
 * marked; vmklinux's SCSI side fills them from a command's SG arrays (linux_scsi_cmd.c). */
#ifndef _VMKLNX_LINUX_SCATTERLIST_H
#define _VMKLNX_LINUX_SCATTERLIST_H

#include <linux/string.h>
#include <linux/types.h>

struct scatterlist {
    void *vmklnx_virt;          /* kernel address of the segment's first byte (offset 0) */
    unsigned int offset;        /* always 0: vmklnx_virt points at the byte itself */
    unsigned int length;
    dma_addr_t dma_address;     /* the device's IO address once mapped */
    unsigned int dma_length;
    unsigned int vmklnx_end;    /* 1 on the last entry of its list */
};

static inline int sg_is_last(const struct scatterlist *sg) { return sg->vmklnx_end != 0; }
static inline struct scatterlist *sg_next(struct scatterlist *sg)
{
    return sg_is_last(sg) ? NULL : sg + 1;
}
static inline void sg_mark_end(struct scatterlist *sg) { sg->vmklnx_end = 1; }
static inline void *sg_virt(struct scatterlist *sg) { return (char *)sg->vmklnx_virt + sg->offset; }
static inline void sg_init_table(struct scatterlist *sgl, unsigned int nents)
{
    memset(sgl, 0, sizeof *sgl * nents);
    if (nents)
        sg_mark_end(&sgl[nents - 1]);
}
static inline void sg_set_buf(struct scatterlist *sg, const void *buf, unsigned int len)
{
    sg->vmklnx_virt = (void *)buf;
    sg->offset = 0;
    sg->length = len;
}
static inline void sg_init_one(struct scatterlist *sg, const void *buf, unsigned int len)
{
    sg_init_table(sg, 1);
    sg_set_buf(sg, buf, len);
}

#define sg_dma_address(sg) ((sg)->dma_address)
#define sg_dma_len(sg) ((sg)->dma_length)
#define for_each_sg(sglist, sg, nr, __i) \
    for ((__i) = 0, (sg) = (sglist); (__i) < (int)(nr); (__i)++, (sg) = sg_next(sg))

#endif
