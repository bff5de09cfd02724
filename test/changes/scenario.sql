-- test/changes/scenario.sql — a small registry for the changes layer:
-- platform P (1), A (2) on P, B (3) on A, S (4) on P self-assessed, M (5)
-- alone; all registered on 2025-06-01.  P reports an architecture change
-- effective 2025-09-01 (window to 2026-03-01), M a minor one.  Control
-- 5.1.1.2 of P fails on 2026-05-10 and 2026-06-05.
INSERT INTO ismap.framework (framework_id, title) VALUES ('ismap', 'test standard');
INSERT INTO ismap.control (framework_id, control_id, title) VALUES ('ismap', '5.1.1.1', 'policy document');
INSERT INTO ismap.csp (csp_id, name, corporate_number) VALUES (1, 'Platform KK', '7000012050002');
INSERT INTO ismap.audit_body (audit_body_id, name, corporate_number)
VALUES (1, 'Audit 1 LLC', ismap.corporate_number_check_digit('010401000001')::text || '010401000001');
INSERT INTO ismap.auditor (auditor_id, audit_body_id, name, nationality, experience_years) VALUES (1, 1, 'Auditor 1', 'JP', 10);
INSERT INTO ismap.service (service_id, csp_id, name, scope, delivery_models, deployment_models)
SELECT i, 1, n, 'service ' || n, CASE WHEN i = 1 THEN '{IaaS}' ELSE '{SaaS}' END::ismap.delivery_model[], '{public}'
FROM unnest(ARRAY['P cloud', 'A mail', 'B archive', 'S forms', 'M chat']) WITH ORDINALITY u(n, i);
INSERT INTO ismap.service_dependency (service_id, base_service_id) VALUES (2, 1), (3, 2), (4, 1);
INSERT INTO ismap.audit (audit_id, service_id, audit_body_id, lead_auditor_id, target_level, framework_id,
	period_start, period_end, report_date, scope)
SELECT s.service_id, s.service_id, 1, 1, 2, 'ismap', '2024-04-01', '2025-03-31', '2025-05-15', s.scope
FROM ismap.service s;
UPDATE ismap.service_dependency SET self_assessed_audit_id = 4 WHERE service_id = 4;
INSERT INTO ismap.application (application_id, service_id, audit_id, requested_level, kind, submitted_on)
SELECT s.service_id, s.service_id, s.service_id, 2, 'new', '2025-05-20' FROM ismap.service s;
SELECT ismap.register(a.application_id, '2025-06-01') FROM ismap.application a ORDER BY 1;
INSERT INTO ismap.service_change (change_id, service_id, kind, effective_on, description, reported_by, reported_on) VALUES
	(1, 1, 'architecture', '2025-09-01', 'storage moved to a new region', 'Platform KK security office', '2025-08-20'),
	(2, 5, 'minor', '2025-09-01', 'new operator console theme', 'Platform KK', '2025-08-20');
