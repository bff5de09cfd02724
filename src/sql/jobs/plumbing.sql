-- Lock keys: (1769172321, 101..103); 1769172321 is 'isma' as in the event
-- chain's lock (1769172321, 1).
CREATE FUNCTION ismap.job_lock_key(p_job pg_catalog.text) RETURNS pg_catalog.int4
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	RETURN CASE p_job WHEN 'renewals' THEN 101 WHEN 'auditor-expiry' THEN 102 WHEN 'cascade' THEN 103
		WHEN 'changes' THEN 104 WHEN 'chain' THEN 105 END;
END
$$;
COMMENT ON FUNCTION ismap.job_lock_key(pg_catalog.text) IS 'second key of a job''s advisory lock (the first is 1769172321): renewals 101, auditor-expiry 102, cascade 103, changes 104, chain 105; NULL for an unknown job';

-- Take the job's transaction-level advisory lock, or fail at once with
-- 55P03 naming the session that holds it.
CREATE FUNCTION ismap.job_try_lock(p_job pg_catalog.text) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	k pg_catalog.int4 := ismap.job_lock_key(p_job);
	holder pg_catalog.int4;
BEGIN
	IF k IS NULL THEN
		RAISE EXCEPTION 'unknown job "%"', p_job
			USING ERRCODE = 'invalid_parameter_value', HINT = 'The jobs are renewals, auditor-expiry, cascade, changes and chain.';
	END IF;
	IF NOT pg_catalog.pg_try_advisory_xact_lock(1769172321, k) THEN
		SELECT l.pid INTO holder FROM pg_catalog.pg_locks l
		WHERE l.locktype OPERATOR(pg_catalog.=) 'advisory' AND l.granted
		  AND l.classid OPERATOR(pg_catalog.=) 1769172321::pg_catalog.oid
		  AND l.objid OPERATOR(pg_catalog.=) k::pg_catalog.oid AND l.objsubid OPERATOR(pg_catalog.=) 2
		LIMIT 1;
		RAISE EXCEPTION 'job "%" is already running', p_job
			USING ERRCODE = 'lock_not_available',
				  DETAIL = pg_catalog.format('The advisory lock (1769172321, %s) is held by the session with process ID %s.', k, COALESCE(holder::pg_catalog.text, 'unknown')),
				  HINT = 'Wait for that run to end; a rerun with the same date does nothing twice.';
	END IF;
END
$$;
COMMENT ON FUNCTION ismap.job_try_lock(pg_catalog.text) IS 'take a job''s transaction-level advisory lock; 55P03 when another run holds it';

-- Runs whose session has gone (killed client, crashed backend, restart)
-- stay "running" for ever unless someone looks: this marks them failed.
CREATE FUNCTION ismap.job_mark_stale(p_job pg_catalog.text DEFAULT NULL) RETURNS pg_catalog.int8
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	n pg_catalog.int8;
BEGIN
	UPDATE ismap.job_run j
	SET status = 'failed', finished_at = pg_catalog.clock_timestamp(),
		message = pg_catalog.format('stale: the session (process ID %s) ended without finishing the run', j.backend_pid)
	WHERE j.status OPERATOR(pg_catalog.=) 'running'
	  AND (p_job IS NULL OR j.job OPERATOR(pg_catalog.=) p_job)
	  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_stat_activity a
					  WHERE a.pid OPERATOR(pg_catalog.=) j.backend_pid
						AND (a.backend_start IS NULL OR j.backend_start IS NULL
							 OR a.backend_start OPERATOR(pg_catalog.=) j.backend_start));
	GET DIAGNOSTICS n = ROW_COUNT;
	RETURN n;
END
$$;
COMMENT ON FUNCTION ismap.job_mark_stale(pg_catalog.text) IS 'mark failed the running job_run rows (of one job, or all) whose session no longer exists; returns how many';

-- A client that wants failures and skips recorded (ismap-jobs) commits a
-- running row first, runs the job in a transaction with ismap.job_run_id
-- set to it, and finishes the row itself when the job fails.
CREATE FUNCTION ismap.job_start(p_job pg_catalog.text, p_as_of pg_catalog.date) RETURNS pg_catalog.int8
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	id pg_catalog.int8;
BEGIN
	IF ismap.job_lock_key(p_job) IS NULL THEN
		RAISE EXCEPTION 'unknown job "%"', p_job
			USING ERRCODE = 'invalid_parameter_value', HINT = 'The jobs are renewals, auditor-expiry, cascade, changes and chain.';
	END IF;
	IF p_as_of IS NULL THEN
		RAISE EXCEPTION 'the job date must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	PERFORM ismap.job_mark_stale(p_job);
	-- run_by: the one who runs it (the role set with SET ROLE, else the
	-- login role), not the owner whose rights this function has
	INSERT INTO ismap.job_run (job, as_of, backend_start, application_name, run_by)
	SELECT p_job, p_as_of, a.backend_start, NULLIF(pg_catalog.current_setting('application_name'), ''),
		   CASE WHEN pg_catalog.current_setting('role') IN ('none', '') THEN SESSION_USER
				ELSE pg_catalog.current_setting('role')::pg_catalog.name END
	FROM (SELECT pg_catalog.max(s.backend_start) AS backend_start FROM pg_catalog.pg_stat_activity s
		  WHERE s.pid OPERATOR(pg_catalog.=) pg_catalog.pg_backend_pid()) a
	RETURNING run_id INTO id;
	RETURN id;
END
$$;
COMMENT ON FUNCTION ismap.job_start(pg_catalog.text, pg_catalog.date) IS 'record the start of a job run (status running) and return its run_id; marks stale runs of the job failed';

CREATE FUNCTION ismap.job_finish(p_run_id pg_catalog.int8, p_status pg_catalog.text, p_message pg_catalog.text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF p_status IS NULL OR p_status OPERATOR(pg_catalog.<>) ALL (ARRAY['failed', 'skipped']) THEN
		RAISE EXCEPTION 'a run is finished by a client as failed or skipped, not "%"', p_status
			USING ERRCODE = 'invalid_parameter_value', HINT = 'A run succeeds only in the job''s own transaction.';
	END IF;
	UPDATE ismap.job_run SET status = p_status, finished_at = pg_catalog.clock_timestamp(), message = p_message
	WHERE run_id OPERATOR(pg_catalog.=) p_run_id AND status OPERATOR(pg_catalog.=) 'running'
	  AND backend_pid OPERATOR(pg_catalog.=) pg_catalog.pg_backend_pid()
	  AND (backend_start IS NULL
		   OR backend_start OPERATOR(pg_catalog.=) (SELECT pg_catalog.max(a.backend_start) FROM pg_catalog.pg_stat_activity a
													 WHERE a.pid OPERATOR(pg_catalog.=) pg_catalog.pg_backend_pid()));
	IF NOT FOUND THEN
		RAISE EXCEPTION 'job run % is not running', p_run_id
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = COALESCE((SELECT pg_catalog.format('It is %s; a run is finished by the session that started it (process %s).',
											 r.status, r.backend_pid)
									 FROM ismap.job_run r WHERE r.run_id OPERATOR(pg_catalog.=) p_run_id),
									pg_catalog.format('There is no run %s.', p_run_id));
	END IF;
END
$$;
COMMENT ON FUNCTION ismap.job_finish(pg_catalog.int8, pg_catalog.text, pg_catalog.text) IS 'finish a running job run as failed or skipped, with the error message (used by ismap-jobs after a rolled-back run)';

-- Inside a batch function, after the lock: adopt the run that ismap-jobs
-- started (ismap.job_run_id), or record a new one.  A dry run records
-- nothing and returns NULL.
CREATE FUNCTION ismap.job_begin(p_job pg_catalog.text, p_as_of pg_catalog.date, p_dry_run pg_catalog.bool)
RETURNS pg_catalog.int8
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	id pg_catalog.int8 := NULLIF(pg_catalog.current_setting('ismap.job_run_id', true), '')::pg_catalog.int8;
BEGIN
	IF p_dry_run THEN
		RETURN NULL;
	END IF;
	PERFORM ismap.job_mark_stale(p_job);
	IF id IS NOT NULL THEN
		UPDATE ismap.job_run SET as_of = p_as_of
		WHERE run_id OPERATOR(pg_catalog.=) id AND job OPERATOR(pg_catalog.=) p_job
		  AND status OPERATOR(pg_catalog.=) 'running' AND backend_pid OPERATOR(pg_catalog.=) pg_catalog.pg_backend_pid();
		IF FOUND THEN
			RETURN id;
		END IF;
	END IF;
	RETURN ismap.job_start(p_job, p_as_of);
END
$$;
COMMENT ON FUNCTION ismap.job_begin(pg_catalog.text, pg_catalog.date, pg_catalog.bool) IS 'used by the batch functions: the run_id of this run (adopted from ismap.job_run_id or new); NULL for a dry run';

CREATE FUNCTION ismap.job_end(p_run_id pg_catalog.int8, p_actions pg_catalog.jsonb) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF p_run_id IS NOT NULL THEN
		UPDATE ismap.job_run SET status = 'succeeded', finished_at = pg_catalog.clock_timestamp(), actions = p_actions
		WHERE run_id OPERATOR(pg_catalog.=) p_run_id;
	END IF;
	IF pg_catalog.current_setting('ismap.job_progress', true) OPERATOR(pg_catalog.=) 'on' THEN
		RAISE NOTICE 'run %: %', COALESCE(p_run_id::pg_catalog.text, '(dry run)'), p_actions;
	END IF;
END
$$;
COMMENT ON FUNCTION ismap.job_end(pg_catalog.int8, pg_catalog.jsonb) IS 'used by the batch functions: mark the run succeeded with its action counts, in the run''s own transaction';

-- progress messages for ismap-jobs -v (NOTICE when ismap.job_progress = on)
CREATE FUNCTION ismap.job_progress(p_message pg_catalog.text) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF pg_catalog.current_setting('ismap.job_progress', true) OPERATOR(pg_catalog.=) 'on' THEN
		RAISE NOTICE '%', p_message;
	END IF;
END
$$;
COMMENT ON FUNCTION ismap.job_progress(pg_catalog.text) IS 'used by the batch functions: a progress message (NOTICE) when the setting ismap.job_progress is on';

CREATE FUNCTION ismap.job_check_args(p_as_of pg_catalog.date, p_dry_run pg_catalog.bool) RETURNS void
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF p_as_of IS NULL OR p_dry_run IS NULL THEN
		RAISE EXCEPTION 'as_of and dry_run must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF NOT pg_catalog.isfinite(p_as_of) THEN
		RAISE EXCEPTION 'as_of must be a finite date, not "%"', p_as_of USING ERRCODE = 'invalid_parameter_value';
	END IF;
END
$$;
COMMENT ON FUNCTION ismap.job_check_args(pg_catalog.date, pg_catalog.bool) IS 'used by the batch functions: refuses a null or infinite date (22004, 22023)';
REVOKE EXECUTE ON FUNCTION ismap.job_start(pg_catalog.text, pg_catalog.date) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION ismap.job_finish(pg_catalog.int8, pg_catalog.text, pg_catalog.text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION ismap.job_mark_stale(pg_catalog.text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION ismap.job_begin(pg_catalog.text, pg_catalog.date, pg_catalog.bool) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION ismap.job_end(pg_catalog.int8, pg_catalog.jsonb) FROM PUBLIC;

