-- OSCAL JSON: import of catalogs and profiles (jsonb), export of catalogs.
-- An XML import and a JSON import of the same catalog give identical rows:
-- checked on every file of data/oscal and data/oscal-json.
\i test/regress/setup.psql
SET search_path = ismap, public;
\set VERBOSITY default

-- rows of two frameworks that differ (both ways; the digest of the document
-- differs by nature, everything else must not)
CREATE FUNCTION pg_temp.fw_diff(a text, b text) RETURNS bigint LANGUAGE sql AS $$
	SELECT (SELECT count(*) FROM (
		(SELECT title, version, publisher, source, oscal_uuid, oscal_version, oscal_last_modified FROM ismap.framework WHERE framework_id = a
		 EXCEPT SELECT title, version, publisher, source, oscal_uuid, oscal_version, oscal_last_modified FROM ismap.framework WHERE framework_id = b)
		UNION ALL
		(SELECT title, version, publisher, source, oscal_uuid, oscal_version, oscal_last_modified FROM ismap.framework WHERE framework_id = b
		 EXCEPT SELECT title, version, publisher, source, oscal_uuid, oscal_version, oscal_last_modified FROM ismap.framework WHERE framework_id = a)) d)
	 + (SELECT count(*) FROM (
		(SELECT control_id::text, label, title, statement, parent_id::text, class, group_id, sort_id, withdrawn, sort_order FROM ismap.control WHERE framework_id = a
		 EXCEPT SELECT control_id::text, label, title, statement, parent_id::text, class, group_id, sort_id, withdrawn, sort_order FROM ismap.control WHERE framework_id = b)
		UNION ALL
		(SELECT control_id::text, label, title, statement, parent_id::text, class, group_id, sort_id, withdrawn, sort_order FROM ismap.control WHERE framework_id = b
		 EXCEPT SELECT control_id::text, label, title, statement, parent_id::text, class, group_id, sort_id, withdrawn, sort_order FROM ismap.control WHERE framework_id = a)) d)
	 + (SELECT count(*) FROM (
		(SELECT group_id, parent_group_id, title, class, sort_order FROM ismap.control_group WHERE framework_id = a
		 EXCEPT SELECT group_id, parent_group_id, title, class, sort_order FROM ismap.control_group WHERE framework_id = b)
		UNION ALL
		(SELECT group_id, parent_group_id, title, class, sort_order FROM ismap.control_group WHERE framework_id = b
		 EXCEPT SELECT group_id, parent_group_id, title, class, sort_order FROM ismap.control_group WHERE framework_id = a)) d)
	 + (SELECT count(*) FROM (
		(SELECT param_id, control_id::text, group_id, label, how_many, choices, value, sort_order FROM ismap.control_param WHERE framework_id = a
		 EXCEPT SELECT param_id, control_id::text, group_id, label, how_many, choices, value, sort_order FROM ismap.control_param WHERE framework_id = b)
		UNION ALL
		(SELECT param_id, control_id::text, group_id, label, how_many, choices, value, sort_order FROM ismap.control_param WHERE framework_id = b
		 EXCEPT SELECT param_id, control_id::text, group_id, label, how_many, choices, value, sort_order FROM ismap.control_param WHERE framework_id = a)) d)
$$;
-- baseline rows that differ, both ways
CREATE FUNCTION pg_temp.bl_diff(a text, b text) RETURNS bigint LANGUAGE sql AS $$
	SELECT count(*) FROM (
		(SELECT framework_id, control_id::text FROM ismap.baseline_control WHERE baseline_id = a
		 EXCEPT SELECT framework_id, control_id::text FROM ismap.baseline_control WHERE baseline_id = b)
		UNION ALL
		(SELECT framework_id, control_id::text FROM ismap.baseline_control WHERE baseline_id = b
		 EXCEPT SELECT framework_id, control_id::text FROM ismap.baseline_control WHERE baseline_id = a)) d
$$;
-- the JSON form of an XML profile's selections (for the profiles whose JSON
-- twin is not shipped): title, import href, with-ids, made with xpath
CREATE FUNCTION pg_temp.profile_as_json(doc text) RETURNS jsonb LANGUAGE sql AS $$
	WITH x AS (SELECT doc::xml AS d), ns AS (SELECT ARRAY[ARRAY['o', 'http://csrc.nist.gov/ns/oscal/1.0']] AS n)
	SELECT jsonb_build_object('profile', jsonb_build_object(
		'uuid', (xpath('/o:profile/@uuid', d, n))[1]::text,
		'metadata', jsonb_build_object('title', (xpath('/o:profile/o:metadata/o:title/text()', d, n))[1]::text),
		'imports', jsonb_build_array(jsonb_build_object(
			'href', (xpath('/o:profile/o:import/@href', d, n))[1]::text,
			'include-controls', jsonb_build_array(jsonb_build_object('with-ids',
				(SELECT jsonb_agg(t::text) FROM unnest(xpath('/o:profile/o:import/o:include-controls/o:with-id/text()', d, n)) t)))))))
	FROM x, ns
$$;

-- 1. the rev4 catalog: XML and its JSON twin
\set xcat `cat data/oscal/NIST_SP-800-53_rev4_catalog.xml`
\set jcat `cat data/oscal-json/NIST_SP-800-53_rev4_catalog.json`
SELECT * FROM import_oscal_catalog(:'xcat', 'r4-xml');
SELECT * FROM import_oscal_catalog_json(:'jcat', 'r4-json');
SELECT pg_temp.fw_diff('r4-xml', 'r4-json') AS rows_differing;
-- without framework_id the id comes from the title, as for XML
SELECT framework_id FROM import_oscal_catalog_json(:'jcat');
SELECT pg_temp.fw_diff('r4-xml', (SELECT framework_id FROM framework WHERE framework_id LIKE 'nist-special%')) AS rows_differing;
DELETE FROM framework WHERE framework_id LIKE 'nist-special%';
-- the same statements, inserts rendered like XML's <insert>
SELECT control_id, statement FROM control WHERE framework_id = 'r4-json' AND control_id IN ('ac-1', 'ac-2.2') ORDER BY control_id;
SELECT param_id, label, how_many, choices FROM control_param WHERE framework_id = 'r4-json'
  AND param_id IN ('ac-1_prm_1', 'ac-2.2_prm_1', 'ac-2.2_prm_2') ORDER BY param_id;
-- Withdrawn (capital W, rev4) counts as withdrawn
SELECT count(*) FILTER (WHERE withdrawn) AS withdrawn FROM control WHERE framework_id = 'r4-json';
-- a second import of the same document changes nothing
SELECT * FROM import_oscal_catalog_json(:'jcat', 'r4-json');
SELECT pg_temp.fw_diff('r4-xml', 'r4-json') AS rows_differing;

-- 2. the JSON profiles against their XML twins (the catalog imported from
-- XML: the profile's href names the catalog's .xml, .json and .yaml forms
-- and is never followed; the framework is the caller's)
\set xp `cat data/oscal/NIST_SP-800-53_rev4_LOW-baseline_profile.xml`
\set jp `cat data/oscal-json/NIST_SP-800-53_rev4_LOW-baseline_profile.json`
SELECT * FROM import_oscal_profile(:'xp', 'low-xml', 'r4-xml');
SELECT * FROM import_oscal_profile_json(:'jp', 'low-json', 'r4-xml');
SELECT pg_temp.bl_diff('low-xml', 'low-json') AS rows_differing;
\set xp `cat data/oscal/NIST_SP-800-53_rev4_MODERATE-baseline_profile.xml`
\set jp `cat data/oscal-json/NIST_SP-800-53_rev4_MODERATE-baseline_profile.json`
SELECT * FROM import_oscal_profile(:'xp', 'mod-xml', 'r4-xml');
SELECT * FROM import_oscal_profile_json(:'jp', 'mod-json', 'r4-xml');
SELECT pg_temp.bl_diff('mod-xml', 'mod-json') AS rows_differing;
\set xp `cat data/oscal/NIST_SP-800-53_rev4_HIGH-baseline_profile.xml`
\set jp `cat data/oscal-json/NIST_SP-800-53_rev4_HIGH-baseline_profile.json`
SELECT * FROM import_oscal_profile(:'xp', 'high-xml', 'r4-xml');
SELECT * FROM import_oscal_profile_json(:'jp', 'high-json', 'r4-xml');
SELECT pg_temp.bl_diff('high-xml', 'high-json') AS rows_differing;
\set xp `cat data/oscal/FedRAMP_rev4_MODERATE-baseline_profile.xml`
\set jp `cat data/oscal-json/FedRAMP_rev4_MODERATE-baseline_profile.json`
SELECT * FROM import_oscal_profile(:'xp', 'fr-mod-xml', 'r4-xml');
SELECT * FROM import_oscal_profile_json(:'jp', 'fr-mod-json', 'r4-xml');
SELECT pg_temp.bl_diff('fr-mod-xml', 'fr-mod-json') AS rows_differing;
-- the same JSON profile against the framework imported from JSON
SELECT * FROM import_oscal_profile_json(:'jp', 'fr-mod-json2', 'r4-json');
SELECT count(*) AS controls FROM baseline_control WHERE baseline_id = 'fr-mod-json2';
-- the profiles without a shipped JSON twin, in their JSON form
\set xp `cat data/oscal/FedRAMP_rev4_LOW-baseline_profile.xml`
SELECT selected FROM import_oscal_profile(:'xp', 'p-xml', 'r4-xml');
SELECT selected FROM import_oscal_profile_json(pg_temp.profile_as_json(:'xp'), 'p-json', 'r4-xml');
SELECT pg_temp.bl_diff('p-xml', 'p-json') AS rows_differing;
\set xp `cat data/oscal/FedRAMP_rev4_HIGH-baseline_profile.xml`
SELECT selected FROM import_oscal_profile(:'xp', 'p-xml', 'r4-xml');
SELECT selected FROM import_oscal_profile_json(pg_temp.profile_as_json(:'xp'), 'p-json', 'r4-xml');
SELECT pg_temp.bl_diff('p-xml', 'p-json') AS rows_differing;
\set xp `cat data/oscal/FedRAMP_rev4_LI-SaaS-baseline_profile.xml`
SELECT selected FROM import_oscal_profile(:'xp', 'p-xml', 'r4-xml');
SELECT selected FROM import_oscal_profile_json(pg_temp.profile_as_json(:'xp'), 'p-json', 'r4-xml');
SELECT pg_temp.bl_diff('p-xml', 'p-json') AS rows_differing;
\set xp `cat data/oscal/FedRAMP_rev4_MODERATE-baseline_profile.xml`
SELECT selected FROM import_oscal_profile(:'xp', 'p-xml', 'r4-xml');
SELECT selected FROM import_oscal_profile_json(pg_temp.profile_as_json(:'xp'), 'p-json', 'r4-xml');
SELECT pg_temp.bl_diff('p-xml', 'p-json') AS rows_differing;
DELETE FROM baseline WHERE baseline_id IN ('p-xml', 'p-json');

-- 3. export: every XML catalog of data/oscal, exported as JSON and imported
-- again, gives its rows back
SELECT * FROM import_oscal_catalog_json(export_oscal_catalog_json('r4-xml'), 'r4-rt');
SELECT pg_temp.fw_diff('r4-xml', 'r4-rt') AS rows_differing;
-- the exported document is the shipped one in what the importer reads
SELECT e -> 'catalog' -> 'groups' -> 0 -> 'controls' -> 0 -> 'props' AS ac1_props,
       e -> 'catalog' -> 'metadata' -> 'responsible-parties' AS publisher
FROM export_oscal_catalog_json('r4-xml') e;
\set x `cat data/oscal/NIST_SP-800-53_rev4_LOW-baseline-resolved-profile_catalog.xml`
SELECT controls FROM import_oscal_catalog(:'x', 'c-xml');
SELECT controls FROM import_oscal_catalog_json(export_oscal_catalog_json('c-xml'), 'c-json');
SELECT pg_temp.fw_diff('c-xml', 'c-json') AS rows_differing;
\set x `cat data/oscal/NIST_SP-800-53_rev4_MODERATE-baseline-resolved-profile_catalog.xml`
SELECT controls FROM import_oscal_catalog(:'x', 'c-xml');
SELECT controls FROM import_oscal_catalog_json(export_oscal_catalog_json('c-xml'), 'c-json');
SELECT pg_temp.fw_diff('c-xml', 'c-json') AS rows_differing;
\set x `cat data/oscal/NIST_SP-800-53_rev4_HIGH-baseline-resolved-profile_catalog.xml`
SELECT controls FROM import_oscal_catalog(:'x', 'c-xml');
SELECT controls FROM import_oscal_catalog_json(export_oscal_catalog_json('c-xml'), 'c-json');
SELECT pg_temp.fw_diff('c-xml', 'c-json') AS rows_differing;
\set x `cat data/oscal/FedRAMP_rev4_LOW-baseline-resolved-profile_catalog.xml`
SELECT controls FROM import_oscal_catalog(:'x', 'c-xml');
SELECT controls FROM import_oscal_catalog_json(export_oscal_catalog_json('c-xml'), 'c-json');
SELECT pg_temp.fw_diff('c-xml', 'c-json') AS rows_differing;
\set x `cat data/oscal/FedRAMP_rev4_MODERATE-baseline-resolved-profile_catalog.xml`
SELECT controls FROM import_oscal_catalog(:'x', 'c-xml');
SELECT controls FROM import_oscal_catalog_json(export_oscal_catalog_json('c-xml'), 'c-json');
SELECT pg_temp.fw_diff('c-xml', 'c-json') AS rows_differing;
\set x `cat data/oscal/FedRAMP_rev4_HIGH-baseline-resolved-profile_catalog.xml`
SELECT controls FROM import_oscal_catalog(:'x', 'c-xml');
SELECT controls FROM import_oscal_catalog_json(export_oscal_catalog_json('c-xml'), 'c-json');
SELECT pg_temp.fw_diff('c-xml', 'c-json') AS rows_differing;
\set x `cat data/oscal/FedRAMP_rev4_LI-SaaS-baseline-resolved-profile_catalog.xml`
SELECT controls FROM import_oscal_catalog(:'x', 'c-xml');
SELECT controls FROM import_oscal_catalog_json(export_oscal_catalog_json('c-xml'), 'c-json');
SELECT pg_temp.fw_diff('c-xml', 'c-json') AS rows_differing;
SELECT export_oscal_catalog_json('no-such');
SELECT export_oscal_catalog_json(NULL) IS NULL AS strict;

-- 4. the rules of the XML path, on small documents
-- inserts: an assignment, a selection of one or more whose choice inserts
-- another param, an unknown param; a paragraph break; withdrawn in lower case
SELECT * FROM import_oscal_catalog_json($j$
{"catalog": {"uuid": "00000000-0000-4000-8000-000000000001",
 "metadata": {"title": "Small  catalog", "version": "1", "oscal-version": "1.1.2", "last-modified": "2024-01-01T00:00:00Z"},
 "params": [{"id": "cat_prm", "label": "catalog-wide value"}],
 "groups": [{"id": "g1", "class": "family", "title": "Group one", "controls": [
   {"id": "x-1", "title": "First", "props": [{"name": "label", "value": "X-1"}, {"name": "label", "class": "other", "value": "no"},
     {"name": "sort-id", "value": "x-01"}, {"name": "label", "ns": "https://example.org/ns", "value": "foreign"}],
    "params": [{"id": "x-1_prm_1", "label": "frequency"},
               {"id": "x-1_prm_2", "select": {"how-many": "one-or-more", "choice": ["daily", "as set by {{ insert: param, x-1_prm_1 }}"]}},
               {"id": "x-1_prm_3", "values": ["fixed"]}],
    "parts": [{"name": "guidance", "prose": "not read"},
              {"name": "statement", "prose": "Does   {{insert: param,x-1_prm_1}} and\n{{ insert: param, x-1_prm_2 }}; see {{ insert: param, nope }}.\n\nSecond paragraph {{ insert: param, cat_prm }}.",
               "parts": [{"name": "item", "props": [{"name": "label", "value": "a."}], "prose": "item a"},
                         {"name": "item", "props": [{"name": "label", "value": "b."}]}]}],
    "controls": [{"id": "x-1.1", "title": "Enhancement", "props": [{"name": "status", "value": "withdrawn"}]}]},
   {"id": "x-2", "title": "Second", "props": [{"name": "status", "value": "Withdrawn"}]}]}]}}
$j$, 'small');
SELECT control_id, label, sort_id, parent_id, group_id, withdrawn, statement FROM control WHERE framework_id = 'small' ORDER BY sort_order;
SELECT param_id, control_id, group_id, label, how_many, choices, value FROM control_param WHERE framework_id = 'small' ORDER BY sort_order;
SELECT title FROM framework WHERE framework_id = 'small';
-- and the export of it reads back the same
SELECT controls FROM import_oscal_catalog_json(export_oscal_catalog_json('small'), 'small-rt');
SELECT pg_temp.fw_diff('small', 'small-rt') AS rows_differing;

-- a profile: include-all minus an exclusion; with-child-controls; matching
SELECT * FROM import_oscal_profile_json('{"profile": {"metadata": {"title": "all but x-2"},
  "imports": [{"href": "small.xml", "include-all": {}, "exclude-controls": [{"with-ids": ["x-2"]}]}]}}', 'b-all', 'small');
SELECT control_id FROM baseline_control WHERE baseline_id = 'b-all' ORDER BY control_id;
SELECT * FROM import_oscal_profile_json('{"profile": {"metadata": {"title": "x-1 and children"},
  "imports": [{"href": "#x", "include-controls": [{"with-child-controls": "yes", "with-ids": ["X-1"]}]}]}}', 'b-ch', 'small');
SELECT control_id FROM baseline_control WHERE baseline_id = 'b-ch' ORDER BY control_id;
SELECT * FROM import_oscal_profile_json('{"profile": {"metadata": {"title": "pattern"},
  "imports": [{"href": "#x", "include-controls": [{"matching": [{"pattern": "x-?"}]}]}]}}', 'b-pat', 'small');
SELECT control_id FROM baseline_control WHERE baseline_id = 'b-pat' ORDER BY control_id;
-- profile errors: unknown control, no selection, no import, unknown framework
SELECT * FROM import_oscal_profile_json('{"profile": {"metadata": {"title": "t"},
  "imports": [{"href": "#x", "include-controls": [{"with-ids": ["x-1", "zz-9"]}]}]}}', 'b-bad', 'small');
SELECT * FROM import_oscal_profile_json('{"profile": {"metadata": {"title": "t"}, "imports": [{"href": "#x"}]}}', 'b-bad', 'small');
SELECT * FROM import_oscal_profile_json('{"profile": {"metadata": {"title": "t"}, "imports": []}}', 'b-bad', 'small');
SELECT * FROM import_oscal_profile_json('{"profile": {"metadata": {"title": "t"}, "imports": [{"include-all": {}}]}}', 'b-bad', 'no-such');
SELECT * FROM import_oscal_profile_json('{"profile": {"metadata": {"title": "t"}, "imports": [{"include-controls": [{"with-ids": [7]}]}]}}', 'b-bad', 'small');
SELECT * FROM import_oscal_profile_json(NULL, 'b-bad', 'small');
SELECT count(*) AS bad_baselines FROM baseline WHERE baseline_id = 'b-bad';

-- 5. hostile and malformed documents: a clear error, nothing written
SELECT count(*) AS frameworks_before FROM framework;
-- not JSON at all: the cast refuses it (22P02)
SELECT * FROM import_oscal_catalog_json('{"catalog": ', 'h');
-- nesting deeper than the server's stack allows: refused by the cast
DO $$ BEGIN PERFORM (repeat('[', 1000000) || repeat(']', 1000000))::jsonb;
EXCEPTION WHEN OTHERS THEN RAISE NOTICE 'refused: %', SQLSTATE; END $$;
-- wrong root, wrong types
SELECT * FROM import_oscal_catalog_json('[1, 2, 3]', 'h');
SELECT * FROM import_oscal_catalog_json('"catalog"', 'h');
SELECT * FROM import_oscal_catalog_json('{"profile": {}}', 'h');
SELECT * FROM import_oscal_catalog_json('{"catalog": 5}', 'h');
SELECT * FROM import_oscal_catalog_json('{"catalog": {"metadata": {"title": 5}}}', 'h');
SELECT * FROM import_oscal_catalog_json('{"catalog": {"metadata": {"title": "t"}, "groups": "x"}}', 'h');
SELECT * FROM import_oscal_catalog_json('{"catalog": {"metadata": {"title": "t"}, "groups": [{"title": "g", "controls": [{"id": 1, "title": "c"}]}]}}', 'h');
SELECT * FROM import_oscal_catalog_json('{"catalog": {"metadata": {"title": "t"}, "controls": [{"id": "c-1", "title": "c", "props": {"name": "label"}}]}}', 'h');
SELECT * FROM import_oscal_profile_json('{"catalog": {}}', 'h', 'small');
-- missing ids and titles, bad control ids
SELECT * FROM import_oscal_catalog_json('{"catalog": {"uuid": "u"}}', 'h');
SELECT * FROM import_oscal_catalog_json('{"catalog": {"metadata": {"title": "  "}}}', 'h');
SELECT * FROM import_oscal_catalog_json('{"catalog": {"metadata": {"title": "t"}, "controls": [{"title": "c"}]}}', 'h');
SELECT * FROM import_oscal_catalog_json('{"catalog": {"metadata": {"title": "t"}, "controls": [{"id": "c-1"}]}}', 'h');
SELECT * FROM import_oscal_catalog_json('{"catalog": {"metadata": {"title": "t"}, "controls": [{"id": "c-1!", "title": "c"}]}}', 'h');
SELECT * FROM import_oscal_catalog_json('{"catalog": {"metadata": {"title": "t"}, "controls": [{"id": "c-1", "title": "c", "params": [{"label": "l"}]}]}}', 'h');
-- duplicate ids (as ctrlids: c-1.1 and C-1(1) are one), across kinds too
SELECT * FROM import_oscal_catalog_json('{"catalog": {"metadata": {"title": "t"}, "controls": [{"id": "c-1", "title": "a", "controls": [{"id": "c-1.1", "title": "b"}]}, {"id": "C-1(1)", "title": "c"}]}}', 'h');
SELECT * FROM import_oscal_catalog_json('{"catalog": {"metadata": {"title": "t"}, "groups": [{"id": "c-1", "title": "g"}], "controls": [{"id": "c-1", "title": "a"}]}}', 'h');
-- duplicate keys: jsonb keeps the last value of a key (PostgreSQL's rule),
-- so the import sees only that one
SELECT ('{"catalog": {"metadata": {"title": "first", "title": "second"}}}'::jsonb) #>> '{catalog,metadata,title}' AS title_kept;
-- 1 MB of numbers where groups should be
SELECT * FROM import_oscal_catalog_json(jsonb_build_object('catalog', jsonb_build_object(
  'metadata', jsonb_build_object('title', 't'), 'groups', (SELECT jsonb_agg(i) FROM generate_series(1, 150000) i))), 'h');
-- limits: a huge string, controls nested too deep, parts nested too deep, too large a document
SELECT * FROM import_oscal_catalog_json(jsonb_build_object('catalog', jsonb_build_object(
  'metadata', jsonb_build_object('title', repeat('x', 2 * 1024 * 1024)))), 'h');
SELECT * FROM import_oscal_catalog_json(('{"catalog": {"metadata": {"title": "t"}, "controls": [' ||
  (SELECT string_agg(format('{"id": "c-%s", "title": "t", "controls": [', i), '') FROM generate_series(1, 9) i) ||
  repeat(']}', 9) || ']}}')::jsonb, 'h');
SELECT * FROM import_oscal_catalog_json(('{"catalog": {"metadata": {"title": "t"}, "controls": [{"id": "c-1", "title": "t", "parts": [{"name": "statement", "parts": [' ||
  repeat('{"name": "item", "parts": [', 70) || repeat(']}', 70) || ']}]}]}}')::jsonb, 'h');
SET ismap.max_document_size = '1MB';
SELECT * FROM import_oscal_catalog_json(:'jcat', 'h');
RESET ismap.max_document_size;
SELECT * FROM import_oscal_catalog_json(NULL, 'h');
-- all or nothing: a document whose last control is bad leaves no row
SELECT * FROM import_oscal_catalog_json('{"catalog": {"metadata": {"title": "t"}, "controls": [{"id": "c-1", "title": "a"}, {"id": "c-2", "title": "b"}, {"id": "c-3"}]}}', 'h');
SELECT count(*) AS frameworks_after FROM framework;
SELECT count(*) AS h_rows FROM control WHERE framework_id = 'h';

-- 6. only the registrar may import; everyone may export
SELECT create_roles() IS NOT NULL AS roles_ready;
SET ROLE ismap_reader;
SELECT * FROM import_oscal_catalog_json('{"catalog": {"metadata": {"title": "t"}}}', 'h');
SELECT jsonb_typeof(export_oscal_catalog_json('small')) AS exported;
RESET ROLE;
SET ROLE ismap_registrar;
SELECT * FROM import_oscal_catalog_json('{"catalog": {"metadata": {"title": "by the registrar"}}}', 'reg');
RESET ROLE;
