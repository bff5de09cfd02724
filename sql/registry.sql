-- registry core: parties, classification, audits, registrations, delisting
-- cascade, the hash-chained event log and the reports
\i test/regress/setup.psql
SET search_path = ismap, public;
\set VERBOSITY terse

-------------------------------------------------------------------------------
-- corporate numbers (法人番号): check digit = 9 - (sum of digits weighted
-- 1,2,1,2,... from the right) mod 9
-------------------------------------------------------------------------------
SELECT n, corporate_number_is_valid(n)
FROM (VALUES ('7000012050002'),   -- National Tax Agency
             ('1180301018771'),   -- a listed company
             ('8000012050002'),   -- wrong check digit
             ('700001205000'),    -- 12 digits
             ('70000120500021'),  -- 14 digits
             ('7000O12050002'),   -- letter O
             (' 7000012050002'),
             ('')) v(n);
SELECT corporate_number_check_digit('000012050002') AS nta, corporate_number_check_digit('180301018771') AS other;
SELECT corporate_number_check_digit('12345');
\echo :LAST_ERROR_SQLSTATE

INSERT INTO csp (name, corporate_number) VALUES ('Bad Digit KK', '8000012050002');
\echo :LAST_ERROR_SQLSTATE

-------------------------------------------------------------------------------
-- classification of a system with mixed assets
-------------------------------------------------------------------------------
INSERT INTO organization (name) VALUES ('Digital Agency'), ('Other Ministry');
INSERT INTO information_asset (org_id, name, rating) VALUES
	(1, 'personnel files', 'C3/I2/A2'),
	(1, 'procurement notices', 'C1/I2/A1'),
	(1, 'meeting minutes', 'C2/I2/A1'),
	(1, 'statistics drafts', 'C2/I2/A1'),
	(1, 'public web pages', 'C1/I2/A2'),
	(1, 'internal wiki', 'C2/I1/A1'),
	(2, 'foreign asset', 'C1/I1/A1');
INSERT INTO information_system (org_id, name, business_function, availability) VALUES
	(1, 'HR portal', 'personnel', 2),
	(1, 'Publishing', 'public relations', 1),
	(1, 'Empty', 'none yet', 1);
INSERT INTO system_asset (system_id, asset_id, org_id)
SELECT 1, asset_id, 1 FROM information_asset WHERE org_id = 1;
INSERT INTO system_asset (system_id, asset_id, org_id) VALUES (2, 2, 1), (2, 5, 1);
-- an asset of another organization cannot be attached
INSERT INTO system_asset (system_id, asset_id, org_id) VALUES (1, 7, 1);
\echo :LAST_ERROR_SQLSTATE

SELECT system_id, classify_system(system_id), required_level(system_id)
FROM information_system ORDER BY system_id;
SELECT * FROM classification_findings(1) ORDER BY code;
SELECT * FROM classification_findings(2) ORDER BY code;
SELECT * FROM classification_findings(3) ORDER BY code;

-- aggregation raises confidentiality by one, at most 3
UPDATE information_system SET aggregation_raises = true WHERE system_id IN (1, 2);
SELECT system_id, classify_system(system_id) FROM information_system WHERE system_id IN (1, 2) ORDER BY 1;
UPDATE information_system SET aggregation_raises = false WHERE system_id IN (1, 2);

-- an override needs a reason
UPDATE information_system SET override = 'C2/I2/A2' WHERE system_id = 1;
\echo :LAST_ERROR_SQLSTATE
UPDATE information_system SET override = 'C2/I2/A2', override_reason = '   ' WHERE system_id = 1;
\echo :LAST_ERROR_SQLSTATE
UPDATE information_system SET override = 'C2/I2/A2',
	override_reason = 'personnel files moved to a separate system in April' WHERE system_id = 1;
SELECT classify_system(1), required_level(1);
SELECT code, severity FROM classification_findings(1) ORDER BY code;
UPDATE information_system SET override = NULL, override_reason = NULL WHERE system_id = 1;

SELECT classify_system(999);
\echo :LAST_ERROR_SQLSTATE
INSERT INTO information_system (org_id, name, business_function, availability) VALUES (1, 'x', 'y', 4);
\echo :LAST_ERROR_SQLSTATE

-- the SLA templates are editable defaults
SELECT availability, uptime_pct, rto, rpo FROM sla_template ORDER BY 1;
UPDATE sla_template SET uptime_pct = 99.950 WHERE availability = 3;
UPDATE sla_template SET uptime_pct = 101 WHERE availability = 3;
\echo :LAST_ERROR_SQLSTATE

-------------------------------------------------------------------------------
-- a small control standard for the statements
-------------------------------------------------------------------------------
INSERT INTO framework (framework_id, title) VALUES ('ismap', 'test standard');
INSERT INTO control (framework_id, control_id, title, parent_id) VALUES
	('ismap', '5.1', 'policies', NULL),
	('ismap', '5.1.1', 'policy objective', '5.1'),
	('ismap', '5.1.1.1', 'policy document', '5.1.1'),
	('ismap', '5.1.1.2', 'policy review', '5.1.1'),
	('ismap', '9.4.1.1', 'access restriction', NULL);

-------------------------------------------------------------------------------
-- parties
-------------------------------------------------------------------------------
INSERT INTO csp (csp_id, name, corporate_number) VALUES
	(1, 'Platform KK', '7000012050002'),
	(2, 'Apps KK', '1180301018771');
INSERT INTO audit_body (name, corporate_number) VALUES
	('Audit LLC', '2' || '000012050002');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO audit_body (audit_body_id, name, corporate_number)
VALUES (1, 'Audit LLC', corporate_number_check_digit('010401000001')::text || '010401000001'),
       (2, 'Other Audit LLC', corporate_number_check_digit('010401000002')::text || '010401000002');
INSERT INTO auditor (auditor_id, audit_body_id, name, nationality, experience_years) VALUES
	(1, 1, 'Sato', 'JP', 12), (2, 2, 'Suzuki', 'JP', 5);
INSERT INTO auditor (audit_body_id, name, nationality, experience_years) VALUES (1, 'x', 'Japan', 1);
\echo :LAST_ERROR_SQLSTATE
INSERT INTO auditor_qualification VALUES (1, 'CISA', '2030-03-31'), (2, 'CISSP', NULL);
INSERT INTO audit_body_selection (selection_id, audit_body_id, valid_from, valid_until, next_report_due) VALUES
	(1, 1, '2024-04-01', '2027-03-31', '2025-04-30'),
	(2, 2, '2024-04-01', '2027-03-31', '2025-04-30');
-- suspended from the start of its term (sql/oversight.sql: from a later date)
SELECT status, effective_on FROM set_selection_status(2, 'suspended', '2024-04-01', 'monitoring report overdue');
SELECT selection_id, status, status_reason, next_report_due FROM audit_body_selection ORDER BY 1;
SELECT set_selection_status(2, 'revoked', '2024-05-01', NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT set_selection_status(2, 'retired', '2024-05-01', 'x');
\echo :LAST_ERROR_SQLSTATE
UPDATE audit_body_selection SET status = 'revoked', status_reason = 'quietly' WHERE selection_id = 2;
\echo :LAST_ERROR_SQLSTATE
INSERT INTO audit_body_selection (audit_body_id, valid_from, valid_until) VALUES (1, '2024-04-01', '2024-04-01');
\echo :LAST_ERROR_SQLSTATE

-- services: the responsibility split has a documented shape
INSERT INTO service (service_id, csp_id, name, scope, delivery_models, deployment_models, responsibility) VALUES
	(1, 1, 'Base Cloud', 'compute, storage and network in Tokyo and Osaka regions', '{IaaS,PaaS}', '{public}',
	 '{"IaaS": {"provider": ["facilities", "hypervisor"], "customer": ["guest OS", "data"]}, "PaaS": {"shared": ["patching"]}}');
INSERT INTO service (csp_id, name, scope, delivery_models, deployment_models, responsibility) VALUES
	(2, 'Wrong Model', 'x', '{SaaS}', '{public}', '{"IaaS": {"provider": []}}');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO service (csp_id, name, scope, delivery_models, deployment_models, responsibility) VALUES
	(2, 'Wrong Party', 'x', '{SaaS}', '{public}', '{"SaaS": {"vendor": ["all"]}}');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO service (csp_id, name, scope, delivery_models, deployment_models, responsibility) VALUES
	(2, 'Not An Array', 'x', '{SaaS}', '{public}', '{"SaaS": {"provider": "all"}}');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO service (csp_id, name, scope, delivery_models, deployment_models) VALUES
	(2, 'No Model', 'x', '{}', '{public}');
\echo :LAST_ERROR_SQLSTATE
-- services 2..9: B runs on A (Base Cloud), C on B, D on B and E, E on A,
-- P and Q on each other and Q on A, S on A but self-assessed
INSERT INTO service (service_id, csp_id, name, scope, delivery_models, deployment_models)
SELECT i + 1, 2, n, 'service ' || n, '{SaaS}', '{public}'
FROM unnest(ARRAY['B mail', 'C archive', 'D analytics', 'E identity', 'P chat', 'Q meetings', 'S forms']) WITH ORDINALITY u(n, i);
SELECT service_id, name FROM service ORDER BY service_id;
INSERT INTO service_dependency (service_id, base_service_id) VALUES
	(2, 1), (3, 2), (4, 2), (4, 5), (5, 1), (6, 7), (7, 6), (7, 1), (8, 1);
INSERT INTO service_dependency (service_id, base_service_id) VALUES (1, 1);
\echo :LAST_ERROR_SQLSTATE

-------------------------------------------------------------------------------
-- audits, statements, results
-------------------------------------------------------------------------------
-- one audit per service, period FY2025, audit body 1
INSERT INTO audit (service_id, audit_body_id, lead_auditor_id, target_level, framework_id,
	period_start, period_end, report_date, scope)
SELECT service_id, 1, 1, 2, 'ismap', '2025-04-01', '2026-03-31', '2026-05-15', scope
FROM service ORDER BY service_id;
-- the period must be in order; the report follows the period
INSERT INTO audit (service_id, audit_body_id, lead_auditor_id, target_level, framework_id,
	period_start, period_end, report_date, scope)
VALUES (1, 1, 1, 2, 'ismap', '2026-04-01', '2026-03-31', '2026-05-15', 'x');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO audit (service_id, audit_body_id, lead_auditor_id, target_level, framework_id,
	period_start, period_end, report_date, scope)
VALUES (1, 1, 1, 2, 'ismap', '2025-04-01', '2026-03-31', '2026-03-01', 'x');
\echo :LAST_ERROR_SQLSTATE
-- the lead auditor belongs to the audit body
INSERT INTO audit (service_id, audit_body_id, lead_auditor_id, target_level, framework_id,
	period_start, period_end, report_date, scope)
VALUES (1, 1, 2, 2, 'ismap', '2025-04-01', '2026-03-31', '2026-05-15', 'x');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO audit (service_id, audit_body_id, lead_auditor_id, kind, target_level, framework_id,
	period_start, period_end, report_date, scope)
VALUES (1, 1, 1, 'self', 1, 'ismap', '2025-04-01', '2026-03-31', '2026-05-15', 'x');
\echo :LAST_ERROR_SQLSTATE

INSERT INTO statement_item (audit_id, framework_id, control_id, selected, exclusion_reason)
SELECT a.audit_id, 'ismap', c.control_id, c.control_id <> '9.4.1.1',
	   CASE WHEN c.control_id = '9.4.1.1' THEN 'no user access' END
FROM audit a CROSS JOIN control c WHERE c.framework_id = 'ismap';
-- one statement item per control (in any spelling), only controls of the standard
INSERT INTO statement_item (audit_id, framework_id, control_id, selected) VALUES (1, 'ismap', '5.1.1.01', true);
\echo :LAST_ERROR_SQLSTATE
INSERT INTO statement_item (audit_id, framework_id, control_id, selected) VALUES (1, 'ismap', '5.1.1.3', true);
\echo :LAST_ERROR_SQLSTATE
INSERT INTO statement_item (audit_id, framework_id, control_id, selected) VALUES (2, 'nist', 'AC-2', true);
\echo :LAST_ERROR_SQLSTATE
INSERT INTO audit_result (audit_id, control_id, result)
SELECT audit_id, control_id, 'effective' FROM statement_item WHERE selected;
-- results only for stated controls, with a known result
INSERT INTO audit_result (audit_id, control_id, result) VALUES (1, '5.2', 'effective');
\echo :LAST_ERROR_SQLSTATE
UPDATE audit_result SET result = 'great' WHERE audit_id = 1 AND control_id = '5.1.1.1';
\echo :LAST_ERROR_SQLSTATE
-- a self-assessed dependency names an audit of the dependent service itself
UPDATE service_dependency SET self_assessed_audit_id = 1 WHERE service_id = 8;
\echo :LAST_ERROR_SQLSTATE
UPDATE service_dependency SET self_assessed_audit_id = 8 WHERE service_id = 8;

-------------------------------------------------------------------------------
-- applications and registrations
-------------------------------------------------------------------------------
INSERT INTO application (service_id, audit_id, requested_level, kind, submitted_on)
SELECT service_id, audit_id, 2, 'new', '2026-06-01' FROM audit ORDER BY audit_id;
-- the audit must be of the applying service
INSERT INTO application (service_id, audit_id, requested_level, submitted_on) VALUES (2, 1, 2, '2026-06-01');
\echo :LAST_ERROR_SQLSTATE

-- numbers C<yy>-<nnnn>-<level>, gapless in registration order; validity =
-- period end + 1 year 4 months
SELECT r.registration_number, r.service_id, r.level, r.registered_on, r.valid_until, r.status
FROM (SELECT application_id FROM application ORDER BY application_id) a
CROSS JOIN LATERAL register(a.application_id, '2026-07-01') r;
SELECT * FROM registration_serial;
SELECT application_id, status, decided_on FROM application WHERE application_id <= 2 ORDER BY 1;

-- no second registration, no second decision
SELECT register(1, '2026-07-02');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO application (service_id, audit_id, requested_level, kind, submitted_on) VALUES (1, 1, 2, 'new', '2026-07-02');
SELECT register(currval('application_application_id_seq'), '2026-07-02');
\echo :LAST_ERROR_SQLSTATE
UPDATE application SET status = 'withdrawn', decided_on = '2026-07-02'
WHERE application_id = currval('application_application_id_seq');
SELECT register(12345, '2026-07-02');
\echo :LAST_ERROR_SQLSTATE

-- a renewal after a new audit replaces the registration, keeps the serial
-- and can change the level
INSERT INTO audit (service_id, audit_body_id, lead_auditor_id, target_level, framework_id,
	period_start, period_end, report_date, scope)
VALUES (1, 1, 1, 3, 'ismap', '2026-04-01', '2027-03-31', '2027-05-10', 'compute, storage and network');
INSERT INTO application (service_id, audit_id, requested_level, kind, submitted_on)
VALUES (1, currval('audit_audit_id_seq'), 3, 'renewal', '2027-05-20');
SELECT registration_number, level, registered_on, valid_until, status
FROM register(currval('application_application_id_seq'), '2027-06-01');
SELECT registration_number, level, status, ended_on, end_reason FROM registration WHERE service_id = 1 ORDER BY registration_id;

-- a decision that would be expired on arrival is refused
INSERT INTO application (service_id, audit_id, requested_level, kind, submitted_on)
VALUES (2, 2, 2, 'renewal', '2026-06-01');
SELECT register(currval('application_application_id_seq'), '2027-08-01');
\echo :LAST_ERROR_SQLSTATE
UPDATE application SET status = 'withdrawn', decided_on = '2026-07-02'
WHERE application_id = currval('application_application_id_seq');

-- registrations are never deleted or truncated
DELETE FROM registration WHERE service_id = 1;
\echo :LAST_ERROR_SQLSTATE
TRUNCATE registration CASCADE;
\echo :LAST_ERROR_SQLSTATE

-------------------------------------------------------------------------------
-- delisting: the preview names exactly what delist then ends
-------------------------------------------------------------------------------
-- from A (service 1): the chain B, C; the diamond D (via B and via E); the
-- cycle P/Q entered through Q; not S (self-assessed)
SELECT service_id, depth, via FROM delisting_impact(1) ORDER BY service_id;
SELECT service_id, depth, via FROM delisting_impact(6) ORDER BY service_id;
SELECT service_id, depth, via FROM delisting_impact(3) ORDER BY service_id;
CREATE TEMP TABLE preview AS SELECT registration_id FROM delisting_impact(1);

SELECT delist(1, '', '2027-07-01');
\echo :LAST_ERROR_SQLSTATE
SELECT delist(999, 'gone', '2027-07-01');
\echo :LAST_ERROR_SQLSTATE
CREATE TEMP TABLE delisted AS
SELECT registration_id, service_id, status, ended_on, end_reason, cascaded_from, cascade_path
FROM delist(1, 'provider withdrew the platform', '2027-07-01');
SELECT (SELECT array_agg(registration_id ORDER BY registration_id) FROM preview) =
       (SELECT array_agg(registration_id ORDER BY registration_id) FROM delisted) AS impact_equals_delist;
SELECT d.service_id, d.status, d.ended_on, d.end_reason, b.service_id AS cascaded_from_service, d.cascade_path
FROM delisted d LEFT JOIN registration b ON b.registration_id = d.cascaded_from
ORDER BY d.service_id;
SELECT service_id, status FROM registration WHERE status = 'active' ORDER BY service_id;
SELECT delist(1, 'again', '2027-07-02');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS left_to_delist FROM delisting_impact(1);

-------------------------------------------------------------------------------
-- the event log: append-only, hash-chained, tampering detected
-------------------------------------------------------------------------------
SELECT kind, count(*) FROM registry_event GROUP BY kind ORDER BY kind;
SELECT payload->'context'->>'action' AS action, payload->>'status' AS status, payload->'context'->>'reason' AS reason
FROM registry_event WHERE service_id = 3 ORDER BY event_id;
SELECT * FROM verify_event_chain();
SELECT event_id = (SELECT max(event_id) FROM registry_event) AS head_is_newest FROM event_chain_head();

UPDATE registry_event SET actor = 'mallory' WHERE event_id = 3;
\echo :LAST_ERROR_SQLSTATE
DELETE FROM registry_event WHERE event_id = 3;
\echo :LAST_ERROR_SQLSTATE
TRUNCATE registry_event;
\echo :LAST_ERROR_SQLSTATE
SET session_replication_role = replica;
DELETE FROM registry_event WHERE event_id = 3;
\echo :LAST_ERROR_SQLSTATE
RESET session_replication_role;

-- a superuser who disables the guard can change the rows, not the hashes
BEGIN;
ALTER TABLE registry_event DISABLE TRIGGER registry_event_append_only;
UPDATE registry_event SET payload = jsonb_set(payload, '{level}', '3') WHERE event_id = 5;
SELECT * FROM verify_event_chain();
ROLLBACK;
BEGIN;
ALTER TABLE registry_event DISABLE TRIGGER registry_event_append_only;
DELETE FROM registry_event WHERE event_id = 7;
SELECT * FROM verify_event_chain();
ROLLBACK;
BEGIN;
ALTER TABLE registry_event DISABLE TRIGGER registry_event_append_only;
-- swap two events' places
UPDATE registry_event SET event_id = -event_id WHERE event_id IN (8, 9);
UPDATE registry_event SET event_id = CASE event_id WHEN -8 THEN 9 ELSE 8 END WHERE event_id IN (-8, -9);
SELECT * FROM verify_event_chain();
ROLLBACK;
BEGIN;
ALTER TABLE registry_event DISABLE TRIGGER registry_event_append_only;
-- rewriting an event and recomputing its own hash still breaks the next link
UPDATE registry_event e SET actor = 'mallory' WHERE event_id = 4;
UPDATE registry_event e SET hash = sha256(COALESCE(e.prev_hash, '\x') || event_digest_input(e)) WHERE event_id = 4;
SELECT * FROM verify_event_chain();
ROLLBACK;
SELECT * FROM verify_event_chain();
-- verify_event_chain (C) hashes exactly the bytes of event_digest_input
-- (SQL): events far in the past and future, infinite times, missing
-- registration or service, non-ASCII payloads and actors, in any time zone
BEGIN;
SET LOCAL timezone = 'Asia/Tokyo';
DO $$
DECLARE
	e registry_event;
	h record;
	v record;
BEGIN
	FOR v IN SELECT * FROM (VALUES
		('0044-03-15 12:00:00.000001 BC'::timestamptz, NULL::int8, NULL::int8,
		 '{"登録簿": "言明書", "n": [1, 2.50, null, 1e3], "s": "a\"b\\c\u0001"}'::jsonb, 'o''brien'::name),
		('12345-06-07 08:09:10+09', 1, NULL, '{}', 'x'),
		('infinity', NULL, 7, '[]', 'y'),
		('-infinity', 2, 3, '"str"', 'z'),
		('2026-11-27 03:00:00.5+09', NULL, NULL, '{"a": {"b": [{}, true, false]}}', 'Ä|b'),
		('0001-01-01 00:00:00+00', 4, 5, 'null', 'w')) t(at, reg, svc, payload, actor)
	LOOP
		SELECT * INTO h FROM event_chain_head();
		e.event_id := h.event_id + 1;
		e.occurred_at := v.at;
		e.kind := 'edge';
		e.registration_id := v.reg;
		e.service_id := v.svc;
		e.payload := v.payload;
		e.actor := v.actor;
		e.prev_hash := h.hash;
		e.hash := sha256(h.hash || event_digest_input(e));
		INSERT INTO registry_event SELECT e.*;
	END LOOP;
END
$$;
SELECT count(*) AS edge_events FROM registry_event WHERE kind = 'edge';
SELECT * FROM verify_event_chain();
-- and a change to one of them is found at that event
ALTER TABLE registry_event DISABLE TRIGGER registry_event_append_only;
UPDATE registry_event SET payload = '{}' WHERE kind = 'edge' AND payload = '[]';
SELECT ok, first_bad_event = (SELECT event_id FROM registry_event WHERE kind = 'edge' AND payload = '{}' AND occurred_at = 'infinity') AS found_the_changed_event
FROM verify_event_chain();
ROLLBACK;

-- the chain job seals the checked log; verify_event_chain then checks the
-- sealed part by its fingerprint and the events after it by their hashes
BEGIN;
SELECT action, object_id = (SELECT max(event_id) FROM registry_event) AS at_head,
       detail ~ '^\d+ events checked; sealed at event \d+, hash [0-9a-f]{64}$' AS detail_ok
FROM seal_event_chain('2026-11-27');
SELECT count(*) AS seals, bool_and(events_checked = (SELECT count(*) FROM registry_event)) AS all_checked,
       bool_and(hash = (SELECT hash FROM registry_event ORDER BY event_id DESC LIMIT 1)) AS head_hash
FROM event_chain_seal;
-- nothing new: nothing sealed, the job still succeeds
SELECT count(*) AS rows_of_second_run FROM seal_event_chain('2026-11-27');
SELECT job, status, actions FROM job_run WHERE job = 'chain' ORDER BY run_id;
-- the fingerprint is the same whether the aggregate runs in one process or
-- is combined from parallel workers' partial states
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL max_parallel_workers_per_gather = 2;
SET LOCAL parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT event_chain_fingerprint(event_id, xmin, ctid) FROM registry_event;
SELECT event_chain_fingerprint(event_id, xmin, ctid) = (SELECT fingerprint FROM event_chain_seal) AS parallel_equals_seal
FROM registry_event;
SET LOCAL max_parallel_workers_per_gather = 0;
SELECT event_chain_fingerprint(event_id, xmin, ctid) = (SELECT fingerprint FROM event_chain_seal) AS serial_equals_seal
FROM registry_event;
SELECT * FROM verify_event_chain();
-- a dry run checks and reports, seals nothing
SELECT count(*) AS dry_rows FROM seal_event_chain('2026-11-27', dry_run => true);
-- events after the seal are checked by their hashes
SELECT count(*) AS delisted_after_seal FROM delist(8, 'provider ended the service', '2027-01-10');
SELECT (SELECT max(event_id) FROM registry_event) > (SELECT max(event_id) FROM event_chain_seal) AS events_after_seal;
SELECT * FROM verify_event_chain();
SAVEPOINT s;
ALTER TABLE registry_event DISABLE TRIGGER registry_event_append_only;
UPDATE registry_event SET actor = 'mallory' WHERE event_id = (SELECT max(event_id) FROM registry_event);
SELECT ok, first_bad_event = (SELECT max(event_id) FROM registry_event) AS after_seal_found FROM verify_event_chain();
ROLLBACK TO s;
-- a sealed event changed: the fingerprint differs and the full check names it
ALTER TABLE registry_event DISABLE TRIGGER registry_event_append_only;
UPDATE registry_event SET payload = jsonb_set(payload, '{level}', '1') WHERE event_id = 5;
SELECT * FROM verify_event_chain();
SELECT ok, first_bad_event, head_event IS NULL AND fingerprint IS NULL AS nothing_to_seal FROM event_chain_full_check();
ROLLBACK TO s;
-- a sealed event rewritten with every later hash recomputed: every link
-- holds, but the sealed event's hash is no longer the sealed one, and both
-- checks name the sealed event
ALTER TABLE registry_event DISABLE TRIGGER registry_event_append_only;
UPDATE registry_event SET actor = 'mallory' WHERE event_id = 5;
DO $$
DECLARE
	e registry_event;
	prev bytea;
BEGIN
	FOR e IN SELECT * FROM registry_event ORDER BY event_id LOOP
		e.prev_hash := prev;
		e.hash := sha256(COALESCE(prev, '\x') || event_digest_input(e));
		UPDATE registry_event SET prev_hash = e.prev_hash, hash = e.hash WHERE event_id = e.event_id;
		prev := e.hash;
	END LOOP;
END
$$;
SELECT ok, first_bad_event = (SELECT max(event_id) FROM event_chain_seal) AS sealed_event_named FROM event_chain_full_check();
SELECT ok, first_bad_event = (SELECT max(event_id) FROM event_chain_seal) AS sealed_event_named FROM verify_event_chain();
-- and the job refuses to seal it
SELECT * FROM seal_event_chain('2026-11-28');
ROLLBACK TO s;
-- the log cut below the seal
ALTER TABLE registry_event DISABLE TRIGGER registry_event_append_only;
DELETE FROM registry_event WHERE event_id >= (SELECT max(event_id) FROM event_chain_seal);
SELECT ok, first_bad_event = (SELECT max(event_id) FROM event_chain_seal) AS sealed_event_named FROM verify_event_chain();
ROLLBACK TO s;
-- a broken chain fails the job (XX001) and writes no seal
ALTER TABLE registry_event DISABLE TRIGGER registry_event_append_only;
UPDATE registry_event SET kind = 'forged' WHERE event_id = 3;
SELECT * FROM seal_event_chain('2026-11-28');
\echo :LAST_ERROR_SQLSTATE
ROLLBACK TO s;
SELECT count(*) AS seals FROM event_chain_seal;
ROLLBACK;

-------------------------------------------------------------------------------
-- eligible services for a system, and the reports
-------------------------------------------------------------------------------
SELECT registration_number, service_name, level, required_level, availability, uptime_pct
FROM eligible_services(2, '2027-07-15');
SELECT count(*) FROM eligible_services(1, '2027-07-15');

-- a registration carries its application's audit and audit body (the
-- registry view reads them there); an edit of either is put right
SELECT count(*) AS registrations,
       count(*) FILTER (WHERE r.audit_id = ap.audit_id AND r.audit_body_id = a.audit_body_id) AS consistent
FROM registration r JOIN application ap USING (application_id) JOIN audit a ON a.audit_id = ap.audit_id;
BEGIN;
UPDATE registration SET audit_body_id = (SELECT max(audit_body_id) FROM audit_body) + 0, audit_id = NULL
WHERE registration_id = (SELECT min(registration_id) FROM registration)
RETURNING audit_id = (SELECT ap.audit_id FROM application ap WHERE ap.application_id = registration.application_id) AS audit_put_right;
ROLLBACK;
SELECT registration_number, service_name, csp_name, level, delivery_models, status, audit_body
FROM registry ORDER BY registration_number, registered_on;

SELECT jsonb_array_length(registry_json()->'registrations') AS registrations,
       registry_json()->>'format' AS format,
       registry_json()->'registrations'->0 AS first;
SELECT xpath_exists('/r:registry/r:registration[@number="C26-0001-3"]/r:ended', registry_xml(),
	ARRAY[ARRAY['r', 'urn:pg-ismap:registry:1']]) AS xml_has_ended_entry,
       (xpath('count(/r:registry/r:registration)', registry_xml(),
	ARRAY[ARRAY['r', 'urn:pg-ismap:registry:1']]))[1]::text AS xml_entries;

UPDATE service SET name = 'Quote"d \ name' WHERE service_id = 3;
SELECT dependency_dot(2, '2026-12-01');
SELECT length(dependency_dot()) > 0 AS whole_graph;
-- a day before anything was registered: every service unregistered; only
-- registered ones: none
SELECT count(*) FILTER (WHERE l ~ 'fillcolor="#ffffff"' AND l !~ 'legend') AS unregistered_nodes,
	   count(*) FILTER (WHERE l ~ '^  s[0-9]+ \[') AS nodes
FROM regexp_split_to_table(dependency_dot(NULL, '2000-01-01'), E'\n') l;
-- unregistered that day: the live name, escaped for DOT
SELECT position('label="Quote\"d \\ name' in dependency_dot(NULL, '2000-01-01')) > 0 AS escaped_live_name;
SELECT dependency_dot(NULL, '2000-01-01', true) ~ '\(0 services, registered only\)' AS empty_title,
	   dependency_dot(NULL, '2000-01-01', true) !~ '^  s[0-9]+ \[' AS no_nodes;

-- the registry view reads a listing the triggers keep: after everything
-- above (registrations, renewals, delistings, the cascade, expiries) and
-- after each kind of edit of what it shows, it equals the join it stands for
CREATE TEMP VIEW listing_drift AS
WITH joined AS (
	SELECT r.registration_number, r.registration_id, s.service_id, s.name AS service_name, c.csp_id,
	       c.name AS csp_name, c.corporate_number, r.level, s.delivery_models, s.deployment_models, s.scope,
	       r.registered_on, r.valid_until, r.status, r.ended_on, r.end_reason, b.name AS audit_body, r.audit_id
	FROM registration r JOIN service s USING (service_id) JOIN csp c ON c.csp_id = s.csp_id
	JOIN audit_body b ON b.audit_body_id = r.audit_body_id)
SELECT (SELECT count(*) FROM registry) AS listed,
       (SELECT count(*) FROM (TABLE joined EXCEPT ALL SELECT * FROM registry) x) AS missing,
       (SELECT count(*) FROM (SELECT * FROM registry EXCEPT ALL TABLE joined) x) AS stale;
SELECT * FROM listing_drift;
BEGIN;
UPDATE service SET name = name || ' (renamed)', scope = 'all of it', delivery_models = '{PaaS,SaaS}' WHERE service_id = 2;
UPDATE csp SET name = 'Renamed provider' WHERE csp_id = (SELECT csp_id FROM service WHERE service_id = 1);
UPDATE audit_body SET name = name || ' (renamed)';
SELECT * FROM listing_drift;
SELECT DISTINCT service_name, scope, delivery_models FROM registry WHERE service_id = 2;
-- a service handed to another provider, and a provider's new corporate number
UPDATE service SET csp_id = (SELECT max(csp_id) FROM csp) WHERE service_id = 2;
UPDATE csp SET corporate_number = '5835678256246' WHERE csp_id = (SELECT max(csp_id) FROM csp);
SELECT * FROM listing_drift;
-- a registration's published columns (every row at once)
UPDATE registration SET valid_until = valid_until + 1, end_reason = CASE WHEN ended_on IS NOT NULL THEN 'edited' END;
SELECT * FROM listing_drift;
-- an ended registration moved to another service: its row afresh
WITH u AS (UPDATE registration SET service_id = 4
	WHERE registration_id = (SELECT min(registration_id) FROM registration WHERE status IN ('expired', 'delisted') AND service_id <> 4)
	RETURNING 1)
SELECT count(*) AS moved FROM u;
SELECT * FROM listing_drift;
ROLLBACK;
-- nobody writes the listing but its triggers and its owner
SET ROLE ismap_registrar;
UPDATE registry_listing SET service_name = 'forged';
\echo :LAST_ERROR_SQLSTATE
SELECT refresh_registry_listing();
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
-- after a data-only restore with --disable-triggers, the owner refills it:
-- a row lost, a row stale and a row with no registration are put right,
-- and a second refresh finds nothing to do
BEGIN;
ALTER TABLE registry_listing DROP CONSTRAINT registry_listing_registration_id_fkey;
DELETE FROM registry_listing WHERE registration_id = (SELECT min(registration_id) FROM registration);
UPDATE registry_listing SET csp_name = 'stale' WHERE registration_id = (SELECT max(registration_id) FROM registration);
INSERT INTO registry_listing SELECT -1, 'C26-9999-1', service_id, service_name, csp_id, csp_name, corporate_number,
	level, delivery_models, deployment_models, scope, registered_on, valid_until, status, ended_on, end_reason,
	audit_body_id, audit_body, audit_id FROM registry_listing LIMIT 1;
SELECT * FROM listing_drift;
SELECT count(*) AS stale_found FROM registry_listing_stale();
SELECT refresh_registry_listing() AS put_right, refresh_registry_listing() AS again;
SELECT * FROM listing_drift;
ROLLBACK;

-------------------------------------------------------------------------------
-- policy
-------------------------------------------------------------------------------
SELECT name, value FROM policy ORDER BY name;
SELECT policy_value('no_such_parameter');
\echo :LAST_ERROR_SQLSTATE

-- defaults are builtin (not dumped); an edit makes a row the registrar's
-- own; inserting a key that is still a default replaces it (a restore),
-- inserting one that was edited is a duplicate
SELECT count(*) FILTER (WHERE builtin) AS builtin, count(*) FILTER (WHERE updated_at IS NULL) AS untimed FROM policy;
UPDATE policy SET value = '"45 days"' WHERE name = 'cascade_grace';
SELECT name, value, builtin, updated_at IS NOT NULL AS timed FROM policy WHERE NOT builtin;
INSERT INTO policy (name, value, description) VALUES ('audit_period_max', '"9 months"', 'restored');
SELECT name, value, builtin FROM policy WHERE name = 'audit_period_max';
INSERT INTO policy (name, value, description) VALUES ('cascade_grace', '"1 day"', 'again');
\echo :LAST_ERROR_SQLSTATE
SELECT availability, builtin FROM sla_template ORDER BY 1;
