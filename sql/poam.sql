-- the OSCAL POA&M export (DESIGN 3.15): open and overdue remediation plans
-- and the controls found not effective without a plan; deterministic;
-- the caller's rights (a competitor sees nothing of another's service);
-- granted to the roles that read remediation only
\i test/regress/setup.psql
SET client_min_messages = warning;
SELECT ismap.create_roles() IS NOT NULL AS roles_ready;
\set logins 'pm_reviewer pm_csp_a pm_csp_b pm_reader pm_auditor'
\i test/regress/logins.psql
GRANT ismap_reviewer TO pm_reviewer;
GRANT ismap_csp TO pm_csp_a, pm_csp_b;
GRANT ismap_reader TO pm_reader;
GRANT ismap_auditor TO pm_auditor;
RESET client_min_messages;
SET search_path = ismap, public;
\set VERBOSITY terse
\set SHOW_CONTEXT never

-- granted to the registrar, the reviewer and providers only
SELECT r AS role, has_function_privilege(r, 'ismap.export_oscal_poam(bigint)', 'EXECUTE') AS may_export
FROM unnest(ARRAY['ismap_reader', 'ismap_registrar', 'ismap_reviewer', 'ismap_auditor', 'ismap_csp', 'ismap_jobs']) r;
SELECT has_function_privilege('public', 'ismap.export_oscal_poam(bigint)', 'EXECUTE') AS public_may_export;
SELECT prosecdef AS security_definer, provolatile FROM pg_proc WHERE oid = 'ismap.export_oscal_poam(bigint)'::regprocedure;

-- two providers with a registered service each; A's audit found 5.1.1.1
-- ineffective and 5.1.2 (a long title: cut at a word) not tested; B's all effective
INSERT INTO framework (framework_id, title) VALUES ('ismap', 'test standard');
INSERT INTO control (framework_id, control_id, title, parent_id, mandatory) VALUES
	('ismap', '5.1.1', 'objective', NULL, false), ('ismap', '5.1.1.1', '  Key   management  ', '5.1.1', true),
	('ismap', '5.1.2', 'Access review of every privileged account of the service and its operators, at least quarterly', NULL, false);
INSERT INTO baseline (baseline_id, framework_id, title, level) VALUES ('ismap-level1', 'ismap', 'l1', 1);
INSERT INTO baseline_control (baseline_id, framework_id, control_id) VALUES
	('ismap-level1', 'ismap', '5.1.1'), ('ismap-level1', 'ismap', '5.1.1.1'), ('ismap-level1', 'ismap', '5.1.2');
INSERT INTO csp (csp_id, name, corporate_number) VALUES (1, 'Provider A', '7000012050002'), (2, 'Provider B', '1180301018771');
INSERT INTO audit_body (audit_body_id, name, corporate_number) VALUES
	(1, 'Body A', corporate_number_check_digit('010401000001')::text || '010401000001');
INSERT INTO audit_body_selection (audit_body_id, valid_from, valid_until) VALUES (1, '2024-01-01', '2029-01-01');
INSERT INTO auditor (auditor_id, audit_body_id, name, nationality, experience_years) VALUES (1, 1, 'A-lead', 'JP', 9);
INSERT INTO auditor_qualification VALUES (1, 'CISA', NULL);
INSERT INTO service (service_id, csp_id, name, scope, delivery_models, deployment_models) VALUES
	(1, 1, 'A cloud', 'a', '{IaaS}', '{public}'), (2, 2, 'B cloud', 'b', '{IaaS}', '{public}'),
	(3, 1, 'A unregistered', 'c', '{IaaS}', '{public}');
INSERT INTO audit (audit_id, service_id, audit_body_id, lead_auditor_id, target_level, framework_id, period_start, period_end, report_date, scope) VALUES
	(1, 1, 1, 1, 1, 'ismap', '2025-04-01', '2026-03-31', '2026-05-01', 'a'),
	(2, 2, 1, 1, 1, 'ismap', '2025-04-01', '2026-03-31', '2026-05-01', 'b');
INSERT INTO statement_item (audit_id, framework_id, control_id, selected)
SELECT a, 'ismap', c, true FROM generate_series(1, 2) a, unnest('{5.1.1,5.1.1.1,5.1.2}'::ctrlid[]) c;
INSERT INTO audit_result (audit_id, control_id, result, rationale)
SELECT audit_id, control_id,
	CASE WHEN audit_id = 1 AND control_id = '5.1.1.1' THEN 'ineffective'
		 WHEN audit_id = 1 AND control_id = '5.1.2' THEN 'not_tested' ELSE 'effective' END,
	CASE WHEN audit_id = 1 AND control_id = '5.1.1.1' THEN 'keys were not rotated' END
FROM statement_item;
INSERT INTO application (application_id, service_id, audit_id, requested_level, submitted_on) VALUES
	(1, 1, 1, 1, '2026-06-01'), (2, 2, 2, 1, '2026-06-01');
SELECT principal('pm_csp_a', NULL, 1) IS NOT NULL AS bound_a;
SELECT principal('pm_csp_b', NULL, 2) IS NOT NULL AS bound_b;
SELECT registration_number FROM register(1, '2026-06-20');
SELECT registration_number FROM register(2, '2026-06-20');
SELECT registration_id AS reg1 FROM registration WHERE service_id = 1 \gset

-- bad input: null, a service that does not exist; nothing open (B's)
SELECT export_oscal_poam(NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT export_oscal_poam(999);
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY default
SELECT export_oscal_poam(2);
\set VERBOSITY terse
\echo :LAST_ERROR_SQLSTATE
SELECT export_oscal_poam(3);
\echo :LAST_ERROR_SQLSTATE

-- before any plan: both controls are items of their own (status unplanned)
SELECT i->>'title' AS title, i->>'remarks' AS remarks FROM jsonb_array_elements(export_oscal_poam(1)
	#> '{plan-of-action-and-milestones,poam-items}') i;

-- provider A plans two remediations of 5.1.1.1; one is done at once
SET ROLE pm_csp_a;
SELECT remediation_id AS rem1 FROM plan_remediation(:reg1, '5.1.1.1', 'rotate the keys quarterly', '2026-09-30', '2026-07-01') \gset
SELECT remediation_id AS rem2 FROM plan_remediation(:reg1, '5.1.1.1', 'review the key inventory', '2026-10-31', '2026-07-02') \gset
SELECT status FROM complete_remediation(:rem2, '2026-07-03');
RESET ROLE;
-- the renewals job marks the first overdue on 2026-10-01
SELECT count(*) AS overdue FROM run_renewals('2026-10-01', allow_future => true) WHERE action = 'overdue';

-- the document as the provider exports it
SET ROLE pm_csp_a;
SELECT export_oscal_poam(1) AS doc \gset
RESET ROLE;
SELECT jsonb_pretty(:'doc'::jsonb #> '{plan-of-action-and-milestones,metadata}');
SELECT :'doc'::jsonb #> '{plan-of-action-and-milestones,system-id}' AS system_id;
SELECT i->>'title' AS title, i->>'description' AS description, i->>'remarks' AS remarks
FROM jsonb_array_elements(:'doc'::jsonb #> '{plan-of-action-and-milestones,poam-items}') i;
SELECT r->>'title' AS title, r->>'status' AS status, r->>'deadline' AS deadline, r->>'statement' AS statement
FROM jsonb_array_elements(:'doc'::jsonb #> '{plan-of-action-and-milestones,risks}') r;
-- every item points at its risk; UUIDs match OSCAL's pattern and differ
SELECT bool_and(EXISTS (SELECT 1 FROM jsonb_array_elements(:'doc'::jsonb #> '{plan-of-action-and-milestones,risks}') r
		WHERE r->>'uuid' = i #>> '{related-risks,0,risk-uuid}')) AS items_point_at_risks
FROM jsonb_array_elements(:'doc'::jsonb #> '{plan-of-action-and-milestones,poam-items}') i;
WITH u AS (
	SELECT :'doc'::jsonb #>> '{plan-of-action-and-milestones,uuid}' AS u
	UNION ALL SELECT i->>'uuid' FROM jsonb_array_elements(:'doc'::jsonb #> '{plan-of-action-and-milestones,poam-items}') i
	UNION ALL SELECT r->>'uuid' FROM jsonb_array_elements(:'doc'::jsonb #> '{plan-of-action-and-milestones,risks}') r)
SELECT count(*) AS uuids, count(DISTINCT u) AS distinct_uuids,
	bool_and(u ~ '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$') AS oscal_pattern FROM u;
-- deterministic: the reviewer and the registrar (as owner) export the same document
SET ROLE pm_reviewer;
SELECT export_oscal_poam(1) = :'doc'::jsonb AS reviewer_same;
RESET ROLE;
SELECT export_oscal_poam(1) = :'doc'::jsonb AS again_same;
-- the item of a plan keeps its UUID when the data changes; the document's changes
SELECT i->>'uuid' AS item_uuid FROM jsonb_array_elements(:'doc'::jsonb #> '{plan-of-action-and-milestones,poam-items}') i
WHERE i->>'title' LIKE '5.1.2%' \gset

-- the competitor: the same answer as for a service with nothing open;
-- a reader or an auditor may not call it
SET ROLE pm_csp_b;
SELECT export_oscal_poam(1);
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SET ROLE pm_reader;
SELECT export_oscal_poam(1);
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SET ROLE pm_auditor;
SELECT export_oscal_poam(1);
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;

-- the overdue plan done: 5.1.1.1 has plans, so only 5.1.2 is left
SET ROLE pm_csp_a;
SELECT status FROM complete_remediation(:rem1, '2026-10-05');
SELECT i->>'title' AS title, i->>'uuid' = :'item_uuid' AS same_uuid_as_before
FROM jsonb_array_elements(export_oscal_poam(1) #> '{plan-of-action-and-milestones,poam-items}') i;
SELECT export_oscal_poam(1) #>> '{plan-of-action-and-milestones,uuid}' <> :'doc'::jsonb #>> '{plan-of-action-and-milestones,uuid}' AS new_document_uuid;
RESET ROLE;
-- the export changed nothing
SELECT remediation_id, status, done_on FROM remediation ORDER BY 1;
