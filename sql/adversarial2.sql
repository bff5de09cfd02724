-- findings of the second adversarial pass (docs/security.md, "The second
-- adversarial pass"), each reproduced as the attack it was: it must fail
-- now and change nothing.  A2-01/A2-02/A2-08 (advisory locks any login
-- could hold) are concurrent: specs/adversarial2_locks.spec, and for
-- ismap-jobs all the jobs layer (test/jobs/run).
\i test/regress/setup.psql
SET search_path = ismap, public;
\set VERBOSITY terse
SET client_min_messages = warning;
\set ECHO none
\i test/generator/generator.sql
\set ECHO all
SELECT count(*) > 0 AS generated FROM (SELECT ismap_gen.generate(services => 6, years => 2, until => '2026-10-01', seed => 0.7)) g;
DO $$
DECLARE r text;
BEGIN
	FOREACH r IN ARRAY ARRAY['adv2_csp', 'adv2_auditor', 'adv2_registrar', 'adv2_jobs'] LOOP
		BEGIN
			EXECUTE format('CREATE ROLE %I LOGIN', r);
		EXCEPTION WHEN duplicate_object THEN NULL;
		END;
	END LOOP;
END
$$;
SET client_min_messages = warning;
GRANT ismap_csp TO adv2_csp;
GRANT ismap_auditor TO adv2_auditor;
GRANT ismap_registrar TO adv2_registrar;
GRANT ismap_jobs TO adv2_jobs;
RESET client_min_messages;

-------------------------------------------------------------------------------
-- A2-01, A2-02: the chain's and the partitions' locks are rows nobody but
-- the owner can lock, no longer advisory keys any login can hold
-------------------------------------------------------------------------------
SELECT count(*) AS functions_taking_advisory_locks FROM pg_proc p
WHERE p.pronamespace IN ('ismap'::regnamespace, 'ismap_internal'::regnamespace)
  AND p.prosrc ~ 'pg_advisory_xact_lock\(1769172321, (1|105)\)';
SELECT lock_name FROM ismap_internal.serial_lock ORDER BY 1;
SELECT r AS role, has_table_privilege(r, 'ismap_internal.serial_lock', 'SELECT, UPDATE') AS can_lock
FROM unnest(ARRAY['ismap_reader', 'ismap_registrar', 'ismap_auditor', 'ismap_csp', 'ismap_jobs']) r;
-- A2-08: the jobs too: each job has its lock row, and no function of the
-- extension takes an advisory lock of any key
SELECT count(*) AS jobs_without_lock_row FROM ismap.job j
WHERE NOT EXISTS (SELECT FROM ismap_internal.serial_lock l WHERE l.lock_name = 'job:' || j.job_name);
SELECT count(*) AS functions_calling_advisory_locks FROM pg_proc p
WHERE p.pronamespace IN ('ismap'::regnamespace, 'ismap_internal'::regnamespace)
  AND p.prosrc ~ 'pg_(try_)?advisory';

-------------------------------------------------------------------------------
-- A2-03: an auditor moved an open audit, statement and results with it, to
-- another provider's service: that provider could read the statement and
-- file on the audit
-------------------------------------------------------------------------------
SELECT a.audit_id AS moved_audit, a.audit_body_id AS moved_body, a.service_id AS moved_service,
	   (SELECT s2.service_id FROM service s2 JOIN service s1 ON s1.service_id = a.service_id
		WHERE s2.csp_id <> s1.csp_id ORDER BY s2.service_id LIMIT 1) AS other_service
FROM audit a ORDER BY a.audit_id DESC LIMIT 1 \gset
-- an audit of the same body and service with a statement and no application
INSERT INTO audit (audit_id, service_id, audit_body_id, lead_auditor_id, target_level, framework_id, period_start, period_end, report_date, scope)
SELECT 9001, service_id, audit_body_id, lead_auditor_id, target_level, framework_id, period_start, period_end, report_date, scope
FROM audit WHERE audit_id = :moved_audit;
INSERT INTO statement_item (audit_id, framework_id, control_id, selected, exclusion_reason)
SELECT 9001, framework_id, control_id, selected, exclusion_reason FROM statement_item WHERE audit_id = :moved_audit;
SELECT count(*) AS bound FROM principal('adv2_auditor', :moved_body, NULL);
SET ROLE adv2_auditor;
UPDATE audit SET service_id = :other_service WHERE audit_id = 9001;
\echo :LAST_ERROR_SQLSTATE
WITH u AS (UPDATE audit SET scope = scope || ' (reworded)' WHERE audit_id = 9001 RETURNING 1) SELECT count(*) AS reworded FROM u;
RESET ROLE;
SELECT service_id = :moved_service AS service_kept FROM audit WHERE audit_id = 9001;
-- without a statement, a mistyped service can still be put right
DELETE FROM statement_item WHERE audit_id = 9001;
SET ROLE adv2_auditor;
WITH u AS (UPDATE audit SET service_id = :other_service WHERE audit_id = 9001 RETURNING 1) SELECT count(*) AS corrected FROM u;
RESET ROLE;
DELETE FROM audit WHERE audit_id = 9001;

-------------------------------------------------------------------------------
-- A2-04: a delisting backdated before the registration it ends began
-------------------------------------------------------------------------------
SELECT r.service_id AS live_service, r.registered_on AS live_from FROM registration r
WHERE r.status = 'active' ORDER BY r.registration_id LIMIT 1 \gset
SELECT count(*) AS events_before FROM registry_event \gset
SET ROLE adv2_registrar;
SELECT count(*) FROM delist(:live_service, 'backdated', '1990-01-01');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM delist(:live_service, 'the day before', (:'live_from'::date - 1));
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SELECT count(*) AS still_active FROM registration WHERE service_id = :live_service AND status = 'active';
SELECT count(*) = :events_before AS no_event FROM registry_event;
-- on its first day it may end
BEGIN;
SET ROLE adv2_registrar;
SELECT count(*) > 0 AS delisted_on_first_day FROM delist(:live_service, 'ended at once', :'live_from');
ROLLBACK;

-------------------------------------------------------------------------------
-- A2-05: the registrar bound a group role of the extension to a provider:
-- every provider login could SET ROLE to it and act for that provider
-------------------------------------------------------------------------------
SET ROLE adv2_registrar;
SELECT principal('ismap_csp', NULL, (SELECT min(csp_id) FROM csp));
\echo :LAST_ERROR_SQLSTATE
SELECT principal('ismap_auditor', (SELECT min(audit_body_id) FROM audit_body), NULL);
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SELECT count(*) AS group_roles_bound FROM principal_binding WHERE role_name LIKE 'ismap\_%';

-------------------------------------------------------------------------------
-- A2-06: job_start recorded a running run dated -infinity, which no run_job
-- can adopt
-------------------------------------------------------------------------------
SELECT count(*) AS runs_before FROM job_run \gset
SET ROLE adv2_jobs;
SELECT job_start('renewals', '-infinity');
\echo :LAST_ERROR_SQLSTATE
SELECT job_start('renewals', 'infinity');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SELECT count(*) = :runs_before AS no_run_recorded FROM job_run;

-------------------------------------------------------------------------------
-- A2-07: the registrar, the one role granted import_nist_iso27001_mapping,
-- could not run it: it called a helper in ismap_internal (42501)
-------------------------------------------------------------------------------
\set t1 `cat data/mappings/nist-sp800-53r5_to_iso27001-2013_table1.csv`
\set p1 `cat data/mappings/nist-sp800-53r5_to_iso27001-2013_table1_pairs.csv`
\set t2 `cat data/mappings/iso27001-2013_to_nist-sp800-53r5_table2.csv`
\set p2 `cat data/mappings/iso27001-2013_to_nist-sp800-53r5_table2_pairs.csv`
SET ROLE adv2_registrar;
SELECT mappings > 0 AS imported, skipped FROM import_nist_iso27001_mapping(:'t1', :'p1', :'t2', :'p2');
-- the header checks still hold, each CSV named
SELECT * FROM import_nist_iso27001_mapping(:'t1', :'p1', :'t2', 'iso_ref,nist_ref' || E'\n');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM import_nist_iso27001_mapping(:'t1', '', :'t2', :'p2');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SELECT count(*) AS functions_out_of_reach FROM pg_proc p
WHERE p.pronamespace = 'ismap'::regnamespace AND NOT p.prosecdef AND p.prosrc ~ 'ismap_internal\.'
  AND p.proname <> 'create_roles';

-------------------------------------------------------------------------------
-- A2-10: a provider reported a material change in effect on 'infinity'
-- (the changes job then failed for every provider: "cannot subtract
-- infinite dates") or on '-infinity' (counted as covered by any audit)
-------------------------------------------------------------------------------
SELECT s.service_id AS change_service, s.csp_id AS change_csp FROM service s
JOIN registration r ON r.service_id = s.service_id AND r.status = 'active' ORDER BY s.service_id LIMIT 1 \gset
SELECT count(*) AS bound FROM principal('adv2_csp', NULL, :change_csp);
SELECT count(*) AS changes_before FROM service_change \gset
SET ROLE adv2_csp;
INSERT INTO service_change (service_id, kind, effective_on, description, reported_by)
VALUES (:change_service, 'architecture', 'infinity', 'a new region, some day', 'ops');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO service_change (service_id, kind, effective_on, description, reported_by)
VALUES (:change_service, 'scope_extension', '-infinity', 'always been so', 'ops');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SELECT count(*) = :changes_before AS no_change_recorded FROM service_change;
SELECT count(*) >= 0 AS changes_job_runs FROM run_changes('2026-10-01', dry_run => true, allow_future => true);
