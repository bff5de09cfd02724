-- validation of applications: every rule, every finding at once, SARIF,
-- approval with acknowledgements, rejection
\i test/regress/setup.psql
SET search_path = ismap, public;
\set VERBOSITY terse
\set SHOW_CONTEXT never

SELECT code, severity FROM validation_rules() ORDER BY code;

-- the standard: objectives 5.1.1, 5.1.2 (depth 3) with detailed controls;
-- x.1 are mandatory; level 1 needs the x.1 controls, level 2 all
INSERT INTO framework (framework_id, title) VALUES ('ismap', 'test standard');
INSERT INTO control (framework_id, control_id, title, parent_id, mandatory) VALUES
	('ismap', '5', 'clause', NULL, false),
	('ismap', '5.1', 'category', '5', false),
	('ismap', '5.1.1', 'objective one', '5.1', false),
	('ismap', '5.1.1.1', 'mandatory one', '5.1.1', true),
	('ismap', '5.1.1.2', 'optional one', '5.1.1', false),
	('ismap', '5.1.2', 'objective two', '5.1', false),
	('ismap', '5.1.2.1', 'mandatory two', '5.1.2', true),
	('ismap', '5.1.2.2', 'optional two', '5.1.2', false),
	('ismap', '5.1.3', 'objective three', '5.1', false);
INSERT INTO baseline (baseline_id, framework_id, title, level) VALUES
	('ismap-level1', 'ismap', 'level 1', 1), ('ismap-level2', 'ismap', 'level 2', 2);
INSERT INTO baseline_control (baseline_id, framework_id, control_id) VALUES
	('ismap-level1', 'ismap', '5.1.1'), ('ismap-level1', 'ismap', '5.1.1.1'),
	('ismap-level1', 'ismap', '5.1.2'), ('ismap-level1', 'ismap', '5.1.2.1'),
	('ismap-level2', 'ismap', '5.1.1.2'), ('ismap-level2', 'ismap', '5.1.2.2');

INSERT INTO csp (csp_id, name, corporate_number) VALUES (1, 'Platform KK', '7000012050002'), (2, 'Apps KK', '1180301018771');
INSERT INTO audit_body (audit_body_id, name, corporate_number) VALUES
	(1, 'Good Audit LLC', corporate_number_check_digit('010401000001')::text || '010401000001'),
	(2, 'Suspended Audit LLC', corporate_number_check_digit('010401000002')::text || '010401000002');
INSERT INTO audit_body_selection (audit_body_id, valid_from, valid_until, status, status_reason) VALUES
	(1, '2024-04-01', '2028-03-31', 'active', NULL),
	(2, '2024-04-01', '2028-03-31', 'suspended', 'monitoring report not filed');
INSERT INTO auditor (auditor_id, audit_body_id, name, nationality, experience_years) VALUES
	(1, 1, 'Sato', 'JP', 10), (2, 2, 'Smith', 'US', 1), (3, 1, 'Ito', 'JP', 8);
INSERT INTO auditor_qualification VALUES (1, 'CISA', NULL), (2, 'CISA', '2025-01-31'), (3, 'Unknown Cert', NULL);

-- services: platforms P (level 3), Q (level 1), R (unregistered); SaaS S, T, U
INSERT INTO service (service_id, csp_id, name, scope, delivery_models, deployment_models) VALUES
	(1, 1, 'P cloud', 'P scope', '{IaaS}', '{public}'),
	(2, 1, 'Q cloud', 'Q scope', '{IaaS}', '{public}'),
	(3, 1, 'R cloud', 'R scope', '{IaaS}', '{public}'),
	(4, 2, 'S mail', 'Mail service, Tokyo region', '{SaaS}', '{public}'),
	(5, 2, 'T chat', 'chat service', '{SaaS}', '{public}'),
	(6, 2, 'U forms', 'forms service', '{SaaS}', '{public}');
INSERT INTO service_dependency (service_id, base_service_id) VALUES (4, 1), (5, 2), (5, 3);
-- every service has disclosed what it must (DISCLOSURE_MISSING: sql/published_list.sql)
INSERT INTO service_disclosure (service_id, regions, governing_law, jurisdiction, capital_disclosure, third_party_tests)
SELECT service_id, '{JP}', 'Japanese law', 'Tokyo District Court', 'none', '[]' FROM service;

-- a clean audit for each service: FY2025, body 1, lead Sato, level 3
INSERT INTO audit (audit_id, service_id, audit_body_id, lead_auditor_id, target_level, framework_id,
	period_start, period_end, report_date, scope)
SELECT service_id, service_id, 1, 1, 3, 'ismap', '2025-04-01', '2026-03-31', '2026-05-15', scope
FROM service;
INSERT INTO statement_item (audit_id, framework_id, control_id, selected)
SELECT a.audit_id, 'ismap', c.control_id, true FROM audit a, control c WHERE depth(c.control_id) >= 3;
INSERT INTO audit_result (audit_id, control_id, result) SELECT audit_id, control_id, 'effective' FROM statement_item;
-- the applications are accepted by the reviewer (the acceptance check and
-- the review are sql/review.sql's): the committee may decide them
INSERT INTO application (application_id, service_id, audit_id, requested_level, kind, submitted_on, status, accepted_on)
SELECT service_id, service_id, service_id, CASE service_id WHEN 2 THEN 1 ELSE 3 END, 'new', '2026-06-01', 'accepted', '2026-06-01' FROM service;

-- the platforms P and Q are registered (Q at level 1)
SELECT * FROM validate_application(1);
SELECT registration_number FROM approve_application(1, '{}', '2026-07-01');
SELECT registration_number FROM approve_application(2, '{}', '2026-07-01');

-- S on P at level 3 passes every rule
SELECT * FROM validate_application(4);

-- a scope compares equal after white space and case are normalized
UPDATE audit SET scope = '  mail SERVICE,   tokyo region ' WHERE audit_id = 4;
SELECT count(*) AS findings FROM validate_application(4);
UPDATE audit SET scope = 'Mail service, Osaka region' WHERE audit_id = 4;
SELECT code, message FROM validate_application(4);
UPDATE audit SET scope = 'Mail service, Tokyo region' WHERE audit_id = 4;

-------------------------------------------------------------------------------
-- T: everything wrong at once, every finding reported
-------------------------------------------------------------------------------
INSERT INTO audit (audit_id, service_id, audit_body_id, lead_auditor_id, kind, target_level, framework_id,
	period_start, period_end, report_date, scope)
VALUES (50, 5, 2, 2, 'internal_review', 1, 'ismap', '2025-01-01', '2026-03-31', '2026-05-15', 'chat service and its archive');
INSERT INTO statement_item (audit_id, framework_id, control_id, selected, exclusion_reason) VALUES
	(50, 'ismap', '5.1.1', true, NULL),
	(50, 'ismap', '5.1.1.1', true, NULL),
	-- 5.1.1.2 not stated at all
	(50, 'ismap', '5.1.2', false, 'no second objective'),
	(50, 'ismap', '5.1.2.1', false, 'not applicable'),
	(50, 'ismap', '5.1.2.2', false, '   '),
	(50, 'ismap', '5.1.3', true, NULL);
INSERT INTO audit_result (audit_id, control_id, result, rationale) VALUES
	(50, '5.1.1', 'ineffective', NULL),
	(50, '5.1.1.1', 'not_tested', 'sampled late');
	-- 5.1.3 selected without a result
INSERT INTO application (application_id, service_id, audit_id, requested_level, kind, submitted_on, status, accepted_on)
VALUES (50, 5, 50, 2, 'new', '2027-09-01', 'accepted', '2027-09-01');
SELECT code, severity, control_id, message FROM validate_application(50);

-- approval is refused with the blocking codes; nothing changes
SELECT approve_application(50, '{OBJECTIVE_EXCLUDED}', '2027-09-10');
\set VERBOSITY default
SELECT approve_application(50, '{OBJECTIVE_EXCLUDED}', '2027-09-10');
\set VERBOSITY terse
\echo :LAST_ERROR_SQLSTATE
SELECT status FROM application WHERE application_id = 50;

-- the same as SARIF 2.1.0
SELECT s->>'version' AS version, jsonb_array_length(s->'runs') AS runs,
       s#>>'{runs,0,tool,driver,name}' AS tool,
       jsonb_array_length(s#>'{runs,0,tool,driver,rules}') AS rules,
       jsonb_array_length(s#>'{runs,0,results}') AS results,
       (SELECT count(*) FROM validate_application(50)) AS findings
FROM validate_application_sarif(50) s;
SELECT r->>'ruleId' AS rule, r->>'level' AS level, r#>>'{properties,severity}' AS severity,
       r#>>'{locations,0,logicalLocations,0,fullyQualifiedName}' AS location,
       (s#>'{runs,0,tool,driver,rules}')->((r->>'ruleIndex')::int)->>'id' = r->>'ruleId' AS index_matches
FROM validate_application_sarif(50) s, jsonb_array_elements(s#>'{runs,0,results}') r
ORDER BY r->>'ruleId', location;
SELECT jsonb_array_length(validate_application_sarif(4)#>'{runs,0,results}') AS clean_results;

-------------------------------------------------------------------------------
-- the finer rules
-------------------------------------------------------------------------------
-- a SaaS without any platform
SELECT code, severity, message FROM validate_application(6);

-- a mandatory control not effective: a query when its objective is
-- effective and a rationale is recorded, an error without the rationale
UPDATE audit_result SET result = 'ineffective', rationale = 'one quarter missed; compensated by 5.1.1.2' WHERE audit_id = 6 AND control_id = '5.1.1.1';
SELECT code, severity, control_id FROM validate_application(6) WHERE code <> 'SAAS_WITHOUT_PLATFORM';
UPDATE audit_result SET rationale = NULL WHERE audit_id = 6 AND control_id = '5.1.1.1';
SELECT code, severity, control_id FROM validate_application(6) WHERE code <> 'SAAS_WITHOUT_PLATFORM';
UPDATE audit_result SET result = 'effective' WHERE audit_id = 6 AND control_id = '5.1.1.1';

-- the lead auditor's qualification must be valid at the report date and
-- one the policy accepts; the policy decides nationality and experience
UPDATE audit SET lead_auditor_id = 3 WHERE audit_id = 6;
SELECT code, message FROM validate_application(6) WHERE code = 'LEAD_AUDITOR_UNQUALIFIED';
UPDATE policy SET value = '["CISA", "Unknown Cert"]' WHERE name = 'auditor_qualifications';
UPDATE policy SET value = '10' WHERE name = 'auditor_min_experience_years';
SELECT code, message FROM validate_application(6) WHERE code = 'LEAD_AUDITOR_UNQUALIFIED';
UPDATE policy SET value = '3' WHERE name = 'auditor_min_experience_years';
UPDATE audit SET lead_auditor_id = 1 WHERE audit_id = 6;

-- an audit body's selection must cover the report date
UPDATE audit SET report_date = '2028-04-15', period_start = '2026-04-01', period_end = '2027-03-31' WHERE audit_id = 6;
SELECT code, message FROM validate_application(6) WHERE code = 'AUDIT_BODY_NOT_SELECTED';
UPDATE audit SET report_date = '2026-05-15', period_start = '2025-04-01', period_end = '2026-03-31' WHERE audit_id = 6;

-- a platform dependency assessed in this very audit counts; one assessed
-- in another audit does not
INSERT INTO service_dependency (service_id, base_service_id, self_assessed_audit_id) VALUES (6, 3, 6);
SELECT code FROM validate_application(6);
INSERT INTO audit (audit_id, service_id, audit_body_id, lead_auditor_id, target_level, framework_id,
	period_start, period_end, report_date, scope)
VALUES (60, 6, 1, 1, 3, 'ismap', '2024-04-01', '2025-03-31', '2025-05-15', 'forms service');
UPDATE service_dependency SET self_assessed_audit_id = 60 WHERE service_id = 6;
SELECT code FROM validate_application(6);
UPDATE service_dependency SET self_assessed_audit_id = 6 WHERE service_id = 6;

-- a renewal must not be expired on arrival: the application date counts
SELECT code FROM validate_application(6);
UPDATE application SET submitted_on = '2027-08-01' WHERE application_id = 6;
SELECT code, message FROM validate_application(6);
UPDATE application SET submitted_on = '2026-06-01' WHERE application_id = 6;

-- sampling: a sample below the table's minimum, and an effective result
-- whose deviations put the upper limit above the tolerable rate; a test of
-- the whole population is never too small
INSERT INTO control_test (audit_id, control_id, frequency, population, sample_size, deviations) VALUES
	(6, '5.1.1.1', 'daily', 250, 20, 0),
	(6, '5.1.1.2', 'weekly', 52, 10, 2),
	(6, '5.1.2.1', 'quarterly', 4, 1, 0),
	(6, '5.1.2.2', 'daily', 12, 12, 0);
SELECT code, severity, control_id, message FROM validate_application(6) WHERE code LIKE 'SAMPLE%';
-- the evaluation view agrees
SELECT control_id, finding FROM control_test_evaluation WHERE audit_id = 6 ORDER BY control_id;
DELETE FROM control_test WHERE audit_id = 6;

-------------------------------------------------------------------------------
-- boundaries: each rule just avoided, then just triggered (application 4:
-- S on P at level 3, clean)
-------------------------------------------------------------------------------
CREATE FUNCTION pg_temp.codes(app bigint) RETURNS text LANGUAGE sql AS
$$ SELECT coalesce(string_agg(code || '/' || severity, ', ' ORDER BY code), 'none') FROM ismap.validate_application(app) $$;
-- a period of exactly one year; one day more
SELECT 'period 2025-04-01..2026-03-31' AS "case", pg_temp.codes(4);
UPDATE audit SET period_end = '2026-04-01' WHERE audit_id = 4;
SELECT 'period 2025-04-01..2026-04-01' AS "case", pg_temp.codes(4);
UPDATE audit SET period_end = '2026-03-31' WHERE audit_id = 4;
-- submitted on the last day a registration would be valid; a day later
UPDATE application SET submitted_on = '2027-07-31' WHERE application_id = 4;
SELECT 'submitted 2027-07-31' AS "case", pg_temp.codes(4);
UPDATE application SET submitted_on = '2027-08-01' WHERE application_id = 4;
SELECT 'submitted 2027-08-01' AS "case", pg_temp.codes(4);
UPDATE application SET submitted_on = '2026-06-01' WHERE application_id = 4;
-- report on the last day of the selection; a day later
UPDATE audit SET report_date = '2028-03-31' WHERE audit_id = 4;
SELECT 'report 2028-03-31' AS "case", pg_temp.codes(4);
UPDATE audit SET report_date = '2028-04-01' WHERE audit_id = 4;
SELECT 'report 2028-04-01' AS "case", pg_temp.codes(4);
UPDATE audit SET report_date = '2026-05-15' WHERE audit_id = 4;
-- a qualification valid until the report date; until the day before
UPDATE auditor_qualification SET valid_until = '2026-05-15' WHERE auditor_id = 1;
SELECT 'CISA valid until 2026-05-15' AS "case", pg_temp.codes(4);
UPDATE auditor_qualification SET valid_until = '2026-05-14' WHERE auditor_id = 1;
SELECT 'CISA valid until 2026-05-14' AS "case", pg_temp.codes(4);
UPDATE auditor_qualification SET valid_until = NULL WHERE auditor_id = 1;
-- experience at the policy's minimum; one year less
UPDATE auditor SET experience_years = 3 WHERE auditor_id = 1;
SELECT '3 years of experience' AS "case", pg_temp.codes(4);
UPDATE auditor SET experience_years = 2 WHERE auditor_id = 1;
SELECT '2 years of experience' AS "case", pg_temp.codes(4);
UPDATE auditor SET experience_years = 10 WHERE auditor_id = 1;
-- the level audited; one above it
UPDATE audit SET target_level = 2 WHERE audit_id = 4;
UPDATE application SET requested_level = 2 WHERE application_id = 4;
SELECT 'requested 2, audited 2' AS "case", pg_temp.codes(4);
UPDATE application SET requested_level = 3 WHERE application_id = 4;
SELECT 'requested 3, audited 2' AS "case", pg_temp.codes(4);
-- a review of an internal audit at level 1; at level 2
UPDATE audit SET kind = 'internal_review', target_level = 1 WHERE audit_id = 4;
UPDATE application SET requested_level = 1 WHERE application_id = 4;
SELECT 'internal review, level 1' AS "case", pg_temp.codes(4);
UPDATE audit SET target_level = 2 WHERE audit_id = 4;
UPDATE application SET requested_level = 2 WHERE application_id = 4;
SELECT 'internal review, level 2' AS "case", pg_temp.codes(4);
UPDATE audit SET kind = 'external', target_level = 3 WHERE audit_id = 4;
UPDATE application SET requested_level = 3 WHERE application_id = 4;
-- a platform at the requested level; one below it
SELECT 'P at level 3' AS "case", pg_temp.codes(4);
INSERT INTO service_dependency (service_id, base_service_id) VALUES (4, 2);
SELECT 'P at 3 and Q at 1' AS "case", pg_temp.codes(4);
DELETE FROM service_dependency WHERE service_id = 4 AND base_service_id = 2;
-- a daily control tested on 25 items; on 24
INSERT INTO control_test (audit_id, control_id, frequency, sample_size, deviations) VALUES (4, '5.1.1.1', 'daily', 25, 0);
SELECT 'daily, 25 items' AS "case", pg_temp.codes(4);
UPDATE control_test SET sample_size = 24 WHERE audit_id = 4;
SELECT 'daily, 24 items' AS "case", pg_temp.codes(4);
-- one deviation in 38 items: limit 9.9 %; in 37: 10.1 % (tolerable 10 %)
UPDATE control_test SET frequency = 'weekly', sample_size = 38, deviations = 1 WHERE audit_id = 4;
SELECT '1 deviation in 38' AS "case", pg_temp.codes(4);
UPDATE control_test SET sample_size = 37 WHERE audit_id = 4;
SELECT '1 deviation in 37' AS "case", pg_temp.codes(4);
DELETE FROM control_test WHERE audit_id = 4;
-- a detailed control excluded with a reason; with a blank one
UPDATE statement_item SET selected = false, exclusion_reason = 'not offered' WHERE audit_id = 4 AND control_id = '5.1.2.2';
SELECT 'excluded with a reason' AS "case", pg_temp.codes(4);
UPDATE statement_item SET exclusion_reason = '' WHERE audit_id = 4 AND control_id = '5.1.2.2';
SELECT 'excluded, blank reason' AS "case", pg_temp.codes(4);
UPDATE statement_item SET selected = true, exclusion_reason = NULL WHERE audit_id = 4 AND control_id = '5.1.2.2';
SELECT 'restored' AS "case", pg_temp.codes(4);

-------------------------------------------------------------------------------
-- the whole flow: statement, audit, application, validation,
-- acknowledgement, approval, the published registry
-------------------------------------------------------------------------------
INSERT INTO service (service_id, csp_id, name, scope, delivery_models, deployment_models)
VALUES (7, 2, 'W records', 'records service', '{SaaS}', '{public}');
INSERT INTO service_dependency (service_id, base_service_id) VALUES (7, 1);
INSERT INTO service_disclosure (service_id, regions, governing_law, jurisdiction, capital_disclosure, third_party_tests)
VALUES (7, '{JP}', 'Japanese law', 'Tokyo District Court', 'none', '[]');
INSERT INTO audit (audit_id, service_id, audit_body_id, lead_auditor_id, target_level, framework_id,
	period_start, period_end, report_date, scope)
VALUES (70, 7, 1, 1, 2, 'ismap', '2025-10-01', '2026-09-30', '2026-11-10', 'records service');
INSERT INTO statement_item (audit_id, framework_id, control_id, selected, exclusion_reason)
SELECT 70, 'ismap', control_id, control_id <> '5.1.3', CASE WHEN control_id = '5.1.3' THEN 'no third objective' END
FROM control WHERE depth(control_id) >= 3;
INSERT INTO audit_result (audit_id, control_id, result)
SELECT 70, control_id, 'effective' FROM statement_item WHERE audit_id = 70 AND selected;
INSERT INTO application (application_id, service_id, audit_id, requested_level, kind, submitted_on, status, accepted_on)
VALUES (70, 7, 70, 2, 'new', '2026-11-20', 'accepted', '2026-11-20');
SELECT code, severity, control_id FROM validate_application(70);
SELECT registration_number, level, valid_until FROM approve_application(70, '{OBJECTIVE_EXCLUDED}', '2026-11-30');
SELECT registration_number, service_name, csp_name, level, status, audit_body FROM registry WHERE service_id = 7;

-- an unknown application
SELECT * FROM validate_application(999);
\echo :LAST_ERROR_SQLSTATE

-------------------------------------------------------------------------------
-- approval with acknowledgements, rejection
-------------------------------------------------------------------------------
-- U (application 6) has an objective excluded with a reason: a query
UPDATE statement_item SET selected = false, exclusion_reason = 'no such processing at this provider'
WHERE audit_id = 6 AND control_id = '5.1.3';
DELETE FROM audit_result WHERE audit_id = 6 AND control_id = '5.1.3';
SELECT code, severity FROM validate_application(6);
SELECT approve_application(6, '{}', '2026-07-01');
\echo :LAST_ERROR_SQLSTATE
SELECT registration_number, level, status FROM approve_application(6, '{OBJECTIVE_EXCLUDED}', '2026-07-01');
SELECT payload->'context'->'acknowledged' AS acknowledged, payload->'context'->>'action' AS action
FROM registry_event WHERE service_id = 6 AND kind = 'registered';
SELECT approve_application(6, '{OBJECTIVE_EXCLUDED}', '2026-07-02');
\echo :LAST_ERROR_SQLSTATE

SELECT reject_application(50, ' ');
\echo :LAST_ERROR_SQLSTATE
SELECT application_id, status, decision_reason FROM reject_application(50, 'audit body suspended; audit period too long');
SELECT reject_application(50, 'again');
\echo :LAST_ERROR_SQLSTATE
SELECT reject_application(999, 'no such');
\echo :LAST_ERROR_SQLSTATE
SELECT kind, payload->>'reason' AS reason, jsonb_array_length(payload->'findings') > 5 AS findings_kept
FROM registry_event WHERE kind = 'application_rejected';
SELECT * FROM verify_event_chain();

-- The messages follow lc_messages (docs/japanese.md): the same findings, in
-- the same order, in Japanese; no English word is left but the values of the
-- records (codes, identifiers, names, policy values)
SET lc_messages = 'C';
CREATE TEMP TABLE findings_en AS
SELECT a.application_id, f.ord, f.code, f.message
FROM application a, validate_application(a.application_id) WITH ORDINALITY f(code, severity, control_id, message, ord);
SET lc_messages = 'ja_JP.UTF-8';
CREATE TEMP TABLE findings_ja AS
SELECT a.application_id, f.ord, f.code, f.message
FROM application a, validate_application(a.application_id) WITH ORDINALITY f(code, severity, control_id, message, ord);
SELECT (SELECT count(*) FROM findings_en) AS english, (SELECT count(*) FROM findings_ja) AS japanese,
	   count(*) FILTER (WHERE e.code = j.code AND e.message <> j.message) AS translated
FROM findings_en e JOIN findings_ja j USING (application_id, ord);
SELECT DISTINCT ON (e.code) e.code, j.message
FROM findings_en e JOIN findings_ja j USING (application_id, ord)
ORDER BY e.code, e.application_id, e.ord;
-- the Latin letters left are values of the records
SELECT DISTINCT m[1] AS latin FROM findings_ja, regexp_matches(message, '([A-Za-z][A-Za-z_ .]{2,})', 'g') m ORDER BY 1;
RESET lc_messages;

-- The baseline and the mandatory controls are read once per snapshot and
-- kept while it sees the same data: a change in the same transaction, and
-- its rollback to a savepoint, are seen by the next validation
BEGIN;
SELECT code, control_id FROM validate_application(4) WHERE code = 'CONTROL_NOT_STATED';
INSERT INTO control (framework_id, control_id, title, parent_id, mandatory) VALUES ('ismap', '5.1.4', 'objective four', '5.1', false);
INSERT INTO baseline_control (baseline_id, framework_id, control_id) VALUES ('ismap-level1', 'ismap', '5.1.4');
SELECT code, control_id FROM validate_application(4) WHERE code = 'CONTROL_NOT_STATED';
SAVEPOINT s;
DELETE FROM baseline_control WHERE control_id = '5.1.4';
SELECT code, control_id FROM validate_application(4) WHERE code = 'CONTROL_NOT_STATED';
ROLLBACK TO s;
SELECT code, control_id FROM validate_application(4) WHERE code = 'CONTROL_NOT_STATED';
ROLLBACK;
SELECT code, control_id FROM validate_application(4) WHERE code = 'CONTROL_NOT_STATED';
-- the policy too: kept with them, read again after a change
BEGIN;
SELECT code, message FROM validate_application(4) WHERE code IN ('AUDIT_PERIOD_TOO_LONG', 'REGISTRATION_WOULD_BE_EXPIRED');
UPDATE policy SET value = '"1 month"' WHERE name = 'audit_period_max';
UPDATE policy SET value = '"1 day"' WHERE name = 'registration_validity';
SELECT code, message FROM validate_application(4) WHERE code IN ('AUDIT_PERIOD_TOO_LONG', 'REGISTRATION_WOULD_BE_EXPIRED');
ROLLBACK;
SELECT code, message FROM validate_application(4) WHERE code IN ('AUDIT_PERIOD_TOO_LONG', 'REGISTRATION_WOULD_BE_EXPIRED');
