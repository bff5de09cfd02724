-- The life of each application in days (DESIGN 3.13): the date of each
-- stage and the days spent in it.  security_invoker: each role sees the
-- applications (and findings) its row-level policies show it.  A stage
-- still running has no length (NULL): nothing here reads the clock.
CREATE VIEW ismap.application_timeline WITH (security_invoker = true) AS
SELECT a.application_id, a.service_id, a.kind, a.status,
	   a.submitted_on, a.accepted_on, a.review_started_on, a.decided_on,
	   -- the acceptance check: to the acceptance, or to the return or
	   -- withdrawal that ended it
	   CASE WHEN a.accepted_on IS NOT NULL THEN a.accepted_on OPERATOR(pg_catalog.-) a.submitted_on
			WHEN a.decided_on IS NOT NULL THEN a.decided_on OPERATOR(pg_catalog.-) a.submitted_on END AS acceptance_days,
	   -- accepted, before the first finding (or the decision)
	   CASE WHEN a.accepted_on IS NOT NULL THEN
			COALESCE(a.review_started_on, a.decided_on) OPERATOR(pg_catalog.-) a.accepted_on END AS accepted_days,
	   -- in review, to the decision
	   CASE WHEN a.review_started_on IS NOT NULL THEN a.decided_on OPERATOR(pg_catalog.-) a.review_started_on END AS review_days,
	   a.decided_on OPERATOR(pg_catalog.-) a.submitted_on AS total_days,
	   (SELECT pg_catalog.count(*) FROM ismap.review_finding f
		WHERE f.application_id OPERATOR(pg_catalog.=) a.application_id) AS findings,
	   -- why it ended without a registration: the return's reasons, the
	   -- rejection's, the provider's for a withdrawal (0.3.0: the last
	   -- column, so that CREATE OR REPLACE VIEW can add it)
	   a.decision_reason
FROM ismap.application a;
COMMENT ON VIEW ismap.application_timeline IS 'per application the date of each stage (submitted, accepted, in review, decided) and the days spent in each; a stage still running has NULL days; the reason of a return, rejection or withdrawal; what the caller may see of applications';

-- The reader-safe aggregate of the timelines: per year of decision and
-- stage the median days, over decided applications.  The owner's rights
-- (the reader sees no application), so it shows only groups that reveal
-- no single provider's applications: at least 5 applications from at
-- least 3 providers; smaller groups are left out, not rounded.
CREATE FUNCTION ismap.application_stage_medians()
RETURNS TABLE (year pg_catalog.int4, stage pg_catalog.text, applications pg_catalog.int8, median_days pg_catalog.float8)
LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT pg_catalog.date_part('year', t.decided_on)::pg_catalog.int4, x.stage, pg_catalog.count(*),
		   pg_catalog.percentile_cont(0.5) WITHIN GROUP (ORDER BY x.days)
	FROM ismap.application_timeline t
	JOIN ismap.service s ON s.service_id OPERATOR(pg_catalog.=) t.service_id
	CROSS JOIN LATERAL (VALUES ('acceptance', t.acceptance_days), ('accepted', t.accepted_days),
							   ('review', t.review_days), ('total', t.total_days)) x(stage, days)
	WHERE t.decided_on IS NOT NULL AND x.days IS NOT NULL
	  AND t.status OPERATOR(pg_catalog.=) ANY (ARRAY['approved', 'rejected'])
	GROUP BY 1, 2
	HAVING pg_catalog.count(*) OPERATOR(pg_catalog.>=) 5 AND pg_catalog.count(DISTINCT s.csp_id) OPERATOR(pg_catalog.>=) 3
	ORDER BY 1, pg_catalog.array_position(ARRAY['acceptance', 'accepted', 'review', 'total'], x.stage)
$$;
COMMENT ON FUNCTION ismap.application_stage_medians() IS 'per year of decision and stage (acceptance, accepted, review, total) the number of decided applications and the median days; only groups of at least 5 applications from at least 3 providers (the rest is left out), so every role may run it';
REVOKE EXECUTE ON FUNCTION ismap.application_stage_medians() FROM PUBLIC;
