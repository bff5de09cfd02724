-- test/jobs/agencies.sql — the agencies' scenario of the jobs layer
-- (DESIGN 3.14): platform P (1), service A (2) built on it, service B (3)
-- alone, all registered on 2025-06-01; agency 1's system 1 procures P and
-- A, agency 2's system 2 procures A and B.  The registrar delists P on
-- 2026-03-01 (A with it); ismap-jobs then writes one agency_notice per
-- procurement of P or A, once.
SET search_path = ismap, pg_catalog;
INSERT INTO framework (framework_id, title) VALUES ('ismap', 'test standard');
INSERT INTO control (framework_id, control_id, title) VALUES ('ismap', '5.1.1.1', 'policy document');
INSERT INTO csp (csp_id, name, corporate_number) VALUES (1, 'Platform KK', '7000012050002');
INSERT INTO audit_body (audit_body_id, name, corporate_number)
VALUES (1, 'Audit 1 LLC', corporate_number_check_digit('010401000001')::text || '010401000001');
INSERT INTO auditor (auditor_id, audit_body_id, name, nationality, experience_years) VALUES (1, 1, 'Auditor 1', 'JP', 10);
INSERT INTO service (service_id, csp_id, name, scope, delivery_models, deployment_models)
SELECT i, 1, n, 'service ' || n, CASE WHEN i = 1 THEN '{IaaS}' ELSE '{SaaS}' END::delivery_model[], '{public}'
FROM unnest(ARRAY['P cloud', 'A mail', 'B forms']) WITH ORDINALITY u(n, i);
INSERT INTO service_dependency (service_id, base_service_id) VALUES (2, 1);
INSERT INTO audit (audit_id, service_id, audit_body_id, lead_auditor_id, target_level, framework_id,
	period_start, period_end, report_date, scope)
SELECT s.service_id, s.service_id, 1, 1, 2, 'ismap', '2024-04-01', '2025-03-31', '2025-05-15', s.scope FROM service s;
INSERT INTO statement_item (audit_id, framework_id, control_id, selected) SELECT audit_id, 'ismap', '5.1.1.1', true FROM audit;
INSERT INTO application (application_id, service_id, audit_id, requested_level, kind, submitted_on)
SELECT s.service_id, s.service_id, s.service_id, 2, 'new', '2025-05-20' FROM service s;
SELECT count(*) FROM application a CROSS JOIN LATERAL register(a.application_id, '2025-06-01') r;
INSERT INTO organization (org_id, name) VALUES (1, 'Agency One'), (2, 'Agency Two');
INSERT INTO information_asset (asset_id, org_id, name, rating) VALUES (1, 1, 'files', cia(2, 2, 2)), (2, 2, 'files', cia(2, 2, 2));
INSERT INTO information_system (system_id, org_id, name, business_function, availability) VALUES
	(1, 1, 'case system', 'cases', 2), (2, 2, 'mail system', 'mail', 2);
INSERT INTO system_asset (system_id, asset_id, org_id) VALUES (1, 1, 1), (2, 2, 2);
INSERT INTO procurement (procurement_id, system_id, service_id, from_date) VALUES
	(1, 1, 1, '2025-07-01'), (2, 1, 2, '2025-07-01'), (3, 2, 2, '2025-08-01'), (4, 2, 3, '2025-08-01');
SELECT count(*) FROM delist(1, 'provider ended the platform', '2026-03-01');
