-- a result row of import_control_standard_csv
CREATE TYPE ismap.control_standard_import AS (
	framework_id			pg_catalog.text,
	headings				pg_catalog.int4,
	objectives				pg_catalog.int4,
	detailed				pg_catalog.int4,
	mandatory				pg_catalog.int4,
	baselines				pg_catalog.int4,
	mappings				pg_catalog.int4,
	unresolved_references	pg_catalog.int4
);
COMMENT ON TYPE ismap.control_standard_import IS 'what import_control_standard_csv loaded';

-- Load a control standard published as a spreadsheet (CSV layout in
-- docs/control-standards.md).  All or nothing (one statement), idempotent
-- (the framework's controls, level baselines, references and reference
-- mappings are replaced by the file's), every error names the CSV line.
CREATE FUNCTION ismap.import_control_standard_csv(
	document pg_catalog.text,
	framework_id pg_catalog.text DEFAULT 'ismap',
	title pg_catalog.text DEFAULT NULL,
	version pg_catalog.text DEFAULT NULL,
	publisher pg_catalog.text DEFAULT NULL,
	source pg_catalog.text DEFAULT NULL)
RETURNS ismap.control_standard_import
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
	fw			text := framework_id;
	hdr			text[];
	ncols		int;
	col_part	int; col_chapter int; col_id int; col_title int; col_obj int; col_det int;
	v_obj		text;
	v_det		text;
	col_mand	int; col_level int; col_stmt int;
	ref_cols	int[] := '{}';
	ref_fws		text[] := '{}';
	rec			record;
	r2			record;
	h			text;
	i			int;
	v_part		text;
	v_mand		bool;
	v_level		int;
	v_id		text;
	cell		text;
	item		text;
	rel			text;
	v_provenance	text;
	fw_title	text;
	result		ismap.control_standard_import;
	nrows		int := 0;
BEGIN
	IF document IS NULL OR fw IS NULL THEN
		RAISE EXCEPTION 'document and framework_id must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF fw !~ '^[a-z0-9][a-z0-9_.-]{0,62}$' THEN
		RAISE EXCEPTION 'invalid framework id "%"', fw USING ERRCODE = 'invalid_parameter_value',
			DETAIL = 'A framework id is 1 to 63 lower-case letters, digits, ".", "_" or "-", starting with a letter or digit.';
	END IF;
	v_provenance := 'references in the CSV of control standard ' || fw;

	-- scratch tables for set-based checks; gone at commit
	IF pg_catalog.to_regclass('pg_temp.ismap_csv_control') IS NULL THEN
		CREATE TEMP TABLE ismap_csv_control (
			line int, part text, id ismap.ctrlid, id_text text, depth int, mandatory bool,
			level int, title text, statement text) ON COMMIT DROP;
		CREATE TEMP TABLE ismap_csv_reference (
			line int, id ismap.ctrlid, ref_framework text, ref_text text, ref ismap.ctrlid,
			relationship text) ON COMMIT DROP;
	END IF;
	TRUNCATE pg_temp.ismap_csv_control, pg_temp.ismap_csv_reference;

	FOR rec IN SELECT p.line, p.fields FROM ismap.parse_csv(document) p LOOP
		IF hdr IS NULL THEN
			-- the header: names are case-insensitive, order is free
			hdr := ARRAY(SELECT lower(btrim(x)) FROM unnest(rec.fields) x);
			ncols := cardinality(hdr);
			FOR i IN 1..ncols LOOP
				h := hdr[i];
				IF array_position(hdr, h) <> i THEN
					RAISE EXCEPTION 'control standard CSV line %: column "%" appears twice', rec.line, h
						USING ERRCODE = 'invalid_parameter_value';
				END IF;
				CASE
					WHEN h = 'part' THEN col_part := i;
					WHEN h = 'chapter' THEN col_chapter := i;
					WHEN h = 'control_id' THEN col_id := i;
					WHEN h = 'objective' THEN col_obj := i;
					WHEN h = 'detailed' THEN col_det := i;
					WHEN h = 'title' THEN col_title := i;
					WHEN h = 'mandatory' THEN col_mand := i;
					WHEN h = 'level' THEN col_level := i;
					WHEN h = 'statement' THEN col_stmt := i;
					WHEN h ~ '^ref:[a-z0-9][a-z0-9_.-]{0,62}$' THEN
						IF substr(h, 5) = fw THEN
							RAISE EXCEPTION 'control standard CSV line %: column "%" refers to the standard itself', rec.line, h
								USING ERRCODE = 'invalid_parameter_value';
						END IF;
						ref_cols := ref_cols || i;
						ref_fws := ref_fws || substr(h, 5);
					ELSE
						RAISE EXCEPTION 'control standard CSV line %: unknown column "%"', rec.line, h
							USING ERRCODE = 'invalid_parameter_value',
								  HINT = 'Columns are part, chapter, control_id (or objective and detailed), title, mandatory, level, statement and ref:<framework_id>.';
				END CASE;
			END LOOP;
			-- the id is either one column, control_id, or the spreadsheet's
			-- two: objective (3 segments) and detailed (4 segments, empty on
			-- an objective's own row)
			IF col_id IS NOT NULL AND (col_obj IS NOT NULL OR col_det IS NOT NULL) THEN
				RAISE EXCEPTION 'control standard CSV line %: columns "control_id" and "objective"/"detailed" exclude each other', rec.line
					USING ERRCODE = 'invalid_parameter_value';
			END IF;
			IF col_det IS NOT NULL AND col_obj IS NULL THEN
				RAISE EXCEPTION 'control standard CSV line %: column "detailed" needs column "objective"', rec.line
					USING ERRCODE = 'invalid_parameter_value';
			END IF;
			FOREACH h IN ARRAY ARRAY['part', 'chapter', CASE WHEN col_obj IS NULL THEN 'control_id' ELSE 'objective' END, 'title'] LOOP
				IF NOT h = ANY (hdr) THEN
					RAISE EXCEPTION 'control standard CSV line %: required column "%" is missing', rec.line, h
						USING ERRCODE = 'invalid_parameter_value';
				END IF;
			END LOOP;
			CONTINUE;
		END IF;

		nrows := nrows + 1;
		IF cardinality(rec.fields) <> ncols THEN
			RAISE EXCEPTION 'control standard CSV line %: % fields where the header has %', rec.line, cardinality(rec.fields), ncols
				USING ERRCODE = 'invalid_parameter_value';
		END IF;

		IF col_id IS NOT NULL THEN
			v_id := btrim(rec.fields[col_id]);
		ELSE
			v_obj := btrim(rec.fields[col_obj]);
			v_det := CASE WHEN col_det IS NULL THEN '' ELSE btrim(rec.fields[col_det]) END;
			v_id := CASE WHEN v_det = '' THEN v_obj ELSE v_det END;
			IF v_det <> '' AND (NOT ismap.ctrlid_is_valid(v_obj) OR NOT ismap.ctrlid_is_valid(v_det)
				OR NOT COALESCE(ismap.parent(v_det::ismap.ctrlid) OPERATOR(ismap.=) v_obj::ismap.ctrlid, false)) THEN
				RAISE EXCEPTION 'control standard CSV line %: detailed control "%" is not under objective "%"', rec.line, v_det, v_obj
					USING ERRCODE = 'invalid_parameter_value',
						  DETAIL = 'A detailed control''s id extends its objective''s by one segment.';
			END IF;
		END IF;
		IF NOT ismap.ctrlid_is_valid(v_id) THEN
			RAISE EXCEPTION 'control standard CSV line %: invalid control id "%"', rec.line, v_id
				USING ERRCODE = 'invalid_text_representation';
		END IF;

		v_part := CASE lower(btrim(rec.fields[col_part]))
			WHEN 'governance' THEN 'governance' WHEN 'ガバナンス基準' THEN 'governance'
			WHEN 'management' THEN 'management' WHEN 'マネジメント基準' THEN 'management'
			WHEN 'control' THEN 'control' WHEN '管理策基準' THEN 'control' END;
		IF v_part IS NULL THEN
			RAISE EXCEPTION 'control standard CSV line %: control "%" has unknown part "%"', rec.line, v_id, rec.fields[col_part]
				USING ERRCODE = 'invalid_parameter_value',
					  HINT = 'The part is governance, management or control (or ガバナンス基準, マネジメント基準, 管理策基準).';
		END IF;

		IF btrim(rec.fields[col_chapter]) = '' OR NOT ismap.ctrlid_is_valid(btrim(rec.fields[col_chapter]))
		   OR ismap.depth(btrim(rec.fields[col_chapter])::ismap.ctrlid) <> 1
		   OR btrim(rec.fields[col_chapter])::ismap.ctrlid OPERATOR(ismap.<>) ismap.subpath(v_id::ismap.ctrlid, 0, 1) THEN
			RAISE EXCEPTION 'control standard CSV line %: control "%" is not in chapter "%"', rec.line, v_id, rec.fields[col_chapter]
				USING ERRCODE = 'invalid_parameter_value',
					  DETAIL = 'The chapter column repeats the first segment of the control id.';
		END IF;

		IF ismap.depth(v_id::ismap.ctrlid) > 4 THEN
			RAISE EXCEPTION 'control standard CSV line %: control "%" is deeper than a detailed control', rec.line, v_id
				USING ERRCODE = 'invalid_parameter_value',
					  DETAIL = 'Ids have 1 (chapter), 2 (section), 3 (control objective) or 4 (detailed control) segments.';
		END IF;

		IF btrim(rec.fields[col_title]) = '' THEN
			RAISE EXCEPTION 'control standard CSV line %: control "%" has no title', rec.line, v_id
				USING ERRCODE = 'invalid_parameter_value';
		END IF;

		v_mand := false;
		IF col_mand IS NOT NULL THEN
			v_mand := CASE upper(btrim(rec.fields[col_mand]))
				WHEN '' THEN false WHEN 'N' THEN false WHEN 'NO' THEN false WHEN 'FALSE' THEN false
				WHEN '0' THEN false WHEN '-' THEN false
				WHEN 'Y' THEN true WHEN 'YES' THEN true WHEN 'TRUE' THEN true WHEN '1' THEN true
				WHEN '○' THEN true WHEN '◯' THEN true WHEN '●' THEN true END;
			IF v_mand IS NULL THEN
				RAISE EXCEPTION 'control standard CSV line %: control "%" has mandatory flag "%"', rec.line, v_id, rec.fields[col_mand]
					USING ERRCODE = 'invalid_parameter_value',
						  HINT = 'Write Y or N (also yes/no, true/false, 1/0, ○, or leave it empty for no).';
			END IF;
		END IF;

		v_level := NULL;
		IF col_level IS NOT NULL AND btrim(rec.fields[col_level]) <> '' THEN
			IF btrim(rec.fields[col_level]) !~ '^[123]$' THEN
				RAISE EXCEPTION 'control standard CSV line %: control "%" has level "%"', rec.line, v_id, rec.fields[col_level]
					USING ERRCODE = 'invalid_parameter_value',
						  DETAIL = 'The level is the lowest registry level (1, 2 or 3) that requires the control, or empty.';
			END IF;
			v_level := btrim(rec.fields[col_level])::int;
		END IF;

		INSERT INTO pg_temp.ismap_csv_control VALUES (rec.line, v_part, v_id::ismap.ctrlid, v_id,
			ismap.depth(v_id::ismap.ctrlid), v_mand, v_level, btrim(rec.fields[col_title]),
			NULLIF(btrim(CASE WHEN col_stmt IS NOT NULL THEN rec.fields[col_stmt] END), ''));

		-- references: ids separated by "," or ";", each with an optional
		-- relationship mark (docs/control-standards.md)
		FOR i IN 1..cardinality(ref_cols) LOOP
			cell := rec.fields[ref_cols[i]];
			FOREACH item IN ARRAY regexp_split_to_array(cell, '[,;]') LOOP
				item := btrim(item);
				CONTINUE WHEN item = '';
				rel := CASE left(item, 1) WHEN '=' THEN 'equal' WHEN '<' THEN 'subset'
					WHEN '>' THEN 'superset' WHEN '~' THEN 'intersects' WHEN '!' THEN 'not_related' END;
				IF rel IS NOT NULL THEN
					item := btrim(substr(item, 2));
				ELSIF right(item, 1) = '*' THEN
					rel := 'intersects';
					item := btrim(left(item, -1));
				ELSE
					rel := 'intersects';
				END IF;
				IF NOT ismap.ctrlid_is_valid(item) THEN
					RAISE EXCEPTION 'control standard CSV line %: control "%" has invalid reference "%" in column "ref:%"',
						rec.line, v_id, item, ref_fws[i]
						USING ERRCODE = 'invalid_text_representation';
				END IF;
				SELECT x.relationship INTO r2 FROM pg_temp.ismap_csv_reference x
				WHERE x.line = rec.line AND x.ref_framework = ref_fws[i] AND x.ref OPERATOR(ismap.=) item::ismap.ctrlid;
				IF FOUND THEN
					IF r2.relationship <> rel THEN
						RAISE EXCEPTION 'control standard CSV line %: control "%" lists reference "%" twice with different relationships',
							rec.line, v_id, item USING ERRCODE = 'invalid_parameter_value';
					END IF;
					CONTINUE;
				END IF;
				INSERT INTO pg_temp.ismap_csv_reference VALUES (rec.line, v_id::ismap.ctrlid, ref_fws[i], item, item::ismap.ctrlid, rel);
			END LOOP;
		END LOOP;
	END LOOP;

	IF hdr IS NULL OR nrows = 0 THEN
		RAISE EXCEPTION 'control standard CSV has no controls' USING ERRCODE = 'invalid_parameter_value',
			DETAIL = 'The first record is the header; each further record is one control.';
	END IF;

	-- the hierarchy: unique ids, each parent on an earlier line, in the same part
	SELECT a.line, a.id_text, b.line AS first_line INTO rec
	FROM pg_temp.ismap_csv_control a JOIN pg_temp.ismap_csv_control b ON b.id OPERATOR(ismap.=) a.id AND b.line < a.line
	ORDER BY a.line, b.line LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'control standard CSV line %: control "%" is already defined on line %', rec.line, rec.id_text, rec.first_line
			USING ERRCODE = 'unique_violation';
	END IF;

	SELECT c.line, c.id_text, ismap.parent(c.id)::text AS parent_text, p.line AS parent_line, p.part AS parent_part, c.part INTO rec
	FROM pg_temp.ismap_csv_control c
	LEFT JOIN pg_temp.ismap_csv_control p ON p.id OPERATOR(ismap.=) ismap.parent(c.id)
	WHERE c.depth > 1 AND (p.line > c.line OR p.part <> c.part
		-- a missing parent: an error, except for an objective in a file
		-- that lists no headings (chapters, sections) at all
		OR (p.line IS NULL AND (c.depth <> 3 OR EXISTS (SELECT 1 FROM pg_temp.ismap_csv_control h WHERE h.depth <= 2))))
	ORDER BY c.line LIMIT 1;
	IF FOUND THEN
		IF rec.parent_line IS NULL THEN
			RAISE EXCEPTION 'control standard CSV line %: the parent "%" of control "%" is not defined', rec.line, rec.parent_text, rec.id_text
				USING ERRCODE = 'invalid_parameter_value',
					  DETAIL = 'Every section, control objective and detailed control follows the row of its parent.';
		ELSIF rec.parent_line > rec.line THEN
			RAISE EXCEPTION 'control standard CSV line %: the parent "%" of control "%" is defined later, on line %', rec.line, rec.parent_text, rec.id_text, rec.parent_line
				USING ERRCODE = 'invalid_parameter_value',
					  DETAIL = 'Every section, control objective and detailed control follows the row of its parent.';
		ELSE
			RAISE EXCEPTION 'control standard CSV line %: control "%" is in part "%" but its parent "%" in part "%"', rec.line, rec.id_text, rec.part, rec.parent_text, rec.parent_part
				USING ERRCODE = 'invalid_parameter_value';
		END IF;
	END IF;

	SELECT c.line, c.id_text INTO rec FROM pg_temp.ismap_csv_control c
	WHERE c.mandatory AND c.depth <> 4 ORDER BY c.line LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'control standard CSV line %: control "%" is marked mandatory but is not a detailed control', rec.line, rec.id_text
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'Only 4-segment detailed controls are designated mandatory (the basic statement requirements).';
	END IF;

	SELECT c.line, c.id_text INTO rec FROM pg_temp.ismap_csv_control c
	WHERE c.level IS NOT NULL AND c.depth < 3 ORDER BY c.line LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'control standard CSV line %: heading "%" has a level', rec.line, rec.id_text
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'Only control objectives and detailed controls belong to level baselines.';
	END IF;

	SELECT c.line, c.id_text INTO rec FROM pg_temp.ismap_csv_control c
	WHERE c.mandatory AND c.level IS NULL ORDER BY c.line LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'control standard CSV line %: mandatory control "%" has no level', rec.line, rec.id_text
			USING ERRCODE = 'invalid_parameter_value',
				  DETAIL = 'A mandatory control is required from some level on.';
	END IF;

	SELECT c.line, c.id_text, c.level, p.id_text AS parent_text, p.level AS parent_level INTO rec
	FROM pg_temp.ismap_csv_control c
	JOIN pg_temp.ismap_csv_control p ON p.id OPERATOR(ismap.=) ismap.parent(c.id)
	WHERE c.depth = 4 AND c.level IS NOT NULL AND (p.level IS NULL OR p.level > c.level)
	ORDER BY c.line LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'control standard CSV line %: detailed control "%" is required from level % but its control objective "%" %',
			rec.line, rec.id_text, rec.level, rec.parent_text,
			CASE WHEN rec.parent_level IS NULL THEN 'at no level' ELSE 'only from level ' || rec.parent_level END
			USING ERRCODE = 'invalid_parameter_value';
	END IF;

	-- references into loaded frameworks must name existing controls
	SELECT x.line, x.id, x.ref_framework, x.ref_text INTO rec
	FROM pg_temp.ismap_csv_reference x
	WHERE EXISTS (SELECT 1 FROM ismap.framework f WHERE f.framework_id = x.ref_framework)
	  AND NOT EXISTS (SELECT 1 FROM ismap.control t WHERE t.framework_id = x.ref_framework AND t.control_id OPERATOR(ismap.=) x.ref)
	ORDER BY x.line, x.ref_framework, x.ref LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'control standard CSV line %: control "%" refers to "%", which framework "%" does not have', rec.line, rec.id, rec.ref_text, rec.ref_framework
			USING ERRCODE = 'undefined_object';
	END IF;

	-- write: the framework, its controls, baselines, references, mappings
	SELECT f.title INTO fw_title FROM ismap.framework f WHERE f.framework_id = fw FOR UPDATE;
	fw_title := COALESCE(title, fw_title, fw);
	INSERT INTO ismap.framework AS f (framework_id, title, version, publisher, source)
	VALUES (fw, fw_title, version, publisher, COALESCE(source, 'CSV import'))
	ON CONFLICT (framework_id) DO UPDATE SET title = EXCLUDED.title,
		version = COALESCE(EXCLUDED.version, f.version),
		publisher = COALESCE(EXCLUDED.publisher, f.publisher),
		source = CASE WHEN import_control_standard_csv.source IS NULL THEN f.source ELSE EXCLUDED.source END;

	DELETE FROM ismap.control c WHERE c.framework_id = fw
	  AND NOT EXISTS (SELECT 1 FROM pg_temp.ismap_csv_control x WHERE x.id OPERATOR(ismap.=) c.control_id);

	INSERT INTO ismap.control AS c (framework_id, control_id, label, title, statement, parent_id, class,
		withdrawn, mandatory, part)
	SELECT fw, x.id, x.id_text, x.title, x.statement,
		CASE WHEN EXISTS (SELECT 1 FROM pg_temp.ismap_csv_control p WHERE p.id OPERATOR(ismap.=) ismap.parent(x.id))
			 THEN ismap.parent(x.id) END,
		CASE x.depth WHEN 1 THEN 'chapter' WHEN 2 THEN 'section' WHEN 3 THEN 'objective' ELSE 'detailed' END,
		false, x.mandatory, x.part
	FROM pg_temp.ismap_csv_control x ORDER BY x.line
	ON CONFLICT (framework_id, control_id) DO UPDATE SET control_id = EXCLUDED.control_id,
		label = EXCLUDED.label, title = EXCLUDED.title, statement = EXCLUDED.statement,
		parent_id = EXCLUDED.parent_id, class = EXCLUDED.class, withdrawn = false,
		mandatory = EXCLUDED.mandatory, part = EXCLUDED.part;

	-- one cumulative baseline per level: <framework>-level<L> holds every
	-- control required at level L (level column <= L)
	SELECT b.baseline_id, b.framework_id INTO rec FROM ismap.baseline b
	WHERE b.baseline_id = ANY (ARRAY[fw || '-level1', fw || '-level2', fw || '-level3'])
	  AND b.framework_id <> fw LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'baseline "%" already belongs to framework "%"', rec.baseline_id, rec.framework_id
			USING ERRCODE = 'unique_violation';
	END IF;
	result.baselines := 0;
	IF EXISTS (SELECT 1 FROM pg_temp.ismap_csv_control x WHERE x.level IS NOT NULL) THEN
		FOR i IN 1..3 LOOP
			INSERT INTO ismap.baseline AS b (baseline_id, framework_id, title, level, source)
			VALUES (fw || '-level' || i, fw, fw_title || ' — level ' || i, i::ismap.level,
				'level column of the control standard CSV')
			ON CONFLICT (baseline_id) DO UPDATE SET title = EXCLUDED.title, level = EXCLUDED.level, source = EXCLUDED.source;
			DELETE FROM ismap.baseline_control bc WHERE bc.baseline_id = fw || '-level' || i;
			INSERT INTO ismap.baseline_control (baseline_id, framework_id, control_id)
			SELECT fw || '-level' || i, fw, x.id FROM pg_temp.ismap_csv_control x WHERE x.level <= i;
			result.baselines := result.baselines + 1;
		END LOOP;
	ELSE
		DELETE FROM ismap.baseline b WHERE b.framework_id = fw
		  AND b.baseline_id = ANY (ARRAY[fw || '-level1', fw || '-level2', fw || '-level3']);
	END IF;

	DELETE FROM ismap.control_reference r WHERE r.framework_id = fw;
	INSERT INTO ismap.control_reference (framework_id, control_id, ref_framework, ref_control, relationship, line)
	SELECT fw, x.id, x.ref_framework, x.ref_text, x.relationship, x.line FROM pg_temp.ismap_csv_reference x;

	DELETE FROM ismap.control_mapping m WHERE m.source_framework = fw AND m.provenance = v_provenance;
	INSERT INTO ismap.control_mapping (source_framework, source_control, target_framework, target_control,
		relationship, rationale, provenance)
	SELECT fw, x.id, t.framework_id, t.control_id, x.relationship,
		'listed in column ref:' || x.ref_framework || ' on line ' || x.line,
		v_provenance
	FROM pg_temp.ismap_csv_reference x
	JOIN ismap.control t ON t.framework_id = x.ref_framework AND t.control_id OPERATOR(ismap.=) x.ref
	ORDER BY x.line, x.ref_framework, x.ref;
	GET DIAGNOSTICS result.mappings = ROW_COUNT;

	result.framework_id := fw;
	SELECT count(*) FILTER (WHERE x.depth <= 2), count(*) FILTER (WHERE x.depth = 3),
		   count(*) FILTER (WHERE x.depth = 4), count(*) FILTER (WHERE x.mandatory)
	INTO result.headings, result.objectives, result.detailed, result.mandatory
	FROM pg_temp.ismap_csv_control x;
	SELECT count(*) INTO result.unresolved_references FROM pg_temp.ismap_csv_reference x
	WHERE NOT EXISTS (SELECT 1 FROM ismap.framework f WHERE f.framework_id = x.ref_framework);
	TRUNCATE pg_temp.ismap_csv_control, pg_temp.ismap_csv_reference;
	RETURN result;
END
$$;
COMMENT ON FUNCTION ismap.import_control_standard_csv(pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text) IS
	'load a control standard published as a spreadsheet (CSV: part, chapter, control_id, title, mandatory, level, statement, ref:<framework>); idempotent, all or nothing, errors name the line';

