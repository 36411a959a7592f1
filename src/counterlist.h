/*-------------------------------------------------------------------------
 *
 * counterlist.h
 *	  The columns of pg_slow_statements(), in their order, and the counters
 *	  of an entry behind them: one line each.
 *
 * Every other description of a counter is made from this table, by
 * defining the row macros it needs and including this file (as the server
 * does with its kwlist.h): the fields of PssCounters and PssUsage
 * (counters.h), their reading at the start and end of a measured period
 * (measure.h), their merging into an entry (counters_add in store.c), the
 * row of the view and the check of the function's declared columns
 * (sql_interface.c), the layout signature of the saved file (persist.c).
 * A row macro not defined by the includer expands to nothing, unless a
 * catch-all below stands for it; all are undefined again at the end of
 * this file.  There is deliberately no
 * include guard.
 *
 * The row macros say where a figure comes from, and so when and how it is
 * merged into the entry:
 *
 *	PSS_USAGE	buffer and WAL usage, and the sampled time by wait class,
 *				read from the backend's running totals (read: an
 *				expression over b, the BufferUsage, w, the WalUsage, and
 *				s, its activity slot: activity.h) at the start and end of
 *				every measured period, kept in PssUsage, merged when the
 *				measurement has usage
 *	PSS_IO		block I/O time in nanoseconds (read: over b), read only
 *				while track_io_timing is on, kept in PssUsage, shown in
 *				milliseconds
 *	PSS_CPU		CPU time in microseconds (read: over ru, the struct rusage
 *				of getrusage), read only while track_cpu is on at the
 *				period's start, kept in PssUsage, merged when the
 *				measurement was so timed (cpu_calls counts those)
 *	PSS_JIT		JIT figures (value: over j, the JitInstrumentation), merged
 *				when the execution used JIT
 *	PSS_EXEC	figures of every successful execution (value: over m, the
 *				PssMeasure, and t, its time in ms)
 *	PSS_SLOW	figures of executions at or above slow_threshold (m, t)
 *	PSS_FAIL	figures of executions ended by an error (m, t); a failure
 *				merges nothing else
 *	PSS_OWN		a stored field that counters_add sets by hand, beside the
 *				calls and times of each kind and the histogram
 *	PSS_VIEW	a column computed when the row is formed, from the entry
 *				(form: a Datum expression over r, a RowSource, which may
 *				set *isnull)
 *
 * Their arguments:
 *	name	the column's name, and the field's
 *	ctype	the field's C type
 *	sqltype	the column's type: oid, boolean, int8, float8, numeric (from an
 *			unsigned integer), usec (a float8 of milliseconds, from an
 *			integer count of microseconds), cpu_usec (usec, NULL while
 *			cpu_calls is 0), timestamptz (NULL while 0), text, or
 *			sqlstate (a text column of an error code kept as an int, NULL
 *			while 0)
 *	since	the first PostgreSQL major version that measures the figure;
 *			the column is NULL on an older server (0 would read as
 *			"measured, none")
 *	merge	how a measurement is merged into the entry: SUM, MIN, MAX
 *			(0 meaning none yet), LAST, or COUNT (value is a condition:
 *			the measurements for which it holds are counted)
 *
 * The view's columns are those of every extension version, each appending
 * to the one before (sql_interface.c knows how many each has): a new
 * column goes at the end (an includer that defines PSS_COUNTERS_1_1 gets
 * the table of extension version 1.1, whose saved files persist.c reads), a new counter is one line here, the code that
 * measures it (a shim in compat.h if servers differ) and its column in
 * the next version's upgrade script.
 *
 * src/counterlist.h
 *
 *-------------------------------------------------------------------------
 */

/* no include guard: see above */

/*
 * Two catch-alls, for an includer that wants every row alike: with
 * PSS_STORED(name, ctype, sqltype, since), each stored counter (every row
 * macro but PSS_VIEW) it does not define itself; with
 * PSS_ANY_COLUMN(name, sqltype), each column, PSS_VIEW's included.
 */
#ifdef PSS_ANY_COLUMN
#ifndef PSS_STORED
#define PSS_STORED(name, ctype, sqltype, since) PSS_ANY_COLUMN(name, sqltype)
#endif
#ifndef PSS_VIEW
#define PSS_VIEW(name, sqltype, since, form) PSS_ANY_COLUMN(name, sqltype)
#endif
#endif
#ifdef PSS_STORED
#ifndef PSS_USAGE
#define PSS_USAGE(name, ctype, sqltype, since, merge, read) \
	PSS_STORED(name, ctype, sqltype, since)
#endif
#ifndef PSS_IO
#define PSS_IO(name, ctype, sqltype, since, merge, read) \
	PSS_STORED(name, ctype, sqltype, since)
#endif
#ifndef PSS_CPU
#define PSS_CPU(name, ctype, sqltype, since, merge, read) \
	PSS_STORED(name, ctype, sqltype, since)
#endif
#ifndef PSS_JIT
#define PSS_JIT(name, ctype, sqltype, since, merge, value) \
	PSS_STORED(name, ctype, sqltype, since)
#endif
#ifndef PSS_EXEC
#define PSS_EXEC(name, ctype, sqltype, since, merge, value) \
	PSS_STORED(name, ctype, sqltype, since)
#endif
#ifndef PSS_SLOW
#define PSS_SLOW(name, ctype, sqltype, since, merge, value) \
	PSS_STORED(name, ctype, sqltype, since)
#endif
#ifndef PSS_FAIL
#define PSS_FAIL(name, ctype, sqltype, since, merge, value) \
	PSS_STORED(name, ctype, sqltype, since)
#endif
#ifndef PSS_OWN
#define PSS_OWN(name, ctype, sqltype, since) PSS_STORED(name, ctype, sqltype, since)
#endif
#endif

#ifndef PSS_USAGE
#define PSS_USAGE(name, ctype, sqltype, since, merge, read)
#endif
#ifndef PSS_IO
#define PSS_IO(name, ctype, sqltype, since, merge, read)
#endif
#ifndef PSS_CPU
#define PSS_CPU(name, ctype, sqltype, since, merge, read)
#endif
#ifndef PSS_JIT
#define PSS_JIT(name, ctype, sqltype, since, merge, value)
#endif
#ifndef PSS_EXEC
#define PSS_EXEC(name, ctype, sqltype, since, merge, value)
#endif
#ifndef PSS_SLOW
#define PSS_SLOW(name, ctype, sqltype, since, merge, value)
#endif
#ifndef PSS_FAIL
#define PSS_FAIL(name, ctype, sqltype, since, merge, value)
#endif
#ifndef PSS_OWN
#define PSS_OWN(name, ctype, sqltype, since)
#endif
#ifndef PSS_VIEW
#define PSS_VIEW(name, sqltype, since, form)
#endif

/* extension version 1.0 */
PSS_VIEW(userid, oid, 15, ObjectIdGetDatum(r->e->key.userid))
PSS_VIEW(dbid, oid, 15, ObjectIdGetDatum(r->e->key.dbid))
PSS_VIEW(toplevel, boolean, 15, BoolGetDatum(r->e->key.toplevel))
PSS_VIEW(queryid, int8, 15, view_queryid(r, isnull))
PSS_VIEW(query, text, 15, view_text(r, r->e->query, isnull))
PSS_VIEW(plans, int8, 15, Int64GetDatumFast(r->c->calls[PSS_PLAN]))
PSS_VIEW(total_plan_time, float8, 15, Float8GetDatumFast(r->c->total_time[PSS_PLAN]))
PSS_VIEW(min_plan_time, float8, 15, Float8GetDatumFast(r->c->min_time[PSS_PLAN]))
PSS_VIEW(max_plan_time, float8, 15, Float8GetDatumFast(r->c->max_time[PSS_PLAN]))
PSS_VIEW(mean_plan_time, float8, 15, Float8GetDatumFast(r->c->mean_time[PSS_PLAN]))
PSS_VIEW(stddev_plan_time, float8, 15, view_stddev(r, PSS_PLAN))
PSS_VIEW(calls, int8, 15, Int64GetDatumFast(r->c->calls[PSS_EXEC]))
PSS_VIEW(total_exec_time, float8, 15, Float8GetDatumFast(r->c->total_time[PSS_EXEC]))
PSS_VIEW(min_exec_time, float8, 15, Float8GetDatumFast(r->c->min_time[PSS_EXEC]))
PSS_VIEW(max_exec_time, float8, 15, Float8GetDatumFast(r->c->max_time[PSS_EXEC]))
PSS_VIEW(mean_exec_time, float8, 15, Float8GetDatumFast(r->c->mean_time[PSS_EXEC]))
PSS_VIEW(stddev_exec_time, float8, 15, view_stddev(r, PSS_EXEC))
PSS_EXEC(rows, int64, int8, 15, SUM, m->rows)
PSS_USAGE(shared_blks_hit, int64, int8, 15, SUM, b->shared_blks_hit)
PSS_USAGE(shared_blks_read, int64, int8, 15, SUM, b->shared_blks_read)
PSS_USAGE(shared_blks_dirtied, int64, int8, 15, SUM, b->shared_blks_dirtied)
PSS_USAGE(shared_blks_written, int64, int8, 15, SUM, b->shared_blks_written)
PSS_USAGE(local_blks_hit, int64, int8, 15, SUM, b->local_blks_hit)
PSS_USAGE(local_blks_read, int64, int8, 15, SUM, b->local_blks_read)
PSS_USAGE(local_blks_dirtied, int64, int8, 15, SUM, b->local_blks_dirtied)
PSS_USAGE(local_blks_written, int64, int8, 15, SUM, b->local_blks_written)
PSS_USAGE(temp_blks_read, int64, int8, 15, SUM, b->temp_blks_read)
PSS_USAGE(temp_blks_written, int64, int8, 15, SUM, b->temp_blks_written)
/* shared and local, as before 17 and on every version */
PSS_VIEW(blk_read_time, float8, 15, Float8GetDatumFast(r->c->shared_blk_read_time + r->c->local_blk_read_time))
PSS_VIEW(blk_write_time, float8, 15, Float8GetDatumFast(r->c->shared_blk_write_time + r->c->local_blk_write_time))
PSS_IO(temp_blk_read_time, double, float8, 15, SUM, pss_instr_ns(b->temp_blk_read_time))
PSS_IO(temp_blk_write_time, double, float8, 15, SUM, pss_instr_ns(b->temp_blk_write_time))
PSS_USAGE(wal_records, int64, int8, 15, SUM, w->wal_records)
PSS_USAGE(wal_fpi, int64, int8, 15, SUM, w->wal_fpi)
PSS_USAGE(wal_bytes, uint64, numeric, 15, SUM, w->wal_bytes)
PSS_JIT(jit_functions, int64, int8, 15, SUM, j->created_functions)
PSS_JIT(jit_generation_time, double, float8, 15, SUM, INSTR_TIME_GET_MILLISEC(j->generation_counter))
PSS_JIT(jit_inlining_count, int64, int8, 15, COUNT, INSTR_TIME_GET_MILLISEC(j->inlining_counter) != 0)
PSS_JIT(jit_inlining_time, double, float8, 15, SUM, INSTR_TIME_GET_MILLISEC(j->inlining_counter))
PSS_JIT(jit_optimization_count, int64, int8, 15, COUNT, INSTR_TIME_GET_MILLISEC(j->optimization_counter) != 0)
PSS_JIT(jit_optimization_time, double, float8, 15, SUM, INSTR_TIME_GET_MILLISEC(j->optimization_counter))
PSS_JIT(jit_emission_count, int64, int8, 15, COUNT, INSTR_TIME_GET_MILLISEC(j->emission_counter) != 0)
PSS_JIT(jit_emission_time, double, float8, 15, SUM, INSTR_TIME_GET_MILLISEC(j->emission_counter))
PSS_VIEW(hit_percent, float8, 15, view_hit_percent(r, isnull))
PSS_VIEW(stats_since, timestamptz, 15, TimestampTzGetDatum(r->e->stats_since))
PSS_VIEW(minmax_stats_since, timestamptz, 15, TimestampTzGetDatum(r->e->minmax_stats_since))
PSS_VIEW(p50_exec_time, float8, 15, view_percentile(r, 0, isnull))
PSS_VIEW(p95_exec_time, float8, 15, view_percentile(r, 1, isnull))
PSS_VIEW(p99_exec_time, float8, 15, view_percentile(r, 2, isnull))
PSS_SLOW(slow_calls, int64, int8, 15, SUM, 1)
PSS_SLOW(slow_exec_time, double, float8, 15, SUM, t)
PSS_VIEW(slowest_query, text, 15, view_text(r, r->e->slowest_query, isnull))
PSS_OWN(slowest_at, TimestampTz, timestamptz, 15)
PSS_VIEW(slowest_plan, text, 15, view_text(r, r->e->slowest_plan, isnull))
PSS_FAIL(failed_calls, int64, int8, 15, SUM, 1)
PSS_FAIL(failed_exec_time, double, float8, 15, SUM, t)
PSS_FAIL(last_error, int, sqlstate, 15, LAST, m->sqlerrcode)
PSS_FAIL(last_error_at, TimestampTz, timestamptz, 15, LAST, m->error_at)
PSS_EXEC(xacts, int64, int8, 15, COUNT, m->calls_in_xact == 1)
PSS_EXEC(max_calls_per_xact, int64, int8, 15, MAX, m->calls_in_xact)
PSS_EXEC(last_call, TimestampTz, timestamptz, 15, LAST, m->start)
/* extension version 1.1 */
PSS_IO(shared_blk_read_time, double, float8, 17, SUM, pss_shared_read_ns(b))
PSS_IO(shared_blk_write_time, double, float8, 17, SUM, pss_shared_write_ns(b))
PSS_IO(local_blk_read_time, double, float8, 17, SUM, pss_local_read_ns(b))
PSS_IO(local_blk_write_time, double, float8, 17, SUM, pss_local_write_ns(b))
PSS_JIT(jit_deform_count, int64, int8, 17, COUNT, pss_jit_deform_ms(j) != 0)
PSS_JIT(jit_deform_time, double, float8, 17, SUM, pss_jit_deform_ms(j))
PSS_USAGE(wal_buffers_full, int64, int8, 18, SUM, pss_wal_buffers_full(w))
PSS_EXEC(parallel_workers_to_launch, int64, int8, 18, SUM, m->parallel_workers_to_launch)
PSS_EXEC(parallel_workers_launched, int64, int8, 18, SUM, m->parallel_workers_launched)
PSS_EXEC(generic_plan_calls, int64, int8, 19, COUNT, m->plan_cache == PSS_PLAN_GENERIC)
PSS_EXEC(custom_plan_calls, int64, int8, 19, COUNT, m->plan_cache == PSS_PLAN_CUSTOM)
/* extension version 1.2 (none for an includer of 1.1's table: persist.c) */
#ifndef PSS_COUNTERS_1_1
PSS_USAGE(cpu_time, int64, usec, 15, SUM, pss_activity_read(s, PSS_WAIT_CPU))
PSS_USAGE(wait_io_time, int64, usec, 15, SUM, pss_activity_read(s, PSS_WAIT_IO))
PSS_USAGE(wait_lock_time, int64, usec, 15, SUM, pss_activity_read(s, PSS_WAIT_LOCK))
PSS_USAGE(wait_lwlock_time, int64, usec, 15, SUM, pss_activity_read(s, PSS_WAIT_LWLOCK))
PSS_USAGE(wait_ipc_time, int64, usec, 15, SUM, pss_activity_read(s, PSS_WAIT_IPC))
PSS_USAGE(wait_timeout_time, int64, usec, 15, SUM, pss_activity_read(s, PSS_WAIT_TIMEOUT))
PSS_USAGE(wait_client_time, int64, usec, 15, SUM, pss_activity_read(s, PSS_WAIT_CLIENT))
PSS_USAGE(wait_other_time, int64, usec, 15, SUM, pss_activity_read(s, PSS_WAIT_OTHER))
PSS_CPU(cpu_user_time, int64, cpu_usec, 15, SUM, ((int64) ru->ru_utime.tv_sec * 1000000 + ru->ru_utime.tv_usec))
PSS_CPU(cpu_sys_time, int64, cpu_usec, 15, SUM, ((int64) ru->ru_stime.tv_sec * 1000000 + ru->ru_stime.tv_usec))
PSS_OWN(cpu_calls, int64, int8, 15)
PSS_OWN(plan_changes, int64, int8, 15)
PSS_OWN(last_plan_change, TimestampTz, timestamptz, 15)
PSS_VIEW(slowest_application_name, text, 15, view_slowest_source(r, false, isnull))
PSS_VIEW(slowest_tags, jsonb, 15, view_slowest_source(r, true, isnull))
#endif

#undef PSS_USAGE
#undef PSS_IO
#undef PSS_CPU
#undef PSS_JIT
#undef PSS_EXEC
#undef PSS_SLOW
#undef PSS_FAIL
#undef PSS_OWN
#undef PSS_VIEW
#undef PSS_STORED
#undef PSS_ANY_COLUMN
#undef PSS_COUNTERS_1_1
