/*
 * bigmem.h - zeroed allocations for the model's large arrays (buffer
 * descriptors, the page map, per-page state).
 *
 * Random access over tens of megabytes misses the TLB on almost every
 * access with 4 kB pages; on Linux these allocations are 2 MB aligned and
 * marked MADV_HUGEPAGE, so transparent huge pages cover them where the
 * kernel allows it ("madvise" mode, the common default).  Elsewhere they
 * are plain calloc.  Free with free().
 */
#ifndef WALSIM_BIGMEM_H
#define WALSIM_BIGMEM_H

#include <stddef.h>

/* n * size zeroed bytes, or NULL (also on overflow). */
void *ws_big_calloc(size_t n, size_t size);

#endif
