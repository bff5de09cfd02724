-- batch jobs: renewals (expiry, pending renewals, notices once per
-- window), audit-body selections (expiry, overdue reports, unselected
-- bodies), cascading delistings after the grace period, idempotency, dry
-- runs, the job_run ledger, stale runs, job_health and pruning
\i test/regress/setup.psql
SET search_path = ismap, public;
\set VERBOSITY terse

-------------------------------------------------------------------------------
-- a small registry: platform P (1); A (2) on P; B (3) on A; S (4) on P but
-- self-assessed; R (5) alone, renews in time; X (6) audited by a body that
-- was never selected; body 2's selection lapses on 2026-06-30
-------------------------------------------------------------------------------
INSERT INTO framework (framework_id, title) VALUES ('ismap', 'test standard');
INSERT INTO control (framework_id, control_id, title) VALUES ('ismap', '5.1.1.1', 'policy document');
INSERT INTO csp (csp_id, name, corporate_number) VALUES (1, 'Platform KK', '7000012050002');
INSERT INTO audit_body (audit_body_id, name, corporate_number)
SELECT i, 'Audit ' || i || ' LLC', corporate_number_check_digit('01040100000' || i)::text || '01040100000' || i
FROM generate_series(1, 3) i;
INSERT INTO auditor (auditor_id, audit_body_id, name, nationality, experience_years)
SELECT i, i, 'Auditor ' || i, 'JP', 10 FROM generate_series(1, 3) i;
INSERT INTO audit_body_selection (selection_id, audit_body_id, valid_from, valid_until, next_report_due) VALUES
	(1, 1, '2024-04-01', '2027-03-31', '2026-04-30'),
	(2, 2, '2023-04-01', '2026-06-30', NULL);
INSERT INTO service (service_id, csp_id, name, scope, delivery_models, deployment_models)
SELECT i, 1, n, 'service ' || n, CASE WHEN i = 1 THEN '{IaaS}' ELSE '{SaaS}' END::delivery_model[], '{public}'
FROM unnest(ARRAY['P cloud', 'A mail', 'B archive', 'S forms', 'R chat', 'X wiki']) WITH ORDINALITY u(n, i);
INSERT INTO service_dependency (service_id, base_service_id) VALUES (2, 1), (3, 2), (4, 1);
-- P's audited period ends two months earlier than the others'
INSERT INTO audit (audit_id, service_id, audit_body_id, lead_auditor_id, target_level, framework_id,
	period_start, period_end, report_date, scope)
SELECT s.service_id, s.service_id, 1, 1, 2, 'ismap',
	   '2024-04-01', CASE WHEN s.service_id = 1 THEN date '2025-01-31' ELSE date '2025-03-31' END, '2025-05-15', s.scope
FROM service s WHERE s.service_id <= 5;
UPDATE service_dependency SET self_assessed_audit_id = 4 WHERE service_id = 4;
INSERT INTO statement_item (audit_id, framework_id, control_id, selected)
SELECT audit_id, 'ismap', '5.1.1.1', true FROM audit;
INSERT INTO application (application_id, service_id, audit_id, requested_level, kind, submitted_on)
SELECT s.service_id, s.service_id, s.service_id, 2, 'new', '2025-05-20' FROM service s WHERE s.service_id <= 5;
SELECT r.registration_id, r.service_id, r.registration_number, r.valid_until
FROM application a CROSS JOIN LATERAL register(a.application_id, '2025-06-01') r ORDER BY 1;
-- X: a new application on an audit by body 3, never selected
INSERT INTO audit (audit_id, service_id, audit_body_id, lead_auditor_id, target_level, framework_id,
	period_start, period_end, report_date, scope)
VALUES (6, 6, 3, 3, 1, 'ismap', '2025-04-01', '2026-03-31', '2026-04-20', 'service X wiki');
INSERT INTO application (application_id, service_id, audit_id, requested_level, kind, submitted_on)
VALUES (6, 6, 6, 1, 'new', '2026-05-01');

-------------------------------------------------------------------------------
-- arguments and locks
-------------------------------------------------------------------------------
SELECT * FROM run_renewals(NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM cascade_delistings('2026-01-01', NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM expire_audit_body_selections('infinity');
\echo :LAST_ERROR_SQLSTATE
SELECT ismap_internal.job_try_lock('backup');
\echo :LAST_ERROR_SQLSTATE
-- each job's lock is a row of ismap_internal.serial_lock, one per job
SELECT lock_name FROM ismap_internal.serial_lock WHERE lock_name LIKE 'job:%' ORDER BY 1;
-- the jobs are rows: the one list of them
SELECT job_name, function, lock_key, run_order FROM job ORDER BY run_order;
SELECT count(*) AS described FROM job WHERE description <> '';
-- job_run.job references them
INSERT INTO job_run (job, as_of) VALUES ('backup', '2026-01-01');
\echo :LAST_ERROR_SQLSTATE
-- the lock is a row lock to the end of the transaction: gone at commit,
-- so it cannot leak; taken twice in one transaction (also in a savepoint)
-- it is simply held; no advisory lock is taken
BEGIN;
SELECT ismap_internal.job_try_lock('renewals');
SELECT ismap_internal.job_lock_holder('renewals') = pg_backend_pid() AS held_by_me,
       ismap_internal.job_lock_holder('cascade') AS cascade_holder;
SELECT ismap_internal.job_try_lock('renewals');
SAVEPOINT again;
SELECT ismap_internal.job_try_lock('renewals');
RELEASE again;
SELECT count(*) AS advisory FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid();
COMMIT;
SELECT ismap_internal.job_lock_holder('renewals') AS holder;
SELECT ismap_internal.job_lock_holder('backup') AS unknown_job;
SELECT ismap_internal.job_try_lock(NULL);
\echo :LAST_ERROR_SQLSTATE
-- a broken policy is refused, not guessed at
UPDATE policy SET value = '"ninety"' WHERE name = 'notice_windows_days';
SELECT * FROM run_renewals('2026-03-02');
\echo :LAST_ERROR_SQLSTATE
-- an empty list means no notices
UPDATE policy SET value = '[]' WHERE name = 'notice_windows_days';
SELECT * FROM run_renewals('2026-03-02', dry_run => true);
UPDATE policy SET value = '[90, 30, 7]' WHERE name = 'notice_windows_days';

-------------------------------------------------------------------------------
-- renewals over several dates
-------------------------------------------------------------------------------
-- 2026-03-02: P is 90 days from its end; a dry run shows, changes nothing
SELECT * FROM run_renewals('2026-03-02', dry_run => true);
SELECT count(*) AS notices, (SELECT count(*) FROM job_run) AS runs FROM notice;
SELECT * FROM run_renewals('2026-03-02');
-- the same date again: nothing
SELECT * FROM run_renewals('2026-03-02');
-- 2026-05-05: P's 30-day notice; the others' 90-day notices
SELECT * FROM run_renewals('2026-05-05');
-- R files its renewal in time
INSERT INTO audit (audit_id, service_id, audit_body_id, lead_auditor_id, target_level, framework_id,
	period_start, period_end, report_date, scope)
VALUES (7, 5, 1, 1, 2, 'ismap', '2025-04-01', '2026-03-31', '2026-05-15', 'service R chat');
INSERT INTO statement_item (audit_id, framework_id, control_id, selected) VALUES (7, 'ismap', '5.1.1.1', true);
INSERT INTO application (application_id, service_id, audit_id, requested_level, kind, submitted_on)
VALUES (7, 5, 7, 2, 'renewal', '2026-06-15');
-- 2026-06-01: P expires (valid until 2026-05-31)
SELECT * FROM run_renewals('2026-06-01');
SELECT * FROM cascade_delistings('2026-06-01');
-- 2026-07-24: 7-day notices, but none for R, whose renewal is filed
SELECT * FROM run_renewals('2026-07-24');

-------------------------------------------------------------------------------
-- the cascade: P ended on 2026-06-01, grace 30 days
-------------------------------------------------------------------------------
SELECT * FROM cascade_delistings('2026-06-30');
SELECT * FROM cascade_delistings('2026-07-01', true);
SELECT * FROM cascade_delistings('2026-07-01');
SELECT * FROM cascade_delistings('2026-07-01');
SELECT registration_id, service_id, status, ended_on, cascaded_from, cascade_path, end_reason
FROM registration ORDER BY registration_id;
-- one event per change, with the job's context and the chain
SELECT e.registration_id, e.kind, e.payload->>'cascaded_from' AS cascaded_from, e.payload->'cascade_path' AS path,
	   e.payload->'context'->>'action' AS action, e.payload->'context'->>'job' AS job, e.payload->'context'->>'as_of' AS as_of
FROM registry_event e WHERE e.kind <> 'registered' ORDER BY e.event_id;

-- 2026-08-01: S (self-assessed, still registered) expires; R is kept,
-- reported once
SELECT * FROM run_renewals('2026-08-01');
SELECT * FROM run_renewals('2026-08-01');
SELECT * FROM run_renewals('2026-08-15');
-- the renewal is refused on 2026-08-20: R ends on that day, not on valid_until + 1
UPDATE application SET status = 'rejected', decided_on = '2026-08-20', decision_reason = 'controls not effective' WHERE application_id = 7;
SELECT * FROM run_renewals('2026-08-19');
SELECT * FROM run_renewals('2026-08-21');
SELECT registration_id, status, ended_on, end_reason FROM registration WHERE service_id = 5;

-- every notice, once
SELECT kind, object_id, occasion, window_days, as_of FROM notice ORDER BY notice_id;

-- no cascade from a platform registered again within the grace, nor from
-- one never registered: Q (7) with T (8) on it; U (9), never registered,
-- with V (10) on it
INSERT INTO service (service_id, csp_id, name, scope, delivery_models, deployment_models)
SELECT i, 1, n, 'service ' || n, CASE WHEN i IN (7, 9) THEN '{PaaS}' ELSE '{SaaS}' END::delivery_model[], '{public}'
FROM unnest(ARRAY['Q db', 'T forms', 'U queue', 'V mail']) WITH ORDINALITY u(n, k), LATERAL (SELECT k + 6 AS i) x;
INSERT INTO service_dependency (service_id, base_service_id) VALUES (8, 7), (10, 9);
INSERT INTO audit (audit_id, service_id, audit_body_id, lead_auditor_id, target_level, framework_id,
	period_start, period_end, report_date, scope)
SELECT 100 + s.service_id, s.service_id, 1, 1, 2, 'ismap', '2025-07-01',
	   CASE WHEN s.service_id = 7 THEN date '2026-03-31' ELSE date '2026-06-30' END, '2026-07-31', s.scope
FROM service s WHERE s.service_id IN (7, 8, 10);
INSERT INTO application (application_id, service_id, audit_id, requested_level, kind, submitted_on)
SELECT 100 + s.service_id, s.service_id, 100 + s.service_id, 2, 'new', '2026-08-15' FROM service s WHERE s.service_id IN (7, 8, 10);
SELECT r.registration_id, r.service_id, r.valid_until
FROM application a CROSS JOIN LATERAL register(a.application_id, '2026-09-01') r WHERE a.application_id > 100 ORDER BY 1;
SELECT * FROM run_renewals('2027-08-01', allow_future => true);
-- Q is audited again and registered anew within the grace
INSERT INTO audit (audit_id, service_id, audit_body_id, lead_auditor_id, target_level, framework_id,
	period_start, period_end, report_date, scope)
VALUES (117, 7, 1, 1, 2, 'ismap', '2026-04-01', '2027-06-30', '2027-07-31', 'service Q db');
INSERT INTO application (application_id, service_id, audit_id, requested_level, kind, submitted_on)
VALUES (117, 7, 117, 2, 'new', '2027-08-05');
SELECT registration_number, status, valid_until FROM register(117, '2027-08-15');
SELECT * FROM cascade_delistings('2027-09-15', allow_future => true);
SELECT service_id, status FROM registration WHERE service_id >= 7 ORDER BY registration_id;

-------------------------------------------------------------------------------
-- audit-body selections
-------------------------------------------------------------------------------
SELECT * FROM expire_audit_body_selections('2026-04-30');
SELECT * FROM expire_audit_body_selections('2026-07-01', dry_run => true);
SELECT * FROM expire_audit_body_selections('2026-07-01');
SELECT * FROM expire_audit_body_selections('2026-07-01');
SELECT selection_id, status, status_reason FROM audit_body_selection ORDER BY 1;
-- a report received moves the due date; the new date can be flagged again
UPDATE audit_body_selection SET next_report_due = '2027-01-31' WHERE selection_id = 1;
SELECT * FROM expire_audit_body_selections('2027-02-01', allow_future => true);
-- body 3 selected with a term covering the report date: no new flag
INSERT INTO audit_body_selection (selection_id, audit_body_id, valid_from, valid_until, next_report_due)
VALUES (3, 3, '2026-01-01', '2028-12-31', '2027-06-30');
INSERT INTO audit (audit_id, service_id, audit_body_id, lead_auditor_id, target_level, framework_id,
	period_start, period_end, report_date, scope)
VALUES (8, 6, 3, 3, 1, 'ismap', '2026-04-01', '2027-01-31', '2027-02-10', 'service X wiki');
INSERT INTO application (application_id, service_id, audit_id, requested_level, kind, submitted_on)
VALUES (8, 6, 8, 1, 'new', '2027-02-12');
SELECT * FROM expire_audit_body_selections('2027-02-15', allow_future => true);

-------------------------------------------------------------------------------
-- the ledger: runs, stale runs, health, pruning
-------------------------------------------------------------------------------
SELECT job, as_of, status, actions FROM job_run ORDER BY run_id;
-- a run whose session is gone is marked failed by the next run
INSERT INTO job_run (job, as_of, backend_pid, started_at) VALUES ('cascade', '2026-12-01', 0, now() - interval '1 hour');
SELECT * FROM cascade_delistings('2026-12-01');
SELECT status, message FROM job_run WHERE backend_pid = 0;
-- a client records a failure or a skip itself; only those
SELECT job_start('cascade', '2026-12-02') AS run \gset
SELECT job_finish(:run, 'succeeded');
\echo :LAST_ERROR_SQLSTATE
SELECT job_finish(:run, 'skipped', 'job "cascade" is already running');
SELECT job_finish(:run, 'failed');
\echo :LAST_ERROR_SQLSTATE
-- a run adopts the row its client started, passed as an argument: only
-- a running run of the same job (not another job's, not a finished one),
-- and not in a dry run, which records nothing
SELECT job_start('renewals', '2026-12-03') AS run \gset
SELECT * FROM run_job('cascade', '2026-12-03', false, :run);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM run_job('renewals', '2026-12-03', false, :run - 1);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM run_job('renewals', '2026-12-03', true, :run);
\echo :LAST_ERROR_SQLSTATE
BEGIN;
SELECT * FROM run_job('renewals', '2026-12-03', false, :run);
COMMIT;
SELECT run_id = :run AS adopted, status, as_of, actions FROM job_run WHERE run_id = (SELECT max(run_id) FROM job_run);
SELECT * FROM run_job('backup', '2026-12-04');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM run_job(NULL, '2026-12-04');
\echo :LAST_ERROR_SQLSTATE
-- no session setting carries a run any more (0.2.0 had ismap.job_run_id)
LOAD 'ismap';
SELECT set_config('ismap.job_run_id', :'run', true);
\echo :LAST_ERROR_SQLSTATE
SELECT job, last_success_as_of, age < interval '1 hour' AS recent, last_status, failures_since_success, running
FROM job_health ORDER BY job;
-- pruning everything but the last successes takes the policy's consent
-- (job_runs_keep_at_least, 30 days as shipped: sql/integrity.sql)
UPDATE policy SET value = '"0 days"' WHERE name = 'job_runs_keep_at_least';
SELECT prune_job_runs(interval '0');
UPDATE policy SET value = '"30 days"' WHERE name = 'job_runs_keep_at_least';
SELECT job, status FROM job_run ORDER BY run_id;
SELECT prune_job_runs(interval '-1 day');
\echo :LAST_ERROR_SQLSTATE

-- nothing above broke the event chain; the jobs' tables are dumped
SELECT * FROM verify_event_chain();
SELECT c.relname FROM pg_extension e, unnest(e.extconfig) t JOIN pg_class c ON c.oid = t
WHERE e.extname = 'ismap' AND c.relname ~ '^(job|notice)' ORDER BY 1;
-- the batch functions are not for everyone
SELECT p.proname, has_function_privilege('public', p.oid, 'EXECUTE') AS public_may_run
FROM pg_proc p WHERE p.pronamespace = 'ismap'::regnamespace
  AND p.proname IN ('run_renewals', 'expire_audit_body_selections', 'cascade_delistings', 'job_start', 'job_finish', 'prune_job_runs',
				   'run_job', 'job_renewals', 'job_auditor_expiry', 'job_cascade', 'job_changes', 'job_chain')
ORDER BY 1;

-------------------------------------------------------------------------------
-- a new job is a function and a row: no other change
-------------------------------------------------------------------------------
CREATE FUNCTION public.job_hello(as_of date, dry_run boolean, run_id bigint)
RETURNS TABLE (action text, object_id bigint, detail text)
LANGUAGE sql AS $$
	SELECT 'hello', run_id, format('hello as of %s%s', as_of, CASE WHEN dry_run THEN ' (dry run)' ELSE '' END)
$$;
INSERT INTO job (job_name, function, lock_key, description, run_order)
VALUES ('hello', 'public.job_hello(date, boolean, bigint)', 900, 'say hello', 900);
-- its lock row comes with it (trigger job_lock_row)
SELECT lock_name FROM ismap_internal.serial_lock WHERE lock_name = 'job:hello';
SELECT action, object_id IS NOT NULL AS has_run, detail FROM run_job('hello', '2026-12-05');
SELECT action, object_id, detail FROM run_job('hello', '2026-12-05', true);
SELECT job, status, actions FROM job_run WHERE job = 'hello' ORDER BY run_id;
SELECT job, last_success_as_of, last_status FROM job_health WHERE job = 'hello';
-- serialized by its own lock
BEGIN;
SELECT ismap_internal.job_try_lock('hello');
SELECT ismap_internal.job_lock_holder('hello') = pg_backend_pid() AS held_by_me;
COMMIT;
-- a job row inserted without the trigger (as a restore with triggers
-- disabled would) gets its lock row at its first run
ALTER TABLE job DISABLE TRIGGER job_lock_row;
INSERT INTO job (job_name, function, lock_key, description, run_order)
VALUES ('hello-bare', 'public.job_hello(date, boolean, bigint)', 904, 'say hello', 904);
ALTER TABLE job ENABLE ALWAYS TRIGGER job_lock_row;
SELECT count(*) AS lock_rows FROM ismap_internal.serial_lock WHERE lock_name = 'job:hello-bare';
SELECT action, detail FROM run_job('hello-bare', '2026-12-05', true);
SELECT count(*) AS lock_rows FROM ismap_internal.serial_lock WHERE lock_name = 'job:hello-bare';
-- a renamed job has a lock row under its new name
UPDATE job SET job_name = 'hello-renamed' WHERE job_name = 'hello-bare';
SELECT lock_name FROM ismap_internal.serial_lock WHERE lock_name LIKE 'job:hello-%' ORDER BY 1;
DELETE FROM job WHERE job_name = 'hello-renamed';
DELETE FROM ismap_internal.serial_lock WHERE lock_name IN ('job:hello-bare', 'job:hello-renamed');
-- a row naming a function of another shape is refused when it runs
INSERT INTO job (job_name, function, lock_key, description, run_order)
VALUES ('bad', 'ismap_internal.job_lock_holder(text)', 901, 'not a job function', 901);
SELECT * FROM run_job('bad', '2026-12-05');
\echo :LAST_ERROR_SQLSTATE
-- the function runs with the owner's rights: one owned by another role
-- (who could redefine it) is refused
CREATE ROLE ismap_test_other NOLOGIN;
ALTER FUNCTION public.job_hello(date, boolean, bigint) OWNER TO ismap_test_other;
SELECT * FROM run_job('hello', '2026-12-06');
\echo :LAST_ERROR_SQLSTATE
ALTER FUNCTION public.job_hello(date, boolean, bigint) OWNER TO CURRENT_USER;
DROP ROLE ismap_test_other;
-- names the command line can carry, never "all"; lock_key (no longer a
-- lock, a number) is unique
INSERT INTO job (job_name, function, lock_key, description, run_order)
VALUES ('all', 'public.job_hello(date, boolean, bigint)', 902, 'x', 902);
\echo :LAST_ERROR_SQLSTATE
INSERT INTO job (job_name, function, lock_key, description, run_order)
VALUES ('hello2', 'public.job_hello(date, boolean, bigint)', 900, 'x', 903);
\echo :LAST_ERROR_SQLSTATE
DELETE FROM job_run WHERE job = 'hello';
DELETE FROM job WHERE job_name IN ('hello', 'bad');
DROP FUNCTION public.job_hello(date, boolean, bigint);
-- every ismap role reads the jobs; only the owner writes them
SELECT r, has_table_privilege(r, 'ismap.job', 'SELECT') AS reads,
	   has_table_privilege(r, 'ismap.job', 'INSERT') OR has_table_privilege(r, 'ismap.job', 'UPDATE')
	   OR has_table_privilege(r, 'ismap.job', 'DELETE') AS writes
FROM unnest(ARRAY['ismap_reader', 'ismap_registrar', 'ismap_auditor', 'ismap_csp', 'ismap_jobs']) r ORDER BY r;

-- every notice the jobs wrote has its Japanese (docs/japanese.md)
SELECT kind, count(*) AS notices, count(detail_ja) AS in_japanese FROM notice GROUP BY kind ORDER BY kind;
SELECT detail_ja FROM notice ORDER BY notice_id LIMIT 3;
