-- test/jobs/scenario.sql — the small dated registry the jobs layer runs
-- ismap-jobs over (the same shape as sql/jobs.sql's):
--
--   P (1) an IaaS platform, valid until 2026-05-31
--   A (2) on P; B (3) on A; S (4) on P, self-assessed   valid until 2026-07-31
--   R (5) alone; files its renewal on 2026-06-15 (kept past 2026-07-31)
--   X (6) applies on 2026-05-01 with an audit by body 3, never selected
--   audit body 1 selected to 2027-03-31, report due 2026-04-30 (overdue);
--   body 2 selected to 2026-06-30 (lapses)
SET search_path = ismap, pg_catalog;
INSERT INTO framework (framework_id, title) VALUES ('ismap', 'test standard');
INSERT INTO control (framework_id, control_id, title) VALUES ('ismap', '5.1.1.1', 'policy document');
INSERT INTO csp (csp_id, name, corporate_number) VALUES (1, 'Platform KK', '7000012050002');
INSERT INTO audit_body (audit_body_id, name, corporate_number)
SELECT i, 'Audit ' || i || ' LLC', corporate_number_check_digit('01040100000' || i)::text || '01040100000' || i
FROM generate_series(1, 3) i;
INSERT INTO auditor (auditor_id, audit_body_id, name, nationality, experience_years)
SELECT i, i, 'Auditor ' || i, 'JP', 10 FROM generate_series(1, 3) i;
INSERT INTO audit_body_selection (selection_id, audit_body_id, valid_from, valid_until, next_report_due) VALUES
	(1, 1, '2024-04-01', '2027-03-31', '2026-04-30'),
	(2, 2, '2023-04-01', '2026-06-30', '2027-01-31');
INSERT INTO service (service_id, csp_id, name, scope, delivery_models, deployment_models)
SELECT i, 1, n, 'service ' || n, CASE WHEN i = 1 THEN '{IaaS}' ELSE '{SaaS}' END::delivery_model[], '{public}'
FROM unnest(ARRAY['P cloud', 'A mail', 'B archive', 'S forms', 'R chat', 'X wiki']) WITH ORDINALITY u(n, i);
INSERT INTO service_dependency (service_id, base_service_id) VALUES (2, 1), (3, 2), (4, 1);
INSERT INTO audit (audit_id, service_id, audit_body_id, lead_auditor_id, target_level, framework_id,
	period_start, period_end, report_date, scope)
SELECT s.service_id, s.service_id, 1, 1, 2, 'ismap',
	   '2024-04-01', CASE WHEN s.service_id = 1 THEN date '2025-01-31' ELSE date '2025-03-31' END, '2025-05-15', s.scope
FROM service s WHERE s.service_id <= 5;
UPDATE service_dependency SET self_assessed_audit_id = 4 WHERE service_id = 4;
INSERT INTO statement_item (audit_id, framework_id, control_id, selected)
SELECT audit_id, 'ismap', '5.1.1.1', true FROM audit;
INSERT INTO application (application_id, service_id, audit_id, requested_level, kind, submitted_on)
SELECT s.service_id, s.service_id, s.service_id, 2, 'new', '2025-05-20' FROM service s WHERE s.service_id <= 5;
SELECT count(*) FROM application a CROSS JOIN LATERAL register(a.application_id, '2025-06-01') r;
INSERT INTO audit (audit_id, service_id, audit_body_id, lead_auditor_id, target_level, framework_id,
	period_start, period_end, report_date, scope) VALUES
	(6, 6, 3, 3, 1, 'ismap', '2025-04-01', '2026-03-31', '2026-04-20', 'service X wiki'),
	(7, 5, 1, 1, 2, 'ismap', '2025-04-01', '2026-03-31', '2026-05-15', 'service R chat');
INSERT INTO statement_item (audit_id, framework_id, control_id, selected) VALUES (7, 'ismap', '5.1.1.1', true);
INSERT INTO application (application_id, service_id, audit_id, requested_level, kind, submitted_on) VALUES
	(6, 6, 6, 1, 'new', '2026-05-01'),
	(7, 5, 7, 2, 'renewal', '2026-06-15');
