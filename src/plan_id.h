/*-------------------------------------------------------------------------
 *
 * plan_id.h
 *	  The id of a plan's shape: the same on every server that plans a
 *	  statement the same way.
 *
 * See plan_id.c for what the id covers and where it is kept.
 *
 * src/plan_id.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef PSS_PLAN_ID_H
#define PSS_PLAN_ID_H

#include "nodes/plannodes.h"

extern void pss_plan_id_init(void);
extern uint64 pss_plan_id(PlannedStmt *pstmt);
extern void pss_plan_id_planned(PlannedStmt *pstmt);

#endif							/* PSS_PLAN_ID_H */
