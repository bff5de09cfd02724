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
