-- ismap.create_publication(): the publication ismap_published of the
-- public tables for a public replica (DESIGN 3.16, docs/operations.md).
-- test/public-replica/run subscribes to it for real; this file checks the
-- function alone.
\i test/regress/setup.psql
SET search_path = ismap, public;
\set VERBOSITY terse
SET client_min_messages = error;	-- the warning about wal_level depends on the cluster
DROP PUBLICATION IF EXISTS ismap_published;

-- a superuser's only: the registrar is refused, nothing is made
SET ROLE ismap_registrar;
SELECT * FROM ismap.create_publication();
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
SELECT count(*) AS publications FROM pg_publication WHERE pubname = 'ismap_published';

-- the public tables, the events through a row filter
SELECT * FROM ismap.create_publication();
SELECT pubinsert, pubupdate, pubdelete, pubtruncate, pubviaroot, puballtables
FROM pg_publication WHERE pubname = 'ismap_published';
SELECT format('%I.%I', schemaname, tablename) AS published, rowfilter
FROM pg_publication_tables WHERE pubname = 'ismap_published' ORDER BY 1;

-- nothing confidential: none of these is published
SELECT t AS confidential, EXISTS (SELECT FROM pg_publication_tables p
	WHERE p.pubname = 'ismap_published' AND format('%I.%I', p.schemaname, p.tablename) = t) AS published
FROM unnest(ARRAY['ismap.audit', 'ismap.audit_result', 'ismap.statement_item', 'ismap.control_test',
	'ismap.application', 'ismap.evidence', 'ismap.service_change', 'ismap.change_suspension', 'ismap.notice',
	'ismap.job_run', 'ismap.auditor', 'ismap.principal_binding', 'ismap.service', 'ismap.csp',
	'ismap.service_dependency', 'ismap_internal.pending_event']) t ORDER BY 1;

-- altered by hand, put back as shipped by a second call
ALTER PUBLICATION ismap_published ADD TABLE ismap.audit;
ALTER PUBLICATION ismap_published DROP TABLE ismap.policy;
ALTER PUBLICATION ismap_published SET (publish = 'insert');
SELECT count(*) AS tables FROM ismap.create_publication();
SELECT pubinsert, pubupdate, pubdelete, pubtruncate FROM pg_publication WHERE pubname = 'ismap_published';
SELECT count(*) AS published, count(*) FILTER (WHERE tablename = 'audit') AS audit,
	count(*) FILTER (WHERE tablename = 'policy') AS policy
FROM pg_publication_tables WHERE pubname = 'ismap_published';

DROP PUBLICATION ismap_published;
RESET client_min_messages;
