/*-------------------------------------------------------------------------
 *
 * persist.h
 *	  Saving the store at shutdown and loading it at startup.
 *
 * persist.c depends on the store (store.h), never the other way.
 *
 * src/persist.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PSS_PERSIST_H
#define PSS_PERSIST_H

/* The saved file, relative to the data directory */
#define PSS_SAVE_FILE		"pg_stat/pg_slow_statements.stat"

extern void pss_persist_init(void);

#endif							/* PSS_PERSIST_H */
