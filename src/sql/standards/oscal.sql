CREATE FUNCTION ismap.import_oscal_catalog(document pg_catalog.text, framework_id pg_catalog.text DEFAULT NULL,
	OUT framework_id pg_catalog.text, OUT groups pg_catalog.int4, OUT controls pg_catalog.int4,
	OUT enhancements pg_catalog.int4, OUT withdrawn pg_catalog.int4, OUT params pg_catalog.int4)
	RETURNS record
	AS 'MODULE_PATHNAME', 'ismap_import_oscal_catalog' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION ismap.import_oscal_catalog(pg_catalog.text, pg_catalog.text) IS
	'import an OSCAL 1.0/1.1 XML catalog into framework, control, control_group and control_param (idempotent, all or nothing, never reads files or the network)';

CREATE FUNCTION ismap.import_oscal_profile(document pg_catalog.text, baseline_id pg_catalog.text, framework_id pg_catalog.text,
	OUT baseline_id pg_catalog.text, OUT selected pg_catalog.int4)
	RETURNS record
	AS 'MODULE_PATHNAME', 'ismap_import_oscal_profile' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION ismap.import_oscal_profile(pg_catalog.text, pg_catalog.text, pg_catalog.text) IS
	'import an OSCAL XML profile as a baseline of an already imported framework: include-all, include-controls, exclude-controls';

CREATE FUNCTION ismap.export_oscal_catalog(framework_id pg_catalog.text)
	RETURNS pg_catalog.xml
	AS 'MODULE_PATHNAME', 'ismap_export_oscal_catalog' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ismap.export_oscal_catalog(pg_catalog.text) IS
	'a framework as an OSCAL 1.1 XML catalog; importing it again yields the same rows';

-- The importers parse untrusted documents: only roles granted it may run them.
REVOKE ALL ON FUNCTION ismap.import_oscal_catalog(pg_catalog.text, pg_catalog.text) FROM PUBLIC;
REVOKE ALL ON FUNCTION ismap.import_oscal_profile(pg_catalog.text, pg_catalog.text, pg_catalog.text) FROM PUBLIC;


CREATE FUNCTION ismap.import_oscal_catalog_json(document pg_catalog.jsonb, framework_id pg_catalog.text DEFAULT NULL,
	OUT framework_id pg_catalog.text, OUT groups pg_catalog.int4, OUT controls pg_catalog.int4,
	OUT enhancements pg_catalog.int4, OUT withdrawn pg_catalog.int4, OUT params pg_catalog.int4)
	RETURNS record
	AS 'MODULE_PATHNAME', 'ismap_import_oscal_catalog_json' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION ismap.import_oscal_catalog_json(pg_catalog.jsonb, pg_catalog.text) IS
	'import an OSCAL 1.0/1.1 JSON catalog: the same rows and rules as import_oscal_catalog of the same catalog in XML';

CREATE FUNCTION ismap.import_oscal_profile_json(document pg_catalog.jsonb, baseline_id pg_catalog.text, framework_id pg_catalog.text,
	OUT baseline_id pg_catalog.text, OUT selected pg_catalog.int4)
	RETURNS record
	AS 'MODULE_PATHNAME', 'ismap_import_oscal_profile_json' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION ismap.import_oscal_profile_json(pg_catalog.jsonb, pg_catalog.text, pg_catalog.text) IS
	'import an OSCAL JSON profile as a baseline of an already imported framework (XML or JSON): the rules of import_oscal_profile';

REVOKE ALL ON FUNCTION ismap.import_oscal_catalog_json(pg_catalog.jsonb, pg_catalog.text) FROM PUBLIC;
REVOKE ALL ON FUNCTION ismap.import_oscal_profile_json(pg_catalog.jsonb, pg_catalog.text, pg_catalog.text) FROM PUBLIC;
