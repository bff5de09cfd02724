-- error messages follow lc_messages: the extension's own catalogue
-- (po/ja.po, text domain ismap-15) in Japanese, PostgreSQL's beside it
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS ismap;
RESET client_min_messages;
\set VERBOSITY default

SET lc_messages = 'ja_JP.UTF-8';
-- a type error with a detail from the pure core
SELECT '5.1..2'::ismap.ctrlid;
\echo :LAST_ERROR_SQLSTATE
SELECT 'C4/I1/A1'::ismap.cia;
\echo :LAST_ERROR_SQLSTATE
-- the sampling functions
SELECT ismap.attribute_sample_size(1.5, 0.05);
\echo :LAST_ERROR_SQLSTATE
SELECT ismap.upper_deviation_limit(10, 11, 0.95);
\echo :LAST_ERROR_SQLSTATE
SELECT ismap.attribute_sample_size(0.95, 0.05, 0, NULL, 'triangular');
\echo :LAST_ERROR_SQLSTATE
-- validation of an application that is not there
SELECT * FROM ismap.validate_application(-1);
\echo :LAST_ERROR_SQLSTATE

-- and back in English
SET lc_messages = 'C';
SELECT '5.1..2'::ismap.ctrlid;
\echo :LAST_ERROR_SQLSTATE
RESET lc_messages;
