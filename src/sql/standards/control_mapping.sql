CREATE TABLE ismap.control_mapping (
	mapping_id			pg_catalog.int8 GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	source_framework	pg_catalog.text NOT NULL,
	source_control		ismap.ctrlid NOT NULL,
	target_framework	pg_catalog.text NOT NULL,
	target_control		ismap.ctrlid NOT NULL,
	relationship		pg_catalog.text NOT NULL
		CONSTRAINT mapping_relationship CHECK (relationship OPERATOR(pg_catalog.=) ANY
			(ARRAY['equal', 'subset', 'superset', 'intersects', 'not_related']::pg_catalog.text[])),
	strength			pg_catalog.int2
		CONSTRAINT mapping_strength CHECK (strength OPERATOR(pg_catalog.>=) 1 AND strength OPERATOR(pg_catalog.<=) 10),
	rationale			pg_catalog.text,
	provenance			pg_catalog.text NOT NULL
		CONSTRAINT mapping_provenance_not_blank CHECK (pg_catalog.btrim(provenance) OPERATOR(pg_catalog.<>) ''),
	UNIQUE (source_framework, source_control, target_framework, target_control),
	FOREIGN KEY (source_framework, source_control) REFERENCES ismap.control (framework_id, control_id) ON DELETE CASCADE,
	FOREIGN KEY (target_framework, target_control) REFERENCES ismap.control (framework_id, control_id) ON DELETE CASCADE,
	CONSTRAINT mapping_not_to_itself CHECK (source_framework OPERATOR(pg_catalog.<>) target_framework
		OR source_control OPERATOR(ismap.<>) target_control)
);
COMMENT ON TABLE ismap.control_mapping IS 'source control relates to target control: equal, subset (source within target), superset, intersects, not_related (NIST IR 8477)';
CREATE INDEX control_mapping_target_idx ON ismap.control_mapping (target_framework, target_control);
SELECT pg_catalog.pg_extension_config_dump('ismap.control_mapping', '');
SELECT pg_catalog.pg_extension_config_dump('ismap.control_mapping_mapping_id_seq', '');

-- References of a spreadsheet-published standard to the standards it was
-- built from (docs/scheme.md §3.3.1(2)①), kept as published.  The ones that name a
-- loaded framework also become rows of control_mapping.
CREATE TABLE ismap.control_reference (
	framework_id	pg_catalog.text NOT NULL,
	control_id		ismap.ctrlid NOT NULL,
	ref_framework	pg_catalog.text NOT NULL,
	ref_control		pg_catalog.text NOT NULL,
	relationship	pg_catalog.text NOT NULL
		CONSTRAINT control_reference_relationship CHECK (relationship OPERATOR(pg_catalog.=) ANY
			(ARRAY['equal', 'subset', 'superset', 'intersects', 'not_related']::pg_catalog.text[])),
	line			pg_catalog.int4 NOT NULL,
	PRIMARY KEY (framework_id, control_id, ref_framework, ref_control),
	FOREIGN KEY (framework_id, control_id) REFERENCES ismap.control (framework_id, control_id) ON DELETE CASCADE
);
COMMENT ON TABLE ismap.control_reference IS 'references of a CSV-loaded standard''s controls to other standards, as published (also those to frameworks not loaded)';
SELECT pg_catalog.pg_extension_config_dump('ismap.control_reference', '');

-- A pair of controls is recorded once: the inverse direction is derived
-- (subset <-> superset), so a second row the other way round could only
-- repeat or contradict the first.
CREATE FUNCTION ismap_internal.control_mapping_refuse_inverse() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF EXISTS (SELECT 1 FROM ismap.control_mapping m
			   WHERE m.source_framework OPERATOR(pg_catalog.=) NEW.target_framework
				 AND m.source_control OPERATOR(ismap.=) NEW.target_control
				 AND m.target_framework OPERATOR(pg_catalog.=) NEW.source_framework
				 AND m.target_control OPERATOR(ismap.=) NEW.source_control) THEN
		RAISE EXCEPTION 'mapping of %:% to %:% is already recorded in the other direction',
			NEW.source_framework, NEW.source_control, NEW.target_framework, NEW.target_control
			USING ERRCODE = 'unique_violation',
				  DETAIL = 'A pair of controls is recorded once; mapped_controls derives the inverse relationship.';
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION ismap_internal.control_mapping_refuse_inverse() IS 'trigger: refuse a mapping whose inverse is already recorded';

CREATE TRIGGER control_mapping_refuse_inverse
	BEFORE INSERT OR UPDATE OF source_framework, source_control, target_framework, target_control
	ON ismap.control_mapping
	FOR EACH ROW EXECUTE FUNCTION ismap_internal.control_mapping_refuse_inverse();

-- Relationship algebra of NIST IR 8477 set-theory mappings (docs/control-standards.md).
CREATE FUNCTION ismap.inverse_relationship(relationship pg_catalog.text) RETURNS pg_catalog.text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE relationship WHEN 'subset' THEN 'superset' WHEN 'superset' THEN 'subset' ELSE relationship END;
COMMENT ON FUNCTION ismap.inverse_relationship(pg_catalog.text) IS
	'the relationship read from the other side: subset <-> superset; equal, intersects and not_related are symmetric';

CREATE FUNCTION ismap.compose_relationships(first pg_catalog.text, second pg_catalog.text) RETURNS pg_catalog.text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE
	WHEN first OPERATOR(pg_catalog.=) 'equal' THEN second
	WHEN second OPERATOR(pg_catalog.=) 'equal' THEN first
	WHEN first OPERATOR(pg_catalog.=) second AND first OPERATOR(pg_catalog.=) ANY (ARRAY['subset', 'superset']) THEN first
	ELSE 'intersects' END;
COMMENT ON FUNCTION ismap.compose_relationships(pg_catalog.text, pg_catalog.text) IS
	'a r1 b and b r2 c give a r c: equal∘r = r, subset∘subset = subset, superset∘superset = superset, anything else intersects';

