-- The controls of a framework, the groups they sit in (an OSCAL group, a
-- NIST family) and their OSCAL parameters.
CREATE TABLE ismap.control_group (
	framework_id	pg_catalog.text NOT NULL REFERENCES ismap.framework ON DELETE CASCADE,
	group_id		pg_catalog.text NOT NULL,
	parent_group_id	pg_catalog.text,
	title			pg_catalog.text NOT NULL,
	class			pg_catalog.text,
	sort_order		pg_catalog.int4 NOT NULL,
	PRIMARY KEY (framework_id, group_id),
	CONSTRAINT control_group_parent_exists FOREIGN KEY (framework_id, parent_group_id)
		REFERENCES ismap.control_group (framework_id, group_id) ON DELETE CASCADE
		DEFERRABLE INITIALLY DEFERRED,
	CONSTRAINT control_group_not_own_parent CHECK (parent_group_id OPERATOR(pg_catalog.<>) group_id)
);
COMMENT ON TABLE ismap.control_group IS 'a group of a catalog''s controls, e.g. a NIST SP 800-53 family (OSCAL group); groups may nest';
SELECT pg_catalog.pg_extension_config_dump('ismap.control_group', '');

CREATE TABLE ismap.control (
	framework_id	pg_catalog.text NOT NULL REFERENCES ismap.framework ON DELETE CASCADE,
	control_id		ismap.ctrlid NOT NULL,
	label			pg_catalog.text,
	title			pg_catalog.text NOT NULL
		CONSTRAINT control_title_not_blank CHECK (pg_catalog.btrim(title) OPERATOR(pg_catalog.<>) ''),
	statement		pg_catalog.text,
	parent_id		ismap.ctrlid,
	class			pg_catalog.text,
	withdrawn		pg_catalog.bool NOT NULL DEFAULT false,
	mandatory		pg_catalog.bool NOT NULL DEFAULT false,
	-- which part of a control standard the control belongs to
	-- (docs/scheme.md §3.3.1): the governance standard, the management
	-- standard or the control standard proper (管理策基準); NULL for
	-- catalogs that have no such parts
	part			pg_catalog.text
		CONSTRAINT control_part CHECK (part OPERATOR(pg_catalog.=) ANY
			(ARRAY['governance', 'management', 'control']::pg_catalog.text[])),
	group_id		pg_catalog.text,
	sort_id			pg_catalog.text,
	sort_order		pg_catalog.int4,
	PRIMARY KEY (framework_id, control_id),
	CONSTRAINT control_parent_exists FOREIGN KEY (framework_id, parent_id)
		REFERENCES ismap.control (framework_id, control_id) ON DELETE CASCADE
		DEFERRABLE INITIALLY DEFERRED,
	CONSTRAINT control_not_own_parent CHECK (parent_id OPERATOR(ismap.<>) control_id),
	-- a withdrawn control can be required of nobody
	CONSTRAINT control_withdrawn_not_mandatory CHECK (NOT (withdrawn AND mandatory)),
	CONSTRAINT control_group_exists FOREIGN KEY (framework_id, group_id)
		REFERENCES ismap.control_group (framework_id, group_id) DEFERRABLE INITIALLY DEFERRED
);
COMMENT ON TABLE ismap.control IS 'one control of a framework: a control objective (depth 3), a detailed control (depth 4), a NIST control or enhancement, ...';
COMMENT ON COLUMN ismap.control.part IS 'governance, management or control (管理策基準) part of a control standard; NULL for other catalogs';
COMMENT ON COLUMN ismap.control.group_id IS 'the nearest enclosing group (OSCAL), enhancements included';
COMMENT ON COLUMN ismap.control.sort_id IS 'the publisher''s sort key (OSCAL prop sort-id), e.g. ac-02.01';
COMMENT ON COLUMN ismap.control.sort_order IS 'position in the imported document, groups and controls counted together';
CREATE INDEX control_parent_idx ON ismap.control (framework_id, parent_id);
CREATE INDEX control_group_idx ON ismap.control (framework_id, group_id);
SELECT pg_catalog.pg_extension_config_dump('ismap.control', '');

CREATE TABLE ismap.control_param (
	framework_id	pg_catalog.text NOT NULL REFERENCES ismap.framework ON DELETE CASCADE,
	param_id		pg_catalog.text NOT NULL,
	control_id		ismap.ctrlid,
	group_id		pg_catalog.text,
	label			pg_catalog.text,
	how_many		pg_catalog.text,
	choices			pg_catalog.text[],
	value			pg_catalog.text,
	sort_order		pg_catalog.int4 NOT NULL,
	PRIMARY KEY (framework_id, param_id),
	FOREIGN KEY (framework_id, control_id) REFERENCES ismap.control (framework_id, control_id)
		ON DELETE CASCADE,
	FOREIGN KEY (framework_id, group_id) REFERENCES ismap.control_group (framework_id, group_id)
		ON DELETE CASCADE
);
COMMENT ON TABLE ismap.control_param IS 'an OSCAL parameter of a control (or of a group or the catalog): an assignment label or a selection of choices';
CREATE INDEX control_param_control_idx ON ismap.control_param (framework_id, control_id);
SELECT pg_catalog.pg_extension_config_dump('ismap.control_param', '');

