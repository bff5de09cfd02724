-- Graphviz DOT of services and their platforms; an edge points from a
-- service to the base it runs on, dashed when the dependency was
-- self-assessed.  With a service: only what is connected to it.
CREATE FUNCTION ismap.dependency_dot(p_service_id pg_catalog.int8 DEFAULT NULL) RETURNS pg_catalog.text
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
	node AS (
		SELECT s.service_id, s.name, r.registration_number, r.level, COALESCE(r.status, 'unregistered') AS status
		FROM picked p
		JOIN ismap.service s ON s.service_id = p.service_id
		LEFT JOIN LATERAL (
			SELECT x.registration_number, x.level, x.status FROM ismap.registration x
			WHERE x.service_id = s.service_id
			ORDER BY (x.status IN ('active', 'suspended')) DESC, x.registered_on DESC, x.registration_id DESC
			LIMIT 1) r ON true
	)
	SELECT 'digraph ismap_dependencies {' OPERATOR(pg_catalog.||) E'\n'
		OPERATOR(pg_catalog.||) E'  rankdir=BT;\n  node [shape=box, style="rounded,filled", fontname="Helvetica"];\n'
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
			SELECT pg_catalog.string_agg(pg_catalog.format('  s%s -> s%s%s;', d.service_id, d.base_service_id,
				CASE WHEN d.self_assessed_audit_id IS NOT NULL THEN ' [style=dashed, label="self-assessed"]' ELSE '' END),
				E'\n' ORDER BY d.service_id, d.base_service_id) OPERATOR(pg_catalog.||) E'\n'
			FROM ismap.service_dependency d
			WHERE d.service_id IN (SELECT service_id FROM node) AND d.base_service_id IN (SELECT service_id FROM node)), '')
		OPERATOR(pg_catalog.||) '}' OPERATOR(pg_catalog.||) E'\n'
$$;
COMMENT ON FUNCTION ismap.dependency_dot(pg_catalog.int8) IS 'Graphviz DOT of services and the platforms they run on (all services, or those connected to one), coloured by registration status';

