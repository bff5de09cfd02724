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
-- that keeps registrations: every guard of the history fires always
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
INSERT INTO application (service_id, audit_id, requested_level, kind, submitted_on)
VALUES (:next_service, :next_audit, :next_level, 'renewal', '2026-09-01') RETURNING application_id AS open_application \gset
SELECT reject_application(:open_application, U&' \3000' || E'\n');
\echo :LAST_ERROR_SQLSTATE
SELECT status FROM application WHERE application_id = :open_application;
