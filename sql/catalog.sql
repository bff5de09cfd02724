-- catalog-level checks: opclasses validate, every function is labelled
\i test/regress/setup.psql

-- amvalidate() on every operator class the extension owns
SELECT opc.opcname, am.amname, amvalidate(opc.oid)
FROM pg_opclass opc
JOIN pg_am am ON am.oid = opc.opcmethod
JOIN pg_depend d ON d.classid = 'pg_opclass'::regclass AND d.objid = opc.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'ismap'
ORDER BY opc.opcname, am.amname;

-- every function carries a COMMENT (operator implementation functions carry
-- their operator's comment, type I/O functions their type's)
SELECT p.oid::regprocedure AS function_without_comment
FROM pg_proc p
JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'ismap'
WHERE obj_description(p.oid, 'pg_proc') IS NULL
  AND NOT EXISTS (SELECT 1 FROM pg_operator o WHERE o.oprcode = p.oid)
  AND NOT EXISTS (SELECT 1 FROM pg_type t WHERE p.oid IN (t.typinput, t.typoutput, t.typreceive, t.typsend))
ORDER BY p.oid::regprocedure::text COLLATE "C";

-- a function that only reads (IMMUTABLE or STABLE) is labelled PARALLEL SAFE,
-- but for published_list and published_list_day: PARALLEL RESTRICTED keeps
-- the inlined list in one process (parallel workers made it two to three times
-- slower; src/sql/reporting/published_list.sql)
SELECT p.oid::regprocedure AS readonly_function_not_parallel_safe
FROM pg_proc p
JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'ismap'
WHERE p.provolatile IN ('i', 's') AND p.proparallel <> 's' AND p.prokind = 'f'
  AND p.oid NOT IN ('ismap.published_list(date,text)'::regprocedure, 'ismap.published_list_day(date,text)'::regprocedure)
ORDER BY p.oid::regprocedure::text COLLATE "C";

-- volatility and PARALLEL labels follow what a function does.  A function
-- "writes" when its body changes data or settings (INSERT, UPDATE, DELETE,
-- set_config, sequences, locks, dynamic SQL); a writer must be VOLATILE and
-- PARALLEL UNSAFE (it would otherwise run on a hot standby's planner path or
-- in a parallel worker), and a VOLATILE function that only reads is a finding
-- (it should be STABLE, so that it plans well and reads one snapshot).
-- Trigger functions are VOLATILE by nature; row locks, advisory locks,
-- notices, clock_timestamp() and calling a batch function are reasons to be
-- VOLATILE too; C functions
-- cannot be read here (their labels are checked by their own tests).
CREATE TEMP VIEW ismap_fn AS
SELECT p.oid, p.provolatile, p.proparallel, p.prorettype = 'trigger'::regtype AS is_trigger,
       l.lanname IN ('sql', 'plpgsql') AS inspectable,
       l.lanname IN ('sql', 'plpgsql')
       AND p.prosrc ~* '\m(insert\s+into|update\s+\S+(\s+(as\s+)?\w+)?\s+set|delete\s+from|set_config|nextval|setval|truncate|lock\s+table|execute\s)' AS writes,
       -- not writes, but reasons to be VOLATILE all the same
       p.prosrc ~* '\m(for\s+update|advisory|raise\s+(notice|info|warning|debug)|clock_timestamp|ismap\.run_\w+\()' AS side_effects
FROM pg_proc p
JOIN pg_language l ON l.oid = p.prolang
JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'ismap'
WHERE p.prokind = 'f';
SELECT oid::regprocedure AS writing_function_not_volatile FROM ismap_fn
WHERE writes AND provolatile <> 'v' ORDER BY oid::regprocedure::text;
SELECT oid::regprocedure AS writing_function_not_parallel_unsafe FROM ismap_fn
WHERE (writes OR provolatile = 'v') AND proparallel <> 'u' ORDER BY oid::regprocedure::text;
SELECT oid::regprocedure AS readonly_function_volatile FROM ismap_fn
WHERE provolatile = 'v' AND inspectable AND NOT writes AND NOT side_effects AND NOT is_trigger
ORDER BY oid::regprocedure::text;
-- the writers found, for the record: each must fail with 25006 on a standby
-- (test/replica/run)
SELECT oid::regprocedure AS writer FROM ismap_fn WHERE writes AND NOT is_trigger ORDER BY oid::regprocedure::text;
DROP VIEW ismap_fn;

-- the level domain and the model enums
SELECT 1::ismap.level AS l1, 3::ismap.level AS l3;
SELECT 4::ismap.level;
\echo :LAST_ERROR_SQLSTATE
SELECT 0::ismap.level;
\echo :LAST_ERROR_SQLSTATE
SELECT enum_range(NULL::ismap.delivery_model) AS delivery, enum_range(NULL::ismap.deployment_model) AS deployment;
SELECT 'Serverless'::ismap.delivery_model;
\echo :LAST_ERROR_SQLSTATE

-- the extension's schema and relocatability are fixed
SELECT extname, extversion, extrelocatable, extnamespace::regnamespace
FROM pg_extension WHERE extname = 'ismap';
