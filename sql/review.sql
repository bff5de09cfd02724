-- the review workflow (DESIGN 3.13): acceptance check, return, technical
-- review with findings to the provider and the auditor, the committee's
-- decision; each transition refused from a wrong state (55000), by the
-- wrong party, with bad input; register() executable by no role
\i test/regress/setup.psql
SET client_min_messages = warning;
SELECT ismap.create_roles() IS NOT NULL AS roles_ready;
\set logins 'rv_reviewer rv_registrar rv_auditor_a rv_auditor_b rv_csp_a rv_csp_b rv_reader'
\i test/regress/logins.psql
GRANT ismap_reviewer TO rv_reviewer;
GRANT ismap_registrar TO rv_registrar;
GRANT ismap_auditor TO rv_auditor_a, rv_auditor_b;
GRANT ismap_csp TO rv_csp_a, rv_csp_b;
GRANT ismap_reader TO rv_reader;
RESET client_min_messages;
SET search_path = ismap, public;
\set VERBOSITY terse
\set SHOW_CONTEXT never

-- the role exists and register() is nobody's
SELECT rolname FROM pg_roles WHERE rolname = 'ismap_reviewer';
SELECT r AS role, has_function_privilege(r, 'ismap.register(bigint,date)', 'EXECUTE') AS may_register
FROM unnest(ARRAY['ismap_reader', 'ismap_registrar', 'ismap_reviewer', 'ismap_auditor', 'ismap_csp', 'ismap_jobs']) r;
SELECT has_function_privilege('public', 'ismap.register(bigint,date)', 'EXECUTE') AS public_may_register;

-------------------------------------------------------------------------------
-- two providers, two audit bodies; provider A files application 1 (body A)
-- and provider B application 2 (body B)
-------------------------------------------------------------------------------
INSERT INTO framework (framework_id, title) VALUES ('ismap', 'test standard');
INSERT INTO control (framework_id, control_id, title, parent_id, mandatory) VALUES
	('ismap', '5.1.1', 'objective', NULL, false), ('ismap', '5.1.1.1', 'detailed', '5.1.1', true);
INSERT INTO baseline (baseline_id, framework_id, title, level) VALUES ('ismap-level1', 'ismap', 'l1', 1);
INSERT INTO baseline_control (baseline_id, framework_id, control_id) VALUES
	('ismap-level1', 'ismap', '5.1.1'), ('ismap-level1', 'ismap', '5.1.1.1');
INSERT INTO csp (csp_id, name, corporate_number) VALUES (1, 'Provider A', '7000012050002'), (2, 'Provider B', '1180301018771');
INSERT INTO audit_body (audit_body_id, name, corporate_number) VALUES
	(1, 'Body A', corporate_number_check_digit('010401000001')::text || '010401000001'),
	(2, 'Body B', corporate_number_check_digit('010401000002')::text || '010401000002');
INSERT INTO audit_body_selection (audit_body_id, valid_from, valid_until) VALUES (1, '2024-01-01', '2029-01-01'), (2, '2024-01-01', '2029-01-01');
INSERT INTO auditor (auditor_id, audit_body_id, name, nationality, experience_years) VALUES (1, 1, 'A-lead', 'JP', 9), (2, 2, 'B-lead', 'JP', 9);
INSERT INTO auditor_qualification VALUES (1, 'CISA', NULL), (2, 'CISA', NULL);
INSERT INTO service (service_id, csp_id, name, scope, delivery_models, deployment_models) VALUES
	(1, 1, 'A cloud', 'a', '{IaaS}', '{public}'), (2, 2, 'B cloud', 'b', '{IaaS}', '{public}');
-- what the provider must disclose (DISCLOSURE_MISSING: sql/published_list.sql)
INSERT INTO service_disclosure (service_id, regions, governing_law, jurisdiction, capital_disclosure, third_party_tests)
SELECT service_id, '{JP}', 'Japanese law', 'Tokyo District Court', 'none', '[]' FROM service;
INSERT INTO audit (audit_id, service_id, audit_body_id, lead_auditor_id, target_level, framework_id, period_start, period_end, report_date, scope) VALUES
	(1, 1, 1, 1, 1, 'ismap', '2025-04-01', '2026-03-31', '2026-05-01', 'a'),
	(2, 2, 2, 2, 1, 'ismap', '2025-04-01', '2026-03-31', '2026-05-01', 'b');
INSERT INTO statement_item (audit_id, framework_id, control_id, selected)
SELECT a, 'ismap', c, true FROM generate_series(1, 2) a, unnest('{5.1.1,5.1.1.1}'::ctrlid[]) c;
INSERT INTO audit_result (audit_id, control_id, result) SELECT audit_id, control_id, 'effective' FROM statement_item;
INSERT INTO application (application_id, service_id, audit_id, requested_level, submitted_on) VALUES
	(1, 1, 1, 1, '2026-06-01'), (2, 2, 2, 1, '2026-06-01');
SELECT role_name FROM principal('rv_auditor_a', 1, NULL);
SELECT role_name FROM principal('rv_auditor_b', 2, NULL);
SELECT role_name FROM principal('rv_csp_a', NULL, 1);
SELECT role_name FROM principal('rv_csp_b', NULL, 2);
-- the group role itself is bound to no party (every reviewer could act for it)
SELECT principal('ismap_reviewer', NULL, 1);
\echo :LAST_ERROR_SQLSTATE

-------------------------------------------------------------------------------
-- the committee cannot decide a submitted application; nobody registers
-- directly
-------------------------------------------------------------------------------
SET ROLE rv_registrar;
SELECT approve_application(1, '{}', '2026-06-20');
\echo :LAST_ERROR_SQLSTATE
SELECT reject_application(1, 'too early');
\echo :LAST_ERROR_SQLSTATE
SELECT register(1, '2026-06-20');
\echo :LAST_ERROR_SQLSTATE
-- nor is the registrar the acceptance check
SELECT accept_application(1, '2026-06-05');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;

-------------------------------------------------------------------------------
-- acceptance check: return with reasons, accept
-------------------------------------------------------------------------------
SET ROLE rv_reviewer;
SELECT application_id, status FROM application ORDER BY 1;
SELECT return_application(2, '  ', '2026-06-03');
\echo :LAST_ERROR_SQLSTATE
SELECT return_application(2, 'the statement omits the scope', '2026-05-31');
\echo :LAST_ERROR_SQLSTATE
SELECT application_id, status, decided_on, decision_reason FROM return_application(2, 'the statement omits the scope', '2026-06-03');
SELECT accept_application(2, '2026-06-04');
\echo :LAST_ERROR_SQLSTATE
SELECT accept_application(999, '2026-06-04');
\echo :LAST_ERROR_SQLSTATE
SELECT accept_application(1, NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT application_id, status, accepted_on FROM accept_application(1, '2026-06-05');
SELECT accept_application(1, '2026-06-05');
\echo :LAST_ERROR_SQLSTATE
-- the reviewer writes no table directly
UPDATE application SET status = 'approved' WHERE application_id = 1;
\echo :LAST_ERROR_SQLSTATE
INSERT INTO review_finding (application_id, addressed_to, question, raised_on, raised_by) VALUES (1, 'csp', 'q', '2026-06-06', 'x');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;

-- a returned application leaves its audit open: provider B files again
SET ROLE rv_csp_b;
SELECT open FROM audit_party(2);
INSERT INTO application (application_id, service_id, audit_id, requested_level, submitted_on) VALUES (3, 2, 2, 1, CURRENT_DATE);
RESET ROLE;
UPDATE application SET submitted_on = '2026-06-10' WHERE application_id = 3;

-------------------------------------------------------------------------------
-- technical review: findings to the provider and to the auditor
-------------------------------------------------------------------------------
SET ROLE rv_reviewer;
SELECT raise_finding(1, 'agency', 'who?', NULL, '2026-06-06');
\echo :LAST_ERROR_SQLSTATE
SELECT raise_finding(1, 'csp', '', NULL, '2026-06-06');
\echo :LAST_ERROR_SQLSTATE
SELECT raise_finding(1, 'csp', 'which region?', '9.9.9', '2026-06-06');
\echo :LAST_ERROR_SQLSTATE
SELECT raise_finding(1, 'csp', 'which region?', NULL, '2026-06-04');
\echo :LAST_ERROR_SQLSTATE
SELECT raise_finding(3, 'csp', 'not accepted yet', NULL, '2026-06-11');
\echo :LAST_ERROR_SQLSTATE
SELECT finding_id, application_id, control_id, addressed_to, raised_on, raised_by
FROM raise_finding(1, 'csp', 'Which regions does the scope cover?', NULL, '2026-06-06');
SELECT finding_id, control_id, addressed_to FROM raise_finding(1, 'auditor', 'Explain the sample for 5.1.1.1.', '5.1.1.1', '2026-06-07');
SELECT application_id, status, accepted_on, review_started_on FROM application WHERE application_id = 1;
RESET ROLE;

-- validation reports each unresolved finding
SELECT code, severity, control_id, message FROM validate_application(1);

-- the wrong party: the auditor answers the provider's question, provider B
-- answers provider A's, the reader and the registrar answer anything
SET ROLE rv_auditor_a;
SELECT respond_finding(1, 'the audit covered Tokyo', '2026-06-08');
\echo :LAST_ERROR_SQLSTATE
SELECT finding_id, addressed_to FROM review_finding ORDER BY 1;
RESET ROLE;
SET ROLE rv_csp_b;
SELECT respond_finding(1, 'planted', '2026-06-08');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS findings_seen_by_b FROM review_finding;
RESET ROLE;
SET ROLE rv_auditor_b;
SELECT respond_finding(2, 'planted', '2026-06-08');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SET ROLE rv_reader;
SELECT count(*) FROM review_finding;
\echo :LAST_ERROR_SQLSTATE
SELECT respond_finding(1, 'planted', '2026-06-08');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SET ROLE rv_registrar;
SELECT respond_finding(1, 'planted', '2026-06-08');
\echo :LAST_ERROR_SQLSTATE
SELECT resolve_finding(1, '2026-06-08');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SELECT finding_id, response FROM review_finding ORDER BY 1;

-- the addressed parties answer
SET ROLE rv_csp_a;
SELECT respond_finding(1, ' ', '2026-06-08');
\echo :LAST_ERROR_SQLSTATE
SELECT respond_finding(1, 'Tokyo and Osaka', '2026-06-05');
\echo :LAST_ERROR_SQLSTATE
SELECT finding_id, response, responded_on, responded_by FROM respond_finding(1, 'Tokyo and Osaka', '2026-06-08');
SELECT finding_id, addressed_to, response IS NOT NULL AS answered FROM review_finding ORDER BY 1;
RESET ROLE;
SET ROLE rv_auditor_a;
SELECT finding_id, response FROM respond_finding(2, 'daily control: 25 items, no deviation', '2026-06-09');
RESET ROLE;

-- a decision while a finding is open is refused, nothing changes
SET ROLE rv_registrar;
\set VERBOSITY default
SELECT approve_application(1, '{}', '2026-06-20');
\set VERBOSITY terse
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SELECT status, decided_on FROM application WHERE application_id = 1;
SELECT count(*) AS registrations FROM registration;

-- the reviewer resolves; a resolved finding takes no response and is not
-- resolved twice
SET ROLE rv_reviewer;
SELECT finding_id, resolved_on, resolved_by FROM resolve_finding(1, '2026-06-10');
SELECT resolve_finding(1, '2026-06-11');
\echo :LAST_ERROR_SQLSTATE
SELECT resolve_finding(2, '2026-06-08');
\echo :LAST_ERROR_SQLSTATE
SELECT finding_id, resolved_on FROM resolve_finding(2, '2026-06-11');
RESET ROLE;
SET ROLE rv_csp_a;
SELECT respond_finding(1, 'one more thing', '2026-06-12');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SELECT count(*) AS codes FROM validate_application(1);

-- the committee decides: approved from in_review
SET ROLE rv_registrar;
SELECT registration_number, registered_on FROM approve_application(1, '{}', '2026-06-20');
SELECT approve_application(1, '{}', '2026-06-20');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
-- a decided application takes no finding
SET ROLE rv_reviewer;
SELECT raise_finding(1, 'csp', 'late question', NULL, '2026-06-21');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;

-------------------------------------------------------------------------------
-- application 3: accepted without findings, approved from accepted;
-- withdrawal by its provider only, while undecided
-------------------------------------------------------------------------------
SET ROLE rv_reviewer;
SELECT status FROM accept_application(3, '2026-06-11');
RESET ROLE;
SET ROLE rv_csp_a;
SELECT withdraw_application(3, 'moving to another platform');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SET ROLE rv_auditor_b;
SELECT withdraw_application(3, 'moving to another platform');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
-- a withdrawal needs the provider's reason: none, empty, white space
-- (U+3000 included) are refused and change nothing
SET ROLE rv_csp_b;
SELECT withdraw_application(3, NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT withdraw_application(3, '');
\echo :LAST_ERROR_SQLSTATE
SELECT withdraw_application(3, E' \t\u3000');
\echo :LAST_ERROR_SQLSTATE
-- the reason is an argument, not optional
SELECT withdraw_application(3);
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SELECT status, decided_on, decision_reason FROM application WHERE application_id = 3;
SELECT count(*) AS withdrawal_events FROM registry_event WHERE kind = 'application_withdrawn';
SET ROLE rv_registrar;
SELECT registration_number FROM approve_application(3, '{}', '2026-06-20');
RESET ROLE;
SET ROLE rv_csp_b;
SELECT withdraw_application(3, 'moving to another platform');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
-- a new application of B, withdrawn while in review
INSERT INTO audit (audit_id, service_id, audit_body_id, lead_auditor_id, target_level, framework_id, period_start, period_end, report_date, scope)
VALUES (4, 2, 2, 2, 1, 'ismap', '2026-04-01', '2027-03-31', '2027-05-01', 'b');
INSERT INTO application (application_id, service_id, audit_id, requested_level, kind, submitted_on, status, accepted_on)
VALUES (4, 2, 4, 1, 'renewal', '2027-05-10', 'accepted', '2027-05-11');
SET ROLE rv_reviewer;
SELECT status FROM application WHERE application_id = 4;
SELECT finding_id FROM raise_finding(4, 'auditor', 'where is the statement?', NULL, '2027-05-12');
RESET ROLE;
SET ROLE rv_csp_b;
SELECT application_id, status, decided_on = CURRENT_DATE AS today, decision_reason
FROM withdraw_application(4, 'the service is being merged into another one');
RESET ROLE;
-- the reason is on the application, in the event and in the timeline
SELECT payload->>'reason' AS event_reason FROM registry_event
WHERE kind = 'application_withdrawn' AND payload->>'application_id' = '4';
SET ROLE rv_csp_b;
SELECT application_id, status, decision_reason FROM application_timeline WHERE application_id = 4;
RESET ROLE;
SET ROLE rv_auditor_b;
SELECT respond_finding(3, 'too late', '2027-05-13');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;

-- every transition wrote an event; the reader sees none of them
SELECT kind, payload->>'application_id' AS application, payload->>'finding_id' AS finding, actor
FROM registry_event WHERE kind LIKE 'application_%' OR kind LIKE 'finding_%' ORDER BY event_id;
SET ROLE rv_reader;
SELECT count(*) AS review_events_seen_by_reader FROM registry_event WHERE kind LIKE 'finding_%' OR kind LIKE 'application_%';
RESET ROLE;
SET ROLE rv_csp_a;
SELECT kind FROM registry_event WHERE kind LIKE 'finding_%' OR kind LIKE 'application_%' ORDER BY event_id;
RESET ROLE;
SELECT ok FROM verify_event_chain();

-------------------------------------------------------------------------------
-- an additional audit (DESIGN 3.13), asked for in a finding: its results
-- replace the audit's for the controls it covers; validation reads the
-- effective result per control; it is decided (frozen) with the audit
-------------------------------------------------------------------------------
INSERT INTO audit (audit_id, service_id, audit_body_id, lead_auditor_id, target_level, framework_id, period_start, period_end, report_date, scope)
VALUES (5, 1, 1, 1, 1, 'ismap', '2026-04-01', '2027-03-31', '2027-05-01', 'a');
INSERT INTO statement_item (audit_id, framework_id, control_id, selected) VALUES (5, 'ismap', '5.1.1', true), (5, 'ismap', '5.1.1.1', true);
INSERT INTO audit_result (audit_id, control_id, result) VALUES (5, '5.1.1', 'effective'), (5, '5.1.1.1', 'ineffective');
INSERT INTO application (application_id, service_id, audit_id, requested_level, kind, submitted_on) VALUES (5, 1, 5, 1, 'renewal', '2027-05-10');
SET ROLE rv_reviewer;
SELECT status FROM accept_application(5, '2027-05-11');
SELECT finding_id AS additional_finding FROM raise_finding(5, 'auditor', 'Control 5.1.1.1 was ineffective: audit it again, please.', '5.1.1.1', '2027-05-12') \gset
RESET ROLE;
SELECT code, control_id FROM validate_application(5) ORDER BY 1, 2;
-- another body cannot supersede body A's audit
SET ROLE rv_auditor_b;
INSERT INTO audit (audit_id, service_id, audit_body_id, lead_auditor_id, kind, target_level, framework_id, period_start, period_end, report_date, scope, supersedes_audit_id)
VALUES (7, 1, 2, 2, 'additional', 1, 'ismap', '2027-05-15', '2027-06-15', '2027-06-20', 'a', 5);
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
-- an additional audit names the audit it supersedes (and only one does)
INSERT INTO audit (service_id, audit_body_id, lead_auditor_id, kind, target_level, framework_id, period_start, period_end, report_date, scope)
VALUES (1, 1, 1, 'additional', 1, 'ismap', '2027-05-15', '2027-06-15', '2027-06-20', 'a');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO audit (service_id, audit_body_id, lead_auditor_id, kind, target_level, framework_id, period_start, period_end, report_date, scope, supersedes_audit_id)
VALUES (1, 1, 1, 'external', 1, 'ismap', '2027-05-15', '2027-06-15', '2027-06-20', 'a', 5);
\echo :LAST_ERROR_SQLSTATE
-- of the same service
INSERT INTO audit (service_id, audit_body_id, lead_auditor_id, kind, target_level, framework_id, period_start, period_end, report_date, scope, supersedes_audit_id)
VALUES (2, 1, 1, 'additional', 1, 'ismap', '2027-05-15', '2027-06-15', '2027-06-20', 'b', 5);
\echo :LAST_ERROR_SQLSTATE
-- body A audits 5.1.1.1 again; the provider states it, the auditor records the result
SET ROLE rv_auditor_a;
INSERT INTO audit (audit_id, service_id, audit_body_id, lead_auditor_id, kind, target_level, framework_id, period_start, period_end, report_date, scope, supersedes_audit_id)
VALUES (6, 1, 1, 1, 'additional', 1, 'ismap', '2027-05-15', '2027-06-15', '2027-06-20', 'a', 5);
RESET ROLE;
SET ROLE rv_csp_a;
INSERT INTO statement_item (audit_id, framework_id, control_id, selected) VALUES (6, 'ismap', '5.1.1.1', true);
RESET ROLE;
SET ROLE rv_auditor_a;
INSERT INTO audit_result (audit_id, control_id, result, rationale) VALUES (6, '5.1.1.1', 'effective', 'retested after the fix');
SELECT finding_id, response FROM respond_finding(:additional_finding, 'Additional audit 6 found 5.1.1.1 effective.', '2027-06-21');
RESET ROLE;
-- the effective result is the additional audit's: only the open finding remains
SELECT code, control_id FROM validate_application(5) ORDER BY 1, 2;
SET ROLE rv_reviewer;
SELECT resolved_on FROM resolve_finding(:additional_finding, '2027-06-22');
RESET ROLE;
SELECT count(*) AS codes FROM validate_application(5);
SET ROLE rv_registrar;
SELECT registration_number, registered_on FROM approve_application(5, '{}', '2027-06-30');
RESET ROLE;
-- decided together: the additional audit is frozen with the audit
SELECT audit_id, kind, supersedes_audit_id, decided_on FROM audit WHERE audit_id IN (5, 6) ORDER BY 1;
SET ROLE rv_auditor_a;
UPDATE audit_result SET result = 'ineffective' WHERE audit_id = 6;
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SELECT result FROM audit_result WHERE audit_id = 6;

-------------------------------------------------------------------------------
-- remediation plans (DESIGN 3.13): for controls found ineffective or with
-- deviations; the renewals job marks overdue ones and notices each once;
-- validation of the next application reports REMEDIATION_OVERDUE
-------------------------------------------------------------------------------
SELECT registration_id AS reg5 FROM registration WHERE application_id = 5 \gset
SET ROLE rv_csp_b;
SELECT plan_remediation(:reg5, '5.1.1.1', 'planted', '2027-09-30', '2027-07-01');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SET ROLE rv_auditor_a;
SELECT plan_remediation(:reg5, '5.1.1.1', 'not mine to plan', '2027-09-30', '2027-07-01');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SET ROLE rv_csp_a;
SELECT plan_remediation(:reg5, '5.1.1', 'was effective', '2027-09-30', '2027-07-01');
\echo :LAST_ERROR_SQLSTATE
SELECT plan_remediation(:reg5, '5.1.1.1', ' ', '2027-09-30', '2027-07-01');
\echo :LAST_ERROR_SQLSTATE
SELECT plan_remediation(:reg5, '5.1.1.1', 'too late', '2027-06-30', '2027-07-01');
\echo :LAST_ERROR_SQLSTATE
SELECT remediation_id AS rem1 FROM plan_remediation(:reg5, '5.1.1.1', 'rotate the keys quarterly', '2027-09-30', '2027-07-01') \gset
RESET ROLE;
SET ROLE rv_reviewer;
SELECT remediation_id AS rem2 FROM plan_remediation(:reg5, '5.1.1.1', 'review the key inventory', '2027-10-31', '2027-07-02') \gset
RESET ROLE;
SELECT remediation_id, control_id, status, due_on, planned_by FROM remediation ORDER BY 1;
SET ROLE rv_reader;
SELECT count(*) FROM remediation;
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SET ROLE rv_csp_b;
SELECT count(*) AS plans_seen_by_b FROM remediation;
RESET ROLE;
-- the renewals job on 2027-10-01: the first plan is overdue, noticed once
SELECT action, object_id, detail FROM run_renewals('2027-10-01', dry_run => true, allow_future => true) WHERE action = 'overdue';
SELECT action, object_id, detail FROM run_renewals('2027-10-01', allow_future => true) WHERE action = 'overdue';
SELECT count(*) AS again FROM run_renewals('2027-10-02', allow_future => true) WHERE action = 'overdue';
SELECT remediation_id, status, overdue_run_id IS NOT NULL AS by_a_run FROM remediation ORDER BY 1;
SELECT kind, object_id, occasion FROM notice WHERE kind = 'remediation_overdue';
-- the next renewal of service 1
INSERT INTO audit (audit_id, service_id, audit_body_id, lead_auditor_id, target_level, framework_id, period_start, period_end, report_date, scope)
VALUES (8, 1, 1, 1, 1, 'ismap', '2026-10-01', '2027-09-30', '2027-10-03', 'a');
INSERT INTO statement_item (audit_id, framework_id, control_id, selected) VALUES (8, 'ismap', '5.1.1', true), (8, 'ismap', '5.1.1.1', true);
INSERT INTO audit_result (audit_id, control_id, result) VALUES (8, '5.1.1', 'effective'), (8, '5.1.1.1', 'effective');
INSERT INTO application (application_id, service_id, audit_id, requested_level, kind, submitted_on) VALUES (8, 1, 8, 1, 'renewal', '2027-10-05');
SELECT code, severity, control_id, message FROM validate_application(8);
-- the provider completes it: the finding is gone; done is done
SET ROLE rv_csp_b;
SELECT complete_remediation(:rem1, '2027-10-06');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SET ROLE rv_csp_a;
SELECT complete_remediation(:rem1, '2027-06-30');
\echo :LAST_ERROR_SQLSTATE
SELECT remediation_id, status, done_on FROM complete_remediation(:rem1, '2027-10-06');
SELECT complete_remediation(:rem1, '2027-10-07');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SELECT count(*) AS findings FROM validate_application(8);

-- the timeline: the date of each stage and the days in it (not of
-- application 4: withdrawn today, by the server's clock)
SELECT application_id, status, submitted_on, accepted_on, review_started_on, decided_on,
	   acceptance_days, accepted_days, review_days, total_days, findings
FROM application_timeline WHERE application_id <> 4 ORDER BY application_id;
SET ROLE rv_csp_b;
SELECT application_id, status, total_days FROM application_timeline WHERE application_id <> 4 ORDER BY application_id;
RESET ROLE;
SET ROLE rv_reader;
SELECT count(*) FROM application_timeline;
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
