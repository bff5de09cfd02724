-- DROP EXTENSION ismap needs intent (docs/security.md, "Dangerous
-- operations"): refused with 55000 while the registry holds registrations
-- or events, unless a superuser set ismap.allow_drop in the session
\i test/regress/setup.psql
SET search_path = ismap, public;
\set VERBOSITY terse

-- an empty registry goes without ceremony
DROP EXTENSION ismap;
SELECT count(*) AS ismap_left FROM pg_extension WHERE extname = 'ismap';
CREATE EXTENSION ismap;

-- a registry with registrations and events stays, however it is dropped
SET client_min_messages = warning;
\set ECHO none
\i test/generator/generator.sql
\set ECHO all
SELECT count(*) > 0 AS has_registrations FROM (SELECT ismap_gen.generate(services => 6, years => 2, until => '2026-10-01', seed => 0.3)) g;
RESET client_min_messages;
SELECT (SELECT count(*) FROM registration) > 0 AS registrations, (SELECT count(*) FROM registry_event) > 0 AS events;
DROP EXTENSION ismap;
\echo :LAST_ERROR_SQLSTATE
DROP EXTENSION ismap CASCADE;
\echo :LAST_ERROR_SQLSTATE
DROP EXTENSION IF EXISTS ismap, plpgsql CASCADE;
\echo :LAST_ERROR_SQLSTATE
DROP SCHEMA ismap CASCADE;
\echo :LAST_ERROR_SQLSTATE
BEGIN;
DROP EXTENSION ismap CASCADE;
ROLLBACK;
-- the full message, with the counts and the way out
\set VERBOSITY default
DROP EXTENSION ismap;
\set VERBOSITY terse
SELECT count(*) AS ismap_left FROM pg_extension WHERE extname = 'ismap';
SELECT ok FROM verify_event_chain();

-- other schemas and extensions are none of its business
CREATE SCHEMA not_ismap;
DROP SCHEMA not_ismap;
SELECT count(*) AS not_ismap_left FROM pg_namespace WHERE nspname = 'not_ismap';

-- only a superuser states the intent, and only in a session: not in a
-- configuration file (ALTER SYSTEM), not as any other role
CREATE ROLE drop_guard_user;
GRANT CREATE ON SCHEMA public TO drop_guard_user;
SET ROLE drop_guard_user;
SET ismap.allow_drop = on;
\echo :LAST_ERROR_SQLSTATE
SHOW ismap.allow_drop;
RESET ROLE;
DROP OWNED BY drop_guard_user;
DROP ROLE drop_guard_user;
ALTER SYSTEM SET ismap.allow_drop = on;
\echo :LAST_ERROR_SQLSTATE
SHOW ismap.allow_drop;

-- with the intent stated, it goes
SET ismap.allow_drop = on;
DROP SCHEMA ismap_gen CASCADE;
DROP EXTENSION ismap;
RESET ismap.allow_drop;
SELECT count(*) AS ismap_left FROM pg_extension WHERE extname = 'ismap';
SELECT count(*) AS tables_left FROM pg_class WHERE relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = 'ismap');
CREATE EXTENSION ismap;
