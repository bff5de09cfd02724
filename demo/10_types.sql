-- demo/10_types.sql — the two types everything else stands on
\pset footer off
CREATE EXTENSION IF NOT EXISTS ismap;
SET search_path = ismap, public;

\echo
\echo '== Control identifiers sort naturally, whatever the publisher''s spelling =='
SELECT id, depth(id), parent(id)
FROM unnest(ARRAY['6.1.10', '6.1.9', 'A.12.1.2', 'A.9.2.1', 'AC-2(1)', 'AC-10',
                  'AC-2', 'CLD.6.3.1', '6.1.1.1']::ctrlid[]) AS id
ORDER BY id;

\echo '== Spellings of the same control are equal; @> asks "is an ancestor of" =='
SELECT 'AC-2(1)'::ctrlid = 'ac-2.1'::ctrlid AS "AC-2(1) = ac-2.1",
       'AC-2'::ctrlid @> 'ac-2.1'::ctrlid AS "AC-2 @> ac-2.1",
       '6.1'::ctrlid @> '6.10.1'::ctrlid AS "6.1 @> 6.10.1";

\echo '== A system''s rating is the high-water mark of its information (cia_max) =='
WITH assets(system, asset, rating) AS (VALUES
  ('e-procurement', 'tender documents',   'C2/I2/A1'::cia),
  ('e-procurement', 'bidder bank data',   'C3/I2/A1'),
  ('e-procurement', 'public notices',     'C1/I1/A2'),
  ('web portal',    'press releases',     'C1/I1/A1'))
SELECT system, cia_max(rating) AS rating, conf(cia_max(rating)) AS level_needed
FROM assets GROUP BY system ORDER BY system;

\echo '== Bad input is refused with the position of the fault =='
\set ON_ERROR_STOP 0
SELECT 'AC-2((1))'::ctrlid;
SELECT 'C4/I2/A1'::cia;
\set ON_ERROR_STOP 1
