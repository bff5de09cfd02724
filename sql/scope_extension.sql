-- scope extensions (DESIGN 3.14): a scope_extension change states its
-- extension; only an audit whose scope contains it covers the change (a
-- renewal on the unchanged scope does not); the provider extends the
-- service's scope for that audit, which validation then accepts; a scope
-- extension reported before 0.3.0 (no extension) keeps the old rule
\i test/regress/setup.psql
SET client_min_messages = warning;
SELECT ismap.create_roles() IS NOT NULL AS roles_ready;
\set logins 'se_csp se_csp2'
\i test/regress/logins.psql
GRANT ismap_csp TO se_csp, se_csp2;
RESET client_min_messages;
SET search_path = ismap, public;
SET datestyle = 'ISO, YMD';
\set VERBOSITY terse
\set SHOW_CONTEXT never

-------------------------------------------------------------------------------
-- what "contains" means: white space trimmed and collapsed, ASCII letters
-- folded, then a substring; nothing else is folded
-------------------------------------------------------------------------------
SELECT s, e, scope_contains(s, e) AS contains
FROM (VALUES ('Mail service, Tokyo and Osaka regions', 'Osaka regions'),
			 ('Mail service, Tokyo and   Osaka' || chr(10) || 'regions', ' osaka REGIONS '),
			 ('Mail service, Tokyo region', 'Osaka region'),
			 ('Mail service, Tokyo and Osakaregions', 'Osaka regions'),
			 ('メール、東京・大阪リージョン', '大阪リージョン'),
			 ('メール、東京・大阪リージョン', '大阪　リージョン'),
			 ('MAIL ÉTÉ', 'mail été')) v(s, e)
ORDER BY 1, 2;
SELECT scope_contains(NULL, 'x') IS NULL AS strict;

-------------------------------------------------------------------------------
-- provider 1's mail service (1), registered on an audit of 2024-04-01 to
-- 2025-03-31; provider 2 has nothing to do with it
-------------------------------------------------------------------------------
INSERT INTO framework (framework_id, title) VALUES ('ismap', 'test standard');
INSERT INTO control (framework_id, control_id, title) VALUES ('ismap', '5.1.1.1', 'policy document');
INSERT INTO csp (csp_id, name, corporate_number) VALUES (1, 'Mail KK', '7000012050002'), (2, 'Other KK', corporate_number_check_digit('000020130001')::text || '000020130001');
SELECT count(*) AS bound FROM (SELECT principal('se_csp', NULL, 1) UNION ALL SELECT principal('se_csp2', NULL, 2)) p;
INSERT INTO audit_body (audit_body_id, name, corporate_number)
VALUES (1, 'Audit 1 LLC', corporate_number_check_digit('010401000001')::text || '010401000001');
INSERT INTO auditor (auditor_id, audit_body_id, name, nationality, experience_years) VALUES (1, 1, 'Auditor 1', 'JP', 10);
INSERT INTO service (service_id, csp_id, name, scope, delivery_models, deployment_models)
VALUES (1, 1, 'Mail', 'Mail service, Tokyo region', '{SaaS}', '{public}');
INSERT INTO audit (audit_id, service_id, audit_body_id, lead_auditor_id, target_level, framework_id,
	period_start, period_end, report_date, scope)
VALUES (1, 1, 1, 1, 2, 'ismap', '2024-04-01', '2025-03-31', '2025-05-15', 'Mail service, Tokyo region');
INSERT INTO application (application_id, service_id, audit_id, requested_level, kind, submitted_on)
VALUES (1, 1, 1, 2, 'new', '2025-05-20');
SELECT registration_number, registered_on FROM register(1, '2025-06-01');

-------------------------------------------------------------------------------
-- bad reports: a scope extension without its extension, a blank one, an
-- extension on another kind; nothing is recorded
-------------------------------------------------------------------------------
SET ROLE se_csp;
INSERT INTO service_change (service_id, kind, effective_on, description, reported_by)
VALUES (1, 'scope_extension', '2025-09-01', 'the Osaka region opens', 'Mail KK');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO service_change (service_id, kind, effective_on, description, reported_by, extension)
VALUES (1, 'scope_extension', '2025-09-01', 'the Osaka region opens', 'Mail KK', ' ');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO service_change (service_id, kind, effective_on, description, reported_by, extension)
VALUES (1, 'architecture', '2025-09-01', 'a new database tier', 'Mail KK', 'Osaka region');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO service_change (service_id, kind, effective_on, description, reported_by, extension)
VALUES (1, 'scope_extension', '2025-09-01', 'huge', 'Mail KK', repeat('x', 65537));
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SELECT count(*) AS changes FROM service_change;

-- the message says what is missing
\set VERBOSITY default
INSERT INTO service_change (service_id, kind, effective_on, description, reported_by)
VALUES (1, 'scope_extension', '2025-09-01', 'the Osaka region opens', 'Mail KK');
\set VERBOSITY terse

-------------------------------------------------------------------------------
-- the provider may state the extension (reported today: rolled back, the
-- dates below are fixed); the Osaka region (change 1) and a minor change
-- (2) are reported on dated days, as the registrar may
-------------------------------------------------------------------------------
BEGIN;
SET ROLE se_csp;
INSERT INTO service_change (service_id, kind, effective_on, description, reported_by, extension)
VALUES (1, 'scope_extension', '2025-09-01', 'the Osaka region opens', 'Mail KK', 'Osaka region')
RETURNING kind, material, extension;
ROLLBACK;
INSERT INTO service_change (change_id, service_id, kind, effective_on, description, reported_by, reported_on, extension)
VALUES (1, 1, 'scope_extension', '2025-09-01', 'the Osaka region opens', 'Mail KK', '2025-08-20', 'Osaka region');
INSERT INTO service_change (change_id, service_id, kind, effective_on, description, reported_by, reported_on)
VALUES (2, 1, 'minor', '2025-09-01', 'new console theme', 'Mail KK', '2025-08-20');
-- what was reported is not edited, the extension neither
SET ROLE se_csp;
UPDATE service_change SET extension = 'Osaka and Nagoya regions' WHERE kind = 'scope_extension';
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
UPDATE service_change SET extension = 'Osaka and Nagoya regions' WHERE kind = 'scope_extension';
\echo :LAST_ERROR_SQLSTATE
SELECT change_id, kind, material, extension FROM service_change ORDER BY 1;
-- the report's event carries the extension
SELECT kind, payload->>'kind' AS change_kind, payload->>'extension' AS extension
FROM ismap_internal.pending_event ORDER BY pending_id;

-------------------------------------------------------------------------------
-- a renewal on the unchanged scope (its period ends after the change took
-- effect) does not cover the extension: before 0.3.0 it did
-------------------------------------------------------------------------------
INSERT INTO audit (audit_id, service_id, audit_body_id, lead_auditor_id, target_level, framework_id,
	period_start, period_end, report_date, scope)
VALUES (2, 1, 1, 1, 2, 'ismap', '2025-04-01', '2026-03-31', '2026-04-20', 'Mail service, Tokyo region');
INSERT INTO application (application_id, service_id, audit_id, requested_level, kind, submitted_on)
VALUES (2, 1, 2, 2, 'renewal', '2026-04-25');
-- validation has nothing against it: it is the service's scope
SELECT count(*) AS scope_findings FROM validate_application(2) WHERE code = 'SCOPE_MISMATCH';
SELECT registration_number, registered_on FROM register(2, '2026-05-01');
SELECT change_id, kind, due_on, covered_by, status FROM change_status('2026-05-02') ORDER BY 1;
SELECT action, object_id FROM run_changes('2026-05-02') WHERE action <> 'partition_created' ORDER BY 1, 2;
SELECT change_id, covered_by FROM service_change ORDER BY 1;
SELECT status, end_reason FROM registration WHERE registration_id = 2;

-------------------------------------------------------------------------------
-- the provider extends the service's scope for the next audit
-------------------------------------------------------------------------------
SET ROLE se_csp2;
SELECT extend_service_scope(1, 'Mail service, Tokyo region and Osaka region');
\echo :LAST_ERROR_SQLSTATE
SET ROLE se_csp;
SELECT extend_service_scope(99, 'Mail service, Tokyo region and Osaka region');
\echo :LAST_ERROR_SQLSTATE
SELECT extend_service_scope(2, 'Mail service, Tokyo region and Osaka region');
\echo :LAST_ERROR_SQLSTATE
SELECT extend_service_scope(1, 'Mail service, Tokyo and Nagoya regions');
\echo :LAST_ERROR_SQLSTATE
SELECT extend_service_scope(1, '   ');
\echo :LAST_ERROR_SQLSTATE
SELECT extend_service_scope(NULL, 'x');
\echo :LAST_ERROR_SQLSTATE
-- the provider holds no privilege on the column itself
UPDATE service SET scope = 'anything' WHERE service_id = 1;
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SELECT scope FROM service WHERE service_id = 1;
SET ROLE se_csp;
SELECT extend_service_scope(1, 'Mail service, Tokyo region and  OSAKA region');
RESET ROLE;
SELECT scope FROM service WHERE service_id = 1;
SELECT kind, service_id, payload->>'change_id' AS change_id, payload->>'old_scope' AS old_scope, payload->>'scope' AS scope
FROM ismap_internal.pending_event WHERE kind = 'scope_extended';
-- the published listing keeps the registered scope until a renewal
SELECT registration_number, scope FROM registry WHERE status IN ('active', 'suspended');

-------------------------------------------------------------------------------
-- validation now compares audits with the extended scope: the old scope
-- is a mismatch, the extended one (white space and case aside) matches
-------------------------------------------------------------------------------
INSERT INTO audit (audit_id, service_id, audit_body_id, lead_auditor_id, target_level, framework_id,
	period_start, period_end, report_date, scope)
VALUES (3, 1, 1, 1, 2, 'ismap', '2025-10-01', '2026-09-30', '2026-10-20', 'Mail service, Tokyo region'),
	   (4, 1, 1, 1, 2, 'ismap', '2025-10-01', '2026-09-30', '2026-10-20', 'Mail service, Tokyo region and Osaka region');
INSERT INTO application (application_id, service_id, audit_id, requested_level, kind, submitted_on)
VALUES (3, 1, 3, 2, 'renewal', '2026-10-25'), (4, 1, 4, 2, 'renewal', '2026-10-25');
SELECT application_id, code FROM validate_application(3) v, (VALUES (3)) a(application_id) WHERE code = 'SCOPE_MISMATCH'
UNION ALL
SELECT application_id, code FROM validate_application(4) v, (VALUES (4)) a(application_id) WHERE code = 'SCOPE_MISMATCH'
ORDER BY 1;
-- the renewal on the extended scope covers the change
SELECT registration_number, registered_on FROM register(4, '2026-11-01');
SELECT change_id, kind, covered_by, covered_on, status FROM change_status('2026-11-02') ORDER BY 1;
SELECT action, object_id FROM run_changes('2026-11-02') WHERE action <> 'partition_created' ORDER BY 1, 2;
SELECT change_id, covered_by, covered_on FROM service_change ORDER BY 1;
SELECT registration_number, scope FROM registry WHERE status IN ('active', 'suspended');
-- once covered, the change extends nothing more
SET ROLE se_csp;
SELECT extend_service_scope(1, 'Mail service, everywhere, Osaka region');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SELECT * FROM verify_event_chain();
SELECT kind, payload->>'change_id' AS change_id FROM registry_event
WHERE kind IN ('change_reported', 'scope_extended', 'change_covered') ORDER BY event_id;

-------------------------------------------------------------------------------
-- a scope extension reported before 0.3.0 has no extension (a restore
-- brings it back under session_replication_role = replica): the first
-- later audit whose period reaches its effective date covers it, as then
-- (here the renewal on the unchanged scope)
-------------------------------------------------------------------------------
SET session_replication_role = replica;
INSERT INTO service_change (change_id, service_id, kind, effective_on, description, reported_by, reported_on)
VALUES (10, 1, 'scope_extension', '2025-10-01', 'reported under 0.2.0', 'Mail KK', '2025-09-20');
RESET session_replication_role;
SELECT s.change_id, c.extension IS NULL AS no_extension, s.covered_by, s.status
FROM change_status('2026-11-02') s JOIN service_change c ON c.change_id = s.change_id WHERE s.change_id = 10;
SET ROLE se_csp;
SELECT extend_service_scope(10, 'Mail service, Tokyo region and Osaka region');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
