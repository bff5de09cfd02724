-- Control standards (docs/control-standards.md): a framework is one control
-- catalog.  The oscal_* columns keep what an OSCAL catalog says beyond the
-- contract's columns, so that an export re-imports to the same rows
-- (docs/oscal-import.md).
CREATE TABLE ismap.framework (
	framework_id	pg_catalog.text PRIMARY KEY
		CONSTRAINT framework_id_format CHECK (framework_id OPERATOR(pg_catalog.~) '^[a-z0-9][a-z0-9_.-]{0,62}$'),
	title			pg_catalog.text NOT NULL,
	version			pg_catalog.text,
	publisher		pg_catalog.text,
	source			pg_catalog.text,
	created_at		pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
	oscal_uuid			pg_catalog.text,
	oscal_version		pg_catalog.text,
	oscal_last_modified	pg_catalog.text,
	document_sha256		pg_catalog.text
		CONSTRAINT framework_sha256_hex CHECK (document_sha256 OPERATOR(pg_catalog.~) '^[0-9a-f]{64}$')
);
COMMENT ON TABLE ismap.framework IS 'a control catalog: the ISMAP control standard, ISO/IEC 27001/27017, NIST SP 800-53, ...';
COMMENT ON COLUMN ismap.framework.oscal_uuid IS 'uuid of the imported OSCAL catalog document';
COMMENT ON COLUMN ismap.framework.oscal_version IS 'oscal-version the imported catalog declared';
COMMENT ON COLUMN ismap.framework.oscal_last_modified IS 'metadata last-modified of the imported catalog, as written';
COMMENT ON COLUMN ismap.framework.document_sha256 IS 'SHA-256 (hex) of the last imported document, as UTF-8';
-- pg_dump keeps the rows of extension tables only when they are registered.
SELECT pg_catalog.pg_extension_config_dump('ismap.framework', '');
