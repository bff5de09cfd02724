-- demo/70_changes.sql — change management and continuous monitoring on the
-- generated registry, after demo/60_jobs.sql: a platform reports an
-- architecture change that nobody audits, the changes job writes a notice
-- before the window ends and then suspends the platform and what is built
-- on it; a control whose evidence crosses the limit gets one notice.
\pset footer off
SET search_path = ismap, public;
\if :{?ismap_jobs}
\else
\set ismap_jobs ismap-jobs
\endif
\setenv ISMAP_JOBS :ismap_jobs
\setenv PGDATABASE :DBNAME

\echo
\echo '== Change management (see docs/monitoring.md) =='
-- the live platform with the most live registrations built on it
SELECT r.service_id AS platform, r.registration_number AS platform_number, s.name AS platform_name
FROM registration r JOIN service s ON s.service_id = r.service_id
WHERE r.status = 'active' AND r.valid_until >= '2027-06-01'
  AND EXISTS (SELECT 1 FROM service_dependency d WHERE d.base_service_id = r.service_id)
ORDER BY (SELECT count(*) FROM delisting_impact(r.service_id)) DESC, r.service_id
LIMIT 1 \gset
\echo '-- the demo shortens the audit window to three months'
UPDATE policy SET value = '"3 months"' WHERE name = 'change_audit_window';
\echo '-- the provider reports an architecture change (material: a new audit is needed), and a minor one'
INSERT INTO service_change (service_id, kind, effective_on, description, reported_by, reported_on) VALUES
	(:platform, 'architecture', '2027-01-15', 'database tier moved to a new region', 'provider security office', '2027-01-10'),
	(:platform, 'minor', '2027-01-20', 'new console theme', 'provider security office', '2027-01-10');
SELECT change_id, kind, material, effective_on, due_on, status FROM change_status('2027-03-20')
WHERE service_id = :platform ORDER BY change_id;
\echo '-- what a suspension would reach: the walk of a delisting'
SELECT i.depth, i.via, r.registration_number, s.name
FROM delisting_impact(:platform) i JOIN registration r USING (registration_id) JOIN service s ON s.service_id = i.service_id
ORDER BY i.depth, r.registration_number;
\echo '-- 2027-03-20: thirty days before the window ends, a notice'
\! "$ISMAP_JOBS" --allow-future-date --as-of 2027-03-20 changes
\echo '-- 2027-04-16: the window has passed without an audit: suspended, with everything built on it'
\! "$ISMAP_JOBS" --allow-future-date --as-of 2027-04-16 changes
SELECT r.registration_number, s.name, r.status, r.end_reason
FROM registration r JOIN service s USING (service_id)
WHERE r.status = 'suspended' ORDER BY r.registration_number;
\echo '-- each step is an event of the hash-chained log'
SELECT kind, count(*) AS events, min(event_id) AS first_event, max(event_id) AS last_event
FROM registry_event WHERE event_id >= (SELECT min(event_id) FROM registry_event WHERE kind = 'change_reported')
GROUP BY kind ORDER BY first_event;
SELECT * FROM verify_event_chain();

\echo
\echo '== Continuous monitoring: control evidence from the provider''s own tools =='
\echo '-- partitions: the job runs above made them ahead (evidence_months_ahead); ensure_evidence_partitions'
\echo '-- makes any month still missing (none here)'
SELECT * FROM ensure_evidence_partitions('2027-01-01', '2027-02-28');
\echo '-- three controls observed daily since January; 6.1.1.2 starts failing in April'
INSERT INTO control (framework_id, control_id, title)
SELECT 'ismap', c, 'demo control ' || c FROM unnest(ARRAY['6.1.1.1', '6.1.1.2', '6.1.1.3']::ctrlid[]) c
ON CONFLICT DO NOTHING;
INSERT INTO evidence (service_id, control_id, occurred_at, outcome, source, reference)
SELECT :platform, c, day + time '03:00',
	   CASE WHEN c = '6.1.1.2' AND day >= '2027-04-05' AND extract(day FROM day)::int % 4 = 0 THEN 'fail' ELSE 'pass' END,
	   'provider-siem', 'daily check ' || to_char(day, 'YYYY-MM-DD')
FROM generate_series(timestamp '2027-01-01', '2027-04-30', '1 day') day, unnest(ARRAY['6.1.1.1', '6.1.1.2', '6.1.1.3']::ctrlid[]) c;
SELECT tableoid::regclass AS partition, count(*) FROM evidence GROUP BY 1 ORDER BY 1;
\echo '-- a month without a partition is an error, not a lost row'
\set ON_ERROR_STOP 0
INSERT INTO evidence VALUES (:platform, '6.1.1.1', '2031-01-01 00:00+00', 'pass', 'provider-siem', NULL);
\set ON_ERROR_STOP 1
\echo '-- control health over the last 90 days on 2027-04-30 (tolerable rate 10 %, confidence 90 %)'
SELECT control_id, observations, deviations, round(upper_limit::numeric, 4) AS upper_limit, exceeds
FROM control_health(:platform, '2027-04-30', '90 days');
\echo '-- the changes job sees the crossing once, on 2027-04-30, and not again the next day'
\! "$ISMAP_JOBS" --allow-future-date --as-of 2027-04-30 changes
\! "$ISMAP_JOBS" --allow-future-date --as-of 2027-05-01 changes
SELECT kind, object_id, occasion, detail FROM notice
WHERE kind IN ('change_audit_due', 'control_limit_exceeded') ORDER BY notice_id;
