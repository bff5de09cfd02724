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
INSERT INTO service_change (service_id, kind, effective_on, description, reported_by, extension)
VALUES (:change_service, 'scope_extension', '-infinity', 'always been so', 'ops', 'every region');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SELECT count(*) = :changes_before AS no_change_recorded FROM service_change;
SELECT count(*) >= 0 AS changes_job_runs FROM run_changes('2026-10-01', dry_run => true, allow_future => true);

-------------------------------------------------------------------------------
-- A2-14: a change report's description had no size limit (50 MB went into
-- the hash-chained log); now 64 kB at most (23514), and nothing recorded
-------------------------------------------------------------------------------
SET ROLE adv2_csp;
INSERT INTO service_change (service_id, kind, effective_on, description, reported_by)
VALUES (:change_service, 'minor', '2026-09-01', repeat('x', 65537), 'ops');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SELECT count(*) = :changes_before AS no_change_recorded FROM service_change;
SELECT count(*) AS queued_events FROM ismap_internal.pending_event WHERE octet_length(payload::text) > 65536;

-------------------------------------------------------------------------------
-- A2-12: a withdrawal's reason could be blank (tab, newline, U+3000), as M8
-- was for rejections; now 23514, and the application stays submitted
-------------------------------------------------------------------------------
INSERT INTO audit (service_id, audit_body_id, lead_auditor_id, target_level, framework_id, period_start, period_end, report_date, scope)
SELECT service_id, audit_body_id, lead_auditor_id, target_level, framework_id, period_start, period_end, report_date, scope
FROM audit WHERE service_id = :change_service ORDER BY audit_id DESC LIMIT 1
RETURNING audit_id AS w_audit, target_level AS w_level \gset
SET ROLE adv2_csp;
INSERT INTO application (service_id, audit_id, requested_level, kind, submitted_on)
VALUES (:change_service, :w_audit, :w_level, 'renewal', current_date) RETURNING application_id AS w_application \gset
UPDATE application SET status = 'withdrawn', decided_on = current_date, decision_reason = E'\t\u3000\n'
WHERE application_id = :w_application;
\echo :LAST_ERROR_SQLSTATE
-- withdrawn only through withdraw_application (which writes the event)
UPDATE application SET status = 'withdrawn', decided_on = current_date, decision_reason = 'moved to another platform'
WHERE application_id = :w_application;
\echo :LAST_ERROR_SQLSTATE
SELECT status FROM withdraw_application(:w_application, 'moved to another platform');
RESET ROLE;
SELECT status, decision_reason FROM application WHERE application_id = :w_application;

-------------------------------------------------------------------------------
-- A2-13: functions the reader could run but that only refused it inside
-- ("permission denied for table ..."): not granted to roles that cannot read
-- what they read (the threat matrix lists who may run each)
-------------------------------------------------------------------------------
SELECT p.proname, string_agg(r.rolname, ' ' ORDER BY r.rolname) AS executable_by
FROM pg_proc p CROSS JOIN pg_roles r
WHERE p.pronamespace = 'ismap'::regnamespace
  AND p.proname IN ('change_status', 'validate_application', 'control_test_items', 'control_health')
  AND r.rolname IN ('ismap_reader', 'ismap_registrar', 'ismap_auditor', 'ismap_csp', 'ismap_jobs')
  AND has_function_privilege(r.rolname, p.oid, 'EXECUTE')
GROUP BY p.proname ORDER BY 1;
-- A2-09: a provider held LOCK TABLE statement_item (or service_dependency)
-- IN ACCESS EXCLUSIVE MODE, an auditor audit_result or control_test, and
-- kept the transaction open: every other party's reads, the decisions and
-- the jobs waited.  PostgreSQL grants any lock mode to a table-level
-- UPDATE, DELETE or TRUNCATE; the parties now hold INSERT and column-level
-- UPDATE, and delete through ismap.delete_*
-------------------------------------------------------------------------------
-- the attack as it was
SELECT count(*) AS bound FROM principal('adv2_csp', NULL, (SELECT csp_id FROM service WHERE service_id = :moved_service));
SET ROLE adv2_csp;
BEGIN;
LOCK TABLE statement_item IN ACCESS EXCLUSIVE MODE;
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
BEGIN;
LOCK TABLE service_dependency IN ACCESS EXCLUSIVE MODE;
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
SET ROLE adv2_auditor;
BEGIN;
LOCK TABLE audit_result IN ACCESS EXCLUSIVE MODE;
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
BEGIN;
LOCK TABLE control_test IN ACCESS EXCLUSIVE MODE;
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
RESET ROLE;
-- every mode above ROW EXCLUSIVE (each blocks another party's writes, the
-- last two its reads too), on every table and view of ismap, as each party
-- and as the reader and the jobs role: what is not refused with 42501
CREATE FUNCTION pg_temp.try_lock(who text, rel regclass, mode text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE res text;
BEGIN
	BEGIN
		EXECUTE format('SET LOCAL ROLE %I', who);
		SET LOCAL lock_timeout = '5s';
		EXECUTE format('LOCK TABLE %s IN %s MODE', rel, mode);
		res := 'taken';
		RAISE EXCEPTION USING ERRCODE = 'P0004';	-- release it
	EXCEPTION
		WHEN assert_failure THEN NULL;
		WHEN OTHERS THEN res := SQLSTATE;
	END;
	RESET ROLE;
	RETURN res;
END
$$;
SELECT r AS role, c.oid::regclass AS relation, m AS mode, pg_temp.try_lock(r, c.oid, m) AS outcome
FROM unnest(ARRAY['adv2_csp', 'adv2_auditor', 'ismap_reader', 'ismap_jobs']) r
CROSS JOIN pg_class c
CROSS JOIN unnest(ARRAY['ROW SHARE', 'SHARE UPDATE EXCLUSIVE', 'SHARE', 'SHARE ROW EXCLUSIVE', 'EXCLUSIVE', 'ACCESS EXCLUSIVE']) m
WHERE c.relnamespace IN ('ismap'::regnamespace, 'ismap_internal'::regnamespace) AND c.relkind IN ('r', 'p', 'v', 'm')
  AND pg_temp.try_lock(r, c.oid, m) <> '42501'
ORDER BY 1, 2, 3;
-- no party holds a table-level UPDATE, DELETE or TRUNCATE anywhere (the
-- registrar does, on what it alone edits: docs/security.md, "Roles")
SELECT r AS role, c.oid::regclass AS relation, p AS privilege
FROM unnest(ARRAY['ismap_reader', 'ismap_auditor', 'ismap_csp', 'ismap_jobs']) r
CROSS JOIN pg_class c CROSS JOIN unnest(ARRAY['UPDATE', 'DELETE', 'TRUNCATE']) p
WHERE c.relnamespace IN ('ismap'::regnamespace, 'ismap_internal'::regnamespace) AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
  AND has_table_privilege(r, c.oid, p)
ORDER BY 1, 2, 3;

-- the parties still do their work: an open audit of the same body and
-- service, with a statement, a result and a test of one item
INSERT INTO audit (audit_id, service_id, audit_body_id, lead_auditor_id, target_level, framework_id, period_start, period_end, report_date, scope)
SELECT 9002, service_id, audit_body_id, lead_auditor_id, target_level, framework_id, period_start, period_end, report_date, scope
FROM audit WHERE audit_id = :moved_audit;
INSERT INTO statement_item (audit_id, framework_id, control_id, selected, exclusion_reason)
SELECT 9002, framework_id, control_id, selected, exclusion_reason FROM statement_item WHERE audit_id = :moved_audit;
SELECT min(control_id) AS tested_control, max(control_id) AS untested_control FROM statement_item WHERE audit_id = 9002 \gset
INSERT INTO audit_result (audit_id, control_id, result, rationale) VALUES (9002, :'tested_control', 'effective', 'seen working');
INSERT INTO control_test (audit_id, control_id, frequency, population, sample_size, deviations)
VALUES (9002, :'tested_control', 'daily', 250, 25, 0);
-- another party's rows: an audit of another body and another provider
SELECT a.audit_id AS foreign_audit, r.control_id AS foreign_control FROM audit a
JOIN audit_result r USING (audit_id) JOIN service s ON s.service_id = a.service_id
WHERE a.audit_body_id <> :moved_body AND s.csp_id <> (SELECT csp_id FROM service WHERE service_id = :moved_service)
ORDER BY a.audit_id, r.control_id LIMIT 1 \gset
SET ROLE adv2_csp;
UPDATE statement_item SET exclusion_reason = 'reworded' WHERE audit_id = 9002 AND control_id = :'untested_control';
DELETE FROM statement_item WHERE audit_id = 9002 AND control_id = :'untested_control';
\echo :LAST_ERROR_SQLSTATE
SELECT audit_id, control_id, exclusion_reason FROM delete_statement_item(9002, :'untested_control');
-- a result rests on this one (no cascade)
SELECT delete_statement_item(9002, :'tested_control');
\echo :LAST_ERROR_SQLSTATE
-- another party's item and a missing one: the same answer
SELECT delete_statement_item(:foreign_audit, :'foreign_control');
\echo :LAST_ERROR_SQLSTATE
SELECT delete_statement_item(9002, '99.99.99');
\echo :LAST_ERROR_SQLSTATE
SELECT delete_statement_item(NULL, '99.99.99');
\echo :LAST_ERROR_SQLSTATE
-- the group role acts for no provider
SET ROLE ismap_csp;
SELECT delete_statement_item(9002, :'tested_control');
\echo :LAST_ERROR_SQLSTATE
SET ROLE adv2_auditor;
UPDATE audit_result SET rationale = 'seen working, twice' WHERE audit_id = 9002 AND control_id = :'tested_control';
DELETE FROM control_test WHERE audit_id = 9002;
\echo :LAST_ERROR_SQLSTATE
SELECT audit_id, control_id, sample_size FROM delete_control_test(9002, :'tested_control');
SELECT delete_audit_result(:foreign_audit, :'foreign_control');
\echo :LAST_ERROR_SQLSTATE
SELECT delete_control_test(9002, :'tested_control');
\echo :LAST_ERROR_SQLSTATE
-- the provider's function is not the auditor's
SELECT delete_statement_item(9002, :'tested_control');
\echo :LAST_ERROR_SQLSTATE
-- an application on the audit, withdrawn: the audit is closed
RESET ROLE;
INSERT INTO application (application_id, service_id, audit_id, requested_level, submitted_on)
SELECT 9002, service_id, 9002, target_level, '2026-09-01' FROM audit WHERE audit_id = 9002;
UPDATE application SET status = 'withdrawn', decided_on = '2026-09-02' WHERE application_id = 9002;
SET ROLE adv2_auditor;
SELECT delete_audit_result(9002, :'tested_control');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SELECT audit_id, control_id, rationale FROM audit_result WHERE audit_id = 9002;
SELECT count(*) AS items_left FROM statement_item WHERE audit_id = 9002;
-- a platform of a service without a registration in force: removed, and
-- the removal is an event; another provider's platform is not
INSERT INTO service (service_id, csp_id, name, scope, delivery_models, deployment_models)
SELECT 9003, csp_id, 'a service on a platform', 'all of it', '{SaaS}', '{public}' FROM service WHERE service_id = :moved_service;
SELECT d.service_id AS foreign_dep, d.base_service_id AS foreign_base FROM service_dependency d
JOIN service s ON s.service_id = d.service_id
WHERE s.csp_id <> (SELECT csp_id FROM service WHERE service_id = :moved_service)
ORDER BY 1, 2 LIMIT 1 \gset
SET ROLE adv2_csp;
INSERT INTO service_dependency (service_id, base_service_id) VALUES (9003, :moved_service);
DELETE FROM service_dependency WHERE service_id = 9003;
\echo :LAST_ERROR_SQLSTATE
SELECT service_id, base_service_id FROM delete_service_dependency(9003, :moved_service);
SELECT delete_service_dependency(9003, :moved_service);
\echo :LAST_ERROR_SQLSTATE
SELECT delete_service_dependency(:foreign_dep, :foreign_base);
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SELECT kind FROM ismap_internal.pending_event WHERE service_id = 9003 ORDER BY pending_id;
SELECT count(*) AS foreign_dependency_kept FROM service_dependency WHERE service_id = :foreign_dep AND base_service_id = :foreign_base;
