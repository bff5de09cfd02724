-- A job's lock is the row 'job:<job_name>' of ismap_internal.serial_lock,
-- locked FOR UPDATE to the end of the run's transaction.  Until 0.3.0 it
-- was the advisory key (1769172321, ismap.job.lock_key); pg_advisory_lock
-- is executable by PUBLIC, so any login could hold every job's key for
-- ever and every run was skipped (A2-08).  No role but the owner can lock
-- a row of ismap_internal.

-- The session whose transaction holds the job's lock: the row's xmax is
-- the locking transaction (a row lock is not in pg_locks), and that
-- transaction holds the lock on its own ID while it lasts.  NULL when no
-- transaction holds it (an xmax of a transaction that has ended), and also
-- when the lock was taken inside a savepoint since released: the xmax is
-- then the savepoint's ID, whose lock ended with it, and PostgreSQL 15
-- does not tell which transaction it belonged to.
CREATE FUNCTION ismap_internal.job_lock_holder(p_job pg_catalog.text) RETURNS pg_catalog.int4
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	RETURN (SELECT k.pid FROM ismap_internal.serial_lock l
			JOIN pg_catalog.pg_locks k ON k.locktype OPERATOR(pg_catalog.=) 'transactionid'
				AND k.transactionid OPERATOR(pg_catalog.=) l.xmax
				AND k.mode OPERATOR(pg_catalog.=) 'ExclusiveLock' AND k.granted
			WHERE l.lock_name OPERATOR(pg_catalog.=) ('job:' OPERATOR(pg_catalog.||) p_job)
			LIMIT 1);
END
$$;
COMMENT ON FUNCTION ismap_internal.job_lock_holder(pg_catalog.text) IS 'process ID of the session whose transaction holds a job''s lock (the row job:<job> of serial_lock), found from the row''s xmax in pg_locks; NULL when none holds it or when it was taken in a released savepoint';

-- Take the job's lock for the rest of the transaction, or fail at once
-- with 55P03 naming the session that holds it.  Taken again in the same
-- transaction, it is already held: that is no error.
CREATE FUNCTION ismap_internal.job_try_lock(p_job pg_catalog.text) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	lname pg_catalog.text := 'job:' OPERATOR(pg_catalog.||) p_job;
BEGIN
	IF p_job IS NULL OR NOT EXISTS (SELECT 1 FROM ismap.job j WHERE j.job_name OPERATOR(pg_catalog.=) p_job) THEN
		RAISE EXCEPTION 'unknown job "%"', p_job
			USING ERRCODE = 'invalid_parameter_value', HINT = 'The jobs are the rows of ismap.job.';
	END IF;
	-- the trigger job_lock_row makes it with the job's row; one missing
	-- (a job row inserted with the trigger disabled) is made here, so the
	-- first run of such a job waits for another first run to end instead
	-- of failing at once
	IF NOT EXISTS (SELECT 1 FROM ismap_internal.serial_lock l WHERE l.lock_name OPERATOR(pg_catalog.=) lname) THEN
		INSERT INTO ismap_internal.serial_lock (lock_name) VALUES (lname) ON CONFLICT (lock_name) DO NOTHING;
	END IF;
	-- SKIP LOCKED, not NOWAIT: no error to catch, so no subtransaction
	PERFORM 1 FROM ismap_internal.serial_lock l WHERE l.lock_name OPERATOR(pg_catalog.=) lname FOR UPDATE SKIP LOCKED;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'job "%" is already running', p_job
			USING ERRCODE = 'lock_not_available',
				  DETAIL = pg_catalog.format('Its lock (the row %s of ismap_internal.serial_lock) is held by the session with process ID %s.',
											 lname, COALESCE(ismap_internal.job_lock_holder(p_job)::pg_catalog.text, 'unknown')),
				  HINT = 'Wait for that run to end; a rerun with the same date does nothing twice.';
	END IF;
END
$$;
COMMENT ON FUNCTION ismap_internal.job_try_lock(pg_catalog.text) IS 'take a job''s lock (the row job:<job> of ismap_internal.serial_lock, FOR UPDATE) to the end of the transaction; 55P03 naming the holder''s process ID when another run holds it, 22023 for an unknown job';

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
-- running row first, runs the job in a transaction with
-- ismap.run_job(job, as_of, dry_run, run_id), passing that row's run_id,
-- and finishes the row itself when the job fails.
CREATE FUNCTION ismap.job_start(p_job pg_catalog.text, p_as_of pg_catalog.date) RETURNS pg_catalog.int8
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	id pg_catalog.int8;
BEGIN
	IF p_job IS NULL OR NOT EXISTS (SELECT 1 FROM ismap.job j WHERE j.job_name OPERATOR(pg_catalog.=) p_job) THEN
		RAISE EXCEPTION 'unknown job "%"', p_job
			USING ERRCODE = 'invalid_parameter_value', HINT = 'The jobs are the rows of ismap.job.';
	END IF;
	IF p_as_of IS NULL THEN
		RAISE EXCEPTION 'the job date must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	-- the run_job that adopts the row would refuse it: no running row with
	-- a date no run can have
	IF NOT pg_catalog.isfinite(p_as_of) THEN
		RAISE EXCEPTION 'as_of must be a finite date, not "%"', p_as_of USING ERRCODE = 'invalid_parameter_value';
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

-- progress messages at DEBUG1: they reach only a client that asked for
-- them with client_min_messages (ismap-jobs -v does); no setting is read
CREATE FUNCTION ismap_internal.job_progress(p_message pg_catalog.text) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	-- in the session's language, like the jobs' details (docs/japanese.md)
	RAISE DEBUG '%', ismap_internal.job_text(p_message);
END
$$;
COMMENT ON FUNCTION ismap_internal.job_progress(pg_catalog.text) IS 'used by the batch functions: a progress message at DEBUG1 (sent to clients whose client_min_messages asks for it, as ismap-jobs -v does), in the session''s language (job_text)';

-- The one prologue and epilogue of every job (docs/jobs.md, "Jobs as
-- rows"): check the arguments, look the job up in ismap.job, take its
-- lock, record the run (or adopt the running row the caller committed and
-- passes as run_id), call the job's function, mark the run succeeded with
-- the count of each action, all in the caller's transaction.  A dry run
-- takes the lock but records nothing.
CREATE FUNCTION ismap.run_job(job_name pg_catalog.text, as_of pg_catalog.date DEFAULT CURRENT_DATE,
	dry_run pg_catalog.bool DEFAULT false, run_id pg_catalog.int8 DEFAULT NULL,
	allow_future pg_catalog.bool DEFAULT false)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
-- the job's rows are held twice (counted, then returned): in memory, like
-- the jobs' own sorts, and without JIT (see the jobs' functions)
SET work_mem = '64MB'
SET jit = off
AS $$
DECLARE
	jname pg_catalog.text := run_job.job_name;
	d pg_catalog.date := run_job.as_of;
	dry pg_catalog.bool := run_job.dry_run;
	run pg_catalog.int8 := run_job.run_id;
	fn pg_catalog.regprocedure;
	call pg_catalog.text;
	ahead pg_catalog.interval;
	n pg_catalog.int8;
BEGIN
	IF jname IS NULL THEN
		RAISE EXCEPTION 'job_name must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF d IS NULL OR dry IS NULL THEN
		RAISE EXCEPTION 'as_of and dry_run must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF NOT pg_catalog.isfinite(d) THEN
		RAISE EXCEPTION 'as_of must be a finite date, not "%"', d USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF dry AND run IS NOT NULL THEN
		RAISE EXCEPTION 'a dry run records no run: run_id must be null' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	-- a mistyped date far ahead would expire every registration and
	-- selection at once: a date past the policy's max_as_of_ahead needs
	-- intent (allow_future, ismap-jobs --allow-future-date)
	IF NOT COALESCE(run_job.allow_future, false) THEN
		BEGIN
			ahead := (ismap.policy_value('max_as_of_ahead') OPERATOR(pg_catalog.#>>) '{}')::pg_catalog.interval;
		EXCEPTION WHEN invalid_text_representation OR invalid_datetime_format OR datetime_field_overflow THEN
			RAISE EXCEPTION 'policy parameter "max_as_of_ahead" must be an interval, not %',
				(SELECT p.value FROM ismap.policy p WHERE p.name OPERATOR(pg_catalog.=) 'max_as_of_ahead')
				USING ERRCODE = 'invalid_parameter_value', HINT = 'For example "7 days".';
		END;
		IF d OPERATOR(pg_catalog.>) (CURRENT_DATE OPERATOR(pg_catalog.+) ahead) THEN
			RAISE EXCEPTION 'as_of % is more than % after today (%)', pg_catalog.to_char(d, 'YYYY-MM-DD'),
				ismap.policy_value('max_as_of_ahead') OPERATOR(pg_catalog.#>>) '{}', pg_catalog.to_char(CURRENT_DATE, 'YYYY-MM-DD')
				USING ERRCODE = 'invalid_parameter_value',
					  DETAIL = 'A run as of a date that far ahead would end every registration and selection valid until then.',
					  HINT = 'Check the date; to run ahead on purpose, pass allow_future => true (ismap-jobs --allow-future-date).';
		END IF;
	END IF;
	-- 22023 for an unknown job, 55P03 when another run holds the lock
	PERFORM ismap_internal.job_try_lock(jname);
	SELECT j.function INTO STRICT fn FROM ismap.job j WHERE j.job_name OPERATOR(pg_catalog.=) jname;
	SELECT pg_catalog.format('%I.%I', n.nspname, p.proname) INTO call
	FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) p.pronamespace
	WHERE p.oid OPERATOR(pg_catalog.=) fn::pg_catalog.oid
	  AND p.pronargs OPERATOR(pg_catalog.=) 3
	  AND p.proargtypes[0] OPERATOR(pg_catalog.=) 'pg_catalog.date'::pg_catalog.regtype
	  AND p.proargtypes[1] OPERATOR(pg_catalog.=) 'pg_catalog.bool'::pg_catalog.regtype
	  AND p.proargtypes[2] OPERATOR(pg_catalog.=) 'pg_catalog.int8'::pg_catalog.regtype
	  AND p.proretset
	  -- it runs with the owner's rights: only a function the owner of
	  -- ismap.job owns (no one else may redefine it)
	  AND p.proowner OPERATOR(pg_catalog.=) (SELECT c.relowner FROM pg_catalog.pg_class c
											 WHERE c.oid OPERATOR(pg_catalog.=) 'ismap.job'::pg_catalog.regclass);
	IF call IS NULL THEN
		RAISE EXCEPTION 'the function % of job "%" does not exist or is not a job function', fn, jname
			USING ERRCODE = 'undefined_function',
				  HINT = 'A job function takes (as_of date, dry_run boolean, run_id bigint), returns a set of (action text, object_id bigint, detail text) and is owned by the owner of ismap.job.';
	END IF;
	IF NOT dry THEN
		PERFORM ismap.job_mark_stale(jname);
		IF run IS NULL THEN
			run := ismap.job_start(jname, d);
		ELSE
			UPDATE ismap.job_run r SET as_of = d
			WHERE r.run_id OPERATOR(pg_catalog.=) run AND r.job OPERATOR(pg_catalog.=) jname
			  AND r.status OPERATOR(pg_catalog.=) 'running' AND r.backend_pid OPERATOR(pg_catalog.=) pg_catalog.pg_backend_pid();
			IF NOT FOUND THEN
				RAISE EXCEPTION 'job run % is not a running run of job "%" started by this session', run, jname
					USING ERRCODE = 'object_not_in_prerequisite_state',
						  HINT = 'Pass the run_id that ismap.job_start returned in this session, or none.';
			END IF;
		END IF;
	END IF;
	-- one statement: the job's rows, read once, are returned and counted,
	-- and the run is marked succeeded with the counts (a data-modifying
	-- WITH runs to completion whatever the main query reads); the details
	-- in the session's language (job_text: the catalogue's translation of
	-- the sentence's template, docs/japanese.md)
	RETURN QUERY EXECUTE pg_catalog.format(
		'WITH r AS MATERIALIZED (
			SELECT f.action::pg_catalog.text AS action, f.object_id::pg_catalog.int8 AS object_id,
				   f.detail::pg_catalog.text AS detail FROM %s($1, $2, $3) f),
		 c AS (
			SELECT COALESCE(pg_catalog.jsonb_object_agg(COALESCE(x.action, ''''), x.n), ''{}'') AS counts
			FROM (SELECT r.action, pg_catalog.count(*) AS n FROM r GROUP BY r.action) x),
		 u AS (
			UPDATE ismap.job_run j SET status = ''succeeded'', finished_at = pg_catalog.clock_timestamp(), actions = c.counts
			FROM c WHERE j.run_id OPERATOR(pg_catalog.=) $3
			RETURNING j.run_id)
		 SELECT r.action, r.object_id, ismap_internal.job_text(r.detail) FROM r', call)
		USING d, dry, run;
	GET DIAGNOSTICS n = ROW_COUNT;
	IF run IS NULL THEN
		PERFORM ismap_internal.job_progress(pg_catalog.format('dry run: %s actions', n));
	ELSE
		PERFORM ismap_internal.job_progress(pg_catalog.format('run %s: %s', run,
			(SELECT j.actions::pg_catalog.text FROM ismap.job_run j WHERE j.run_id OPERATOR(pg_catalog.=) run)));
	END IF;
END
$$;
COMMENT ON FUNCTION ismap.run_job(pg_catalog.text, pg_catalog.date, pg_catalog.bool, pg_catalog.int8, pg_catalog.bool) IS 'run a batch job of ismap.job: check the arguments (an as_of more than the policy max_as_of_ahead after today needs allow_future), take its lock (55P03 when another run holds it), record the run in job_run (or adopt the running run_id the caller started with job_start), call its function and mark the run succeeded with the count of each action; the details come in the session''s language (lc_messages); a dry run changes and records nothing';

REVOKE EXECUTE ON FUNCTION ismap.job_start(pg_catalog.text, pg_catalog.date) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION ismap.job_finish(pg_catalog.int8, pg_catalog.text, pg_catalog.text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION ismap.job_mark_stale(pg_catalog.text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION ismap.run_job(pg_catalog.text, pg_catalog.date, pg_catalog.bool, pg_catalog.int8, pg_catalog.bool) FROM PUBLIC;

