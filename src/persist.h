/*-------------------------------------------------------------------------
 *
 * persist.h
 *	  Saving the store at shutdown and loading it at startup.
 *
 * src/persist.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PSS_PERSIST_H
#define PSS_PERSIST_H

/* The saved file, relative to the data directory */
#define PSS_SAVE_FILE		"pg_stat/pg_slow_statements.stat"

extern void pss_persist_save(void);
extern void pss_persist_load(void);

#endif							/* PSS_PERSIST_H */
