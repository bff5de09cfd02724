CREATE FUNCTION ismap.classification_findings(p_system_id pg_catalog.int8)
RETURNS TABLE (code pg_catalog.text, severity pg_catalog.text, control_id ismap.ctrlid, message pg_catalog.text)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM ismap.information_system s WHERE s.system_id OPERATOR(pg_catalog.=) p_system_id) THEN
		RAISE EXCEPTION 'information system % does not exist', p_system_id USING ERRCODE = 'undefined_object';
	END IF;
	RETURN QUERY SELECT f.code, f.severity, f.control_id, f.message FROM ismap.classification_findings_all(p_system_id) f;
END
$$;
COMMENT ON FUNCTION ismap.classification_findings(pg_catalog.int8) IS 'findings on a system''s classification (code, severity, control_id, message), e.g. a high-water mark set by few assets';

-- ==== Classification findings, set-based ====
-------------------------------------------------------------------------------
-- classification_findings(system) ran four or five queries per system; over
-- the 1,200 systems of a large registry the analysts' question "which
-- classifications deserve a second look?" took well over 100 ms.  The rules
-- are now one set-based query, classification_findings_all(), for every
-- system or one; the per-system function keeps its signature, its error for
-- an unknown system and its findings' order, and returns what the set-based
-- query says about that system.
-------------------------------------------------------------------------------
CREATE FUNCTION ismap.classification_findings_all(p_system_id pg_catalog.int8 DEFAULT NULL)
RETURNS TABLE (system_id pg_catalog.int8, code pg_catalog.text, severity pg_catalog.text,
	control_id ismap.ctrlid, message pg_catalog.text)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
BEGIN
	-- PL/pgSQL, so that the query is planned for the argument given: NULL
	-- (every system) folds the filters away and the joins are hashed
	RETURN QUERY
	WITH pol AS MATERIALIZED (
		SELECT (ismap.policy_value('high_water_mark_share') #>> '{}')::pg_catalog.float8 AS share
	),
	sys AS (
		SELECT s.* FROM ismap.information_system s
		WHERE p_system_id IS NULL OR s.system_id OPERATOR(pg_catalog.=) p_system_id
	),
	asset AS (
		SELECT sa.system_id, ismap.conf(a.rating) AS c, a.name
		FROM ismap.system_asset sa
		JOIN ismap.information_asset a ON a.asset_id OPERATOR(pg_catalog.=) sa.asset_id
		WHERE p_system_id IS NULL OR sa.system_id OPERATOR(pg_catalog.=) p_system_id
	),
	-- one pass per system: the counts, and the assets at the highest rating
	ranked AS (
		SELECT x.*, pg_catalog.max(x.c) OVER (PARTITION BY x.system_id) AS top_c FROM asset x
	),
	agg AS (
		SELECT k.system_id, pg_catalog.count(*)::pg_catalog.int4 AS n_assets,
			   pg_catalog.max(k.c) AS max_c, pg_catalog.min(k.c) AS min_c,
			   (pg_catalog.count(*) FILTER (WHERE k.c OPERATOR(pg_catalog.=) k.top_c))::pg_catalog.int4 AS n_top,
			   pg_catalog.string_agg(pg_catalog.quote_ident(k.name), ', ' ORDER BY k.name)
				   FILTER (WHERE k.c OPERATOR(pg_catalog.=) k.top_c) AS top_names
		FROM ranked k GROUP BY k.system_id
	),
	r AS (
		SELECT s.system_id, s.name, s.availability, s.aggregation_raises, s.override, s.override_reason,
			   COALESCE(g.n_assets, 0) AS n_assets, g.max_c, g.min_c, g.n_top, g.top_names, pol.share,
			   CASE WHEN s.override IS NOT NULL THEN
					ismap.cia(LEAST(COALESCE(g.max_c, 1) OPERATOR(pg_catalog.+)
						CASE WHEN s.aggregation_raises THEN 1 ELSE 0 END, 3), 2, s.availability) END AS computed
		FROM sys s
		CROSS JOIN pol
		LEFT JOIN agg g ON g.system_id OPERATOR(pg_catalog.=) s.system_id
	)
	SELECT r.system_id, f.code, f.severity, NULL::ismap.ctrlid, f.message
	FROM r
	CROSS JOIN LATERAL (VALUES
		(1, CASE WHEN r.n_assets OPERATOR(pg_catalog.=) 0 THEN 'NO_ASSETS'
				 WHEN r.max_c OPERATOR(pg_catalog.>) r.min_c
				  AND r.n_top::pg_catalog.float8 OPERATOR(pg_catalog./) r.n_assets OPERATOR(pg_catalog.<=) r.share
				 THEN 'HIGH_WATER_MARK_FEW_ASSETS' END,
			'warning',
			CASE WHEN r.n_assets OPERATOR(pg_catalog.=) 0 THEN
				pg_catalog.format('system "%s" lists no information assets; its confidentiality is taken as 1 until they are recorded', r.name)
			ELSE
				pg_catalog.format('confidentiality %s of system "%s" is set by %s of its %s assets (%s); separating them into their own system would let the rest be rated %s (seed §2.3)',
					r.max_c, r.name, r.n_top, r.n_assets, r.top_names, r.min_c) END),
		(2, CASE WHEN r.aggregation_raises THEN 'AGGREGATION_RAISES_CONFIDENTIALITY' END,
			'warning',
			pg_catalog.format('system "%s" aggregates its information: confidentiality raised from %s to %s',
				r.name, COALESCE(r.max_c, 1), LEAST(COALESCE(r.max_c, 1) OPERATOR(pg_catalog.+) 1, 3))),
		(3, CASE WHEN r.computed OPERATOR(ismap.<>) r.override THEN
				CASE WHEN ismap.conf(r.override) OPERATOR(pg_catalog.<) ismap.conf(r.computed)
						  OR ismap.avail(r.override) OPERATOR(pg_catalog.<) ismap.avail(r.computed)
					 THEN 'OVERRIDE_BELOW_COMPUTED' ELSE 'OVERRIDE_IN_EFFECT' END END,
			CASE WHEN ismap.conf(r.override) OPERATOR(pg_catalog.<) ismap.conf(r.computed)
					  OR ismap.avail(r.override) OPERATOR(pg_catalog.<) ismap.avail(r.computed)
				 THEN 'query' ELSE 'warning' END,
			pg_catalog.format('system "%s" is rated %s by override instead of the computed %s; reason: %s',
				r.name, r.override, r.computed, r.override_reason)),
		(4, CASE WHEN r.availability OPERATOR(pg_catalog.>=) 2 THEN 'AVAILABILITY_NEEDS_SLA' END,
			'warning',
			pg_catalog.format('availability %s of system "%s" is met through the procurement specification or SLA (uptime, recovery time, backup), not by registration alone',
				r.availability, r.name))
	) AS f(ord, code, severity, message)
	WHERE f.code IS NOT NULL
	ORDER BY r.system_id, f.ord;
END
$$;
COMMENT ON FUNCTION ismap.classification_findings_all(pg_catalog.int8) IS 'the classification findings of every system (or of one), as classification_findings gives them for one: (system_id, code, severity, control_id, message)';

