-- The batch jobs, as rows (docs/jobs.md, "Jobs as rows"): the one place
-- that lists them.  ismap.run_job looks a job up here (its function),
-- job_run.job references it, job_health has a row per job, and
-- ismap-jobs asks this table which jobs exist and in which order "all"
-- runs them.  Adding a job is one SQL file (its function,
-- then its row) and no change to ismap-jobs.
--
-- The shipped rows are inserted by the install script, each in the file of
-- its job's function (src/sql/jobs/renewals.sql, ...), so they are part of
-- the extension and not dumped (no pg_extension_config_dump): a restore
-- gets them from CREATE EXTENSION.  A row a site adds by hand is not
-- dumped either; docs/jobs.md says how to carry it.
CREATE TABLE ismap.job (
	job_name		pg_catalog.text PRIMARY KEY
		CONSTRAINT job_name_form CHECK (job_name OPERATOR(pg_catalog.~) '^[a-z][a-z0-9-]{0,62}$' AND job_name OPERATOR(pg_catalog.<>) 'all'),
	function		pg_catalog.regprocedure NOT NULL,
	lock_key		pg_catalog.int4 NOT NULL UNIQUE,
	description		pg_catalog.text NOT NULL,
	run_order		pg_catalog.int4 NOT NULL UNIQUE
);
COMMENT ON TABLE ismap.job IS 'one row per batch job (renewals, auditor-expiry, cascade, changes, chain as shipped): the function ismap.run_job calls, a unique number, and the order in which ismap-jobs all runs them';
COMMENT ON COLUMN ismap.job.job_name IS 'the name on the ismap-jobs command line, in job_run and job_health (lower case letters, digits and hyphens; not "all")';
COMMENT ON COLUMN ismap.job.function IS 'the job''s work: a function (as_of date, dry_run boolean, run_id bigint) returning (action text, object_id bigint, detail text) rows, called only by ismap.run_job with the lock held and the run recorded';
COMMENT ON COLUMN ismap.job.lock_key IS 'a unique number of the job (before 0.3.0 the second key of its advisory lock); nothing locks on it: a run locks the row job:<job_name> of ismap_internal.serial_lock';
COMMENT ON COLUMN ismap.job.description IS 'what the job does, one line (ismap-jobs lists it for an unknown job)';
COMMENT ON COLUMN ismap.job.run_order IS 'ismap-jobs all runs the jobs in ascending run_order';

-- Each job's lock is the row 'job:<job_name>' of ismap_internal.serial_lock
-- (see ismap_internal.job_try_lock), made here when a job row is added or
-- renamed, so that a job a site adds has its lock before its first run.
-- Rows of jobs that are gone stay: a lock row that nobody takes is
-- harmless, and a job added again with the name finds it.
CREATE FUNCTION ismap_internal.job_lock_row() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	INSERT INTO ismap_internal.serial_lock (lock_name)
	VALUES ('job:' OPERATOR(pg_catalog.||) NEW.job_name)
	ON CONFLICT (lock_name) DO NOTHING;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION ismap_internal.job_lock_row() IS 'trigger: makes the lock row job:<job_name> of ismap_internal.serial_lock for a job added to (or renamed in) ismap.job';

CREATE TRIGGER job_lock_row AFTER INSERT OR UPDATE OF job_name ON ismap.job
	FOR EACH ROW EXECUTE FUNCTION ismap_internal.job_lock_row();
-- ENABLE ALWAYS: a job's SQL file run again in a restore (docs/jobs.md)
-- makes the lock row even under session_replication_role = replica
ALTER TABLE ismap.job ENABLE ALWAYS TRIGGER job_lock_row;
