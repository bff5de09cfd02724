-- demo/80_validation.sql — the government's check of an application:
-- a pre-consultation, an application returned by the acceptance check and
-- submitted again, the acceptance check, a review finding answered by the audit body, the
-- validation's findings, a fix, acknowledgement and the committee's approval
\pset footer off
SET search_path = ismap, public;

\echo
\echo '== A provider applies: a new SaaS on a registered platform, audited for level 2 =='
SELECT s.service_id AS platform, s.name AS platform_name, r.level AS platform_level
FROM service s JOIN registration r ON r.service_id = s.service_id AND r.status = 'active'
WHERE s.delivery_models && '{IaaS}' ORDER BY r.level DESC, s.service_id LIMIT 1 \gset
SELECT audit_body_id AS body, (SELECT min(auditor_id) FROM auditor a WHERE a.audit_body_id = b.audit_body_id
	AND a.nationality = 'JP' AND a.experience_years >= 3) AS lead
FROM audit_body b ORDER BY audit_body_id LIMIT 1 \gset
INSERT INTO auditor_qualification (auditor_id, qualification, valid_until) VALUES (:lead, 'CISA', NULL)
ON CONFLICT DO NOTHING;
INSERT INTO service (csp_id, name, scope, delivery_models, deployment_models)
VALUES ((SELECT min(csp_id) FROM csp), 'Demo Records SaaS', 'records management for agencies', '{SaaS}', '{public}')
RETURNING service_id AS demo_service \gset
INSERT INTO service_dependency (service_id, base_service_id) VALUES (:demo_service, :platform);
INSERT INTO audit (service_id, audit_body_id, lead_auditor_id, target_level, framework_id,
	period_start, period_end, report_date, scope)
VALUES (:demo_service, :body, :lead, 2, 'ismap', '2025-10-01', '2026-09-30', '2026-11-10',
	'records management for agencies and its archive')
RETURNING audit_id AS demo_audit \gset
-- the statement covers the level-2 baseline, but one detailed control is
-- left out without a reason and one objective has no result yet
CREATE TEMP TABLE demo_baseline AS
SELECT DISTINCT bc.control_id, c.mandatory FROM baseline b JOIN baseline_control bc USING (baseline_id, framework_id)
JOIN control c USING (framework_id, control_id)
WHERE b.framework_id = 'ismap' AND b.level <= 2;
SELECT max(control_id) AS left_out FROM demo_baseline WHERE depth(control_id) = 4 AND NOT mandatory \gset
SELECT min(control_id) AS unresulted, max(control_id) AS last_objective FROM demo_baseline WHERE depth(control_id) = 3 \gset
INSERT INTO statement_item (audit_id, framework_id, control_id, selected, exclusion_reason)
SELECT :demo_audit, 'ismap', control_id, control_id <> :'left_out', NULL FROM demo_baseline;
INSERT INTO audit_result (audit_id, control_id, result)
SELECT audit_id, control_id, 'effective' FROM statement_item
WHERE audit_id = :demo_audit AND selected AND control_id <> :'unresulted';

\echo '== Before the audit the provider consulted the operations support body =='
INSERT INTO consultation (csp_id, service_id, opened_on, subject, question)
VALUES ((SELECT csp_id FROM service WHERE service_id = :demo_service), :demo_service, '2026-09-01',
	'scope of the audit', 'Must the archive be in the audited scope?')
RETURNING consultation_id AS demo_consultation \gset
SELECT consultation_id, subject, answer, answered_on
FROM answer_consultation(:demo_consultation, 'Yes, if customers can keep records in it.', '2026-09-03');

\echo '== A first application is returned by the acceptance check; the provider applies again =='
INSERT INTO application (service_id, audit_id, requested_level, kind, submitted_on)
VALUES (:demo_service, :demo_audit, 2, 'new', '2026-11-17')
RETURNING application_id AS returned_app \gset
SELECT application_id, status, decision_reason
FROM return_application(:returned_app, 'the auditor''s report is not signed', '2026-11-18');
INSERT INTO application (service_id, audit_id, requested_level, kind, submitted_on)
VALUES (:demo_service, :demo_audit, 2, 'new', '2026-11-20')
RETURNING application_id AS demo_app \gset

\echo '== The operations support body accepts it (no formal defect) and asks the audit body a question =='
SELECT application_id, status, accepted_on FROM accept_application(:demo_app, '2026-11-21');
SELECT finding_id AS demo_finding, addressed_to, control_id, question
FROM raise_finding(:demo_app, 'auditor', 'The objective has no audit result: was it tested?', :'unresulted', '2026-11-22') \gset
SELECT application_id, status, review_started_on FROM application WHERE application_id = :demo_app;

\echo '== Validation reports every finding, with what would fix it =='
SELECT code, severity, control_id, message FROM validate_application(:demo_app);

\echo '== Approval is refused while errors remain =='
\set ON_ERROR_STOP 0
\set VERBOSITY default
\set SHOW_CONTEXT never
SELECT approve_application(:demo_app, '{}', '2026-11-30');
\set ON_ERROR_STOP 1
\set VERBOSITY default

\echo '== The provider and the audit body fix them: the disclosure, the scope as registered, the reason, the result =='
INSERT INTO service_disclosure (service_id, regions, governing_law, jurisdiction, capital_disclosure, third_party_tests)
VALUES (:demo_service, '{JP-Tokyo,JP-Osaka}', '日本法', '東京地方裁判所', '親会社: なし、外国資本: なし',
	'[{"kind": "penetration_test", "performed_by": "第三者診断株式会社", "performed_on": "2026-08-20"}]');
UPDATE audit SET scope = 'records management for agencies' WHERE audit_id = :demo_audit;
UPDATE statement_item SET exclusion_reason = 'the service keeps no paper records'
WHERE audit_id = :demo_audit AND NOT selected;
INSERT INTO audit_result (audit_id, control_id, result) VALUES (:demo_audit, :'unresulted', 'effective');
-- the audit body answers as itself: a login role bound to it
SET client_min_messages = warning;
DO $$ BEGIN CREATE ROLE demo_auditor; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
GRANT ismap_auditor TO demo_auditor;
SELECT role_name FROM principal('demo_auditor', :body, NULL) \gset
RESET client_min_messages;
SET ROLE demo_auditor;
SELECT finding_id, response, responded_on
FROM respond_finding(:demo_finding, 'Tested in the period; the result was recorded late and is now in.', '2026-11-25');
RESET ROLE;
SELECT finding_id, resolved_on FROM resolve_finding(:demo_finding, '2026-11-26');
-- and an objective is excluded with a reason: a judgement for the registrar
UPDATE statement_item SET selected = false, exclusion_reason = 'no on-premises component'
WHERE audit_id = :demo_audit AND control_id = :'last_objective';
DELETE FROM audit_result WHERE audit_id = :demo_audit AND control_id = :'last_objective';
SELECT code, severity, control_id, message FROM validate_application(:demo_app);

\echo '== The committee (the registrar) acknowledges the query and approves =='
SELECT registration_number, level, registered_on, valid_until, status
FROM approve_application(:demo_app, '{OBJECTIVE_EXCLUDED}', '2026-11-30');
SELECT kind, payload->'context'->'acknowledged' AS acknowledged FROM registry_event
WHERE service_id = :demo_service ORDER BY event_id;

\echo '== The findings of an application as SARIF 2.1.0 (for CI tools): summary =='
SELECT s->>'version' AS sarif, s#>>'{runs,0,tool,driver,name}' AS tool,
       jsonb_array_length(s#>'{runs,0,tool,driver,rules}') AS rules,
       jsonb_array_length(s#>'{runs,0,results}') AS results
FROM validate_application_sarif(:demo_app) s;
