-- demo/20_catalog.sql — the real NIST SP 800-53 rev4 catalog and the NIST and
-- FedRAMP baselines, imported from OSCAL XML (and JSON) inside the database
-- (data/oscal: public domain copies, see data/oscal/README.md)
\pset footer off
CREATE EXTENSION IF NOT EXISTS ismap;
SET search_path = ismap, public;

\echo
\echo '== Import the NIST SP 800-53 rev4 catalog (OSCAL XML, 3.5 MB) =='
\set catalog `cat data/oscal/NIST_SP-800-53_rev4_catalog.xml`
SELECT * FROM import_oscal_catalog(:'catalog', 'nist-800-53-r4');

\echo '== ... and the baselines that select from it (profiles) =='
\set profile `cat data/oscal/NIST_SP-800-53_rev4_LOW-baseline_profile.xml`
SELECT * FROM import_oscal_profile(:'profile', 'nist-r4-low', 'nist-800-53-r4');
\set profile `cat data/oscal/NIST_SP-800-53_rev4_MODERATE-baseline_profile.xml`
SELECT * FROM import_oscal_profile(:'profile', 'nist-r4-moderate', 'nist-800-53-r4');
\set profile `cat data/oscal/NIST_SP-800-53_rev4_HIGH-baseline_profile.xml`
SELECT * FROM import_oscal_profile(:'profile', 'nist-r4-high', 'nist-800-53-r4');
\set profile `cat data/oscal/FedRAMP_rev4_MODERATE-baseline_profile.xml`
SELECT * FROM import_oscal_profile(:'profile', 'fedramp-r4-moderate', 'nist-800-53-r4');

\echo '== Families, with what each baseline takes from them =='
SELECT g.group_id AS family, g.title,
       count(c.*) AS total,
       count(c.*) FILTER (WHERE c.withdrawn) AS withdrawn,
       count(bl.control_id) AS low, count(bm.control_id) AS moderate,
       count(bh.control_id) AS high, count(bf.control_id) AS fedramp_moderate
FROM control_group g
JOIN control c ON c.framework_id = g.framework_id AND c.group_id = g.group_id
LEFT JOIN baseline_control bl ON bl.baseline_id = 'nist-r4-low' AND bl.control_id = c.control_id
LEFT JOIN baseline_control bm ON bm.baseline_id = 'nist-r4-moderate' AND bm.control_id = c.control_id
LEFT JOIN baseline_control bh ON bh.baseline_id = 'nist-r4-high' AND bh.control_id = c.control_id
LEFT JOIN baseline_control bf ON bf.baseline_id = 'fedramp-r4-moderate' AND bf.control_id = c.control_id
WHERE g.framework_id = 'nist-800-53-r4'
GROUP BY g.group_id, g.title, g.sort_order ORDER BY g.sort_order;

\echo '== A control: label, title and statement as plain text, parameters inline =='
SELECT label, title, statement FROM control
WHERE framework_id = 'nist-800-53-r4' AND control_id = 'AC-2(2)';

\echo '== Same id whatever the spelling: AC-2(2) = ac-2.2; enhancements sort naturally =='
SELECT control_id, label, title FROM control
WHERE framework_id = 'nist-800-53-r4' AND parent_id = 'AC-2' ORDER BY control_id LIMIT 12;

\echo '== What FedRAMP Moderate adds to the NIST Moderate baseline (first 10) =='
SELECT c.label, c.title FROM control c
WHERE c.framework_id = 'nist-800-53-r4'
  AND c.control_id IN (SELECT control_id FROM baseline_control WHERE baseline_id = 'fedramp-r4-moderate'
                       EXCEPT SELECT control_id FROM baseline_control WHERE baseline_id = 'nist-r4-moderate')
ORDER BY c.control_id LIMIT 10;

\echo '== Export back to OSCAL (the start of the document) =='
SELECT string_agg(line, E'\n') AS export_oscal_catalog FROM (
  SELECT line FROM regexp_split_to_table(export_oscal_catalog('nist-800-53-r4')::text, E'\n')
       WITH ORDINALITY AS t(line, n) WHERE n BETWEEN 18 AND 40 ORDER BY n) s;

\echo '== The same catalog from OSCAL JSON (5.6 MB, as jsonb) gives the same rows =='
\set catalog_json `cat data/oscal-json/NIST_SP-800-53_rev4_catalog.json`
SELECT * FROM import_oscal_catalog_json(:'catalog_json', 'nist-800-53-r4-json');
SELECT count(*) AS rows_differing FROM (
  (SELECT control_id::text, label, title, statement, parent_id::text, group_id, withdrawn, sort_order
   FROM control WHERE framework_id = 'nist-800-53-r4'
   EXCEPT SELECT control_id::text, label, title, statement, parent_id::text, group_id, withdrawn, sort_order
   FROM control WHERE framework_id = 'nist-800-53-r4-json')
  UNION ALL
  (SELECT control_id::text, label, title, statement, parent_id::text, group_id, withdrawn, sort_order
   FROM control WHERE framework_id = 'nist-800-53-r4-json'
   EXCEPT SELECT control_id::text, label, title, statement, parent_id::text, group_id, withdrawn, sort_order
   FROM control WHERE framework_id = 'nist-800-53-r4')) d;
\set profile_json `cat data/oscal-json/FedRAMP_rev4_MODERATE-baseline_profile.json`
SELECT * FROM import_oscal_profile_json(:'profile_json', 'fedramp-r4-moderate-json', 'nist-800-53-r4');
\echo '== ... and a framework exported as OSCAL JSON (one control) =='
SELECT jsonb_pretty(export_oscal_catalog_json('nist-800-53-r4') #> '{catalog,groups,0,controls,1,controls,1}') AS ac_2_2;
DELETE FROM framework WHERE framework_id = 'nist-800-53-r4-json';
DELETE FROM baseline WHERE baseline_id = 'fedramp-r4-moderate-json';

\echo '== Hostile input is refused before it can do harm =='
\set ON_ERROR_STOP 0
SELECT * FROM import_oscal_catalog('<?xml version="1.0"?>
<!DOCTYPE catalog [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<catalog xmlns="http://csrc.nist.gov/ns/oscal/1.0"><metadata><title>&xxe;</title></metadata></catalog>', 'evil');
\set ON_ERROR_STOP 1
