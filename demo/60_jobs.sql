-- demo/60_jobs.sql — the batch jobs over the months after the generated
-- registry's last day (2026-10-01): ismap-jobs, as cron would run it, on
-- several dates; then what the jobs did, from SQL.
--
-- psql variable ismap_jobs: the program (scripts/demo passes the installed
-- one); the connection is this session's (PGHOST, PGPORT, PGUSER, DBNAME).
\pset footer off
SET search_path = ismap, public;
\if :{?ismap_jobs}
\else
\set ismap_jobs ismap-jobs
\endif
\setenv ISMAP_JOBS :ismap_jobs
\setenv PGDATABASE :DBNAME

\echo
\echo '== Batch jobs: ismap-jobs over the months after 2026-10-01 (see docs/jobs.md) =='
\echo '-- 2026-10-01, a dry run first: what would the jobs do today? (nothing is changed)'
\! "$ISMAP_JOBS" --as-of 2026-10-01 --dry-run all
\echo '-- 2026-10-01, for real'
\! "$ISMAP_JOBS" --as-of 2026-10-01 all
\echo '-- 2026-10-01 again: a rerun with the same date does nothing twice'
\! "$ISMAP_JOBS" --as-of 2026-10-01 all
\echo '-- 2026-12-01: registrations run out, open renewals keep others alive, notices at 90/30/7 days'
\! "$ISMAP_JOBS" --as-of 2026-12-01 all
\echo '-- 2027-02-01, as JSON (here summarised): one document per invocation'
\! "$ISMAP_JOBS" --allow-future-date --as-of 2027-02-01 --format json all | python3 -c 'import json,sys; d=json.load(sys.stdin); [print("%-15s %-9s run %s: %s" % (j["job"], j["status"], j["run_id"], j["counts"] or "nothing to do")) for j in d["jobs"]]'
\echo '-- 2027-03-15: platforms that lapsed more than 30 days ago (cascade_grace) take what runs on them along'
\! "$ISMAP_JOBS" --allow-future-date --as-of 2027-03-15 all

\echo '== The runs, recorded in ismap.job_run =='
SELECT run_id, job, as_of, status, actions FROM job_run ORDER BY run_id;

\echo '== Delisted by the cascade: the chain from the platform that lapsed =='
SELECT r.registration_number, s.name AS service, r.ended_on, r.cascade_path AS via_services,
	   b.registration_number AS cascaded_from
FROM registration r
JOIN service s ON s.service_id = r.service_id
LEFT JOIN registration b ON b.registration_id = r.cascaded_from
WHERE r.status = 'delisted' AND EXISTS (
	SELECT 1 FROM registry_event e WHERE e.registration_id = r.registration_id AND e.payload->'context'->>'job' = 'cascade')
ORDER BY cardinality(r.cascade_path), r.cascade_path, r.registration_number;

\echo '== Notices, each written once =='
SELECT kind, window_days, count(*) AS notices, min(as_of) AS first, max(as_of) AS last
FROM notice GROUP BY kind, window_days ORDER BY kind, window_days DESC NULLS LAST;

\echo '== Monitoring: ismap.job_health =='
SELECT job, last_success_as_of, last_status, failures_since_success, running, age < interval '1 hour' AS fresh
FROM job_health ORDER BY job;

\echo '== Every change the jobs made is an event; the chain still verifies =='
SELECT payload->'context'->>'job' AS job, kind, count(*)
FROM registry_event WHERE payload->'context'->>'job' IS NOT NULL
GROUP BY 1, 2 ORDER BY 1, 2;
SELECT * FROM verify_event_chain();
