-- What holding certain frameworks (an ISO/IEC 27001 certification, say)
-- already covers of a baseline (docs/scheme.md §3.3.1: use existing certifications).
-- coverage: full when a held control is equal to or a superset of the
-- baseline control (the baseline control is equal or subset), partial for
-- superset/intersects, none otherwise; via lists the held controls behind
-- the answer as framework:control.  A held framework that is the baseline's
-- own covers it fully.
CREATE FUNCTION ismap.coverage(baseline_id pg_catalog.text, held_frameworks pg_catalog.text[],
	max_hops pg_catalog.int4 DEFAULT 1)
RETURNS TABLE (control_id ismap.ctrlid, coverage pg_catalog.text, via pg_catalog.text[])
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	v_baseline	text := $1;
	v_held		text[] := $2;
	v_hops		int := $3;
	v_fw		text;
	missing		text;
BEGIN
	SELECT b.framework_id INTO v_fw FROM ismap.baseline b WHERE b.baseline_id = v_baseline;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'baseline "%" does not exist', v_baseline USING ERRCODE = 'undefined_object';
	END IF;
	SELECT h INTO missing FROM unnest(v_held) h
	WHERE h IS NULL OR NOT EXISTS (SELECT 1 FROM ismap.framework f WHERE f.framework_id = h) LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'framework "%" does not exist', missing USING ERRCODE = 'undefined_object';
	END IF;
	IF v_hops < 1 OR v_hops > 10 THEN
		RAISE EXCEPTION 'max_hops must be between 1 and 10, not %', v_hops USING ERRCODE = 'invalid_parameter_value';
	END IF;

	RETURN QUERY
	WITH bc AS (
		SELECT x.control_id FROM ismap.baseline_control x WHERE x.baseline_id = v_baseline
	), hit AS (
		SELECT bc.control_id, h.fw || ':' || m.target_control::text AS held,
			CASE WHEN m.relationship IN ('equal', 'subset') THEN 2
				 WHEN m.relationship IN ('superset', 'intersects') THEN 1 ELSE 0 END AS score
		FROM bc
		CROSS JOIN (SELECT DISTINCT u AS fw FROM unnest(v_held) u WHERE u <> v_fw) h
		CROSS JOIN LATERAL ismap.mapped_controls(v_fw, bc.control_id, h.fw, v_hops) m
		UNION ALL
		SELECT bc.control_id, v_fw || ':' || bc.control_id::text, 2 FROM bc WHERE v_fw = ANY (v_held)
	), best AS (
		SELECT h.control_id, h.held, h.score, max(h.score) OVER (PARTITION BY h.control_id) AS top
		FROM hit h
	)
	SELECT bc.control_id,
		CASE max(b.top) WHEN 2 THEN 'full' WHEN 1 THEN 'partial' ELSE 'none' END,
		array_agg(DISTINCT b.held ORDER BY b.held) FILTER (WHERE b.score = b.top AND b.top > 0)
	FROM bc LEFT JOIN best b ON b.control_id OPERATOR(ismap.=) bc.control_id
	GROUP BY bc.control_id
	ORDER BY bc.control_id;
END
$$;
COMMENT ON FUNCTION ismap.coverage(pg_catalog.text, pg_catalog.text[], pg_catalog.int4) IS
	'what held frameworks (e.g. an ISO/IEC 27001 certification) cover of a baseline: (control_id, coverage full/partial/none, via held controls)';

