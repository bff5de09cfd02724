-- demo/90_published.sql — the published list after the jobs ran: what it
-- said on two days, what changed between them, the dependency picture of
-- the registered services, the ISMAP-LIU list, and both lists written as
-- files by "ismap-jobs publish" (scripts/demo prints where to open it).
--
-- psql variables: outdir (where the files go), ismap_jobs (the program).
\pset footer off
SET search_path = ismap, public;
\if :{?outdir}
\else
\set outdir .
\endif
\if :{?ismap_jobs}
\else
\set ismap_jobs ismap-jobs
\endif
\setenv ISMAP_JOBS :ismap_jobs
\setenv PGDATABASE :DBNAME
\setenv ISMAP_OUTDIR :outdir

\echo
\echo '== The published list (docs/registry.md, "The list of a day") =='
SELECT pg_catalog.to_char(max(as_of), 'YYYY-MM-DD') AS last_day FROM job_run \gset
SELECT '2026-10-01' AS day, count(*) AS registrations FROM published_list('2026-10-01')
UNION ALL SELECT :'last_day', count(*) FROM published_list(:'last_day');
\echo '-- what changed between the two days'
SELECT change, count(*) FROM published_list_changes('2026-10-01', :'last_day') GROUP BY change ORDER BY change;
\echo '-- the first rows, with the Japanese headings'
SELECT registration_number AS "登録番号", service_name AS "クラウドサービスの名称", csp_name AS "事業者名",
	registered_on AS "登録日", valid_until AS "有効期限"
FROM published_list(:'last_day') LIMIT 5;
\echo '-- the ISMAP-LIU list of the same day: its own program and L number series (demo/87_liu.sql)'
SELECT registration_number AS "登録番号", service_name AS "クラウドサービスの名称", csp_name AS "事業者名",
	registered_on AS "登録日", valid_until AS "有効期限"
FROM published_list(:'last_day', 'ISMAP-LIU');

\echo '-- the dependency picture of the services registered that day'
\pset format unaligned
\pset tuples_only on
\o :outdir/registered.dot
SELECT dependency_dot(NULL, :'last_day', true);
\o
\pset tuples_only off
\pset format aligned
\echo '-- ismap-jobs publish: the list as web pages, CSV, Excel, JSON and a timeline'
\setenv ISMAP_LAST_DAY :last_day
\! "$ISMAP_JOBS" --allow-future-date --as-of "$ISMAP_LAST_DAY" --out "$ISMAP_OUTDIR/published" publish | tail -1
\echo '-- the ISMAP-LIU list went to liu/ beside it, the same files:'
\! cd "$ISMAP_OUTDIR/published/liu" && ls && printf 'liu/list.csv: %s registration(s)\n' "$(($(wc -l <list.csv) - 1))"
