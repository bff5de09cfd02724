-- ==== Validation ====
-------------------------------------------------------------------------------
-- validation and decisions (docs/validation.md; docs/scheme.md §3.3.3(4), §3.3.2, §3.3.4)
-------------------------------------------------------------------------------
CREATE FUNCTION ismap.validate_application(application_id pg_catalog.int8)
RETURNS TABLE (code pg_catalog.text, severity pg_catalog.text, control_id ismap.ctrlid, message pg_catalog.text)
AS 'MODULE_PATHNAME', 'ismap_validate_application'
LANGUAGE C STABLE STRICT PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION ismap.validate_application(pg_catalog.int8) IS 'every finding of the government''s check of an application (code, severity error/query/warning, control, message), for an application the caller may see; see docs/validation.md';

CREATE FUNCTION ismap.validation_rules()
RETURNS TABLE (code pg_catalog.text, severity pg_catalog.text, description pg_catalog.text)
AS 'MODULE_PATHNAME', 'ismap_validation_rules'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ismap.validation_rules() IS 'the codes validate_application can report, with their usual severity and meaning (the description in the session''s language, lc_messages)';

-- SARIF 2.1.0: error -> "error", query -> "warning" (blocks approval until
-- acknowledged), warning -> "note"; the scheme's own severity is kept in
-- each result's properties.
CREATE FUNCTION ismap.validate_application_sarif(application_id pg_catalog.int8) RETURNS pg_catalog.jsonb
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	WITH rules AS (
		SELECT r.code, r.severity, r.description, (pg_catalog.row_number() OVER (ORDER BY r.ord) - 1)::pg_catalog.int4 AS idx
		FROM ismap.validation_rules() WITH ORDINALITY AS r(code, severity, description, ord)
	),
	findings AS (
		SELECT f.*, pg_catalog.row_number() OVER () AS n FROM ismap.validate_application($1) f
	)
	SELECT pg_catalog.jsonb_build_object(
		'$schema', 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json',
		'version', '2.1.0',
		'runs', pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
			'tool', pg_catalog.jsonb_build_object('driver', pg_catalog.jsonb_build_object(
				'name', 'pg_ismap',
				'version', (SELECT e.extversion FROM pg_catalog.pg_extension e WHERE e.extname = 'ismap'),
				'informationUri', 'https://github.com/pg-ismap/pg_ismap/blob/main/docs/validation.md',
				'rules', (SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
						'id', r.code,
						'shortDescription', pg_catalog.jsonb_build_object('text', r.description),
						'defaultConfiguration', pg_catalog.jsonb_build_object('level',
							CASE r.severity WHEN 'error' THEN 'error' WHEN 'query' THEN 'warning' ELSE 'note' END),
						'properties', pg_catalog.jsonb_build_object('severity', r.severity))
					ORDER BY r.idx) FROM rules r))),
			'automationDetails', pg_catalog.jsonb_build_object('id', 'ismap/application/' OPERATOR(pg_catalog.||) $1),
			'results', COALESCE((SELECT pg_catalog.jsonb_agg(
					pg_catalog.jsonb_build_object(
						'ruleId', f.code,
						'ruleIndex', r.idx,
						'level', CASE f.severity WHEN 'error' THEN 'error' WHEN 'query' THEN 'warning' ELSE 'note' END,
						'message', pg_catalog.jsonb_build_object('text', f.message),
						'properties', pg_catalog.jsonb_build_object('severity', f.severity))
					OPERATOR(pg_catalog.||) CASE WHEN f.control_id IS NULL THEN '{}'::pg_catalog.jsonb ELSE
						pg_catalog.jsonb_build_object('locations', pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
							'logicalLocations', pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
								'name', f.control_id::pg_catalog.text,
								'fullyQualifiedName', (ismap.policy_value('control_standard') OPERATOR(pg_catalog.#>>) '{}')
									OPERATOR(pg_catalog.||) '/' OPERATOR(pg_catalog.||) f.control_id::pg_catalog.text,
								'kind', 'element'))))) END
					ORDER BY f.n)
				FROM findings f JOIN rules r ON r.code = f.code), '[]'::pg_catalog.jsonb),
			'properties', pg_catalog.jsonb_build_object('application_id', $1)))
	)
$$;
COMMENT ON FUNCTION ismap.validate_application_sarif(pg_catalog.int8) IS 'the findings of validate_application as a SARIF 2.1.0 log (one run, tool pg_ismap, one rule per code)';

