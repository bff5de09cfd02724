-- ==== Disclosures ====
-------------------------------------------------------------------------------
-- What a provider discloses about a service so that agencies can judge legal
-- and foreign-law risk (docs/registry.md, "Disclosures"): the regions its
-- customers can choose for their data, the governing law and the court of
-- the contract, capital relationships and officers, and the penetration
-- tests and vulnerability assessments third parties made.  One row per
-- service, kept by its provider; a missing item (NULL, or no region) is
-- reported by validation (DISCLOSURE_MISSING), a malformed one is refused
-- here.  Private to the provider, the registrar and the auditing body
-- until the service is registered; the registration freezes a copy (ismap.registered_content).
-------------------------------------------------------------------------------

-- ISO 3166-1 alpha-2, as assigned (249 codes)
CREATE FUNCTION ismap.region_code_is_valid(code pg_catalog.text) RETURNS pg_catalog.bool
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT code ~ '^[A-Z]{2}$' AND pg_catalog.strpos(
		' AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ'
		' BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ'
		' CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ'
		' DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR'
		' GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU'
		' ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ'
		' LA LB LC LI LK LR LS LT LU LV LY'
		' MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ'
		' NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA'
		' RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ'
		' TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ'
		' VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW ', ' ' || code || ' ') > 0
$$;
COMMENT ON FUNCTION ismap.region_code_is_valid(pg_catalog.text) IS 'true when a text is an assigned ISO 3166-1 alpha-2 country code (upper case)';

CREATE TABLE ismap.service_disclosure (
	service_id			pg_catalog.int8 PRIMARY KEY REFERENCES ismap.service ON DELETE CASCADE,
	regions				pg_catalog.text[],
	governing_law		pg_catalog.text
		CONSTRAINT service_disclosure_governing_law_not_blank CHECK (governing_law IS NULL OR NOT ismap.text_is_blank(governing_law)),
	jurisdiction		pg_catalog.text
		CONSTRAINT service_disclosure_jurisdiction_not_blank CHECK (jurisdiction IS NULL OR NOT ismap.text_is_blank(jurisdiction)),
	capital_disclosure	pg_catalog.text
		CONSTRAINT service_disclosure_capital_disclosure_not_blank CHECK (capital_disclosure IS NULL OR NOT ismap.text_is_blank(capital_disclosure)),
	third_party_tests	pg_catalog.jsonb,
	updated_at			pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE ismap.service_disclosure IS 'what the provider discloses about a service (regions for data, governing law, court, capital relationships, third-party tests); its provider''s, the registrar''s and the auditing body''s until the service is registered';
COMMENT ON COLUMN ismap.service_disclosure.regions IS 'the regions customers can choose for their data: ISO 3166-1 alpha-2 codes, optionally with a region name after a hyphen (JP, JP-Tokyo)';
COMMENT ON COLUMN ismap.service_disclosure.governing_law IS 'the law governing the service contract (e.g. 日本法)';
COMMENT ON COLUMN ismap.service_disclosure.jurisdiction IS 'the court agreed for disputes (e.g. 東京地方裁判所)';
COMMENT ON COLUMN ismap.service_disclosure.capital_disclosure IS 'capital relationships and officers (parent companies, foreign capital, officers'' nationalities)';
COMMENT ON COLUMN ismap.service_disclosure.third_party_tests IS 'penetration tests and vulnerability assessments by third parties: an array of {"kind": "penetration_test"|"vulnerability_assessment", "performed_by": text, "performed_on": "YYYY-MM-DD", "scope": text (optional)}; [] when there were none';
SELECT pg_catalog.pg_extension_config_dump('ismap.service_disclosure', '');
-- No statistics of what is disclosed: ANALYZE samples every row, and the
-- planner reads a column's most common values and histogram through a
-- leakproof operator (text =, <) for any role that may select from the
-- table, row-level security or not, so an EXPLAIN's row estimate would
-- tell a reader what unregistered services disclose (how many name a law
-- it guesses; a range scan, the letters of their courts) and when they
-- edited it.  The planner never needs them: a disclosure is found by its
-- service (docs/security.md, side channels).
ALTER TABLE ismap.service_disclosure ALTER COLUMN regions SET STATISTICS 0,
	ALTER COLUMN governing_law SET STATISTICS 0, ALTER COLUMN jurisdiction SET STATISTICS 0,
	ALTER COLUMN capital_disclosure SET STATISTICS 0, ALTER COLUMN third_party_tests SET STATISTICS 0,
	ALTER COLUMN updated_at SET STATISTICS 0;

-- A malformed item is refused naming the field (22023); a blank text is
-- refused by the table's checks (23514).  Missing items are allowed: the
-- provider fills the row in steps, validation lists what is missing.
CREATE FUNCTION ismap_internal.service_disclosure_check() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	r pg_catalog.text;
	t pg_catalog.jsonb;
	k pg_catalog.text;
	n pg_catalog.int4 := 0;
	ok pg_catalog.bool;
BEGIN
	IF NEW.regions IS NOT NULL THEN
		FOREACH r IN ARRAY NEW.regions LOOP
			IF r IS NULL OR NOT ismap.region_code_is_valid(pg_catalog.split_part(r, '-', 1))
			   OR (pg_catalog.strpos(r, '-') > 0 AND (ismap.text_is_blank(pg_catalog.substr(r, 4)) OR r ~ '[[:cntrl:]]'))
			   OR pg_catalog.length(r) > 100 THEN
				RAISE EXCEPTION 'invalid region "%" in field "regions"', r
					USING ERRCODE = 'invalid_parameter_value',
						  DETAIL = 'A region is an ISO 3166-1 alpha-2 country code in upper case, optionally followed by a hyphen and a region name (JP, JP-Tokyo).';
			END IF;
		END LOOP;
		IF pg_catalog.cardinality(NEW.regions) <> (SELECT pg_catalog.count(DISTINCT x) FROM pg_catalog.unnest(NEW.regions) x) THEN
			RAISE EXCEPTION 'duplicate region in field "regions"' USING ERRCODE = 'invalid_parameter_value';
		END IF;
	END IF;
	IF NEW.third_party_tests IS NOT NULL THEN
		IF pg_catalog.jsonb_typeof(NEW.third_party_tests) <> 'array' THEN
			RAISE EXCEPTION 'field "third_party_tests" must be a JSON array' USING ERRCODE = 'invalid_parameter_value';
		END IF;
		FOR t IN SELECT e FROM pg_catalog.jsonb_array_elements(NEW.third_party_tests) e LOOP
			n := n + 1;
			IF pg_catalog.jsonb_typeof(t) <> 'object' THEN
				RAISE EXCEPTION 'test % in field "third_party_tests" is not a JSON object', n USING ERRCODE = 'invalid_parameter_value';
			END IF;
			FOR k IN SELECT pg_catalog.jsonb_object_keys(t) LOOP
				IF k NOT IN ('kind', 'performed_by', 'performed_on', 'scope') THEN
					RAISE EXCEPTION 'test % in field "third_party_tests" has an unknown key "%"', n, k
						USING ERRCODE = 'invalid_parameter_value',
							  DETAIL = 'The keys are kind, performed_by, performed_on and scope.';
				END IF;
			END LOOP;
			IF t->>'kind' IS NULL OR t->>'kind' NOT IN ('penetration_test', 'vulnerability_assessment')
			   OR pg_catalog.jsonb_typeof(t->'kind') <> 'string' THEN
				RAISE EXCEPTION 'test % in field "third_party_tests" has no valid "kind"', n
					USING ERRCODE = 'invalid_parameter_value',
						  DETAIL = 'The kind is "penetration_test" or "vulnerability_assessment".';
			END IF;
			IF pg_catalog.jsonb_typeof(t->'performed_by') IS DISTINCT FROM 'string' OR ismap.text_is_blank(t->>'performed_by') THEN
				RAISE EXCEPTION 'test % in field "third_party_tests" does not name who performed it ("performed_by")', n
					USING ERRCODE = 'invalid_parameter_value';
			END IF;
			ok := pg_catalog.jsonb_typeof(t->'performed_on') IS NOT DISTINCT FROM 'string'
			   AND (t->>'performed_on') ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$';
			IF ok THEN
				BEGIN
					PERFORM (t->>'performed_on')::pg_catalog.date;
				EXCEPTION WHEN datetime_field_overflow OR invalid_datetime_format THEN
					ok := false;
				END;
			END IF;
			IF NOT ok THEN
				RAISE EXCEPTION 'test % in field "third_party_tests" has no valid date "performed_on"', n
					USING ERRCODE = 'invalid_parameter_value',
						  DETAIL = 'The date is written YYYY-MM-DD.';
			END IF;
			IF t ? 'scope' AND pg_catalog.jsonb_typeof(t->'scope') <> 'string' THEN
				RAISE EXCEPTION 'test % in field "third_party_tests" has a "scope" that is not a string', n
					USING ERRCODE = 'invalid_parameter_value';
			END IF;
		END LOOP;
	END IF;
	NEW.updated_at := pg_catalog.now();
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION ismap_internal.service_disclosure_check() IS 'trigger: refuses a disclosure with an unknown region code or a malformed third-party test record (22023, naming the field)';

CREATE TRIGGER service_disclosure_check BEFORE INSERT OR UPDATE ON ismap.service_disclosure
	FOR EACH ROW EXECUTE FUNCTION ismap_internal.service_disclosure_check();
ALTER TABLE ismap.service_disclosure ENABLE ALWAYS TRIGGER service_disclosure_check;

-- The items of a service's disclosure that are missing (for validation's
-- DISCLOSURE_MISSING), in the table's column order; every item when the
-- service has no row.
CREATE FUNCTION ismap_internal.disclosure_missing_items(p_service_id pg_catalog.int8) RETURNS pg_catalog.text[]
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT COALESCE((
		SELECT pg_catalog.array_remove(ARRAY[
			CASE WHEN COALESCE(pg_catalog.cardinality(d.regions), 0) = 0 THEN 'regions' END,
			CASE WHEN d.governing_law IS NULL THEN 'governing_law' END,
			CASE WHEN d.jurisdiction IS NULL THEN 'jurisdiction' END,
			CASE WHEN d.capital_disclosure IS NULL THEN 'capital_disclosure' END,
			CASE WHEN d.third_party_tests IS NULL THEN 'third_party_tests' END], NULL)
		FROM ismap.service_disclosure d WHERE d.service_id = p_service_id),
		ARRAY['regions', 'governing_law', 'jurisdiction', 'capital_disclosure', 'third_party_tests'])
$$;
COMMENT ON FUNCTION ismap_internal.disclosure_missing_items(pg_catalog.int8) IS 'the items of a service''s disclosure that are missing (all of them without a row)';
