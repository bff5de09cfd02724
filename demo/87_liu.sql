-- demo/87_liu.sql — ISMAP-LIU (docs/registry.md, "ISMAP-LIU"): a SaaS for
-- low-impact work.  A procuring agency assesses its use as low-impact (its
-- own role writes the assessment), the provider files an ISMAP-LIU
-- application on an audit against the LIU baseline (the illustrative one
-- of data/standards/ismap-sample-liu.sql), an application for an IaaS is
-- refused, and the registrar's approval registers the service in the L
-- number series.  demo/90_published.sql then shows the LIU list.
\pset footer off
SET search_path = ismap, public;

\echo
\echo '== ISMAP-LIU: a SaaS used for low-impact work (docs/registry.md, "ISMAP-LIU") =='
\echo '-- the LIU baseline for the sample standard: ILLUSTRATIVE, not the official control set'
\i data/standards/ismap-sample-liu.sql
SELECT b.baseline_id, b.program, b.level, count(bc.control_id) AS controls
FROM baseline b LEFT JOIN baseline_control bc USING (baseline_id, framework_id)
WHERE b.framework_id = 'ismap' AND b.level = 1 GROUP BY 1, 2, 3 ORDER BY 2, 1;

-- an agency using a service on 2026-12-01, and that service's provider
SELECT o.org_id AS liu_agency, o.name AS agency_name, s.csp_id AS liu_csp, c.name AS csp_name
FROM procurement p JOIN information_system sys ON sys.system_id = p.system_id
JOIN organization o ON o.org_id = sys.org_id
JOIN service s ON s.service_id = p.service_id JOIN csp c ON c.csp_id = s.csp_id
WHERE p.from_date <= '2026-12-01' AND (p.until_date IS NULL OR p.until_date >= '2026-12-01')
ORDER BY o.org_id, p.procurement_id LIMIT 1 \gset
\echo '-- the provider' :'csp_name' 'offers a survey SaaS that' :'agency_name' 'wants for public events'
INSERT INTO service (csp_id, name, scope, delivery_models, deployment_models)
VALUES (:liu_csp, 'Demo Event Survey SaaS', 'online surveys for public events', '{SaaS}', '{public}')
RETURNING service_id AS liu_service \gset
INSERT INTO service_disclosure (service_id, regions, governing_law, jurisdiction, capital_disclosure, third_party_tests)
VALUES (:liu_service, '{JP-Tokyo}', '日本法', '東京地方裁判所', '親会社: なし、外国資本: なし', '[]');

\echo '-- the agency assesses its use as low-impact: its own role writes the assessment'
SET client_min_messages = warning;
DO $$ BEGIN CREATE ROLE demo_agency; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
GRANT ismap_agency TO demo_agency;
SELECT role_name FROM principal('demo_agency', NULL, NULL, :liu_agency) \gset
RESET client_min_messages;
SET ROLE demo_agency;
INSERT INTO liu_assessment (service_id, agency_id, assessed_on, result, note)
VALUES (:liu_service, :liu_agency, '2026-12-01', 'low_impact', 'public event information only; no personal data')
RETURNING assessment_id, service_id, agency_id, assessed_on, result;
RESET ROLE;

\echo '-- the audit, against the LIU baseline (level 1)'
SELECT audit_body_id AS body, (SELECT min(auditor_id) FROM auditor a WHERE a.audit_body_id = b.audit_body_id
	AND a.nationality = 'JP' AND a.experience_years >= 3) AS lead
FROM audit_body b ORDER BY audit_body_id LIMIT 1 \gset
INSERT INTO audit (service_id, audit_body_id, lead_auditor_id, target_level, framework_id,
	period_start, period_end, report_date, scope)
VALUES (:liu_service, :body, :lead, 1, 'ismap', '2025-12-01', '2026-11-30', '2026-12-05',
	'online surveys for public events')
RETURNING audit_id AS liu_audit \gset
INSERT INTO statement_item (audit_id, framework_id, control_id, selected)
SELECT :liu_audit, 'ismap', bc.control_id, true FROM baseline_control bc WHERE bc.baseline_id = 'ismap-liu-level1';
INSERT INTO audit_result (audit_id, control_id, result)
SELECT audit_id, control_id, 'effective' FROM statement_item WHERE audit_id = :liu_audit;

\echo '-- an ISMAP-LIU application is for a SaaS only: one for an IaaS is refused'
SELECT s.service_id AS liu_iaas, a.audit_id AS liu_iaas_audit
FROM service s JOIN audit a ON a.service_id = s.service_id
WHERE s.delivery_models && '{IaaS}' ORDER BY s.service_id, a.audit_id LIMIT 1 \gset
\set ON_ERROR_STOP 0
\set VERBOSITY default
\set SHOW_CONTEXT never
INSERT INTO application (service_id, audit_id, requested_level, kind, submitted_on, program)
VALUES (:liu_iaas, :liu_iaas_audit, 1, 'new', '2026-12-08', 'ISMAP-LIU');
\set ON_ERROR_STOP 1

\echo '-- the SaaS application, accepted and validated against the baselines of its program'
INSERT INTO application (service_id, audit_id, requested_level, kind, submitted_on, program)
VALUES (:liu_service, :liu_audit, 1, 'new', '2026-12-08', 'ISMAP-LIU')
RETURNING application_id AS liu_app, program \gset
SELECT application_id, status, accepted_on FROM accept_application(:liu_app, '2026-12-09');
SELECT code, severity, control_id, message FROM validate_application(:liu_app);
\echo '-- (the same statement against the ISMAP level-1 baseline would miss these controls)'
SELECT count(*) AS ismap_level1_controls_not_in_the_statement
FROM baseline_control bc WHERE bc.baseline_id = 'ismap-level1'
  AND NOT EXISTS (SELECT 1 FROM statement_item si WHERE si.audit_id = :liu_audit AND si.control_id = bc.control_id);

\echo '-- the registrar approves: the registration is numbered in the L series of ISMAP-LIU'
SELECT registration_number, program, level, registered_on, valid_until, status
FROM approve_application(:liu_app, '{}', '2026-12-15');
SELECT year, program, last_serial FROM registration_serial ORDER BY year, program;
\echo '-- the next day it is on the ISMAP-LIU list, and not on the ISMAP one'
SELECT 'ISMAP-LIU' AS list, registration_number, service_name, level FROM published_list('2026-12-16', 'ISMAP-LIU')
UNION ALL
SELECT 'ISMAP', registration_number, service_name, level FROM published_list('2026-12-16') WHERE service_name = 'Demo Event Survey SaaS';
