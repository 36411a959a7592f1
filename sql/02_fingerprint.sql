--
-- Fingerprints and normalized texts, through the SQL functions
--
SELECT pg_slow_statements_reset() IS NOT NULL AS reset;

-- same fingerprint: constants, whitespace, comments, case, ;, parameters
SELECT count(DISTINCT pg_slow_statements_fingerprint(q)) AS fingerprints
  FROM (VALUES ('SELECT * FROM t WHERE a = 1'),
               ('select * from T where A = 2;'),
               ('SELECT  *  FROM t  WHERE a = -42.5e3'),
               ('SELECT * /* comment */ FROM t -- trailing
                 WHERE a = ''text'''),
               ('SELECT * FROM t WHERE a = $1'),
               ('SELECT * FROM t WHERE a = E''\''escaped'''),
               ('SELECT * FROM t WHERE a = $tag$dollar ''quoted''$tag$'),
               ('SELECT * FROM t WHERE a = U&''d\0061t'''),
               ('SELECT * FROM t WHERE a = B''1010'''),
               ('SELECT * FROM t WHERE a = X''1F''')) v(q);

-- constant-only lists collapse whatever their length
SELECT count(DISTINCT pg_slow_statements_fingerprint(q)) AS fingerprints
  FROM (VALUES ('SELECT * FROM t WHERE a IN (1)'),
               ('SELECT * FROM t WHERE a IN (1, 2, 3, 4, 5)'),
               ('SELECT * FROM t WHERE a IN ($1, $2)'),
               ('SELECT * FROM t WHERE a IN (''x'', ''y'')')) v(q);
SELECT count(DISTINCT pg_slow_statements_fingerprint(q)) AS fingerprints
  FROM (VALUES ('SELECT * FROM t WHERE a = ANY(ARRAY[1])'),
               ('SELECT * FROM t WHERE a = ANY(ARRAY[1, 2, 3])')) v(q);
SELECT count(DISTINCT pg_slow_statements_fingerprint(q)) AS fingerprints
  FROM (VALUES ('INSERT INTO t VALUES (1, ''a'')'),
               ('INSERT INTO t VALUES (1, ''a''), (2, ''b''), (3, ''c'')')) v(q);

-- different meaning, different fingerprint
SELECT count(DISTINCT pg_slow_statements_fingerprint(q)) AS fingerprints
  FROM (VALUES ('SELECT a FROM t'),
               ('SELECT b FROM t'),
               ('SELECT a FROM u'),
               ('SELECT "A" FROM t'),
               ('SELECT a FROM t WHERE a = 1'),
               ('SELECT a FROM t WHERE a > 1'),
               ('SELECT a FROM t ORDER BY 1'),
               ('SELECT a FROM t ORDER BY 2'),
               ('SELECT a - 1 FROM t'),
               ('SELECT a + 1 FROM t'),
               ('SELECT * FROM t WHERE a IN (SELECT b FROM u)'),
               ('INSERT INTO t VALUES (1)'),
               ('INSERT INTO t VALUES (1, 2)')) v(q);

-- quoted identifiers keep their case; unquoted ones fold
SELECT pg_slow_statements_fingerprint('SELECT "foo" FROM t')
     = pg_slow_statements_fingerprint('SELECT FOO FROM T') AS folded,
       pg_slow_statements_fingerprint('SELECT "Foo" FROM t')
     = pg_slow_statements_fingerprint('SELECT foo FROM t') AS case_kept;

-- normalized texts
SELECT pg_slow_statements_normalize(q)
  FROM (VALUES (1, 'SELECT * FROM t WHERE a = 5 AND b = ''x'''),
               (2, 'SELECT $1, 5, ''five'''),
               (3, '/* app */ SELECT 1'),
               (4, 'select * from t where id in (1, 2, 3) and x = -4'),
               (5, 'INSERT INTO t VALUES (1, ''a''), (2, ''b'')'),
               (6, 'SELECT a FROM t ORDER BY 1 DESC'),
               (7, 'SELECT a::numeric(10,2), DATE ''2020-01-01'', interval ''1 day'''),
               (8, 'SELECT ARRAY[1, 2, 3]')) v(n, q)
 ORDER BY n;

-- garbage never crashes: a value or a clean error
SELECT pg_slow_statements_fingerprint(q) <> 0 AS fp,
       length(pg_slow_statements_normalize(q)) >= 0 AS norm
  FROM (VALUES (''), (' '), ('''unterminated'), ('/* /* nested */'), ('$$ never'),
               ('\'), ('E''\'), ('U&'), ('$'), ('$1$'), ('--'), ('"'),
               (repeat('(', 100000)), (repeat('''', 100001)),
               (repeat('IN (1, ', 50000))) v(q);

-- the fingerprint does not depend on the database or on table OIDs
CREATE TABLE fp_tab (a int);
SELECT a FROM fp_tab WHERE a = 1;
DROP TABLE fp_tab;
CREATE TABLE fp_tab (a int);
SELECT a FROM fp_tab WHERE a = 2;
SELECT calls, query = 'SELECT a FROM fp_tab WHERE a = $1' AS text_ok,
       queryid = pg_slow_statements_fingerprint('SELECT a FROM fp_tab WHERE a = 3') AS id_ok
  FROM pg_slow_statements WHERE query LIKE '%fp_tab WHERE%';
DROP TABLE fp_tab;

-- the fingerprint is the statement's query id (compute_query_id = auto)
SELECT query_id = pg_slow_statements_fingerprint(query) AS activity_query_id
  FROM pg_stat_activity WHERE pid = pg_backend_pid();
CREATE FUNCTION explain_query_id(q text,
                                 opts text DEFAULT '(VERBOSE, COSTS OFF)')
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    line text;
BEGIN
    FOR line IN EXECUTE 'EXPLAIN ' || opts || ' ' || q LOOP
        IF line LIKE 'Query Identifier:%' THEN
            RETURN substring(line FROM ': (.*)$')::bigint;
        END IF;
    END LOOP;
    RETURN NULL;
END
$$;
SELECT explain_query_id('SELECT 1 AS one')
     = pg_slow_statements_fingerprint('SELECT 1 AS one') AS explain_query_id;
-- the statement inside an EXPLAIN is found past comments, a "--" one ending
-- at a carriage return as in PostgreSQL
SELECT explain_query_id(E'/* a */ -- b\rSELECT 1 AS one')
     = pg_slow_statements_fingerprint('SELECT 1 AS one') AS explain_after_cr;
-- brackets in the option list's comments, strings and quoted names do not
-- end it
SELECT explain_query_id('SELECT 1 AS one',
         $o$(VERBOSE /* ) ( */, COSTS E'of\x66' -- )
             , SUMMARY $t$off$t$, FORMAT "text")$o$)
     = pg_slow_statements_fingerprint('SELECT 1 AS one') AS explain_brackets;
DROP FUNCTION explain_query_id(text, text);

-- NULL, TRUE and FALSE are constants where they are values (issue 13)
SELECT pg_slow_statements_fingerprint('UPDATE t SET a = NULL WHERE id = 1')
     = pg_slow_statements_fingerprint('UPDATE t SET a = 5 WHERE id = 2') AS null_is_const,
       pg_slow_statements_fingerprint('SELECT * FROM t WHERE active = true')
     = pg_slow_statements_fingerprint('SELECT * FROM t WHERE active = false') AS bool_is_const,
       pg_slow_statements_fingerprint('SELECT * FROM t WHERE a IS NULL')
     = pg_slow_statements_fingerprint('SELECT * FROM t WHERE a IS NOT NULL') AS is_null_same,
       pg_slow_statements_fingerprint('SELECT * FROM t WHERE a IS NULL')
     = pg_slow_statements_fingerprint(E'SELECT * FROM t WHERE a IS -- c\r\n /* d */ NULL') AS is_null_comments;
SELECT pg_slow_statements_normalize(q)
  FROM (VALUES (1, 'INSERT INTO t (a,b,c) VALUES (1, NULL, true)'),
               (2, 'SELECT a IS NULL, b IS NOT TRUE, c IS NOT NULL, d = NULL, e IN (1, NULL)'),
               (3, 'SELECT ARRAY[true, false], f(false) ORDER BY a NULLS LAST'),
               (4, 'INSERT INTO t VALUES (1, NULL), (NULL, ''x'')'),
               (5, 'CREATE TABLE t (a int NOT NULL, b numeric(10,2) NULL, c int DEFAULT NULL)')) v(n, q)
 ORDER BY n;

-- code bodies are code; their constants never show
SELECT pg_slow_statements_fingerprint('DO $$BEGIN PERFORM f(); END$$')
     = pg_slow_statements_fingerprint('DO $$BEGIN PERFORM g(); END$$') AS do_same,
       pg_slow_statements_fingerprint('DO $$BEGIN PERFORM f(1); END$$')
     = pg_slow_statements_fingerprint('DO ''BEGIN PERFORM f(2); END''') AS quoting_same;
SELECT pg_slow_statements_normalize(q)
  FROM (VALUES (1, 'DO $$BEGIN ALTER ROLE r PASSWORD ''secret''; END$$'),
               (2, 'DO ''BEGIN ALTER ROLE r PASSWORD ''''secret''''; END'''),
               (3, 'DO LANGUAGE plpgsql $a$BEGIN EXECUTE $b$SELECT ''secret''$b$; END$a$'),
               (4, 'DO E''BEGIN ALTER ROLE r PASSWORD ''''secret''''; END'''),
               (5, 'CREATE FUNCTION f(int) RETURNS int LANGUAGE sql AS $$ SELECT $1 + 42 $$')) v(n, q)
 ORDER BY n;

-- numbers as PostgreSQL 16 writes them
SELECT count(DISTINCT pg_slow_statements_fingerprint(q)) AS fingerprints
  FROM (VALUES ('SELECT 0x1F'), ('SELECT 0x20'), ('SELECT 0o17'), ('SELECT 0b101'),
               ('SELECT 1_000_000'), ('SELECT 1')) v(q);
SELECT pg_slow_statements_normalize('SELECT 1_000, 0x1F, 0o17, 0b101');

-- quotes keep a keyword a name
SELECT pg_slow_statements_fingerprint('select "user" from t')
     = pg_slow_statements_fingerprint('select user from t') AS user_same,
       pg_slow_statements_fingerprint('select "name" from t')
     = pg_slow_statements_fingerprint('select name from t') AS name_same;

-- the numbering follows the parameters, not a "$1" inside a string
SELECT pg_slow_statements_normalize('SELECT ''SELECT $1 AS who'', 5') AS in_string,
       pg_slow_statements_normalize('SELECT $9000000000000000000, 1') AS big,
       pg_slow_statements_normalize('SELECT $99999999999999999999, 1') AS wide;
-- our numbers stay int32, as the server's parameter numbers: from $1
-- below the lowest $n when they do not fit above the highest
SELECT pg_slow_statements_normalize('SELECT $2147483646, 1') AS int32_fits,
       pg_slow_statements_normalize('SELECT $2147483647, 1') AS int32_max,
       pg_slow_statements_normalize('SELECT $1, $2147483647, 1') AS neither;
SELECT 'SELECT $1 AS who' AS q, 5 AS n \gset
SELECT calls, query FROM pg_slow_statements
 WHERE query LIKE 'SELECT $_ AS q, $_ AS n%';
