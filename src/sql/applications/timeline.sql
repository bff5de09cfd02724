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
-- least 3 providers; smaller groups are left out, not rounded.  The days
-- are whole numbers, so the median is read from a histogram of each year
-- and stage (one hashed pass with grouping sets) instead of sorting every
-- application per group; "at least 3 providers" is a provider strictly
-- between the group's lowest and highest, which the bars mostly show
-- (a group they do not decide is read again, row by row).
CREATE FUNCTION ismap.application_stage_medians()
RETURNS TABLE (year pg_catalog.int4, stage pg_catalog.text, applications pg_catalog.int8, median_days pg_catalog.float8)
LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	WITH decided AS NOT MATERIALIZED (
		SELECT pg_catalog.date_part('year', t.decided_on)::pg_catalog.int4 AS year, s.csp_id,
			   t.acceptance_days, t.accepted_days, t.review_days, t.total_days
		FROM ismap.application_timeline t
		JOIN ismap.service s ON s.service_id OPERATOR(pg_catalog.=) t.service_id
		WHERE t.decided_on IS NOT NULL AND t.status OPERATOR(pg_catalog.=) ANY (ARRAY['approved', 'rejected'])
	), g AS MATERIALIZED (
		-- one pass: per year and stage the histogram of the days (whole
		-- numbers), with the lowest and highest provider of each bar
		SELECT d.year, d.acceptance_days, d.accepted_days, d.review_days, d.total_days, pg_catalog.count(*) AS n,
			   pg_catalog.min(d.csp_id) AS first_csp, pg_catalog.max(d.csp_id) AS last_csp,
			   GROUPING(d.acceptance_days, d.accepted_days, d.review_days, d.total_days) AS set
		FROM decided d
		GROUP BY GROUPING SETS ((1, 2), (1, 3), (1, 4), (1, 5))
	), hist AS (
		SELECT g.year, x.stage, x.days, g.n, g.first_csp, g.last_csp
		FROM g
		CROSS JOIN LATERAL (VALUES ('acceptance', g.acceptance_days, 7), ('accepted', g.accepted_days, 11),
								   ('review', g.review_days, 13), ('total', g.total_days, 14)) x(stage, days, set)
		WHERE x.set OPERATOR(pg_catalog.=) g.set AND x.days IS NOT NULL
	), running AS (
		SELECT h.year, h.stage, h.days, h.first_csp, h.last_csp,
			   pg_catalog.sum(h.n) OVER (PARTITION BY h.year, h.stage ORDER BY h.days) AS upto,
			   pg_catalog.sum(h.n) OVER (PARTITION BY h.year, h.stage) AS total
		FROM hist h
	), medians AS (
		-- percentile_cont(0.5): rows floor((N-1)/2) + 1 and ceil((N-1)/2) + 1, interpolated
		SELECT r.year, r.stage, r.total::pg_catalog.int8 AS applications,
			   ((r.total OPERATOR(pg_catalog.-) 1) OPERATOR(pg_catalog./) 2 OPERATOR(pg_catalog.-)
				pg_catalog.floor((r.total OPERATOR(pg_catalog.-) 1) OPERATOR(pg_catalog./) 2))::pg_catalog.float8 AS fraction,
			   pg_catalog.min(r.days) FILTER (WHERE r.upto OPERATOR(pg_catalog.>) pg_catalog.floor((r.total OPERATOR(pg_catalog.-) 1) OPERATOR(pg_catalog./) 2)) AS lo,
			   pg_catalog.min(r.days) FILTER (WHERE r.upto OPERATOR(pg_catalog.>) pg_catalog.ceil((r.total OPERATOR(pg_catalog.-) 1) OPERATOR(pg_catalog./) 2)) AS hi,
			   pg_catalog.min(r.first_csp) AS first_csp, pg_catalog.max(r.last_csp) AS last_csp
		FROM running r
		GROUP BY r.year, r.stage, r.total
	), undecided AS (
		-- at least 3 providers: one strictly between the lowest and the
		-- highest.  Mostly a bar of the histogram shows it (its own lowest
		-- or highest provider lies between); only a group where none does
		-- is looked at again, row by row
		SELECT m.year, m.stage, m.first_csp, m.last_csp
		FROM medians m
		WHERE m.applications OPERATOR(pg_catalog.>=) 5
		  AND NOT EXISTS (
			SELECT 1 FROM running r
			WHERE r.year OPERATOR(pg_catalog.=) m.year AND r.stage OPERATOR(pg_catalog.=) m.stage
			  AND ((r.first_csp OPERATOR(pg_catalog.>) m.first_csp AND r.first_csp OPERATOR(pg_catalog.<) m.last_csp)
				OR (r.last_csp OPERATOR(pg_catalog.>) m.first_csp AND r.last_csp OPERATOR(pg_catalog.<) m.last_csp)))
	), third AS (
		SELECT u.year, u.stage
		FROM undecided u
		JOIN decided d ON d.year OPERATOR(pg_catalog.=) u.year
			AND d.csp_id OPERATOR(pg_catalog.>) u.first_csp AND d.csp_id OPERATOR(pg_catalog.<) u.last_csp
		WHERE CASE u.stage WHEN 'acceptance' THEN d.acceptance_days WHEN 'accepted' THEN d.accepted_days
						   WHEN 'review' THEN d.review_days ELSE d.total_days END IS NOT NULL
		GROUP BY u.year, u.stage
	)
	SELECT m.year, m.stage, m.applications,
		   m.lo::pg_catalog.float8 OPERATOR(pg_catalog.+) ((m.hi OPERATOR(pg_catalog.-) m.lo)::pg_catalog.float8
			   OPERATOR(pg_catalog.*) m.fraction)
	FROM medians m
	WHERE m.applications OPERATOR(pg_catalog.>=) 5
	  AND NOT EXISTS (SELECT 1 FROM undecided u WHERE u.year OPERATOR(pg_catalog.=) m.year AND u.stage OPERATOR(pg_catalog.=) m.stage
						AND NOT EXISTS (SELECT 1 FROM third t WHERE t.year OPERATOR(pg_catalog.=) u.year AND t.stage OPERATOR(pg_catalog.=) u.stage))
	ORDER BY 1, pg_catalog.array_position(ARRAY['acceptance', 'accepted', 'review', 'total'], m.stage)
$$;
COMMENT ON FUNCTION ismap.application_stage_medians() IS 'per year of decision and stage (acceptance, accepted, review, total) the number of decided applications and the median days; only groups of at least 5 applications from at least 3 providers (the rest is left out), so every role may run it';
REVOKE EXECUTE ON FUNCTION ismap.application_stage_medians() FROM PUBLIC;
