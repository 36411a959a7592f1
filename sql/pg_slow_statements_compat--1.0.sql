/* sql/pg_slow_statements_compat--1.0.sql */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION pg_slow_statements_compat" to load this file. \quit

/*
 * pg_slow_statements_compat: what the running server's pg_stat_statements
 * provides (the function pg_stat_statements(showtext), the views
 * pg_stat_statements and pg_stat_statements_info, pg_stat_statements_reset
 * and their privileges), computed from pg_slow_statements, so that tools
 * written for pg_stat_statements find it when this extension's schema comes
 * first on their search_path.
 *
 * Design:
 * - The shape (columns, their order and types, reset's signature) is that of
 *   the pg_stat_statements version the server's major version ships, chosen
 *   here at CREATE EXTENSION time from server_version_num: 1.10 on
 *   PostgreSQL 15 and 16, 1.11 on 17, 1.12 on 18, 1.13 on 19.
 * - The functions are SQL functions whose bodies are strings reading
 *   pg_slow_statements' function by column name.  A string body records no
 *   dependency on our function, so ALTER EXTENSION pg_slow_statements UPDATE
 *   may redefine it (adding columns) without touching this extension.
 * - They run with the caller's privileges: texts of other users stay hidden
 *   by pg_slow_statements itself, and resetting needs EXECUTE on both resets.
 * - The extension is relocatable: everything is created in the schema that
 *   CREATE EXTENSION puts first on the search_path, and every reference in
 *   the generated SQL is schema-qualified.
 */
DO $compat$
DECLARE
	target		text := pg_catalog.current_schema();
	ours		text;
	ours_fn		regprocedure;
	server		integer := pg_catalog.current_setting('server_version_num')::integer;
	level		integer;	/* pg_stat_statements 1.<level> */
	names		text[];
	types		regtype[];
	missing		text;
	out_params	text;
	select_list	text;
BEGIN
	IF server < 150000 THEN
		RAISE EXCEPTION USING
			ERRCODE = 'feature_not_supported',
			MESSAGE = 'pg_slow_statements_compat requires PostgreSQL 15 or later';
	END IF;
	level := CASE WHEN server < 170000 THEN 10
				  WHEN server < 180000 THEN 11
				  WHEN server < 190000 THEN 12
				  ELSE 13 END;

	SELECT n.nspname INTO STRICT ours
	  FROM pg_catalog.pg_extension e
	  JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) e.extnamespace
	 WHERE e.extname OPERATOR(pg_catalog.=) 'pg_slow_statements';
	ours_fn := pg_catalog.format('%I.pg_slow_statements(boolean)', ours)::regprocedure;

	/*
	 * The columns of pg_stat_statements, in order, each with the first and
	 * last version (1.<since> to 1.<until>) that has it.
	 */
	SELECT pg_catalog.array_agg(c.name ORDER BY c.pos),
		   pg_catalog.array_agg(c.type ORDER BY c.pos)
	  INTO names, types
	  FROM (VALUES
		(1, 'userid', 'oid'::regtype, 10, 99),
		(2, 'dbid', 'oid', 10, 99),
		(3, 'toplevel', 'boolean', 10, 99),
		(4, 'queryid', 'bigint', 10, 99),
		(5, 'query', 'text', 10, 99),
		(6, 'plans', 'bigint', 10, 99),
		(7, 'total_plan_time', 'double precision', 10, 99),
		(8, 'min_plan_time', 'double precision', 10, 99),
		(9, 'max_plan_time', 'double precision', 10, 99),
		(10, 'mean_plan_time', 'double precision', 10, 99),
		(11, 'stddev_plan_time', 'double precision', 10, 99),
		(12, 'calls', 'bigint', 10, 99),
		(13, 'total_exec_time', 'double precision', 10, 99),
		(14, 'min_exec_time', 'double precision', 10, 99),
		(15, 'max_exec_time', 'double precision', 10, 99),
		(16, 'mean_exec_time', 'double precision', 10, 99),
		(17, 'stddev_exec_time', 'double precision', 10, 99),
		(18, 'rows', 'bigint', 10, 99),
		(19, 'shared_blks_hit', 'bigint', 10, 99),
		(20, 'shared_blks_read', 'bigint', 10, 99),
		(21, 'shared_blks_dirtied', 'bigint', 10, 99),
		(22, 'shared_blks_written', 'bigint', 10, 99),
		(23, 'local_blks_hit', 'bigint', 10, 99),
		(24, 'local_blks_read', 'bigint', 10, 99),
		(25, 'local_blks_dirtied', 'bigint', 10, 99),
		(26, 'local_blks_written', 'bigint', 10, 99),
		(27, 'temp_blks_read', 'bigint', 10, 99),
		(28, 'temp_blks_written', 'bigint', 10, 99),
		(29, 'blk_read_time', 'double precision', 10, 10),
		(30, 'blk_write_time', 'double precision', 10, 10),
		(31, 'shared_blk_read_time', 'double precision', 11, 99),
		(32, 'shared_blk_write_time', 'double precision', 11, 99),
		(33, 'local_blk_read_time', 'double precision', 11, 99),
		(34, 'local_blk_write_time', 'double precision', 11, 99),
		(35, 'temp_blk_read_time', 'double precision', 10, 99),
		(36, 'temp_blk_write_time', 'double precision', 10, 99),
		(37, 'wal_records', 'bigint', 10, 99),
		(38, 'wal_fpi', 'bigint', 10, 99),
		(39, 'wal_bytes', 'numeric', 10, 99),
		(40, 'wal_buffers_full', 'bigint', 12, 99),
		(41, 'jit_functions', 'bigint', 10, 99),
		(42, 'jit_generation_time', 'double precision', 10, 99),
		(43, 'jit_inlining_count', 'bigint', 10, 99),
		(44, 'jit_inlining_time', 'double precision', 10, 99),
		(45, 'jit_optimization_count', 'bigint', 10, 99),
		(46, 'jit_optimization_time', 'double precision', 10, 99),
		(47, 'jit_emission_count', 'bigint', 10, 99),
		(48, 'jit_emission_time', 'double precision', 10, 99),
		(49, 'jit_deform_count', 'bigint', 11, 99),
		(50, 'jit_deform_time', 'double precision', 11, 99),
		(51, 'parallel_workers_to_launch', 'bigint', 12, 99),
		(52, 'parallel_workers_launched', 'bigint', 12, 99),
		(53, 'generic_plan_calls', 'bigint', 13, 99),
		(54, 'custom_plan_calls', 'bigint', 13, 99),
		(55, 'stats_since', 'timestamp with time zone', 11, 99),
		(56, 'minmax_stats_since', 'timestamp with time zone', 11, 99))
		   AS c(pos, name, type, since, until)
	 WHERE level BETWEEN c.since AND c.until;

	/*
	 * Every column must exist in pg_slow_statements' function under the same
	 * name and type: say which do not (an older version of pg_slow_statements
	 * than this server's pg_stat_statements shape needs).
	 */
	SELECT pg_catalog.string_agg(pg_catalog.format('%s %s', c.name, c.type), ', '
								 ORDER BY c.pos)
	  INTO missing
	  FROM ROWS FROM (pg_catalog.unnest(names), pg_catalog.unnest(types)) WITH ORDINALITY AS c(name, type, pos)
	 WHERE NOT EXISTS (
		   SELECT
			 FROM pg_catalog.pg_proc p,
				  LATERAL ROWS FROM (pg_catalog.unnest(p.proallargtypes),
									pg_catalog.unnest(p.proargmodes),
									pg_catalog.unnest(p.proargnames)) AS a(type, mode, name)
			WHERE p.oid OPERATOR(pg_catalog.=) ours_fn
			  AND a.mode OPERATOR(pg_catalog.=) 'o'
			  AND a.name OPERATOR(pg_catalog.=) c.name
			  AND a.type OPERATOR(pg_catalog.=) c.type);
	IF missing IS NOT NULL THEN
		RAISE EXCEPTION USING
			ERRCODE = 'object_not_in_prerequisite_state',
			MESSAGE = 'this version of extension "pg_slow_statements" lacks columns that pg_stat_statements has on this server',
			DETAIL = pg_catalog.format('pg_stat_statements 1.%s has these columns that %I.pg_slow_statements does not have: %s.',
									   level, ours, missing),
			HINT = 'Run ALTER EXTENSION pg_slow_statements UPDATE, then create this extension again.';
	END IF;

	SELECT pg_catalog.string_agg(pg_catalog.format('OUT %I %s', c.name, c.type), ', '
								 ORDER BY c.pos),
		   pg_catalog.string_agg(pg_catalog.format('s.%I', c.name), ', '
								 ORDER BY c.pos)
	  INTO out_params, select_list
	  FROM ROWS FROM (pg_catalog.unnest(names), pg_catalog.unnest(types)) WITH ORDINALITY AS c(name, type, pos);

	/* The statistics, read by column name from pg_slow_statements */
	EXECUTE pg_catalog.format(
		'CREATE FUNCTION %I.pg_stat_statements(IN showtext boolean, %s) '
		'RETURNS SETOF record LANGUAGE sql STRICT VOLATILE PARALLEL SAFE AS %L',
		target, out_params,
		pg_catalog.format('SELECT %s FROM %I.pg_slow_statements($1) s',
						  select_list, ours));
	EXECUTE pg_catalog.format(
		'CREATE VIEW %1$I.pg_stat_statements AS '
		'SELECT * FROM %1$I.pg_stat_statements(true)', target);
	EXECUTE pg_catalog.format(
		'GRANT SELECT ON %I.pg_stat_statements TO PUBLIC', target);

	/*
	 * dealloc is pg_slow_statements' count of evicted entries, where
	 * pg_stat_statements counts eviction passes (of about 5% of the entries
	 * each): both are 0 while the table has never been full.
	 */
	EXECUTE pg_catalog.format(
		'CREATE FUNCTION %I.pg_stat_statements_info('
		'OUT dealloc bigint, OUT stats_reset timestamp with time zone) '
		'RETURNS record LANGUAGE sql STRICT VOLATILE PARALLEL SAFE AS %L',
		target,
		pg_catalog.format('SELECT i.dealloc, i.stats_reset FROM %I.pg_slow_statements_info() i',
						  ours));
	EXECUTE pg_catalog.format(
		'CREATE VIEW %1$I.pg_stat_statements_info AS '
		'SELECT * FROM %1$I.pg_stat_statements_info()', target);
	EXECUTE pg_catalog.format(
		'GRANT SELECT ON %I.pg_stat_statements_info TO PUBLIC', target);

	/* Reset: 1.10 returns nothing, 1.11 on adds minmax_only and a time */
	IF level = 10 THEN
		EXECUTE pg_catalog.format(
			'CREATE FUNCTION %I.pg_stat_statements_reset('
			'IN userid oid DEFAULT 0, IN dbid oid DEFAULT 0, IN queryid bigint DEFAULT 0) '
			'RETURNS void LANGUAGE sql STRICT PARALLEL SAFE AS %L',
			target,
			pg_catalog.format('SELECT %I.pg_slow_statements_reset($1, $2, $3)', ours));
		EXECUTE pg_catalog.format(
			'REVOKE ALL ON FUNCTION %I.pg_stat_statements_reset(oid, oid, bigint) FROM PUBLIC',
			target);
	ELSE
		EXECUTE pg_catalog.format(
			'CREATE FUNCTION %I.pg_stat_statements_reset('
			'IN userid oid DEFAULT 0, IN dbid oid DEFAULT 0, IN queryid bigint DEFAULT 0, '
			'IN minmax_only boolean DEFAULT false) '
			'RETURNS timestamp with time zone LANGUAGE sql STRICT PARALLEL SAFE AS %L',
			target,
			pg_catalog.format('SELECT %I.pg_slow_statements_reset($1, $2, $3, $4)', ours));
		EXECUTE pg_catalog.format(
			'REVOKE ALL ON FUNCTION %I.pg_stat_statements_reset(oid, oid, bigint, boolean) FROM PUBLIC',
			target);
	END IF;
END
$compat$;
