-- Control tests: the operating-effectiveness test of one stated control.
CREATE TABLE ismap.control_test (
	audit_id	pg_catalog.int8 NOT NULL,
	control_id	ismap.ctrlid NOT NULL,
	frequency	pg_catalog.text NOT NULL REFERENCES ismap.sampling_table ON UPDATE CASCADE,
	population	pg_catalog.int8
		CONSTRAINT control_test_population CHECK (population OPERATOR(pg_catalog.>=) 1),
	sample_size	pg_catalog.int4 NOT NULL
		CONSTRAINT control_test_sample_size CHECK (sample_size OPERATOR(pg_catalog.>=) 0),
	deviations	pg_catalog.int4 NOT NULL DEFAULT 0
		CONSTRAINT control_test_deviations CHECK (deviations OPERATOR(pg_catalog.>=) 0
			AND deviations OPERATOR(pg_catalog.<=) sample_size),
	seed		pg_catalog.int8,
	CONSTRAINT control_test_sample_in_population CHECK (sample_size OPERATOR(pg_catalog.<=) population),
	PRIMARY KEY (audit_id, control_id),
	FOREIGN KEY (audit_id, control_id) REFERENCES ismap.statement_item (audit_id, control_id)
);
COMMENT ON TABLE ismap.control_test IS 'the test of a stated control''s operation over the audit period: its frequency, the population of occurrences, the sample examined, the deviations found, and the seed of the selection (ismap.draw_sample)';
COMMENT ON COLUMN ismap.control_test.population IS 'occurrences of the control in the audit period, when known (NULL: treated as large)';
COMMENT ON COLUMN ismap.control_test.seed IS 'seed of ismap.draw_sample(population, sample_size, seed) when the items were selected by it';

-- Each control test against the sample table and the policy tolerances.
CREATE VIEW ismap.control_test_evaluation WITH (security_invoker = true) AS
SELECT t.audit_id, t.control_id, t.frequency, t.population, t.sample_size, t.deviations, t.seed,
	e.required_minimum,
	t.sample_size OPERATOR(pg_catalog.>=) e.required_minimum AS sample_ok,
	p.confidence, p.tolerable_rate,
	e.upper_limit,
	e.limit_exceeded,
	ismap.attribute_sample_size(p.confidence, p.tolerable_rate, p.expected_rate, t.population,
		CASE WHEN t.population IS NULL THEN 'binomial' ELSE 'hypergeometric' END) AS statistical_sample_size,
	r.result,
	t.sample_size OPERATOR(pg_catalog.>=) e.required_minimum AND NOT e.limit_exceeded AS passes,
	CASE WHEN t.sample_size OPERATOR(pg_catalog.<) e.required_minimum THEN 'SAMPLE_TOO_SMALL'
		 WHEN e.limit_exceeded AND r.result OPERATOR(pg_catalog.=) 'effective' THEN 'SAMPLE_LIMIT_EXCEEDED'
	END AS finding
FROM ismap.control_test t
JOIN ismap.sampling_table s ON s.frequency OPERATOR(pg_catalog.=) t.frequency
CROSS JOIN LATERAL (SELECT
	(ismap.policy_value('sampling_confidence') OPERATOR(pg_catalog.#>>) '{}')::pg_catalog.float8 AS confidence,
	(ismap.policy_value('sampling_tolerable_rate') OPERATOR(pg_catalog.#>>) '{}')::pg_catalog.float8 AS tolerable_rate,
	(ismap.policy_value('sampling_expected_rate') OPERATOR(pg_catalog.#>>) '{}')::pg_catalog.float8 AS expected_rate) p
CROSS JOIN LATERAL (SELECT
	-- a population smaller than the table's minimum is tested in full
	LEAST(s.min_sample::pg_catalog.int8, COALESCE(t.population, s.min_sample)) AS required_minimum,
	u.upper_limit,
	COALESCE(t.deviations OPERATOR(pg_catalog.>) 0 AND u.upper_limit OPERATOR(pg_catalog.>) p.tolerable_rate, false) AS limit_exceeded
	FROM (SELECT CASE WHEN t.sample_size OPERATOR(pg_catalog.>) 0
		THEN ismap.upper_deviation_limit(t.sample_size, t.deviations, p.confidence, t.population) END AS upper_limit) u) e
LEFT JOIN ismap.audit_result r
	ON r.audit_id OPERATOR(pg_catalog.=) t.audit_id AND r.control_id OPERATOR(ismap.=) t.control_id;
COMMENT ON VIEW ismap.control_test_evaluation IS 'each control test against the sample table (required_minimum, sample_ok) and the policy tolerances (upper_limit at sampling_confidence, limit_exceeded when deviations push it above sampling_tolerable_rate); finding is SAMPLE_TOO_SMALL or SAMPLE_LIMIT_EXCEEDED (the latter only while the result says effective)';

-- The items a control test selected, redrawn from its seed.
CREATE FUNCTION ismap.control_test_items(p_audit_id pg_catalog.int8, p_control_id ismap.ctrlid)
RETURNS SETOF pg_catalog.int8
LANGUAGE sql STABLE STRICT PARALLEL SAFE
AS $$
	SELECT d.item
	FROM ismap.control_test t
	CROSS JOIN LATERAL ismap.draw_sample(t.population, t.sample_size, t.seed) AS d(item)
	WHERE t.audit_id OPERATOR(pg_catalog.=) p_audit_id AND t.control_id OPERATOR(ismap.=) p_control_id
	ORDER BY d.item
$$;
COMMENT ON FUNCTION ismap.control_test_items(pg_catalog.int8, ismap.ctrlid) IS 'the item numbers a control test examines, redrawn with ismap.draw_sample from its population, sample size and seed (none when either is missing)';
SELECT pg_catalog.pg_extension_config_dump('ismap.control_test', '');

