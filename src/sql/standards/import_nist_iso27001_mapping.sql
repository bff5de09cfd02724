-- a result row of import_nist_iso27001_mapping
CREATE TYPE ismap.mapping_import AS (
	nist_controls	pg_catalog.int4,
	iso_controls	pg_catalog.int4,
	mappings		pg_catalog.int4,
	equal			pg_catalog.int4,
	subset			pg_catalog.int4,
	superset		pg_catalog.int4,
	intersects		pg_catalog.int4,
	skipped			pg_catalog.int4
);
COMMENT ON TYPE ismap.mapping_import IS 'what import_nist_iso27001_mapping loaded';

-- Load NIST's crosswalk "NIST SP 800-53, Revision 5 Control Mappings to
-- ISO/IEC 27001" from the four CSVs shipped in data/mappings/ (README there).
-- The two frameworks are created from the tables when missing (ids, titles
-- as NIST printed them); controls already present are left as they are.
-- Relationships, per pair of controls (docs/control-standards.md):
--   Table 1 (NIST -> ISO): a "*" means the ISO control(s) do not fully satisfy
--   the NIST control: intersects; the only ISO entry without "*" satisfies it:
--   NIST subset ISO; one of several entries: intersects.
--   Table 2 (ISO -> NIST) likewise: the only NIST entry: ISO subset NIST.
--   A pair in both tables combines: subset both ways is equal, a subset
--   beats an intersects.
CREATE FUNCTION ismap.import_nist_iso27001_mapping(
	table1 pg_catalog.text, table1_pairs pg_catalog.text,
	table2 pg_catalog.text, table2_pairs pg_catalog.text,
	nist_framework pg_catalog.text DEFAULT 'nist-800-53-r5',
	iso_framework pg_catalog.text DEFAULT 'iso27001-2013')
RETURNS ismap.mapping_import
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	prov	text := 'NIST SP 800-53 Rev. 5 control mappings to ISO/IEC 27001:2013 (NIST, 2020), Tables 1 and 2';
	result	ismap.mapping_import;
	r		record;
	iso_ref	text;
	docs	text[] := ARRAY[table1, table2, table1_pairs, table2_pairs];
	whats	text[] := ARRAY['mapping table 1', 'mapping table 2', 'mapping table 1 pairs', 'mapping table 2 pairs'];
	csv_header	text[];
	csv_first	bool;
BEGIN
	IF table1 IS NULL OR table1_pairs IS NULL OR table2 IS NULL OR table2_pairs IS NULL
	   OR nist_framework IS NULL OR iso_framework IS NULL THEN
		RAISE EXCEPTION 'no argument of import_nist_iso27001_mapping may be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF nist_framework = iso_framework THEN
		RAISE EXCEPTION 'the NIST and ISO frameworks must differ' USING ERRCODE = 'invalid_parameter_value';
	END IF;

	-- scratch tables for set-based checks; gone at commit
	IF pg_catalog.to_regclass('pg_temp.ismap_nist_t1') IS NULL THEN
		CREATE TEMP TABLE ismap_nist_t1 (line int, id ismap.ctrlid, id_text text, title text, status text) ON COMMIT DROP;
		CREATE TEMP TABLE ismap_nist_t2 (line int, id ismap.ctrlid, id_text text, title text, kind text) ON COMMIT DROP;
		CREATE TEMP TABLE ismap_nist_p1 (line int, nist ismap.ctrlid, iso ismap.ctrlid, partial bool) ON COMMIT DROP;
		CREATE TEMP TABLE ismap_nist_p2 (line int, iso ismap.ctrlid, nist ismap.ctrlid, nist_text text, partial bool, entries int) ON COMMIT DROP;
		CREATE TEMP TABLE ismap_nist_csv (doc int, line int, fields text[]) ON COMMIT DROP;
	END IF;
	TRUNCATE pg_temp.ismap_nist_t1, pg_temp.ismap_nist_t2, pg_temp.ismap_nist_p1, pg_temp.ismap_nist_p2, pg_temp.ismap_nist_csv;

	-- the data records of the four CSVs, each header checked.  Here and not
	-- in an internal helper: the importer runs with the registrar's rights,
	-- and the registrar has no privilege on the internal schema.
	FOR k IN 1 .. 4 LOOP
		csv_header := CASE k
			WHEN 1 THEN ARRAY['nist_control', 'oscal_id', 'nist_title', 'status', 'iso_refs_as_published']
			WHEN 2 THEN ARRAY['iso_ref', 'iso_short_title', 'kind', 'nist_refs_as_published']
			WHEN 3 THEN ARRAY['nist_control', 'oscal_id', 'iso_ref', 'partial']
			ELSE ARRAY['iso_ref', 'nist_ref', 'oscal_id', 'partial'] END;
		csv_first := true;
		FOR r IN SELECT p.line, p.fields FROM ismap.parse_csv(docs[k]) p LOOP
			IF csv_first THEN
				IF r.fields IS DISTINCT FROM csv_header THEN
					RAISE EXCEPTION '% line %: the header is not "%"', whats[k], r.line, array_to_string(csv_header, ',')
						USING ERRCODE = 'invalid_parameter_value';
				END IF;
				csv_first := false;
				CONTINUE;
			END IF;
			IF cardinality(r.fields) <> cardinality(csv_header) THEN
				RAISE EXCEPTION '% line %: % fields where the header has %', whats[k], r.line, cardinality(r.fields), cardinality(csv_header)
					USING ERRCODE = 'invalid_parameter_value';
			END IF;
			INSERT INTO pg_temp.ismap_nist_csv VALUES (k, r.line, r.fields);
		END LOOP;
		IF csv_first THEN
			RAISE EXCEPTION '% is empty', whats[k] USING ERRCODE = 'invalid_parameter_value';
		END IF;
	END LOOP;

	FOR r IN SELECT c.line, c.fields FROM pg_temp.ismap_nist_csv c WHERE c.doc = 1 ORDER BY c.line LOOP
		IF NOT ismap.ctrlid_is_valid(r.fields[1]) OR r.fields[4] NOT IN ('mapped', 'none', 'withdrawn') THEN
			RAISE EXCEPTION 'mapping table 1 line %: invalid control "%" or status "%"', r.line, r.fields[1], r.fields[4]
				USING ERRCODE = 'invalid_parameter_value';
		END IF;
		INSERT INTO pg_temp.ismap_nist_t1 VALUES (r.line, r.fields[1]::ismap.ctrlid, r.fields[1], r.fields[3], r.fields[4]);
	END LOOP;
	FOR r IN SELECT c.line, c.fields FROM pg_temp.ismap_nist_csv c WHERE c.doc = 2 ORDER BY c.line LOOP
		IF NOT ismap.ctrlid_is_valid(r.fields[1])
		   OR r.fields[3] NOT IN ('clause', 'subclause', 'annex_a_section', 'annex_a_objective', 'annex_a_control') THEN
			RAISE EXCEPTION 'mapping table 2 line %: invalid reference "%" or kind "%"', r.line, r.fields[1], r.fields[3]
				USING ERRCODE = 'invalid_parameter_value';
		END IF;
		INSERT INTO pg_temp.ismap_nist_t2 VALUES (r.line, r.fields[1]::ismap.ctrlid, r.fields[1], r.fields[2], r.fields[3]);
	END LOOP;

	FOR r IN SELECT c.line, c.fields FROM pg_temp.ismap_nist_csv c WHERE c.doc = 3 ORDER BY c.line LOOP
		-- "A.12.x" (SC-38) is NIST's way of naming all of section A.12
		iso_ref := r.fields[3];
		IF iso_ref ~ '^A\.[0-9]+\.x$' THEN
			iso_ref := left(iso_ref, -2);
		END IF;
		IF NOT ismap.ctrlid_is_valid(r.fields[1]) OR NOT ismap.ctrlid_is_valid(iso_ref) OR r.fields[4] NOT IN ('Y', 'N') THEN
			RAISE EXCEPTION 'mapping table 1 pairs line %: invalid pair "%", "%", "%"', r.line, r.fields[1], r.fields[3], r.fields[4]
				USING ERRCODE = 'invalid_parameter_value';
		END IF;
		INSERT INTO pg_temp.ismap_nist_p1 VALUES (r.line, r.fields[1]::ismap.ctrlid, iso_ref::ismap.ctrlid, r.fields[4] = 'Y');
	END LOOP;

	result.skipped := 0;
	FOR r IN SELECT c.line, c.fields FROM pg_temp.ismap_nist_csv c WHERE c.doc = 4 ORDER BY c.line LOOP
		IF NOT ismap.ctrlid_is_valid(r.fields[1]) OR r.fields[4] NOT IN ('Y', 'N') THEN
			RAISE EXCEPTION 'mapping table 2 pairs line %: invalid pair "%", "%", "%"', r.line, r.fields[1], r.fields[2], r.fields[4]
				USING ERRCODE = 'invalid_parameter_value';
		END IF;
		IF r.fields[2] = 'All XX-1 controls' THEN
			-- every family's policy-and-procedures control
			INSERT INTO pg_temp.ismap_nist_p2
			SELECT r.line, r.fields[1]::ismap.ctrlid, t.id, t.id_text, r.fields[4] = 'Y', NULL
			FROM pg_temp.ismap_nist_t1 t WHERE t.id_text ~ '^[A-Z]{2}-1$' AND t.status <> 'withdrawn';
		ELSIF r.fields[2] = 'Appendix J Privacy controls' THEN
			-- a Rev. 4 appendix that Rev. 5 no longer has: nothing to map to
			result.skipped := result.skipped + 1;
		ELSIF ismap.ctrlid_is_valid(r.fields[2]) THEN
			INSERT INTO pg_temp.ismap_nist_p2 VALUES (r.line, r.fields[1]::ismap.ctrlid, r.fields[2]::ismap.ctrlid, r.fields[2], r.fields[4] = 'Y', NULL);
		ELSE
			RAISE EXCEPTION 'mapping table 2 pairs line %: invalid NIST reference "%"', r.line, r.fields[2]
				USING ERRCODE = 'invalid_parameter_value';
		END IF;
	END LOOP;

	-- every pair names a control of its table
	SELECT p.line, p.nist::text AS nist INTO r FROM pg_temp.ismap_nist_p1 p
	WHERE NOT EXISTS (SELECT 1 FROM pg_temp.ismap_nist_t1 t WHERE t.id OPERATOR(ismap.=) p.nist) ORDER BY p.line LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'mapping table 1 pairs line %: control "%" is not in table 1', r.line, r.nist USING ERRCODE = 'invalid_parameter_value';
	END IF;
	SELECT p.line, p.iso::text AS iso INTO r FROM (
		SELECT line, iso FROM pg_temp.ismap_nist_p1 UNION ALL SELECT line, iso FROM pg_temp.ismap_nist_p2) p
	WHERE NOT EXISTS (SELECT 1 FROM pg_temp.ismap_nist_t2 t WHERE t.id OPERATOR(ismap.=) p.iso) ORDER BY p.line LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'mapping pairs line %: ISO/IEC 27001 reference "%" is not in table 2', r.line, r.iso USING ERRCODE = 'invalid_parameter_value';
	END IF;
	SELECT p.line, p.nist_text INTO r FROM pg_temp.ismap_nist_p2 p
	WHERE NOT EXISTS (SELECT 1 FROM pg_temp.ismap_nist_t1 t WHERE t.id OPERATOR(ismap.=) p.nist)
	  AND NOT EXISTS (SELECT 1 FROM pg_temp.ismap_nist_t1 t WHERE t.id OPERATOR(ismap.=) ismap.parent(p.nist))
	ORDER BY p.line LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'mapping table 2 pairs line %: control "%" is neither in table 1 nor an enhancement of a control there', r.line, r.nist_text
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	-- how many NIST entries each ISO row listed (the "All XX-1" entry counts as many)
	UPDATE pg_temp.ismap_nist_p2 p SET entries = n.cnt
	FROM (SELECT iso, count(*) AS cnt FROM pg_temp.ismap_nist_p2 GROUP BY iso) n WHERE n.iso OPERATOR(ismap.=) p.iso;

	-- the frameworks and controls, where missing
	INSERT INTO ismap.framework (framework_id, title, version, publisher, source)
	VALUES (nist_framework, 'NIST SP 800-53 Rev. 5 (controls named in NIST''s mapping to ISO/IEC 27001)', '5', 'NIST', prov),
		   (iso_framework, 'ISO/IEC 27001:2013 (numbers and short titles as printed in NIST''s mapping)', '2013', 'ISO/IEC', prov)
	ON CONFLICT (framework_id) DO NOTHING;

	INSERT INTO ismap.control (framework_id, control_id, label, title, class, withdrawn)
	SELECT nist_framework, t.id, t.id_text, t.title, 'control', t.status = 'withdrawn'
	FROM pg_temp.ismap_nist_t1 t ORDER BY t.line
	ON CONFLICT (framework_id, control_id) DO NOTHING;
	-- enhancements named in table 2: the mapping gives no title
	INSERT INTO ismap.control (framework_id, control_id, label, title, parent_id, class)
	SELECT DISTINCT ON (p.nist) nist_framework, p.nist, p.nist_text,
		p.nist_text || ' (enhancement of ' || t.id_text || '; no title in the mapping)', t.id, 'enhancement'
	FROM pg_temp.ismap_nist_p2 p JOIN pg_temp.ismap_nist_t1 t ON t.id OPERATOR(ismap.=) ismap.parent(p.nist)
	WHERE NOT EXISTS (SELECT 1 FROM pg_temp.ismap_nist_t1 x WHERE x.id OPERATOR(ismap.=) p.nist)
	ORDER BY p.nist
	ON CONFLICT (framework_id, control_id) DO NOTHING;

	INSERT INTO ismap.control (framework_id, control_id, label, title, parent_id, class)
	SELECT iso_framework, t.id, t.id_text, t.title,
		(SELECT q.id FROM pg_temp.ismap_nist_t2 q WHERE q.id OPERATOR(ismap.=) ismap.parent(t.id)), t.kind
	FROM pg_temp.ismap_nist_t2 t ORDER BY t.line
	ON CONFLICT (framework_id, control_id) DO NOTHING;

	-- the pairs, one row each, NIST -> ISO
	DELETE FROM ismap.control_mapping m
	WHERE m.provenance = prov
	  AND ((m.source_framework = nist_framework AND m.target_framework = iso_framework)
		OR (m.source_framework = iso_framework AND m.target_framework = nist_framework));

	WITH t1 AS (
		SELECT p.nist, p.iso, bool_or(p.partial) AS partial,
			count(*) OVER (PARTITION BY p.nist) AS entries
		FROM pg_temp.ismap_nist_p1 p GROUP BY p.nist, p.iso
	), t2 AS (
		SELECT p.nist, p.iso, bool_or(p.partial) AS partial, max(p.entries) AS entries
		FROM pg_temp.ismap_nist_p2 p GROUP BY p.nist, p.iso
	), judged AS (
		SELECT COALESCE(t1.nist, t2.nist) AS nist, COALESCE(t1.iso, t2.iso) AS iso,
			CASE WHEN t1.nist IS NULL THEN NULL WHEN t1.partial OR t1.entries > 1 THEN 'intersects' ELSE 'subset' END AS r1,
			CASE WHEN t2.nist IS NULL THEN NULL WHEN t2.partial OR t2.entries > 1 THEN 'intersects' ELSE 'superset' END AS r2,
			CASE WHEN t1.nist IS NULL THEN NULL
				 WHEN t1.partial THEN 'Table 1 marks the ISO/IEC 27001 entries "*" (not fully satisfying the NIST control)'
				 WHEN t1.entries > 1 THEN 'Table 1: one of ' || t1.entries || ' ISO/IEC 27001 entries that together satisfy the NIST control'
				 ELSE 'Table 1: the only ISO/IEC 27001 entry, satisfying the NIST control' END AS why1,
			CASE WHEN t2.nist IS NULL THEN NULL
				 WHEN t2.partial THEN 'Table 2 marks the NIST entries "*" (not fully satisfying the ISO/IEC 27001 control)'
				 WHEN t2.entries > 1 THEN 'Table 2: one of ' || t2.entries || ' NIST entries that together satisfy the ISO/IEC 27001 control'
				 ELSE 'Table 2: the only NIST entry, satisfying the ISO/IEC 27001 control' END AS why2
		FROM t1 FULL JOIN t2 ON t1.nist OPERATOR(ismap.=) t2.nist AND t1.iso OPERATOR(ismap.=) t2.iso
	)
	INSERT INTO ismap.control_mapping (source_framework, source_control, target_framework, target_control,
		relationship, rationale, provenance)
	SELECT nist_framework, n.control_id, iso_framework, i.control_id,
		CASE WHEN j.r1 IS NULL THEN j.r2 WHEN j.r2 IS NULL THEN j.r1
			 WHEN j.r1 = 'subset' AND j.r2 = 'superset' THEN 'equal'
			 WHEN j.r1 = 'subset' THEN 'subset' WHEN j.r2 = 'superset' THEN 'superset'
			 ELSE 'intersects' END,
		concat_ws('; ', j.why1, j.why2), prov
	FROM judged j
	JOIN ismap.control n ON n.framework_id = nist_framework AND n.control_id OPERATOR(ismap.=) j.nist
	JOIN ismap.control i ON i.framework_id = iso_framework AND i.control_id OPERATOR(ismap.=) j.iso
	ORDER BY j.nist, j.iso;

	SELECT count(*), count(*) FILTER (WHERE m.relationship = 'equal'), count(*) FILTER (WHERE m.relationship = 'subset'),
		   count(*) FILTER (WHERE m.relationship = 'superset'), count(*) FILTER (WHERE m.relationship = 'intersects')
	INTO result.mappings, result.equal, result.subset, result.superset, result.intersects
	FROM ismap.control_mapping m WHERE m.provenance = prov AND m.source_framework = nist_framework AND m.target_framework = iso_framework;
	SELECT count(*) INTO result.nist_controls FROM ismap.control c WHERE c.framework_id = nist_framework;
	SELECT count(*) INTO result.iso_controls FROM ismap.control c WHERE c.framework_id = iso_framework;
	TRUNCATE pg_temp.ismap_nist_t1, pg_temp.ismap_nist_t2, pg_temp.ismap_nist_p1, pg_temp.ismap_nist_p2;
	RETURN result;
END
$$;
COMMENT ON FUNCTION ismap.import_nist_iso27001_mapping(pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text) IS
	'load NIST''s SP 800-53 Rev. 5 <-> ISO/IEC 27001:2013 crosswalk from its four CSVs (data/mappings); idempotent, all or nothing';

