-- ISMAP-LIU (DESIGN 3.14): the procuring agency's assessment, the
-- application of program ISMAP-LIU (SaaS only, a low-impact assessment),
-- validation against the program's baselines, the L number series, the
-- ISMAP-LIU published list
\i test/regress/setup.psql
SET client_min_messages = warning;
SELECT ismap.create_roles() IS NOT NULL AS roles_ready;
\set logins 'liu_a liu_b liu_csp liu_csp2'
\i test/regress/logins.psql
GRANT ismap_agency TO liu_a, liu_b;
GRANT ismap_csp TO liu_csp, liu_csp2;
RESET client_min_messages;
SET search_path = ismap, public;
\set VERBOSITY terse
\set SHOW_CONTEXT never

-------------------------------------------------------------------------------
-- a standard of three controls: level 1 of ISMAP takes 5.1.1 and 5.1.2,
-- the ISMAP-LIU baseline 5.1.1 and 6.1.1.  Provider 1 has a registered
-- SaaS (20) that agency A's system uses, a SaaS seeking ISMAP-LIU (21),
-- an IaaS (22) and a SaaS nobody assessed (23); provider 2 nothing.
-------------------------------------------------------------------------------
INSERT INTO framework (framework_id, title) VALUES ('ismap', 'test standard');
INSERT INTO control (framework_id, control_id, title, mandatory) VALUES
	('ismap', '5.1.1', 'one', true), ('ismap', '5.1.2', 'two', false), ('ismap', '6.1.1', 'three', false);
INSERT INTO baseline (baseline_id, framework_id, title, level) VALUES ('ismap-level1', 'ismap', 'level 1', 1);
INSERT INTO baseline (baseline_id, framework_id, title, level, program) VALUES ('ismap-liu', 'ismap', 'LIU', 1, 'ISMAP-LIU');
INSERT INTO baseline (baseline_id, framework_id, title, level, program) VALUES ('bad', 'ismap', 'bad', 1, 'LIU');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO baseline_control (baseline_id, framework_id, control_id) VALUES
	('ismap-level1', 'ismap', '5.1.1'), ('ismap-level1', 'ismap', '5.1.2'),
	('ismap-liu', 'ismap', '5.1.1'), ('ismap-liu', 'ismap', '6.1.1');
SELECT baseline_id, level, program FROM baseline ORDER BY 1;
INSERT INTO organization (org_id, name) VALUES (1, 'Agency A'), (2, 'Agency B');
INSERT INTO information_asset (asset_id, org_id, name, rating) VALUES (1, 1, 'web pages', cia(1, 1, 1));
INSERT INTO information_system (system_id, org_id, name, business_function, availability) VALUES
	(1, 1, 'web site', 'publishing', 1);
INSERT INTO system_asset (system_id, asset_id, org_id) VALUES (1, 1, 1);
INSERT INTO csp (csp_id, name, corporate_number) VALUES (1, 'Provider A', '7000012050002'), (2, 'Provider B', '1180301018771');
INSERT INTO audit_body (audit_body_id, name, corporate_number) VALUES
	(1, 'Body A', corporate_number_check_digit('010401000001')::text || '010401000001');
INSERT INTO auditor (auditor_id, audit_body_id, name, nationality, experience_years) VALUES (1, 1, 'lead', 'JP', 9);
INSERT INTO service (service_id, csp_id, name, scope, delivery_models, deployment_models) VALUES
	(20, 1, 'Mail SaaS', 'mail', '{SaaS}', '{public}'), (21, 1, 'Forms SaaS', 'forms', '{SaaS}', '{public}'),
	(22, 1, 'Compute', 'compute', '{IaaS,SaaS}', '{public}'), (23, 1, 'Chat SaaS', 'chat', '{SaaS}', '{public}');
INSERT INTO audit (audit_id, service_id, audit_body_id, lead_auditor_id, target_level, framework_id, period_start, period_end, report_date, scope)
SELECT s, s, 1, 1, 1, 'ismap', '2024-04-01', '2025-03-31', '2025-04-15', 'scope ' || s FROM generate_series(20, 23) s;
INSERT INTO statement_item (audit_id, framework_id, control_id, selected) SELECT a, 'ismap', '5.1.1', true FROM generate_series(20, 23) a;
INSERT INTO audit_result (audit_id, control_id, result, rationale)
SELECT audit_id, control_id, 'effective', 'audit ' || audit_id FROM statement_item;
INSERT INTO application (application_id, service_id, audit_id, requested_level, submitted_on) VALUES (20, 20, 20, 1, '2025-04-20');
SELECT registration_number, program FROM register(20, '2025-05-01');
INSERT INTO procurement (procurement_id, system_id, service_id, from_date) VALUES (1, 1, 20, '2025-06-01');
SELECT b.role_name, b.csp_id, b.org_id FROM (VALUES ('liu_a', NULL, 1), ('liu_b', NULL, 2), ('liu_csp', 1, NULL), ('liu_csp2', 2, NULL)) v(r, c, o),
	LATERAL principal(v.r::name, NULL, v.c::bigint, v.o::bigint) b ORDER BY 1;

-------------------------------------------------------------------------------
-- the assessment: by an agency that procures from the provider, for
-- itself; anyone else is refused and nothing is written
-------------------------------------------------------------------------------
\c - liu_b
SET search_path = ismap, public;
\set VERBOSITY terse
-- B procures nothing from provider 1
INSERT INTO liu_assessment (service_id, agency_id, assessed_on, result) VALUES (21, 2, '2025-07-01', 'low_impact');
\echo :LAST_ERROR_SQLSTATE
-- nor may it write for A
INSERT INTO liu_assessment (service_id, agency_id, assessed_on, result) VALUES (21, 1, '2025-07-01', 'low_impact');
\echo :LAST_ERROR_SQLSTATE
\c - liu_a
SET search_path = ismap, public;
\set VERBOSITY terse
-- before A's use of the provider's service began
INSERT INTO liu_assessment (service_id, agency_id, assessed_on, result) VALUES (21, 1, '2025-05-31', 'low_impact');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO liu_assessment (service_id, agency_id, assessed_on, result) VALUES (21, 1, '2025-07-01', 'maybe');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO liu_assessment (assessment_id, service_id, agency_id, assessed_on, result) VALUES (1, 21, 1, '2025-07-01', 'low_impact');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO liu_assessment (service_id, agency_id, assessed_on, result, note)
VALUES (21, 1, '2025-07-01', 'low_impact', 'forms for public events'),
	   (22, 1, '2025-07-01', 'low_impact', NULL),
	   (23, 1, '2025-07-01', 'not_low_impact', 'holds personal data');
-- an agency does not change or remove what it assessed
UPDATE liu_assessment SET result = 'not_low_impact';
\echo :LAST_ERROR_SQLSTATE
DELETE FROM liu_assessment;
\echo :LAST_ERROR_SQLSTATE
SELECT service_id, agency_id, assessed_on, result, note FROM liu_assessment ORDER BY service_id;
-- the other agency and the other provider see none; the provider its own
\c - liu_b
SELECT count(*) AS seen_by_b FROM ismap.liu_assessment;
\c - liu_csp2
SELECT count(*) AS seen_by_provider_b FROM ismap.liu_assessment;
\c - liu_csp
SELECT service_id, result FROM ismap.liu_assessment ORDER BY service_id;
\c - postgres
SET search_path = ismap, public;
\set VERBOSITY terse
\set SHOW_CONTEXT never
SELECT count(*) AS assessments FROM liu_assessment;

-------------------------------------------------------------------------------
-- the application of program ISMAP-LIU: SaaS only, and a low-impact
-- assessment made by the day it is submitted
-------------------------------------------------------------------------------
INSERT INTO application (application_id, service_id, audit_id, requested_level, submitted_on, program)
VALUES (22, 22, 22, 1, '2025-07-10', 'ISMAP-LIU');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO application (application_id, service_id, audit_id, requested_level, submitted_on, program)
VALUES (23, 23, 23, 1, '2025-07-10', 'ISMAP-LIU');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO application (application_id, service_id, audit_id, requested_level, submitted_on, program)
VALUES (21, 21, 21, 1, '2025-06-30', 'ISMAP-LIU');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO application (application_id, service_id, audit_id, requested_level, submitted_on, program)
VALUES (21, 21, 21, 1, '2025-07-10', 'LIU');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS applications FROM application;
INSERT INTO application (application_id, service_id, audit_id, requested_level, submitted_on, program)
VALUES (21, 21, 21, 1, '2025-07-10', 'ISMAP-LIU');
-- moving it before the assessment is refused too
UPDATE application SET submitted_on = '2025-06-30' WHERE application_id = 21;
\echo :LAST_ERROR_SQLSTATE
-- an ISMAP application for the IaaS is none of this
INSERT INTO application (application_id, service_id, audit_id, requested_level, submitted_on) VALUES (22, 22, 22, 1, '2025-07-10');
SELECT application_id, service_id, program FROM application ORDER BY 1;

-- validation takes the baselines of the application's program: the LIU
-- application misses 6.1.1, the ISMAP one 5.1.2
SELECT a.application_id, v.code, v.control_id FROM unnest(ARRAY[21, 22]) a(application_id),
	LATERAL validate_application(a.application_id) v
WHERE v.control_id IS NOT NULL ORDER BY 1, 3;

-------------------------------------------------------------------------------
-- registration: program ISMAP-LIU and its own number series (L); the C
-- series goes on apart
-------------------------------------------------------------------------------
SELECT registration_number, service_id, level, program FROM register(21, '2025-08-01');
SELECT registration_number, service_id, level, program FROM register(22, '2025-08-01');
SELECT year, program, last_serial FROM registration_serial ORDER BY 1, 2;
SELECT registration_number, program FROM registered_content ORDER BY registration_id;
-- each list holds its own program
SELECT registration_number, service_name, level FROM published_list('2025-08-02', 'ISMAP-LIU');
SELECT registration_number, service_name, level FROM published_list('2025-08-02');
SELECT change, registration_number FROM published_list_changes('2025-07-01', '2025-08-02', 'ISMAP-LIU');
-- the publish job lists both
SELECT action, count(*) FROM ismap_internal.job_publish('2025-08-02', true, NULL) GROUP BY 1 ORDER BY 1;
-- a low-impact system may use the ISMAP-LIU service
INSERT INTO procurement (procurement_id, system_id, service_id, from_date) VALUES (2, 1, 21, '2025-08-02');
SELECT system_id, service_id, (SELECT registration_number FROM registration g WHERE g.registration_id = p.registration_id)
FROM procurement p ORDER BY procurement_id;

-------------------------------------------------------------------------------
-- a procured service renewed at a level below the one the procuring system
-- needs: the agency is told, once (agency_notice)
-------------------------------------------------------------------------------
INSERT INTO information_asset (asset_id, org_id, name, rating) VALUES (2, 1, 'case files', cia(2, 1, 1));
INSERT INTO information_system (system_id, org_id, name, business_function, availability) VALUES (2, 1, 'case system', 'cases', 1);
INSERT INTO system_asset (system_id, asset_id, org_id) VALUES (2, 2, 1);
INSERT INTO service (service_id, csp_id, name, scope, delivery_models, deployment_models) VALUES (24, 1, 'Case SaaS', 'case', '{SaaS}', '{public}');
INSERT INTO audit (audit_id, service_id, audit_body_id, lead_auditor_id, target_level, framework_id, period_start, period_end, report_date, scope)
VALUES (24, 24, 1, 1, 2, 'ismap', '2024-04-01', '2025-03-31', '2025-04-15', 'case'),
	   (25, 24, 1, 1, 1, 'ismap', '2025-04-01', '2026-03-31', '2026-04-15', 'case');
INSERT INTO application (application_id, service_id, audit_id, requested_level, submitted_on) VALUES (24, 24, 24, 2, '2025-04-20');
SELECT registration_number FROM register(24, '2025-05-01');
INSERT INTO procurement (procurement_id, system_id, service_id, from_date) VALUES (3, 2, 24, '2025-06-01');
INSERT INTO application (application_id, service_id, audit_id, requested_level, kind, submitted_on) VALUES (25, 24, 25, 1, 'renewal', '2026-04-20');
SELECT registration_number FROM register(25, '2026-05-01');
SELECT action, object_id, detail FROM run_job('cascade', '2026-05-02') WHERE action = 'agency_notice';
SELECT count(*) AS again FROM run_job('cascade', '2026-05-03') WHERE action = 'agency_notice';
SELECT kind, object_id, occasion FROM notice WHERE kind = 'agency_notice' ORDER BY object_id;
-- and its Japanese twin (docs/japanese.md): nothing of the sentence left in English
SELECT detail_ja FROM notice WHERE kind = 'agency_notice' ORDER BY object_id;
