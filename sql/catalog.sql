-- catalog-level checks: opclasses validate, every function is labelled
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS ismap;
RESET client_min_messages;

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

-- a function that only reads (IMMUTABLE or STABLE) is labelled PARALLEL SAFE
SELECT p.oid::regprocedure AS readonly_function_not_parallel_safe
FROM pg_proc p
JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'ismap'
WHERE p.provolatile IN ('i', 's') AND p.proparallel <> 's' AND p.prokind = 'f'
ORDER BY p.oid::regprocedure::text COLLATE "C";

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
