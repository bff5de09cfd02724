-- audit-body oversight (DESIGN 3.13): monitoring reports clear
-- report_overdue; the selection's status has a dated history written by
-- set_selection_status; a suspension or revocation counts from its date
-- only (an audit reported before it stays valid); nobody but the registrar
-- changes a status, and never with a plain UPDATE
\i test/regress/setup.psql
SET client_min_messages = warning;
SELECT ismap.create_roles() IS NOT NULL AS roles_ready;
\set logins 'ov_registrar ov_auditor ov_csp ov_reviewer'
\i test/regress/logins.psql
GRANT ismap_registrar TO ov_registrar;
GRANT ismap_auditor TO ov_auditor;
GRANT ismap_csp TO ov_csp;
GRANT ismap_reviewer TO ov_reviewer;
RESET client_min_messages;
SET search_path = ismap, public;
\set VERBOSITY terse
\set SHOW_CONTEXT never

INSERT INTO framework (framework_id, title) VALUES ('ismap', 'test standard');
INSERT INTO control (framework_id, control_id, title, parent_id, mandatory) VALUES
	('ismap', '5.1.1', 'objective', NULL, false);
INSERT INTO baseline (baseline_id, framework_id, title, level) VALUES ('ismap-level1', 'ismap', 'l1', 1);
INSERT INTO baseline_control (baseline_id, framework_id, control_id) VALUES ('ismap-level1', 'ismap', '5.1.1');
INSERT INTO csp (csp_id, name, corporate_number) VALUES (1, 'Provider A', '7000012050002');
INSERT INTO audit_body (audit_body_id, name, corporate_number) VALUES
	(1, 'Body A', corporate_number_check_digit('010401000001')::text || '010401000001');
INSERT INTO auditor (auditor_id, audit_body_id, name, nationality, experience_years) VALUES (1, 1, 'A-lead', 'JP', 9);
INSERT INTO auditor_qualification VALUES (1, 'CISA', NULL);
INSERT INTO service (service_id, csp_id, name, scope, delivery_models, deployment_models) VALUES
	(1, 1, 'A cloud', 'a', '{IaaS}', '{public}');
-- two audits of body A: one reported in May 2026, one in September 2026
INSERT INTO audit (audit_id, service_id, audit_body_id, lead_auditor_id, target_level, framework_id, period_start, period_end, report_date, scope) VALUES
	(1, 1, 1, 1, 1, 'ismap', '2025-04-01', '2026-03-31', '2026-05-01', 'a'),
	(2, 1, 1, 1, 1, 'ismap', '2025-06-01', '2026-05-31', '2026-09-01', 'a');
INSERT INTO statement_item (audit_id, framework_id, control_id, selected)
SELECT a, 'ismap', '5.1.1', true FROM generate_series(1, 2) a;
INSERT INTO audit_result (audit_id, control_id, result) SELECT audit_id, control_id, 'effective' FROM statement_item;
INSERT INTO application (application_id, service_id, audit_id, requested_level, submitted_on) VALUES
	(1, 1, 1, 1, '2026-06-01'), (2, 1, 2, 1, '2026-09-10');
SELECT role_name FROM principal('ov_auditor', 1, NULL);
SELECT role_name FROM principal('ov_csp', NULL, 1);

-- the registrar records the selection: its history starts at valid_from
SET ROLE ov_registrar;
INSERT INTO audit_body_selection (selection_id, audit_body_id, valid_from, valid_until) VALUES (1, 1, '2024-01-01', '2029-01-01');
SELECT selection_id, status, effective_on, reason FROM audit_body_selection_history ORDER BY history_id;
RESET ROLE;

-------------------------------------------------------------------------------
-- monitoring reports: overdue until received
-------------------------------------------------------------------------------
SELECT value FROM policy WHERE name = 'audit_body_report_interval';
SELECT action, object_id, detail FROM expire_audit_body_selections('2025-02-01', allow_future => true) ORDER BY 1, 2;
SET ROLE ov_registrar;
-- a report received before its period ended is refused, and counts once
INSERT INTO audit_body_report (selection_id, period_end, received_on) VALUES (1, '2024-12-31', '2024-12-30');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO audit_body_report (selection_id, period_end, received_on, summary) VALUES (1, '2024-12-31', '2025-02-05', 'year one');
INSERT INTO audit_body_report (selection_id, period_end, received_on) VALUES (1, '2024-12-31', '2025-02-06');
\echo :LAST_ERROR_SQLSTATE
SELECT selection_id, next_report_due FROM audit_body_selection;
-- an older report does not move the due date back
INSERT INTO audit_body_report (selection_id, period_end, received_on) VALUES (1, '2024-06-30', '2025-02-06');
SELECT selection_id, next_report_due FROM audit_body_selection;
RESET ROLE;
-- received: no longer overdue on the same day
SELECT action, object_id, detail FROM expire_audit_body_selections('2025-02-10', allow_future => true) ORDER BY 1, 2;
-- an audit body, a provider or the reviewer records no report
SET ROLE ov_auditor;
INSERT INTO audit_body_report (selection_id, period_end, received_on) VALUES (1, '2025-12-31', '2026-01-10');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS reports_seen_by_auditor FROM audit_body_report;
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SET ROLE ov_reviewer;
SELECT count(*) AS reports_seen_by_reviewer FROM audit_body_report;
RESET ROLE;

-------------------------------------------------------------------------------
-- status changes: the auditor cannot change its own selection; a plain
-- UPDATE by the registrar is refused; bad input refused, nothing changed
-------------------------------------------------------------------------------
SET ROLE ov_auditor;
SELECT set_selection_status(1, 'active', '2026-07-01', 'reinstate myself');
\echo :LAST_ERROR_SQLSTATE
UPDATE audit_body_selection SET status = 'active' WHERE selection_id = 1;
\echo :LAST_ERROR_SQLSTATE
INSERT INTO audit_body_selection_history (selection_id, status, effective_on, reason, recorded_by) VALUES (1, 'active', '2026-07-01', 'x', 'ov_auditor');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SET ROLE ov_registrar;
UPDATE audit_body_selection SET status = 'suspended', status_reason = 'quietly' WHERE selection_id = 1;
\echo :LAST_ERROR_SQLSTATE
-- a suspension dated before the selection started, or after it ended
SELECT set_selection_status(1, 'suspended', '2023-12-31', 'problem case');
\echo :LAST_ERROR_SQLSTATE
SELECT set_selection_status(1, 'suspended', '2029-01-02', 'problem case');
\echo :LAST_ERROR_SQLSTATE
SELECT set_selection_status(1, 'expired', '2026-07-01', 'problem case');
\echo :LAST_ERROR_SQLSTATE
SELECT set_selection_status(1, 'suspended', '2026-07-01', ' ');
\echo :LAST_ERROR_SQLSTATE
SELECT set_selection_status(1, 'suspended', NULL, 'problem case');
\echo :LAST_ERROR_SQLSTATE
SELECT set_selection_status(99, 'suspended', '2026-07-01', 'problem case');
\echo :LAST_ERROR_SQLSTATE
SELECT set_selection_status(1, 'active', '2026-07-01', 'no change');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS history_rows FROM audit_body_selection_history;
-- suspended from 1 July 2026
SELECT selection_id, status, effective_on, reason FROM set_selection_status(1, 'suspended', '2026-07-01', 'problem case under review');
SELECT selection_id, status, status_reason FROM audit_body_selection;
-- not before the last change
SELECT set_selection_status(1, 'active', '2026-06-30', 'cleared');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;

-------------------------------------------------------------------------------
-- retroactivity: the audit reported in May (before the suspension) is by a
-- selected body; the one reported in September is not
-------------------------------------------------------------------------------
SELECT selection_status_on(1, '2026-05-01') AS may, selection_status_on(1, '2026-09-01') AS september,
	   selection_status_on(1, '2023-01-01') AS before_term;
SELECT code, message FROM validate_application(1) WHERE code = 'AUDIT_BODY_NOT_SELECTED';
SELECT code, message FROM validate_application(2) WHERE code = 'AUDIT_BODY_NOT_SELECTED';
SELECT action, object_id, detail FROM expire_audit_body_selections('2026-09-15', allow_future => true)
WHERE action = 'body_not_selected' ORDER BY 1, 2;

-- reinstated from 1 October: September stays unselected, and a revocation
-- ends it for good
SET ROLE ov_registrar;
SELECT selection_id, status, effective_on FROM set_selection_status(1, 'active', '2026-10-01', 'cleared by the committee');
SELECT selection_status_on(1, '2026-09-01') AS september, selection_status_on(1, '2026-10-01') AS october;
SELECT selection_id, status, effective_on FROM set_selection_status(1, 'revoked', '2027-01-01', 'repeated problems');
SELECT set_selection_status(1, 'active', '2027-02-01', 'again');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SELECT code FROM validate_application(1) WHERE code = 'AUDIT_BODY_NOT_SELECTED';

-- every change is an event, by the registrar
SELECT kind, payload->>'status' AS status, payload->>'effective_on' AS effective_on, actor
FROM registry_event WHERE kind = 'selection_status' ORDER BY event_id;
SELECT ok FROM verify_event_chain();

-------------------------------------------------------------------------------
-- the end of a term: the job writes the history row (from the day after)
-- and an event
-------------------------------------------------------------------------------
INSERT INTO audit_body_selection (selection_id, audit_body_id, valid_from, valid_until) VALUES (2, 1, '2020-01-01', '2023-12-31');
SELECT action, object_id, detail FROM expire_audit_body_selections('2026-09-16', allow_future => true)
WHERE action = 'expired' ORDER BY 1, 2;
SELECT selection_id, status, effective_on, reason FROM audit_body_selection_history WHERE selection_id = 2 ORDER BY history_id;
SELECT count(*) AS expiry_events FROM registry_event WHERE kind = 'selection_status' AND payload->>'status' = 'expired';
-- once
SELECT count(*) AS again FROM expire_audit_body_selections('2026-09-16', allow_future => true) WHERE action = 'expired';

-------------------------------------------------------------------------------
-- sampling checks read the control tests behind the effective results: an
-- additional audit's test replaces the original's for the controls it
-- covers (DESIGN 3.13)
-------------------------------------------------------------------------------
INSERT INTO audit_body_selection (selection_id, audit_body_id, valid_from, valid_until) VALUES (3, 1, '2027-01-01', '2030-12-31');
INSERT INTO audit (audit_id, service_id, audit_body_id, lead_auditor_id, target_level, framework_id, period_start, period_end, report_date, scope) VALUES
	(4, 1, 1, 1, 1, 'ismap', '2026-06-01', '2027-05-31', '2027-06-15', 'a');
INSERT INTO statement_item (audit_id, framework_id, control_id, selected) VALUES (4, 'ismap', '5.1.1', true);
INSERT INTO audit_result (audit_id, control_id, result) VALUES (4, '5.1.1', 'effective');
-- daily control, 3 items examined: too few
INSERT INTO control_test (audit_id, control_id, frequency, population, sample_size, deviations) VALUES (4, '5.1.1', 'daily', 365, 3, 0);
INSERT INTO application (application_id, service_id, audit_id, requested_level, submitted_on) VALUES (4, 1, 4, 1, '2027-06-20');
SELECT code, control_id FROM validate_application(4) WHERE code LIKE 'SAMPLE%';
-- the additional audit tests 5.1.1 again with 25 items
INSERT INTO audit (audit_id, service_id, audit_body_id, lead_auditor_id, kind, supersedes_audit_id, target_level, framework_id, period_start, period_end, report_date, scope) VALUES
	(5, 1, 1, 1, 'additional', 4, 1, 'ismap', '2026-06-01', '2027-05-31', '2027-06-25', 'a');
INSERT INTO statement_item (audit_id, framework_id, control_id, selected) VALUES (5, 'ismap', '5.1.1', true);
INSERT INTO audit_result (audit_id, control_id, result) VALUES (5, '5.1.1', 'effective');
INSERT INTO control_test (audit_id, control_id, frequency, population, sample_size, deviations) VALUES (5, '5.1.1', 'daily', 365, 25, 0);
SELECT code, control_id FROM validate_application(4) WHERE code LIKE 'SAMPLE%';
-- and its own too-small test would count instead
UPDATE control_test SET sample_size = 2 WHERE audit_id = 5;
SELECT code, control_id, message FROM validate_application(4) WHERE code LIKE 'SAMPLE%';
-- a test that examined nothing is reported, not an error
UPDATE control_test SET sample_size = 0 WHERE audit_id = 5;
SELECT code, control_id FROM validate_application(4) WHERE code LIKE 'SAMPLE%';
-- deviations behind an effective result: the upper deviation limit at the
-- policy's confidence (0.90 here) is above the tolerable rate
UPDATE control_test SET sample_size = 25, deviations = 2 WHERE audit_id = 5;
SELECT code, control_id, message FROM validate_application(4) WHERE code LIKE 'SAMPLE%';
SELECT round(upper_deviation_limit(25, 2, 0.90, 365)::numeric, 4) AS the_limit;
-- the same deviations behind an ineffective result contradict nothing
UPDATE audit_result SET result = 'ineffective' WHERE audit_id = 5;
SELECT code, control_id FROM validate_application(4) WHERE code LIKE 'SAMPLE%';
UPDATE audit_result SET result = 'effective' WHERE audit_id = 5;
UPDATE control_test SET sample_size = 2, deviations = 0 WHERE audit_id = 5;
