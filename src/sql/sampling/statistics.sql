CREATE FUNCTION ismap.attribute_sample_size(
	confidence pg_catalog.float8, tolerable_rate pg_catalog.float8,
	expected_rate pg_catalog.float8 DEFAULT 0, population pg_catalog.int8 DEFAULT NULL,
	model pg_catalog.text DEFAULT 'binomial') RETURNS pg_catalog.int4
	AS 'MODULE_PATHNAME', 'ismap_attribute_sample_size' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION ismap.attribute_sample_size(pg_catalog.float8, pg_catalog.float8, pg_catalog.float8, pg_catalog.int8, pg_catalog.text) IS
	'statistical sample size for a test of controls: the smallest n with P(X <= ceil(n * expected_rate)) <= 1 - confidence at the tolerable rate; models binomial (exact, AICPA A-1/A-2), poisson, hypergeometric (needs population); never more than the population';

CREATE FUNCTION ismap.upper_deviation_limit(
	sample_size pg_catalog.int4, deviations pg_catalog.int4, confidence pg_catalog.float8,
	population pg_catalog.int8 DEFAULT NULL) RETURNS pg_catalog.float8
	AS 'MODULE_PATHNAME', 'ismap_upper_deviation_limit' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION ismap.upper_deviation_limit(pg_catalog.int4, pg_catalog.int4, pg_catalog.float8, pg_catalog.int8) IS
	'exact one-sided upper confidence limit of the deviation rate after finding deviations in a sample: binomial (Clopper-Pearson, AICPA A-3/A-4), or hypergeometric K_U / N with a population';

CREATE FUNCTION ismap.draw_sample(population pg_catalog.int8, n pg_catalog.int4, seed pg_catalog.int8)
	RETURNS SETOF pg_catalog.int8
	AS 'MODULE_PATHNAME', 'ismap_draw_sample' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 25;
COMMENT ON FUNCTION ismap.draw_sample(pg_catalog.int8, pg_catalog.int4, pg_catalog.int8) IS
	'n distinct item numbers of 1..population, ascending, chosen by the published algorithm (SplitMix64 from seed, rejection-bounded integers, sparse Fisher-Yates); the same seed always gives the same items, and a larger n keeps them';

