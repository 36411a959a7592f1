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

#endif							/* PSS_HOOKS_H */
