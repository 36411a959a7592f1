-- test/scanner_diff/corpus.sql
--
-- Hand-written corpus for the differential test of the fingerprint lexer
-- against PostgreSQL's scanner (test/t/011_scanner_diff.pl).  Texts are
-- separated by blank lines; a text may hold several statements.  Every
-- text is valid for the scanner (most are valid SQL), and together they
-- cover every token kind: numbers, every string form, dollar quoting,
-- parameters, identifiers quoted and not, operators (with the trimming of
-- trailing + and -), punctuation, comments and whitespace.

SELECT 1

SELECT 0, 42, 007, 2147483647, 2147483648, 9223372036854775807, 9223372036854775808, 123456789012345678901234567890

SELECT 1.5, .5, 5., 0.0, 1e10, 1E10, 1e+10, 1e-10, 1.5e3, .5e-3, 5.e2

SELECT 1 + 2, 1+2, 1 +2, 1- 2, 1-2, 1 - -2, 1--2
+3

SELECT -1, - 1, -1.5, -.5, -1e3, (-1), [-1], ARRAY[-1, -2, - 3]

SELECT a-1, a -1, a - 1, a--1
FROM t

SELECT x FROM t WHERE a = -1 AND b < -2 AND c > -3.5 AND d <> -4 AND e >= -5 AND f <= -6 AND g != -7

SELECT 2*-3, 2/-3, 2%-3, 2^-3, 2 * - 3

SELECT * FROM t LIMIT -1 OFFSET -0

SELECT CASE WHEN a THEN -1 ELSE -2 END, f(-1), f(a, -1), g(-1.5, -2)

SELECT 'abc', 'it''s', '', '''', 'a''b''c'

SELECT 'foo'
'bar', 'x'   
  'y'
	'z'

SELECT 'foo' -- comment
'bar'

SELECT 'foo' 'bar'

SELECT E'abc', e'a\nb', E'\'', E'a\\b', E'\x41\101\u0041', E'it''s'

SELECT N'national', n'x', B'1010', b'', X'DEADbeef', x'0'

SELECT U&'d\0061t\+000061', u&'x', U&'d!0061t' UESCAPE '!'

SELECT U&"d\0061t" FROM t, U&"x" UESCAPE '#'

SELECT $$dollar$$, $$$$, $tag$a $$ b$tag$, $a_b1$x$a_b1$, $Q$it's$Q$

SELECT $fn$ SELECT 'x'; $inner$ y $inner$ $fn$

SELECT $1, $2, $10, $123

SELECT * FROM t WHERE a = $1 AND b IN ($2, $3) AND c = ANY($4::int[])

SELECT a, b AS c, "Quoted", "with ""quote""", "", "a b", "SELECT" FROM "T"

SELECT abc, ABC, Abc_1, _x, x$y, "x"."y", t.*, s.t.u

SELECT café, naïve, 日本語, "ünïcode", été + 1 FROM données

SELECT a::int, a :: text, '1'::numeric(10,2), a::varchar(20)[], (a)::int

SELECT a[1], a[1:2], a[:2], a[1:], a[$1:$2], (a)[1][2]

SELECT f(a => 1, b => 'x'), g(a := 2)

SELECT a || b, a ~~ b, a !~~* b, a @> b, a <@ b, a && b, a ?| b, a #- b

SELECT a @@ b, a ## b, a <-> b, a <<= b, a >>= b, a &< b, a |&> b, a -|- b

SELECT a<=b, a>=b, a<>b, a!=b, a<b, a>b, a=b

SELECT a+-1, a-+1, a*-1, a=-1, a<-1, a>-1, a=+1, a<=-1, a>=+-1

SELECT a +-+- 1, a !- 1, a @- 1, a ~- 1, a ?- 1, a #- 1

SELECT a+-b, a-+b, a+--b
, 1

SELECT a*/* comment */b, a+/*c*/-1, a/*c*/-1

SELECT a -- dash comment
, b --
, c

SELECT /* block */ 1 /* nested /* inner */ still */ , 2

SELECT /**/1/***/, /* * / */ 2

SELECT 1; SELECT 2;; SELECT 3 ;

SELECT (1, 2), ((a)), f((b)), [1], {a}

SELECT a.b.c, (t).x, (f(a)).y, t.* FROM s.t

SELECT 1 AS "1", 2 AS x2, 3 AS "x y"

INSERT INTO t (a, b, c) VALUES (1, 'x', -2.5), (2, 'y', NULL), ($1, $2, $3)

INSERT INTO t VALUES (DEFAULT, now(), '2024-01-01'::date, interval '1 day')

UPDATE t SET a = a + 1, b = DEFAULT WHERE id = 42 RETURNING *

DELETE FROM t WHERE id IN (1, 2, 3) AND name NOT IN ('a', 'b')

SELECT * FROM t WHERE x IN (SELECT y FROM u WHERE z > 5)

SELECT ARRAY[1, 2, 3], ARRAY[[1, 2], [3, 4]], ARRAY[]::int[], ARRAY(SELECT 1)

SELECT '{1,2,3}'::int[], '{"a": 1}'::jsonb -> 'a', j ->> 'b', j #> '{a,b}', j #>> '{a}'

SELECT j @? '$.a', j @@ '$.a == 1', j ? 'k', j ?& array['a'], j - 'k'

SELECT count(*), count(DISTINCT a), sum(b) FILTER (WHERE c > 0) OVER (PARTITION BY d ORDER BY e ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)

SELECT a FROM t ORDER BY 1, 2 DESC NULLS LAST, a USING <

SELECT a, count(*) FROM t GROUP BY 1 HAVING count(*) > 10

WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 10) SELECT * FROM r

SELECT * FROM a JOIN b ON a.id = b.id LEFT JOIN c USING (id) CROSS JOIN LATERAL f(a.x) AS g(y)

CREATE TABLE t (id serial PRIMARY KEY, name varchar(100) NOT NULL DEFAULT '', price numeric(10,2) CHECK (price >= 0), tags text[])

CREATE INDEX CONCURRENTLY IF NOT EXISTS t_idx ON t USING btree (lower(name) text_pattern_ops) WHERE price > 0

ALTER TABLE t ADD COLUMN x int DEFAULT -1, ALTER COLUMN y TYPE bigint USING y::bigint

CREATE FUNCTION f(a int, OUT b int) RETURNS int LANGUAGE sql AS $$ SELECT a + 1 $$

CREATE FUNCTION g() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
  NEW.x := NEW.x + 1;
  RETURN NEW;
END
$body$

DO $$ BEGIN RAISE NOTICE 'x %', 1; END $$

CREATE OPERATOR === (LEFTARG = int, RIGHTARG = int, FUNCTION = int4eq)

SELECT 1 === 2, 1 OPERATOR(pg_catalog.+) 2, 3 OPERATOR(===) 4

PREPARE p(int, text) AS SELECT $1, $2

EXECUTE p(1, 'x')

COPY t (a, b) FROM STDIN WITH (FORMAT csv, DELIMITER ',', NULL '')

EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) SELECT 1

SET search_path = "my schema", public; SET work_mem = '64MB'; SET x.y TO -1

SELECT CAST(a AS int), CAST('1' AS numeric(5, 1)), a COLLATE "C", a IS NOT NULL, a IS DISTINCT FROM b

SELECT a BETWEEN 1 AND 10, a NOT BETWEEN SYMMETRIC -1 AND -10, a LIKE 'x%' ESCAPE '\', a SIMILAR TO 'x'

SELECT EXTRACT(epoch FROM now()), SUBSTRING('abc' FROM 2 FOR 1), POSITION('b' IN 'abc'), TRIM(BOTH 'x' FROM 'xax'), OVERLAY('abc' PLACING 'x' FROM 2)

SELECT timestamp '2024-01-01 00:00', date '2024-01-01', time with time zone '10:00', interval '1' day, bit '1', int '1', boolean 'true'

SELECT true, false, null, TRUE AND NOT FALSE OR NULL IS NULL

SELECT a FROM t FOR UPDATE SKIP LOCKED

SELECT a FROM t FETCH FIRST 5 ROWS ONLY

SELECT * FROM t TABLESAMPLE SYSTEM (10) REPEATABLE (42)

VALUES (1, 2), (3, 4), (-5, -6)

SELECT ROW(1, 2), (1, 'a')::rec, (r).f1

SELECT 1 /* unicode: é 日本 */ , '日本語' , E'\u65e5' , U&'\65E5'

SELECT x FROM t WHERE y ~ '^[a-z]+$' AND z ~* 'x' AND w !~ 'y'

SELECT a <<-1, a >>-1, a<<1, a>>1

SELECT @-1, @ -1, |/ 4, ||/ 8, ~ 1, ! 1

SELECT - - 1, - -1, -(-1), +1, + 1, ++1

SELECT 1 FROM t WHERE a=-1OR b=-2

SELECT * FROM t WHERE a='x'OR b='y'AND c=1

SELECT 1.5.6

SELECT 1.a

SELECT .5a

SELECT 1e

SELECT 1ea

SELECT 1e+

SELECT 10..20

SELECT a.1

SELECT $1.a, ($1).a

SELECT $$a$$$$b$$

SELECT $a$x$a$$b$y$b$

SELECT 'a'::text::varchar

SELECT 'a'
-- comment between
'b'
/* a block comment ends the continuation */ 'c'

SELECT 'a'	'b'

SELECT E'a'
'b\n', N'x'
'y'

SELECT B'1'
'0', X'F'
'0'

SELECT "a""b", "日本", """"

SELECT f(VARIADIC ARRAY[1, 2]), g(a => -1, "b" => +2)

SELECT * FROM generate_series(1, 10) g(i) WHERE i % 2 = 0

SELECT 1::bit(3), 'a'::character varying(5), 1::double precision, 1::timestamp(3) with time zone

GRANT SELECT ON t TO "Role", PUBLIC; REVOKE ALL ON SCHEMA s FROM r CASCADE

COMMENT ON TABLE t IS 'A table''s comment'

SELECT current_user, session_user, current_date, localtime(2), localtimestamp

SELECT a FROM t WHERE b = ANY ('{1,2}') OR c = ALL (SELECT 1) OR d = SOME (ARRAY[1])

SELECT xmlelement(name foo, xmlattributes('x' AS bar)), json_build_object('a', 1)

SELECT a FROM t UNION SELECT b FROM u INTERSECT SELECT c FROM v EXCEPT ALL SELECT d FROM w

MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN UPDATE SET x = s.x WHEN NOT MATCHED THEN INSERT VALUES (s.id, s.x)

SELECT 1 FROM t WHERE a IS TRUE AND b IS NOT FALSE AND c IS UNKNOWN

SELECT a->'b'->>'c', a#>>'{b}', a@>'{}', a<@'{}'

SELECT 'x'||'y', 'x' || -1, -1 || 'x'

SELECT a*-b, a/-b, a%-b, a^-b, a<-b, a>-b, a=-b

SELECT 1-1, 1 -1, (1)-1, a[1]-1, 'x'-1, $1-1, "a"-1

SELECT x-1 FROM t WHERE y BETWEEN -1 AND-2

SELECT 1 FROM t LIMIT ALL OFFSET 10

SELECT -9223372036854775808, -2147483648, -0.0, -0e0

LISTEN chan; NOTIFY chan, 'payload'; UNLISTEN *

BEGIN ISOLATION LEVEL SERIALIZABLE; SAVEPOINT s1; ROLLBACK TO SAVEPOINT s1; COMMIT

VACUUM (VERBOSE, ANALYZE) t; ANALYZE t (a, b); CLUSTER t USING t_idx

SELECT ?, a ?? b

SELECT `a`

SELECT a \ b

SELECT # 1, ## 2

SELECT a!=-1, a!=- 1

SELECT a=>-1

SELECT f(a=>-1)

SELECT a::int-1, a::int - -1

SELECT 1 AS x--comment
, 2 AS y/*c*/, 3

SELECT 'a'/*x*/'b'

SELECT 'unicode é' ,'日本語''s' , $日$日本$日$

SELECT $_$x$_$, $x1$y$x1$

SELECT 'a\'b', 'c\\', 'd''e', N'f\'g', 'h\nij', E'k\'l', B'10', X'1f'

SELECT 'm\'n'
'o\'p', 'q' FROM t WHERE x LIKE 'a\_b' ESCAPE '\\'

ALTER ROLE r PASSWORD 'x\'; LEAKSCS1 \''

SELECT 'O\'Brien' AS name, '078-05-1120' AS ssn

SELECT a FROM t WHERE b IN ('x\'', 'y\\', 'z')
