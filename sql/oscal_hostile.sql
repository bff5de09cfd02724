-- OSCAL import: hostile and malformed documents (test/fixtures/oscal).
-- Each is refused with a clear error, writes nothing, and the server stays up.
\i test/regress/setup.psql
SET search_path = ismap, public;
\set VERBOSITY default

-- entity tricks: any DOCTYPE is refused before a declaration is read (2200M)
\set doc `cat test/fixtures/oscal/billion_laughs.xml`
SELECT * FROM import_oscal_catalog(:'doc', 'hostile');
\echo :LAST_ERROR_SQLSTATE
\set doc `cat test/fixtures/oscal/quadratic_blowup.xml`
SELECT * FROM import_oscal_catalog(:'doc', 'hostile');
\echo :LAST_ERROR_SQLSTATE
\set doc `cat test/fixtures/oscal/xxe_file.xml`
SELECT * FROM import_oscal_catalog(:'doc', 'hostile');
\echo :LAST_ERROR_SQLSTATE
\set doc `cat test/fixtures/oscal/xxe_url.xml`
SELECT * FROM import_oscal_catalog(:'doc', 'hostile');
\echo :LAST_ERROR_SQLSTATE
\set doc `cat test/fixtures/oscal/parameter_entity.xml`
SELECT * FROM import_oscal_catalog(:'doc', 'hostile');
\echo :LAST_ERROR_SQLSTATE
\set doc `cat test/fixtures/oscal/external_dtd.xml`
SELECT * FROM import_oscal_catalog(:'doc', 'hostile');
\echo :LAST_ERROR_SQLSTATE
-- the profile importer reads the same way
SELECT * FROM import_oscal_profile(:'doc', 'hostile', 'hostile');
\echo :LAST_ERROR_SQLSTATE

-- foreign elements are refused, never processed
\set doc `cat test/fixtures/oscal/xinclude.xml`
SELECT * FROM import_oscal_catalog(:'doc', 'hostile');
\echo :LAST_ERROR_SQLSTATE
\set doc `cat test/fixtures/oscal/foreign_element.xml`
SELECT * FROM import_oscal_catalog(:'doc', 'hostile');
\echo :LAST_ERROR_SQLSTATE
\set doc `cat test/fixtures/oscal/wrong_namespace.xml`
SELECT * FROM import_oscal_catalog(:'doc', 'hostile');
\echo :LAST_ERROR_SQLSTATE
\set doc `cat test/fixtures/oscal/missing_namespace.xml`
SELECT * FROM import_oscal_catalog(:'doc', 'hostile');
\echo :LAST_ERROR_SQLSTATE
\set doc `cat test/fixtures/oscal/undeclared_prefix.xml`
SELECT * FROM import_oscal_catalog(:'doc', 'hostile');
\echo :LAST_ERROR_SQLSTATE
\set doc `cat test/fixtures/oscal/wrong_root.xml`
SELECT * FROM import_oscal_catalog(:'doc', 'hostile');
\echo :LAST_ERROR_SQLSTATE

-- not well-formed: libxml2's message names the line
\set doc `cat test/fixtures/oscal/truncated.xml`
SELECT * FROM import_oscal_catalog(:'doc', 'hostile');
\echo :LAST_ERROR_SQLSTATE
\set doc `cat test/fixtures/oscal/two_roots.xml`
SELECT * FROM import_oscal_catalog(:'doc', 'hostile');
\echo :LAST_ERROR_SQLSTATE
\set doc `cat test/fixtures/oscal/undefined_entity.xml`
SELECT * FROM import_oscal_catalog(:'doc', 'hostile');
\echo :LAST_ERROR_SQLSTATE
\set doc `cat test/fixtures/oscal/not_xml.xml`
SELECT * FROM import_oscal_catalog(:'doc', 'hostile');
\echo :LAST_ERROR_SQLSTATE
\set doc `cat test/fixtures/oscal/empty.xml`
SELECT * FROM import_oscal_catalog(:'doc', 'hostile');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM import_oscal_catalog(E' \n\t', 'hostile');
\echo :LAST_ERROR_SQLSTATE
-- psql stops a variable at a NUL byte: what arrives is truncated
\set doc `cat test/fixtures/oscal/nul_byte.xml`
SELECT * FROM import_oscal_catalog(:'doc', 'hostile');
\echo :LAST_ERROR_SQLSTATE
-- invalid UTF-8 and NUL bytes never become text in a UTF-8 database (the
-- core refuses them too: test/unit/test_oscal.c, and the fuzz corpus)
SELECT * FROM import_oscal_catalog(convert_from(
  convert_to('<catalog xmlns="http://csrc.nist.gov/ns/oscal/1.0"><metadata><title>', 'UTF8')
  || '\xc328ff'::bytea || convert_to('</title></metadata></catalog>', 'UTF8'), 'UTF8'), 'hostile');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM import_oscal_catalog(convert_from(
  convert_to('<catalog xmlns="http://csrc.nist.gov/ns/oscal/1.0"><metadata><title>a', 'UTF8')
  || '\x00'::bytea || convert_to('</title></metadata></catalog>', 'UTF8'), 'UTF8'), 'hostile');
\echo :LAST_ERROR_SQLSTATE

-- the OSCAL model: errors name the line and the id
\set doc `cat test/fixtures/oscal/duplicate_ids.xml`
SELECT * FROM import_oscal_catalog(:'doc', 'hostile');
\echo :LAST_ERROR_SQLSTATE
\set doc `cat test/fixtures/oscal/duplicate_ids_spelling.xml`
SELECT * FROM import_oscal_catalog(:'doc', 'hostile');
\echo :LAST_ERROR_SQLSTATE
\set doc `cat test/fixtures/oscal/duplicate_param_ids.xml`
SELECT * FROM import_oscal_catalog(:'doc', 'hostile');
\echo :LAST_ERROR_SQLSTATE
-- ids are unique across kinds (L6): a group and a control (as ctrlids, so
-- "AC" is "ac"), a group and a param
\set doc `cat test/fixtures/oscal/duplicate_group_control.xml`
SELECT * FROM import_oscal_catalog(:'doc', 'hostile');
\echo :LAST_ERROR_SQLSTATE
\set doc `cat test/fixtures/oscal/duplicate_group_param.xml`
SELECT * FROM import_oscal_catalog(:'doc', 'hostile');
\echo :LAST_ERROR_SQLSTATE
\set doc `cat test/fixtures/oscal/bad_control_id.xml`
SELECT * FROM import_oscal_catalog(:'doc', 'hostile');
\echo :LAST_ERROR_SQLSTATE
\set doc `cat test/fixtures/oscal/missing_id.xml`
SELECT * FROM import_oscal_catalog(:'doc', 'hostile');
\echo :LAST_ERROR_SQLSTATE
\set doc `cat test/fixtures/oscal/missing_title.xml`
SELECT * FROM import_oscal_catalog(:'doc', 'hostile');
\echo :LAST_ERROR_SQLSTATE

-- a title of white space and empty markup is no title
SELECT * FROM import_oscal_catalog('<catalog xmlns="http://csrc.nist.gov/ns/oscal/1.0"><metadata><title>t</title></metadata>
<control id="h-1"><title> <em> </em> </title></control></catalog>', 'hostile');
\echo :LAST_ERROR_SQLSTATE

-- limits: our nesting limit and the size cap (54000); libxml2's own depth
-- and text limits, kept on because XML_PARSE_HUGE is never used (2200M)
\set doc `cat test/fixtures/oscal/deep_controls.xml`
SELECT * FROM import_oscal_catalog(:'doc', 'hostile');
\echo :LAST_ERROR_SQLSTATE
\set doc `cat test/fixtures/oscal/deep_nesting.xml`
SELECT * FROM import_oscal_catalog(:'doc', 'hostile');
\echo :LAST_ERROR_SQLSTATE
-- an 11 MB attribute: over libxml2's 10 MB limit for one construct, which HUGE
-- would lift (libxml2 says "Huge input lookup")
SELECT * FROM import_oscal_catalog(
  '<catalog xmlns="http://csrc.nist.gov/ns/oscal/1.0" uuid="' || repeat('x', 11000000) ||
  '"><metadata><title>t</title></metadata></catalog>', 'hostile');
\echo :LAST_ERROR_SQLSTATE
-- one element with 100,000 attributes (M1; 1 MB): libxml2 compares a tag's
-- attributes pairwise (minutes of work in one call), so a tag of more than
-- 256 is refused before libxml2 reads its end (54000)
CREATE TEMP TABLE hostile_doc AS
  SELECT '<catalog xmlns="http://csrc.nist.gov/ns/oscal/1.0"><metadata><title>t</title></metadata>'
         || E'\n<control id="h-1"'
         || (SELECT string_agg(format(' a%s="%s"', i, i), '') FROM generate_series(1, 100000) AS i)
         || '><title>t</title></control></catalog>' AS doc;
SELECT length(doc) > 1000000 AS one_megabyte FROM hostile_doc;
SELECT * FROM import_oscal_catalog((SELECT doc FROM hostile_doc), 'hostile');
\echo :LAST_ERROR_SQLSTATE
-- and under statement_timeout = 1s it ends within the second, refused or
-- cancelled, whatever the speed of the machine
SET statement_timeout = '1s';
DO $$
BEGIN
  PERFORM import_oscal_catalog((SELECT doc FROM hostile_doc), 'hostile');
  RAISE EXCEPTION 'the hostile document was accepted';
EXCEPTION WHEN program_limit_exceeded OR query_canceled THEN
  RAISE NOTICE 'refused or cancelled within statement_timeout';
END $$;
RESET statement_timeout;
-- namespace declarations are attributes too; 256 attributes are fine
SELECT * FROM import_oscal_catalog('<catalog xmlns="http://csrc.nist.gov/ns/oscal/1.0"'
  || (SELECT string_agg(format(' xmlns:p%s="urn:p%s"', i, i), '') FROM generate_series(1, 300) AS i)
  || '><metadata><title>t</title></metadata></catalog>', 'hostile');
\echo :LAST_ERROR_SQLSTATE
SELECT framework_id, controls FROM import_oscal_catalog('<catalog xmlns="http://csrc.nist.gov/ns/oscal/1.0">'
  || '<metadata><title>t</title></metadata><control id="h-1"'
  || (SELECT string_agg(format(' a%s="%s"', i, i), '') FROM generate_series(1, 255) AS i)
  || '><title>t</title></control></catalog>', 'hostile-attributes');
DELETE FROM framework WHERE framework_id = 'hostile-attributes';

-- the parse runs in chunks and checks for interrupts between them: a
-- 21 MB document that libxml2 works on for a long time (tags of 250
-- attributes, in back-matter, which is not kept) is cancelled by
-- statement_timeout before libxml2 reaches its malformed end; parsed in one
-- call, it ran to the end and reported that instead (2200M)
CREATE TEMP TABLE slow_doc (doc text);
ALTER TABLE slow_doc ALTER doc SET STORAGE EXTERNAL;
INSERT INTO slow_doc
  SELECT '<catalog xmlns="http://csrc.nist.gov/ns/oscal/1.0"><metadata><title>t</title></metadata><back-matter>'
         || repeat('<resource' || (SELECT string_agg(format(' a%s="1"', i), '') FROM generate_series(1, 250) AS i)
                   || '/>', 10000)
         || '</back-matter></catalog';
SELECT length(doc) > 20000000 AS large FROM slow_doc;
SET statement_timeout = '100ms';
SELECT * FROM import_oscal_catalog((SELECT doc FROM slow_doc), 'hostile');
\echo :LAST_ERROR_SQLSTATE
RESET statement_timeout;
DROP TABLE hostile_doc, slow_doc;

SHOW ismap.max_document_size;
SET ismap.max_document_size = '1MB';
\set doc `cat data/oscal/NIST_SP-800-53_rev4_catalog.xml`
SELECT * FROM import_oscal_catalog(:'doc', 'hostile');
\echo :LAST_ERROR_SQLSTATE
RESET ismap.max_document_size;

-- all or nothing: a document that fails late changes nothing
SELECT * FROM import_oscal_catalog($$<catalog xmlns="http://csrc.nist.gov/ns/oscal/1.0">
  <metadata><title>Small</title></metadata>
  <group id="g"><title>G</title><control id="h-1"><title>One</title></control></group>
</catalog>$$, 'hostile-target');
\set doc `cat test/fixtures/oscal/late_error.xml`
SELECT * FROM import_oscal_catalog(:'doc', 'hostile-target');
\echo :LAST_ERROR_SQLSTATE
SELECT control_id, title, group_id FROM control WHERE framework_id = 'hostile-target' ORDER BY control_id;
DELETE FROM framework WHERE framework_id = 'hostile-target';

-- refused imports leave no memory behind in the backend's contexts (the
-- libxml2 tree is freed by the PG_CATCH; palloc'd work goes with the error)
SELECT sum(total_bytes) AS before FROM pg_backend_memory_contexts \gset
\set VERBOSITY terse
\set doc `cat test/fixtures/oscal/truncated.xml`
SELECT * FROM import_oscal_catalog(:'doc', 'hostile');
SELECT * FROM import_oscal_catalog(:'doc', 'hostile');
SELECT * FROM import_oscal_catalog(:'doc', 'hostile');
\set doc `cat test/fixtures/oscal/late_error.xml`
SELECT * FROM import_oscal_catalog(:'doc', 'hostile');
SELECT * FROM import_oscal_catalog(:'doc', 'hostile');
SELECT * FROM import_oscal_catalog(:'doc', 'hostile');
\set VERBOSITY default
SELECT sum(total_bytes) - :before < 262144 AS contexts_did_not_grow FROM pg_backend_memory_contexts;

-- nothing was written, and the server is still here
SELECT count(*) AS hostile_frameworks FROM framework WHERE framework_id LIKE 'hostile%';
SELECT count(*) AS hostile_baselines FROM baseline WHERE baseline_id LIKE 'hostile%';
SELECT 1 AS alive;
