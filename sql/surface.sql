-- the public surface (schema ismap) and the internal one (ismap_internal):
-- every public object is described; no role but the owner reaches the
-- internals, tried as each role
\i test/regress/setup.psql
SET search_path = ismap, public;
\set VERBOSITY terse

-- tables, views, types and aggregates of ismap without a COMMENT (functions:
-- sql/catalog.sql); and the columns of the two views people read most
SELECT c.relname AS relation_without_comment
FROM pg_class c
WHERE c.relnamespace = 'ismap'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm')
  AND c.relname !~ '^evidence_[0-9]{4}_[0-9]{2}$'
  AND obj_description(c.oid, 'pg_class') IS NULL
ORDER BY 1;
SELECT t.typname AS type_without_comment
FROM pg_type t
WHERE t.typnamespace = 'ismap'::regnamespace AND t.typtype IN ('b', 'd', 'e') AND t.typelem = 0
  AND obj_description(t.oid, 'pg_type') IS NULL
ORDER BY 1;
SELECT c.relname || '.' || a.attname AS column_without_comment
FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE c.oid IN ('ismap.registry'::regclass, 'ismap.job_health'::regclass)
  AND col_description(c.oid, a.attnum) IS NULL
ORDER BY 1;

-- what lives in ismap_internal: functions, each with a comment, and the
-- queue of reported events (its sequence and key) and the table of the
-- writers' locks; nothing there is granted to anybody
SELECT count(*) > 20 AS has_internals FROM pg_proc WHERE pronamespace = 'ismap_internal'::regnamespace;
SELECT c.relname AS relation_in_internal, c.relacl IS NULL AS no_grants FROM pg_class c
WHERE c.relnamespace = 'ismap_internal'::regnamespace ORDER BY 1;
SELECT p.oid::regprocedure AS internal_without_comment
FROM pg_proc p WHERE p.pronamespace = 'ismap_internal'::regnamespace AND obj_description(p.oid, 'pg_proc') IS NULL;
SELECT nspacl IS NULL OR NOT EXISTS (SELECT 1 FROM aclexplode(nspacl) x WHERE x.grantee <> nspowner) AS schema_granted_to_nobody
FROM pg_namespace WHERE nspname = 'ismap_internal';
SELECT p.oid::regprocedure AS internal_granted, x.grantee::regrole
FROM pg_proc p, aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) x
WHERE p.pronamespace = 'ismap_internal'::regnamespace AND x.grantee <> p.proowner
ORDER BY 1, 2;

-- each role, by the privilege functions and by real attempts
SELECT r.rolname,
	   has_schema_privilege(r.rolname, 'ismap_internal', 'USAGE') AS usage,
	   has_schema_privilege(r.rolname, 'ismap_internal', 'CREATE') AS "create",
	   (SELECT count(*) FROM pg_proc p WHERE p.pronamespace = 'ismap_internal'::regnamespace
		  AND has_function_privilege(r.rolname, p.oid, 'EXECUTE')) AS executable
FROM pg_roles r WHERE r.rolname IN ('ismap_reader', 'ismap_registrar', 'ismap_auditor', 'ismap_csp', 'ismap_jobs')
ORDER BY 1;
SET ROLE ismap_registrar;
SELECT ismap_internal.append_event('forged', NULL, NULL, '{}');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SET ROLE ismap_jobs;
SELECT ismap_internal.job_renewals(current_date, false, NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT ismap_internal.job_try_lock('renewals');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SET ROLE ismap_csp;
SELECT ismap_internal.create_policies();
\echo :LAST_ERROR_SQLSTATE
-- the queue of reported events: a provider neither reads it nor writes
-- to it, nor queues an event of its own making
SELECT count(*) FROM ismap_internal.pending_event;
\echo :LAST_ERROR_SQLSTATE
INSERT INTO ismap_internal.pending_event (occurred_at, kind, payload, actor) VALUES (now(), 'forged', '{}', 'x');
\echo :LAST_ERROR_SQLSTATE
SELECT ismap_internal.queue_event('forged', NULL, NULL, '{}');
\echo :LAST_ERROR_SQLSTATE
CREATE FUNCTION ismap_internal.planted() RETURNS int LANGUAGE sql AS 'SELECT 1';
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SET ROLE ismap_reader;
SELECT ismap_internal.lock_application(1, '{submitted}');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
-- the public side still works for them: the jobs role runs its job
SET ROLE ismap_jobs;
SELECT count(*) >= 0 AS ran FROM run_renewals(current_date, true);
RESET ROLE;
