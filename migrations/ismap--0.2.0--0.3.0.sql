-- ismap 0.2.0 -> 0.3.0
--
-- From 0.3.0 on, the install script is built from src/sql/ (one object per
-- file, in its final shape); this script carries only what changed since
-- 0.2.0.  test/upgrade/run checks that a fresh install and the upgrades
-- from 0.1.0 and from 0.2.0 end in the same catalog.
\echo Use "ALTER EXTENSION ismap UPDATE TO '0.3.0'" to load this file. \quit

-- ==== C symbols ====
-- Every C function of ismap.so is named ismap_* since 0.3.0.  An older
-- database still names the old symbols (ctrlid_in, ...), which the new
-- library no longer has: before anything else can call one, point each
-- function at its new symbol.  Same signatures and attributes as before;
-- CREATE OR REPLACE keeps the functions' grants, comments and dependants.
CREATE OR REPLACE FUNCTION ismap.ctrlid_in(pg_catalog.cstring) RETURNS ismap.ctrlid
	AS 'MODULE_PATHNAME', 'ismap_ctrlid_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION ismap.ctrlid_out(ismap.ctrlid) RETURNS pg_catalog.cstring
	AS 'MODULE_PATHNAME', 'ismap_ctrlid_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION ismap.ctrlid_recv(pg_catalog.internal) RETURNS ismap.ctrlid
	AS 'MODULE_PATHNAME', 'ismap_ctrlid_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION ismap.ctrlid_send(ismap.ctrlid) RETURNS pg_catalog.bytea
	AS 'MODULE_PATHNAME', 'ismap_ctrlid_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION ismap.ctrlid_cmp(ismap.ctrlid, ismap.ctrlid) RETURNS pg_catalog.int4
	AS 'MODULE_PATHNAME', 'ismap_ctrlid_cmp' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION ismap.ctrlid_eq(ismap.ctrlid, ismap.ctrlid) RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'ismap_ctrlid_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE OR REPLACE FUNCTION ismap.ctrlid_ne(ismap.ctrlid, ismap.ctrlid) RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'ismap_ctrlid_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE OR REPLACE FUNCTION ismap.ctrlid_lt(ismap.ctrlid, ismap.ctrlid) RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'ismap_ctrlid_lt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE OR REPLACE FUNCTION ismap.ctrlid_le(ismap.ctrlid, ismap.ctrlid) RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'ismap_ctrlid_le' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE OR REPLACE FUNCTION ismap.ctrlid_gt(ismap.ctrlid, ismap.ctrlid) RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'ismap_ctrlid_gt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE OR REPLACE FUNCTION ismap.ctrlid_ge(ismap.ctrlid, ismap.ctrlid) RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'ismap_ctrlid_ge' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE OR REPLACE FUNCTION ismap.ctrlid_contains(ismap.ctrlid, ismap.ctrlid) RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'ismap_ctrlid_contains' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE OR REPLACE FUNCTION ismap.ctrlid_contained(ismap.ctrlid, ismap.ctrlid) RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'ismap_ctrlid_contained' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE OR REPLACE FUNCTION ismap.ctrlid_sortsupport(pg_catalog.internal) RETURNS pg_catalog.void
	AS 'MODULE_PATHNAME', 'ismap_ctrlid_sortsupport' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION ismap.ctrlid_hash(ismap.ctrlid) RETURNS pg_catalog.int4
	AS 'MODULE_PATHNAME', 'ismap_ctrlid_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION ismap.ctrlid_hash_extended(ismap.ctrlid, pg_catalog.int8) RETURNS pg_catalog.int8
	AS 'MODULE_PATHNAME', 'ismap_ctrlid_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION ismap.ctrlid_smaller(ismap.ctrlid, ismap.ctrlid) RETURNS ismap.ctrlid
	AS 'MODULE_PATHNAME', 'ismap_ctrlid_smaller' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION ismap.ctrlid_larger(ismap.ctrlid, ismap.ctrlid) RETURNS ismap.ctrlid
	AS 'MODULE_PATHNAME', 'ismap_ctrlid_larger' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION ismap.depth(ismap.ctrlid) RETURNS pg_catalog.int4
	AS 'MODULE_PATHNAME', 'ismap_ctrlid_depth' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION ismap.parent(ismap.ctrlid) RETURNS ismap.ctrlid
	AS 'MODULE_PATHNAME', 'ismap_ctrlid_parent' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION ismap.subpath(ismap.ctrlid, pg_catalog.int4, pg_catalog.int4) RETURNS ismap.ctrlid
	AS 'MODULE_PATHNAME', 'ismap_ctrlid_subpath' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION ismap.subpath(ismap.ctrlid, pg_catalog.int4) RETURNS ismap.ctrlid
	AS 'MODULE_PATHNAME', 'ismap_ctrlid_subpath_to_end' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION ismap.ctrlid(pg_catalog.text) RETURNS ismap.ctrlid
	AS 'MODULE_PATHNAME', 'ismap_text_to_ctrlid' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION ismap.ctrlid_is_valid(pg_catalog.text) RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'ismap_ctrlid_is_valid' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION ismap.cia_in(pg_catalog.cstring) RETURNS ismap.cia
	AS 'MODULE_PATHNAME', 'ismap_cia_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION ismap.cia_out(ismap.cia) RETURNS pg_catalog.cstring
	AS 'MODULE_PATHNAME', 'ismap_cia_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION ismap.cia_recv(pg_catalog.internal) RETURNS ismap.cia
	AS 'MODULE_PATHNAME', 'ismap_cia_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION ismap.cia_send(ismap.cia) RETURNS pg_catalog.bytea
	AS 'MODULE_PATHNAME', 'ismap_cia_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION ismap.cia(c pg_catalog.int4, i pg_catalog.int4, a pg_catalog.int4) RETURNS ismap.cia
	AS 'MODULE_PATHNAME', 'ismap_cia_construct' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION ismap.conf(ismap.cia) RETURNS pg_catalog.int4
	AS 'MODULE_PATHNAME', 'ismap_cia_get_conf' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION ismap.integ(ismap.cia) RETURNS pg_catalog.int4
	AS 'MODULE_PATHNAME', 'ismap_cia_get_integ' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION ismap.avail(ismap.cia) RETURNS pg_catalog.int4
	AS 'MODULE_PATHNAME', 'ismap_cia_get_avail' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION ismap.cia_eq(ismap.cia, ismap.cia) RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'ismap_cia_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE OR REPLACE FUNCTION ismap.cia_ne(ismap.cia, ismap.cia) RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'ismap_cia_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE OR REPLACE FUNCTION ismap.cia_lex_lt(ismap.cia, ismap.cia) RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'ismap_cia_lex_lt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE OR REPLACE FUNCTION ismap.cia_lex_le(ismap.cia, ismap.cia) RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'ismap_cia_lex_le' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE OR REPLACE FUNCTION ismap.cia_lex_gt(ismap.cia, ismap.cia) RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'ismap_cia_lex_gt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE OR REPLACE FUNCTION ismap.cia_lex_ge(ismap.cia, ismap.cia) RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'ismap_cia_lex_ge' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE OR REPLACE FUNCTION ismap.cia_lex_cmp(ismap.cia, ismap.cia) RETURNS pg_catalog.int4
	AS 'MODULE_PATHNAME', 'ismap_cia_lex_cmp' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION ismap.cia_dominates(ismap.cia, ismap.cia) RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'ismap_cia_dominates' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE OR REPLACE FUNCTION ismap.cia_dominated(ismap.cia, ismap.cia) RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'ismap_cia_dominated' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE OR REPLACE FUNCTION ismap.cia_join(ismap.cia, ismap.cia) RETURNS ismap.cia
	AS 'MODULE_PATHNAME', 'ismap_cia_join' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION ismap.cia_hash(ismap.cia) RETURNS pg_catalog.int4
	AS 'MODULE_PATHNAME', 'ismap_cia_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION ismap.cia_hash_extended(ismap.cia, pg_catalog.int8) RETURNS pg_catalog.int8
	AS 'MODULE_PATHNAME', 'ismap_cia_hash_extended' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION ismap.corporate_number_is_valid(pg_catalog.text) RETURNS pg_catalog.bool
	AS 'MODULE_PATHNAME', 'ismap_corporate_number_is_valid' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION ismap.corporate_number_check_digit(base pg_catalog.text) RETURNS pg_catalog.int4
	AS 'MODULE_PATHNAME', 'ismap_corporate_number_check_digit' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION ismap.validate_application(application_id pg_catalog.int8)
RETURNS TABLE (code pg_catalog.text, severity pg_catalog.text, control_id ismap.ctrlid, message pg_catalog.text)
AS 'MODULE_PATHNAME', 'ismap_validate_application'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION ismap.validation_rules()
RETURNS TABLE (code pg_catalog.text, severity pg_catalog.text, description pg_catalog.text)
AS 'MODULE_PATHNAME', 'ismap_validation_rules'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION ismap.parse_csv(document pg_catalog.text)
RETURNS TABLE (line pg_catalog.int4, fields pg_catalog.text[])
AS 'MODULE_PATHNAME', 'ismap_parse_csv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION ismap.attribute_sample_size(
	confidence pg_catalog.float8, tolerable_rate pg_catalog.float8,
	expected_rate pg_catalog.float8 DEFAULT 0, population pg_catalog.int8 DEFAULT NULL,
	model pg_catalog.text DEFAULT 'binomial') RETURNS pg_catalog.int4
	AS 'MODULE_PATHNAME', 'ismap_attribute_sample_size' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE OR REPLACE FUNCTION ismap.upper_deviation_limit(
	sample_size pg_catalog.int4, deviations pg_catalog.int4, confidence pg_catalog.float8,
	population pg_catalog.int8 DEFAULT NULL) RETURNS pg_catalog.float8
	AS 'MODULE_PATHNAME', 'ismap_upper_deviation_limit' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE OR REPLACE FUNCTION ismap.draw_sample(population pg_catalog.int8, n pg_catalog.int4, seed pg_catalog.int8)
	RETURNS SETOF pg_catalog.int8
	AS 'MODULE_PATHNAME', 'ismap_draw_sample' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 25;

-- ==== Dropping the registry needs intent ====
CREATE FUNCTION ismap.drop_guard() RETURNS event_trigger
	AS 'MODULE_PATHNAME', 'ismap_drop_guard' LANGUAGE C;
COMMENT ON FUNCTION ismap.drop_guard() IS 'event trigger: refuses DROP EXTENSION ismap and DROP SCHEMA ismap while the registry holds registrations or events, unless ismap.allow_drop is on';
REVOKE EXECUTE ON FUNCTION ismap.drop_guard() FROM PUBLIC;
CREATE EVENT TRIGGER ismap_drop_guard ON ddl_command_start
	WHEN TAG IN ('DROP EXTENSION', 'DROP SCHEMA')
	EXECUTE FUNCTION ismap.drop_guard();
COMMENT ON EVENT TRIGGER ismap_drop_guard IS 'refuses to drop a registry that holds registrations or events (ismap.drop_guard)';

-- ==== Evidence partitions only for years 1 to 9999 ====
CREATE OR REPLACE FUNCTION ismap.ensure_evidence_partitions(from_date pg_catalog.date, to_date pg_catalog.date)
RETURNS SETOF pg_catalog.text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	m pg_catalog.date;
	part pg_catalog.text;
BEGIN
	IF from_date IS NULL OR to_date IS NULL THEN
		RAISE EXCEPTION 'from_date and to_date must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF NOT pg_catalog.isfinite(from_date) OR NOT pg_catalog.isfinite(to_date) OR to_date < from_date THEN
		RAISE EXCEPTION 'invalid range of months from % to %', from_date, to_date
			USING ERRCODE = 'invalid_parameter_value', HINT = 'Give two finite dates, the first not after the second.';
	END IF;
	-- partition names and bounds are written YYYY_MM: years 1 to 9999 only
	-- (a date BC would make the partition of the same month AD)
	IF from_date < '0001-01-01'::pg_catalog.date OR to_date > '9999-12-31'::pg_catalog.date THEN
		RAISE EXCEPTION 'invalid range of months from % to %', from_date, to_date
			USING ERRCODE = 'invalid_parameter_value', HINT = 'Evidence partitions cover the years 1 to 9999 (AD).';
	END IF;
	IF (pg_catalog.date_part('year', to_date) - pg_catalog.date_part('year', from_date)) * 12
	   + pg_catalog.date_part('month', to_date) - pg_catalog.date_part('month', from_date) >= 1200 THEN
		RAISE EXCEPTION 'too many evidence partitions from % to %', from_date, to_date
			USING ERRCODE = 'program_limit_exceeded', DETAIL = 'At most 1200 months are made in one call.';
	END IF;
	-- two callers would race for the same names
	PERFORM pg_catalog.pg_advisory_xact_lock(1769172321, 105);
	m := pg_catalog.date_trunc('month', from_date)::pg_catalog.date;
	WHILE m <= to_date LOOP
		part := pg_catalog.format('evidence_%s', pg_catalog.to_char(m, 'YYYY_MM'));
		IF pg_catalog.to_regclass(pg_catalog.format('ismap.%I', part)) IS NULL THEN
			EXECUTE pg_catalog.format('CREATE TABLE ismap.%I PARTITION OF ismap.evidence FOR VALUES FROM (%L) TO (%L)',
				part, pg_catalog.to_char(m, 'YYYY-MM-DD') || ' 00:00:00+00',
				pg_catalog.to_char((m + '1 month'::pg_catalog.interval)::pg_catalog.date, 'YYYY-MM-DD') || ' 00:00:00+00');
			EXECUTE pg_catalog.format('CREATE INDEX %I ON ismap.%I (service_id, occurred_at)', part || '_service_idx', part);
			EXECUTE pg_catalog.format('COMMENT ON TABLE ismap.%I IS %L', part,
				pg_catalog.format('control evidence of %s (UTC); a partition of ismap.evidence', pg_catalog.to_char(m, 'YYYY-MM')));
			RETURN NEXT 'ismap.' || part;
		END IF;
		m := (m + '1 month'::pg_catalog.interval)::pg_catalog.date;
	END LOOP;
END
$$;
COMMENT ON FUNCTION ismap.ensure_evidence_partitions(pg_catalog.date, pg_catalog.date) IS 'create the missing monthly partitions ismap.evidence_YYYY_MM of ismap.evidence (with their index on service_id, occurred_at) from from_date''s month to to_date''s; returns the names made';
REVOKE EXECUTE ON FUNCTION ismap.ensure_evidence_partitions(pg_catalog.date, pg_catalog.date) FROM PUBLIC;

-- ==== Registrations are kept whatever session_replication_role says ====
ALTER TABLE ismap.registration ENABLE ALWAYS TRIGGER registration_keep_history;
ALTER TABLE ismap.registration ENABLE ALWAYS TRIGGER registration_no_truncate;
