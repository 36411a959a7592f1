/*-------------------------------------------------------------------------
 *
 * view_copy.h
 *	  The memory a read of the view copies entries and forms rows into,
 *	  kept by the reading backend from one read to the next.
 *
 * See view_copy.c.
 *
 * src/view_copy.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PSS_VIEW_COPY_H
#define PSS_VIEW_COPY_H

#include "store.h"

/*
 * The most a backend keeps between reads: past it, the memory goes back to
 * the system when the last read under way ends.
 */
#define PSS_VIEW_KEEP_MAX	((Size) 256 * 1024 * 1024)

extern void pss_view_copy_begin(PssViewCopy *copy, MemoryContext query_cxt);
extern char *pss_view_buffer(Size need);
extern Size pss_view_buffer_size(void);
extern MemoryContext pss_view_rows_memory(Size space,
										   MemoryContext query_cxt);

#endif							/* PSS_VIEW_COPY_H */
