-- Tenants cannot stall each other (M2) and a registered service's platforms
-- are frozen (M5), as the provider role: the attacks of the adversarial
-- campaign (docs/security.md), and what the fixes promise (every reported
-- change gets exactly one event, nothing of an aborted report stays).  The
-- concurrency itself is in specs/tenants.spec.
\i test/regress/setup.psql
SET search_path = ismap, public;
\set VERBOSITY terse
-- provider A (csp 1): service 1, registered, built on service 2 of
-- provider B (csp 2), registered too; service 3 of A, not registered;
-- service 4 of B with an application pending
INSERT INTO framework (framework_id, title) VALUES ('ismap', 'test standard');
INSERT INTO control (framework_id, control_id, title) VALUES ('ismap', '5.1.1', 'policies');
INSERT INTO csp (csp_id, name, corporate_number) VALUES (1, 'Cloud KK', '7000012050002'), (2, 'Platform KK', '1180301018771');
INSERT INTO audit_body (audit_body_id, name, corporate_number) VALUES (1, 'Audit LLC', '1180301018771');
INSERT INTO auditor (auditor_id, audit_body_id, name, nationality, experience_years) VALUES (1, 1, 'Sato', 'JP', 10);
INSERT INTO service (service_id, csp_id, name, scope, delivery_models, deployment_models)
SELECT i, CASE WHEN i IN (1, 3) THEN 1 ELSE 2 END, 'service ' || i, 'scope', ARRAY['SaaS']::delivery_model[], ARRAY['public']::deployment_model[]
FROM generate_series(1, 4) i;
INSERT INTO audit (audit_id, service_id, audit_body_id, lead_auditor_id, target_level, framework_id,
	period_start, period_end, report_date, scope)
SELECT i, i, 1, 1, 2, 'ismap', '2025-04-01', '2026-03-31', '2026-05-01', 'scope' FROM generate_series(1, 4) i;
INSERT INTO application (application_id, service_id, audit_id, requested_level, submitted_on)
VALUES (1, 1, 1, 2, '2026-06-01'), (2, 2, 2, 2, '2026-06-01'), (4, 4, 4, 2, '2026-06-01');
-- the pending one passed the acceptance check: the committee may decide it
UPDATE application SET status = 'accepted', accepted_on = '2026-06-02' WHERE application_id = 4;
INSERT INTO service_dependency (service_id, base_service_id) VALUES (1, 2);
SELECT registration_number FROM register(2, '2026-06-15');
SELECT registration_number FROM register(1, '2026-06-15');
\set dep_service 1
\set dep_base 2
\set new_service 3
\set pending_app 4
DO $$ BEGIN CREATE ROLE tenants_csp LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
GRANT ismap_csp TO tenants_csp;
SELECT count(*) AS bound FROM principal('tenants_csp', p_csp_id => 1);
-- start from an empty queue
SELECT ismap_internal.chain_pending_events() >= 0 AS chained FROM (SELECT 1 FROM ismap_internal.serial_lock WHERE lock_name = 'event chain' FOR UPDATE) l;
SELECT max(event_id) AS events_before FROM registry_event \gset

-------------------------------------------------------------------------------
-- M2: a provider's change report took the event chain's lock and held it to
-- its commit, stalling every decision and job.  The report now queues its
-- event: the provider's transaction holds no advisory lock at all
-------------------------------------------------------------------------------
SET ROLE tenants_csp;
BEGIN;
INSERT INTO service_change (service_id, kind, effective_on, description, reported_by)
VALUES (:dep_service, 'minor', '2026-09-01', 'new console theme', 'security office');
INSERT INTO service_dependency (service_id, base_service_id) VALUES (:new_service, :dep_base);
SELECT count(*) AS advisory_locks_held FROM pg_locks
WHERE locktype = 'advisory' AND pid = pg_backend_pid();
-- nobody but the chaining step touches the queue, the provider least
SELECT count(*) FROM ismap_internal.pending_event;
\echo :LAST_ERROR_SQLSTATE
ROLLBACK;
RESET ROLE;
-- the rolled back transaction (a killed session's ends the same way) left
-- nothing: no change, no queued event, no event
SELECT (SELECT count(*) FROM service_change WHERE description = 'new console theme') AS changes,
	   (SELECT count(*) FROM ismap_internal.pending_event) AS pending,
	   (SELECT count(*) FROM registry_event WHERE event_id > :events_before) AS events;

-- committed reports wait in the queue, each with its payload from the row
-- and its reporter, until the next append chains them
SET ROLE tenants_csp;
INSERT INTO service_change (service_id, kind, effective_on, description, reported_by)
VALUES (:dep_service, 'minor', '2026-09-01', 'new console theme', 'security office'),
	   (:dep_service, 'minor', '2026-09-02', 'new API version', 'security office');
INSERT INTO service_dependency (service_id, base_service_id) VALUES (:new_service, :dep_base);
RESET ROLE;
SELECT kind, service_id = :dep_service OR service_id = :new_service AS own_service, actor,
	   payload - 'change_id' - 'service_id' - 'base_service_id' - 'reported_on' AS payload
FROM ismap_internal.pending_event ORDER BY pending_id;
SELECT count(*) AS events_so_far FROM registry_event WHERE event_id > :events_before;
-- the queue is append-only: no update, no truncate, no delete outside the
-- chaining step (even for the owner)
UPDATE ismap_internal.pending_event SET actor = 'someone else';
\echo :LAST_ERROR_SQLSTATE
DELETE FROM ismap_internal.pending_event;
\echo :LAST_ERROR_SQLSTATE
TRUNCATE ismap_internal.pending_event;
\echo :LAST_ERROR_SQLSTATE
SET session_replication_role = replica;
DELETE FROM ismap_internal.pending_event;
\echo :LAST_ERROR_SQLSTATE
RESET session_replication_role;
-- the next decision chains them first, in order, then writes its own
SELECT status FROM reject_application(:pending_app, 'audit report incomplete');
SELECT kind, actor = 'tenants_csp' AS by_provider
FROM registry_event WHERE event_id > :events_before ORDER BY event_id;
SELECT count(*) AS pending FROM ismap_internal.pending_event;
SELECT ok FROM verify_event_chain();

-- the changes job chains what is queued too (a report with no decision
-- after it still reaches the log)
SET ROLE tenants_csp;
INSERT INTO service_change (service_id, kind, effective_on, description, reported_by)
VALUES (:dep_service, 'minor', '2026-09-03', 'new region label', 'security office');
RESET ROLE;
SELECT action, detail FROM run_job('changes', '2026-10-01') WHERE action = 'events_chained';
-- a dry run counts them without chaining
SET ROLE tenants_csp;
INSERT INTO service_change (service_id, kind, effective_on, description, reported_by)
VALUES (:dep_service, 'minor', '2026-09-04', 'new log format', 'security office');
RESET ROLE;
SELECT action, detail FROM run_job('changes', '2026-10-01', dry_run => true) WHERE action = 'events_chained';
SELECT count(*) AS pending FROM ismap_internal.pending_event;
SELECT action, detail FROM run_job('changes', '2026-10-01') WHERE action = 'events_chained';
-- nothing lost: every reported change has exactly one change_reported event
SELECT count(*) AS changes, count(*) FILTER (WHERE n = 1) AS with_one_event
FROM (SELECT c.change_id, (SELECT count(*) FROM registry_event e
		WHERE e.kind = 'change_reported' AND (e.payload->>'change_id')::bigint = c.change_id) AS n
	  FROM service_change c) x;
SELECT ok FROM verify_event_chain();

-------------------------------------------------------------------------------
-- M5: a provider deleted its platform dependency without a trace, silencing
-- BASE_NOT_REGISTERED and escaping a future delisting cascade.  A
-- registered service's platforms are frozen; every change is an event
-------------------------------------------------------------------------------
SELECT count(*) AS dependencies_before FROM service_dependency \gset
SET ROLE tenants_csp;
SELECT delete_service_dependency(:dep_service, :dep_base);
\echo :LAST_ERROR_SQLSTATE
-- the message, its detail and hint
\set VERBOSITY default
SELECT delete_service_dependency(:dep_service, :dep_base);
\set VERBOSITY terse
-- a minor change, or an architecture change no audit has covered yet,
-- does not unfreeze them
INSERT INTO service_change (service_id, kind, effective_on, description, reported_by)
VALUES (:dep_service, 'architecture', '2026-09-15', 'moved off the platform', 'security office');
SELECT delete_service_dependency(:dep_service, :dep_base);
\echo :LAST_ERROR_SQLSTATE
-- nor does a change dated back into the audited period but reported after
-- the registration (the audit never saw it)
INSERT INTO service_change (service_id, kind, effective_on, description, reported_by)
VALUES (:dep_service, 'architecture', '2024-01-01', 'moved off the platform long ago', 'security office');
SELECT delete_service_dependency(:dep_service, :dep_base);
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
-- nor the owner, nor under replica
DELETE FROM service_dependency WHERE service_id = :dep_service;
\echo :LAST_ERROR_SQLSTATE
SET session_replication_role = replica;
DELETE FROM service_dependency WHERE service_id = :dep_service;
\echo :LAST_ERROR_SQLSTATE
UPDATE service_dependency SET base_service_id = :new_service WHERE service_id = :dep_service AND base_service_id = :dep_base;
\echo :LAST_ERROR_SQLSTATE
RESET session_replication_role;
SELECT count(*) = :dependencies_before AS dependencies_kept FROM service_dependency;
-- a suspended registration is in force too
UPDATE registration SET status = 'suspended', end_reason = 'test' WHERE service_id = :dep_service AND status = 'active';
SET ROLE tenants_csp;
SELECT delete_service_dependency(:dep_service, :dep_base);
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
UPDATE registration SET status = 'active', end_reason = NULL WHERE service_id = :dep_service AND status = 'suspended';

-- adding a platform to a registered service is allowed (more to check,
-- further to cascade), and the service not registered may drop its own:
-- each is an event, in the provider's name
SELECT max(event_id) AS events_before FROM registry_event \gset
SET ROLE tenants_csp;
INSERT INTO service_dependency (service_id, base_service_id) VALUES (:dep_service, :new_service);
SELECT service_id = :new_service AND base_service_id = :dep_base AS removed_own FROM delete_service_dependency(:new_service, :dep_base);
RESET ROLE;
-- (an update that changes nothing is no event)
UPDATE service_dependency SET self_assessed_audit_id = NULL WHERE service_id = :dep_service AND base_service_id = :new_service;
UPDATE service_dependency SET self_assessed_audit_id = 1 WHERE service_id = :dep_service AND base_service_id = :new_service;
SELECT action, detail FROM run_job('changes', '2026-10-01') WHERE action = 'events_chained';
SELECT kind, registration_id IS NOT NULL AS on_registration, actor = 'tenants_csp' AS by_provider,
	   (payload->>'service_id')::bigint IN (:dep_service, :new_service) AS own_service,
	   payload->>'self_assessed_audit_id' AS self_assessed, payload->'old'->>'self_assessed_audit_id' AS was
FROM registry_event WHERE event_id > :events_before ORDER BY event_id;

-- the way out the hint names: an architecture change reported by the day
-- of the registration in force, whose audited period covers it (so the
-- audit saw the service as changed); then the platform can go, with its
-- event
SELECT r.registration_id AS live_reg, a.audit_id AS live_audit, r.registered_on AS live_on
FROM registration r JOIN application a ON a.application_id = r.application_id
WHERE r.service_id = :dep_service AND r.status = 'active' \gset
SET ROLE tenants_csp;
INSERT INTO service_change (service_id, kind, effective_on, description, reported_by)
VALUES (:dep_service, 'architecture', (SELECT period_end FROM audit WHERE audit_id = :live_audit), 'platform replaced', 'security office');
RESET ROLE;
-- reported today: after the registration in force, so still refused
SET ROLE tenants_csp;
SELECT delete_service_dependency(:dep_service, :dep_base);
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
-- had it been reported by the day of that registration, its audit would
-- have seen it (the registrar records such a report with its date)
INSERT INTO service_change (service_id, kind, effective_on, description, reported_by, reported_on)
VALUES (:dep_service, 'architecture', (SELECT period_end FROM audit WHERE audit_id = :live_audit), 'platform replaced (reported in time)', 'registrar', :'live_on');
SET ROLE tenants_csp;
SELECT service_id = :dep_service AND base_service_id = :dep_base AS removed_own FROM delete_service_dependency(:dep_service, :dep_base);
RESET ROLE;
SELECT count(*) AS removed FROM service_dependency WHERE service_id = :dep_service AND base_service_id = :dep_base;
SELECT kind, payload->>'base_service_id' = :'dep_base' AS that_platform, actor = 'tenants_csp' AS by_provider
FROM ismap_internal.pending_event WHERE kind LIKE 'dependency%' ORDER BY pending_id;
SELECT action, detail FROM run_job('changes', '2026-10-01') WHERE action = 'events_chained';
SELECT ok FROM verify_event_chain();

REVOKE ismap_csp FROM tenants_csp;
DROP OWNED BY tenants_csp;
DROP ROLE tenants_csp;
