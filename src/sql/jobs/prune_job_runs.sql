-- Keep the runs of the last keep interval, and always each job's last
-- success (job_health needs it).  Notices keep their rows (run_id NULL).
CREATE FUNCTION ismap.prune_job_runs(keep pg_catalog.interval DEFAULT '1 year') RETURNS pg_catalog.int8
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET intervalstyle = 'postgres'
AS $$
DECLARE
	n pg_catalog.int8;
	floor pg_catalog.interval := (ismap.policy_value('job_runs_keep_at_least') OPERATOR(pg_catalog.#>>) '{}')::pg_catalog.interval;
BEGIN
	IF keep IS NULL OR keep OPERATOR(pg_catalog.<) '0'::pg_catalog.interval THEN
		RAISE EXCEPTION 'keep must be a non-negative interval' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	-- the runs are the record of what the jobs did: a slip ('0 seconds')
	-- must not erase it
	IF keep OPERATOR(pg_catalog.<) floor THEN
		RAISE EXCEPTION 'keep % is shorter than the policy job_runs_keep_at_least (%)', keep, floor
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'Runs younger than job_runs_keep_at_least are never pruned; change the policy to keep fewer.';
	END IF;
	DELETE FROM ismap.job_run r
	WHERE r.status OPERATOR(pg_catalog.<>) 'running'
	  AND r.finished_at OPERATOR(pg_catalog.<) (pg_catalog.now() OPERATOR(pg_catalog.-) keep)
	  AND r.run_id OPERATOR(pg_catalog.<>) ALL (ARRAY(SELECT h.last_success_run_id FROM ismap.job_health h
												 WHERE h.last_success_run_id IS NOT NULL));
	GET DIAGNOSTICS n = ROW_COUNT;
	RETURN n;
END
$$;
COMMENT ON FUNCTION ismap.prune_job_runs(pg_catalog.interval) IS 'delete finished job runs older than keep (default 1 year, at least the policy job_runs_keep_at_least), keeping each job''s last success; returns how many';
REVOKE EXECUTE ON FUNCTION ismap.prune_job_runs(pg_catalog.interval) FROM PUBLIC;

