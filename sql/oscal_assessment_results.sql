-- OSCAL JSON assessment results into audit_result and control_test:
-- findings map to results (effective when every finding on a control is
-- satisfied), related observations carrying a sample to control tests;
-- all or nothing; targets must be stated controls of the audit's framework;
-- an auditor writes only its own body's open audits.
\i test/regress/setup.psql
SET search_path = ismap, public;
\set VERBOSITY default

INSERT INTO framework (framework_id, title) VALUES ('fw', 'a standard'), ('other', 'another standard');
INSERT INTO control (framework_id, control_id, title) VALUES
	('fw', 'ac-1', 'policy'), ('fw', 'ac-2', 'accounts'), ('fw', 'ac-3', 'enforcement'), ('fw', 'ac-4', 'flow'),
	('other', 'zz-1', 'elsewhere');
INSERT INTO csp (csp_id, name, corporate_number) VALUES (1, 'Cloud KK', '7000012050002');
INSERT INTO audit_body (audit_body_id, name, corporate_number) VALUES
	(1, 'Audit LLC', corporate_number_check_digit('010401000001')::text || '010401000001'),
	(2, 'Other Audit LLC', corporate_number_check_digit('010401000002')::text || '010401000002');
INSERT INTO auditor (auditor_id, audit_body_id, name, nationality, experience_years) VALUES (1, 1, 'Sato', 'JP', 10), (2, 2, 'Ito', 'JP', 5);
INSERT INTO service (service_id, csp_id, name, scope, delivery_models, deployment_models) VALUES
	(1, 1, 'cloud', 'scope', '{IaaS}', '{public}');
INSERT INTO audit (audit_id, service_id, audit_body_id, lead_auditor_id, target_level, framework_id,
	period_start, period_end, report_date, scope)
VALUES (1, 1, 1, 1, 3, 'fw', '2025-04-01', '2026-03-31', '2026-05-15', 'scope'),
       (2, 1, 2, 2, 3, 'fw', '2025-04-01', '2026-03-31', '2026-05-15', 'scope');
INSERT INTO statement_item (audit_id, framework_id, control_id, selected)
SELECT a.audit_id, 'fw', c::ctrlid, true FROM audit a, unnest(ARRAY['ac-1', 'ac-2', 'ac-3']) c;

\set doc '{"assessment-results": {"uuid": "00000000-0000-4000-8000-0000000000a1", "metadata": {"title": "FY2025 assessment"}, "results": [{"uuid": "00000000-0000-4000-8000-0000000000a2", "title": "annual", "start": "2026-04-01T00:00:00Z", "observations": [{"uuid": "obs-1", "description": "25 account reviews sampled", "methods": ["TEST"], "props": [{"name": "sample-size", "ns": "urn:pg-ismap:oscal", "value": "25"}, {"name": "population", "ns": "urn:pg-ismap:oscal", "value": "250"}, {"name": "deviations", "ns": "urn:pg-ismap:oscal", "value": "1"}, {"name": "frequency", "ns": "urn:pg-ismap:oscal", "value": "daily"}]}, {"uuid": "obs-2", "description": "interview", "methods": ["INTERVIEW"]}], "findings": [{"uuid": "f-1", "title": "Policy in place", "target": {"type": "objective-id", "target-id": "ac-1_obj", "status": {"state": "satisfied"}}}, {"uuid": "f-2", "title": "Accounts reviewed", "target": {"type": "statement-id", "target-id": "ac-2_smt.a", "status": {"state": "satisfied"}}, "related-observations": [{"observation-uuid": "obs-1"}]}, {"uuid": "f-3", "title": "Dormant accounts", "description": "two dormant accounts were not disabled", "target": {"type": "statement-id", "target-id": "ac-2_smt.b", "status": {"state": "not-satisfied", "reason": "fail"}}, "related-observations": [{"observation-uuid": "obs-2"}]}, {"uuid": "f-4", "title": "Enforced", "target": {"type": "objective-id", "target-id": "AC-3", "status": {"state": "satisfied"}}}]}]}}'
SELECT * FROM import_oscal_assessment_results(:'doc', 1);
SELECT control_id, result, rationale FROM audit_result WHERE audit_id = 1 ORDER BY control_id;
SELECT control_id, frequency, population, sample_size, deviations FROM control_test WHERE audit_id = 1 ORDER BY control_id;
-- again: the same rows (an upsert), nothing doubled
SELECT * FROM import_oscal_assessment_results(:'doc', 1);
SELECT count(*) AS results FROM audit_result WHERE audit_id = 1;

-- refusals, each leaving the audit as it was
SELECT * FROM import_oscal_assessment_results(replace(:'doc', '"AC-3"', '"zz-1"')::jsonb, 1);
SELECT * FROM import_oscal_assessment_results(replace(:'doc', '"AC-3"', '"ac-4_obj"')::jsonb, 1);
SELECT * FROM import_oscal_assessment_results(replace(:'doc', '"AC-3"', '"not a control!"')::jsonb, 1);
SELECT * FROM import_oscal_assessment_results(replace(:'doc', '"not-satisfied"', '"other-than-satisfied"')::jsonb, 1);
SELECT * FROM import_oscal_assessment_results(replace(:'doc', '"value": "25"', '"value": "many"')::jsonb, 1);
SELECT * FROM import_oscal_assessment_results(replace(:'doc', '"value": "25"', '"value": "2500"')::jsonb, 1);
SELECT * FROM import_oscal_assessment_results('{"catalog": {}}', 1);
SELECT * FROM import_oscal_assessment_results('{"assessment-results": {"results": 5}}', 1);
SELECT * FROM import_oscal_assessment_results('{"assessment-results": {"results": [{"findings": [{"target": {"target-id": 7}}]}]}}', 1);
SELECT * FROM import_oscal_assessment_results(:'doc', 99);
SELECT * FROM import_oscal_assessment_results(NULL, 1);
SELECT count(*) AS results, count(*) FILTER (WHERE result = 'effective') AS effective FROM audit_result WHERE audit_id = 1;

-- the auditor of body 1 may import into its audit, not into body 2's
SELECT create_roles() IS NOT NULL AS roles_ready;
SET client_min_messages = warning;
DROP ROLE IF EXISTS ismap_test_ar_auditor;
RESET client_min_messages;
CREATE ROLE ismap_test_ar_auditor LOGIN IN ROLE ismap_auditor;
SELECT audit_body_id FROM principal('ismap_test_ar_auditor', 1, NULL);
SET ROLE ismap_test_ar_auditor;
SELECT * FROM import_oscal_assessment_results(:'doc', 1);
SELECT * FROM import_oscal_assessment_results(:'doc', 2);
RESET ROLE;
SELECT count(*) AS body2_results FROM audit_result WHERE audit_id = 2;
SET ROLE ismap_reader;
SELECT * FROM import_oscal_assessment_results(:'doc', 1);
RESET ROLE;
DELETE FROM principal_binding WHERE role_name = 'ismap_test_ar_auditor';
DROP ROLE ismap_test_ar_auditor;
