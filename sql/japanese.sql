-- error messages follow lc_messages: the extension's own catalogue
-- (po/ja.po, text domain ismap-15) in Japanese, PostgreSQL's beside it
\i test/regress/setup.psql
\set VERBOSITY default

SET lc_messages = 'ja_JP.UTF-8';
-- a type error with a detail from the pure core
SELECT '5.1..2'::ismap.ctrlid;
\echo :LAST_ERROR_SQLSTATE
SELECT 'C4/I1/A1'::ismap.cia;
\echo :LAST_ERROR_SQLSTATE
-- the sampling functions
SELECT ismap.attribute_sample_size(1.5, 0.05);
\echo :LAST_ERROR_SQLSTATE
SELECT ismap.upper_deviation_limit(10, 11, 0.95);
\echo :LAST_ERROR_SQLSTATE
SELECT ismap.attribute_sample_size(0.95, 0.05, 0, NULL, 'triangular');
\echo :LAST_ERROR_SQLSTATE
-- validation of an application that is not there
SELECT * FROM ismap.validate_application(-1);
\echo :LAST_ERROR_SQLSTATE

-- OSCAL import errors
SELECT * FROM ismap.import_oscal_catalog('<catalog xmlns="http://example.org/not-oscal"/>', 'x');
\echo :LAST_ERROR_SQLSTATE

-- The messages of the extension's PL/pgSQL functions (RAISE) are
-- translated when they are sent, by the library's emit_log_hook: a session
-- must have loaded the library, which session_preload_libraries does
-- (docs/japanese.md).  Without it, in a fresh session, they stay English:
\c
SET lc_messages = 'ja_JP.UTF-8';
SELECT ismap_internal.job_try_lock('backup');
SELECT current_database() AS db \gset
ALTER DATABASE :"db" SET session_preload_libraries = 'ismap';
\c
SET lc_messages = 'ja_JP.UTF-8';
-- a message with an argument, its hint; the SQLSTATE is the same
SELECT ismap_internal.job_try_lock('backup');
\echo :LAST_ERROR_SQLSTATE
-- another template
SELECT * FROM ismap.delist(999, 'gone', '2026-01-01');
\echo :LAST_ERROR_SQLSTATE
-- an argument that contains the template's own words stays whole
SELECT ismap_internal.job_try_lock('x" is already running');
-- several arguments, in order
SELECT * FROM ismap.import_control_standard_csv(E'part,chapter,control_id,title,mandatory,level,statement\ncontrol,5,5.1,A,N,,\ncontrol,5,5.1,B,N,,\n', 'fw-ja', 'Japanese test');
\echo :LAST_ERROR_SQLSTATE
-- a message without arguments, and its hint
TRUNCATE ismap.registry_event;
\echo :LAST_ERROR_SQLSTATE
-- an error caught inside PL/pgSQL is not sent: its MESSAGE_TEXT stays English
DO $$
DECLARE
	m text;
BEGIN
	PERFORM ismap_internal.job_try_lock('backup');
EXCEPTION WHEN invalid_parameter_value THEN
	GET STACKED DIAGNOSTICS m = MESSAGE_TEXT;
	RAISE NOTICE 'caught: %', m;
END
$$;
-- a RAISE of a function outside the extension is left alone
CREATE FUNCTION public.japanese_raise() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'unknown job "%"', 'mine';
END
$$;
SELECT public.japanese_raise();
DROP FUNCTION public.japanese_raise();

-- and back in English
SET lc_messages = 'C';
SELECT '5.1..2'::ismap.ctrlid;
\echo :LAST_ERROR_SQLSTATE
SELECT ismap_internal.job_try_lock('backup');
\echo :LAST_ERROR_SQLSTATE
RESET lc_messages;
ALTER DATABASE :"db" RESET session_preload_libraries;
