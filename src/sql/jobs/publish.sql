-- ==== The publish job ====
-------------------------------------------------------------------------------
-- ismap-jobs publish --out DIR writes the published list as files
-- (docs/jobs.md, "publish").  The files are written by the client; this
-- function is the job's part of the ledger: one action per registration on
-- each program's list of the day ("listed", "listed_liu") and one per
-- change since the previous successful publish ("added", "removed",
-- "changed"; the registration number in detail), so that job_run records
-- what was published.  The previous
-- publish is the newest succeeded run of the job other than this one.
-------------------------------------------------------------------------------
CREATE FUNCTION ismap_internal.job_publish(as_of pg_catalog.date, dry_run pg_catalog.bool, run_id pg_catalog.int8)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	WITH prev AS (
		SELECT COALESCE((SELECT r.as_of FROM ismap.job_run r
						 WHERE r.job = 'publish' AND r.status = 'succeeded' AND r.run_id IS DISTINCT FROM $3
						 ORDER BY r.finished_at DESC, r.run_id DESC LIMIT 1), '-infinity'::pg_catalog.date) AS d
	)
	SELECT x.action, x.object_id, x.detail FROM (
		SELECT 1 AS k, CASE p.program WHEN 'ISMAP' THEN 'listed' ELSE 'listed_liu' END AS action,
			   NULL::pg_catalog.int8 AS object_id, l.registration_number AS detail
		FROM (VALUES ('ISMAP'::pg_catalog.text), ('ISMAP-LIU')) p(program),
			 LATERAL ismap.published_list($1, p.program) l
		UNION ALL
		SELECT 2, ch.change, NULL::pg_catalog.int8,
			   pg_catalog.concat_ws(': ', ch.registration_number, ch.changed_columns)
		FROM prev, LATERAL ismap.published_list_changes(LEAST(prev.d, $1), $1, 'ISMAP') ch) x
	ORDER BY x.k, x.detail COLLATE "C"
$$;
COMMENT ON FUNCTION ismap_internal.job_publish(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) IS 'publish job: the registrations on each program''s list of the day (listed, listed_liu) and the changes of the ISMAP list since the previous successful publish (added, removed, changed); ismap-jobs writes the files';

INSERT INTO ismap.job (job_name, function, lock_key, description, run_order)
VALUES ('publish', 'ismap_internal.job_publish(pg_catalog.date, pg_catalog.bool, pg_catalog.int8)', 106,
	'write the published list as files (ismap-jobs publish --out DIR; skipped by "all" without --out)', 60);
