-- change management and continuous monitoring: reported changes and their
-- events, the changes job (notices before a change's window ends,
-- suspension past it cascading like a delisting, restoration through a
-- renewal covering the change), evidence partitions, control_health and
-- one notice per crossing of the limit
\i test/regress/setup.psql
SET search_path = ismap, public;
SET extra_float_digits = 0;
SET datestyle = 'ISO, YMD';
\set VERBOSITY terse

-------------------------------------------------------------------------------
-- a small registry: platform P (1); A (2) on P; B (3) on A; S (4) on P but
-- self-assessed; M (5) alone.  All registered on 2025-06-01.
-------------------------------------------------------------------------------
INSERT INTO framework (framework_id, title) VALUES ('ismap', 'test standard');
INSERT INTO control (framework_id, control_id, title) VALUES ('ismap', '5.1.1.1', 'policy document');
INSERT INTO csp (csp_id, name, corporate_number) VALUES (1, 'Platform KK', '7000012050002');
INSERT INTO audit_body (audit_body_id, name, corporate_number)
VALUES (1, 'Audit 1 LLC', corporate_number_check_digit('010401000001')::text || '010401000001');
INSERT INTO auditor (auditor_id, audit_body_id, name, nationality, experience_years) VALUES (1, 1, 'Auditor 1', 'JP', 10);
INSERT INTO service (service_id, csp_id, name, scope, delivery_models, deployment_models)
SELECT i, 1, n, 'service ' || n, CASE WHEN i = 1 THEN '{IaaS}' ELSE '{SaaS}' END::delivery_model[], '{public}'
FROM unnest(ARRAY['P cloud', 'A mail', 'B archive', 'S forms', 'M chat']) WITH ORDINALITY u(n, i);
INSERT INTO service_dependency (service_id, base_service_id) VALUES (2, 1), (3, 2), (4, 1);
INSERT INTO audit (audit_id, service_id, audit_body_id, lead_auditor_id, target_level, framework_id,
	period_start, period_end, report_date, scope)
SELECT s.service_id, s.service_id, 1, 1, 2, 'ismap', '2024-04-01', '2025-03-31', '2025-05-15', s.scope
FROM service s;
UPDATE service_dependency SET self_assessed_audit_id = 4 WHERE service_id = 4;
INSERT INTO application (application_id, service_id, audit_id, requested_level, kind, submitted_on)
SELECT s.service_id, s.service_id, s.service_id, 2, 'new', '2025-05-20' FROM service s;
SELECT r.registration_id, r.service_id, r.registration_number, r.valid_until
FROM application a CROSS JOIN LATERAL register(a.application_id, '2025-06-01') r ORDER BY 1;

-------------------------------------------------------------------------------
-- reported changes: rules, events, immutability
-------------------------------------------------------------------------------
SELECT name, value FROM policy WHERE name ~ '^(change|evidence)_' ORDER BY name;
INSERT INTO service_change (change_id, service_id, kind, effective_on, description, reported_by, reported_on) VALUES
	(1, 1, 'architecture', '2025-09-01', 'storage moved to a new region', 'Platform KK security office', '2025-08-20'),
	(2, 5, 'minor', '2025-09-01', 'new operator console theme', 'Platform KK', '2025-08-20');
INSERT INTO service_change (service_id, kind, effective_on, description, reported_by)
VALUES (1, 'rebranding', '2025-09-01', 'x', 'y');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO service_change (service_id, kind, effective_on, description, reported_by)
VALUES (1, 'governance', '2025-09-01', '  ', 'y');
\echo :LAST_ERROR_SQLSTATE
UPDATE service_change SET description = 'storage stays where it was' WHERE change_id = 1;
\echo :LAST_ERROR_SQLSTATE
UPDATE service_change SET covered_by = 1 WHERE change_id = 2;
\echo :LAST_ERROR_SQLSTATE
DELETE FROM service_change WHERE change_id = 2;
\echo :LAST_ERROR_SQLSTATE
TRUNCATE service_change CASCADE;
\echo :LAST_ERROR_SQLSTATE
SELECT change_id, kind, material FROM service_change ORDER BY 1;
-- each reported change is an event of the chain, on the service's
-- registration: queued by the report (no chain lock in the reporter's
-- transaction), chained by the next append or the changes job (here by
-- hand, under the chain lock)
SELECT kind, service_id, payload->>'change_id' AS change_id FROM ismap_internal.pending_event ORDER BY pending_id;
SELECT ismap_internal.chain_pending_events() AS chained FROM (SELECT 1 FROM ismap_internal.serial_lock WHERE lock_name = 'event chain' FOR UPDATE) l;
SELECT kind, registration_id, service_id, payload->>'change_id' AS change_id, payload->>'kind' AS change_kind,
	   payload->>'material' AS material, payload->>'effective_on' AS effective_on
FROM registry_event WHERE kind LIKE 'change%' ORDER BY event_id;
SELECT * FROM change_status('2025-12-31') ORDER BY change_id;
SELECT count(*) AS reported_later FROM change_status('2025-08-19');

-------------------------------------------------------------------------------
-- arguments and locks
-------------------------------------------------------------------------------
SELECT * FROM run_changes(NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM run_changes('infinity');
\echo :LAST_ERROR_SQLSTATE
SELECT lock_key, lock_name FROM job JOIN ismap_internal.serial_lock ON lock_name = 'job:' || job_name WHERE job_name = 'changes';
UPDATE policy SET value = '"soon"' WHERE name = 'change_notice_days';
SELECT * FROM run_changes('2025-12-01');
\echo :LAST_ERROR_SQLSTATE
UPDATE policy SET value = '[60, 30, 7]' WHERE name = 'change_notice_days';
UPDATE policy SET value = '-1' WHERE name = 'evidence_months_ahead';
SELECT * FROM run_changes('2025-12-01');
\echo :LAST_ERROR_SQLSTATE
UPDATE policy SET value = '3' WHERE name = 'evidence_months_ahead';
SELECT count(*) AS runs_recorded FROM job_run;

-------------------------------------------------------------------------------
-- the window of change 1 ends on 2026-03-01: notices at 60, 30, 7 days
-------------------------------------------------------------------------------
-- a dry run shows and records nothing (no partitions either)
SELECT * FROM run_changes('2026-01-05', true);
SELECT count(*) AS runs, (SELECT count(*) FROM pg_inherits WHERE inhparent = 'ismap.evidence'::regclass) AS partitions FROM job_run;
SELECT * FROM run_changes('2026-01-05');
SELECT * FROM run_changes('2026-01-05');
SELECT * FROM run_changes('2026-02-25');
SELECT * FROM run_changes('2026-03-01');
SELECT kind, object_id, occasion, window_days, as_of, detail FROM notice ORDER BY notice_id;

-------------------------------------------------------------------------------
-- past the window: P is suspended, and A and B built on it; S (self-
-- assessed) and M (minor change only) are not
-------------------------------------------------------------------------------
SELECT * FROM run_changes('2026-03-02', true);
SELECT * FROM run_changes('2026-03-02');
SELECT * FROM run_changes('2026-03-02');
SELECT registration_id, service_id, status, end_reason, cascaded_from, cascade_path
FROM registration ORDER BY registration_id;
SELECT change_id, registration_id, depth, via, suspended_on, lifted_on FROM change_suspension ORDER BY 2;
SELECT * FROM change_status('2026-03-02') ORDER BY change_id;
-- a suspended registration is still the service's one live registration
SELECT service_id, registration_number, status FROM registry ORDER BY service_id;

-------------------------------------------------------------------------------
-- a renewal whose audit covers the change restores P through ismap.register;
-- the next run records the coverage and reinstates A and B
-------------------------------------------------------------------------------
INSERT INTO audit (audit_id, service_id, audit_body_id, lead_auditor_id, target_level, framework_id,
	period_start, period_end, report_date, scope)
VALUES (11, 1, 1, 1, 2, 'ismap', '2025-04-01', '2026-03-31', '2026-04-20', 'P cloud, new region included');
INSERT INTO application (application_id, service_id, audit_id, requested_level, kind, submitted_on)
VALUES (11, 1, 11, 2, 'renewal', '2026-04-25');
SELECT registration_id, registration_number, status, registered_on, valid_until FROM register(11, '2026-05-01');
SELECT * FROM run_changes('2026-05-02', true);
SELECT * FROM run_changes('2026-05-02');
SELECT * FROM run_changes('2026-05-02');
SELECT registration_id, service_id, status, end_reason, cascaded_from, cascade_path
FROM registration ORDER BY registration_id;
SELECT change_id, covered_by, covered_on FROM service_change ORDER BY 1;
SELECT change_id, registration_id, suspended_on, lifted_on FROM change_suspension ORDER BY 2;
-- the whole story is in the chain
SELECT kind, registration_id, service_id FROM registry_event
WHERE event_id > (SELECT min(event_id) FROM registry_event WHERE kind = 'change_reported')
ORDER BY event_id;
SELECT * FROM verify_event_chain();

-------------------------------------------------------------------------------
-- evidence: monthly partitions, made ahead by the job; a month without a
-- partition is an error, never a lost row
-------------------------------------------------------------------------------
SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) AS bound
FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
WHERE i.inhparent = 'ismap.evidence'::regclass ORDER BY 1;
INSERT INTO evidence VALUES (1, '5.1.1.1', '2027-01-15 09:00+09', 'pass', 'siem', 'run 1');
\echo :LAST_ERROR_SQLSTATE
COPY evidence FROM stdin;
1	5.1.1.1	2026-05-03 10:00:00+00	pass	siem	run 2
1	5.1.1.1	2031-05-03 10:00:00+00	pass	siem	run 3
\.
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS rows_kept FROM evidence;
INSERT INTO evidence VALUES (1, '5.1.1.1', '2026-05-03 10:00+00', 'unknown', 'siem', NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM ensure_evidence_partitions('2026-12-31', '2027-01-01');
SELECT * FROM ensure_evidence_partitions('2026-12-31', '2027-01-01');
SELECT * FROM ensure_evidence_partitions('2027-02-01', '2027-01-01');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM ensure_evidence_partitions('2000-01-01', '2100-01-01');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO evidence VALUES (1, '5.1.1.1', '2027-01-15 09:00+09', 'pass', 'siem', 'run 1');
SELECT tableoid::regclass AS partition, count(*) FROM evidence GROUP BY 1 ORDER BY 1;
-- partitions made at run time are not members of the extension (pg_dump keeps them)
SELECT count(*) AS member_partitions FROM pg_depend d JOIN pg_inherits i ON i.inhrelid = d.objid
WHERE d.classid = 'pg_class'::regclass AND d.deptype = 'e' AND i.inhparent = 'ismap.evidence'::regclass;

-------------------------------------------------------------------------------
-- control health and crossings of the limit: a 10-day window; control
-- 5.1.1.2 fails on 2026-05-10 and 2026-06-05, 5.1.1.1 never
-------------------------------------------------------------------------------
TRUNCATE evidence;
INSERT INTO control (framework_id, control_id, title) VALUES ('ismap', '5.1.1.2', 'access review');
INSERT INTO evidence (service_id, control_id, occurred_at, outcome, source, reference)
SELECT 1, c::ctrlid, day + time '12:00', CASE WHEN c = '5.1.1.2' AND day::date IN ('2026-05-10', '2026-06-05') THEN 'fail' ELSE 'pass' END,
	   'monitor', 'check ' || to_char(day, 'YYYYMMDD')
FROM generate_series(timestamp '2026-05-01', '2026-06-30', '1 day') day, unnest(ARRAY['5.1.1.1', '5.1.1.2']) c;
SELECT control_id, observations, deviations, round(upper_limit::numeric, 4) AS upper_limit, exceeds
FROM control_health(1, '2026-05-11', '10 days') ORDER BY 1;
SELECT control_id, observations, deviations, round(upper_limit::numeric, 4) AS upper_limit, exceeds
FROM control_health(1, '2026-06-30') ORDER BY 1;
SELECT count(*) FROM control_health(2, '2026-06-30');
SELECT * FROM control_health(99, '2026-06-30');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM control_health(1, '2026-06-30', '-1 day');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM control_health(1, NULL);
\echo :LAST_ERROR_SQLSTATE
UPDATE policy SET value = '"10 days"' WHERE name = 'evidence_window';
SELECT * FROM run_changes('2026-05-11', true);
SELECT * FROM run_changes('2026-05-11');
SELECT * FROM run_changes('2026-05-11');
SELECT * FROM run_changes('2026-05-15');
SELECT * FROM run_changes('2026-05-25');
SELECT * FROM run_changes('2026-06-06');
SELECT * FROM run_changes('2026-06-06');
SELECT crossing_id, service_id, control_id, crossed_on, observations, deviations, round(upper_limit::numeric, 4) AS upper_limit, cleared_on
FROM control_crossing ORDER BY 1;
SELECT kind, object_id, occasion, detail FROM notice WHERE kind = 'control_limit_exceeded' ORDER BY notice_id;

-------------------------------------------------------------------------------
-- the ledger, the dump and privileges
-------------------------------------------------------------------------------
SELECT job, as_of, status, actions FROM job_run ORDER BY run_id;
SELECT job, last_success_as_of, last_status FROM job_health ORDER BY job;
SELECT c.relname FROM pg_extension e, unnest(e.extconfig) t JOIN pg_class c ON c.oid = t
WHERE e.extname = 'ismap' AND c.relname ~ '^(service_change|change_suspension|control_crossing|evidence)' ORDER BY 1;
SELECT p.proname, has_function_privilege('public', p.oid, 'EXECUTE') AS public_may_run
FROM pg_proc p WHERE p.pronamespace = 'ismap'::regnamespace
  AND p.proname IN ('run_changes', 'ensure_evidence_partitions', 'control_health', 'change_status')
ORDER BY 1;
-- 0.3.0 keeps only the name run_changes (0.2.0 also had run_change_checks)
SELECT to_regprocedure('ismap.run_change_checks(date, boolean)') IS NULL AS alias_gone;
SELECT * FROM verify_event_chain();
-- a change that arrives by COPY writes its event like one inserted; only
-- a session under session_replication_role = replica (a superuser's
-- restore, whose events come with the event log's own rows) writes none
SELECT count(*) AS events_before FROM registry_event \gset
COPY service_change (change_id, service_id, kind, effective_on, description, reported_by, reported_on) FROM stdin;
3	5	minor	2025-10-01	a restored row	Platform KK	2025-09-30
\.
SELECT count(*) - :events_before + (SELECT count(*) FROM ismap_internal.pending_event) AS events_written_by_copy FROM registry_event;
INSERT INTO service_change (change_id, service_id, kind, effective_on, description, reported_by, reported_on)
VALUES (4, 5, 'minor', '2025-10-02', 'an inserted row', 'Platform KK', '2025-10-01');
SELECT count(*) - :events_before + (SELECT count(*) FROM ismap_internal.pending_event) AS events_written_by_insert FROM registry_event;
SET session_replication_role = replica;
COPY service_change (change_id, service_id, kind, effective_on, description, reported_by, reported_on) FROM stdin;
5	5	minor	2025-10-03	a row restored under replica	Platform KK	2025-10-02
\.
RESET session_replication_role;
SELECT count(*) - :events_before + (SELECT count(*) FROM ismap_internal.pending_event) AS events_written_under_replica FROM registry_event;
