-- demo/30_mappings.sql — a control standard, a crosswalk, and what an
-- ISO/IEC 27001 certification already covers (seed §3.3.1)
\pset footer off
CREATE EXTENSION IF NOT EXISTS ismap;
SET search_path = ismap, public;

\echo
\echo '== NIST''s SP 800-53 Rev. 5 <-> ISO/IEC 27001:2013 crosswalk (data/mappings) =='
\set t1 `cat data/mappings/nist-sp800-53r5_to_iso27001-2013_table1.csv`
\set p1 `cat data/mappings/nist-sp800-53r5_to_iso27001-2013_table1_pairs.csv`
\set t2 `cat data/mappings/iso27001-2013_to_nist-sp800-53r5_table2.csv`
\set p2 `cat data/mappings/iso27001-2013_to_nist-sp800-53r5_table2_pairs.csv`
SELECT * FROM import_nist_iso27001_mapping(:'t1', :'p1', :'t2', :'p2');

\echo '== An ISMAP-style control standard from a spreadsheet (illustrative sample, data/standards) =='
\set std `cat data/standards/ismap-sample.csv`
SELECT * FROM import_control_standard_csv(:'std', 'ismap',
	'ISMAP-style control standard (illustrative sample, not the official text)', 'sample');

\echo '== Chapter 9 of the sample: objectives (3 segments) and detailed controls (4), mandatory ones marked =='
SELECT c.control_id, c.class, CASE WHEN c.mandatory THEN 'mandatory' ELSE '' END AS mandatory,
	(SELECT min(b.level) FROM baseline_control bc JOIN baseline b USING (baseline_id, framework_id)
	 WHERE bc.framework_id = c.framework_id AND bc.control_id = c.control_id) AS from_level,
	c.title
FROM control c WHERE c.framework_id = 'ismap' AND c.control_id <@ '9'
ORDER BY c.control_id;

\echo '== Mappings run both ways: NIST AC-2 to ISO/IEC 27001, and back =='
SELECT * FROM mapped_controls('nist-800-53-r5', 'AC-2', 'iso27001-2013');
SELECT target_control, relationship FROM mapped_controls('iso27001-2013', 'A.9.2.1', 'nist-800-53-r5');

\echo '== Over two hops, a detailed control of the standard reaches NIST through ISO/IEC 27001 =='
SELECT target_control, relationship, hops, path
FROM mapped_controls('ismap', '9.2.3.1', 'nist-800-53-r5', 2);

\echo '== "We hold ISO/IEC 27001": what it covers of each level =='
SELECT l.level, c.coverage, count(*) AS controls,
	count(*) FILTER (WHERE ctl.mandatory) AS mandatory
FROM (VALUES (1), (2), (3)) l(level)
CROSS JOIN LATERAL coverage('ismap-level' || l.level, ARRAY['iso27001-2013']) c
JOIN control ctl ON ctl.framework_id = 'ismap' AND ctl.control_id = c.control_id
GROUP BY 1, 2 ORDER BY 1, 2;

\echo '== ... and what is left to show the auditor at level 2 (not fully covered) =='
SELECT c.control_id, c.coverage, c.via, ctl.title
FROM coverage('ismap-level2', ARRAY['iso27001-2013']) c
JOIN control ctl ON ctl.framework_id = 'ismap' AND ctl.control_id = c.control_id
WHERE c.coverage <> 'full'
ORDER BY c.control_id;

\echo '== Holding NIST SP 800-53 instead: two hops through ISO/IEC 27001 give far less =='
SELECT coverage, count(*) FROM coverage('ismap-level2', ARRAY['nist-800-53-r5'], 2)
GROUP BY 1 ORDER BY 1;
