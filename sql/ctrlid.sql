-- ismap.ctrlid: literals, operators, functions, indexes, binary I/O
\i test/regress/setup.psql
SET search_path = ismap, public;

-- valid literals: spelling kept, depth and parent per the segment grammar
SELECT s, s::ctrlid AS id, depth(s::ctrlid), parent(s::ctrlid)
FROM (VALUES ('6.1.1.1'), ('A.9.2.1'), ('CLD.6.3.1'), ('AC-2'), ('AC-2(1)'),
             ('ac-2.1'), ('AC-2 (1)'), ('AC-2(1)(a)'), ('5'), ('A12'), ('06.01'),
             ('sc-8.1'), ('SC 8'), ('X(1)2')) v(s)
ORDER BY s COLLATE "C";

-- ctrlid_is_valid never raises
SELECT s, ctrlid_is_valid(s)
FROM (VALUES ('6.1.1.1'), (''), ('.1'), ('1.'), ('1..2'), ('1  2'), ('AC-2((1))'),
             ('AC-2)'), ('AC-2(1'), ('AC-2()'), ('AC-2(1.2)'), ('6_1'), ('é'),
             (repeat('1', 129)), ('1234567890123456789')) v(s)
ORDER BY s COLLATE "C";

-- malformed literals: 22P02 with the position in the detail
\set VERBOSITY default
SELECT ''::ctrlid;
\echo :LAST_ERROR_SQLSTATE
SELECT '.1'::ctrlid;
\echo :LAST_ERROR_SQLSTATE
SELECT '6.1.'::ctrlid;
\echo :LAST_ERROR_SQLSTATE
SELECT '6..1'::ctrlid;
\echo :LAST_ERROR_SQLSTATE
SELECT '6.1  2'::ctrlid;
\echo :LAST_ERROR_SQLSTATE
SELECT '6.1_1'::ctrlid;
\echo :LAST_ERROR_SQLSTATE
SELECT 'AC-2((1))'::ctrlid;
\echo :LAST_ERROR_SQLSTATE
SELECT 'AC-2)'::ctrlid;
\echo :LAST_ERROR_SQLSTATE
SELECT 'AC-2(1'::ctrlid;
\echo :LAST_ERROR_SQLSTATE
SELECT 'AC-2()'::ctrlid;
\echo :LAST_ERROR_SQLSTATE
SELECT 'AC-2(1.2)'::ctrlid;
\echo :LAST_ERROR_SQLSTATE
SELECT 'AC-2 é'::ctrlid;
\echo :LAST_ERROR_SQLSTATE
-- limits: 54000, never truncated
SELECT repeat('1', 129)::ctrlid;
\echo :LAST_ERROR_SQLSTATE
SELECT '1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16.17'::ctrlid;
\echo :LAST_ERROR_SQLSTATE
SELECT '1234567890123456789'::ctrlid;
\echo :LAST_ERROR_SQLSTATE
SELECT 'abcdefghijklmnopqrstuvwxyzabcdefg'::ctrlid;
\echo :LAST_ERROR_SQLSTATE
SELECT '1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16'::ctrlid AS sixteen_segments;

-- equality and order: every operator over a matrix of pairs
CREATE TEMP TABLE pairs AS
SELECT a, b FROM (VALUES
  ('AC-2(1)', 'ac-2.1'), ('AC-2 (1)', 'AC-2(1)'), ('6.1.9', '6.1.10'),
  ('6.1', '6.1.1'), ('6.01', '6.1'), ('A.5', '5'), ('AB', 'A.B'), ('AC-2', 'AC-10'),
  ('A.12.1.2', 'A.9.2.1'), ('CLD.6.3.1', 'cld-6-3-1'), ('z', 'Z.1')) v(a, b);
SELECT a, b,
       a::ctrlid = b::ctrlid AS eq, a::ctrlid <> b::ctrlid AS ne,
       a::ctrlid < b::ctrlid AS lt, a::ctrlid <= b::ctrlid AS le,
       a::ctrlid > b::ctrlid AS gt, a::ctrlid >= b::ctrlid AS ge,
       ctrlid_cmp(a::ctrlid, b::ctrlid) AS cmp,
       a::ctrlid @> b::ctrlid AS anc, a::ctrlid <@ b::ctrlid AS desc,
       ctrlid_hash(a::ctrlid) = ctrlid_hash(b::ctrlid) AS same_hash,
       ctrlid_hash_extended(a::ctrlid, 42) = ctrlid_hash_extended(b::ctrlid, 42) AS same_hash64
FROM pairs ORDER BY a COLLATE "C", b COLLATE "C";

-- hash agrees with equality on every pair of a larger set
CREATE TEMP TABLE ids AS
SELECT DISTINCT s FROM (VALUES ('AC-2'), ('ac-2'), ('AC 2'), ('AC-2(1)'), ('ac-2.1'),
  ('AC-2 (1)'), ('6.1'), ('06.01'), ('6.1.0'), ('A12'), ('a.12'), ('A.1.2')) v(s);
SELECT count(*) AS violations
FROM ids x, ids y
WHERE (x.s::ctrlid = y.s::ctrlid) <> (ctrlid_hash(x.s::ctrlid) = ctrlid_hash(y.s::ctrlid))
   OR (x.s::ctrlid = y.s::ctrlid) <> (ctrlid_hash_extended(x.s::ctrlid, 7) = ctrlid_hash_extended(y.s::ctrlid, 7));

-- natural order
SELECT s::ctrlid AS sorted FROM (VALUES ('6.1.10'), ('6.1.9'), ('A.1'), ('6.1'),
  ('AC-2(1)'), ('AC-10'), ('AC-2'), ('6.2'), ('10'), ('9'), ('A'), ('6.1.1.1'),
  ('AC-2(a)'), ('AC-2(10)'), ('CLD.6.3.1'), ('1.127.1'), ('1.126.5'), ('1.1000'),
  ('1.999'), ('1.125.9')) v(s)
ORDER BY 1;

-- the text and varchar casts parse directly and raise the same errors
SELECT 'AC-2 (1)'::text::ctrlid AS from_text, ctrlid('6.1.1') AS by_function,
       'cld.6.3.1'::varchar::ctrlid AS from_varchar;
SELECT 'x..y'::text::ctrlid;
\echo :LAST_ERROR_SQLSTATE

-- hierarchy functions
SELECT subpath('AC-2(1)(a)'::ctrlid, 0, 2) AS s1, subpath('AC-2(1)(a)'::ctrlid, 1, 2) AS s2,
       subpath('AC-2(1)(a)'::ctrlid, 2) AS s3, subpath('AC-2(1)(a)'::ctrlid, -2) AS s4,
       subpath('6.1.1.1'::ctrlid, 0, -1) AS s5, subpath('6.1.1.1'::ctrlid, 1, 100) AS s6,
       parent(parent('AC-2(1)(a)'::ctrlid)) AS p2, parent('A'::ctrlid) AS p_top;
SELECT subpath('6.1.1'::ctrlid, 3, 1);
\echo :LAST_ERROR_SQLSTATE
SELECT subpath('6.1.1'::ctrlid, 1, -2);
\echo :LAST_ERROR_SQLSTATE
SELECT subpath('6.1.1'::ctrlid, -4);
\echo :LAST_ERROR_SQLSTATE

-- the same queries under seqscan, btree and hash give the same rows
CREATE TEMP TABLE ctl AS
SELECT (a || '.' || b || '.' || c || CASE WHEN d > 0 THEN '.' || d ELSE '' END)::ctrlid AS id,
       a * 1000 + b * 100 + c * 10 + d AS n
FROM generate_series(5, 18) a, generate_series(1, 4) b, generate_series(1, 5) c, generate_series(0, 3) d;
ANALYZE ctl;

CREATE TEMP TABLE answers (plan text, q text, result text);
CREATE FUNCTION pg_temp.ask(plan text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO answers SELECT plan, 'eq', string_agg(id::text, ',' ORDER BY n) FROM ctl WHERE id = '06.01.01'::ismap.ctrlid;
  INSERT INTO answers SELECT plan, 'eq-spelled', string_agg(id::text, ',' ORDER BY n) FROM ctl WHERE id = '12.3.4.2'::ismap.ctrlid;
  INSERT INTO answers SELECT plan, 'range', string_agg(id::text, ',' ORDER BY n) FROM ctl WHERE id >= '9.4.5' AND id < '10.1.1.1';
  INSERT INTO answers SELECT plan, 'lt', count(*)::text FROM ctl WHERE id < '6.2';
  INSERT INTO answers SELECT plan, 'gt', count(*)::text FROM ctl WHERE id > '17.4.5';
  INSERT INTO answers SELECT plan, 'in', string_agg(id::text, ',' ORDER BY n) FROM ctl WHERE id IN ('5.1.1', '18.4.5.3', '99');
END $$;

SET enable_indexscan = off; SET enable_bitmapscan = off; SET enable_indexonlyscan = off;
SELECT pg_temp.ask('seqscan');
RESET enable_indexscan; RESET enable_bitmapscan; RESET enable_indexonlyscan;
SET enable_seqscan = off;
CREATE INDEX ctl_btree ON ctl USING btree (id);
EXPLAIN (COSTS OFF) SELECT * FROM ctl WHERE id = '6.1.1';
SELECT pg_temp.ask('btree');
DROP INDEX ctl_btree;
CREATE INDEX ctl_hash ON ctl USING hash (id);
EXPLAIN (COSTS OFF) SELECT * FROM ctl WHERE id = '6.1.1';
SELECT pg_temp.ask('hash');
RESET enable_seqscan;
SELECT q, count(DISTINCT result) AS distinct_results, count(*) AS plans, min(result) AS result
FROM answers GROUP BY q ORDER BY q;

-- a sort via index agrees with an explicit sort
CREATE INDEX ctl_btree2 ON ctl (id);
SET enable_seqscan = off;
SELECT count(*) AS mismatches FROM (
  SELECT id::text, row_number() OVER () AS r FROM (SELECT id FROM ctl ORDER BY id) s) a
JOIN (SELECT id::text, row_number() OVER (ORDER BY n) AS r FROM ctl) b USING (r)
WHERE a.id <> b.id;
RESET enable_seqscan;

-- uniqueness follows equality, not spelling
CREATE TEMP TABLE u (id ctrlid PRIMARY KEY);
INSERT INTO u VALUES ('AC-2(1)');
INSERT INTO u VALUES ('ac-2.1');
\echo :LAST_ERROR_SQLSTATE

-- hash join, merge join and hash aggregate
SET enable_mergejoin = off; SET enable_nestloop = off;
SELECT count(*) FROM ctl a JOIN ctl b ON a.id = b.id;
RESET enable_mergejoin; SET enable_hashjoin = off;
SELECT count(*) FROM ctl a JOIN ctl b ON a.id = b.id;
RESET enable_hashjoin; RESET enable_nestloop;
SELECT id, count(*) FROM (VALUES ('AC-2(1)'::ctrlid), ('ac-2.1'), ('AC 2 1'), ('AC-2')) v(id)
GROUP BY id ORDER BY id;

-- binary send/recv round trip keeps the spelling and the value
SELECT s, ctrlid_recv_check
FROM (SELECT s, (ctrlid_send(s::ctrlid) = ('\x01'::bytea || convert_to(s, 'UTF8'))) AS ctrlid_recv_check
      FROM (VALUES ('AC-2 (1)'), ('6.1.1.1'), ('cld.6.3.1')) v(s)) x
ORDER BY s COLLATE "C";
CREATE TEMP TABLE bin (id ctrlid);
INSERT INTO bin VALUES ('AC-2 (1)'), ('6.1.1.1'), ('cld.6.3.1');
CREATE TEMP TABLE bin2 (id ctrlid);
DO $$
DECLARE f text := current_setting('data_directory') || '/ismap_regress_ctrlid.bin';
BEGIN
  EXECUTE format('COPY bin TO %L WITH (FORMAT binary)', f);
  EXECUTE format('COPY bin2 FROM %L WITH (FORMAT binary)', f);
END $$;
SELECT a.id AS sent, b.id AS received, a.id::text = b.id::text AS same_spelling
FROM bin a JOIN bin2 b ON a.id = b.id ORDER BY a.id;
-- a binary value with an unknown format version is refused (22P03)
\set VERBOSITY terse
DO $$
DECLARE
  f text := current_setting('data_directory') || '/ismap_regress_bad.bin';
  lo oid;
BEGIN
  lo := lo_from_bytea(0, '\x5047434f50590aff0d0a00'::bytea      -- signature
        || '\x0000000000000000'::bytea                         -- flags, extension
        || '\x0001' || '\x00000004' || '\x02362e31'::bytea     -- 1 field: version 2, "6.1"
        || '\xffff'::bytea);                                   -- trailer
  PERFORM lo_export(lo, f);
  PERFORM lo_unlink(lo);
  EXECUTE format('COPY bin2 FROM %L WITH (FORMAT binary)', f);
END $$;
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY default

-- min and max in natural order (an index on ctrlid answers them)
SELECT min(id), max(id) FROM unnest(ARRAY['6.1.10', '6.1.9', 'A.1', '6.1.1.1', 'AC-2(1)']::ctrlid[]) id;
SELECT min(id) IS NULL AS empty_min FROM unnest(ARRAY[]::ctrlid[]) id;
