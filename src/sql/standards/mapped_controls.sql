-- one state of the mapped_controls search (internal)
CREATE TYPE ismap.mapping_step AS (
	framework_id	pg_catalog.text,
	control_id		ismap.ctrlid,
	relationship	pg_catalog.text,
	path			pg_catalog.text[]
);
COMMENT ON TYPE ismap.mapping_step IS 'internal: a control reached by mapped_controls, with the composed relationship and the path';

-- Controls of target_framework related to (framework, control), following
-- mappings both ways (the inverse of subset is superset) for up to max_hops
-- hops and composing relationships along the way (compose_relationships).
-- Breadth first, one layer of hops per query: a control is reached once, at
-- its smallest number of hops, which also makes the search cycle-safe and
-- keeps it linear in the mappings instead of in the paths.  One row per
-- target control: the fewest hops; among paths that short the strongest
-- relationship (equal, subset, superset, intersects, not_related), then the
-- first path in text order.  A not_related mapping is reported only as a
-- direct (1-hop) answer and never followed.
CREATE FUNCTION ismap.mapped_controls(framework pg_catalog.text, control ismap.ctrlid,
	target_framework pg_catalog.text, max_hops pg_catalog.int4 DEFAULT 1)
RETURNS TABLE (target_control ismap.ctrlid, relationship pg_catalog.text, hops pg_catalog.int4, path pg_catalog.text[])
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	start		ismap.ctrlid;
	frontier	ismap.mapping_step[];
	seen_fw		text[];
	seen_ctl	ismap.ctrlid[];
	k			int;
BEGIN
	IF max_hops < 1 OR max_hops > 10 THEN
		RAISE EXCEPTION 'max_hops must be between 1 and 10, not %', max_hops USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF NOT EXISTS (SELECT 1 FROM ismap.framework f WHERE f.framework_id = mapped_controls.framework) THEN
		RAISE EXCEPTION 'framework "%" does not exist', mapped_controls.framework USING ERRCODE = 'undefined_object';
	END IF;
	IF NOT EXISTS (SELECT 1 FROM ismap.framework f WHERE f.framework_id = mapped_controls.target_framework) THEN
		RAISE EXCEPTION 'framework "%" does not exist', mapped_controls.target_framework USING ERRCODE = 'undefined_object';
	END IF;
	SELECT c.control_id INTO start FROM ismap.control c
	WHERE c.framework_id = mapped_controls.framework AND c.control_id OPERATOR(ismap.=) mapped_controls.control;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'control "%" does not exist in framework "%"', mapped_controls.control, mapped_controls.framework
			USING ERRCODE = 'undefined_object';
	END IF;

	frontier := ARRAY[ROW(mapped_controls.framework, start, 'equal',
		ARRAY[mapped_controls.framework || ':' || start::text])::ismap.mapping_step];
	seen_fw := ARRAY[mapped_controls.framework];
	seen_ctl := ARRAY[start];

	FOR k IN 1..max_hops LOOP
		SELECT array_agg(ROW(g.fw, g.ctl, g.rel, g.path)::ismap.mapping_step)
		INTO frontier
		FROM (
			SELECT n.fw, n.ctl, n.rel, min(n.path) AS path
			FROM (
				SELECT e.fw, e.ctl, ismap.compose_relationships(f.relationship, e.rel) AS rel,
					f.path || (e.fw || ':' || e.ctl::text) AS path
				FROM unnest(frontier) f
				CROSS JOIN LATERAL (
					SELECT m.target_framework AS fw, m.target_control AS ctl, m.relationship AS rel
					FROM ismap.control_mapping m
					WHERE m.source_framework = f.framework_id AND m.source_control OPERATOR(ismap.=) f.control_id
					UNION ALL
					SELECT m.source_framework, m.source_control, ismap.inverse_relationship(m.relationship)
					FROM ismap.control_mapping m
					WHERE m.target_framework = f.framework_id AND m.target_control OPERATOR(ismap.=) f.control_id
				) e
				WHERE f.relationship <> 'not_related' AND (e.rel <> 'not_related' OR k = 1)
			) n
			WHERE NOT EXISTS (SELECT 1 FROM unnest(seen_fw, seen_ctl) s(fw, ctl)
							  WHERE s.fw = n.fw AND s.ctl OPERATOR(ismap.=) n.ctl)
			GROUP BY n.fw, n.ctl, n.rel
		) g;
		EXIT WHEN frontier IS NULL;

		SELECT seen_fw || array_agg(d.fw), seen_ctl || array_agg(d.ctl)
		INTO seen_fw, seen_ctl
		FROM (SELECT DISTINCT f.framework_id AS fw, f.control_id AS ctl FROM unnest(frontier) f) d;

		RETURN QUERY
		SELECT DISTINCT ON (f.control_id) f.control_id, f.relationship, k, f.path
		FROM unnest(frontier) f
		WHERE f.framework_id = mapped_controls.target_framework
		ORDER BY f.control_id, array_position(ARRAY['equal', 'subset', 'superset', 'intersects', 'not_related'], f.relationship), f.path;
	END LOOP;
END
$$;
COMMENT ON FUNCTION ismap.mapped_controls(pg_catalog.text, ismap.ctrlid, pg_catalog.text, pg_catalog.int4) IS
	'controls of target_framework related to a control, following mappings both ways over up to max_hops hops: (target_control, relationship, hops, path)';

