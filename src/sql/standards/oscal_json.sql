-- OSCAL JSON export.  The importers are C (src/sql/standards/oscal.sql);
-- the export builds the document from the rows here, in the order the JSON
-- importer walks it (a container's params, controls, then groups), so that
-- import_oscal_catalog_json(export_oscal_catalog_json(f)) gives the rows of
-- f again.  A statement's lines become the paragraphs of its prose.  The
-- tree is built from the deepest level up (controls and groups nest at most
-- as deep as the importers allow), each level one set-based query.

CREATE FUNCTION ismap.export_oscal_catalog_json(framework_id pg_catalog.text)
	RETURNS pg_catalog.jsonb LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	fw text := export_oscal_catalog_json.framework_id;
	f ismap.framework;
	pu text;
	md jsonb;
	pmap jsonb;
	cdepth jsonb;
	gdepth jsonb;
	cmap jsonb := '{}';
	gmap jsonb := '{}';
	d int;
BEGIN
	SELECT * INTO f FROM ismap.framework k WHERE k.framework_id OPERATOR(pg_catalog.=) fw;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'framework "%" does not exist', fw USING ERRCODE = 'undefined_object';
	END IF;

	-- params by owner: "c:" control, "g:" group, "" the catalog
	SELECT COALESCE(jsonb_object_agg(s.k, s.arr), '{}') INTO pmap FROM (
		SELECT CASE WHEN p.control_id IS NOT NULL THEN 'c:' OPERATOR(pg_catalog.||) p.control_id::text
		            WHEN p.group_id IS NOT NULL THEN 'g:' OPERATOR(pg_catalog.||) p.group_id ELSE '' END AS k,
		       jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
		           'id', p.param_id,
		           'label', p.label,
		           'select', CASE WHEN p.how_many IS NOT NULL THEN jsonb_build_object(
		               'how-many', CASE WHEN p.how_many OPERATOR(pg_catalog.<>) 'one' THEN p.how_many END,
		               'choice', to_jsonb(p.choices)) END,
		           'values', CASE WHEN p.how_many IS NULL AND p.value IS NOT NULL
		               THEN jsonb_build_array(p.value) END))
		           ORDER BY p.sort_order, p.param_id) AS arr
		FROM ismap.control_param p WHERE p.framework_id OPERATOR(pg_catalog.=) fw
		GROUP BY 1) s;

	-- the nesting depth of every control and group
	WITH RECURSIVE t(id, depth) AS (
		SELECT c.control_id, 1 FROM ismap.control c
		WHERE c.framework_id OPERATOR(pg_catalog.=) fw AND c.parent_id IS NULL
		UNION ALL
		SELECT c.control_id, t.depth OPERATOR(pg_catalog.+) 1 FROM ismap.control c JOIN t
		  ON c.parent_id OPERATOR(ismap.=) t.id WHERE c.framework_id OPERATOR(pg_catalog.=) fw)
	SELECT COALESCE(jsonb_object_agg(t.id::text, t.depth), '{}') INTO cdepth FROM t;
	WITH RECURSIVE t(id, depth) AS (
		SELECT g.group_id, 1 FROM ismap.control_group g
		WHERE g.framework_id OPERATOR(pg_catalog.=) fw AND g.parent_group_id IS NULL
		UNION ALL
		SELECT g.group_id, t.depth OPERATOR(pg_catalog.+) 1 FROM ismap.control_group g JOIN t
		  ON g.parent_group_id OPERATOR(pg_catalog.=) t.id WHERE g.framework_id OPERATOR(pg_catalog.=) fw)
	SELECT COALESCE(jsonb_object_agg(t.id, t.depth), '{}') INTO gdepth FROM t;

	-- controls, deepest first; each takes its enhancements from cmap
	FOR d IN REVERSE (SELECT COALESCE(max(v::int), 0) FROM jsonb_each_text(cdepth) e(k, v)) .. 1 LOOP
		SELECT cmap OPERATOR(pg_catalog.||) COALESCE(jsonb_object_agg(c.control_id::text, jsonb_strip_nulls(jsonb_build_object(
			'id', c.control_id::text,
			'class', c.class,
			'title', c.title,
			'params', pmap OPERATOR(pg_catalog.->) ('c:' OPERATOR(pg_catalog.||) c.control_id::text),
			'props', (SELECT jsonb_agg(jsonb_build_object('name', x.n, 'value', x.v) ORDER BY x.o)
			          FROM (VALUES (1, 'label', c.label), (2, 'sort-id', c.sort_id),
			                       (3, 'status', CASE WHEN c.withdrawn THEN 'withdrawn' END)) x(o, n, v)
			          WHERE x.v IS NOT NULL),
			'parts', CASE WHEN c.statement IS NOT NULL THEN jsonb_build_array(jsonb_build_object(
				'id', c.control_id::text OPERATOR(pg_catalog.||) '_smt', 'name', 'statement',
				'prose', replace(c.statement, E'\n', E'\n\n'))) END,
			'controls', (SELECT jsonb_agg(cmap OPERATOR(pg_catalog.->) k.control_id::text
			                              ORDER BY k.sort_order NULLS LAST, k.control_id)
			             FROM ismap.control k WHERE k.framework_id OPERATOR(pg_catalog.=) fw
			               AND k.parent_id OPERATOR(ismap.=) c.control_id)))), '{}')
		INTO cmap
		FROM ismap.control c
		WHERE c.framework_id OPERATOR(pg_catalog.=) fw
		  AND (cdepth OPERATOR(pg_catalog.->>) c.control_id::text)::int OPERATOR(pg_catalog.=) d;
	END LOOP;

	-- groups, deepest first: their params, base controls, then sub-groups
	FOR d IN REVERSE (SELECT COALESCE(max(v::int), 0) FROM jsonb_each_text(gdepth) e(k, v)) .. 1 LOOP
		SELECT gmap OPERATOR(pg_catalog.||) COALESCE(jsonb_object_agg(g.group_id, jsonb_strip_nulls(jsonb_build_object(
			'id', g.group_id,
			'class', g.class,
			'title', g.title,
			'params', pmap OPERATOR(pg_catalog.->) ('g:' OPERATOR(pg_catalog.||) g.group_id),
			'controls', (SELECT jsonb_agg(cmap OPERATOR(pg_catalog.->) k.control_id::text
			                              ORDER BY k.sort_order NULLS LAST, k.control_id)
			             FROM ismap.control k WHERE k.framework_id OPERATOR(pg_catalog.=) fw
			               AND k.parent_id IS NULL AND k.group_id OPERATOR(pg_catalog.=) g.group_id),
			'groups', (SELECT jsonb_agg(gmap OPERATOR(pg_catalog.->) k.group_id ORDER BY k.sort_order, k.group_id)
			           FROM ismap.control_group k WHERE k.framework_id OPERATOR(pg_catalog.=) fw
			             AND k.parent_group_id OPERATOR(pg_catalog.=) g.group_id)))), '{}')
		INTO gmap
		FROM ismap.control_group g
		WHERE g.framework_id OPERATOR(pg_catalog.=) fw
		  AND (gdepth OPERATOR(pg_catalog.->>) g.group_id)::int OPERATOR(pg_catalog.=) d;
	END LOOP;

	-- uuids made from an md5 carry the version 4 and variant bits OSCAL's
	-- schema asks for
	pu := overlay(overlay(md5(COALESCE(f.oscal_uuid, f.framework_id) OPERATOR(pg_catalog.||) ':publisher')
		placing '4' from 13) placing '8' from 17)::uuid::text;
	md := jsonb_strip_nulls(jsonb_build_object(
		'title', f.title,
		'last-modified', COALESCE(f.oscal_last_modified,
			to_char(f.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')),
		'version', f.version,
		'oscal-version', COALESCE(f.oscal_version, '1.1.2')));
	IF f.publisher IS NOT NULL THEN
		md := md OPERATOR(pg_catalog.||) jsonb_build_object(
			'roles', jsonb_build_array(jsonb_build_object('id', 'publisher', 'title', 'Publisher')),
			'parties', jsonb_build_array(jsonb_build_object('uuid', pu, 'type', 'organization', 'name', f.publisher)),
			'responsible-parties', jsonb_build_array(jsonb_build_object('role-id', 'publisher',
				'party-uuids', jsonb_build_array(pu))));
	END IF;
	RETURN jsonb_build_object('catalog', jsonb_strip_nulls(jsonb_build_object(
		'uuid', COALESCE(f.oscal_uuid,
			overlay(overlay(md5(f.framework_id) placing '4' from 13) placing '8' from 17)::uuid::text),
		'metadata', md,
		'params', pmap OPERATOR(pg_catalog.->) '',
		'controls', (SELECT jsonb_agg(cmap OPERATOR(pg_catalog.->) k.control_id::text
		                              ORDER BY k.sort_order NULLS LAST, k.control_id)
		             FROM ismap.control k WHERE k.framework_id OPERATOR(pg_catalog.=) fw
		               AND k.parent_id IS NULL AND k.group_id IS NULL),
		'groups', (SELECT jsonb_agg(gmap OPERATOR(pg_catalog.->) k.group_id ORDER BY k.sort_order, k.group_id)
		           FROM ismap.control_group k WHERE k.framework_id OPERATOR(pg_catalog.=) fw
		             AND k.parent_group_id IS NULL))));
END
$$;
COMMENT ON FUNCTION ismap.export_oscal_catalog_json(pg_catalog.text) IS
	'a framework as an OSCAL 1.1 JSON catalog; import_oscal_catalog_json of it yields the same rows';
