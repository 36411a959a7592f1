--
-- Lists of constants or parameters with casts (SQLAlchemy's typed IN and
-- insertmanyvalues, typed constants) and VALUES rows with DEFAULT
-- (Sequelize's bulkCreate) are one entry whatever their length, counted
-- exactly; a list with anything more in an item stays as written.
--
SELECT pg_slow_statements_reset() IS NOT NULL AS reset;
CREATE TABLE tl (id serial PRIMARY KEY, name varchar, born date);

INSERT INTO tl (name, born) VALUES ('a'::VARCHAR, '2001-01-01'::DATE)
  RETURNING tl.id;
INSERT INTO tl (name, born) VALUES ('b'::VARCHAR, '2002-01-01'::DATE),
  ('c'::VARCHAR, '2003-01-01'::DATE) RETURNING tl.id;
INSERT INTO tl (id, name, born) VALUES (DEFAULT, 'd', NULL),
  (DEFAULT, 'e', NULL), (DEFAULT, 'f', NULL);
INSERT INTO tl (id, name, born) VALUES (DEFAULT, 'g', NULL),
  (DEFAULT, 'h', NULL);

SELECT count(*) FROM tl WHERE id IN (1::INTEGER, 2::INTEGER);
SELECT count(*) FROM tl WHERE id IN (1::INTEGER, 2::INTEGER, 3::INTEGER);
SELECT count(*) FROM tl WHERE born IN (date '2001-01-01', CAST('2002-01-01' AS date),
                                       '2003-01-01'::date);
SELECT count(*) FROM tl WHERE born IN (date '2001-01-01');
SELECT count(*) FROM tl WHERE id = ANY (ARRAY[1::bigint, 2::bigint, 3::bigint]);
SELECT count(*) FROM tl WHERE id = ANY (ARRAY[4::bigint]);
-- an item that is more than a constant with a cast: as written
SELECT count(*) FROM tl WHERE id IN (1::int, id);
-- a failure in a collapsed list counts on its entry
SELECT count(*) FROM tl WHERE id IN (1::INTEGER, 'x'::INTEGER);

SELECT calls, rows, failed_calls, query
  FROM pg_slow_statements
 ORDER BY query COLLATE "C";

DROP TABLE tl;
