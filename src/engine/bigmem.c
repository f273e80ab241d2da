/*
 * bigmem.c - large zeroed allocations backed by huge pages where possible
 * (see bigmem.h).
 */
#define _DEFAULT_SOURCE /* madvise, MADV_HUGEPAGE */
#include "walsim/bigmem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define HUGE_PAGE ((size_t)2 << 20)

void *ws_big_calloc(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    size_t bytes = n * size;
    if (bytes < HUGE_PAGE)
        return calloc(n ? n : 1, size ? size : 1);
#ifdef MADV_HUGEPAGE
    void *p = NULL;
    size_t rounded = (bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
    if (posix_memalign(&p, HUGE_PAGE, rounded) != 0)
        return NULL;
    madvise(p, rounded, MADV_HUGEPAGE); /* a hint: failure is harmless */
    memset(p, 0, bytes);
    return p;
#else
    return calloc(n, size);
#endif
}
