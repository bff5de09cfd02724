-- ismap.cia: literals, constructor, accessors, dominance, join, aggregate
\i test/regress/setup.psql
SET search_path = ismap, public;

SELECT s, s::cia AS rating, conf(s::cia), integ(s::cia), avail(s::cia)
FROM (VALUES ('C3/I2/A1'), ('c1/i1/a1'), ('C2/i2/A3'), ('C1/I1/A3')) v(s)
ORDER BY s COLLATE "C";

-- syntax errors are 22P02, out-of-range components 22003
\set VERBOSITY default
SELECT ''::cia;
\echo :LAST_ERROR_SQLSTATE
SELECT 'C3/I2'::cia;
\echo :LAST_ERROR_SQLSTATE
SELECT 'C3 / I2 / A1'::cia;
\echo :LAST_ERROR_SQLSTATE
SELECT 'I2/C3/A1'::cia;
\echo :LAST_ERROR_SQLSTATE
SELECT 'C3/I2/A1x'::cia;
\echo :LAST_ERROR_SQLSTATE
SELECT 'C4/I2/A1'::cia;
\echo :LAST_ERROR_SQLSTATE
SELECT 'C3/I3/A1'::cia;
\echo :LAST_ERROR_SQLSTATE
SELECT 'C3/I2/A0'::cia;
\echo :LAST_ERROR_SQLSTATE
SELECT 'C10/I2/A1'::cia;
\echo :LAST_ERROR_SQLSTATE
SELECT cia(0, 1, 1);
\echo :LAST_ERROR_SQLSTATE
SELECT cia(1, 3, 1);
\echo :LAST_ERROR_SQLSTATE
SELECT cia(1, 1, 4);
\echo :LAST_ERROR_SQLSTATE
SELECT cia(3, 2, 1) AS built, cia(NULL, 1, 1) AS strict_null;

-- every operator over a matrix of pairs
SELECT a, b, a = b AS eq, a <> b AS ne, a @> b AS dominates, a <@ b AS dominated,
       cia_join(a, b) AS joined, a ~<~ b AS sorts_before, a ~<=~ b AS le,
       a ~>~ b AS sorts_after, a ~>=~ b AS ge, cia_lex_cmp(a, b) AS cmp,
       cia_hash(a) = cia_hash(b) AS same_hash
FROM (VALUES ('C3/I1/A1'::cia, 'C1/I2/A1'::cia), ('C3/I2/A3', 'C1/I1/A1'),
             ('C2/I2/A2', 'C2/I2/A2'), ('C1/I1/A1', 'C1/I1/A2'), ('C2/I1/A3', 'C2/I2/A1')) v(a, b)
ORDER BY a, b;

-- "<" is deliberately not defined for ratings
SELECT 'C1/I1/A1'::cia < 'C2/I1/A1'::cia;
\echo :LAST_ERROR_SQLSTATE

-- cia_max over groups, with NULLs ignored; sorting uses the lexicographic order
CREATE TEMP TABLE assets (sys int, rating cia);
INSERT INTO assets VALUES (1, 'C1/I1/A1'), (1, 'C3/I1/A1'), (1, 'C1/I2/A2'),
  (2, 'C2/I2/A1'), (2, NULL), (3, NULL);
SELECT sys, cia_max(rating) FROM assets GROUP BY sys ORDER BY sys;
SELECT cia_max(rating) AS overall FROM assets;
SELECT rating FROM assets WHERE rating IS NOT NULL ORDER BY rating DESC;

-- the same answers under seqscan, btree and hash
CREATE TEMP TABLE allr AS
SELECT cia(c, i, a) AS r FROM generate_series(1, 3) c, generate_series(1, 2) i, generate_series(1, 3) a,
  generate_series(1, 20) rep;
ANALYZE allr;
SET enable_indexscan = off; SET enable_bitmapscan = off;
SELECT count(*) FROM allr WHERE r = 'C2/I1/A3';
RESET enable_indexscan; RESET enable_bitmapscan;
SET enable_seqscan = off;
CREATE INDEX allr_b ON allr (r);
SELECT count(*) FROM allr WHERE r = 'C2/I1/A3';
SELECT count(*) FROM allr WHERE r ~>=~ 'C3/I1/A1';
DROP INDEX allr_b;
CREATE INDEX allr_h ON allr USING hash (r);
SELECT count(*) FROM allr WHERE r = 'C2/I1/A3';
RESET enable_seqscan;
SELECT count(*) AS dominating_c2i1a2 FROM allr WHERE r @> 'C2/I1/A2';

-- binary format: version byte then C, I, A
SELECT cia_send('C3/I2/A1') AS wire;
