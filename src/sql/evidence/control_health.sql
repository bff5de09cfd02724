-- Per control of a service: the evidence of the window ending with as_of
-- (days in the session's time zone), the upper deviation limit at the
-- policy's sampling_confidence, and whether it exceeds the policy's
-- sampling_tolerable_rate after deviations were found — the rule of
-- ismap.control_test_evaluation.
CREATE FUNCTION ismap.control_health(service_id pg_catalog.int8, as_of pg_catalog.date DEFAULT CURRENT_DATE,
	"window" pg_catalog.interval DEFAULT '1 year')
RETURNS TABLE (control_id ismap.ctrlid, observations pg_catalog.int8, deviations pg_catalog.int8,
	upper_limit pg_catalog.float8, exceeds pg_catalog.bool)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	sid pg_catalog.int8 := control_health.service_id;
	hi pg_catalog.timestamptz;
	conf pg_catalog.float8 := (ismap.policy_value('sampling_confidence') #>> '{}')::pg_catalog.float8;
	tol pg_catalog.float8 := (ismap.policy_value('sampling_tolerable_rate') #>> '{}')::pg_catalog.float8;
BEGIN
	IF sid IS NULL OR control_health.as_of IS NULL OR control_health."window" IS NULL THEN
		RAISE EXCEPTION 'service_id, as_of and window must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF NOT pg_catalog.isfinite(control_health.as_of) OR control_health."window" <= '0'::pg_catalog.interval THEN
		RAISE EXCEPTION 'as_of must be a finite date and window a positive interval'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF NOT EXISTS (SELECT 1 FROM ismap.service s WHERE s.service_id = sid) THEN
		RAISE EXCEPTION 'service % does not exist', sid USING ERRCODE = 'undefined_object';
	END IF;
	hi := (control_health.as_of + 1)::pg_catalog.timestamptz;
	RETURN QUERY
	SELECT g.control_id, g.n, g.dev, u.ul, (g.dev > 0 AND u.ul > tol)
	FROM (SELECT e.control_id, pg_catalog.count(*) AS n,
				 pg_catalog.count(*) FILTER (WHERE e.outcome = 'fail') AS dev
		  FROM ismap.evidence e
		  WHERE e.service_id = sid
			AND e.occurred_at >= hi - control_health."window" AND e.occurred_at < hi
		  GROUP BY e.control_id) g
	CROSS JOIN LATERAL (SELECT ismap.upper_deviation_limit(LEAST(g.n, 2147483647)::pg_catalog.int4,
		LEAST(g.dev, 2147483647)::pg_catalog.int4, conf) AS ul) u
	ORDER BY g.control_id;
END
$$;
COMMENT ON FUNCTION ismap.control_health(pg_catalog.int8, pg_catalog.date, pg_catalog.interval) IS 'per control of a service, the evidence of the window ending with as_of: observations, deviations (fail), the upper deviation limit at the policy sampling_confidence, and exceeds (deviations found and the limit above sampling_tolerable_rate)';

