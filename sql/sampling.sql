-- audit sampling: sample table, statistical sample sizes, upper deviation
-- limits, reproducible selection, evaluation of control tests
\i test/regress/setup.psql
SET search_path = ismap, public;
SET extra_float_digits = 0;

-- the sample table and its defaults
SELECT frequency, min_sample, occurrences_per_year, builtin
FROM sampling_table ORDER BY occurrences_per_year NULLS LAST, frequency;
SELECT f, sample_size(f)
FROM unnest(ARRAY['annual', 'quarterly', 'monthly', 'weekly', 'daily', 'multiple_daily']) f
ORDER BY sample_size(f), f;
SELECT sample_size(NULL) AS strict_null;
\set VERBOSITY default
SELECT sample_size('hourly');
\echo :LAST_ERROR_SQLSTATE
SELECT sample_size('Daily');
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY terse

-- the registrar edits the table: an edited row is no longer builtin (so it
-- is dumped), inserting a default's frequency replaces the default
BEGIN;
UPDATE sampling_table SET min_sample = 30 WHERE frequency = 'daily';
INSERT INTO sampling_table (frequency, min_sample, description) VALUES ('automated', 1, 'an automated control, IT general controls effective');
INSERT INTO sampling_table (frequency, min_sample, occurrences_per_year) VALUES ('weekly', 10, 52);
SELECT frequency, min_sample, builtin FROM sampling_table ORDER BY frequency;
SELECT sample_size('daily') AS daily, sample_size('weekly') AS weekly, sample_size('automated') AS automated;
-- what pg_dump keeps of the table
SELECT c.relname, x.cond
FROM pg_extension e, unnest(e.extconfig, e.extcondition) AS x(oid, cond)
JOIN pg_class c ON c.oid = x.oid
WHERE e.extname = 'ismap' AND c.relname IN ('sampling_table', 'control_test')
ORDER BY c.relname;
INSERT INTO sampling_table (frequency, min_sample) VALUES ('automated', 2);
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
INSERT INTO sampling_table (frequency, min_sample) VALUES ('Hourly', 2);
\echo :LAST_ERROR_SQLSTATE
INSERT INTO sampling_table (frequency, min_sample) VALUES ('hourly', 0);
\echo :LAST_ERROR_SQLSTATE

-- the policy tolerances
SELECT name, value FROM policy WHERE name LIKE 'sampling%' ORDER BY name;

-------------------------------------------------------------------------------
-- AICPA Table A-1: all 194 cells (95 % confidence), from the fixture
-------------------------------------------------------------------------------
CREATE TEMP TABLE a1 (model text, population bigint, confidence float8, tolerable_rate float8,
	expected_rate float8, expected_deviations int, sample_size int, source text, note text);
\copy a1 FROM 'test/fixtures/sampling/sample_sizes_aicpa_a1.csv' WITH (FORMAT csv, HEADER true)
SELECT count(*) AS cells,
       count(*) FILTER (WHERE attribute_sample_size(confidence, tolerable_rate, expected_rate) = sample_size) AS reproduced
FROM a1;
-- mismatches (none)
SELECT tolerable_rate, expected_rate, sample_size, attribute_sample_size(confidence, tolerable_rate, expected_rate) AS computed
FROM a1 WHERE attribute_sample_size(confidence, tolerable_rate, expected_rate) IS DISTINCT FROM sample_size
ORDER BY 1, 2;
-- the 5 % column as the table prints it
SELECT expected_rate, sample_size AS published, attribute_sample_size(0.95, 0.05, expected_rate) AS computed,
       expected_deviations AS k
FROM a1 WHERE tolerable_rate = 0.05 ORDER BY expected_rate;
-- the same with the model named and a population too large to matter
SELECT count(*) FILTER (WHERE attribute_sample_size(confidence, tolerable_rate, expected_rate, NULL, 'binomial') = sample_size) AS binomial_named,
       count(*) FILTER (WHERE attribute_sample_size(confidence, tolerable_rate, expected_rate, 4611686018427387904, 'binomial') = sample_size) AS huge_population
FROM a1;

-------------------------------------------------------------------------------
-- AICPA Table A-3: all 231 cells, printed as the exact limit rounded up to 0.1 %
-------------------------------------------------------------------------------
CREATE TEMP TABLE a3 (model text, population bigint, n int, k int, confidence float8,
	upper_limit_pct numeric, upper_limit_exact float8, rounding text, source text);
\copy a3 FROM 'test/fixtures/sampling/upper_limits_aicpa_a3.csv' WITH (FORMAT csv, HEADER true)
SELECT count(*) AS cells,
       count(*) FILTER (WHERE ceil(upper_deviation_limit(n, k, confidence)::numeric * 1000) / 10 = upper_limit_pct) AS reproduced,
       max(abs(upper_deviation_limit(n, k, confidence) - upper_limit_exact)) < 1e-9 AS exact_within_1e9
FROM a3;
SELECT n, k, upper_limit_pct, ceil(upper_deviation_limit(n, k, confidence)::numeric * 1000) / 10 AS computed
FROM a3 WHERE ceil(upper_deviation_limit(n, k, confidence)::numeric * 1000) / 10 <> upper_limit_pct
ORDER BY n, k;
-- one row of the table: n = 100
SELECT k, upper_limit_pct AS published, ceil(upper_deviation_limit(n, k, 0.95)::numeric * 1000) / 10 AS computed
FROM a3 WHERE n = 100 ORDER BY k;

-------------------------------------------------------------------------------
-- other figures
-------------------------------------------------------------------------------
-- the contract's figures; AICPA A-2 (90 %) with no expected deviations,
-- which is (1 - p)^n <= 0.10 solved by hand: n = ceil(ln 0.10 / ln(1 - p))
SELECT attribute_sample_size(0.95, 0.05) AS "95/5/0", attribute_sample_size(0.90, 0.09) AS "90/9/0 JICPA";
SELECT p, attribute_sample_size(0.90, p) AS computed, ceil(ln(0.10) / ln(1 - p))::int AS by_hand
FROM unnest(ARRAY[0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.10, 0.15, 0.20]::float8[]) p
ORDER BY p;

-- k = ceil(n * expected) without drift: 400 * 0.035 is 14.000000000000002 in
-- binary, 14 in decimal.  At 90 %, 5 % tolerable, 3.5 % expected the answer
-- is n = 400 with k = 14; with the binary product n = 400 would be tested with
-- k = 15 and fail, and the search would go on to 423.
SELECT (400 * 0.035::float8) AS binary_product, ceil(400 * 0.035::float8) AS binary_k, ceil(400 * 0.035::numeric) AS decimal_k,
       attribute_sample_size(0.90, 0.05, 0.035) AS "90/5/3.5",
       attribute_sample_size(0.90, 0.08, 0.07) AS "90/8/7",
       attribute_sample_size(0.95, 0.17, 0.14) AS "95/17/14";
-- Poisson: with no expected deviations, e^(-n p) <= 1 - c, so n = ceil(-ln(1 - c) / p)
SELECT c, p, attribute_sample_size(c, p, 0, NULL, 'poisson') AS computed, ceil(-ln(1 - c) / p)::int AS by_hand
FROM unnest(ARRAY[0.90, 0.95, 0.99]::float8[]) c, unnest(ARRAY[0.02, 0.05, 0.10]::float8[]) p
ORDER BY c, p;
-- Poisson with expected deviations (values by direct summation, mpmath, 50 digits)
SELECT attribute_sample_size(0.95, 0.05, 0.01, NULL, 'poisson') AS "95/5/1 poisson",
       attribute_sample_size(0.95, 0.05, 0.01) AS "95/5/1 binomial",
       attribute_sample_size(0.90, 0.10, 0.02, NULL, 'poisson') AS "90/10/2 poisson";

-- hypergeometric: with K = ceil(p N) deviating items and none expected,
-- P(X = 0) = C(N-K, n) / C(N, n); the smallest n where it is <= 1 - c,
-- by enumeration in SQL with exact numeric products
WITH cases(c, p, big_n) AS (VALUES (0.95::float8, 0.05::float8, 100::bigint), (0.95, 0.05, 1000), (0.90, 0.10, 50), (0.90, 0.10, 25), (0.95, 0.10, 10)),
enum AS (
	SELECT c, p, big_n, n,
	       (SELECT exp(sum(ln((big_n - ceil(p * big_n)::bigint - i)::numeric / (big_n - i))))
	        FROM generate_series(0, n - 1) i) AS p0
	FROM cases, generate_series(1, big_n) n
	WHERE n <= big_n - ceil(p * big_n)::bigint
)
SELECT c, p, big_n,
       attribute_sample_size(c, p, 0, big_n, 'hypergeometric') AS computed,
       coalesce(min(n) FILTER (WHERE p0 <= 1 - c::numeric), big_n) AS by_enumeration
FROM enum GROUP BY c, p, big_n ORDER BY big_n, c, p;
-- a small population: never more than the population; a census when no smaller sample will do
SELECT attribute_sample_size(0.95, 0.05, 0, 40, 'binomial') AS binomial_capped,
       attribute_sample_size(0.95, 0.05, 0, 40, 'hypergeometric') AS hyper_40,
       attribute_sample_size(0.95, 0.05, 0.04, 10, 'hypergeometric') AS census,
       attribute_sample_size(0.95, 0.05, 0, 1, 'hypergeometric') AS one_item,
       attribute_sample_size(0.95, 0.05, 0, 4611686018427387904, 'hypergeometric') AS huge;

-- upper limits: k = 0 is 1 - (1 - c)^(1/n); other confidence levels; k = n
SELECT n, c, round(upper_deviation_limit(n, 0, c)::numeric, 12) AS computed, round((1 - (1 - c) ^ (1.0 / n))::numeric, 12) AS by_hand
FROM unnest(ARRAY[1, 25, 59, 100]) n, unnest(ARRAY[0.90, 0.99]::float8[]) c
ORDER BY n, c;
SELECT upper_deviation_limit(10, 10, 0.95) AS all_deviate,
       round(upper_deviation_limit(100, 1, 0.90)::numeric, 10) AS "100/1/90",
       round(upper_deviation_limit(25, 1, 0.90)::numeric, 10) AS "25/1/90";
-- the binomial limit solves P(X <= k | n, p) = 1 - c: check by summing the pmf in numeric
WITH lim AS (SELECT n, k, c, upper_deviation_limit(n, k, c)::numeric AS p
             FROM (VALUES (25, 1, 0.90::float8), (60, 3, 0.95), (100, 5, 0.99), (20, 7, 0.80)) v(n, k, c))
SELECT n, k, c, round((SELECT sum(exp((SELECT coalesce(sum(ln((n - j)::numeric / (j + 1))), 0) FROM generate_series(0, i - 1) j)
                                + i * ln(p) + (n - i) * ln(1 - p))) FROM generate_series(0, k) i), 10) AS tail
FROM lim ORDER BY n, k;
-- hypergeometric limit: K_U / N, the largest K with P(X <= k) > 1 - c
SELECT upper_deviation_limit(2, 0, 0.80, 15) AS "tie 0.2 = 1 - 0.8 (7/15)",
       upper_deviation_limit(25, 0, 0.90, 250) AS "25 of 250",
       upper_deviation_limit(250, 3, 0.90, 250) AS census,
       round(upper_deviation_limit(59, 0, 0.95, 4611686018427387904)::numeric, 9) = round(upper_deviation_limit(59, 0, 0.95)::numeric, 9) AS huge_is_binomial;
-- by enumeration for N = 30, n = 10, k = 1 at 90 %, with exact binomial coefficients
WITH k_scan AS (
	SELECT big_k,
	       (SELECT sum(CASE WHEN 10 - i <= 30 - big_k
	                        THEN factorial(big_k) / (factorial(i) * factorial(big_k - i))
	                             * factorial(30 - big_k) / (factorial(10 - i) * factorial(20 - big_k + i))
	                        ELSE 0 END)
	        FROM generate_series(0, least(1, big_k)) i) / (factorial(30) / (factorial(10) * factorial(20))) AS tail
	FROM generate_series(0, 21) big_k)
SELECT max(big_k) FILTER (WHERE tail > 0.10) AS k_u, max(big_k) FILTER (WHERE tail > 0.10) / 30.0 AS by_enumeration,
       upper_deviation_limit(10, 1, 0.90, 30) AS computed
FROM k_scan;

-- NULLs give NULL; bad arguments are 22023
SELECT attribute_sample_size(NULL, 0.05) IS NULL AS a, attribute_sample_size(0.95, NULL) IS NULL AS b,
       attribute_sample_size(0.95, 0.05, NULL) IS NULL AS c, attribute_sample_size(0.95, 0.05, 0, NULL, NULL) IS NULL AS d,
       upper_deviation_limit(NULL, 0, 0.9) IS NULL AS e, upper_deviation_limit(10, NULL, 0.9) IS NULL AS f,
       upper_deviation_limit(10, 0, NULL) IS NULL AS g;
\set VERBOSITY default
SELECT attribute_sample_size(1.0, 0.05);
\echo :LAST_ERROR_SQLSTATE
SELECT attribute_sample_size(0, 0.05);
\echo :LAST_ERROR_SQLSTATE
SELECT attribute_sample_size('NaN', 0.05);
\echo :LAST_ERROR_SQLSTATE
SELECT attribute_sample_size(0.95, 0);
\echo :LAST_ERROR_SQLSTATE
SELECT attribute_sample_size(0.95, 1.5);
\echo :LAST_ERROR_SQLSTATE
SELECT attribute_sample_size(0.95, 0.05, -0.01);
\echo :LAST_ERROR_SQLSTATE
SELECT attribute_sample_size(0.95, 0.05, 0.05);
\echo :LAST_ERROR_SQLSTATE
SELECT attribute_sample_size(0.95, 0.05, 0, NULL, 'hypergeometric');
\echo :LAST_ERROR_SQLSTATE
SELECT attribute_sample_size(0.95, 0.05, 0, 0, 'hypergeometric');
\echo :LAST_ERROR_SQLSTATE
SELECT attribute_sample_size(0.95, 0.05, 0, -5);
\echo :LAST_ERROR_SQLSTATE
SELECT attribute_sample_size(0.95, 0.05, 0, -1);
\echo :LAST_ERROR_SQLSTATE
SELECT attribute_sample_size(0.95, 0.05, 0, NULL, 'normal');
\echo :LAST_ERROR_SQLSTATE
SELECT attribute_sample_size(0.99, 0.0000001);
\echo :LAST_ERROR_SQLSTATE
SELECT upper_deviation_limit(10, 1, 1.0);
\echo :LAST_ERROR_SQLSTATE
SELECT upper_deviation_limit(0, 0, 0.9);
\echo :LAST_ERROR_SQLSTATE
SELECT upper_deviation_limit(10, -1, 0.9);
\echo :LAST_ERROR_SQLSTATE
SELECT upper_deviation_limit(10, 11, 0.9);
\echo :LAST_ERROR_SQLSTATE
SELECT upper_deviation_limit(10, 1, 0.9, 9);
\echo :LAST_ERROR_SQLSTATE
SELECT upper_deviation_limit(10, 1, 0.9, 0);
\echo :LAST_ERROR_SQLSTATE
SELECT upper_deviation_limit(10, 1, 0.9, -1);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM draw_sample(10, 11, 1);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM draw_sample(-1, 0, 1);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM draw_sample(10, -1, 1);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM draw_sample(9223372036854775807, 1000001, 1);
\echo :LAST_ERROR_SQLSTATE
\set VERBOSITY terse

-------------------------------------------------------------------------------
-- draw_sample: the published test vectors (docs/sampling.md)
-------------------------------------------------------------------------------
SELECT big_n, n, seed, (SELECT array_agg(x) FROM draw_sample(big_n, n, seed) x) AS items
FROM (VALUES (10::bigint, 3, 0::bigint), (100, 10, 42), (365, 25, 20261126), (52, 5, 7),
             (1000000, 5, 1), (4611686018427387904, 5, -1), (9223372036854775807, 3, 123),
             (10, 10, 5), (1, 1, 0), (250, 25, -9223372036854775808), (0, 0, 0), (5, 0, 9)) v(big_n, n, seed)
ORDER BY big_n, n, seed;
-- ascending, distinct, in range; a larger sample keeps the smaller one
SELECT count(*) AS items, count(DISTINCT x) AS distinct_items, min(x) >= 1 AS from_1, max(x) <= 100000 AS to_n,
       bool_and(x > coalesce(prev, 0)) AS ascending
FROM (SELECT x, lag(x) OVER () AS prev FROM draw_sample(100000, 5000, 77) x) s;
SELECT (SELECT count(*) FROM draw_sample(1000, 20, 3) x WHERE x NOT IN (SELECT y FROM draw_sample(1000, 50, 3) y)) AS lost_when_extended,
       (SELECT array_agg(x) FROM draw_sample(1000, 20, 3) x) = (SELECT array_agg(x) FROM draw_sample(1000, 20, 3) x) AS repeatable,
       (SELECT array_agg(x) FROM draw_sample(1000, 20, 3) x) <> (SELECT array_agg(x) FROM draw_sample(1000, 20, 4) x) AS seed_matters;
SELECT count(*) AS whole_population, sum(x) = 5050 AS every_item FROM draw_sample(100, 100, 12345) x;
SELECT draw_sample(NULL, 3, 1) AS strict_null;

-------------------------------------------------------------------------------
-- control tests and their evaluation
-------------------------------------------------------------------------------
BEGIN;
INSERT INTO framework (framework_id, title) VALUES ('sampling-test', 'sampling test standard');
INSERT INTO control (framework_id, control_id, title) VALUES
	('sampling-test', '6', 'six'), ('sampling-test', '6.1', 'six one'), ('sampling-test', '6.1.1', 'objective');
INSERT INTO control (framework_id, control_id, title, parent_id) VALUES
	('sampling-test', '6.1.1.1', 'daily review', '6.1.1'), ('sampling-test', '6.1.1.2', 'weekly backup', '6.1.1'),
	('sampling-test', '6.1.1.3', 'quarterly access review', '6.1.1'), ('sampling-test', '6.1.1.4', 'annual plan', '6.1.1'),
	('sampling-test', '6.1.1.5', 'change approval', '6.1.1'), ('sampling-test', '6.1.1.6', 'log check', '6.1.1');
UPDATE control SET parent_id = '6' WHERE framework_id = 'sampling-test' AND control_id = '6.1';
UPDATE control SET parent_id = '6.1' WHERE framework_id = 'sampling-test' AND control_id = '6.1.1';
INSERT INTO csp (csp_id, name, corporate_number) VALUES (9001, 'Sampling Cloud KK', '7000012050002');
INSERT INTO service (service_id, csp_id, name, scope, delivery_models, deployment_models)
	VALUES (9001, 9001, 'Sampling IaaS', 'all regions', '{IaaS}', '{public}');
INSERT INTO audit_body (audit_body_id, name, corporate_number) VALUES (9001, 'Audit LLC', '1180301018771');
INSERT INTO auditor (auditor_id, audit_body_id, name, nationality, experience_years) VALUES (9001, 9001, 'Sato', 'JP', 10);
INSERT INTO audit (audit_id, service_id, audit_body_id, lead_auditor_id, target_level, framework_id, period_start, period_end, report_date, scope)
	VALUES (9001, 9001, 9001, 9001, 2, 'sampling-test', '2026-01-01', '2026-12-31', '2027-02-01', 'all regions');
INSERT INTO statement_item (audit_id, framework_id, control_id, selected)
	SELECT 9001, 'sampling-test', control_id, true FROM control WHERE framework_id = 'sampling-test' AND ismap.depth(control_id) = 4;
INSERT INTO audit_result (audit_id, control_id, result) VALUES
	(9001, '6.1.1.1', 'effective'), (9001, '6.1.1.2', 'effective'), (9001, '6.1.1.3', 'effective'),
	(9001, '6.1.1.4', 'effective'), (9001, '6.1.1.5', 'effective'), (9001, '6.1.1.6', 'ineffective');
INSERT INTO control_test (audit_id, control_id, frequency, population, sample_size, deviations, seed) VALUES
	(9001, '6.1.1.1', 'daily', 250, 25, 0, 20261126),		-- meets the table, no deviation
	(9001, '6.1.1.2', 'weekly', 52, 3, 0, 7),				-- below the weekly minimum of 5
	(9001, '6.1.1.3', 'quarterly', 4, 2, 0, NULL),			-- minimum 2, no seed recorded
	(9001, '6.1.1.4', 'annual', 1, 1, 0, NULL),
	(9001, '6.1.1.5', 'multiple_daily', NULL, 25, 1, NULL),	-- 1 deviation: the limit exceeds 10 % but result says effective
	(9001, '6.1.1.6', 'daily', 20, 20, 2, 1);				-- population below 25: tested in full; ineffective anyway
SELECT control_id, frequency, population, sample_size AS n, deviations AS k, required_minimum, sample_ok,
       round(upper_limit::numeric, 4) AS upper_limit, limit_exceeded, statistical_sample_size, result, passes, finding
FROM control_test_evaluation WHERE audit_id = 9001 ORDER BY control_id;
-- the items of a test, redrawn from its seed
SELECT array_agg(i) AS items FROM control_test_items(9001, '6.1.1.1') i;
SELECT count(*) AS no_seed FROM control_test_items(9001, '6.1.1.3');
-- a stricter policy changes the verdict
UPDATE policy SET value = '0.95' WHERE name = 'sampling_confidence';
SELECT control_id, round(upper_limit::numeric, 4) AS upper_limit, limit_exceeded, finding
FROM control_test_evaluation WHERE audit_id = 9001 AND deviations > 0 ORDER BY control_id;
-- constraints
SAVEPOINT s;
INSERT INTO control_test (audit_id, control_id, frequency, population, sample_size) VALUES (9001, '6.1.1.1', 'daily', 10, 11);
\echo :LAST_ERROR_SQLSTATE
ROLLBACK TO s;
UPDATE control_test SET deviations = 30 WHERE control_id = '6.1.1.1';
\echo :LAST_ERROR_SQLSTATE
ROLLBACK TO s;
UPDATE control_test SET frequency = 'hourly' WHERE control_id = '6.1.1.1';
\echo :LAST_ERROR_SQLSTATE
ROLLBACK TO s;
DELETE FROM sampling_table WHERE frequency = 'daily';
\echo :LAST_ERROR_SQLSTATE
ROLLBACK TO s;
-- renaming a frequency follows into the tests
UPDATE sampling_table SET frequency = 'every_day' WHERE frequency = 'daily';
SELECT control_id, frequency FROM control_test WHERE audit_id = 9001 AND frequency LIKE 'every%' ORDER BY control_id;
ROLLBACK;

-- every sampling function is immutable (sample_size and the items of a test read tables: stable) and parallel safe
SELECT p.proname, p.provolatile, p.proparallel, p.proisstrict
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = 'ismap' AND p.proname IN ('sample_size', 'attribute_sample_size', 'upper_deviation_limit', 'draw_sample', 'control_test_items')
ORDER BY p.proname;
