-- the jobs' sentences in the session's language (docs/japanese.md, "The
-- jobs' sentences"): each format() string of a job is a template of the
-- catalogue; job_text finds the template of a sentence and puts its values
-- into the translation, job_text_ja does it in Japanese for notice.detail_ja
-- (whose every form sql/japanese_findings.sql shows)
\i test/regress/setup.psql

CREATE TEMP TABLE sentence (n int, s text);
INSERT INTO sentence VALUES
(1, 'C21-0001-1: validity ended on 2026-11-30 without renewal'),
(2, 'C21-0002-1: validity ended on 2026-11-30; renewal application 17 withdrawn on 2026-12-02'),
(3, 'C25-0002-2 (service 2): platform C25-0001-2 (service 1) has had no registration since 2026-03-01; grace of 1 year 2 mons passed; chain 1 -> 2'),
(4, 'C25-0003-1 (service 3): material change 5 (scope, effective 2026-01-01) not covered by an audit by 2026-01-31'),
(5, 'C25-0004-1 (service 4): platform suspended: C25-0003-1 (service 3) has material change 5 (scope, effective 2026-01-01) not covered by an audit by 2026-01-31 ; chain 3 -> 4'),
(6, 'C25-0003-1 (service 3): active again, change 5 covered by an audit'),
(7, 'change 5 of service 3 (scope, effective 2026-01-01): covered by the audit of C25-0003-2, registered on 2026-02-01'),
(8, 'Example Audit Corp.: selection 2024-04-01 to 2026-03-31 (suspended) expired'),
(9, 'term ended on 2026-03-31 (was active)'),
(10, '120 events checked; sealed at event 120, hash 00ff'),
(11, '3 rows of the published listing differed from their registrations and registered content'),
(12, '3 rows of the published listing differed from their registrations and registered content; a transaction held open elsewhere kept them locked: the next run tries again'),
(13, '2 reported event(s) chained into the event log'),
(14, 'service 9 control 5.1.1.2: back within the limit (1 deviations in 60 observations), over it since 2026-01-03'),
(15, 'replaced by renewal (application 12)'),
(16, 'C25-0005-1 (service 5): platform delisted: 重大な虚偽記載 (chain 1 -> 5)');

-- English (lc_messages C): as written
SET lc_messages = 'C';
SELECT n FROM sentence WHERE ismap_internal.job_text(s) IS DISTINCT FROM s;
-- Japanese
SET lc_messages = 'ja_JP.UTF-8';
SELECT n, ismap_internal.job_text(s) FROM sentence ORDER BY n;
-- and job_text_ja gives the same whatever lc_messages says
SELECT n FROM sentence WHERE ismap_internal.job_text(s) IS DISTINCT FROM ismap_internal.job_text_ja(s);
SET lc_messages = 'C';
SELECT n FROM sentence WHERE ismap_internal.job_text_ja(s) IS NULL;
-- what is left of the Latin alphabet is values: names, codes
SET lc_messages = 'ja_JP.UTF-8';
SELECT DISTINCT m[1] AS latin
FROM sentence, pg_catalog.regexp_matches(ismap_internal.job_text(s), '([A-Za-z][A-Za-z_ .]{2,})', 'g') m ORDER BY 1;

-- a sentence of no template stays as it is (job_text_ja: NULL); so does
-- one that only has the punctuation of a template ("%s: %s") and no
-- sentence or word of it inside
SELECT ismap_internal.job_text('ismap.evidence_2026_01') AS partition,
	   ismap_internal.job_text('C25-0001-1: name, level') AS changed_columns,
	   ismap_internal.job_text_ja('C25-0001-1: name, level') IS NULL AS no_japanese,
	   ismap_internal.job_text_ja('provider ended the platform') IS NULL AS typed;

-- run_job returns the details in the session's language (a job added as a
-- row; its function writes the jobs' sentences)
CREATE FUNCTION public.job_sentences(as_of date, dry_run boolean, run_id bigint)
RETURNS TABLE (action text, object_id bigint, detail text) LANGUAGE sql
AS $$ SELECT 'expired', 1::bigint, format('%s: %s', 'C21-0001-1', format('validity ended on %s without renewal', as_of - 1))
	  UNION ALL SELECT 'sealed', NULL, format('%s events checked; sealed at event %s, hash %s', 7, 7, 'ab')
	  UNION ALL SELECT 'partition_created', NULL, 'ismap.evidence_2027_01' $$;
INSERT INTO ismap.job (job_name, function, lock_key, description, run_order)
VALUES ('sentences', 'public.job_sentences(date, boolean, bigint)', 901, 'the jobs'' sentences', 99);
SELECT * FROM ismap.run_job('sentences', '2026-12-01', dry_run => true, allow_future => true);
SET lc_messages = 'C';
SELECT * FROM ismap.run_job('sentences', '2026-12-01', dry_run => true, allow_future => true);
DELETE FROM ismap.job WHERE job_name = 'sentences';
DROP FUNCTION public.job_sentences(date, boolean, bigint);

-- the rules of validation (the SARIF log's shortDescription) in Japanese
SET lc_messages = 'ja_JP.UTF-8';
SELECT code, description FROM ismap.validation_rules() ORDER BY code;
SELECT count(*) AS english FROM ismap.validation_rules() WHERE description ~ '[A-Za-z]+ [A-Za-z]+';
SET lc_messages = 'C';
SELECT description FROM ismap.validation_rules() WHERE code = 'SCOPE_MISMATCH';
