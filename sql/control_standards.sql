-- control standards from CSV, the NIST SP 800-53r5 <-> ISO/IEC 27001 crosswalk
-- (issue 3; DESIGN §3.2; docs/control-standards.md)
-- a fresh extension: other suites in the same database may have loaded standards
\i test/regress/setup.psql
SET search_path = ismap, public;
\set SHOW_CONTEXT never

-- ---- the CSV reader ------------------------------------------------------
SELECT * FROM parse_csv(E'a,b,c\r\n"x, y","say ""hi""","two\nlines"\r\n\r\nlast,,');
SELECT * FROM parse_csv(E'\xEF\xBB\xBF' || 'h1,h2' || E'\n');
SELECT count(*) FROM parse_csv('');
SELECT * FROM parse_csv(E'a,b\nc"d,e\n');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM parse_csv(E'ok\n"never closed\n');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM parse_csv(E'"ab"c\n');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM parse_csv(E'a\rb');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM parse_csv(repeat(',', 64));
\echo :LAST_ERROR_SQLSTATE

-- ---- NIST's crosswalk (data/mappings, loaded from the repository) ----------
\set t1 `cat data/mappings/nist-sp800-53r5_to_iso27001-2013_table1.csv`
\set p1 `cat data/mappings/nist-sp800-53r5_to_iso27001-2013_table1_pairs.csv`
\set t2 `cat data/mappings/iso27001-2013_to_nist-sp800-53r5_table2.csv`
\set p2 `cat data/mappings/iso27001-2013_to_nist-sp800-53r5_table2_pairs.csv`
SELECT * FROM import_nist_iso27001_mapping(:'t1', :'p1', :'t2', :'p2');

SELECT framework_id, title, version, publisher FROM framework ORDER BY framework_id;
-- 322 base controls of Table 1 (23 withdrawn) + 13 enhancements named in Table 2
SELECT framework_id, class, count(*), count(*) FILTER (WHERE withdrawn) AS withdrawn
FROM control GROUP BY 1, 2 ORDER BY 1, 2;
SELECT control_id, title, parent_id, class FROM control
WHERE framework_id = 'iso27001-2013' AND control_id IN ('4', '7.5.1', 'A.9', 'A.9.2', 'A.9.2.1', 'A.12')
ORDER BY control_id;
SELECT control_id, title, parent_id, class FROM control
WHERE framework_id = 'nist-800-53-r5' AND control_id IN ('AC-2', 'SC-8', 'SC-8(1)', 'AC-13')
ORDER BY control_id;

-- pairs in both tables, with no "*" and each the only entry, are equal
SELECT source_control, target_control, relationship FROM control_mapping
WHERE relationship = 'equal' ORDER BY source_control, target_control;
-- Table 1 alone: AC-5's only ISO entry is A.6.1.2 -> subset (or equal when
-- Table 2 agrees); a "*" gives intersects; several entries give intersects
SELECT source_control, target_control, relationship, rationale FROM control_mapping
WHERE (source_control, target_control) IN (('AC-5', 'A.6.1.2'), ('IA-2', 'A.9.2.1'), ('AC-2', 'A.9.2.1'),
	('SC-38', 'A.12'), ('SC-8(1)', 'A.18.1.3'))
ORDER BY source_control, target_control;
-- partial (*) pairs always intersect
SELECT count(*) AS partial_pairs_not_intersects
FROM parse_csv(:'p1') p
JOIN control_mapping m ON m.source_control = p.fields[1]::ctrlid AND m.target_control = p.fields[3]::ctrlid
WHERE p.line > 1 AND p.fields[4] = 'Y' AND m.relationship <> 'intersects';
-- "All XX-1 controls" became one pair per family policy control
SELECT count(*) AS xx1_pairs_of_a_5_1_1 FROM control_mapping
WHERE target_control = 'A.5.1.1' AND source_control::text ~ '^[A-Z]{2}-1$';

-- idempotent: a second import leaves the same rows
CREATE TEMP TABLE snap AS
SELECT source_framework, source_control::text, target_framework, target_control::text, relationship, rationale
FROM control_mapping;
SELECT * FROM import_nist_iso27001_mapping(:'t1', :'p1', :'t2', :'p2');
SELECT count(*) AS differing_rows FROM (
	(SELECT * FROM snap EXCEPT ALL
	 SELECT source_framework, source_control::text, target_framework, target_control::text, relationship, rationale FROM control_mapping)
	UNION ALL
	(SELECT source_framework, source_control::text, target_framework, target_control::text, relationship, rationale FROM control_mapping
	 EXCEPT ALL SELECT * FROM snap)) d;

-- a broken table is refused, naming it and the line, and nothing is written
SELECT * FROM import_nist_iso27001_mapping(:'t1', :'p1', :'t2', :'p2' || E'\nA.99.9.9,AC-2,ac-2,N\n', 'nist2', 'iso2');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM import_nist_iso27001_mapping(:'t1', replace(:'p1', 'AC-1,ac-1,5.2,N', 'AC-1,ac-1,5.2,maybe'), :'t2', :'p2', 'nist2', 'iso2');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM import_nist_iso27001_mapping(:'t2', :'p1', :'t1', :'p2', 'nist2', 'iso2');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS frameworks FROM framework;

-- ---- a control standard published as a spreadsheet -------------------------
\set std `cat data/standards/ismap-sample.csv`
SELECT * FROM import_control_standard_csv(:'std', 'ismap', 'ISMAP-style control standard (illustrative sample)');
SELECT part, class, count(*), count(*) FILTER (WHERE mandatory) AS mandatory
FROM control WHERE framework_id = 'ismap' GROUP BY 1, 2 ORDER BY 1, 2;
SELECT control_id, label, title, parent_id, class, part, mandatory FROM control
WHERE framework_id = 'ismap' AND control_id <@ '9.2' ORDER BY control_id;
-- cumulative level baselines: level L holds what is required at level L
SELECT b.baseline_id, b.level, b.title, count(*) AS controls,
	count(*) FILTER (WHERE ismap.depth(bc.control_id) = 3) AS objectives
FROM baseline b JOIN baseline_control bc USING (baseline_id, framework_id)
WHERE b.framework_id = 'ismap' GROUP BY 1, 2, 3 ORDER BY 1;
SELECT count(*) AS level1_not_in_level2 FROM (
	SELECT control_id FROM baseline_control WHERE baseline_id = 'ismap-level1'
	EXCEPT SELECT control_id FROM baseline_control WHERE baseline_id = 'ismap-level2') d;
-- references as published; those into loaded frameworks are mappings
SELECT ref_framework, relationship, count(*) FROM control_reference
WHERE framework_id = 'ismap' GROUP BY 1, 2 ORDER BY 1, 2;
SELECT source_control, target_framework, target_control, relationship, rationale FROM control_mapping
WHERE source_framework = 'ismap' AND source_control <@ '9.2.3' ORDER BY source_control, target_control;

-- idempotent
CREATE TEMP TABLE snap2 AS SELECT framework_id, control_id::text, label, title, statement, parent_id::text, class, mandatory, part
FROM control WHERE framework_id = 'ismap';
SELECT * FROM import_control_standard_csv(:'std', 'ismap');
SELECT count(*) AS differing_rows FROM (
	(SELECT * FROM snap2 EXCEPT ALL SELECT framework_id, control_id::text, label, title, statement, parent_id::text, class, mandatory, part
	 FROM control WHERE framework_id = 'ismap')
	UNION ALL
	(SELECT framework_id, control_id::text, label, title, statement, parent_id::text, class, mandatory, part
	 FROM control WHERE framework_id = 'ismap' EXCEPT ALL SELECT * FROM snap2)) d;
SELECT title FROM framework WHERE framework_id = 'ismap';

-- a smaller file replaces the larger one: controls, baselines, mappings
SELECT * FROM import_control_standard_csv(
'part,chapter,control_id,title,mandatory,level,statement,ref:iso27001-2013,ref:jasa-cloud-h28
control,5,5,Policies,,,,,
control,5,5.1,Direction,,,,,
control,5,5.1.1,Policy set,,1,,=A.5.1.1,
control,5,5.1.1.1,Policy approved,Y,1,Management approves the policy.,<A.5.1.1 ; A.5.1.2*,6.1
control,5,5.1.1.2,Policy published,N,2,,,', 'mini', 'A tiny standard');
SELECT control_id, statement, mandatory FROM control WHERE framework_id = 'mini' ORDER BY control_id;
SELECT source_control, target_control, relationship FROM control_mapping WHERE source_framework = 'mini' ORDER BY 1, 2;
SELECT * FROM control_reference WHERE framework_id = 'mini' ORDER BY control_id, ref_framework, ref_control;
SELECT * FROM import_control_standard_csv(
'part,chapter,control_id,title,level
control,5,5,Policies,
control,5,5.1,Direction,
control,5,5.1.1,Policy set,', 'mini');
SELECT count(*) AS controls FROM control WHERE framework_id = 'mini';
SELECT count(*) AS mappings FROM control_mapping WHERE source_framework = 'mini';
SELECT count(*) AS baselines FROM baseline WHERE framework_id = 'mini';

-- hierarchy and format errors name the line; nothing is written
\set hdr 'part,chapter,control_id,title,mandatory,level,ref:iso27001-2013'
SELECT import_control_standard_csv(:'hdr' || E'\ncontrol,5,5,P,,,\ncontrol,5,5.1.1,Orphan,,1,', 'bad');
\echo :LAST_ERROR_SQLSTATE
SELECT import_control_standard_csv(:'hdr' || E'\ncontrol,5,5.1,Early,,,\ncontrol,5,5,P,,,', 'bad');
\echo :LAST_ERROR_SQLSTATE
SELECT import_control_standard_csv(:'hdr' || E'\ncontrol,5,5,P,,,\ncontrol,5,5.1,S,,,\ncontrol,5,5.01,Again,,,', 'bad');
\echo :LAST_ERROR_SQLSTATE
SELECT import_control_standard_csv(:'hdr' || E'\ncontrol,5,5,P,,,\ncontrol,6,5.1,S,,,', 'bad');
\echo :LAST_ERROR_SQLSTATE
SELECT import_control_standard_csv(:'hdr' || E'\ncontrol,5,5,P,,,\ngovernance,5,5.1,S,,,', 'bad');
\echo :LAST_ERROR_SQLSTATE
SELECT import_control_standard_csv(:'hdr' || E'\ncontrol,5,5,P,,,\ncontrol,5,5.1,S,,,\ncontrol,5,5.1.1,O,Y,1,', 'bad');
\echo :LAST_ERROR_SQLSTATE
SELECT import_control_standard_csv(:'hdr' || E'\ncontrol,5,5,P,,,\ncontrol,5,5.1,S,,,\ncontrol,5,5.1.1,O,,2,\ncontrol,5,5.1.1.1,D,,1,', 'bad');
\echo :LAST_ERROR_SQLSTATE
SELECT import_control_standard_csv(:'hdr' || E'\ncontrol,5,5,P,,,\ncontrol,5,5.1,S,,,\ncontrol,5,5.1.1,O,,1,\ncontrol,5,5.1.1.1,D,Y,,', 'bad');
\echo :LAST_ERROR_SQLSTATE
SELECT import_control_standard_csv(:'hdr' || E'\ncontrol,5,5,P,,,\ncontrol,5,5.1,S,,4,', 'bad');
\echo :LAST_ERROR_SQLSTATE
SELECT import_control_standard_csv(:'hdr' || E'\ncontrol,5,5,P,,,\ncontrol,5,5.1,S,,1,', 'bad');
\echo :LAST_ERROR_SQLSTATE
SELECT import_control_standard_csv(:'hdr' || E'\ncontrol,5,5,P,maybe,,', 'bad');
\echo :LAST_ERROR_SQLSTATE
SELECT import_control_standard_csv(:'hdr' || E'\nrules,5,5,P,,,', 'bad');
\echo :LAST_ERROR_SQLSTATE
SELECT import_control_standard_csv(:'hdr' || E'\ncontrol,5,5((1)),P,,,', 'bad');
\echo :LAST_ERROR_SQLSTATE
SELECT import_control_standard_csv(:'hdr' || E'\ncontrol,5,5.1.1.1.1,Deep,,,', 'bad');
\echo :LAST_ERROR_SQLSTATE
SELECT import_control_standard_csv(:'hdr' || E'\ncontrol,5,5, ,,,', 'bad');
\echo :LAST_ERROR_SQLSTATE
SELECT import_control_standard_csv(:'hdr' || E'\ncontrol,5,5,P,,', 'bad');
\echo :LAST_ERROR_SQLSTATE
SELECT import_control_standard_csv(:'hdr' || E'\ncontrol,5,5,P,,,\ncontrol,5,5.1,S,,,\ncontrol,5,5.1.1,O,,1,A.99.1.1', 'bad');
\echo :LAST_ERROR_SQLSTATE
SELECT import_control_standard_csv(:'hdr' || E'\ncontrol,5,5,P,,,\ncontrol,5,5.1,S,,,\ncontrol,5,5.1.1,O,,1,=A.5.1.1;~A.5.1.1', 'bad');
\echo :LAST_ERROR_SQLSTATE
SELECT import_control_standard_csv('part,chapter,control_id,title,colour', 'bad');
\echo :LAST_ERROR_SQLSTATE
SELECT import_control_standard_csv('part,chapter,control_id', 'bad');
\echo :LAST_ERROR_SQLSTATE
SELECT import_control_standard_csv('part,chapter,control_id,title,title', 'bad');
\echo :LAST_ERROR_SQLSTATE
SELECT import_control_standard_csv('part,chapter,control_id,title', 'bad');
\echo :LAST_ERROR_SQLSTATE
SELECT import_control_standard_csv('part,chapter,control_id,title,ref:bad', 'bad');
\echo :LAST_ERROR_SQLSTATE
SELECT import_control_standard_csv(:'hdr' || E'\ncontrol,5,5,"P', 'bad');
\echo :LAST_ERROR_SQLSTATE
SELECT import_control_standard_csv(:'std', 'Not A Valid Id');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS bad_frameworks FROM framework WHERE framework_id = 'bad';
-- Japanese part names and marks are accepted
SELECT (import_control_standard_csv(
'part,chapter,control_id,title,mandatory,level
管理策基準,9,9,アクセス制御,,
管理策基準,9,9.2,利用者アクセスの管理,,
管理策基準,9,9.2.1,利用者の登録及び登録削除,,1
管理策基準,9,9.2.1.1,管理者アカウントは個人に割り当てる,○,1', 'ja')).mandatory;
SELECT control_id, part, mandatory FROM control WHERE framework_id = 'ja' ORDER BY control_id;

-- ---- constraints of the tables ---------------------------------------------
-- (terse: the failing rows would show generated mapping ids)
\set VERBOSITY terse
INSERT INTO control_mapping (source_framework, source_control, target_framework, target_control, relationship, provenance)
VALUES ('ja', '9.2.1', 'iso27001-2013', 'A.9.2.1', 'similar', 'test');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO control_mapping (source_framework, source_control, target_framework, target_control, relationship, strength, provenance)
VALUES ('ja', '9.2.1', 'iso27001-2013', 'A.9.2.1', 'equal', 11, 'test');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO control_mapping (source_framework, source_control, target_framework, target_control, relationship, strength, provenance)
VALUES ('ja', '9.2.1', 'iso27001-2013', 'A.9.2.1', 'equal', 0, 'test');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO control_mapping (source_framework, source_control, target_framework, target_control, relationship, provenance)
VALUES ('ja', '9.2.1', 'iso27001-2013', 'A.99.1', 'equal', 'test');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO control_mapping (source_framework, source_control, target_framework, target_control, relationship, provenance)
VALUES ('ja', '9.2.1', 'iso27001-2013', 'A.9.2.1', 'equal', ' ');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO control_mapping (source_framework, source_control, target_framework, target_control, relationship, strength, provenance)
VALUES ('ja', '9.2.1', 'iso27001-2013', 'A.9.2.1', 'equal', 10, 'test');
-- the inverse pair is refused; the pair is recorded once
INSERT INTO control_mapping (source_framework, source_control, target_framework, target_control, relationship, provenance)
VALUES ('iso27001-2013', 'a.9.2.1', 'ja', '9.2.1', 'equal', 'test');
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY default
-- a detailed control's parent must exist (checked at commit)
BEGIN;
INSERT INTO control (framework_id, control_id, title, parent_id) VALUES ('ja', '9.3.1.1', 'Orphan', '9.3.1');
COMMIT;
\echo :LAST_ERROR_SQLSTATE
INSERT INTO control (framework_id, control_id, title, withdrawn, mandatory) VALUES ('ja', '9.9', 'Gone', true, true);
\echo :LAST_ERROR_SQLSTATE
INSERT INTO control (framework_id, control_id, title, part) VALUES ('ja', '9.9', 'Odd', 'extra');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO control (framework_id, control_id, title) VALUES ('ja', '9.9', '');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO baseline_control (baseline_id, framework_id, control_id) VALUES ('ismap-level1', 'ismap', '99.1.1');
\echo :LAST_ERROR_SQLSTATE
-- a baseline selects only controls of its own framework
INSERT INTO baseline_control (baseline_id, framework_id, control_id) VALUES ('ismap-level1', 'ja', '9');
\echo :LAST_ERROR_SQLSTATE
-- the tables keep their rows in pg_dump
SELECT c.relname FROM pg_extension e, unnest(e.extconfig) AS t(relid) JOIN pg_class c ON c.oid = t.relid
WHERE e.extname = 'ismap' AND c.relname IN ('framework', 'control', 'baseline', 'baseline_control', 'control_mapping', 'control_reference')
ORDER BY 1;

-- twice in one transaction, then again in the next: no notices, same result
BEGIN;
SELECT detailed FROM import_control_standard_csv(:'std', 'ismap');
SELECT detailed FROM import_control_standard_csv(:'std', 'ismap');
SELECT mappings FROM import_nist_iso27001_mapping(:'t1', :'p1', :'t2', :'p2');
SELECT mappings FROM import_nist_iso27001_mapping(:'t1', :'p1', :'t2', :'p2');
COMMIT;
SELECT detailed FROM import_control_standard_csv(:'std', 'ismap');
-- an error inside a transaction leaves the earlier import of that transaction intact
BEGIN;
SELECT detailed FROM import_control_standard_csv(:'std', 'ismap2');
SAVEPOINT s;
SELECT import_control_standard_csv('part,chapter,control_id,title', 'ismap3');
ROLLBACK TO s;
SELECT detailed FROM import_control_standard_csv(:'std', 'ismap3');
COMMIT;
SELECT framework_id, count(*) FROM control WHERE framework_id LIKE 'ismap%' GROUP BY 1 ORDER BY 1;

-- the spreadsheet layout: objective and detailed columns instead of
-- control_id; in a file without headings an objective has no parent
SELECT * FROM import_control_standard_csv(
'chapter,part,objective,detailed,mandatory,title,level
9,control,9.2.1,,,Users are registered,1
9,control,9.2.1,9.2.1.1,Y,One account per person,1
9,control,9.2.1,9.2.1.2,N,Leavers are removed,2
12,control,12.4.1,,,Logs are kept,2
12,control,12.4.1,12.4.1.1,,Logs are kept a year,3', 'sheet');
SELECT control_id, parent_id, class, mandatory FROM control WHERE framework_id = 'sheet' ORDER BY control_id;
SELECT baseline_id, count(*) FROM baseline_control WHERE framework_id = 'sheet' GROUP BY 1 ORDER BY 1;
SELECT import_control_standard_csv(E'chapter,part,objective,detailed,title\n9,control,9.2.1,,O\n9,control,9.2.1,9.2.2.1,D', 'sheet2');
\echo :LAST_ERROR_SQLSTATE
SELECT import_control_standard_csv(E'chapter,part,objective,detailed,title\n9,control,9.2.1,9.2.1.1,D', 'sheet2');
\echo :LAST_ERROR_SQLSTATE
-- headings are all or nothing
SELECT import_control_standard_csv(E'chapter,part,objective,detailed,title\n9,control,9,,C\n9,control,9.2.1,,O', 'sheet2');
\echo :LAST_ERROR_SQLSTATE
SELECT import_control_standard_csv(E'chapter,part,control_id,objective,title\n9,control,9,9,C', 'sheet2');
\echo :LAST_ERROR_SQLSTATE
SELECT import_control_standard_csv(E'chapter,part,detailed,title\n9,control,9.2.1.1,D', 'sheet2');
\echo :LAST_ERROR_SQLSTATE
