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
-- the OSCAL JSON importers' errors and the assessment results' are
-- Japanese too, details included
SET lc_messages = 'ja_JP.UTF-8';
SELECT * FROM ismap.import_oscal_catalog_json('{"catalog": {"metadata": {"title": "t"}, "groups": "x"}}', 'h');
SELECT * FROM ismap.import_oscal_catalog_json('{"catalog": {"metadata": {"title": "t"}, "controls": [{"title": "c"}]}}', 'h');
SELECT * FROM ismap.import_oscal_catalog_json('{"profile": {}}', 'h');
SELECT * FROM ismap.import_oscal_assessment_results('{"catalog": {}}', 1);
SELECT * FROM ismap.import_oscal_assessment_results('{"assessment-results": {"results": []}}', 12345);
RESET lc_messages;
