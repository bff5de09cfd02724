-------------------------------------------------------------------------------
-- monitoring and retention
-------------------------------------------------------------------------------
CREATE VIEW ismap.job_health WITH (security_invoker = true) AS
SELECT j.job_name AS job,
	   ok.run_id AS last_success_run_id,
	   ok.as_of AS last_success_as_of,
	   ok.finished_at AS last_success_at,
	   pg_catalog.now() OPERATOR(pg_catalog.-) ok.finished_at AS age,
	   last.status AS last_status,
	   last.started_at AS last_started_at,
	   last.message AS last_message,
	   (SELECT pg_catalog.count(*) FROM ismap.job_run f
		WHERE f.job OPERATOR(pg_catalog.=) j.job_name AND f.status OPERATOR(pg_catalog.=) 'failed'
		  AND f.started_at OPERATOR(pg_catalog.>) COALESCE(ok.finished_at, '-infinity')) AS failures_since_success,
	   EXISTS (SELECT 1 FROM ismap.job_run x
			   WHERE x.job OPERATOR(pg_catalog.=) j.job_name AND x.status OPERATOR(pg_catalog.=) 'running') AS running
FROM ismap.job j
LEFT JOIN LATERAL (
	SELECT r.run_id, r.as_of, r.finished_at FROM ismap.job_run r
	WHERE r.job OPERATOR(pg_catalog.=) j.job_name AND r.status OPERATOR(pg_catalog.=) 'succeeded'
	ORDER BY r.finished_at DESC, r.run_id DESC LIMIT 1) ok ON true
LEFT JOIN LATERAL (
	SELECT r.status, r.started_at, r.message FROM ismap.job_run r
	WHERE r.job OPERATOR(pg_catalog.=) j.job_name
	ORDER BY r.started_at DESC, r.run_id DESC LIMIT 1) last ON true;
COMMENT ON VIEW ismap.job_health IS 'per batch job of ismap.job: the last successful run, its age, the last run''s status and message, failures since the last success, whether one is running';
COMMENT ON COLUMN ismap.job_health.job IS 'the batch job (ismap.job)';
COMMENT ON COLUMN ismap.job_health.last_success_run_id IS 'the newest run that succeeded (ismap.job_run)';
COMMENT ON COLUMN ismap.job_health.last_success_as_of IS 'the as_of date of that run';
COMMENT ON COLUMN ismap.job_health.last_success_at IS 'when that run finished';
COMMENT ON COLUMN ismap.job_health.age IS 'how long ago that run finished: alert when it exceeds the job''s schedule';
COMMENT ON COLUMN ismap.job_health.last_status IS 'running, succeeded, failed or skipped: the newest run''s status';
COMMENT ON COLUMN ismap.job_health.last_started_at IS 'when the newest run started';
COMMENT ON COLUMN ismap.job_health.last_message IS 'the newest run''s message (the error of a failed run)';
COMMENT ON COLUMN ismap.job_health.failures_since_success IS 'failed runs since the last success';
COMMENT ON COLUMN ismap.job_health.running IS 'whether a run is in progress';

