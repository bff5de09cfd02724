-- demo/85_poam.sql — remediation and its OSCAL POA&M: an additional audit
-- of the registered Demo Records SaaS finds one control ineffective; the
-- provider plans its remediation; the plan and the finding are exported
-- as an OSCAL 1.0.4 plan of action and milestones (JSON)
\pset footer off
SET search_path = ismap, public;

\echo
\echo '== An additional audit finds a control of the registered Demo Records SaaS ineffective =='
SELECT g.registration_id AS demo_reg, g.registration_number AS demo_number, g.service_id AS demo_service,
	a.audit_id AS demo_audit, a.audit_body_id AS body, a.lead_auditor_id AS lead
FROM registration g JOIN service s USING (service_id) JOIN audit a ON a.audit_id = g.audit_id
WHERE s.name = 'Demo Records SaaS' AND g.status = 'active' \gset
-- two detailed controls of its audit: one to remediate, one found not tested
SELECT min(r.control_id) AS weak, max(r.control_id) AS untested FROM audit_result r
WHERE r.audit_id = :demo_audit AND depth(r.control_id) = 4 \gset
INSERT INTO audit (service_id, audit_body_id, lead_auditor_id, kind, supersedes_audit_id, target_level,
	framework_id, period_start, period_end, report_date, scope)
SELECT service_id, audit_body_id, lead_auditor_id, 'additional', audit_id, target_level,
	framework_id, '2026-12-01', '2026-12-15', '2026-12-20', scope
FROM audit WHERE audit_id = :demo_audit
RETURNING audit_id AS extra_audit \gset
INSERT INTO statement_item (audit_id, framework_id, control_id, selected)
SELECT :extra_audit, framework_id, control_id, true FROM statement_item
WHERE audit_id = :demo_audit AND control_id IN (:'weak', :'untested');
INSERT INTO audit_result (audit_id, control_id, result, rationale) VALUES
	(:extra_audit, :'weak', 'ineffective', 'backups were not restored in a test during the period'),
	(:extra_audit, :'untested', 'not_tested', NULL);

\echo '== The provider plans the remediation of the ineffective control =='
SELECT remediation_id, control_id, status, due_on
FROM plan_remediation(:demo_reg, :'weak', 'restore a backup in a test every quarter and record it', '2027-03-31', '2026-12-21');

\echo '== The POA&M: one item per open plan and per control found not effective without a plan =='
SELECT i->>'title' AS item, i->>'remarks' AS remarks
FROM jsonb_array_elements(export_oscal_poam(:demo_service) #> '{plan-of-action-and-milestones,poam-items}') i;
SELECT d #>> '{plan-of-action-and-milestones,metadata,title}' AS title,
	d #>> '{plan-of-action-and-milestones,metadata,oscal-version}' AS oscal_version,
	d #>> '{plan-of-action-and-milestones,system-id,id}' AS system_id
FROM export_oscal_poam(:demo_service) d;
\pset format unaligned
\pset tuples_only on
\o :outdir/poam.json
SELECT jsonb_pretty(export_oscal_poam(:demo_service));
\o
\pset format aligned
\pset tuples_only off
\echo 'written to demo/output/poam.json'
