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
