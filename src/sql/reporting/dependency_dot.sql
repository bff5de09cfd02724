-- Graphviz DOT of services and their platforms; an edge points from a
-- service to the base it runs on, dashed when the dependency was
-- self-assessed.  With a service: only what is connected to it.
--
-- Made to be read (docs/registry.md, "Reports"): a title with the day and
-- the count, a legend of the status colours, the status of each service
-- as of that day (from its registrations' dates, as the published list
-- counts them), optionally only the services registered that day, a
-- CJK-capable font, and a layout that stays readable at hundreds of
-- services: the services nothing runs on (most SaaS) are spread over up to
-- six ranks above their platform instead of one rank thousands of pixels
-- wide, which is what Graphviz's unflatten tool does.
CREATE FUNCTION ismap.dependency_dot(p_service_id pg_catalog.int8 DEFAULT NULL, p_as_of pg_catalog.date DEFAULT CURRENT_DATE,
	p_active_only pg_catalog.bool DEFAULT false) RETURNS pg_catalog.text
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	WITH RECURSIVE
	up (service_id, via) AS (
		SELECT p_service_id, ARRAY[p_service_id]
		WHERE p_service_id IS NOT NULL
		UNION ALL
		SELECT d.base_service_id, up.via OPERATOR(pg_catalog.||) d.base_service_id
		FROM up JOIN ismap.service_dependency d ON d.service_id = up.service_id
		WHERE d.base_service_id <> ALL (up.via)
	),
	down (service_id, via) AS (
		SELECT p_service_id, ARRAY[p_service_id]
		WHERE p_service_id IS NOT NULL
		UNION ALL
		SELECT d.service_id, down.via OPERATOR(pg_catalog.||) d.service_id
		FROM down JOIN ismap.service_dependency d ON d.base_service_id = down.service_id
		WHERE d.service_id <> ALL (down.via)
	),
	picked AS (
		SELECT s.service_id FROM ismap.service s WHERE p_service_id IS NULL
		UNION SELECT service_id FROM up
		UNION SELECT service_id FROM down
	),
	-- each service's newest registration made by the day, and its status
	-- that day; the name it was registered with
	node0 AS (
		SELECT s.service_id, COALESCE(c.service_name, s.name) AS name, r.registration_number,
			   CASE WHEN r.registration_id IS NULL THEN 'unregistered'
					WHEN ismap.listed_days(r.registered_on, r.valid_until, r.ended_on) @> p_as_of
						THEN CASE WHEN r.status = 'suspended' AND p_as_of >= CURRENT_DATE THEN 'suspended' ELSE 'active' END
					WHEN r.ended_on IS NOT NULL AND r.ended_on <= p_as_of AND r.status = 'delisted' THEN 'delisted'
					ELSE 'expired' END AS status
		FROM picked p
		JOIN ismap.service s ON s.service_id = p.service_id
		LEFT JOIN LATERAL (
			SELECT x.registration_id, x.registration_number, x.registered_on, x.valid_until, x.ended_on, x.status
			FROM ismap.registration x
			WHERE x.service_id = s.service_id AND x.registered_on <= p_as_of
			ORDER BY x.registered_on DESC, x.registration_id DESC
			LIMIT 1) r ON true
		LEFT JOIN ismap.registered_content c ON c.registration_id = r.registration_id
	),
	node AS (
		SELECT n.* FROM node0 n
		WHERE NOT p_active_only OR n.status = ANY (ARRAY['active', 'suspended'])
	),
	edge AS (
		SELECT d.service_id, d.base_service_id, d.self_assessed_audit_id
		FROM ismap.service_dependency d
		WHERE d.service_id IN (SELECT service_id FROM node) AND d.base_service_id IN (SELECT service_id FROM node)
	),
	-- services nothing shown runs on, spread over six ranks
	leaf AS (
		SELECT n.service_id, (pg_catalog.row_number() OVER (ORDER BY n.service_id) - 1) % 6 + 1 AS minlen
		FROM node n
		WHERE NOT EXISTS (SELECT 1 FROM edge e WHERE e.base_service_id = n.service_id)
		  AND EXISTS (SELECT 1 FROM edge e WHERE e.service_id = n.service_id)
	)
	SELECT 'digraph ismap_dependencies {' OPERATOR(pg_catalog.||) E'\n'
		OPERATOR(pg_catalog.||) pg_catalog.format(
			E'  graph [label="%s", labelloc=t, fontsize=20, fontname="Noto Sans CJK JP", rankdir=BT, newrank=true, ranksep=0.5, nodesep=0.12];\n',
			pg_catalog.format('ISMAP platform dependencies as of %s (%s services%s)',
				pg_catalog.to_char(p_as_of, 'YYYY-MM-DD'), (SELECT pg_catalog.count(*) FROM node),
				CASE WHEN p_active_only THEN ', registered only' ELSE '' END))
		OPERATOR(pg_catalog.||) E'  node [shape=box, style="rounded,filled", fontname="Noto Sans CJK JP", fontsize=10];\n'
		OPERATOR(pg_catalog.||) E'  edge [color="#555555", arrowsize=0.6];\n'
		OPERATOR(pg_catalog.||) E'  subgraph cluster_legend {\n    label="status"; fontsize=12; style=rounded; color="#999999";\n'
		OPERATOR(pg_catalog.||) E'    legend_active [label="active", fillcolor="#c8e6c9"];\n'
		OPERATOR(pg_catalog.||) E'    legend_suspended [label="suspended", fillcolor="#fff59d"];\n'
		OPERATOR(pg_catalog.||) E'    legend_expired [label="expired", fillcolor="#e0e0e0"];\n'
		OPERATOR(pg_catalog.||) E'    legend_delisted [label="delisted", fillcolor="#ef9a9a"];\n'
		OPERATOR(pg_catalog.||) E'    legend_unregistered [label="not registered", fillcolor="#ffffff"];\n'
		OPERATOR(pg_catalog.||) E'    legend_active -> legend_suspended -> legend_expired -> legend_delisted -> legend_unregistered [style=invis];\n  }\n'
		OPERATOR(pg_catalog.||) COALESCE((
			SELECT pg_catalog.string_agg(pg_catalog.format('  s%s [label="%s\n%s", fillcolor="%s"];',
				n.service_id,
				pg_catalog.replace(pg_catalog.replace(n.name, '\', '\\'), '"', '\"'),
				CASE WHEN n.registration_number IS NULL THEN 'not registered'
					 ELSE n.registration_number OPERATOR(pg_catalog.||) ' ' OPERATOR(pg_catalog.||) n.status END,
				CASE n.status WHEN 'active' THEN '#c8e6c9' WHEN 'suspended' THEN '#fff59d'
					 WHEN 'delisted' THEN '#ef9a9a' WHEN 'expired' THEN '#e0e0e0' ELSE '#ffffff' END),
				E'\n' ORDER BY n.service_id) OPERATOR(pg_catalog.||) E'\n'
			FROM node n), '')
		OPERATOR(pg_catalog.||) COALESCE((
			SELECT pg_catalog.string_agg(pg_catalog.format('  s%s -> s%s%s;', e.service_id, e.base_service_id,
				CASE WHEN e.self_assessed_audit_id IS NOT NULL OR l.minlen > 1 THEN
					' [' OPERATOR(pg_catalog.||) pg_catalog.concat_ws(', ',
						CASE WHEN e.self_assessed_audit_id IS NOT NULL THEN 'style=dashed, label="self-assessed"' END,
						CASE WHEN l.minlen > 1 THEN 'minlen=' OPERATOR(pg_catalog.||) l.minlen END) OPERATOR(pg_catalog.||) ']'
					ELSE '' END),
				E'\n' ORDER BY e.service_id, e.base_service_id) OPERATOR(pg_catalog.||) E'\n'
			FROM edge e LEFT JOIN leaf l ON l.service_id = e.service_id), '')
		OPERATOR(pg_catalog.||) '}' OPERATOR(pg_catalog.||) E'\n'
$$;
COMMENT ON FUNCTION ismap.dependency_dot(pg_catalog.int8, pg_catalog.date, pg_catalog.bool) IS 'Graphviz DOT of services and the platforms they run on (all services, or those connected to one), coloured by their status on a day, with a title, a legend and a layout readable at hundreds of services; only the services registered that day with p_active_only';
