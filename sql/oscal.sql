-- OSCAL import and export with the real NIST SP 800-53 rev4 and FedRAMP rev4
-- documents shipped in data/oscal (public domain, see data/oscal/README.md)
\i test/regress/setup.psql
SET search_path = ismap, public;
\set VERBOSITY default

-- the rev4 catalog: 18 families, 256 controls + 666 enhancements, 96 withdrawn, 853 params
\set cat `cat data/oscal/NIST_SP-800-53_rev4_catalog.xml`
SELECT * FROM import_oscal_catalog(:'cat', 'nist-800-53-r4');

SELECT framework_id, title, version, publisher, source, oscal_uuid, oscal_version, oscal_last_modified,
       length(document_sha256) AS sha_len
FROM framework WHERE framework_id = 'nist-800-53-r4';

-- a sample of ids, labels, titles, parents and groups
SELECT control_id, label, title, parent_id, group_id, class, withdrawn, sort_id
FROM control
WHERE framework_id = 'nist-800-53-r4'
  AND control_id IN ('ac-1', 'ac-2', 'ac-2.1', 'ac-2.10', 'AC-2(13)', 'au-2.1', 'sc-7.3',
                     'sc-8.1', 'pm-16', 'si-4.24', 'ia-2.12')
ORDER BY control_id;

-- counts per family, depth and withdrawn status
SELECT group_id, count(*) FILTER (WHERE parent_id IS NULL) AS controls,
       count(*) FILTER (WHERE parent_id IS NOT NULL) AS enhancements,
       count(*) FILTER (WHERE withdrawn) AS withdrawn
FROM control WHERE framework_id = 'nist-800-53-r4'
GROUP BY group_id ORDER BY min(sort_order);

SELECT group_id, title, class, parent_group_id FROM control_group
WHERE framework_id = 'nist-800-53-r4' ORDER BY sort_order LIMIT 5;

-- statements are plain text: one line per paragraph, item labels kept,
-- parameters shown as [Assignment: ...] or [Selection: ...]
SELECT control_id, statement FROM control
WHERE framework_id = 'nist-800-53-r4' AND control_id IN ('ac-1', 'ac-2.2', 'ac-4.4', 'ac-2.10')
ORDER BY control_id;
-- withdrawn controls have no statement
SELECT count(*) AS withdrawn_with_statement FROM control
WHERE framework_id = 'nist-800-53-r4' AND withdrawn AND statement IS NOT NULL;

SELECT param_id, control_id, label, how_many, choices FROM control_param
WHERE framework_id = 'nist-800-53-r4' AND param_id IN ('ac-1_prm_1', 'ac-2.2_prm_1', 'ac-4.4_prm_1', 'ac-4.4_prm_2')
ORDER BY param_id;

-- idempotent: the same document again leaves the same rows
CREATE TEMP TABLE fingerprint AS
SELECT (SELECT md5(string_agg(c::text, '|' ORDER BY c.control_id)) FROM control c WHERE framework_id = 'nist-800-53-r4') AS controls,
       (SELECT md5(string_agg(g::text, '|' ORDER BY g.group_id)) FROM control_group g WHERE framework_id = 'nist-800-53-r4') AS groups,
       (SELECT md5(string_agg(p::text, '|' ORDER BY p.param_id)) FROM control_param p WHERE framework_id = 'nist-800-53-r4') AS params,
       (SELECT md5(f::text) FROM framework f WHERE framework_id = 'nist-800-53-r4') AS framework;
SELECT * FROM import_oscal_catalog(:'cat', 'nist-800-53-r4');
SELECT (SELECT md5(string_agg(c::text, '|' ORDER BY c.control_id)) FROM control c WHERE framework_id = 'nist-800-53-r4') = controls AS same_controls,
       (SELECT md5(string_agg(g::text, '|' ORDER BY g.group_id)) FROM control_group g WHERE framework_id = 'nist-800-53-r4') = groups AS same_groups,
       (SELECT md5(string_agg(p::text, '|' ORDER BY p.param_id)) FROM control_param p WHERE framework_id = 'nist-800-53-r4') = params AS same_params,
       (SELECT md5(f::text) FROM framework f WHERE framework_id = 'nist-800-53-r4') = framework AS same_framework
FROM fingerprint;

-- without framework_id the id is made from the catalog title
SELECT * FROM import_oscal_catalog(:'cat');
DELETE FROM framework WHERE framework_id LIKE 'nist-special-publication-800-53%';
-- a bad framework id is refused before anything is written
SELECT * FROM import_oscal_catalog(:'cat', 'NIST 800-53');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM import_oscal_catalog(NULL, 'x');
\echo :LAST_ERROR_SQLSTATE

-- profiles: NIST LOW/MODERATE/HIGH (124/261/343), FedRAMP LOW/MODERATE/HIGH/LI-SaaS
-- (125/325/421/126); each selection equals the publisher's own resolved catalog
\set p `cat data/oscal/NIST_SP-800-53_rev4_LOW-baseline_profile.xml`
SELECT * FROM import_oscal_profile(:'p', 'nist-r4-low', 'nist-800-53-r4');
\set p `cat data/oscal/NIST_SP-800-53_rev4_MODERATE-baseline_profile.xml`
SELECT * FROM import_oscal_profile(:'p', 'nist-r4-moderate', 'nist-800-53-r4');
\set p `cat data/oscal/NIST_SP-800-53_rev4_HIGH-baseline_profile.xml`
SELECT * FROM import_oscal_profile(:'p', 'nist-r4-high', 'nist-800-53-r4');
\set p `cat data/oscal/FedRAMP_rev4_LOW-baseline_profile.xml`
SELECT * FROM import_oscal_profile(:'p', 'fedramp-r4-low', 'nist-800-53-r4');
\set p `cat data/oscal/FedRAMP_rev4_MODERATE-baseline_profile.xml`
SELECT * FROM import_oscal_profile(:'p', 'fedramp-r4-moderate', 'nist-800-53-r4');
\set p `cat data/oscal/FedRAMP_rev4_HIGH-baseline_profile.xml`
SELECT * FROM import_oscal_profile(:'p', 'fedramp-r4-high', 'nist-800-53-r4');
\set p `cat data/oscal/FedRAMP_rev4_LI-SaaS-baseline_profile.xml`
SELECT * FROM import_oscal_profile(:'p', 'fedramp-r4-li-saas', 'nist-800-53-r4');

\set r `cat data/oscal/NIST_SP-800-53_rev4_LOW-baseline-resolved-profile_catalog.xml`
SELECT * FROM import_oscal_catalog(:'r', 'resolved-nist-r4-low');
\set r `cat data/oscal/NIST_SP-800-53_rev4_MODERATE-baseline-resolved-profile_catalog.xml`
SELECT * FROM import_oscal_catalog(:'r', 'resolved-nist-r4-moderate');
\set r `cat data/oscal/NIST_SP-800-53_rev4_HIGH-baseline-resolved-profile_catalog.xml`
SELECT * FROM import_oscal_catalog(:'r', 'resolved-nist-r4-high');
\set r `cat data/oscal/FedRAMP_rev4_LOW-baseline-resolved-profile_catalog.xml`
SELECT * FROM import_oscal_catalog(:'r', 'resolved-fedramp-r4-low');
\set r `cat data/oscal/FedRAMP_rev4_MODERATE-baseline-resolved-profile_catalog.xml`
SELECT * FROM import_oscal_catalog(:'r', 'resolved-fedramp-r4-moderate');
\set r `cat data/oscal/FedRAMP_rev4_HIGH-baseline-resolved-profile_catalog.xml`
SELECT * FROM import_oscal_catalog(:'r', 'resolved-fedramp-r4-high');
\set r `cat data/oscal/FedRAMP_rev4_LI-SaaS-baseline-resolved-profile_catalog.xml`
SELECT * FROM import_oscal_catalog(:'r', 'resolved-fedramp-r4-li-saas');

SELECT b.baseline_id, b.framework_id, b.title, b.source,
       (SELECT count(*) FROM baseline_control bc WHERE bc.baseline_id = b.baseline_id) AS selected,
       (SELECT count(*) FROM (
          (SELECT control_id FROM baseline_control bc WHERE bc.baseline_id = b.baseline_id
           EXCEPT SELECT control_id FROM control c WHERE c.framework_id = 'resolved-' || b.baseline_id)
          UNION ALL
          (SELECT control_id FROM control c WHERE c.framework_id = 'resolved-' || b.baseline_id
           EXCEPT SELECT control_id FROM baseline_control bc WHERE bc.baseline_id = b.baseline_id)) d) AS differences
FROM baseline b ORDER BY b.baseline_id;

-- FedRAMP keeps more of the family than NIST at HIGH: a few ids
SELECT control_id FROM baseline_control WHERE baseline_id = 'fedramp-r4-high'
EXCEPT SELECT control_id FROM baseline_control WHERE baseline_id = 'nist-r4-high'
ORDER BY 1 LIMIT 5;

-- a profile imported again gives the same selection
\set p `cat data/oscal/NIST_SP-800-53_rev4_LOW-baseline_profile.xml`
SELECT * FROM import_oscal_profile(:'p', 'nist-r4-low', 'nist-800-53-r4');

-- include-all, with-child-controls, matching and exclude-controls
SELECT * FROM import_oscal_profile($$<profile xmlns="http://csrc.nist.gov/ns/oscal/1.0" uuid="p-1">
  <metadata><title>Access control, less two</title><version>1</version><oscal-version>1.1.1</oscal-version></metadata>
  <import href="https://example.invalid/never-fetched.xml">
    <include-controls with-child-controls="yes"><with-id>ac-2</with-id></include-controls>
    <include-controls><matching pattern="ac-1?"/></include-controls>
    <exclude-controls><with-id>ac-2.7</with-id><matching pattern="ac-2.1*"/></exclude-controls>
  </import>
</profile>$$, 'ac-sample', 'nist-800-53-r4');
SELECT string_agg(control_id::text, ' ' ORDER BY control_id) FROM baseline_control WHERE baseline_id = 'ac-sample';
SELECT * FROM import_oscal_profile($$<profile xmlns="http://csrc.nist.gov/ns/oscal/1.0">
  <metadata><title>Everything but PM</title></metadata>
  <import href="#x"><include-all/><exclude-controls with-child-controls="yes"><matching pattern="pm-*"/></exclude-controls></import>
</profile>$$, 'all-but-pm', 'nist-800-53-r4');
DELETE FROM baseline WHERE baseline_id IN ('ac-sample', 'all-but-pm');

-- an unknown control id is an error naming it and its line; nothing changes
\set p `cat test/fixtures/oscal/profile_unknown_id.xml`
SELECT * FROM import_oscal_profile(:'p', 'nist-r4-low', 'nist-800-53-r4');
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS still_124 FROM baseline_control WHERE baseline_id = 'nist-r4-low';
SELECT * FROM import_oscal_profile(:'p', 'x', 'no-such-framework');
\echo :LAST_ERROR_SQLSTATE
\set p `cat test/fixtures/oscal/profile_no_import.xml`
SELECT * FROM import_oscal_profile(:'p', 'x', 'nist-800-53-r4');
\echo :LAST_ERROR_SQLSTATE
\set p `cat test/fixtures/oscal/profile_no_selection.xml`
SELECT * FROM import_oscal_profile(:'p', 'x', 'nist-800-53-r4');
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM import_oscal_profile(:'cat', 'x', 'nist-800-53-r4');
\echo :LAST_ERROR_SQLSTATE

-- re-importing the catalog keeps the baselines of the controls it still has
SELECT * FROM import_oscal_catalog(:'cat', 'nist-800-53-r4');
SELECT count(*) AS high_after_reimport FROM baseline_control WHERE baseline_id = 'nist-r4-high';

-- export: a well-formed OSCAL catalog that re-imports to the same rows
SELECT export_oscal_catalog('nist-800-53-r4') AS exported \gset
SELECT xml_is_well_formed_document(:'exported') AS well_formed,
       (xpath('count(//o:control)', :'exported'::xml, ARRAY[ARRAY['o', 'http://csrc.nist.gov/ns/oscal/1.0']]))[1]::text AS controls,
       (xpath('count(//o:group)', :'exported'::xml, ARRAY[ARRAY['o', 'http://csrc.nist.gov/ns/oscal/1.0']]))[1]::text AS groups,
       (xpath('count(//o:param)', :'exported'::xml, ARRAY[ARRAY['o', 'http://csrc.nist.gov/ns/oscal/1.0']]))[1]::text AS params;
SELECT * FROM import_oscal_catalog(:'exported', 'nist-r4-roundtrip');
SELECT count(*) AS control_differences FROM (
  (SELECT control_id::text, label, title, statement, parent_id::text, class, withdrawn, mandatory, group_id, sort_id, sort_order
   FROM control WHERE framework_id = 'nist-800-53-r4'
   EXCEPT
   SELECT control_id::text, label, title, statement, parent_id::text, class, withdrawn, mandatory, group_id, sort_id, sort_order
   FROM control WHERE framework_id = 'nist-r4-roundtrip')
  UNION ALL
  (SELECT control_id::text, label, title, statement, parent_id::text, class, withdrawn, mandatory, group_id, sort_id, sort_order
   FROM control WHERE framework_id = 'nist-r4-roundtrip'
   EXCEPT
   SELECT control_id::text, label, title, statement, parent_id::text, class, withdrawn, mandatory, group_id, sort_id, sort_order
   FROM control WHERE framework_id = 'nist-800-53-r4')) d;
SELECT count(*) AS group_differences FROM (
  (SELECT group_id, parent_group_id, title, class, sort_order FROM control_group WHERE framework_id = 'nist-800-53-r4'
   EXCEPT SELECT group_id, parent_group_id, title, class, sort_order FROM control_group WHERE framework_id = 'nist-r4-roundtrip')
  UNION ALL
  (SELECT group_id, parent_group_id, title, class, sort_order FROM control_group WHERE framework_id = 'nist-r4-roundtrip'
   EXCEPT SELECT group_id, parent_group_id, title, class, sort_order FROM control_group WHERE framework_id = 'nist-800-53-r4')) d;
SELECT count(*) AS param_differences FROM (
  (SELECT param_id, control_id::text, group_id, label, how_many, choices, value, sort_order FROM control_param WHERE framework_id = 'nist-800-53-r4'
   EXCEPT SELECT param_id, control_id::text, group_id, label, how_many, choices, value, sort_order FROM control_param WHERE framework_id = 'nist-r4-roundtrip')
  UNION ALL
  (SELECT param_id, control_id::text, group_id, label, how_many, choices, value, sort_order FROM control_param WHERE framework_id = 'nist-r4-roundtrip'
   EXCEPT SELECT param_id, control_id::text, group_id, label, how_many, choices, value, sort_order FROM control_param WHERE framework_id = 'nist-800-53-r4')) d;
SELECT (SELECT (title, version, publisher, oscal_uuid, oscal_version, oscal_last_modified) FROM framework WHERE framework_id = 'nist-800-53-r4')
     = (SELECT (title, version, publisher, oscal_uuid, oscal_version, oscal_last_modified) FROM framework WHERE framework_id = 'nist-r4-roundtrip')
  AS same_framework_metadata;
-- and exporting the copy gives the same document
SELECT export_oscal_catalog('nist-r4-roundtrip')::text = export_oscal_catalog('nist-800-53-r4')::text AS same_export;
-- the start of an export
SELECT string_agg(line, E'\n') FROM (
  SELECT line FROM regexp_split_to_table(:'exported', E'\n') WITH ORDINALITY AS t(line, n) ORDER BY n LIMIT 32) s;
SELECT export_oscal_catalog('no-such-framework');
\echo :LAST_ERROR_SQLSTATE

-- a framework without OSCAL metadata (hand-made) exports and round-trips too
INSERT INTO framework (framework_id, title) VALUES ('hand-made', 'A <hand-made> "catalog" & more');
INSERT INTO control (framework_id, control_id, title, statement, parent_id, label) VALUES
  ('hand-made', '5.1', 'Policies', 'Line one.' || E'\n' || 'b. Line <two> & "three"', NULL, '5.1'),
  ('hand-made', '5.1.1', 'Policy set', NULL, '5.1', NULL);
SELECT export_oscal_catalog('hand-made') AS hm \gset
SELECT * FROM import_oscal_catalog(:'hm', 'hand-made-copy');
SELECT control_id, title, statement, parent_id, label FROM control WHERE framework_id = 'hand-made-copy' ORDER BY control_id;

-- written to the OSCAL model, not to the rev4 files: a rev5-style catalog of
-- another publisher (nested groups, a control outside any group, labels with
-- a class, lower-case withdrawn, params inserted in choices, lists, 3 levels)
SELECT * FROM import_oscal_catalog($$<?xml version="1.0" encoding="UTF-8"?>
<catalog xmlns="http://csrc.nist.gov/ns/oscal/1.0" uuid="7e1b2c3d-0000-4000-8000-000000000001">
  <metadata>
    <title>Example Cloud Control Catalog</title>
    <last-modified>2024-01-01T00:00:00Z</last-modified>
    <version>5.0.0</version>
    <oscal-version>1.1.2</oscal-version>
    <role id="publisher"><title>Publisher</title></role>
    <party uuid="11111111-2222-4333-8444-555555555555" type="organization"><name>Example Standards Body</name></party>
    <responsible-party role-id="publisher"><party-uuid>11111111-2222-4333-8444-555555555555</party-uuid></responsible-party>
  </metadata>
  <param id="org_name"><label>organization name</label></param>
  <control id="gov-1" class="governance">
    <title>Governance <em>charter</em></title>
    <part name="statement" id="gov-1_smt"><p><insert type="param" id-ref="org_name"/> adopts a charter.</p></part>
  </control>
  <group id="op" class="domain">
    <title>Operations</title>
    <group id="op.log" class="subdomain">
      <title>Logging</title>
      <control id="op-2" class="base">
        <title>Event Logging</title>
        <param id="op-02_odp.01"><label>event types</label></param>
        <param id="op-02_odp.02"><select how-many="one-or-more"><choice>hourly</choice><choice><insert type="param" id-ref="op-02_odp.01"/> based</choice></select></param>
        <prop name="label" value="OP-02" class="assessment"/>
        <prop name="label" value="OP-2"/>
        <prop name="sort-id" value="op-02"/>
        <part name="statement" id="op-2_smt">
          <part name="item" id="op-2_smt.a"><prop name="label" value="a."/><p>Log <insert type="param" id-ref="op-02_odp.01"/>, reviewed <insert type="param" id-ref="op-02_odp.02"/>:</p>
            <ol><li>at the source;</li><li>centrally.</li></ol>
          </part>
        </part>
        <part name="guidance"><p>Not imported.</p></part>
        <control id="op-2.1" class="enhancement">
          <title>Central Review</title>
          <prop name="label" value="OP-2(1)"/>
          <prop name="status" value="withdrawn"/>
          <link rel="incorporated-into" href="#op-2"/>
        </control>
        <control id="op-2.2" class="enhancement">
          <title>Integrity</title>
          <prop name="label" value="OP-2(2)"/>
          <control id="op-2.2.1"><title>Signed Logs</title><prop name="label" value="OP-2(2)(a)"/></control>
        </control>
      </control>
    </group>
  </group>
</catalog>$$, 'example-cloud');
SELECT control_id, label, title, parent_id, group_id, class, withdrawn, sort_order, statement
FROM control WHERE framework_id = 'example-cloud' ORDER BY sort_order;
SELECT group_id, parent_group_id, title, class FROM control_group WHERE framework_id = 'example-cloud' ORDER BY sort_order;
SELECT param_id, control_id, label, how_many, choices FROM control_param WHERE framework_id = 'example-cloud' ORDER BY sort_order;
SELECT title, version, publisher, oscal_version FROM framework WHERE framework_id = 'example-cloud';
SELECT export_oscal_catalog('example-cloud') AS ex \gset
SELECT * FROM import_oscal_catalog(:'ex', 'example-cloud-copy');
SELECT count(*) AS differences FROM (
  (SELECT control_id::text, label, title, statement, parent_id::text, class, withdrawn, group_id, sort_id, sort_order FROM control WHERE framework_id = 'example-cloud'
   EXCEPT SELECT control_id::text, label, title, statement, parent_id::text, class, withdrawn, group_id, sort_id, sort_order FROM control WHERE framework_id = 'example-cloud-copy')
  UNION ALL
  (SELECT control_id::text, label, title, statement, parent_id::text, class, withdrawn, group_id, sort_id, sort_order FROM control WHERE framework_id = 'example-cloud-copy'
   EXCEPT SELECT control_id::text, label, title, statement, parent_id::text, class, withdrawn, group_id, sort_id, sort_order FROM control WHERE framework_id = 'example-cloud')) d;
SELECT export_oscal_catalog('example-cloud-copy')::text = export_oscal_catalog('example-cloud')::text AS same_export;
DELETE FROM framework WHERE framework_id IN ('example-cloud', 'example-cloud-copy');

-- the importers are not for everyone
SELECT has_function_privilege('public', 'ismap.import_oscal_catalog(text, text)', 'execute') AS public_import,
       has_function_privilege('public', 'ismap.export_oscal_catalog(text)', 'execute') AS public_export;

DELETE FROM framework WHERE framework_id IN ('nist-r4-roundtrip', 'hand-made', 'hand-made-copy')
   OR framework_id LIKE 'resolved-%';

-- another database encoding: the document is converted to UTF-8 for the
-- parser, the rows back to the database encoding, the export re-imports
SELECT current_database() AS regression_db \gset
SET client_min_messages = warning;
DROP DATABASE IF EXISTS ismap_oscal_latin1;
CREATE DATABASE ismap_oscal_latin1 ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0;
\c ismap_oscal_latin1
SET client_encoding = 'UTF8';
SET search_path = ismap, public;
SET client_min_messages = warning;
CREATE EXTENSION ismap;
RESET client_min_messages;
SELECT * FROM ismap.import_oscal_catalog($$<?xml version="1.0" encoding="UTF-8"?>
<catalog xmlns="http://csrc.nist.gov/ns/oscal/1.0"><metadata><title>Référentiel</title></metadata>
<control id="a-1"><title>Contrôle d'accès</title><part name="statement"><p>Gérer les accès.</p></part></control></catalog>$$, 'latin1');
SELECT title, statement, encode(convert_to(title, 'LATIN1'), 'hex') AS latin1_bytes FROM ismap.control;
SELECT ismap.export_oscal_catalog('latin1') AS l1 \gset
SELECT * FROM ismap.import_oscal_catalog(:'l1', 'latin1-copy');
SELECT c.title = d.title AND c.statement = d.statement AS same_text
FROM ismap.control c JOIN ismap.control d ON d.framework_id = 'latin1-copy' AND d.control_id = c.control_id
WHERE c.framework_id = 'latin1';
\c :regression_db
SET client_min_messages = warning;
DROP DATABASE ismap_oscal_latin1;

-- A new framework is written with the per-row foreign-key checks off
-- (session_replication_role = replica for those statements only) and its
-- references checked once, set-based: the registrar, who may not set that
-- setting, imports; the setting is back to origin in the same transaction,
-- the rows equal the first import's, and every reference holds.
DO $$ BEGIN CREATE ROLE oscal_registrar LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
GRANT ismap_registrar TO oscal_registrar;
\c - oscal_registrar
SET search_path = ismap, public;
SET session_replication_role = replica;
BEGIN;
SELECT framework_id, groups, controls, enhancements, withdrawn, params FROM import_oscal_catalog(:'cat', 'rev4-again');
SHOW session_replication_role;
SELECT (SELECT count(*) FROM control WHERE framework_id = 'rev4-again') = (SELECT count(*) FROM control WHERE framework_id = 'nist-800-53-r4') AS same_controls,
       (SELECT count(*) FROM control_param WHERE framework_id = 'rev4-again') = (SELECT count(*) FROM control_param WHERE framework_id = 'nist-800-53-r4') AS same_params,
       (SELECT count(*) FROM control c WHERE framework_id = 'rev4-again' AND parent_id IS NOT NULL
          AND NOT EXISTS (SELECT FROM control p WHERE p.framework_id = c.framework_id AND p.control_id = c.parent_id)) AS orphans;
ROLLBACK;
\c - postgres
DROP ROLE oscal_registrar;
