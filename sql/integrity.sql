-- findings of the adversarial campaign (docs/security.md), each reproduced
-- as the attack it was: it must fail now, and change nothing
\i test/regress/setup.psql
SET search_path = ismap, public;
\set VERBOSITY terse
SET client_min_messages = warning;
\set ECHO none
\i test/generator/generator.sql
\set ECHO all
SELECT count(*) > 0 AS generated FROM (SELECT ismap_gen.generate(services => 6, years => 2, until => '2026-10-01', seed => 0.7)) g;
RESET client_min_messages;

-------------------------------------------------------------------------------
-- L3: session_replication_role = replica used to switch off the trigger
-- that keeps registrations: every guard of the history fires always (the
-- triggers that write events are ordinary ones: a restore under replica,
-- which only a superuser may set, brings the events back itself; so is the
-- check that a scope extension states its extension: a restore brings back
-- those reported before 0.3.0, which have none; and the trigger that
-- publishes a registered service's dependencies: a restore brings back
-- their published as it was)
-------------------------------------------------------------------------------
SELECT t.tgrelid::regclass AS "table", t.tgname, t.tgenabled
FROM pg_trigger t
WHERE t.tgrelid IN ('ismap.registration'::regclass, 'ismap.registry_event'::regclass, 'ismap.service_change'::regclass)
  AND NOT t.tgisinternal AND t.tgenabled <> 'A'
ORDER BY 1, 2;
SELECT count(*) AS registrations_before FROM registration \gset
SET session_replication_role = replica;
DELETE FROM registration WHERE registration_id = (SELECT min(registration_id) FROM registration);
\echo :LAST_ERROR_SQLSTATE
TRUNCATE registration CASCADE;
\echo :LAST_ERROR_SQLSTATE
DELETE FROM registry_event WHERE event_id = (SELECT min(event_id) FROM registry_event);
\echo :LAST_ERROR_SQLSTATE
RESET session_replication_role;
SELECT count(*) = :registrations_before AS registrations_kept FROM registration;
SELECT ok FROM verify_event_chain();

-------------------------------------------------------------------------------
-- L2: a date BC made the partition of the same month AD
-------------------------------------------------------------------------------
SELECT count(*) AS partitions_before FROM pg_inherits WHERE inhparent = 'ismap.evidence'::regclass \gset
SELECT * FROM ensure_evidence_partitions('0044-03-15 BC', '0044-04-15 BC');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM ensure_evidence_partitions('0001-12-01 BC', '0001-01-31');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM ensure_evidence_partitions('9999-12-01', '10000-01-31');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) = :partitions_before AS no_partition_made FROM pg_inherits WHERE inhparent = 'ismap.evidence'::regclass;
SELECT * FROM ensure_evidence_partitions('0001-01-01', '0001-01-31');
SET timezone = 'UTC';
SELECT pg_get_expr(c.relpartbound, c.oid) AS bounds FROM pg_class c WHERE c.relname = 'evidence_0001_01';
RESET timezone;

-------------------------------------------------------------------------------
-- L1: a binary ctrlid with bytes that are not UTF-8 used to put them, raw,
-- into the error message; now the encoding check refuses them by number
-------------------------------------------------------------------------------
CREATE TEMP TABLE recv_test (id ismap.ctrlid);
-- a binary COPY file: signature, flags, header extension, one row of one
-- field (format version 1, "A", byte 0xff), the trailer
COPY recv_test FROM PROGRAM $$printf 'PGCOPY\n\377\r\n\000\000\000\000\000\000\000\000\000\000\001\000\000\000\003\001A\377\377\377'$$ WITH (FORMAT binary);
\echo :LAST_ERROR_SQLSTATE
COPY recv_test FROM PROGRAM $$printf 'PGCOPY\n\377\r\n\000\000\000\000\000\000\000\000\000\000\001\000\000\000\006\001AC-2\050\377\377'$$ WITH (FORMAT binary);
\echo :LAST_ERROR_SQLSTATE
COPY recv_test FROM PROGRAM $$printf 'PGCOPY\n\377\r\n\000\000\000\000\000\000\000\000\000\000\001\000\000\000\005\001AC-2\377\377'$$ WITH (FORMAT binary);
SELECT id FROM recv_test;

-------------------------------------------------------------------------------
-- M8: a reason of only white space (tab, newline, U+3000) said nothing and
-- was accepted by delist and reject_application
-------------------------------------------------------------------------------
SELECT encode(convert_to(s, 'UTF8'), 'hex') AS utf8, text_is_blank(s)
FROM (VALUES (NULL), (''), (E'\t'), (E'\n'), (U&'\3000'), (U&'\00a0 \200b'), ('x'), (U&'\3000x')) v(s) ORDER BY 1;
SELECT service_id AS live_service FROM registration WHERE status = 'active' ORDER BY service_id LIMIT 1 \gset
SELECT delist(:live_service, E'\t\n');
\echo :LAST_ERROR_SQLSTATE
SELECT delist(:live_service, U&'\3000\3000');
\echo :LAST_ERROR_SQLSTATE
SELECT status FROM registration WHERE service_id = :live_service AND status = 'active';
-- an application still open: the next audit of the newest one, filed
INSERT INTO audit (service_id, audit_body_id, lead_auditor_id, target_level, framework_id, period_start, period_end, report_date, scope)
SELECT service_id, audit_body_id, lead_auditor_id, target_level, framework_id, period_start + 365, period_end + 365, report_date + 365, scope
FROM audit ORDER BY audit_id DESC LIMIT 1
RETURNING audit_id AS next_audit, service_id AS next_service, target_level AS next_level \gset
-- (accepted by the reviewer: the committee may decide it)
INSERT INTO application (service_id, audit_id, requested_level, kind, submitted_on, status, accepted_on)
VALUES (:next_service, :next_audit, :next_level, 'renewal', '2026-09-01', 'accepted', '2026-09-02') RETURNING application_id AS open_application \gset
SELECT reject_application(:open_application, U&' \3000' || E'\n');
\echo :LAST_ERROR_SQLSTATE
SELECT status FROM application WHERE application_id = :open_application;

-------------------------------------------------------------------------------
-- H1: a provider deleted a statement item, which took the auditor's result
-- and rationale with it; re-filed as excluded it turned an ineffective
-- control into a query.  H2: results and statements changed after the
-- decision.  Decided means frozen; results keep their own life
-------------------------------------------------------------------------------
SELECT a.audit_id AS decided_audit, si.control_id AS decided_control, s.csp_id AS decided_csp
FROM audit a JOIN statement_item si USING (audit_id) JOIN audit_result ar USING (audit_id, control_id)
JOIN service s ON s.service_id = a.service_id
WHERE a.decided_on IS NOT NULL ORDER BY a.audit_id, si.control_id LIMIT 1 \gset
SELECT count(*) AS decided_audits_frozen FROM audit a
WHERE a.decided_on IS NOT NULL
  AND EXISTS (SELECT 1 FROM application ap WHERE ap.audit_id = a.audit_id AND ap.status = 'approved');
SELECT md5(ROW(result, rationale)::text) AS result_before FROM audit_result
WHERE audit_id = :decided_audit AND control_id = :'decided_control' \gset
DO $$ BEGIN CREATE ROLE integrity_csp LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
GRANT ismap_csp TO integrity_csp;
SELECT count(*) AS bound FROM principal('integrity_csp', NULL, :decided_csp);
SET ROLE integrity_csp;
-- (a party deletes through the function only: A2-09)
DELETE FROM statement_item WHERE audit_id = :decided_audit AND control_id = :'decided_control';
\echo :LAST_ERROR_SQLSTATE
SELECT delete_statement_item(:decided_audit, :'decided_control');
\echo :LAST_ERROR_SQLSTATE
UPDATE statement_item SET selected = false, exclusion_reason = 'not applicable' WHERE audit_id = :decided_audit AND control_id = :'decided_control';
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
-- not even the owner, and not with the triggers of a replica
SET session_replication_role = replica;
UPDATE audit_result SET result = 'effective', rationale = NULL WHERE audit_id = :decided_audit AND control_id = :'decided_control';
\echo :LAST_ERROR_SQLSTATE
DELETE FROM control_test WHERE audit_id = :decided_audit;
\echo :LAST_ERROR_SQLSTATE
UPDATE audit SET scope = scope || ' (widened later)' WHERE audit_id = :decided_audit;
\echo :LAST_ERROR_SQLSTATE
UPDATE audit SET decided_on = NULL WHERE audit_id = :decided_audit;
\echo :LAST_ERROR_SQLSTATE
RESET session_replication_role;
SELECT md5(ROW(result, rationale)::text) = :'result_before' AS result_kept
FROM audit_result WHERE audit_id = :decided_audit AND control_id = :'decided_control';
SELECT count(*) AS item_kept FROM statement_item WHERE audit_id = :decided_audit AND control_id = :'decided_control' AND selected;
-- nor does a role add to a decided audit: the auditor, owner of every
-- other grant it needs (a superuser's session may: a restore)
DO $$ BEGIN CREATE ROLE integrity_auditor LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
GRANT ismap_auditor TO integrity_auditor;
SELECT count(*) AS bound FROM principal('integrity_auditor', (SELECT audit_body_id FROM audit WHERE audit_id = :decided_audit), NULL);
GRANT INSERT ON statement_item TO integrity_auditor;
-- (a session of its own: SET ROLE would keep the superuser's session)
\c - integrity_auditor
\set VERBOSITY terse
INSERT INTO ismap.audit_result (audit_id, control_id, result, rationale)
VALUES (:decided_audit, :'decided_control', 'effective', 'added late');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO ismap.statement_item (audit_id, framework_id, control_id, selected, exclusion_reason)
VALUES (:decided_audit, 'ismap', '99.99.99', false, 'added late');
\echo :LAST_ERROR_SQLSTATE
\c - postgres
SET search_path = ismap, public;
\set VERBOSITY terse
REVOKE INSERT ON statement_item FROM integrity_auditor;
DROP OWNED BY integrity_auditor;
DELETE FROM principal_binding WHERE role_name = 'integrity_auditor';
DROP ROLE integrity_auditor;
-- an audit still open: a result keeps its statement item (no cascade);
-- its provider now acts
SELECT csp_id AS next_csp FROM service WHERE service_id = :next_service \gset
DELETE FROM principal_binding WHERE role_name = 'integrity_csp';
SELECT count(*) AS bound FROM principal('integrity_csp', NULL, :next_csp);
INSERT INTO statement_item (audit_id, framework_id, control_id, selected)
SELECT :next_audit, si.framework_id, si.control_id, true FROM statement_item si
WHERE si.audit_id = :decided_audit AND si.control_id = :'decided_control';
INSERT INTO audit_result (audit_id, control_id, result, rationale)
VALUES (:next_audit, :'decided_control', 'ineffective', 'deviations above the tolerable rate');
SET ROLE integrity_csp;
SELECT count(*) AS provider_sees_item FROM statement_item WHERE audit_id = :next_audit;
SELECT delete_statement_item(:next_audit, :'decided_control');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SELECT result, rationale FROM audit_result WHERE audit_id = :next_audit;
-- the auditor's column grants leave the decision date to the decisions
SELECT has_column_privilege('ismap_auditor', 'ismap.audit', 'decided_on', 'UPDATE') AS auditor_updates_decided_on,
	   has_column_privilege('ismap_auditor', 'ismap.audit', 'decided_on', 'INSERT') AS auditor_inserts_decided_on,
	   has_column_privilege('ismap_auditor', 'ismap.audit', 'scope', 'UPDATE') AS auditor_updates_scope;
-- a rejection freezes too
SELECT (reject_application(:open_application, 'the audit did not cover the registered scope')).status;
SELECT decided_on IS NOT NULL AS next_audit_decided FROM audit WHERE audit_id = :next_audit;
UPDATE audit_result SET result = 'effective' WHERE audit_id = :next_audit;
\echo :LAST_ERROR_SQLSTATE
DELETE FROM audit_result WHERE audit_id = :next_audit;
\echo :LAST_ERROR_SQLSTATE
DROP OWNED BY integrity_csp;
DELETE FROM principal_binding WHERE role_name = 'integrity_csp';
DROP ROLE integrity_csp;

-------------------------------------------------------------------------------
-- H4: a mistyped date (2207 for 2027) ended every registration and
-- selection; a date past the policy's max_as_of_ahead now needs intent
-------------------------------------------------------------------------------
SELECT value FROM policy WHERE name = 'max_as_of_ahead';
SELECT md5(string_agg(registration_id || status, ',' ORDER BY registration_id)) AS registrations_before FROM registration \gset
-- (the messages name today's date: SQLSTATEs only, the text checked once)
DO $$ BEGIN PERFORM count(*) FROM ismap.run_renewals('2207-01-01');
EXCEPTION WHEN invalid_parameter_value THEN
	RAISE NOTICE 'refused: %', regexp_replace(SQLERRM, '\(\d{4}-\d\d-\d\d\)', '(today)');
END $$;
\set VERBOSITY sqlstate
SELECT count(*) FROM run_renewals('2207-01-01');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM expire_audit_body_selections('2207-01-01');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM cascade_delistings(current_date + 8);
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM run_job('changes', '2207-01-01', false);
\echo :LAST_ERROR_SQLSTATE
SELECT md5(string_agg(registration_id || status, ',' ORDER BY registration_id)) = :'registrations_before' AS nothing_changed FROM registration;
SELECT count(*) FILTER (WHERE job = 'renewals' AND as_of = '2207-01-01') AS runs_recorded FROM job_run;
-- with intent (a dry run here), and within the window, it runs
SELECT count(*) > 0 AS would_expire FROM run_renewals('2207-01-01', dry_run => true, allow_future => true);
SELECT count(*) >= 0 AS within_window FROM run_renewals(current_date + 7, dry_run => true);
-- the window is policy; a broken value is an error, not a pass
UPDATE policy SET value = '"0 days"' WHERE name = 'max_as_of_ahead';
SELECT count(*) FROM run_renewals(current_date + 1, dry_run => true);
\echo :LAST_ERROR_SQLSTATE
UPDATE policy SET value = '"soon"' WHERE name = 'max_as_of_ahead';
SELECT count(*) FROM run_renewals(current_date, dry_run => true);
\echo :LAST_ERROR_SQLSTATE
UPDATE policy SET value = '"7 days"' WHERE name = 'max_as_of_ahead';
\set VERBOSITY terse

-------------------------------------------------------------------------------
-- L5: prune_job_runs('0 seconds') erased the run history
-------------------------------------------------------------------------------
SELECT count(*) AS runs_before FROM job_run \gset
SELECT prune_job_runs('0 seconds');
\echo :LAST_ERROR_SQLSTATE
SELECT prune_job_runs('29 days');
\echo :LAST_ERROR_SQLSTATE
SELECT prune_job_runs('30 days') >= 0 AS pruned_within_policy;
SELECT count(*) = :runs_before AS recent_runs_kept FROM job_run;

-------------------------------------------------------------------------------
-- H3: the policies' helpers answered any provider or auditor about any
-- audit (a competitor's pending application) and any login's party
-------------------------------------------------------------------------------
SELECT min(s.csp_id) AS csp_a, max(s.csp_id) AS csp_b FROM service s \gset
SELECT min(a.audit_id) AS audit_of_b FROM audit a JOIN service s USING (service_id) WHERE s.csp_id = :csp_b \gset
SELECT min(a.audit_id) AS audit_of_a FROM audit a JOIN service s USING (service_id) WHERE s.csp_id = :csp_a \gset
SELECT min(service_id) AS service_of_b FROM service WHERE csp_id = :csp_b \gset
DO $$ BEGIN CREATE ROLE h3_csp_a LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE h3_csp_b LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
GRANT ismap_csp TO h3_csp_a, h3_csp_b;
SELECT count(*) AS bound FROM (SELECT principal('h3_csp_a', NULL, :csp_a) UNION ALL SELECT principal('h3_csp_b', NULL, :csp_b)) b;
\c - h3_csp_a
\set VERBOSITY terse
-- about itself it gets answers (the policies need them) ...
SELECT ismap.principal_csp('h3_csp_a') = :csp_a AS own_party;
SELECT (ismap.audit_party(:audit_of_a)).csp_id = :csp_a AS own_audit;
-- ... about the competitor nothing
SELECT ismap.principal_csp('h3_csp_b') AS competitor_party;
SELECT * FROM ismap.audit_party(:audit_of_b);
SELECT ismap.service_csp(:service_of_b) AS competitor_service;
SELECT ismap.principal_audit_body('h3_csp_b') AS competitor_body;
\c - postgres
SET search_path = ismap, public;
\set VERBOSITY terse
DELETE FROM principal_binding WHERE role_name IN ('h3_csp_a', 'h3_csp_b');
DROP ROLE h3_csp_a, h3_csp_b;

-------------------------------------------------------------------------------
-- M4: a provider withdrawing its application set decided_on freely (a
-- withdrawal backdated before a decision, say); it is dated today
-------------------------------------------------------------------------------
INSERT INTO audit (service_id, audit_body_id, lead_auditor_id, target_level, framework_id, period_start, period_end, report_date, scope)
SELECT service_id, audit_body_id, lead_auditor_id, target_level, framework_id, period_start + 730, period_end + 730, report_date + 730, scope
FROM audit ORDER BY audit_id DESC LIMIT 1
RETURNING audit_id AS m4_audit, service_id AS m4_service, target_level AS m4_level \gset
INSERT INTO application (service_id, audit_id, requested_level, kind, submitted_on)
VALUES (:m4_service, :m4_audit, :m4_level, 'renewal', current_date) RETURNING application_id AS m4_application \gset
DO $$ BEGIN CREATE ROLE m4_csp LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
GRANT ismap_csp TO m4_csp;
SELECT count(*) AS bound FROM principal('m4_csp', NULL, (SELECT csp_id FROM service WHERE service_id = :m4_service));
SET ROLE m4_csp;
UPDATE application SET status = 'withdrawn', decided_on = '2020-01-01', decision_reason = 'never mind' WHERE application_id = :m4_application;
\echo :LAST_ERROR_SQLSTATE
UPDATE application SET status = 'withdrawn', decided_on = current_date + 30, decision_reason = 'never mind' WHERE application_id = :m4_application;
\echo :LAST_ERROR_SQLSTATE
UPDATE application SET status = 'withdrawn', decided_on = current_date, decision_reason = 'never mind' WHERE application_id = :m4_application;
\echo :LAST_ERROR_SQLSTATE
-- only withdraw_application withdraws, dated by the server, with an event
SELECT status FROM withdraw_application(:m4_application, 'never mind');
RESET ROLE;
SELECT count(*) AS withdrawal_events FROM registry_event WHERE kind = 'application_withdrawn' AND (payload->>'application_id')::bigint = :m4_application;
SELECT status, decided_on = current_date AS dated_today, decision_reason FROM application WHERE application_id = :m4_application;
DELETE FROM principal_binding WHERE role_name = 'm4_csp';
DROP ROLE m4_csp;

-------------------------------------------------------------------------------
-- M6: the registrar's and the auditors' granted updates of
-- self_assessed_audit_id changed nothing, silently (no policy let them)
-------------------------------------------------------------------------------
SELECT d.service_id AS m6_service, d.base_service_id AS m6_base, a.audit_id AS m6_audit, a.audit_body_id AS m6_body
FROM service_dependency d JOIN audit a ON a.service_id = d.service_id
WHERE d.self_assessed_audit_id IS NULL ORDER BY 1, 2, 3 LIMIT 1 \gset
SELECT min(audit_id) AS other_body_audit FROM audit WHERE audit_body_id <> :m6_body \gset
DO $$ BEGIN CREATE ROLE m6_auditor LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
GRANT ismap_auditor TO m6_auditor;
SELECT count(*) AS bound FROM principal('m6_auditor', :m6_body, NULL);
SET ROLE m6_auditor;
UPDATE service_dependency SET self_assessed_audit_id = :other_body_audit WHERE service_id = :m6_service AND base_service_id = :m6_base;
\echo :LAST_ERROR_SQLSTATE
WITH u AS (UPDATE service_dependency SET self_assessed_audit_id = :m6_audit
		   WHERE service_id = :m6_service AND base_service_id = :m6_base RETURNING 1)
SELECT count(*) AS auditor_marked FROM u;
RESET ROLE;
SET ROLE ismap_registrar;
WITH u AS (UPDATE service_dependency SET self_assessed_audit_id = NULL
		   WHERE service_id = :m6_service AND base_service_id = :m6_base RETURNING 1)
SELECT count(*) AS registrar_cleared FROM u;
RESET ROLE;
SELECT self_assessed_audit_id IS NULL AS cleared FROM service_dependency WHERE service_id = :m6_service AND base_service_id = :m6_base;
DELETE FROM principal_binding WHERE role_name = 'm6_auditor';
DROP ROLE m6_auditor;

-------------------------------------------------------------------------------
-- C1: a registration without an event.  The registrar's own trigger on a
-- temporary table called register() from a COPY; the event trigger took the
-- COPY for a restore and wrote nothing.  Now nothing but the session's
-- replication role (superuser only) decides whether an event is written;
-- and since 0.3.0 register() is nobody's (42501): a reviewer's trigger
-- accepting the application from a COPY writes its event.
-------------------------------------------------------------------------------
INSERT INTO audit (service_id, audit_body_id, lead_auditor_id, target_level, framework_id, period_start, period_end, report_date, scope)
SELECT service_id, audit_body_id, lead_auditor_id, target_level, framework_id, period_start, period_end, report_date, scope
FROM audit ORDER BY audit_id DESC LIMIT 1
RETURNING audit_id AS c1_audit, service_id AS c1_service, target_level AS c1_level \gset
INSERT INTO application (service_id, audit_id, requested_level, kind, submitted_on)
SELECT :c1_service, :c1_audit, :c1_level,
	CASE WHEN EXISTS (SELECT 1 FROM registration WHERE service_id = :c1_service AND status IN ('active', 'suspended')) THEN 'renewal' ELSE 'new' END,
	'2026-10-01'
RETURNING application_id AS c1_application \gset
DO $$ BEGIN CREATE ROLE c1_registrar LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
GRANT ismap_registrar TO c1_registrar;
\c - c1_registrar
SET search_path = ismap, public;
CREATE TEMP TABLE c1 (a int, application_id bigint DEFAULT :c1_application);
CREATE FUNCTION pg_temp.c1_register() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM ismap.register(NEW.application_id, '2026-10-01');
	RETURN NEW;
END
$$;
CREATE TRIGGER c1 BEFORE INSERT ON c1 FOR EACH ROW EXECUTE FUNCTION pg_temp.c1_register();
COPY c1 (a) FROM STDIN;
1
\.
SELECT count(*) AS c1_registered FROM registration WHERE application_id = :c1_application;
-- the registrar cannot switch the event triggers off
SET session_replication_role = replica;
\echo :LAST_ERROR_SQLSTATE
\c - postgres
SET search_path = ismap, public;
SELECT count(*) AS c1_registered_events FROM registry_event e JOIN registration r USING (registration_id)
WHERE r.application_id = :c1_application AND e.kind = 'registered';
SELECT ok FROM verify_event_chain();
DROP ROLE c1_registrar;
DO $$ BEGIN CREATE ROLE c1_reviewer LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
GRANT ismap_reviewer TO c1_reviewer;
\c - c1_reviewer
SET search_path = ismap, public;
CREATE TEMP TABLE c1 (a int, application_id bigint DEFAULT :c1_application);
CREATE FUNCTION pg_temp.c1_accept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM ismap.accept_application(NEW.application_id, '2026-10-01');
	RETURN NEW;
END
$$;
CREATE TRIGGER c1 BEFORE INSERT ON c1 FOR EACH ROW EXECUTE FUNCTION pg_temp.c1_accept();
COPY c1 (a) FROM STDIN;
1
\.
\c - postgres
SET search_path = ismap, public;
SELECT status FROM application WHERE application_id = :c1_application;
SELECT count(*) AS c1_accepted_events FROM registry_event e
WHERE e.kind = 'application_accepted' AND (e.payload->>'application_id')::bigint = :c1_application;
SELECT ok FROM verify_event_chain();
DROP ROLE c1_reviewer;

-------------------------------------------------------------------------------
-- M3: validate_application failed for a provider on its own application
-- ("permission denied for table auditor", with the query text).  It has the
-- owner's rights now and answers for an application the caller may see;
-- another provider's is as unknown as an id never used.
-------------------------------------------------------------------------------
SELECT a.application_id AS m3_own, s.csp_id AS m3_csp FROM application a JOIN service s USING (service_id)
ORDER BY a.application_id LIMIT 1 \gset
SELECT min(a.application_id) AS m3_other FROM application a JOIN service s USING (service_id) WHERE s.csp_id <> :m3_csp \gset
DO $$ BEGIN CREATE ROLE m3_csp LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
GRANT ismap_csp TO m3_csp;
DO $$ BEGIN CREATE ROLE m3_reader LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
GRANT ismap_reader TO m3_reader;
SELECT count(*) AS bound FROM principal('m3_csp', NULL, :m3_csp);
SELECT count(*) AS findings_as_registrar FROM validate_application(:m3_own) \gset
\c - m3_csp
SELECT count(*) = :findings_as_registrar AS provider_sees_the_same_findings FROM ismap.validate_application(:m3_own);
SELECT ismap.validate_application_sarif(:m3_own) IS NOT NULL AS provider_gets_sarif;
\set VERBOSITY default
SELECT count(*) FROM ismap.validate_application(:m3_other);
SELECT count(*) FROM ismap.validate_application(-1);
\set VERBOSITY terse
\c - m3_reader
SELECT count(*) FROM ismap.validate_application(:m3_own);
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) FROM ismap.validate_application_sarif(:m3_own);
\echo :LAST_ERROR_SQLSTATE
\c - postgres
SET search_path = ismap, public;
DELETE FROM principal_binding WHERE role_name = 'm3_csp';
DROP ROLE m3_csp, m3_reader;

-------------------------------------------------------------------------------
-- what is public: a service never registered was seen by every role (its
-- name and scope); now by the staff, its provider and the bodies auditing it
-------------------------------------------------------------------------------
INSERT INTO service (csp_id, name, scope, delivery_models, deployment_models)
SELECT min(csp_id), 'unpublished cloud', 'a secret scope', '{SaaS}', '{public}' FROM csp
RETURNING service_id AS pub_service, csp_id AS pub_csp \gset
INSERT INTO service_dependency (service_id, base_service_id)
SELECT :pub_service, min(service_id) FROM registration \gset
SELECT min(csp_id) AS pub_other_csp FROM csp WHERE csp_id <> :pub_csp \gset
INSERT INTO csp (name, corporate_number) VALUES ('Applicant KK', corporate_number_check_digit('999999999999')::text || '999999999999') RETURNING csp_id AS pub_new_csp \gset
DO $$ BEGIN CREATE ROLE pub_reader LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
GRANT ismap_reader TO pub_reader;
DO $$ BEGIN CREATE ROLE pub_own LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
GRANT ismap_csp TO pub_own;
DO $$ BEGIN CREATE ROLE pub_other LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
GRANT ismap_csp TO pub_other;
SELECT count(*) AS bound FROM (SELECT principal('pub_own', NULL, :pub_csp) UNION ALL SELECT principal('pub_other', NULL, :pub_other_csp)) b;
\c - pub_reader
SELECT count(*) AS reader_sees_it FROM ismap.service WHERE name = 'unpublished cloud';
SELECT count(*) AS reader_sees_its_platform FROM ismap.service_dependency WHERE service_id = :pub_service;
SELECT count(*) AS reader_sees_the_applicant FROM ismap.csp WHERE csp_id = :pub_new_csp;
SELECT count(*) = (SELECT count(DISTINCT service_id) FROM ismap.registration) AS reader_sees_registered_only FROM ismap.service;
\c - pub_other
SELECT count(*) AS competitor_sees_it FROM ismap.service WHERE name = 'unpublished cloud';
SELECT count(*) AS competitor_sees_its_platform FROM ismap.service_dependency WHERE service_id = :pub_service;
UPDATE ismap.service SET name = 'x' WHERE service_id = :pub_service;
\c - pub_own
SELECT count(*) AS provider_sees_its_own FROM ismap.service WHERE name = 'unpublished cloud';
SELECT count(*) AS provider_sees_its_platform FROM ismap.service_dependency WHERE service_id = :pub_service;
\c - postgres
SET search_path = ismap, public;
DELETE FROM principal_binding WHERE role_name IN ('pub_own', 'pub_other');
DROP ROLE pub_reader, pub_own, pub_other;

-------------------------------------------------------------------------------
-- M7: a superuser who rewrote a sealed event and then the seal's
-- fingerprint passed verify_event_chain().  A head published outside the
-- database is the anchor: verify_event_chain(event_id, hash) trusts no seal.
-------------------------------------------------------------------------------
SELECT count(*) AS sealed FROM seal_event_chain('2026-10-01');
SELECT event_id AS anchor_id, hash AS anchor_hash FROM event_chain_head() \gset
SELECT min(event_id) AS m7_event FROM registry_event \gset
SELECT actor AS m7_actor FROM registry_event WHERE event_id = :m7_event \gset
CREATE FUNCTION pg_temp.rehash() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	e ismap.registry_event;
	prev bytea;
BEGIN
	FOR e IN SELECT * FROM ismap.registry_event ORDER BY event_id LOOP
		e.prev_hash := prev;
		e.hash := sha256(COALESCE(prev, '\x'::bytea) || ismap.event_digest_input(e));
		UPDATE ismap.registry_event SET prev_hash = e.prev_hash, hash = e.hash
		WHERE event_id = e.event_id AND (hash, prev_hash) IS DISTINCT FROM (e.hash, e.prev_hash);
		prev := e.hash;
	END LOOP;
END
$$;
ALTER TABLE registry_event DISABLE TRIGGER registry_event_append_only;
UPDATE registry_event SET actor = 'mallory' WHERE event_id = :m7_event;
CREATE FUNCTION pg_temp.reseal() RETURNS void LANGUAGE sql AS $$
	UPDATE ismap.event_chain_seal s
	SET hash = (SELECT e.hash FROM ismap.registry_event e WHERE e.event_id = s.event_id),
		fingerprint = (SELECT ismap.event_chain_fingerprint(e.event_id, e.xmin, e.ctid)
					   FROM ismap.registry_event e WHERE e.event_id <= s.event_id)
$$;
SELECT pg_temp.reseal();
-- the seal's word is taken: the limit the finding showed
SELECT ok FROM verify_event_chain();
-- the anchor is not fooled: the altered event
SELECT ok, first_bad_event = :m7_event AS names_the_altered_event FROM verify_event_chain(:anchor_id, :'anchor_hash');
-- nor by every later hash recomputed and the seal rewritten to match (the
-- chain is valid again): the anchor
SELECT pg_temp.rehash();
SELECT pg_temp.reseal();
SELECT ok FROM event_chain_full_check();
SELECT ok, first_bad_event = :anchor_id AS names_the_anchor FROM verify_event_chain(:anchor_id, :'anchor_hash');
-- put back, the published hash holds again
UPDATE registry_event SET actor = :'m7_actor' WHERE event_id = :m7_event;
SELECT pg_temp.rehash();
SELECT pg_temp.reseal();
ALTER TABLE registry_event ENABLE ALWAYS TRIGGER registry_event_append_only;
SELECT ok, first_bad_event FROM verify_event_chain(:anchor_id, :'anchor_hash');
SELECT ok FROM verify_event_chain();
-- an anchor is an event id and a SHA-256
SELECT * FROM verify_event_chain(:anchor_id, NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM verify_event_chain(:anchor_id, '\x00');
\echo :LAST_ERROR_SQLSTATE
