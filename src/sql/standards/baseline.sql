-- Baselines: a selection of a framework's controls (a registry level's, an
-- OSCAL profile's).
CREATE TABLE ismap.baseline (
	baseline_id		pg_catalog.text PRIMARY KEY
		CONSTRAINT baseline_id_format CHECK (baseline_id OPERATOR(pg_catalog.~) '^[a-z0-9][a-z0-9_.-]{0,62}$'),
	framework_id	pg_catalog.text NOT NULL REFERENCES ismap.framework ON DELETE CASCADE,
	title			pg_catalog.text NOT NULL,
	level			ismap.level,
	source			pg_catalog.text,
	created_at		pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
	oscal_uuid		pg_catalog.text,
	document_sha256	pg_catalog.text
		CONSTRAINT baseline_sha256_hex CHECK (document_sha256 OPERATOR(pg_catalog.~) '^[0-9a-f]{64}$'),
	UNIQUE (baseline_id, framework_id),
	-- 0.3.0: after the older columns, where an upgrade adds it
	program			pg_catalog.text NOT NULL DEFAULT 'ISMAP'
		CONSTRAINT baseline_program CHECK (program OPERATOR(pg_catalog.=) ANY (ARRAY['ISMAP', 'ISMAP-LIU']::pg_catalog.text[]))
);
COMMENT ON TABLE ismap.baseline IS 'a selection of a framework''s controls, e.g. the controls required at a registry level';
COMMENT ON COLUMN ismap.baseline.program IS 'the program whose applications a level baseline applies to: ISMAP, or ISMAP-LIU (validation picks the baselines of the application''s program)';
COMMENT ON COLUMN ismap.baseline.oscal_uuid IS 'uuid of the imported OSCAL profile document';
COMMENT ON COLUMN ismap.baseline.document_sha256 IS 'SHA-256 (hex) of the last imported profile, as UTF-8';
SELECT pg_catalog.pg_extension_config_dump('ismap.baseline', '');

CREATE TABLE ismap.baseline_control (
	baseline_id		pg_catalog.text NOT NULL,
	framework_id	pg_catalog.text NOT NULL,
	control_id		ismap.ctrlid NOT NULL,
	PRIMARY KEY (baseline_id, control_id),
	FOREIGN KEY (baseline_id, framework_id) REFERENCES ismap.baseline (baseline_id, framework_id)
		ON DELETE CASCADE ON UPDATE CASCADE,
	FOREIGN KEY (framework_id, control_id) REFERENCES ismap.control (framework_id, control_id)
		ON DELETE CASCADE
);
COMMENT ON TABLE ismap.baseline_control IS 'the controls a baseline selects (framework_id repeats the baseline''s, so the control must belong to it)';
SELECT pg_catalog.pg_extension_config_dump('ismap.baseline_control', '');
