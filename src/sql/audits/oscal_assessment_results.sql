-- OSCAL assessment results into audit_result and control_test.  The
-- function has the caller's rights: row-level security decides which
-- audits an auditor may write (its own audit body's open audits), and the
-- freeze triggers refuse a decided audit, as for any other write.
CREATE FUNCTION ismap.import_oscal_assessment_results(document pg_catalog.jsonb, audit_id pg_catalog.int8,
	OUT results pg_catalog.int4, OUT tests pg_catalog.int4)
RETURNS record
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	aid int8 := import_oscal_assessment_results.audit_id;
	fw text;
	res jsonb;
	f jsonb;
	o jsonb;
	tgt jsonb;
	tid text;
	cid text;
	st text;
	i int := 0;
	k int;
	-- one row per finding: control, effective?, reason, its observations
	f_ctl text[] := '{}';
	f_ok bool[] := '{}';
	f_why text[] := '{}';
	f_obs text[] := '{}';
	-- one row per observation with a sample
	o_uuid text[] := '{}';
	o_freq text[] := '{}';
	o_pop int8[] := '{}';
	o_n int4[] := '{}';
	o_dev int4[] := '{}';
	bad text;
BEGIN
	IF document IS NULL OR aid IS NULL THEN
		RAISE EXCEPTION 'document and audit_id must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF jsonb_typeof(document OPERATOR(pg_catalog.->) 'assessment-results') IS DISTINCT FROM 'object' THEN
		RAISE EXCEPTION 'OSCAL JSON document is not an assessment-results document'
			USING ERRCODE = 'invalid_text_representation',
			DETAIL = 'An OSCAL JSON assessment-results document is an object with one member "assessment-results".';
	END IF;
	SELECT a.framework_id INTO fw FROM ismap.audit a WHERE a.audit_id OPERATOR(pg_catalog.=) aid;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'audit % does not exist', aid USING ERRCODE = 'undefined_object';
	END IF;

	res := document OPERATOR(pg_catalog.#>) '{assessment-results,results}';
	IF jsonb_typeof(res) IS DISTINCT FROM 'array' THEN
		RAISE EXCEPTION 'member "results" at /assessment-results/results of the OSCAL JSON assessment results has the wrong type'
			USING ERRCODE = 'invalid_text_representation';
	END IF;
	FOR k IN 0 .. jsonb_array_length(res) OPERATOR(pg_catalog.-) 1 LOOP
		IF jsonb_typeof(res OPERATOR(pg_catalog.->) k) IS DISTINCT FROM 'object'
		   OR jsonb_typeof(COALESCE(res OPERATOR(pg_catalog.->) k OPERATOR(pg_catalog.->) 'findings', '[]')) OPERATOR(pg_catalog.<>) 'array'
		   OR jsonb_typeof(COALESCE(res OPERATOR(pg_catalog.->) k OPERATOR(pg_catalog.->) 'observations', '[]')) OPERATOR(pg_catalog.<>) 'array' THEN
			RAISE EXCEPTION 'member "results" at /assessment-results/results/% of the OSCAL JSON assessment results has the wrong type', k
				USING ERRCODE = 'invalid_text_representation';
		END IF;
		-- observations carrying a sample: props sample-size (and
		-- population, deviations, frequency) in the project's namespace
		FOR o IN SELECT e FROM jsonb_array_elements(COALESCE(res OPERATOR(pg_catalog.->) k OPERATOR(pg_catalog.->) 'observations', '[]')) e LOOP
			IF jsonb_typeof(o) IS DISTINCT FROM 'object' OR jsonb_typeof(o OPERATOR(pg_catalog.->) 'uuid') IS DISTINCT FROM 'string'
			   OR jsonb_typeof(COALESCE(o OPERATOR(pg_catalog.->) 'props', '[]')) OPERATOR(pg_catalog.<>) 'array' THEN
				RAISE EXCEPTION 'an observation of result % has no uuid or props of the wrong type', k
					USING ERRCODE = 'invalid_text_representation';
			END IF;
			IF EXISTS (SELECT FROM jsonb_array_elements(COALESCE(o OPERATOR(pg_catalog.->) 'props', '[]')) p
			           WHERE p OPERATOR(pg_catalog.->>) 'name' OPERATOR(pg_catalog.=) 'sample-size'
			             AND p OPERATOR(pg_catalog.->>) 'ns' OPERATOR(pg_catalog.=) 'urn:pg-ismap:oscal') THEN
				BEGIN
					o_uuid := o_uuid OPERATOR(pg_catalog.||) (o OPERATOR(pg_catalog.->>) 'uuid');
					o_n := o_n OPERATOR(pg_catalog.||) (SELECT (p OPERATOR(pg_catalog.->>) 'value')::int4 FROM jsonb_array_elements(o OPERATOR(pg_catalog.->) 'props') p
						WHERE p OPERATOR(pg_catalog.->>) 'name' OPERATOR(pg_catalog.=) 'sample-size' AND p OPERATOR(pg_catalog.->>) 'ns' OPERATOR(pg_catalog.=) 'urn:pg-ismap:oscal' LIMIT 1);
					o_pop := o_pop OPERATOR(pg_catalog.||) (SELECT (p OPERATOR(pg_catalog.->>) 'value')::int8 FROM jsonb_array_elements(o OPERATOR(pg_catalog.->) 'props') p
						WHERE p OPERATOR(pg_catalog.->>) 'name' OPERATOR(pg_catalog.=) 'population' AND p OPERATOR(pg_catalog.->>) 'ns' OPERATOR(pg_catalog.=) 'urn:pg-ismap:oscal' LIMIT 1);
					o_dev := o_dev OPERATOR(pg_catalog.||) COALESCE((SELECT (p OPERATOR(pg_catalog.->>) 'value')::int4 FROM jsonb_array_elements(o OPERATOR(pg_catalog.->) 'props') p
						WHERE p OPERATOR(pg_catalog.->>) 'name' OPERATOR(pg_catalog.=) 'deviations' AND p OPERATOR(pg_catalog.->>) 'ns' OPERATOR(pg_catalog.=) 'urn:pg-ismap:oscal' LIMIT 1), 0);
					o_freq := o_freq OPERATOR(pg_catalog.||) (SELECT p OPERATOR(pg_catalog.->>) 'value' FROM jsonb_array_elements(o OPERATOR(pg_catalog.->) 'props') p
						WHERE p OPERATOR(pg_catalog.->>) 'name' OPERATOR(pg_catalog.=) 'frequency' AND p OPERATOR(pg_catalog.->>) 'ns' OPERATOR(pg_catalog.=) 'urn:pg-ismap:oscal' LIMIT 1);
				EXCEPTION WHEN invalid_text_representation OR numeric_value_out_of_range THEN
					RAISE EXCEPTION 'observation % has a sample prop that is not a whole number', o OPERATOR(pg_catalog.->>) 'uuid'
						USING ERRCODE = 'invalid_text_representation';
				END;
			END IF;
		END LOOP;
		FOR f IN SELECT e FROM jsonb_array_elements(COALESCE(res OPERATOR(pg_catalog.->) k OPERATOR(pg_catalog.->) 'findings', '[]')) e LOOP
			i := i OPERATOR(pg_catalog.+) 1;
			tgt := f OPERATOR(pg_catalog.->) 'target';
			IF jsonb_typeof(tgt) IS DISTINCT FROM 'object' OR jsonb_typeof(tgt OPERATOR(pg_catalog.->) 'target-id') IS DISTINCT FROM 'string'
			   OR jsonb_typeof(tgt OPERATOR(pg_catalog.#>) '{status,state}') IS DISTINCT FROM 'string' THEN
				RAISE EXCEPTION 'finding % has no target with a target-id and a status state', i
					USING ERRCODE = 'invalid_text_representation';
			END IF;
			tid := tgt OPERATOR(pg_catalog.->>) 'target-id';
			-- "ac-2", "ac-2_smt", "ac-2_obj", "ac-2.1_smt.a": the control is
			-- what comes before the part suffix
			cid := split_part(tid, '_', 1);
			st := tgt OPERATOR(pg_catalog.#>>) '{status,state}';
			IF st NOT IN ('satisfied', 'not-satisfied') THEN
				RAISE EXCEPTION 'finding % has the status state "%"', i, st
					USING ERRCODE = 'invalid_text_representation',
					DETAIL = 'OSCAL''s states are "satisfied" and "not-satisfied".';
			END IF;
			f_ctl := f_ctl OPERATOR(pg_catalog.||) cid;
			f_ok := f_ok OPERATOR(pg_catalog.||) (st OPERATOR(pg_catalog.=) 'satisfied');
			-- "title: description (reason)"
			f_why := f_why OPERATOR(pg_catalog.||) NULLIF(concat_ws(' ', concat_ws(': ', f OPERATOR(pg_catalog.->>) 'title',
				NULLIF(f OPERATOR(pg_catalog.->>) 'description', f OPERATOR(pg_catalog.->>) 'title')),
				'(' OPERATOR(pg_catalog.||) (tgt OPERATOR(pg_catalog.#>>) '{status,reason}') OPERATOR(pg_catalog.||) ')'), '');
			f_obs := f_obs OPERATOR(pg_catalog.||) COALESCE((SELECT string_agg(r OPERATOR(pg_catalog.->>) 'observation-uuid', ' ')
				FROM jsonb_array_elements(CASE WHEN jsonb_typeof(f OPERATOR(pg_catalog.->) 'related-observations') OPERATOR(pg_catalog.=) 'array'
					THEN f OPERATOR(pg_catalog.->) 'related-observations' ELSE '[]' END) r), '');
		END LOOP;
	END LOOP;

	-- every target is a control of the audit's framework, and stated
	SELECT u.c INTO bad FROM unnest(f_ctl) WITH ORDINALITY u(c, n)
	WHERE CASE WHEN ismap.ctrlid_is_valid(u.c)
	           THEN NOT EXISTS (SELECT FROM ismap.control c WHERE c.framework_id OPERATOR(pg_catalog.=) fw
	                            AND c.control_id OPERATOR(ismap.=) u.c::ismap.ctrlid)
	           ELSE true END
	ORDER BY u.n LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'finding target "%" is not a control of framework "%"', bad, fw
			USING ERRCODE = 'undefined_object',
			HINT = 'A finding''s target-id names a control of the audit''s framework, or a part of one ("ac-2_smt").';
	END IF;
	SELECT u.c INTO bad FROM unnest(f_ctl) WITH ORDINALITY u(c, n)
	WHERE NOT EXISTS (SELECT FROM ismap.statement_item s WHERE s.audit_id OPERATOR(pg_catalog.=) aid
	                  AND s.control_id OPERATOR(ismap.=) u.c::ismap.ctrlid)
	ORDER BY u.n LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'control "%" is not in the statement of audit %', bad, aid
			USING ERRCODE = 'undefined_object';
	END IF;

	-- a control is effective when every finding on it is satisfied
	-- (the statement's spelling of the id, whatever the document's)
	INSERT INTO ismap.audit_result AS r (audit_id, control_id, result, rationale)
	SELECT aid, s.control_id, CASE WHEN bool_and(u.ok) THEN 'effective' ELSE 'ineffective' END,
	       string_agg(u.why, E'\n' ORDER BY u.n)
	FROM unnest(f_ctl, f_ok, f_why) WITH ORDINALITY u(c, ok, why, n)
	JOIN ismap.statement_item s ON s.audit_id OPERATOR(pg_catalog.=) aid AND s.control_id OPERATOR(ismap.=) u.c::ismap.ctrlid
	GROUP BY s.control_id
	ON CONFLICT ON CONSTRAINT audit_result_pkey DO UPDATE SET result = EXCLUDED.result, rationale = EXCLUDED.rationale;
	GET DIAGNOSTICS results = ROW_COUNT;

	-- a finding's related observation with a sample is the control's test
	INSERT INTO ismap.control_test AS t (audit_id, control_id, frequency, population, sample_size, deviations)
	SELECT DISTINCT ON (si.control_id) aid, si.control_id, COALESCE(s.freq, 'daily'), s.pop, s.n, s.dev
	FROM unnest(f_ctl, f_obs) WITH ORDINALITY u(c, obs, n)
	JOIN ismap.statement_item si ON si.audit_id OPERATOR(pg_catalog.=) aid AND si.control_id OPERATOR(ismap.=) u.c::ismap.ctrlid
	JOIN unnest(o_uuid, o_freq, o_pop, o_n, o_dev) s(uuid, freq, pop, n, dev)
	  ON s.uuid OPERATOR(pg_catalog.=) ANY (string_to_array(u.obs, ' '))
	ORDER BY si.control_id, u.n
	ON CONFLICT ON CONSTRAINT control_test_pkey DO UPDATE SET frequency = EXCLUDED.frequency,
		population = EXCLUDED.population, sample_size = EXCLUDED.sample_size, deviations = EXCLUDED.deviations;
	GET DIAGNOSTICS tests = ROW_COUNT;
END
$$;
COMMENT ON FUNCTION ismap.import_oscal_assessment_results(pg_catalog.jsonb, pg_catalog.int8) IS
	'OSCAL JSON assessment results into audit_result (a control is effective when all its findings are satisfied) and control_test (observations with sample props); all or nothing, the caller''s rights';
REVOKE ALL ON FUNCTION ismap.import_oscal_assessment_results(pg_catalog.jsonb, pg_catalog.int8) FROM PUBLIC;
