-- certifications (DESIGN 3.13): the provider records its own; public once
-- the service (or, provider-wide, one of its services) is registered;
-- coverage_for_service counts those valid on the day, through the mappings.
-- Pre-consultations: the provider opens its own, the reviewer answers.
\i test/regress/setup.psql
SET client_min_messages = warning;
SELECT ismap.create_roles() IS NOT NULL AS roles_ready;
\set logins 'ce_csp_a ce_csp_b ce_reader ce_reviewer'
\i test/regress/logins.psql
GRANT ismap_csp TO ce_csp_a, ce_csp_b;
GRANT ismap_reader TO ce_reader;
GRANT ismap_reviewer TO ce_reviewer;
RESET client_min_messages;
SET search_path = ismap, public;
\set VERBOSITY terse
\set SHOW_CONTEXT never

INSERT INTO framework (framework_id, title) VALUES ('ismap', 'test standard'), ('iso27001', 'ISO/IEC 27001'), ('iso27017', 'ISO/IEC 27017');
INSERT INTO control (framework_id, control_id, title, parent_id, mandatory) VALUES
	('ismap', '5.1.1', 'objective', NULL, false), ('ismap', '5.1.1.1', 'detailed', '5.1.1', true),
	('ismap', '6.1.1', 'level two', NULL, false),
	('iso27001', '5.1', 'policies', NULL, false), ('iso27017', '6.1', 'cloud roles', NULL, false);
INSERT INTO control_mapping (source_framework, source_control, target_framework, target_control, relationship, provenance) VALUES
	('ismap', '5.1.1', 'iso27001', '5.1', 'equal', 'test'),
	('ismap', '5.1.1.1', 'iso27001', '5.1', 'intersects', 'test'),
	('ismap', '6.1.1', 'iso27017', '6.1', 'subset', 'test');
INSERT INTO baseline (baseline_id, framework_id, title, level) VALUES ('ismap-level1', 'ismap', 'l1', 1), ('ismap-level2', 'ismap', 'l2', 2);
INSERT INTO baseline_control (baseline_id, framework_id, control_id) VALUES
	('ismap-level1', 'ismap', '5.1.1'), ('ismap-level1', 'ismap', '5.1.1.1'),
	('ismap-level2', 'ismap', '5.1.1'), ('ismap-level2', 'ismap', '6.1.1');
INSERT INTO csp (csp_id, name, corporate_number) VALUES (1, 'Provider A', '7000012050002'), (2, 'Provider B', '1180301018771');
INSERT INTO service (service_id, csp_id, name, scope, delivery_models, deployment_models) VALUES
	(1, 1, 'A cloud', 'a', '{IaaS}', '{public}'), (2, 2, 'B cloud', 'b', '{IaaS}', '{public}');
SELECT role_name FROM principal('ce_csp_a', NULL, 1);
SELECT role_name FROM principal('ce_csp_b', NULL, 2);

-- the provider records its certificates: one for the service, one for itself
SET ROLE ce_csp_a;
INSERT INTO certification (csp_id, service_id, scheme, certificate_number, scope, framework_id, valid_from, valid_until) VALUES
	(1, 1, 'ISO27001', 'IS 123456', 'A cloud operations', 'iso27001', '2025-01-01', '2027-12-31'),
	(1, NULL, 'ISO27017', 'CLOUD 42', 'all of provider A', 'iso27017', '2026-07-01', '2029-06-30');
-- bad input: unknown scheme, period backwards, blank number, a duplicate
INSERT INTO certification (csp_id, scheme, certificate_number, scope, valid_from, valid_until) VALUES (1, 'ISO9001', 'Q 1', 'x', '2025-01-01', '2026-01-01');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO certification (csp_id, scheme, certificate_number, scope, valid_from, valid_until) VALUES (1, 'SOC2', 'S 1', 'x', '2026-01-01', '2025-01-01');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO certification (csp_id, scheme, certificate_number, scope, valid_from, valid_until) VALUES (1, 'SOC2', ' ', 'x', '2025-01-01', '2026-01-01');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO certification (csp_id, scheme, certificate_number, scope, valid_from, valid_until) VALUES (1, 'ISO27001', 'IS 123456', 'x', '2025-01-01', '2026-01-01');
\echo :LAST_ERROR_SQLSTATE
-- another provider's name or service: refused
INSERT INTO certification (csp_id, scheme, certificate_number, scope, valid_from, valid_until) VALUES (2, 'SOC2', 'S 2', 'x', '2025-01-01', '2026-01-01');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO certification (csp_id, service_id, scheme, certificate_number, scope, valid_from, valid_until) VALUES (1, 2, 'SOC2', 'S 3', 'x', '2025-01-01', '2026-01-01');
\echo :LAST_ERROR_SQLSTATE
DELETE FROM certification;
\echo :LAST_ERROR_SQLSTATE
SELECT certificate_number FROM certification ORDER BY 1;
-- coverage: before the 27017 certificate, then with both, then after the 27001 one lapsed
SELECT * FROM coverage_for_service(1, 2, '2026-06-30');
SELECT * FROM coverage_for_service(1, 2, '2026-07-01');
SELECT * FROM coverage_for_service(1, 1, '2028-01-01');
SELECT * FROM coverage_for_service(1, 4, '2026-07-01');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM coverage_for_service(1, 1, NULL);
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;

-- provider B sees none of them, and A's unregistered service does not exist for it
SET ROLE ce_csp_b;
SELECT count(*) AS seen_by_b FROM certification;
SELECT * FROM coverage_for_service(1, 1, '2026-07-01');
\echo :LAST_ERROR_SQLSTATE
UPDATE certification SET valid_until = '2030-01-01';
SELECT max(valid_until) AS unchanged FROM certification;
RESET ROLE;
SET ROLE ce_reader;
SELECT count(*) AS seen_by_reader FROM certification;
SELECT * FROM coverage_for_service(1, 1, '2026-07-01');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;

-- once the service is registered, both are public and the reader gets the same coverage
INSERT INTO audit_body (audit_body_id, name, corporate_number) VALUES
	(1, 'Body A', corporate_number_check_digit('010401000001')::text || '010401000001');
INSERT INTO auditor (auditor_id, audit_body_id, name, nationality, experience_years) VALUES (1, 1, 'A-lead', 'JP', 9);
INSERT INTO audit (audit_id, service_id, audit_body_id, lead_auditor_id, target_level, framework_id, period_start, period_end, report_date, scope) VALUES
	(1, 1, 1, 1, 1, 'ismap', '2025-04-01', '2026-03-31', '2026-05-01', 'a');
INSERT INTO application (application_id, service_id, audit_id, requested_level, submitted_on) VALUES (1, 1, 1, 1, '2026-06-01');
SELECT registration_number IS NOT NULL AS registered FROM register(1, '2026-06-20');
SET ROLE ce_reader;
SELECT certificate_number, scheme FROM certification ORDER BY 1;
SELECT * FROM coverage_for_service(1, 2, '2026-07-01');
RESET ROLE;

-------------------------------------------------------------------------------
-- pre-consultation: provider A opens one (dated today by the server), B
-- cannot open one in A's name nor see A's; the reviewer answers once
-------------------------------------------------------------------------------
SET ROLE ce_csp_a;
INSERT INTO consultation (csp_id, service_id, subject, question) VALUES (1, 1, 'scope', 'is the Osaka region in scope?');
SELECT opened_on = CURRENT_DATE AS dated_today FROM consultation;
INSERT INTO consultation (csp_id, service_id, subject, question, opened_on) VALUES (1, 1, 'scope', 'backdated?', '2020-01-01');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO consultation (csp_id, subject, question) VALUES (1, ' ', 'no subject');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO consultation (csp_id, service_id, subject, question) VALUES (1, 2, 'scope', 'about B''s service');
\echo :LAST_ERROR_SQLSTATE
UPDATE consultation SET answer = 'answered myself';
\echo :LAST_ERROR_SQLSTATE
SELECT answer_consultation(1, 'yes');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SET ROLE ce_csp_b;
INSERT INTO consultation (csp_id, subject, question) VALUES (1, 'scope', 'in A''s name');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS seen_by_b FROM consultation;
RESET ROLE;
SET ROLE ce_reader;
SELECT count(*) FROM consultation;
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
-- (a fixed date for the output)
UPDATE consultation SET opened_on = '2026-07-01';
SET ROLE ce_reviewer;
SELECT answer_consultation(1, '  ', '2026-07-03');
\echo :LAST_ERROR_SQLSTATE
SELECT answer_consultation(1, 'yes', '2026-06-30');
\echo :LAST_ERROR_SQLSTATE
SELECT answer_consultation(99, 'yes', '2026-07-03');
\echo :LAST_ERROR_SQLSTATE
SELECT consultation_id, subject, answer, answered_on, answered_by FROM answer_consultation(1, 'yes, it is', '2026-07-03');
SELECT answer_consultation(1, 'again', '2026-07-04');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SET ROLE ce_csp_a;
SELECT subject, answer FROM consultation;
RESET ROLE;
