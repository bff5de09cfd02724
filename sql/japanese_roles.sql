-- Japanese for every role: create_roles() grants SET on lc_messages to the
-- five roles, so a login role that is a member of one may choose Japanese
-- (lc_messages is otherwise a superuser's setting), for itself or with
-- ALTER ROLE on its own login role.
\i test/regress/setup.psql
\set VERBOSITY default
SELECT ismap.create_roles() IS NOT NULL AS roles_ready;
SELECT r.rolname, pg_catalog.has_parameter_privilege(r.rolname, 'lc_messages', 'SET') AS may_set
FROM pg_catalog.pg_roles r
WHERE r.rolname IN ('ismap_reader', 'ismap_registrar', 'ismap_auditor', 'ismap_csp', 'ismap_jobs')
ORDER BY r.rolname;
-- a login member of the reader role
SET client_min_messages = warning;
DROP ROLE IF EXISTS ismap_test_ja_login;
DROP ROLE IF EXISTS ismap_test_ja_other;
RESET client_min_messages;
CREATE ROLE ismap_test_ja_login LOGIN IN ROLE ismap_reader;
SET ROLE ismap_test_ja_login;
SET lc_messages = 'ja_JP.UTF-8';
SELECT '5.1..2'::ismap.ctrlid;
RESET lc_messages;
RESET ROLE;
-- a role of no group of the extension may not
CREATE ROLE ismap_test_ja_other LOGIN;
SET ROLE ismap_test_ja_other;
SET lc_messages = 'ja_JP.UTF-8';
RESET ROLE;
DROP ROLE ismap_test_ja_other;
DROP ROLE ismap_test_ja_login;
