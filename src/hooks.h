/*-------------------------------------------------------------------------
 *
 * hooks.h
 *	  Planner, executor and utility hooks that time every statement.
 *
 * src/hooks.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PSS_HOOKS_H
#define PSS_HOOKS_H

extern void pss_hooks_init(void);
extern uint64 pss_fingerprint_text(const char *text, int len, bool prepare);

#endif							/* PSS_HOOKS_H */
