-- ==== Sampling ====
-------------------------------------------------------------------------------
-- sampling: the sample table, statistical sample sizes, upper deviation
-- limits, reproducible selection and the evaluation of control tests
-- (docs/sampling.md; docs/scheme.md §3.3.3(2)③ and footnote 18)
-------------------------------------------------------------------------------

-- The sample table: minimum samples by how often a control operates.
-- Rows shipped here are marked builtin; editing a row (or inserting a
-- frequency that is still a builtin default) makes it the registrar's own,
-- and only such rows are dumped, so a restore over a fresh CREATE EXTENSION
-- replaces the defaults instead of colliding with them.
CREATE TABLE ismap.sampling_table (
	frequency				pg_catalog.text PRIMARY KEY
		CONSTRAINT sampling_table_frequency_name CHECK (frequency OPERATOR(pg_catalog.~) '^[a-z][a-z0-9_]*$'),
	min_sample				pg_catalog.int4 NOT NULL
		CONSTRAINT sampling_table_min_sample CHECK (min_sample OPERATOR(pg_catalog.>=) 1),
	occurrences_per_year	pg_catalog.int4
		CONSTRAINT sampling_table_occurrences CHECK (occurrences_per_year OPERATOR(pg_catalog.>=) 1),
	description				pg_catalog.text,
	source					pg_catalog.text,
	builtin					pg_catalog.bool NOT NULL DEFAULT false,
	updated_at				pg_catalog.timestamptz DEFAULT pg_catalog.now()
);
COMMENT ON TABLE ismap.sampling_table IS 'the sample table (サンプルテーブル, §3.3.3(2)③): the minimum sample for testing a control, by how often the control operates; editable by the registrar';
COMMENT ON COLUMN ismap.sampling_table.builtin IS 'true while the row is the default shipped with the extension; any edit makes it false';

INSERT INTO ismap.sampling_table (frequency, min_sample, occurrences_per_year, description, source, builtin, updated_at) VALUES
	('annual', 1, 1, 'operates once a year', 'ISACA IT Control Objectives for Sarbanes-Oxley 2nd ed. (2006) Fig. 7; METI システム管理基準 追補版 (2007) 付録5', true, NULL),
	('quarterly', 2, 4, 'operates once a quarter', 'ISACA IT Control Objectives for Sarbanes-Oxley 2nd ed. (2006) Fig. 7; METI システム管理基準 追補版 (2007) 付録5', true, NULL),
	('monthly', 2, 12, 'operates once a month', 'ISACA IT Control Objectives for Sarbanes-Oxley 2nd ed. (2006) Fig. 7; METI システム管理基準 追補版 (2007) 付録5', true, NULL),
	('weekly', 5, 52, 'operates once a week', 'ISACA IT Control Objectives for Sarbanes-Oxley 2nd ed. (2006) Fig. 7; METI システム管理基準 追補版 (2007) 付録5', true, NULL),
	('daily', 25, 250, 'operates once a working day', 'ISACA IT Control Objectives for Sarbanes-Oxley 2nd ed. (2006) Fig. 7; METI システム管理基準 追補版 (2007) 付録5', true, NULL),
	('multiple_daily', 25, NULL, 'operates several times a day, or whenever an event occurs', 'ISACA IT Control Objectives for Sarbanes-Oxley 2nd ed. (2006) Fig. 7 (multiple times per day); METI システム管理基準 追補版 (2007) 付録5 (daily or ad hoc)', true, NULL);

CREATE FUNCTION ismap_internal.sampling_table_edit() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		-- a frequency that is still a default: the new row replaces it
		UPDATE ismap.sampling_table s
		SET min_sample = NEW.min_sample, occurrences_per_year = NEW.occurrences_per_year,
			description = NEW.description, source = NEW.source,
			updated_at = COALESCE(NEW.updated_at, now())
		WHERE s.frequency = NEW.frequency AND s.builtin;
		IF FOUND THEN
			RETURN NULL;
		END IF;
		-- a default carries no time; a restored row keeps its own
		IF NEW.builtin THEN
			NEW.updated_at := NULL;
		END IF;
		RETURN NEW;
	END IF;
	NEW.builtin := false;
	IF NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at THEN
		NEW.updated_at := now();
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION ismap_internal.sampling_table_edit() IS 'trigger: an edited sample-table row becomes the registrar''s own (dumped, no longer builtin); inserting a frequency that is still a default replaces the default';

CREATE TRIGGER sampling_table_edit BEFORE INSERT OR UPDATE ON ismap.sampling_table
	FOR EACH ROW EXECUTE FUNCTION ismap_internal.sampling_table_edit();
-- ENABLE ALWAYS: a restore (session_replication_role = replica) replaces
-- the shipped default with the dumped row through it
ALTER TABLE ismap.sampling_table ENABLE ALWAYS TRIGGER sampling_table_edit;

-- The minimum sample of a frequency from the sample table.
CREATE FUNCTION ismap.sample_size(p_frequency pg_catalog.text) RETURNS pg_catalog.int4
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	n pg_catalog.int4;
BEGIN
	SELECT s.min_sample INTO n FROM ismap.sampling_table s WHERE s.frequency = p_frequency;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'unknown control frequency "%"', p_frequency
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = pg_catalog.format('The sample table knows: %s.',
					(SELECT pg_catalog.string_agg(s.frequency, ', ' ORDER BY s.occurrences_per_year NULLS LAST, s.frequency)
					 FROM ismap.sampling_table s));
	END IF;
	RETURN n;
END
$$;
COMMENT ON FUNCTION ismap.sample_size(pg_catalog.text) IS 'the minimum sample for a control of this frequency, from ismap.sampling_table; 22023 naming the known frequencies when it is not there';
SELECT pg_catalog.pg_extension_config_dump('ismap.sampling_table', 'WHERE NOT builtin');

