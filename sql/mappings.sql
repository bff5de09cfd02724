-- mapped_controls and coverage (DESIGN §3.2) on a small hand-made graph,
-- then against a naive recursive CTE on NIST's crosswalk
-- a fresh extension: other suites in the same database may have loaded standards
\i test/regress/setup.psql
SET search_path = ismap, public;
\set SHOW_CONTEXT never

-- the relationship algebra
SELECT a, b, compose_relationships(a, b) AS composed, inverse_relationship(a) AS inverse_of_a
FROM unnest(ARRAY['equal', 'subset', 'superset', 'intersects']) a,
	 unnest(ARRAY['equal', 'subset', 'superset', 'intersects']) b
ORDER BY 1, 2;

-- three frameworks:  x:1 = y:1 ;  y:1 subset z:1 ; z:2 subset y:1 (so y:1
-- superset z:2) ; x:2 intersects y:2 ; y:2 subset x:3 ; x:3 subset z:3 ;
-- z:3 subset y:2 (a cycle y:2 -> x:3 -> z:3 -> y:2) ; x:1 not_related z:4 ;
-- z:4 equal y:4
INSERT INTO framework (framework_id, title) VALUES ('fx', 'X'), ('fy', 'Y'), ('fz', 'Z');
INSERT INTO control (framework_id, control_id, title)
SELECT f, c::ctrlid, f || ' ' || c FROM unnest(ARRAY['fx', 'fy', 'fz']) f, unnest(ARRAY['1', '2', '3', '4']) c;
INSERT INTO control_mapping (source_framework, source_control, target_framework, target_control, relationship, provenance) VALUES
	('fx', '1', 'fy', '1', 'equal', 'test'),
	('fy', '1', 'fz', '1', 'subset', 'test'),
	('fz', '2', 'fy', '1', 'subset', 'test'),
	('fx', '2', 'fy', '2', 'intersects', 'test'),
	('fy', '2', 'fx', '3', 'subset', 'test'),
	('fx', '3', 'fz', '3', 'subset', 'test'),
	('fz', '3', 'fy', '2', 'subset', 'test'),
	('fx', '1', 'fz', '4', 'not_related', 'test'),
	('fz', '4', 'fy', '4', 'equal', 'test');

-- direct mappings, both directions
SELECT * FROM mapped_controls('fx', '1', 'fy');
SELECT * FROM mapped_controls('fy', '1', 'fx');
SELECT * FROM mapped_controls('fz', '1', 'fy');
SELECT * FROM mapped_controls('fy', '1', 'fz') ORDER BY target_control;
-- composition: x:1 = y:1 subset z:1 -> subset; x:1 = y:1 superset z:2 -> superset
-- x:1 not_related z:4 is direct; it is never followed to y:4
SELECT * FROM mapped_controls('fx', '1', 'fz', 2) ORDER BY hops, target_control;
SELECT * FROM mapped_controls('fx', '1', 'fy', 3) ORDER BY hops, target_control;
-- z:1 superset y:1 = x:1, and y:1 superset z:2: superset∘superset
SELECT * FROM mapped_controls('fz', '1', 'fz', 2);
-- z:2 subset y:1 subset z:1: subset∘subset
SELECT * FROM mapped_controls('fz', '2', 'fz', 2);
-- x:2 intersects y:2 subset x:3: intersects wins
SELECT * FROM mapped_controls('fx', '2', 'fx', 2);
-- the cycle ends: every control once, at its fewest hops, never the start
SELECT * FROM mapped_controls('fy', '2', 'fx', 10) ORDER BY hops, target_control;
SELECT * FROM mapped_controls('fy', '2', 'fy', 10) ORDER BY hops, target_control;
SELECT * FROM mapped_controls('fy', '2', 'fz', 10) ORDER BY hops, target_control;
-- any spelling of the control finds it
SELECT count(*) FROM mapped_controls('fx', '01', 'fy');

-- errors
SELECT * FROM mapped_controls('fx', '9', 'fy');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM mapped_controls('nope', '1', 'fy');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM mapped_controls('fx', '1', 'nope');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM mapped_controls('fx', '1', 'fy', 0);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM mapped_controls('fx', '1', 'fy', 11);
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM mapped_controls('fx', '1', NULL);

-- coverage of a baseline of Z by held frameworks
INSERT INTO baseline (baseline_id, framework_id, title, level) VALUES ('z-all', 'fz', 'all of Z', 1);
INSERT INTO baseline_control (baseline_id, framework_id, control_id)
SELECT 'z-all', 'fz', control_id FROM control WHERE framework_id = 'fz';
-- holding Y: z:1 superset y:1 -> partial; z:2 subset y:1 -> full;
-- z:3 subset y:2 -> full; z:4 equal y:4 -> full
SELECT * FROM coverage('z-all', '{fy}');
-- holding X: only z:4 (not_related) and z:3 (x:3 subset z:3 -> partial) directly
SELECT * FROM coverage('z-all', '{fx}');
SELECT * FROM coverage('z-all', '{fx}', 2);
-- several held frameworks: the best of them, via every held control that gives it
SELECT * FROM coverage('z-all', '{fx,fy}');
-- the baseline's own framework covers it
SELECT * FROM coverage('z-all', '{fz}');
SELECT * FROM coverage('z-all', '{}');
SELECT * FROM coverage('nope', '{fx}');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM coverage('z-all', '{fx,nope}');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM coverage('z-all', '{fx}', 0);
\echo :LAST_ERROR_SQLSTATE

-- ---- NIST's crosswalk: the search agrees with a naive recursive CTE --------
\set t1 `cat data/mappings/nist-sp800-53r5_to_iso27001-2013_table1.csv`
\set p1 `cat data/mappings/nist-sp800-53r5_to_iso27001-2013_table1_pairs.csv`
\set t2 `cat data/mappings/iso27001-2013_to_nist-sp800-53r5_table2.csv`
\set p2 `cat data/mappings/iso27001-2013_to_nist-sp800-53r5_table2_pairs.csv`
SELECT mappings FROM import_nist_iso27001_mapping(:'t1', :'p1', :'t2', :'p2');

SELECT * FROM mapped_controls('nist-800-53-r5', 'AC-2', 'iso27001-2013');
SELECT * FROM mapped_controls('iso27001-2013', 'A.9.2.1', 'nist-800-53-r5');
-- ISO controls related through one NIST control (2 hops)
SELECT * FROM mapped_controls('iso27001-2013', 'A.9.2.1', 'iso27001-2013', 2) ORDER BY hops, target_control;

-- every simple path, then per target the fewest hops and the best relationship
CREATE FUNCTION pg_temp.naive(fw text, c ctrlid, tfw text, maxh int)
RETURNS TABLE (target_control ctrlid, relationship text, hops int)
LANGUAGE sql STABLE AS $$
	WITH RECURSIVE edge AS (
		SELECT source_framework AS f1, source_control AS c1, target_framework AS f2, target_control AS c2, relationship AS r
		FROM ismap.control_mapping WHERE relationship <> 'not_related'
		UNION ALL
		SELECT target_framework, target_control, source_framework, source_control, ismap.inverse_relationship(relationship)
		FROM ismap.control_mapping WHERE relationship <> 'not_related'
	), walk (f, c, r, hops, seen) AS (
		SELECT fw, c, 'equal', 0, ARRAY[fw || ':' || c::text]
		UNION ALL
		SELECT e.f2, e.c2, ismap.compose_relationships(w.r, e.r), w.hops + 1,
			w.seen || (e.f2 || ':' || e.c2::text)
		FROM walk w JOIN edge e ON e.f1 = w.f AND e.c1 = w.c
		WHERE w.hops < maxh AND NOT (e.f2 || ':' || e.c2::text) = ANY (w.seen)
	), reached AS (
		SELECT f, c, r, hops, min(hops) OVER (PARTITION BY f, c) AS best FROM walk WHERE hops > 0
	)
	SELECT DISTINCT ON (c) c, r, hops FROM reached
	WHERE f = tfw AND hops = best AND NOT (f = fw AND c = naive.c)
	ORDER BY c, array_position(ARRAY['equal', 'subset', 'superset', 'intersects'], r)
$$;
SELECT s.control_id, h AS max_hops,
	(SELECT count(*) FROM mapped_controls('nist-800-53-r5', s.control_id::ctrlid, 'iso27001-2013', h)) AS found,
	(SELECT count(*) FROM (
		(SELECT target_control::text, relationship, hops FROM mapped_controls('nist-800-53-r5', s.control_id::ctrlid, 'iso27001-2013', h)
		 EXCEPT SELECT target_control::text, relationship, hops FROM pg_temp.naive('nist-800-53-r5', s.control_id::ctrlid, 'iso27001-2013', h))
		UNION ALL
		(SELECT target_control::text, relationship, hops FROM pg_temp.naive('nist-800-53-r5', s.control_id::ctrlid, 'iso27001-2013', h)
		 EXCEPT SELECT target_control::text, relationship, hops FROM mapped_controls('nist-800-53-r5', s.control_id::ctrlid, 'iso27001-2013', h))) d) AS differences
FROM (VALUES ('AC-5'), ('IA-2'), ('CP-9'), ('SC-8(1)'), ('PE-3')) s(control_id), (VALUES (1), (3)) m(h)
ORDER BY 1, 2;
