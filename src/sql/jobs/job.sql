-- The batch jobs, as rows (docs/jobs.md, "Jobs as rows"): the one place
-- that lists them.  ismap.run_job looks a job up here (its function and
-- its advisory lock key), job_run.job references it, job_health has a row
-- per job, and ismap-jobs asks this table which jobs exist and in which
-- order "all" runs them.  Adding a job is one SQL file (its function,
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
COMMENT ON TABLE ismap.job IS 'one row per batch job (renewals, auditor-expiry, cascade, changes, chain as shipped): the function ismap.run_job calls, the advisory lock key, and the order in which ismap-jobs all runs them';
COMMENT ON COLUMN ismap.job.job_name IS 'the name on the ismap-jobs command line, in job_run and job_health (lower case letters, digits and hyphens; not "all")';
COMMENT ON COLUMN ismap.job.function IS 'the job''s work: a function (as_of date, dry_run boolean, run_id bigint) returning (action text, object_id bigint, detail text) rows, called only by ismap.run_job with the lock held and the run recorded';
COMMENT ON COLUMN ismap.job.lock_key IS 'second key of the job''s transaction-level advisory lock; the first is 1769172321';
COMMENT ON COLUMN ismap.job.description IS 'what the job does, one line (ismap-jobs lists it for an unknown job)';
COMMENT ON COLUMN ismap.job.run_order IS 'ismap-jobs all runs the jobs in ascending run_order';
