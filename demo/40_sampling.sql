-- demo/40_sampling.sql — how much evidence to examine, which items, and what the findings mean
\pset footer off
CREATE EXTENSION IF NOT EXISTS ismap;
SET search_path = ismap, public;

\echo
\echo '== The sample table: minimum samples by how often a control operates (editable by the registrar) =='
SELECT frequency, min_sample, occurrences_per_year
FROM sampling_table ORDER BY occurrences_per_year NULLS LAST, frequency;

\echo '== Statistical sample sizes: 95 % confidence, by tolerable and expected deviation rate (AICPA Table A-1) =='
SELECT expected_rate AS "expected \ tolerable",
       attribute_sample_size(0.95, 0.02, expected_rate) AS "2 %",
       attribute_sample_size(0.95, 0.05, expected_rate) AS "5 %",
       attribute_sample_size(0.95, 0.10, expected_rate) AS "10 %"
FROM unnest(ARRAY[0, 0.005, 0.01, 0.015]::float8[]) AS expected_rate
ORDER BY expected_rate;

\echo '== The same question under other models: a small population needs fewer items =='
SELECT model, population, attribute_sample_size(0.90, 0.10, 0, population, model) AS n
FROM (VALUES ('binomial', NULL::bigint), ('poisson', NULL), ('hypergeometric', 1000),
             ('hypergeometric', 250), ('hypergeometric', 52)) v(model, population)
ORDER BY population NULLS FIRST, model;

\echo '== What a sample of 60 supports: the upper deviation limit at 95 % (AICPA Table A-3, rounded up to 0.1 %) =='
SELECT k AS deviations_found,
       (ceil(upper_deviation_limit(60, k, 0.95)::numeric * 1000) / 10)::numeric(4, 1) AS "upper limit %"
FROM generate_series(0, 4) k ORDER BY k;

\echo '== Which items to examine: 25 of the 250 working days, from seed 20261126 (anyone can redo it) =='
SELECT array_agg(day ORDER BY day) AS days FROM draw_sample(250, 25, 20261126) day;
\echo '   ... and extending the sample to 30 keeps those 25:'
SELECT count(*) AS kept FROM draw_sample(250, 25, 20261126) d
WHERE d IN (SELECT e FROM draw_sample(250, 30, 20261126) e);

\echo '== Evaluating control tests against the sample table and the policy (90 %, 10 %) =='
BEGIN;
INSERT INTO framework (framework_id, title) VALUES ('demo-sampling', 'demo control standard');
INSERT INTO control (framework_id, control_id, title) VALUES ('demo-sampling', '12.4.1', 'event logging');
INSERT INTO control (framework_id, control_id, title, parent_id) VALUES
	('demo-sampling', '12.4.1.1', 'log review', '12.4.1'), ('demo-sampling', '12.4.1.2', 'backup check', '12.4.1'),
	('demo-sampling', '12.4.1.3', 'access review', '12.4.1');
INSERT INTO csp (csp_id, name, corporate_number) VALUES (94001, 'Demo Sampling Cloud', '7000012050002');
INSERT INTO service (service_id, csp_id, name, scope, delivery_models, deployment_models)
	VALUES (94001, 94001, 'Demo IaaS', 'Tokyo region', '{IaaS}', '{public}');
INSERT INTO audit_body (audit_body_id, name, corporate_number) VALUES (94001, 'Demo Audit LLC', '1180301018771');
INSERT INTO auditor (auditor_id, audit_body_id, name, nationality, experience_years) VALUES (94001, 94001, 'Suzuki', 'JP', 12);
INSERT INTO audit (audit_id, service_id, audit_body_id, lead_auditor_id, target_level, framework_id,
                   period_start, period_end, report_date, scope)
	VALUES (94001, 94001, 94001, 94001, 2, 'demo-sampling', '2026-01-01', '2026-12-31', '2027-02-15', 'Tokyo region');
INSERT INTO statement_item (audit_id, framework_id, control_id, selected)
	SELECT 94001, 'demo-sampling', control_id, true FROM control
	WHERE framework_id = 'demo-sampling' AND depth(control_id) = 4;
INSERT INTO audit_result (audit_id, control_id, result) VALUES
	(94001, '12.4.1.1', 'effective'), (94001, '12.4.1.2', 'effective'), (94001, '12.4.1.3', 'effective');
INSERT INTO control_test (audit_id, control_id, frequency, population, sample_size, deviations, seed) VALUES
	(94001, '12.4.1.1', 'daily', 250, 25, 0, 20261126),
	(94001, '12.4.1.2', 'daily', 250, 25, 1, 7),
	(94001, '12.4.1.3', 'weekly', 52, 3, 0, 42);
SELECT control_id, frequency, sample_size AS n, deviations AS k, required_minimum AS minimum,
       round(upper_limit::numeric, 3) AS upper_limit, result, passes, finding
FROM control_test_evaluation WHERE audit_id = 94001 ORDER BY control_id;
ROLLBACK;

\echo '== Bad arguments are refused with 22023 =='
\set ON_ERROR_STOP 0
SELECT attribute_sample_size(0.95, 0.05, 0.05);
SELECT attribute_sample_size(0.95, 0.05, 0, NULL, 'hypergeometric');
SELECT sample_size('hourly');
\set ON_ERROR_STOP 1
