CREATE FUNCTION ismap.registry_json() RETURNS pg_catalog.jsonb
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT pg_catalog.jsonb_build_object(
		'format', 'pg_ismap registry 1',
		'registrations', COALESCE(pg_catalog.jsonb_agg(pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
			'registration_number', g.registration_number, 'service', g.service_name, 'service_id', g.service_id,
			'csp', g.csp_name, 'corporate_number', g.corporate_number, 'level', g.level,
			'delivery_models', pg_catalog.to_jsonb(g.delivery_models), 'deployment_models', pg_catalog.to_jsonb(g.deployment_models),
			'scope', g.scope, 'registered_on', g.registered_on, 'valid_until', g.valid_until,
			'status', g.status, 'ended_on', g.ended_on, 'end_reason', g.end_reason, 'audit_body', g.audit_body))
			ORDER BY g.registration_number, g.registered_on, g.registration_id), '[]'::pg_catalog.jsonb))
	FROM ismap.registry g
$$;
COMMENT ON FUNCTION ismap.registry_json() IS 'the registry as one JSON document, ordered by registration number';

CREATE FUNCTION ismap.registry_xml() RETURNS pg_catalog.xml
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT XMLELEMENT(NAME registry,
		XMLATTRIBUTES('urn:pg-ismap:registry:1' AS xmlns),
		XMLAGG(XMLELEMENT(NAME registration,
			XMLATTRIBUTES(g.registration_number AS number, g.level AS level, g.status AS status),
			XMLELEMENT(NAME service, XMLATTRIBUTES(g.service_id AS id), g.service_name),
			XMLELEMENT(NAME provider, XMLATTRIBUTES(g.corporate_number AS "corporate-number"), g.csp_name),
			XMLELEMENT(NAME "delivery-models", pg_catalog.array_to_string(g.delivery_models, ' ')),
			XMLELEMENT(NAME "deployment-models", pg_catalog.array_to_string(g.deployment_models, ' ')),
			XMLELEMENT(NAME scope, g.scope),
			XMLELEMENT(NAME "registered-on", g.registered_on),
			XMLELEMENT(NAME "valid-until", g.valid_until),
			CASE WHEN g.ended_on IS NOT NULL THEN
				XMLELEMENT(NAME ended, XMLATTRIBUTES(g.ended_on AS "on"), g.end_reason) END,
			XMLELEMENT(NAME "audit-body", g.audit_body))
			ORDER BY g.registration_number, g.registered_on, g.registration_id))
	FROM ismap.registry g
$$;
COMMENT ON FUNCTION ismap.registry_xml() IS 'the registry as one XML document (namespace urn:pg-ismap:registry:1)';

