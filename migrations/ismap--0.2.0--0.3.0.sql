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

-- ==== Explicit parameters ====
-------------------------------------------------------------------------------
-- No event, decision or job step reads a setting a session can set.
-- ismap.event_context (the context of registry events) and
-- ismap.acknowledged (an approval's acknowledgements) were user-settable:
-- anyone could SET them before reporting a change or deciding, and the
-- forged JSON went into the hash-chained log.  The events now take their
-- context from the data: the registration and its application, the job
-- run that the job's UPDATE names in registration.run_id and
-- service_change.covered_run_id; approve_application records the codes it
-- acknowledged on the application (application.acknowledged) and calls
-- register, which now holds the body of register_decision.
-------------------------------------------------------------------------------
ALTER TABLE ismap.application ADD COLUMN acknowledged pg_catalog.text[];
COMMENT ON COLUMN ismap.application.acknowledged IS 'the query codes the registrar acknowledged when approving it (written by approve_application; NULL when registered without validation)';
ALTER TABLE ismap.registration ADD COLUMN run_id pg_catalog.int8;
COMMENT ON COLUMN ismap.registration.run_id IS 'the job run (ismap.job_run) whose step made the row''s latest change; NULL when a registry function made it';
ALTER TABLE ismap.service_change ADD COLUMN covered_run_id pg_catalog.int8;
COMMENT ON COLUMN ismap.service_change.covered_run_id IS 'set by the changes job with covered_by: its run (ismap.job_run)';

-- what approvals acknowledged before 0.3.0 is in their registered events
UPDATE ismap.application a
SET acknowledged = ARRAY(SELECT pg_catalog.jsonb_array_elements_text(e.payload->'context'->'acknowledged'))
FROM ismap.registry_event e
WHERE e.kind = 'registered' AND e.payload->'context'->>'application_id' = a.application_id::pg_catalog.text
  AND pg_catalog.jsonb_typeof(e.payload->'context'->'acknowledged') = 'array';

CREATE OR REPLACE FUNCTION ismap.register(p_application_id pg_catalog.int8, p_as_of pg_catalog.date DEFAULT CURRENT_DATE)
RETURNS ismap.registration
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	app ismap.application;
	aud ismap.audit;
	live ismap.registration;
	prior ismap.registration;
	res ismap.registration;
	serial_prefix pg_catalog.text;
	serial pg_catalog.int4;
	validity pg_catalog.interval := (ismap.policy_value('registration_validity') #>> '{}')::pg_catalog.interval;
BEGIN
	IF p_application_id IS NULL OR p_as_of IS NULL THEN
		RAISE EXCEPTION 'application and date must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	app := ismap.lock_submitted_application(p_application_id);
	IF p_as_of < app.submitted_on THEN
		RAISE EXCEPTION 'cannot register application % on %, before it was submitted on %', p_application_id, p_as_of, app.submitted_on
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	SELECT * INTO aud FROM ismap.audit WHERE audit_id = app.audit_id;

	-- one registration decision per service at a time
	PERFORM 1 FROM ismap.service WHERE service_id = app.service_id FOR UPDATE;
	SELECT * INTO live FROM ismap.registration
	WHERE service_id = app.service_id AND status IN ('active', 'suspended');
	IF FOUND AND app.kind = 'new' THEN
		RAISE EXCEPTION 'service % already has registration %', app.service_id, live.registration_number
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  HINT = 'File a renewal application to replace it.';
	END IF;
	IF (aud.period_end + validity)::pg_catalog.date < p_as_of THEN
		RAISE EXCEPTION 'registration of application % would already be expired on %', p_application_id, p_as_of
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = pg_catalog.format('The audited period ended on %s; with a validity of %s it ends on %s.',
					aud.period_end, validity, (aud.period_end + validity)::pg_catalog.date);
	END IF;

	-- the number: a service keeps the serial of its first registration
	SELECT * INTO prior FROM ismap.registration WHERE service_id = app.service_id
	ORDER BY registered_on DESC, registration_id DESC LIMIT 1;
	IF FOUND THEN
		serial_prefix := pg_catalog.regexp_replace(prior.registration_number, '-[1-3]$', '');
	ELSE
		INSERT INTO ismap.registration_serial AS s (year, last_serial)
		VALUES (pg_catalog.date_part('year', p_as_of)::pg_catalog.int2, 1)
		ON CONFLICT (year) DO UPDATE SET last_serial = s.last_serial + 1
		RETURNING s.last_serial INTO serial;
		serial_prefix := pg_catalog.format('C%s-%s',
			pg_catalog.to_char(p_as_of, 'YY'),
			pg_catalog.lpad(serial::pg_catalog.text, GREATEST(4, pg_catalog.length(serial::pg_catalog.text)), '0'));
	END IF;

	-- the events of what follows take their context from the rows: the
	-- application (kind, audit, the acknowledgements approve_application
	-- recorded on it) and the registration (ismap.registration_event_trigger)
	IF live.registration_id IS NOT NULL THEN
		UPDATE ismap.registration
		SET status = 'expired', ended_on = p_as_of,
			end_reason = pg_catalog.format('replaced by renewal (application %s)', app.application_id),
			run_id = NULL
		WHERE registration_id = live.registration_id;
	END IF;
	INSERT INTO ismap.registration (registration_number, service_id, level, application_id,
		registered_on, valid_until, status)
	VALUES (serial_prefix || '-' || app.requested_level, app.service_id, app.requested_level,
		app.application_id, p_as_of, (aud.period_end + validity)::pg_catalog.date, 'active')
	RETURNING * INTO res;

	UPDATE ismap.application SET status = 'approved', decided_on = p_as_of
	WHERE application_id = app.application_id;
	RETURN res;
END
$$;
COMMENT ON FUNCTION ismap.register(pg_catalog.int8, pg_catalog.date) IS 'registrar primitive: register a submitted application (number, validity, replacing the service''s registration on renewal, event); approve_application validates and then calls it';

CREATE OR REPLACE FUNCTION ismap.approve_application(p_application_id pg_catalog.int8,
	p_acknowledged pg_catalog.text[] DEFAULT '{}', p_as_of pg_catalog.date DEFAULT CURRENT_DATE)
RETURNS ismap.registration
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	blocking pg_catalog.text[];
	unacknowledged pg_catalog.text[];
	acked pg_catalog.text[];
	res ismap.registration;
BEGIN
	IF p_application_id IS NULL OR p_as_of IS NULL THEN
		RAISE EXCEPTION 'application and date must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	-- lock first, so the findings cannot change between the check and the decision
	PERFORM ismap.lock_submitted_application(p_application_id);
	SELECT pg_catalog.array_agg(DISTINCT f.code ORDER BY f.code) FILTER (WHERE f.severity = 'error'),
		   pg_catalog.array_agg(DISTINCT f.code ORDER BY f.code) FILTER (WHERE f.severity = 'query'
				AND f.code <> ALL (COALESCE(p_acknowledged, '{}'))),
		   pg_catalog.array_agg(DISTINCT f.code ORDER BY f.code) FILTER (WHERE f.severity = 'query'
				AND f.code = ANY (COALESCE(p_acknowledged, '{}')))
	INTO blocking, unacknowledged, acked
	FROM ismap.validate_application(p_application_id) f;
	IF blocking IS NOT NULL THEN
		RAISE EXCEPTION 'application % cannot be approved: % error finding(s) remain', p_application_id,
			(SELECT pg_catalog.count(*) FROM ismap.validate_application(p_application_id) f WHERE f.severity = 'error')
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = 'Blocking codes: ' OPERATOR(pg_catalog.||) pg_catalog.array_to_string(blocking, ', ') OPERATOR(pg_catalog.||) '.',
				  HINT = 'See ismap.validate_application() for what is wrong and how to fix it.';
	END IF;
	IF unacknowledged IS NOT NULL THEN
		RAISE EXCEPTION 'application % cannot be approved: query finding(s) not acknowledged', p_application_id
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = 'Codes to acknowledge: ' OPERATOR(pg_catalog.||) pg_catalog.array_to_string(unacknowledged, ', ') OPERATOR(pg_catalog.||) '.',
				  HINT = 'Pass the codes the registrar accepts in the acknowledged argument.';
	END IF;
	-- the decision records what it acknowledged; the registered event
	-- takes it from the application row
	UPDATE ismap.application SET acknowledged = COALESCE(acked, '{}')
	WHERE application_id = p_application_id;
	res := ismap.register(p_application_id, p_as_of);
	RETURN res;
END
$$;
COMMENT ON FUNCTION ismap.approve_application(pg_catalog.int8, pg_catalog.text[], pg_catalog.date) IS 'validate and register an application: refused (55000) while an error finding remains or a query code is not acknowledged; the acknowledged codes are recorded on the application and go into the event';

CREATE OR REPLACE FUNCTION ismap.delist(p_service_id pg_catalog.int8, p_reason pg_catalog.text, p_as_of pg_catalog.date DEFAULT CURRENT_DATE)
RETURNS SETOF ismap.registration
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	root ismap.registration;
BEGIN
	IF p_reason IS NULL OR pg_catalog.btrim(p_reason) = '' THEN
		RAISE EXCEPTION 'a delisting needs a reason' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF p_as_of IS NULL THEN
		RAISE EXCEPTION 'the delisting date must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	PERFORM 1 FROM ismap.service WHERE service_id = p_service_id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'service % does not exist', p_service_id USING ERRCODE = 'undefined_object';
	END IF;
	SELECT * INTO root FROM ismap.registration r
	WHERE r.service_id = p_service_id AND r.status IN ('active', 'suspended') FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'service % has no active registration to delist', p_service_id
			USING ERRCODE = 'object_not_in_prerequisite_state';
	END IF;

	RETURN QUERY
	WITH impact AS (
		SELECT i.*, base.registration_id AS base_registration_id
		FROM ismap.delisting_impact(p_service_id) i
		LEFT JOIN ismap.registration base
		  ON i.depth > 0 AND base.service_id = i.via[pg_catalog.array_upper(i.via, 1)]
		 AND base.status IN ('active', 'suspended')
	)
	UPDATE ismap.registration r
	SET status = 'delisted', ended_on = p_as_of,
		end_reason = CASE WHEN impact.depth = 0 THEN p_reason
			ELSE pg_catalog.format('platform delisted: %s', p_reason) END,
		cascaded_from = CASE WHEN impact.depth = 0 THEN NULL
			ELSE COALESCE(impact.base_registration_id, root.registration_id) END,
		cascade_path = CASE WHEN impact.depth = 0 THEN NULL ELSE impact.via END,
		run_id = NULL
	FROM impact
	WHERE r.registration_id = impact.registration_id
	RETURNING r.*;
END
$$;
COMMENT ON FUNCTION ismap.delist(pg_catalog.int8, pg_catalog.text, pg_catalog.date) IS 'delist a service and, in the same transaction, every registration built on it (not self-assessed); returns the rows changed';

CREATE OR REPLACE FUNCTION ismap.registration_event_trigger() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	kind pg_catalog.text;
	ctx pg_catalog.jsonb;
BEGIN
	-- Rows that arrive by COPY are a restore (pg_dump writes table data as
	-- COPY): their events come back with ismap.registry_event's own data,
	-- and writing new ones would fork the chain.  The registry functions
	-- never COPY.
	-- (the whole query must be one COPY ... FROM STDIN, run by a superuser:
	-- a restore, never a multi-statement query that merely starts with COPY)
	IF TG_OP = 'INSERT'
	   AND pg_catalog.current_query() OPERATOR(pg_catalog.~*) '^\s*copy\s[^;]*\sfrom\s+stdin\s*;?\s*$'
	   AND (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname OPERATOR(pg_catalog.=) CURRENT_USER) THEN
		RETURN NULL;
	END IF;
	IF TG_OP = 'INSERT' THEN
		kind := 'registered';
	ELSIF NEW.status IS DISTINCT FROM OLD.status THEN
		kind := CASE NEW.status WHEN 'active' THEN 'reinstated' ELSE NEW.status END;
	ELSE
		kind := 'changed';
	END IF;
	IF TG_OP = 'INSERT' THEN
		SELECT pg_catalog.jsonb_build_object('action', 'register', 'application_id', a.application_id,
			'application_kind', a.kind, 'audit_id', a.audit_id, 'as_of', NEW.registered_on,
			'acknowledged', pg_catalog.to_jsonb(a.acknowledged))
		INTO ctx
		FROM ismap.application a WHERE a.application_id OPERATOR(pg_catalog.=) NEW.application_id;
	ELSIF NEW.run_id IS NOT NULL THEN
		SELECT pg_catalog.jsonb_build_object(
			'action', CASE j.job WHEN 'renewals' THEN 'expire' WHEN 'cascade' THEN 'cascade'
				WHEN 'changes' THEN CASE NEW.status WHEN 'suspended' THEN 'suspend' WHEN 'active' THEN 'reinstate' END END,
			'job', j.job, 'run_id', j.run_id, 'as_of', j.as_of,
			'grace', CASE WHEN j.job OPERATOR(pg_catalog.=) 'cascade' THEN ismap.policy_value('cascade_grace') END)
		INTO ctx
		FROM ismap.job_run j WHERE j.run_id OPERATOR(pg_catalog.=) NEW.run_id;
		IF NOT FOUND THEN
			ctx := pg_catalog.jsonb_build_object('run_id', NEW.run_id);
		END IF;
	ELSIF NEW.status OPERATOR(pg_catalog.=) 'delisted' AND OLD.status IS DISTINCT FROM 'delisted' THEN
		-- the reason given for the service delisted first (delist ends it
		-- in the same statement; this trigger runs after it)
		ctx := pg_catalog.jsonb_build_object('action', 'delist',
			'reason', CASE WHEN NEW.cascade_path IS NULL THEN NEW.end_reason ELSE COALESCE(
				(SELECT r.end_reason FROM ismap.registration r
				 WHERE r.service_id OPERATOR(pg_catalog.=) NEW.cascade_path[1] AND r.status OPERATOR(pg_catalog.=) 'delisted'
				   AND r.ended_on OPERATOR(pg_catalog.=) NEW.ended_on AND r.cascade_path IS NULL
				 ORDER BY r.registration_id DESC LIMIT 1), NEW.end_reason) END,
			'as_of', NEW.ended_on,
			'root_service_id', COALESCE(NEW.cascade_path[1], NEW.service_id));
	ELSIF NEW.status OPERATOR(pg_catalog.=) 'expired' AND OLD.status IS DISTINCT FROM 'expired' THEN
		-- outside the renewals job, register ends one as expired when a
		-- renewal replaces it (the end_reason it writes says so)
		ctx := pg_catalog.jsonb_build_object(
			'action', CASE WHEN NEW.end_reason OPERATOR(pg_catalog.~~) 'replaced by renewal%' THEN 'register' ELSE 'expire' END,
			'reason', NEW.end_reason, 'as_of', NEW.ended_on);
	END IF;
	PERFORM ismap.append_event(kind, NEW.registration_id, NEW.service_id,
		pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
			'registration_number', NEW.registration_number,
			'level', NEW.level,
			'old_status', CASE WHEN TG_OP = 'UPDATE' THEN OLD.status END,
			'status', NEW.status,
			'registered_on', NEW.registered_on,
			'valid_until', NEW.valid_until,
			'ended_on', NEW.ended_on,
			'end_reason', NEW.end_reason,
			'cascaded_from', NEW.cascaded_from,
			'cascade_path', NEW.cascade_path,
			'context', ctx)));
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION ismap.registration_event_trigger() IS 'trigger: writes a registry event for every registration insert or update';

CREATE OR REPLACE FUNCTION ismap.service_change_event_trigger() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	live pg_catalog.int8;
BEGIN
	IF TG_OP = 'UPDATE' AND NEW.covered_by IS NOT DISTINCT FROM OLD.covered_by THEN
		RETURN NULL;
	END IF;
	-- Rows that arrive by COPY are a restore (pg_dump writes table data as
	-- COPY): their events come back with ismap.registry_event's own rows,
	-- and new ones would fork the chain.  Changes are reported by INSERT.
	-- (the whole query must be one COPY ... FROM STDIN, run by a superuser:
	-- a restore, never a multi-statement query that merely starts with COPY)
	-- (this function runs with the owner's rights: the one who inserted is
	-- the role set with SET ROLE, else the login role)
	IF TG_OP = 'INSERT'
	   AND pg_catalog.current_query() OPERATOR(pg_catalog.~*) '^\s*copy\s[^;]*\sfrom\s+stdin\s*;?\s*$'
	   AND (SELECT r.rolsuper FROM pg_catalog.pg_roles r
			WHERE r.rolname OPERATOR(pg_catalog.=) CASE WHEN pg_catalog.current_setting('role') IN ('none', '')
				THEN SESSION_USER ELSE pg_catalog.current_setting('role')::pg_catalog.name END) THEN
		RETURN NULL;
	END IF;
	SELECT r.registration_id INTO live FROM ismap.registration r
	WHERE r.service_id = NEW.service_id AND r.status = ANY (ARRAY['active', 'suspended']);
	PERFORM ismap.append_event(CASE WHEN TG_OP = 'INSERT' THEN 'change_reported' ELSE 'change_covered' END,
		live, NEW.service_id,
		pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
			'change_id', NEW.change_id,
			'kind', NEW.kind,
			'material', NEW.material,
			'effective_on', NEW.effective_on,
			'description', CASE WHEN TG_OP = 'INSERT' THEN NEW.description END,
			'reported_by', CASE WHEN TG_OP = 'INSERT' THEN NEW.reported_by END,
			'reported_on', CASE WHEN TG_OP = 'INSERT' THEN NEW.reported_on END,
			'covered_by', NEW.covered_by,
			'covered_on', NEW.covered_on,
			-- the coverage's context: the changes job's run, which its UPDATE
			-- names in covered_run_id (never a setting of the session)
			'context', CASE WHEN TG_OP = 'UPDATE' THEN (
				SELECT pg_catalog.jsonb_build_object('action', 'cover', 'job', j.job, 'run_id', j.run_id, 'as_of', j.as_of)
				FROM ismap.job_run j WHERE j.run_id = NEW.covered_run_id) END)));
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION ismap.service_change_event_trigger() IS 'trigger: writes a registry event (change_reported, change_covered) for a reported change and for its coverage by an audit';

CREATE OR REPLACE FUNCTION ismap.run_renewals(as_of pg_catalog.date DEFAULT CURRENT_DATE, dry_run pg_catalog.bool DEFAULT false)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET jit = off
SET work_mem = '64MB'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
AS $$
#variable_conflict use_column
DECLARE
	d pg_catalog.date := run_renewals.as_of;
	dry pg_catalog.bool := run_renewals.dry_run;
	run pg_catalog.int8;
	windows pg_catalog.int4[];
	n_expired pg_catalog.int8 := 0;
	n_kept pg_catalog.int8 := 0;
	n_notices pg_catalog.int8;
	rec record;
BEGIN
	PERFORM ismap.job_check_args(d, dry);
	PERFORM ismap.job_try_lock('renewals');
	run := ismap.job_begin('renewals', d, dry);
	BEGIN
		-- an empty array is allowed: no notices
		SELECT COALESCE(pg_catalog.array_agg(w::pg_catalog.int4 ORDER BY w::pg_catalog.int4), '{}')
		INTO STRICT windows
		FROM pg_catalog.jsonb_array_elements_text(ismap.policy_value('notice_windows_days')) AS e(w);
	EXCEPTION WHEN OTHERS THEN
		windows := NULL;
	END;
	IF windows IS NULL OR pg_catalog.array_position(windows, NULL) IS NOT NULL
	   OR EXISTS (SELECT 1 FROM pg_catalog.unnest(windows) w WHERE w OPERATOR(pg_catalog.<) 0) THEN
		RAISE EXCEPTION 'policy parameter "notice_windows_days" must be an array of days, not %',
			(SELECT p.value FROM ismap.policy p WHERE p.name OPERATOR(pg_catalog.=) 'notice_windows_days')
			USING ERRCODE = 'invalid_parameter_value', HINT = 'For example [90, 30, 7].';
	END IF;

	-- 1. what ran out: expire it when no renewal is pending, else report
	-- once (a renewal_pending notice) that a pending renewal keeps it.  One
	-- statement, one scan: the rows it changes are the whole of the work.
	PERFORM ismap.job_progress(pg_catalog.format('renewals: registrations valid until before %s', d));
	FOR rec IN
		WITH pending AS (
			-- the oldest open renewal per service (filed by d, not decided by d)
			SELECT DISTINCT ON (a.service_id) a.service_id, a.application_id, a.submitted_on
			FROM ismap.application a
			WHERE a.kind = 'renewal' AND a.submitted_on <= d
			  AND (a.status = 'submitted' OR a.decided_on > d)
			ORDER BY a.service_id, a.submitted_on, a.application_id
		),
		late AS (
			-- the newest renewal refused or withdrawn: a registration it kept
			-- alive past valid_until ends on the decision day
			SELECT DISTINCT ON (a.service_id) a.service_id, a.application_id, a.status, a.submitted_on, a.decided_on
			FROM ismap.application a
			WHERE a.kind = 'renewal' AND a.status = ANY (ARRAY['rejected', 'withdrawn']) AND a.decided_on <= d
			ORDER BY a.service_id, a.decided_on DESC, a.application_id DESC
		),
		past AS (
			SELECT r.registration_id, r.registration_number, r.valid_until,
				   p.application_id AS pending_application, p.submitted_on AS pending_since,
				   CASE WHEN l.decided_on > r.valid_until AND l.submitted_on <= r.valid_until
						THEN l.decided_on ELSE r.valid_until + 1 END AS ended_on,
				   CASE WHEN l.decided_on > r.valid_until AND l.submitted_on <= r.valid_until
						THEN pg_catalog.format('validity ended on %s; renewal application %s %s on %s', r.valid_until, l.application_id, l.status, l.decided_on)
						ELSE pg_catalog.format('validity ended on %s without renewal', r.valid_until) END AS reason
			FROM ismap.registration r
			LEFT JOIN pending p ON p.service_id = r.service_id AND p.submitted_on <= r.valid_until
			LEFT JOIN late l ON l.service_id = r.service_id
			WHERE r.status = ANY (ARRAY['active', 'suspended']) AND r.valid_until < d
		),
		upd AS (
			UPDATE ismap.registration r
			SET status = 'expired', ended_on = x.ended_on, end_reason = x.reason, run_id = run
			FROM past x
			WHERE NOT dry AND x.pending_application IS NULL
			  AND r.registration_id = x.registration_id
			  AND r.status = ANY (ARRAY['active', 'suspended'])
			RETURNING r.registration_id, r.registration_number, r.end_reason
		),
		ins AS (
			INSERT INTO ismap.notice (kind, object_id, occasion, as_of, detail, run_id)
			SELECT 'renewal_pending', x.registration_id, x.valid_until, d,
				   pg_catalog.format('%s: valid until %s, kept while renewal application %s (filed %s) is under review',
					   x.registration_number, x.valid_until, x.pending_application, x.pending_since), run
			FROM past x
			WHERE NOT dry AND x.pending_application IS NOT NULL
			ON CONFLICT ON CONSTRAINT notice_once DO NOTHING
			RETURNING notice.object_id, notice.detail
		)
		SELECT 'expired' AS act, u.registration_id AS id, pg_catalog.format('%s: %s', u.registration_number, u.end_reason) AS what
		FROM upd u
		UNION ALL
		SELECT 'kept', i.object_id, i.detail FROM ins i
		UNION ALL
		SELECT CASE WHEN x.pending_application IS NULL THEN 'expired' ELSE 'kept' END, x.registration_id,
			   CASE WHEN x.pending_application IS NULL THEN pg_catalog.format('%s: %s', x.registration_number, x.reason)
					ELSE pg_catalog.format('%s: valid until %s, kept while renewal application %s (filed %s) is under review',
						x.registration_number, x.valid_until, x.pending_application, x.pending_since) END
		FROM past x
		WHERE dry AND (x.pending_application IS NULL
			OR NOT EXISTS (SELECT 1 FROM ismap.notice n
						   WHERE n.kind = 'renewal_pending' AND n.object_id = x.registration_id
							 AND n.occasion = x.valid_until))
		ORDER BY 1, 2
	LOOP
		action := rec.act;
		object_id := rec.id;
		detail := rec.what;
		RETURN NEXT;
		IF rec.act = 'expired' THEN
			n_expired := n_expired + 1;
		ELSE
			n_kept := n_kept + 1;
		END IF;
	END LOOP;

	-- 2. renewal notices: for each registration the latest window reached
	-- (the first run inside 30 days writes the 30-day notice, not a late
	-- 90-day one), once; none once a renewal is filed
	PERFORM ismap.job_progress(pg_catalog.format('renewals: %s expired, %s kept; writing notices at %s days before expiry', n_expired, n_kept, windows));
	RETURN QUERY
	WITH cand AS (
		SELECT r.registration_id, r.registration_number, r.valid_until, w.days,
			   (r.valid_until OPERATOR(pg_catalog.-) w.days) AS occasion
		FROM ismap.registration r
		CROSS JOIN LATERAL (
			SELECT pg_catalog.min(x) AS days FROM pg_catalog.unnest(windows) x
			WHERE x OPERATOR(pg_catalog.>=) (r.valid_until OPERATOR(pg_catalog.-) d)) w
		WHERE r.status OPERATOR(pg_catalog.=) ANY (ARRAY['active', 'suspended'])
		  AND r.valid_until OPERATOR(pg_catalog.>=) d
		  AND r.valid_until OPERATOR(pg_catalog.<=) (d OPERATOR(pg_catalog.+) windows[pg_catalog.array_upper(windows, 1)])
		  AND NOT EXISTS (
			SELECT 1 FROM ismap.application a
			WHERE a.service_id OPERATOR(pg_catalog.=) r.service_id AND a.kind OPERATOR(pg_catalog.=) 'renewal'
			  AND a.submitted_on OPERATOR(pg_catalog.<=) d
			  AND (a.status OPERATOR(pg_catalog.=) 'submitted' OR a.decided_on OPERATOR(pg_catalog.>) d))
	),
	fresh AS (
		SELECT c.*, pg_catalog.format('%s: valid until %s (%s days); %s-day renewal notice', c.registration_number,
				   c.valid_until, c.valid_until OPERATOR(pg_catalog.-) d, c.days) AS what
		FROM cand c
		WHERE c.days IS NOT NULL
		  AND (NOT dry OR NOT EXISTS (SELECT 1 FROM ismap.notice n
						  WHERE n.kind OPERATOR(pg_catalog.=) 'renewal_due' AND n.object_id OPERATOR(pg_catalog.=) c.registration_id
							AND n.occasion OPERATOR(pg_catalog.=) c.occasion))
	),
	ins AS (
		INSERT INTO ismap.notice (kind, object_id, occasion, window_days, as_of, detail, run_id)
		SELECT 'renewal_due', f.registration_id, f.occasion, f.days, d, f.what, run FROM fresh f WHERE NOT dry
		ON CONFLICT ON CONSTRAINT notice_once DO NOTHING
		RETURNING notice.object_id, notice.detail
	)
	SELECT 'notice', i.object_id, i.detail FROM ins i
	UNION ALL
	SELECT 'notice', f.registration_id, f.what FROM fresh f WHERE dry
	ORDER BY 2;
	GET DIAGNOSTICS n_notices = ROW_COUNT;

	PERFORM ismap.job_end(run, pg_catalog.jsonb_build_object('expired', n_expired, 'kept', n_kept, 'notice', n_notices));
END
$$;
COMMENT ON FUNCTION ismap.run_renewals(pg_catalog.date, pg_catalog.bool) IS 'renewals job: expire registrations past valid_until with no pending renewal, report once those a pending renewal keeps, write renewal notices at the policy windows once each; idempotent';

CREATE OR REPLACE FUNCTION ismap.cascade_delistings(as_of pg_catalog.date DEFAULT CURRENT_DATE, dry_run pg_catalog.bool DEFAULT false)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET jit = off
SET work_mem = '64MB'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
AS $$
#variable_conflict use_column
DECLARE
	d pg_catalog.date := cascade_delistings.as_of;
	dry pg_catalog.bool := cascade_delistings.dry_run;
	run pg_catalog.int8;
	grace pg_catalog.interval := (ismap.policy_value('cascade_grace') #>> '{}')::pg_catalog.interval;
	n_delisted pg_catalog.int8;
BEGIN
	PERFORM ismap.job_check_args(d, dry);
	PERFORM ismap.job_try_lock('cascade');
	run := ismap.job_begin('cascade', d, dry);
	PERFORM ismap.job_progress(pg_catalog.format('cascade: platforms without a registration since %s or before', (d OPERATOR(pg_catalog.-) grace)::pg_catalog.date));
	RETURN QUERY
	WITH RECURSIVE
	-- platforms that lapsed: no live registration, and the newest of their
	-- ended ones ended long enough ago (only ended registrations are read,
	-- and the live check is a probe of the one-live-per-service index)
	lapsed AS (
		SELECT n.* FROM (
			SELECT DISTINCT ON (r.service_id) r.service_id, r.registration_id, r.registration_number, r.ended_on
			FROM ismap.registration r
			WHERE r.status = ANY (ARRAY['expired', 'delisted'])
			  AND EXISTS (SELECT 1 FROM ismap.service_dependency dep
						  WHERE dep.base_service_id = r.service_id AND dep.self_assessed_audit_id IS NULL)
			  AND NOT EXISTS (SELECT 1 FROM ismap.registration live
							  WHERE live.service_id = r.service_id AND live.status = ANY (ARRAY['active', 'suspended']))
			ORDER BY r.service_id, r.registered_on DESC, r.registration_id DESC) n
		WHERE (n.ended_on + grace)::pg_catalog.date <= d
	),
	-- from_registration: the registration through which a service was
	-- reached, the lapsed platform's last one or the base delisted now
	walk (service_id, registration_id, registration_number, depth, via, root, from_registration) AS (
		SELECT l.service_id, l.registration_id, l.registration_number, 0, ARRAY[]::pg_catalog.int8[], l.service_id, NULL::pg_catalog.int8
		FROM lapsed l
		UNION ALL
		SELECT dep.service_id, r.registration_id, r.registration_number, w.depth + 1,
			   w.via || w.service_id, w.root, w.registration_id
		FROM walk w
		JOIN ismap.service_dependency dep ON dep.base_service_id = w.service_id
		JOIN ismap.registration r ON r.service_id = dep.service_id
			AND r.status = ANY (ARRAY['active', 'suspended'])
		WHERE dep.self_assessed_audit_id IS NULL
		  AND dep.service_id <> ALL (w.via || w.service_id)
	),
	plan AS (
		SELECT DISTINCT ON (w.service_id) w.*,
			   pg_catalog.format('platform %s (service %s) has had no registration since %s; grace of %s passed',
				   l.registration_number, l.service_id, l.ended_on, grace) AS reason
		FROM walk w
		JOIN lapsed l ON l.service_id = w.root
		WHERE w.depth > 0
		ORDER BY w.service_id, w.depth, w.via
	),
	upd AS (
		UPDATE ismap.registration r
		SET status = 'delisted', ended_on = d, end_reason = p.reason,
			cascaded_from = p.from_registration, cascade_path = p.via, run_id = run
		FROM plan p
		WHERE NOT dry AND r.registration_id = p.registration_id
		  AND r.status = ANY (ARRAY['active', 'suspended'])
		RETURNING r.registration_id, r.registration_number, r.service_id, r.end_reason, r.cascade_path
	)
	SELECT 'delisted', u.registration_id,
		   pg_catalog.format('%s (service %s): %s; chain %s', u.registration_number, u.service_id, u.end_reason,
			   pg_catalog.array_to_string(u.cascade_path || u.service_id, ' -> '))
	FROM upd u
	UNION ALL
	SELECT 'delisted', p.registration_id,
		   pg_catalog.format('%s (service %s): %s; chain %s', p.registration_number, p.service_id, p.reason,
			   pg_catalog.array_to_string(p.via || p.service_id, ' -> '))
	FROM plan p WHERE dry
	ORDER BY 2;
	GET DIAGNOSTICS n_delisted = ROW_COUNT;
	PERFORM ismap.job_end(run, pg_catalog.jsonb_build_object('delisted', n_delisted));
END
$$;
COMMENT ON FUNCTION ismap.cascade_delistings(pg_catalog.date, pg_catalog.bool) IS 'cascade job: delist, transitively, live registrations whose platform has had no registration for the policy cascade_grace (self-assessed dependencies excepted), with cascaded_from and cascade_path; idempotent';

CREATE OR REPLACE FUNCTION ismap.run_changes(as_of pg_catalog.date DEFAULT CURRENT_DATE, dry_run pg_catalog.bool DEFAULT false)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET jit = off
SET work_mem = '64MB'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
AS $$
#variable_conflict use_column
DECLARE
	d pg_catalog.date := run_changes.as_of;
	dry pg_catalog.bool := run_changes.dry_run;
	run pg_catalog.int8;
	windows pg_catalog.int4[];
	ahead pg_catalog.int4;
	ev_window pg_catalog.interval := (ismap.policy_value('evidence_window') #>> '{}')::pg_catalog.interval;
	conf pg_catalog.float8 := (ismap.policy_value('sampling_confidence') #>> '{}')::pg_catalog.float8;
	tol pg_catalog.float8 := (ismap.policy_value('sampling_tolerable_rate') #>> '{}')::pg_catalog.float8;
	hi pg_catalog.timestamptz;
	n_parts pg_catalog.int8 := 0;
	n_covered pg_catalog.int8;
	n_reinstated pg_catalog.int8;
	n_suspended pg_catalog.int8;
	n_notices pg_catalog.int8;
	n_crossed pg_catalog.int8 := 0;
	n_cleared pg_catalog.int8 := 0;
	m pg_catalog.date;
	part pg_catalog.text;
	rec record;
BEGIN
	PERFORM ismap.job_check_args(d, dry);
	PERFORM ismap.job_try_lock('changes');
	run := ismap.job_begin('changes', d, dry);
	BEGIN
		SELECT COALESCE(pg_catalog.array_agg(w::pg_catalog.int4 ORDER BY w::pg_catalog.int4), '{}')
		INTO STRICT windows
		FROM pg_catalog.jsonb_array_elements_text(ismap.policy_value('change_notice_days')) AS e(w);
	EXCEPTION WHEN OTHERS THEN
		windows := NULL;
	END;
	IF windows IS NULL OR pg_catalog.array_position(windows, NULL) IS NOT NULL
	   OR EXISTS (SELECT 1 FROM pg_catalog.unnest(windows) w WHERE w < 0) THEN
		RAISE EXCEPTION 'policy parameter "change_notice_days" must be an array of days, not %',
			(SELECT p.value FROM ismap.policy p WHERE p.name = 'change_notice_days')
			USING ERRCODE = 'invalid_parameter_value', HINT = 'For example [60, 30, 7].';
	END IF;
	BEGIN
		ahead := (ismap.policy_value('evidence_months_ahead') #>> '{}')::pg_catalog.int4;
	EXCEPTION WHEN data_exception THEN
		ahead := NULL;
	END;
	IF ahead IS NULL OR ahead < 0 OR ahead > 120 THEN
		RAISE EXCEPTION 'policy parameter "evidence_months_ahead" must be a number of months from 0 to 120'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF ev_window IS NULL OR ev_window <= '0'::pg_catalog.interval THEN
		RAISE EXCEPTION 'policy parameter "evidence_window" must be a positive interval' USING ERRCODE = 'invalid_parameter_value';
	END IF;

	-- 1. evidence partitions: the month of as_of and the months ahead
	PERFORM ismap.job_progress(pg_catalog.format('changes: evidence partitions to %s months ahead of %s', ahead, d));
	IF NOT dry THEN
		FOR part IN SELECT * FROM ismap.ensure_evidence_partitions(d, (d + pg_catalog.make_interval(months => ahead))::pg_catalog.date) LOOP
			action := 'partition_created'; object_id := NULL; detail := part;
			RETURN NEXT;
			n_parts := n_parts + 1;
		END LOOP;
	ELSE
		m := pg_catalog.date_trunc('month', d)::pg_catalog.date;
		WHILE m <= (d + pg_catalog.make_interval(months => ahead))::pg_catalog.date LOOP
			part := pg_catalog.format('evidence_%s', pg_catalog.to_char(m, 'YYYY_MM'));
			IF pg_catalog.to_regclass(pg_catalog.format('ismap.%I', part)) IS NULL THEN
				action := 'partition_created'; object_id := NULL; detail := 'ismap.' || part;
				RETURN NEXT;
				n_parts := n_parts + 1;
			END IF;
			m := (m + '1 month'::pg_catalog.interval)::pg_catalog.date;
		END LOOP;
	END IF;

	-- 2. material changes an audit now covers (the trigger writes the event)
	RETURN QUERY
	WITH cov AS (
		SELECT s.change_id, s.service_id, s.kind, s.effective_on, s.covered_by, s.covered_on, r.registration_number
		FROM ismap.change_status(d) s
		JOIN ismap.service_change c ON c.change_id = s.change_id
		JOIN ismap.registration r ON r.registration_id = s.covered_by
		WHERE s.status = 'covered' AND c.covered_by IS NULL
	),
	upd AS (
		UPDATE ismap.service_change c SET covered_by = cov.covered_by, covered_on = cov.covered_on, covered_run_id = run
		FROM cov WHERE NOT dry AND c.change_id = cov.change_id AND c.covered_by IS NULL
		RETURNING c.change_id
	)
	SELECT 'covered', cov.change_id,
		   pg_catalog.format('change %s of service %s (%s, effective %s): covered by the audit of %s, registered on %s',
			   cov.change_id, cov.service_id, cov.kind, cov.effective_on, cov.registration_number, cov.covered_on)
	FROM cov WHERE dry OR cov.change_id IN (SELECT u.change_id FROM upd u)
	ORDER BY 2;
	GET DIAGNOSTICS n_covered = ROW_COUNT;

	-- 3. suspensions of covered changes are lifted; a registration none
	-- holds any more is active again (a suspended registration that no
	-- change of this job holds was suspended by someone else: left alone)
	RETURN QUERY
	WITH cov AS (
		SELECT s.change_id FROM ismap.change_status(d) s WHERE s.status = 'covered'
	),
	lift AS (
		UPDATE ismap.change_suspension cs SET lifted_on = d
		WHERE NOT dry AND cs.lifted_on IS NULL AND cs.change_id IN (SELECT cov.change_id FROM cov)
		RETURNING cs.registration_id
	),
	back AS (
		SELECT r.registration_id, r.registration_number, r.service_id,
			   (SELECT pg_catalog.string_agg(cs.change_id::pg_catalog.text, ', ' ORDER BY cs.change_id)
				FROM ismap.change_suspension cs
				WHERE cs.registration_id = r.registration_id AND cs.lifted_on IS NULL) AS changes
		FROM ismap.registration r
		WHERE r.status = 'suspended'
		  AND EXISTS (SELECT 1 FROM ismap.change_suspension cs
					  WHERE cs.registration_id = r.registration_id AND cs.lifted_on IS NULL
						AND cs.change_id IN (SELECT cov.change_id FROM cov))
		  AND NOT EXISTS (SELECT 1 FROM ismap.change_suspension cs
						  WHERE cs.registration_id = r.registration_id AND cs.lifted_on IS NULL
							AND cs.change_id NOT IN (SELECT cov.change_id FROM cov))
	),
	upd AS (
		UPDATE ismap.registration r
		SET status = 'active', end_reason = NULL, cascaded_from = NULL, cascade_path = NULL, run_id = run
		FROM back
		WHERE NOT dry AND r.registration_id = back.registration_id AND r.status = 'suspended'
		  AND (SELECT pg_catalog.count(*) FROM lift) >= 0
		RETURNING r.registration_id
	)
	SELECT 'reinstated', back.registration_id,
		   pg_catalog.format('%s (service %s): active again, change %s covered by an audit',
			   back.registration_number, back.service_id, back.changes)
	FROM back WHERE dry OR back.registration_id IN (SELECT u.registration_id FROM upd u)
	ORDER BY 2;
	GET DIAGNOSTICS n_reinstated = ROW_COUNT;

	-- 4. material changes past their window without an audit: suspend the
	-- service's live registration and what is built on it
	PERFORM ismap.job_progress(pg_catalog.format('changes: %s covered, %s reinstated; suspending for changes due before %s', n_covered, n_reinstated, d));
	RETURN QUERY
	WITH overdue AS (
		SELECT s.change_id, s.service_id AS root_service, s.kind, s.effective_on, s.due_on,
			   root.registration_number AS root_number
		FROM ismap.change_status(d) s
		JOIN ismap.registration root ON root.service_id = s.service_id
			AND root.status = ANY (ARRAY['active', 'suspended'])
		WHERE s.status = 'overdue'
	),
	hit AS (
		SELECT o.*, i.registration_id, i.service_id, i.depth, i.via, r.registration_number, r.status,
			   base.registration_id AS base_registration_id
		FROM overdue o
		CROSS JOIN LATERAL ismap.delisting_impact(o.root_service) i
		JOIN ismap.registration r ON r.registration_id = i.registration_id
		LEFT JOIN ismap.registration base
		  ON i.depth > 0 AND base.service_id = i.via[pg_catalog.array_upper(i.via, 1)]
		 AND base.status = ANY (ARRAY['active', 'suspended'])
		WHERE NOT EXISTS (SELECT 1 FROM ismap.change_suspension cs
						  WHERE cs.change_id = o.change_id AND cs.registration_id = i.registration_id)
		  -- active, or suspended by this job (a change it holds for)
		  AND (r.status = 'active'
			   OR EXISTS (SELECT 1 FROM ismap.change_suspension cs
						  WHERE cs.registration_id = i.registration_id AND cs.lifted_on IS NULL))
	),
	ins AS (
		INSERT INTO ismap.change_suspension (change_id, registration_id, depth, via, suspended_on, run_id)
		SELECT h.change_id, h.registration_id, h.depth, h.via, d, run FROM hit h WHERE NOT dry
		RETURNING change_suspension.registration_id
	),
	pick AS (
		SELECT DISTINCT ON (h.registration_id) h.*,
			   CASE WHEN h.depth = 0
					THEN pg_catalog.format('material change %s (%s, effective %s) not covered by an audit by %s',
						h.change_id, h.kind, h.effective_on, h.due_on)
					ELSE pg_catalog.format('platform suspended: %s (service %s) has material change %s (%s, effective %s) not covered by an audit by %s',
						h.root_number, h.root_service, h.change_id, h.kind, h.effective_on, h.due_on) END AS reason
		FROM hit h
		WHERE h.status = 'active'
		ORDER BY h.registration_id, h.depth, h.change_id
	),
	upd AS (
		UPDATE ismap.registration r
		SET status = 'suspended', end_reason = p.reason,
			cascaded_from = CASE WHEN p.depth = 0 THEN NULL ELSE p.base_registration_id END,
			cascade_path = CASE WHEN p.depth = 0 THEN NULL ELSE p.via END,
			run_id = run
		FROM pick p
		WHERE NOT dry AND r.registration_id = p.registration_id AND r.status = 'active'
		  AND (SELECT pg_catalog.count(*) FROM ins) >= 0
		RETURNING r.registration_id
	)
	SELECT 'suspended', p.registration_id,
		   pg_catalog.format('%s (service %s): %s%s', p.registration_number, p.service_id, p.reason,
			   CASE WHEN p.depth > 0 THEN ' ; chain ' || pg_catalog.array_to_string(p.via || p.service_id, ' -> ') ELSE '' END)
	FROM pick p WHERE dry OR p.registration_id IN (SELECT u.registration_id FROM upd u)
	ORDER BY 2;
	GET DIAGNOSTICS n_suspended = ROW_COUNT;

	-- 5. notices before a change's window ends: the latest window reached,
	-- once; none once an audit covers the change
	RETURN QUERY
	WITH cand AS (
		SELECT s.change_id, s.service_id, s.kind, s.effective_on, s.due_on, w.days,
			   (s.due_on - w.days) AS occasion
		FROM ismap.change_status(d) s
		CROSS JOIN LATERAL (SELECT pg_catalog.min(x) AS days FROM pg_catalog.unnest(windows) x
							WHERE x >= (s.due_on - d)) w
		WHERE s.status = 'audit_required' AND s.due_on >= d
	),
	fresh AS (
		SELECT c.*, pg_catalog.format('change %s of service %s (%s, effective %s) needs an audit by %s (%s days); %s-day notice',
				   c.change_id, c.service_id, c.kind, c.effective_on, c.due_on, c.due_on - d, c.days) AS what
		FROM cand c
		WHERE c.days IS NOT NULL
		  AND NOT EXISTS (SELECT 1 FROM ismap.notice n
						  WHERE n.kind = 'change_audit_due' AND n.object_id = c.change_id AND n.occasion = c.occasion)
	),
	ins AS (
		INSERT INTO ismap.notice (kind, object_id, occasion, window_days, as_of, detail, run_id)
		SELECT 'change_audit_due', f.change_id, f.occasion, f.days, d, f.what, run FROM fresh f WHERE NOT dry
		ON CONFLICT ON CONSTRAINT notice_once DO NOTHING
		RETURNING notice.object_id, notice.detail
	)
	SELECT 'notice', i.object_id, i.detail FROM ins i
	UNION ALL
	SELECT 'notice', f.change_id, f.what FROM fresh f WHERE dry
	ORDER BY 2;
	GET DIAGNOSTICS n_notices = ROW_COUNT;

	-- 6. control evidence of the policy window: a control that crosses the
	-- limit opens a crossing and gets one notice; one back within closes it
	PERFORM ismap.job_progress(pg_catalog.format('changes: %s suspended, %s notices; control evidence of %s to %s', n_suspended, n_notices, ev_window, d));
	hi := (d + 1)::pg_catalog.timestamptz;
	FOR rec IN
		WITH g AS (
			SELECT e.service_id, e.control_id, pg_catalog.count(*) AS n,
				   pg_catalog.count(*) FILTER (WHERE e.outcome = 'fail') AS dev
			FROM ismap.evidence e
			WHERE e.occurred_at >= hi - ev_window AND e.occurred_at < hi
			GROUP BY e.service_id, e.control_id
		),
		h AS (
			SELECT g.*, ismap.upper_deviation_limit(LEAST(g.n, 2147483647)::pg_catalog.int4,
				LEAST(g.dev, 2147483647)::pg_catalog.int4, conf) AS ul
			FROM g WHERE g.dev > 0
		),
		bad AS (SELECT h.* FROM h WHERE h.ul > tol),
		opened AS (
			SELECT b.* FROM bad b
			WHERE NOT EXISTS (SELECT 1 FROM ismap.control_crossing c
							  WHERE c.cleared_on IS NULL AND c.service_id = b.service_id
								AND c.control_id OPERATOR(ismap.=) b.control_id)
		),
		closed AS (
			SELECT c.crossing_id, c.service_id, c.control_id, c.crossed_on,
				   COALESCE(g.n, 0) AS n, COALESCE(g.dev, 0) AS dev
			FROM ismap.control_crossing c
			LEFT JOIN g ON g.service_id = c.service_id AND g.control_id OPERATOR(ismap.=) c.control_id
			WHERE c.cleared_on IS NULL
			  AND NOT EXISTS (SELECT 1 FROM bad b
							  WHERE b.service_id = c.service_id AND b.control_id OPERATOR(ismap.=) c.control_id)
		),
		insc AS (
			INSERT INTO ismap.control_crossing (service_id, control_id, crossed_on, observations, deviations, upper_limit, run_id)
			SELECT o.service_id, o.control_id, d, o.n, o.dev, o.ul, run FROM opened o WHERE NOT dry
			RETURNING control_crossing.*
		),
		insn AS (
			INSERT INTO ismap.notice (kind, object_id, occasion, as_of, detail, run_id)
			SELECT 'control_limit_exceeded', i.crossing_id, d, d,
				   pg_catalog.format('service %s control %s: %s deviations in %s observations from %s to %s; upper deviation limit %s above the tolerable rate %s',
					   i.service_id, i.control_id, i.deviations, i.observations, (d - ev_window)::pg_catalog.date + 1, d,
					   pg_catalog.round(i.upper_limit::pg_catalog.numeric, 4), tol), run
			FROM insc i
			RETURNING notice.object_id, notice.detail
		),
		updc AS (
			UPDATE ismap.control_crossing c SET cleared_on = d
			FROM closed x WHERE NOT dry AND c.crossing_id = x.crossing_id
			RETURNING c.crossing_id
		)
		SELECT 'limit_exceeded' AS act, i.object_id AS id, i.detail AS what FROM insn i
		UNION ALL
		SELECT 'limit_exceeded', NULL,
			   pg_catalog.format('service %s control %s: %s deviations in %s observations from %s to %s; upper deviation limit %s above the tolerable rate %s',
				   o.service_id, o.control_id, o.dev, o.n, (d - ev_window)::pg_catalog.date + 1, d,
				   pg_catalog.round(o.ul::pg_catalog.numeric, 4), tol)
		FROM opened o WHERE dry
		UNION ALL
		SELECT 'limit_cleared', x.crossing_id,
			   pg_catalog.format('service %s control %s: back within the limit (%s deviations in %s observations), over it since %s',
				   x.service_id, x.control_id, x.dev, x.n, x.crossed_on)
		FROM closed x WHERE dry OR x.crossing_id IN (SELECT u.crossing_id FROM updc u)
		ORDER BY 1, 3
	LOOP
		action := rec.act;
		object_id := rec.id;
		detail := rec.what;
		RETURN NEXT;
		IF rec.act = 'limit_exceeded' THEN
			n_crossed := n_crossed + 1;
		ELSE
			n_cleared := n_cleared + 1;
		END IF;
	END LOOP;

	PERFORM ismap.job_end(run, pg_catalog.jsonb_build_object('partition_created', n_parts, 'covered', n_covered,
		'reinstated', n_reinstated, 'suspended', n_suspended, 'notice', n_notices,
		'limit_exceeded', n_crossed, 'limit_cleared', n_cleared));
END
$$;
COMMENT ON FUNCTION ismap.run_changes(pg_catalog.date, pg_catalog.bool) IS 'changes job: make evidence partitions ahead, record changes an audit covers, reinstate what they held, suspend (with the delisting walk) registrations whose service has a material change past the policy change_audit_window, write notices before the window ends and one notice per crossing of the control-evidence limit; idempotent';

CREATE OR REPLACE FUNCTION ismap.create_policies() RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	p record;
BEGIN
	FOR p IN
		SELECT pol.polname, c.relname FROM pg_catalog.pg_policy pol
		JOIN pg_catalog.pg_class c ON c.oid = pol.polrelid
		JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'ismap'
	LOOP
		EXECUTE pg_catalog.format('DROP POLICY %I ON ismap.%I', p.polname, p.relname);
	END LOOP;

	-- the owner's SECURITY DEFINER functions and the registrar and jobs see all
	CREATE POLICY staff ON ismap.audit TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.statement_item TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.audit_result TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.control_test TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.application TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.auditor TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.auditor_qualification TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.principal_binding TO ismap_registrar, ismap_jobs USING (true);
	EXECUTE pg_catalog.format('CREATE POLICY owner ON ismap.statement_item TO %I USING (true)',
		(SELECT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c WHERE c.oid = 'ismap.statement_item'::pg_catalog.regclass));
	EXECUTE pg_catalog.format('CREATE POLICY owner ON ismap.audit_result TO %I USING (true)',
		(SELECT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c WHERE c.oid = 'ismap.audit_result'::pg_catalog.regclass));
	EXECUTE pg_catalog.format('CREATE POLICY owner ON ismap.control_test TO %I USING (true)',
		(SELECT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c WHERE c.oid = 'ismap.control_test'::pg_catalog.regclass));

	-- everyone reads the public parts of these
	CREATE POLICY published ON ismap.service FOR SELECT TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs USING (true);
	CREATE POLICY published ON ismap.service_dependency FOR SELECT TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs USING (true);
	CREATE POLICY published ON ismap.csp FOR SELECT TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs USING (true);
	CREATE POLICY registrar ON ismap.csp TO ismap_registrar USING (true);

	-- an auditor: its own body
	CREATE POLICY own_body ON ismap.auditor TO ismap_auditor
		USING (audit_body_id = ismap.principal_audit_body(current_user));
	CREATE POLICY own_body ON ismap.auditor_qualification FOR SELECT TO ismap_auditor
		USING (EXISTS (SELECT 1 FROM ismap.auditor a WHERE a.auditor_id = auditor_qualification.auditor_id));
	CREATE POLICY own_body ON ismap.audit TO ismap_auditor
		USING (audit_body_id = ismap.principal_audit_body(current_user))
		WITH CHECK (audit_body_id = ismap.principal_audit_body(current_user)
			AND (SELECT o.open FROM ismap.audit_party(audit_id) o) IS NOT false);
	CREATE POLICY own_body ON ismap.application FOR SELECT TO ismap_auditor
		USING ((SELECT o.audit_body_id FROM ismap.audit_party(audit_id) o) = ismap.principal_audit_body(current_user));
	CREATE POLICY own_open_audit ON ismap.statement_item FOR SELECT TO ismap_auditor
		USING ((SELECT o.audit_body_id = ismap.principal_audit_body(current_user) AND o.open FROM ismap.audit_party(audit_id) o));
	CREATE POLICY own_open_audit ON ismap.audit_result TO ismap_auditor
		USING ((SELECT o.audit_body_id = ismap.principal_audit_body(current_user) AND o.open FROM ismap.audit_party(audit_id) o));
	CREATE POLICY own_open_audit ON ismap.control_test TO ismap_auditor
		USING ((SELECT o.audit_body_id = ismap.principal_audit_body(current_user) AND o.open FROM ismap.audit_party(audit_id) o));

	-- a provider: its own services, platforms, statements, applications;
	-- it reads its own audits' results
	CREATE POLICY own_row ON ismap.csp FOR UPDATE TO ismap_csp
		USING (csp_id = ismap.principal_csp(current_user));
	CREATE POLICY own_services ON ismap.service FOR INSERT TO ismap_csp
		WITH CHECK (csp_id = ismap.principal_csp(current_user));
	CREATE POLICY own_services_update ON ismap.service FOR UPDATE TO ismap_csp
		USING (csp_id = ismap.principal_csp(current_user));
	CREATE POLICY own_services ON ismap.service_dependency FOR INSERT TO ismap_csp
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY own_services_update ON ismap.service_dependency FOR UPDATE TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY own_services_delete ON ismap.service_dependency FOR DELETE TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY own_audits ON ismap.audit FOR SELECT TO ismap_csp
		USING ((SELECT o.csp_id FROM ismap.audit_party(audit_id) o) = ismap.principal_csp(current_user));
	CREATE POLICY own_open_statement ON ismap.statement_item FOR SELECT TO ismap_csp
		USING ((SELECT o.csp_id = ismap.principal_csp(current_user) FROM ismap.audit_party(audit_id) o));
	-- writes (a DELETE checks USING only) while the audit is open
	CREATE POLICY own_open_statement_write ON ismap.statement_item FOR ALL TO ismap_csp
		USING ((SELECT o.csp_id = ismap.principal_csp(current_user) AND o.open FROM ismap.audit_party(audit_id) o))
		WITH CHECK ((SELECT o.csp_id = ismap.principal_csp(current_user) AND o.open FROM ismap.audit_party(audit_id) o));
	CREATE POLICY own_results ON ismap.audit_result FOR SELECT TO ismap_csp
		USING ((SELECT o.csp_id FROM ismap.audit_party(audit_id) o) = ismap.principal_csp(current_user));
	CREATE POLICY own_tests ON ismap.control_test FOR SELECT TO ismap_csp
		USING ((SELECT o.csp_id FROM ismap.audit_party(audit_id) o) = ismap.principal_csp(current_user));
	CREATE POLICY own_applications ON ismap.application FOR SELECT TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	-- a provider files applications (submitted) and may withdraw them; it
	-- never decides (nor records acknowledgements, approve_application's)
	CREATE POLICY file_own ON ismap.application FOR INSERT TO ismap_csp
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user) AND status = 'submitted'
			AND submitted_on = CURRENT_DATE AND acknowledged IS NULL
			AND (SELECT o.open FROM ismap.audit_party(audit_id) o));
	CREATE POLICY withdraw_own ON ismap.application FOR UPDATE TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user) AND status = 'submitted')
		WITH CHECK (status = 'withdrawn');
	CREATE POLICY own_binding ON ismap.principal_binding FOR SELECT TO ismap_auditor, ismap_csp
		USING (role_name = current_user);
	CREATE POLICY staff ON ismap.service_change TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY published ON ismap.service_change FOR SELECT TO ismap_reader, ismap_auditor USING (true);
	CREATE POLICY own_services ON ismap.service_change TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user))
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY staff ON ismap.evidence TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY own_services ON ismap.evidence TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user))
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
END
$$;
COMMENT ON FUNCTION ismap.create_policies() IS 'superuser: (re)create the row-level policies of the ismap roles (called by create_roles)';

DROP FUNCTION ismap.register_decision(pg_catalog.int8, pg_catalog.date);

-- the provider's filing policy now refuses acknowledgements
SELECT ismap.create_roles();

-- ==== Jobs as rows ====
--
-- The batch jobs become rows of ismap.job (src/sql/jobs/job.sql), the one
-- place that lists them: job_run.job references it, job_lock_key,
-- job_try_lock, job_start and job_health read it, and ismap-jobs asks it
-- which jobs exist.  The prologue and epilogue every job repeated (check
-- the arguments, lock, record the run, mark it succeeded) is one wrapper,
-- ismap.run_job, which also takes the run that ismap-jobs committed as an
-- explicit argument instead of the setting ismap.job_run_id.  Each job's
-- work moves to ismap.job_<name>(as_of, dry_run, run_id); the contract
-- functions (run_renewals, ...) call run_job.  The 0.2.0 alias
-- run_change_checks goes (run_changes stays).
CREATE TABLE ismap.job (
	job_name		pg_catalog.text PRIMARY KEY
		CONSTRAINT job_name_form CHECK (job_name OPERATOR(pg_catalog.~) '^[a-z][a-z0-9-]{0,62}$' AND job_name OPERATOR(pg_catalog.<>) 'all'),
	function		pg_catalog.regprocedure NOT NULL,
	lock_key		pg_catalog.int4 NOT NULL UNIQUE,
	description		pg_catalog.text NOT NULL,
	run_order		pg_catalog.int4 NOT NULL UNIQUE
);
COMMENT ON TABLE ismap.job IS 'one row per batch job (renewals, auditor-expiry, cascade, changes, chain as shipped): the function ismap.run_job calls, the advisory lock key, and the order in which ismap-jobs all runs them';
COMMENT ON COLUMN ismap.job.job_name IS 'the name on the ismap-jobs command line, in job_run and job_health (lower case letters, digits and hyphens; not "all")';
COMMENT ON COLUMN ismap.job.function IS 'the job''s work: a function (as_of date, dry_run boolean, run_id bigint) returning (action text, object_id bigint, detail text) rows, called only by ismap.run_job with the lock held and the run recorded';
COMMENT ON COLUMN ismap.job.lock_key IS 'second key of the job''s transaction-level advisory lock; the first is 1769172321';
COMMENT ON COLUMN ismap.job.description IS 'what the job does, one line (ismap-jobs lists it for an unknown job)';
COMMENT ON COLUMN ismap.job.run_order IS 'ismap-jobs all runs the jobs in ascending run_order';

CREATE OR REPLACE FUNCTION ismap.job_lock_key(p_job pg_catalog.text) RETURNS pg_catalog.int4
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	RETURN (SELECT j.lock_key FROM ismap.job j WHERE j.job_name OPERATOR(pg_catalog.=) p_job);
END
$$;
COMMENT ON FUNCTION ismap.job_lock_key(pg_catalog.text) IS 'second key of a job''s advisory lock (the first is 1769172321), from ismap.job; NULL for an unknown job';

CREATE OR REPLACE FUNCTION ismap.job_try_lock(p_job pg_catalog.text) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	k pg_catalog.int4 := ismap.job_lock_key(p_job);
	holder pg_catalog.int4;
BEGIN
	IF k IS NULL THEN
		RAISE EXCEPTION 'unknown job "%"', p_job
			USING ERRCODE = 'invalid_parameter_value', HINT = 'The jobs are the rows of ismap.job.';
	END IF;
	IF NOT pg_catalog.pg_try_advisory_xact_lock(1769172321, k) THEN
		SELECT l.pid INTO holder FROM pg_catalog.pg_locks l
		WHERE l.locktype OPERATOR(pg_catalog.=) 'advisory' AND l.granted
		  AND l.classid OPERATOR(pg_catalog.=) 1769172321::pg_catalog.oid
		  AND l.objid OPERATOR(pg_catalog.=) k::pg_catalog.oid AND l.objsubid OPERATOR(pg_catalog.=) 2
		LIMIT 1;
		RAISE EXCEPTION 'job "%" is already running', p_job
			USING ERRCODE = 'lock_not_available',
				  DETAIL = pg_catalog.format('The advisory lock (1769172321, %s) is held by the session with process ID %s.', k, COALESCE(holder::pg_catalog.text, 'unknown')),
				  HINT = 'Wait for that run to end; a rerun with the same date does nothing twice.';
	END IF;
END
$$;
COMMENT ON FUNCTION ismap.job_try_lock(pg_catalog.text) IS 'take a job''s transaction-level advisory lock; 55P03 when another run holds it';

CREATE OR REPLACE FUNCTION ismap.job_start(p_job pg_catalog.text, p_as_of pg_catalog.date) RETURNS pg_catalog.int8
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	id pg_catalog.int8;
BEGIN
	IF ismap.job_lock_key(p_job) IS NULL THEN
		RAISE EXCEPTION 'unknown job "%"', p_job
			USING ERRCODE = 'invalid_parameter_value', HINT = 'The jobs are the rows of ismap.job.';
	END IF;
	IF p_as_of IS NULL THEN
		RAISE EXCEPTION 'the job date must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	PERFORM ismap.job_mark_stale(p_job);
	-- run_by: the one who runs it (the role set with SET ROLE, else the
	-- login role), not the owner whose rights this function has
	INSERT INTO ismap.job_run (job, as_of, backend_start, application_name, run_by)
	SELECT p_job, p_as_of, a.backend_start, NULLIF(pg_catalog.current_setting('application_name'), ''),
		   CASE WHEN pg_catalog.current_setting('role') IN ('none', '') THEN SESSION_USER
				ELSE pg_catalog.current_setting('role')::pg_catalog.name END
	FROM (SELECT pg_catalog.max(s.backend_start) AS backend_start FROM pg_catalog.pg_stat_activity s
		  WHERE s.pid OPERATOR(pg_catalog.=) pg_catalog.pg_backend_pid()) a
	RETURNING run_id INTO id;
	RETURN id;
END
$$;
COMMENT ON FUNCTION ismap.job_start(pg_catalog.text, pg_catalog.date) IS 'record the start of a job run (status running) and return its run_id; marks stale runs of the job failed';

DROP FUNCTION ismap.job_begin(pg_catalog.text, pg_catalog.date, pg_catalog.bool);
DROP FUNCTION ismap.job_end(pg_catalog.int8, pg_catalog.jsonb);
DROP FUNCTION ismap.job_check_args(pg_catalog.date, pg_catalog.bool);
CREATE FUNCTION ismap.run_job(job_name pg_catalog.text, as_of pg_catalog.date DEFAULT CURRENT_DATE,
	dry_run pg_catalog.bool DEFAULT false, run_id pg_catalog.int8 DEFAULT NULL)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	jname pg_catalog.text := run_job.job_name;
	d pg_catalog.date := run_job.as_of;
	dry pg_catalog.bool := run_job.dry_run;
	run pg_catalog.int8 := run_job.run_id;
	fn pg_catalog.regprocedure;
	call pg_catalog.text;
	counts pg_catalog.jsonb := '{}';
	rec record;
BEGIN
	IF jname IS NULL THEN
		RAISE EXCEPTION 'job_name must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF d IS NULL OR dry IS NULL THEN
		RAISE EXCEPTION 'as_of and dry_run must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF NOT pg_catalog.isfinite(d) THEN
		RAISE EXCEPTION 'as_of must be a finite date, not "%"', d USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF dry AND run IS NOT NULL THEN
		RAISE EXCEPTION 'a dry run records no run: run_id must be null' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	-- 22023 for an unknown job, 55P03 when another run holds the lock
	PERFORM ismap.job_try_lock(jname);
	SELECT j.function INTO STRICT fn FROM ismap.job j WHERE j.job_name OPERATOR(pg_catalog.=) jname;
	SELECT pg_catalog.format('%I.%I', n.nspname, p.proname) INTO call
	FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) p.pronamespace
	WHERE p.oid OPERATOR(pg_catalog.=) fn::pg_catalog.oid
	  AND p.pronargs OPERATOR(pg_catalog.=) 3
	  AND p.proargtypes[0] OPERATOR(pg_catalog.=) 'pg_catalog.date'::pg_catalog.regtype
	  AND p.proargtypes[1] OPERATOR(pg_catalog.=) 'pg_catalog.bool'::pg_catalog.regtype
	  AND p.proargtypes[2] OPERATOR(pg_catalog.=) 'pg_catalog.int8'::pg_catalog.regtype
	  AND p.proretset
	  -- it runs with the owner's rights: only a function the owner of
	  -- ismap.job owns (no one else may redefine it)
	  AND p.proowner OPERATOR(pg_catalog.=) (SELECT c.relowner FROM pg_catalog.pg_class c
											 WHERE c.oid OPERATOR(pg_catalog.=) 'ismap.job'::pg_catalog.regclass);
	IF call IS NULL THEN
		RAISE EXCEPTION 'the function % of job "%" does not exist or is not a job function', fn, jname
			USING ERRCODE = 'undefined_function',
				  HINT = 'A job function takes (as_of date, dry_run boolean, run_id bigint), returns a set of (action text, object_id bigint, detail text) and is owned by the owner of ismap.job.';
	END IF;
	IF NOT dry THEN
		PERFORM ismap.job_mark_stale(jname);
		IF run IS NULL THEN
			run := ismap.job_start(jname, d);
		ELSE
			UPDATE ismap.job_run r SET as_of = d
			WHERE r.run_id OPERATOR(pg_catalog.=) run AND r.job OPERATOR(pg_catalog.=) jname
			  AND r.status OPERATOR(pg_catalog.=) 'running' AND r.backend_pid OPERATOR(pg_catalog.=) pg_catalog.pg_backend_pid();
			IF NOT FOUND THEN
				RAISE EXCEPTION 'job run % is not a running run of job "%" started by this session', run, jname
					USING ERRCODE = 'object_not_in_prerequisite_state',
						  HINT = 'Pass the run_id that ismap.job_start returned in this session, or none.';
			END IF;
		END IF;
	END IF;
	FOR rec IN EXECUTE pg_catalog.format('SELECT f.action::pg_catalog.text AS action, f.object_id::pg_catalog.int8 AS object_id, f.detail::pg_catalog.text AS detail FROM %s($1, $2, $3) f', call)
		USING d, dry, run
	LOOP
		action := rec.action;
		object_id := rec.object_id;
		detail := rec.detail;
		RETURN NEXT;
		counts := pg_catalog.jsonb_set(counts, ARRAY[COALESCE(rec.action, '')],
			pg_catalog.to_jsonb(COALESCE((counts OPERATOR(pg_catalog.->>) COALESCE(rec.action, ''))::pg_catalog.int8, 0) OPERATOR(pg_catalog.+) 1));
	END LOOP;
	IF run IS NOT NULL THEN
		UPDATE ismap.job_run r SET status = 'succeeded', finished_at = pg_catalog.clock_timestamp(), actions = counts
		WHERE r.run_id OPERATOR(pg_catalog.=) run;
	END IF;
	RAISE DEBUG 'run %: %', COALESCE(run::pg_catalog.text, '(dry run)'), counts;
END
$$;
COMMENT ON FUNCTION ismap.run_job(pg_catalog.text, pg_catalog.date, pg_catalog.bool, pg_catalog.int8) IS 'run a batch job of ismap.job: check the arguments, take its advisory lock (55P03 when held), record the run in job_run (or adopt the running run_id the caller started with job_start), call its function and mark the run succeeded with the count of each action; a dry run changes and records nothing';
REVOKE EXECUTE ON FUNCTION ismap.run_job(pg_catalog.text, pg_catalog.date, pg_catalog.bool, pg_catalog.int8) FROM PUBLIC;

CREATE FUNCTION ismap.job_renewals(as_of pg_catalog.date, dry_run pg_catalog.bool, run_id pg_catalog.int8)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
SET jit = off
SET work_mem = '64MB'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
AS $$
#variable_conflict use_column
DECLARE
	d pg_catalog.date := job_renewals.as_of;
	dry pg_catalog.bool := job_renewals.dry_run;
	run pg_catalog.int8 := job_renewals.run_id;
	windows pg_catalog.int4[];
	n_expired pg_catalog.int8 := 0;
	n_kept pg_catalog.int8 := 0;
	n_notices pg_catalog.int8;
	rec record;
BEGIN
	BEGIN
		-- an empty array is allowed: no notices
		SELECT COALESCE(pg_catalog.array_agg(w::pg_catalog.int4 ORDER BY w::pg_catalog.int4), '{}')
		INTO STRICT windows
		FROM pg_catalog.jsonb_array_elements_text(ismap.policy_value('notice_windows_days')) AS e(w);
	EXCEPTION WHEN OTHERS THEN
		windows := NULL;
	END;
	IF windows IS NULL OR pg_catalog.array_position(windows, NULL) IS NOT NULL
	   OR EXISTS (SELECT 1 FROM pg_catalog.unnest(windows) w WHERE w OPERATOR(pg_catalog.<) 0) THEN
		RAISE EXCEPTION 'policy parameter "notice_windows_days" must be an array of days, not %',
			(SELECT p.value FROM ismap.policy p WHERE p.name OPERATOR(pg_catalog.=) 'notice_windows_days')
			USING ERRCODE = 'invalid_parameter_value', HINT = 'For example [90, 30, 7].';
	END IF;

	-- 1. what ran out: expire it when no renewal is pending, else report
	-- once (a renewal_pending notice) that a pending renewal keeps it.  One
	-- statement, one scan: the rows it changes are the whole of the work.
	PERFORM ismap.job_progress(pg_catalog.format('renewals: registrations valid until before %s', d));
	PERFORM pg_catalog.set_config('ismap.event_context', pg_catalog.jsonb_build_object(
		'action', 'expire', 'job', 'renewals', 'run_id', run, 'as_of', d)::pg_catalog.text, true);
	FOR rec IN
		WITH pending AS (
			-- the oldest open renewal per service (filed by d, not decided by d)
			SELECT DISTINCT ON (a.service_id) a.service_id, a.application_id, a.submitted_on
			FROM ismap.application a
			WHERE a.kind = 'renewal' AND a.submitted_on <= d
			  AND (a.status = 'submitted' OR a.decided_on > d)
			ORDER BY a.service_id, a.submitted_on, a.application_id
		),
		late AS (
			-- the newest renewal refused or withdrawn: a registration it kept
			-- alive past valid_until ends on the decision day
			SELECT DISTINCT ON (a.service_id) a.service_id, a.application_id, a.status, a.submitted_on, a.decided_on
			FROM ismap.application a
			WHERE a.kind = 'renewal' AND a.status = ANY (ARRAY['rejected', 'withdrawn']) AND a.decided_on <= d
			ORDER BY a.service_id, a.decided_on DESC, a.application_id DESC
		),
		past AS (
			SELECT r.registration_id, r.registration_number, r.valid_until,
				   p.application_id AS pending_application, p.submitted_on AS pending_since,
				   CASE WHEN l.decided_on > r.valid_until AND l.submitted_on <= r.valid_until
						THEN l.decided_on ELSE r.valid_until + 1 END AS ended_on,
				   CASE WHEN l.decided_on > r.valid_until AND l.submitted_on <= r.valid_until
						THEN pg_catalog.format('validity ended on %s; renewal application %s %s on %s', r.valid_until, l.application_id, l.status, l.decided_on)
						ELSE pg_catalog.format('validity ended on %s without renewal', r.valid_until) END AS reason
			FROM ismap.registration r
			LEFT JOIN pending p ON p.service_id = r.service_id AND p.submitted_on <= r.valid_until
			LEFT JOIN late l ON l.service_id = r.service_id
			WHERE r.status = ANY (ARRAY['active', 'suspended']) AND r.valid_until < d
		),
		upd AS (
			UPDATE ismap.registration r
			SET status = 'expired', ended_on = x.ended_on, end_reason = x.reason
			FROM past x
			WHERE NOT dry AND x.pending_application IS NULL
			  AND r.registration_id = x.registration_id
			  AND r.status = ANY (ARRAY['active', 'suspended'])
			RETURNING r.registration_id, r.registration_number, r.end_reason
		),
		ins AS (
			INSERT INTO ismap.notice (kind, object_id, occasion, as_of, detail, run_id)
			SELECT 'renewal_pending', x.registration_id, x.valid_until, d,
				   pg_catalog.format('%s: valid until %s, kept while renewal application %s (filed %s) is under review',
					   x.registration_number, x.valid_until, x.pending_application, x.pending_since), run
			FROM past x
			WHERE NOT dry AND x.pending_application IS NOT NULL
			ON CONFLICT ON CONSTRAINT notice_once DO NOTHING
			RETURNING notice.object_id, notice.detail
		)
		SELECT 'expired' AS act, u.registration_id AS id, pg_catalog.format('%s: %s', u.registration_number, u.end_reason) AS what
		FROM upd u
		UNION ALL
		SELECT 'kept', i.object_id, i.detail FROM ins i
		UNION ALL
		SELECT CASE WHEN x.pending_application IS NULL THEN 'expired' ELSE 'kept' END, x.registration_id,
			   CASE WHEN x.pending_application IS NULL THEN pg_catalog.format('%s: %s', x.registration_number, x.reason)
					ELSE pg_catalog.format('%s: valid until %s, kept while renewal application %s (filed %s) is under review',
						x.registration_number, x.valid_until, x.pending_application, x.pending_since) END
		FROM past x
		WHERE dry AND (x.pending_application IS NULL
			OR NOT EXISTS (SELECT 1 FROM ismap.notice n
						   WHERE n.kind = 'renewal_pending' AND n.object_id = x.registration_id
							 AND n.occasion = x.valid_until))
		ORDER BY 1, 2
	LOOP
		action := rec.act;
		object_id := rec.id;
		detail := rec.what;
		RETURN NEXT;
		IF rec.act = 'expired' THEN
			n_expired := n_expired + 1;
		ELSE
			n_kept := n_kept + 1;
		END IF;
	END LOOP;
	PERFORM pg_catalog.set_config('ismap.event_context', '', true);

	-- 2. renewal notices: for each registration the latest window reached
	-- (the first run inside 30 days writes the 30-day notice, not a late
	-- 90-day one), once; none once a renewal is filed
	PERFORM ismap.job_progress(pg_catalog.format('renewals: %s expired, %s kept; writing notices at %s days before expiry', n_expired, n_kept, windows));
	RETURN QUERY
	WITH cand AS (
		SELECT r.registration_id, r.registration_number, r.valid_until, w.days,
			   (r.valid_until OPERATOR(pg_catalog.-) w.days) AS occasion
		FROM ismap.registration r
		CROSS JOIN LATERAL (
			SELECT pg_catalog.min(x) AS days FROM pg_catalog.unnest(windows) x
			WHERE x OPERATOR(pg_catalog.>=) (r.valid_until OPERATOR(pg_catalog.-) d)) w
		WHERE r.status OPERATOR(pg_catalog.=) ANY (ARRAY['active', 'suspended'])
		  AND r.valid_until OPERATOR(pg_catalog.>=) d
		  AND r.valid_until OPERATOR(pg_catalog.<=) (d OPERATOR(pg_catalog.+) windows[pg_catalog.array_upper(windows, 1)])
		  AND NOT EXISTS (
			SELECT 1 FROM ismap.application a
			WHERE a.service_id OPERATOR(pg_catalog.=) r.service_id AND a.kind OPERATOR(pg_catalog.=) 'renewal'
			  AND a.submitted_on OPERATOR(pg_catalog.<=) d
			  AND (a.status OPERATOR(pg_catalog.=) 'submitted' OR a.decided_on OPERATOR(pg_catalog.>) d))
	),
	fresh AS (
		SELECT c.*, pg_catalog.format('%s: valid until %s (%s days); %s-day renewal notice', c.registration_number,
				   c.valid_until, c.valid_until OPERATOR(pg_catalog.-) d, c.days) AS what
		FROM cand c
		WHERE c.days IS NOT NULL
		  AND (NOT dry OR NOT EXISTS (SELECT 1 FROM ismap.notice n
						  WHERE n.kind OPERATOR(pg_catalog.=) 'renewal_due' AND n.object_id OPERATOR(pg_catalog.=) c.registration_id
							AND n.occasion OPERATOR(pg_catalog.=) c.occasion))
	),
	ins AS (
		INSERT INTO ismap.notice (kind, object_id, occasion, window_days, as_of, detail, run_id)
		SELECT 'renewal_due', f.registration_id, f.occasion, f.days, d, f.what, run FROM fresh f WHERE NOT dry
		ON CONFLICT ON CONSTRAINT notice_once DO NOTHING
		RETURNING notice.object_id, notice.detail
	)
	SELECT 'notice', i.object_id, i.detail FROM ins i
	UNION ALL
	SELECT 'notice', f.registration_id, f.what FROM fresh f WHERE dry
	ORDER BY 2;
	GET DIAGNOSTICS n_notices = ROW_COUNT;
END
$$;
COMMENT ON FUNCTION ismap.job_renewals(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) IS 'the work of the renewals job, called by ismap.run_job (which holds the lock and records the run run_id, NULL for a dry run)';
REVOKE EXECUTE ON FUNCTION ismap.job_renewals(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) FROM PUBLIC;
INSERT INTO ismap.job (job_name, function, lock_key, description, run_order)
VALUES ('renewals', 'ismap.job_renewals(pg_catalog.date, pg_catalog.bool, pg_catalog.int8)', 101, 'expire registrations past their validity, keep those a pending renewal holds, write renewal notices', 10);

CREATE OR REPLACE FUNCTION ismap.run_renewals(as_of pg_catalog.date DEFAULT CURRENT_DATE, dry_run pg_catalog.bool DEFAULT false)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT * FROM ismap.run_job('renewals', $1, $2)
$$;
COMMENT ON FUNCTION ismap.run_renewals(pg_catalog.date, pg_catalog.bool) IS 'renewals job: expire registrations past valid_until with no pending renewal, report once those a pending renewal keeps, write renewal notices at the policy windows once each; idempotent';

CREATE FUNCTION ismap.job_auditor_expiry(as_of pg_catalog.date, dry_run pg_catalog.bool, run_id pg_catalog.int8)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
SET jit = off
SET work_mem = '64MB'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
AS $$
#variable_conflict use_column
DECLARE
	d pg_catalog.date := job_auditor_expiry.as_of;
	dry pg_catalog.bool := job_auditor_expiry.dry_run;
	run pg_catalog.int8 := job_auditor_expiry.run_id;
	report_interval pg_catalog.interval := (ismap.policy_value('audit_body_report_interval') #>> '{}')::pg_catalog.interval;
	n_expired pg_catalog.int8;
	n_overdue pg_catalog.int8;
	n_apps pg_catalog.int8;
BEGIN

	-- 1. selections whose term ended (active or suspended) expire
	RETURN QUERY
	WITH due AS (
		SELECT s.selection_id, b.name, s.valid_from, s.valid_until, s.status
		FROM ismap.audit_body_selection s JOIN ismap.audit_body b ON b.audit_body_id OPERATOR(pg_catalog.=) s.audit_body_id
		WHERE s.status OPERATOR(pg_catalog.=) ANY (ARRAY['active', 'suspended']) AND s.valid_until OPERATOR(pg_catalog.<) d
	),
	upd AS (
		UPDATE ismap.audit_body_selection s
		SET status = 'expired', status_reason = pg_catalog.format('term ended on %s (was %s)', s.valid_until, s.status)
		FROM due
		WHERE NOT dry AND s.selection_id OPERATOR(pg_catalog.=) due.selection_id
		  AND s.status OPERATOR(pg_catalog.=) ANY (ARRAY['active', 'suspended'])
		RETURNING s.selection_id
	)
	SELECT 'expired', due.selection_id,
		   pg_catalog.format('%s: selection %s to %s (%s) expired', due.name, due.valid_from, due.valid_until, due.status)
	FROM due WHERE dry OR due.selection_id IN (SELECT u.selection_id FROM upd u)
	ORDER BY 2;
	GET DIAGNOSTICS n_expired = ROW_COUNT;

	-- 2. monitoring reports overdue: flagged once per due date (a report
	-- received moves next_report_due, and a new date can be flagged again)
	RETURN QUERY
	WITH overdue AS (
		SELECT s.selection_id, b.name, x.due
		FROM ismap.audit_body_selection s
		JOIN ismap.audit_body b ON b.audit_body_id OPERATOR(pg_catalog.=) s.audit_body_id
		CROSS JOIN LATERAL (SELECT COALESCE(s.next_report_due, (s.valid_from OPERATOR(pg_catalog.+) report_interval)::pg_catalog.date) AS due) x
		WHERE s.status OPERATOR(pg_catalog.=) 'active' AND s.valid_until OPERATOR(pg_catalog.>=) d
		  AND x.due OPERATOR(pg_catalog.<) d
		  AND NOT EXISTS (SELECT 1 FROM ismap.notice n
						  WHERE n.kind OPERATOR(pg_catalog.=) 'report_overdue' AND n.object_id OPERATOR(pg_catalog.=) s.selection_id
							AND n.occasion OPERATOR(pg_catalog.=) x.due)
	),
	ins AS (
		INSERT INTO ismap.notice (kind, object_id, occasion, as_of, detail, run_id)
		SELECT 'report_overdue', o.selection_id, o.due, d,
			   pg_catalog.format('%s: monitoring report due on %s not received', o.name, o.due), run
		FROM overdue o WHERE NOT dry
		ON CONFLICT ON CONSTRAINT notice_once DO NOTHING
		RETURNING notice.object_id, notice.detail
	)
	SELECT 'report_overdue', i.object_id, i.detail FROM ins i
	UNION ALL
	SELECT 'report_overdue', o.selection_id, pg_catalog.format('%s: monitoring report due on %s not received', o.name, o.due)
	FROM overdue o WHERE dry
	ORDER BY 2;
	GET DIAGNOSTICS n_overdue = ROW_COUNT;

	-- 3. open applications whose audit was reported by a body that was not
	-- selected on the report date (a formal defect, §3.3.3(4)).  Terms that
	-- ran out normally count for the days they covered; a selection now
	-- suspended or revoked does not count (its history is not kept), so
	-- the registrar looks at those.
	RETURN QUERY
	WITH bad AS (
		SELECT ap.application_id, ap.service_id, au.audit_id, au.report_date, b.name
		FROM ismap.application ap
		JOIN ismap.audit au ON au.audit_id OPERATOR(pg_catalog.=) ap.audit_id
		JOIN ismap.audit_body b ON b.audit_body_id OPERATOR(pg_catalog.=) au.audit_body_id
		WHERE ap.status OPERATOR(pg_catalog.=) 'submitted' AND ap.submitted_on OPERATOR(pg_catalog.<=) d
		  AND NOT EXISTS (
			SELECT 1 FROM ismap.audit_body_selection s
			WHERE s.audit_body_id OPERATOR(pg_catalog.=) au.audit_body_id
			  AND s.status OPERATOR(pg_catalog.=) ANY (ARRAY['active', 'expired'])
			  AND au.report_date OPERATOR(pg_catalog.>=) s.valid_from AND au.report_date OPERATOR(pg_catalog.<=) s.valid_until)
		  AND NOT EXISTS (SELECT 1 FROM ismap.notice n
						  WHERE n.kind OPERATOR(pg_catalog.=) 'body_not_selected' AND n.object_id OPERATOR(pg_catalog.=) ap.application_id
							AND n.occasion OPERATOR(pg_catalog.=) au.report_date)
	),
	ins AS (
		INSERT INTO ismap.notice (kind, object_id, occasion, as_of, detail, run_id)
		SELECT 'body_not_selected', x.application_id, x.report_date, d,
			   pg_catalog.format('application %s (service %s): audit %s reported on %s by %s, not selected on that day',
				   x.application_id, x.service_id, x.audit_id, x.report_date, x.name), run
		FROM bad x WHERE NOT dry
		ON CONFLICT ON CONSTRAINT notice_once DO NOTHING
		RETURNING notice.object_id, notice.detail
	)
	SELECT 'body_not_selected', i.object_id, i.detail FROM ins i
	UNION ALL
	SELECT 'body_not_selected', x.application_id,
		   pg_catalog.format('application %s (service %s): audit %s reported on %s by %s, not selected on that day',
			   x.application_id, x.service_id, x.audit_id, x.report_date, x.name)
	FROM bad x WHERE dry
	ORDER BY 2;
	GET DIAGNOSTICS n_apps = ROW_COUNT;
END
$$;
COMMENT ON FUNCTION ismap.job_auditor_expiry(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) IS 'the work of the auditor-expiry job, called by ismap.run_job (which holds the lock and records the run run_id, NULL for a dry run)';
REVOKE EXECUTE ON FUNCTION ismap.job_auditor_expiry(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) FROM PUBLIC;
INSERT INTO ismap.job (job_name, function, lock_key, description, run_order)
VALUES ('auditor-expiry', 'ismap.job_auditor_expiry(pg_catalog.date, pg_catalog.bool, pg_catalog.int8)', 102, 'expire audit-body selections, flag overdue monitoring reports and audits by unselected bodies', 20);

CREATE OR REPLACE FUNCTION ismap.expire_audit_body_selections(as_of pg_catalog.date DEFAULT CURRENT_DATE, dry_run pg_catalog.bool DEFAULT false)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT * FROM ismap.run_job('auditor-expiry', $1, $2)
$$;
COMMENT ON FUNCTION ismap.expire_audit_body_selections(pg_catalog.date, pg_catalog.bool) IS 'audit-body job: expire selections whose term ended, flag overdue monitoring reports and open applications whose audit body was not selected at the report date, once each; idempotent';

CREATE FUNCTION ismap.job_cascade(as_of pg_catalog.date, dry_run pg_catalog.bool, run_id pg_catalog.int8)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
SET jit = off
SET work_mem = '64MB'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
AS $$
#variable_conflict use_column
DECLARE
	d pg_catalog.date := job_cascade.as_of;
	dry pg_catalog.bool := job_cascade.dry_run;
	run pg_catalog.int8 := job_cascade.run_id;
	grace pg_catalog.interval := (ismap.policy_value('cascade_grace') #>> '{}')::pg_catalog.interval;
	n_delisted pg_catalog.int8;
BEGIN
	PERFORM ismap.job_progress(pg_catalog.format('cascade: platforms without a registration since %s or before', (d OPERATOR(pg_catalog.-) grace)::pg_catalog.date));
	PERFORM pg_catalog.set_config('ismap.event_context', pg_catalog.jsonb_build_object(
		'action', 'cascade', 'job', 'cascade', 'run_id', run, 'as_of', d, 'grace', grace)::pg_catalog.text, true);
	RETURN QUERY
	WITH RECURSIVE
	-- platforms that lapsed: no live registration, and the newest of their
	-- ended ones ended long enough ago (only ended registrations are read,
	-- and the live check is a probe of the one-live-per-service index)
	lapsed AS (
		SELECT n.* FROM (
			SELECT DISTINCT ON (r.service_id) r.service_id, r.registration_id, r.registration_number, r.ended_on
			FROM ismap.registration r
			WHERE r.status = ANY (ARRAY['expired', 'delisted'])
			  AND EXISTS (SELECT 1 FROM ismap.service_dependency dep
						  WHERE dep.base_service_id = r.service_id AND dep.self_assessed_audit_id IS NULL)
			  AND NOT EXISTS (SELECT 1 FROM ismap.registration live
							  WHERE live.service_id = r.service_id AND live.status = ANY (ARRAY['active', 'suspended']))
			ORDER BY r.service_id, r.registered_on DESC, r.registration_id DESC) n
		WHERE (n.ended_on + grace)::pg_catalog.date <= d
	),
	-- from_registration: the registration through which a service was
	-- reached, the lapsed platform's last one or the base delisted now
	walk (service_id, registration_id, registration_number, depth, via, root, from_registration) AS (
		SELECT l.service_id, l.registration_id, l.registration_number, 0, ARRAY[]::pg_catalog.int8[], l.service_id, NULL::pg_catalog.int8
		FROM lapsed l
		UNION ALL
		SELECT dep.service_id, r.registration_id, r.registration_number, w.depth + 1,
			   w.via || w.service_id, w.root, w.registration_id
		FROM walk w
		JOIN ismap.service_dependency dep ON dep.base_service_id = w.service_id
		JOIN ismap.registration r ON r.service_id = dep.service_id
			AND r.status = ANY (ARRAY['active', 'suspended'])
		WHERE dep.self_assessed_audit_id IS NULL
		  AND dep.service_id <> ALL (w.via || w.service_id)
	),
	plan AS (
		SELECT DISTINCT ON (w.service_id) w.*,
			   pg_catalog.format('platform %s (service %s) has had no registration since %s; grace of %s passed',
				   l.registration_number, l.service_id, l.ended_on, grace) AS reason
		FROM walk w
		JOIN lapsed l ON l.service_id = w.root
		WHERE w.depth > 0
		ORDER BY w.service_id, w.depth, w.via
	),
	upd AS (
		UPDATE ismap.registration r
		SET status = 'delisted', ended_on = d, end_reason = p.reason,
			cascaded_from = p.from_registration, cascade_path = p.via
		FROM plan p
		WHERE NOT dry AND r.registration_id = p.registration_id
		  AND r.status = ANY (ARRAY['active', 'suspended'])
		RETURNING r.registration_id, r.registration_number, r.service_id, r.end_reason, r.cascade_path
	)
	SELECT 'delisted', u.registration_id,
		   pg_catalog.format('%s (service %s): %s; chain %s', u.registration_number, u.service_id, u.end_reason,
			   pg_catalog.array_to_string(u.cascade_path || u.service_id, ' -> '))
	FROM upd u
	UNION ALL
	SELECT 'delisted', p.registration_id,
		   pg_catalog.format('%s (service %s): %s; chain %s', p.registration_number, p.service_id, p.reason,
			   pg_catalog.array_to_string(p.via || p.service_id, ' -> '))
	FROM plan p WHERE dry
	ORDER BY 2;
	GET DIAGNOSTICS n_delisted = ROW_COUNT;
	PERFORM pg_catalog.set_config('ismap.event_context', '', true);
END
$$;
COMMENT ON FUNCTION ismap.job_cascade(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) IS 'the work of the cascade job, called by ismap.run_job (which holds the lock and records the run run_id, NULL for a dry run)';
REVOKE EXECUTE ON FUNCTION ismap.job_cascade(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) FROM PUBLIC;
INSERT INTO ismap.job (job_name, function, lock_key, description, run_order)
VALUES ('cascade', 'ismap.job_cascade(pg_catalog.date, pg_catalog.bool, pg_catalog.int8)', 103, 'delist, transitively, services whose platform lost its registration (after the grace)', 30);

CREATE OR REPLACE FUNCTION ismap.cascade_delistings(as_of pg_catalog.date DEFAULT CURRENT_DATE, dry_run pg_catalog.bool DEFAULT false)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT * FROM ismap.run_job('cascade', $1, $2)
$$;
COMMENT ON FUNCTION ismap.cascade_delistings(pg_catalog.date, pg_catalog.bool) IS 'cascade job: delist, transitively, live registrations whose platform has had no registration for the policy cascade_grace (self-assessed dependencies excepted), with cascaded_from and cascade_path; idempotent';

CREATE FUNCTION ismap.job_changes(as_of pg_catalog.date, dry_run pg_catalog.bool, run_id pg_catalog.int8)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
SET jit = off
SET work_mem = '64MB'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
AS $$
#variable_conflict use_column
DECLARE
	d pg_catalog.date := job_changes.as_of;
	dry pg_catalog.bool := job_changes.dry_run;
	run pg_catalog.int8 := job_changes.run_id;
	windows pg_catalog.int4[];
	ahead pg_catalog.int4;
	ev_window pg_catalog.interval := (ismap.policy_value('evidence_window') #>> '{}')::pg_catalog.interval;
	conf pg_catalog.float8 := (ismap.policy_value('sampling_confidence') #>> '{}')::pg_catalog.float8;
	tol pg_catalog.float8 := (ismap.policy_value('sampling_tolerable_rate') #>> '{}')::pg_catalog.float8;
	hi pg_catalog.timestamptz;
	n_parts pg_catalog.int8 := 0;
	n_covered pg_catalog.int8;
	n_reinstated pg_catalog.int8;
	n_suspended pg_catalog.int8;
	n_notices pg_catalog.int8;
	n_crossed pg_catalog.int8 := 0;
	n_cleared pg_catalog.int8 := 0;
	m pg_catalog.date;
	part pg_catalog.text;
	rec record;
BEGIN
	BEGIN
		SELECT COALESCE(pg_catalog.array_agg(w::pg_catalog.int4 ORDER BY w::pg_catalog.int4), '{}')
		INTO STRICT windows
		FROM pg_catalog.jsonb_array_elements_text(ismap.policy_value('change_notice_days')) AS e(w);
	EXCEPTION WHEN OTHERS THEN
		windows := NULL;
	END;
	IF windows IS NULL OR pg_catalog.array_position(windows, NULL) IS NOT NULL
	   OR EXISTS (SELECT 1 FROM pg_catalog.unnest(windows) w WHERE w < 0) THEN
		RAISE EXCEPTION 'policy parameter "change_notice_days" must be an array of days, not %',
			(SELECT p.value FROM ismap.policy p WHERE p.name = 'change_notice_days')
			USING ERRCODE = 'invalid_parameter_value', HINT = 'For example [60, 30, 7].';
	END IF;
	BEGIN
		ahead := (ismap.policy_value('evidence_months_ahead') #>> '{}')::pg_catalog.int4;
	EXCEPTION WHEN data_exception THEN
		ahead := NULL;
	END;
	IF ahead IS NULL OR ahead < 0 OR ahead > 120 THEN
		RAISE EXCEPTION 'policy parameter "evidence_months_ahead" must be a number of months from 0 to 120'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF ev_window IS NULL OR ev_window <= '0'::pg_catalog.interval THEN
		RAISE EXCEPTION 'policy parameter "evidence_window" must be a positive interval' USING ERRCODE = 'invalid_parameter_value';
	END IF;

	-- 1. evidence partitions: the month of as_of and the months ahead
	PERFORM ismap.job_progress(pg_catalog.format('changes: evidence partitions to %s months ahead of %s', ahead, d));
	IF NOT dry THEN
		FOR part IN SELECT * FROM ismap.ensure_evidence_partitions(d, (d + pg_catalog.make_interval(months => ahead))::pg_catalog.date) LOOP
			action := 'partition_created'; object_id := NULL; detail := part;
			RETURN NEXT;
			n_parts := n_parts + 1;
		END LOOP;
	ELSE
		m := pg_catalog.date_trunc('month', d)::pg_catalog.date;
		WHILE m <= (d + pg_catalog.make_interval(months => ahead))::pg_catalog.date LOOP
			part := pg_catalog.format('evidence_%s', pg_catalog.to_char(m, 'YYYY_MM'));
			IF pg_catalog.to_regclass(pg_catalog.format('ismap.%I', part)) IS NULL THEN
				action := 'partition_created'; object_id := NULL; detail := 'ismap.' || part;
				RETURN NEXT;
				n_parts := n_parts + 1;
			END IF;
			m := (m + '1 month'::pg_catalog.interval)::pg_catalog.date;
		END LOOP;
	END IF;

	-- 2. material changes an audit now covers (the trigger writes the event)
	PERFORM pg_catalog.set_config('ismap.event_context', pg_catalog.jsonb_build_object(
		'action', 'cover', 'job', 'changes', 'run_id', run, 'as_of', d)::pg_catalog.text, true);
	RETURN QUERY
	WITH cov AS (
		SELECT s.change_id, s.service_id, s.kind, s.effective_on, s.covered_by, s.covered_on, r.registration_number
		FROM ismap.change_status(d) s
		JOIN ismap.service_change c ON c.change_id = s.change_id
		JOIN ismap.registration r ON r.registration_id = s.covered_by
		WHERE s.status = 'covered' AND c.covered_by IS NULL
	),
	upd AS (
		UPDATE ismap.service_change c SET covered_by = cov.covered_by, covered_on = cov.covered_on
		FROM cov WHERE NOT dry AND c.change_id = cov.change_id AND c.covered_by IS NULL
		RETURNING c.change_id
	)
	SELECT 'covered', cov.change_id,
		   pg_catalog.format('change %s of service %s (%s, effective %s): covered by the audit of %s, registered on %s',
			   cov.change_id, cov.service_id, cov.kind, cov.effective_on, cov.registration_number, cov.covered_on)
	FROM cov WHERE dry OR cov.change_id IN (SELECT u.change_id FROM upd u)
	ORDER BY 2;
	GET DIAGNOSTICS n_covered = ROW_COUNT;

	-- 3. suspensions of covered changes are lifted; a registration none
	-- holds any more is active again (a suspended registration that no
	-- change of this job holds was suspended by someone else: left alone)
	PERFORM pg_catalog.set_config('ismap.event_context', pg_catalog.jsonb_build_object(
		'action', 'reinstate', 'job', 'changes', 'run_id', run, 'as_of', d)::pg_catalog.text, true);
	RETURN QUERY
	WITH cov AS (
		SELECT s.change_id FROM ismap.change_status(d) s WHERE s.status = 'covered'
	),
	lift AS (
		UPDATE ismap.change_suspension cs SET lifted_on = d
		WHERE NOT dry AND cs.lifted_on IS NULL AND cs.change_id IN (SELECT cov.change_id FROM cov)
		RETURNING cs.registration_id
	),
	back AS (
		SELECT r.registration_id, r.registration_number, r.service_id,
			   (SELECT pg_catalog.string_agg(cs.change_id::pg_catalog.text, ', ' ORDER BY cs.change_id)
				FROM ismap.change_suspension cs
				WHERE cs.registration_id = r.registration_id AND cs.lifted_on IS NULL) AS changes
		FROM ismap.registration r
		WHERE r.status = 'suspended'
		  AND EXISTS (SELECT 1 FROM ismap.change_suspension cs
					  WHERE cs.registration_id = r.registration_id AND cs.lifted_on IS NULL
						AND cs.change_id IN (SELECT cov.change_id FROM cov))
		  AND NOT EXISTS (SELECT 1 FROM ismap.change_suspension cs
						  WHERE cs.registration_id = r.registration_id AND cs.lifted_on IS NULL
							AND cs.change_id NOT IN (SELECT cov.change_id FROM cov))
	),
	upd AS (
		UPDATE ismap.registration r
		SET status = 'active', end_reason = NULL, cascaded_from = NULL, cascade_path = NULL
		FROM back
		WHERE NOT dry AND r.registration_id = back.registration_id AND r.status = 'suspended'
		  AND (SELECT pg_catalog.count(*) FROM lift) >= 0
		RETURNING r.registration_id
	)
	SELECT 'reinstated', back.registration_id,
		   pg_catalog.format('%s (service %s): active again, change %s covered by an audit',
			   back.registration_number, back.service_id, back.changes)
	FROM back WHERE dry OR back.registration_id IN (SELECT u.registration_id FROM upd u)
	ORDER BY 2;
	GET DIAGNOSTICS n_reinstated = ROW_COUNT;

	-- 4. material changes past their window without an audit: suspend the
	-- service's live registration and what is built on it
	PERFORM ismap.job_progress(pg_catalog.format('changes: %s covered, %s reinstated; suspending for changes due before %s', n_covered, n_reinstated, d));
	PERFORM pg_catalog.set_config('ismap.event_context', pg_catalog.jsonb_build_object(
		'action', 'suspend', 'job', 'changes', 'run_id', run, 'as_of', d)::pg_catalog.text, true);
	RETURN QUERY
	WITH overdue AS (
		SELECT s.change_id, s.service_id AS root_service, s.kind, s.effective_on, s.due_on,
			   root.registration_number AS root_number
		FROM ismap.change_status(d) s
		JOIN ismap.registration root ON root.service_id = s.service_id
			AND root.status = ANY (ARRAY['active', 'suspended'])
		WHERE s.status = 'overdue'
	),
	hit AS (
		SELECT o.*, i.registration_id, i.service_id, i.depth, i.via, r.registration_number, r.status,
			   base.registration_id AS base_registration_id
		FROM overdue o
		CROSS JOIN LATERAL ismap.delisting_impact(o.root_service) i
		JOIN ismap.registration r ON r.registration_id = i.registration_id
		LEFT JOIN ismap.registration base
		  ON i.depth > 0 AND base.service_id = i.via[pg_catalog.array_upper(i.via, 1)]
		 AND base.status = ANY (ARRAY['active', 'suspended'])
		WHERE NOT EXISTS (SELECT 1 FROM ismap.change_suspension cs
						  WHERE cs.change_id = o.change_id AND cs.registration_id = i.registration_id)
		  -- active, or suspended by this job (a change it holds for)
		  AND (r.status = 'active'
			   OR EXISTS (SELECT 1 FROM ismap.change_suspension cs
						  WHERE cs.registration_id = i.registration_id AND cs.lifted_on IS NULL))
	),
	ins AS (
		INSERT INTO ismap.change_suspension (change_id, registration_id, depth, via, suspended_on, run_id)
		SELECT h.change_id, h.registration_id, h.depth, h.via, d, run FROM hit h WHERE NOT dry
		RETURNING change_suspension.registration_id
	),
	pick AS (
		SELECT DISTINCT ON (h.registration_id) h.*,
			   CASE WHEN h.depth = 0
					THEN pg_catalog.format('material change %s (%s, effective %s) not covered by an audit by %s',
						h.change_id, h.kind, h.effective_on, h.due_on)
					ELSE pg_catalog.format('platform suspended: %s (service %s) has material change %s (%s, effective %s) not covered by an audit by %s',
						h.root_number, h.root_service, h.change_id, h.kind, h.effective_on, h.due_on) END AS reason
		FROM hit h
		WHERE h.status = 'active'
		ORDER BY h.registration_id, h.depth, h.change_id
	),
	upd AS (
		UPDATE ismap.registration r
		SET status = 'suspended', end_reason = p.reason,
			cascaded_from = CASE WHEN p.depth = 0 THEN NULL ELSE p.base_registration_id END,
			cascade_path = CASE WHEN p.depth = 0 THEN NULL ELSE p.via END
		FROM pick p
		WHERE NOT dry AND r.registration_id = p.registration_id AND r.status = 'active'
		  AND (SELECT pg_catalog.count(*) FROM ins) >= 0
		RETURNING r.registration_id
	)
	SELECT 'suspended', p.registration_id,
		   pg_catalog.format('%s (service %s): %s%s', p.registration_number, p.service_id, p.reason,
			   CASE WHEN p.depth > 0 THEN ' ; chain ' || pg_catalog.array_to_string(p.via || p.service_id, ' -> ') ELSE '' END)
	FROM pick p WHERE dry OR p.registration_id IN (SELECT u.registration_id FROM upd u)
	ORDER BY 2;
	GET DIAGNOSTICS n_suspended = ROW_COUNT;
	PERFORM pg_catalog.set_config('ismap.event_context', '', true);

	-- 5. notices before a change's window ends: the latest window reached,
	-- once; none once an audit covers the change
	RETURN QUERY
	WITH cand AS (
		SELECT s.change_id, s.service_id, s.kind, s.effective_on, s.due_on, w.days,
			   (s.due_on - w.days) AS occasion
		FROM ismap.change_status(d) s
		CROSS JOIN LATERAL (SELECT pg_catalog.min(x) AS days FROM pg_catalog.unnest(windows) x
							WHERE x >= (s.due_on - d)) w
		WHERE s.status = 'audit_required' AND s.due_on >= d
	),
	fresh AS (
		SELECT c.*, pg_catalog.format('change %s of service %s (%s, effective %s) needs an audit by %s (%s days); %s-day notice',
				   c.change_id, c.service_id, c.kind, c.effective_on, c.due_on, c.due_on - d, c.days) AS what
		FROM cand c
		WHERE c.days IS NOT NULL
		  AND NOT EXISTS (SELECT 1 FROM ismap.notice n
						  WHERE n.kind = 'change_audit_due' AND n.object_id = c.change_id AND n.occasion = c.occasion)
	),
	ins AS (
		INSERT INTO ismap.notice (kind, object_id, occasion, window_days, as_of, detail, run_id)
		SELECT 'change_audit_due', f.change_id, f.occasion, f.days, d, f.what, run FROM fresh f WHERE NOT dry
		ON CONFLICT ON CONSTRAINT notice_once DO NOTHING
		RETURNING notice.object_id, notice.detail
	)
	SELECT 'notice', i.object_id, i.detail FROM ins i
	UNION ALL
	SELECT 'notice', f.change_id, f.what FROM fresh f WHERE dry
	ORDER BY 2;
	GET DIAGNOSTICS n_notices = ROW_COUNT;

	-- 6. control evidence of the policy window: a control that crosses the
	-- limit opens a crossing and gets one notice; one back within closes it
	PERFORM ismap.job_progress(pg_catalog.format('changes: %s suspended, %s notices; control evidence of %s to %s', n_suspended, n_notices, ev_window, d));
	hi := (d + 1)::pg_catalog.timestamptz;
	FOR rec IN
		WITH g AS (
			SELECT e.service_id, e.control_id, pg_catalog.count(*) AS n,
				   pg_catalog.count(*) FILTER (WHERE e.outcome = 'fail') AS dev
			FROM ismap.evidence e
			WHERE e.occurred_at >= hi - ev_window AND e.occurred_at < hi
			GROUP BY e.service_id, e.control_id
		),
		h AS (
			SELECT g.*, ismap.upper_deviation_limit(LEAST(g.n, 2147483647)::pg_catalog.int4,
				LEAST(g.dev, 2147483647)::pg_catalog.int4, conf) AS ul
			FROM g WHERE g.dev > 0
		),
		bad AS (SELECT h.* FROM h WHERE h.ul > tol),
		opened AS (
			SELECT b.* FROM bad b
			WHERE NOT EXISTS (SELECT 1 FROM ismap.control_crossing c
							  WHERE c.cleared_on IS NULL AND c.service_id = b.service_id
								AND c.control_id OPERATOR(ismap.=) b.control_id)
		),
		closed AS (
			SELECT c.crossing_id, c.service_id, c.control_id, c.crossed_on,
				   COALESCE(g.n, 0) AS n, COALESCE(g.dev, 0) AS dev
			FROM ismap.control_crossing c
			LEFT JOIN g ON g.service_id = c.service_id AND g.control_id OPERATOR(ismap.=) c.control_id
			WHERE c.cleared_on IS NULL
			  AND NOT EXISTS (SELECT 1 FROM bad b
							  WHERE b.service_id = c.service_id AND b.control_id OPERATOR(ismap.=) c.control_id)
		),
		insc AS (
			INSERT INTO ismap.control_crossing (service_id, control_id, crossed_on, observations, deviations, upper_limit, run_id)
			SELECT o.service_id, o.control_id, d, o.n, o.dev, o.ul, run FROM opened o WHERE NOT dry
			RETURNING control_crossing.*
		),
		insn AS (
			INSERT INTO ismap.notice (kind, object_id, occasion, as_of, detail, run_id)
			SELECT 'control_limit_exceeded', i.crossing_id, d, d,
				   pg_catalog.format('service %s control %s: %s deviations in %s observations from %s to %s; upper deviation limit %s above the tolerable rate %s',
					   i.service_id, i.control_id, i.deviations, i.observations, (d - ev_window)::pg_catalog.date + 1, d,
					   pg_catalog.round(i.upper_limit::pg_catalog.numeric, 4), tol), run
			FROM insc i
			RETURNING notice.object_id, notice.detail
		),
		updc AS (
			UPDATE ismap.control_crossing c SET cleared_on = d
			FROM closed x WHERE NOT dry AND c.crossing_id = x.crossing_id
			RETURNING c.crossing_id
		)
		SELECT 'limit_exceeded' AS act, i.object_id AS id, i.detail AS what FROM insn i
		UNION ALL
		SELECT 'limit_exceeded', NULL,
			   pg_catalog.format('service %s control %s: %s deviations in %s observations from %s to %s; upper deviation limit %s above the tolerable rate %s',
				   o.service_id, o.control_id, o.dev, o.n, (d - ev_window)::pg_catalog.date + 1, d,
				   pg_catalog.round(o.ul::pg_catalog.numeric, 4), tol)
		FROM opened o WHERE dry
		UNION ALL
		SELECT 'limit_cleared', x.crossing_id,
			   pg_catalog.format('service %s control %s: back within the limit (%s deviations in %s observations), over it since %s',
				   x.service_id, x.control_id, x.dev, x.n, x.crossed_on)
		FROM closed x WHERE dry OR x.crossing_id IN (SELECT u.crossing_id FROM updc u)
		ORDER BY 1, 3
	LOOP
		action := rec.act;
		object_id := rec.id;
		detail := rec.what;
		RETURN NEXT;
		IF rec.act = 'limit_exceeded' THEN
			n_crossed := n_crossed + 1;
		ELSE
			n_cleared := n_cleared + 1;
		END IF;
	END LOOP;
END
$$;
COMMENT ON FUNCTION ismap.job_changes(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) IS 'the work of the changes job, called by ismap.run_job (which holds the lock and records the run run_id, NULL for a dry run)';
REVOKE EXECUTE ON FUNCTION ismap.job_changes(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) FROM PUBLIC;
INSERT INTO ismap.job (job_name, function, lock_key, description, run_order)
VALUES ('changes', 'ismap.job_changes(pg_catalog.date, pg_catalog.bool, pg_catalog.int8)', 104, 'suspend services with a material change left unaudited, watch control evidence, create evidence partitions ahead', 40);

CREATE OR REPLACE FUNCTION ismap.run_changes(as_of pg_catalog.date DEFAULT CURRENT_DATE, dry_run pg_catalog.bool DEFAULT false)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT * FROM ismap.run_job('changes', $1, $2)
$$;
COMMENT ON FUNCTION ismap.run_changes(pg_catalog.date, pg_catalog.bool) IS 'changes job: make evidence partitions ahead, record changes an audit covers, reinstate what they held, suspend (with the delisting walk) registrations whose service has a material change past the policy change_audit_window, write notices before the window ends and one notice per crossing of the control-evidence limit; idempotent';

CREATE FUNCTION ismap.job_chain(as_of pg_catalog.date, dry_run pg_catalog.bool, run_id pg_catalog.int8)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
#variable_conflict use_column
DECLARE
	d pg_catalog.date := job_chain.as_of;
	dry pg_catalog.bool := job_chain.dry_run;
	run pg_catalog.int8 := job_chain.run_id;
	c record;
	last_seal record;
	n pg_catalog.int8 := 0;
	fixed pg_catalog.int8;
	stale pg_catalog.int8[];
	saved_lock_timeout pg_catalog.text := pg_catalog.current_setting('lock_timeout');
BEGIN
	PERFORM ismap.job_progress('chain: recomputing every hash of the event log');
	SELECT * INTO STRICT c FROM ismap.event_chain_full_check();
	IF NOT c.ok THEN
		RAISE EXCEPTION 'the registry event chain is broken at event %', c.first_bad_event
			USING ERRCODE = 'data_corrupted',
				  DETAIL = 'The event''s content, link or order was altered, its predecessor was removed, or the log was cut or rewritten after the newest seal.',
				  HINT = 'Compare the log with a backup and with the newest published head (ismap.event_chain_head); no seal is written while the chain is broken.';
	END IF;
	-- a new seal when there are new events, or when the sealed events were
	-- moved without being changed (VACUUM FULL, a restore): the full check
	-- has just shown them intact
	SELECT s.event_id, s.fingerprint INTO last_seal FROM ismap.event_chain_seal s ORDER BY s.event_id DESC LIMIT 1;
	IF c.head_event IS NOT NULL
	   AND (c.head_event IS DISTINCT FROM last_seal.event_id OR c.fingerprint IS DISTINCT FROM last_seal.fingerprint) THEN
		IF NOT dry THEN
			INSERT INTO ismap.event_chain_seal AS s (event_id, hash, fingerprint, events_checked, run_id)
			VALUES (c.head_event, c.head_hash, c.fingerprint, c.events_checked, run)
			ON CONFLICT (event_id) DO UPDATE
			SET fingerprint = excluded.fingerprint, events_checked = excluded.events_checked,
				sealed_at = excluded.sealed_at, run_id = excluded.run_id;
		END IF;
		n := 1;
		action := CASE WHEN c.head_event IS DISTINCT FROM last_seal.event_id THEN 'sealed' ELSE 'resealed' END;
		object_id := c.head_event;
		detail := pg_catalog.format('%s events checked; sealed at event %s, hash %s',
			c.events_checked, c.head_event, pg_catalog.encode(c.head_hash, 'hex'));
		RETURN NEXT;
	END IF;
	-- The published listing against its tables: a rename made under
	-- REPEATABLE READ or SERIALIZABLE cannot see a registration committed
	-- after its snapshot, and leaves that row with the old name; put right
	-- here, and said (docs/registry.md, "The published list").
	-- The comparison takes no row locks; only the rows found differing are
	-- written (locking their service, provider and audit body as a
	-- registration does), and a rename held open by someone else defers
	-- the repair to the next run instead of stalling the job.
	PERFORM ismap.job_progress('chain: comparing the published listing with its tables');
	stale := ARRAY(SELECT ismap.registry_listing_stale());
	fixed := pg_catalog.cardinality(stale);
	IF fixed OPERATOR(pg_catalog.>) 0 THEN
		action := 'listing_repaired';
		IF NOT dry THEN
			BEGIN
				PERFORM pg_catalog.set_config('lock_timeout', '10s', true);
				PERFORM ismap.refresh_registry_listing(stale);
				PERFORM pg_catalog.set_config('lock_timeout', saved_lock_timeout, true);
			EXCEPTION WHEN lock_not_available THEN
				PERFORM pg_catalog.set_config('lock_timeout', saved_lock_timeout, true);
				action := 'listing_repair_deferred';
				fixed := 0;
			END;
		END IF;
		object_id := NULL;
		detail := pg_catalog.format('%s rows of the published listing differed from their registrations, services, providers and audit bodies', pg_catalog.cardinality(stale));
		IF action OPERATOR(pg_catalog.=) 'listing_repair_deferred' THEN
			detail := detail OPERATOR(pg_catalog.||) '; a rename held open elsewhere kept them locked: the next run tries again';
		END IF;
		RETURN NEXT;
	END IF;
END
$$;
COMMENT ON FUNCTION ismap.job_chain(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) IS 'the work of the chain job, called by ismap.run_job (which holds the lock and records the run run_id, NULL for a dry run)';
REVOKE EXECUTE ON FUNCTION ismap.job_chain(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) FROM PUBLIC;
INSERT INTO ismap.job (job_name, function, lock_key, description, run_order)
VALUES ('chain', 'ismap.job_chain(pg_catalog.date, pg_catalog.bool, pg_catalog.int8)', 105, 'check every hash of the event log and seal it (fails if broken), repair the published listing', 50);

CREATE OR REPLACE FUNCTION ismap.seal_event_chain(as_of pg_catalog.date DEFAULT CURRENT_DATE, dry_run pg_catalog.bool DEFAULT false)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT * FROM ismap.run_job('chain', $1, $2)
$$;
COMMENT ON FUNCTION ismap.seal_event_chain(pg_catalog.date, pg_catalog.bool) IS 'chain job: recompute every hash of the event log; if intact, seal its newest event (hash and fingerprint) so that verify_event_chain checks only what came after; XX001 if broken';

DROP FUNCTION ismap.run_change_checks(pg_catalog.date, pg_catalog.bool);

ALTER TABLE ismap.job_run DROP CONSTRAINT job_run_job;
ALTER TABLE ismap.job_run ADD CONSTRAINT job_run_job FOREIGN KEY (job) REFERENCES ismap.job;

CREATE OR REPLACE VIEW ismap.job_health WITH (security_invoker = true) AS
SELECT j.job_name AS job,
	   ok.run_id AS last_success_run_id,
	   ok.as_of AS last_success_as_of,
	   ok.finished_at AS last_success_at,
	   pg_catalog.now() OPERATOR(pg_catalog.-) ok.finished_at AS age,
	   last.status AS last_status,
	   last.started_at AS last_started_at,
	   last.message AS last_message,
	   (SELECT pg_catalog.count(*) FROM ismap.job_run f
		WHERE f.job OPERATOR(pg_catalog.=) j.job_name AND f.status OPERATOR(pg_catalog.=) 'failed'
		  AND f.started_at OPERATOR(pg_catalog.>) COALESCE(ok.finished_at, '-infinity')) AS failures_since_success,
	   EXISTS (SELECT 1 FROM ismap.job_run x
			   WHERE x.job OPERATOR(pg_catalog.=) j.job_name AND x.status OPERATOR(pg_catalog.=) 'running') AS running
FROM ismap.job j
LEFT JOIN LATERAL (
	SELECT r.run_id, r.as_of, r.finished_at FROM ismap.job_run r
	WHERE r.job OPERATOR(pg_catalog.=) j.job_name AND r.status OPERATOR(pg_catalog.=) 'succeeded'
	ORDER BY r.finished_at DESC, r.run_id DESC LIMIT 1) ok ON true
LEFT JOIN LATERAL (
	SELECT r.status, r.started_at, r.message FROM ismap.job_run r
	WHERE r.job OPERATOR(pg_catalog.=) j.job_name
	ORDER BY r.started_at DESC, r.run_id DESC LIMIT 1) last ON true;
COMMENT ON VIEW ismap.job_health IS 'per batch job of ismap.job: the last successful run, its age, the last run''s status and message, failures since the last success, whether one is running';


-- everyone reads ismap.job; ismap_jobs runs ismap.run_job
CREATE OR REPLACE FUNCTION ismap.create_roles() RETURNS pg_catalog.text[]
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	made pg_catalog.text[] := '{}';
	r pg_catalog.text;
	f pg_catalog.regprocedure;
	owner pg_catalog.name;
BEGIN
	IF NOT (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = CURRENT_USER) THEN
		RAISE EXCEPTION 'ismap.create_roles() must be run by a superuser' USING ERRCODE = 'insufficient_privilege';
	END IF;
	FOREACH r IN ARRAY ARRAY['ismap_reader', 'ismap_registrar', 'ismap_auditor', 'ismap_csp', 'ismap_jobs'] LOOP
		IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r) THEN
			EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN', r);
			made := made || r;
		END IF;
		EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA ismap TO %I', r);
	END LOOP;
	SELECT pg_catalog.pg_get_userbyid(n.nspowner) INTO owner FROM pg_catalog.pg_namespace n WHERE n.nspname = 'ismap';

	-- everyone: the catalogs, the published registry and its reports, the policy
	GRANT SELECT ON ismap.framework, ismap.control, ismap.baseline, ismap.baseline_control,
		ismap.control_mapping, ismap.control_reference, ismap.control_group, ismap.control_param, ismap.policy,
		ismap.service_change, ismap.sla_template,
		ismap.sampling_table, ismap.registry, ismap.registry_listing, ismap.registration, ismap.registry_event, ismap.event_chain_seal,
		ismap.audit_body, ismap.audit_body_selection, ismap.csp, ismap.service, ismap.service_dependency,
		ismap.job
		TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs;
	-- the registrar: every table to read; edits the catalogs, the policy,
	-- the parties and the classification; decides through the functions
	GRANT SELECT ON ALL TABLES IN SCHEMA ismap TO ismap_registrar;
	GRANT INSERT, UPDATE, DELETE ON ismap.framework, ismap.control, ismap.baseline, ismap.baseline_control,
		ismap.control_mapping, ismap.control_reference, ismap.control_group, ismap.control_param,
		ismap.sla_template, ismap.sampling_table,
		ismap.audit_body, ismap.auditor, ismap.auditor_qualification, ismap.audit_body_selection,
		ismap.csp, ismap.organization, ismap.information_asset, ismap.information_system, ismap.system_asset
		TO ismap_registrar;
	GRANT INSERT, UPDATE ON ismap.policy TO ismap_registrar;
	GRANT SELECT ON ismap.organization, ismap.information_asset, ismap.information_system,
		ismap.system_asset TO ismap_reader;
	-- an auditor: its own body's people and audits; statements, results
	-- and control tests of its own audits while they are open
	GRANT SELECT ON ismap.auditor, ismap.auditor_qualification, ismap.audit, ismap.application,
		ismap.statement_item, ismap.audit_result, ismap.control_test, ismap.control_test_evaluation TO ismap_auditor;
	GRANT INSERT, UPDATE, DELETE ON ismap.audit_result, ismap.control_test TO ismap_auditor;
	GRANT INSERT, UPDATE ON ismap.audit TO ismap_auditor;
	-- a provider: its own services, platforms, statements and applications
	-- a registered service's scope and models change only through a reported
	-- change and a new audit, and only an audit decides that a platform was
	-- assessed: the provider holds no privilege on those columns
	GRANT INSERT ON ismap.service TO ismap_csp;
	GRANT UPDATE (name, responsibility) ON ismap.service TO ismap_csp;
	GRANT INSERT (service_id, base_service_id) ON ismap.service_dependency TO ismap_csp;
	GRANT DELETE ON ismap.service_dependency TO ismap_csp;
	GRANT INSERT, UPDATE, DELETE ON ismap.statement_item TO ismap_csp;
	GRANT UPDATE (self_assessed_audit_id) ON ismap.service_dependency TO ismap_auditor, ismap_registrar;
	GRANT SELECT, INSERT ON ismap.application TO ismap_csp;
	GRANT UPDATE (status, decided_on, decision_reason) ON ismap.application TO ismap_csp;
	GRANT SELECT ON ismap.audit, ismap.statement_item, ismap.audit_result, ismap.control_test,
		ismap.control_test_evaluation TO ismap_csp;
	GRANT UPDATE (name, address) ON ismap.csp TO ismap_csp;
	-- a provider reports its own services' changes and feeds their evidence
	-- (what was reported: not its coverage, nor the reporting date)
	GRANT SELECT ON ismap.service_change, ismap.evidence TO ismap_csp;
	REVOKE INSERT ON ismap.service_change FROM ismap_csp;
	GRANT INSERT (service_id, kind, effective_on, description, reported_by) ON ismap.service_change TO ismap_csp;
	GRANT INSERT ON ismap.evidence TO ismap_csp;
	GRANT INSERT ON ismap.service_change TO ismap_registrar;
	GRANT USAGE ON ALL SEQUENCES IN SCHEMA ismap TO ismap_registrar, ismap_auditor, ismap_csp;
	-- but not the numbers of what only the extension's functions write:
	-- nextval would burn event and registration ids, leaving gaps that
	-- look like deleted rows
	REVOKE USAGE ON SEQUENCE ismap.registry_event_event_id_seq, ismap.registration_registration_id_seq,
		ismap.job_run_run_id_seq, ismap.notice_notice_id_seq FROM ismap_registrar, ismap_auditor, ismap_csp;
	-- jobs: read what the batch functions read
	-- (the batch functions have the owner's rights; the role itself reads
	-- only its runs and notices, besides what everyone reads)
	GRANT SELECT ON ismap.job_run, ismap.notice, ismap.job_health TO ismap_jobs;

	-- functions: everything that only reads, to every role; what writes,
	-- to the one role that needs it
	FOR f IN
		SELECT p.oid::pg_catalog.regprocedure FROM pg_catalog.pg_proc p
		JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.objid = p.oid AND d.deptype = 'e'
		JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'ismap'
		WHERE p.provolatile IN ('i', 's') AND p.prorettype <> 'pg_catalog.trigger'::pg_catalog.regtype
		  AND NOT p.prosecdef
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs', f);
	END LOOP;
	FOR f, r IN
		SELECT p.oid::pg_catalog.regprocedure, g.role FROM pg_catalog.pg_proc p
		JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace AND n.nspname = 'ismap'
		JOIN (VALUES ('register', 'ismap_registrar'), ('approve_application', 'ismap_registrar'),
					 ('reject_application', 'ismap_registrar'), ('delist', 'ismap_registrar'),
					 ('principal', 'ismap_registrar'), ('import_control_standard_csv', 'ismap_registrar'),
					 ('import_nist_iso27001_mapping', 'ismap_registrar'), ('import_oscal_catalog', 'ismap_registrar'),
					 ('import_oscal_profile', 'ismap_registrar'),
					 ('run_renewals', 'ismap_jobs'), ('expire_audit_body_selections', 'ismap_jobs'),
					 ('cascade_delistings', 'ismap_jobs'), ('run_changes', 'ismap_jobs'),
					 ('job_start', 'ismap_jobs'), ('job_finish', 'ismap_jobs'), ('job_mark_stale', 'ismap_jobs'),
					 ('prune_job_runs', 'ismap_jobs'), ('run_job', 'ismap_jobs'), ('seal_event_chain', 'ismap_jobs'),
					 ('ensure_evidence_partitions', 'ismap_jobs'), ('ensure_evidence_partitions', 'ismap_registrar')) g(fn, role)
		  ON g.fn = p.proname
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO %I', f, r);
	END LOOP;

	-- the policies' helpers run in the querying role's name: only the roles
	-- whose policies call them get them
	GRANT EXECUTE ON FUNCTION ismap.principal_audit_body(pg_catalog.name), ismap.principal_csp(pg_catalog.name),
		ismap.audit_party(pg_catalog.int8), ismap.service_csp(pg_catalog.int8) TO ismap_auditor, ismap_csp;

	-- row-level policies (re-created, so a second run changes nothing)
	PERFORM ismap.create_policies();
	RETURN made;
END
$$;
COMMENT ON FUNCTION ismap.create_roles() IS 'superuser: create the five ismap roles if missing, grant them least privilege and create the row-level policies; idempotent; returns the roles it created';
SELECT ismap.create_roles();

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

-- ==== Blank reasons ====
CREATE FUNCTION ismap.text_is_blank(t pg_catalog.text) RETURNS pg_catalog.bool
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT t IS NULL OR t OPERATOR(pg_catalog.~) '^[[:space:]\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]*$'
$$;
COMMENT ON FUNCTION ismap.text_is_blank(pg_catalog.text) IS 'true when a text is NULL, empty or only white space (Unicode spaces included)';

-- ==== Blank reasons (continued) ====
CREATE OR REPLACE FUNCTION ismap.delist(p_service_id pg_catalog.int8, p_reason pg_catalog.text, p_as_of pg_catalog.date DEFAULT CURRENT_DATE)
RETURNS SETOF ismap.registration
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	root ismap.registration;
BEGIN
	IF ismap.text_is_blank(p_reason) THEN
		RAISE EXCEPTION 'a delisting needs a reason' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF p_as_of IS NULL THEN
		RAISE EXCEPTION 'the delisting date must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	PERFORM 1 FROM ismap.service WHERE service_id = p_service_id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'service % does not exist', p_service_id USING ERRCODE = 'undefined_object';
	END IF;
	SELECT * INTO root FROM ismap.registration r
	WHERE r.service_id = p_service_id AND r.status IN ('active', 'suspended') FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'service % has no active registration to delist', p_service_id
			USING ERRCODE = 'object_not_in_prerequisite_state';
	END IF;

	RETURN QUERY
	WITH impact AS (
		SELECT i.*, base.registration_id AS base_registration_id
		FROM ismap.delisting_impact(p_service_id) i
		LEFT JOIN ismap.registration base
		  ON i.depth > 0 AND base.service_id = i.via[pg_catalog.array_upper(i.via, 1)]
		 AND base.status IN ('active', 'suspended')
	)
	UPDATE ismap.registration r
	SET status = 'delisted', ended_on = p_as_of,
		end_reason = CASE WHEN impact.depth = 0 THEN p_reason
			ELSE pg_catalog.format('platform delisted: %s', p_reason) END,
		cascaded_from = CASE WHEN impact.depth = 0 THEN NULL
			ELSE COALESCE(impact.base_registration_id, root.registration_id) END,
		cascade_path = CASE WHEN impact.depth = 0 THEN NULL ELSE impact.via END,
		run_id = NULL
	FROM impact
	WHERE r.registration_id = impact.registration_id
	RETURNING r.*;
END
$$;
COMMENT ON FUNCTION ismap.delist(pg_catalog.int8, pg_catalog.text, pg_catalog.date) IS 'delist a service and, in the same transaction, every registration built on it (not self-assessed); returns the rows changed';
CREATE OR REPLACE FUNCTION ismap.reject_application(p_application_id pg_catalog.int8, p_reason pg_catalog.text)
RETURNS ismap.application
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	app ismap.application;
BEGIN
	IF ismap.text_is_blank(p_reason) THEN
		RAISE EXCEPTION 'a rejection needs a reason' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	app := ismap.lock_submitted_application(p_application_id);
	UPDATE ismap.application SET status = 'rejected', decided_on = CURRENT_DATE, decision_reason = p_reason
	WHERE application_id = p_application_id RETURNING * INTO app;
	PERFORM ismap.append_event('application_rejected', NULL, app.service_id,
		pg_catalog.jsonb_build_object('application_id', app.application_id, 'reason', p_reason,
			'findings', (SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('code', f.code, 'severity', f.severity))
						 FROM ismap.validate_application(p_application_id) f)));
	RETURN app;
END
$$;
COMMENT ON FUNCTION ismap.reject_application(pg_catalog.int8, pg_catalog.text) IS 'reject a submitted application with a reason; the decision and the findings at that time go into the event log';

-- ==== The job functions as both changes left them ====
CREATE OR REPLACE FUNCTION ismap.job_renewals(as_of pg_catalog.date, dry_run pg_catalog.bool, run_id pg_catalog.int8)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
SET jit = off
SET work_mem = '64MB'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
AS $$
#variable_conflict use_column
DECLARE
	d pg_catalog.date := job_renewals.as_of;
	dry pg_catalog.bool := job_renewals.dry_run;
	run pg_catalog.int8 := job_renewals.run_id;
	windows pg_catalog.int4[];
	n_expired pg_catalog.int8 := 0;
	n_kept pg_catalog.int8 := 0;
	n_notices pg_catalog.int8;
	rec record;
BEGIN
	BEGIN
		-- an empty array is allowed: no notices
		SELECT COALESCE(pg_catalog.array_agg(w::pg_catalog.int4 ORDER BY w::pg_catalog.int4), '{}')
		INTO STRICT windows
		FROM pg_catalog.jsonb_array_elements_text(ismap.policy_value('notice_windows_days')) AS e(w);
	EXCEPTION WHEN OTHERS THEN
		windows := NULL;
	END;
	IF windows IS NULL OR pg_catalog.array_position(windows, NULL) IS NOT NULL
	   OR EXISTS (SELECT 1 FROM pg_catalog.unnest(windows) w WHERE w OPERATOR(pg_catalog.<) 0) THEN
		RAISE EXCEPTION 'policy parameter "notice_windows_days" must be an array of days, not %',
			(SELECT p.value FROM ismap.policy p WHERE p.name OPERATOR(pg_catalog.=) 'notice_windows_days')
			USING ERRCODE = 'invalid_parameter_value', HINT = 'For example [90, 30, 7].';
	END IF;

	-- 1. what ran out: expire it when no renewal is pending, else report
	-- once (a renewal_pending notice) that a pending renewal keeps it.  One
	-- statement, one scan: the rows it changes are the whole of the work.
	PERFORM ismap.job_progress(pg_catalog.format('renewals: registrations valid until before %s', d));
	FOR rec IN
		WITH pending AS (
			-- the oldest open renewal per service (filed by d, not decided by d)
			SELECT DISTINCT ON (a.service_id) a.service_id, a.application_id, a.submitted_on
			FROM ismap.application a
			WHERE a.kind = 'renewal' AND a.submitted_on <= d
			  AND (a.status = 'submitted' OR a.decided_on > d)
			ORDER BY a.service_id, a.submitted_on, a.application_id
		),
		late AS (
			-- the newest renewal refused or withdrawn: a registration it kept
			-- alive past valid_until ends on the decision day
			SELECT DISTINCT ON (a.service_id) a.service_id, a.application_id, a.status, a.submitted_on, a.decided_on
			FROM ismap.application a
			WHERE a.kind = 'renewal' AND a.status = ANY (ARRAY['rejected', 'withdrawn']) AND a.decided_on <= d
			ORDER BY a.service_id, a.decided_on DESC, a.application_id DESC
		),
		past AS (
			SELECT r.registration_id, r.registration_number, r.valid_until,
				   p.application_id AS pending_application, p.submitted_on AS pending_since,
				   CASE WHEN l.decided_on > r.valid_until AND l.submitted_on <= r.valid_until
						THEN l.decided_on ELSE r.valid_until + 1 END AS ended_on,
				   CASE WHEN l.decided_on > r.valid_until AND l.submitted_on <= r.valid_until
						THEN pg_catalog.format('validity ended on %s; renewal application %s %s on %s', r.valid_until, l.application_id, l.status, l.decided_on)
						ELSE pg_catalog.format('validity ended on %s without renewal', r.valid_until) END AS reason
			FROM ismap.registration r
			LEFT JOIN pending p ON p.service_id = r.service_id AND p.submitted_on <= r.valid_until
			LEFT JOIN late l ON l.service_id = r.service_id
			WHERE r.status = ANY (ARRAY['active', 'suspended']) AND r.valid_until < d
		),
		upd AS (
			UPDATE ismap.registration r
			SET status = 'expired', ended_on = x.ended_on, end_reason = x.reason, run_id = run
			FROM past x
			WHERE NOT dry AND x.pending_application IS NULL
			  AND r.registration_id = x.registration_id
			  AND r.status = ANY (ARRAY['active', 'suspended'])
			RETURNING r.registration_id, r.registration_number, r.end_reason
		),
		ins AS (
			INSERT INTO ismap.notice (kind, object_id, occasion, as_of, detail, run_id)
			SELECT 'renewal_pending', x.registration_id, x.valid_until, d,
				   pg_catalog.format('%s: valid until %s, kept while renewal application %s (filed %s) is under review',
					   x.registration_number, x.valid_until, x.pending_application, x.pending_since), run
			FROM past x
			WHERE NOT dry AND x.pending_application IS NOT NULL
			ON CONFLICT ON CONSTRAINT notice_once DO NOTHING
			RETURNING notice.object_id, notice.detail
		)
		SELECT 'expired' AS act, u.registration_id AS id, pg_catalog.format('%s: %s', u.registration_number, u.end_reason) AS what
		FROM upd u
		UNION ALL
		SELECT 'kept', i.object_id, i.detail FROM ins i
		UNION ALL
		SELECT CASE WHEN x.pending_application IS NULL THEN 'expired' ELSE 'kept' END, x.registration_id,
			   CASE WHEN x.pending_application IS NULL THEN pg_catalog.format('%s: %s', x.registration_number, x.reason)
					ELSE pg_catalog.format('%s: valid until %s, kept while renewal application %s (filed %s) is under review',
						x.registration_number, x.valid_until, x.pending_application, x.pending_since) END
		FROM past x
		WHERE dry AND (x.pending_application IS NULL
			OR NOT EXISTS (SELECT 1 FROM ismap.notice n
						   WHERE n.kind = 'renewal_pending' AND n.object_id = x.registration_id
							 AND n.occasion = x.valid_until))
		ORDER BY 1, 2
	LOOP
		action := rec.act;
		object_id := rec.id;
		detail := rec.what;
		RETURN NEXT;
		IF rec.act = 'expired' THEN
			n_expired := n_expired + 1;
		ELSE
			n_kept := n_kept + 1;
		END IF;
	END LOOP;

	-- 2. renewal notices: for each registration the latest window reached
	-- (the first run inside 30 days writes the 30-day notice, not a late
	-- 90-day one), once; none once a renewal is filed
	PERFORM ismap.job_progress(pg_catalog.format('renewals: %s expired, %s kept; writing notices at %s days before expiry', n_expired, n_kept, windows));
	RETURN QUERY
	WITH cand AS (
		SELECT r.registration_id, r.registration_number, r.valid_until, w.days,
			   (r.valid_until OPERATOR(pg_catalog.-) w.days) AS occasion
		FROM ismap.registration r
		CROSS JOIN LATERAL (
			SELECT pg_catalog.min(x) AS days FROM pg_catalog.unnest(windows) x
			WHERE x OPERATOR(pg_catalog.>=) (r.valid_until OPERATOR(pg_catalog.-) d)) w
		WHERE r.status OPERATOR(pg_catalog.=) ANY (ARRAY['active', 'suspended'])
		  AND r.valid_until OPERATOR(pg_catalog.>=) d
		  AND r.valid_until OPERATOR(pg_catalog.<=) (d OPERATOR(pg_catalog.+) windows[pg_catalog.array_upper(windows, 1)])
		  AND NOT EXISTS (
			SELECT 1 FROM ismap.application a
			WHERE a.service_id OPERATOR(pg_catalog.=) r.service_id AND a.kind OPERATOR(pg_catalog.=) 'renewal'
			  AND a.submitted_on OPERATOR(pg_catalog.<=) d
			  AND (a.status OPERATOR(pg_catalog.=) 'submitted' OR a.decided_on OPERATOR(pg_catalog.>) d))
	),
	fresh AS (
		SELECT c.*, pg_catalog.format('%s: valid until %s (%s days); %s-day renewal notice', c.registration_number,
				   c.valid_until, c.valid_until OPERATOR(pg_catalog.-) d, c.days) AS what
		FROM cand c
		WHERE c.days IS NOT NULL
		  AND (NOT dry OR NOT EXISTS (SELECT 1 FROM ismap.notice n
						  WHERE n.kind OPERATOR(pg_catalog.=) 'renewal_due' AND n.object_id OPERATOR(pg_catalog.=) c.registration_id
							AND n.occasion OPERATOR(pg_catalog.=) c.occasion))
	),
	ins AS (
		INSERT INTO ismap.notice (kind, object_id, occasion, window_days, as_of, detail, run_id)
		SELECT 'renewal_due', f.registration_id, f.occasion, f.days, d, f.what, run FROM fresh f WHERE NOT dry
		ON CONFLICT ON CONSTRAINT notice_once DO NOTHING
		RETURNING notice.object_id, notice.detail
	)
	SELECT 'notice', i.object_id, i.detail FROM ins i
	UNION ALL
	SELECT 'notice', f.registration_id, f.what FROM fresh f WHERE dry
	ORDER BY 2;
	GET DIAGNOSTICS n_notices = ROW_COUNT;
END
$$;
COMMENT ON FUNCTION ismap.job_renewals(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) IS 'the work of the renewals job, called by ismap.run_job (which holds the lock and records the run run_id, NULL for a dry run)';
REVOKE EXECUTE ON FUNCTION ismap.job_renewals(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) FROM PUBLIC;
CREATE OR REPLACE FUNCTION ismap.job_cascade(as_of pg_catalog.date, dry_run pg_catalog.bool, run_id pg_catalog.int8)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
SET jit = off
SET work_mem = '64MB'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
AS $$
#variable_conflict use_column
DECLARE
	d pg_catalog.date := job_cascade.as_of;
	dry pg_catalog.bool := job_cascade.dry_run;
	run pg_catalog.int8 := job_cascade.run_id;
	grace pg_catalog.interval := (ismap.policy_value('cascade_grace') #>> '{}')::pg_catalog.interval;
	n_delisted pg_catalog.int8;
BEGIN
	PERFORM ismap.job_progress(pg_catalog.format('cascade: platforms without a registration since %s or before', (d OPERATOR(pg_catalog.-) grace)::pg_catalog.date));
	RETURN QUERY
	WITH RECURSIVE
	-- platforms that lapsed: no live registration, and the newest of their
	-- ended ones ended long enough ago (only ended registrations are read,
	-- and the live check is a probe of the one-live-per-service index)
	lapsed AS (
		SELECT n.* FROM (
			SELECT DISTINCT ON (r.service_id) r.service_id, r.registration_id, r.registration_number, r.ended_on
			FROM ismap.registration r
			WHERE r.status = ANY (ARRAY['expired', 'delisted'])
			  AND EXISTS (SELECT 1 FROM ismap.service_dependency dep
						  WHERE dep.base_service_id = r.service_id AND dep.self_assessed_audit_id IS NULL)
			  AND NOT EXISTS (SELECT 1 FROM ismap.registration live
							  WHERE live.service_id = r.service_id AND live.status = ANY (ARRAY['active', 'suspended']))
			ORDER BY r.service_id, r.registered_on DESC, r.registration_id DESC) n
		WHERE (n.ended_on + grace)::pg_catalog.date <= d
	),
	-- from_registration: the registration through which a service was
	-- reached, the lapsed platform's last one or the base delisted now
	walk (service_id, registration_id, registration_number, depth, via, root, from_registration) AS (
		SELECT l.service_id, l.registration_id, l.registration_number, 0, ARRAY[]::pg_catalog.int8[], l.service_id, NULL::pg_catalog.int8
		FROM lapsed l
		UNION ALL
		SELECT dep.service_id, r.registration_id, r.registration_number, w.depth + 1,
			   w.via || w.service_id, w.root, w.registration_id
		FROM walk w
		JOIN ismap.service_dependency dep ON dep.base_service_id = w.service_id
		JOIN ismap.registration r ON r.service_id = dep.service_id
			AND r.status = ANY (ARRAY['active', 'suspended'])
		WHERE dep.self_assessed_audit_id IS NULL
		  AND dep.service_id <> ALL (w.via || w.service_id)
	),
	plan AS (
		SELECT DISTINCT ON (w.service_id) w.*,
			   pg_catalog.format('platform %s (service %s) has had no registration since %s; grace of %s passed',
				   l.registration_number, l.service_id, l.ended_on, grace) AS reason
		FROM walk w
		JOIN lapsed l ON l.service_id = w.root
		WHERE w.depth > 0
		ORDER BY w.service_id, w.depth, w.via
	),
	upd AS (
		UPDATE ismap.registration r
		SET status = 'delisted', ended_on = d, end_reason = p.reason,
			cascaded_from = p.from_registration, cascade_path = p.via, run_id = run
		FROM plan p
		WHERE NOT dry AND r.registration_id = p.registration_id
		  AND r.status = ANY (ARRAY['active', 'suspended'])
		RETURNING r.registration_id, r.registration_number, r.service_id, r.end_reason, r.cascade_path
	)
	SELECT 'delisted', u.registration_id,
		   pg_catalog.format('%s (service %s): %s; chain %s', u.registration_number, u.service_id, u.end_reason,
			   pg_catalog.array_to_string(u.cascade_path || u.service_id, ' -> '))
	FROM upd u
	UNION ALL
	SELECT 'delisted', p.registration_id,
		   pg_catalog.format('%s (service %s): %s; chain %s', p.registration_number, p.service_id, p.reason,
			   pg_catalog.array_to_string(p.via || p.service_id, ' -> '))
	FROM plan p WHERE dry
	ORDER BY 2;
	GET DIAGNOSTICS n_delisted = ROW_COUNT;
END
$$;
COMMENT ON FUNCTION ismap.job_cascade(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) IS 'the work of the cascade job, called by ismap.run_job (which holds the lock and records the run run_id, NULL for a dry run)';
REVOKE EXECUTE ON FUNCTION ismap.job_cascade(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) FROM PUBLIC;
CREATE OR REPLACE FUNCTION ismap.job_changes(as_of pg_catalog.date, dry_run pg_catalog.bool, run_id pg_catalog.int8)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
SET jit = off
SET work_mem = '64MB'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
AS $$
#variable_conflict use_column
DECLARE
	d pg_catalog.date := job_changes.as_of;
	dry pg_catalog.bool := job_changes.dry_run;
	run pg_catalog.int8 := job_changes.run_id;
	windows pg_catalog.int4[];
	ahead pg_catalog.int4;
	ev_window pg_catalog.interval := (ismap.policy_value('evidence_window') #>> '{}')::pg_catalog.interval;
	conf pg_catalog.float8 := (ismap.policy_value('sampling_confidence') #>> '{}')::pg_catalog.float8;
	tol pg_catalog.float8 := (ismap.policy_value('sampling_tolerable_rate') #>> '{}')::pg_catalog.float8;
	hi pg_catalog.timestamptz;
	n_parts pg_catalog.int8 := 0;
	n_covered pg_catalog.int8;
	n_reinstated pg_catalog.int8;
	n_suspended pg_catalog.int8;
	n_notices pg_catalog.int8;
	n_crossed pg_catalog.int8 := 0;
	n_cleared pg_catalog.int8 := 0;
	m pg_catalog.date;
	part pg_catalog.text;
	rec record;
BEGIN
	BEGIN
		SELECT COALESCE(pg_catalog.array_agg(w::pg_catalog.int4 ORDER BY w::pg_catalog.int4), '{}')
		INTO STRICT windows
		FROM pg_catalog.jsonb_array_elements_text(ismap.policy_value('change_notice_days')) AS e(w);
	EXCEPTION WHEN OTHERS THEN
		windows := NULL;
	END;
	IF windows IS NULL OR pg_catalog.array_position(windows, NULL) IS NOT NULL
	   OR EXISTS (SELECT 1 FROM pg_catalog.unnest(windows) w WHERE w < 0) THEN
		RAISE EXCEPTION 'policy parameter "change_notice_days" must be an array of days, not %',
			(SELECT p.value FROM ismap.policy p WHERE p.name = 'change_notice_days')
			USING ERRCODE = 'invalid_parameter_value', HINT = 'For example [60, 30, 7].';
	END IF;
	BEGIN
		ahead := (ismap.policy_value('evidence_months_ahead') #>> '{}')::pg_catalog.int4;
	EXCEPTION WHEN data_exception THEN
		ahead := NULL;
	END;
	IF ahead IS NULL OR ahead < 0 OR ahead > 120 THEN
		RAISE EXCEPTION 'policy parameter "evidence_months_ahead" must be a number of months from 0 to 120'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF ev_window IS NULL OR ev_window <= '0'::pg_catalog.interval THEN
		RAISE EXCEPTION 'policy parameter "evidence_window" must be a positive interval' USING ERRCODE = 'invalid_parameter_value';
	END IF;

	-- 1. evidence partitions: the month of as_of and the months ahead
	PERFORM ismap.job_progress(pg_catalog.format('changes: evidence partitions to %s months ahead of %s', ahead, d));
	IF NOT dry THEN
		FOR part IN SELECT * FROM ismap.ensure_evidence_partitions(d, (d + pg_catalog.make_interval(months => ahead))::pg_catalog.date) LOOP
			action := 'partition_created'; object_id := NULL; detail := part;
			RETURN NEXT;
			n_parts := n_parts + 1;
		END LOOP;
	ELSE
		m := pg_catalog.date_trunc('month', d)::pg_catalog.date;
		WHILE m <= (d + pg_catalog.make_interval(months => ahead))::pg_catalog.date LOOP
			part := pg_catalog.format('evidence_%s', pg_catalog.to_char(m, 'YYYY_MM'));
			IF pg_catalog.to_regclass(pg_catalog.format('ismap.%I', part)) IS NULL THEN
				action := 'partition_created'; object_id := NULL; detail := 'ismap.' || part;
				RETURN NEXT;
				n_parts := n_parts + 1;
			END IF;
			m := (m + '1 month'::pg_catalog.interval)::pg_catalog.date;
		END LOOP;
	END IF;

	-- 2. material changes an audit now covers (the trigger writes the event)
	RETURN QUERY
	WITH cov AS (
		SELECT s.change_id, s.service_id, s.kind, s.effective_on, s.covered_by, s.covered_on, r.registration_number
		FROM ismap.change_status(d) s
		JOIN ismap.service_change c ON c.change_id = s.change_id
		JOIN ismap.registration r ON r.registration_id = s.covered_by
		WHERE s.status = 'covered' AND c.covered_by IS NULL
	),
	upd AS (
		UPDATE ismap.service_change c SET covered_by = cov.covered_by, covered_on = cov.covered_on, covered_run_id = run
		FROM cov WHERE NOT dry AND c.change_id = cov.change_id AND c.covered_by IS NULL
		RETURNING c.change_id
	)
	SELECT 'covered', cov.change_id,
		   pg_catalog.format('change %s of service %s (%s, effective %s): covered by the audit of %s, registered on %s',
			   cov.change_id, cov.service_id, cov.kind, cov.effective_on, cov.registration_number, cov.covered_on)
	FROM cov WHERE dry OR cov.change_id IN (SELECT u.change_id FROM upd u)
	ORDER BY 2;
	GET DIAGNOSTICS n_covered = ROW_COUNT;

	-- 3. suspensions of covered changes are lifted; a registration none
	-- holds any more is active again (a suspended registration that no
	-- change of this job holds was suspended by someone else: left alone)
	RETURN QUERY
	WITH cov AS (
		SELECT s.change_id FROM ismap.change_status(d) s WHERE s.status = 'covered'
	),
	lift AS (
		UPDATE ismap.change_suspension cs SET lifted_on = d
		WHERE NOT dry AND cs.lifted_on IS NULL AND cs.change_id IN (SELECT cov.change_id FROM cov)
		RETURNING cs.registration_id
	),
	back AS (
		SELECT r.registration_id, r.registration_number, r.service_id,
			   (SELECT pg_catalog.string_agg(cs.change_id::pg_catalog.text, ', ' ORDER BY cs.change_id)
				FROM ismap.change_suspension cs
				WHERE cs.registration_id = r.registration_id AND cs.lifted_on IS NULL) AS changes
		FROM ismap.registration r
		WHERE r.status = 'suspended'
		  AND EXISTS (SELECT 1 FROM ismap.change_suspension cs
					  WHERE cs.registration_id = r.registration_id AND cs.lifted_on IS NULL
						AND cs.change_id IN (SELECT cov.change_id FROM cov))
		  AND NOT EXISTS (SELECT 1 FROM ismap.change_suspension cs
						  WHERE cs.registration_id = r.registration_id AND cs.lifted_on IS NULL
							AND cs.change_id NOT IN (SELECT cov.change_id FROM cov))
	),
	upd AS (
		UPDATE ismap.registration r
		SET status = 'active', end_reason = NULL, cascaded_from = NULL, cascade_path = NULL, run_id = run
		FROM back
		WHERE NOT dry AND r.registration_id = back.registration_id AND r.status = 'suspended'
		  AND (SELECT pg_catalog.count(*) FROM lift) >= 0
		RETURNING r.registration_id
	)
	SELECT 'reinstated', back.registration_id,
		   pg_catalog.format('%s (service %s): active again, change %s covered by an audit',
			   back.registration_number, back.service_id, back.changes)
	FROM back WHERE dry OR back.registration_id IN (SELECT u.registration_id FROM upd u)
	ORDER BY 2;
	GET DIAGNOSTICS n_reinstated = ROW_COUNT;

	-- 4. material changes past their window without an audit: suspend the
	-- service's live registration and what is built on it
	PERFORM ismap.job_progress(pg_catalog.format('changes: %s covered, %s reinstated; suspending for changes due before %s', n_covered, n_reinstated, d));
	RETURN QUERY
	WITH overdue AS (
		SELECT s.change_id, s.service_id AS root_service, s.kind, s.effective_on, s.due_on,
			   root.registration_number AS root_number
		FROM ismap.change_status(d) s
		JOIN ismap.registration root ON root.service_id = s.service_id
			AND root.status = ANY (ARRAY['active', 'suspended'])
		WHERE s.status = 'overdue'
	),
	hit AS (
		SELECT o.*, i.registration_id, i.service_id, i.depth, i.via, r.registration_number, r.status,
			   base.registration_id AS base_registration_id
		FROM overdue o
		CROSS JOIN LATERAL ismap.delisting_impact(o.root_service) i
		JOIN ismap.registration r ON r.registration_id = i.registration_id
		LEFT JOIN ismap.registration base
		  ON i.depth > 0 AND base.service_id = i.via[pg_catalog.array_upper(i.via, 1)]
		 AND base.status = ANY (ARRAY['active', 'suspended'])
		WHERE NOT EXISTS (SELECT 1 FROM ismap.change_suspension cs
						  WHERE cs.change_id = o.change_id AND cs.registration_id = i.registration_id)
		  -- active, or suspended by this job (a change it holds for)
		  AND (r.status = 'active'
			   OR EXISTS (SELECT 1 FROM ismap.change_suspension cs
						  WHERE cs.registration_id = i.registration_id AND cs.lifted_on IS NULL))
	),
	ins AS (
		INSERT INTO ismap.change_suspension (change_id, registration_id, depth, via, suspended_on, run_id)
		SELECT h.change_id, h.registration_id, h.depth, h.via, d, run FROM hit h WHERE NOT dry
		RETURNING change_suspension.registration_id
	),
	pick AS (
		SELECT DISTINCT ON (h.registration_id) h.*,
			   CASE WHEN h.depth = 0
					THEN pg_catalog.format('material change %s (%s, effective %s) not covered by an audit by %s',
						h.change_id, h.kind, h.effective_on, h.due_on)
					ELSE pg_catalog.format('platform suspended: %s (service %s) has material change %s (%s, effective %s) not covered by an audit by %s',
						h.root_number, h.root_service, h.change_id, h.kind, h.effective_on, h.due_on) END AS reason
		FROM hit h
		WHERE h.status = 'active'
		ORDER BY h.registration_id, h.depth, h.change_id
	),
	upd AS (
		UPDATE ismap.registration r
		SET status = 'suspended', end_reason = p.reason,
			cascaded_from = CASE WHEN p.depth = 0 THEN NULL ELSE p.base_registration_id END,
			cascade_path = CASE WHEN p.depth = 0 THEN NULL ELSE p.via END,
			run_id = run
		FROM pick p
		WHERE NOT dry AND r.registration_id = p.registration_id AND r.status = 'active'
		  AND (SELECT pg_catalog.count(*) FROM ins) >= 0
		RETURNING r.registration_id
	)
	SELECT 'suspended', p.registration_id,
		   pg_catalog.format('%s (service %s): %s%s', p.registration_number, p.service_id, p.reason,
			   CASE WHEN p.depth > 0 THEN ' ; chain ' || pg_catalog.array_to_string(p.via || p.service_id, ' -> ') ELSE '' END)
	FROM pick p WHERE dry OR p.registration_id IN (SELECT u.registration_id FROM upd u)
	ORDER BY 2;
	GET DIAGNOSTICS n_suspended = ROW_COUNT;

	-- 5. notices before a change's window ends: the latest window reached,
	-- once; none once an audit covers the change
	RETURN QUERY
	WITH cand AS (
		SELECT s.change_id, s.service_id, s.kind, s.effective_on, s.due_on, w.days,
			   (s.due_on - w.days) AS occasion
		FROM ismap.change_status(d) s
		CROSS JOIN LATERAL (SELECT pg_catalog.min(x) AS days FROM pg_catalog.unnest(windows) x
							WHERE x >= (s.due_on - d)) w
		WHERE s.status = 'audit_required' AND s.due_on >= d
	),
	fresh AS (
		SELECT c.*, pg_catalog.format('change %s of service %s (%s, effective %s) needs an audit by %s (%s days); %s-day notice',
				   c.change_id, c.service_id, c.kind, c.effective_on, c.due_on, c.due_on - d, c.days) AS what
		FROM cand c
		WHERE c.days IS NOT NULL
		  AND NOT EXISTS (SELECT 1 FROM ismap.notice n
						  WHERE n.kind = 'change_audit_due' AND n.object_id = c.change_id AND n.occasion = c.occasion)
	),
	ins AS (
		INSERT INTO ismap.notice (kind, object_id, occasion, window_days, as_of, detail, run_id)
		SELECT 'change_audit_due', f.change_id, f.occasion, f.days, d, f.what, run FROM fresh f WHERE NOT dry
		ON CONFLICT ON CONSTRAINT notice_once DO NOTHING
		RETURNING notice.object_id, notice.detail
	)
	SELECT 'notice', i.object_id, i.detail FROM ins i
	UNION ALL
	SELECT 'notice', f.change_id, f.what FROM fresh f WHERE dry
	ORDER BY 2;
	GET DIAGNOSTICS n_notices = ROW_COUNT;

	-- 6. control evidence of the policy window: a control that crosses the
	-- limit opens a crossing and gets one notice; one back within closes it
	PERFORM ismap.job_progress(pg_catalog.format('changes: %s suspended, %s notices; control evidence of %s to %s', n_suspended, n_notices, ev_window, d));
	hi := (d + 1)::pg_catalog.timestamptz;
	FOR rec IN
		WITH g AS (
			SELECT e.service_id, e.control_id, pg_catalog.count(*) AS n,
				   pg_catalog.count(*) FILTER (WHERE e.outcome = 'fail') AS dev
			FROM ismap.evidence e
			WHERE e.occurred_at >= hi - ev_window AND e.occurred_at < hi
			GROUP BY e.service_id, e.control_id
		),
		h AS (
			SELECT g.*, ismap.upper_deviation_limit(LEAST(g.n, 2147483647)::pg_catalog.int4,
				LEAST(g.dev, 2147483647)::pg_catalog.int4, conf) AS ul
			FROM g WHERE g.dev > 0
		),
		bad AS (SELECT h.* FROM h WHERE h.ul > tol),
		opened AS (
			SELECT b.* FROM bad b
			WHERE NOT EXISTS (SELECT 1 FROM ismap.control_crossing c
							  WHERE c.cleared_on IS NULL AND c.service_id = b.service_id
								AND c.control_id OPERATOR(ismap.=) b.control_id)
		),
		closed AS (
			SELECT c.crossing_id, c.service_id, c.control_id, c.crossed_on,
				   COALESCE(g.n, 0) AS n, COALESCE(g.dev, 0) AS dev
			FROM ismap.control_crossing c
			LEFT JOIN g ON g.service_id = c.service_id AND g.control_id OPERATOR(ismap.=) c.control_id
			WHERE c.cleared_on IS NULL
			  AND NOT EXISTS (SELECT 1 FROM bad b
							  WHERE b.service_id = c.service_id AND b.control_id OPERATOR(ismap.=) c.control_id)
		),
		insc AS (
			INSERT INTO ismap.control_crossing (service_id, control_id, crossed_on, observations, deviations, upper_limit, run_id)
			SELECT o.service_id, o.control_id, d, o.n, o.dev, o.ul, run FROM opened o WHERE NOT dry
			RETURNING control_crossing.*
		),
		insn AS (
			INSERT INTO ismap.notice (kind, object_id, occasion, as_of, detail, run_id)
			SELECT 'control_limit_exceeded', i.crossing_id, d, d,
				   pg_catalog.format('service %s control %s: %s deviations in %s observations from %s to %s; upper deviation limit %s above the tolerable rate %s',
					   i.service_id, i.control_id, i.deviations, i.observations, (d - ev_window)::pg_catalog.date + 1, d,
					   pg_catalog.round(i.upper_limit::pg_catalog.numeric, 4), tol), run
			FROM insc i
			RETURNING notice.object_id, notice.detail
		),
		updc AS (
			UPDATE ismap.control_crossing c SET cleared_on = d
			FROM closed x WHERE NOT dry AND c.crossing_id = x.crossing_id
			RETURNING c.crossing_id
		)
		SELECT 'limit_exceeded' AS act, i.object_id AS id, i.detail AS what FROM insn i
		UNION ALL
		SELECT 'limit_exceeded', NULL,
			   pg_catalog.format('service %s control %s: %s deviations in %s observations from %s to %s; upper deviation limit %s above the tolerable rate %s',
				   o.service_id, o.control_id, o.dev, o.n, (d - ev_window)::pg_catalog.date + 1, d,
				   pg_catalog.round(o.ul::pg_catalog.numeric, 4), tol)
		FROM opened o WHERE dry
		UNION ALL
		SELECT 'limit_cleared', x.crossing_id,
			   pg_catalog.format('service %s control %s: back within the limit (%s deviations in %s observations), over it since %s',
				   x.service_id, x.control_id, x.dev, x.n, x.crossed_on)
		FROM closed x WHERE dry OR x.crossing_id IN (SELECT u.crossing_id FROM updc u)
		ORDER BY 1, 3
	LOOP
		action := rec.act;
		object_id := rec.id;
		detail := rec.what;
		RETURN NEXT;
		IF rec.act = 'limit_exceeded' THEN
			n_crossed := n_crossed + 1;
		ELSE
			n_cleared := n_cleared + 1;
		END IF;
	END LOOP;
END
$$;
COMMENT ON FUNCTION ismap.job_changes(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) IS 'the work of the changes job, called by ismap.run_job (which holds the lock and records the run run_id, NULL for a dry run)';
REVOKE EXECUTE ON FUNCTION ismap.job_changes(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) FROM PUBLIC;

-- ==== Comments on the columns of the published registry and job_health ====
COMMENT ON COLUMN ismap.registry.registration_number IS 'C<yy>-<nnnn>-<level>: the year and serial of the service''s first registration, then the level';
COMMENT ON COLUMN ismap.registry.registration_id IS 'the registration (ismap.registration)';
COMMENT ON COLUMN ismap.registry.service_id IS 'the registered service (ismap.service)';
COMMENT ON COLUMN ismap.registry.service_name IS 'the service''s name';
COMMENT ON COLUMN ismap.registry.csp_id IS 'the provider (ismap.csp)';
COMMENT ON COLUMN ismap.registry.csp_name IS 'the provider''s name';
COMMENT ON COLUMN ismap.registry.corporate_number IS 'the provider''s 13-digit corporate number (法人番号)';
COMMENT ON COLUMN ismap.registry.level IS 'the registry level, 1 to 3 (a higher level satisfies every lower one)';
COMMENT ON COLUMN ismap.registry.delivery_models IS 'IaaS, PaaS, SaaS: the delivery models of the service';
COMMENT ON COLUMN ismap.registry.deployment_models IS 'public, private, community, hybrid: the deployment models of the service';
COMMENT ON COLUMN ismap.registry.scope IS 'the service''s scope as its provider defines it (the audited scope)';
COMMENT ON COLUMN ismap.registry.registered_on IS 'the day of the registration decision';
COMMENT ON COLUMN ismap.registry.valid_until IS 'the last day of validity (end of the audited period plus the policy''s registration_validity), unless renewed';
COMMENT ON COLUMN ismap.registry.status IS 'active, suspended, expired or delisted';
COMMENT ON COLUMN ismap.registry.ended_on IS 'the day an expired or delisted registration ended';
COMMENT ON COLUMN ismap.registry.end_reason IS 'why it ended (expiry, delisting, a platform''s delisting, replacement by a renewal)';
COMMENT ON COLUMN ismap.registry.audit_body IS 'the name of the audit body whose audit the registration rests on';
COMMENT ON COLUMN ismap.registry.audit_id IS 'the audit the registration rests on (ismap.audit)';
COMMENT ON COLUMN ismap.job_health.job IS 'the batch job (ismap.job)';
COMMENT ON COLUMN ismap.job_health.last_success_run_id IS 'the newest run that succeeded (ismap.job_run)';
COMMENT ON COLUMN ismap.job_health.last_success_as_of IS 'the as_of date of that run';
COMMENT ON COLUMN ismap.job_health.last_success_at IS 'when that run finished';
COMMENT ON COLUMN ismap.job_health.age IS 'how long ago that run finished: alert when it exceeds the job''s schedule';
COMMENT ON COLUMN ismap.job_health.last_status IS 'running, succeeded, failed or skipped: the newest run''s status';
COMMENT ON COLUMN ismap.job_health.last_started_at IS 'when the newest run started';
COMMENT ON COLUMN ismap.job_health.last_message IS 'the newest run''s message (the error of a failed run)';
COMMENT ON COLUMN ismap.job_health.failures_since_success IS 'failed runs since the last success';
COMMENT ON COLUMN ismap.job_health.running IS 'whether a run is in progress';

-- ==== Public and internal surfaces ====
-- What users and roles do not call moves to schema ismap_internal, on which
-- no role but the owner has any privilege (src/sql/internal/schema.sql).
-- Triggers, the aggregate and ismap.job name functions by OID and follow
-- them; the bodies that call them by name are replaced below.
CREATE SCHEMA ismap_internal;
COMMENT ON SCHEMA ismap_internal IS 'internals of the ismap extension (trigger functions, job plumbing, event internals): no role but the owner has any privilege here';
REVOKE ALL ON SCHEMA ismap_internal FROM PUBLIC;

ALTER FUNCTION ismap.default_row_edit() SET SCHEMA ismap_internal;
ALTER FUNCTION ismap.registration_no_delete() SET SCHEMA ismap_internal;
ALTER FUNCTION ismap.registration_audit_trigger() SET SCHEMA ismap_internal;
ALTER FUNCTION ismap.registry_event_guard() SET SCHEMA ismap_internal;
ALTER FUNCTION ismap.registration_event_trigger() SET SCHEMA ismap_internal;
ALTER FUNCTION ismap.registry_listing_registrations() SET SCHEMA ismap_internal;
ALTER FUNCTION ismap.registry_listing_registration_updates() SET SCHEMA ismap_internal;
ALTER FUNCTION ismap.registry_listing_services() SET SCHEMA ismap_internal;
ALTER FUNCTION ismap.registry_listing_csps() SET SCHEMA ismap_internal;
ALTER FUNCTION ismap.registry_listing_audit_bodies() SET SCHEMA ismap_internal;
ALTER FUNCTION ismap.control_mapping_refuse_inverse() SET SCHEMA ismap_internal;
ALTER FUNCTION ismap.sampling_table_edit() SET SCHEMA ismap_internal;
ALTER FUNCTION ismap.service_change_event_trigger() SET SCHEMA ismap_internal;
ALTER FUNCTION ismap.service_change_guard() SET SCHEMA ismap_internal;
ALTER FUNCTION ismap.drop_guard() SET SCHEMA ismap_internal;
ALTER FUNCTION ismap.job_lock_key(pg_catalog.text) SET SCHEMA ismap_internal;
ALTER FUNCTION ismap.job_try_lock(pg_catalog.text) SET SCHEMA ismap_internal;
ALTER FUNCTION ismap.job_progress(pg_catalog.text) SET SCHEMA ismap_internal;
ALTER FUNCTION ismap.job_renewals(pg_catalog.date,pg_catalog.bool,pg_catalog.int8) SET SCHEMA ismap_internal;
ALTER FUNCTION ismap.job_auditor_expiry(pg_catalog.date,pg_catalog.bool,pg_catalog.int8) SET SCHEMA ismap_internal;
ALTER FUNCTION ismap.job_cascade(pg_catalog.date,pg_catalog.bool,pg_catalog.int8) SET SCHEMA ismap_internal;
ALTER FUNCTION ismap.job_changes(pg_catalog.date,pg_catalog.bool,pg_catalog.int8) SET SCHEMA ismap_internal;
ALTER FUNCTION ismap.job_chain(pg_catalog.date,pg_catalog.bool,pg_catalog.int8) SET SCHEMA ismap_internal;
ALTER FUNCTION ismap.append_event(pg_catalog.text,pg_catalog.int8,pg_catalog.int8,pg_catalog.jsonb) SET SCHEMA ismap_internal;
ALTER FUNCTION ismap.event_fingerprint_step(pg_catalog.bytea,pg_catalog.int8,pg_catalog.xid,pg_catalog.tid) SET SCHEMA ismap_internal;
ALTER FUNCTION ismap.event_fingerprint_combine(pg_catalog.bytea,pg_catalog.bytea) SET SCHEMA ismap_internal;
ALTER FUNCTION ismap.lock_submitted_application(pg_catalog.int8) SET SCHEMA ismap_internal;
ALTER FUNCTION ismap.mapping_csv_records(pg_catalog.text,pg_catalog.text,pg_catalog.text[]) SET SCHEMA ismap_internal;
ALTER FUNCTION ismap.create_policies() SET SCHEMA ismap_internal;
-- what the roles were granted on these functions in 0.2.0 goes with the move
DO $$
DECLARE
	f pg_catalog.regprocedure;
	r pg_catalog.name;
BEGIN
	FOR f IN SELECT p.oid::pg_catalog.regprocedure FROM pg_catalog.pg_proc p
			 WHERE p.pronamespace = 'ismap_internal'::pg_catalog.regnamespace LOOP
		EXECUTE pg_catalog.format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f);
		FOR r IN SELECT rolname FROM pg_catalog.pg_roles
				 WHERE rolname IN ('ismap_reader', 'ismap_registrar', 'ismap_auditor', 'ismap_csp', 'ismap_jobs') LOOP
			EXECUTE pg_catalog.format('REVOKE ALL ON FUNCTION %s FROM %I', f, r);
		END LOOP;
	END LOOP;
END
$$;
COMMENT ON EVENT TRIGGER ismap_drop_guard IS 'refuses to drop a registry that holds registrations or events (ismap_internal.drop_guard)';

-- ==== Public and internal surfaces: bodies that call the moved functions ====
CREATE OR REPLACE FUNCTION ismap_internal.registration_event_trigger() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	kind pg_catalog.text;
	ctx pg_catalog.jsonb;
BEGIN
	-- Rows that arrive by COPY are a restore (pg_dump writes table data as
	-- COPY): their events come back with ismap.registry_event's own data,
	-- and writing new ones would fork the chain.  The registry functions
	-- never COPY.
	-- (the whole query must be one COPY ... FROM STDIN, run by a superuser:
	-- a restore, never a multi-statement query that merely starts with COPY)
	IF TG_OP = 'INSERT'
	   AND pg_catalog.current_query() OPERATOR(pg_catalog.~*) '^\s*copy\s[^;]*\sfrom\s+stdin\s*;?\s*$'
	   AND (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname OPERATOR(pg_catalog.=) CURRENT_USER) THEN
		RETURN NULL;
	END IF;
	IF TG_OP = 'INSERT' THEN
		kind := 'registered';
	ELSIF NEW.status IS DISTINCT FROM OLD.status THEN
		kind := CASE NEW.status WHEN 'active' THEN 'reinstated' ELSE NEW.status END;
	ELSE
		kind := 'changed';
	END IF;
	IF TG_OP = 'INSERT' THEN
		SELECT pg_catalog.jsonb_build_object('action', 'register', 'application_id', a.application_id,
			'application_kind', a.kind, 'audit_id', a.audit_id, 'as_of', NEW.registered_on,
			'acknowledged', pg_catalog.to_jsonb(a.acknowledged))
		INTO ctx
		FROM ismap.application a WHERE a.application_id OPERATOR(pg_catalog.=) NEW.application_id;
	ELSIF NEW.run_id IS NOT NULL THEN
		SELECT pg_catalog.jsonb_build_object(
			'action', CASE j.job WHEN 'renewals' THEN 'expire' WHEN 'cascade' THEN 'cascade'
				WHEN 'changes' THEN CASE NEW.status WHEN 'suspended' THEN 'suspend' WHEN 'active' THEN 'reinstate' END END,
			'job', j.job, 'run_id', j.run_id, 'as_of', j.as_of,
			'grace', CASE WHEN j.job OPERATOR(pg_catalog.=) 'cascade' THEN ismap.policy_value('cascade_grace') END)
		INTO ctx
		FROM ismap.job_run j WHERE j.run_id OPERATOR(pg_catalog.=) NEW.run_id;
		IF NOT FOUND THEN
			ctx := pg_catalog.jsonb_build_object('run_id', NEW.run_id);
		END IF;
	ELSIF NEW.status OPERATOR(pg_catalog.=) 'delisted' AND OLD.status IS DISTINCT FROM 'delisted' THEN
		-- the reason given for the service delisted first (delist ends it
		-- in the same statement; this trigger runs after it)
		ctx := pg_catalog.jsonb_build_object('action', 'delist',
			'reason', CASE WHEN NEW.cascade_path IS NULL THEN NEW.end_reason ELSE COALESCE(
				(SELECT r.end_reason FROM ismap.registration r
				 WHERE r.service_id OPERATOR(pg_catalog.=) NEW.cascade_path[1] AND r.status OPERATOR(pg_catalog.=) 'delisted'
				   AND r.ended_on OPERATOR(pg_catalog.=) NEW.ended_on AND r.cascade_path IS NULL
				 ORDER BY r.registration_id DESC LIMIT 1), NEW.end_reason) END,
			'as_of', NEW.ended_on,
			'root_service_id', COALESCE(NEW.cascade_path[1], NEW.service_id));
	ELSIF NEW.status OPERATOR(pg_catalog.=) 'expired' AND OLD.status IS DISTINCT FROM 'expired' THEN
		-- outside the renewals job, register ends one as expired when a
		-- renewal replaces it (the end_reason it writes says so)
		ctx := pg_catalog.jsonb_build_object(
			'action', CASE WHEN NEW.end_reason OPERATOR(pg_catalog.~~) 'replaced by renewal%' THEN 'register' ELSE 'expire' END,
			'reason', NEW.end_reason, 'as_of', NEW.ended_on);
	END IF;
	PERFORM ismap_internal.append_event(kind, NEW.registration_id, NEW.service_id,
		pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
			'registration_number', NEW.registration_number,
			'level', NEW.level,
			'old_status', CASE WHEN TG_OP = 'UPDATE' THEN OLD.status END,
			'status', NEW.status,
			'registered_on', NEW.registered_on,
			'valid_until', NEW.valid_until,
			'ended_on', NEW.ended_on,
			'end_reason', NEW.end_reason,
			'cascaded_from', NEW.cascaded_from,
			'cascade_path', NEW.cascade_path,
			'context', ctx)));
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION ismap_internal.registration_event_trigger() IS 'trigger: writes a registry event for every registration insert or update';
CREATE OR REPLACE FUNCTION ismap.register(p_application_id pg_catalog.int8, p_as_of pg_catalog.date DEFAULT CURRENT_DATE)
RETURNS ismap.registration
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	app ismap.application;
	aud ismap.audit;
	live ismap.registration;
	prior ismap.registration;
	res ismap.registration;
	serial_prefix pg_catalog.text;
	serial pg_catalog.int4;
	validity pg_catalog.interval := (ismap.policy_value('registration_validity') #>> '{}')::pg_catalog.interval;
BEGIN
	IF p_application_id IS NULL OR p_as_of IS NULL THEN
		RAISE EXCEPTION 'application and date must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	app := ismap_internal.lock_submitted_application(p_application_id);
	IF p_as_of < app.submitted_on THEN
		RAISE EXCEPTION 'cannot register application % on %, before it was submitted on %', p_application_id, p_as_of, app.submitted_on
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	SELECT * INTO aud FROM ismap.audit WHERE audit_id = app.audit_id;

	-- one registration decision per service at a time
	PERFORM 1 FROM ismap.service WHERE service_id = app.service_id FOR UPDATE;
	SELECT * INTO live FROM ismap.registration
	WHERE service_id = app.service_id AND status IN ('active', 'suspended');
	IF FOUND AND app.kind = 'new' THEN
		RAISE EXCEPTION 'service % already has registration %', app.service_id, live.registration_number
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  HINT = 'File a renewal application to replace it.';
	END IF;
	IF (aud.period_end + validity)::pg_catalog.date < p_as_of THEN
		RAISE EXCEPTION 'registration of application % would already be expired on %', p_application_id, p_as_of
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = pg_catalog.format('The audited period ended on %s; with a validity of %s it ends on %s.',
					aud.period_end, validity, (aud.period_end + validity)::pg_catalog.date);
	END IF;

	-- the number: a service keeps the serial of its first registration
	SELECT * INTO prior FROM ismap.registration WHERE service_id = app.service_id
	ORDER BY registered_on DESC, registration_id DESC LIMIT 1;
	IF FOUND THEN
		serial_prefix := pg_catalog.regexp_replace(prior.registration_number, '-[1-3]$', '');
	ELSE
		INSERT INTO ismap.registration_serial AS s (year, last_serial)
		VALUES (pg_catalog.date_part('year', p_as_of)::pg_catalog.int2, 1)
		ON CONFLICT (year) DO UPDATE SET last_serial = s.last_serial + 1
		RETURNING s.last_serial INTO serial;
		serial_prefix := pg_catalog.format('C%s-%s',
			pg_catalog.to_char(p_as_of, 'YY'),
			pg_catalog.lpad(serial::pg_catalog.text, GREATEST(4, pg_catalog.length(serial::pg_catalog.text)), '0'));
	END IF;

	-- the events of what follows take their context from the rows: the
	-- application (kind, audit, the acknowledgements approve_application
	-- recorded on it) and the registration (ismap_internal.registration_event_trigger)
	IF live.registration_id IS NOT NULL THEN
		UPDATE ismap.registration
		SET status = 'expired', ended_on = p_as_of,
			end_reason = pg_catalog.format('replaced by renewal (application %s)', app.application_id),
			run_id = NULL
		WHERE registration_id = live.registration_id;
	END IF;
	INSERT INTO ismap.registration (registration_number, service_id, level, application_id,
		registered_on, valid_until, status)
	VALUES (serial_prefix || '-' || app.requested_level, app.service_id, app.requested_level,
		app.application_id, p_as_of, (aud.period_end + validity)::pg_catalog.date, 'active')
	RETURNING * INTO res;

	UPDATE ismap.application SET status = 'approved', decided_on = p_as_of
	WHERE application_id = app.application_id;
	RETURN res;
END
$$;
COMMENT ON FUNCTION ismap.register(pg_catalog.int8, pg_catalog.date) IS 'registrar primitive: register a submitted application (number, validity, replacing the service''s registration on renewal, event); approve_application validates and then calls it';
CREATE OR REPLACE FUNCTION ismap.approve_application(p_application_id pg_catalog.int8,
	p_acknowledged pg_catalog.text[] DEFAULT '{}', p_as_of pg_catalog.date DEFAULT CURRENT_DATE)
RETURNS ismap.registration
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	blocking pg_catalog.text[];
	unacknowledged pg_catalog.text[];
	acked pg_catalog.text[];
	res ismap.registration;
BEGIN
	IF p_application_id IS NULL OR p_as_of IS NULL THEN
		RAISE EXCEPTION 'application and date must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	-- lock first, so the findings cannot change between the check and the decision
	PERFORM ismap_internal.lock_submitted_application(p_application_id);
	SELECT pg_catalog.array_agg(DISTINCT f.code ORDER BY f.code) FILTER (WHERE f.severity = 'error'),
		   pg_catalog.array_agg(DISTINCT f.code ORDER BY f.code) FILTER (WHERE f.severity = 'query'
				AND f.code <> ALL (COALESCE(p_acknowledged, '{}'))),
		   pg_catalog.array_agg(DISTINCT f.code ORDER BY f.code) FILTER (WHERE f.severity = 'query'
				AND f.code = ANY (COALESCE(p_acknowledged, '{}')))
	INTO blocking, unacknowledged, acked
	FROM ismap.validate_application(p_application_id) f;
	IF blocking IS NOT NULL THEN
		RAISE EXCEPTION 'application % cannot be approved: % error finding(s) remain', p_application_id,
			(SELECT pg_catalog.count(*) FROM ismap.validate_application(p_application_id) f WHERE f.severity = 'error')
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = 'Blocking codes: ' OPERATOR(pg_catalog.||) pg_catalog.array_to_string(blocking, ', ') OPERATOR(pg_catalog.||) '.',
				  HINT = 'See ismap.validate_application() for what is wrong and how to fix it.';
	END IF;
	IF unacknowledged IS NOT NULL THEN
		RAISE EXCEPTION 'application % cannot be approved: query finding(s) not acknowledged', p_application_id
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = 'Codes to acknowledge: ' OPERATOR(pg_catalog.||) pg_catalog.array_to_string(unacknowledged, ', ') OPERATOR(pg_catalog.||) '.',
				  HINT = 'Pass the codes the registrar accepts in the acknowledged argument.';
	END IF;
	-- the decision records what it acknowledged; the registered event
	-- takes it from the application row
	UPDATE ismap.application SET acknowledged = COALESCE(acked, '{}')
	WHERE application_id = p_application_id;
	res := ismap.register(p_application_id, p_as_of);
	RETURN res;
END
$$;
COMMENT ON FUNCTION ismap.approve_application(pg_catalog.int8, pg_catalog.text[], pg_catalog.date) IS 'validate and register an application: refused (55000) while an error finding remains or a query code is not acknowledged; the acknowledged codes are recorded on the application and go into the event';
CREATE OR REPLACE FUNCTION ismap.reject_application(p_application_id pg_catalog.int8, p_reason pg_catalog.text)
RETURNS ismap.application
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	app ismap.application;
BEGIN
	IF ismap.text_is_blank(p_reason) THEN
		RAISE EXCEPTION 'a rejection needs a reason' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	app := ismap_internal.lock_submitted_application(p_application_id);
	UPDATE ismap.application SET status = 'rejected', decided_on = CURRENT_DATE, decision_reason = p_reason
	WHERE application_id = p_application_id RETURNING * INTO app;
	PERFORM ismap_internal.append_event('application_rejected', NULL, app.service_id,
		pg_catalog.jsonb_build_object('application_id', app.application_id, 'reason', p_reason,
			'findings', (SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('code', f.code, 'severity', f.severity))
						 FROM ismap.validate_application(p_application_id) f)));
	RETURN app;
END
$$;
COMMENT ON FUNCTION ismap.reject_application(pg_catalog.int8, pg_catalog.text) IS 'reject a submitted application with a reason; the decision and the findings at that time go into the event log';
CREATE OR REPLACE FUNCTION ismap.import_nist_iso27001_mapping(
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
	END IF;
	TRUNCATE pg_temp.ismap_nist_t1, pg_temp.ismap_nist_t2, pg_temp.ismap_nist_p1, pg_temp.ismap_nist_p2;

	FOR r IN SELECT * FROM ismap_internal.mapping_csv_records(table1, 'mapping table 1',
			ARRAY['nist_control', 'oscal_id', 'nist_title', 'status', 'iso_refs_as_published']) LOOP
		IF NOT ismap.ctrlid_is_valid(r.fields[1]) OR r.fields[4] NOT IN ('mapped', 'none', 'withdrawn') THEN
			RAISE EXCEPTION 'mapping table 1 line %: invalid control "%" or status "%"', r.line, r.fields[1], r.fields[4]
				USING ERRCODE = 'invalid_parameter_value';
		END IF;
		INSERT INTO pg_temp.ismap_nist_t1 VALUES (r.line, r.fields[1]::ismap.ctrlid, r.fields[1], r.fields[3], r.fields[4]);
	END LOOP;
	FOR r IN SELECT * FROM ismap_internal.mapping_csv_records(table2, 'mapping table 2',
			ARRAY['iso_ref', 'iso_short_title', 'kind', 'nist_refs_as_published']) LOOP
		IF NOT ismap.ctrlid_is_valid(r.fields[1])
		   OR r.fields[3] NOT IN ('clause', 'subclause', 'annex_a_section', 'annex_a_objective', 'annex_a_control') THEN
			RAISE EXCEPTION 'mapping table 2 line %: invalid reference "%" or kind "%"', r.line, r.fields[1], r.fields[3]
				USING ERRCODE = 'invalid_parameter_value';
		END IF;
		INSERT INTO pg_temp.ismap_nist_t2 VALUES (r.line, r.fields[1]::ismap.ctrlid, r.fields[1], r.fields[2], r.fields[3]);
	END LOOP;

	FOR r IN SELECT * FROM ismap_internal.mapping_csv_records(table1_pairs, 'mapping table 1 pairs',
			ARRAY['nist_control', 'oscal_id', 'iso_ref', 'partial']) LOOP
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
	FOR r IN SELECT * FROM ismap_internal.mapping_csv_records(table2_pairs, 'mapping table 2 pairs',
			ARRAY['iso_ref', 'nist_ref', 'oscal_id', 'partial']) LOOP
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
CREATE OR REPLACE FUNCTION ismap_internal.job_try_lock(p_job pg_catalog.text) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	k pg_catalog.int4 := ismap_internal.job_lock_key(p_job);
	holder pg_catalog.int4;
BEGIN
	IF k IS NULL THEN
		RAISE EXCEPTION 'unknown job "%"', p_job
			USING ERRCODE = 'invalid_parameter_value', HINT = 'The jobs are the rows of ismap.job.';
	END IF;
	IF NOT pg_catalog.pg_try_advisory_xact_lock(1769172321, k) THEN
		SELECT l.pid INTO holder FROM pg_catalog.pg_locks l
		WHERE l.locktype OPERATOR(pg_catalog.=) 'advisory' AND l.granted
		  AND l.classid OPERATOR(pg_catalog.=) 1769172321::pg_catalog.oid
		  AND l.objid OPERATOR(pg_catalog.=) k::pg_catalog.oid AND l.objsubid OPERATOR(pg_catalog.=) 2
		LIMIT 1;
		RAISE EXCEPTION 'job "%" is already running', p_job
			USING ERRCODE = 'lock_not_available',
				  DETAIL = pg_catalog.format('The advisory lock (1769172321, %s) is held by the session with process ID %s.', k, COALESCE(holder::pg_catalog.text, 'unknown')),
				  HINT = 'Wait for that run to end; a rerun with the same date does nothing twice.';
	END IF;
END
$$;
COMMENT ON FUNCTION ismap_internal.job_try_lock(pg_catalog.text) IS 'take a job''s transaction-level advisory lock; 55P03 when another run holds it';
CREATE OR REPLACE FUNCTION ismap.job_start(p_job pg_catalog.text, p_as_of pg_catalog.date) RETURNS pg_catalog.int8
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	id pg_catalog.int8;
BEGIN
	IF ismap_internal.job_lock_key(p_job) IS NULL THEN
		RAISE EXCEPTION 'unknown job "%"', p_job
			USING ERRCODE = 'invalid_parameter_value', HINT = 'The jobs are the rows of ismap.job.';
	END IF;
	IF p_as_of IS NULL THEN
		RAISE EXCEPTION 'the job date must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	PERFORM ismap.job_mark_stale(p_job);
	-- run_by: the one who runs it (the role set with SET ROLE, else the
	-- login role), not the owner whose rights this function has
	INSERT INTO ismap.job_run (job, as_of, backend_start, application_name, run_by)
	SELECT p_job, p_as_of, a.backend_start, NULLIF(pg_catalog.current_setting('application_name'), ''),
		   CASE WHEN pg_catalog.current_setting('role') IN ('none', '') THEN SESSION_USER
				ELSE pg_catalog.current_setting('role')::pg_catalog.name END
	FROM (SELECT pg_catalog.max(s.backend_start) AS backend_start FROM pg_catalog.pg_stat_activity s
		  WHERE s.pid OPERATOR(pg_catalog.=) pg_catalog.pg_backend_pid()) a
	RETURNING run_id INTO id;
	RETURN id;
END
$$;
COMMENT ON FUNCTION ismap.job_start(pg_catalog.text, pg_catalog.date) IS 'record the start of a job run (status running) and return its run_id; marks stale runs of the job failed';
CREATE OR REPLACE FUNCTION ismap.run_job(job_name pg_catalog.text, as_of pg_catalog.date DEFAULT CURRENT_DATE,
	dry_run pg_catalog.bool DEFAULT false, run_id pg_catalog.int8 DEFAULT NULL)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	jname pg_catalog.text := run_job.job_name;
	d pg_catalog.date := run_job.as_of;
	dry pg_catalog.bool := run_job.dry_run;
	run pg_catalog.int8 := run_job.run_id;
	fn pg_catalog.regprocedure;
	call pg_catalog.text;
	counts pg_catalog.jsonb := '{}';
	rec record;
BEGIN
	IF jname IS NULL THEN
		RAISE EXCEPTION 'job_name must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF d IS NULL OR dry IS NULL THEN
		RAISE EXCEPTION 'as_of and dry_run must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF NOT pg_catalog.isfinite(d) THEN
		RAISE EXCEPTION 'as_of must be a finite date, not "%"', d USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF dry AND run IS NOT NULL THEN
		RAISE EXCEPTION 'a dry run records no run: run_id must be null' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	-- 22023 for an unknown job, 55P03 when another run holds the lock
	PERFORM ismap_internal.job_try_lock(jname);
	SELECT j.function INTO STRICT fn FROM ismap.job j WHERE j.job_name OPERATOR(pg_catalog.=) jname;
	SELECT pg_catalog.format('%I.%I', n.nspname, p.proname) INTO call
	FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) p.pronamespace
	WHERE p.oid OPERATOR(pg_catalog.=) fn::pg_catalog.oid
	  AND p.pronargs OPERATOR(pg_catalog.=) 3
	  AND p.proargtypes[0] OPERATOR(pg_catalog.=) 'pg_catalog.date'::pg_catalog.regtype
	  AND p.proargtypes[1] OPERATOR(pg_catalog.=) 'pg_catalog.bool'::pg_catalog.regtype
	  AND p.proargtypes[2] OPERATOR(pg_catalog.=) 'pg_catalog.int8'::pg_catalog.regtype
	  AND p.proretset
	  -- it runs with the owner's rights: only a function the owner of
	  -- ismap.job owns (no one else may redefine it)
	  AND p.proowner OPERATOR(pg_catalog.=) (SELECT c.relowner FROM pg_catalog.pg_class c
											 WHERE c.oid OPERATOR(pg_catalog.=) 'ismap.job'::pg_catalog.regclass);
	IF call IS NULL THEN
		RAISE EXCEPTION 'the function % of job "%" does not exist or is not a job function', fn, jname
			USING ERRCODE = 'undefined_function',
				  HINT = 'A job function takes (as_of date, dry_run boolean, run_id bigint), returns a set of (action text, object_id bigint, detail text) and is owned by the owner of ismap.job.';
	END IF;
	IF NOT dry THEN
		PERFORM ismap.job_mark_stale(jname);
		IF run IS NULL THEN
			run := ismap.job_start(jname, d);
		ELSE
			UPDATE ismap.job_run r SET as_of = d
			WHERE r.run_id OPERATOR(pg_catalog.=) run AND r.job OPERATOR(pg_catalog.=) jname
			  AND r.status OPERATOR(pg_catalog.=) 'running' AND r.backend_pid OPERATOR(pg_catalog.=) pg_catalog.pg_backend_pid();
			IF NOT FOUND THEN
				RAISE EXCEPTION 'job run % is not a running run of job "%" started by this session', run, jname
					USING ERRCODE = 'object_not_in_prerequisite_state',
						  HINT = 'Pass the run_id that ismap.job_start returned in this session, or none.';
			END IF;
		END IF;
	END IF;
	FOR rec IN EXECUTE pg_catalog.format('SELECT f.action::pg_catalog.text AS action, f.object_id::pg_catalog.int8 AS object_id, f.detail::pg_catalog.text AS detail FROM %s($1, $2, $3) f', call)
		USING d, dry, run
	LOOP
		action := rec.action;
		object_id := rec.object_id;
		detail := rec.detail;
		RETURN NEXT;
		counts := pg_catalog.jsonb_set(counts, ARRAY[COALESCE(rec.action, '')],
			pg_catalog.to_jsonb(COALESCE((counts OPERATOR(pg_catalog.->>) COALESCE(rec.action, ''))::pg_catalog.int8, 0) OPERATOR(pg_catalog.+) 1));
	END LOOP;
	IF run IS NOT NULL THEN
		UPDATE ismap.job_run r SET status = 'succeeded', finished_at = pg_catalog.clock_timestamp(), actions = counts
		WHERE r.run_id OPERATOR(pg_catalog.=) run;
	END IF;
	RAISE DEBUG 'run %: %', COALESCE(run::pg_catalog.text, '(dry run)'), counts;
END
$$;
COMMENT ON FUNCTION ismap.run_job(pg_catalog.text, pg_catalog.date, pg_catalog.bool, pg_catalog.int8) IS 'run a batch job of ismap.job: check the arguments, take its advisory lock (55P03 when held), record the run in job_run (or adopt the running run_id the caller started with job_start), call its function and mark the run succeeded with the count of each action; a dry run changes and records nothing';
REVOKE EXECUTE ON FUNCTION ismap.job_start(pg_catalog.text, pg_catalog.date) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION ismap.run_job(pg_catalog.text, pg_catalog.date, pg_catalog.bool, pg_catalog.int8) FROM PUBLIC;
CREATE OR REPLACE FUNCTION ismap_internal.job_renewals(as_of pg_catalog.date, dry_run pg_catalog.bool, run_id pg_catalog.int8)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
SET jit = off
SET work_mem = '64MB'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
AS $$
#variable_conflict use_column
DECLARE
	d pg_catalog.date := job_renewals.as_of;
	dry pg_catalog.bool := job_renewals.dry_run;
	run pg_catalog.int8 := job_renewals.run_id;
	windows pg_catalog.int4[];
	n_expired pg_catalog.int8 := 0;
	n_kept pg_catalog.int8 := 0;
	n_notices pg_catalog.int8;
	rec record;
BEGIN
	BEGIN
		-- an empty array is allowed: no notices
		SELECT COALESCE(pg_catalog.array_agg(w::pg_catalog.int4 ORDER BY w::pg_catalog.int4), '{}')
		INTO STRICT windows
		FROM pg_catalog.jsonb_array_elements_text(ismap.policy_value('notice_windows_days')) AS e(w);
	EXCEPTION WHEN OTHERS THEN
		windows := NULL;
	END;
	IF windows IS NULL OR pg_catalog.array_position(windows, NULL) IS NOT NULL
	   OR EXISTS (SELECT 1 FROM pg_catalog.unnest(windows) w WHERE w OPERATOR(pg_catalog.<) 0) THEN
		RAISE EXCEPTION 'policy parameter "notice_windows_days" must be an array of days, not %',
			(SELECT p.value FROM ismap.policy p WHERE p.name OPERATOR(pg_catalog.=) 'notice_windows_days')
			USING ERRCODE = 'invalid_parameter_value', HINT = 'For example [90, 30, 7].';
	END IF;

	-- 1. what ran out: expire it when no renewal is pending, else report
	-- once (a renewal_pending notice) that a pending renewal keeps it.  One
	-- statement, one scan: the rows it changes are the whole of the work.
	PERFORM ismap_internal.job_progress(pg_catalog.format('renewals: registrations valid until before %s', d));
	FOR rec IN
		WITH pending AS (
			-- the oldest open renewal per service (filed by d, not decided by d)
			SELECT DISTINCT ON (a.service_id) a.service_id, a.application_id, a.submitted_on
			FROM ismap.application a
			WHERE a.kind = 'renewal' AND a.submitted_on <= d
			  AND (a.status = 'submitted' OR a.decided_on > d)
			ORDER BY a.service_id, a.submitted_on, a.application_id
		),
		late AS (
			-- the newest renewal refused or withdrawn: a registration it kept
			-- alive past valid_until ends on the decision day
			SELECT DISTINCT ON (a.service_id) a.service_id, a.application_id, a.status, a.submitted_on, a.decided_on
			FROM ismap.application a
			WHERE a.kind = 'renewal' AND a.status = ANY (ARRAY['rejected', 'withdrawn']) AND a.decided_on <= d
			ORDER BY a.service_id, a.decided_on DESC, a.application_id DESC
		),
		past AS (
			SELECT r.registration_id, r.registration_number, r.valid_until,
				   p.application_id AS pending_application, p.submitted_on AS pending_since,
				   CASE WHEN l.decided_on > r.valid_until AND l.submitted_on <= r.valid_until
						THEN l.decided_on ELSE r.valid_until + 1 END AS ended_on,
				   CASE WHEN l.decided_on > r.valid_until AND l.submitted_on <= r.valid_until
						THEN pg_catalog.format('validity ended on %s; renewal application %s %s on %s', r.valid_until, l.application_id, l.status, l.decided_on)
						ELSE pg_catalog.format('validity ended on %s without renewal', r.valid_until) END AS reason
			FROM ismap.registration r
			LEFT JOIN pending p ON p.service_id = r.service_id AND p.submitted_on <= r.valid_until
			LEFT JOIN late l ON l.service_id = r.service_id
			WHERE r.status = ANY (ARRAY['active', 'suspended']) AND r.valid_until < d
		),
		upd AS (
			UPDATE ismap.registration r
			SET status = 'expired', ended_on = x.ended_on, end_reason = x.reason, run_id = run
			FROM past x
			WHERE NOT dry AND x.pending_application IS NULL
			  AND r.registration_id = x.registration_id
			  AND r.status = ANY (ARRAY['active', 'suspended'])
			RETURNING r.registration_id, r.registration_number, r.end_reason
		),
		ins AS (
			INSERT INTO ismap.notice (kind, object_id, occasion, as_of, detail, run_id)
			SELECT 'renewal_pending', x.registration_id, x.valid_until, d,
				   pg_catalog.format('%s: valid until %s, kept while renewal application %s (filed %s) is under review',
					   x.registration_number, x.valid_until, x.pending_application, x.pending_since), run
			FROM past x
			WHERE NOT dry AND x.pending_application IS NOT NULL
			ON CONFLICT ON CONSTRAINT notice_once DO NOTHING
			RETURNING notice.object_id, notice.detail
		)
		SELECT 'expired' AS act, u.registration_id AS id, pg_catalog.format('%s: %s', u.registration_number, u.end_reason) AS what
		FROM upd u
		UNION ALL
		SELECT 'kept', i.object_id, i.detail FROM ins i
		UNION ALL
		SELECT CASE WHEN x.pending_application IS NULL THEN 'expired' ELSE 'kept' END, x.registration_id,
			   CASE WHEN x.pending_application IS NULL THEN pg_catalog.format('%s: %s', x.registration_number, x.reason)
					ELSE pg_catalog.format('%s: valid until %s, kept while renewal application %s (filed %s) is under review',
						x.registration_number, x.valid_until, x.pending_application, x.pending_since) END
		FROM past x
		WHERE dry AND (x.pending_application IS NULL
			OR NOT EXISTS (SELECT 1 FROM ismap.notice n
						   WHERE n.kind = 'renewal_pending' AND n.object_id = x.registration_id
							 AND n.occasion = x.valid_until))
		ORDER BY 1, 2
	LOOP
		action := rec.act;
		object_id := rec.id;
		detail := rec.what;
		RETURN NEXT;
		IF rec.act = 'expired' THEN
			n_expired := n_expired + 1;
		ELSE
			n_kept := n_kept + 1;
		END IF;
	END LOOP;

	-- 2. renewal notices: for each registration the latest window reached
	-- (the first run inside 30 days writes the 30-day notice, not a late
	-- 90-day one), once; none once a renewal is filed
	PERFORM ismap_internal.job_progress(pg_catalog.format('renewals: %s expired, %s kept; writing notices at %s days before expiry', n_expired, n_kept, windows));
	RETURN QUERY
	WITH cand AS (
		SELECT r.registration_id, r.registration_number, r.valid_until, w.days,
			   (r.valid_until OPERATOR(pg_catalog.-) w.days) AS occasion
		FROM ismap.registration r
		CROSS JOIN LATERAL (
			SELECT pg_catalog.min(x) AS days FROM pg_catalog.unnest(windows) x
			WHERE x OPERATOR(pg_catalog.>=) (r.valid_until OPERATOR(pg_catalog.-) d)) w
		WHERE r.status OPERATOR(pg_catalog.=) ANY (ARRAY['active', 'suspended'])
		  AND r.valid_until OPERATOR(pg_catalog.>=) d
		  AND r.valid_until OPERATOR(pg_catalog.<=) (d OPERATOR(pg_catalog.+) windows[pg_catalog.array_upper(windows, 1)])
		  AND NOT EXISTS (
			SELECT 1 FROM ismap.application a
			WHERE a.service_id OPERATOR(pg_catalog.=) r.service_id AND a.kind OPERATOR(pg_catalog.=) 'renewal'
			  AND a.submitted_on OPERATOR(pg_catalog.<=) d
			  AND (a.status OPERATOR(pg_catalog.=) 'submitted' OR a.decided_on OPERATOR(pg_catalog.>) d))
	),
	fresh AS (
		SELECT c.*, pg_catalog.format('%s: valid until %s (%s days); %s-day renewal notice', c.registration_number,
				   c.valid_until, c.valid_until OPERATOR(pg_catalog.-) d, c.days) AS what
		FROM cand c
		WHERE c.days IS NOT NULL
		  AND (NOT dry OR NOT EXISTS (SELECT 1 FROM ismap.notice n
						  WHERE n.kind OPERATOR(pg_catalog.=) 'renewal_due' AND n.object_id OPERATOR(pg_catalog.=) c.registration_id
							AND n.occasion OPERATOR(pg_catalog.=) c.occasion))
	),
	ins AS (
		INSERT INTO ismap.notice (kind, object_id, occasion, window_days, as_of, detail, run_id)
		SELECT 'renewal_due', f.registration_id, f.occasion, f.days, d, f.what, run FROM fresh f WHERE NOT dry
		ON CONFLICT ON CONSTRAINT notice_once DO NOTHING
		RETURNING notice.object_id, notice.detail
	)
	SELECT 'notice', i.object_id, i.detail FROM ins i
	UNION ALL
	SELECT 'notice', f.registration_id, f.what FROM fresh f WHERE dry
	ORDER BY 2;
	GET DIAGNOSTICS n_notices = ROW_COUNT;
END
$$;
COMMENT ON FUNCTION ismap_internal.job_renewals(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) IS 'the work of the renewals job, called by ismap.run_job (which holds the lock and records the run run_id, NULL for a dry run)';
REVOKE EXECUTE ON FUNCTION ismap_internal.job_renewals(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) FROM PUBLIC;
CREATE OR REPLACE FUNCTION ismap_internal.job_cascade(as_of pg_catalog.date, dry_run pg_catalog.bool, run_id pg_catalog.int8)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
SET jit = off
SET work_mem = '64MB'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
AS $$
#variable_conflict use_column
DECLARE
	d pg_catalog.date := job_cascade.as_of;
	dry pg_catalog.bool := job_cascade.dry_run;
	run pg_catalog.int8 := job_cascade.run_id;
	grace pg_catalog.interval := (ismap.policy_value('cascade_grace') #>> '{}')::pg_catalog.interval;
	n_delisted pg_catalog.int8;
BEGIN
	PERFORM ismap_internal.job_progress(pg_catalog.format('cascade: platforms without a registration since %s or before', (d OPERATOR(pg_catalog.-) grace)::pg_catalog.date));
	RETURN QUERY
	WITH RECURSIVE
	-- platforms that lapsed: no live registration, and the newest of their
	-- ended ones ended long enough ago (only ended registrations are read,
	-- and the live check is a probe of the one-live-per-service index)
	lapsed AS (
		SELECT n.* FROM (
			SELECT DISTINCT ON (r.service_id) r.service_id, r.registration_id, r.registration_number, r.ended_on
			FROM ismap.registration r
			WHERE r.status = ANY (ARRAY['expired', 'delisted'])
			  AND EXISTS (SELECT 1 FROM ismap.service_dependency dep
						  WHERE dep.base_service_id = r.service_id AND dep.self_assessed_audit_id IS NULL)
			  AND NOT EXISTS (SELECT 1 FROM ismap.registration live
							  WHERE live.service_id = r.service_id AND live.status = ANY (ARRAY['active', 'suspended']))
			ORDER BY r.service_id, r.registered_on DESC, r.registration_id DESC) n
		WHERE (n.ended_on + grace)::pg_catalog.date <= d
	),
	-- from_registration: the registration through which a service was
	-- reached, the lapsed platform's last one or the base delisted now
	walk (service_id, registration_id, registration_number, depth, via, root, from_registration) AS (
		SELECT l.service_id, l.registration_id, l.registration_number, 0, ARRAY[]::pg_catalog.int8[], l.service_id, NULL::pg_catalog.int8
		FROM lapsed l
		UNION ALL
		SELECT dep.service_id, r.registration_id, r.registration_number, w.depth + 1,
			   w.via || w.service_id, w.root, w.registration_id
		FROM walk w
		JOIN ismap.service_dependency dep ON dep.base_service_id = w.service_id
		JOIN ismap.registration r ON r.service_id = dep.service_id
			AND r.status = ANY (ARRAY['active', 'suspended'])
		WHERE dep.self_assessed_audit_id IS NULL
		  AND dep.service_id <> ALL (w.via || w.service_id)
	),
	plan AS (
		SELECT DISTINCT ON (w.service_id) w.*,
			   pg_catalog.format('platform %s (service %s) has had no registration since %s; grace of %s passed',
				   l.registration_number, l.service_id, l.ended_on, grace) AS reason
		FROM walk w
		JOIN lapsed l ON l.service_id = w.root
		WHERE w.depth > 0
		ORDER BY w.service_id, w.depth, w.via
	),
	upd AS (
		UPDATE ismap.registration r
		SET status = 'delisted', ended_on = d, end_reason = p.reason,
			cascaded_from = p.from_registration, cascade_path = p.via, run_id = run
		FROM plan p
		WHERE NOT dry AND r.registration_id = p.registration_id
		  AND r.status = ANY (ARRAY['active', 'suspended'])
		RETURNING r.registration_id, r.registration_number, r.service_id, r.end_reason, r.cascade_path
	)
	SELECT 'delisted', u.registration_id,
		   pg_catalog.format('%s (service %s): %s; chain %s', u.registration_number, u.service_id, u.end_reason,
			   pg_catalog.array_to_string(u.cascade_path || u.service_id, ' -> '))
	FROM upd u
	UNION ALL
	SELECT 'delisted', p.registration_id,
		   pg_catalog.format('%s (service %s): %s; chain %s', p.registration_number, p.service_id, p.reason,
			   pg_catalog.array_to_string(p.via || p.service_id, ' -> '))
	FROM plan p WHERE dry
	ORDER BY 2;
	GET DIAGNOSTICS n_delisted = ROW_COUNT;
END
$$;
COMMENT ON FUNCTION ismap_internal.job_cascade(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) IS 'the work of the cascade job, called by ismap.run_job (which holds the lock and records the run run_id, NULL for a dry run)';
REVOKE EXECUTE ON FUNCTION ismap_internal.job_cascade(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) FROM PUBLIC;
CREATE OR REPLACE FUNCTION ismap_internal.service_change_event_trigger() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	live pg_catalog.int8;
BEGIN
	IF TG_OP = 'UPDATE' AND NEW.covered_by IS NOT DISTINCT FROM OLD.covered_by THEN
		RETURN NULL;
	END IF;
	-- Rows that arrive by COPY are a restore (pg_dump writes table data as
	-- COPY): their events come back with ismap.registry_event's own rows,
	-- and new ones would fork the chain.  Changes are reported by INSERT.
	-- (the whole query must be one COPY ... FROM STDIN, run by a superuser:
	-- a restore, never a multi-statement query that merely starts with COPY)
	-- (this function runs with the owner's rights: the one who inserted is
	-- the role set with SET ROLE, else the login role)
	IF TG_OP = 'INSERT'
	   AND pg_catalog.current_query() OPERATOR(pg_catalog.~*) '^\s*copy\s[^;]*\sfrom\s+stdin\s*;?\s*$'
	   AND (SELECT r.rolsuper FROM pg_catalog.pg_roles r
			WHERE r.rolname OPERATOR(pg_catalog.=) CASE WHEN pg_catalog.current_setting('role') IN ('none', '')
				THEN SESSION_USER ELSE pg_catalog.current_setting('role')::pg_catalog.name END) THEN
		RETURN NULL;
	END IF;
	SELECT r.registration_id INTO live FROM ismap.registration r
	WHERE r.service_id = NEW.service_id AND r.status = ANY (ARRAY['active', 'suspended']);
	PERFORM ismap_internal.append_event(CASE WHEN TG_OP = 'INSERT' THEN 'change_reported' ELSE 'change_covered' END,
		live, NEW.service_id,
		pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
			'change_id', NEW.change_id,
			'kind', NEW.kind,
			'material', NEW.material,
			'effective_on', NEW.effective_on,
			'description', CASE WHEN TG_OP = 'INSERT' THEN NEW.description END,
			'reported_by', CASE WHEN TG_OP = 'INSERT' THEN NEW.reported_by END,
			'reported_on', CASE WHEN TG_OP = 'INSERT' THEN NEW.reported_on END,
			'covered_by', NEW.covered_by,
			'covered_on', NEW.covered_on,
			-- the coverage's context: the changes job's run, which its UPDATE
			-- names in covered_run_id (never a setting of the session)
			'context', CASE WHEN TG_OP = 'UPDATE' THEN (
				SELECT pg_catalog.jsonb_build_object('action', 'cover', 'job', j.job, 'run_id', j.run_id, 'as_of', j.as_of)
				FROM ismap.job_run j WHERE j.run_id = NEW.covered_run_id) END)));
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION ismap_internal.service_change_event_trigger() IS 'trigger: writes a registry event (change_reported, change_covered) for a reported change and for its coverage by an audit';
CREATE OR REPLACE FUNCTION ismap_internal.job_changes(as_of pg_catalog.date, dry_run pg_catalog.bool, run_id pg_catalog.int8)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
SET jit = off
SET work_mem = '64MB'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
AS $$
#variable_conflict use_column
DECLARE
	d pg_catalog.date := job_changes.as_of;
	dry pg_catalog.bool := job_changes.dry_run;
	run pg_catalog.int8 := job_changes.run_id;
	windows pg_catalog.int4[];
	ahead pg_catalog.int4;
	ev_window pg_catalog.interval := (ismap.policy_value('evidence_window') #>> '{}')::pg_catalog.interval;
	conf pg_catalog.float8 := (ismap.policy_value('sampling_confidence') #>> '{}')::pg_catalog.float8;
	tol pg_catalog.float8 := (ismap.policy_value('sampling_tolerable_rate') #>> '{}')::pg_catalog.float8;
	hi pg_catalog.timestamptz;
	n_parts pg_catalog.int8 := 0;
	n_covered pg_catalog.int8;
	n_reinstated pg_catalog.int8;
	n_suspended pg_catalog.int8;
	n_notices pg_catalog.int8;
	n_crossed pg_catalog.int8 := 0;
	n_cleared pg_catalog.int8 := 0;
	m pg_catalog.date;
	part pg_catalog.text;
	rec record;
BEGIN
	BEGIN
		SELECT COALESCE(pg_catalog.array_agg(w::pg_catalog.int4 ORDER BY w::pg_catalog.int4), '{}')
		INTO STRICT windows
		FROM pg_catalog.jsonb_array_elements_text(ismap.policy_value('change_notice_days')) AS e(w);
	EXCEPTION WHEN OTHERS THEN
		windows := NULL;
	END;
	IF windows IS NULL OR pg_catalog.array_position(windows, NULL) IS NOT NULL
	   OR EXISTS (SELECT 1 FROM pg_catalog.unnest(windows) w WHERE w < 0) THEN
		RAISE EXCEPTION 'policy parameter "change_notice_days" must be an array of days, not %',
			(SELECT p.value FROM ismap.policy p WHERE p.name = 'change_notice_days')
			USING ERRCODE = 'invalid_parameter_value', HINT = 'For example [60, 30, 7].';
	END IF;
	BEGIN
		ahead := (ismap.policy_value('evidence_months_ahead') #>> '{}')::pg_catalog.int4;
	EXCEPTION WHEN data_exception THEN
		ahead := NULL;
	END;
	IF ahead IS NULL OR ahead < 0 OR ahead > 120 THEN
		RAISE EXCEPTION 'policy parameter "evidence_months_ahead" must be a number of months from 0 to 120'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF ev_window IS NULL OR ev_window <= '0'::pg_catalog.interval THEN
		RAISE EXCEPTION 'policy parameter "evidence_window" must be a positive interval' USING ERRCODE = 'invalid_parameter_value';
	END IF;

	-- 1. evidence partitions: the month of as_of and the months ahead
	PERFORM ismap_internal.job_progress(pg_catalog.format('changes: evidence partitions to %s months ahead of %s', ahead, d));
	IF NOT dry THEN
		FOR part IN SELECT * FROM ismap.ensure_evidence_partitions(d, (d + pg_catalog.make_interval(months => ahead))::pg_catalog.date) LOOP
			action := 'partition_created'; object_id := NULL; detail := part;
			RETURN NEXT;
			n_parts := n_parts + 1;
		END LOOP;
	ELSE
		m := pg_catalog.date_trunc('month', d)::pg_catalog.date;
		WHILE m <= (d + pg_catalog.make_interval(months => ahead))::pg_catalog.date LOOP
			part := pg_catalog.format('evidence_%s', pg_catalog.to_char(m, 'YYYY_MM'));
			IF pg_catalog.to_regclass(pg_catalog.format('ismap.%I', part)) IS NULL THEN
				action := 'partition_created'; object_id := NULL; detail := 'ismap.' || part;
				RETURN NEXT;
				n_parts := n_parts + 1;
			END IF;
			m := (m + '1 month'::pg_catalog.interval)::pg_catalog.date;
		END LOOP;
	END IF;

	-- 2. material changes an audit now covers (the trigger writes the event)
	RETURN QUERY
	WITH cov AS (
		SELECT s.change_id, s.service_id, s.kind, s.effective_on, s.covered_by, s.covered_on, r.registration_number
		FROM ismap.change_status(d) s
		JOIN ismap.service_change c ON c.change_id = s.change_id
		JOIN ismap.registration r ON r.registration_id = s.covered_by
		WHERE s.status = 'covered' AND c.covered_by IS NULL
	),
	upd AS (
		UPDATE ismap.service_change c SET covered_by = cov.covered_by, covered_on = cov.covered_on, covered_run_id = run
		FROM cov WHERE NOT dry AND c.change_id = cov.change_id AND c.covered_by IS NULL
		RETURNING c.change_id
	)
	SELECT 'covered', cov.change_id,
		   pg_catalog.format('change %s of service %s (%s, effective %s): covered by the audit of %s, registered on %s',
			   cov.change_id, cov.service_id, cov.kind, cov.effective_on, cov.registration_number, cov.covered_on)
	FROM cov WHERE dry OR cov.change_id IN (SELECT u.change_id FROM upd u)
	ORDER BY 2;
	GET DIAGNOSTICS n_covered = ROW_COUNT;

	-- 3. suspensions of covered changes are lifted; a registration none
	-- holds any more is active again (a suspended registration that no
	-- change of this job holds was suspended by someone else: left alone)
	RETURN QUERY
	WITH cov AS (
		SELECT s.change_id FROM ismap.change_status(d) s WHERE s.status = 'covered'
	),
	lift AS (
		UPDATE ismap.change_suspension cs SET lifted_on = d
		WHERE NOT dry AND cs.lifted_on IS NULL AND cs.change_id IN (SELECT cov.change_id FROM cov)
		RETURNING cs.registration_id
	),
	back AS (
		SELECT r.registration_id, r.registration_number, r.service_id,
			   (SELECT pg_catalog.string_agg(cs.change_id::pg_catalog.text, ', ' ORDER BY cs.change_id)
				FROM ismap.change_suspension cs
				WHERE cs.registration_id = r.registration_id AND cs.lifted_on IS NULL) AS changes
		FROM ismap.registration r
		WHERE r.status = 'suspended'
		  AND EXISTS (SELECT 1 FROM ismap.change_suspension cs
					  WHERE cs.registration_id = r.registration_id AND cs.lifted_on IS NULL
						AND cs.change_id IN (SELECT cov.change_id FROM cov))
		  AND NOT EXISTS (SELECT 1 FROM ismap.change_suspension cs
						  WHERE cs.registration_id = r.registration_id AND cs.lifted_on IS NULL
							AND cs.change_id NOT IN (SELECT cov.change_id FROM cov))
	),
	upd AS (
		UPDATE ismap.registration r
		SET status = 'active', end_reason = NULL, cascaded_from = NULL, cascade_path = NULL, run_id = run
		FROM back
		WHERE NOT dry AND r.registration_id = back.registration_id AND r.status = 'suspended'
		  AND (SELECT pg_catalog.count(*) FROM lift) >= 0
		RETURNING r.registration_id
	)
	SELECT 'reinstated', back.registration_id,
		   pg_catalog.format('%s (service %s): active again, change %s covered by an audit',
			   back.registration_number, back.service_id, back.changes)
	FROM back WHERE dry OR back.registration_id IN (SELECT u.registration_id FROM upd u)
	ORDER BY 2;
	GET DIAGNOSTICS n_reinstated = ROW_COUNT;

	-- 4. material changes past their window without an audit: suspend the
	-- service's live registration and what is built on it
	PERFORM ismap_internal.job_progress(pg_catalog.format('changes: %s covered, %s reinstated; suspending for changes due before %s', n_covered, n_reinstated, d));
	RETURN QUERY
	WITH overdue AS (
		SELECT s.change_id, s.service_id AS root_service, s.kind, s.effective_on, s.due_on,
			   root.registration_number AS root_number
		FROM ismap.change_status(d) s
		JOIN ismap.registration root ON root.service_id = s.service_id
			AND root.status = ANY (ARRAY['active', 'suspended'])
		WHERE s.status = 'overdue'
	),
	hit AS (
		SELECT o.*, i.registration_id, i.service_id, i.depth, i.via, r.registration_number, r.status,
			   base.registration_id AS base_registration_id
		FROM overdue o
		CROSS JOIN LATERAL ismap.delisting_impact(o.root_service) i
		JOIN ismap.registration r ON r.registration_id = i.registration_id
		LEFT JOIN ismap.registration base
		  ON i.depth > 0 AND base.service_id = i.via[pg_catalog.array_upper(i.via, 1)]
		 AND base.status = ANY (ARRAY['active', 'suspended'])
		WHERE NOT EXISTS (SELECT 1 FROM ismap.change_suspension cs
						  WHERE cs.change_id = o.change_id AND cs.registration_id = i.registration_id)
		  -- active, or suspended by this job (a change it holds for)
		  AND (r.status = 'active'
			   OR EXISTS (SELECT 1 FROM ismap.change_suspension cs
						  WHERE cs.registration_id = i.registration_id AND cs.lifted_on IS NULL))
	),
	ins AS (
		INSERT INTO ismap.change_suspension (change_id, registration_id, depth, via, suspended_on, run_id)
		SELECT h.change_id, h.registration_id, h.depth, h.via, d, run FROM hit h WHERE NOT dry
		RETURNING change_suspension.registration_id
	),
	pick AS (
		SELECT DISTINCT ON (h.registration_id) h.*,
			   CASE WHEN h.depth = 0
					THEN pg_catalog.format('material change %s (%s, effective %s) not covered by an audit by %s',
						h.change_id, h.kind, h.effective_on, h.due_on)
					ELSE pg_catalog.format('platform suspended: %s (service %s) has material change %s (%s, effective %s) not covered by an audit by %s',
						h.root_number, h.root_service, h.change_id, h.kind, h.effective_on, h.due_on) END AS reason
		FROM hit h
		WHERE h.status = 'active'
		ORDER BY h.registration_id, h.depth, h.change_id
	),
	upd AS (
		UPDATE ismap.registration r
		SET status = 'suspended', end_reason = p.reason,
			cascaded_from = CASE WHEN p.depth = 0 THEN NULL ELSE p.base_registration_id END,
			cascade_path = CASE WHEN p.depth = 0 THEN NULL ELSE p.via END,
			run_id = run
		FROM pick p
		WHERE NOT dry AND r.registration_id = p.registration_id AND r.status = 'active'
		  AND (SELECT pg_catalog.count(*) FROM ins) >= 0
		RETURNING r.registration_id
	)
	SELECT 'suspended', p.registration_id,
		   pg_catalog.format('%s (service %s): %s%s', p.registration_number, p.service_id, p.reason,
			   CASE WHEN p.depth > 0 THEN ' ; chain ' || pg_catalog.array_to_string(p.via || p.service_id, ' -> ') ELSE '' END)
	FROM pick p WHERE dry OR p.registration_id IN (SELECT u.registration_id FROM upd u)
	ORDER BY 2;
	GET DIAGNOSTICS n_suspended = ROW_COUNT;

	-- 5. notices before a change's window ends: the latest window reached,
	-- once; none once an audit covers the change
	RETURN QUERY
	WITH cand AS (
		SELECT s.change_id, s.service_id, s.kind, s.effective_on, s.due_on, w.days,
			   (s.due_on - w.days) AS occasion
		FROM ismap.change_status(d) s
		CROSS JOIN LATERAL (SELECT pg_catalog.min(x) AS days FROM pg_catalog.unnest(windows) x
							WHERE x >= (s.due_on - d)) w
		WHERE s.status = 'audit_required' AND s.due_on >= d
	),
	fresh AS (
		SELECT c.*, pg_catalog.format('change %s of service %s (%s, effective %s) needs an audit by %s (%s days); %s-day notice',
				   c.change_id, c.service_id, c.kind, c.effective_on, c.due_on, c.due_on - d, c.days) AS what
		FROM cand c
		WHERE c.days IS NOT NULL
		  AND NOT EXISTS (SELECT 1 FROM ismap.notice n
						  WHERE n.kind = 'change_audit_due' AND n.object_id = c.change_id AND n.occasion = c.occasion)
	),
	ins AS (
		INSERT INTO ismap.notice (kind, object_id, occasion, window_days, as_of, detail, run_id)
		SELECT 'change_audit_due', f.change_id, f.occasion, f.days, d, f.what, run FROM fresh f WHERE NOT dry
		ON CONFLICT ON CONSTRAINT notice_once DO NOTHING
		RETURNING notice.object_id, notice.detail
	)
	SELECT 'notice', i.object_id, i.detail FROM ins i
	UNION ALL
	SELECT 'notice', f.change_id, f.what FROM fresh f WHERE dry
	ORDER BY 2;
	GET DIAGNOSTICS n_notices = ROW_COUNT;

	-- 6. control evidence of the policy window: a control that crosses the
	-- limit opens a crossing and gets one notice; one back within closes it
	PERFORM ismap_internal.job_progress(pg_catalog.format('changes: %s suspended, %s notices; control evidence of %s to %s', n_suspended, n_notices, ev_window, d));
	hi := (d + 1)::pg_catalog.timestamptz;
	FOR rec IN
		WITH g AS (
			SELECT e.service_id, e.control_id, pg_catalog.count(*) AS n,
				   pg_catalog.count(*) FILTER (WHERE e.outcome = 'fail') AS dev
			FROM ismap.evidence e
			WHERE e.occurred_at >= hi - ev_window AND e.occurred_at < hi
			GROUP BY e.service_id, e.control_id
		),
		h AS (
			SELECT g.*, ismap.upper_deviation_limit(LEAST(g.n, 2147483647)::pg_catalog.int4,
				LEAST(g.dev, 2147483647)::pg_catalog.int4, conf) AS ul
			FROM g WHERE g.dev > 0
		),
		bad AS (SELECT h.* FROM h WHERE h.ul > tol),
		opened AS (
			SELECT b.* FROM bad b
			WHERE NOT EXISTS (SELECT 1 FROM ismap.control_crossing c
							  WHERE c.cleared_on IS NULL AND c.service_id = b.service_id
								AND c.control_id OPERATOR(ismap.=) b.control_id)
		),
		closed AS (
			SELECT c.crossing_id, c.service_id, c.control_id, c.crossed_on,
				   COALESCE(g.n, 0) AS n, COALESCE(g.dev, 0) AS dev
			FROM ismap.control_crossing c
			LEFT JOIN g ON g.service_id = c.service_id AND g.control_id OPERATOR(ismap.=) c.control_id
			WHERE c.cleared_on IS NULL
			  AND NOT EXISTS (SELECT 1 FROM bad b
							  WHERE b.service_id = c.service_id AND b.control_id OPERATOR(ismap.=) c.control_id)
		),
		insc AS (
			INSERT INTO ismap.control_crossing (service_id, control_id, crossed_on, observations, deviations, upper_limit, run_id)
			SELECT o.service_id, o.control_id, d, o.n, o.dev, o.ul, run FROM opened o WHERE NOT dry
			RETURNING control_crossing.*
		),
		insn AS (
			INSERT INTO ismap.notice (kind, object_id, occasion, as_of, detail, run_id)
			SELECT 'control_limit_exceeded', i.crossing_id, d, d,
				   pg_catalog.format('service %s control %s: %s deviations in %s observations from %s to %s; upper deviation limit %s above the tolerable rate %s',
					   i.service_id, i.control_id, i.deviations, i.observations, (d - ev_window)::pg_catalog.date + 1, d,
					   pg_catalog.round(i.upper_limit::pg_catalog.numeric, 4), tol), run
			FROM insc i
			RETURNING notice.object_id, notice.detail
		),
		updc AS (
			UPDATE ismap.control_crossing c SET cleared_on = d
			FROM closed x WHERE NOT dry AND c.crossing_id = x.crossing_id
			RETURNING c.crossing_id
		)
		SELECT 'limit_exceeded' AS act, i.object_id AS id, i.detail AS what FROM insn i
		UNION ALL
		SELECT 'limit_exceeded', NULL,
			   pg_catalog.format('service %s control %s: %s deviations in %s observations from %s to %s; upper deviation limit %s above the tolerable rate %s',
				   o.service_id, o.control_id, o.dev, o.n, (d - ev_window)::pg_catalog.date + 1, d,
				   pg_catalog.round(o.ul::pg_catalog.numeric, 4), tol)
		FROM opened o WHERE dry
		UNION ALL
		SELECT 'limit_cleared', x.crossing_id,
			   pg_catalog.format('service %s control %s: back within the limit (%s deviations in %s observations), over it since %s',
				   x.service_id, x.control_id, x.dev, x.n, x.crossed_on)
		FROM closed x WHERE dry OR x.crossing_id IN (SELECT u.crossing_id FROM updc u)
		ORDER BY 1, 3
	LOOP
		action := rec.act;
		object_id := rec.id;
		detail := rec.what;
		RETURN NEXT;
		IF rec.act = 'limit_exceeded' THEN
			n_crossed := n_crossed + 1;
		ELSE
			n_cleared := n_cleared + 1;
		END IF;
	END LOOP;
END
$$;
COMMENT ON FUNCTION ismap_internal.job_changes(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) IS 'the work of the changes job, called by ismap.run_job (which holds the lock and records the run run_id, NULL for a dry run)';
REVOKE EXECUTE ON FUNCTION ismap_internal.job_changes(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) FROM PUBLIC;
CREATE OR REPLACE FUNCTION ismap_internal.job_chain(as_of pg_catalog.date, dry_run pg_catalog.bool, run_id pg_catalog.int8)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
SET jit = off
AS $$
#variable_conflict use_column
DECLARE
	d pg_catalog.date := job_chain.as_of;
	dry pg_catalog.bool := job_chain.dry_run;
	run pg_catalog.int8 := job_chain.run_id;
	c record;
	last_seal record;
	n pg_catalog.int8 := 0;
	fixed pg_catalog.int8;
	stale pg_catalog.int8[];
	saved_lock_timeout pg_catalog.text := pg_catalog.current_setting('lock_timeout');
BEGIN
	PERFORM ismap_internal.job_progress('chain: recomputing every hash of the event log');
	SELECT * INTO STRICT c FROM ismap.event_chain_full_check();
	IF NOT c.ok THEN
		RAISE EXCEPTION 'the registry event chain is broken at event %', c.first_bad_event
			USING ERRCODE = 'data_corrupted',
				  DETAIL = 'The event''s content, link or order was altered, its predecessor was removed, or the log was cut or rewritten after the newest seal.',
				  HINT = 'Compare the log with a backup and with the newest published head (ismap.event_chain_head); no seal is written while the chain is broken.';
	END IF;
	-- a new seal when there are new events, or when the sealed events were
	-- moved without being changed (VACUUM FULL, a restore): the full check
	-- has just shown them intact
	SELECT s.event_id, s.fingerprint INTO last_seal FROM ismap.event_chain_seal s ORDER BY s.event_id DESC LIMIT 1;
	IF c.head_event IS NOT NULL
	   AND (c.head_event IS DISTINCT FROM last_seal.event_id OR c.fingerprint IS DISTINCT FROM last_seal.fingerprint) THEN
		IF NOT dry THEN
			INSERT INTO ismap.event_chain_seal AS s (event_id, hash, fingerprint, events_checked, run_id)
			VALUES (c.head_event, c.head_hash, c.fingerprint, c.events_checked, run)
			ON CONFLICT (event_id) DO UPDATE
			SET fingerprint = excluded.fingerprint, events_checked = excluded.events_checked,
				sealed_at = excluded.sealed_at, run_id = excluded.run_id;
		END IF;
		n := 1;
		action := CASE WHEN c.head_event IS DISTINCT FROM last_seal.event_id THEN 'sealed' ELSE 'resealed' END;
		object_id := c.head_event;
		detail := pg_catalog.format('%s events checked; sealed at event %s, hash %s',
			c.events_checked, c.head_event, pg_catalog.encode(c.head_hash, 'hex'));
		RETURN NEXT;
	END IF;
	-- The published listing against its tables: a rename made under
	-- REPEATABLE READ or SERIALIZABLE cannot see a registration committed
	-- after its snapshot, and leaves that row with the old name; put right
	-- here, and said (docs/registry.md, "The published list").
	-- The comparison takes no row locks; only the rows found differing are
	-- written (locking their service, provider and audit body as a
	-- registration does), and a rename held open by someone else defers
	-- the repair to the next run instead of stalling the job.
	PERFORM ismap_internal.job_progress('chain: comparing the published listing with its tables');
	stale := ARRAY(SELECT ismap.registry_listing_stale());
	fixed := pg_catalog.cardinality(stale);
	IF fixed OPERATOR(pg_catalog.>) 0 THEN
		action := 'listing_repaired';
		IF NOT dry THEN
			BEGIN
				PERFORM pg_catalog.set_config('lock_timeout', '10s', true);
				PERFORM ismap.refresh_registry_listing(stale);
				PERFORM pg_catalog.set_config('lock_timeout', saved_lock_timeout, true);
			EXCEPTION WHEN lock_not_available THEN
				PERFORM pg_catalog.set_config('lock_timeout', saved_lock_timeout, true);
				action := 'listing_repair_deferred';
				fixed := 0;
			END;
		END IF;
		object_id := NULL;
		detail := pg_catalog.format('%s rows of the published listing differed from their registrations, services, providers and audit bodies', pg_catalog.cardinality(stale));
		IF action OPERATOR(pg_catalog.=) 'listing_repair_deferred' THEN
			detail := detail OPERATOR(pg_catalog.||) '; a rename held open elsewhere kept them locked: the next run tries again';
		END IF;
		RETURN NEXT;
	END IF;
END
$$;
COMMENT ON FUNCTION ismap_internal.job_chain(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) IS 'the work of the chain job, called by ismap.run_job (which holds the lock and records the run run_id, NULL for a dry run)';
REVOKE EXECUTE ON FUNCTION ismap_internal.job_chain(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) FROM PUBLIC;
CREATE OR REPLACE FUNCTION ismap.create_roles() RETURNS pg_catalog.text[]
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	made pg_catalog.text[] := '{}';
	r pg_catalog.text;
	f pg_catalog.regprocedure;
	owner pg_catalog.name;
BEGIN
	IF NOT (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = CURRENT_USER) THEN
		RAISE EXCEPTION 'ismap.create_roles() must be run by a superuser' USING ERRCODE = 'insufficient_privilege';
	END IF;
	FOREACH r IN ARRAY ARRAY['ismap_reader', 'ismap_registrar', 'ismap_auditor', 'ismap_csp', 'ismap_jobs'] LOOP
		IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r) THEN
			EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN', r);
			made := made || r;
		END IF;
		EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA ismap TO %I', r);
	END LOOP;
	SELECT pg_catalog.pg_get_userbyid(n.nspowner) INTO owner FROM pg_catalog.pg_namespace n WHERE n.nspname = 'ismap';

	-- everyone: the catalogs, the published registry and its reports, the policy
	GRANT SELECT ON ismap.framework, ismap.control, ismap.baseline, ismap.baseline_control,
		ismap.control_mapping, ismap.control_reference, ismap.control_group, ismap.control_param, ismap.policy,
		ismap.service_change, ismap.sla_template,
		ismap.sampling_table, ismap.registry, ismap.registry_listing, ismap.registration, ismap.registry_event, ismap.event_chain_seal,
		ismap.audit_body, ismap.audit_body_selection, ismap.csp, ismap.service, ismap.service_dependency,
		ismap.job
		TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs;
	-- the registrar: every table to read; edits the catalogs, the policy,
	-- the parties and the classification; decides through the functions
	GRANT SELECT ON ALL TABLES IN SCHEMA ismap TO ismap_registrar;
	GRANT INSERT, UPDATE, DELETE ON ismap.framework, ismap.control, ismap.baseline, ismap.baseline_control,
		ismap.control_mapping, ismap.control_reference, ismap.control_group, ismap.control_param,
		ismap.sla_template, ismap.sampling_table,
		ismap.audit_body, ismap.auditor, ismap.auditor_qualification, ismap.audit_body_selection,
		ismap.csp, ismap.organization, ismap.information_asset, ismap.information_system, ismap.system_asset
		TO ismap_registrar;
	GRANT INSERT, UPDATE ON ismap.policy TO ismap_registrar;
	GRANT SELECT ON ismap.organization, ismap.information_asset, ismap.information_system,
		ismap.system_asset TO ismap_reader;
	-- an auditor: its own body's people and audits; statements, results
	-- and control tests of its own audits while they are open
	GRANT SELECT ON ismap.auditor, ismap.auditor_qualification, ismap.audit, ismap.application,
		ismap.statement_item, ismap.audit_result, ismap.control_test, ismap.control_test_evaluation TO ismap_auditor;
	GRANT INSERT, UPDATE, DELETE ON ismap.audit_result, ismap.control_test TO ismap_auditor;
	GRANT INSERT, UPDATE ON ismap.audit TO ismap_auditor;
	-- a provider: its own services, platforms, statements and applications
	-- a registered service's scope and models change only through a reported
	-- change and a new audit, and only an audit decides that a platform was
	-- assessed: the provider holds no privilege on those columns
	GRANT INSERT ON ismap.service TO ismap_csp;
	GRANT UPDATE (name, responsibility) ON ismap.service TO ismap_csp;
	GRANT INSERT (service_id, base_service_id) ON ismap.service_dependency TO ismap_csp;
	GRANT DELETE ON ismap.service_dependency TO ismap_csp;
	GRANT INSERT, UPDATE, DELETE ON ismap.statement_item TO ismap_csp;
	GRANT UPDATE (self_assessed_audit_id) ON ismap.service_dependency TO ismap_auditor, ismap_registrar;
	GRANT SELECT, INSERT ON ismap.application TO ismap_csp;
	GRANT UPDATE (status, decided_on, decision_reason) ON ismap.application TO ismap_csp;
	GRANT SELECT ON ismap.audit, ismap.statement_item, ismap.audit_result, ismap.control_test,
		ismap.control_test_evaluation TO ismap_csp;
	GRANT UPDATE (name, address) ON ismap.csp TO ismap_csp;
	-- a provider reports its own services' changes and feeds their evidence
	-- (what was reported: not its coverage, nor the reporting date)
	GRANT SELECT ON ismap.service_change, ismap.evidence TO ismap_csp;
	REVOKE INSERT ON ismap.service_change FROM ismap_csp;
	GRANT INSERT (service_id, kind, effective_on, description, reported_by) ON ismap.service_change TO ismap_csp;
	GRANT INSERT ON ismap.evidence TO ismap_csp;
	GRANT INSERT ON ismap.service_change TO ismap_registrar;
	GRANT USAGE ON ALL SEQUENCES IN SCHEMA ismap TO ismap_registrar, ismap_auditor, ismap_csp;
	-- but not the numbers of what only the extension's functions write:
	-- nextval would burn event and registration ids, leaving gaps that
	-- look like deleted rows
	REVOKE USAGE ON SEQUENCE ismap.registry_event_event_id_seq, ismap.registration_registration_id_seq,
		ismap.job_run_run_id_seq, ismap.notice_notice_id_seq FROM ismap_registrar, ismap_auditor, ismap_csp;
	-- jobs: read what the batch functions read
	-- (the batch functions have the owner's rights; the role itself reads
	-- only its runs and notices, besides what everyone reads)
	GRANT SELECT ON ismap.job_run, ismap.notice, ismap.job_health TO ismap_jobs;

	-- functions: everything that only reads, to every role; what writes,
	-- to the one role that needs it
	FOR f IN
		SELECT p.oid::pg_catalog.regprocedure FROM pg_catalog.pg_proc p
		JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.objid = p.oid AND d.deptype = 'e'
		JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'ismap'
		WHERE p.pronamespace = 'ismap'::pg_catalog.regnamespace
		  AND p.provolatile IN ('i', 's') AND p.prorettype <> 'pg_catalog.trigger'::pg_catalog.regtype
		  AND NOT p.prosecdef
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs', f);
	END LOOP;
	FOR f, r IN
		SELECT p.oid::pg_catalog.regprocedure, g.role FROM pg_catalog.pg_proc p
		JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace AND n.nspname = 'ismap'
		JOIN (VALUES ('register', 'ismap_registrar'), ('approve_application', 'ismap_registrar'),
					 ('reject_application', 'ismap_registrar'), ('delist', 'ismap_registrar'),
					 ('principal', 'ismap_registrar'), ('import_control_standard_csv', 'ismap_registrar'),
					 ('import_nist_iso27001_mapping', 'ismap_registrar'), ('import_oscal_catalog', 'ismap_registrar'),
					 ('import_oscal_profile', 'ismap_registrar'),
					 ('run_renewals', 'ismap_jobs'), ('expire_audit_body_selections', 'ismap_jobs'),
					 ('cascade_delistings', 'ismap_jobs'), ('run_changes', 'ismap_jobs'),
					 ('job_start', 'ismap_jobs'), ('job_finish', 'ismap_jobs'), ('job_mark_stale', 'ismap_jobs'),
					 ('prune_job_runs', 'ismap_jobs'), ('run_job', 'ismap_jobs'), ('seal_event_chain', 'ismap_jobs'),
					 ('ensure_evidence_partitions', 'ismap_jobs'), ('ensure_evidence_partitions', 'ismap_registrar')) g(fn, role)
		  ON g.fn = p.proname
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO %I', f, r);
	END LOOP;

	-- the policies' helpers run in the querying role's name: only the roles
	-- whose policies call them get them
	GRANT EXECUTE ON FUNCTION ismap.principal_audit_body(pg_catalog.name), ismap.principal_csp(pg_catalog.name),
		ismap.audit_party(pg_catalog.int8), ismap.service_csp(pg_catalog.int8) TO ismap_auditor, ismap_csp;

	-- row-level policies (re-created, so a second run changes nothing)
	PERFORM ismap_internal.create_policies();
	RETURN made;
END
$$;
COMMENT ON FUNCTION ismap.create_roles() IS 'superuser: create the five ismap roles if missing, grant them least privilege and create the row-level policies; idempotent; returns the roles it created';

-- ==== Decided means frozen ====
-- audit.decided_on: set for the audits of applications decided before the
-- update (the earliest decision), so they are frozen like later ones
ALTER TABLE ismap.audit ADD COLUMN decided_on pg_catalog.date;
COMMENT ON COLUMN ismap.audit.decided_on IS 'the day an application resting on the audit was approved or rejected: from then on the audit, its statement, results and tests are frozen (written by the decision functions only)';
UPDATE ismap.audit a SET decided_on = d.decided_on
FROM (SELECT ap.audit_id, pg_catalog.min(ap.decided_on) AS decided_on FROM ismap.application ap
	  WHERE ap.status = ANY (ARRAY['approved', 'rejected']) GROUP BY ap.audit_id) d
WHERE d.audit_id = a.audit_id;
-- results and tests no longer disappear with their statement item
ALTER TABLE ismap.audit_result DROP CONSTRAINT audit_result_audit_id_control_id_fkey;
ALTER TABLE ismap.audit_result ADD CONSTRAINT audit_result_audit_id_control_id_fkey
	FOREIGN KEY (audit_id, control_id) REFERENCES ismap.statement_item (audit_id, control_id);
ALTER TABLE ismap.control_test DROP CONSTRAINT control_test_audit_id_control_id_fkey;
ALTER TABLE ismap.control_test ADD CONSTRAINT control_test_audit_id_control_id_fkey
	FOREIGN KEY (audit_id, control_id) REFERENCES ismap.statement_item (audit_id, control_id);

-- Decided means frozen (docs/registry.md, "Decided means frozen"): once an
-- application resting on an audit is approved or rejected, the audit, its
-- statement, its results and its control tests do not change.
--
-- The decision and every writer share one lock, the audit's row:
--  * a write of a statement item, result or control test first takes the
--    audit row FOR SHARE, then refuses (55000) when the audit is decided;
--  * a decision takes the same row FOR UPDATE before it validates, and sets
--    audit.decided_on.
-- So a decision waits for writes in progress and then validates what they
-- committed; a write that comes after the decision waits for it and is then
-- refused; a REPEATABLE READ or SERIALIZABLE writer whose snapshot predates
-- the decision gets 40001 on the updated row (specs/decided_frozen.spec).
-- Writers of different audits share no lock: one provider's open
-- transaction never delays another's decision.
-- SECURITY DEFINER: the writer (a provider, an auditor) may neither see nor
-- lock the audit row itself under its own privileges and policies.
CREATE FUNCTION ismap_internal.audit_freeze_guard() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	ids pg_catalog.int8[];
	a pg_catalog.int8;
	decided pg_catalog.date;
BEGIN
	-- a superuser's session may add rows to a decided audit: that is how a
	-- restore (pg_dump's COPY) brings them back.  A superuser can switch any
	-- trigger off anyway; nobody else can, and nobody changes or deletes.
	IF TG_OP = 'INSERT' AND (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = SESSION_USER) THEN
		RETURN NEW;
	END IF;
	IF TG_OP = 'INSERT' THEN
		ids := ARRAY[NEW.audit_id];
	ELSIF TG_OP = 'DELETE' THEN
		ids := ARRAY[OLD.audit_id];
	ELSE
		ids := ARRAY[OLD.audit_id, NEW.audit_id];
	END IF;
	FOREACH a IN ARRAY ids LOOP
		SELECT au.decided_on INTO decided FROM ismap.audit au WHERE au.audit_id = a FOR SHARE;
		IF decided IS NOT NULL THEN
			RAISE EXCEPTION 'audit % is decided: its statement, results and control tests are frozen', a
				USING ERRCODE = 'object_not_in_prerequisite_state',
					  DETAIL = pg_catalog.format('An application resting on it was decided on %s; %s on %s is refused.', decided, TG_OP, TG_TABLE_NAME),
					  HINT = 'Later facts go into a new audit.';
		END IF;
	END LOOP;
	RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;
COMMENT ON FUNCTION ismap_internal.audit_freeze_guard() IS 'trigger: a statement item, result or control test of a decided audit cannot be written (55000); takes the audit row FOR SHARE, the lock the decisions take FOR UPDATE';

CREATE TRIGGER statement_item_frozen BEFORE INSERT OR UPDATE OR DELETE ON ismap.statement_item
	FOR EACH ROW EXECUTE FUNCTION ismap_internal.audit_freeze_guard();
CREATE TRIGGER audit_result_frozen BEFORE INSERT OR UPDATE OR DELETE ON ismap.audit_result
	FOR EACH ROW EXECUTE FUNCTION ismap_internal.audit_freeze_guard();
CREATE TRIGGER control_test_frozen BEFORE INSERT OR UPDATE OR DELETE ON ismap.control_test
	FOR EACH ROW EXECUTE FUNCTION ismap_internal.audit_freeze_guard();
ALTER TABLE ismap.statement_item ENABLE ALWAYS TRIGGER statement_item_frozen;
ALTER TABLE ismap.audit_result ENABLE ALWAYS TRIGGER audit_result_frozen;
ALTER TABLE ismap.control_test ENABLE ALWAYS TRIGGER control_test_frozen;

-- the audit itself: nothing of a decided audit changes, and the decision
-- date is set once
CREATE FUNCTION ismap_internal.audit_decided_guard() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF OLD.decided_on IS NOT NULL THEN
		RAISE EXCEPTION 'audit % is decided: it is frozen', OLD.audit_id
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = pg_catalog.format('An application resting on it was decided on %s; %s of the audit is refused.', OLD.decided_on, TG_OP),
				  HINT = 'Later facts go into a new audit.';
	END IF;
	RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;
COMMENT ON FUNCTION ismap_internal.audit_decided_guard() IS 'trigger: a decided audit is neither updated nor deleted (55000)';
CREATE TRIGGER audit_frozen BEFORE UPDATE OR DELETE ON ismap.audit
	FOR EACH ROW EXECUTE FUNCTION ismap_internal.audit_decided_guard();
ALTER TABLE ismap.audit ENABLE ALWAYS TRIGGER audit_frozen;

-- the decisions' side: lock the audit an application rests on (FOR UPDATE,
-- waiting for writes in progress), and record the decision on it
CREATE FUNCTION ismap_internal.decide_audit(p_audit_id pg_catalog.int8, p_decided_on pg_catalog.date) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM 1 FROM ismap.audit WHERE audit_id = p_audit_id FOR UPDATE;
	IF p_decided_on IS NOT NULL THEN
		UPDATE ismap.audit SET decided_on = p_decided_on WHERE audit_id = p_audit_id AND decided_on IS NULL;
	END IF;
END
$$;
COMMENT ON FUNCTION ismap_internal.decide_audit(pg_catalog.int8, pg_catalog.date) IS 'lock an audit for a decision (FOR UPDATE: waits for writes of its statement, results and tests in progress) and, given a date, record the decision (audit.decided_on)';

-- ==== Decided means frozen: the decisions lock and record the audit ====
CREATE OR REPLACE FUNCTION ismap.register(p_application_id pg_catalog.int8, p_as_of pg_catalog.date DEFAULT CURRENT_DATE)
RETURNS ismap.registration
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	app ismap.application;
	aud ismap.audit;
	live ismap.registration;
	prior ismap.registration;
	res ismap.registration;
	serial_prefix pg_catalog.text;
	serial pg_catalog.int4;
	validity pg_catalog.interval := (ismap.policy_value('registration_validity') #>> '{}')::pg_catalog.interval;
BEGIN
	IF p_application_id IS NULL OR p_as_of IS NULL THEN
		RAISE EXCEPTION 'application and date must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	app := ismap_internal.lock_submitted_application(p_application_id);
	IF p_as_of < app.submitted_on THEN
		RAISE EXCEPTION 'cannot register application % on %, before it was submitted on %', p_application_id, p_as_of, app.submitted_on
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	-- the audit is decided with the application: frozen from now on
	PERFORM ismap_internal.decide_audit(app.audit_id, p_as_of);
	SELECT * INTO aud FROM ismap.audit WHERE audit_id = app.audit_id;

	-- one registration decision per service at a time
	PERFORM 1 FROM ismap.service WHERE service_id = app.service_id FOR UPDATE;
	SELECT * INTO live FROM ismap.registration
	WHERE service_id = app.service_id AND status IN ('active', 'suspended');
	IF FOUND AND app.kind = 'new' THEN
		RAISE EXCEPTION 'service % already has registration %', app.service_id, live.registration_number
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  HINT = 'File a renewal application to replace it.';
	END IF;
	IF (aud.period_end + validity)::pg_catalog.date < p_as_of THEN
		RAISE EXCEPTION 'registration of application % would already be expired on %', p_application_id, p_as_of
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = pg_catalog.format('The audited period ended on %s; with a validity of %s it ends on %s.',
					aud.period_end, validity, (aud.period_end + validity)::pg_catalog.date);
	END IF;

	-- the number: a service keeps the serial of its first registration
	SELECT * INTO prior FROM ismap.registration WHERE service_id = app.service_id
	ORDER BY registered_on DESC, registration_id DESC LIMIT 1;
	IF FOUND THEN
		serial_prefix := pg_catalog.regexp_replace(prior.registration_number, '-[1-3]$', '');
	ELSE
		INSERT INTO ismap.registration_serial AS s (year, last_serial)
		VALUES (pg_catalog.date_part('year', p_as_of)::pg_catalog.int2, 1)
		ON CONFLICT (year) DO UPDATE SET last_serial = s.last_serial + 1
		RETURNING s.last_serial INTO serial;
		serial_prefix := pg_catalog.format('C%s-%s',
			pg_catalog.to_char(p_as_of, 'YY'),
			pg_catalog.lpad(serial::pg_catalog.text, GREATEST(4, pg_catalog.length(serial::pg_catalog.text)), '0'));
	END IF;

	-- the events of what follows take their context from the rows: the
	-- application (kind, audit, the acknowledgements approve_application
	-- recorded on it) and the registration (ismap_internal.registration_event_trigger)
	IF live.registration_id IS NOT NULL THEN
		UPDATE ismap.registration
		SET status = 'expired', ended_on = p_as_of,
			end_reason = pg_catalog.format('replaced by renewal (application %s)', app.application_id),
			run_id = NULL
		WHERE registration_id = live.registration_id;
	END IF;
	INSERT INTO ismap.registration (registration_number, service_id, level, application_id,
		registered_on, valid_until, status)
	VALUES (serial_prefix || '-' || app.requested_level, app.service_id, app.requested_level,
		app.application_id, p_as_of, (aud.period_end + validity)::pg_catalog.date, 'active')
	RETURNING * INTO res;

	UPDATE ismap.application SET status = 'approved', decided_on = p_as_of
	WHERE application_id = app.application_id;
	RETURN res;
END
$$;
COMMENT ON FUNCTION ismap.register(pg_catalog.int8, pg_catalog.date) IS 'registrar primitive: register a submitted application (number, validity, replacing the service''s registration on renewal, event); approve_application validates and then calls it';
CREATE OR REPLACE FUNCTION ismap.approve_application(p_application_id pg_catalog.int8,
	p_acknowledged pg_catalog.text[] DEFAULT '{}', p_as_of pg_catalog.date DEFAULT CURRENT_DATE)
RETURNS ismap.registration
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	blocking pg_catalog.text[];
	unacknowledged pg_catalog.text[];
	acked pg_catalog.text[];
	res ismap.registration;
BEGIN
	IF p_application_id IS NULL OR p_as_of IS NULL THEN
		RAISE EXCEPTION 'application and date must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	-- lock first, so the findings cannot change between the check and the
	-- decision: the application, then its audit (writes of the statement,
	-- results and tests in progress finish first; later ones are refused)
	PERFORM ismap_internal.decide_audit((ismap_internal.lock_submitted_application(p_application_id)).audit_id, NULL);
	SELECT pg_catalog.array_agg(DISTINCT f.code ORDER BY f.code) FILTER (WHERE f.severity = 'error'),
		   pg_catalog.array_agg(DISTINCT f.code ORDER BY f.code) FILTER (WHERE f.severity = 'query'
				AND f.code <> ALL (COALESCE(p_acknowledged, '{}'))),
		   pg_catalog.array_agg(DISTINCT f.code ORDER BY f.code) FILTER (WHERE f.severity = 'query'
				AND f.code = ANY (COALESCE(p_acknowledged, '{}')))
	INTO blocking, unacknowledged, acked
	FROM ismap.validate_application(p_application_id) f;
	IF blocking IS NOT NULL THEN
		RAISE EXCEPTION 'application % cannot be approved: % error finding(s) remain', p_application_id,
			(SELECT pg_catalog.count(*) FROM ismap.validate_application(p_application_id) f WHERE f.severity = 'error')
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = 'Blocking codes: ' OPERATOR(pg_catalog.||) pg_catalog.array_to_string(blocking, ', ') OPERATOR(pg_catalog.||) '.',
				  HINT = 'See ismap.validate_application() for what is wrong and how to fix it.';
	END IF;
	IF unacknowledged IS NOT NULL THEN
		RAISE EXCEPTION 'application % cannot be approved: query finding(s) not acknowledged', p_application_id
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = 'Codes to acknowledge: ' OPERATOR(pg_catalog.||) pg_catalog.array_to_string(unacknowledged, ', ') OPERATOR(pg_catalog.||) '.',
				  HINT = 'Pass the codes the registrar accepts in the acknowledged argument.';
	END IF;
	-- the decision records what it acknowledged; the registered event
	-- takes it from the application row
	UPDATE ismap.application SET acknowledged = COALESCE(acked, '{}')
	WHERE application_id = p_application_id;
	res := ismap.register(p_application_id, p_as_of);
	RETURN res;
END
$$;
COMMENT ON FUNCTION ismap.approve_application(pg_catalog.int8, pg_catalog.text[], pg_catalog.date) IS 'validate and register an application: refused (55000) while an error finding remains or a query code is not acknowledged; the acknowledged codes are recorded on the application and go into the event';
CREATE OR REPLACE FUNCTION ismap.reject_application(p_application_id pg_catalog.int8, p_reason pg_catalog.text)
RETURNS ismap.application
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	app ismap.application;
BEGIN
	IF ismap.text_is_blank(p_reason) THEN
		RAISE EXCEPTION 'a rejection needs a reason' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	app := ismap_internal.lock_submitted_application(p_application_id);
	-- the findings the event records are those of the audit as decided
	PERFORM ismap_internal.decide_audit(app.audit_id, CURRENT_DATE);
	UPDATE ismap.application SET status = 'rejected', decided_on = CURRENT_DATE, decision_reason = p_reason
	WHERE application_id = p_application_id RETURNING * INTO app;
	PERFORM ismap_internal.append_event('application_rejected', NULL, app.service_id,
		pg_catalog.jsonb_build_object('application_id', app.application_id, 'reason', p_reason,
			'findings', (SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('code', f.code, 'severity', f.severity))
						 FROM ismap.validate_application(p_application_id) f)));
	RETURN app;
END
$$;
COMMENT ON FUNCTION ismap.reject_application(pg_catalog.int8, pg_catalog.text) IS 'reject a submitted application with a reason; the decision and the findings at that time go into the event log';
CREATE OR REPLACE FUNCTION ismap.create_roles() RETURNS pg_catalog.text[]
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	made pg_catalog.text[] := '{}';
	r pg_catalog.text;
	f pg_catalog.regprocedure;
	owner pg_catalog.name;
BEGIN
	IF NOT (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = CURRENT_USER) THEN
		RAISE EXCEPTION 'ismap.create_roles() must be run by a superuser' USING ERRCODE = 'insufficient_privilege';
	END IF;
	FOREACH r IN ARRAY ARRAY['ismap_reader', 'ismap_registrar', 'ismap_auditor', 'ismap_csp', 'ismap_jobs'] LOOP
		IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r) THEN
			EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN', r);
			made := made || r;
		END IF;
		EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA ismap TO %I', r);
	END LOOP;
	SELECT pg_catalog.pg_get_userbyid(n.nspowner) INTO owner FROM pg_catalog.pg_namespace n WHERE n.nspname = 'ismap';

	-- everyone: the catalogs, the published registry and its reports, the policy
	GRANT SELECT ON ismap.framework, ismap.control, ismap.baseline, ismap.baseline_control,
		ismap.control_mapping, ismap.control_reference, ismap.control_group, ismap.control_param, ismap.policy,
		ismap.service_change, ismap.sla_template,
		ismap.sampling_table, ismap.registry, ismap.registry_listing, ismap.registration, ismap.registry_event, ismap.event_chain_seal,
		ismap.audit_body, ismap.audit_body_selection, ismap.csp, ismap.service, ismap.service_dependency,
		ismap.job
		TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs;
	-- the registrar: every table to read; edits the catalogs, the policy,
	-- the parties and the classification; decides through the functions
	GRANT SELECT ON ALL TABLES IN SCHEMA ismap TO ismap_registrar;
	GRANT INSERT, UPDATE, DELETE ON ismap.framework, ismap.control, ismap.baseline, ismap.baseline_control,
		ismap.control_mapping, ismap.control_reference, ismap.control_group, ismap.control_param,
		ismap.sla_template, ismap.sampling_table,
		ismap.audit_body, ismap.auditor, ismap.auditor_qualification, ismap.audit_body_selection,
		ismap.csp, ismap.organization, ismap.information_asset, ismap.information_system, ismap.system_asset
		TO ismap_registrar;
	GRANT INSERT, UPDATE ON ismap.policy TO ismap_registrar;
	GRANT SELECT ON ismap.organization, ismap.information_asset, ismap.information_system,
		ismap.system_asset TO ismap_reader;
	-- an auditor: its own body's people and audits; statements, results
	-- and control tests of its own audits while they are open
	GRANT SELECT ON ismap.auditor, ismap.auditor_qualification, ismap.audit, ismap.application,
		ismap.statement_item, ismap.audit_result, ismap.control_test, ismap.control_test_evaluation TO ismap_auditor;
	GRANT INSERT, UPDATE, DELETE ON ismap.audit_result, ismap.control_test TO ismap_auditor;
	-- every column of an audit but its decision date, which only the
	-- decisions write (0.2.0 granted the whole table: taken back first)
	REVOKE INSERT, UPDATE ON ismap.audit FROM ismap_auditor;
	GRANT INSERT (audit_id, service_id, audit_body_id, lead_auditor_id, kind, target_level, framework_id,
				  period_start, period_end, report_date, scope),
		  UPDATE (service_id, audit_body_id, lead_auditor_id, kind, target_level, framework_id,
				  period_start, period_end, report_date, scope) ON ismap.audit TO ismap_auditor;
	-- a provider: its own services, platforms, statements and applications
	-- a registered service's scope and models change only through a reported
	-- change and a new audit, and only an audit decides that a platform was
	-- assessed: the provider holds no privilege on those columns
	GRANT INSERT ON ismap.service TO ismap_csp;
	GRANT UPDATE (name, responsibility) ON ismap.service TO ismap_csp;
	GRANT INSERT (service_id, base_service_id) ON ismap.service_dependency TO ismap_csp;
	GRANT DELETE ON ismap.service_dependency TO ismap_csp;
	GRANT INSERT, UPDATE, DELETE ON ismap.statement_item TO ismap_csp;
	GRANT UPDATE (self_assessed_audit_id) ON ismap.service_dependency TO ismap_auditor, ismap_registrar;
	GRANT SELECT, INSERT ON ismap.application TO ismap_csp;
	GRANT UPDATE (status, decided_on, decision_reason) ON ismap.application TO ismap_csp;
	GRANT SELECT ON ismap.audit, ismap.statement_item, ismap.audit_result, ismap.control_test,
		ismap.control_test_evaluation TO ismap_csp;
	GRANT UPDATE (name, address) ON ismap.csp TO ismap_csp;
	-- a provider reports its own services' changes and feeds their evidence
	-- (what was reported: not its coverage, nor the reporting date)
	GRANT SELECT ON ismap.service_change, ismap.evidence TO ismap_csp;
	REVOKE INSERT ON ismap.service_change FROM ismap_csp;
	GRANT INSERT (service_id, kind, effective_on, description, reported_by) ON ismap.service_change TO ismap_csp;
	GRANT INSERT ON ismap.evidence TO ismap_csp;
	GRANT INSERT ON ismap.service_change TO ismap_registrar;
	GRANT USAGE ON ALL SEQUENCES IN SCHEMA ismap TO ismap_registrar, ismap_auditor, ismap_csp;
	-- but not the numbers of what only the extension's functions write:
	-- nextval would burn event and registration ids, leaving gaps that
	-- look like deleted rows
	REVOKE USAGE ON SEQUENCE ismap.registry_event_event_id_seq, ismap.registration_registration_id_seq,
		ismap.job_run_run_id_seq, ismap.notice_notice_id_seq FROM ismap_registrar, ismap_auditor, ismap_csp;
	-- jobs: read what the batch functions read
	-- (the batch functions have the owner's rights; the role itself reads
	-- only its runs and notices, besides what everyone reads)
	GRANT SELECT ON ismap.job_run, ismap.notice, ismap.job_health TO ismap_jobs;

	-- functions: everything that only reads, to every role; what writes,
	-- to the one role that needs it
	FOR f IN
		SELECT p.oid::pg_catalog.regprocedure FROM pg_catalog.pg_proc p
		JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.objid = p.oid AND d.deptype = 'e'
		JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'ismap'
		WHERE p.pronamespace = 'ismap'::pg_catalog.regnamespace
		  AND p.provolatile IN ('i', 's') AND p.prorettype <> 'pg_catalog.trigger'::pg_catalog.regtype
		  AND NOT p.prosecdef
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs', f);
	END LOOP;
	FOR f, r IN
		SELECT p.oid::pg_catalog.regprocedure, g.role FROM pg_catalog.pg_proc p
		JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace AND n.nspname = 'ismap'
		JOIN (VALUES ('register', 'ismap_registrar'), ('approve_application', 'ismap_registrar'),
					 ('reject_application', 'ismap_registrar'), ('delist', 'ismap_registrar'),
					 ('principal', 'ismap_registrar'), ('import_control_standard_csv', 'ismap_registrar'),
					 ('import_nist_iso27001_mapping', 'ismap_registrar'), ('import_oscal_catalog', 'ismap_registrar'),
					 ('import_oscal_profile', 'ismap_registrar'),
					 ('run_renewals', 'ismap_jobs'), ('expire_audit_body_selections', 'ismap_jobs'),
					 ('cascade_delistings', 'ismap_jobs'), ('run_changes', 'ismap_jobs'),
					 ('job_start', 'ismap_jobs'), ('job_finish', 'ismap_jobs'), ('job_mark_stale', 'ismap_jobs'),
					 ('prune_job_runs', 'ismap_jobs'), ('run_job', 'ismap_jobs'), ('seal_event_chain', 'ismap_jobs'),
					 ('ensure_evidence_partitions', 'ismap_jobs'), ('ensure_evidence_partitions', 'ismap_registrar')) g(fn, role)
		  ON g.fn = p.proname
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO %I', f, r);
	END LOOP;

	-- the policies' helpers run in the querying role's name: only the roles
	-- whose policies call them get them
	GRANT EXECUTE ON FUNCTION ismap.principal_audit_body(pg_catalog.name), ismap.principal_csp(pg_catalog.name),
		ismap.audit_party(pg_catalog.int8), ismap.service_csp(pg_catalog.int8) TO ismap_auditor, ismap_csp;

	-- row-level policies (re-created, so a second run changes nothing)
	PERFORM ismap_internal.create_policies();
	RETURN made;
END
$$;
COMMENT ON FUNCTION ismap.create_roles() IS 'superuser: create the five ismap roles if missing, grant them least privilege and create the row-level policies; idempotent; returns the roles it created';

-- ==== A date far ahead needs intent ====
INSERT INTO ismap.policy (name, value, description, builtin) VALUES
	('max_as_of_ahead', '"7 days"', 'how far after today a batch job may be run as of, unless called with allow_future', true)
ON CONFLICT (name) DO NOTHING;
DROP FUNCTION ismap.run_renewals(pg_catalog.date, pg_catalog.bool);
DROP FUNCTION ismap.expire_audit_body_selections(pg_catalog.date, pg_catalog.bool);
DROP FUNCTION ismap.cascade_delistings(pg_catalog.date, pg_catalog.bool);
DROP FUNCTION ismap.run_changes(pg_catalog.date, pg_catalog.bool);
DROP FUNCTION ismap.seal_event_chain(pg_catalog.date, pg_catalog.bool);
DROP FUNCTION ismap.run_job(pg_catalog.text, pg_catalog.date, pg_catalog.bool, pg_catalog.int8);

-- ==== A date far ahead needs intent (continued) ====
CREATE OR REPLACE FUNCTION ismap.run_job(job_name pg_catalog.text, as_of pg_catalog.date DEFAULT CURRENT_DATE,
	dry_run pg_catalog.bool DEFAULT false, run_id pg_catalog.int8 DEFAULT NULL,
	allow_future pg_catalog.bool DEFAULT false)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
-- the job's rows are held twice (counted, then returned): in memory, like
-- the jobs' own sorts, and without JIT (see the jobs' functions)
SET work_mem = '64MB'
SET jit = off
AS $$
DECLARE
	jname pg_catalog.text := run_job.job_name;
	d pg_catalog.date := run_job.as_of;
	dry pg_catalog.bool := run_job.dry_run;
	run pg_catalog.int8 := run_job.run_id;
	fn pg_catalog.regprocedure;
	call pg_catalog.text;
	ahead pg_catalog.interval;
	n pg_catalog.int8;
BEGIN
	IF jname IS NULL THEN
		RAISE EXCEPTION 'job_name must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF d IS NULL OR dry IS NULL THEN
		RAISE EXCEPTION 'as_of and dry_run must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF NOT pg_catalog.isfinite(d) THEN
		RAISE EXCEPTION 'as_of must be a finite date, not "%"', d USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF dry AND run IS NOT NULL THEN
		RAISE EXCEPTION 'a dry run records no run: run_id must be null' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	-- a mistyped date far ahead would expire every registration and
	-- selection at once: a date past the policy's max_as_of_ahead needs
	-- intent (allow_future, ismap-jobs --allow-future-date)
	IF NOT COALESCE(run_job.allow_future, false) THEN
		BEGIN
			ahead := (ismap.policy_value('max_as_of_ahead') OPERATOR(pg_catalog.#>>) '{}')::pg_catalog.interval;
		EXCEPTION WHEN invalid_text_representation OR invalid_datetime_format OR datetime_field_overflow THEN
			RAISE EXCEPTION 'policy parameter "max_as_of_ahead" must be an interval, not %',
				(SELECT p.value FROM ismap.policy p WHERE p.name OPERATOR(pg_catalog.=) 'max_as_of_ahead')
				USING ERRCODE = 'invalid_parameter_value', HINT = 'For example "7 days".';
		END;
		IF d OPERATOR(pg_catalog.>) (CURRENT_DATE OPERATOR(pg_catalog.+) ahead) THEN
			RAISE EXCEPTION 'as_of % is more than % after today (%)', pg_catalog.to_char(d, 'YYYY-MM-DD'),
				ismap.policy_value('max_as_of_ahead') OPERATOR(pg_catalog.#>>) '{}', pg_catalog.to_char(CURRENT_DATE, 'YYYY-MM-DD')
				USING ERRCODE = 'invalid_parameter_value',
					  DETAIL = 'A run as of a date that far ahead would end every registration and selection valid until then.',
					  HINT = 'Check the date; to run ahead on purpose, pass allow_future => true (ismap-jobs --allow-future-date).';
		END IF;
	END IF;
	-- 22023 for an unknown job, 55P03 when another run holds the lock
	PERFORM ismap_internal.job_try_lock(jname);
	SELECT j.function INTO STRICT fn FROM ismap.job j WHERE j.job_name OPERATOR(pg_catalog.=) jname;
	SELECT pg_catalog.format('%I.%I', n.nspname, p.proname) INTO call
	FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) p.pronamespace
	WHERE p.oid OPERATOR(pg_catalog.=) fn::pg_catalog.oid
	  AND p.pronargs OPERATOR(pg_catalog.=) 3
	  AND p.proargtypes[0] OPERATOR(pg_catalog.=) 'pg_catalog.date'::pg_catalog.regtype
	  AND p.proargtypes[1] OPERATOR(pg_catalog.=) 'pg_catalog.bool'::pg_catalog.regtype
	  AND p.proargtypes[2] OPERATOR(pg_catalog.=) 'pg_catalog.int8'::pg_catalog.regtype
	  AND p.proretset
	  -- it runs with the owner's rights: only a function the owner of
	  -- ismap.job owns (no one else may redefine it)
	  AND p.proowner OPERATOR(pg_catalog.=) (SELECT c.relowner FROM pg_catalog.pg_class c
											 WHERE c.oid OPERATOR(pg_catalog.=) 'ismap.job'::pg_catalog.regclass);
	IF call IS NULL THEN
		RAISE EXCEPTION 'the function % of job "%" does not exist or is not a job function', fn, jname
			USING ERRCODE = 'undefined_function',
				  HINT = 'A job function takes (as_of date, dry_run boolean, run_id bigint), returns a set of (action text, object_id bigint, detail text) and is owned by the owner of ismap.job.';
	END IF;
	IF NOT dry THEN
		PERFORM ismap.job_mark_stale(jname);
		IF run IS NULL THEN
			run := ismap.job_start(jname, d);
		ELSE
			UPDATE ismap.job_run r SET as_of = d
			WHERE r.run_id OPERATOR(pg_catalog.=) run AND r.job OPERATOR(pg_catalog.=) jname
			  AND r.status OPERATOR(pg_catalog.=) 'running' AND r.backend_pid OPERATOR(pg_catalog.=) pg_catalog.pg_backend_pid();
			IF NOT FOUND THEN
				RAISE EXCEPTION 'job run % is not a running run of job "%" started by this session', run, jname
					USING ERRCODE = 'object_not_in_prerequisite_state',
						  HINT = 'Pass the run_id that ismap.job_start returned in this session, or none.';
			END IF;
		END IF;
	END IF;
	-- one statement: the job's rows, read once, are returned and counted,
	-- and the run is marked succeeded with the counts (a data-modifying
	-- WITH runs to completion whatever the main query reads)
	RETURN QUERY EXECUTE pg_catalog.format(
		'WITH r AS MATERIALIZED (
			SELECT f.action::pg_catalog.text AS action, f.object_id::pg_catalog.int8 AS object_id,
				   f.detail::pg_catalog.text AS detail FROM %s($1, $2, $3) f),
		 c AS (
			SELECT COALESCE(pg_catalog.jsonb_object_agg(COALESCE(x.action, ''''), x.n), ''{}'') AS counts
			FROM (SELECT r.action, pg_catalog.count(*) AS n FROM r GROUP BY r.action) x),
		 u AS (
			UPDATE ismap.job_run j SET status = ''succeeded'', finished_at = pg_catalog.clock_timestamp(), actions = c.counts
			FROM c WHERE j.run_id OPERATOR(pg_catalog.=) $3
			RETURNING j.run_id)
		 SELECT r.action, r.object_id, r.detail FROM r', call)
		USING d, dry, run;
	GET DIAGNOSTICS n = ROW_COUNT;
	RAISE DEBUG 'run %: %', COALESCE(run::pg_catalog.text, '(dry run)'),
		COALESCE((SELECT j.actions::pg_catalog.text FROM ismap.job_run j WHERE j.run_id OPERATOR(pg_catalog.=) run),
				 n OPERATOR(pg_catalog.||) ' actions');
END
$$;
COMMENT ON FUNCTION ismap.run_job(pg_catalog.text, pg_catalog.date, pg_catalog.bool, pg_catalog.int8, pg_catalog.bool) IS 'run a batch job of ismap.job: check the arguments (an as_of more than the policy max_as_of_ahead after today needs allow_future), take its advisory lock (55P03 when held), record the run in job_run (or adopt the running run_id the caller started with job_start), call its function and mark the run succeeded with the count of each action; a dry run changes and records nothing';
REVOKE EXECUTE ON FUNCTION ismap.run_job(pg_catalog.text, pg_catalog.date, pg_catalog.bool, pg_catalog.int8, pg_catalog.bool) FROM PUBLIC;
CREATE OR REPLACE FUNCTION ismap_internal.job_renewals(as_of pg_catalog.date, dry_run pg_catalog.bool, run_id pg_catalog.int8)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
SET jit = off
SET work_mem = '64MB'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
AS $$
#variable_conflict use_column
DECLARE
	d pg_catalog.date := job_renewals.as_of;
	dry pg_catalog.bool := job_renewals.dry_run;
	run pg_catalog.int8 := job_renewals.run_id;
	windows pg_catalog.int4[];
	n_past pg_catalog.int8;
	n_notices pg_catalog.int8;
BEGIN
	BEGIN
		-- an empty array is allowed: no notices
		SELECT COALESCE(pg_catalog.array_agg(w::pg_catalog.int4 ORDER BY w::pg_catalog.int4), '{}')
		INTO STRICT windows
		FROM pg_catalog.jsonb_array_elements_text(ismap.policy_value('notice_windows_days')) AS e(w);
	EXCEPTION WHEN OTHERS THEN
		windows := NULL;
	END;
	IF windows IS NULL OR pg_catalog.array_position(windows, NULL) IS NOT NULL
	   OR EXISTS (SELECT 1 FROM pg_catalog.unnest(windows) w WHERE w OPERATOR(pg_catalog.<) 0) THEN
		RAISE EXCEPTION 'policy parameter "notice_windows_days" must be an array of days, not %',
			(SELECT p.value FROM ismap.policy p WHERE p.name OPERATOR(pg_catalog.=) 'notice_windows_days')
			USING ERRCODE = 'invalid_parameter_value', HINT = 'For example [90, 30, 7].';
	END IF;

	-- 1. what ran out: expire it when no renewal is pending, else report
	-- once (a renewal_pending notice) that a pending renewal keeps it.  One
	-- statement, one scan: the rows it changes are the whole of the work.
	PERFORM ismap_internal.job_progress(pg_catalog.format('renewals: registrations valid until before %s', d));
	RETURN QUERY
		WITH pending AS (
			-- the oldest open renewal per service (filed by d, not decided by d)
			SELECT DISTINCT ON (a.service_id) a.service_id, a.application_id, a.submitted_on
			FROM ismap.application a
			WHERE a.kind = 'renewal' AND a.submitted_on <= d
			  AND (a.status = 'submitted' OR a.decided_on > d)
			ORDER BY a.service_id, a.submitted_on, a.application_id
		),
		late AS (
			-- the newest renewal refused or withdrawn: a registration it kept
			-- alive past valid_until ends on the decision day
			SELECT DISTINCT ON (a.service_id) a.service_id, a.application_id, a.status, a.submitted_on, a.decided_on
			FROM ismap.application a
			WHERE a.kind = 'renewal' AND a.status = ANY (ARRAY['rejected', 'withdrawn']) AND a.decided_on <= d
			ORDER BY a.service_id, a.decided_on DESC, a.application_id DESC
		),
		past AS (
			SELECT r.registration_id, r.registration_number, r.valid_until,
				   p.application_id AS pending_application, p.submitted_on AS pending_since,
				   CASE WHEN l.decided_on > r.valid_until AND l.submitted_on <= r.valid_until
						THEN l.decided_on ELSE r.valid_until + 1 END AS ended_on,
				   CASE WHEN l.decided_on > r.valid_until AND l.submitted_on <= r.valid_until
						THEN pg_catalog.format('validity ended on %s; renewal application %s %s on %s', r.valid_until, l.application_id, l.status, l.decided_on)
						ELSE pg_catalog.format('validity ended on %s without renewal', r.valid_until) END AS reason
			FROM ismap.registration r
			LEFT JOIN pending p ON p.service_id = r.service_id AND p.submitted_on <= r.valid_until
			LEFT JOIN late l ON l.service_id = r.service_id
			WHERE r.status = ANY (ARRAY['active', 'suspended']) AND r.valid_until < d
		),
		upd AS (
			UPDATE ismap.registration r
			SET status = 'expired', ended_on = x.ended_on, end_reason = x.reason, run_id = run
			FROM past x
			WHERE NOT dry AND x.pending_application IS NULL
			  AND r.registration_id = x.registration_id
			  AND r.status = ANY (ARRAY['active', 'suspended'])
			RETURNING r.registration_id, r.registration_number, r.end_reason
		),
		ins AS (
			INSERT INTO ismap.notice (kind, object_id, occasion, as_of, detail, run_id)
			SELECT 'renewal_pending', x.registration_id, x.valid_until, d,
				   pg_catalog.format('%s: valid until %s, kept while renewal application %s (filed %s) is under review',
					   x.registration_number, x.valid_until, x.pending_application, x.pending_since), run
			FROM past x
			WHERE NOT dry AND x.pending_application IS NOT NULL
			ON CONFLICT ON CONSTRAINT notice_once DO NOTHING
			RETURNING notice.object_id, notice.detail
		)
		SELECT 'expired' AS act, u.registration_id AS id, pg_catalog.format('%s: %s', u.registration_number, u.end_reason) AS what
		FROM upd u
		UNION ALL
		SELECT 'kept', i.object_id, i.detail FROM ins i
		UNION ALL
		SELECT CASE WHEN x.pending_application IS NULL THEN 'expired' ELSE 'kept' END, x.registration_id,
			   CASE WHEN x.pending_application IS NULL THEN pg_catalog.format('%s: %s', x.registration_number, x.reason)
					ELSE pg_catalog.format('%s: valid until %s, kept while renewal application %s (filed %s) is under review',
						x.registration_number, x.valid_until, x.pending_application, x.pending_since) END
		FROM past x
		WHERE dry AND (x.pending_application IS NULL
			OR NOT EXISTS (SELECT 1 FROM ismap.notice n
						   WHERE n.kind = 'renewal_pending' AND n.object_id = x.registration_id
							 AND n.occasion = x.valid_until))
		ORDER BY 1, 2;
	GET DIAGNOSTICS n_past = ROW_COUNT;

	-- 2. renewal notices: for each registration the latest window reached
	-- (the first run inside 30 days writes the 30-day notice, not a late
	-- 90-day one), once; none once a renewal is filed
	PERFORM ismap_internal.job_progress(pg_catalog.format('renewals: %s registrations expired or kept; writing notices at %s days before expiry', n_past, windows));
	RETURN QUERY
	WITH cand AS (
		SELECT r.registration_id, r.registration_number, r.valid_until, w.days,
			   (r.valid_until OPERATOR(pg_catalog.-) w.days) AS occasion
		FROM ismap.registration r
		CROSS JOIN LATERAL (
			SELECT pg_catalog.min(x) AS days FROM pg_catalog.unnest(windows) x
			WHERE x OPERATOR(pg_catalog.>=) (r.valid_until OPERATOR(pg_catalog.-) d)) w
		WHERE r.status OPERATOR(pg_catalog.=) ANY (ARRAY['active', 'suspended'])
		  AND r.valid_until OPERATOR(pg_catalog.>=) d
		  AND r.valid_until OPERATOR(pg_catalog.<=) (d OPERATOR(pg_catalog.+) windows[pg_catalog.array_upper(windows, 1)])
		  AND NOT EXISTS (
			SELECT 1 FROM ismap.application a
			WHERE a.service_id OPERATOR(pg_catalog.=) r.service_id AND a.kind OPERATOR(pg_catalog.=) 'renewal'
			  AND a.submitted_on OPERATOR(pg_catalog.<=) d
			  AND (a.status OPERATOR(pg_catalog.=) 'submitted' OR a.decided_on OPERATOR(pg_catalog.>) d))
	),
	fresh AS (
		SELECT c.*, pg_catalog.format('%s: valid until %s (%s days); %s-day renewal notice', c.registration_number,
				   c.valid_until, c.valid_until OPERATOR(pg_catalog.-) d, c.days) AS what
		FROM cand c
		WHERE c.days IS NOT NULL
		  AND (NOT dry OR NOT EXISTS (SELECT 1 FROM ismap.notice n
						  WHERE n.kind OPERATOR(pg_catalog.=) 'renewal_due' AND n.object_id OPERATOR(pg_catalog.=) c.registration_id
							AND n.occasion OPERATOR(pg_catalog.=) c.occasion))
	),
	ins AS (
		INSERT INTO ismap.notice (kind, object_id, occasion, window_days, as_of, detail, run_id)
		SELECT 'renewal_due', f.registration_id, f.occasion, f.days, d, f.what, run FROM fresh f WHERE NOT dry
		ON CONFLICT ON CONSTRAINT notice_once DO NOTHING
		RETURNING notice.object_id, notice.detail
	)
	SELECT 'notice', i.object_id, i.detail FROM ins i
	UNION ALL
	SELECT 'notice', f.registration_id, f.what FROM fresh f WHERE dry
	ORDER BY 2;
	GET DIAGNOSTICS n_notices = ROW_COUNT;
END
$$;
COMMENT ON FUNCTION ismap_internal.job_renewals(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) IS 'the work of the renewals job, called by ismap.run_job (which holds the lock and records the run run_id, NULL for a dry run)';
REVOKE EXECUTE ON FUNCTION ismap_internal.job_renewals(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) FROM PUBLIC;
CREATE OR REPLACE FUNCTION ismap.run_renewals(as_of pg_catalog.date DEFAULT CURRENT_DATE, dry_run pg_catalog.bool DEFAULT false,
	allow_future pg_catalog.bool DEFAULT false)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT * FROM ismap.run_job('renewals', $1, $2, NULL, $3)
$$;
COMMENT ON FUNCTION ismap.run_renewals(pg_catalog.date, pg_catalog.bool, pg_catalog.bool) IS 'renewals job: expire registrations past valid_until with no pending renewal, report once those a pending renewal keeps, write renewal notices at the policy windows once each; idempotent';
REVOKE EXECUTE ON FUNCTION ismap.run_renewals(pg_catalog.date, pg_catalog.bool, pg_catalog.bool) FROM PUBLIC;
CREATE OR REPLACE FUNCTION ismap.expire_audit_body_selections(as_of pg_catalog.date DEFAULT CURRENT_DATE, dry_run pg_catalog.bool DEFAULT false,
	allow_future pg_catalog.bool DEFAULT false)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT * FROM ismap.run_job('auditor-expiry', $1, $2, NULL, $3)
$$;
COMMENT ON FUNCTION ismap.expire_audit_body_selections(pg_catalog.date, pg_catalog.bool, pg_catalog.bool) IS 'audit-body job: expire selections whose term ended, flag overdue monitoring reports and open applications whose audit body was not selected at the report date, once each; idempotent';
REVOKE EXECUTE ON FUNCTION ismap.expire_audit_body_selections(pg_catalog.date, pg_catalog.bool, pg_catalog.bool) FROM PUBLIC;
CREATE OR REPLACE FUNCTION ismap.cascade_delistings(as_of pg_catalog.date DEFAULT CURRENT_DATE, dry_run pg_catalog.bool DEFAULT false,
	allow_future pg_catalog.bool DEFAULT false)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT * FROM ismap.run_job('cascade', $1, $2, NULL, $3)
$$;
COMMENT ON FUNCTION ismap.cascade_delistings(pg_catalog.date, pg_catalog.bool, pg_catalog.bool) IS 'cascade job: delist, transitively, live registrations whose platform has had no registration for the policy cascade_grace (self-assessed dependencies excepted), with cascaded_from and cascade_path; idempotent';
REVOKE EXECUTE ON FUNCTION ismap.cascade_delistings(pg_catalog.date, pg_catalog.bool, pg_catalog.bool) FROM PUBLIC;
CREATE OR REPLACE FUNCTION ismap.run_changes(as_of pg_catalog.date DEFAULT CURRENT_DATE, dry_run pg_catalog.bool DEFAULT false,
	allow_future pg_catalog.bool DEFAULT false)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT * FROM ismap.run_job('changes', $1, $2, NULL, $3)
$$;
COMMENT ON FUNCTION ismap.run_changes(pg_catalog.date, pg_catalog.bool, pg_catalog.bool) IS 'changes job: make evidence partitions ahead, record changes an audit covers, reinstate what they held, suspend (with the delisting walk) registrations whose service has a material change past the policy change_audit_window, write notices before the window ends and one notice per crossing of the control-evidence limit; idempotent';
REVOKE EXECUTE ON FUNCTION ismap.run_changes(pg_catalog.date, pg_catalog.bool, pg_catalog.bool) FROM PUBLIC;
CREATE OR REPLACE FUNCTION ismap.seal_event_chain(as_of pg_catalog.date DEFAULT CURRENT_DATE, dry_run pg_catalog.bool DEFAULT false,
	allow_future pg_catalog.bool DEFAULT false)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT * FROM ismap.run_job('chain', $1, $2, NULL, $3)
$$;
COMMENT ON FUNCTION ismap.seal_event_chain(pg_catalog.date, pg_catalog.bool, pg_catalog.bool) IS 'chain job: recompute every hash of the event log; if intact, seal its newest event (hash and fingerprint) so that verify_event_chain checks only what came after; XX001 if broken';

-- ==== Job runs are kept for a while whatever prune_job_runs is told ====
INSERT INTO ismap.policy (name, value, description, builtin) VALUES
	('job_runs_keep_at_least', '"30 days"', 'prune_job_runs never deletes runs younger than this', true)
ON CONFLICT (name) DO NOTHING;

-- ==== Job runs are kept for a while (continued) ====
CREATE OR REPLACE FUNCTION ismap.prune_job_runs(keep pg_catalog.interval DEFAULT '1 year') RETURNS pg_catalog.int8
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET intervalstyle = 'postgres'
AS $$
DECLARE
	n pg_catalog.int8;
	floor pg_catalog.interval := (ismap.policy_value('job_runs_keep_at_least') OPERATOR(pg_catalog.#>>) '{}')::pg_catalog.interval;
BEGIN
	IF keep IS NULL OR keep OPERATOR(pg_catalog.<) '0'::pg_catalog.interval THEN
		RAISE EXCEPTION 'keep must be a non-negative interval' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	-- the runs are the record of what the jobs did: a slip ('0 seconds')
	-- must not erase it
	IF keep OPERATOR(pg_catalog.<) floor THEN
		RAISE EXCEPTION 'keep % is shorter than the policy job_runs_keep_at_least (%)', keep, floor
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'Runs younger than job_runs_keep_at_least are never pruned; change the policy to keep fewer.';
	END IF;
	DELETE FROM ismap.job_run r
	WHERE r.status OPERATOR(pg_catalog.<>) 'running'
	  AND r.finished_at OPERATOR(pg_catalog.<) (pg_catalog.now() OPERATOR(pg_catalog.-) keep)
	  AND r.run_id OPERATOR(pg_catalog.<>) ALL (ARRAY(SELECT h.last_success_run_id FROM ismap.job_health h
												 WHERE h.last_success_run_id IS NOT NULL));
	GET DIAGNOSTICS n = ROW_COUNT;
	RETURN n;
END
$$;
COMMENT ON FUNCTION ismap.prune_job_runs(pg_catalog.interval) IS 'delete finished job runs older than keep (default 1 year, at least the policy job_runs_keep_at_least), keeping each job''s last success; returns how many';
REVOKE EXECUTE ON FUNCTION ismap.prune_job_runs(pg_catalog.interval) FROM PUBLIC;

-- ==== The policies' helpers answer only for the session's own roles (H3) ====
CREATE OR REPLACE FUNCTION ismap.principal_audit_body(p_role pg_catalog.name) RETURNS pg_catalog.int8
LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT b.audit_body_id FROM ismap.principal_binding b
	WHERE b.role_name = p_role AND pg_catalog.pg_has_role(SESSION_USER, p_role, 'MEMBER')
$$;
COMMENT ON FUNCTION ismap.principal_audit_body(pg_catalog.name) IS 'the audit body a role acts for (row-level policies)';
CREATE OR REPLACE FUNCTION ismap.principal_csp(p_role pg_catalog.name) RETURNS pg_catalog.int8
LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT b.csp_id FROM ismap.principal_binding b
	WHERE b.role_name = p_role AND pg_catalog.pg_has_role(SESSION_USER, p_role, 'MEMBER')
$$;
COMMENT ON FUNCTION ismap.principal_csp(pg_catalog.name) IS 'the provider a role acts for (row-level policies)';
CREATE OR REPLACE FUNCTION ismap.audit_party(p_audit_id pg_catalog.int8, OUT audit_body_id pg_catalog.int8,
	OUT csp_id pg_catalog.int8, OUT open pg_catalog.bool)
LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT a.audit_body_id, s.csp_id,
		   NOT EXISTS (SELECT 1 FROM ismap.application ap
					   WHERE ap.audit_id = a.audit_id AND ap.status <> 'submitted')
	FROM ismap.audit a JOIN ismap.service s ON s.service_id = a.service_id
	WHERE a.audit_id = p_audit_id
	  -- only an audit of a party the session may act for
	  AND EXISTS (SELECT 1 FROM ismap.principal_binding b
				  WHERE (b.csp_id = s.csp_id OR b.audit_body_id = a.audit_body_id)
					AND pg_catalog.pg_has_role(SESSION_USER, b.role_name, 'MEMBER'))
$$;
COMMENT ON FUNCTION ismap.audit_party(pg_catalog.int8) IS 'the audit body and provider of an audit, and whether it is still open (no application decided or withdrawn on it)';
CREATE OR REPLACE FUNCTION ismap.service_csp(p_service_id pg_catalog.int8) RETURNS pg_catalog.int8
LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT s.csp_id FROM ismap.service s
	WHERE s.service_id = p_service_id
	  -- only a service of a provider the session may act for
	  AND EXISTS (SELECT 1 FROM ismap.principal_binding b
				  WHERE b.csp_id = s.csp_id AND pg_catalog.pg_has_role(SESSION_USER, b.role_name, 'MEMBER'))
$$;
COMMENT ON FUNCTION ismap.service_csp(pg_catalog.int8) IS 'the provider of a service (row-level policies)';

-- ==== A withdrawal is dated today (M4) ====
CREATE OR REPLACE FUNCTION ismap_internal.create_policies() RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	p record;
BEGIN
	FOR p IN
		SELECT pol.polname, c.relname FROM pg_catalog.pg_policy pol
		JOIN pg_catalog.pg_class c ON c.oid = pol.polrelid
		JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'ismap'
	LOOP
		EXECUTE pg_catalog.format('DROP POLICY %I ON ismap.%I', p.polname, p.relname);
	END LOOP;

	-- the owner's SECURITY DEFINER functions and the registrar and jobs see all
	CREATE POLICY staff ON ismap.audit TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.statement_item TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.audit_result TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.control_test TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.application TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.auditor TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.auditor_qualification TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.principal_binding TO ismap_registrar, ismap_jobs USING (true);
	EXECUTE pg_catalog.format('CREATE POLICY owner ON ismap.statement_item TO %I USING (true)',
		(SELECT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c WHERE c.oid = 'ismap.statement_item'::pg_catalog.regclass));
	EXECUTE pg_catalog.format('CREATE POLICY owner ON ismap.audit_result TO %I USING (true)',
		(SELECT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c WHERE c.oid = 'ismap.audit_result'::pg_catalog.regclass));
	EXECUTE pg_catalog.format('CREATE POLICY owner ON ismap.control_test TO %I USING (true)',
		(SELECT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c WHERE c.oid = 'ismap.control_test'::pg_catalog.regclass));

	-- everyone reads the public parts of these
	CREATE POLICY published ON ismap.service FOR SELECT TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs USING (true);
	CREATE POLICY published ON ismap.service_dependency FOR SELECT TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs USING (true);
	CREATE POLICY published ON ismap.csp FOR SELECT TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs USING (true);
	CREATE POLICY registrar ON ismap.csp TO ismap_registrar USING (true);

	-- an auditor: its own body
	CREATE POLICY own_body ON ismap.auditor TO ismap_auditor
		USING (audit_body_id = ismap.principal_audit_body(current_user));
	CREATE POLICY own_body ON ismap.auditor_qualification FOR SELECT TO ismap_auditor
		USING (EXISTS (SELECT 1 FROM ismap.auditor a WHERE a.auditor_id = auditor_qualification.auditor_id));
	CREATE POLICY own_body ON ismap.audit TO ismap_auditor
		USING (audit_body_id = ismap.principal_audit_body(current_user))
		WITH CHECK (audit_body_id = ismap.principal_audit_body(current_user)
			AND (SELECT o.open FROM ismap.audit_party(audit_id) o) IS NOT false);
	CREATE POLICY own_body ON ismap.application FOR SELECT TO ismap_auditor
		USING ((SELECT o.audit_body_id FROM ismap.audit_party(audit_id) o) = ismap.principal_audit_body(current_user));
	CREATE POLICY own_open_audit ON ismap.statement_item FOR SELECT TO ismap_auditor
		USING ((SELECT o.audit_body_id = ismap.principal_audit_body(current_user) AND o.open FROM ismap.audit_party(audit_id) o));
	CREATE POLICY own_open_audit ON ismap.audit_result TO ismap_auditor
		USING ((SELECT o.audit_body_id = ismap.principal_audit_body(current_user) AND o.open FROM ismap.audit_party(audit_id) o));
	CREATE POLICY own_open_audit ON ismap.control_test TO ismap_auditor
		USING ((SELECT o.audit_body_id = ismap.principal_audit_body(current_user) AND o.open FROM ismap.audit_party(audit_id) o));

	-- a provider: its own services, platforms, statements, applications;
	-- it reads its own audits' results
	CREATE POLICY own_row ON ismap.csp FOR UPDATE TO ismap_csp
		USING (csp_id = ismap.principal_csp(current_user));
	CREATE POLICY own_services ON ismap.service FOR INSERT TO ismap_csp
		WITH CHECK (csp_id = ismap.principal_csp(current_user));
	CREATE POLICY own_services_update ON ismap.service FOR UPDATE TO ismap_csp
		USING (csp_id = ismap.principal_csp(current_user));
	CREATE POLICY own_services ON ismap.service_dependency FOR INSERT TO ismap_csp
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY own_services_update ON ismap.service_dependency FOR UPDATE TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY own_services_delete ON ismap.service_dependency FOR DELETE TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY own_audits ON ismap.audit FOR SELECT TO ismap_csp
		USING ((SELECT o.csp_id FROM ismap.audit_party(audit_id) o) = ismap.principal_csp(current_user));
	CREATE POLICY own_open_statement ON ismap.statement_item FOR SELECT TO ismap_csp
		USING ((SELECT o.csp_id = ismap.principal_csp(current_user) FROM ismap.audit_party(audit_id) o));
	-- writes (a DELETE checks USING only) while the audit is open
	CREATE POLICY own_open_statement_write ON ismap.statement_item FOR ALL TO ismap_csp
		USING ((SELECT o.csp_id = ismap.principal_csp(current_user) AND o.open FROM ismap.audit_party(audit_id) o))
		WITH CHECK ((SELECT o.csp_id = ismap.principal_csp(current_user) AND o.open FROM ismap.audit_party(audit_id) o));
	CREATE POLICY own_results ON ismap.audit_result FOR SELECT TO ismap_csp
		USING ((SELECT o.csp_id FROM ismap.audit_party(audit_id) o) = ismap.principal_csp(current_user));
	CREATE POLICY own_tests ON ismap.control_test FOR SELECT TO ismap_csp
		USING ((SELECT o.csp_id FROM ismap.audit_party(audit_id) o) = ismap.principal_csp(current_user));
	CREATE POLICY own_applications ON ismap.application FOR SELECT TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	-- a provider files applications (submitted) and may withdraw them; it
	-- never decides (nor records acknowledgements, approve_application's)
	CREATE POLICY file_own ON ismap.application FOR INSERT TO ismap_csp
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user) AND status = 'submitted'
			AND submitted_on = CURRENT_DATE AND acknowledged IS NULL
			AND (SELECT o.open FROM ismap.audit_party(audit_id) o));
	-- the withdrawal is dated today, by the server's clock (M4)
	CREATE POLICY withdraw_own ON ismap.application FOR UPDATE TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user) AND status = 'submitted')
		WITH CHECK (status = 'withdrawn' AND decided_on = CURRENT_DATE);
	CREATE POLICY own_binding ON ismap.principal_binding FOR SELECT TO ismap_auditor, ismap_csp
		USING (role_name = current_user);
	CREATE POLICY staff ON ismap.service_change TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY published ON ismap.service_change FOR SELECT TO ismap_reader, ismap_auditor USING (true);
	CREATE POLICY own_services ON ismap.service_change TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user))
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY staff ON ismap.evidence TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY own_services ON ismap.evidence TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user))
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
END
$$;
COMMENT ON FUNCTION ismap_internal.create_policies() IS 'superuser: (re)create the row-level policies of the ismap roles (called by create_roles)';

-- ==== Self-assessment of a platform can be recorded (M6) ====
CREATE OR REPLACE FUNCTION ismap_internal.create_policies() RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	p record;
BEGIN
	FOR p IN
		SELECT pol.polname, c.relname FROM pg_catalog.pg_policy pol
		JOIN pg_catalog.pg_class c ON c.oid = pol.polrelid
		JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'ismap'
	LOOP
		EXECUTE pg_catalog.format('DROP POLICY %I ON ismap.%I', p.polname, p.relname);
	END LOOP;

	-- the owner's SECURITY DEFINER functions and the registrar and jobs see all
	CREATE POLICY staff ON ismap.audit TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.statement_item TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.audit_result TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.control_test TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.application TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.auditor TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.auditor_qualification TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.principal_binding TO ismap_registrar, ismap_jobs USING (true);
	EXECUTE pg_catalog.format('CREATE POLICY owner ON ismap.statement_item TO %I USING (true)',
		(SELECT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c WHERE c.oid = 'ismap.statement_item'::pg_catalog.regclass));
	EXECUTE pg_catalog.format('CREATE POLICY owner ON ismap.audit_result TO %I USING (true)',
		(SELECT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c WHERE c.oid = 'ismap.audit_result'::pg_catalog.regclass));
	EXECUTE pg_catalog.format('CREATE POLICY owner ON ismap.control_test TO %I USING (true)',
		(SELECT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c WHERE c.oid = 'ismap.control_test'::pg_catalog.regclass));

	-- everyone reads the public parts of these
	CREATE POLICY published ON ismap.service FOR SELECT TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs USING (true);
	CREATE POLICY published ON ismap.service_dependency FOR SELECT TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs USING (true);
	CREATE POLICY published ON ismap.csp FOR SELECT TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs USING (true);
	CREATE POLICY registrar ON ismap.csp TO ismap_registrar USING (true);

	-- an auditor: its own body
	CREATE POLICY own_body ON ismap.auditor TO ismap_auditor
		USING (audit_body_id = ismap.principal_audit_body(current_user));
	CREATE POLICY own_body ON ismap.auditor_qualification FOR SELECT TO ismap_auditor
		USING (EXISTS (SELECT 1 FROM ismap.auditor a WHERE a.auditor_id = auditor_qualification.auditor_id));
	CREATE POLICY own_body ON ismap.audit TO ismap_auditor
		USING (audit_body_id = ismap.principal_audit_body(current_user))
		WITH CHECK (audit_body_id = ismap.principal_audit_body(current_user)
			AND (SELECT o.open FROM ismap.audit_party(audit_id) o) IS NOT false);
	CREATE POLICY own_body ON ismap.application FOR SELECT TO ismap_auditor
		USING ((SELECT o.audit_body_id FROM ismap.audit_party(audit_id) o) = ismap.principal_audit_body(current_user));
	CREATE POLICY own_open_audit ON ismap.statement_item FOR SELECT TO ismap_auditor
		USING ((SELECT o.audit_body_id = ismap.principal_audit_body(current_user) AND o.open FROM ismap.audit_party(audit_id) o));
	CREATE POLICY own_open_audit ON ismap.audit_result TO ismap_auditor
		USING ((SELECT o.audit_body_id = ismap.principal_audit_body(current_user) AND o.open FROM ismap.audit_party(audit_id) o));
	CREATE POLICY own_open_audit ON ismap.control_test TO ismap_auditor
		USING ((SELECT o.audit_body_id = ismap.principal_audit_body(current_user) AND o.open FROM ismap.audit_party(audit_id) o));

	-- a provider: its own services, platforms, statements, applications;
	-- it reads its own audits' results
	CREATE POLICY own_row ON ismap.csp FOR UPDATE TO ismap_csp
		USING (csp_id = ismap.principal_csp(current_user));
	CREATE POLICY own_services ON ismap.service FOR INSERT TO ismap_csp
		WITH CHECK (csp_id = ismap.principal_csp(current_user));
	CREATE POLICY own_services_update ON ismap.service FOR UPDATE TO ismap_csp
		USING (csp_id = ismap.principal_csp(current_user));
	CREATE POLICY own_services ON ismap.service_dependency FOR INSERT TO ismap_csp
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY own_services_update ON ismap.service_dependency FOR UPDATE TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY own_services_delete ON ismap.service_dependency FOR DELETE TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	-- self_assessed_audit_id, granted to the registrar and the auditors, was
	-- updatable through no policy: their updates changed nothing, silently
	-- (M6).  The registrar records it; an auditor, with an audit of its own
	-- body, on a dependency not already marked by another body's audit
	-- (marking with another body's audit is refused: 42501)
	CREATE POLICY staff_update ON ismap.service_dependency FOR UPDATE TO ismap_registrar USING (true);
	CREATE POLICY own_audit ON ismap.service_dependency FOR UPDATE TO ismap_auditor
		USING (self_assessed_audit_id IS NULL
			OR (SELECT o.audit_body_id FROM ismap.audit_party(self_assessed_audit_id) o) = ismap.principal_audit_body(current_user))
		WITH CHECK (self_assessed_audit_id IS NULL
			OR (SELECT o.audit_body_id FROM ismap.audit_party(self_assessed_audit_id) o) = ismap.principal_audit_body(current_user));
	CREATE POLICY own_audits ON ismap.audit FOR SELECT TO ismap_csp
		USING ((SELECT o.csp_id FROM ismap.audit_party(audit_id) o) = ismap.principal_csp(current_user));
	CREATE POLICY own_open_statement ON ismap.statement_item FOR SELECT TO ismap_csp
		USING ((SELECT o.csp_id = ismap.principal_csp(current_user) FROM ismap.audit_party(audit_id) o));
	-- writes (a DELETE checks USING only) while the audit is open
	CREATE POLICY own_open_statement_write ON ismap.statement_item FOR ALL TO ismap_csp
		USING ((SELECT o.csp_id = ismap.principal_csp(current_user) AND o.open FROM ismap.audit_party(audit_id) o))
		WITH CHECK ((SELECT o.csp_id = ismap.principal_csp(current_user) AND o.open FROM ismap.audit_party(audit_id) o));
	CREATE POLICY own_results ON ismap.audit_result FOR SELECT TO ismap_csp
		USING ((SELECT o.csp_id FROM ismap.audit_party(audit_id) o) = ismap.principal_csp(current_user));
	CREATE POLICY own_tests ON ismap.control_test FOR SELECT TO ismap_csp
		USING ((SELECT o.csp_id FROM ismap.audit_party(audit_id) o) = ismap.principal_csp(current_user));
	CREATE POLICY own_applications ON ismap.application FOR SELECT TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	-- a provider files applications (submitted) and may withdraw them; it
	-- never decides (nor records acknowledgements, approve_application's)
	CREATE POLICY file_own ON ismap.application FOR INSERT TO ismap_csp
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user) AND status = 'submitted'
			AND submitted_on = CURRENT_DATE AND acknowledged IS NULL
			AND (SELECT o.open FROM ismap.audit_party(audit_id) o));
	-- the withdrawal is dated today, by the server's clock (M4)
	CREATE POLICY withdraw_own ON ismap.application FOR UPDATE TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user) AND status = 'submitted')
		WITH CHECK (status = 'withdrawn' AND decided_on = CURRENT_DATE);
	CREATE POLICY own_binding ON ismap.principal_binding FOR SELECT TO ismap_auditor, ismap_csp
		USING (role_name = current_user);
	CREATE POLICY staff ON ismap.service_change TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY published ON ismap.service_change FOR SELECT TO ismap_reader, ismap_auditor USING (true);
	CREATE POLICY own_services ON ismap.service_change TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user))
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY staff ON ismap.evidence TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY own_services ON ismap.evidence TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user))
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
END
$$;
COMMENT ON FUNCTION ismap_internal.create_policies() IS 'superuser: (re)create the row-level policies of the ismap roles (called by create_roles)';

-- ==== Progress messages at DEBUG1, no setting read ====
CREATE OR REPLACE FUNCTION ismap_internal.job_progress(p_message pg_catalog.text) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	RAISE DEBUG '%', p_message;
END
$$;
COMMENT ON FUNCTION ismap_internal.job_progress(pg_catalog.text) IS 'used by the batch functions: a progress message at DEBUG1 (sent to clients whose client_min_messages asks for it, as ismap-jobs -v does)';

-- ==== Every registration change has its event, whatever the path (C1) ====
CREATE OR REPLACE FUNCTION ismap_internal.registration_event_trigger() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	kind pg_catalog.text;
	ctx pg_catalog.jsonb;
BEGIN
	IF TG_OP = 'INSERT' THEN
		kind := 'registered';
	ELSIF NEW.status IS DISTINCT FROM OLD.status THEN
		kind := CASE NEW.status WHEN 'active' THEN 'reinstated' ELSE NEW.status END;
	ELSE
		kind := 'changed';
	END IF;
	IF TG_OP = 'INSERT' THEN
		SELECT pg_catalog.jsonb_build_object('action', 'register', 'application_id', a.application_id,
			'application_kind', a.kind, 'audit_id', a.audit_id, 'as_of', NEW.registered_on,
			'acknowledged', pg_catalog.to_jsonb(a.acknowledged))
		INTO ctx
		FROM ismap.application a WHERE a.application_id OPERATOR(pg_catalog.=) NEW.application_id;
	ELSIF NEW.run_id IS NOT NULL THEN
		SELECT pg_catalog.jsonb_build_object(
			'action', CASE j.job WHEN 'renewals' THEN 'expire' WHEN 'cascade' THEN 'cascade'
				WHEN 'changes' THEN CASE NEW.status WHEN 'suspended' THEN 'suspend' WHEN 'active' THEN 'reinstate' END END,
			'job', j.job, 'run_id', j.run_id, 'as_of', j.as_of,
			'grace', CASE WHEN j.job OPERATOR(pg_catalog.=) 'cascade' THEN ismap.policy_value('cascade_grace') END)
		INTO ctx
		FROM ismap.job_run j WHERE j.run_id OPERATOR(pg_catalog.=) NEW.run_id;
		IF NOT FOUND THEN
			ctx := pg_catalog.jsonb_build_object('run_id', NEW.run_id);
		END IF;
	ELSIF NEW.status OPERATOR(pg_catalog.=) 'delisted' AND OLD.status IS DISTINCT FROM 'delisted' THEN
		-- the reason given for the service delisted first (delist ends it
		-- in the same statement; this trigger runs after it)
		ctx := pg_catalog.jsonb_build_object('action', 'delist',
			'reason', CASE WHEN NEW.cascade_path IS NULL THEN NEW.end_reason ELSE COALESCE(
				(SELECT r.end_reason FROM ismap.registration r
				 WHERE r.service_id OPERATOR(pg_catalog.=) NEW.cascade_path[1] AND r.status OPERATOR(pg_catalog.=) 'delisted'
				   AND r.ended_on OPERATOR(pg_catalog.=) NEW.ended_on AND r.cascade_path IS NULL
				 ORDER BY r.registration_id DESC LIMIT 1), NEW.end_reason) END,
			'as_of', NEW.ended_on,
			'root_service_id', COALESCE(NEW.cascade_path[1], NEW.service_id));
	ELSIF NEW.status OPERATOR(pg_catalog.=) 'expired' AND OLD.status IS DISTINCT FROM 'expired' THEN
		-- outside the renewals job, register ends one as expired when a
		-- renewal replaces it (the end_reason it writes says so)
		ctx := pg_catalog.jsonb_build_object(
			'action', CASE WHEN NEW.end_reason OPERATOR(pg_catalog.~~) 'replaced by renewal%' THEN 'register' ELSE 'expire' END,
			'reason', NEW.end_reason, 'as_of', NEW.ended_on);
	END IF;
	PERFORM ismap_internal.append_event(kind, NEW.registration_id, NEW.service_id,
		pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
			'registration_number', NEW.registration_number,
			'level', NEW.level,
			'old_status', CASE WHEN TG_OP = 'UPDATE' THEN OLD.status END,
			'status', NEW.status,
			'registered_on', NEW.registered_on,
			'valid_until', NEW.valid_until,
			'ended_on', NEW.ended_on,
			'end_reason', NEW.end_reason,
			'cascaded_from', NEW.cascaded_from,
			'cascade_path', NEW.cascade_path,
			'context', ctx)));
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION ismap_internal.registration_event_trigger() IS 'trigger: writes a registry event for every registration insert or update';
CREATE OR REPLACE FUNCTION ismap_internal.service_change_event_trigger() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	live pg_catalog.int8;
BEGIN
	IF TG_OP = 'UPDATE' AND NEW.covered_by IS NOT DISTINCT FROM OLD.covered_by THEN
		RETURN NULL;
	END IF;
	-- An ordinary trigger (not ENABLE ALWAYS): a restore replays the rows
	-- under session_replication_role = replica (superuser only), and their
	-- events come back with ismap.registry_event's own rows.
	SELECT r.registration_id INTO live FROM ismap.registration r
	WHERE r.service_id = NEW.service_id AND r.status = ANY (ARRAY['active', 'suspended']);
	PERFORM ismap_internal.append_event(CASE WHEN TG_OP = 'INSERT' THEN 'change_reported' ELSE 'change_covered' END,
		live, NEW.service_id,
		pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
			'change_id', NEW.change_id,
			'kind', NEW.kind,
			'material', NEW.material,
			'effective_on', NEW.effective_on,
			'description', CASE WHEN TG_OP = 'INSERT' THEN NEW.description END,
			'reported_by', CASE WHEN TG_OP = 'INSERT' THEN NEW.reported_by END,
			'reported_on', CASE WHEN TG_OP = 'INSERT' THEN NEW.reported_on END,
			'covered_by', NEW.covered_by,
			'covered_on', NEW.covered_on,
			-- the coverage's context: the changes job's run, which its UPDATE
			-- names in covered_run_id (never a setting of the session)
			'context', CASE WHEN TG_OP = 'UPDATE' THEN (
				SELECT pg_catalog.jsonb_build_object('action', 'cover', 'job', j.job, 'run_id', j.run_id, 'as_of', j.as_of)
				FROM ismap.job_run j WHERE j.run_id = NEW.covered_run_id) END)));
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION ismap_internal.service_change_event_trigger() IS 'trigger: writes a registry event (change_reported, change_covered) for a reported change and for its coverage by an audit';

-- ordinary triggers: quiet only under session_replication_role = replica
-- (superuser only), as a restore runs
ALTER TABLE ismap.registration ENABLE TRIGGER registration_events;
ALTER TABLE ismap.service_change ENABLE TRIGGER service_change_events;

-- ==== What is public: a service never registered, and validation for the caller (M3) ====
CREATE OR REPLACE FUNCTION ismap.validate_application(application_id pg_catalog.int8)
RETURNS TABLE (code pg_catalog.text, severity pg_catalog.text, control_id ismap.ctrlid, message pg_catalog.text)
AS 'MODULE_PATHNAME', 'ismap_validate_application'
LANGUAGE C STABLE STRICT PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION ismap.validate_application(pg_catalog.int8) IS 'every finding of the government''s check of an application (code, severity error/query/warning, control, message), for an application the caller may see; see docs/validation.md';
CREATE OR REPLACE FUNCTION ismap.create_roles() RETURNS pg_catalog.text[]
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	made pg_catalog.text[] := '{}';
	r pg_catalog.text;
	f pg_catalog.regprocedure;
	owner pg_catalog.name;
BEGIN
	IF NOT (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = CURRENT_USER) THEN
		RAISE EXCEPTION 'ismap.create_roles() must be run by a superuser' USING ERRCODE = 'insufficient_privilege';
	END IF;
	FOREACH r IN ARRAY ARRAY['ismap_reader', 'ismap_registrar', 'ismap_auditor', 'ismap_csp', 'ismap_jobs'] LOOP
		IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r) THEN
			EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN', r);
			made := made || r;
		END IF;
		EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA ismap TO %I', r);
	END LOOP;
	SELECT pg_catalog.pg_get_userbyid(n.nspowner) INTO owner FROM pg_catalog.pg_namespace n WHERE n.nspname = 'ismap';

	-- everyone: the catalogs, the published registry and its reports, the policy
	GRANT SELECT ON ismap.framework, ismap.control, ismap.baseline, ismap.baseline_control,
		ismap.control_mapping, ismap.control_reference, ismap.control_group, ismap.control_param, ismap.policy,
		ismap.service_change, ismap.sla_template,
		ismap.sampling_table, ismap.registry, ismap.registry_listing, ismap.registration, ismap.registry_event, ismap.event_chain_seal,
		ismap.audit_body, ismap.audit_body_selection, ismap.csp, ismap.service, ismap.service_dependency,
		ismap.job
		TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs;
	-- the registrar: every table to read; edits the catalogs, the policy,
	-- the parties and the classification; decides through the functions
	GRANT SELECT ON ALL TABLES IN SCHEMA ismap TO ismap_registrar;
	GRANT INSERT, UPDATE, DELETE ON ismap.framework, ismap.control, ismap.baseline, ismap.baseline_control,
		ismap.control_mapping, ismap.control_reference, ismap.control_group, ismap.control_param,
		ismap.sla_template, ismap.sampling_table,
		ismap.audit_body, ismap.auditor, ismap.auditor_qualification, ismap.audit_body_selection,
		ismap.csp, ismap.organization, ismap.information_asset, ismap.information_system, ismap.system_asset
		TO ismap_registrar;
	GRANT INSERT, UPDATE ON ismap.policy TO ismap_registrar;
	GRANT SELECT ON ismap.organization, ismap.information_asset, ismap.information_system,
		ismap.system_asset TO ismap_reader;
	-- an auditor: its own body's people and audits; statements, results
	-- and control tests of its own audits while they are open
	GRANT SELECT ON ismap.auditor, ismap.auditor_qualification, ismap.audit, ismap.application,
		ismap.statement_item, ismap.audit_result, ismap.control_test, ismap.control_test_evaluation TO ismap_auditor;
	GRANT INSERT, UPDATE, DELETE ON ismap.audit_result, ismap.control_test TO ismap_auditor;
	-- every column of an audit but its decision date, which only the
	-- decisions write (0.2.0 granted the whole table: taken back first)
	REVOKE INSERT, UPDATE ON ismap.audit FROM ismap_auditor;
	GRANT INSERT (audit_id, service_id, audit_body_id, lead_auditor_id, kind, target_level, framework_id,
				  period_start, period_end, report_date, scope),
		  UPDATE (service_id, audit_body_id, lead_auditor_id, kind, target_level, framework_id,
				  period_start, period_end, report_date, scope) ON ismap.audit TO ismap_auditor;
	-- a provider: its own services, platforms, statements and applications
	-- a registered service's scope and models change only through a reported
	-- change and a new audit, and only an audit decides that a platform was
	-- assessed: the provider holds no privilege on those columns
	GRANT INSERT ON ismap.service TO ismap_csp;
	GRANT UPDATE (name, responsibility) ON ismap.service TO ismap_csp;
	GRANT INSERT (service_id, base_service_id) ON ismap.service_dependency TO ismap_csp;
	GRANT DELETE ON ismap.service_dependency TO ismap_csp;
	GRANT INSERT, UPDATE, DELETE ON ismap.statement_item TO ismap_csp;
	GRANT UPDATE (self_assessed_audit_id) ON ismap.service_dependency TO ismap_auditor, ismap_registrar;
	GRANT SELECT, INSERT ON ismap.application TO ismap_csp;
	GRANT UPDATE (status, decided_on, decision_reason) ON ismap.application TO ismap_csp;
	GRANT SELECT ON ismap.audit, ismap.statement_item, ismap.audit_result, ismap.control_test,
		ismap.control_test_evaluation TO ismap_csp;
	GRANT UPDATE (name, address) ON ismap.csp TO ismap_csp;
	-- a provider reports its own services' changes and feeds their evidence
	-- (what was reported: not its coverage, nor the reporting date)
	GRANT SELECT ON ismap.service_change, ismap.evidence TO ismap_csp;
	REVOKE INSERT ON ismap.service_change FROM ismap_csp;
	GRANT INSERT (service_id, kind, effective_on, description, reported_by) ON ismap.service_change TO ismap_csp;
	GRANT INSERT ON ismap.evidence TO ismap_csp;
	GRANT INSERT ON ismap.service_change TO ismap_registrar;
	GRANT USAGE ON ALL SEQUENCES IN SCHEMA ismap TO ismap_registrar, ismap_auditor, ismap_csp;
	-- but not the numbers of what only the extension's functions write:
	-- nextval would burn event and registration ids, leaving gaps that
	-- look like deleted rows
	REVOKE USAGE ON SEQUENCE ismap.registry_event_event_id_seq, ismap.registration_registration_id_seq,
		ismap.job_run_run_id_seq, ismap.notice_notice_id_seq FROM ismap_registrar, ismap_auditor, ismap_csp;
	-- jobs: read what the batch functions read
	-- (the batch functions have the owner's rights; the role itself reads
	-- only its runs and notices, besides what everyone reads)
	GRANT SELECT ON ismap.job_run, ismap.notice, ismap.job_health TO ismap_jobs;

	-- functions: everything that only reads, to every role; what writes,
	-- to the one role that needs it
	FOR f IN
		SELECT p.oid::pg_catalog.regprocedure FROM pg_catalog.pg_proc p
		JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.objid = p.oid AND d.deptype = 'e'
		JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'ismap'
		WHERE p.pronamespace = 'ismap'::pg_catalog.regnamespace
		  AND p.provolatile IN ('i', 's') AND p.prorettype <> 'pg_catalog.trigger'::pg_catalog.regtype
		  AND NOT p.prosecdef
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs', f);
	END LOOP;
	FOR f, r IN
		SELECT p.oid::pg_catalog.regprocedure, g.role FROM pg_catalog.pg_proc p
		JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace AND n.nspname = 'ismap'
		JOIN (VALUES ('register', 'ismap_registrar'), ('approve_application', 'ismap_registrar'),
					 ('reject_application', 'ismap_registrar'), ('delist', 'ismap_registrar'),
					 ('principal', 'ismap_registrar'), ('import_control_standard_csv', 'ismap_registrar'),
					 ('import_nist_iso27001_mapping', 'ismap_registrar'), ('import_oscal_catalog', 'ismap_registrar'),
					 ('import_oscal_profile', 'ismap_registrar'),
					 ('run_renewals', 'ismap_jobs'), ('expire_audit_body_selections', 'ismap_jobs'),
					 ('cascade_delistings', 'ismap_jobs'), ('run_changes', 'ismap_jobs'),
					 ('job_start', 'ismap_jobs'), ('job_finish', 'ismap_jobs'), ('job_mark_stale', 'ismap_jobs'),
					 ('prune_job_runs', 'ismap_jobs'), ('run_job', 'ismap_jobs'), ('seal_event_chain', 'ismap_jobs'),
					 ('ensure_evidence_partitions', 'ismap_jobs'), ('ensure_evidence_partitions', 'ismap_registrar'),
					 -- owner's rights, for the applications the caller may see
					 ('validate_application', 'ismap_registrar'), ('validate_application', 'ismap_auditor'),
					 ('validate_application', 'ismap_csp'), ('validate_application', 'ismap_jobs')) g(fn, role)
		  ON g.fn = p.proname
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO %I', f, r);
	END LOOP;

	-- the policies' helpers run in the querying role's name: only the roles
	-- whose policies call them get them
	GRANT EXECUTE ON FUNCTION ismap.principal_audit_body(pg_catalog.name), ismap.principal_csp(pg_catalog.name),
		ismap.audit_party(pg_catalog.int8), ismap.service_csp(pg_catalog.int8) TO ismap_auditor, ismap_csp;

	-- row-level policies (re-created, so a second run changes nothing)
	PERFORM ismap_internal.create_policies();
	RETURN made;
END
$$;
COMMENT ON FUNCTION ismap.create_roles() IS 'superuser: create the five ismap roles if missing, grant them least privilege and create the row-level policies; idempotent; returns the roles it created';
CREATE OR REPLACE FUNCTION ismap_internal.create_policies() RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	p record;
BEGIN
	FOR p IN
		SELECT pol.polname, c.relname FROM pg_catalog.pg_policy pol
		JOIN pg_catalog.pg_class c ON c.oid = pol.polrelid
		JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'ismap'
	LOOP
		EXECUTE pg_catalog.format('DROP POLICY %I ON ismap.%I', p.polname, p.relname);
	END LOOP;

	-- the owner's SECURITY DEFINER functions and the registrar and jobs see all
	CREATE POLICY staff ON ismap.audit TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.statement_item TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.audit_result TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.control_test TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.application TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.auditor TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.auditor_qualification TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.principal_binding TO ismap_registrar, ismap_jobs USING (true);
	EXECUTE pg_catalog.format('CREATE POLICY owner ON ismap.statement_item TO %I USING (true)',
		(SELECT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c WHERE c.oid = 'ismap.statement_item'::pg_catalog.regclass));
	EXECUTE pg_catalog.format('CREATE POLICY owner ON ismap.audit_result TO %I USING (true)',
		(SELECT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c WHERE c.oid = 'ismap.audit_result'::pg_catalog.regclass));
	EXECUTE pg_catalog.format('CREATE POLICY owner ON ismap.control_test TO %I USING (true)',
		(SELECT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c WHERE c.oid = 'ismap.control_test'::pg_catalog.regclass));

	-- What is public (docs/security.md): a service once registered (live or
	-- ended), its platforms and its provider.  A service never registered
	-- is seen by the staff, its own provider and the audit bodies auditing
	-- it (or a service built on it); its provider, until one of its services
	-- is registered, by the staff and the parties that see one of them.  The
	-- policies of service_dependency name registration and audit, not
	-- service, so that service's may read them without recursion.
	CREATE POLICY staff ON ismap.service FOR SELECT TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.service_dependency FOR SELECT TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY registrar ON ismap.csp TO ismap_registrar USING (true);
	CREATE POLICY staff ON ismap.csp FOR SELECT TO ismap_jobs USING (true);
	CREATE POLICY published ON ismap.service FOR SELECT TO ismap_reader, ismap_auditor, ismap_csp
		USING (EXISTS (SELECT 1 FROM ismap.registration r WHERE r.service_id = service.service_id));
	CREATE POLICY published ON ismap.service_dependency FOR SELECT TO ismap_reader, ismap_auditor, ismap_csp
		USING (EXISTS (SELECT 1 FROM ismap.registration r WHERE r.service_id = service_dependency.service_id));
	CREATE POLICY published ON ismap.csp FOR SELECT TO ismap_reader, ismap_auditor, ismap_csp
		USING (EXISTS (SELECT 1 FROM ismap.service s WHERE s.csp_id = csp.csp_id));
	CREATE POLICY own_services_read ON ismap.service FOR SELECT TO ismap_csp
		USING (csp_id = ismap.principal_csp(current_user));
	CREATE POLICY own_services_read ON ismap.service_dependency FOR SELECT TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY own_row_read ON ismap.csp FOR SELECT TO ismap_csp
		USING (csp_id = ismap.principal_csp(current_user));
	CREATE POLICY audited ON ismap.service FOR SELECT TO ismap_auditor
		USING (EXISTS (SELECT 1 FROM ismap.audit a WHERE a.service_id = service.service_id)
			OR EXISTS (SELECT 1 FROM ismap.service_dependency d JOIN ismap.audit a ON a.service_id = d.service_id
					   WHERE d.base_service_id = service.service_id));
	CREATE POLICY audited ON ismap.service_dependency FOR SELECT TO ismap_auditor
		USING (EXISTS (SELECT 1 FROM ismap.audit a WHERE a.service_id = service_dependency.service_id));

	-- an auditor: its own body
	CREATE POLICY own_body ON ismap.auditor TO ismap_auditor
		USING (audit_body_id = ismap.principal_audit_body(current_user));
	CREATE POLICY own_body ON ismap.auditor_qualification FOR SELECT TO ismap_auditor
		USING (EXISTS (SELECT 1 FROM ismap.auditor a WHERE a.auditor_id = auditor_qualification.auditor_id));
	CREATE POLICY own_body ON ismap.audit TO ismap_auditor
		USING (audit_body_id = ismap.principal_audit_body(current_user))
		WITH CHECK (audit_body_id = ismap.principal_audit_body(current_user)
			AND (SELECT o.open FROM ismap.audit_party(audit_id) o) IS NOT false);
	CREATE POLICY own_body ON ismap.application FOR SELECT TO ismap_auditor
		USING ((SELECT o.audit_body_id FROM ismap.audit_party(audit_id) o) = ismap.principal_audit_body(current_user));
	CREATE POLICY own_open_audit ON ismap.statement_item FOR SELECT TO ismap_auditor
		USING ((SELECT o.audit_body_id = ismap.principal_audit_body(current_user) AND o.open FROM ismap.audit_party(audit_id) o));
	CREATE POLICY own_open_audit ON ismap.audit_result TO ismap_auditor
		USING ((SELECT o.audit_body_id = ismap.principal_audit_body(current_user) AND o.open FROM ismap.audit_party(audit_id) o));
	CREATE POLICY own_open_audit ON ismap.control_test TO ismap_auditor
		USING ((SELECT o.audit_body_id = ismap.principal_audit_body(current_user) AND o.open FROM ismap.audit_party(audit_id) o));

	-- a provider: its own services, platforms, statements, applications;
	-- it reads its own audits' results
	CREATE POLICY own_row ON ismap.csp FOR UPDATE TO ismap_csp
		USING (csp_id = ismap.principal_csp(current_user));
	CREATE POLICY own_services ON ismap.service FOR INSERT TO ismap_csp
		WITH CHECK (csp_id = ismap.principal_csp(current_user));
	CREATE POLICY own_services_update ON ismap.service FOR UPDATE TO ismap_csp
		USING (csp_id = ismap.principal_csp(current_user));
	CREATE POLICY own_services ON ismap.service_dependency FOR INSERT TO ismap_csp
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY own_services_update ON ismap.service_dependency FOR UPDATE TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY own_services_delete ON ismap.service_dependency FOR DELETE TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	-- self_assessed_audit_id, granted to the registrar and the auditors, was
	-- updatable through no policy: their updates changed nothing, silently
	-- (M6).  The registrar records it; an auditor, with an audit of its own
	-- body, on a dependency not already marked by another body's audit
	-- (marking with another body's audit is refused: 42501)
	CREATE POLICY staff_update ON ismap.service_dependency FOR UPDATE TO ismap_registrar USING (true);
	CREATE POLICY own_audit ON ismap.service_dependency FOR UPDATE TO ismap_auditor
		USING (self_assessed_audit_id IS NULL
			OR (SELECT o.audit_body_id FROM ismap.audit_party(self_assessed_audit_id) o) = ismap.principal_audit_body(current_user))
		WITH CHECK (self_assessed_audit_id IS NULL
			OR (SELECT o.audit_body_id FROM ismap.audit_party(self_assessed_audit_id) o) = ismap.principal_audit_body(current_user));
	CREATE POLICY own_audits ON ismap.audit FOR SELECT TO ismap_csp
		USING ((SELECT o.csp_id FROM ismap.audit_party(audit_id) o) = ismap.principal_csp(current_user));
	CREATE POLICY own_open_statement ON ismap.statement_item FOR SELECT TO ismap_csp
		USING ((SELECT o.csp_id = ismap.principal_csp(current_user) FROM ismap.audit_party(audit_id) o));
	-- writes (a DELETE checks USING only) while the audit is open
	CREATE POLICY own_open_statement_write ON ismap.statement_item FOR ALL TO ismap_csp
		USING ((SELECT o.csp_id = ismap.principal_csp(current_user) AND o.open FROM ismap.audit_party(audit_id) o))
		WITH CHECK ((SELECT o.csp_id = ismap.principal_csp(current_user) AND o.open FROM ismap.audit_party(audit_id) o));
	CREATE POLICY own_results ON ismap.audit_result FOR SELECT TO ismap_csp
		USING ((SELECT o.csp_id FROM ismap.audit_party(audit_id) o) = ismap.principal_csp(current_user));
	CREATE POLICY own_tests ON ismap.control_test FOR SELECT TO ismap_csp
		USING ((SELECT o.csp_id FROM ismap.audit_party(audit_id) o) = ismap.principal_csp(current_user));
	CREATE POLICY own_applications ON ismap.application FOR SELECT TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	-- a provider files applications (submitted) and may withdraw them; it
	-- never decides (nor records acknowledgements, approve_application's)
	CREATE POLICY file_own ON ismap.application FOR INSERT TO ismap_csp
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user) AND status = 'submitted'
			AND submitted_on = CURRENT_DATE AND acknowledged IS NULL
			AND (SELECT o.open FROM ismap.audit_party(audit_id) o));
	-- the withdrawal is dated today, by the server's clock (M4)
	CREATE POLICY withdraw_own ON ismap.application FOR UPDATE TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user) AND status = 'submitted')
		WITH CHECK (status = 'withdrawn' AND decided_on = CURRENT_DATE);
	CREATE POLICY own_binding ON ismap.principal_binding FOR SELECT TO ismap_auditor, ismap_csp
		USING (role_name = current_user);
	CREATE POLICY staff ON ismap.service_change TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY published ON ismap.service_change FOR SELECT TO ismap_reader, ismap_auditor
		USING (EXISTS (SELECT 1 FROM ismap.registration r WHERE r.service_id = service_change.service_id));
	CREATE POLICY own_services ON ismap.service_change TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user))
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY staff ON ismap.evidence TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY own_services ON ismap.evidence TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user))
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
END
$$;
COMMENT ON FUNCTION ismap_internal.create_policies() IS 'superuser: (re)create the row-level policies of the ismap roles (called by create_roles)';

-- validate_application has the owner's rights now: the reader, who may see
-- no application, no longer runs it
REVOKE EXECUTE ON FUNCTION ismap.validate_application(pg_catalog.int8) FROM ismap_reader;

-- a restore runs under session_replication_role = replica: the triggers
-- that put a dumped row in place of a shipped default must fire there too
ALTER TABLE ismap.policy ENABLE ALWAYS TRIGGER policy_edit;
ALTER TABLE ismap.sampling_table ENABLE ALWAYS TRIGGER sampling_table_edit;
ALTER TABLE ismap.sla_template ENABLE ALWAYS TRIGGER sla_template_edit;

-- ==== A head published outside the database is the anchor (M7) ====
CREATE OR REPLACE FUNCTION ismap.verify_event_chain(OUT ok pg_catalog.bool, OUT first_bad_event pg_catalog.int8)
LANGUAGE C STABLE PARALLEL SAFE
AS 'MODULE_PATHNAME', 'ismap_verify_event_chain';
COMMENT ON FUNCTION ismap.verify_event_chain() IS 'check the event chain (from the newest seal, else in full): the first event whose content, link or order was altered, or whose predecessor was removed; the sealed event if the log was cut or rewritten after the seal';
CREATE OR REPLACE FUNCTION ismap.verify_event_chain(anchor_event_id pg_catalog.int8, anchor_hash pg_catalog.bytea,
	OUT ok pg_catalog.bool, OUT first_bad_event pg_catalog.int8)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	full_ok pg_catalog.bool;
	full_bad pg_catalog.int8;
	stored pg_catalog.bytea;
BEGIN
	IF anchor_event_id IS NULL OR anchor_hash IS NULL THEN
		RAISE EXCEPTION 'the anchor needs an event id and its published hash'
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF pg_catalog.length(anchor_hash) OPERATOR(pg_catalog.<>) 32 THEN
		RAISE EXCEPTION 'a published hash is 32 bytes (SHA-256), not %', pg_catalog.length(anchor_hash)
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	SELECT f.ok, f.first_bad_event INTO full_ok, full_bad FROM ismap.event_chain_full_check() f;
	IF NOT full_ok THEN
		ok := false;
		first_bad_event := full_bad;
		RETURN;
	END IF;
	SELECT e.hash INTO stored FROM ismap.registry_event e WHERE e.event_id OPERATOR(pg_catalog.=) anchor_event_id;
	ok := stored IS NOT DISTINCT FROM anchor_hash;
	first_bad_event := CASE WHEN NOT ok THEN anchor_event_id END;
END
$$;
COMMENT ON FUNCTION ismap.verify_event_chain(pg_catalog.int8, pg_catalog.bytea) IS 'check every hash of the event chain (no seal trusted) and that the event named has the hash published for it (event_chain_head, kept outside the database)';

-- ==== Tenants cannot stall each other: reported events wait outside the chain lock (M2) ====
-- a provider's change report and every dependency change queue their event
-- here; the next append under the chain lock and the changes job chain them
CREATE TABLE ismap_internal.pending_event (
	pending_id		pg_catalog.int8 GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	occurred_at		pg_catalog.timestamptz NOT NULL,
	kind			pg_catalog.text NOT NULL,
	registration_id	pg_catalog.int8,
	service_id		pg_catalog.int8,
	payload			pg_catalog.jsonb NOT NULL,
	actor			pg_catalog.name NOT NULL
);
COMMENT ON TABLE ismap_internal.pending_event IS 'events reported outside the chain lock (a provider''s change report, a dependency change), each fixed when reported; chained in pending_id order by the next append and by the changes job, then deleted';
SELECT pg_catalog.pg_extension_config_dump('ismap_internal.pending_event', '');
SELECT pg_catalog.pg_extension_config_dump('ismap_internal.pending_event_pending_id_seq', '');

-- ==== Tenants cannot stall each other: the chain's append and the queue (M2) ====
CREATE OR REPLACE FUNCTION ismap_internal.event_actor() RETURNS pg_catalog.name
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT CASE WHEN pg_catalog.current_setting('role') IN ('none', '') THEN SESSION_USER
				ELSE pg_catalog.current_setting('role')::pg_catalog.name END
$$;
COMMENT ON FUNCTION ismap_internal.event_actor() IS 'the actor an event records: the role set with SET ROLE, else the login role';
CREATE OR REPLACE FUNCTION ismap_internal.link_event(p_occurred_at pg_catalog.timestamptz, p_kind pg_catalog.text,
	p_registration_id pg_catalog.int8, p_service_id pg_catalog.int8, p_payload pg_catalog.jsonb,
	p_actor pg_catalog.name) RETURNS pg_catalog.int8
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
SET enable_seqscan = off
AS $$
DECLARE
	e ismap.registry_event;
BEGIN
	SELECT r.hash INTO e.prev_hash FROM ismap.registry_event r ORDER BY r.event_id DESC LIMIT 1;
	e.event_id := pg_catalog.nextval('ismap.registry_event_event_id_seq');
	e.occurred_at := p_occurred_at;
	e.kind := p_kind;
	e.registration_id := p_registration_id;
	e.service_id := p_service_id;
	e.payload := COALESCE(p_payload, '{}');
	e.actor := p_actor;
	e.hash := pg_catalog.sha256(COALESCE(e.prev_hash, '\x'::pg_catalog.bytea) OPERATOR(pg_catalog.||) ismap.event_digest_input(e));
	INSERT INTO ismap.registry_event SELECT e.*;
	RETURN e.event_id;
END
$$;
COMMENT ON FUNCTION ismap_internal.link_event(pg_catalog.timestamptz, pg_catalog.text, pg_catalog.int8, pg_catalog.int8, pg_catalog.jsonb, pg_catalog.name) IS 'write one event after the chain''s head (the caller holds the chain lock)';
CREATE OR REPLACE FUNCTION ismap_internal.chain_pending_events() RETURNS pg_catalog.int8
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
SET enable_seqscan = off
AS $$
DECLARE
	rows ismap_internal.pending_event[];
	p ismap_internal.pending_event;
BEGIN
	IF NOT EXISTS (SELECT FROM ismap_internal.pending_event) THEN
		RETURN 0;
	END IF;
	WITH d AS (DELETE FROM ismap_internal.pending_event RETURNING *)
	SELECT pg_catalog.array_agg(d ORDER BY d.pending_id) INTO rows FROM d;
	FOREACH p IN ARRAY COALESCE(rows, '{}') LOOP
		PERFORM ismap_internal.link_event(p.occurred_at, p.kind, p.registration_id, p.service_id, p.payload, p.actor);
	END LOOP;
	RETURN COALESCE(pg_catalog.cardinality(rows), 0);
END
$$;
COMMENT ON FUNCTION ismap_internal.chain_pending_events() IS 'chain the pending events committed so far, in pending_id order, and delete them (the caller holds the chain lock); returns how many';
CREATE OR REPLACE FUNCTION ismap_internal.append_event(p_kind pg_catalog.text, p_registration_id pg_catalog.int8,
	p_service_id pg_catalog.int8, p_payload pg_catalog.jsonb) RETURNS pg_catalog.int8
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM pg_catalog.pg_advisory_xact_lock(1769172321, 1);	-- 'isma', event chain
	PERFORM ismap_internal.chain_pending_events();
	RETURN ismap_internal.link_event(pg_catalog.clock_timestamp(), p_kind, p_registration_id, p_service_id,
		p_payload, ismap_internal.event_actor());
END
$$;
COMMENT ON FUNCTION ismap_internal.append_event(pg_catalog.text, pg_catalog.int8, pg_catalog.int8, pg_catalog.jsonb) IS 'append one event to the hash-chained registry log, after the pending events committed so far (used by the registry functions and triggers; takes the chain lock)';
CREATE OR REPLACE FUNCTION ismap_internal.queue_event(p_kind pg_catalog.text, p_registration_id pg_catalog.int8,
	p_service_id pg_catalog.int8, p_payload pg_catalog.jsonb) RETURNS void
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
	INSERT INTO ismap_internal.pending_event (occurred_at, kind, registration_id, service_id, payload, actor)
	VALUES (pg_catalog.clock_timestamp(), p_kind, p_registration_id, p_service_id, COALESCE(p_payload, '{}'),
		ismap_internal.event_actor())
$$;
COMMENT ON FUNCTION ismap_internal.queue_event(pg_catalog.text, pg_catalog.int8, pg_catalog.int8, pg_catalog.jsonb) IS 'report an event without the chain lock: a pending row, chained later by the next append or the changes job';
CREATE OR REPLACE FUNCTION ismap_internal.pending_event_guard() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF TG_OP = 'DELETE' AND EXISTS (
		SELECT FROM pg_catalog.pg_locks l
		WHERE l.locktype OPERATOR(pg_catalog.=) 'advisory' AND l.pid OPERATOR(pg_catalog.=) pg_catalog.pg_backend_pid()
		  AND l.granted AND l.classid OPERATOR(pg_catalog.=) 1769172321::pg_catalog.oid
		  AND l.objid OPERATOR(pg_catalog.=) 1::pg_catalog.oid AND l.objsubid OPERATOR(pg_catalog.=) 2) THEN
		RETURN NULL;
	END IF;
	RAISE EXCEPTION 'pending events are chained, never edited or removed'
		USING ERRCODE = 'insufficient_privilege',
			  DETAIL = pg_catalog.format('%s on ismap_internal.pending_event is refused.', TG_OP),
			  HINT = 'The next event appended, or the changes job, chains them into ismap.registry_event.';
END
$$;
COMMENT ON FUNCTION ismap_internal.pending_event_guard() IS 'trigger: refuses UPDATE and TRUNCATE of pending events, and DELETE except under the chain lock (the chaining step)';
CREATE OR REPLACE FUNCTION ismap.register(p_application_id pg_catalog.int8, p_as_of pg_catalog.date DEFAULT CURRENT_DATE)
RETURNS ismap.registration
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	app ismap.application;
	aud ismap.audit;
	live ismap.registration;
	prior ismap.registration;
	res ismap.registration;
	serial_prefix pg_catalog.text;
	serial pg_catalog.int4;
	validity pg_catalog.interval := (ismap.policy_value('registration_validity') #>> '{}')::pg_catalog.interval;
BEGIN
	IF p_application_id IS NULL OR p_as_of IS NULL THEN
		RAISE EXCEPTION 'application and date must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	app := ismap_internal.lock_submitted_application(p_application_id);
	IF p_as_of < app.submitted_on THEN
		RAISE EXCEPTION 'cannot register application % on %, before it was submitted on %', p_application_id, p_as_of, app.submitted_on
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	-- the audit is decided with the application: frozen from now on
	PERFORM ismap_internal.decide_audit(app.audit_id, p_as_of);
	SELECT * INTO aud FROM ismap.audit WHERE audit_id = app.audit_id;

	-- one registration decision per service at a time (NO KEY UPDATE: a
	-- provider's uncommitted row naming the service as its platform holds
	-- KEY SHARE on it, and must not delay another provider's decision)
	PERFORM 1 FROM ismap.service WHERE service_id = app.service_id FOR NO KEY UPDATE;
	SELECT * INTO live FROM ismap.registration
	WHERE service_id = app.service_id AND status IN ('active', 'suspended');
	IF FOUND AND app.kind = 'new' THEN
		RAISE EXCEPTION 'service % already has registration %', app.service_id, live.registration_number
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  HINT = 'File a renewal application to replace it.';
	END IF;
	IF (aud.period_end + validity)::pg_catalog.date < p_as_of THEN
		RAISE EXCEPTION 'registration of application % would already be expired on %', p_application_id, p_as_of
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = pg_catalog.format('The audited period ended on %s; with a validity of %s it ends on %s.',
					aud.period_end, validity, (aud.period_end + validity)::pg_catalog.date);
	END IF;

	-- the number: a service keeps the serial of its first registration
	SELECT * INTO prior FROM ismap.registration WHERE service_id = app.service_id
	ORDER BY registered_on DESC, registration_id DESC LIMIT 1;
	IF FOUND THEN
		serial_prefix := pg_catalog.regexp_replace(prior.registration_number, '-[1-3]$', '');
	ELSE
		INSERT INTO ismap.registration_serial AS s (year, last_serial)
		VALUES (pg_catalog.date_part('year', p_as_of)::pg_catalog.int2, 1)
		ON CONFLICT (year) DO UPDATE SET last_serial = s.last_serial + 1
		RETURNING s.last_serial INTO serial;
		serial_prefix := pg_catalog.format('C%s-%s',
			pg_catalog.to_char(p_as_of, 'YY'),
			pg_catalog.lpad(serial::pg_catalog.text, GREATEST(4, pg_catalog.length(serial::pg_catalog.text)), '0'));
	END IF;

	-- the events of what follows take their context from the rows: the
	-- application (kind, audit, the acknowledgements approve_application
	-- recorded on it) and the registration (ismap_internal.registration_event_trigger)
	IF live.registration_id IS NOT NULL THEN
		UPDATE ismap.registration
		SET status = 'expired', ended_on = p_as_of,
			end_reason = pg_catalog.format('replaced by renewal (application %s)', app.application_id),
			run_id = NULL
		WHERE registration_id = live.registration_id;
	END IF;
	INSERT INTO ismap.registration (registration_number, service_id, level, application_id,
		registered_on, valid_until, status)
	VALUES (serial_prefix || '-' || app.requested_level, app.service_id, app.requested_level,
		app.application_id, p_as_of, (aud.period_end + validity)::pg_catalog.date, 'active')
	RETURNING * INTO res;

	UPDATE ismap.application SET status = 'approved', decided_on = p_as_of
	WHERE application_id = app.application_id;
	RETURN res;
END
$$;
COMMENT ON FUNCTION ismap.register(pg_catalog.int8, pg_catalog.date) IS 'registrar primitive: register a submitted application (number, validity, replacing the service''s registration on renewal, event); approve_application validates and then calls it';
CREATE OR REPLACE FUNCTION ismap.delist(p_service_id pg_catalog.int8, p_reason pg_catalog.text, p_as_of pg_catalog.date DEFAULT CURRENT_DATE)
RETURNS SETOF ismap.registration
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	root ismap.registration;
BEGIN
	IF ismap.text_is_blank(p_reason) THEN
		RAISE EXCEPTION 'a delisting needs a reason' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF p_as_of IS NULL THEN
		RAISE EXCEPTION 'the delisting date must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	-- NO KEY UPDATE: a provider's uncommitted dependency on this platform
	-- holds KEY SHARE on the row and must not delay the delisting
	PERFORM 1 FROM ismap.service WHERE service_id = p_service_id FOR NO KEY UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'service % does not exist', p_service_id USING ERRCODE = 'undefined_object';
	END IF;
	SELECT * INTO root FROM ismap.registration r
	WHERE r.service_id = p_service_id AND r.status IN ('active', 'suspended') FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'service % has no active registration to delist', p_service_id
			USING ERRCODE = 'object_not_in_prerequisite_state';
	END IF;

	RETURN QUERY
	WITH impact AS (
		SELECT i.*, base.registration_id AS base_registration_id
		FROM ismap.delisting_impact(p_service_id) i
		LEFT JOIN ismap.registration base
		  ON i.depth > 0 AND base.service_id = i.via[pg_catalog.array_upper(i.via, 1)]
		 AND base.status IN ('active', 'suspended')
	)
	UPDATE ismap.registration r
	SET status = 'delisted', ended_on = p_as_of,
		end_reason = CASE WHEN impact.depth = 0 THEN p_reason
			ELSE pg_catalog.format('platform delisted: %s', p_reason) END,
		cascaded_from = CASE WHEN impact.depth = 0 THEN NULL
			ELSE COALESCE(impact.base_registration_id, root.registration_id) END,
		cascade_path = CASE WHEN impact.depth = 0 THEN NULL ELSE impact.via END,
		run_id = NULL
	FROM impact
	WHERE r.registration_id = impact.registration_id
	RETURNING r.*;
END
$$;
COMMENT ON FUNCTION ismap.delist(pg_catalog.int8, pg_catalog.text, pg_catalog.date) IS 'delist a service and, in the same transaction, every registration built on it (not self-assessed); returns the rows changed';
CREATE OR REPLACE FUNCTION ismap_internal.service_change_event_trigger() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	live pg_catalog.int8;
	payload pg_catalog.jsonb;
BEGIN
	IF TG_OP = 'UPDATE' AND NEW.covered_by IS NOT DISTINCT FROM OLD.covered_by THEN
		RETURN NULL;
	END IF;
	-- Rows that arrive by COPY are a restore (pg_dump writes table data as
	-- COPY): their events come back with ismap.registry_event's own rows,
	-- and new ones would fork the chain.  Changes are reported by INSERT.
	-- (the whole query must be one COPY ... FROM STDIN, run by a superuser:
	-- a restore, never a multi-statement query that merely starts with COPY)
	-- (this function runs with the owner's rights: the one who inserted is
	-- the role set with SET ROLE, else the login role)
	IF TG_OP = 'INSERT'
	   AND pg_catalog.current_query() OPERATOR(pg_catalog.~*) '^\s*copy\s[^;]*\sfrom\s+stdin\s*;?\s*$'
	   AND (SELECT r.rolsuper FROM pg_catalog.pg_roles r
			WHERE r.rolname OPERATOR(pg_catalog.=) CASE WHEN pg_catalog.current_setting('role') IN ('none', '')
				THEN SESSION_USER ELSE pg_catalog.current_setting('role')::pg_catalog.name END) THEN
		RETURN NULL;
	END IF;
	SELECT r.registration_id INTO live FROM ismap.registration r
	WHERE r.service_id = NEW.service_id AND r.status = ANY (ARRAY['active', 'suspended']);
	-- the report (usually a provider's) is queued, never chained here: the
	-- chain lock would be held until the reporter commits, and every
	-- decision and job would wait for it (docs/registry.md, "The event
	-- log").  The coverage is the changes job's UPDATE: appended at once.
	payload := pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
		'change_id', NEW.change_id,
		'kind', NEW.kind,
		'material', NEW.material,
		'effective_on', NEW.effective_on,
		'description', CASE WHEN TG_OP = 'INSERT' THEN NEW.description END,
		'reported_by', CASE WHEN TG_OP = 'INSERT' THEN NEW.reported_by END,
		'reported_on', CASE WHEN TG_OP = 'INSERT' THEN NEW.reported_on END,
		'covered_by', NEW.covered_by,
		'covered_on', NEW.covered_on,
		-- the coverage's context: the changes job's run, which its UPDATE
		-- names in covered_run_id (never a setting of the session)
		'context', CASE WHEN TG_OP = 'UPDATE' THEN (
			SELECT pg_catalog.jsonb_build_object('action', 'cover', 'job', j.job, 'run_id', j.run_id, 'as_of', j.as_of)
			FROM ismap.job_run j WHERE j.run_id = NEW.covered_run_id) END));
	IF TG_OP = 'INSERT' THEN
		PERFORM ismap_internal.queue_event('change_reported', live, NEW.service_id, payload);
	ELSE
		PERFORM ismap_internal.append_event('change_covered', live, NEW.service_id, payload);
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION ismap_internal.service_change_event_trigger() IS 'trigger: queues the registry event change_reported of a reported change (chained later, without the chain lock) and appends change_covered for its coverage by an audit';
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
	-- two callers would race for the same names (key 2: not a job's key;
	-- 105 was the chain job's, whose run then failed with 55P03)
	PERFORM pg_catalog.pg_advisory_xact_lock(1769172321, 2);
	m := pg_catalog.date_trunc('month', from_date)::pg_catalog.date;
	WHILE m <= to_date LOOP
		part := pg_catalog.format('evidence_%s', pg_catalog.to_char(m, 'YYYY_MM'));
		IF pg_catalog.to_regclass(pg_catalog.format('ismap.%I', part)) IS NULL THEN
			-- made apart and attached: CREATE TABLE ... PARTITION OF takes
			-- ACCESS EXCLUSIVE on ismap.evidence and would wait for every
			-- provider's open transaction that inserted evidence (and make
			-- all later inserts wait behind it); ATTACH PARTITION takes
			-- SHARE UPDATE EXCLUSIVE, which inserts do not conflict with
			EXECUTE pg_catalog.format('CREATE TABLE ismap.%I (LIKE ismap.evidence INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part);
			EXECUTE pg_catalog.format('ALTER TABLE ismap.evidence ATTACH PARTITION ismap.%I FOR VALUES FROM (%L) TO (%L)',
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
CREATE OR REPLACE FUNCTION ismap_internal.job_changes(as_of pg_catalog.date, dry_run pg_catalog.bool, run_id pg_catalog.int8)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
SET jit = off
SET work_mem = '64MB'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
AS $$
#variable_conflict use_column
DECLARE
	d pg_catalog.date := job_changes.as_of;
	dry pg_catalog.bool := job_changes.dry_run;
	run pg_catalog.int8 := job_changes.run_id;
	windows pg_catalog.int4[];
	ahead pg_catalog.int4;
	ev_window pg_catalog.interval := (ismap.policy_value('evidence_window') #>> '{}')::pg_catalog.interval;
	conf pg_catalog.float8 := (ismap.policy_value('sampling_confidence') #>> '{}')::pg_catalog.float8;
	tol pg_catalog.float8 := (ismap.policy_value('sampling_tolerable_rate') #>> '{}')::pg_catalog.float8;
	hi pg_catalog.timestamptz;
	n_parts pg_catalog.int8 := 0;
	n_chained pg_catalog.int8;
	n_covered pg_catalog.int8;
	n_reinstated pg_catalog.int8;
	n_suspended pg_catalog.int8;
	n_notices pg_catalog.int8;
	n_crossed pg_catalog.int8 := 0;
	n_cleared pg_catalog.int8 := 0;
	m pg_catalog.date;
	part pg_catalog.text;
	rec record;
BEGIN
	BEGIN
		SELECT COALESCE(pg_catalog.array_agg(w::pg_catalog.int4 ORDER BY w::pg_catalog.int4), '{}')
		INTO STRICT windows
		FROM pg_catalog.jsonb_array_elements_text(ismap.policy_value('change_notice_days')) AS e(w);
	EXCEPTION WHEN OTHERS THEN
		windows := NULL;
	END;
	IF windows IS NULL OR pg_catalog.array_position(windows, NULL) IS NOT NULL
	   OR EXISTS (SELECT 1 FROM pg_catalog.unnest(windows) w WHERE w < 0) THEN
		RAISE EXCEPTION 'policy parameter "change_notice_days" must be an array of days, not %',
			(SELECT p.value FROM ismap.policy p WHERE p.name = 'change_notice_days')
			USING ERRCODE = 'invalid_parameter_value', HINT = 'For example [60, 30, 7].';
	END IF;
	BEGIN
		ahead := (ismap.policy_value('evidence_months_ahead') #>> '{}')::pg_catalog.int4;
	EXCEPTION WHEN data_exception THEN
		ahead := NULL;
	END;
	IF ahead IS NULL OR ahead < 0 OR ahead > 120 THEN
		RAISE EXCEPTION 'policy parameter "evidence_months_ahead" must be a number of months from 0 to 120'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF ev_window IS NULL OR ev_window <= '0'::pg_catalog.interval THEN
		RAISE EXCEPTION 'policy parameter "evidence_window" must be a positive interval' USING ERRCODE = 'invalid_parameter_value';
	END IF;

	-- 1. evidence partitions: the month of as_of and the months ahead
	PERFORM ismap_internal.job_progress(pg_catalog.format('changes: evidence partitions to %s months ahead of %s', ahead, d));
	IF NOT dry THEN
		FOR part IN SELECT * FROM ismap.ensure_evidence_partitions(d, (d + pg_catalog.make_interval(months => ahead))::pg_catalog.date) LOOP
			action := 'partition_created'; object_id := NULL; detail := part;
			RETURN NEXT;
			n_parts := n_parts + 1;
		END LOOP;
	ELSE
		m := pg_catalog.date_trunc('month', d)::pg_catalog.date;
		WHILE m <= (d + pg_catalog.make_interval(months => ahead))::pg_catalog.date LOOP
			part := pg_catalog.format('evidence_%s', pg_catalog.to_char(m, 'YYYY_MM'));
			IF pg_catalog.to_regclass(pg_catalog.format('ismap.%I', part)) IS NULL THEN
				action := 'partition_created'; object_id := NULL; detail := 'ismap.' || part;
				RETURN NEXT;
				n_parts := n_parts + 1;
			END IF;
			m := (m + '1 month'::pg_catalog.interval)::pg_catalog.date;
		END LOOP;
	END IF;

	-- 1b. the reported events committed so far (change reports, dependency
	-- changes: queued without the chain lock) go into the event log; the
	-- coverage events of step 2 follow them
	IF NOT dry THEN
		PERFORM pg_catalog.pg_advisory_xact_lock(1769172321, 1);	-- the event chain's lock
		n_chained := ismap_internal.chain_pending_events();
	ELSE
		SELECT pg_catalog.count(*) INTO n_chained FROM ismap_internal.pending_event;
	END IF;
	IF n_chained > 0 THEN
		action := 'events_chained'; object_id := NULL;
		detail := pg_catalog.format('%s reported event(s) chained into the event log', n_chained);
		RETURN NEXT;
	END IF;

	-- 2. material changes an audit now covers (the trigger writes the event)
	RETURN QUERY
	WITH cov AS (
		SELECT s.change_id, s.service_id, s.kind, s.effective_on, s.covered_by, s.covered_on, r.registration_number
		FROM ismap.change_status(d) s
		JOIN ismap.service_change c ON c.change_id = s.change_id
		JOIN ismap.registration r ON r.registration_id = s.covered_by
		WHERE s.status = 'covered' AND c.covered_by IS NULL
	),
	upd AS (
		UPDATE ismap.service_change c SET covered_by = cov.covered_by, covered_on = cov.covered_on, covered_run_id = run
		FROM cov WHERE NOT dry AND c.change_id = cov.change_id AND c.covered_by IS NULL
		RETURNING c.change_id
	)
	SELECT 'covered', cov.change_id,
		   pg_catalog.format('change %s of service %s (%s, effective %s): covered by the audit of %s, registered on %s',
			   cov.change_id, cov.service_id, cov.kind, cov.effective_on, cov.registration_number, cov.covered_on)
	FROM cov WHERE dry OR cov.change_id IN (SELECT u.change_id FROM upd u)
	ORDER BY 2;
	GET DIAGNOSTICS n_covered = ROW_COUNT;

	-- 3. suspensions of covered changes are lifted; a registration none
	-- holds any more is active again (a suspended registration that no
	-- change of this job holds was suspended by someone else: left alone)
	RETURN QUERY
	WITH cov AS (
		SELECT s.change_id FROM ismap.change_status(d) s WHERE s.status = 'covered'
	),
	lift AS (
		UPDATE ismap.change_suspension cs SET lifted_on = d
		WHERE NOT dry AND cs.lifted_on IS NULL AND cs.change_id IN (SELECT cov.change_id FROM cov)
		RETURNING cs.registration_id
	),
	back AS (
		SELECT r.registration_id, r.registration_number, r.service_id,
			   (SELECT pg_catalog.string_agg(cs.change_id::pg_catalog.text, ', ' ORDER BY cs.change_id)
				FROM ismap.change_suspension cs
				WHERE cs.registration_id = r.registration_id AND cs.lifted_on IS NULL) AS changes
		FROM ismap.registration r
		WHERE r.status = 'suspended'
		  AND EXISTS (SELECT 1 FROM ismap.change_suspension cs
					  WHERE cs.registration_id = r.registration_id AND cs.lifted_on IS NULL
						AND cs.change_id IN (SELECT cov.change_id FROM cov))
		  AND NOT EXISTS (SELECT 1 FROM ismap.change_suspension cs
						  WHERE cs.registration_id = r.registration_id AND cs.lifted_on IS NULL
							AND cs.change_id NOT IN (SELECT cov.change_id FROM cov))
	),
	upd AS (
		UPDATE ismap.registration r
		SET status = 'active', end_reason = NULL, cascaded_from = NULL, cascade_path = NULL, run_id = run
		FROM back
		WHERE NOT dry AND r.registration_id = back.registration_id AND r.status = 'suspended'
		  AND (SELECT pg_catalog.count(*) FROM lift) >= 0
		RETURNING r.registration_id
	)
	SELECT 'reinstated', back.registration_id,
		   pg_catalog.format('%s (service %s): active again, change %s covered by an audit',
			   back.registration_number, back.service_id, back.changes)
	FROM back WHERE dry OR back.registration_id IN (SELECT u.registration_id FROM upd u)
	ORDER BY 2;
	GET DIAGNOSTICS n_reinstated = ROW_COUNT;

	-- 4. material changes past their window without an audit: suspend the
	-- service's live registration and what is built on it
	PERFORM ismap_internal.job_progress(pg_catalog.format('changes: %s covered, %s reinstated; suspending for changes due before %s', n_covered, n_reinstated, d));
	RETURN QUERY
	WITH overdue AS (
		SELECT s.change_id, s.service_id AS root_service, s.kind, s.effective_on, s.due_on,
			   root.registration_number AS root_number
		FROM ismap.change_status(d) s
		JOIN ismap.registration root ON root.service_id = s.service_id
			AND root.status = ANY (ARRAY['active', 'suspended'])
		WHERE s.status = 'overdue'
	),
	hit AS (
		SELECT o.*, i.registration_id, i.service_id, i.depth, i.via, r.registration_number, r.status,
			   base.registration_id AS base_registration_id
		FROM overdue o
		CROSS JOIN LATERAL ismap.delisting_impact(o.root_service) i
		JOIN ismap.registration r ON r.registration_id = i.registration_id
		LEFT JOIN ismap.registration base
		  ON i.depth > 0 AND base.service_id = i.via[pg_catalog.array_upper(i.via, 1)]
		 AND base.status = ANY (ARRAY['active', 'suspended'])
		WHERE NOT EXISTS (SELECT 1 FROM ismap.change_suspension cs
						  WHERE cs.change_id = o.change_id AND cs.registration_id = i.registration_id)
		  -- active, or suspended by this job (a change it holds for)
		  AND (r.status = 'active'
			   OR EXISTS (SELECT 1 FROM ismap.change_suspension cs
						  WHERE cs.registration_id = i.registration_id AND cs.lifted_on IS NULL))
	),
	ins AS (
		INSERT INTO ismap.change_suspension (change_id, registration_id, depth, via, suspended_on, run_id)
		SELECT h.change_id, h.registration_id, h.depth, h.via, d, run FROM hit h WHERE NOT dry
		RETURNING change_suspension.registration_id
	),
	pick AS (
		SELECT DISTINCT ON (h.registration_id) h.*,
			   CASE WHEN h.depth = 0
					THEN pg_catalog.format('material change %s (%s, effective %s) not covered by an audit by %s',
						h.change_id, h.kind, h.effective_on, h.due_on)
					ELSE pg_catalog.format('platform suspended: %s (service %s) has material change %s (%s, effective %s) not covered by an audit by %s',
						h.root_number, h.root_service, h.change_id, h.kind, h.effective_on, h.due_on) END AS reason
		FROM hit h
		WHERE h.status = 'active'
		ORDER BY h.registration_id, h.depth, h.change_id
	),
	upd AS (
		UPDATE ismap.registration r
		SET status = 'suspended', end_reason = p.reason,
			cascaded_from = CASE WHEN p.depth = 0 THEN NULL ELSE p.base_registration_id END,
			cascade_path = CASE WHEN p.depth = 0 THEN NULL ELSE p.via END,
			run_id = run
		FROM pick p
		WHERE NOT dry AND r.registration_id = p.registration_id AND r.status = 'active'
		  AND (SELECT pg_catalog.count(*) FROM ins) >= 0
		RETURNING r.registration_id
	)
	SELECT 'suspended', p.registration_id,
		   pg_catalog.format('%s (service %s): %s%s', p.registration_number, p.service_id, p.reason,
			   CASE WHEN p.depth > 0 THEN ' ; chain ' || pg_catalog.array_to_string(p.via || p.service_id, ' -> ') ELSE '' END)
	FROM pick p WHERE dry OR p.registration_id IN (SELECT u.registration_id FROM upd u)
	ORDER BY 2;
	GET DIAGNOSTICS n_suspended = ROW_COUNT;

	-- 5. notices before a change's window ends: the latest window reached,
	-- once; none once an audit covers the change
	RETURN QUERY
	WITH cand AS (
		SELECT s.change_id, s.service_id, s.kind, s.effective_on, s.due_on, w.days,
			   (s.due_on - w.days) AS occasion
		FROM ismap.change_status(d) s
		CROSS JOIN LATERAL (SELECT pg_catalog.min(x) AS days FROM pg_catalog.unnest(windows) x
							WHERE x >= (s.due_on - d)) w
		WHERE s.status = 'audit_required' AND s.due_on >= d
	),
	fresh AS (
		SELECT c.*, pg_catalog.format('change %s of service %s (%s, effective %s) needs an audit by %s (%s days); %s-day notice',
				   c.change_id, c.service_id, c.kind, c.effective_on, c.due_on, c.due_on - d, c.days) AS what
		FROM cand c
		WHERE c.days IS NOT NULL
		  AND NOT EXISTS (SELECT 1 FROM ismap.notice n
						  WHERE n.kind = 'change_audit_due' AND n.object_id = c.change_id AND n.occasion = c.occasion)
	),
	ins AS (
		INSERT INTO ismap.notice (kind, object_id, occasion, window_days, as_of, detail, run_id)
		SELECT 'change_audit_due', f.change_id, f.occasion, f.days, d, f.what, run FROM fresh f WHERE NOT dry
		ON CONFLICT ON CONSTRAINT notice_once DO NOTHING
		RETURNING notice.object_id, notice.detail
	)
	SELECT 'notice', i.object_id, i.detail FROM ins i
	UNION ALL
	SELECT 'notice', f.change_id, f.what FROM fresh f WHERE dry
	ORDER BY 2;
	GET DIAGNOSTICS n_notices = ROW_COUNT;

	-- 6. control evidence of the policy window: a control that crosses the
	-- limit opens a crossing and gets one notice; one back within closes it
	PERFORM ismap_internal.job_progress(pg_catalog.format('changes: %s suspended, %s notices; control evidence of %s to %s', n_suspended, n_notices, ev_window, d));
	hi := (d + 1)::pg_catalog.timestamptz;
	FOR rec IN
		WITH g AS (
			SELECT e.service_id, e.control_id, pg_catalog.count(*) AS n,
				   pg_catalog.count(*) FILTER (WHERE e.outcome = 'fail') AS dev
			FROM ismap.evidence e
			WHERE e.occurred_at >= hi - ev_window AND e.occurred_at < hi
			GROUP BY e.service_id, e.control_id
		),
		h AS (
			SELECT g.*, ismap.upper_deviation_limit(LEAST(g.n, 2147483647)::pg_catalog.int4,
				LEAST(g.dev, 2147483647)::pg_catalog.int4, conf) AS ul
			FROM g WHERE g.dev > 0
		),
		bad AS (SELECT h.* FROM h WHERE h.ul > tol),
		opened AS (
			SELECT b.* FROM bad b
			WHERE NOT EXISTS (SELECT 1 FROM ismap.control_crossing c
							  WHERE c.cleared_on IS NULL AND c.service_id = b.service_id
								AND c.control_id OPERATOR(ismap.=) b.control_id)
		),
		closed AS (
			SELECT c.crossing_id, c.service_id, c.control_id, c.crossed_on,
				   COALESCE(g.n, 0) AS n, COALESCE(g.dev, 0) AS dev
			FROM ismap.control_crossing c
			LEFT JOIN g ON g.service_id = c.service_id AND g.control_id OPERATOR(ismap.=) c.control_id
			WHERE c.cleared_on IS NULL
			  AND NOT EXISTS (SELECT 1 FROM bad b
							  WHERE b.service_id = c.service_id AND b.control_id OPERATOR(ismap.=) c.control_id)
		),
		insc AS (
			INSERT INTO ismap.control_crossing (service_id, control_id, crossed_on, observations, deviations, upper_limit, run_id)
			SELECT o.service_id, o.control_id, d, o.n, o.dev, o.ul, run FROM opened o WHERE NOT dry
			RETURNING control_crossing.*
		),
		insn AS (
			INSERT INTO ismap.notice (kind, object_id, occasion, as_of, detail, run_id)
			SELECT 'control_limit_exceeded', i.crossing_id, d, d,
				   pg_catalog.format('service %s control %s: %s deviations in %s observations from %s to %s; upper deviation limit %s above the tolerable rate %s',
					   i.service_id, i.control_id, i.deviations, i.observations, (d - ev_window)::pg_catalog.date + 1, d,
					   pg_catalog.round(i.upper_limit::pg_catalog.numeric, 4), tol), run
			FROM insc i
			RETURNING notice.object_id, notice.detail
		),
		updc AS (
			UPDATE ismap.control_crossing c SET cleared_on = d
			FROM closed x WHERE NOT dry AND c.crossing_id = x.crossing_id
			RETURNING c.crossing_id
		)
		SELECT 'limit_exceeded' AS act, i.object_id AS id, i.detail AS what FROM insn i
		UNION ALL
		SELECT 'limit_exceeded', NULL,
			   pg_catalog.format('service %s control %s: %s deviations in %s observations from %s to %s; upper deviation limit %s above the tolerable rate %s',
				   o.service_id, o.control_id, o.dev, o.n, (d - ev_window)::pg_catalog.date + 1, d,
				   pg_catalog.round(o.ul::pg_catalog.numeric, 4), tol)
		FROM opened o WHERE dry
		UNION ALL
		SELECT 'limit_cleared', x.crossing_id,
			   pg_catalog.format('service %s control %s: back within the limit (%s deviations in %s observations), over it since %s',
				   x.service_id, x.control_id, x.dev, x.n, x.crossed_on)
		FROM closed x WHERE dry OR x.crossing_id IN (SELECT u.crossing_id FROM updc u)
		ORDER BY 1, 3
	LOOP
		action := rec.act;
		object_id := rec.id;
		detail := rec.what;
		RETURN NEXT;
		IF rec.act = 'limit_exceeded' THEN
			n_crossed := n_crossed + 1;
		ELSE
			n_cleared := n_cleared + 1;
		END IF;
	END LOOP;
END
$$;
COMMENT ON FUNCTION ismap_internal.job_changes(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) IS 'the work of the changes job, called by ismap.run_job (which holds the lock and records the run run_id, NULL for a dry run)';
REVOKE EXECUTE ON FUNCTION ismap_internal.job_changes(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) FROM PUBLIC;

CREATE TRIGGER pending_event_guard BEFORE UPDATE OR DELETE OR TRUNCATE ON ismap_internal.pending_event
	FOR EACH STATEMENT EXECUTE FUNCTION ismap_internal.pending_event_guard();
ALTER TABLE ismap_internal.pending_event ENABLE ALWAYS TRIGGER pending_event_guard;

-- ==== Platforms of a registered service are frozen, and every dependency change is an event (M5) ====
CREATE OR REPLACE FUNCTION ismap_internal.service_dependency_guard() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	live ismap.registration;
BEGIN
	IF TG_OP = 'UPDATE' AND NEW.service_id IS NOT DISTINCT FROM OLD.service_id
	   AND NEW.base_service_id IS NOT DISTINCT FROM OLD.base_service_id THEN
		RETURN NEW;
	END IF;
	-- in the decisions' order: the audits, then the service
	PERFORM FROM ismap.audit au WHERE au.service_id = OLD.service_id AND au.decided_on IS NULL FOR SHARE;
	PERFORM FROM ismap.service s WHERE s.service_id = OLD.service_id FOR SHARE;
	SELECT r.* INTO live FROM ismap.registration r
	WHERE r.service_id = OLD.service_id AND r.status = ANY (ARRAY['active', 'suspended']);
	IF FOUND AND NOT EXISTS (
		SELECT FROM ismap.service_change c, ismap.application a, ismap.audit au
		WHERE a.application_id = live.application_id AND au.audit_id = a.audit_id
		  AND c.service_id = OLD.service_id AND c.kind = 'architecture'
		  AND c.reported_on <= live.registered_on AND au.period_end >= c.effective_on) THEN
		RAISE EXCEPTION 'the platforms of service % are frozen while registration % is in force', OLD.service_id, live.registration_number
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = pg_catalog.format('%s of its dependency on service %s is refused: the registration (%s) rests on it, and a delisting of the platform cascades through it.',
					TG_OP, OLD.base_service_id, live.status),
				  HINT = 'A platform change is an architecture change: report it in ismap.service_change (kind architecture); once an audit covering it is approved, the platform can be removed.';
	END IF;
	RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;
COMMENT ON FUNCTION ismap_internal.service_dependency_guard() IS 'trigger: a dependency of a service with a registration in force is neither removed nor moved (55000) unless that registration''s audit covers an architecture change reported by its registration day; shares the service and audit row locks with the decisions';
CREATE OR REPLACE FUNCTION ismap_internal.service_dependency_event_trigger() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	svc pg_catalog.int8 := CASE WHEN TG_OP = 'DELETE' THEN OLD.service_id ELSE NEW.service_id END;
	live pg_catalog.int8;
BEGIN
	IF TG_OP = 'UPDATE' AND NEW IS NOT DISTINCT FROM OLD THEN
		RETURN NULL;
	END IF;
	-- a restore brings the events back with ismap.registry_event's and
	-- ismap_internal.pending_event's rows (as for ismap.service_change)
	IF TG_OP = 'INSERT'
	   AND pg_catalog.current_query() OPERATOR(pg_catalog.~*) '^\s*copy\s[^;]*\sfrom\s+stdin\s*;?\s*$'
	   AND (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname OPERATOR(pg_catalog.=) ismap_internal.event_actor()) THEN
		RETURN NULL;
	END IF;
	SELECT r.registration_id INTO live FROM ismap.registration r
	WHERE r.service_id = svc AND r.status = ANY (ARRAY['active', 'suspended']);
	PERFORM ismap_internal.queue_event(
		CASE TG_OP WHEN 'INSERT' THEN 'dependency_added' WHEN 'DELETE' THEN 'dependency_removed' ELSE 'dependency_changed' END,
		live, svc,
		pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
			'service_id', svc,
			'base_service_id', CASE WHEN TG_OP = 'DELETE' THEN OLD.base_service_id ELSE NEW.base_service_id END,
			'self_assessed_audit_id', CASE WHEN TG_OP = 'DELETE' THEN OLD.self_assessed_audit_id ELSE NEW.self_assessed_audit_id END,
			'old', CASE WHEN TG_OP = 'UPDATE' THEN pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
				'service_id', OLD.service_id, 'base_service_id', OLD.base_service_id,
				'self_assessed_audit_id', OLD.self_assessed_audit_id)) END)));
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION ismap_internal.service_dependency_event_trigger() IS 'trigger: queues a registry event (dependency_added, dependency_removed, dependency_changed) for every change of a platform dependency';

CREATE TRIGGER service_dependency_frozen BEFORE UPDATE OR DELETE ON ismap.service_dependency
	FOR EACH ROW EXECUTE FUNCTION ismap_internal.service_dependency_guard();
ALTER TABLE ismap.service_dependency ENABLE ALWAYS TRIGGER service_dependency_frozen;
CREATE TRIGGER service_dependency_events AFTER INSERT OR UPDATE OR DELETE ON ismap.service_dependency
	FOR EACH ROW EXECUTE FUNCTION ismap_internal.service_dependency_event_trigger();
ALTER TABLE ismap.service_dependency ENABLE ALWAYS TRIGGER service_dependency_events;

-- ==== C1 and M2 together: the event triggers as they are now ====
CREATE OR REPLACE FUNCTION ismap_internal.service_dependency_event_trigger() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	svc pg_catalog.int8 := CASE WHEN TG_OP = 'DELETE' THEN OLD.service_id ELSE NEW.service_id END;
	live pg_catalog.int8;
BEGIN
	IF TG_OP = 'UPDATE' AND NEW IS NOT DISTINCT FROM OLD THEN
		RETURN NULL;
	END IF;
	-- an ordinary trigger (not ENABLE ALWAYS): a restore replays the rows
	-- under session_replication_role = replica (superuser only), and their
	-- events come back with ismap.registry_event's and
	-- ismap_internal.pending_event's own rows (as for ismap.service_change)
	SELECT r.registration_id INTO live FROM ismap.registration r
	WHERE r.service_id = svc AND r.status = ANY (ARRAY['active', 'suspended']);
	PERFORM ismap_internal.queue_event(
		CASE TG_OP WHEN 'INSERT' THEN 'dependency_added' WHEN 'DELETE' THEN 'dependency_removed' ELSE 'dependency_changed' END,
		live, svc,
		pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
			'service_id', svc,
			'base_service_id', CASE WHEN TG_OP = 'DELETE' THEN OLD.base_service_id ELSE NEW.base_service_id END,
			'self_assessed_audit_id', CASE WHEN TG_OP = 'DELETE' THEN OLD.self_assessed_audit_id ELSE NEW.self_assessed_audit_id END,
			'old', CASE WHEN TG_OP = 'UPDATE' THEN pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
				'service_id', OLD.service_id, 'base_service_id', OLD.base_service_id,
				'self_assessed_audit_id', OLD.self_assessed_audit_id)) END)));
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION ismap_internal.service_dependency_event_trigger() IS 'trigger: queues a registry event (dependency_added, dependency_removed, dependency_changed) for every change of a platform dependency';
CREATE OR REPLACE FUNCTION ismap_internal.registration_event_trigger() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	kind pg_catalog.text;
	ctx pg_catalog.jsonb;
BEGIN
	IF TG_OP = 'INSERT' THEN
		kind := 'registered';
	ELSIF NEW.status IS DISTINCT FROM OLD.status THEN
		kind := CASE NEW.status WHEN 'active' THEN 'reinstated' ELSE NEW.status END;
	ELSE
		kind := 'changed';
	END IF;
	IF TG_OP = 'INSERT' THEN
		SELECT pg_catalog.jsonb_build_object('action', 'register', 'application_id', a.application_id,
			'application_kind', a.kind, 'audit_id', a.audit_id, 'as_of', NEW.registered_on,
			'acknowledged', pg_catalog.to_jsonb(a.acknowledged))
		INTO ctx
		FROM ismap.application a WHERE a.application_id OPERATOR(pg_catalog.=) NEW.application_id;
	ELSIF NEW.run_id IS NOT NULL THEN
		SELECT pg_catalog.jsonb_build_object(
			'action', CASE j.job WHEN 'renewals' THEN 'expire' WHEN 'cascade' THEN 'cascade'
				WHEN 'changes' THEN CASE NEW.status WHEN 'suspended' THEN 'suspend' WHEN 'active' THEN 'reinstate' END END,
			'job', j.job, 'run_id', j.run_id, 'as_of', j.as_of,
			'grace', CASE WHEN j.job OPERATOR(pg_catalog.=) 'cascade' THEN ismap.policy_value('cascade_grace') END)
		INTO ctx
		FROM ismap.job_run j WHERE j.run_id OPERATOR(pg_catalog.=) NEW.run_id;
		IF NOT FOUND THEN
			ctx := pg_catalog.jsonb_build_object('run_id', NEW.run_id);
		END IF;
	ELSIF NEW.status OPERATOR(pg_catalog.=) 'delisted' AND OLD.status IS DISTINCT FROM 'delisted' THEN
		-- the reason given for the service delisted first (delist ends it
		-- in the same statement; this trigger runs after it)
		ctx := pg_catalog.jsonb_build_object('action', 'delist',
			'reason', CASE WHEN NEW.cascade_path IS NULL THEN NEW.end_reason ELSE COALESCE(
				(SELECT r.end_reason FROM ismap.registration r
				 WHERE r.service_id OPERATOR(pg_catalog.=) NEW.cascade_path[1] AND r.status OPERATOR(pg_catalog.=) 'delisted'
				   AND r.ended_on OPERATOR(pg_catalog.=) NEW.ended_on AND r.cascade_path IS NULL
				 ORDER BY r.registration_id DESC LIMIT 1), NEW.end_reason) END,
			'as_of', NEW.ended_on,
			'root_service_id', COALESCE(NEW.cascade_path[1], NEW.service_id));
	ELSIF NEW.status OPERATOR(pg_catalog.=) 'expired' AND OLD.status IS DISTINCT FROM 'expired' THEN
		-- outside the renewals job, register ends one as expired when a
		-- renewal replaces it (the end_reason it writes says so)
		ctx := pg_catalog.jsonb_build_object(
			'action', CASE WHEN NEW.end_reason OPERATOR(pg_catalog.~~) 'replaced by renewal%' THEN 'register' ELSE 'expire' END,
			'reason', NEW.end_reason, 'as_of', NEW.ended_on);
	END IF;
	PERFORM ismap_internal.append_event(kind, NEW.registration_id, NEW.service_id,
		pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
			'registration_number', NEW.registration_number,
			'level', NEW.level,
			'old_status', CASE WHEN TG_OP = 'UPDATE' THEN OLD.status END,
			'status', NEW.status,
			'registered_on', NEW.registered_on,
			'valid_until', NEW.valid_until,
			'ended_on', NEW.ended_on,
			'end_reason', NEW.end_reason,
			'cascaded_from', NEW.cascaded_from,
			'cascade_path', NEW.cascade_path,
			'context', ctx)));
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION ismap_internal.registration_event_trigger() IS 'trigger: writes a registry event for every registration insert or update';
CREATE OR REPLACE FUNCTION ismap_internal.service_change_event_trigger() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	live pg_catalog.int8;
	payload pg_catalog.jsonb;
BEGIN
	IF TG_OP = 'UPDATE' AND NEW.covered_by IS NOT DISTINCT FROM OLD.covered_by THEN
		RETURN NULL;
	END IF;
	-- An ordinary trigger (not ENABLE ALWAYS): a restore replays the rows
	-- under session_replication_role = replica (superuser only), and their
	-- events come back with ismap.registry_event's own rows.
	SELECT r.registration_id INTO live FROM ismap.registration r
	WHERE r.service_id = NEW.service_id AND r.status = ANY (ARRAY['active', 'suspended']);
	-- the report (usually a provider's) is queued, never chained here: the
	-- chain lock would be held until the reporter commits, and every
	-- decision and job would wait for it (docs/registry.md, "The event
	-- log").  The coverage is the changes job's UPDATE: appended at once.
	payload := pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
		'change_id', NEW.change_id,
		'kind', NEW.kind,
		'material', NEW.material,
		'effective_on', NEW.effective_on,
		'description', CASE WHEN TG_OP = 'INSERT' THEN NEW.description END,
		'reported_by', CASE WHEN TG_OP = 'INSERT' THEN NEW.reported_by END,
		'reported_on', CASE WHEN TG_OP = 'INSERT' THEN NEW.reported_on END,
		'covered_by', NEW.covered_by,
		'covered_on', NEW.covered_on,
		-- the coverage's context: the changes job's run, which its UPDATE
		-- names in covered_run_id (never a setting of the session)
		'context', CASE WHEN TG_OP = 'UPDATE' THEN (
			SELECT pg_catalog.jsonb_build_object('action', 'cover', 'job', j.job, 'run_id', j.run_id, 'as_of', j.as_of)
			FROM ismap.job_run j WHERE j.run_id = NEW.covered_run_id) END));
	IF TG_OP = 'INSERT' THEN
		PERFORM ismap_internal.queue_event('change_reported', live, NEW.service_id, payload);
	ELSE
		PERFORM ismap_internal.append_event('change_covered', live, NEW.service_id, payload);
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION ismap_internal.service_change_event_trigger() IS 'trigger: queues the registry event change_reported of a reported change (chained later, without the chain lock) and appends change_covered for its coverage by an audit';
CREATE OR REPLACE FUNCTION ismap.create_roles() RETURNS pg_catalog.text[]
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	made pg_catalog.text[] := '{}';
	r pg_catalog.text;
	f pg_catalog.regprocedure;
	owner pg_catalog.name;
BEGIN
	IF NOT (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = CURRENT_USER) THEN
		RAISE EXCEPTION 'ismap.create_roles() must be run by a superuser' USING ERRCODE = 'insufficient_privilege';
	END IF;
	FOREACH r IN ARRAY ARRAY['ismap_reader', 'ismap_registrar', 'ismap_auditor', 'ismap_csp', 'ismap_jobs'] LOOP
		IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r) THEN
			EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN', r);
			made := made || r;
		END IF;
		EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA ismap TO %I', r);
	END LOOP;
	SELECT pg_catalog.pg_get_userbyid(n.nspowner) INTO owner FROM pg_catalog.pg_namespace n WHERE n.nspname = 'ismap';

	-- everyone: the catalogs, the published registry and its reports, the policy
	GRANT SELECT ON ismap.framework, ismap.control, ismap.baseline, ismap.baseline_control,
		ismap.control_mapping, ismap.control_reference, ismap.control_group, ismap.control_param, ismap.policy,
		ismap.service_change, ismap.sla_template,
		ismap.sampling_table, ismap.registry, ismap.registry_listing, ismap.registration, ismap.registry_event, ismap.event_chain_seal,
		ismap.audit_body, ismap.audit_body_selection, ismap.csp, ismap.service, ismap.service_dependency,
		ismap.job
		TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs;
	-- the registrar: every table to read; edits the catalogs, the policy,
	-- the parties and the classification; decides through the functions
	GRANT SELECT ON ALL TABLES IN SCHEMA ismap TO ismap_registrar;
	GRANT INSERT, UPDATE, DELETE ON ismap.framework, ismap.control, ismap.baseline, ismap.baseline_control,
		ismap.control_mapping, ismap.control_reference, ismap.control_group, ismap.control_param,
		ismap.sla_template, ismap.sampling_table,
		ismap.audit_body, ismap.auditor, ismap.auditor_qualification, ismap.audit_body_selection,
		ismap.csp, ismap.organization, ismap.information_asset, ismap.information_system, ismap.system_asset
		TO ismap_registrar;
	GRANT INSERT, UPDATE ON ismap.policy TO ismap_registrar;
	GRANT SELECT ON ismap.organization, ismap.information_asset, ismap.information_system,
		ismap.system_asset TO ismap_reader;
	-- an auditor: its own body's people and audits; statements, results
	-- and control tests of its own audits while they are open
	GRANT SELECT ON ismap.auditor, ismap.auditor_qualification, ismap.audit, ismap.application,
		ismap.statement_item, ismap.audit_result, ismap.control_test, ismap.control_test_evaluation TO ismap_auditor;
	GRANT INSERT, UPDATE, DELETE ON ismap.audit_result, ismap.control_test TO ismap_auditor;
	-- every column of an audit but its decision date, which only the
	-- decisions write (0.2.0 granted the whole table: taken back first)
	REVOKE INSERT, UPDATE ON ismap.audit FROM ismap_auditor;
	GRANT INSERT (audit_id, service_id, audit_body_id, lead_auditor_id, kind, target_level, framework_id,
				  period_start, period_end, report_date, scope),
		  UPDATE (service_id, audit_body_id, lead_auditor_id, kind, target_level, framework_id,
				  period_start, period_end, report_date, scope) ON ismap.audit TO ismap_auditor;
	-- a provider: its own services, platforms, statements and applications
	-- a registered service's scope and models change only through a reported
	-- change and a new audit, and only an audit decides that a platform was
	-- assessed: the provider holds no privilege on those columns
	GRANT INSERT ON ismap.service TO ismap_csp;
	GRANT UPDATE (name, responsibility) ON ismap.service TO ismap_csp;
	GRANT INSERT (service_id, base_service_id) ON ismap.service_dependency TO ismap_csp;
	GRANT DELETE ON ismap.service_dependency TO ismap_csp;
	GRANT INSERT, UPDATE, DELETE ON ismap.statement_item TO ismap_csp;
	GRANT UPDATE (self_assessed_audit_id) ON ismap.service_dependency TO ismap_auditor, ismap_registrar;
	GRANT SELECT, INSERT ON ismap.application TO ismap_csp;
	GRANT UPDATE (status, decided_on, decision_reason) ON ismap.application TO ismap_csp;
	GRANT SELECT ON ismap.audit, ismap.statement_item, ismap.audit_result, ismap.control_test,
		ismap.control_test_evaluation TO ismap_csp;
	GRANT UPDATE (name, address) ON ismap.csp TO ismap_csp;
	-- a provider reports its own services' changes and feeds their evidence
	-- (what was reported: not its coverage, nor the reporting date)
	GRANT SELECT ON ismap.service_change, ismap.evidence TO ismap_csp;
	REVOKE INSERT ON ismap.service_change FROM ismap_csp;
	GRANT INSERT (service_id, kind, effective_on, description, reported_by) ON ismap.service_change TO ismap_csp;
	GRANT INSERT ON ismap.evidence TO ismap_csp;
	GRANT INSERT ON ismap.service_change TO ismap_registrar;
	GRANT USAGE ON ALL SEQUENCES IN SCHEMA ismap TO ismap_registrar, ismap_auditor, ismap_csp;
	-- but not the numbers of what only the extension's functions write:
	-- nextval would burn event and registration ids, leaving gaps that
	-- look like deleted rows
	REVOKE USAGE ON SEQUENCE ismap.registry_event_event_id_seq, ismap.registration_registration_id_seq,
		ismap.job_run_run_id_seq, ismap.notice_notice_id_seq FROM ismap_registrar, ismap_auditor, ismap_csp;
	-- jobs: read what the batch functions read
	-- (the batch functions have the owner's rights; the role itself reads
	-- only its runs and notices, besides what everyone reads)
	GRANT SELECT ON ismap.job_run, ismap.notice, ismap.job_health TO ismap_jobs;

	-- functions: everything that only reads, to every role; what writes,
	-- to the one role that needs it
	FOR f IN
		SELECT p.oid::pg_catalog.regprocedure FROM pg_catalog.pg_proc p
		JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.objid = p.oid AND d.deptype = 'e'
		JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'ismap'
		WHERE p.pronamespace = 'ismap'::pg_catalog.regnamespace
		  AND p.provolatile IN ('i', 's') AND p.prorettype <> 'pg_catalog.trigger'::pg_catalog.regtype
		  AND NOT p.prosecdef
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs', f);
	END LOOP;
	FOR f, r IN
		SELECT p.oid::pg_catalog.regprocedure, g.role FROM pg_catalog.pg_proc p
		JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace AND n.nspname = 'ismap'
		JOIN (VALUES ('register', 'ismap_registrar'), ('approve_application', 'ismap_registrar'),
					 ('reject_application', 'ismap_registrar'), ('delist', 'ismap_registrar'),
					 ('principal', 'ismap_registrar'), ('import_control_standard_csv', 'ismap_registrar'),
					 ('import_nist_iso27001_mapping', 'ismap_registrar'), ('import_oscal_catalog', 'ismap_registrar'),
					 ('import_oscal_profile', 'ismap_registrar'),
					 ('run_renewals', 'ismap_jobs'), ('expire_audit_body_selections', 'ismap_jobs'),
					 ('cascade_delistings', 'ismap_jobs'), ('run_changes', 'ismap_jobs'),
					 ('job_start', 'ismap_jobs'), ('job_finish', 'ismap_jobs'), ('job_mark_stale', 'ismap_jobs'),
					 ('prune_job_runs', 'ismap_jobs'), ('run_job', 'ismap_jobs'), ('seal_event_chain', 'ismap_jobs'),
					 ('ensure_evidence_partitions', 'ismap_jobs'), ('ensure_evidence_partitions', 'ismap_registrar'),
					 -- owner's rights, for the applications the caller may see
					 ('validate_application', 'ismap_registrar'), ('validate_application', 'ismap_auditor'),
					 ('validate_application', 'ismap_csp'), ('validate_application', 'ismap_jobs')) g(fn, role)
		  ON g.fn = p.proname
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO %I', f, r);
	END LOOP;

	-- the policies' helpers run in the querying role's name: only the roles
	-- whose policies call them get them
	GRANT EXECUTE ON FUNCTION ismap.principal_audit_body(pg_catalog.name), ismap.principal_csp(pg_catalog.name),
		ismap.audit_party(pg_catalog.int8), ismap.service_csp(pg_catalog.int8) TO ismap_auditor, ismap_csp;

	-- row-level policies (re-created, so a second run changes nothing)
	PERFORM ismap_internal.create_policies();
	RETURN made;
END
$$;
COMMENT ON FUNCTION ismap.create_roles() IS 'superuser: create the five ismap roles if missing, grant them least privilege and create the row-level policies; idempotent; returns the roles it created';
CREATE OR REPLACE FUNCTION ismap_internal.create_policies() RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	p record;
BEGIN
	FOR p IN
		SELECT pol.polname, c.relname FROM pg_catalog.pg_policy pol
		JOIN pg_catalog.pg_class c ON c.oid = pol.polrelid
		JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'ismap'
	LOOP
		EXECUTE pg_catalog.format('DROP POLICY %I ON ismap.%I', p.polname, p.relname);
	END LOOP;

	-- the owner's SECURITY DEFINER functions and the registrar and jobs see all
	CREATE POLICY staff ON ismap.audit TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.statement_item TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.audit_result TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.control_test TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.application TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.auditor TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.auditor_qualification TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.principal_binding TO ismap_registrar, ismap_jobs USING (true);
	EXECUTE pg_catalog.format('CREATE POLICY owner ON ismap.statement_item TO %I USING (true)',
		(SELECT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c WHERE c.oid = 'ismap.statement_item'::pg_catalog.regclass));
	EXECUTE pg_catalog.format('CREATE POLICY owner ON ismap.audit_result TO %I USING (true)',
		(SELECT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c WHERE c.oid = 'ismap.audit_result'::pg_catalog.regclass));
	EXECUTE pg_catalog.format('CREATE POLICY owner ON ismap.control_test TO %I USING (true)',
		(SELECT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c WHERE c.oid = 'ismap.control_test'::pg_catalog.regclass));

	-- What is public (docs/security.md): a service once registered (live or
	-- ended), its platforms and its provider.  A service never registered
	-- is seen by the staff, its own provider and the audit bodies auditing
	-- it (or a service built on it); its provider, until one of its services
	-- is registered, by the staff and the parties that see one of them.  The
	-- policies of service_dependency name registration and audit, not
	-- service, so that service's may read them without recursion.
	CREATE POLICY staff ON ismap.service FOR SELECT TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.service_dependency FOR SELECT TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY registrar ON ismap.csp TO ismap_registrar USING (true);
	CREATE POLICY staff ON ismap.csp FOR SELECT TO ismap_jobs USING (true);
	CREATE POLICY published ON ismap.service FOR SELECT TO ismap_reader, ismap_auditor, ismap_csp
		USING (EXISTS (SELECT 1 FROM ismap.registration r WHERE r.service_id = service.service_id));
	CREATE POLICY published ON ismap.service_dependency FOR SELECT TO ismap_reader, ismap_auditor, ismap_csp
		USING (EXISTS (SELECT 1 FROM ismap.registration r WHERE r.service_id = service_dependency.service_id));
	CREATE POLICY published ON ismap.csp FOR SELECT TO ismap_reader, ismap_auditor, ismap_csp
		USING (EXISTS (SELECT 1 FROM ismap.service s WHERE s.csp_id = csp.csp_id));
	CREATE POLICY own_services_read ON ismap.service FOR SELECT TO ismap_csp
		USING (csp_id = ismap.principal_csp(current_user));
	CREATE POLICY own_services_read ON ismap.service_dependency FOR SELECT TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY own_row_read ON ismap.csp FOR SELECT TO ismap_csp
		USING (csp_id = ismap.principal_csp(current_user));
	CREATE POLICY audited ON ismap.service FOR SELECT TO ismap_auditor
		USING (EXISTS (SELECT 1 FROM ismap.audit a WHERE a.service_id = service.service_id)
			OR EXISTS (SELECT 1 FROM ismap.service_dependency d JOIN ismap.audit a ON a.service_id = d.service_id
					   WHERE d.base_service_id = service.service_id));
	CREATE POLICY audited ON ismap.service_dependency FOR SELECT TO ismap_auditor
		USING (EXISTS (SELECT 1 FROM ismap.audit a WHERE a.service_id = service_dependency.service_id));

	-- an auditor: its own body
	CREATE POLICY own_body ON ismap.auditor TO ismap_auditor
		USING (audit_body_id = ismap.principal_audit_body(current_user));
	CREATE POLICY own_body ON ismap.auditor_qualification FOR SELECT TO ismap_auditor
		USING (EXISTS (SELECT 1 FROM ismap.auditor a WHERE a.auditor_id = auditor_qualification.auditor_id));
	CREATE POLICY own_body ON ismap.audit TO ismap_auditor
		USING (audit_body_id = ismap.principal_audit_body(current_user))
		WITH CHECK (audit_body_id = ismap.principal_audit_body(current_user)
			AND (SELECT o.open FROM ismap.audit_party(audit_id) o) IS NOT false);
	CREATE POLICY own_body ON ismap.application FOR SELECT TO ismap_auditor
		USING ((SELECT o.audit_body_id FROM ismap.audit_party(audit_id) o) = ismap.principal_audit_body(current_user));
	CREATE POLICY own_open_audit ON ismap.statement_item FOR SELECT TO ismap_auditor
		USING ((SELECT o.audit_body_id = ismap.principal_audit_body(current_user) AND o.open FROM ismap.audit_party(audit_id) o));
	CREATE POLICY own_open_audit ON ismap.audit_result TO ismap_auditor
		USING ((SELECT o.audit_body_id = ismap.principal_audit_body(current_user) AND o.open FROM ismap.audit_party(audit_id) o));
	CREATE POLICY own_open_audit ON ismap.control_test TO ismap_auditor
		USING ((SELECT o.audit_body_id = ismap.principal_audit_body(current_user) AND o.open FROM ismap.audit_party(audit_id) o));

	-- a provider: its own services, platforms, statements, applications;
	-- it reads its own audits' results
	CREATE POLICY own_row ON ismap.csp FOR UPDATE TO ismap_csp
		USING (csp_id = ismap.principal_csp(current_user));
	CREATE POLICY own_services ON ismap.service FOR INSERT TO ismap_csp
		WITH CHECK (csp_id = ismap.principal_csp(current_user));
	CREATE POLICY own_services_update ON ismap.service FOR UPDATE TO ismap_csp
		USING (csp_id = ismap.principal_csp(current_user));
	CREATE POLICY own_services ON ismap.service_dependency FOR INSERT TO ismap_csp
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY own_services_update ON ismap.service_dependency FOR UPDATE TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY own_services_delete ON ismap.service_dependency FOR DELETE TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	-- self_assessed_audit_id, granted to the registrar and the auditors, was
	-- updatable through no policy: their updates changed nothing, silently
	-- (M6).  The registrar records it; an auditor, with an audit of its own
	-- body, on a dependency not already marked by another body's audit
	-- (marking with another body's audit is refused: 42501)
	CREATE POLICY staff_update ON ismap.service_dependency FOR UPDATE TO ismap_registrar USING (true);
	CREATE POLICY own_audit ON ismap.service_dependency FOR UPDATE TO ismap_auditor
		USING (self_assessed_audit_id IS NULL
			OR (SELECT o.audit_body_id FROM ismap.audit_party(self_assessed_audit_id) o) = ismap.principal_audit_body(current_user))
		WITH CHECK (self_assessed_audit_id IS NULL
			OR (SELECT o.audit_body_id FROM ismap.audit_party(self_assessed_audit_id) o) = ismap.principal_audit_body(current_user));
	CREATE POLICY own_audits ON ismap.audit FOR SELECT TO ismap_csp
		USING ((SELECT o.csp_id FROM ismap.audit_party(audit_id) o) = ismap.principal_csp(current_user));
	CREATE POLICY own_open_statement ON ismap.statement_item FOR SELECT TO ismap_csp
		USING ((SELECT o.csp_id = ismap.principal_csp(current_user) FROM ismap.audit_party(audit_id) o));
	-- writes (a DELETE checks USING only) while the audit is open
	CREATE POLICY own_open_statement_write ON ismap.statement_item FOR ALL TO ismap_csp
		USING ((SELECT o.csp_id = ismap.principal_csp(current_user) AND o.open FROM ismap.audit_party(audit_id) o))
		WITH CHECK ((SELECT o.csp_id = ismap.principal_csp(current_user) AND o.open FROM ismap.audit_party(audit_id) o));
	CREATE POLICY own_results ON ismap.audit_result FOR SELECT TO ismap_csp
		USING ((SELECT o.csp_id FROM ismap.audit_party(audit_id) o) = ismap.principal_csp(current_user));
	CREATE POLICY own_tests ON ismap.control_test FOR SELECT TO ismap_csp
		USING ((SELECT o.csp_id FROM ismap.audit_party(audit_id) o) = ismap.principal_csp(current_user));
	CREATE POLICY own_applications ON ismap.application FOR SELECT TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	-- a provider files applications (submitted) and may withdraw them; it
	-- never decides (nor records acknowledgements, approve_application's)
	CREATE POLICY file_own ON ismap.application FOR INSERT TO ismap_csp
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user) AND status = 'submitted'
			AND submitted_on = CURRENT_DATE AND acknowledged IS NULL
			AND (SELECT o.open FROM ismap.audit_party(audit_id) o));
	-- the withdrawal is dated today, by the server's clock (M4)
	CREATE POLICY withdraw_own ON ismap.application FOR UPDATE TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user) AND status = 'submitted')
		WITH CHECK (status = 'withdrawn' AND decided_on = CURRENT_DATE);
	CREATE POLICY own_binding ON ismap.principal_binding FOR SELECT TO ismap_auditor, ismap_csp
		USING (role_name = current_user);
	CREATE POLICY staff ON ismap.service_change TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY published ON ismap.service_change FOR SELECT TO ismap_reader, ismap_auditor
		USING (EXISTS (SELECT 1 FROM ismap.registration r WHERE r.service_id = service_change.service_id));
	CREATE POLICY own_services ON ismap.service_change TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user))
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY staff ON ismap.evidence TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY own_services ON ismap.evidence TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user))
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
END
$$;
COMMENT ON FUNCTION ismap_internal.create_policies() IS 'superuser: (re)create the row-level policies of the ismap roles (called by create_roles)';

ALTER TABLE ismap.service_dependency ENABLE TRIGGER service_dependency_events;

-- ==== What is public: the event log, change reports, the jobs role, functions that would refuse (threat matrix TM1-TM3) ====
CREATE OR REPLACE FUNCTION ismap.verify_event_chain(OUT ok pg_catalog.bool, OUT first_bad_event pg_catalog.int8)
LANGUAGE C STABLE PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'ismap_verify_event_chain';
COMMENT ON FUNCTION ismap.verify_event_chain() IS 'check the event chain (from the newest seal, else in full): the first event whose content, link or order was altered, or whose predecessor was removed; the sealed event if the log was cut or rewritten after the seal';
CREATE OR REPLACE FUNCTION ismap.event_chain_head(OUT event_id pg_catalog.int8, OUT hash pg_catalog.bytea)
LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT e.event_id, e.hash FROM ismap.registry_event e ORDER BY e.event_id DESC LIMIT 1
$$;
COMMENT ON FUNCTION ismap.event_chain_head() IS 'the newest event and its hash: publish it, and removal of the newest events becomes detectable too';
CREATE OR REPLACE FUNCTION ismap.verify_event_chain(anchor_event_id pg_catalog.int8, anchor_hash pg_catalog.bytea,
	OUT ok pg_catalog.bool, OUT first_bad_event pg_catalog.int8)
LANGUAGE plpgsql STABLE PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	full_ok pg_catalog.bool;
	full_bad pg_catalog.int8;
	stored pg_catalog.bytea;
BEGIN
	IF anchor_event_id IS NULL OR anchor_hash IS NULL THEN
		RAISE EXCEPTION 'the anchor needs an event id and its published hash'
			USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF pg_catalog.length(anchor_hash) OPERATOR(pg_catalog.<>) 32 THEN
		RAISE EXCEPTION 'a published hash is 32 bytes (SHA-256), not %', pg_catalog.length(anchor_hash)
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	SELECT f.ok, f.first_bad_event INTO full_ok, full_bad FROM ismap.event_chain_full_check() f;
	IF NOT full_ok THEN
		ok := false;
		first_bad_event := full_bad;
		RETURN;
	END IF;
	SELECT e.hash INTO stored FROM ismap.registry_event e WHERE e.event_id OPERATOR(pg_catalog.=) anchor_event_id;
	ok := stored IS NOT DISTINCT FROM anchor_hash;
	first_bad_event := CASE WHEN NOT ok THEN anchor_event_id END;
END
$$;
COMMENT ON FUNCTION ismap.verify_event_chain(pg_catalog.int8, pg_catalog.bytea) IS 'check every hash of the event chain (no seal trusted) and that the event named has the hash published for it (event_chain_head, kept outside the database)';
CREATE OR REPLACE FUNCTION ismap.event_chain_full_check(OUT ok pg_catalog.bool, OUT first_bad_event pg_catalog.int8,
	OUT events_checked pg_catalog.int8, OUT head_event pg_catalog.int8, OUT head_hash pg_catalog.bytea,
	OUT fingerprint pg_catalog.bytea)
LANGUAGE C STABLE PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS 'MODULE_PATHNAME', 'ismap_event_chain_full_check';
COMMENT ON FUNCTION ismap.event_chain_full_check() IS 'recompute every hash of the event chain, whatever the seal; when intact, the newest event, its hash and the fingerprint up to it';
CREATE OR REPLACE FUNCTION ismap.create_roles() RETURNS pg_catalog.text[]
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	made pg_catalog.text[] := '{}';
	r pg_catalog.text;
	f pg_catalog.regprocedure;
	owner pg_catalog.name;
BEGIN
	IF NOT (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = CURRENT_USER) THEN
		RAISE EXCEPTION 'ismap.create_roles() must be run by a superuser' USING ERRCODE = 'insufficient_privilege';
	END IF;
	FOREACH r IN ARRAY ARRAY['ismap_reader', 'ismap_registrar', 'ismap_auditor', 'ismap_csp', 'ismap_jobs'] LOOP
		IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r) THEN
			EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN', r);
			made := made || r;
		END IF;
		EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA ismap TO %I', r);
	END LOOP;
	SELECT pg_catalog.pg_get_userbyid(n.nspowner) INTO owner FROM pg_catalog.pg_namespace n WHERE n.nspname = 'ismap';

	-- everyone: the catalogs, the published registry and its reports, the policy
	GRANT SELECT ON ismap.framework, ismap.control, ismap.baseline, ismap.baseline_control,
		ismap.control_mapping, ismap.control_reference, ismap.control_group, ismap.control_param, ismap.policy,
		ismap.service_change, ismap.sla_template,
		ismap.sampling_table, ismap.registry, ismap.registry_listing, ismap.registration, ismap.registry_event, ismap.event_chain_seal,
		ismap.audit_body, ismap.audit_body_selection, ismap.csp, ismap.service, ismap.service_dependency,
		ismap.job
		TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs;
	-- the registrar: every table to read; edits the catalogs, the policy,
	-- the parties and the classification; decides through the functions
	GRANT SELECT ON ALL TABLES IN SCHEMA ismap TO ismap_registrar;
	GRANT INSERT, UPDATE, DELETE ON ismap.framework, ismap.control, ismap.baseline, ismap.baseline_control,
		ismap.control_mapping, ismap.control_reference, ismap.control_group, ismap.control_param,
		ismap.sla_template, ismap.sampling_table,
		ismap.audit_body, ismap.auditor, ismap.auditor_qualification, ismap.audit_body_selection,
		ismap.csp, ismap.organization, ismap.information_asset, ismap.information_system, ismap.system_asset
		TO ismap_registrar;
	GRANT INSERT, UPDATE ON ismap.policy TO ismap_registrar;
	GRANT SELECT ON ismap.organization, ismap.information_asset, ismap.information_system,
		ismap.system_asset TO ismap_reader;
	-- an auditor: its own body's people and audits; statements, results
	-- and control tests of its own audits while they are open
	GRANT SELECT ON ismap.auditor, ismap.auditor_qualification, ismap.audit, ismap.application,
		ismap.statement_item, ismap.audit_result, ismap.control_test, ismap.control_test_evaluation TO ismap_auditor;
	GRANT INSERT, UPDATE, DELETE ON ismap.audit_result, ismap.control_test TO ismap_auditor;
	-- every column of an audit but its decision date, which only the
	-- decisions write (0.2.0 granted the whole table: taken back first)
	REVOKE INSERT, UPDATE ON ismap.audit FROM ismap_auditor;
	GRANT INSERT (audit_id, service_id, audit_body_id, lead_auditor_id, kind, target_level, framework_id,
				  period_start, period_end, report_date, scope),
		  UPDATE (service_id, audit_body_id, lead_auditor_id, kind, target_level, framework_id,
				  period_start, period_end, report_date, scope) ON ismap.audit TO ismap_auditor;
	-- a provider: its own services, platforms, statements and applications
	-- a registered service's scope and models change only through a reported
	-- change and a new audit, and only an audit decides that a platform was
	-- assessed: the provider holds no privilege on those columns
	GRANT INSERT ON ismap.service TO ismap_csp;
	GRANT UPDATE (name, responsibility) ON ismap.service TO ismap_csp;
	GRANT INSERT (service_id, base_service_id) ON ismap.service_dependency TO ismap_csp;
	GRANT DELETE ON ismap.service_dependency TO ismap_csp;
	GRANT INSERT, UPDATE, DELETE ON ismap.statement_item TO ismap_csp;
	GRANT UPDATE (self_assessed_audit_id) ON ismap.service_dependency TO ismap_auditor, ismap_registrar;
	GRANT SELECT, INSERT ON ismap.application TO ismap_csp;
	GRANT UPDATE (status, decided_on, decision_reason) ON ismap.application TO ismap_csp;
	GRANT SELECT ON ismap.audit, ismap.statement_item, ismap.audit_result, ismap.control_test,
		ismap.control_test_evaluation TO ismap_csp;
	GRANT UPDATE (name, address) ON ismap.csp TO ismap_csp;
	-- a provider reports its own services' changes and feeds their evidence
	-- (what was reported: not its coverage, nor the reporting date)
	GRANT SELECT ON ismap.service_change, ismap.evidence TO ismap_csp;
	REVOKE INSERT ON ismap.service_change FROM ismap_csp;
	GRANT INSERT (service_id, kind, effective_on, description, reported_by) ON ismap.service_change TO ismap_csp;
	GRANT INSERT ON ismap.evidence TO ismap_csp;
	GRANT INSERT ON ismap.service_change TO ismap_registrar;
	GRANT USAGE ON ALL SEQUENCES IN SCHEMA ismap TO ismap_registrar, ismap_auditor, ismap_csp;
	-- but not the numbers of what only the extension's functions write:
	-- nextval would burn event and registration ids, leaving gaps that
	-- look like deleted rows
	REVOKE USAGE ON SEQUENCE ismap.registry_event_event_id_seq, ismap.registration_registration_id_seq,
		ismap.job_run_run_id_seq, ismap.notice_notice_id_seq FROM ismap_registrar, ismap_auditor, ismap_csp;
	-- jobs: read what the batch functions read
	-- (the batch functions have the owner's rights; the role itself reads
	-- only its runs and notices, besides what everyone reads)
	GRANT SELECT ON ismap.job_run, ismap.notice, ismap.job_health TO ismap_jobs;

	-- functions: everything that only reads, to every role; what writes,
	-- to the one role that needs it
	FOR f IN
		SELECT p.oid::pg_catalog.regprocedure FROM pg_catalog.pg_proc p
		JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.objid = p.oid AND d.deptype = 'e'
		JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'ismap'
		WHERE p.pronamespace = 'ismap'::pg_catalog.regnamespace
		  AND p.provolatile IN ('i', 's') AND p.prorettype <> 'pg_catalog.trigger'::pg_catalog.regtype
		  AND NOT p.prosecdef
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs', f);
	END LOOP;
	FOR f, r IN
		SELECT p.oid::pg_catalog.regprocedure, g.role FROM pg_catalog.pg_proc p
		JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace AND n.nspname = 'ismap'
		JOIN (VALUES ('register', 'ismap_registrar'), ('approve_application', 'ismap_registrar'),
					 ('reject_application', 'ismap_registrar'), ('delist', 'ismap_registrar'),
					 ('principal', 'ismap_registrar'), ('import_control_standard_csv', 'ismap_registrar'),
					 ('import_nist_iso27001_mapping', 'ismap_registrar'), ('import_oscal_catalog', 'ismap_registrar'),
					 ('import_oscal_profile', 'ismap_registrar'),
					 ('run_renewals', 'ismap_jobs'), ('expire_audit_body_selections', 'ismap_jobs'),
					 ('cascade_delistings', 'ismap_jobs'), ('run_changes', 'ismap_jobs'),
					 ('job_start', 'ismap_jobs'), ('job_finish', 'ismap_jobs'), ('job_mark_stale', 'ismap_jobs'),
					 ('prune_job_runs', 'ismap_jobs'), ('run_job', 'ismap_jobs'), ('seal_event_chain', 'ismap_jobs'),
					 ('ensure_evidence_partitions', 'ismap_jobs'), ('ensure_evidence_partitions', 'ismap_registrar'),
					 -- owner's rights, for the applications the caller may see
					 ('validate_application', 'ismap_registrar'), ('validate_application', 'ismap_auditor'),
					 ('validate_application', 'ismap_csp'), ('validate_application', 'ismap_jobs')) g(fn, role)
		  ON g.fn = p.proname
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO %I', f, r);
	END LOOP;

	-- the event chain's checks have the owner's rights (they read every
	-- event, also those row-level security hides from the caller) and tell
	-- only whether the chain holds, which event breaks it, and the head's
	-- hash: every role runs them
	FOR f IN
		SELECT p.oid::pg_catalog.regprocedure FROM pg_catalog.pg_proc p
		WHERE p.pronamespace = 'ismap'::pg_catalog.regnamespace
		  AND p.proname = ANY (ARRAY['verify_event_chain', 'event_chain_full_check', 'event_chain_head'])
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs', f);
	END LOOP;
	-- what reads tables a role may not read is not granted to it (the
	-- function would only refuse it inside): the change status reads the
	-- applications, the classification the agencies' systems
	REVOKE EXECUTE ON FUNCTION ismap.change_status(pg_catalog.date) FROM ismap_reader, ismap_jobs;
	REVOKE EXECUTE ON FUNCTION ismap.classification_findings(pg_catalog.int8), ismap.classification_findings_all(pg_catalog.int8),
		ismap.classify_system(pg_catalog.int8), ismap.eligible_services(pg_catalog.int8, pg_catalog.date),
		ismap.required_level(pg_catalog.int8) FROM ismap_auditor, ismap_csp, ismap_jobs;

	-- the policies' helpers run in the querying role's name: only the roles
	-- whose policies call them get them
	GRANT EXECUTE ON FUNCTION ismap.principal_audit_body(pg_catalog.name), ismap.principal_csp(pg_catalog.name),
		ismap.audit_party(pg_catalog.int8), ismap.service_csp(pg_catalog.int8) TO ismap_auditor, ismap_csp;

	-- row-level policies (re-created, so a second run changes nothing)
	PERFORM ismap_internal.create_policies();
	RETURN made;
END
$$;
COMMENT ON FUNCTION ismap.create_roles() IS 'superuser: create the five ismap roles if missing, grant them least privilege and create the row-level policies; idempotent; returns the roles it created';
CREATE OR REPLACE FUNCTION ismap_internal.create_policies() RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	p record;
BEGIN
	FOR p IN
		SELECT pol.polname, c.relname FROM pg_catalog.pg_policy pol
		JOIN pg_catalog.pg_class c ON c.oid = pol.polrelid
		JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'ismap'
	LOOP
		EXECUTE pg_catalog.format('DROP POLICY %I ON ismap.%I', p.polname, p.relname);
	END LOOP;

	-- the owner's SECURITY DEFINER functions and the registrar and jobs see all
	CREATE POLICY staff ON ismap.audit TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.statement_item TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.audit_result TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.control_test TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.application TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.auditor TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.auditor_qualification TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.principal_binding TO ismap_registrar, ismap_jobs USING (true);
	EXECUTE pg_catalog.format('CREATE POLICY owner ON ismap.statement_item TO %I USING (true)',
		(SELECT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c WHERE c.oid = 'ismap.statement_item'::pg_catalog.regclass));
	EXECUTE pg_catalog.format('CREATE POLICY owner ON ismap.audit_result TO %I USING (true)',
		(SELECT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c WHERE c.oid = 'ismap.audit_result'::pg_catalog.regclass));
	EXECUTE pg_catalog.format('CREATE POLICY owner ON ismap.control_test TO %I USING (true)',
		(SELECT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c WHERE c.oid = 'ismap.control_test'::pg_catalog.regclass));

	-- What is public (docs/security.md): a service once registered (live or
	-- ended), its platforms and its provider.  A service never registered
	-- is seen by the registrar, its own provider and the audit bodies
	-- auditing it (or a service built on it); its provider, until one of its
	-- services is registered, by the registrar and the parties that see one
	-- of them.  The batch jobs (the owner's rights) read what is public.  The
	-- policies of service_dependency name registration and audit, not
	-- service, so that service's may read them without recursion.
	CREATE POLICY staff ON ismap.service FOR SELECT TO ismap_registrar USING (true);
	CREATE POLICY staff ON ismap.service_dependency FOR SELECT TO ismap_registrar USING (true);
	CREATE POLICY registrar ON ismap.csp TO ismap_registrar USING (true);
	CREATE POLICY published ON ismap.service FOR SELECT TO ismap_reader, ismap_auditor, ismap_csp, ismap_jobs
		USING (EXISTS (SELECT 1 FROM ismap.registration r WHERE r.service_id = service.service_id));
	CREATE POLICY published ON ismap.service_dependency FOR SELECT TO ismap_reader, ismap_auditor, ismap_csp, ismap_jobs
		USING (EXISTS (SELECT 1 FROM ismap.registration r WHERE r.service_id = service_dependency.service_id));
	CREATE POLICY published ON ismap.csp FOR SELECT TO ismap_reader, ismap_auditor, ismap_csp, ismap_jobs
		USING (EXISTS (SELECT 1 FROM ismap.service s WHERE s.csp_id = csp.csp_id));
	CREATE POLICY own_services_read ON ismap.service FOR SELECT TO ismap_csp
		USING (csp_id = ismap.principal_csp(current_user));
	CREATE POLICY own_services_read ON ismap.service_dependency FOR SELECT TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY own_row_read ON ismap.csp FOR SELECT TO ismap_csp
		USING (csp_id = ismap.principal_csp(current_user));
	CREATE POLICY audited ON ismap.service FOR SELECT TO ismap_auditor
		USING (EXISTS (SELECT 1 FROM ismap.audit a WHERE a.service_id = service.service_id)
			OR EXISTS (SELECT 1 FROM ismap.service_dependency d JOIN ismap.audit a ON a.service_id = d.service_id
					   WHERE d.base_service_id = service.service_id));
	CREATE POLICY audited ON ismap.service_dependency FOR SELECT TO ismap_auditor
		USING (EXISTS (SELECT 1 FROM ismap.audit a WHERE a.service_id = service_dependency.service_id));

	-- an auditor: its own body
	CREATE POLICY own_body ON ismap.auditor TO ismap_auditor
		USING (audit_body_id = ismap.principal_audit_body(current_user));
	CREATE POLICY own_body ON ismap.auditor_qualification FOR SELECT TO ismap_auditor
		USING (EXISTS (SELECT 1 FROM ismap.auditor a WHERE a.auditor_id = auditor_qualification.auditor_id));
	CREATE POLICY own_body ON ismap.audit TO ismap_auditor
		USING (audit_body_id = ismap.principal_audit_body(current_user))
		WITH CHECK (audit_body_id = ismap.principal_audit_body(current_user)
			AND (SELECT o.open FROM ismap.audit_party(audit_id) o) IS NOT false);
	CREATE POLICY own_body ON ismap.application FOR SELECT TO ismap_auditor
		USING ((SELECT o.audit_body_id FROM ismap.audit_party(audit_id) o) = ismap.principal_audit_body(current_user));
	CREATE POLICY own_open_audit ON ismap.statement_item FOR SELECT TO ismap_auditor
		USING ((SELECT o.audit_body_id = ismap.principal_audit_body(current_user) AND o.open FROM ismap.audit_party(audit_id) o));
	CREATE POLICY own_open_audit ON ismap.audit_result TO ismap_auditor
		USING ((SELECT o.audit_body_id = ismap.principal_audit_body(current_user) AND o.open FROM ismap.audit_party(audit_id) o));
	CREATE POLICY own_open_audit ON ismap.control_test TO ismap_auditor
		USING ((SELECT o.audit_body_id = ismap.principal_audit_body(current_user) AND o.open FROM ismap.audit_party(audit_id) o));

	-- a provider: its own services, platforms, statements, applications;
	-- it reads its own audits' results
	CREATE POLICY own_row ON ismap.csp FOR UPDATE TO ismap_csp
		USING (csp_id = ismap.principal_csp(current_user));
	CREATE POLICY own_services ON ismap.service FOR INSERT TO ismap_csp
		WITH CHECK (csp_id = ismap.principal_csp(current_user));
	CREATE POLICY own_services_update ON ismap.service FOR UPDATE TO ismap_csp
		USING (csp_id = ismap.principal_csp(current_user));
	CREATE POLICY own_services ON ismap.service_dependency FOR INSERT TO ismap_csp
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY own_services_update ON ismap.service_dependency FOR UPDATE TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY own_services_delete ON ismap.service_dependency FOR DELETE TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	-- self_assessed_audit_id, granted to the registrar and the auditors, was
	-- updatable through no policy: their updates changed nothing, silently
	-- (M6).  The registrar records it; an auditor, with an audit of its own
	-- body, on a dependency not already marked by another body's audit
	-- (marking with another body's audit is refused: 42501)
	CREATE POLICY staff_update ON ismap.service_dependency FOR UPDATE TO ismap_registrar USING (true);
	CREATE POLICY own_audit ON ismap.service_dependency FOR UPDATE TO ismap_auditor
		USING (self_assessed_audit_id IS NULL
			OR (SELECT o.audit_body_id FROM ismap.audit_party(self_assessed_audit_id) o) = ismap.principal_audit_body(current_user))
		WITH CHECK (self_assessed_audit_id IS NULL
			OR (SELECT o.audit_body_id FROM ismap.audit_party(self_assessed_audit_id) o) = ismap.principal_audit_body(current_user));
	CREATE POLICY own_audits ON ismap.audit FOR SELECT TO ismap_csp
		USING ((SELECT o.csp_id FROM ismap.audit_party(audit_id) o) = ismap.principal_csp(current_user));
	CREATE POLICY own_open_statement ON ismap.statement_item FOR SELECT TO ismap_csp
		USING ((SELECT o.csp_id = ismap.principal_csp(current_user) FROM ismap.audit_party(audit_id) o));
	-- writes (a DELETE checks USING only) while the audit is open
	CREATE POLICY own_open_statement_write ON ismap.statement_item FOR ALL TO ismap_csp
		USING ((SELECT o.csp_id = ismap.principal_csp(current_user) AND o.open FROM ismap.audit_party(audit_id) o))
		WITH CHECK ((SELECT o.csp_id = ismap.principal_csp(current_user) AND o.open FROM ismap.audit_party(audit_id) o));
	CREATE POLICY own_results ON ismap.audit_result FOR SELECT TO ismap_csp
		USING ((SELECT o.csp_id FROM ismap.audit_party(audit_id) o) = ismap.principal_csp(current_user));
	CREATE POLICY own_tests ON ismap.control_test FOR SELECT TO ismap_csp
		USING ((SELECT o.csp_id FROM ismap.audit_party(audit_id) o) = ismap.principal_csp(current_user));
	CREATE POLICY own_applications ON ismap.application FOR SELECT TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	-- a provider files applications (submitted) and may withdraw them; it
	-- never decides (nor records acknowledgements, approve_application's)
	CREATE POLICY file_own ON ismap.application FOR INSERT TO ismap_csp
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user) AND status = 'submitted'
			AND submitted_on = CURRENT_DATE AND acknowledged IS NULL
			AND (SELECT o.open FROM ismap.audit_party(audit_id) o));
	-- the withdrawal is dated today, by the server's clock (M4)
	CREATE POLICY withdraw_own ON ismap.application FOR UPDATE TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user) AND status = 'submitted')
		WITH CHECK (status = 'withdrawn' AND decided_on = CURRENT_DATE);
	CREATE POLICY own_binding ON ismap.principal_binding FOR SELECT TO ismap_auditor, ismap_csp
		USING (role_name = current_user);
	-- a change report is its provider's, the registrar's and, for a service
	-- its body audits, an auditor's (DESIGN 3.9: not public)
	CREATE POLICY staff ON ismap.service_change TO ismap_registrar USING (true);
	CREATE POLICY audited ON ismap.service_change FOR SELECT TO ismap_auditor
		USING (EXISTS (SELECT 1 FROM ismap.audit a WHERE a.service_id = service_change.service_id));
	CREATE POLICY own_services ON ismap.service_change TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user))
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	-- the event log: the events of registrations are public (DESIGN 3.9);
	-- change reports, their coverage, rejections and platform changes are
	-- the registrar's, the provider's and the auditing body's.  The chain's
	-- checks have the owner's rights and read every event.
	CREATE POLICY staff ON ismap.registry_event FOR SELECT TO ismap_registrar USING (true);
	CREATE POLICY published ON ismap.registry_event FOR SELECT TO ismap_reader, ismap_auditor, ismap_csp, ismap_jobs
		USING (kind = ANY (ARRAY['registered', 'reinstated', 'expired', 'delisted', 'suspended', 'changed']));
	CREATE POLICY own_services ON ismap.registry_event FOR SELECT TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY audited ON ismap.registry_event FOR SELECT TO ismap_auditor
		USING (EXISTS (SELECT 1 FROM ismap.audit a WHERE a.service_id = registry_event.service_id));
	CREATE POLICY staff ON ismap.evidence TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY own_services ON ismap.evidence TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user))
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
END
$$;
COMMENT ON FUNCTION ismap_internal.create_policies() IS 'superuser: (re)create the row-level policies of the ismap roles (called by create_roles)';

ALTER TABLE ismap.registry_event ENABLE ROW LEVEL SECURITY;

-- ==== The second adversarial pass (A2-01 to A2-07) ====
-- A2-01/02: the event chain and the evidence partitions serialize on rows
-- of an internal table, not on advisory keys any login may hold
CREATE TABLE ismap_internal.serial_lock (
	lock_name pg_catalog.text PRIMARY KEY
);
COMMENT ON TABLE ismap_internal.serial_lock IS 'one row per lock that serializes writers (event chain, evidence partitions), locked FOR UPDATE by the owner''s functions; replaces advisory locks any role could take';
INSERT INTO ismap_internal.serial_lock (lock_name) VALUES ('event chain'), ('evidence partitions');
-- A2-10: a change in effect on -infinity counted as covered, one on
-- infinity stopped the changes job of every provider
ALTER TABLE ismap.service_change ADD CONSTRAINT service_change_finite CHECK (pg_catalog.isfinite(effective_on));
-- A2-07: the importer reads its CSVs itself; the internal helper is gone
DROP FUNCTION ismap_internal.mapping_csv_records(pg_catalog.text, pg_catalog.text, pg_catalog.text[]);
CREATE OR REPLACE FUNCTION ismap_internal.append_event(p_kind pg_catalog.text, p_registration_id pg_catalog.int8,
	p_service_id pg_catalog.int8, p_payload pg_catalog.jsonb) RETURNS pg_catalog.int8
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
SET enable_seqscan = off
AS $$
DECLARE
	e ismap.registry_event;
BEGIN
	PERFORM 1 FROM ismap_internal.serial_lock l WHERE l.lock_name OPERATOR(pg_catalog.=) 'event chain' FOR UPDATE;
	SELECT r.hash INTO e.prev_hash FROM ismap.registry_event r ORDER BY r.event_id DESC LIMIT 1;
	e.event_id := pg_catalog.nextval('ismap.registry_event_event_id_seq');
	e.occurred_at := pg_catalog.clock_timestamp();
	e.kind := p_kind;
	e.registration_id := p_registration_id;
	e.service_id := p_service_id;
	e.payload := COALESCE(p_payload, '{}');
	-- the person who acted: the role set with SET ROLE, else the login role
	-- (CURRENT_USER would name the owner inside SECURITY DEFINER functions)
	e.actor := CASE WHEN pg_catalog.current_setting('role') IN ('none', '') THEN SESSION_USER
					ELSE pg_catalog.current_setting('role')::pg_catalog.name END;
	e.hash := pg_catalog.sha256(COALESCE(e.prev_hash, '\x'::pg_catalog.bytea) OPERATOR(pg_catalog.||) ismap.event_digest_input(e));
	INSERT INTO ismap.registry_event SELECT e.*;
	RETURN e.event_id;
END
$$;
COMMENT ON FUNCTION ismap_internal.append_event(pg_catalog.text, pg_catalog.int8, pg_catalog.int8, pg_catalog.jsonb) IS 'append one event to the hash-chained registry log (used by the registry functions and triggers)';
CREATE OR REPLACE FUNCTION ismap.delist(p_service_id pg_catalog.int8, p_reason pg_catalog.text, p_as_of pg_catalog.date DEFAULT CURRENT_DATE)
RETURNS SETOF ismap.registration
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	root ismap.registration;
	early ismap.registration;
BEGIN
	IF ismap.text_is_blank(p_reason) THEN
		RAISE EXCEPTION 'a delisting needs a reason' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF p_as_of IS NULL THEN
		RAISE EXCEPTION 'the delisting date must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	PERFORM 1 FROM ismap.service WHERE service_id = p_service_id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'service % does not exist', p_service_id USING ERRCODE = 'undefined_object';
	END IF;
	SELECT * INTO root FROM ismap.registration r
	WHERE r.service_id = p_service_id AND r.status IN ('active', 'suspended') FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'service % has no active registration to delist', p_service_id
			USING ERRCODE = 'object_not_in_prerequisite_state';
	END IF;

	-- a delisting cannot end a registration before it began (backdating)
	SELECT r.* INTO early FROM ismap.delisting_impact(p_service_id) i
	JOIN ismap.registration r ON r.registration_id OPERATOR(pg_catalog.=) i.registration_id
	WHERE r.registered_on OPERATOR(pg_catalog.>) p_as_of
	ORDER BY r.registered_on DESC LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'cannot delist service % on %, before registration % began on %',
			p_service_id, p_as_of, early.registration_number, early.registered_on
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'A delisting is dated on or after the first day of every registration it ends.';
	END IF;

	RETURN QUERY
	WITH impact AS (
		SELECT i.*, base.registration_id AS base_registration_id
		FROM ismap.delisting_impact(p_service_id) i
		LEFT JOIN ismap.registration base
		  ON i.depth > 0 AND base.service_id = i.via[pg_catalog.array_upper(i.via, 1)]
		 AND base.status IN ('active', 'suspended')
	)
	UPDATE ismap.registration r
	SET status = 'delisted', ended_on = p_as_of,
		end_reason = CASE WHEN impact.depth = 0 THEN p_reason
			ELSE pg_catalog.format('platform delisted: %s', p_reason) END,
		cascaded_from = CASE WHEN impact.depth = 0 THEN NULL
			ELSE COALESCE(impact.base_registration_id, root.registration_id) END,
		cascade_path = CASE WHEN impact.depth = 0 THEN NULL ELSE impact.via END,
		run_id = NULL
	FROM impact
	WHERE r.registration_id = impact.registration_id
	RETURNING r.*;
END
$$;
COMMENT ON FUNCTION ismap.delist(pg_catalog.int8, pg_catalog.text, pg_catalog.date) IS 'delist a service and, in the same transaction, every registration built on it (not self-assessed); returns the rows changed';
CREATE OR REPLACE FUNCTION ismap.import_nist_iso27001_mapping(
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
CREATE OR REPLACE FUNCTION ismap_internal.audit_decided_guard() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF OLD.decided_on IS NOT NULL THEN
		RAISE EXCEPTION 'audit % is decided: it is frozen', OLD.audit_id
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = pg_catalog.format('An application resting on it was decided on %s; %s of the audit is refused.', OLD.decided_on, TG_OP),
				  HINT = 'Later facts go into a new audit.';
	END IF;
	-- an open audit stays the audit of its service once the provider has
	-- written a statement: moved, the statement and the results would
	-- become another provider's to read and to file on
	IF TG_OP = 'UPDATE' AND NEW.service_id IS DISTINCT FROM OLD.service_id
	   AND EXISTS (SELECT 1 FROM ismap.statement_item s WHERE s.audit_id OPERATOR(pg_catalog.=) OLD.audit_id) THEN
		RAISE EXCEPTION 'audit % has a statement: its service cannot change', OLD.audit_id
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = pg_catalog.format('The statement of service %s was written for this audit.', OLD.service_id),
				  HINT = 'Record an audit of the other service instead.';
	END IF;
	RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;
COMMENT ON FUNCTION ismap_internal.audit_decided_guard() IS 'trigger: a decided audit is neither updated nor deleted (55000); an audit with a statement keeps its service (55000)';
CREATE OR REPLACE FUNCTION ismap.job_start(p_job pg_catalog.text, p_as_of pg_catalog.date) RETURNS pg_catalog.int8
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	id pg_catalog.int8;
BEGIN
	IF ismap_internal.job_lock_key(p_job) IS NULL THEN
		RAISE EXCEPTION 'unknown job "%"', p_job
			USING ERRCODE = 'invalid_parameter_value', HINT = 'The jobs are the rows of ismap.job.';
	END IF;
	IF p_as_of IS NULL THEN
		RAISE EXCEPTION 'the job date must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	-- the run_job that adopts the row would refuse it: no running row with
	-- a date no run can have
	IF NOT pg_catalog.isfinite(p_as_of) THEN
		RAISE EXCEPTION 'as_of must be a finite date, not "%"', p_as_of USING ERRCODE = 'invalid_parameter_value';
	END IF;
	PERFORM ismap.job_mark_stale(p_job);
	-- run_by: the one who runs it (the role set with SET ROLE, else the
	-- login role), not the owner whose rights this function has
	INSERT INTO ismap.job_run (job, as_of, backend_start, application_name, run_by)
	SELECT p_job, p_as_of, a.backend_start, NULLIF(pg_catalog.current_setting('application_name'), ''),
		   CASE WHEN pg_catalog.current_setting('role') IN ('none', '') THEN SESSION_USER
				ELSE pg_catalog.current_setting('role')::pg_catalog.name END
	FROM (SELECT pg_catalog.max(s.backend_start) AS backend_start FROM pg_catalog.pg_stat_activity s
		  WHERE s.pid OPERATOR(pg_catalog.=) pg_catalog.pg_backend_pid()) a
	RETURNING run_id INTO id;
	RETURN id;
END
$$;
COMMENT ON FUNCTION ismap.job_start(pg_catalog.text, pg_catalog.date) IS 'record the start of a job run (status running) and return its run_id; marks stale runs of the job failed';
REVOKE EXECUTE ON FUNCTION ismap.job_start(pg_catalog.text, pg_catalog.date) FROM PUBLIC;
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
	PERFORM 1 FROM ismap_internal.serial_lock l WHERE l.lock_name OPERATOR(pg_catalog.=) 'evidence partitions' FOR UPDATE;
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
CREATE OR REPLACE FUNCTION ismap.principal(p_role_name pg_catalog.name, p_audit_body_id pg_catalog.int8 DEFAULT NULL,
	p_csp_id pg_catalog.int8 DEFAULT NULL) RETURNS ismap.principal_binding
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	res ismap.principal_binding;
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = p_role_name) THEN
		RAISE EXCEPTION 'role "%" does not exist', p_role_name USING ERRCODE = 'undefined_object';
	END IF;
	-- every provider (auditor) login is a member of ismap_csp (ismap_auditor)
	-- and may SET ROLE to it: bound to a party, a group role would let each
	-- of them act for that party
	IF p_role_name IN ('ismap_reader', 'ismap_registrar', 'ismap_auditor', 'ismap_csp', 'ismap_jobs') THEN
		RAISE EXCEPTION 'role "%" is a group role of the extension: bind a role of one person or one party', p_role_name
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'Its members may SET ROLE to it, and would all act for the party.';
	END IF;
	IF (p_audit_body_id IS NULL) = (p_csp_id IS NULL) THEN
		RAISE EXCEPTION 'a principal acts for exactly one audit body or one provider'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	INSERT INTO ismap.principal_binding AS b (role_name, audit_body_id, csp_id)
	VALUES (p_role_name, p_audit_body_id, p_csp_id)
	ON CONFLICT (role_name) DO UPDATE SET audit_body_id = EXCLUDED.audit_body_id, csp_id = EXCLUDED.csp_id,
		bound_at = pg_catalog.now()
	RETURNING * INTO res;
	RETURN res;
END
$$;
COMMENT ON FUNCTION ismap.principal(pg_catalog.name, pg_catalog.int8, pg_catalog.int8) IS 'tie a login role to the audit body or provider it acts for (registrar)';

-- ==== The adversarial passes together: the chain's row lock, the queue, delisting and freezing as they are now ====
CREATE OR REPLACE FUNCTION ismap_internal.chain_pending_events() RETURNS pg_catalog.int8
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
SET enable_seqscan = off
AS $$
DECLARE
	rows ismap_internal.pending_event[];
	p ismap_internal.pending_event;
BEGIN
	IF NOT EXISTS (SELECT FROM ismap_internal.pending_event) THEN
		RETURN 0;
	END IF;
	SELECT pg_catalog.array_agg(d ORDER BY d.pending_id) INTO rows FROM ismap_internal.pending_event d;
	FOREACH p IN ARRAY COALESCE(rows, '{}') LOOP
		PERFORM ismap_internal.link_event(p.occurred_at, p.kind, p.registration_id, p.service_id, p.payload, p.actor);
	END LOOP;
	-- chained: now they may go (the guard checks each is in the log)
	DELETE FROM ismap_internal.pending_event d
	WHERE d.pending_id OPERATOR(pg_catalog.=) ANY (SELECT r.pending_id FROM pg_catalog.unnest(rows) r);
	RETURN COALESCE(pg_catalog.cardinality(rows), 0);
END
$$;
COMMENT ON FUNCTION ismap_internal.chain_pending_events() IS 'chain the pending events committed so far, in pending_id order, and delete them (the caller holds the chain lock); returns how many';
CREATE OR REPLACE FUNCTION ismap_internal.append_event(p_kind pg_catalog.text, p_registration_id pg_catalog.int8,
	p_service_id pg_catalog.int8, p_payload pg_catalog.jsonb) RETURNS pg_catalog.int8
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM 1 FROM ismap_internal.serial_lock l WHERE l.lock_name OPERATOR(pg_catalog.=) 'event chain' FOR UPDATE;
	PERFORM ismap_internal.chain_pending_events();
	RETURN ismap_internal.link_event(pg_catalog.clock_timestamp(), p_kind, p_registration_id, p_service_id,
		p_payload, ismap_internal.event_actor());
END
$$;
COMMENT ON FUNCTION ismap_internal.append_event(pg_catalog.text, pg_catalog.int8, pg_catalog.int8, pg_catalog.jsonb) IS 'append one event to the hash-chained registry log, after the pending events committed so far (used by the registry functions and triggers; takes the chain lock)';
CREATE OR REPLACE FUNCTION ismap_internal.pending_event_guard() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF TG_OP = 'DELETE' AND EXISTS (
		SELECT FROM ismap.registry_event e
		WHERE e.service_id OPERATOR(pg_catalog.=) OLD.service_id AND e.occurred_at OPERATOR(pg_catalog.=) OLD.occurred_at
		  AND e.kind OPERATOR(pg_catalog.=) OLD.kind AND e.actor OPERATOR(pg_catalog.=) OLD.actor
		  AND e.payload OPERATOR(pg_catalog.=) OLD.payload
		  AND e.registration_id IS NOT DISTINCT FROM OLD.registration_id) THEN
		RETURN OLD;
	END IF;
	RAISE EXCEPTION 'pending events are chained, never edited or removed'
		USING ERRCODE = 'insufficient_privilege',
			  DETAIL = pg_catalog.format('%s on ismap_internal.pending_event is refused.', TG_OP),
			  HINT = 'The next event appended, or the changes job, chains them into ismap.registry_event.';
END
$$;
COMMENT ON FUNCTION ismap_internal.pending_event_guard() IS 'trigger: refuses UPDATE and TRUNCATE of pending events, and DELETE of one whose event is not in the log yet';
CREATE OR REPLACE FUNCTION ismap.register(p_application_id pg_catalog.int8, p_as_of pg_catalog.date DEFAULT CURRENT_DATE)
RETURNS ismap.registration
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	app ismap.application;
	aud ismap.audit;
	live ismap.registration;
	prior ismap.registration;
	res ismap.registration;
	serial_prefix pg_catalog.text;
	serial pg_catalog.int4;
	validity pg_catalog.interval := (ismap.policy_value('registration_validity') #>> '{}')::pg_catalog.interval;
BEGIN
	IF p_application_id IS NULL OR p_as_of IS NULL THEN
		RAISE EXCEPTION 'application and date must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	app := ismap_internal.lock_submitted_application(p_application_id);
	IF p_as_of < app.submitted_on THEN
		RAISE EXCEPTION 'cannot register application % on %, before it was submitted on %', p_application_id, p_as_of, app.submitted_on
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	-- the audit is decided with the application: frozen from now on
	PERFORM ismap_internal.decide_audit(app.audit_id, p_as_of);
	SELECT * INTO aud FROM ismap.audit WHERE audit_id = app.audit_id;

	-- one registration decision per service at a time (NO KEY UPDATE: a
	-- provider's uncommitted row naming the service as its platform holds
	-- KEY SHARE on it, and must not delay another provider's decision)
	PERFORM 1 FROM ismap.service WHERE service_id = app.service_id FOR NO KEY UPDATE;
	SELECT * INTO live FROM ismap.registration
	WHERE service_id = app.service_id AND status IN ('active', 'suspended');
	IF FOUND AND app.kind = 'new' THEN
		RAISE EXCEPTION 'service % already has registration %', app.service_id, live.registration_number
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  HINT = 'File a renewal application to replace it.';
	END IF;
	IF (aud.period_end + validity)::pg_catalog.date < p_as_of THEN
		RAISE EXCEPTION 'registration of application % would already be expired on %', p_application_id, p_as_of
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = pg_catalog.format('The audited period ended on %s; with a validity of %s it ends on %s.',
					aud.period_end, validity, (aud.period_end + validity)::pg_catalog.date);
	END IF;

	-- the number: a service keeps the serial of its first registration
	SELECT * INTO prior FROM ismap.registration WHERE service_id = app.service_id
	ORDER BY registered_on DESC, registration_id DESC LIMIT 1;
	IF FOUND THEN
		serial_prefix := pg_catalog.regexp_replace(prior.registration_number, '-[1-3]$', '');
	ELSE
		INSERT INTO ismap.registration_serial AS s (year, last_serial)
		VALUES (pg_catalog.date_part('year', p_as_of)::pg_catalog.int2, 1)
		ON CONFLICT (year) DO UPDATE SET last_serial = s.last_serial + 1
		RETURNING s.last_serial INTO serial;
		serial_prefix := pg_catalog.format('C%s-%s',
			pg_catalog.to_char(p_as_of, 'YY'),
			pg_catalog.lpad(serial::pg_catalog.text, GREATEST(4, pg_catalog.length(serial::pg_catalog.text)), '0'));
	END IF;

	-- the events of what follows take their context from the rows: the
	-- application (kind, audit, the acknowledgements approve_application
	-- recorded on it) and the registration (ismap_internal.registration_event_trigger)
	IF live.registration_id IS NOT NULL THEN
		UPDATE ismap.registration
		SET status = 'expired', ended_on = p_as_of,
			end_reason = pg_catalog.format('replaced by renewal (application %s)', app.application_id),
			run_id = NULL
		WHERE registration_id = live.registration_id;
	END IF;
	INSERT INTO ismap.registration (registration_number, service_id, level, application_id,
		registered_on, valid_until, status)
	VALUES (serial_prefix || '-' || app.requested_level, app.service_id, app.requested_level,
		app.application_id, p_as_of, (aud.period_end + validity)::pg_catalog.date, 'active')
	RETURNING * INTO res;

	UPDATE ismap.application SET status = 'approved', decided_on = p_as_of
	WHERE application_id = app.application_id;
	RETURN res;
END
$$;
COMMENT ON FUNCTION ismap.register(pg_catalog.int8, pg_catalog.date) IS 'registrar primitive: register a submitted application (number, validity, replacing the service''s registration on renewal, event); approve_application validates and then calls it';
CREATE OR REPLACE FUNCTION ismap.delist(p_service_id pg_catalog.int8, p_reason pg_catalog.text, p_as_of pg_catalog.date DEFAULT CURRENT_DATE)
RETURNS SETOF ismap.registration
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	root ismap.registration;
	early ismap.registration;
BEGIN
	IF ismap.text_is_blank(p_reason) THEN
		RAISE EXCEPTION 'a delisting needs a reason' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF p_as_of IS NULL THEN
		RAISE EXCEPTION 'the delisting date must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	-- NO KEY UPDATE: a provider's uncommitted dependency on this platform
	-- holds KEY SHARE on the row and must not delay the delisting
	PERFORM 1 FROM ismap.service WHERE service_id = p_service_id FOR NO KEY UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'service % does not exist', p_service_id USING ERRCODE = 'undefined_object';
	END IF;
	SELECT * INTO root FROM ismap.registration r
	WHERE r.service_id = p_service_id AND r.status IN ('active', 'suspended') FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'service % has no active registration to delist', p_service_id
			USING ERRCODE = 'object_not_in_prerequisite_state';
	END IF;

	-- a delisting cannot end a registration before it began (backdating)
	SELECT r.* INTO early FROM ismap.delisting_impact(p_service_id) i
	JOIN ismap.registration r ON r.registration_id OPERATOR(pg_catalog.=) i.registration_id
	WHERE r.registered_on OPERATOR(pg_catalog.>) p_as_of
	ORDER BY r.registered_on DESC LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'cannot delist service % on %, before registration % began on %',
			p_service_id, p_as_of, early.registration_number, early.registered_on
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'A delisting is dated on or after the first day of every registration it ends.';
	END IF;

	RETURN QUERY
	WITH impact AS (
		SELECT i.*, base.registration_id AS base_registration_id
		FROM ismap.delisting_impact(p_service_id) i
		LEFT JOIN ismap.registration base
		  ON i.depth > 0 AND base.service_id = i.via[pg_catalog.array_upper(i.via, 1)]
		 AND base.status IN ('active', 'suspended')
	)
	UPDATE ismap.registration r
	SET status = 'delisted', ended_on = p_as_of,
		end_reason = CASE WHEN impact.depth = 0 THEN p_reason
			ELSE pg_catalog.format('platform delisted: %s', p_reason) END,
		cascaded_from = CASE WHEN impact.depth = 0 THEN NULL
			ELSE COALESCE(impact.base_registration_id, root.registration_id) END,
		cascade_path = CASE WHEN impact.depth = 0 THEN NULL ELSE impact.via END,
		run_id = NULL
	FROM impact
	WHERE r.registration_id = impact.registration_id
	RETURNING r.*;
END
$$;
COMMENT ON FUNCTION ismap.delist(pg_catalog.int8, pg_catalog.text, pg_catalog.date) IS 'delist a service and, in the same transaction, every registration built on it (not self-assessed); returns the rows changed';
CREATE OR REPLACE FUNCTION ismap_internal.audit_decided_guard() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF OLD.decided_on IS NOT NULL THEN
		RAISE EXCEPTION 'audit % is decided: it is frozen', OLD.audit_id
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = pg_catalog.format('An application resting on it was decided on %s; %s of the audit is refused.', OLD.decided_on, TG_OP),
				  HINT = 'Later facts go into a new audit.';
	END IF;
	-- an open audit stays the audit of its service once the provider has
	-- written a statement: moved, the statement and the results would
	-- become another provider's to read and to file on
	IF TG_OP = 'UPDATE' AND NEW.service_id IS DISTINCT FROM OLD.service_id
	   AND EXISTS (SELECT 1 FROM ismap.statement_item s WHERE s.audit_id OPERATOR(pg_catalog.=) OLD.audit_id) THEN
		RAISE EXCEPTION 'audit % has a statement: its service cannot change', OLD.audit_id
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = pg_catalog.format('The statement of service %s was written for this audit.', OLD.service_id),
				  HINT = 'Record an audit of the other service instead.';
	END IF;
	RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;
COMMENT ON FUNCTION ismap_internal.audit_decided_guard() IS 'trigger: a decided audit is neither updated nor deleted (55000); an audit with a statement keeps its service (55000)';
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
	-- two callers would race for the same names (a row lock no role but the
	-- owner can take; an advisory key any login could hold for ever, and
	-- 105 was the chain job's, whose run then failed with 55P03)
	PERFORM 1 FROM ismap_internal.serial_lock l WHERE l.lock_name OPERATOR(pg_catalog.=) 'evidence partitions' FOR UPDATE;
	m := pg_catalog.date_trunc('month', from_date)::pg_catalog.date;
	WHILE m <= to_date LOOP
		part := pg_catalog.format('evidence_%s', pg_catalog.to_char(m, 'YYYY_MM'));
		IF pg_catalog.to_regclass(pg_catalog.format('ismap.%I', part)) IS NULL THEN
			-- made apart and attached: CREATE TABLE ... PARTITION OF takes
			-- ACCESS EXCLUSIVE on ismap.evidence and would wait for every
			-- provider's open transaction that inserted evidence (and make
			-- all later inserts wait behind it); ATTACH PARTITION takes
			-- SHARE UPDATE EXCLUSIVE, which inserts do not conflict with
			EXECUTE pg_catalog.format('CREATE TABLE ismap.%I (LIKE ismap.evidence INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part);
			EXECUTE pg_catalog.format('ALTER TABLE ismap.evidence ATTACH PARTITION ismap.%I FOR VALUES FROM (%L) TO (%L)',
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
CREATE OR REPLACE FUNCTION ismap_internal.job_changes(as_of pg_catalog.date, dry_run pg_catalog.bool, run_id pg_catalog.int8)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
SET jit = off
SET work_mem = '64MB'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
AS $$
#variable_conflict use_column
DECLARE
	d pg_catalog.date := job_changes.as_of;
	dry pg_catalog.bool := job_changes.dry_run;
	run pg_catalog.int8 := job_changes.run_id;
	windows pg_catalog.int4[];
	ahead pg_catalog.int4;
	ev_window pg_catalog.interval := (ismap.policy_value('evidence_window') #>> '{}')::pg_catalog.interval;
	conf pg_catalog.float8 := (ismap.policy_value('sampling_confidence') #>> '{}')::pg_catalog.float8;
	tol pg_catalog.float8 := (ismap.policy_value('sampling_tolerable_rate') #>> '{}')::pg_catalog.float8;
	hi pg_catalog.timestamptz;
	n_parts pg_catalog.int8 := 0;
	n_chained pg_catalog.int8;
	n_covered pg_catalog.int8;
	n_reinstated pg_catalog.int8;
	n_suspended pg_catalog.int8;
	n_notices pg_catalog.int8;
	n_crossed pg_catalog.int8 := 0;
	n_cleared pg_catalog.int8 := 0;
	m pg_catalog.date;
	part pg_catalog.text;
	rec record;
BEGIN
	BEGIN
		SELECT COALESCE(pg_catalog.array_agg(w::pg_catalog.int4 ORDER BY w::pg_catalog.int4), '{}')
		INTO STRICT windows
		FROM pg_catalog.jsonb_array_elements_text(ismap.policy_value('change_notice_days')) AS e(w);
	EXCEPTION WHEN OTHERS THEN
		windows := NULL;
	END;
	IF windows IS NULL OR pg_catalog.array_position(windows, NULL) IS NOT NULL
	   OR EXISTS (SELECT 1 FROM pg_catalog.unnest(windows) w WHERE w < 0) THEN
		RAISE EXCEPTION 'policy parameter "change_notice_days" must be an array of days, not %',
			(SELECT p.value FROM ismap.policy p WHERE p.name = 'change_notice_days')
			USING ERRCODE = 'invalid_parameter_value', HINT = 'For example [60, 30, 7].';
	END IF;
	BEGIN
		ahead := (ismap.policy_value('evidence_months_ahead') #>> '{}')::pg_catalog.int4;
	EXCEPTION WHEN data_exception THEN
		ahead := NULL;
	END;
	IF ahead IS NULL OR ahead < 0 OR ahead > 120 THEN
		RAISE EXCEPTION 'policy parameter "evidence_months_ahead" must be a number of months from 0 to 120'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF ev_window IS NULL OR ev_window <= '0'::pg_catalog.interval THEN
		RAISE EXCEPTION 'policy parameter "evidence_window" must be a positive interval' USING ERRCODE = 'invalid_parameter_value';
	END IF;

	-- 1. evidence partitions: the month of as_of and the months ahead
	PERFORM ismap_internal.job_progress(pg_catalog.format('changes: evidence partitions to %s months ahead of %s', ahead, d));
	IF NOT dry THEN
		FOR part IN SELECT * FROM ismap.ensure_evidence_partitions(d, (d + pg_catalog.make_interval(months => ahead))::pg_catalog.date) LOOP
			action := 'partition_created'; object_id := NULL; detail := part;
			RETURN NEXT;
			n_parts := n_parts + 1;
		END LOOP;
	ELSE
		m := pg_catalog.date_trunc('month', d)::pg_catalog.date;
		WHILE m <= (d + pg_catalog.make_interval(months => ahead))::pg_catalog.date LOOP
			part := pg_catalog.format('evidence_%s', pg_catalog.to_char(m, 'YYYY_MM'));
			IF pg_catalog.to_regclass(pg_catalog.format('ismap.%I', part)) IS NULL THEN
				action := 'partition_created'; object_id := NULL; detail := 'ismap.' || part;
				RETURN NEXT;
				n_parts := n_parts + 1;
			END IF;
			m := (m + '1 month'::pg_catalog.interval)::pg_catalog.date;
		END LOOP;
	END IF;

	-- 1b. the reported events committed so far (change reports, dependency
	-- changes: queued without the chain lock) go into the event log; the
	-- coverage events of step 2 follow them
	IF NOT dry THEN
		PERFORM 1 FROM ismap_internal.serial_lock l WHERE l.lock_name OPERATOR(pg_catalog.=) 'event chain' FOR UPDATE;
		n_chained := ismap_internal.chain_pending_events();
	ELSE
		SELECT pg_catalog.count(*) INTO n_chained FROM ismap_internal.pending_event;
	END IF;
	IF n_chained > 0 THEN
		action := 'events_chained'; object_id := NULL;
		detail := pg_catalog.format('%s reported event(s) chained into the event log', n_chained);
		RETURN NEXT;
	END IF;

	-- 2. material changes an audit now covers (the trigger writes the event)
	RETURN QUERY
	WITH cov AS (
		SELECT s.change_id, s.service_id, s.kind, s.effective_on, s.covered_by, s.covered_on, r.registration_number
		FROM ismap.change_status(d) s
		JOIN ismap.service_change c ON c.change_id = s.change_id
		JOIN ismap.registration r ON r.registration_id = s.covered_by
		WHERE s.status = 'covered' AND c.covered_by IS NULL
	),
	upd AS (
		UPDATE ismap.service_change c SET covered_by = cov.covered_by, covered_on = cov.covered_on, covered_run_id = run
		FROM cov WHERE NOT dry AND c.change_id = cov.change_id AND c.covered_by IS NULL
		RETURNING c.change_id
	)
	SELECT 'covered', cov.change_id,
		   pg_catalog.format('change %s of service %s (%s, effective %s): covered by the audit of %s, registered on %s',
			   cov.change_id, cov.service_id, cov.kind, cov.effective_on, cov.registration_number, cov.covered_on)
	FROM cov WHERE dry OR cov.change_id IN (SELECT u.change_id FROM upd u)
	ORDER BY 2;
	GET DIAGNOSTICS n_covered = ROW_COUNT;

	-- 3. suspensions of covered changes are lifted; a registration none
	-- holds any more is active again (a suspended registration that no
	-- change of this job holds was suspended by someone else: left alone)
	RETURN QUERY
	WITH cov AS (
		SELECT s.change_id FROM ismap.change_status(d) s WHERE s.status = 'covered'
	),
	lift AS (
		UPDATE ismap.change_suspension cs SET lifted_on = d
		WHERE NOT dry AND cs.lifted_on IS NULL AND cs.change_id IN (SELECT cov.change_id FROM cov)
		RETURNING cs.registration_id
	),
	back AS (
		SELECT r.registration_id, r.registration_number, r.service_id,
			   (SELECT pg_catalog.string_agg(cs.change_id::pg_catalog.text, ', ' ORDER BY cs.change_id)
				FROM ismap.change_suspension cs
				WHERE cs.registration_id = r.registration_id AND cs.lifted_on IS NULL) AS changes
		FROM ismap.registration r
		WHERE r.status = 'suspended'
		  AND EXISTS (SELECT 1 FROM ismap.change_suspension cs
					  WHERE cs.registration_id = r.registration_id AND cs.lifted_on IS NULL
						AND cs.change_id IN (SELECT cov.change_id FROM cov))
		  AND NOT EXISTS (SELECT 1 FROM ismap.change_suspension cs
						  WHERE cs.registration_id = r.registration_id AND cs.lifted_on IS NULL
							AND cs.change_id NOT IN (SELECT cov.change_id FROM cov))
	),
	upd AS (
		UPDATE ismap.registration r
		SET status = 'active', end_reason = NULL, cascaded_from = NULL, cascade_path = NULL, run_id = run
		FROM back
		WHERE NOT dry AND r.registration_id = back.registration_id AND r.status = 'suspended'
		  AND (SELECT pg_catalog.count(*) FROM lift) >= 0
		RETURNING r.registration_id
	)
	SELECT 'reinstated', back.registration_id,
		   pg_catalog.format('%s (service %s): active again, change %s covered by an audit',
			   back.registration_number, back.service_id, back.changes)
	FROM back WHERE dry OR back.registration_id IN (SELECT u.registration_id FROM upd u)
	ORDER BY 2;
	GET DIAGNOSTICS n_reinstated = ROW_COUNT;

	-- 4. material changes past their window without an audit: suspend the
	-- service's live registration and what is built on it
	PERFORM ismap_internal.job_progress(pg_catalog.format('changes: %s covered, %s reinstated; suspending for changes due before %s', n_covered, n_reinstated, d));
	RETURN QUERY
	WITH overdue AS (
		SELECT s.change_id, s.service_id AS root_service, s.kind, s.effective_on, s.due_on,
			   root.registration_number AS root_number
		FROM ismap.change_status(d) s
		JOIN ismap.registration root ON root.service_id = s.service_id
			AND root.status = ANY (ARRAY['active', 'suspended'])
		WHERE s.status = 'overdue'
	),
	hit AS (
		SELECT o.*, i.registration_id, i.service_id, i.depth, i.via, r.registration_number, r.status,
			   base.registration_id AS base_registration_id
		FROM overdue o
		CROSS JOIN LATERAL ismap.delisting_impact(o.root_service) i
		JOIN ismap.registration r ON r.registration_id = i.registration_id
		LEFT JOIN ismap.registration base
		  ON i.depth > 0 AND base.service_id = i.via[pg_catalog.array_upper(i.via, 1)]
		 AND base.status = ANY (ARRAY['active', 'suspended'])
		WHERE NOT EXISTS (SELECT 1 FROM ismap.change_suspension cs
						  WHERE cs.change_id = o.change_id AND cs.registration_id = i.registration_id)
		  -- active, or suspended by this job (a change it holds for)
		  AND (r.status = 'active'
			   OR EXISTS (SELECT 1 FROM ismap.change_suspension cs
						  WHERE cs.registration_id = i.registration_id AND cs.lifted_on IS NULL))
	),
	ins AS (
		INSERT INTO ismap.change_suspension (change_id, registration_id, depth, via, suspended_on, run_id)
		SELECT h.change_id, h.registration_id, h.depth, h.via, d, run FROM hit h WHERE NOT dry
		RETURNING change_suspension.registration_id
	),
	pick AS (
		SELECT DISTINCT ON (h.registration_id) h.*,
			   CASE WHEN h.depth = 0
					THEN pg_catalog.format('material change %s (%s, effective %s) not covered by an audit by %s',
						h.change_id, h.kind, h.effective_on, h.due_on)
					ELSE pg_catalog.format('platform suspended: %s (service %s) has material change %s (%s, effective %s) not covered by an audit by %s',
						h.root_number, h.root_service, h.change_id, h.kind, h.effective_on, h.due_on) END AS reason
		FROM hit h
		WHERE h.status = 'active'
		ORDER BY h.registration_id, h.depth, h.change_id
	),
	upd AS (
		UPDATE ismap.registration r
		SET status = 'suspended', end_reason = p.reason,
			cascaded_from = CASE WHEN p.depth = 0 THEN NULL ELSE p.base_registration_id END,
			cascade_path = CASE WHEN p.depth = 0 THEN NULL ELSE p.via END,
			run_id = run
		FROM pick p
		WHERE NOT dry AND r.registration_id = p.registration_id AND r.status = 'active'
		  AND (SELECT pg_catalog.count(*) FROM ins) >= 0
		RETURNING r.registration_id
	)
	SELECT 'suspended', p.registration_id,
		   pg_catalog.format('%s (service %s): %s%s', p.registration_number, p.service_id, p.reason,
			   CASE WHEN p.depth > 0 THEN ' ; chain ' || pg_catalog.array_to_string(p.via || p.service_id, ' -> ') ELSE '' END)
	FROM pick p WHERE dry OR p.registration_id IN (SELECT u.registration_id FROM upd u)
	ORDER BY 2;
	GET DIAGNOSTICS n_suspended = ROW_COUNT;

	-- 5. notices before a change's window ends: the latest window reached,
	-- once; none once an audit covers the change
	RETURN QUERY
	WITH cand AS (
		SELECT s.change_id, s.service_id, s.kind, s.effective_on, s.due_on, w.days,
			   (s.due_on - w.days) AS occasion
		FROM ismap.change_status(d) s
		CROSS JOIN LATERAL (SELECT pg_catalog.min(x) AS days FROM pg_catalog.unnest(windows) x
							WHERE x >= (s.due_on - d)) w
		WHERE s.status = 'audit_required' AND s.due_on >= d
	),
	fresh AS (
		SELECT c.*, pg_catalog.format('change %s of service %s (%s, effective %s) needs an audit by %s (%s days); %s-day notice',
				   c.change_id, c.service_id, c.kind, c.effective_on, c.due_on, c.due_on - d, c.days) AS what
		FROM cand c
		WHERE c.days IS NOT NULL
		  AND NOT EXISTS (SELECT 1 FROM ismap.notice n
						  WHERE n.kind = 'change_audit_due' AND n.object_id = c.change_id AND n.occasion = c.occasion)
	),
	ins AS (
		INSERT INTO ismap.notice (kind, object_id, occasion, window_days, as_of, detail, run_id)
		SELECT 'change_audit_due', f.change_id, f.occasion, f.days, d, f.what, run FROM fresh f WHERE NOT dry
		ON CONFLICT ON CONSTRAINT notice_once DO NOTHING
		RETURNING notice.object_id, notice.detail
	)
	SELECT 'notice', i.object_id, i.detail FROM ins i
	UNION ALL
	SELECT 'notice', f.change_id, f.what FROM fresh f WHERE dry
	ORDER BY 2;
	GET DIAGNOSTICS n_notices = ROW_COUNT;

	-- 6. control evidence of the policy window: a control that crosses the
	-- limit opens a crossing and gets one notice; one back within closes it
	PERFORM ismap_internal.job_progress(pg_catalog.format('changes: %s suspended, %s notices; control evidence of %s to %s', n_suspended, n_notices, ev_window, d));
	hi := (d + 1)::pg_catalog.timestamptz;
	FOR rec IN
		WITH g AS (
			SELECT e.service_id, e.control_id, pg_catalog.count(*) AS n,
				   pg_catalog.count(*) FILTER (WHERE e.outcome = 'fail') AS dev
			FROM ismap.evidence e
			WHERE e.occurred_at >= hi - ev_window AND e.occurred_at < hi
			GROUP BY e.service_id, e.control_id
		),
		h AS (
			SELECT g.*, ismap.upper_deviation_limit(LEAST(g.n, 2147483647)::pg_catalog.int4,
				LEAST(g.dev, 2147483647)::pg_catalog.int4, conf) AS ul
			FROM g WHERE g.dev > 0
		),
		bad AS (SELECT h.* FROM h WHERE h.ul > tol),
		opened AS (
			SELECT b.* FROM bad b
			WHERE NOT EXISTS (SELECT 1 FROM ismap.control_crossing c
							  WHERE c.cleared_on IS NULL AND c.service_id = b.service_id
								AND c.control_id OPERATOR(ismap.=) b.control_id)
		),
		closed AS (
			SELECT c.crossing_id, c.service_id, c.control_id, c.crossed_on,
				   COALESCE(g.n, 0) AS n, COALESCE(g.dev, 0) AS dev
			FROM ismap.control_crossing c
			LEFT JOIN g ON g.service_id = c.service_id AND g.control_id OPERATOR(ismap.=) c.control_id
			WHERE c.cleared_on IS NULL
			  AND NOT EXISTS (SELECT 1 FROM bad b
							  WHERE b.service_id = c.service_id AND b.control_id OPERATOR(ismap.=) c.control_id)
		),
		insc AS (
			INSERT INTO ismap.control_crossing (service_id, control_id, crossed_on, observations, deviations, upper_limit, run_id)
			SELECT o.service_id, o.control_id, d, o.n, o.dev, o.ul, run FROM opened o WHERE NOT dry
			RETURNING control_crossing.*
		),
		insn AS (
			INSERT INTO ismap.notice (kind, object_id, occasion, as_of, detail, run_id)
			SELECT 'control_limit_exceeded', i.crossing_id, d, d,
				   pg_catalog.format('service %s control %s: %s deviations in %s observations from %s to %s; upper deviation limit %s above the tolerable rate %s',
					   i.service_id, i.control_id, i.deviations, i.observations, (d - ev_window)::pg_catalog.date + 1, d,
					   pg_catalog.round(i.upper_limit::pg_catalog.numeric, 4), tol), run
			FROM insc i
			RETURNING notice.object_id, notice.detail
		),
		updc AS (
			UPDATE ismap.control_crossing c SET cleared_on = d
			FROM closed x WHERE NOT dry AND c.crossing_id = x.crossing_id
			RETURNING c.crossing_id
		)
		SELECT 'limit_exceeded' AS act, i.object_id AS id, i.detail AS what FROM insn i
		UNION ALL
		SELECT 'limit_exceeded', NULL,
			   pg_catalog.format('service %s control %s: %s deviations in %s observations from %s to %s; upper deviation limit %s above the tolerable rate %s',
				   o.service_id, o.control_id, o.dev, o.n, (d - ev_window)::pg_catalog.date + 1, d,
				   pg_catalog.round(o.ul::pg_catalog.numeric, 4), tol)
		FROM opened o WHERE dry
		UNION ALL
		SELECT 'limit_cleared', x.crossing_id,
			   pg_catalog.format('service %s control %s: back within the limit (%s deviations in %s observations), over it since %s',
				   x.service_id, x.control_id, x.dev, x.n, x.crossed_on)
		FROM closed x WHERE dry OR x.crossing_id IN (SELECT u.crossing_id FROM updc u)
		ORDER BY 1, 3
	LOOP
		action := rec.act;
		object_id := rec.id;
		detail := rec.what;
		RETURN NEXT;
		IF rec.act = 'limit_exceeded' THEN
			n_crossed := n_crossed + 1;
		ELSE
			n_cleared := n_cleared + 1;
		END IF;
	END LOOP;
END
$$;
COMMENT ON FUNCTION ismap_internal.job_changes(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) IS 'the work of the changes job, called by ismap.run_job (which holds the lock and records the run run_id, NULL for a dry run)';
REVOKE EXECUTE ON FUNCTION ismap_internal.job_changes(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) FROM PUBLIC;

-- the queue's guard is a row trigger now (a row leaves only once its
-- event is in the log); TRUNCATE has its own statement trigger
DROP TRIGGER pending_event_guard ON ismap_internal.pending_event;
CREATE TRIGGER pending_event_guard BEFORE UPDATE OR DELETE ON ismap_internal.pending_event
	FOR EACH ROW EXECUTE FUNCTION ismap_internal.pending_event_guard();
CREATE TRIGGER pending_event_no_truncate BEFORE TRUNCATE ON ismap_internal.pending_event
	FOR EACH STATEMENT EXECUTE FUNCTION ismap_internal.pending_event_guard();
ALTER TABLE ismap_internal.pending_event ENABLE ALWAYS TRIGGER pending_event_guard;
ALTER TABLE ismap_internal.pending_event ENABLE ALWAYS TRIGGER pending_event_no_truncate;

-- ==== The second pass's small findings (A2-12, A2-13, A2-14) ====
CREATE OR REPLACE FUNCTION ismap.create_roles() RETURNS pg_catalog.text[]
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	made pg_catalog.text[] := '{}';
	r pg_catalog.text;
	f pg_catalog.regprocedure;
	owner pg_catalog.name;
BEGIN
	IF NOT (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = CURRENT_USER) THEN
		RAISE EXCEPTION 'ismap.create_roles() must be run by a superuser' USING ERRCODE = 'insufficient_privilege';
	END IF;
	FOREACH r IN ARRAY ARRAY['ismap_reader', 'ismap_registrar', 'ismap_auditor', 'ismap_csp', 'ismap_jobs'] LOOP
		IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r) THEN
			EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN', r);
			made := made || r;
		END IF;
		EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA ismap TO %I', r);
	END LOOP;
	SELECT pg_catalog.pg_get_userbyid(n.nspowner) INTO owner FROM pg_catalog.pg_namespace n WHERE n.nspname = 'ismap';

	-- everyone: the catalogs, the published registry and its reports, the policy
	GRANT SELECT ON ismap.framework, ismap.control, ismap.baseline, ismap.baseline_control,
		ismap.control_mapping, ismap.control_reference, ismap.control_group, ismap.control_param, ismap.policy,
		ismap.service_change, ismap.sla_template,
		ismap.sampling_table, ismap.registry, ismap.registry_listing, ismap.registration, ismap.registry_event, ismap.event_chain_seal,
		ismap.audit_body, ismap.audit_body_selection, ismap.csp, ismap.service, ismap.service_dependency,
		ismap.job
		TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs;
	-- the registrar: every table to read; edits the catalogs, the policy,
	-- the parties and the classification; decides through the functions
	GRANT SELECT ON ALL TABLES IN SCHEMA ismap TO ismap_registrar;
	GRANT INSERT, UPDATE, DELETE ON ismap.framework, ismap.control, ismap.baseline, ismap.baseline_control,
		ismap.control_mapping, ismap.control_reference, ismap.control_group, ismap.control_param,
		ismap.sla_template, ismap.sampling_table,
		ismap.audit_body, ismap.auditor, ismap.auditor_qualification, ismap.audit_body_selection,
		ismap.csp, ismap.organization, ismap.information_asset, ismap.information_system, ismap.system_asset
		TO ismap_registrar;
	GRANT INSERT, UPDATE ON ismap.policy TO ismap_registrar;
	GRANT SELECT ON ismap.organization, ismap.information_asset, ismap.information_system,
		ismap.system_asset TO ismap_reader;
	-- an auditor: its own body's people and audits; statements, results
	-- and control tests of its own audits while they are open
	GRANT SELECT ON ismap.auditor, ismap.auditor_qualification, ismap.audit, ismap.application,
		ismap.statement_item, ismap.audit_result, ismap.control_test, ismap.control_test_evaluation TO ismap_auditor;
	GRANT INSERT, UPDATE, DELETE ON ismap.audit_result, ismap.control_test TO ismap_auditor;
	-- every column of an audit but its decision date, which only the
	-- decisions write (0.2.0 granted the whole table: taken back first)
	REVOKE INSERT, UPDATE ON ismap.audit FROM ismap_auditor;
	GRANT INSERT (audit_id, service_id, audit_body_id, lead_auditor_id, kind, target_level, framework_id,
				  period_start, period_end, report_date, scope),
		  UPDATE (service_id, audit_body_id, lead_auditor_id, kind, target_level, framework_id,
				  period_start, period_end, report_date, scope) ON ismap.audit TO ismap_auditor;
	-- a provider: its own services, platforms, statements and applications
	-- a registered service's scope and models change only through a reported
	-- change and a new audit, and only an audit decides that a platform was
	-- assessed: the provider holds no privilege on those columns
	GRANT INSERT ON ismap.service TO ismap_csp;
	GRANT UPDATE (name, responsibility) ON ismap.service TO ismap_csp;
	GRANT INSERT (service_id, base_service_id) ON ismap.service_dependency TO ismap_csp;
	GRANT DELETE ON ismap.service_dependency TO ismap_csp;
	GRANT INSERT, UPDATE, DELETE ON ismap.statement_item TO ismap_csp;
	GRANT UPDATE (self_assessed_audit_id) ON ismap.service_dependency TO ismap_auditor, ismap_registrar;
	GRANT SELECT, INSERT ON ismap.application TO ismap_csp;
	GRANT UPDATE (status, decided_on, decision_reason) ON ismap.application TO ismap_csp;
	GRANT SELECT ON ismap.audit, ismap.statement_item, ismap.audit_result, ismap.control_test,
		ismap.control_test_evaluation TO ismap_csp;
	GRANT UPDATE (name, address) ON ismap.csp TO ismap_csp;
	-- a provider reports its own services' changes and feeds their evidence
	-- (what was reported: not its coverage, nor the reporting date)
	GRANT SELECT ON ismap.service_change, ismap.evidence TO ismap_csp;
	REVOKE INSERT ON ismap.service_change FROM ismap_csp;
	GRANT INSERT (service_id, kind, effective_on, description, reported_by) ON ismap.service_change TO ismap_csp;
	GRANT INSERT ON ismap.evidence TO ismap_csp;
	GRANT INSERT ON ismap.service_change TO ismap_registrar;
	GRANT USAGE ON ALL SEQUENCES IN SCHEMA ismap TO ismap_registrar, ismap_auditor, ismap_csp;
	-- but not the numbers of what only the extension's functions write:
	-- nextval would burn event and registration ids, leaving gaps that
	-- look like deleted rows
	REVOKE USAGE ON SEQUENCE ismap.registry_event_event_id_seq, ismap.registration_registration_id_seq,
		ismap.job_run_run_id_seq, ismap.notice_notice_id_seq FROM ismap_registrar, ismap_auditor, ismap_csp;
	-- jobs: read what the batch functions read
	-- (the batch functions have the owner's rights; the role itself reads
	-- only its runs and notices, besides what everyone reads)
	GRANT SELECT ON ismap.job_run, ismap.notice, ismap.job_health TO ismap_jobs;

	-- functions: everything that only reads, to every role; what writes,
	-- to the one role that needs it
	FOR f IN
		SELECT p.oid::pg_catalog.regprocedure FROM pg_catalog.pg_proc p
		JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.objid = p.oid AND d.deptype = 'e'
		JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'ismap'
		WHERE p.pronamespace = 'ismap'::pg_catalog.regnamespace
		  AND p.provolatile IN ('i', 's') AND p.prorettype <> 'pg_catalog.trigger'::pg_catalog.regtype
		  AND NOT p.prosecdef
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs', f);
	END LOOP;
	FOR f, r IN
		SELECT p.oid::pg_catalog.regprocedure, g.role FROM pg_catalog.pg_proc p
		JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace AND n.nspname = 'ismap'
		JOIN (VALUES ('register', 'ismap_registrar'), ('approve_application', 'ismap_registrar'),
					 ('reject_application', 'ismap_registrar'), ('delist', 'ismap_registrar'),
					 ('principal', 'ismap_registrar'), ('import_control_standard_csv', 'ismap_registrar'),
					 ('import_nist_iso27001_mapping', 'ismap_registrar'), ('import_oscal_catalog', 'ismap_registrar'),
					 ('import_oscal_profile', 'ismap_registrar'),
					 ('run_renewals', 'ismap_jobs'), ('expire_audit_body_selections', 'ismap_jobs'),
					 ('cascade_delistings', 'ismap_jobs'), ('run_changes', 'ismap_jobs'),
					 ('job_start', 'ismap_jobs'), ('job_finish', 'ismap_jobs'), ('job_mark_stale', 'ismap_jobs'),
					 ('prune_job_runs', 'ismap_jobs'), ('run_job', 'ismap_jobs'), ('seal_event_chain', 'ismap_jobs'),
					 ('ensure_evidence_partitions', 'ismap_jobs'), ('ensure_evidence_partitions', 'ismap_registrar'),
					 -- owner's rights, for the applications the caller may see
					 ('validate_application', 'ismap_registrar'), ('validate_application', 'ismap_auditor'),
					 ('validate_application', 'ismap_csp'), ('validate_application', 'ismap_jobs')) g(fn, role)
		  ON g.fn = p.proname
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO %I', f, r);
	END LOOP;

	-- the event chain's checks have the owner's rights (they read every
	-- event, also those row-level security hides from the caller) and tell
	-- only whether the chain holds, which event breaks it, and the head's
	-- hash: every role runs them
	FOR f IN
		SELECT p.oid::pg_catalog.regprocedure FROM pg_catalog.pg_proc p
		WHERE p.pronamespace = 'ismap'::pg_catalog.regnamespace
		  AND p.proname = ANY (ARRAY['verify_event_chain', 'event_chain_full_check', 'event_chain_head'])
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs', f);
	END LOOP;
	-- what reads tables a role may not read is not granted to it (the
	-- function would only refuse it inside): the change status reads the
	-- applications, the classification the agencies' systems
	REVOKE EXECUTE ON FUNCTION ismap.change_status(pg_catalog.date) FROM ismap_reader, ismap_jobs;
	REVOKE EXECUTE ON FUNCTION ismap.classification_findings(pg_catalog.int8), ismap.classification_findings_all(pg_catalog.int8),
		ismap.classify_system(pg_catalog.int8), ismap.eligible_services(pg_catalog.int8, pg_catalog.date),
		ismap.required_level(pg_catalog.int8) FROM ismap_auditor, ismap_csp, ismap_jobs;
	-- a control test's items read the test (its provider, its auditor, the
	-- registrar); a control's health the evidence (its provider, the
	-- registrar, the jobs)
	REVOKE EXECUTE ON FUNCTION ismap.control_test_items(pg_catalog.int8, ismap.ctrlid) FROM ismap_reader, ismap_jobs;
	REVOKE EXECUTE ON FUNCTION ismap.control_health(pg_catalog.int8, pg_catalog.date, pg_catalog.interval) FROM ismap_reader, ismap_auditor;

	-- the policies' helpers run in the querying role's name: only the roles
	-- whose policies call them get them
	GRANT EXECUTE ON FUNCTION ismap.principal_audit_body(pg_catalog.name), ismap.principal_csp(pg_catalog.name),
		ismap.audit_party(pg_catalog.int8), ismap.service_csp(pg_catalog.int8) TO ismap_auditor, ismap_csp;

	-- row-level policies (re-created, so a second run changes nothing)
	PERFORM ismap_internal.create_policies();
	RETURN made;
END
$$;
COMMENT ON FUNCTION ismap.create_roles() IS 'superuser: create the five ismap roles if missing, grant them least privilege and create the row-level policies; idempotent; returns the roles it created';

-- a withdrawal's reason is not blank (A2-12): a blank one already recorded
-- says nothing, and becomes NULL
UPDATE ismap.application SET decision_reason = NULL
WHERE decision_reason IS NOT NULL AND ismap.text_is_blank(decision_reason);
ALTER TABLE ismap.application ADD CONSTRAINT application_reason_not_blank
	CHECK (decision_reason IS NULL OR NOT ismap.text_is_blank(decision_reason));
-- a change report's description is at most 64 kB (A2-14)
ALTER TABLE ismap.service_change ADD CONSTRAINT service_change_description_size
	CHECK (pg_catalog.octet_length(description) OPERATOR(pg_catalog.<=) 65536);

-- ==== Tenants cannot stall each other: no table-level UPDATE or DELETE for a party, deletes through functions (A2-09) ====
-- A table-level UPDATE or DELETE let a provider or an auditor LOCK a shared
-- table in any mode (PostgreSQL's LOCK TABLE check reads the table's ACL
-- only).  Taken back here (taking back the table-level UPDATE takes the
-- column-level ones too); create_roles(), run by the Grants section, gives
-- the column-level UPDATEs and the delete_* functions.
REVOKE UPDATE, DELETE ON ismap.audit_result, ismap.control_test FROM ismap_auditor;
REVOKE UPDATE, DELETE ON ismap.statement_item FROM ismap_csp;
REVOKE DELETE ON ismap.service_dependency FROM ismap_csp;
-- create_roles() now grants in a fixed order: the functions granted to
-- several roles are taken back, so that their ACLs come out as a fresh
-- install's
REVOKE EXECUTE ON FUNCTION ismap.validate_application(pg_catalog.int8), ismap.ensure_evidence_partitions(pg_catalog.date, pg_catalog.date)
	FROM ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs;
CREATE OR REPLACE FUNCTION ismap.create_roles() RETURNS pg_catalog.text[]
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	made pg_catalog.text[] := '{}';
	r pg_catalog.text;
	f pg_catalog.regprocedure;
	owner pg_catalog.name;
BEGIN
	IF NOT (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = CURRENT_USER) THEN
		RAISE EXCEPTION 'ismap.create_roles() must be run by a superuser' USING ERRCODE = 'insufficient_privilege';
	END IF;
	FOREACH r IN ARRAY ARRAY['ismap_reader', 'ismap_registrar', 'ismap_auditor', 'ismap_csp', 'ismap_jobs'] LOOP
		IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r) THEN
			EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN', r);
			made := made || r;
		END IF;
		EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA ismap TO %I', r);
	END LOOP;
	SELECT pg_catalog.pg_get_userbyid(n.nspowner) INTO owner FROM pg_catalog.pg_namespace n WHERE n.nspname = 'ismap';

	-- everyone: the catalogs, the published registry and its reports, the policy
	GRANT SELECT ON ismap.framework, ismap.control, ismap.baseline, ismap.baseline_control,
		ismap.control_mapping, ismap.control_reference, ismap.control_group, ismap.control_param, ismap.policy,
		ismap.service_change, ismap.sla_template,
		ismap.sampling_table, ismap.registry, ismap.registry_listing, ismap.registration, ismap.registry_event, ismap.event_chain_seal,
		ismap.audit_body, ismap.audit_body_selection, ismap.csp, ismap.service, ismap.service_dependency,
		ismap.job
		TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs;
	-- the registrar: every table to read; edits the catalogs, the policy,
	-- the parties and the classification; decides through the functions.
	-- Its table-level UPDATE and DELETE let it LOCK these tables in any
	-- mode: it is staff and trusted, as their only editor (docs/security.md,
	-- A2-09); no party holds such a privilege on any table
	GRANT SELECT ON ALL TABLES IN SCHEMA ismap TO ismap_registrar;
	GRANT INSERT, UPDATE, DELETE ON ismap.framework, ismap.control, ismap.baseline, ismap.baseline_control,
		ismap.control_mapping, ismap.control_reference, ismap.control_group, ismap.control_param,
		ismap.sla_template, ismap.sampling_table,
		ismap.audit_body, ismap.auditor, ismap.auditor_qualification, ismap.audit_body_selection,
		ismap.csp, ismap.organization, ismap.information_asset, ismap.information_system, ismap.system_asset
		TO ismap_registrar;
	GRANT INSERT, UPDATE ON ismap.policy TO ismap_registrar;
	GRANT SELECT ON ismap.organization, ismap.information_asset, ismap.information_system,
		ismap.system_asset TO ismap_reader;
	-- an auditor: its own body's people and audits; statements, results
	-- and control tests of its own audits while they are open
	GRANT SELECT ON ismap.auditor, ismap.auditor_qualification, ismap.audit, ismap.application,
		ismap.statement_item, ismap.audit_result, ismap.control_test, ismap.control_test_evaluation TO ismap_auditor;
	-- A table-level UPDATE or DELETE would let a party LOCK the whole table
	-- in any mode and stall every other party (A2-09): the parties get
	-- column-level UPDATE, and delete through ismap.delete_* (0.2.0 granted
	-- the whole tables: taken back first, which takes the columns' too)
	REVOKE UPDATE, DELETE ON ismap.audit_result, ismap.control_test FROM ismap_auditor;
	REVOKE UPDATE, DELETE ON ismap.statement_item FROM ismap_csp;
	REVOKE DELETE ON ismap.service_dependency FROM ismap_csp;
	GRANT INSERT ON ismap.audit_result, ismap.control_test TO ismap_auditor;
	GRANT UPDATE (audit_id, control_id, result, rationale) ON ismap.audit_result TO ismap_auditor;
	GRANT UPDATE (audit_id, control_id, frequency, population, sample_size, deviations, seed)
		ON ismap.control_test TO ismap_auditor;
	-- every column of an audit but its decision date, which only the
	-- decisions write (0.2.0 granted the whole table: taken back first)
	REVOKE INSERT, UPDATE ON ismap.audit FROM ismap_auditor;
	GRANT INSERT (audit_id, service_id, audit_body_id, lead_auditor_id, kind, target_level, framework_id,
				  period_start, period_end, report_date, scope),
		  UPDATE (service_id, audit_body_id, lead_auditor_id, kind, target_level, framework_id,
				  period_start, period_end, report_date, scope) ON ismap.audit TO ismap_auditor;
	-- a provider: its own services, platforms, statements and applications
	-- a registered service's scope and models change only through a reported
	-- change and a new audit, and only an audit decides that a platform was
	-- assessed: the provider holds no privilege on those columns
	GRANT INSERT ON ismap.service TO ismap_csp;
	GRANT UPDATE (name, responsibility) ON ismap.service TO ismap_csp;
	GRANT INSERT (service_id, base_service_id) ON ismap.service_dependency TO ismap_csp;
	GRANT INSERT ON ismap.statement_item TO ismap_csp;
	GRANT UPDATE (audit_id, framework_id, control_id, selected, exclusion_reason) ON ismap.statement_item TO ismap_csp;
	GRANT UPDATE (self_assessed_audit_id) ON ismap.service_dependency TO ismap_auditor, ismap_registrar;
	GRANT SELECT, INSERT ON ismap.application TO ismap_csp;
	GRANT UPDATE (status, decided_on, decision_reason) ON ismap.application TO ismap_csp;
	GRANT SELECT ON ismap.audit, ismap.statement_item, ismap.audit_result, ismap.control_test,
		ismap.control_test_evaluation TO ismap_csp;
	GRANT UPDATE (name, address) ON ismap.csp TO ismap_csp;
	-- a provider reports its own services' changes and feeds their evidence
	-- (what was reported: not its coverage, nor the reporting date)
	GRANT SELECT ON ismap.service_change, ismap.evidence TO ismap_csp;
	REVOKE INSERT ON ismap.service_change FROM ismap_csp;
	GRANT INSERT (service_id, kind, effective_on, description, reported_by) ON ismap.service_change TO ismap_csp;
	GRANT INSERT ON ismap.evidence TO ismap_csp;
	GRANT INSERT ON ismap.service_change TO ismap_registrar;
	GRANT USAGE ON ALL SEQUENCES IN SCHEMA ismap TO ismap_registrar, ismap_auditor, ismap_csp;
	-- but not the numbers of what only the extension's functions write:
	-- nextval would burn event and registration ids, leaving gaps that
	-- look like deleted rows
	REVOKE USAGE ON SEQUENCE ismap.registry_event_event_id_seq, ismap.registration_registration_id_seq,
		ismap.job_run_run_id_seq, ismap.notice_notice_id_seq FROM ismap_registrar, ismap_auditor, ismap_csp;
	-- jobs: read what the batch functions read
	-- (the batch functions have the owner's rights; the role itself reads
	-- only its runs and notices, besides what everyone reads)
	GRANT SELECT ON ismap.job_run, ismap.notice, ismap.job_health TO ismap_jobs;

	-- functions: everything that only reads, to every role; what writes,
	-- to the one role that needs it
	FOR f IN
		SELECT p.oid::pg_catalog.regprocedure FROM pg_catalog.pg_proc p
		JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.objid = p.oid AND d.deptype = 'e'
		JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'ismap'
		WHERE p.pronamespace = 'ismap'::pg_catalog.regnamespace
		  AND p.provolatile IN ('i', 's') AND p.prorettype <> 'pg_catalog.trigger'::pg_catalog.regtype
		  AND NOT p.prosecdef
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs', f);
	END LOOP;
	FOR f, r IN
		SELECT p.oid::pg_catalog.regprocedure, g.role FROM pg_catalog.pg_proc p
		JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace AND n.nspname = 'ismap'
		JOIN (VALUES ('register', 'ismap_registrar'), ('approve_application', 'ismap_registrar'),
					 ('reject_application', 'ismap_registrar'), ('delist', 'ismap_registrar'),
					 ('principal', 'ismap_registrar'), ('import_control_standard_csv', 'ismap_registrar'),
					 ('import_nist_iso27001_mapping', 'ismap_registrar'), ('import_oscal_catalog', 'ismap_registrar'),
					 ('import_oscal_profile', 'ismap_registrar'),
					 ('delete_statement_item', 'ismap_csp'), ('delete_service_dependency', 'ismap_csp'),
					 ('delete_audit_result', 'ismap_auditor'), ('delete_control_test', 'ismap_auditor'),
					 ('run_renewals', 'ismap_jobs'), ('expire_audit_body_selections', 'ismap_jobs'),
					 ('cascade_delistings', 'ismap_jobs'), ('run_changes', 'ismap_jobs'),
					 ('job_start', 'ismap_jobs'), ('job_finish', 'ismap_jobs'), ('job_mark_stale', 'ismap_jobs'),
					 ('prune_job_runs', 'ismap_jobs'), ('run_job', 'ismap_jobs'), ('seal_event_chain', 'ismap_jobs'),
					 ('ensure_evidence_partitions', 'ismap_jobs'), ('ensure_evidence_partitions', 'ismap_registrar'),
					 -- owner's rights, for the applications the caller may see
					 ('validate_application', 'ismap_registrar'), ('validate_application', 'ismap_auditor'),
					 ('validate_application', 'ismap_csp'), ('validate_application', 'ismap_jobs')) g(fn, role)
		  ON g.fn = p.proname
		-- in a fixed order: a function's ACL lists its grantees in the
		-- order granted, and an upgrade must end with a fresh install's
		ORDER BY g.fn, g.role
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO %I', f, r);
	END LOOP;

	-- the event chain's checks have the owner's rights (they read every
	-- event, also those row-level security hides from the caller) and tell
	-- only whether the chain holds, which event breaks it, and the head's
	-- hash: every role runs them
	FOR f IN
		SELECT p.oid::pg_catalog.regprocedure FROM pg_catalog.pg_proc p
		WHERE p.pronamespace = 'ismap'::pg_catalog.regnamespace
		  AND p.proname = ANY (ARRAY['verify_event_chain', 'event_chain_full_check', 'event_chain_head'])
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs', f);
	END LOOP;
	-- what reads tables a role may not read is not granted to it (the
	-- function would only refuse it inside): the change status reads the
	-- applications, the classification the agencies' systems
	REVOKE EXECUTE ON FUNCTION ismap.change_status(pg_catalog.date) FROM ismap_reader, ismap_jobs;
	REVOKE EXECUTE ON FUNCTION ismap.classification_findings(pg_catalog.int8), ismap.classification_findings_all(pg_catalog.int8),
		ismap.classify_system(pg_catalog.int8), ismap.eligible_services(pg_catalog.int8, pg_catalog.date),
		ismap.required_level(pg_catalog.int8) FROM ismap_auditor, ismap_csp, ismap_jobs;

	-- the policies' helpers run in the querying role's name: only the roles
	-- whose policies call them get them
	GRANT EXECUTE ON FUNCTION ismap.principal_audit_body(pg_catalog.name), ismap.principal_csp(pg_catalog.name),
		ismap.audit_party(pg_catalog.int8), ismap.service_csp(pg_catalog.int8) TO ismap_auditor, ismap_csp;

	-- row-level policies (re-created, so a second run changes nothing)
	PERFORM ismap_internal.create_policies();
	RETURN made;
END
$$;
COMMENT ON FUNCTION ismap.create_roles() IS 'superuser: create the five ismap roles if missing, grant them least privilege and create the row-level policies; idempotent; returns the roles it created';
CREATE OR REPLACE FUNCTION ismap_internal.audit_write_state(p_audit_id pg_catalog.int8, p_side pg_catalog.text)
RETURNS pg_catalog.text
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	actor pg_catalog.name := ismap_internal.event_actor();
	mine pg_catalog.bool;
	is_open pg_catalog.bool;
BEGIN
	SELECT CASE p_side WHEN 'csp' THEN o.csp_id = ismap.principal_csp(actor)
					   ELSE o.audit_body_id = ismap.principal_audit_body(actor) END,
		   o.open
	INTO mine, is_open
	FROM ismap.audit_party(p_audit_id) o;
	IF mine IS NOT TRUE THEN
		RETURN 'not_yours';
	ELSIF is_open THEN
		RETURN 'open';
	ELSIF EXISTS (SELECT 1 FROM ismap.audit a WHERE a.audit_id = p_audit_id AND a.decided_on IS NOT NULL) THEN
		RETURN 'decided';
	END IF;
	RETURN 'closed';
END
$$;
COMMENT ON FUNCTION ismap_internal.audit_write_state(pg_catalog.int8, pg_catalog.text) IS 'whether the person who acted may write the statement (csp) or the results and tests (audit_body) of an audit: open, decided, closed (an application on it withdrawn) or not_yours';
CREATE OR REPLACE FUNCTION ismap.delete_statement_item(p_audit_id pg_catalog.int8, p_control_id ismap.ctrlid)
RETURNS ismap.statement_item
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	res ismap.statement_item;
	state pg_catalog.text;
BEGIN
	IF p_audit_id IS NULL OR p_control_id IS NULL THEN
		RAISE EXCEPTION 'audit_id and control_id must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	state := ismap_internal.audit_write_state(p_audit_id, 'csp');
	IF state = 'closed' AND EXISTS (SELECT 1 FROM ismap.statement_item s
									WHERE s.audit_id = p_audit_id AND s.control_id OPERATOR(ismap.=) p_control_id) THEN
		RAISE EXCEPTION 'audit % is closed: its statement is no longer written', p_audit_id
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = 'An application resting on the audit was withdrawn.',
				  HINT = 'A new application needs a new audit.';
	END IF;
	IF state IN ('open', 'decided') THEN
		-- the freeze trigger refuses (55000) when the audit is decided
		DELETE FROM ismap.statement_item s
		WHERE s.audit_id = p_audit_id AND s.control_id OPERATOR(ismap.=) p_control_id
		RETURNING s.* INTO res;
	END IF;
	IF res.audit_id IS NULL THEN
		RAISE EXCEPTION 'statement item "%" of audit % does not exist or is another party''s', p_control_id, p_audit_id
			USING ERRCODE = 'insufficient_privilege';
	END IF;
	RETURN res;
END
$$;
COMMENT ON FUNCTION ismap.delete_statement_item(pg_catalog.int8, ismap.ctrlid) IS 'provider: delete an item of its statement while the audit is open; returns the deleted row (42501 for a missing or another party''s item, 55000 when the audit is closed or decided)';
CREATE OR REPLACE FUNCTION ismap.delete_audit_result(p_audit_id pg_catalog.int8, p_control_id ismap.ctrlid)
RETURNS ismap.audit_result
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	res ismap.audit_result;
	state pg_catalog.text;
BEGIN
	IF p_audit_id IS NULL OR p_control_id IS NULL THEN
		RAISE EXCEPTION 'audit_id and control_id must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	state := ismap_internal.audit_write_state(p_audit_id, 'audit_body');
	IF state = 'closed' AND EXISTS (SELECT 1 FROM ismap.audit_result r
									WHERE r.audit_id = p_audit_id AND r.control_id OPERATOR(ismap.=) p_control_id) THEN
		RAISE EXCEPTION 'audit % is closed: its results and control tests are no longer written', p_audit_id
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = 'An application resting on the audit was withdrawn.',
				  HINT = 'A new application needs a new audit.';
	END IF;
	IF state IN ('open', 'decided') THEN
		DELETE FROM ismap.audit_result r
		WHERE r.audit_id = p_audit_id AND r.control_id OPERATOR(ismap.=) p_control_id
		RETURNING r.* INTO res;
	END IF;
	IF res.audit_id IS NULL THEN
		RAISE EXCEPTION 'result "%" of audit % does not exist or is another party''s', p_control_id, p_audit_id
			USING ERRCODE = 'insufficient_privilege';
	END IF;
	RETURN res;
END
$$;
COMMENT ON FUNCTION ismap.delete_audit_result(pg_catalog.int8, ismap.ctrlid) IS 'auditor: delete a result of an audit of its body while the audit is open; returns the deleted row (42501 for a missing or another party''s result, 55000 when the audit is closed or decided)';
CREATE OR REPLACE FUNCTION ismap.delete_control_test(p_audit_id pg_catalog.int8, p_control_id ismap.ctrlid)
RETURNS ismap.control_test
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	res ismap.control_test;
	state pg_catalog.text;
BEGIN
	IF p_audit_id IS NULL OR p_control_id IS NULL THEN
		RAISE EXCEPTION 'audit_id and control_id must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	state := ismap_internal.audit_write_state(p_audit_id, 'audit_body');
	IF state = 'closed' AND EXISTS (SELECT 1 FROM ismap.control_test t
									WHERE t.audit_id = p_audit_id AND t.control_id OPERATOR(ismap.=) p_control_id) THEN
		RAISE EXCEPTION 'audit % is closed: its results and control tests are no longer written', p_audit_id
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = 'An application resting on the audit was withdrawn.',
				  HINT = 'A new application needs a new audit.';
	END IF;
	IF state IN ('open', 'decided') THEN
		DELETE FROM ismap.control_test t
		WHERE t.audit_id = p_audit_id AND t.control_id OPERATOR(ismap.=) p_control_id
		RETURNING t.* INTO res;
	END IF;
	IF res.audit_id IS NULL THEN
		RAISE EXCEPTION 'control test "%" of audit % does not exist or is another party''s', p_control_id, p_audit_id
			USING ERRCODE = 'insufficient_privilege';
	END IF;
	RETURN res;
END
$$;
COMMENT ON FUNCTION ismap.delete_control_test(pg_catalog.int8, ismap.ctrlid) IS 'auditor: delete a control test of an audit of its body while the audit is open; returns the deleted row (42501 for a missing or another party''s test, 55000 when the audit is closed or decided)';
CREATE OR REPLACE FUNCTION ismap.delete_service_dependency(p_service_id pg_catalog.int8, p_base_service_id pg_catalog.int8)
RETURNS ismap.service_dependency
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	res ismap.service_dependency;
BEGIN
	IF p_service_id IS NULL OR p_base_service_id IS NULL THEN
		RAISE EXCEPTION 'service_id and base_service_id must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF ismap.service_csp(p_service_id) OPERATOR(pg_catalog.=) ismap.principal_csp(ismap_internal.event_actor()) THEN
		DELETE FROM ismap.service_dependency d
		WHERE d.service_id = p_service_id AND d.base_service_id = p_base_service_id
		RETURNING d.* INTO res;
	END IF;
	IF res.service_id IS NULL THEN
		RAISE EXCEPTION 'dependency of service % on service % does not exist or is another party''s', p_service_id, p_base_service_id
			USING ERRCODE = 'insufficient_privilege';
	END IF;
	RETURN res;
END
$$;
COMMENT ON FUNCTION ismap.delete_service_dependency(pg_catalog.int8, pg_catalog.int8) IS 'provider: remove a platform dependency of its own service; returns the deleted row (42501 for a missing or another party''s dependency, 55000 while a registration in force rests on it)';

-- ==== create_roles as both passes left it ====
CREATE OR REPLACE FUNCTION ismap.create_roles() RETURNS pg_catalog.text[]
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	made pg_catalog.text[] := '{}';
	r pg_catalog.text;
	f pg_catalog.regprocedure;
	owner pg_catalog.name;
BEGIN
	IF NOT (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = CURRENT_USER) THEN
		RAISE EXCEPTION 'ismap.create_roles() must be run by a superuser' USING ERRCODE = 'insufficient_privilege';
	END IF;
	FOREACH r IN ARRAY ARRAY['ismap_reader', 'ismap_registrar', 'ismap_auditor', 'ismap_csp', 'ismap_jobs'] LOOP
		IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r) THEN
			EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN', r);
			made := made || r;
		END IF;
		EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA ismap TO %I', r);
	END LOOP;
	SELECT pg_catalog.pg_get_userbyid(n.nspowner) INTO owner FROM pg_catalog.pg_namespace n WHERE n.nspname = 'ismap';

	-- everyone: the catalogs, the published registry and its reports, the policy
	GRANT SELECT ON ismap.framework, ismap.control, ismap.baseline, ismap.baseline_control,
		ismap.control_mapping, ismap.control_reference, ismap.control_group, ismap.control_param, ismap.policy,
		ismap.service_change, ismap.sla_template,
		ismap.sampling_table, ismap.registry, ismap.registry_listing, ismap.registration, ismap.registry_event, ismap.event_chain_seal,
		ismap.audit_body, ismap.audit_body_selection, ismap.csp, ismap.service, ismap.service_dependency,
		ismap.job
		TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs;
	-- the registrar: every table to read; edits the catalogs, the policy,
	-- the parties and the classification; decides through the functions.
	-- Its table-level UPDATE and DELETE let it LOCK these tables in any
	-- mode: it is staff and trusted, as their only editor (docs/security.md,
	-- A2-09); no party holds such a privilege on any table
	GRANT SELECT ON ALL TABLES IN SCHEMA ismap TO ismap_registrar;
	GRANT INSERT, UPDATE, DELETE ON ismap.framework, ismap.control, ismap.baseline, ismap.baseline_control,
		ismap.control_mapping, ismap.control_reference, ismap.control_group, ismap.control_param,
		ismap.sla_template, ismap.sampling_table,
		ismap.audit_body, ismap.auditor, ismap.auditor_qualification, ismap.audit_body_selection,
		ismap.csp, ismap.organization, ismap.information_asset, ismap.information_system, ismap.system_asset
		TO ismap_registrar;
	GRANT INSERT, UPDATE ON ismap.policy TO ismap_registrar;
	GRANT SELECT ON ismap.organization, ismap.information_asset, ismap.information_system,
		ismap.system_asset TO ismap_reader;
	-- an auditor: its own body's people and audits; statements, results
	-- and control tests of its own audits while they are open
	GRANT SELECT ON ismap.auditor, ismap.auditor_qualification, ismap.audit, ismap.application,
		ismap.statement_item, ismap.audit_result, ismap.control_test, ismap.control_test_evaluation TO ismap_auditor;
	-- A table-level UPDATE or DELETE would let a party LOCK the whole table
	-- in any mode and stall every other party (A2-09): the parties get
	-- column-level UPDATE, and delete through ismap.delete_* (0.2.0 granted
	-- the whole tables: taken back first, which takes the columns' too)
	REVOKE UPDATE, DELETE ON ismap.audit_result, ismap.control_test FROM ismap_auditor;
	REVOKE UPDATE, DELETE ON ismap.statement_item FROM ismap_csp;
	REVOKE DELETE ON ismap.service_dependency FROM ismap_csp;
	GRANT INSERT ON ismap.audit_result, ismap.control_test TO ismap_auditor;
	GRANT UPDATE (audit_id, control_id, result, rationale) ON ismap.audit_result TO ismap_auditor;
	GRANT UPDATE (audit_id, control_id, frequency, population, sample_size, deviations, seed)
		ON ismap.control_test TO ismap_auditor;
	-- every column of an audit but its decision date, which only the
	-- decisions write (0.2.0 granted the whole table: taken back first)
	REVOKE INSERT, UPDATE ON ismap.audit FROM ismap_auditor;
	GRANT INSERT (audit_id, service_id, audit_body_id, lead_auditor_id, kind, target_level, framework_id,
				  period_start, period_end, report_date, scope),
		  UPDATE (service_id, audit_body_id, lead_auditor_id, kind, target_level, framework_id,
				  period_start, period_end, report_date, scope) ON ismap.audit TO ismap_auditor;
	-- a provider: its own services, platforms, statements and applications
	-- a registered service's scope and models change only through a reported
	-- change and a new audit, and only an audit decides that a platform was
	-- assessed: the provider holds no privilege on those columns
	GRANT INSERT ON ismap.service TO ismap_csp;
	GRANT UPDATE (name, responsibility) ON ismap.service TO ismap_csp;
	GRANT INSERT (service_id, base_service_id) ON ismap.service_dependency TO ismap_csp;
	GRANT INSERT ON ismap.statement_item TO ismap_csp;
	GRANT UPDATE (audit_id, framework_id, control_id, selected, exclusion_reason) ON ismap.statement_item TO ismap_csp;
	GRANT UPDATE (self_assessed_audit_id) ON ismap.service_dependency TO ismap_auditor, ismap_registrar;
	GRANT SELECT, INSERT ON ismap.application TO ismap_csp;
	GRANT UPDATE (status, decided_on, decision_reason) ON ismap.application TO ismap_csp;
	GRANT SELECT ON ismap.audit, ismap.statement_item, ismap.audit_result, ismap.control_test,
		ismap.control_test_evaluation TO ismap_csp;
	GRANT UPDATE (name, address) ON ismap.csp TO ismap_csp;
	-- a provider reports its own services' changes and feeds their evidence
	-- (what was reported: not its coverage, nor the reporting date)
	GRANT SELECT ON ismap.service_change, ismap.evidence TO ismap_csp;
	REVOKE INSERT ON ismap.service_change FROM ismap_csp;
	GRANT INSERT (service_id, kind, effective_on, description, reported_by) ON ismap.service_change TO ismap_csp;
	GRANT INSERT ON ismap.evidence TO ismap_csp;
	GRANT INSERT ON ismap.service_change TO ismap_registrar;
	GRANT USAGE ON ALL SEQUENCES IN SCHEMA ismap TO ismap_registrar, ismap_auditor, ismap_csp;
	-- but not the numbers of what only the extension's functions write:
	-- nextval would burn event and registration ids, leaving gaps that
	-- look like deleted rows
	REVOKE USAGE ON SEQUENCE ismap.registry_event_event_id_seq, ismap.registration_registration_id_seq,
		ismap.job_run_run_id_seq, ismap.notice_notice_id_seq FROM ismap_registrar, ismap_auditor, ismap_csp;
	-- jobs: read what the batch functions read
	-- (the batch functions have the owner's rights; the role itself reads
	-- only its runs and notices, besides what everyone reads)
	GRANT SELECT ON ismap.job_run, ismap.notice, ismap.job_health TO ismap_jobs;

	-- functions: everything that only reads, to every role; what writes,
	-- to the one role that needs it
	FOR f IN
		SELECT p.oid::pg_catalog.regprocedure FROM pg_catalog.pg_proc p
		JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.objid = p.oid AND d.deptype = 'e'
		JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'ismap'
		WHERE p.pronamespace = 'ismap'::pg_catalog.regnamespace
		  AND p.provolatile IN ('i', 's') AND p.prorettype <> 'pg_catalog.trigger'::pg_catalog.regtype
		  AND NOT p.prosecdef
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs', f);
	END LOOP;
	FOR f, r IN
		SELECT p.oid::pg_catalog.regprocedure, g.role FROM pg_catalog.pg_proc p
		JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace AND n.nspname = 'ismap'
		JOIN (VALUES ('register', 'ismap_registrar'), ('approve_application', 'ismap_registrar'),
					 ('reject_application', 'ismap_registrar'), ('delist', 'ismap_registrar'),
					 ('principal', 'ismap_registrar'), ('import_control_standard_csv', 'ismap_registrar'),
					 ('import_nist_iso27001_mapping', 'ismap_registrar'), ('import_oscal_catalog', 'ismap_registrar'),
					 ('import_oscal_profile', 'ismap_registrar'),
					 ('delete_statement_item', 'ismap_csp'), ('delete_service_dependency', 'ismap_csp'),
					 ('delete_audit_result', 'ismap_auditor'), ('delete_control_test', 'ismap_auditor'),
					 ('run_renewals', 'ismap_jobs'), ('expire_audit_body_selections', 'ismap_jobs'),
					 ('cascade_delistings', 'ismap_jobs'), ('run_changes', 'ismap_jobs'),
					 ('job_start', 'ismap_jobs'), ('job_finish', 'ismap_jobs'), ('job_mark_stale', 'ismap_jobs'),
					 ('prune_job_runs', 'ismap_jobs'), ('run_job', 'ismap_jobs'), ('seal_event_chain', 'ismap_jobs'),
					 ('ensure_evidence_partitions', 'ismap_jobs'), ('ensure_evidence_partitions', 'ismap_registrar'),
					 -- owner's rights, for the applications the caller may see
					 ('validate_application', 'ismap_registrar'), ('validate_application', 'ismap_auditor'),
					 ('validate_application', 'ismap_csp'), ('validate_application', 'ismap_jobs')) g(fn, role)
		  ON g.fn = p.proname
		-- in a fixed order: a function's ACL lists its grantees in the
		-- order granted, and an upgrade must end with a fresh install's
		ORDER BY g.fn, g.role
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO %I', f, r);
	END LOOP;

	-- the event chain's checks have the owner's rights (they read every
	-- event, also those row-level security hides from the caller) and tell
	-- only whether the chain holds, which event breaks it, and the head's
	-- hash: every role runs them
	FOR f IN
		SELECT p.oid::pg_catalog.regprocedure FROM pg_catalog.pg_proc p
		WHERE p.pronamespace = 'ismap'::pg_catalog.regnamespace
		  AND p.proname = ANY (ARRAY['verify_event_chain', 'event_chain_full_check', 'event_chain_head'])
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs', f);
	END LOOP;
	-- what reads tables a role may not read is not granted to it (the
	-- function would only refuse it inside): the change status reads the
	-- applications, the classification the agencies' systems
	REVOKE EXECUTE ON FUNCTION ismap.change_status(pg_catalog.date) FROM ismap_reader, ismap_jobs;
	REVOKE EXECUTE ON FUNCTION ismap.classification_findings(pg_catalog.int8), ismap.classification_findings_all(pg_catalog.int8),
		ismap.classify_system(pg_catalog.int8), ismap.eligible_services(pg_catalog.int8, pg_catalog.date),
		ismap.required_level(pg_catalog.int8) FROM ismap_auditor, ismap_csp, ismap_jobs;
	-- a control test's items read the test (its provider, its auditor, the
	-- registrar); a control's health the evidence (its provider, the
	-- registrar, the jobs)
	REVOKE EXECUTE ON FUNCTION ismap.control_test_items(pg_catalog.int8, ismap.ctrlid) FROM ismap_reader, ismap_jobs;
	REVOKE EXECUTE ON FUNCTION ismap.control_health(pg_catalog.int8, pg_catalog.date, pg_catalog.interval) FROM ismap_reader, ismap_auditor;

	-- the policies' helpers run in the querying role's name: only the roles
	-- whose policies call them get them
	GRANT EXECUTE ON FUNCTION ismap.principal_audit_body(pg_catalog.name), ismap.principal_csp(pg_catalog.name),
		ismap.audit_party(pg_catalog.int8), ismap.service_csp(pg_catalog.int8) TO ismap_auditor, ismap_csp;

	-- row-level policies (re-created, so a second run changes nothing)
	PERFORM ismap_internal.create_policies();
	RETURN made;
END
$$;
COMMENT ON FUNCTION ismap.create_roles() IS 'superuser: create the five ismap roles if missing, grant them least privilege and create the row-level policies; idempotent; returns the roles it created';

-- ==== The jobs' locks are rows of ismap_internal.serial_lock (A2-08) ====
CREATE OR REPLACE FUNCTION ismap_internal.job_lock_row() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	INSERT INTO ismap_internal.serial_lock (lock_name)
	VALUES ('job:' OPERATOR(pg_catalog.||) NEW.job_name)
	ON CONFLICT (lock_name) DO NOTHING;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION ismap_internal.job_lock_row() IS 'trigger: makes the lock row job:<job_name> of ismap_internal.serial_lock for a job added to (or renamed in) ismap.job';
CREATE OR REPLACE FUNCTION ismap_internal.job_lock_holder(p_job pg_catalog.text) RETURNS pg_catalog.int4
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	RETURN (SELECT k.pid FROM ismap_internal.serial_lock l
			JOIN pg_catalog.pg_locks k ON k.locktype OPERATOR(pg_catalog.=) 'transactionid'
				AND k.transactionid OPERATOR(pg_catalog.=) l.xmax
				AND k.mode OPERATOR(pg_catalog.=) 'ExclusiveLock' AND k.granted
			WHERE l.lock_name OPERATOR(pg_catalog.=) ('job:' OPERATOR(pg_catalog.||) p_job)
			LIMIT 1);
END
$$;
COMMENT ON FUNCTION ismap_internal.job_lock_holder(pg_catalog.text) IS 'process ID of the session whose transaction holds a job''s lock (the row job:<job> of serial_lock), found from the row''s xmax in pg_locks; NULL when none holds it or when it was taken in a released savepoint';
CREATE OR REPLACE FUNCTION ismap_internal.job_try_lock(p_job pg_catalog.text) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	lname pg_catalog.text := 'job:' OPERATOR(pg_catalog.||) p_job;
BEGIN
	IF p_job IS NULL OR NOT EXISTS (SELECT 1 FROM ismap.job j WHERE j.job_name OPERATOR(pg_catalog.=) p_job) THEN
		RAISE EXCEPTION 'unknown job "%"', p_job
			USING ERRCODE = 'invalid_parameter_value', HINT = 'The jobs are the rows of ismap.job.';
	END IF;
	-- the trigger job_lock_row makes it with the job's row; one missing
	-- (a job row inserted with the trigger disabled) is made here, so the
	-- first run of such a job waits for another first run to end instead
	-- of failing at once
	IF NOT EXISTS (SELECT 1 FROM ismap_internal.serial_lock l WHERE l.lock_name OPERATOR(pg_catalog.=) lname) THEN
		INSERT INTO ismap_internal.serial_lock (lock_name) VALUES (lname) ON CONFLICT (lock_name) DO NOTHING;
	END IF;
	-- SKIP LOCKED, not NOWAIT: no error to catch, so no subtransaction
	PERFORM 1 FROM ismap_internal.serial_lock l WHERE l.lock_name OPERATOR(pg_catalog.=) lname FOR UPDATE SKIP LOCKED;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'job "%" is already running', p_job
			USING ERRCODE = 'lock_not_available',
				  DETAIL = pg_catalog.format('Its lock (the row %s of ismap_internal.serial_lock) is held by the session with process ID %s.',
											 lname, COALESCE(ismap_internal.job_lock_holder(p_job)::pg_catalog.text, 'unknown')),
				  HINT = 'Wait for that run to end; a rerun with the same date does nothing twice.';
	END IF;
END
$$;
COMMENT ON FUNCTION ismap_internal.job_try_lock(pg_catalog.text) IS 'take a job''s lock (the row job:<job> of ismap_internal.serial_lock, FOR UPDATE) to the end of the transaction; 55P03 naming the holder''s process ID when another run holds it, 22023 for an unknown job';
CREATE OR REPLACE FUNCTION ismap.job_start(p_job pg_catalog.text, p_as_of pg_catalog.date) RETURNS pg_catalog.int8
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	id pg_catalog.int8;
BEGIN
	IF p_job IS NULL OR NOT EXISTS (SELECT 1 FROM ismap.job j WHERE j.job_name OPERATOR(pg_catalog.=) p_job) THEN
		RAISE EXCEPTION 'unknown job "%"', p_job
			USING ERRCODE = 'invalid_parameter_value', HINT = 'The jobs are the rows of ismap.job.';
	END IF;
	IF p_as_of IS NULL THEN
		RAISE EXCEPTION 'the job date must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	-- the run_job that adopts the row would refuse it: no running row with
	-- a date no run can have
	IF NOT pg_catalog.isfinite(p_as_of) THEN
		RAISE EXCEPTION 'as_of must be a finite date, not "%"', p_as_of USING ERRCODE = 'invalid_parameter_value';
	END IF;
	PERFORM ismap.job_mark_stale(p_job);
	-- run_by: the one who runs it (the role set with SET ROLE, else the
	-- login role), not the owner whose rights this function has
	INSERT INTO ismap.job_run (job, as_of, backend_start, application_name, run_by)
	SELECT p_job, p_as_of, a.backend_start, NULLIF(pg_catalog.current_setting('application_name'), ''),
		   CASE WHEN pg_catalog.current_setting('role') IN ('none', '') THEN SESSION_USER
				ELSE pg_catalog.current_setting('role')::pg_catalog.name END
	FROM (SELECT pg_catalog.max(s.backend_start) AS backend_start FROM pg_catalog.pg_stat_activity s
		  WHERE s.pid OPERATOR(pg_catalog.=) pg_catalog.pg_backend_pid()) a
	RETURNING run_id INTO id;
	RETURN id;
END
$$;
COMMENT ON FUNCTION ismap.job_start(pg_catalog.text, pg_catalog.date) IS 'record the start of a job run (status running) and return its run_id; marks stale runs of the job failed';
CREATE OR REPLACE FUNCTION ismap.run_job(job_name pg_catalog.text, as_of pg_catalog.date DEFAULT CURRENT_DATE,
	dry_run pg_catalog.bool DEFAULT false, run_id pg_catalog.int8 DEFAULT NULL,
	allow_future pg_catalog.bool DEFAULT false)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
-- the job's rows are held twice (counted, then returned): in memory, like
-- the jobs' own sorts, and without JIT (see the jobs' functions)
SET work_mem = '64MB'
SET jit = off
AS $$
DECLARE
	jname pg_catalog.text := run_job.job_name;
	d pg_catalog.date := run_job.as_of;
	dry pg_catalog.bool := run_job.dry_run;
	run pg_catalog.int8 := run_job.run_id;
	fn pg_catalog.regprocedure;
	call pg_catalog.text;
	ahead pg_catalog.interval;
	n pg_catalog.int8;
BEGIN
	IF jname IS NULL THEN
		RAISE EXCEPTION 'job_name must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF d IS NULL OR dry IS NULL THEN
		RAISE EXCEPTION 'as_of and dry_run must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF NOT pg_catalog.isfinite(d) THEN
		RAISE EXCEPTION 'as_of must be a finite date, not "%"', d USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF dry AND run IS NOT NULL THEN
		RAISE EXCEPTION 'a dry run records no run: run_id must be null' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	-- a mistyped date far ahead would expire every registration and
	-- selection at once: a date past the policy's max_as_of_ahead needs
	-- intent (allow_future, ismap-jobs --allow-future-date)
	IF NOT COALESCE(run_job.allow_future, false) THEN
		BEGIN
			ahead := (ismap.policy_value('max_as_of_ahead') OPERATOR(pg_catalog.#>>) '{}')::pg_catalog.interval;
		EXCEPTION WHEN invalid_text_representation OR invalid_datetime_format OR datetime_field_overflow THEN
			RAISE EXCEPTION 'policy parameter "max_as_of_ahead" must be an interval, not %',
				(SELECT p.value FROM ismap.policy p WHERE p.name OPERATOR(pg_catalog.=) 'max_as_of_ahead')
				USING ERRCODE = 'invalid_parameter_value', HINT = 'For example "7 days".';
		END;
		IF d OPERATOR(pg_catalog.>) (CURRENT_DATE OPERATOR(pg_catalog.+) ahead) THEN
			RAISE EXCEPTION 'as_of % is more than % after today (%)', pg_catalog.to_char(d, 'YYYY-MM-DD'),
				ismap.policy_value('max_as_of_ahead') OPERATOR(pg_catalog.#>>) '{}', pg_catalog.to_char(CURRENT_DATE, 'YYYY-MM-DD')
				USING ERRCODE = 'invalid_parameter_value',
					  DETAIL = 'A run as of a date that far ahead would end every registration and selection valid until then.',
					  HINT = 'Check the date; to run ahead on purpose, pass allow_future => true (ismap-jobs --allow-future-date).';
		END IF;
	END IF;
	-- 22023 for an unknown job, 55P03 when another run holds the lock
	PERFORM ismap_internal.job_try_lock(jname);
	SELECT j.function INTO STRICT fn FROM ismap.job j WHERE j.job_name OPERATOR(pg_catalog.=) jname;
	SELECT pg_catalog.format('%I.%I', n.nspname, p.proname) INTO call
	FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) p.pronamespace
	WHERE p.oid OPERATOR(pg_catalog.=) fn::pg_catalog.oid
	  AND p.pronargs OPERATOR(pg_catalog.=) 3
	  AND p.proargtypes[0] OPERATOR(pg_catalog.=) 'pg_catalog.date'::pg_catalog.regtype
	  AND p.proargtypes[1] OPERATOR(pg_catalog.=) 'pg_catalog.bool'::pg_catalog.regtype
	  AND p.proargtypes[2] OPERATOR(pg_catalog.=) 'pg_catalog.int8'::pg_catalog.regtype
	  AND p.proretset
	  -- it runs with the owner's rights: only a function the owner of
	  -- ismap.job owns (no one else may redefine it)
	  AND p.proowner OPERATOR(pg_catalog.=) (SELECT c.relowner FROM pg_catalog.pg_class c
											 WHERE c.oid OPERATOR(pg_catalog.=) 'ismap.job'::pg_catalog.regclass);
	IF call IS NULL THEN
		RAISE EXCEPTION 'the function % of job "%" does not exist or is not a job function', fn, jname
			USING ERRCODE = 'undefined_function',
				  HINT = 'A job function takes (as_of date, dry_run boolean, run_id bigint), returns a set of (action text, object_id bigint, detail text) and is owned by the owner of ismap.job.';
	END IF;
	IF NOT dry THEN
		PERFORM ismap.job_mark_stale(jname);
		IF run IS NULL THEN
			run := ismap.job_start(jname, d);
		ELSE
			UPDATE ismap.job_run r SET as_of = d
			WHERE r.run_id OPERATOR(pg_catalog.=) run AND r.job OPERATOR(pg_catalog.=) jname
			  AND r.status OPERATOR(pg_catalog.=) 'running' AND r.backend_pid OPERATOR(pg_catalog.=) pg_catalog.pg_backend_pid();
			IF NOT FOUND THEN
				RAISE EXCEPTION 'job run % is not a running run of job "%" started by this session', run, jname
					USING ERRCODE = 'object_not_in_prerequisite_state',
						  HINT = 'Pass the run_id that ismap.job_start returned in this session, or none.';
			END IF;
		END IF;
	END IF;
	-- one statement: the job's rows, read once, are returned and counted,
	-- and the run is marked succeeded with the counts (a data-modifying
	-- WITH runs to completion whatever the main query reads)
	RETURN QUERY EXECUTE pg_catalog.format(
		'WITH r AS MATERIALIZED (
			SELECT f.action::pg_catalog.text AS action, f.object_id::pg_catalog.int8 AS object_id,
				   f.detail::pg_catalog.text AS detail FROM %s($1, $2, $3) f),
		 c AS (
			SELECT COALESCE(pg_catalog.jsonb_object_agg(COALESCE(x.action, ''''), x.n), ''{}'') AS counts
			FROM (SELECT r.action, pg_catalog.count(*) AS n FROM r GROUP BY r.action) x),
		 u AS (
			UPDATE ismap.job_run j SET status = ''succeeded'', finished_at = pg_catalog.clock_timestamp(), actions = c.counts
			FROM c WHERE j.run_id OPERATOR(pg_catalog.=) $3
			RETURNING j.run_id)
		 SELECT r.action, r.object_id, r.detail FROM r', call)
		USING d, dry, run;
	GET DIAGNOSTICS n = ROW_COUNT;
	RAISE DEBUG 'run %: %', COALESCE(run::pg_catalog.text, '(dry run)'),
		COALESCE((SELECT j.actions::pg_catalog.text FROM ismap.job_run j WHERE j.run_id OPERATOR(pg_catalog.=) run),
				 n OPERATOR(pg_catalog.||) ' actions');
END
$$;
COMMENT ON FUNCTION ismap.run_job(pg_catalog.text, pg_catalog.date, pg_catalog.bool, pg_catalog.int8, pg_catalog.bool) IS 'run a batch job of ismap.job: check the arguments (an as_of more than the policy max_as_of_ahead after today needs allow_future), take its lock (55P03 when another run holds it), record the run in job_run (or adopt the running run_id the caller started with job_start), call its function and mark the run succeeded with the count of each action; a dry run changes and records nothing';
REVOKE EXECUTE ON FUNCTION ismap.job_start(pg_catalog.text, pg_catalog.date) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION ismap.run_job(pg_catalog.text, pg_catalog.date, pg_catalog.bool, pg_catalog.int8, pg_catalog.bool) FROM PUBLIC;

-- each job's lock row, for the jobs there are (a site's too) and, by the
-- trigger, for those added later; nothing locks on lock_key any more
CREATE TRIGGER job_lock_row AFTER INSERT OR UPDATE OF job_name ON ismap.job
	FOR EACH ROW EXECUTE FUNCTION ismap_internal.job_lock_row();
ALTER TABLE ismap.job ENABLE ALWAYS TRIGGER job_lock_row;
INSERT INTO ismap_internal.serial_lock (lock_name)
SELECT 'job:' OPERATOR(pg_catalog.||) j.job_name FROM ismap.job j
ON CONFLICT (lock_name) DO NOTHING;
DROP FUNCTION ismap_internal.job_lock_key(pg_catalog.text);
COMMENT ON TABLE ismap.job IS 'one row per batch job (renewals, auditor-expiry, cascade, changes, chain as shipped): the function ismap.run_job calls, a unique number, and the order in which ismap-jobs all runs them';
COMMENT ON COLUMN ismap.job.lock_key IS 'a unique number of the job (before 0.3.0 the second key of its advisory lock); nothing locks on it: a run locks the row job:<job_name> of ismap_internal.serial_lock';
COMMENT ON TABLE ismap_internal.serial_lock IS 'one row per lock that serializes writers (event chain, evidence partitions, job:<name> for each batch job), locked FOR UPDATE by the owner''s functions; replaces advisory locks any role could take';

-- ==== create_roles as the jobs' row locks left it ====
CREATE OR REPLACE FUNCTION ismap.create_roles() RETURNS pg_catalog.text[]
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	made pg_catalog.text[] := '{}';
	r pg_catalog.text;
	f pg_catalog.regprocedure;
	owner pg_catalog.name;
BEGIN
	IF NOT (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = CURRENT_USER) THEN
		RAISE EXCEPTION 'ismap.create_roles() must be run by a superuser' USING ERRCODE = 'insufficient_privilege';
	END IF;
	FOREACH r IN ARRAY ARRAY['ismap_reader', 'ismap_registrar', 'ismap_auditor', 'ismap_csp', 'ismap_jobs'] LOOP
		IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r) THEN
			EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN', r);
			made := made || r;
		END IF;
		EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA ismap TO %I', r);
	END LOOP;
	SELECT pg_catalog.pg_get_userbyid(n.nspowner) INTO owner FROM pg_catalog.pg_namespace n WHERE n.nspname = 'ismap';

	-- everyone: the catalogs, the published registry and its reports, the policy
	GRANT SELECT ON ismap.framework, ismap.control, ismap.baseline, ismap.baseline_control,
		ismap.control_mapping, ismap.control_reference, ismap.control_group, ismap.control_param, ismap.policy,
		ismap.service_change, ismap.sla_template,
		ismap.sampling_table, ismap.registry, ismap.registry_listing, ismap.registration, ismap.registry_event, ismap.event_chain_seal,
		ismap.audit_body, ismap.audit_body_selection, ismap.csp, ismap.service, ismap.service_dependency,
		ismap.job
		TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs;
	-- the registrar: every table to read; edits the catalogs, the policy,
	-- the parties and the classification; decides through the functions.
	-- Its table-level UPDATE and DELETE let it LOCK these tables in any
	-- mode: it is staff and trusted, as their only editor (docs/security.md,
	-- A2-09); no party holds such a privilege on any table
	GRANT SELECT ON ALL TABLES IN SCHEMA ismap TO ismap_registrar;
	GRANT INSERT, UPDATE, DELETE ON ismap.framework, ismap.control, ismap.baseline, ismap.baseline_control,
		ismap.control_mapping, ismap.control_reference, ismap.control_group, ismap.control_param,
		ismap.sla_template, ismap.sampling_table,
		ismap.audit_body, ismap.auditor, ismap.auditor_qualification, ismap.audit_body_selection,
		ismap.csp, ismap.organization, ismap.information_asset, ismap.information_system, ismap.system_asset
		TO ismap_registrar;
	GRANT INSERT, UPDATE ON ismap.policy TO ismap_registrar;
	GRANT SELECT ON ismap.organization, ismap.information_asset, ismap.information_system,
		ismap.system_asset TO ismap_reader;
	-- an auditor: its own body's people and audits; statements, results
	-- and control tests of its own audits while they are open
	GRANT SELECT ON ismap.auditor, ismap.auditor_qualification, ismap.audit, ismap.application,
		ismap.statement_item, ismap.audit_result, ismap.control_test, ismap.control_test_evaluation TO ismap_auditor;
	-- A table-level UPDATE or DELETE would let a party LOCK the whole table
	-- in any mode and stall every other party (A2-09): the parties get
	-- column-level UPDATE, and delete through ismap.delete_* (0.2.0 granted
	-- the whole tables: taken back first, which takes the columns' too)
	REVOKE UPDATE, DELETE ON ismap.audit_result, ismap.control_test FROM ismap_auditor;
	REVOKE UPDATE, DELETE ON ismap.statement_item FROM ismap_csp;
	REVOKE DELETE ON ismap.service_dependency FROM ismap_csp;
	GRANT INSERT ON ismap.audit_result, ismap.control_test TO ismap_auditor;
	GRANT UPDATE (audit_id, control_id, result, rationale) ON ismap.audit_result TO ismap_auditor;
	GRANT UPDATE (audit_id, control_id, frequency, population, sample_size, deviations, seed)
		ON ismap.control_test TO ismap_auditor;
	-- every column of an audit but its decision date, which only the
	-- decisions write (0.2.0 granted the whole table: taken back first)
	REVOKE INSERT, UPDATE ON ismap.audit FROM ismap_auditor;
	GRANT INSERT (audit_id, service_id, audit_body_id, lead_auditor_id, kind, target_level, framework_id,
				  period_start, period_end, report_date, scope),
		  UPDATE (service_id, audit_body_id, lead_auditor_id, kind, target_level, framework_id,
				  period_start, period_end, report_date, scope) ON ismap.audit TO ismap_auditor;
	-- a provider: its own services, platforms, statements and applications
	-- a registered service's scope and models change only through a reported
	-- change and a new audit, and only an audit decides that a platform was
	-- assessed: the provider holds no privilege on those columns
	GRANT INSERT ON ismap.service TO ismap_csp;
	GRANT UPDATE (name, responsibility) ON ismap.service TO ismap_csp;
	GRANT INSERT (service_id, base_service_id) ON ismap.service_dependency TO ismap_csp;
	GRANT INSERT ON ismap.statement_item TO ismap_csp;
	GRANT UPDATE (audit_id, framework_id, control_id, selected, exclusion_reason) ON ismap.statement_item TO ismap_csp;
	GRANT UPDATE (self_assessed_audit_id) ON ismap.service_dependency TO ismap_auditor, ismap_registrar;
	GRANT SELECT, INSERT ON ismap.application TO ismap_csp;
	GRANT UPDATE (status, decided_on, decision_reason) ON ismap.application TO ismap_csp;
	GRANT SELECT ON ismap.audit, ismap.statement_item, ismap.audit_result, ismap.control_test,
		ismap.control_test_evaluation TO ismap_csp;
	GRANT UPDATE (name, address) ON ismap.csp TO ismap_csp;
	-- a provider reports its own services' changes and feeds their evidence
	-- (what was reported: not its coverage, nor the reporting date)
	GRANT SELECT ON ismap.service_change, ismap.evidence TO ismap_csp;
	REVOKE INSERT ON ismap.service_change FROM ismap_csp;
	GRANT INSERT (service_id, kind, effective_on, description, reported_by) ON ismap.service_change TO ismap_csp;
	GRANT INSERT ON ismap.evidence TO ismap_csp;
	GRANT INSERT ON ismap.service_change TO ismap_registrar;
	GRANT USAGE ON ALL SEQUENCES IN SCHEMA ismap TO ismap_registrar, ismap_auditor, ismap_csp;
	-- but not the numbers of what only the extension's functions write:
	-- nextval would burn event and registration ids, leaving gaps that
	-- look like deleted rows
	REVOKE USAGE ON SEQUENCE ismap.registry_event_event_id_seq, ismap.registration_registration_id_seq,
		ismap.job_run_run_id_seq, ismap.notice_notice_id_seq FROM ismap_registrar, ismap_auditor, ismap_csp;
	-- jobs: read what the batch functions read
	-- (the batch functions have the owner's rights; the role itself reads
	-- only its runs and notices, besides what everyone reads)
	GRANT SELECT ON ismap.job_run, ismap.notice, ismap.job_health TO ismap_jobs;

	-- functions: everything that only reads, to every role; what writes,
	-- to the one role that needs it
	FOR f IN
		SELECT p.oid::pg_catalog.regprocedure FROM pg_catalog.pg_proc p
		JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.objid = p.oid AND d.deptype = 'e'
		JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'ismap'
		WHERE p.pronamespace = 'ismap'::pg_catalog.regnamespace
		  AND p.provolatile IN ('i', 's') AND p.prorettype <> 'pg_catalog.trigger'::pg_catalog.regtype
		  AND NOT p.prosecdef
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs', f);
	END LOOP;
	FOR f, r IN
		SELECT p.oid::pg_catalog.regprocedure, g.role FROM pg_catalog.pg_proc p
		JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace AND n.nspname = 'ismap'
		JOIN (VALUES ('register', 'ismap_registrar'), ('approve_application', 'ismap_registrar'),
					 ('reject_application', 'ismap_registrar'), ('delist', 'ismap_registrar'),
					 ('principal', 'ismap_registrar'), ('import_control_standard_csv', 'ismap_registrar'),
					 ('import_nist_iso27001_mapping', 'ismap_registrar'), ('import_oscal_catalog', 'ismap_registrar'),
					 ('import_oscal_profile', 'ismap_registrar'),
					 ('delete_statement_item', 'ismap_csp'), ('delete_service_dependency', 'ismap_csp'),
					 ('delete_audit_result', 'ismap_auditor'), ('delete_control_test', 'ismap_auditor'),
					 ('run_renewals', 'ismap_jobs'), ('expire_audit_body_selections', 'ismap_jobs'),
					 ('cascade_delistings', 'ismap_jobs'), ('run_changes', 'ismap_jobs'),
					 ('job_start', 'ismap_jobs'), ('job_finish', 'ismap_jobs'), ('job_mark_stale', 'ismap_jobs'),
					 ('prune_job_runs', 'ismap_jobs'), ('run_job', 'ismap_jobs'), ('seal_event_chain', 'ismap_jobs'),
					 ('ensure_evidence_partitions', 'ismap_jobs'), ('ensure_evidence_partitions', 'ismap_registrar'),
					 -- owner's rights, for the applications the caller may see
					 ('validate_application', 'ismap_registrar'), ('validate_application', 'ismap_auditor'),
					 ('validate_application', 'ismap_csp'), ('validate_application', 'ismap_jobs')) g(fn, role)
		  ON g.fn = p.proname
		-- in a fixed order: a function's ACL lists its grantees in the
		-- order granted, and an upgrade must end with a fresh install's
		ORDER BY g.fn, g.role
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO %I', f, r);
	END LOOP;

	-- the event chain's checks have the owner's rights (they read every
	-- event, also those row-level security hides from the caller) and tell
	-- only whether the chain holds, which event breaks it, and the head's
	-- hash: every role runs them
	FOR f IN
		SELECT p.oid::pg_catalog.regprocedure FROM pg_catalog.pg_proc p
		WHERE p.pronamespace = 'ismap'::pg_catalog.regnamespace
		  AND p.proname = ANY (ARRAY['verify_event_chain', 'event_chain_full_check', 'event_chain_head'])
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs', f);
	END LOOP;
	-- what reads tables a role may not read is not granted to it (the
	-- function would only refuse it inside): the change status reads the
	-- applications, the classification the agencies' systems
	REVOKE EXECUTE ON FUNCTION ismap.change_status(pg_catalog.date) FROM ismap_reader, ismap_jobs;
	REVOKE EXECUTE ON FUNCTION ismap.classification_findings(pg_catalog.int8), ismap.classification_findings_all(pg_catalog.int8),
		ismap.classify_system(pg_catalog.int8), ismap.eligible_services(pg_catalog.int8, pg_catalog.date),
		ismap.required_level(pg_catalog.int8) FROM ismap_auditor, ismap_csp, ismap_jobs;
	-- a control test's items read the test (its provider, its auditor, the
	-- registrar); a control's health the evidence (its provider, the
	-- registrar, the jobs)
	REVOKE EXECUTE ON FUNCTION ismap.control_test_items(pg_catalog.int8, ismap.ctrlid) FROM ismap_reader, ismap_jobs;
	REVOKE EXECUTE ON FUNCTION ismap.control_health(pg_catalog.int8, pg_catalog.date, pg_catalog.interval) FROM ismap_reader, ismap_auditor;

	-- the policies' helpers run in the querying role's name: only the roles
	-- whose policies call them get them
	GRANT EXECUTE ON FUNCTION ismap.principal_audit_body(pg_catalog.name), ismap.principal_csp(pg_catalog.name),
		ismap.audit_party(pg_catalog.int8), ismap.service_csp(pg_catalog.int8) TO ismap_auditor, ismap_csp;

	-- row-level policies (re-created, so a second run changes nothing)
	PERFORM ismap_internal.create_policies();
	RETURN made;
END
$$;
COMMENT ON FUNCTION ismap.create_roles() IS 'superuser: create the five ismap roles if missing, grant them least privilege and create the row-level policies; idempotent; returns the roles it created';

-- ==== A long transaction appends without looking through the queue it chained ====
CREATE OR REPLACE FUNCTION ismap_internal.xid_is_current(pg_catalog.xid) RETURNS pg_catalog.bool
LANGUAGE C VOLATILE STRICT
AS 'MODULE_PATHNAME', 'ismap_xid_is_current';
COMMENT ON FUNCTION ismap_internal.xid_is_current(pg_catalog.xid) IS 'true when the transaction id is the current transaction''s or one of its live subtransactions''';
CREATE OR REPLACE FUNCTION ismap_internal.append_event(p_kind pg_catalog.text, p_registration_id pg_catalog.int8,
	p_service_id pg_catalog.int8, p_payload pg_catalog.jsonb) RETURNS pg_catalog.int8
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	held pg_catalog.bool;
BEGIN
	-- already held by this transaction: the queue was chained at its first
	-- append (a long transaction would otherwise look through every row it
	-- chained and deleted, at each append); rows others commit meanwhile
	-- are chained by the next transaction's first append or the changes job
	held := ismap_internal.xid_is_current((SELECT l.xmax FROM ismap_internal.serial_lock l
										   WHERE l.lock_name OPERATOR(pg_catalog.=) 'event chain'));
	PERFORM 1 FROM ismap_internal.serial_lock l WHERE l.lock_name OPERATOR(pg_catalog.=) 'event chain' FOR UPDATE;
	IF NOT held THEN
		PERFORM ismap_internal.chain_pending_events();
	END IF;
	RETURN ismap_internal.link_event(pg_catalog.clock_timestamp(), p_kind, p_registration_id, p_service_id,
		p_payload, ismap_internal.event_actor());
END
$$;
COMMENT ON FUNCTION ismap_internal.append_event(pg_catalog.text, pg_catalog.int8, pg_catalog.int8, pg_catalog.jsonb) IS 'append one event to the hash-chained registry log, after the pending events committed so far (used by the registry functions and triggers; takes the chain lock)';
CREATE OR REPLACE FUNCTION ismap_internal.queue_event(p_kind pg_catalog.text, p_registration_id pg_catalog.int8,
	p_service_id pg_catalog.int8, p_payload pg_catalog.jsonb) RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	-- a transaction that holds the chain's lock already (it appended an
	-- event: a decision, a job, a bulk load) writes the event at once; it
	-- takes no lock it did not hold
	IF ismap_internal.xid_is_current((SELECT l.xmax FROM ismap_internal.serial_lock l
									  WHERE l.lock_name OPERATOR(pg_catalog.=) 'event chain')) THEN
		PERFORM ismap_internal.link_event(pg_catalog.clock_timestamp(), p_kind, p_registration_id, p_service_id,
			COALESCE(p_payload, '{}'), ismap_internal.event_actor());
		RETURN;
	END IF;
	INSERT INTO ismap_internal.pending_event (occurred_at, kind, registration_id, service_id, payload, actor)
	VALUES (pg_catalog.clock_timestamp(), p_kind, p_registration_id, p_service_id, COALESCE(p_payload, '{}'),
		ismap_internal.event_actor());
END
$$;
COMMENT ON FUNCTION ismap_internal.queue_event(pg_catalog.text, pg_catalog.int8, pg_catalog.int8, pg_catalog.jsonb) IS 'report an event without the chain lock: a pending row, chained later by the next append or the changes job';

-- ==== Public replica: ismap.create_publication() ====
CREATE OR REPLACE FUNCTION ismap.create_publication()
RETURNS TABLE (table_name pg_catalog.regclass, row_filter pg_catalog.text)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	spec pg_catalog.text;
BEGIN
	IF NOT (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = CURRENT_USER) THEN
		RAISE EXCEPTION 'ismap.create_publication() must be run by a superuser' USING ERRCODE = 'insufficient_privilege';
	END IF;
	CREATE TEMPORARY TABLE ismap_published_tables ON COMMIT DROP AS
	SELECT t.ord, t.rel::pg_catalog.regclass AS rel, t.filter
	FROM (VALUES
		-- the public tables (DESIGN 3.9 / 3.12), in one list
		-- control standards and their mappings
		(1, 'ismap.framework', NULL::pg_catalog.text),
		(2, 'ismap.control', NULL),
		(3, 'ismap.control_group', NULL),
		(4, 'ismap.control_param', NULL),
		(5, 'ismap.control_reference', NULL),
		(6, 'ismap.baseline', NULL),
		(7, 'ismap.baseline_control', NULL),
		(8, 'ismap.control_mapping', NULL),
		-- the scheme's policy
		(9, 'ismap.policy', NULL),
		-- audit bodies and their selections
		(10, 'ismap.audit_body', NULL),
		(11, 'ismap.audit_body_selection', NULL),
		-- registrations and the registry's rows (service, provider, audit body)
		(12, 'ismap.registration', NULL),
		(13, 'ismap.registry_listing', NULL),
		-- the events of registrations only (the reader's policy "published")
		(14, 'ismap.registry_event',
			'kind IN (''registered'', ''reinstated'', ''expired'', ''delisted'', ''suspended'', ''changed'')')
	) AS t(ord, rel, filter);

	SELECT pg_catalog.string_agg(pg_catalog.format('TABLE %s', p.rel)
			OPERATOR(pg_catalog.||) COALESCE(' WHERE (' OPERATOR(pg_catalog.||) p.filter OPERATOR(pg_catalog.||) ')', ''),
			', ' ORDER BY p.ord)
	INTO spec FROM pg_temp.ismap_published_tables p;

	IF EXISTS (SELECT 1 FROM pg_catalog.pg_publication WHERE pubname = 'ismap_published') THEN
		-- put it back as shipped: exactly these tables, every operation
		EXECUTE 'ALTER PUBLICATION ismap_published SET ' OPERATOR(pg_catalog.||) spec;
		ALTER PUBLICATION ismap_published SET (publish = 'insert, update, delete, truncate', publish_via_partition_root = false);
	ELSE
		EXECUTE 'CREATE PUBLICATION ismap_published FOR ' OPERATOR(pg_catalog.||) spec;
	END IF;

	RETURN QUERY SELECT p.rel, p.filter FROM pg_temp.ismap_published_tables p ORDER BY p.ord;
	DROP TABLE pg_temp.ismap_published_tables;
END
$$;
COMMENT ON FUNCTION ismap.create_publication() IS 'superuser: create (or put back as shipped) the publication ismap_published of the public tables, for a public replica by logical replication; returns its tables and row filters';

-- ==== OSCAL JSON import and export (issue 21) ====
CREATE OR REPLACE FUNCTION ismap.import_oscal_catalog_json(document pg_catalog.jsonb, framework_id pg_catalog.text DEFAULT NULL,
	OUT framework_id pg_catalog.text, OUT groups pg_catalog.int4, OUT controls pg_catalog.int4,
	OUT enhancements pg_catalog.int4, OUT withdrawn pg_catalog.int4, OUT params pg_catalog.int4)
	RETURNS record
	AS 'MODULE_PATHNAME', 'ismap_import_oscal_catalog_json' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION ismap.import_oscal_catalog_json(pg_catalog.jsonb, pg_catalog.text) IS
	'import an OSCAL 1.0/1.1 JSON catalog: the same rows and rules as import_oscal_catalog of the same catalog in XML';
CREATE OR REPLACE FUNCTION ismap.import_oscal_profile_json(document pg_catalog.jsonb, baseline_id pg_catalog.text, framework_id pg_catalog.text,
	OUT baseline_id pg_catalog.text, OUT selected pg_catalog.int4)
	RETURNS record
	AS 'MODULE_PATHNAME', 'ismap_import_oscal_profile_json' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION ismap.import_oscal_profile_json(pg_catalog.jsonb, pg_catalog.text, pg_catalog.text) IS
	'import an OSCAL JSON profile as a baseline of an already imported framework (XML or JSON): the rules of import_oscal_profile';
REVOKE ALL ON FUNCTION ismap.import_oscal_catalog_json(pg_catalog.jsonb, pg_catalog.text) FROM PUBLIC;
REVOKE ALL ON FUNCTION ismap.import_oscal_profile_json(pg_catalog.jsonb, pg_catalog.text, pg_catalog.text) FROM PUBLIC;
CREATE OR REPLACE FUNCTION ismap.export_oscal_catalog_json(framework_id pg_catalog.text)
	RETURNS pg_catalog.jsonb LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
	SET search_path = pg_catalog, pg_temp
	AS $$
DECLARE
	fw text := export_oscal_catalog_json.framework_id;
	f ismap.framework;
	pu text;
	md jsonb;
	pmap jsonb;
	cdepth jsonb;
	gdepth jsonb;
	cmap jsonb := '{}';
	gmap jsonb := '{}';
	d int;
BEGIN
	SELECT * INTO f FROM ismap.framework k WHERE k.framework_id OPERATOR(pg_catalog.=) fw;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'framework "%" does not exist', fw USING ERRCODE = 'undefined_object';
	END IF;

	-- params by owner: "c:" control, "g:" group, "" the catalog
	SELECT COALESCE(jsonb_object_agg(s.k, s.arr), '{}') INTO pmap FROM (
		SELECT CASE WHEN p.control_id IS NOT NULL THEN 'c:' OPERATOR(pg_catalog.||) p.control_id::text
		            WHEN p.group_id IS NOT NULL THEN 'g:' OPERATOR(pg_catalog.||) p.group_id ELSE '' END AS k,
		       jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
		           'id', p.param_id,
		           'label', p.label,
		           'select', CASE WHEN p.how_many IS NOT NULL THEN jsonb_build_object(
		               'how-many', CASE WHEN p.how_many OPERATOR(pg_catalog.<>) 'one' THEN p.how_many END,
		               'choice', to_jsonb(p.choices)) END,
		           'values', CASE WHEN p.how_many IS NULL AND p.value IS NOT NULL
		               THEN jsonb_build_array(p.value) END))
		           ORDER BY p.sort_order, p.param_id) AS arr
		FROM ismap.control_param p WHERE p.framework_id OPERATOR(pg_catalog.=) fw
		GROUP BY 1) s;

	-- the nesting depth of every control and group
	WITH RECURSIVE t(id, depth) AS (
		SELECT c.control_id, 1 FROM ismap.control c
		WHERE c.framework_id OPERATOR(pg_catalog.=) fw AND c.parent_id IS NULL
		UNION ALL
		SELECT c.control_id, t.depth OPERATOR(pg_catalog.+) 1 FROM ismap.control c JOIN t
		  ON c.parent_id OPERATOR(ismap.=) t.id WHERE c.framework_id OPERATOR(pg_catalog.=) fw)
	SELECT COALESCE(jsonb_object_agg(t.id::text, t.depth), '{}') INTO cdepth FROM t;
	WITH RECURSIVE t(id, depth) AS (
		SELECT g.group_id, 1 FROM ismap.control_group g
		WHERE g.framework_id OPERATOR(pg_catalog.=) fw AND g.parent_group_id IS NULL
		UNION ALL
		SELECT g.group_id, t.depth OPERATOR(pg_catalog.+) 1 FROM ismap.control_group g JOIN t
		  ON g.parent_group_id OPERATOR(pg_catalog.=) t.id WHERE g.framework_id OPERATOR(pg_catalog.=) fw)
	SELECT COALESCE(jsonb_object_agg(t.id, t.depth), '{}') INTO gdepth FROM t;

	-- controls, deepest first; each takes its enhancements from cmap
	FOR d IN REVERSE (SELECT COALESCE(max(v::int), 0) FROM jsonb_each_text(cdepth) e(k, v)) .. 1 LOOP
		SELECT cmap OPERATOR(pg_catalog.||) COALESCE(jsonb_object_agg(c.control_id::text, jsonb_strip_nulls(jsonb_build_object(
			'id', c.control_id::text,
			'class', c.class,
			'title', c.title,
			'params', pmap OPERATOR(pg_catalog.->) ('c:' OPERATOR(pg_catalog.||) c.control_id::text),
			'props', (SELECT jsonb_agg(jsonb_build_object('name', x.n, 'value', x.v) ORDER BY x.o)
			          FROM (VALUES (1, 'label', c.label), (2, 'sort-id', c.sort_id),
			                       (3, 'status', CASE WHEN c.withdrawn THEN 'withdrawn' END)) x(o, n, v)
			          WHERE x.v IS NOT NULL),
			'parts', CASE WHEN c.statement IS NOT NULL THEN jsonb_build_array(jsonb_build_object(
				'id', c.control_id::text OPERATOR(pg_catalog.||) '_smt', 'name', 'statement',
				'prose', replace(c.statement, E'\n', E'\n\n'))) END,
			'controls', (SELECT jsonb_agg(cmap OPERATOR(pg_catalog.->) k.control_id::text
			                              ORDER BY k.sort_order NULLS LAST, k.control_id)
			             FROM ismap.control k WHERE k.framework_id OPERATOR(pg_catalog.=) fw
			               AND k.parent_id OPERATOR(ismap.=) c.control_id)))), '{}')
		INTO cmap
		FROM ismap.control c
		WHERE c.framework_id OPERATOR(pg_catalog.=) fw
		  AND (cdepth OPERATOR(pg_catalog.->>) c.control_id::text)::int OPERATOR(pg_catalog.=) d;
	END LOOP;

	-- groups, deepest first: their params, base controls, then sub-groups
	FOR d IN REVERSE (SELECT COALESCE(max(v::int), 0) FROM jsonb_each_text(gdepth) e(k, v)) .. 1 LOOP
		SELECT gmap OPERATOR(pg_catalog.||) COALESCE(jsonb_object_agg(g.group_id, jsonb_strip_nulls(jsonb_build_object(
			'id', g.group_id,
			'class', g.class,
			'title', g.title,
			'params', pmap OPERATOR(pg_catalog.->) ('g:' OPERATOR(pg_catalog.||) g.group_id),
			'controls', (SELECT jsonb_agg(cmap OPERATOR(pg_catalog.->) k.control_id::text
			                              ORDER BY k.sort_order NULLS LAST, k.control_id)
			             FROM ismap.control k WHERE k.framework_id OPERATOR(pg_catalog.=) fw
			               AND k.parent_id IS NULL AND k.group_id OPERATOR(pg_catalog.=) g.group_id),
			'groups', (SELECT jsonb_agg(gmap OPERATOR(pg_catalog.->) k.group_id ORDER BY k.sort_order, k.group_id)
			           FROM ismap.control_group k WHERE k.framework_id OPERATOR(pg_catalog.=) fw
			             AND k.parent_group_id OPERATOR(pg_catalog.=) g.group_id)))), '{}')
		INTO gmap
		FROM ismap.control_group g
		WHERE g.framework_id OPERATOR(pg_catalog.=) fw
		  AND (gdepth OPERATOR(pg_catalog.->>) g.group_id)::int OPERATOR(pg_catalog.=) d;
	END LOOP;

	-- uuids made from an md5 carry the version 4 and variant bits OSCAL's
	-- schema asks for
	pu := overlay(overlay(md5(COALESCE(f.oscal_uuid, f.framework_id) OPERATOR(pg_catalog.||) ':publisher')
		placing '4' from 13) placing '8' from 17)::uuid::text;
	md := jsonb_strip_nulls(jsonb_build_object(
		'title', f.title,
		'last-modified', COALESCE(f.oscal_last_modified,
			to_char(f.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')),
		'version', f.version,
		'oscal-version', COALESCE(f.oscal_version, '1.1.2')));
	IF f.publisher IS NOT NULL THEN
		md := md OPERATOR(pg_catalog.||) jsonb_build_object(
			'roles', jsonb_build_array(jsonb_build_object('id', 'publisher', 'title', 'Publisher')),
			'parties', jsonb_build_array(jsonb_build_object('uuid', pu, 'type', 'organization', 'name', f.publisher)),
			'responsible-parties', jsonb_build_array(jsonb_build_object('role-id', 'publisher',
				'party-uuids', jsonb_build_array(pu))));
	END IF;
	RETURN jsonb_build_object('catalog', jsonb_strip_nulls(jsonb_build_object(
		'uuid', COALESCE(f.oscal_uuid,
			overlay(overlay(md5(f.framework_id) placing '4' from 13) placing '8' from 17)::uuid::text),
		'metadata', md,
		'params', pmap OPERATOR(pg_catalog.->) '',
		'controls', (SELECT jsonb_agg(cmap OPERATOR(pg_catalog.->) k.control_id::text
		                              ORDER BY k.sort_order NULLS LAST, k.control_id)
		             FROM ismap.control k WHERE k.framework_id OPERATOR(pg_catalog.=) fw
		               AND k.parent_id IS NULL AND k.group_id IS NULL),
		'groups', (SELECT jsonb_agg(gmap OPERATOR(pg_catalog.->) k.group_id ORDER BY k.sort_order, k.group_id)
		           FROM ismap.control_group k WHERE k.framework_id OPERATOR(pg_catalog.=) fw
		             AND k.parent_group_id IS NULL))));
END
$$;
COMMENT ON FUNCTION ismap.export_oscal_catalog_json(pg_catalog.text) IS
	'a framework as an OSCAL 1.1 JSON catalog; import_oscal_catalog_json of it yields the same rows';

-- ==== OSCAL assessment results into audit_result and control_test (issue 21) ====
CREATE OR REPLACE FUNCTION ismap.import_oscal_assessment_results(document pg_catalog.jsonb, audit_id pg_catalog.int8,
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

-- ==== create_roles: the JSON importers to the registrar, assessment results to the auditor, SET on lc_messages to every role ====
CREATE OR REPLACE FUNCTION ismap.create_roles() RETURNS pg_catalog.text[]
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	made pg_catalog.text[] := '{}';
	r pg_catalog.text;
	f pg_catalog.regprocedure;
	owner pg_catalog.name;
BEGIN
	IF NOT (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = CURRENT_USER) THEN
		RAISE EXCEPTION 'ismap.create_roles() must be run by a superuser' USING ERRCODE = 'insufficient_privilege';
	END IF;
	FOREACH r IN ARRAY ARRAY['ismap_reader', 'ismap_registrar', 'ismap_auditor', 'ismap_csp', 'ismap_jobs'] LOOP
		IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r) THEN
			EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN', r);
			made := made || r;
		END IF;
		EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA ismap TO %I', r);
	END LOOP;
	SELECT pg_catalog.pg_get_userbyid(n.nspowner) INTO owner FROM pg_catalog.pg_namespace n WHERE n.nspname = 'ismap';

	-- everyone: the catalogs, the published registry and its reports, the policy
	GRANT SELECT ON ismap.framework, ismap.control, ismap.baseline, ismap.baseline_control,
		ismap.control_mapping, ismap.control_reference, ismap.control_group, ismap.control_param, ismap.policy,
		ismap.service_change, ismap.sla_template,
		ismap.sampling_table, ismap.registry, ismap.registry_listing, ismap.registration, ismap.registry_event, ismap.event_chain_seal,
		ismap.audit_body, ismap.audit_body_selection, ismap.csp, ismap.service, ismap.service_dependency,
		ismap.job
		TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs;
	-- the registrar: every table to read; edits the catalogs, the policy,
	-- the parties and the classification; decides through the functions.
	-- Its table-level UPDATE and DELETE let it LOCK these tables in any
	-- mode: it is staff and trusted, as their only editor (docs/security.md,
	-- A2-09); no party holds such a privilege on any table
	GRANT SELECT ON ALL TABLES IN SCHEMA ismap TO ismap_registrar;
	GRANT INSERT, UPDATE, DELETE ON ismap.framework, ismap.control, ismap.baseline, ismap.baseline_control,
		ismap.control_mapping, ismap.control_reference, ismap.control_group, ismap.control_param,
		ismap.sla_template, ismap.sampling_table,
		ismap.audit_body, ismap.auditor, ismap.auditor_qualification, ismap.audit_body_selection,
		ismap.csp, ismap.organization, ismap.information_asset, ismap.information_system, ismap.system_asset
		TO ismap_registrar;
	GRANT INSERT, UPDATE ON ismap.policy TO ismap_registrar;
	GRANT SELECT ON ismap.organization, ismap.information_asset, ismap.information_system,
		ismap.system_asset TO ismap_reader;
	-- an auditor: its own body's people and audits; statements, results
	-- and control tests of its own audits while they are open
	GRANT SELECT ON ismap.auditor, ismap.auditor_qualification, ismap.audit, ismap.application,
		ismap.statement_item, ismap.audit_result, ismap.control_test, ismap.control_test_evaluation TO ismap_auditor;
	-- A table-level UPDATE or DELETE would let a party LOCK the whole table
	-- in any mode and stall every other party (A2-09): the parties get
	-- column-level UPDATE, and delete through ismap.delete_* (0.2.0 granted
	-- the whole tables: taken back first, which takes the columns' too)
	REVOKE UPDATE, DELETE ON ismap.audit_result, ismap.control_test FROM ismap_auditor;
	REVOKE UPDATE, DELETE ON ismap.statement_item FROM ismap_csp;
	REVOKE DELETE ON ismap.service_dependency FROM ismap_csp;
	GRANT INSERT ON ismap.audit_result, ismap.control_test TO ismap_auditor;
	GRANT UPDATE (audit_id, control_id, result, rationale) ON ismap.audit_result TO ismap_auditor;
	GRANT UPDATE (audit_id, control_id, frequency, population, sample_size, deviations, seed)
		ON ismap.control_test TO ismap_auditor;
	-- every column of an audit but its decision date, which only the
	-- decisions write (0.2.0 granted the whole table: taken back first)
	REVOKE INSERT, UPDATE ON ismap.audit FROM ismap_auditor;
	GRANT INSERT (audit_id, service_id, audit_body_id, lead_auditor_id, kind, target_level, framework_id,
				  period_start, period_end, report_date, scope),
		  UPDATE (service_id, audit_body_id, lead_auditor_id, kind, target_level, framework_id,
				  period_start, period_end, report_date, scope) ON ismap.audit TO ismap_auditor;
	-- a provider: its own services, platforms, statements and applications
	-- a registered service's scope and models change only through a reported
	-- change and a new audit, and only an audit decides that a platform was
	-- assessed: the provider holds no privilege on those columns
	GRANT INSERT ON ismap.service TO ismap_csp;
	GRANT UPDATE (name, responsibility) ON ismap.service TO ismap_csp;
	GRANT INSERT (service_id, base_service_id) ON ismap.service_dependency TO ismap_csp;
	GRANT INSERT ON ismap.statement_item TO ismap_csp;
	GRANT UPDATE (audit_id, framework_id, control_id, selected, exclusion_reason) ON ismap.statement_item TO ismap_csp;
	GRANT UPDATE (self_assessed_audit_id) ON ismap.service_dependency TO ismap_auditor, ismap_registrar;
	GRANT SELECT, INSERT ON ismap.application TO ismap_csp;
	GRANT UPDATE (status, decided_on, decision_reason) ON ismap.application TO ismap_csp;
	GRANT SELECT ON ismap.audit, ismap.statement_item, ismap.audit_result, ismap.control_test,
		ismap.control_test_evaluation TO ismap_csp;
	GRANT UPDATE (name, address) ON ismap.csp TO ismap_csp;
	-- a provider reports its own services' changes and feeds their evidence
	-- (what was reported: not its coverage, nor the reporting date)
	GRANT SELECT ON ismap.service_change, ismap.evidence TO ismap_csp;
	REVOKE INSERT ON ismap.service_change FROM ismap_csp;
	GRANT INSERT (service_id, kind, effective_on, description, reported_by) ON ismap.service_change TO ismap_csp;
	GRANT INSERT ON ismap.evidence TO ismap_csp;
	GRANT INSERT ON ismap.service_change TO ismap_registrar;
	GRANT USAGE ON ALL SEQUENCES IN SCHEMA ismap TO ismap_registrar, ismap_auditor, ismap_csp;
	-- but not the numbers of what only the extension's functions write:
	-- nextval would burn event and registration ids, leaving gaps that
	-- look like deleted rows
	REVOKE USAGE ON SEQUENCE ismap.registry_event_event_id_seq, ismap.registration_registration_id_seq,
		ismap.job_run_run_id_seq, ismap.notice_notice_id_seq FROM ismap_registrar, ismap_auditor, ismap_csp;
	-- jobs: read what the batch functions read
	-- (the batch functions have the owner's rights; the role itself reads
	-- only its runs and notices, besides what everyone reads)
	GRANT SELECT ON ismap.job_run, ismap.notice, ismap.job_health TO ismap_jobs;

	-- every role may choose the language of its messages (lc_messages is a
	-- superuser setting; the grant reaches the login roles that are members)
	GRANT SET ON PARAMETER lc_messages TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs;

	-- functions: everything that only reads, to every role; what writes,
	-- to the one role that needs it
	FOR f IN
		SELECT p.oid::pg_catalog.regprocedure FROM pg_catalog.pg_proc p
		JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.objid = p.oid AND d.deptype = 'e'
		JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'ismap'
		WHERE p.pronamespace = 'ismap'::pg_catalog.regnamespace
		  AND p.provolatile IN ('i', 's') AND p.prorettype <> 'pg_catalog.trigger'::pg_catalog.regtype
		  AND NOT p.prosecdef
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs', f);
	END LOOP;
	FOR f, r IN
		SELECT p.oid::pg_catalog.regprocedure, g.role FROM pg_catalog.pg_proc p
		JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace AND n.nspname = 'ismap'
		JOIN (VALUES ('register', 'ismap_registrar'), ('approve_application', 'ismap_registrar'),
					 ('reject_application', 'ismap_registrar'), ('delist', 'ismap_registrar'),
					 ('principal', 'ismap_registrar'), ('import_control_standard_csv', 'ismap_registrar'),
					 ('import_nist_iso27001_mapping', 'ismap_registrar'), ('import_oscal_catalog', 'ismap_registrar'),
					 ('import_oscal_profile', 'ismap_registrar'), ('import_oscal_catalog_json', 'ismap_registrar'),
					 ('import_oscal_profile_json', 'ismap_registrar'), ('import_oscal_assessment_results', 'ismap_auditor'),
					 ('delete_statement_item', 'ismap_csp'), ('delete_service_dependency', 'ismap_csp'),
					 ('delete_audit_result', 'ismap_auditor'), ('delete_control_test', 'ismap_auditor'),
					 ('run_renewals', 'ismap_jobs'), ('expire_audit_body_selections', 'ismap_jobs'),
					 ('cascade_delistings', 'ismap_jobs'), ('run_changes', 'ismap_jobs'),
					 ('job_start', 'ismap_jobs'), ('job_finish', 'ismap_jobs'), ('job_mark_stale', 'ismap_jobs'),
					 ('prune_job_runs', 'ismap_jobs'), ('run_job', 'ismap_jobs'), ('seal_event_chain', 'ismap_jobs'),
					 ('ensure_evidence_partitions', 'ismap_jobs'), ('ensure_evidence_partitions', 'ismap_registrar'),
					 -- owner's rights, for the applications the caller may see
					 ('validate_application', 'ismap_registrar'), ('validate_application', 'ismap_auditor'),
					 ('validate_application', 'ismap_csp'), ('validate_application', 'ismap_jobs')) g(fn, role)
		  ON g.fn = p.proname
		-- in a fixed order: a function's ACL lists its grantees in the
		-- order granted, and an upgrade must end with a fresh install's
		ORDER BY g.fn, g.role
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO %I', f, r);
	END LOOP;

	-- the event chain's checks have the owner's rights (they read every
	-- event, also those row-level security hides from the caller) and tell
	-- only whether the chain holds, which event breaks it, and the head's
	-- hash: every role runs them
	FOR f IN
		SELECT p.oid::pg_catalog.regprocedure FROM pg_catalog.pg_proc p
		WHERE p.pronamespace = 'ismap'::pg_catalog.regnamespace
		  AND p.proname = ANY (ARRAY['verify_event_chain', 'event_chain_full_check', 'event_chain_head'])
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs', f);
	END LOOP;
	-- what reads tables a role may not read is not granted to it (the
	-- function would only refuse it inside): the change status reads the
	-- applications, the classification the agencies' systems
	REVOKE EXECUTE ON FUNCTION ismap.change_status(pg_catalog.date) FROM ismap_reader, ismap_jobs;
	REVOKE EXECUTE ON FUNCTION ismap.classification_findings(pg_catalog.int8), ismap.classification_findings_all(pg_catalog.int8),
		ismap.classify_system(pg_catalog.int8), ismap.eligible_services(pg_catalog.int8, pg_catalog.date),
		ismap.required_level(pg_catalog.int8) FROM ismap_auditor, ismap_csp, ismap_jobs;
	-- a control test's items read the test (its provider, its auditor, the
	-- registrar); a control's health the evidence (its provider, the
	-- registrar, the jobs)
	REVOKE EXECUTE ON FUNCTION ismap.control_test_items(pg_catalog.int8, ismap.ctrlid) FROM ismap_reader, ismap_jobs;
	REVOKE EXECUTE ON FUNCTION ismap.control_health(pg_catalog.int8, pg_catalog.date, pg_catalog.interval) FROM ismap_reader, ismap_auditor;

	-- the policies' helpers run in the querying role's name: only the roles
	-- whose policies call them get them
	GRANT EXECUTE ON FUNCTION ismap.principal_audit_body(pg_catalog.name), ismap.principal_csp(pg_catalog.name),
		ismap.audit_party(pg_catalog.int8), ismap.service_csp(pg_catalog.int8) TO ismap_auditor, ismap_csp;

	-- row-level policies (re-created, so a second run changes nothing)
	PERFORM ismap_internal.create_policies();
	RETURN made;
END
$$;
COMMENT ON FUNCTION ismap.create_roles() IS 'superuser: create the five ismap roles if missing, grant them least privilege and create the row-level policies; idempotent; returns the roles it created';

-- ==== The review workflow: application states, review findings (DESIGN 3.13) ====
-- An application of 0.2.0 is submitted, approved, rejected or withdrawn:
-- each keeps its state, which the new workflow has too; a submitted one now
-- waits for the acceptance check.
ALTER TABLE ismap.application DROP CONSTRAINT application_status;
ALTER TABLE ismap.application DROP CONSTRAINT application_decision_date;
ALTER TABLE ismap.application ADD CONSTRAINT application_status CHECK (status OPERATOR(pg_catalog.=) ANY (ARRAY['submitted', 'accepted', 'in_review',
			'approved', 'rejected', 'returned', 'withdrawn']::pg_catalog.text[]));
ALTER TABLE ismap.application ADD CONSTRAINT application_decision_date CHECK ((status OPERATOR(pg_catalog.=) ANY (ARRAY['submitted', 'accepted', 'in_review']::pg_catalog.text[]))
		OPERATOR(pg_catalog.=) (decided_on IS NULL));
ALTER TABLE ismap.application ADD COLUMN accepted_on pg_catalog.date, ADD COLUMN review_started_on pg_catalog.date;
ALTER TABLE ismap.application ADD CONSTRAINT application_accepted_date CHECK (status OPERATOR(pg_catalog.<>) ALL (ARRAY['accepted', 'in_review']::pg_catalog.text[])
		OR accepted_on IS NOT NULL);
ALTER TABLE ismap.application ADD CONSTRAINT application_review_date CHECK (status OPERATOR(pg_catalog.<>) 'in_review' OR review_started_on IS NOT NULL);
COMMENT ON COLUMN ismap.application.status IS 'submitted, accepted (the acceptance check passed), in_review (a review finding was raised), approved or rejected (the committee), returned (the acceptance check failed), withdrawn (by the provider, while undecided)';
COMMENT ON COLUMN ismap.application.accepted_on IS 'the day the reviewer accepted it (accept_application)';
COMMENT ON COLUMN ismap.application.review_started_on IS 'the day the first review finding was raised on it (raise_finding)';
COMMENT ON COLUMN ismap.application.decided_on IS 'the day it was approved, rejected, returned or withdrawn';
DROP INDEX ismap.application_open_idx;
CREATE INDEX application_open_idx ON ismap.application (service_id)
	WHERE status OPERATOR(pg_catalog.=) ANY (ARRAY['submitted', 'accepted', 'in_review']::pg_catalog.text[]);

CREATE TABLE ismap.review_finding (
	finding_id		pg_catalog.int8 GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	application_id	pg_catalog.int8 NOT NULL REFERENCES ismap.application,
	control_id		ismap.ctrlid,
	addressed_to	pg_catalog.text NOT NULL
		CONSTRAINT review_finding_addressee CHECK (addressed_to OPERATOR(pg_catalog.=) ANY (ARRAY['csp', 'auditor']::pg_catalog.text[])),
	question		pg_catalog.text NOT NULL
		CONSTRAINT review_finding_question_not_blank CHECK (NOT ismap.text_is_blank(question)),
	raised_on		pg_catalog.date NOT NULL,
	raised_by		pg_catalog.name NOT NULL,
	response		pg_catalog.text
		CONSTRAINT review_finding_response_not_blank CHECK (response IS NULL OR NOT ismap.text_is_blank(response)),
	responded_on	pg_catalog.date,
	responded_by	pg_catalog.name,
	resolved_on		pg_catalog.date,
	resolved_by		pg_catalog.name,
	CONSTRAINT review_finding_response_dated CHECK ((response IS NULL) OPERATOR(pg_catalog.=) (responded_on IS NULL)),
	CONSTRAINT review_finding_order CHECK (responded_on OPERATOR(pg_catalog.>=) raised_on AND resolved_on OPERATOR(pg_catalog.>=) raised_on)
);
COMMENT ON TABLE ismap.review_finding IS 'a question of the technical review to the provider (csp) or the audit body (auditor) about an application, its answer and its resolution; written by raise_finding, respond_finding and resolve_finding only; never public';
CREATE INDEX review_finding_application_idx ON ismap.review_finding (application_id);
CREATE INDEX review_finding_open_idx ON ismap.review_finding (application_id) WHERE resolved_on IS NULL;
SELECT pg_catalog.pg_extension_config_dump('ismap.review_finding', '');
SELECT pg_catalog.pg_extension_config_dump('ismap.review_finding_finding_id_seq', '');
ALTER TABLE ismap.review_finding ENABLE ROW LEVEL SECURITY;

-- ==== Additional audits: their results replace the audit's for the controls they cover (DESIGN 3.13) ====
ALTER TABLE ismap.audit DROP CONSTRAINT audit_kind;
ALTER TABLE ismap.audit ADD CONSTRAINT audit_kind CHECK (kind OPERATOR(pg_catalog.=) ANY (ARRAY['external', 'internal_review', 'additional']::pg_catalog.text[]));
ALTER TABLE ismap.audit ADD COLUMN supersedes_audit_id pg_catalog.int8;
ALTER TABLE ismap.audit ADD FOREIGN KEY (supersedes_audit_id, service_id) REFERENCES ismap.audit (audit_id, service_id);
ALTER TABLE ismap.audit ADD CONSTRAINT audit_additional_supersedes CHECK ((kind OPERATOR(pg_catalog.=) 'additional') OPERATOR(pg_catalog.=) (supersedes_audit_id IS NOT NULL));
ALTER TABLE ismap.audit ADD CONSTRAINT audit_supersedes_other CHECK (supersedes_audit_id OPERATOR(pg_catalog.<>) audit_id);
COMMENT ON TABLE ismap.audit IS 'an audit of a service by an audit body over a period (external), the review of an internal audit (internal_review, level 1 only), or an additional audit of some controls (additional, superseding an audit''s results for them)';
COMMENT ON COLUMN ismap.audit.supersedes_audit_id IS 'for an additional audit: the audit whose results it replaces for the controls it has results for (same service); validation reads the effective result per control';
CREATE INDEX audit_supersedes_idx ON ismap.audit (supersedes_audit_id) WHERE supersedes_audit_id IS NOT NULL;

-- ==== Remediation plans; the renewals job marks them overdue (DESIGN 3.13) ====
CREATE TABLE ismap.remediation (
	remediation_id	pg_catalog.int8 GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	registration_id	pg_catalog.int8 NOT NULL REFERENCES ismap.registration,
	control_id		ismap.ctrlid NOT NULL,
	description		pg_catalog.text NOT NULL
		CONSTRAINT remediation_description_not_blank CHECK (NOT ismap.text_is_blank(description)),
	due_on			pg_catalog.date NOT NULL,
	status			pg_catalog.text NOT NULL DEFAULT 'open'
		CONSTRAINT remediation_status CHECK (status OPERATOR(pg_catalog.=) ANY (ARRAY['open', 'done', 'overdue']::pg_catalog.text[])),
	planned_on		pg_catalog.date NOT NULL,
	planned_by		pg_catalog.name NOT NULL,
	done_on			pg_catalog.date,
	overdue_run_id	pg_catalog.int8 REFERENCES ismap.job_run ON DELETE SET NULL,
	CONSTRAINT remediation_done_dated CHECK ((status OPERATOR(pg_catalog.=) 'done') OPERATOR(pg_catalog.=) (done_on IS NOT NULL)),
	CONSTRAINT remediation_due_after_plan CHECK (due_on OPERATOR(pg_catalog.>=) planned_on)
);
COMMENT ON TABLE ismap.remediation IS 'a plan to remediate a control of a registration found ineffective or with deviations (open, done, or overdue: marked by the renewals job); the POA&M of the registration; never public';
CREATE INDEX remediation_registration_idx ON ismap.remediation (registration_id);
CREATE INDEX remediation_open_idx ON ismap.remediation (due_on) WHERE status OPERATOR(pg_catalog.=) 'open';
SELECT pg_catalog.pg_extension_config_dump('ismap.remediation', '');
SELECT pg_catalog.pg_extension_config_dump('ismap.remediation_remediation_id_seq', '');

ALTER TABLE ismap.remediation ENABLE ROW LEVEL SECURITY;
ALTER TABLE ismap.notice DROP CONSTRAINT notice_kind;
ALTER TABLE ismap.notice ADD CONSTRAINT notice_kind CHECK (kind OPERATOR(pg_catalog.=) ANY (ARRAY['renewal_due', 'renewal_pending', 'report_overdue', 'body_not_selected',
			'change_audit_due', 'control_limit_exceeded', 'remediation_overdue']::pg_catalog.text[]));
COMMENT ON COLUMN ismap.notice.object_id IS 'registration_id (renewal_due, renewal_pending), selection_id (report_overdue), application_id (body_not_selected), change_id (change_audit_due), crossing_id (control_limit_exceeded) or remediation_id (remediation_overdue)';
COMMENT ON COLUMN ismap.notice.occasion IS 'the date the notice is about: valid_until minus the window (renewal_due), valid_until (renewal_pending), the report due date (report_overdue), the audit report date (body_not_selected), the end of the change''s audit window minus the window (change_audit_due), the day the limit was crossed (control_limit_exceeded), the plan''s due date (remediation_overdue)';

-- ==== The application timeline (DESIGN 3.13) ====
-- The life of each application in days (DESIGN 3.13): the date of each
-- stage and the days spent in it.  security_invoker: each role sees the
-- applications (and findings) its row-level policies show it.  A stage
-- still running has no length (NULL): nothing here reads the clock.
CREATE VIEW ismap.application_timeline WITH (security_invoker = true) AS
SELECT a.application_id, a.service_id, a.kind, a.status,
	   a.submitted_on, a.accepted_on, a.review_started_on, a.decided_on,
	   -- the acceptance check: to the acceptance, or to the return or
	   -- withdrawal that ended it
	   CASE WHEN a.accepted_on IS NOT NULL THEN a.accepted_on OPERATOR(pg_catalog.-) a.submitted_on
			WHEN a.decided_on IS NOT NULL THEN a.decided_on OPERATOR(pg_catalog.-) a.submitted_on END AS acceptance_days,
	   -- accepted, before the first finding (or the decision)
	   CASE WHEN a.accepted_on IS NOT NULL THEN
			COALESCE(a.review_started_on, a.decided_on) OPERATOR(pg_catalog.-) a.accepted_on END AS accepted_days,
	   -- in review, to the decision
	   CASE WHEN a.review_started_on IS NOT NULL THEN a.decided_on OPERATOR(pg_catalog.-) a.review_started_on END AS review_days,
	   a.decided_on OPERATOR(pg_catalog.-) a.submitted_on AS total_days,
	   (SELECT pg_catalog.count(*) FROM ismap.review_finding f
		WHERE f.application_id OPERATOR(pg_catalog.=) a.application_id) AS findings
FROM ismap.application a;
COMMENT ON VIEW ismap.application_timeline IS 'per application the date of each stage (submitted, accepted, in review, decided) and the days spent in each; a stage still running has NULL days; what the caller may see of applications';

-- ==== The review workflow: transitions, findings, the new role, register() for no role ====
CREATE OR REPLACE FUNCTION ismap_internal.lock_application(p_application_id pg_catalog.int8, p_states pg_catalog.text[])
RETURNS ismap.application
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	app ismap.application;
BEGIN
	SELECT * INTO app FROM ismap.application WHERE application_id = p_application_id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'application % does not exist', p_application_id USING ERRCODE = 'undefined_object';
	END IF;
	IF app.status <> ALL (p_states) THEN
		RAISE EXCEPTION 'application % is %, not %', p_application_id, app.status, pg_catalog.array_to_string(p_states, ' or ')
			USING ERRCODE = 'object_not_in_prerequisite_state';
	END IF;
	RETURN app;
END
$$;
COMMENT ON FUNCTION ismap_internal.lock_application(pg_catalog.int8, pg_catalog.text[]) IS 'lock an application for a transition: 42704 when it does not exist, 55000 (naming both states) when it is not in one of the given states';
CREATE OR REPLACE FUNCTION ismap.register(p_application_id pg_catalog.int8, p_as_of pg_catalog.date DEFAULT CURRENT_DATE)
RETURNS ismap.registration
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	app ismap.application;
	aud ismap.audit;
	live ismap.registration;
	prior ismap.registration;
	res ismap.registration;
	serial_prefix pg_catalog.text;
	serial pg_catalog.int4;
	validity pg_catalog.interval := (ismap.policy_value('registration_validity') #>> '{}')::pg_catalog.interval;
BEGIN
	IF p_application_id IS NULL OR p_as_of IS NULL THEN
		RAISE EXCEPTION 'application and date must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	app := ismap_internal.lock_application(p_application_id, ARRAY['submitted', 'accepted', 'in_review']);
	IF p_as_of < app.submitted_on THEN
		RAISE EXCEPTION 'cannot register application % on %, before it was submitted on %', p_application_id, p_as_of, app.submitted_on
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	-- the audit is decided with the application: frozen from now on
	PERFORM ismap_internal.decide_audit(app.audit_id, p_as_of);
	SELECT * INTO aud FROM ismap.audit WHERE audit_id = app.audit_id;

	-- one registration decision per service at a time (NO KEY UPDATE: a
	-- provider's uncommitted row naming the service as its platform holds
	-- KEY SHARE on it, and must not delay another provider's decision)
	PERFORM 1 FROM ismap.service WHERE service_id = app.service_id FOR NO KEY UPDATE;
	SELECT * INTO live FROM ismap.registration
	WHERE service_id = app.service_id AND status IN ('active', 'suspended');
	IF FOUND AND app.kind = 'new' THEN
		RAISE EXCEPTION 'service % already has registration %', app.service_id, live.registration_number
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  HINT = 'File a renewal application to replace it.';
	END IF;
	IF (aud.period_end + validity)::pg_catalog.date < p_as_of THEN
		RAISE EXCEPTION 'registration of application % would already be expired on %', p_application_id, p_as_of
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = pg_catalog.format('The audited period ended on %s; with a validity of %s it ends on %s.',
					aud.period_end, validity, (aud.period_end + validity)::pg_catalog.date);
	END IF;

	-- the number: a service keeps the serial of its first registration
	SELECT * INTO prior FROM ismap.registration WHERE service_id = app.service_id
	ORDER BY registered_on DESC, registration_id DESC LIMIT 1;
	IF FOUND THEN
		serial_prefix := pg_catalog.regexp_replace(prior.registration_number, '-[1-3]$', '');
	ELSE
		INSERT INTO ismap.registration_serial AS s (year, last_serial)
		VALUES (pg_catalog.date_part('year', p_as_of)::pg_catalog.int2, 1)
		ON CONFLICT (year) DO UPDATE SET last_serial = s.last_serial + 1
		RETURNING s.last_serial INTO serial;
		serial_prefix := pg_catalog.format('C%s-%s',
			pg_catalog.to_char(p_as_of, 'YY'),
			pg_catalog.lpad(serial::pg_catalog.text, GREATEST(4, pg_catalog.length(serial::pg_catalog.text)), '0'));
	END IF;

	-- the events of what follows take their context from the rows: the
	-- application (kind, audit, the acknowledgements approve_application
	-- recorded on it) and the registration (ismap_internal.registration_event_trigger)
	IF live.registration_id IS NOT NULL THEN
		UPDATE ismap.registration
		SET status = 'expired', ended_on = p_as_of,
			end_reason = pg_catalog.format('replaced by renewal (application %s)', app.application_id),
			run_id = NULL
		WHERE registration_id = live.registration_id;
	END IF;
	INSERT INTO ismap.registration (registration_number, service_id, level, application_id,
		registered_on, valid_until, status)
	VALUES (serial_prefix || '-' || app.requested_level, app.service_id, app.requested_level,
		app.application_id, p_as_of, (aud.period_end + validity)::pg_catalog.date, 'active')
	RETURNING * INTO res;

	UPDATE ismap.application SET status = 'approved', decided_on = p_as_of
	WHERE application_id = app.application_id;
	RETURN res;
END
$$;
COMMENT ON FUNCTION ismap.register(pg_catalog.int8, pg_catalog.date) IS 'owner-only primitive (no role may execute it): register an undecided application (number, validity, replacing the service''s registration on renewal, event); approve_application validates and then calls it';
CREATE OR REPLACE FUNCTION ismap.approve_application(p_application_id pg_catalog.int8,
	p_acknowledged pg_catalog.text[] DEFAULT '{}', p_as_of pg_catalog.date DEFAULT CURRENT_DATE)
RETURNS ismap.registration
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	blocking pg_catalog.text[];
	unacknowledged pg_catalog.text[];
	acked pg_catalog.text[];
	res ismap.registration;
BEGIN
	IF p_application_id IS NULL OR p_as_of IS NULL THEN
		RAISE EXCEPTION 'application and date must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	-- lock first, so the findings cannot change between the check and the
	-- decision: the application, then its audit (writes of the statement,
	-- results and tests in progress finish first; later ones are refused)
	-- the committee decides an application the reviewer accepted: in
	-- review, or accepted without a finding ever raised (the first finding
	-- moves it to in_review); an unresolved finding is REVIEW_FINDING_OPEN
	PERFORM ismap_internal.decide_audit((ismap_internal.lock_application(p_application_id,
		ARRAY['in_review', 'accepted'])).audit_id, NULL);
	SELECT pg_catalog.array_agg(DISTINCT f.code ORDER BY f.code) FILTER (WHERE f.severity = 'error'),
		   pg_catalog.array_agg(DISTINCT f.code ORDER BY f.code) FILTER (WHERE f.severity = 'query'
				AND f.code <> ALL (COALESCE(p_acknowledged, '{}'))),
		   pg_catalog.array_agg(DISTINCT f.code ORDER BY f.code) FILTER (WHERE f.severity = 'query'
				AND f.code = ANY (COALESCE(p_acknowledged, '{}')))
	INTO blocking, unacknowledged, acked
	FROM ismap.validate_application(p_application_id) f;
	IF blocking IS NOT NULL THEN
		RAISE EXCEPTION 'application % cannot be approved: % error finding(s) remain', p_application_id,
			(SELECT pg_catalog.count(*) FROM ismap.validate_application(p_application_id) f WHERE f.severity = 'error')
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = 'Blocking codes: ' OPERATOR(pg_catalog.||) pg_catalog.array_to_string(blocking, ', ') OPERATOR(pg_catalog.||) '.',
				  HINT = 'See ismap.validate_application() for what is wrong and how to fix it.';
	END IF;
	IF unacknowledged IS NOT NULL THEN
		RAISE EXCEPTION 'application % cannot be approved: query finding(s) not acknowledged', p_application_id
			USING ERRCODE = 'object_not_in_prerequisite_state',
				  DETAIL = 'Codes to acknowledge: ' OPERATOR(pg_catalog.||) pg_catalog.array_to_string(unacknowledged, ', ') OPERATOR(pg_catalog.||) '.',
				  HINT = 'Pass the codes the registrar accepts in the acknowledged argument.';
	END IF;
	-- the decision records what it acknowledged; the registered event
	-- takes it from the application row
	UPDATE ismap.application SET acknowledged = COALESCE(acked, '{}')
	WHERE application_id = p_application_id;
	res := ismap.register(p_application_id, p_as_of);
	RETURN res;
END
$$;
COMMENT ON FUNCTION ismap.approve_application(pg_catalog.int8, pg_catalog.text[], pg_catalog.date) IS 'committee: validate and register an application in review (or accepted without findings): refused (55000) from another state, while an error finding (REVIEW_FINDING_OPEN among them) remains or a query code is not acknowledged; the acknowledged codes are recorded on the application and go into the event';
CREATE OR REPLACE FUNCTION ismap.reject_application(p_application_id pg_catalog.int8, p_reason pg_catalog.text)
RETURNS ismap.application
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	app ismap.application;
BEGIN
	IF ismap.text_is_blank(p_reason) THEN
		RAISE EXCEPTION 'a rejection needs a reason' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	app := ismap_internal.lock_application(p_application_id, ARRAY['in_review', 'accepted']);
	-- the findings the event records are those of the audit as decided
	PERFORM ismap_internal.decide_audit(app.audit_id, CURRENT_DATE);
	UPDATE ismap.application SET status = 'rejected', decided_on = CURRENT_DATE, decision_reason = p_reason
	WHERE application_id = p_application_id RETURNING * INTO app;
	PERFORM ismap_internal.append_event('application_rejected', NULL, app.service_id,
		pg_catalog.jsonb_build_object('application_id', app.application_id, 'reason', p_reason,
			'findings', (SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('code', f.code, 'severity', f.severity))
						 FROM ismap.validate_application(p_application_id) f)));
	RETURN app;
END
$$;
COMMENT ON FUNCTION ismap.reject_application(pg_catalog.int8, pg_catalog.text) IS 'committee: reject an application in review or accepted, with a reason (55000 from another state); the decision and the findings at that time go into the event log';
CREATE OR REPLACE FUNCTION ismap_internal.check_step_date(p_as_of pg_catalog.date, p_after pg_catalog.date, p_what pg_catalog.text)
RETURNS void
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF p_as_of IS NULL THEN
		RAISE EXCEPTION 'the date must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF p_as_of < p_after THEN
		RAISE EXCEPTION 'date % is before %, %', p_as_of, p_what, p_after USING ERRCODE = 'invalid_parameter_value';
	END IF;
END
$$;
COMMENT ON FUNCTION ismap_internal.check_step_date(pg_catalog.date, pg_catalog.date, pg_catalog.text) IS 'refuse (22023) a step dated before the step it follows, or (22004) without a date';
CREATE OR REPLACE FUNCTION ismap.accept_application(p_application_id pg_catalog.int8, p_as_of pg_catalog.date DEFAULT CURRENT_DATE)
RETURNS ismap.application
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	app ismap.application;
BEGIN
	app := ismap_internal.lock_application(p_application_id, ARRAY['submitted']);
	PERFORM ismap_internal.check_step_date(p_as_of, app.submitted_on, 'the submission');
	UPDATE ismap.application SET status = 'accepted', accepted_on = p_as_of
	WHERE application_id = p_application_id RETURNING * INTO app;
	PERFORM ismap_internal.append_event('application_accepted', NULL, app.service_id,
		pg_catalog.jsonb_build_object('application_id', app.application_id, 'as_of', p_as_of));
	RETURN app;
END
$$;
COMMENT ON FUNCTION ismap.accept_application(pg_catalog.int8, pg_catalog.date) IS 'reviewer: the acceptance check passed: submitted -> accepted (55000 from another state); writes an event';
CREATE OR REPLACE FUNCTION ismap.return_application(p_application_id pg_catalog.int8, p_reason pg_catalog.text,
	p_as_of pg_catalog.date DEFAULT CURRENT_DATE)
RETURNS ismap.application
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	app ismap.application;
BEGIN
	IF ismap.text_is_blank(p_reason) THEN
		RAISE EXCEPTION 'a return needs a reason' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	app := ismap_internal.lock_application(p_application_id, ARRAY['submitted']);
	PERFORM ismap_internal.check_step_date(p_as_of, app.submitted_on, 'the submission');
	UPDATE ismap.application SET status = 'returned', decided_on = p_as_of, decision_reason = p_reason
	WHERE application_id = p_application_id RETURNING * INTO app;
	PERFORM ismap_internal.append_event('application_returned', NULL, app.service_id,
		pg_catalog.jsonb_build_object('application_id', app.application_id, 'as_of', p_as_of, 'reason', p_reason));
	RETURN app;
END
$$;
COMMENT ON FUNCTION ismap.return_application(pg_catalog.int8, pg_catalog.text, pg_catalog.date) IS 'reviewer: the acceptance check failed: submitted -> returned with the reasons (55000 from another state); the audit stays open for a new application; writes an event';
CREATE OR REPLACE FUNCTION ismap.withdraw_application(p_application_id pg_catalog.int8)
RETURNS ismap.application
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	app ismap.application;
BEGIN
	-- another party's application "does not exist", as one never filed
	IF NOT EXISTS (SELECT 1 FROM ismap.application a
				   WHERE a.application_id = p_application_id
					 AND (SELECT s.csp_id FROM ismap.service s WHERE s.service_id = a.service_id)
						 = ismap.principal_csp(ismap_internal.event_actor())) THEN
		RAISE EXCEPTION 'application % does not exist', p_application_id USING ERRCODE = 'undefined_object';
	END IF;
	app := ismap_internal.lock_application(p_application_id, ARRAY['submitted', 'accepted', 'in_review']);
	-- dated today, by the server's clock (M4)
	UPDATE ismap.application SET status = 'withdrawn', decided_on = CURRENT_DATE
	WHERE application_id = p_application_id RETURNING * INTO app;
	PERFORM ismap_internal.append_event('application_withdrawn', NULL, app.service_id,
		pg_catalog.jsonb_build_object('application_id', app.application_id));
	RETURN app;
END
$$;
COMMENT ON FUNCTION ismap.withdraw_application(pg_catalog.int8) IS 'provider: withdraw its own undecided application, dated today (42704 for another party''s, 55000 when decided); writes an event';
CREATE OR REPLACE FUNCTION ismap.raise_finding(p_application_id pg_catalog.int8, p_addressed_to pg_catalog.text,
	p_question pg_catalog.text, p_control_id ismap.ctrlid DEFAULT NULL, p_as_of pg_catalog.date DEFAULT CURRENT_DATE)
RETURNS ismap.review_finding
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	app ismap.application;
	res ismap.review_finding;
BEGIN
	IF p_addressed_to IS NULL OR p_addressed_to <> ALL (ARRAY['csp', 'auditor']) THEN
		RAISE EXCEPTION 'a finding is addressed to csp or auditor, not %', COALESCE(p_addressed_to, 'null')
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF ismap.text_is_blank(p_question) THEN
		RAISE EXCEPTION 'a finding needs a question' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	app := ismap_internal.lock_application(p_application_id, ARRAY['accepted', 'in_review']);
	PERFORM ismap_internal.check_step_date(p_as_of, app.accepted_on, 'the acceptance');
	IF p_control_id IS NOT NULL AND NOT EXISTS (
			SELECT 1 FROM ismap.control c JOIN ismap.audit a ON a.framework_id = c.framework_id
			WHERE a.audit_id = app.audit_id AND c.control_id OPERATOR(ismap.=) p_control_id) THEN
		RAISE EXCEPTION 'control "%" is not in the standard of audit %', p_control_id, app.audit_id
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF app.status = 'accepted' THEN
		UPDATE ismap.application SET status = 'in_review', review_started_on = p_as_of
		WHERE application_id = p_application_id;
	END IF;
	INSERT INTO ismap.review_finding (application_id, control_id, addressed_to, question, raised_on, raised_by)
	VALUES (p_application_id, p_control_id, p_addressed_to, p_question, p_as_of, ismap_internal.event_actor())
	RETURNING * INTO res;
	PERFORM ismap_internal.append_event('finding_raised', NULL, app.service_id,
		pg_catalog.jsonb_build_object('application_id', app.application_id, 'finding_id', res.finding_id,
			'addressed_to', p_addressed_to, 'control_id', p_control_id::pg_catalog.text, 'as_of', p_as_of));
	RETURN res;
END
$$;
COMMENT ON FUNCTION ismap.raise_finding(pg_catalog.int8, pg_catalog.text, pg_catalog.text, ismap.ctrlid, pg_catalog.date) IS 'reviewer: ask the provider (csp) or the audit body (auditor) about an accepted application; the first finding moves it to in_review; writes an event';
CREATE OR REPLACE FUNCTION ismap_internal.lock_finding(p_finding_id pg_catalog.int8, p_party_only pg_catalog.bool,
	OUT finding ismap.review_finding, OUT app ismap.application, OUT party pg_catalog.text)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	actor pg_catalog.name := ismap_internal.event_actor();
BEGIN
	SELECT * INTO finding FROM ismap.review_finding f WHERE f.finding_id = p_finding_id FOR UPDATE;
	IF FOUND THEN
		SELECT * INTO app FROM ismap.application a WHERE a.application_id = finding.application_id;
		SELECT CASE WHEN s.csp_id = ismap.principal_csp(actor) THEN 'csp'
					WHEN au.audit_body_id = ismap.principal_audit_body(actor) THEN 'auditor' END
		INTO party
		FROM ismap.service s, ismap.audit au
		WHERE s.service_id = app.service_id AND au.audit_id = app.audit_id;
	END IF;
	IF finding.finding_id IS NULL OR (p_party_only AND party IS NULL) THEN
		RAISE EXCEPTION 'review finding % does not exist', p_finding_id USING ERRCODE = 'undefined_object';
	END IF;
END
$$;
COMMENT ON FUNCTION ismap_internal.lock_finding(pg_catalog.int8, pg_catalog.bool) IS 'lock a review finding with its application and the party (csp, auditor) the person who acted is to it; 42704 when it does not exist or, asked for a party, the actor is none';
CREATE OR REPLACE FUNCTION ismap.respond_finding(p_finding_id pg_catalog.int8, p_response pg_catalog.text,
	p_as_of pg_catalog.date DEFAULT CURRENT_DATE)
RETURNS ismap.review_finding
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	l record;
	res ismap.review_finding;
BEGIN
	IF ismap.text_is_blank(p_response) THEN
		RAISE EXCEPTION 'a response must not be blank' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	l := ismap_internal.lock_finding(p_finding_id, true);
	IF l.party <> (l.finding).addressed_to THEN
		RAISE EXCEPTION 'review finding % is addressed to the %, not to the %', p_finding_id, (l.finding).addressed_to, l.party
			USING ERRCODE = 'insufficient_privilege';
	END IF;
	IF (l.finding).resolved_on IS NOT NULL THEN
		RAISE EXCEPTION 'review finding % was resolved on %: it takes no response', p_finding_id, (l.finding).resolved_on
			USING ERRCODE = 'object_not_in_prerequisite_state';
	END IF;
	PERFORM ismap_internal.lock_application((l.app).application_id, ARRAY['in_review']);
	PERFORM ismap_internal.check_step_date(p_as_of, (l.finding).raised_on, 'the finding was raised');
	UPDATE ismap.review_finding SET response = p_response, responded_on = p_as_of,
		responded_by = ismap_internal.event_actor()
	WHERE finding_id = p_finding_id RETURNING * INTO res;
	PERFORM ismap_internal.append_event('finding_responded', NULL, (l.app).service_id,
		pg_catalog.jsonb_build_object('application_id', (l.app).application_id, 'finding_id', p_finding_id, 'as_of', p_as_of));
	RETURN res;
END
$$;
COMMENT ON FUNCTION ismap.respond_finding(pg_catalog.int8, pg_catalog.text, pg_catalog.date) IS 'provider or auditor: answer a review finding addressed to it (42501 when addressed to the other party, 42704 for a finding of an application it is not party to, 55000 once resolved); writes an event';
CREATE OR REPLACE FUNCTION ismap.resolve_finding(p_finding_id pg_catalog.int8, p_as_of pg_catalog.date DEFAULT CURRENT_DATE)
RETURNS ismap.review_finding
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	l record;
	res ismap.review_finding;
BEGIN
	l := ismap_internal.lock_finding(p_finding_id, false);
	IF (l.finding).resolved_on IS NOT NULL THEN
		RAISE EXCEPTION 'review finding % was already resolved on %', p_finding_id, (l.finding).resolved_on
			USING ERRCODE = 'object_not_in_prerequisite_state';
	END IF;
	PERFORM ismap_internal.lock_application((l.app).application_id, ARRAY['in_review']);
	PERFORM ismap_internal.check_step_date(p_as_of, COALESCE((l.finding).responded_on, (l.finding).raised_on), 'the finding''s last step');
	UPDATE ismap.review_finding SET resolved_on = p_as_of, resolved_by = ismap_internal.event_actor()
	WHERE finding_id = p_finding_id RETURNING * INTO res;
	PERFORM ismap_internal.append_event('finding_resolved', NULL, (l.app).service_id,
		pg_catalog.jsonb_build_object('application_id', (l.app).application_id, 'finding_id', p_finding_id, 'as_of', p_as_of));
	RETURN res;
END
$$;
COMMENT ON FUNCTION ismap.resolve_finding(pg_catalog.int8, pg_catalog.date) IS 'reviewer: close a review finding (55000 when already resolved or the application is decided); writes an event';
CREATE OR REPLACE FUNCTION ismap.plan_remediation(p_registration_id pg_catalog.int8, p_control_id ismap.ctrlid,
	p_description pg_catalog.text, p_due_on pg_catalog.date, p_as_of pg_catalog.date DEFAULT CURRENT_DATE)
RETURNS ismap.remediation
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	actor pg_catalog.name := ismap_internal.event_actor();
	reg ismap.registration;
	res ismap.remediation;
BEGIN
	IF p_registration_id IS NULL OR p_control_id IS NULL OR p_due_on IS NULL OR p_as_of IS NULL THEN
		RAISE EXCEPTION 'registration, control and dates must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT * INTO reg FROM ismap.registration r WHERE r.registration_id = p_registration_id;
	-- the reviewer plans for any registration, a provider for its own;
	-- another's "does not exist"
	IF reg.registration_id IS NULL OR NOT (pg_catalog.pg_has_role(actor, 'ismap_reviewer', 'USAGE')
			OR (SELECT s.csp_id FROM ismap.service s WHERE s.service_id = reg.service_id) = ismap.principal_csp(actor)) THEN
		RAISE EXCEPTION 'registration % does not exist', p_registration_id USING ERRCODE = 'undefined_object';
	END IF;
	IF ismap.text_is_blank(p_description) THEN
		RAISE EXCEPTION 'a remediation plan needs a description' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF p_due_on < p_as_of THEN
		RAISE EXCEPTION 'a remediation due on % is already past on %', p_due_on, p_as_of USING ERRCODE = 'invalid_parameter_value';
	END IF;
	-- a control the registration's audit (or an additional audit of it)
	-- found not effective, or whose test found deviations
	IF NOT EXISTS (
			SELECT 1 FROM ismap.audit a
			JOIN ismap.audit_result r ON r.audit_id = a.audit_id
			WHERE (a.audit_id = reg.audit_id OR a.supersedes_audit_id = reg.audit_id)
			  AND r.control_id OPERATOR(ismap.=) p_control_id AND r.result <> 'effective')
	   AND NOT EXISTS (
			SELECT 1 FROM ismap.audit a
			JOIN ismap.control_test t ON t.audit_id = a.audit_id
			WHERE (a.audit_id = reg.audit_id OR a.supersedes_audit_id = reg.audit_id)
			  AND t.control_id OPERATOR(ismap.=) p_control_id AND t.deviations > 0) THEN
		RAISE EXCEPTION 'control "%" was neither found ineffective nor tested with deviations in the audit of registration %',
			p_control_id, reg.registration_number USING ERRCODE = 'invalid_parameter_value';
	END IF;
	INSERT INTO ismap.remediation (registration_id, control_id, description, due_on, planned_on, planned_by)
	VALUES (p_registration_id, p_control_id, p_description, p_due_on, p_as_of, actor)
	RETURNING * INTO res;
	RETURN res;
END
$$;
COMMENT ON FUNCTION ismap.plan_remediation(pg_catalog.int8, ismap.ctrlid, pg_catalog.text, pg_catalog.date, pg_catalog.date) IS 'reviewer, or the provider of the registered service: plan the remediation of a control its audit found ineffective or with deviations (42704 for another provider''s registration, 22023 for another control, a blank description or a due date already past)';
CREATE OR REPLACE FUNCTION ismap.complete_remediation(p_remediation_id pg_catalog.int8, p_done_on pg_catalog.date DEFAULT CURRENT_DATE)
RETURNS ismap.remediation
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	actor pg_catalog.name := ismap_internal.event_actor();
	rem ismap.remediation;
BEGIN
	SELECT m.* INTO rem FROM ismap.remediation m
	JOIN ismap.registration g ON g.registration_id = m.registration_id
	JOIN ismap.service s ON s.service_id = g.service_id
	WHERE m.remediation_id = p_remediation_id
	  AND (pg_catalog.pg_has_role(actor, 'ismap_reviewer', 'USAGE') OR s.csp_id = ismap.principal_csp(actor))
	FOR UPDATE OF m;
	IF rem.remediation_id IS NULL THEN
		RAISE EXCEPTION 'remediation % does not exist', p_remediation_id USING ERRCODE = 'undefined_object';
	END IF;
	IF rem.status = 'done' THEN
		RAISE EXCEPTION 'remediation % was done on %', p_remediation_id, rem.done_on USING ERRCODE = 'object_not_in_prerequisite_state';
	END IF;
	PERFORM ismap_internal.check_step_date(p_done_on, rem.planned_on, 'the plan');
	UPDATE ismap.remediation SET status = 'done', done_on = p_done_on
	WHERE remediation_id = p_remediation_id RETURNING * INTO rem;
	RETURN rem;
END
$$;
COMMENT ON FUNCTION ismap.complete_remediation(pg_catalog.int8, pg_catalog.date) IS 'reviewer, or the provider of the registered service: a remediation plan is done (also an overdue one: the next validation no longer reports it); 42704 for another provider''s, 55000 when done already';
CREATE OR REPLACE FUNCTION ismap_internal.decide_audit(p_audit_id pg_catalog.int8, p_decided_on pg_catalog.date) RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM 1 FROM ismap.audit
	WHERE audit_id = p_audit_id OR supersedes_audit_id = p_audit_id
	ORDER BY audit_id FOR UPDATE;
	IF p_decided_on IS NOT NULL THEN
		UPDATE ismap.audit SET decided_on = p_decided_on
		WHERE (audit_id = p_audit_id OR supersedes_audit_id = p_audit_id) AND decided_on IS NULL;
	END IF;
END
$$;
COMMENT ON FUNCTION ismap_internal.decide_audit(pg_catalog.int8, pg_catalog.date) IS 'lock an audit and its additional audits for a decision (FOR UPDATE: waits for writes of their statements, results and tests in progress) and, given a date, record the decision (audit.decided_on) on them';
CREATE OR REPLACE FUNCTION ismap_internal.job_renewals(as_of pg_catalog.date, dry_run pg_catalog.bool, run_id pg_catalog.int8)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
SET jit = off
SET work_mem = '64MB'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
AS $$
#variable_conflict use_column
DECLARE
	d pg_catalog.date := job_renewals.as_of;
	dry pg_catalog.bool := job_renewals.dry_run;
	run pg_catalog.int8 := job_renewals.run_id;
	windows pg_catalog.int4[];
	n_past pg_catalog.int8;
	n_notices pg_catalog.int8;
BEGIN
	BEGIN
		-- an empty array is allowed: no notices
		SELECT COALESCE(pg_catalog.array_agg(w::pg_catalog.int4 ORDER BY w::pg_catalog.int4), '{}')
		INTO STRICT windows
		FROM pg_catalog.jsonb_array_elements_text(ismap.policy_value('notice_windows_days')) AS e(w);
	EXCEPTION WHEN OTHERS THEN
		windows := NULL;
	END;
	IF windows IS NULL OR pg_catalog.array_position(windows, NULL) IS NOT NULL
	   OR EXISTS (SELECT 1 FROM pg_catalog.unnest(windows) w WHERE w OPERATOR(pg_catalog.<) 0) THEN
		RAISE EXCEPTION 'policy parameter "notice_windows_days" must be an array of days, not %',
			(SELECT p.value FROM ismap.policy p WHERE p.name OPERATOR(pg_catalog.=) 'notice_windows_days')
			USING ERRCODE = 'invalid_parameter_value', HINT = 'For example [90, 30, 7].';
	END IF;

	-- 1. what ran out: expire it when no renewal is pending, else report
	-- once (a renewal_pending notice) that a pending renewal keeps it.  One
	-- statement, one scan: the rows it changes are the whole of the work.
	PERFORM ismap_internal.job_progress(pg_catalog.format('renewals: registrations valid until before %s', d));
	RETURN QUERY
		WITH pending AS (
			-- the oldest open renewal per service (filed by d, not decided by d)
			SELECT DISTINCT ON (a.service_id) a.service_id, a.application_id, a.submitted_on
			FROM ismap.application a
			WHERE a.kind = 'renewal' AND a.submitted_on <= d
			  AND (a.status = ANY (ARRAY['submitted', 'accepted', 'in_review']) OR a.decided_on > d)
			ORDER BY a.service_id, a.submitted_on, a.application_id
		),
		late AS (
			-- the newest renewal refused or withdrawn: a registration it kept
			-- alive past valid_until ends on the decision day
			SELECT DISTINCT ON (a.service_id) a.service_id, a.application_id, a.status, a.submitted_on, a.decided_on
			FROM ismap.application a
			WHERE a.kind = 'renewal' AND a.status = ANY (ARRAY['rejected', 'withdrawn']) AND a.decided_on <= d
			ORDER BY a.service_id, a.decided_on DESC, a.application_id DESC
		),
		past AS (
			SELECT r.registration_id, r.registration_number, r.valid_until,
				   p.application_id AS pending_application, p.submitted_on AS pending_since,
				   CASE WHEN l.decided_on > r.valid_until AND l.submitted_on <= r.valid_until
						THEN l.decided_on ELSE r.valid_until + 1 END AS ended_on,
				   CASE WHEN l.decided_on > r.valid_until AND l.submitted_on <= r.valid_until
						THEN pg_catalog.format('validity ended on %s; renewal application %s %s on %s', r.valid_until, l.application_id, l.status, l.decided_on)
						ELSE pg_catalog.format('validity ended on %s without renewal', r.valid_until) END AS reason
			FROM ismap.registration r
			LEFT JOIN pending p ON p.service_id = r.service_id AND p.submitted_on <= r.valid_until
			LEFT JOIN late l ON l.service_id = r.service_id
			WHERE r.status = ANY (ARRAY['active', 'suspended']) AND r.valid_until < d
		),
		upd AS (
			UPDATE ismap.registration r
			SET status = 'expired', ended_on = x.ended_on, end_reason = x.reason, run_id = run
			FROM past x
			WHERE NOT dry AND x.pending_application IS NULL
			  AND r.registration_id = x.registration_id
			  AND r.status = ANY (ARRAY['active', 'suspended'])
			RETURNING r.registration_id, r.registration_number, r.end_reason
		),
		ins AS (
			INSERT INTO ismap.notice (kind, object_id, occasion, as_of, detail, run_id)
			SELECT 'renewal_pending', x.registration_id, x.valid_until, d,
				   pg_catalog.format('%s: valid until %s, kept while renewal application %s (filed %s) is under review',
					   x.registration_number, x.valid_until, x.pending_application, x.pending_since), run
			FROM past x
			WHERE NOT dry AND x.pending_application IS NOT NULL
			ON CONFLICT ON CONSTRAINT notice_once DO NOTHING
			RETURNING notice.object_id, notice.detail
		)
		SELECT 'expired' AS act, u.registration_id AS id, pg_catalog.format('%s: %s', u.registration_number, u.end_reason) AS what
		FROM upd u
		UNION ALL
		SELECT 'kept', i.object_id, i.detail FROM ins i
		UNION ALL
		SELECT CASE WHEN x.pending_application IS NULL THEN 'expired' ELSE 'kept' END, x.registration_id,
			   CASE WHEN x.pending_application IS NULL THEN pg_catalog.format('%s: %s', x.registration_number, x.reason)
					ELSE pg_catalog.format('%s: valid until %s, kept while renewal application %s (filed %s) is under review',
						x.registration_number, x.valid_until, x.pending_application, x.pending_since) END
		FROM past x
		WHERE dry AND (x.pending_application IS NULL
			OR NOT EXISTS (SELECT 1 FROM ismap.notice n
						   WHERE n.kind = 'renewal_pending' AND n.object_id = x.registration_id
							 AND n.occasion = x.valid_until))
		ORDER BY 1, 2;
	GET DIAGNOSTICS n_past = ROW_COUNT;

	-- 2. renewal notices: for each registration the latest window reached
	-- (the first run inside 30 days writes the 30-day notice, not a late
	-- 90-day one), once; none once a renewal is filed
	PERFORM ismap_internal.job_progress(pg_catalog.format('renewals: %s registrations expired or kept; writing notices at %s days before expiry', n_past, windows));
	RETURN QUERY
	WITH cand AS (
		SELECT r.registration_id, r.registration_number, r.valid_until, w.days,
			   (r.valid_until OPERATOR(pg_catalog.-) w.days) AS occasion
		FROM ismap.registration r
		CROSS JOIN LATERAL (
			SELECT pg_catalog.min(x) AS days FROM pg_catalog.unnest(windows) x
			WHERE x OPERATOR(pg_catalog.>=) (r.valid_until OPERATOR(pg_catalog.-) d)) w
		WHERE r.status OPERATOR(pg_catalog.=) ANY (ARRAY['active', 'suspended'])
		  AND r.valid_until OPERATOR(pg_catalog.>=) d
		  AND r.valid_until OPERATOR(pg_catalog.<=) (d OPERATOR(pg_catalog.+) windows[pg_catalog.array_upper(windows, 1)])
		  AND NOT EXISTS (
			SELECT 1 FROM ismap.application a
			WHERE a.service_id OPERATOR(pg_catalog.=) r.service_id AND a.kind OPERATOR(pg_catalog.=) 'renewal'
			  AND a.submitted_on OPERATOR(pg_catalog.<=) d
			  AND (a.status OPERATOR(pg_catalog.=) ANY (ARRAY['submitted', 'accepted', 'in_review']) OR a.decided_on OPERATOR(pg_catalog.>) d))
	),
	fresh AS (
		SELECT c.*, pg_catalog.format('%s: valid until %s (%s days); %s-day renewal notice', c.registration_number,
				   c.valid_until, c.valid_until OPERATOR(pg_catalog.-) d, c.days) AS what
		FROM cand c
		WHERE c.days IS NOT NULL
		  AND (NOT dry OR NOT EXISTS (SELECT 1 FROM ismap.notice n
						  WHERE n.kind OPERATOR(pg_catalog.=) 'renewal_due' AND n.object_id OPERATOR(pg_catalog.=) c.registration_id
							AND n.occasion OPERATOR(pg_catalog.=) c.occasion))
	),
	ins AS (
		INSERT INTO ismap.notice (kind, object_id, occasion, window_days, as_of, detail, run_id)
		SELECT 'renewal_due', f.registration_id, f.occasion, f.days, d, f.what, run FROM fresh f WHERE NOT dry
		ON CONFLICT ON CONSTRAINT notice_once DO NOTHING
		RETURNING notice.object_id, notice.detail
	)
	SELECT 'notice', i.object_id, i.detail FROM ins i
	UNION ALL
	SELECT 'notice', f.registration_id, f.what FROM fresh f WHERE dry
	ORDER BY 2;
	GET DIAGNOSTICS n_notices = ROW_COUNT;

	-- 3. remediation plans past their due date (DESIGN 3.13): overdue, one
	-- notice each; validation of the service's next application reports
	-- REMEDIATION_OVERDUE for them
	PERFORM ismap_internal.job_progress(pg_catalog.format('renewals: %s notices; remediation plans due before %s', n_notices, d));
	RETURN QUERY
	WITH due AS (
		SELECT m.remediation_id, m.due_on,
			   pg_catalog.format('%s: remediation %s of control %s was due on %s', g.registration_number,
				   m.remediation_id, m.control_id, m.due_on) AS what
		FROM ismap.remediation m JOIN ismap.registration g ON g.registration_id = m.registration_id
		WHERE m.status = 'open' AND m.due_on < d
	),
	upd AS (
		UPDATE ismap.remediation m SET status = 'overdue', overdue_run_id = run
		FROM due x
		WHERE NOT dry AND m.remediation_id = x.remediation_id AND m.status = 'open'
		RETURNING m.remediation_id
	),
	ins AS (
		INSERT INTO ismap.notice (kind, object_id, occasion, as_of, detail, run_id)
		SELECT 'remediation_overdue', x.remediation_id, x.due_on, d, x.what, run
		FROM due x JOIN upd u ON u.remediation_id = x.remediation_id
		ON CONFLICT ON CONSTRAINT notice_once DO NOTHING
		RETURNING notice.object_id, notice.detail
	)
	SELECT 'overdue', i.object_id, i.detail FROM ins i
	UNION ALL
	SELECT 'overdue', x.remediation_id, x.what FROM due x WHERE dry
	ORDER BY 2;
END
$$;
COMMENT ON FUNCTION ismap_internal.job_renewals(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) IS 'the work of the renewals job, called by ismap.run_job (which holds the lock and records the run run_id, NULL for a dry run)';
REVOKE EXECUTE ON FUNCTION ismap_internal.job_renewals(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) FROM PUBLIC;
CREATE OR REPLACE FUNCTION ismap_internal.job_auditor_expiry(as_of pg_catalog.date, dry_run pg_catalog.bool, run_id pg_catalog.int8)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
SET jit = off
SET work_mem = '64MB'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
AS $$
#variable_conflict use_column
DECLARE
	d pg_catalog.date := job_auditor_expiry.as_of;
	dry pg_catalog.bool := job_auditor_expiry.dry_run;
	run pg_catalog.int8 := job_auditor_expiry.run_id;
	report_interval pg_catalog.interval := (ismap.policy_value('audit_body_report_interval') #>> '{}')::pg_catalog.interval;
	n_expired pg_catalog.int8;
	n_overdue pg_catalog.int8;
	n_apps pg_catalog.int8;
BEGIN

	-- 1. selections whose term ended (active or suspended) expire
	RETURN QUERY
	WITH due AS (
		SELECT s.selection_id, b.name, s.valid_from, s.valid_until, s.status
		FROM ismap.audit_body_selection s JOIN ismap.audit_body b ON b.audit_body_id OPERATOR(pg_catalog.=) s.audit_body_id
		WHERE s.status OPERATOR(pg_catalog.=) ANY (ARRAY['active', 'suspended']) AND s.valid_until OPERATOR(pg_catalog.<) d
	),
	upd AS (
		UPDATE ismap.audit_body_selection s
		SET status = 'expired', status_reason = pg_catalog.format('term ended on %s (was %s)', s.valid_until, s.status)
		FROM due
		WHERE NOT dry AND s.selection_id OPERATOR(pg_catalog.=) due.selection_id
		  AND s.status OPERATOR(pg_catalog.=) ANY (ARRAY['active', 'suspended'])
		RETURNING s.selection_id
	)
	SELECT 'expired', due.selection_id,
		   pg_catalog.format('%s: selection %s to %s (%s) expired', due.name, due.valid_from, due.valid_until, due.status)
	FROM due WHERE dry OR due.selection_id IN (SELECT u.selection_id FROM upd u)
	ORDER BY 2;
	GET DIAGNOSTICS n_expired = ROW_COUNT;

	-- 2. monitoring reports overdue: flagged once per due date (a report
	-- received moves next_report_due, and a new date can be flagged again)
	RETURN QUERY
	WITH overdue AS (
		SELECT s.selection_id, b.name, x.due
		FROM ismap.audit_body_selection s
		JOIN ismap.audit_body b ON b.audit_body_id OPERATOR(pg_catalog.=) s.audit_body_id
		CROSS JOIN LATERAL (SELECT COALESCE(s.next_report_due, (s.valid_from OPERATOR(pg_catalog.+) report_interval)::pg_catalog.date) AS due) x
		WHERE s.status OPERATOR(pg_catalog.=) 'active' AND s.valid_until OPERATOR(pg_catalog.>=) d
		  AND x.due OPERATOR(pg_catalog.<) d
		  AND NOT EXISTS (SELECT 1 FROM ismap.notice n
						  WHERE n.kind OPERATOR(pg_catalog.=) 'report_overdue' AND n.object_id OPERATOR(pg_catalog.=) s.selection_id
							AND n.occasion OPERATOR(pg_catalog.=) x.due)
	),
	ins AS (
		INSERT INTO ismap.notice (kind, object_id, occasion, as_of, detail, run_id)
		SELECT 'report_overdue', o.selection_id, o.due, d,
			   pg_catalog.format('%s: monitoring report due on %s not received', o.name, o.due), run
		FROM overdue o WHERE NOT dry
		ON CONFLICT ON CONSTRAINT notice_once DO NOTHING
		RETURNING notice.object_id, notice.detail
	)
	SELECT 'report_overdue', i.object_id, i.detail FROM ins i
	UNION ALL
	SELECT 'report_overdue', o.selection_id, pg_catalog.format('%s: monitoring report due on %s not received', o.name, o.due)
	FROM overdue o WHERE dry
	ORDER BY 2;
	GET DIAGNOSTICS n_overdue = ROW_COUNT;

	-- 3. open applications whose audit was reported by a body that was not
	-- selected on the report date (a formal defect, §3.3.3(4)).  Terms that
	-- ran out normally count for the days they covered; a selection now
	-- suspended or revoked does not count (its history is not kept), so
	-- the registrar looks at those.
	RETURN QUERY
	WITH bad AS (
		SELECT ap.application_id, ap.service_id, au.audit_id, au.report_date, b.name
		FROM ismap.application ap
		JOIN ismap.audit au ON au.audit_id OPERATOR(pg_catalog.=) ap.audit_id
		JOIN ismap.audit_body b ON b.audit_body_id OPERATOR(pg_catalog.=) au.audit_body_id
		WHERE ap.status OPERATOR(pg_catalog.=) ANY (ARRAY['submitted', 'accepted', 'in_review']) AND ap.submitted_on OPERATOR(pg_catalog.<=) d
		  AND NOT EXISTS (
			SELECT 1 FROM ismap.audit_body_selection s
			WHERE s.audit_body_id OPERATOR(pg_catalog.=) au.audit_body_id
			  AND s.status OPERATOR(pg_catalog.=) ANY (ARRAY['active', 'expired'])
			  AND au.report_date OPERATOR(pg_catalog.>=) s.valid_from AND au.report_date OPERATOR(pg_catalog.<=) s.valid_until)
		  AND NOT EXISTS (SELECT 1 FROM ismap.notice n
						  WHERE n.kind OPERATOR(pg_catalog.=) 'body_not_selected' AND n.object_id OPERATOR(pg_catalog.=) ap.application_id
							AND n.occasion OPERATOR(pg_catalog.=) au.report_date)
	),
	ins AS (
		INSERT INTO ismap.notice (kind, object_id, occasion, as_of, detail, run_id)
		SELECT 'body_not_selected', x.application_id, x.report_date, d,
			   pg_catalog.format('application %s (service %s): audit %s reported on %s by %s, not selected on that day',
				   x.application_id, x.service_id, x.audit_id, x.report_date, x.name), run
		FROM bad x WHERE NOT dry
		ON CONFLICT ON CONSTRAINT notice_once DO NOTHING
		RETURNING notice.object_id, notice.detail
	)
	SELECT 'body_not_selected', i.object_id, i.detail FROM ins i
	UNION ALL
	SELECT 'body_not_selected', x.application_id,
		   pg_catalog.format('application %s (service %s): audit %s reported on %s by %s, not selected on that day',
			   x.application_id, x.service_id, x.audit_id, x.report_date, x.name)
	FROM bad x WHERE dry
	ORDER BY 2;
	GET DIAGNOSTICS n_apps = ROW_COUNT;
END
$$;
COMMENT ON FUNCTION ismap_internal.job_auditor_expiry(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) IS 'the work of the auditor-expiry job, called by ismap.run_job (which holds the lock and records the run run_id, NULL for a dry run)';
REVOKE EXECUTE ON FUNCTION ismap_internal.job_auditor_expiry(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) FROM PUBLIC;
CREATE OR REPLACE FUNCTION ismap.audit_party(p_audit_id pg_catalog.int8, OUT audit_body_id pg_catalog.int8,
	OUT csp_id pg_catalog.int8, OUT open pg_catalog.bool)
LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT a.audit_body_id, s.csp_id,
		   NOT EXISTS (SELECT 1 FROM ismap.application ap
					   WHERE ap.audit_id = a.audit_id
						 AND ap.status <> ALL (ARRAY['submitted', 'accepted', 'in_review', 'returned']))
	FROM ismap.audit a JOIN ismap.service s ON s.service_id = a.service_id
	WHERE a.audit_id = p_audit_id
	  -- only an audit of a party the session may act for
	  AND EXISTS (SELECT 1 FROM ismap.principal_binding b
				  WHERE (b.csp_id = s.csp_id OR b.audit_body_id = a.audit_body_id)
					AND pg_catalog.pg_has_role(SESSION_USER, b.role_name, 'MEMBER'))
$$;
COMMENT ON FUNCTION ismap.audit_party(pg_catalog.int8) IS 'the audit body and provider of an audit, and whether it is still open (no application on it approved, rejected or withdrawn; a returned one leaves it open)';
CREATE OR REPLACE FUNCTION ismap.principal(p_role_name pg_catalog.name, p_audit_body_id pg_catalog.int8 DEFAULT NULL,
	p_csp_id pg_catalog.int8 DEFAULT NULL) RETURNS ismap.principal_binding
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	res ismap.principal_binding;
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = p_role_name) THEN
		RAISE EXCEPTION 'role "%" does not exist', p_role_name USING ERRCODE = 'undefined_object';
	END IF;
	-- every provider (auditor) login is a member of ismap_csp (ismap_auditor)
	-- and may SET ROLE to it: bound to a party, a group role would let each
	-- of them act for that party
	IF p_role_name IN ('ismap_reader', 'ismap_registrar', 'ismap_auditor', 'ismap_csp', 'ismap_jobs', 'ismap_reviewer') THEN
		RAISE EXCEPTION 'role "%" is a group role of the extension: bind a role of one person or one party', p_role_name
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'Its members may SET ROLE to it, and would all act for the party.';
	END IF;
	IF (p_audit_body_id IS NULL) = (p_csp_id IS NULL) THEN
		RAISE EXCEPTION 'a principal acts for exactly one audit body or one provider'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	INSERT INTO ismap.principal_binding AS b (role_name, audit_body_id, csp_id)
	VALUES (p_role_name, p_audit_body_id, p_csp_id)
	ON CONFLICT (role_name) DO UPDATE SET audit_body_id = EXCLUDED.audit_body_id, csp_id = EXCLUDED.csp_id,
		bound_at = pg_catalog.now()
	RETURNING * INTO res;
	RETURN res;
END
$$;
COMMENT ON FUNCTION ismap.principal(pg_catalog.name, pg_catalog.int8, pg_catalog.int8) IS 'tie a login role to the audit body or provider it acts for (registrar)';
CREATE OR REPLACE FUNCTION ismap.create_roles() RETURNS pg_catalog.text[]
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	made pg_catalog.text[] := '{}';
	r pg_catalog.text;
	f pg_catalog.regprocedure;
	owner pg_catalog.name;
BEGIN
	IF NOT (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = CURRENT_USER) THEN
		RAISE EXCEPTION 'ismap.create_roles() must be run by a superuser' USING ERRCODE = 'insufficient_privilege';
	END IF;
	FOREACH r IN ARRAY ARRAY['ismap_reader', 'ismap_registrar', 'ismap_auditor', 'ismap_csp', 'ismap_jobs', 'ismap_reviewer'] LOOP
		IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r) THEN
			EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN', r);
			made := made || r;
		END IF;
		EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA ismap TO %I', r);
	END LOOP;
	SELECT pg_catalog.pg_get_userbyid(n.nspowner) INTO owner FROM pg_catalog.pg_namespace n WHERE n.nspname = 'ismap';

	-- everyone: the catalogs, the published registry and its reports, the policy
	GRANT SELECT ON ismap.framework, ismap.control, ismap.baseline, ismap.baseline_control,
		ismap.control_mapping, ismap.control_reference, ismap.control_group, ismap.control_param, ismap.policy,
		ismap.service_change, ismap.sla_template,
		ismap.sampling_table, ismap.registry, ismap.registry_listing, ismap.registration, ismap.registry_event, ismap.event_chain_seal,
		ismap.audit_body, ismap.audit_body_selection, ismap.csp, ismap.service, ismap.service_dependency,
		ismap.job
		TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs, ismap_reviewer;
	-- the registrar: every table to read; edits the catalogs, the policy,
	-- the parties and the classification; decides through the functions.
	-- Its table-level UPDATE and DELETE let it LOCK these tables in any
	-- mode: it is staff and trusted, as their only editor (docs/security.md,
	-- A2-09); no party holds such a privilege on any table
	GRANT SELECT ON ALL TABLES IN SCHEMA ismap TO ismap_registrar;
	GRANT INSERT, UPDATE, DELETE ON ismap.framework, ismap.control, ismap.baseline, ismap.baseline_control,
		ismap.control_mapping, ismap.control_reference, ismap.control_group, ismap.control_param,
		ismap.sla_template, ismap.sampling_table,
		ismap.audit_body, ismap.auditor, ismap.auditor_qualification, ismap.audit_body_selection,
		ismap.csp, ismap.organization, ismap.information_asset, ismap.information_system, ismap.system_asset
		TO ismap_registrar;
	GRANT INSERT, UPDATE ON ismap.policy TO ismap_registrar;
	GRANT SELECT ON ismap.organization, ismap.information_asset, ismap.information_system,
		ismap.system_asset TO ismap_reader;
	-- an auditor: its own body's people and audits; statements, results
	-- and control tests of its own audits while they are open
	GRANT SELECT ON ismap.review_finding TO ismap_auditor, ismap_csp;
	GRANT SELECT ON ismap.remediation TO ismap_csp;
	GRANT SELECT ON ismap.application_timeline TO ismap_auditor, ismap_csp;
	GRANT SELECT ON ismap.auditor, ismap.auditor_qualification, ismap.audit, ismap.application,
		ismap.statement_item, ismap.audit_result, ismap.control_test, ismap.control_test_evaluation TO ismap_auditor;
	-- A table-level UPDATE or DELETE would let a party LOCK the whole table
	-- in any mode and stall every other party (A2-09): the parties get
	-- column-level UPDATE, and delete through ismap.delete_* (0.2.0 granted
	-- the whole tables: taken back first, which takes the columns' too)
	REVOKE UPDATE, DELETE ON ismap.audit_result, ismap.control_test FROM ismap_auditor;
	REVOKE UPDATE, DELETE ON ismap.statement_item FROM ismap_csp;
	REVOKE DELETE ON ismap.service_dependency FROM ismap_csp;
	GRANT INSERT ON ismap.audit_result, ismap.control_test TO ismap_auditor;
	GRANT UPDATE (audit_id, control_id, result, rationale) ON ismap.audit_result TO ismap_auditor;
	GRANT UPDATE (audit_id, control_id, frequency, population, sample_size, deviations, seed)
		ON ismap.control_test TO ismap_auditor;
	-- every column of an audit but its decision date, which only the
	-- decisions write (0.2.0 granted the whole table: taken back first)
	REVOKE INSERT, UPDATE ON ismap.audit FROM ismap_auditor;
	GRANT INSERT (audit_id, service_id, audit_body_id, lead_auditor_id, kind, target_level, framework_id,
				  period_start, period_end, report_date, scope, supersedes_audit_id),
		  UPDATE (service_id, audit_body_id, lead_auditor_id, kind, target_level, framework_id,
				  period_start, period_end, report_date, scope, supersedes_audit_id) ON ismap.audit TO ismap_auditor;
	-- a provider: its own services, platforms, statements and applications
	-- a registered service's scope and models change only through a reported
	-- change and a new audit, and only an audit decides that a platform was
	-- assessed: the provider holds no privilege on those columns
	GRANT INSERT ON ismap.service TO ismap_csp;
	GRANT UPDATE (name, responsibility) ON ismap.service TO ismap_csp;
	GRANT INSERT (service_id, base_service_id) ON ismap.service_dependency TO ismap_csp;
	GRANT INSERT ON ismap.statement_item TO ismap_csp;
	GRANT UPDATE (audit_id, framework_id, control_id, selected, exclusion_reason) ON ismap.statement_item TO ismap_csp;
	GRANT UPDATE (self_assessed_audit_id) ON ismap.service_dependency TO ismap_auditor, ismap_registrar;
	GRANT SELECT, INSERT ON ismap.application TO ismap_csp;
	GRANT UPDATE (status, decided_on, decision_reason) ON ismap.application TO ismap_csp;
	GRANT SELECT ON ismap.audit, ismap.statement_item, ismap.audit_result, ismap.control_test,
		ismap.control_test_evaluation TO ismap_csp;
	GRANT UPDATE (name, address) ON ismap.csp TO ismap_csp;
	-- a provider reports its own services' changes and feeds their evidence
	-- (what was reported: not its coverage, nor the reporting date)
	GRANT SELECT ON ismap.service_change, ismap.evidence TO ismap_csp;
	REVOKE INSERT ON ismap.service_change FROM ismap_csp;
	GRANT INSERT (service_id, kind, effective_on, description, reported_by) ON ismap.service_change TO ismap_csp;
	GRANT INSERT ON ismap.evidence TO ismap_csp;
	GRANT INSERT ON ismap.service_change TO ismap_registrar;
	GRANT USAGE ON ALL SEQUENCES IN SCHEMA ismap TO ismap_registrar, ismap_auditor, ismap_csp;
	-- but not the numbers of what only the extension's functions write:
	-- nextval would burn event and registration ids, leaving gaps that
	-- look like deleted rows
	REVOKE USAGE ON SEQUENCE ismap.registry_event_event_id_seq, ismap.registration_registration_id_seq,
		ismap.job_run_run_id_seq, ismap.notice_notice_id_seq, ismap.review_finding_finding_id_seq,
		ismap.remediation_remediation_id_seq FROM ismap_registrar, ismap_auditor, ismap_csp;
	-- jobs: read what the batch functions read
	-- (the batch functions have the owner's rights; the role itself reads
	-- only its runs and notices, besides what everyone reads)
	GRANT SELECT ON ismap.job_run, ismap.notice, ismap.job_health TO ismap_jobs;
	-- the reviewer (the operations support body, 0.3.0): reads what the
	-- registrar reads; it writes nothing but through the review functions.
	-- Granted last, as an upgrade adds it to the older grants (pg_dump
	-- prints a table's grantees in the order granted)
	GRANT SELECT ON ALL TABLES IN SCHEMA ismap TO ismap_reviewer;

	-- functions: everything that only reads, to every role; what writes,
	-- to the one role that needs it
	FOR f IN
		SELECT p.oid::pg_catalog.regprocedure FROM pg_catalog.pg_proc p
		JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.objid = p.oid AND d.deptype = 'e'
		JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'ismap'
		WHERE p.pronamespace = 'ismap'::pg_catalog.regnamespace
		  AND p.provolatile IN ('i', 's') AND p.prorettype <> 'pg_catalog.trigger'::pg_catalog.regtype
		  AND NOT p.prosecdef
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs, ismap_reviewer', f);
	END LOOP;
	FOR f, r IN
		SELECT p.oid::pg_catalog.regprocedure, g.role FROM pg_catalog.pg_proc p
		JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace AND n.nspname = 'ismap'
		-- register is nobody's (DESIGN 3.13): every registration goes
		-- through approve_application
		JOIN (VALUES ('approve_application', 'ismap_registrar'),
					 ('accept_application', 'ismap_reviewer'), ('return_application', 'ismap_reviewer'),
					 ('raise_finding', 'ismap_reviewer'), ('resolve_finding', 'ismap_reviewer'),
					 ('respond_finding', 'ismap_csp'), ('respond_finding', 'ismap_auditor'),
					 ('withdraw_application', 'ismap_csp'),
					 ('plan_remediation', 'ismap_reviewer'), ('plan_remediation', 'ismap_csp'),
					 ('complete_remediation', 'ismap_reviewer'), ('complete_remediation', 'ismap_csp'),
					 ('reject_application', 'ismap_registrar'), ('delist', 'ismap_registrar'),
					 ('principal', 'ismap_registrar'), ('import_control_standard_csv', 'ismap_registrar'),
					 ('import_nist_iso27001_mapping', 'ismap_registrar'), ('import_oscal_catalog', 'ismap_registrar'),
					 ('import_oscal_profile', 'ismap_registrar'),
					 ('delete_statement_item', 'ismap_csp'), ('delete_service_dependency', 'ismap_csp'),
					 ('delete_audit_result', 'ismap_auditor'), ('delete_control_test', 'ismap_auditor'),
					 ('run_renewals', 'ismap_jobs'), ('expire_audit_body_selections', 'ismap_jobs'),
					 ('cascade_delistings', 'ismap_jobs'), ('run_changes', 'ismap_jobs'),
					 ('job_start', 'ismap_jobs'), ('job_finish', 'ismap_jobs'), ('job_mark_stale', 'ismap_jobs'),
					 ('prune_job_runs', 'ismap_jobs'), ('run_job', 'ismap_jobs'), ('seal_event_chain', 'ismap_jobs'),
					 ('ensure_evidence_partitions', 'ismap_jobs'), ('ensure_evidence_partitions', 'ismap_registrar'),
					 -- owner's rights, for the applications the caller may see
					 ('validate_application', 'ismap_registrar'), ('validate_application', 'ismap_auditor'),
					 ('validate_application', 'ismap_csp'), ('validate_application', 'ismap_jobs'),
					 ('validate_application', 'ismap_reviewer')) g(fn, role)
		  ON g.fn = p.proname
		-- in a fixed order: a function's ACL lists its grantees in the
		-- order granted, and an upgrade must end with a fresh install's
		ORDER BY g.fn, g.role
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO %I', f, r);
	END LOOP;

	-- 0.2.0 let the registrar call register() alone, without validation:
	-- taken back (DESIGN 3.13)
	REVOKE EXECUTE ON FUNCTION ismap.register(pg_catalog.int8, pg_catalog.date) FROM ismap_registrar;

	-- the event chain's checks have the owner's rights (they read every
	-- event, also those row-level security hides from the caller) and tell
	-- only whether the chain holds, which event breaks it, and the head's
	-- hash: every role runs them
	FOR f IN
		SELECT p.oid::pg_catalog.regprocedure FROM pg_catalog.pg_proc p
		WHERE p.pronamespace = 'ismap'::pg_catalog.regnamespace
		  AND p.proname = ANY (ARRAY['verify_event_chain', 'event_chain_full_check', 'event_chain_head'])
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs, ismap_reviewer', f);
	END LOOP;
	-- what reads tables a role may not read is not granted to it (the
	-- function would only refuse it inside): the change status reads the
	-- applications, the classification the agencies' systems
	REVOKE EXECUTE ON FUNCTION ismap.change_status(pg_catalog.date) FROM ismap_reader, ismap_jobs;
	REVOKE EXECUTE ON FUNCTION ismap.classification_findings(pg_catalog.int8), ismap.classification_findings_all(pg_catalog.int8),
		ismap.classify_system(pg_catalog.int8), ismap.eligible_services(pg_catalog.int8, pg_catalog.date),
		ismap.required_level(pg_catalog.int8) FROM ismap_auditor, ismap_csp, ismap_jobs;
	-- a control test's items read the test (its provider, its auditor, the
	-- registrar); a control's health the evidence (its provider, the
	-- registrar, the jobs)
	REVOKE EXECUTE ON FUNCTION ismap.control_test_items(pg_catalog.int8, ismap.ctrlid) FROM ismap_reader, ismap_jobs;
	REVOKE EXECUTE ON FUNCTION ismap.control_health(pg_catalog.int8, pg_catalog.date, pg_catalog.interval) FROM ismap_reader, ismap_auditor;

	-- the policies' helpers run in the querying role's name: only the roles
	-- whose policies call them get them
	GRANT EXECUTE ON FUNCTION ismap.principal_audit_body(pg_catalog.name), ismap.principal_csp(pg_catalog.name),
		ismap.audit_party(pg_catalog.int8), ismap.service_csp(pg_catalog.int8) TO ismap_auditor, ismap_csp;

	-- row-level policies (re-created, so a second run changes nothing)
	PERFORM ismap_internal.create_policies();
	RETURN made;
END
$$;
COMMENT ON FUNCTION ismap.create_roles() IS 'superuser: create the six ismap roles if missing, grant them least privilege and create the row-level policies; idempotent; returns the roles it created';
CREATE OR REPLACE FUNCTION ismap_internal.create_policies() RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	p record;
BEGIN
	FOR p IN
		SELECT pol.polname, c.relname FROM pg_catalog.pg_policy pol
		JOIN pg_catalog.pg_class c ON c.oid = pol.polrelid
		JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'ismap'
	LOOP
		EXECUTE pg_catalog.format('DROP POLICY %I ON ismap.%I', p.polname, p.relname);
	END LOOP;

	-- the owner's SECURITY DEFINER functions and the registrar and jobs see all
	CREATE POLICY staff ON ismap.audit TO ismap_registrar, ismap_reviewer, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.statement_item TO ismap_registrar, ismap_reviewer, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.audit_result TO ismap_registrar, ismap_reviewer, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.control_test TO ismap_registrar, ismap_reviewer, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.application TO ismap_registrar, ismap_reviewer, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.auditor TO ismap_registrar, ismap_reviewer, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.auditor_qualification TO ismap_registrar, ismap_reviewer, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.principal_binding TO ismap_registrar, ismap_reviewer, ismap_jobs USING (true);
	EXECUTE pg_catalog.format('CREATE POLICY owner ON ismap.statement_item TO %I USING (true)',
		(SELECT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c WHERE c.oid = 'ismap.statement_item'::pg_catalog.regclass));
	EXECUTE pg_catalog.format('CREATE POLICY owner ON ismap.audit_result TO %I USING (true)',
		(SELECT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c WHERE c.oid = 'ismap.audit_result'::pg_catalog.regclass));
	EXECUTE pg_catalog.format('CREATE POLICY owner ON ismap.control_test TO %I USING (true)',
		(SELECT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c WHERE c.oid = 'ismap.control_test'::pg_catalog.regclass));

	-- What is public (docs/security.md): a service once registered (live or
	-- ended), its platforms and its provider.  A service never registered
	-- is seen by the registrar, its own provider and the audit bodies
	-- auditing it (or a service built on it); its provider, until one of its
	-- services is registered, by the registrar and the parties that see one
	-- of them.  The batch jobs (the owner's rights) read what is public.  The
	-- policies of service_dependency name registration and audit, not
	-- service, so that service's may read them without recursion.
	CREATE POLICY staff ON ismap.service FOR SELECT TO ismap_registrar, ismap_reviewer USING (true);
	CREATE POLICY staff ON ismap.service_dependency FOR SELECT TO ismap_registrar, ismap_reviewer USING (true);
	CREATE POLICY registrar ON ismap.csp TO ismap_registrar USING (true);
	CREATE POLICY reviewer ON ismap.csp FOR SELECT TO ismap_reviewer USING (true);
	CREATE POLICY published ON ismap.service FOR SELECT TO ismap_reader, ismap_auditor, ismap_csp, ismap_jobs
		USING (EXISTS (SELECT 1 FROM ismap.registration r WHERE r.service_id = service.service_id));
	CREATE POLICY published ON ismap.service_dependency FOR SELECT TO ismap_reader, ismap_auditor, ismap_csp, ismap_jobs
		USING (EXISTS (SELECT 1 FROM ismap.registration r WHERE r.service_id = service_dependency.service_id));
	CREATE POLICY published ON ismap.csp FOR SELECT TO ismap_reader, ismap_auditor, ismap_csp, ismap_jobs
		USING (EXISTS (SELECT 1 FROM ismap.service s WHERE s.csp_id = csp.csp_id));
	CREATE POLICY own_services_read ON ismap.service FOR SELECT TO ismap_csp
		USING (csp_id = ismap.principal_csp(current_user));
	CREATE POLICY own_services_read ON ismap.service_dependency FOR SELECT TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY own_row_read ON ismap.csp FOR SELECT TO ismap_csp
		USING (csp_id = ismap.principal_csp(current_user));
	CREATE POLICY audited ON ismap.service FOR SELECT TO ismap_auditor
		USING (EXISTS (SELECT 1 FROM ismap.audit a WHERE a.service_id = service.service_id)
			OR EXISTS (SELECT 1 FROM ismap.service_dependency d JOIN ismap.audit a ON a.service_id = d.service_id
					   WHERE d.base_service_id = service.service_id));
	CREATE POLICY audited ON ismap.service_dependency FOR SELECT TO ismap_auditor
		USING (EXISTS (SELECT 1 FROM ismap.audit a WHERE a.service_id = service_dependency.service_id));

	-- an auditor: its own body
	CREATE POLICY own_body ON ismap.auditor TO ismap_auditor
		USING (audit_body_id = ismap.principal_audit_body(current_user));
	CREATE POLICY own_body ON ismap.auditor_qualification FOR SELECT TO ismap_auditor
		USING (EXISTS (SELECT 1 FROM ismap.auditor a WHERE a.auditor_id = auditor_qualification.auditor_id));
	-- an additional audit supersedes only an open audit of its own body
	CREATE POLICY own_body ON ismap.audit TO ismap_auditor
		USING (audit_body_id = ismap.principal_audit_body(current_user))
		WITH CHECK (audit_body_id = ismap.principal_audit_body(current_user)
			AND (SELECT o.open FROM ismap.audit_party(audit_id) o) IS NOT false
			AND (supersedes_audit_id IS NULL
				OR (SELECT o.audit_body_id = ismap.principal_audit_body(current_user) AND o.open
					FROM ismap.audit_party(supersedes_audit_id) o) IS TRUE));
	CREATE POLICY own_body ON ismap.application FOR SELECT TO ismap_auditor
		USING ((SELECT o.audit_body_id FROM ismap.audit_party(audit_id) o) = ismap.principal_audit_body(current_user));
	CREATE POLICY own_open_audit ON ismap.statement_item FOR SELECT TO ismap_auditor
		USING ((SELECT o.audit_body_id = ismap.principal_audit_body(current_user) AND o.open FROM ismap.audit_party(audit_id) o));
	CREATE POLICY own_open_audit ON ismap.audit_result TO ismap_auditor
		USING ((SELECT o.audit_body_id = ismap.principal_audit_body(current_user) AND o.open FROM ismap.audit_party(audit_id) o));
	CREATE POLICY own_open_audit ON ismap.control_test TO ismap_auditor
		USING ((SELECT o.audit_body_id = ismap.principal_audit_body(current_user) AND o.open FROM ismap.audit_party(audit_id) o));

	-- a provider: its own services, platforms, statements, applications;
	-- it reads its own audits' results
	CREATE POLICY own_row ON ismap.csp FOR UPDATE TO ismap_csp
		USING (csp_id = ismap.principal_csp(current_user));
	CREATE POLICY own_services ON ismap.service FOR INSERT TO ismap_csp
		WITH CHECK (csp_id = ismap.principal_csp(current_user));
	CREATE POLICY own_services_update ON ismap.service FOR UPDATE TO ismap_csp
		USING (csp_id = ismap.principal_csp(current_user));
	CREATE POLICY own_services ON ismap.service_dependency FOR INSERT TO ismap_csp
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY own_services_update ON ismap.service_dependency FOR UPDATE TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY own_services_delete ON ismap.service_dependency FOR DELETE TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	-- self_assessed_audit_id, granted to the registrar and the auditors, was
	-- updatable through no policy: their updates changed nothing, silently
	-- (M6).  The registrar records it; an auditor, with an audit of its own
	-- body, on a dependency not already marked by another body's audit
	-- (marking with another body's audit is refused: 42501)
	CREATE POLICY staff_update ON ismap.service_dependency FOR UPDATE TO ismap_registrar USING (true);
	CREATE POLICY own_audit ON ismap.service_dependency FOR UPDATE TO ismap_auditor
		USING (self_assessed_audit_id IS NULL
			OR (SELECT o.audit_body_id FROM ismap.audit_party(self_assessed_audit_id) o) = ismap.principal_audit_body(current_user))
		WITH CHECK (self_assessed_audit_id IS NULL
			OR (SELECT o.audit_body_id FROM ismap.audit_party(self_assessed_audit_id) o) = ismap.principal_audit_body(current_user));
	CREATE POLICY own_audits ON ismap.audit FOR SELECT TO ismap_csp
		USING ((SELECT o.csp_id FROM ismap.audit_party(audit_id) o) = ismap.principal_csp(current_user));
	CREATE POLICY own_open_statement ON ismap.statement_item FOR SELECT TO ismap_csp
		USING ((SELECT o.csp_id = ismap.principal_csp(current_user) FROM ismap.audit_party(audit_id) o));
	-- writes (a DELETE checks USING only) while the audit is open
	CREATE POLICY own_open_statement_write ON ismap.statement_item FOR ALL TO ismap_csp
		USING ((SELECT o.csp_id = ismap.principal_csp(current_user) AND o.open FROM ismap.audit_party(audit_id) o))
		WITH CHECK ((SELECT o.csp_id = ismap.principal_csp(current_user) AND o.open FROM ismap.audit_party(audit_id) o));
	CREATE POLICY own_results ON ismap.audit_result FOR SELECT TO ismap_csp
		USING ((SELECT o.csp_id FROM ismap.audit_party(audit_id) o) = ismap.principal_csp(current_user));
	CREATE POLICY own_tests ON ismap.control_test FOR SELECT TO ismap_csp
		USING ((SELECT o.csp_id FROM ismap.audit_party(audit_id) o) = ismap.principal_csp(current_user));
	CREATE POLICY own_applications ON ismap.application FOR SELECT TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	-- a provider files applications (submitted) and may withdraw them; it
	-- never decides (nor records acknowledgements, approve_application's)
	CREATE POLICY file_own ON ismap.application FOR INSERT TO ismap_csp
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user) AND status = 'submitted'
			AND submitted_on = CURRENT_DATE AND acknowledged IS NULL AND accepted_on IS NULL AND review_started_on IS NULL
			AND (SELECT o.open FROM ismap.audit_party(audit_id) o));
	-- the withdrawal is dated today, by the server's clock (M4)
	CREATE POLICY withdraw_own ON ismap.application FOR UPDATE TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user)
			AND status = ANY (ARRAY['submitted', 'accepted', 'in_review']))
		WITH CHECK (status = 'withdrawn' AND decided_on = CURRENT_DATE);
	-- review findings: the reviewer and the registrar see all; the
	-- provider and the audit body those of the applications they see (both
	-- parties read the whole exchange); everyone writes through the
	-- review functions only
	CREATE POLICY staff ON ismap.review_finding FOR SELECT TO ismap_registrar, ismap_reviewer USING (true);
	CREATE POLICY party ON ismap.review_finding FOR SELECT TO ismap_auditor, ismap_csp
		USING (EXISTS (SELECT 1 FROM ismap.application a WHERE a.application_id = review_finding.application_id));
	-- remediation plans: the reviewer and the registrar; a provider those of
	-- its own registrations; written through the remediation functions only
	CREATE POLICY staff ON ismap.remediation FOR SELECT TO ismap_registrar, ismap_reviewer USING (true);
	CREATE POLICY own_services ON ismap.remediation FOR SELECT TO ismap_csp
		USING (ismap.service_csp((SELECT g.service_id FROM ismap.registration g
								   WHERE g.registration_id = remediation.registration_id)) = ismap.principal_csp(current_user));
	CREATE POLICY own_binding ON ismap.principal_binding FOR SELECT TO ismap_auditor, ismap_csp
		USING (role_name = current_user);
	-- a change report is its provider's, the registrar's and, for a service
	-- its body audits, an auditor's (DESIGN 3.9: not public)
	CREATE POLICY staff ON ismap.service_change TO ismap_registrar USING (true);
	CREATE POLICY reviewer ON ismap.service_change FOR SELECT TO ismap_reviewer USING (true);
	CREATE POLICY audited ON ismap.service_change FOR SELECT TO ismap_auditor
		USING (EXISTS (SELECT 1 FROM ismap.audit a WHERE a.service_id = service_change.service_id));
	CREATE POLICY own_services ON ismap.service_change TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user))
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	-- the event log: the events of registrations are public (DESIGN 3.9);
	-- change reports, their coverage, rejections and platform changes are
	-- the registrar's, the provider's and the auditing body's.  The chain's
	-- checks have the owner's rights and read every event.
	CREATE POLICY staff ON ismap.registry_event FOR SELECT TO ismap_registrar, ismap_reviewer USING (true);
	CREATE POLICY published ON ismap.registry_event FOR SELECT TO ismap_reader, ismap_auditor, ismap_csp, ismap_jobs
		USING (kind = ANY (ARRAY['registered', 'reinstated', 'expired', 'delisted', 'suspended', 'changed']));
	CREATE POLICY own_services ON ismap.registry_event FOR SELECT TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY audited ON ismap.registry_event FOR SELECT TO ismap_auditor
		USING (EXISTS (SELECT 1 FROM ismap.audit a WHERE a.service_id = registry_event.service_id));
	CREATE POLICY staff ON ismap.evidence TO ismap_registrar, ismap_reviewer, ismap_jobs USING (true);
	CREATE POLICY own_services ON ismap.evidence TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user))
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
END
$$;
COMMENT ON FUNCTION ismap_internal.create_policies() IS 'superuser: (re)create the row-level policies of the ismap roles (called by create_roles)';

-- every caller now locks through lock_application
DROP FUNCTION ismap_internal.lock_submitted_application(pg_catalog.int8);

-- ==== create_roles and create_policies as the merge of issues 19, 21, 22 left them ====
CREATE OR REPLACE FUNCTION ismap.create_roles() RETURNS pg_catalog.text[]
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	made pg_catalog.text[] := '{}';
	r pg_catalog.text;
	f pg_catalog.regprocedure;
	owner pg_catalog.name;
BEGIN
	IF NOT (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = CURRENT_USER) THEN
		RAISE EXCEPTION 'ismap.create_roles() must be run by a superuser' USING ERRCODE = 'insufficient_privilege';
	END IF;
	FOREACH r IN ARRAY ARRAY['ismap_reader', 'ismap_registrar', 'ismap_auditor', 'ismap_csp', 'ismap_jobs', 'ismap_reviewer'] LOOP
		IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r) THEN
			EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN', r);
			made := made || r;
		END IF;
		EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA ismap TO %I', r);
	END LOOP;
	SELECT pg_catalog.pg_get_userbyid(n.nspowner) INTO owner FROM pg_catalog.pg_namespace n WHERE n.nspname = 'ismap';

	-- everyone: the catalogs, the published registry and its reports, the policy
	GRANT SELECT ON ismap.framework, ismap.control, ismap.baseline, ismap.baseline_control,
		ismap.control_mapping, ismap.control_reference, ismap.control_group, ismap.control_param, ismap.policy,
		ismap.service_change, ismap.sla_template,
		ismap.sampling_table, ismap.registry, ismap.registry_listing, ismap.registration, ismap.registry_event, ismap.event_chain_seal,
		ismap.audit_body, ismap.audit_body_selection, ismap.csp, ismap.service, ismap.service_dependency,
		ismap.job
		TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs, ismap_reviewer;
	-- the registrar: every table to read; edits the catalogs, the policy,
	-- the parties and the classification; decides through the functions.
	-- Its table-level UPDATE and DELETE let it LOCK these tables in any
	-- mode: it is staff and trusted, as their only editor (docs/security.md,
	-- A2-09); no party holds such a privilege on any table
	GRANT SELECT ON ALL TABLES IN SCHEMA ismap TO ismap_registrar;
	GRANT INSERT, UPDATE, DELETE ON ismap.framework, ismap.control, ismap.baseline, ismap.baseline_control,
		ismap.control_mapping, ismap.control_reference, ismap.control_group, ismap.control_param,
		ismap.sla_template, ismap.sampling_table,
		ismap.audit_body, ismap.auditor, ismap.auditor_qualification, ismap.audit_body_selection,
		ismap.csp, ismap.organization, ismap.information_asset, ismap.information_system, ismap.system_asset
		TO ismap_registrar;
	GRANT INSERT, UPDATE ON ismap.policy TO ismap_registrar;
	GRANT SELECT ON ismap.organization, ismap.information_asset, ismap.information_system,
		ismap.system_asset TO ismap_reader;
	-- an auditor: its own body's people and audits; statements, results
	-- and control tests of its own audits while they are open
	GRANT SELECT ON ismap.review_finding TO ismap_auditor, ismap_csp;
	GRANT SELECT ON ismap.remediation TO ismap_csp;
	GRANT SELECT ON ismap.application_timeline TO ismap_auditor, ismap_csp;
	GRANT SELECT ON ismap.auditor, ismap.auditor_qualification, ismap.audit, ismap.application,
		ismap.statement_item, ismap.audit_result, ismap.control_test, ismap.control_test_evaluation TO ismap_auditor;
	-- A table-level UPDATE or DELETE would let a party LOCK the whole table
	-- in any mode and stall every other party (A2-09): the parties get
	-- column-level UPDATE, and delete through ismap.delete_* (0.2.0 granted
	-- the whole tables: taken back first, which takes the columns' too)
	REVOKE UPDATE, DELETE ON ismap.audit_result, ismap.control_test FROM ismap_auditor;
	REVOKE UPDATE, DELETE ON ismap.statement_item FROM ismap_csp;
	REVOKE DELETE ON ismap.service_dependency FROM ismap_csp;
	GRANT INSERT ON ismap.audit_result, ismap.control_test TO ismap_auditor;
	GRANT UPDATE (audit_id, control_id, result, rationale) ON ismap.audit_result TO ismap_auditor;
	GRANT UPDATE (audit_id, control_id, frequency, population, sample_size, deviations, seed)
		ON ismap.control_test TO ismap_auditor;
	-- every column of an audit but its decision date, which only the
	-- decisions write (0.2.0 granted the whole table: taken back first)
	REVOKE INSERT, UPDATE ON ismap.audit FROM ismap_auditor;
	GRANT INSERT (audit_id, service_id, audit_body_id, lead_auditor_id, kind, target_level, framework_id,
				  period_start, period_end, report_date, scope, supersedes_audit_id),
		  UPDATE (service_id, audit_body_id, lead_auditor_id, kind, target_level, framework_id,
				  period_start, period_end, report_date, scope, supersedes_audit_id) ON ismap.audit TO ismap_auditor;
	-- a provider: its own services, platforms, statements and applications
	-- a registered service's scope and models change only through a reported
	-- change and a new audit, and only an audit decides that a platform was
	-- assessed: the provider holds no privilege on those columns
	GRANT INSERT ON ismap.service TO ismap_csp;
	GRANT UPDATE (name, responsibility) ON ismap.service TO ismap_csp;
	GRANT INSERT (service_id, base_service_id) ON ismap.service_dependency TO ismap_csp;
	GRANT INSERT ON ismap.statement_item TO ismap_csp;
	GRANT UPDATE (audit_id, framework_id, control_id, selected, exclusion_reason) ON ismap.statement_item TO ismap_csp;
	GRANT UPDATE (self_assessed_audit_id) ON ismap.service_dependency TO ismap_auditor, ismap_registrar;
	GRANT SELECT, INSERT ON ismap.application TO ismap_csp;
	GRANT UPDATE (status, decided_on, decision_reason) ON ismap.application TO ismap_csp;
	GRANT SELECT ON ismap.audit, ismap.statement_item, ismap.audit_result, ismap.control_test,
		ismap.control_test_evaluation TO ismap_csp;
	GRANT UPDATE (name, address) ON ismap.csp TO ismap_csp;
	-- a provider reports its own services' changes and feeds their evidence
	-- (what was reported: not its coverage, nor the reporting date)
	GRANT SELECT ON ismap.service_change, ismap.evidence TO ismap_csp;
	REVOKE INSERT ON ismap.service_change FROM ismap_csp;
	GRANT INSERT (service_id, kind, effective_on, description, reported_by) ON ismap.service_change TO ismap_csp;
	GRANT INSERT ON ismap.evidence TO ismap_csp;
	GRANT INSERT ON ismap.service_change TO ismap_registrar;
	GRANT USAGE ON ALL SEQUENCES IN SCHEMA ismap TO ismap_registrar, ismap_auditor, ismap_csp;
	-- but not the numbers of what only the extension's functions write:
	-- nextval would burn event and registration ids, leaving gaps that
	-- look like deleted rows
	REVOKE USAGE ON SEQUENCE ismap.registry_event_event_id_seq, ismap.registration_registration_id_seq,
		ismap.job_run_run_id_seq, ismap.notice_notice_id_seq, ismap.review_finding_finding_id_seq,
		ismap.remediation_remediation_id_seq FROM ismap_registrar, ismap_auditor, ismap_csp;
	-- jobs: read what the batch functions read
	-- (the batch functions have the owner's rights; the role itself reads
	-- only its runs and notices, besides what everyone reads)
	GRANT SELECT ON ismap.job_run, ismap.notice, ismap.job_health TO ismap_jobs;
	-- the reviewer (the operations support body, 0.3.0): reads what the
	-- registrar reads; it writes nothing but through the review functions.
	-- Granted last, as an upgrade adds it to the older grants (pg_dump
	-- prints a table's grantees in the order granted)
	GRANT SELECT ON ALL TABLES IN SCHEMA ismap TO ismap_reviewer;

	-- every role may choose the language of its messages (lc_messages is a
	-- superuser setting; the grant reaches the login roles that are members)
	GRANT SET ON PARAMETER lc_messages TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs;

	-- functions: everything that only reads, to every role; what writes,
	-- to the one role that needs it
	FOR f IN
		SELECT p.oid::pg_catalog.regprocedure FROM pg_catalog.pg_proc p
		JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.objid = p.oid AND d.deptype = 'e'
		JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'ismap'
		WHERE p.pronamespace = 'ismap'::pg_catalog.regnamespace
		  AND p.provolatile IN ('i', 's') AND p.prorettype <> 'pg_catalog.trigger'::pg_catalog.regtype
		  AND NOT p.prosecdef
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs, ismap_reviewer', f);
	END LOOP;
	FOR f, r IN
		SELECT p.oid::pg_catalog.regprocedure, g.role FROM pg_catalog.pg_proc p
		JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace AND n.nspname = 'ismap'
		-- register is nobody's (DESIGN 3.13): every registration goes
		-- through approve_application
		JOIN (VALUES ('approve_application', 'ismap_registrar'),
					 ('accept_application', 'ismap_reviewer'), ('return_application', 'ismap_reviewer'),
					 ('raise_finding', 'ismap_reviewer'), ('resolve_finding', 'ismap_reviewer'),
					 ('respond_finding', 'ismap_csp'), ('respond_finding', 'ismap_auditor'),
					 ('withdraw_application', 'ismap_csp'),
					 ('plan_remediation', 'ismap_reviewer'), ('plan_remediation', 'ismap_csp'),
					 ('complete_remediation', 'ismap_reviewer'), ('complete_remediation', 'ismap_csp'),
					 ('reject_application', 'ismap_registrar'), ('delist', 'ismap_registrar'),
					 ('principal', 'ismap_registrar'), ('import_control_standard_csv', 'ismap_registrar'),
					 ('import_nist_iso27001_mapping', 'ismap_registrar'), ('import_oscal_catalog', 'ismap_registrar'),
					 ('import_oscal_profile', 'ismap_registrar'), ('import_oscal_catalog_json', 'ismap_registrar'),
					 ('import_oscal_profile_json', 'ismap_registrar'), ('import_oscal_assessment_results', 'ismap_auditor'),
					 ('delete_statement_item', 'ismap_csp'), ('delete_service_dependency', 'ismap_csp'),
					 ('delete_audit_result', 'ismap_auditor'), ('delete_control_test', 'ismap_auditor'),
					 ('run_renewals', 'ismap_jobs'), ('expire_audit_body_selections', 'ismap_jobs'),
					 ('cascade_delistings', 'ismap_jobs'), ('run_changes', 'ismap_jobs'),
					 ('job_start', 'ismap_jobs'), ('job_finish', 'ismap_jobs'), ('job_mark_stale', 'ismap_jobs'),
					 ('prune_job_runs', 'ismap_jobs'), ('run_job', 'ismap_jobs'), ('seal_event_chain', 'ismap_jobs'),
					 ('ensure_evidence_partitions', 'ismap_jobs'), ('ensure_evidence_partitions', 'ismap_registrar'),
					 -- owner's rights, for the applications the caller may see
					 ('validate_application', 'ismap_registrar'), ('validate_application', 'ismap_auditor'),
					 ('validate_application', 'ismap_csp'), ('validate_application', 'ismap_jobs'),
					 ('validate_application', 'ismap_reviewer')) g(fn, role)
		  ON g.fn = p.proname
		-- in a fixed order: a function's ACL lists its grantees in the
		-- order granted, and an upgrade must end with a fresh install's
		ORDER BY g.fn, g.role
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO %I', f, r);
	END LOOP;

	-- 0.2.0 let the registrar call register() alone, without validation:
	-- taken back (DESIGN 3.13)
	REVOKE EXECUTE ON FUNCTION ismap.register(pg_catalog.int8, pg_catalog.date) FROM ismap_registrar;

	-- the event chain's checks have the owner's rights (they read every
	-- event, also those row-level security hides from the caller) and tell
	-- only whether the chain holds, which event breaks it, and the head's
	-- hash: every role runs them
	FOR f IN
		SELECT p.oid::pg_catalog.regprocedure FROM pg_catalog.pg_proc p
		WHERE p.pronamespace = 'ismap'::pg_catalog.regnamespace
		  AND p.proname = ANY (ARRAY['verify_event_chain', 'event_chain_full_check', 'event_chain_head'])
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs, ismap_reviewer', f);
	END LOOP;
	-- what reads tables a role may not read is not granted to it (the
	-- function would only refuse it inside): the change status reads the
	-- applications, the classification the agencies' systems
	REVOKE EXECUTE ON FUNCTION ismap.change_status(pg_catalog.date) FROM ismap_reader, ismap_jobs;
	REVOKE EXECUTE ON FUNCTION ismap.classification_findings(pg_catalog.int8), ismap.classification_findings_all(pg_catalog.int8),
		ismap.classify_system(pg_catalog.int8), ismap.eligible_services(pg_catalog.int8, pg_catalog.date),
		ismap.required_level(pg_catalog.int8) FROM ismap_auditor, ismap_csp, ismap_jobs;
	-- a control test's items read the test (its provider, its auditor, the
	-- registrar); a control's health the evidence (its provider, the
	-- registrar, the jobs)
	REVOKE EXECUTE ON FUNCTION ismap.control_test_items(pg_catalog.int8, ismap.ctrlid) FROM ismap_reader, ismap_jobs;
	REVOKE EXECUTE ON FUNCTION ismap.control_health(pg_catalog.int8, pg_catalog.date, pg_catalog.interval) FROM ismap_reader, ismap_auditor;

	-- the policies' helpers run in the querying role's name: only the roles
	-- whose policies call them get them
	GRANT EXECUTE ON FUNCTION ismap.principal_audit_body(pg_catalog.name), ismap.principal_csp(pg_catalog.name),
		ismap.audit_party(pg_catalog.int8), ismap.service_csp(pg_catalog.int8) TO ismap_auditor, ismap_csp;

	-- row-level policies (re-created, so a second run changes nothing)
	PERFORM ismap_internal.create_policies();
	RETURN made;
END
$$;
COMMENT ON FUNCTION ismap.create_roles() IS 'superuser: create the six ismap roles if missing, grant them least privilege and create the row-level policies; idempotent; returns the roles it created';
CREATE OR REPLACE FUNCTION ismap_internal.create_policies() RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	p record;
BEGIN
	FOR p IN
		SELECT pol.polname, c.relname FROM pg_catalog.pg_policy pol
		JOIN pg_catalog.pg_class c ON c.oid = pol.polrelid
		JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'ismap'
	LOOP
		EXECUTE pg_catalog.format('DROP POLICY %I ON ismap.%I', p.polname, p.relname);
	END LOOP;

	-- the owner's SECURITY DEFINER functions and the registrar and jobs see all
	CREATE POLICY staff ON ismap.audit TO ismap_registrar, ismap_reviewer, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.statement_item TO ismap_registrar, ismap_reviewer, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.audit_result TO ismap_registrar, ismap_reviewer, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.control_test TO ismap_registrar, ismap_reviewer, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.application TO ismap_registrar, ismap_reviewer, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.auditor TO ismap_registrar, ismap_reviewer, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.auditor_qualification TO ismap_registrar, ismap_reviewer, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.principal_binding TO ismap_registrar, ismap_reviewer, ismap_jobs USING (true);
	EXECUTE pg_catalog.format('CREATE POLICY owner ON ismap.statement_item TO %I USING (true)',
		(SELECT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c WHERE c.oid = 'ismap.statement_item'::pg_catalog.regclass));
	EXECUTE pg_catalog.format('CREATE POLICY owner ON ismap.audit_result TO %I USING (true)',
		(SELECT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c WHERE c.oid = 'ismap.audit_result'::pg_catalog.regclass));
	EXECUTE pg_catalog.format('CREATE POLICY owner ON ismap.control_test TO %I USING (true)',
		(SELECT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c WHERE c.oid = 'ismap.control_test'::pg_catalog.regclass));

	-- What is public (docs/security.md): a service once registered (live or
	-- ended), its platforms and its provider.  A service never registered
	-- is seen by the registrar, its own provider and the audit bodies
	-- auditing it (or a service built on it); its provider, until one of its
	-- services is registered, by the registrar and the parties that see one
	-- of them.  The batch jobs (the owner's rights) read what is public.  The
	-- policies of service_dependency name registration and audit, not
	-- service, so that service's may read them without recursion.
	CREATE POLICY staff ON ismap.service FOR SELECT TO ismap_registrar, ismap_reviewer USING (true);
	CREATE POLICY staff ON ismap.service_dependency FOR SELECT TO ismap_registrar, ismap_reviewer USING (true);
	CREATE POLICY registrar ON ismap.csp TO ismap_registrar USING (true);
	CREATE POLICY reviewer ON ismap.csp FOR SELECT TO ismap_reviewer USING (true);
	CREATE POLICY published ON ismap.service FOR SELECT TO ismap_reader, ismap_auditor, ismap_csp, ismap_jobs
		USING (EXISTS (SELECT 1 FROM ismap.registration r WHERE r.service_id = service.service_id));
	CREATE POLICY published ON ismap.service_dependency FOR SELECT TO ismap_reader, ismap_auditor, ismap_csp, ismap_jobs
		USING (EXISTS (SELECT 1 FROM ismap.registration r WHERE r.service_id = service_dependency.service_id));
	CREATE POLICY published ON ismap.csp FOR SELECT TO ismap_reader, ismap_auditor, ismap_csp, ismap_jobs
		USING (EXISTS (SELECT 1 FROM ismap.service s WHERE s.csp_id = csp.csp_id));
	CREATE POLICY own_services_read ON ismap.service FOR SELECT TO ismap_csp
		USING (csp_id = ismap.principal_csp(current_user));
	CREATE POLICY own_services_read ON ismap.service_dependency FOR SELECT TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY own_row_read ON ismap.csp FOR SELECT TO ismap_csp
		USING (csp_id = ismap.principal_csp(current_user));
	CREATE POLICY audited ON ismap.service FOR SELECT TO ismap_auditor
		USING (EXISTS (SELECT 1 FROM ismap.audit a WHERE a.service_id = service.service_id)
			OR EXISTS (SELECT 1 FROM ismap.service_dependency d JOIN ismap.audit a ON a.service_id = d.service_id
					   WHERE d.base_service_id = service.service_id));
	CREATE POLICY audited ON ismap.service_dependency FOR SELECT TO ismap_auditor
		USING (EXISTS (SELECT 1 FROM ismap.audit a WHERE a.service_id = service_dependency.service_id));

	-- an auditor: its own body
	CREATE POLICY own_body ON ismap.auditor TO ismap_auditor
		USING (audit_body_id = ismap.principal_audit_body(current_user));
	CREATE POLICY own_body ON ismap.auditor_qualification FOR SELECT TO ismap_auditor
		USING (EXISTS (SELECT 1 FROM ismap.auditor a WHERE a.auditor_id = auditor_qualification.auditor_id));
	-- an additional audit supersedes only an open audit of its own body
	CREATE POLICY own_body ON ismap.audit TO ismap_auditor
		USING (audit_body_id = ismap.principal_audit_body(current_user))
		WITH CHECK (audit_body_id = ismap.principal_audit_body(current_user)
			AND (SELECT o.open FROM ismap.audit_party(audit_id) o) IS NOT false
			AND (supersedes_audit_id IS NULL
				OR (SELECT o.audit_body_id = ismap.principal_audit_body(current_user) AND o.open
					FROM ismap.audit_party(supersedes_audit_id) o) IS TRUE));
	CREATE POLICY own_body ON ismap.application FOR SELECT TO ismap_auditor
		USING ((SELECT o.audit_body_id FROM ismap.audit_party(audit_id) o) = ismap.principal_audit_body(current_user));
	CREATE POLICY own_open_audit ON ismap.statement_item FOR SELECT TO ismap_auditor
		USING ((SELECT o.audit_body_id = ismap.principal_audit_body(current_user) AND o.open FROM ismap.audit_party(audit_id) o));
	CREATE POLICY own_open_audit ON ismap.audit_result TO ismap_auditor
		USING ((SELECT o.audit_body_id = ismap.principal_audit_body(current_user) AND o.open FROM ismap.audit_party(audit_id) o));
	CREATE POLICY own_open_audit ON ismap.control_test TO ismap_auditor
		USING ((SELECT o.audit_body_id = ismap.principal_audit_body(current_user) AND o.open FROM ismap.audit_party(audit_id) o));

	-- a provider: its own services, platforms, statements, applications;
	-- it reads its own audits' results
	CREATE POLICY own_row ON ismap.csp FOR UPDATE TO ismap_csp
		USING (csp_id = ismap.principal_csp(current_user));
	CREATE POLICY own_services ON ismap.service FOR INSERT TO ismap_csp
		WITH CHECK (csp_id = ismap.principal_csp(current_user));
	CREATE POLICY own_services_update ON ismap.service FOR UPDATE TO ismap_csp
		USING (csp_id = ismap.principal_csp(current_user));
	CREATE POLICY own_services ON ismap.service_dependency FOR INSERT TO ismap_csp
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY own_services_update ON ismap.service_dependency FOR UPDATE TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY own_services_delete ON ismap.service_dependency FOR DELETE TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	-- self_assessed_audit_id, granted to the registrar and the auditors, was
	-- updatable through no policy: their updates changed nothing, silently
	-- (M6).  The registrar records it; an auditor, with an audit of its own
	-- body, on a dependency not already marked by another body's audit
	-- (marking with another body's audit is refused: 42501)
	CREATE POLICY staff_update ON ismap.service_dependency FOR UPDATE TO ismap_registrar USING (true);
	CREATE POLICY own_audit ON ismap.service_dependency FOR UPDATE TO ismap_auditor
		USING (self_assessed_audit_id IS NULL
			OR (SELECT o.audit_body_id FROM ismap.audit_party(self_assessed_audit_id) o) = ismap.principal_audit_body(current_user))
		WITH CHECK (self_assessed_audit_id IS NULL
			OR (SELECT o.audit_body_id FROM ismap.audit_party(self_assessed_audit_id) o) = ismap.principal_audit_body(current_user));
	CREATE POLICY own_audits ON ismap.audit FOR SELECT TO ismap_csp
		USING ((SELECT o.csp_id FROM ismap.audit_party(audit_id) o) = ismap.principal_csp(current_user));
	CREATE POLICY own_open_statement ON ismap.statement_item FOR SELECT TO ismap_csp
		USING ((SELECT o.csp_id = ismap.principal_csp(current_user) FROM ismap.audit_party(audit_id) o));
	-- writes (a DELETE checks USING only) while the audit is open
	CREATE POLICY own_open_statement_write ON ismap.statement_item FOR ALL TO ismap_csp
		USING ((SELECT o.csp_id = ismap.principal_csp(current_user) AND o.open FROM ismap.audit_party(audit_id) o))
		WITH CHECK ((SELECT o.csp_id = ismap.principal_csp(current_user) AND o.open FROM ismap.audit_party(audit_id) o));
	CREATE POLICY own_results ON ismap.audit_result FOR SELECT TO ismap_csp
		USING ((SELECT o.csp_id FROM ismap.audit_party(audit_id) o) = ismap.principal_csp(current_user));
	CREATE POLICY own_tests ON ismap.control_test FOR SELECT TO ismap_csp
		USING ((SELECT o.csp_id FROM ismap.audit_party(audit_id) o) = ismap.principal_csp(current_user));
	CREATE POLICY own_applications ON ismap.application FOR SELECT TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	-- a provider files applications (submitted) and may withdraw them; it
	-- never decides (nor records acknowledgements, approve_application's)
	CREATE POLICY file_own ON ismap.application FOR INSERT TO ismap_csp
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user) AND status = 'submitted'
			AND submitted_on = CURRENT_DATE AND acknowledged IS NULL AND accepted_on IS NULL AND review_started_on IS NULL
			AND (SELECT o.open FROM ismap.audit_party(audit_id) o));
	-- the withdrawal is dated today, by the server's clock (M4)
	CREATE POLICY withdraw_own ON ismap.application FOR UPDATE TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user)
			AND status = ANY (ARRAY['submitted', 'accepted', 'in_review']))
		WITH CHECK (status = 'withdrawn' AND decided_on = CURRENT_DATE);
	-- review findings: the reviewer and the registrar see all; the
	-- provider and the audit body those of the applications they see (both
	-- parties read the whole exchange); everyone writes through the
	-- review functions only
	CREATE POLICY staff ON ismap.review_finding FOR SELECT TO ismap_registrar, ismap_reviewer USING (true);
	CREATE POLICY party ON ismap.review_finding FOR SELECT TO ismap_auditor, ismap_csp
		USING (EXISTS (SELECT 1 FROM ismap.application a WHERE a.application_id = review_finding.application_id));
	-- remediation plans: the reviewer and the registrar; a provider those of
	-- its own registrations; written through the remediation functions only
	CREATE POLICY staff ON ismap.remediation FOR SELECT TO ismap_registrar, ismap_reviewer USING (true);
	CREATE POLICY own_services ON ismap.remediation FOR SELECT TO ismap_csp
		USING (ismap.service_csp((SELECT g.service_id FROM ismap.registration g
								   WHERE g.registration_id = remediation.registration_id)) = ismap.principal_csp(current_user));
	CREATE POLICY own_binding ON ismap.principal_binding FOR SELECT TO ismap_auditor, ismap_csp
		USING (role_name = current_user);
	-- a change report is its provider's, the registrar's and, for a service
	-- its body audits, an auditor's (DESIGN 3.9: not public)
	CREATE POLICY staff ON ismap.service_change TO ismap_registrar USING (true);
	CREATE POLICY reviewer ON ismap.service_change FOR SELECT TO ismap_reviewer USING (true);
	CREATE POLICY audited ON ismap.service_change FOR SELECT TO ismap_auditor
		USING (EXISTS (SELECT 1 FROM ismap.audit a WHERE a.service_id = service_change.service_id));
	CREATE POLICY own_services ON ismap.service_change TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user))
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	-- the event log: the events of registrations are public (DESIGN 3.9);
	-- change reports, their coverage, rejections and platform changes are
	-- the registrar's, the provider's and the auditing body's.  The chain's
	-- checks have the owner's rights and read every event.
	CREATE POLICY staff ON ismap.registry_event FOR SELECT TO ismap_registrar, ismap_reviewer USING (true);
	CREATE POLICY published ON ismap.registry_event FOR SELECT TO ismap_reader, ismap_auditor, ismap_csp, ismap_jobs
		USING (kind = ANY (ARRAY['registered', 'reinstated', 'expired', 'delisted', 'suspended', 'changed']));
	CREATE POLICY own_services ON ismap.registry_event FOR SELECT TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY audited ON ismap.registry_event FOR SELECT TO ismap_auditor
		USING (EXISTS (SELECT 1 FROM ismap.audit a WHERE a.service_id = registry_event.service_id));
	CREATE POLICY staff ON ismap.evidence TO ismap_registrar, ismap_reviewer, ismap_jobs USING (true);
	CREATE POLICY own_services ON ismap.evidence TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user))
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
END
$$;
COMMENT ON FUNCTION ismap_internal.create_policies() IS 'superuser: (re)create the row-level policies of the ismap roles (called by create_roles)';

-- ==== Agencies: procurement, the agency role, agency notices (DESIGN 3.14) ====
-- filled without a default on ADD COLUMN (no "missing value" left in the
-- catalog, as in a fresh install) and without an event per row
ALTER TABLE ismap.registration ADD COLUMN program pg_catalog.text
	CONSTRAINT registration_program CHECK (program OPERATOR(pg_catalog.=) ANY (ARRAY['ISMAP', 'ISMAP-LIU']::pg_catalog.text[]));
ALTER TABLE ismap.registration DISABLE TRIGGER registration_events;
UPDATE ismap.registration SET program = 'ISMAP';
ALTER TABLE ismap.registration ENABLE TRIGGER registration_events;
ALTER TABLE ismap.registration ALTER COLUMN program SET DEFAULT 'ISMAP';
ALTER TABLE ismap.registration ALTER COLUMN program SET NOT NULL;
COMMENT ON COLUMN ismap.registration.program IS 'the list the registration is on: ISMAP, or ISMAP-LIU (SaaS for low-impact use, docs/registry.md)';
ALTER TABLE ismap.principal_binding ADD COLUMN org_id pg_catalog.int8 REFERENCES ismap.organization ON DELETE CASCADE;
ALTER TABLE ismap.principal_binding DROP CONSTRAINT principal_one_party;
ALTER TABLE ismap.principal_binding ADD CONSTRAINT principal_one_party
	CHECK (pg_catalog.num_nonnulls(audit_body_id, csp_id, org_id) OPERATOR(pg_catalog.=) 1);
COMMENT ON TABLE ismap.principal_binding IS 'which audit body, provider or agency (organization) a login role acts for; read by the row-level policies';
ALTER TABLE ismap.notice DROP CONSTRAINT notice_kind;
ALTER TABLE ismap.notice ADD CONSTRAINT notice_kind CHECK (kind OPERATOR(pg_catalog.=) ANY (ARRAY['renewal_due', 'renewal_pending', 'report_overdue', 'body_not_selected',
			'change_audit_due', 'control_limit_exceeded', 'agency_notice', 'platform_level_drift', 'exemption_ending']::pg_catalog.text[]));
COMMENT ON COLUMN ismap.notice.object_id IS 'registration_id (renewal_due, renewal_pending), selection_id (report_overdue), application_id (body_not_selected), change_id (change_audit_due), crossing_id (control_limit_exceeded), procurement_id (agency_notice) the dependent''s registration_id (platform_level_drift) or exemption_id (exemption_ending)';
COMMENT ON COLUMN ismap.notice.occasion IS 'the date the notice is about: valid_until minus the window (renewal_due), valid_until (renewal_pending), the report due date (report_overdue), the audit report date (body_not_selected), the end of the change''s audit window minus the window (change_audit_due), the day the limit was crossed (control_limit_exceeded), the day the procured service''s registration expired, was delisted or suspended, or its platform''s lower registration began (agency_notice), the day the platform''s lower registration began (platform_level_drift), valid_until minus the window (exemption_ending)';
CREATE TABLE ismap.procurement (
	procurement_id	pg_catalog.int8 GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	system_id		pg_catalog.int8 NOT NULL REFERENCES ismap.information_system ON DELETE CASCADE,
	service_id		pg_catalog.int8 NOT NULL REFERENCES ismap.service,
	from_date		pg_catalog.date NOT NULL,
	until_date		pg_catalog.date,
	registration_id	pg_catalog.int8 REFERENCES ismap.registration,
	note			pg_catalog.text,
	recorded_by		pg_catalog.name NOT NULL DEFAULT SESSION_USER,
	recorded_at		pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
	CONSTRAINT procurement_period_order CHECK (until_date IS NULL OR until_date OPERATOR(pg_catalog.>=) from_date)
);
COMMENT ON TABLE ismap.procurement IS 'a registered service an agency''s information system uses, from from_date to until_date (open when NULL); accepted only when the service is eligible for the system on from_date';
COMMENT ON COLUMN ismap.procurement.until_date IS 'last day of use; NULL while in use';
COMMENT ON COLUMN ismap.procurement.registration_id IS 'the registration in force on from_date that made the service eligible (filled by the trigger; the reference also makes a restore load registrations first)';
CREATE INDEX procurement_system_idx ON ismap.procurement (system_id, service_id);
CREATE INDEX procurement_service_idx ON ismap.procurement (service_id);
SELECT pg_catalog.pg_extension_config_dump('ismap.procurement', '');
SELECT pg_catalog.pg_extension_config_dump('ismap.procurement_procurement_id_seq', '');
ALTER TABLE ismap.procurement ENABLE ROW LEVEL SECURITY;
CREATE TABLE ismap.platform_exemption (
	exemption_id	pg_catalog.int8 GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	service_id		pg_catalog.int8 NOT NULL,
	base_service_id	pg_catalog.int8 NOT NULL,
	valid_until		pg_catalog.date NOT NULL
		CONSTRAINT platform_exemption_finite CHECK (pg_catalog.isfinite(valid_until)),
	reason			pg_catalog.text NOT NULL
		CONSTRAINT platform_exemption_reason CHECK (pg_catalog.length(pg_catalog.btrim(reason)) OPERATOR(pg_catalog.>) 0),
	granted_by		pg_catalog.name NOT NULL DEFAULT SESSION_USER,
	granted_at		pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
	FOREIGN KEY (service_id, base_service_id) REFERENCES ismap.service_dependency ON DELETE CASCADE
);
COMMENT ON TABLE ismap.platform_exemption IS 'a dated transitional exemption (registrar): the service may stand on the unregistered platform until valid_until (inclusive)';
CREATE INDEX platform_exemption_dependency_idx ON ismap.platform_exemption (service_id, base_service_id, valid_until);
CREATE INDEX platform_exemption_valid_until_idx ON ismap.platform_exemption (valid_until);
SELECT pg_catalog.pg_extension_config_dump('ismap.platform_exemption', '');
SELECT pg_catalog.pg_extension_config_dump('ismap.platform_exemption_exemption_id_seq', '');
-- information has two availability classes (seed 2.1): an asset rated A3
-- before 0.3.0 is rated A2, the class the Unified Standards give it (its
-- availability is not part of any system's classification, which takes
-- the system's own)
DO $$
DECLARE
	n pg_catalog.int8;
BEGIN
	UPDATE ismap.information_asset SET rating = ismap.cia(ismap.conf(rating), ismap.integ(rating), 2)
	WHERE ismap.avail(rating) OPERATOR(pg_catalog.>) 2;
	GET DIAGNOSTICS n = ROW_COUNT;
	IF n OPERATOR(pg_catalog.>) 0 THEN
		RAISE NOTICE '% information asset(s) rated A3 are now rated A2: information has availability A1 or A2', n;
	END IF;
END
$$;
ALTER TABLE ismap.information_asset ADD CONSTRAINT asset_availability_range CHECK (ismap.avail(rating) OPERATOR(pg_catalog.<=) 2);
COMMENT ON TABLE ismap.information_asset IS 'a kind of information an organization handles, with its C/I/A rating under the Unified Standards (availability A1 or A2: information has two availability classes)';
-- principal() takes the agency: the old signature goes
DROP FUNCTION ismap.principal(pg_catalog.name, pg_catalog.int8, pg_catalog.int8);

-- ==== Agencies: the functions ====
CREATE OR REPLACE FUNCTION ismap.platform_exemption(p_service_id pg_catalog.int8, p_base_service_id pg_catalog.int8,
	p_valid_until pg_catalog.date, p_reason pg_catalog.text) RETURNS ismap.platform_exemption
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	res ismap.platform_exemption;
BEGIN
	IF p_valid_until IS NULL OR NOT pg_catalog.isfinite(p_valid_until) THEN
		RAISE EXCEPTION 'an exemption needs a finite end date' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF ismap.text_is_blank(p_reason) THEN
		RAISE EXCEPTION 'an exemption needs a reason' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	PERFORM 1 FROM ismap.service_dependency d
	WHERE d.service_id = p_service_id AND d.base_service_id = p_base_service_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'service % does not run on service %', p_service_id, p_base_service_id
			USING ERRCODE = 'undefined_object',
				  HINT = 'An exemption is for a platform dependency recorded in ismap.service_dependency.';
	END IF;
	INSERT INTO ismap.platform_exemption (service_id, base_service_id, valid_until, reason, granted_by)
	VALUES (p_service_id, p_base_service_id, p_valid_until, p_reason, ismap_internal.event_actor())
	RETURNING * INTO res;
	RETURN res;
END
$$;
COMMENT ON FUNCTION ismap.platform_exemption(pg_catalog.int8, pg_catalog.int8, pg_catalog.date, pg_catalog.text) IS 'registrar: grant a dated transitional exemption for a service''s dependency on an unregistered platform (validation asks instead of refusing, the cascade spares the service, notices before the end)';
CREATE OR REPLACE FUNCTION ismap.delisting_impact(p_service_id pg_catalog.int8)
RETURNS TABLE (registration_id pg_catalog.int8, service_id pg_catalog.int8, depth pg_catalog.int4, via pg_catalog.int8[])
LANGUAGE plpgsql STABLE PARALLEL SAFE ROWS 20
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
BEGIN
	-- PL/pgSQL, not SQL: its plan is kept for the session, also when
	-- another function calls it (agency_impact); a SQL function called
	-- from a function is planned again at every call, which made
	-- agency_impact over a large forest ten times slower than this walk
	RETURN QUERY
	WITH RECURSIVE walk (service_id, depth, via) AS (
		SELECT p_service_id, 0, ARRAY[]::pg_catalog.int8[]
		UNION ALL
		SELECT d.service_id, w.depth + 1, w.via OPERATOR(pg_catalog.||) w.service_id
		FROM walk w
		JOIN ismap.service_dependency d ON d.base_service_id = w.service_id
		WHERE d.self_assessed_audit_id IS NULL
		  AND d.service_id <> ALL (w.via OPERATOR(pg_catalog.||) w.service_id)
		  -- a transitional exemption in force spares the service
		  AND NOT EXISTS (SELECT 1 FROM ismap.platform_exemption e
						  WHERE e.service_id = d.service_id AND e.base_service_id = d.base_service_id
							AND e.valid_until >= CURRENT_DATE)
	)
	SELECT DISTINCT ON (w.service_id) r.registration_id, w.service_id, w.depth, w.via
	FROM walk w
	JOIN ismap.registration r ON r.service_id = w.service_id AND r.status IN ('active', 'suspended')
	ORDER BY w.service_id, w.depth, w.via;
END
$$;
COMMENT ON FUNCTION ismap.delisting_impact(pg_catalog.int8) IS 'preview of ismap.delist: the registrations it would end, with depth and the chain of base services (not across a self-assessed dependency or one under a transitional exemption in force); changes nothing';
CREATE OR REPLACE FUNCTION ismap_internal.procurement_check_trigger() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	sys ismap.information_system;
	svc ismap.service;
	reg ismap.registration;
	other ismap.procurement;
	need ismap.level;
	actor pg_catalog.name := ismap_internal.event_actor();
BEGIN
	IF TG_OP = 'UPDATE' AND NEW.system_id IS NOT DISTINCT FROM OLD.system_id
	   AND NEW.service_id IS NOT DISTINCT FROM OLD.service_id AND NEW.from_date IS NOT DISTINCT FROM OLD.from_date
	   AND NEW.until_date IS NOT DISTINCT FROM OLD.until_date THEN
		NEW.registration_id := OLD.registration_id;
		RETURN NEW;
	END IF;
	IF NEW.from_date IS NULL OR NOT pg_catalog.isfinite(NEW.from_date) THEN
		RAISE EXCEPTION 'a procurement needs a finite from_date' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF NEW.until_date < NEW.from_date THEN
		RAISE EXCEPTION 'a procurement cannot end (%) before it begins (%)', NEW.until_date, NEW.from_date
			USING ERRCODE = 'check_violation', CONSTRAINT = 'procurement_period_order';
	END IF;
	SELECT * INTO sys FROM ismap.information_system s WHERE s.system_id = NEW.system_id FOR NO KEY UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'information system % does not exist', NEW.system_id USING ERRCODE = 'foreign_key_violation';
	END IF;
	IF NOT (pg_catalog.pg_has_role(actor, 'ismap_registrar', 'MEMBER')
			OR EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = actor AND r.rolsuper)
			OR pg_catalog.pg_has_role(actor, (SELECT c.relowner FROM pg_catalog.pg_class c
											 WHERE c.oid = 'ismap.procurement'::pg_catalog.regclass), 'MEMBER')
			OR EXISTS (SELECT 1 FROM ismap.principal_binding b
					   WHERE b.org_id = sys.org_id AND pg_catalog.pg_has_role(actor, b.role_name, 'MEMBER'))) THEN
		RAISE EXCEPTION 'system % is not a system of the agency role "%" acts for', NEW.system_id, actor
			USING ERRCODE = 'insufficient_privilege';
	END IF;
	SELECT * INTO svc FROM ismap.service s WHERE s.service_id = NEW.service_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'service % does not exist', NEW.service_id USING ERRCODE = 'foreign_key_violation';
	END IF;
	SELECT * INTO other FROM ismap.procurement p
	WHERE p.system_id = NEW.system_id AND p.service_id = NEW.service_id
	  AND p.procurement_id <> NEW.procurement_id
	  AND pg_catalog.daterange(p.from_date, p.until_date, '[]') && pg_catalog.daterange(NEW.from_date, NEW.until_date, '[]')
	ORDER BY p.from_date LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'system % already procures service % from % (procurement %)', NEW.system_id, NEW.service_id,
			other.from_date, other.procurement_id
			USING ERRCODE = 'exclusion_violation',
				  HINT = 'End the existing procurement (until_date) before recording a new one.';
	END IF;
	-- eligibility on from_date: a change of until_date alone does not ask again
	IF TG_OP = 'UPDATE' AND NEW.system_id = OLD.system_id AND NEW.service_id = OLD.service_id
	   AND NEW.from_date = OLD.from_date THEN
		NEW.registration_id := OLD.registration_id;
		RETURN NEW;
	END IF;
	-- the registration in force on from_date: live, or ended after it
	SELECT * INTO reg FROM ismap.registration r
	WHERE r.service_id = NEW.service_id AND r.registered_on <= NEW.from_date AND r.valid_until >= NEW.from_date
	  AND (r.status = 'active' OR (r.status IN ('expired', 'delisted') AND r.ended_on > NEW.from_date))
	ORDER BY r.registered_on DESC, r.registration_id DESC LIMIT 1;
	IF NOT FOUND THEN
		IF EXISTS (SELECT 1 FROM ismap.registration r WHERE r.service_id = NEW.service_id AND r.status = 'suspended'
				   AND r.registered_on <= NEW.from_date) THEN
			RAISE EXCEPTION 'service % (%) cannot be procured on %: its registration is suspended', NEW.service_id, svc.name, NEW.from_date
				USING ERRCODE = 'check_violation';
		END IF;
		RAISE EXCEPTION 'service % (%) cannot be procured on %: it is not registered on that date', NEW.service_id, svc.name, NEW.from_date
			USING ERRCODE = 'check_violation',
				  HINT = 'Only services with a registration in force on the first day of use may be procured (ismap.eligible_services).';
	END IF;
	need := ismap.required_level(NEW.system_id);
	IF reg.program = 'ISMAP-LIU' AND need > 1 THEN
		RAISE EXCEPTION 'service % (%) cannot be procured for system %: % is an ISMAP-LIU registration, for low-impact use only, and the system needs level %',
			NEW.service_id, svc.name, NEW.system_id, reg.registration_number, need
			USING ERRCODE = 'check_violation';
	END IF;
	IF reg.level < need THEN
		RAISE EXCEPTION 'service % (%) cannot be procured for system %: registered at level % (%) on %, below the level % the system needs',
			NEW.service_id, svc.name, NEW.system_id, reg.level, reg.registration_number, NEW.from_date, need
			USING ERRCODE = 'check_violation';
	END IF;
	NEW.registration_id := reg.registration_id;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION ismap_internal.procurement_check_trigger() IS 'trigger: a procurement names a known system and service, does not overlap another of the same pair, and the service is eligible for the system on from_date (23514 with the reason)';
CREATE OR REPLACE FUNCTION ismap.agency_impact(p_service_id pg_catalog.int8)
RETURNS TABLE (org_id pg_catalog.int8, system_id pg_catalog.int8, service_id pg_catalog.int8,
	registration_id pg_catalog.int8, depth pg_catalog.int4, via pg_catalog.int8[])
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT s.org_id, p.system_id, i.service_id, i.registration_id, i.depth, i.via
	FROM ismap.delisting_impact(p_service_id) i
	JOIN ismap.procurement p ON p.service_id = i.service_id
		AND (p.until_date IS NULL OR p.until_date >= CURRENT_DATE)
	JOIN ismap.information_system s ON s.system_id = p.system_id
	ORDER BY s.org_id, p.system_id, i.depth, i.service_id
$$;
COMMENT ON FUNCTION ismap.agency_impact(pg_catalog.int8) IS 'the agencies and systems a delisting or suspension of the service would reach, through the cascade of ismap.delisting_impact (depth, chain of base services); only procurements in use today';
CREATE OR REPLACE FUNCTION ismap_internal.job_renewals(as_of pg_catalog.date, dry_run pg_catalog.bool, run_id pg_catalog.int8)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
SET jit = off
SET work_mem = '64MB'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
AS $$
#variable_conflict use_column
DECLARE
	d pg_catalog.date := job_renewals.as_of;
	dry pg_catalog.bool := job_renewals.dry_run;
	run pg_catalog.int8 := job_renewals.run_id;
	windows pg_catalog.int4[];
	n_past pg_catalog.int8;
	n_notices pg_catalog.int8;
BEGIN
	BEGIN
		-- an empty array is allowed: no notices
		SELECT COALESCE(pg_catalog.array_agg(w::pg_catalog.int4 ORDER BY w::pg_catalog.int4), '{}')
		INTO STRICT windows
		FROM pg_catalog.jsonb_array_elements_text(ismap.policy_value('notice_windows_days')) AS e(w);
	EXCEPTION WHEN OTHERS THEN
		windows := NULL;
	END;
	IF windows IS NULL OR pg_catalog.array_position(windows, NULL) IS NOT NULL
	   OR EXISTS (SELECT 1 FROM pg_catalog.unnest(windows) w WHERE w OPERATOR(pg_catalog.<) 0) THEN
		RAISE EXCEPTION 'policy parameter "notice_windows_days" must be an array of days, not %',
			(SELECT p.value FROM ismap.policy p WHERE p.name OPERATOR(pg_catalog.=) 'notice_windows_days')
			USING ERRCODE = 'invalid_parameter_value', HINT = 'For example [90, 30, 7].';
	END IF;

	-- 1. what ran out: expire it when no renewal is pending, else report
	-- once (a renewal_pending notice) that a pending renewal keeps it.  One
	-- statement, one scan: the rows it changes are the whole of the work.
	PERFORM ismap_internal.job_progress(pg_catalog.format('renewals: registrations valid until before %s', d));
	RETURN QUERY
		WITH pending AS (
			-- the oldest open renewal per service (filed by d, not decided by d)
			SELECT DISTINCT ON (a.service_id) a.service_id, a.application_id, a.submitted_on
			FROM ismap.application a
			WHERE a.kind = 'renewal' AND a.submitted_on <= d
			  AND (a.status = 'submitted' OR a.decided_on > d)
			ORDER BY a.service_id, a.submitted_on, a.application_id
		),
		late AS (
			-- the newest renewal refused or withdrawn: a registration it kept
			-- alive past valid_until ends on the decision day
			SELECT DISTINCT ON (a.service_id) a.service_id, a.application_id, a.status, a.submitted_on, a.decided_on
			FROM ismap.application a
			WHERE a.kind = 'renewal' AND a.status = ANY (ARRAY['rejected', 'withdrawn']) AND a.decided_on <= d
			ORDER BY a.service_id, a.decided_on DESC, a.application_id DESC
		),
		past AS (
			SELECT r.registration_id, r.registration_number, r.valid_until,
				   p.application_id AS pending_application, p.submitted_on AS pending_since,
				   CASE WHEN l.decided_on > r.valid_until AND l.submitted_on <= r.valid_until
						THEN l.decided_on ELSE r.valid_until + 1 END AS ended_on,
				   CASE WHEN l.decided_on > r.valid_until AND l.submitted_on <= r.valid_until
						THEN pg_catalog.format('validity ended on %s; renewal application %s %s on %s', r.valid_until, l.application_id, l.status, l.decided_on)
						ELSE pg_catalog.format('validity ended on %s without renewal', r.valid_until) END AS reason
			FROM ismap.registration r
			LEFT JOIN pending p ON p.service_id = r.service_id AND p.submitted_on <= r.valid_until
			LEFT JOIN late l ON l.service_id = r.service_id
			WHERE r.status = ANY (ARRAY['active', 'suspended']) AND r.valid_until < d
		),
		upd AS (
			UPDATE ismap.registration r
			SET status = 'expired', ended_on = x.ended_on, end_reason = x.reason, run_id = run
			FROM past x
			WHERE NOT dry AND x.pending_application IS NULL
			  AND r.registration_id = x.registration_id
			  AND r.status = ANY (ARRAY['active', 'suspended'])
			RETURNING r.registration_id, r.registration_number, r.end_reason
		),
		ins AS (
			INSERT INTO ismap.notice (kind, object_id, occasion, as_of, detail, run_id)
			SELECT 'renewal_pending', x.registration_id, x.valid_until, d,
				   pg_catalog.format('%s: valid until %s, kept while renewal application %s (filed %s) is under review',
					   x.registration_number, x.valid_until, x.pending_application, x.pending_since), run
			FROM past x
			WHERE NOT dry AND x.pending_application IS NOT NULL
			ON CONFLICT ON CONSTRAINT notice_once DO NOTHING
			RETURNING notice.object_id, notice.detail
		)
		SELECT 'expired' AS act, u.registration_id AS id, pg_catalog.format('%s: %s', u.registration_number, u.end_reason) AS what
		FROM upd u
		UNION ALL
		SELECT 'kept', i.object_id, i.detail FROM ins i
		UNION ALL
		SELECT CASE WHEN x.pending_application IS NULL THEN 'expired' ELSE 'kept' END, x.registration_id,
			   CASE WHEN x.pending_application IS NULL THEN pg_catalog.format('%s: %s', x.registration_number, x.reason)
					ELSE pg_catalog.format('%s: valid until %s, kept while renewal application %s (filed %s) is under review',
						x.registration_number, x.valid_until, x.pending_application, x.pending_since) END
		FROM past x
		WHERE dry AND (x.pending_application IS NULL
			OR NOT EXISTS (SELECT 1 FROM ismap.notice n
						   WHERE n.kind = 'renewal_pending' AND n.object_id = x.registration_id
							 AND n.occasion = x.valid_until))
		ORDER BY 1, 2;
	GET DIAGNOSTICS n_past = ROW_COUNT;

	-- 2. renewal notices: for each registration the latest window reached
	-- (the first run inside 30 days writes the 30-day notice, not a late
	-- 90-day one), once; none once a renewal is filed
	PERFORM ismap_internal.job_progress(pg_catalog.format('renewals: %s registrations expired or kept; writing notices at %s days before expiry', n_past, windows));
	RETURN QUERY
	WITH cand AS (
		SELECT r.registration_id, r.registration_number, r.valid_until, w.days,
			   (r.valid_until OPERATOR(pg_catalog.-) w.days) AS occasion
		FROM ismap.registration r
		CROSS JOIN LATERAL (
			SELECT pg_catalog.min(x) AS days FROM pg_catalog.unnest(windows) x
			WHERE x OPERATOR(pg_catalog.>=) (r.valid_until OPERATOR(pg_catalog.-) d)) w
		WHERE r.status OPERATOR(pg_catalog.=) ANY (ARRAY['active', 'suspended'])
		  AND r.valid_until OPERATOR(pg_catalog.>=) d
		  AND r.valid_until OPERATOR(pg_catalog.<=) (d OPERATOR(pg_catalog.+) windows[pg_catalog.array_upper(windows, 1)])
		  AND NOT EXISTS (
			SELECT 1 FROM ismap.application a
			WHERE a.service_id OPERATOR(pg_catalog.=) r.service_id AND a.kind OPERATOR(pg_catalog.=) 'renewal'
			  AND a.submitted_on OPERATOR(pg_catalog.<=) d
			  AND (a.status OPERATOR(pg_catalog.=) 'submitted' OR a.decided_on OPERATOR(pg_catalog.>) d))
	),
	fresh AS (
		SELECT c.*, pg_catalog.format('%s: valid until %s (%s days); %s-day renewal notice', c.registration_number,
				   c.valid_until, c.valid_until OPERATOR(pg_catalog.-) d, c.days) AS what
		FROM cand c
		WHERE c.days IS NOT NULL
		  AND (NOT dry OR NOT EXISTS (SELECT 1 FROM ismap.notice n
						  WHERE n.kind OPERATOR(pg_catalog.=) 'renewal_due' AND n.object_id OPERATOR(pg_catalog.=) c.registration_id
							AND n.occasion OPERATOR(pg_catalog.=) c.occasion))
	),
	ins AS (
		INSERT INTO ismap.notice (kind, object_id, occasion, window_days, as_of, detail, run_id)
		SELECT 'renewal_due', f.registration_id, f.occasion, f.days, d, f.what, run FROM fresh f WHERE NOT dry
		ON CONFLICT ON CONSTRAINT notice_once DO NOTHING
		RETURNING notice.object_id, notice.detail
	)
	SELECT 'notice', i.object_id, i.detail FROM ins i
	UNION ALL
	SELECT 'notice', f.registration_id, f.what FROM fresh f WHERE dry
	ORDER BY 2;
	GET DIAGNOSTICS n_notices = ROW_COUNT;

	-- 3. platform level drift (DESIGN 3.14): a platform whose registration
	-- in force (made by d) is at a lower level than the registration in
	-- force of a service built on it (not self-assessed) -- a renewal at a
	-- lower level -- gets the dependent one notice per platform
	-- registration; the cascade and changes jobs tell its agencies
	PERFORM ismap_internal.job_progress(pg_catalog.format('renewals: %s renewal notices; platforms below their dependents'' level', n_notices));
	RETURN QUERY
	WITH drift AS (
		SELECT r.registration_id, r.registration_number, r.level, r.service_id,
			   p.registration_number AS base_number, p.level AS base_level, p.service_id AS base_service_id,
			   p.registered_on AS occasion
		FROM ismap.registration p
		JOIN ismap.service_dependency dep ON dep.base_service_id OPERATOR(pg_catalog.=) p.service_id
			AND dep.self_assessed_audit_id IS NULL
		JOIN ismap.registration r ON r.service_id OPERATOR(pg_catalog.=) dep.service_id
			AND r.status OPERATOR(pg_catalog.=) ANY (ARRAY['active', 'suspended'])
		WHERE p.status OPERATOR(pg_catalog.=) ANY (ARRAY['active', 'suspended'])
		  AND p.registered_on OPERATOR(pg_catalog.<=) d AND p.level OPERATOR(pg_catalog.<) r.level
	),
	fresh AS (
		SELECT x.*, pg_catalog.format('%s (service %s, level %s): its platform %s (service %s) is registered at level %s since %s',
				   x.registration_number, x.service_id, x.level, x.base_number, x.base_service_id, x.base_level, x.occasion) AS what
		FROM drift x
		WHERE NOT EXISTS (SELECT 1 FROM ismap.notice n
						  WHERE n.kind OPERATOR(pg_catalog.=) 'platform_level_drift' AND n.object_id OPERATOR(pg_catalog.=) x.registration_id
							AND n.occasion OPERATOR(pg_catalog.=) x.occasion)
	),
	ins AS (
		INSERT INTO ismap.notice (kind, object_id, occasion, as_of, detail, run_id)
		SELECT 'platform_level_drift', f.registration_id, f.occasion, d, f.what, run FROM fresh f WHERE NOT dry
		ON CONFLICT ON CONSTRAINT notice_once DO NOTHING
		RETURNING notice.object_id, notice.detail
	)
	SELECT 'level_drift', i.object_id, i.detail FROM ins i
	UNION ALL
	SELECT 'level_drift', f.registration_id, f.what FROM fresh f WHERE dry
	ORDER BY 2, 3;

	-- 4. transitional exemptions (ismap.platform_exemption) about to end:
	-- a notice at the latest window reached, once per exemption and window,
	-- as for a registration
	RETURN QUERY
	WITH cand AS (
		SELECT e.exemption_id, e.service_id, e.base_service_id, e.valid_until, w.days,
			   (e.valid_until OPERATOR(pg_catalog.-) w.days) AS occasion
		FROM ismap.platform_exemption e
		CROSS JOIN LATERAL (
			SELECT pg_catalog.min(x) AS days FROM pg_catalog.unnest(windows) x
			WHERE x OPERATOR(pg_catalog.>=) (e.valid_until OPERATOR(pg_catalog.-) d)) w
		WHERE e.valid_until OPERATOR(pg_catalog.>=) d
		  AND e.valid_until OPERATOR(pg_catalog.<=) (d OPERATOR(pg_catalog.+) windows[pg_catalog.array_upper(windows, 1)])
		  -- a later exemption of the same dependency carries it on
		  AND NOT EXISTS (SELECT 1 FROM ismap.platform_exemption n
						  WHERE n.service_id OPERATOR(pg_catalog.=) e.service_id
							AND n.base_service_id OPERATOR(pg_catalog.=) e.base_service_id
							AND n.valid_until OPERATOR(pg_catalog.>) e.valid_until)
	),
	fresh AS (
		SELECT c.*, pg_catalog.format('exemption %s: service %s may stand on unregistered platform %s until %s (%s days); %s-day notice',
				   c.exemption_id, c.service_id, c.base_service_id, c.valid_until, c.valid_until OPERATOR(pg_catalog.-) d, c.days) AS what
		FROM cand c
		WHERE c.days IS NOT NULL
		  AND NOT EXISTS (SELECT 1 FROM ismap.notice n
						  WHERE n.kind OPERATOR(pg_catalog.=) 'exemption_ending' AND n.object_id OPERATOR(pg_catalog.=) c.exemption_id
							AND n.occasion OPERATOR(pg_catalog.=) c.occasion)
	),
	ins AS (
		INSERT INTO ismap.notice (kind, object_id, occasion, window_days, as_of, detail, run_id)
		SELECT 'exemption_ending', f.exemption_id, f.occasion, f.days, d, f.what, run FROM fresh f WHERE NOT dry
		ON CONFLICT ON CONSTRAINT notice_once DO NOTHING
		RETURNING notice.object_id, notice.detail
	)
	SELECT 'exemption_ending', i.object_id, i.detail FROM ins i
	UNION ALL
	SELECT 'exemption_ending', f.exemption_id, f.what FROM fresh f WHERE dry
	ORDER BY 2;
END
$$;
COMMENT ON FUNCTION ismap_internal.job_renewals(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) IS 'the work of the renewals job, called by ismap.run_job (which holds the lock and records the run run_id, NULL for a dry run)';
REVOKE EXECUTE ON FUNCTION ismap_internal.job_renewals(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) FROM PUBLIC;
CREATE OR REPLACE FUNCTION ismap.run_renewals(as_of pg_catalog.date DEFAULT CURRENT_DATE, dry_run pg_catalog.bool DEFAULT false,
	allow_future pg_catalog.bool DEFAULT false)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT * FROM ismap.run_job('renewals', $1, $2, NULL, $3)
$$;
COMMENT ON FUNCTION ismap.run_renewals(pg_catalog.date, pg_catalog.bool, pg_catalog.bool) IS 'renewals job: expire registrations past valid_until with no pending renewal, report once those a pending renewal keeps, write renewal notices at the policy windows once each, a notice for a registration whose platform is registered at a lower level, and notices before a transitional platform exemption ends; idempotent';
REVOKE EXECUTE ON FUNCTION ismap.run_renewals(pg_catalog.date, pg_catalog.bool, pg_catalog.bool) FROM PUBLIC;
CREATE OR REPLACE FUNCTION ismap_internal.job_cascade(as_of pg_catalog.date, dry_run pg_catalog.bool, run_id pg_catalog.int8)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
SET jit = off
SET work_mem = '64MB'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
AS $$
#variable_conflict use_column
DECLARE
	d pg_catalog.date := job_cascade.as_of;
	dry pg_catalog.bool := job_cascade.dry_run;
	run pg_catalog.int8 := job_cascade.run_id;
	grace pg_catalog.interval := (ismap.policy_value('cascade_grace') #>> '{}')::pg_catalog.interval;
	n_delisted pg_catalog.int8;
BEGIN
	PERFORM ismap_internal.job_progress(pg_catalog.format('cascade: platforms without a registration since %s or before', (d OPERATOR(pg_catalog.-) grace)::pg_catalog.date));
	RETURN QUERY
	WITH RECURSIVE
	-- platforms that lapsed: no live registration, and the newest of their
	-- ended ones ended long enough ago (only ended registrations are read,
	-- and the live check is a probe of the one-live-per-service index)
	lapsed AS (
		SELECT n.* FROM (
			SELECT DISTINCT ON (r.service_id) r.service_id, r.registration_id, r.registration_number, r.ended_on
			FROM ismap.registration r
			WHERE r.status = ANY (ARRAY['expired', 'delisted'])
			  AND EXISTS (SELECT 1 FROM ismap.service_dependency dep
						  WHERE dep.base_service_id = r.service_id AND dep.self_assessed_audit_id IS NULL)
			  AND NOT EXISTS (SELECT 1 FROM ismap.registration live
							  WHERE live.service_id = r.service_id AND live.status = ANY (ARRAY['active', 'suspended']))
			ORDER BY r.service_id, r.registered_on DESC, r.registration_id DESC) n
		WHERE (n.ended_on + grace)::pg_catalog.date <= d
	),
	-- from_registration: the registration through which a service was
	-- reached, the lapsed platform's last one or the base delisted now
	walk (service_id, registration_id, registration_number, depth, via, root, from_registration) AS (
		SELECT l.service_id, l.registration_id, l.registration_number, 0, ARRAY[]::pg_catalog.int8[], l.service_id, NULL::pg_catalog.int8
		FROM lapsed l
		UNION ALL
		SELECT dep.service_id, r.registration_id, r.registration_number, w.depth + 1,
			   w.via || w.service_id, w.root, w.registration_id
		FROM walk w
		JOIN ismap.service_dependency dep ON dep.base_service_id = w.service_id
		JOIN ismap.registration r ON r.service_id = dep.service_id
			AND r.status = ANY (ARRAY['active', 'suspended'])
		WHERE dep.self_assessed_audit_id IS NULL
		  AND dep.service_id <> ALL (w.via || w.service_id)
		  -- a transitional exemption in force spares the service; once
		  -- it has ended the dependency is like any other
		  AND NOT EXISTS (SELECT 1 FROM ismap.platform_exemption e
						  WHERE e.service_id = dep.service_id AND e.base_service_id = dep.base_service_id
							AND e.valid_until >= d)
	),
	plan AS (
		SELECT DISTINCT ON (w.service_id) w.*,
			   pg_catalog.format('platform %s (service %s) has had no registration since %s; grace of %s passed',
				   l.registration_number, l.service_id, l.ended_on, grace) AS reason
		FROM walk w
		JOIN lapsed l ON l.service_id = w.root
		WHERE w.depth > 0
		ORDER BY w.service_id, w.depth, w.via
	),
	upd AS (
		UPDATE ismap.registration r
		SET status = 'delisted', ended_on = d, end_reason = p.reason,
			cascaded_from = p.from_registration, cascade_path = p.via, run_id = run
		FROM plan p
		WHERE NOT dry AND r.registration_id = p.registration_id
		  AND r.status = ANY (ARRAY['active', 'suspended'])
		RETURNING r.registration_id, r.registration_number, r.service_id, r.end_reason, r.cascade_path
	)
	SELECT 'delisted', u.registration_id,
		   pg_catalog.format('%s (service %s): %s; chain %s', u.registration_number, u.service_id, u.end_reason,
			   pg_catalog.array_to_string(u.cascade_path || u.service_id, ' -> '))
	FROM upd u
	UNION ALL
	SELECT 'delisted', p.registration_id,
		   pg_catalog.format('%s (service %s): %s; chain %s', p.registration_number, p.service_id, p.reason,
			   pg_catalog.array_to_string(p.via || p.service_id, ' -> '))
	FROM plan p WHERE dry
	ORDER BY 2;
	GET DIAGNOSTICS n_delisted = ROW_COUNT;

	-- the agencies whose procured services ended (these delistings, the
	-- registrar's, expiries): a notice per procurement, once
	PERFORM ismap_internal.job_progress(pg_catalog.format('cascade: %s delisted; agency notices', n_delisted));
	RETURN QUERY SELECT * FROM ismap_internal.agency_notices(d, dry, run);
END
$$;
COMMENT ON FUNCTION ismap_internal.job_cascade(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) IS 'the work of the cascade job, called by ismap.run_job (which holds the lock and records the run run_id, NULL for a dry run)';
REVOKE EXECUTE ON FUNCTION ismap_internal.job_cascade(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) FROM PUBLIC;
CREATE OR REPLACE FUNCTION ismap_internal.agency_notices(d pg_catalog.date, dry pg_catalog.bool, run pg_catalog.int8)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
	WITH ev AS (
		SELECT p.procurement_id, p.system_id, sys.org_id, r.registration_number, r.service_id, e.what, e.occasion, e.reason
		FROM ismap.procurement p
		JOIN ismap.information_system sys ON sys.system_id = p.system_id
		JOIN ismap.registration r ON r.service_id = p.service_id
		CROSS JOIN LATERAL (
			SELECT r.status AS what, r.ended_on AS occasion,
				   r.end_reason || CASE WHEN r.cascade_path IS NULL THEN ''
					   ELSE ' (chain ' || pg_catalog.array_to_string(r.cascade_path || r.service_id, ' -> ') || ')' END AS reason
			WHERE r.status IN ('expired', 'delisted')
			  -- a renewal ends the registration it replaces: not an event for the agency
			  AND NOT EXISTS (SELECT 1 FROM ismap.registration n
							  WHERE n.service_id = r.service_id AND n.registration_id <> r.registration_id
								AND n.registered_on = r.ended_on)
			UNION ALL
			SELECT 'suspended', pg_catalog.min(c.suspended_on), r.end_reason
			FROM ismap.change_suspension c
			WHERE r.status = 'suspended' AND c.registration_id = r.registration_id AND c.lifted_on IS NULL
			HAVING pg_catalog.min(c.suspended_on) IS NOT NULL
			UNION ALL
			-- its platform is now registered at a lower level (a renewal)
			SELECT 'is on a platform below its level', p.registered_on,
				   pg_catalog.format('platform %s (service %s) is registered at level %s, below level %s', p.registration_number,
					   p.service_id, p.level, r.level)
			FROM ismap.service_dependency dep
			JOIN ismap.registration p ON p.service_id = dep.base_service_id AND p.status IN ('active', 'suspended')
			WHERE r.status IN ('active', 'suspended') AND dep.service_id = r.service_id
			  AND dep.self_assessed_audit_id IS NULL AND p.level < r.level) e
		WHERE e.occasion <= d AND p.from_date <= e.occasion
		  AND (p.until_date IS NULL OR p.until_date >= e.occasion)
	),
	fresh AS (
		SELECT ev.*, pg_catalog.format('agency %s, system %s, procurement %s: service %s (%s) %s on %s: %s',
				   ev.org_id, ev.system_id, ev.procurement_id, ev.service_id, ev.registration_number, ev.what,
				   ev.occasion, COALESCE(ev.reason, 'no reason recorded')) AS what_text
		FROM ev
		WHERE NOT EXISTS (SELECT 1 FROM ismap.notice n
						  WHERE n.kind = 'agency_notice' AND n.object_id = ev.procurement_id AND n.occasion = ev.occasion)
	),
	ins AS (
		INSERT INTO ismap.notice (kind, object_id, occasion, as_of, detail, run_id)
		SELECT 'agency_notice', f.procurement_id, f.occasion, d, f.what_text, run FROM fresh f WHERE NOT dry
		ON CONFLICT ON CONSTRAINT notice_once DO NOTHING
		RETURNING notice.object_id, notice.detail
	)
	SELECT 'agency_notice', i.object_id, i.detail FROM ins i
	UNION ALL
	SELECT 'agency_notice', f.procurement_id, f.what_text FROM fresh f WHERE dry
	ORDER BY 2, 3
$$;
COMMENT ON FUNCTION ismap_internal.agency_notices(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) IS 'used by the cascade and changes jobs: one agency_notice per procurement in use when its service''s registration expired, was delisted or suspended, or its platform came to be registered at a lower level (on or before d), once';
REVOKE EXECUTE ON FUNCTION ismap_internal.agency_notices(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) FROM PUBLIC;
CREATE OR REPLACE FUNCTION ismap_internal.job_changes(as_of pg_catalog.date, dry_run pg_catalog.bool, run_id pg_catalog.int8)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
SET jit = off
SET work_mem = '64MB'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
AS $$
#variable_conflict use_column
DECLARE
	d pg_catalog.date := job_changes.as_of;
	dry pg_catalog.bool := job_changes.dry_run;
	run pg_catalog.int8 := job_changes.run_id;
	windows pg_catalog.int4[];
	ahead pg_catalog.int4;
	ev_window pg_catalog.interval := (ismap.policy_value('evidence_window') #>> '{}')::pg_catalog.interval;
	conf pg_catalog.float8 := (ismap.policy_value('sampling_confidence') #>> '{}')::pg_catalog.float8;
	tol pg_catalog.float8 := (ismap.policy_value('sampling_tolerable_rate') #>> '{}')::pg_catalog.float8;
	hi pg_catalog.timestamptz;
	n_parts pg_catalog.int8 := 0;
	n_chained pg_catalog.int8;
	n_covered pg_catalog.int8;
	n_reinstated pg_catalog.int8;
	n_suspended pg_catalog.int8;
	n_notices pg_catalog.int8;
	n_crossed pg_catalog.int8 := 0;
	n_cleared pg_catalog.int8 := 0;
	m pg_catalog.date;
	part pg_catalog.text;
	rec record;
BEGIN
	BEGIN
		SELECT COALESCE(pg_catalog.array_agg(w::pg_catalog.int4 ORDER BY w::pg_catalog.int4), '{}')
		INTO STRICT windows
		FROM pg_catalog.jsonb_array_elements_text(ismap.policy_value('change_notice_days')) AS e(w);
	EXCEPTION WHEN OTHERS THEN
		windows := NULL;
	END;
	IF windows IS NULL OR pg_catalog.array_position(windows, NULL) IS NOT NULL
	   OR EXISTS (SELECT 1 FROM pg_catalog.unnest(windows) w WHERE w < 0) THEN
		RAISE EXCEPTION 'policy parameter "change_notice_days" must be an array of days, not %',
			(SELECT p.value FROM ismap.policy p WHERE p.name = 'change_notice_days')
			USING ERRCODE = 'invalid_parameter_value', HINT = 'For example [60, 30, 7].';
	END IF;
	BEGIN
		ahead := (ismap.policy_value('evidence_months_ahead') #>> '{}')::pg_catalog.int4;
	EXCEPTION WHEN data_exception THEN
		ahead := NULL;
	END;
	IF ahead IS NULL OR ahead < 0 OR ahead > 120 THEN
		RAISE EXCEPTION 'policy parameter "evidence_months_ahead" must be a number of months from 0 to 120'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF ev_window IS NULL OR ev_window <= '0'::pg_catalog.interval THEN
		RAISE EXCEPTION 'policy parameter "evidence_window" must be a positive interval' USING ERRCODE = 'invalid_parameter_value';
	END IF;

	-- 1. evidence partitions: the month of as_of and the months ahead
	PERFORM ismap_internal.job_progress(pg_catalog.format('changes: evidence partitions to %s months ahead of %s', ahead, d));
	IF NOT dry THEN
		FOR part IN SELECT * FROM ismap.ensure_evidence_partitions(d, (d + pg_catalog.make_interval(months => ahead))::pg_catalog.date) LOOP
			action := 'partition_created'; object_id := NULL; detail := part;
			RETURN NEXT;
			n_parts := n_parts + 1;
		END LOOP;
	ELSE
		m := pg_catalog.date_trunc('month', d)::pg_catalog.date;
		WHILE m <= (d + pg_catalog.make_interval(months => ahead))::pg_catalog.date LOOP
			part := pg_catalog.format('evidence_%s', pg_catalog.to_char(m, 'YYYY_MM'));
			IF pg_catalog.to_regclass(pg_catalog.format('ismap.%I', part)) IS NULL THEN
				action := 'partition_created'; object_id := NULL; detail := 'ismap.' || part;
				RETURN NEXT;
				n_parts := n_parts + 1;
			END IF;
			m := (m + '1 month'::pg_catalog.interval)::pg_catalog.date;
		END LOOP;
	END IF;

	-- 1b. the reported events committed so far (change reports, dependency
	-- changes: queued without the chain lock) go into the event log; the
	-- coverage events of step 2 follow them
	IF NOT dry THEN
		PERFORM 1 FROM ismap_internal.serial_lock l WHERE l.lock_name OPERATOR(pg_catalog.=) 'event chain' FOR UPDATE;
		n_chained := ismap_internal.chain_pending_events();
	ELSE
		SELECT pg_catalog.count(*) INTO n_chained FROM ismap_internal.pending_event;
	END IF;
	IF n_chained > 0 THEN
		action := 'events_chained'; object_id := NULL;
		detail := pg_catalog.format('%s reported event(s) chained into the event log', n_chained);
		RETURN NEXT;
	END IF;

	-- 2. material changes an audit now covers (the trigger writes the event)
	RETURN QUERY
	WITH cov AS (
		SELECT s.change_id, s.service_id, s.kind, s.effective_on, s.covered_by, s.covered_on, r.registration_number
		FROM ismap.change_status(d) s
		JOIN ismap.service_change c ON c.change_id = s.change_id
		JOIN ismap.registration r ON r.registration_id = s.covered_by
		WHERE s.status = 'covered' AND c.covered_by IS NULL
	),
	upd AS (
		UPDATE ismap.service_change c SET covered_by = cov.covered_by, covered_on = cov.covered_on, covered_run_id = run
		FROM cov WHERE NOT dry AND c.change_id = cov.change_id AND c.covered_by IS NULL
		RETURNING c.change_id
	)
	SELECT 'covered', cov.change_id,
		   pg_catalog.format('change %s of service %s (%s, effective %s): covered by the audit of %s, registered on %s',
			   cov.change_id, cov.service_id, cov.kind, cov.effective_on, cov.registration_number, cov.covered_on)
	FROM cov WHERE dry OR cov.change_id IN (SELECT u.change_id FROM upd u)
	ORDER BY 2;
	GET DIAGNOSTICS n_covered = ROW_COUNT;

	-- 3. suspensions of covered changes are lifted; a registration none
	-- holds any more is active again (a suspended registration that no
	-- change of this job holds was suspended by someone else: left alone)
	RETURN QUERY
	WITH cov AS (
		SELECT s.change_id FROM ismap.change_status(d) s WHERE s.status = 'covered'
	),
	lift AS (
		UPDATE ismap.change_suspension cs SET lifted_on = d
		WHERE NOT dry AND cs.lifted_on IS NULL AND cs.change_id IN (SELECT cov.change_id FROM cov)
		RETURNING cs.registration_id
	),
	back AS (
		SELECT r.registration_id, r.registration_number, r.service_id,
			   (SELECT pg_catalog.string_agg(cs.change_id::pg_catalog.text, ', ' ORDER BY cs.change_id)
				FROM ismap.change_suspension cs
				WHERE cs.registration_id = r.registration_id AND cs.lifted_on IS NULL) AS changes
		FROM ismap.registration r
		WHERE r.status = 'suspended'
		  AND EXISTS (SELECT 1 FROM ismap.change_suspension cs
					  WHERE cs.registration_id = r.registration_id AND cs.lifted_on IS NULL
						AND cs.change_id IN (SELECT cov.change_id FROM cov))
		  AND NOT EXISTS (SELECT 1 FROM ismap.change_suspension cs
						  WHERE cs.registration_id = r.registration_id AND cs.lifted_on IS NULL
							AND cs.change_id NOT IN (SELECT cov.change_id FROM cov))
	),
	upd AS (
		UPDATE ismap.registration r
		SET status = 'active', end_reason = NULL, cascaded_from = NULL, cascade_path = NULL, run_id = run
		FROM back
		WHERE NOT dry AND r.registration_id = back.registration_id AND r.status = 'suspended'
		  AND (SELECT pg_catalog.count(*) FROM lift) >= 0
		RETURNING r.registration_id
	)
	SELECT 'reinstated', back.registration_id,
		   pg_catalog.format('%s (service %s): active again, change %s covered by an audit',
			   back.registration_number, back.service_id, back.changes)
	FROM back WHERE dry OR back.registration_id IN (SELECT u.registration_id FROM upd u)
	ORDER BY 2;
	GET DIAGNOSTICS n_reinstated = ROW_COUNT;

	-- 4. material changes past their window without an audit: suspend the
	-- service's live registration and what is built on it
	PERFORM ismap_internal.job_progress(pg_catalog.format('changes: %s covered, %s reinstated; suspending for changes due before %s', n_covered, n_reinstated, d));
	RETURN QUERY
	WITH overdue AS (
		SELECT s.change_id, s.service_id AS root_service, s.kind, s.effective_on, s.due_on,
			   root.registration_number AS root_number
		FROM ismap.change_status(d) s
		JOIN ismap.registration root ON root.service_id = s.service_id
			AND root.status = ANY (ARRAY['active', 'suspended'])
		WHERE s.status = 'overdue'
	),
	hit AS (
		SELECT o.*, i.registration_id, i.service_id, i.depth, i.via, r.registration_number, r.status,
			   base.registration_id AS base_registration_id
		FROM overdue o
		CROSS JOIN LATERAL ismap.delisting_impact(o.root_service) i
		JOIN ismap.registration r ON r.registration_id = i.registration_id
		LEFT JOIN ismap.registration base
		  ON i.depth > 0 AND base.service_id = i.via[pg_catalog.array_upper(i.via, 1)]
		 AND base.status = ANY (ARRAY['active', 'suspended'])
		WHERE NOT EXISTS (SELECT 1 FROM ismap.change_suspension cs
						  WHERE cs.change_id = o.change_id AND cs.registration_id = i.registration_id)
		  -- active, or suspended by this job (a change it holds for)
		  AND (r.status = 'active'
			   OR EXISTS (SELECT 1 FROM ismap.change_suspension cs
						  WHERE cs.registration_id = i.registration_id AND cs.lifted_on IS NULL))
	),
	ins AS (
		INSERT INTO ismap.change_suspension (change_id, registration_id, depth, via, suspended_on, run_id)
		SELECT h.change_id, h.registration_id, h.depth, h.via, d, run FROM hit h WHERE NOT dry
		RETURNING change_suspension.registration_id
	),
	pick AS (
		SELECT DISTINCT ON (h.registration_id) h.*,
			   CASE WHEN h.depth = 0
					THEN pg_catalog.format('material change %s (%s, effective %s) not covered by an audit by %s',
						h.change_id, h.kind, h.effective_on, h.due_on)
					ELSE pg_catalog.format('platform suspended: %s (service %s) has material change %s (%s, effective %s) not covered by an audit by %s',
						h.root_number, h.root_service, h.change_id, h.kind, h.effective_on, h.due_on) END AS reason
		FROM hit h
		WHERE h.status = 'active'
		ORDER BY h.registration_id, h.depth, h.change_id
	),
	upd AS (
		UPDATE ismap.registration r
		SET status = 'suspended', end_reason = p.reason,
			cascaded_from = CASE WHEN p.depth = 0 THEN NULL ELSE p.base_registration_id END,
			cascade_path = CASE WHEN p.depth = 0 THEN NULL ELSE p.via END,
			run_id = run
		FROM pick p
		WHERE NOT dry AND r.registration_id = p.registration_id AND r.status = 'active'
		  AND (SELECT pg_catalog.count(*) FROM ins) >= 0
		RETURNING r.registration_id
	)
	SELECT 'suspended', p.registration_id,
		   pg_catalog.format('%s (service %s): %s%s', p.registration_number, p.service_id, p.reason,
			   CASE WHEN p.depth > 0 THEN ' ; chain ' || pg_catalog.array_to_string(p.via || p.service_id, ' -> ') ELSE '' END)
	FROM pick p WHERE dry OR p.registration_id IN (SELECT u.registration_id FROM upd u)
	ORDER BY 2;
	GET DIAGNOSTICS n_suspended = ROW_COUNT;

	-- 5. notices before a change's window ends: the latest window reached,
	-- once; none once an audit covers the change
	RETURN QUERY
	WITH cand AS (
		SELECT s.change_id, s.service_id, s.kind, s.effective_on, s.due_on, w.days,
			   (s.due_on - w.days) AS occasion
		FROM ismap.change_status(d) s
		CROSS JOIN LATERAL (SELECT pg_catalog.min(x) AS days FROM pg_catalog.unnest(windows) x
							WHERE x >= (s.due_on - d)) w
		WHERE s.status = 'audit_required' AND s.due_on >= d
	),
	fresh AS (
		SELECT c.*, pg_catalog.format('change %s of service %s (%s, effective %s) needs an audit by %s (%s days); %s-day notice',
				   c.change_id, c.service_id, c.kind, c.effective_on, c.due_on, c.due_on - d, c.days) AS what
		FROM cand c
		WHERE c.days IS NOT NULL
		  AND NOT EXISTS (SELECT 1 FROM ismap.notice n
						  WHERE n.kind = 'change_audit_due' AND n.object_id = c.change_id AND n.occasion = c.occasion)
	),
	ins AS (
		INSERT INTO ismap.notice (kind, object_id, occasion, window_days, as_of, detail, run_id)
		SELECT 'change_audit_due', f.change_id, f.occasion, f.days, d, f.what, run FROM fresh f WHERE NOT dry
		ON CONFLICT ON CONSTRAINT notice_once DO NOTHING
		RETURNING notice.object_id, notice.detail
	)
	SELECT 'notice', i.object_id, i.detail FROM ins i
	UNION ALL
	SELECT 'notice', f.change_id, f.what FROM fresh f WHERE dry
	ORDER BY 2;
	GET DIAGNOSTICS n_notices = ROW_COUNT;

	-- 6. control evidence of the policy window: a control that crosses the
	-- limit opens a crossing and gets one notice; one back within closes it
	PERFORM ismap_internal.job_progress(pg_catalog.format('changes: %s suspended, %s notices; control evidence of %s to %s', n_suspended, n_notices, ev_window, d));
	hi := (d + 1)::pg_catalog.timestamptz;
	FOR rec IN
		WITH g AS (
			SELECT e.service_id, e.control_id, pg_catalog.count(*) AS n,
				   pg_catalog.count(*) FILTER (WHERE e.outcome = 'fail') AS dev
			FROM ismap.evidence e
			WHERE e.occurred_at >= hi - ev_window AND e.occurred_at < hi
			GROUP BY e.service_id, e.control_id
		),
		h AS (
			SELECT g.*, ismap.upper_deviation_limit(LEAST(g.n, 2147483647)::pg_catalog.int4,
				LEAST(g.dev, 2147483647)::pg_catalog.int4, conf) AS ul
			FROM g WHERE g.dev > 0
		),
		bad AS (SELECT h.* FROM h WHERE h.ul > tol),
		opened AS (
			SELECT b.* FROM bad b
			WHERE NOT EXISTS (SELECT 1 FROM ismap.control_crossing c
							  WHERE c.cleared_on IS NULL AND c.service_id = b.service_id
								AND c.control_id OPERATOR(ismap.=) b.control_id)
		),
		closed AS (
			SELECT c.crossing_id, c.service_id, c.control_id, c.crossed_on,
				   COALESCE(g.n, 0) AS n, COALESCE(g.dev, 0) AS dev
			FROM ismap.control_crossing c
			LEFT JOIN g ON g.service_id = c.service_id AND g.control_id OPERATOR(ismap.=) c.control_id
			WHERE c.cleared_on IS NULL
			  AND NOT EXISTS (SELECT 1 FROM bad b
							  WHERE b.service_id = c.service_id AND b.control_id OPERATOR(ismap.=) c.control_id)
		),
		insc AS (
			INSERT INTO ismap.control_crossing (service_id, control_id, crossed_on, observations, deviations, upper_limit, run_id)
			SELECT o.service_id, o.control_id, d, o.n, o.dev, o.ul, run FROM opened o WHERE NOT dry
			RETURNING control_crossing.*
		),
		insn AS (
			INSERT INTO ismap.notice (kind, object_id, occasion, as_of, detail, run_id)
			SELECT 'control_limit_exceeded', i.crossing_id, d, d,
				   pg_catalog.format('service %s control %s: %s deviations in %s observations from %s to %s; upper deviation limit %s above the tolerable rate %s',
					   i.service_id, i.control_id, i.deviations, i.observations, (d - ev_window)::pg_catalog.date + 1, d,
					   pg_catalog.round(i.upper_limit::pg_catalog.numeric, 4), tol), run
			FROM insc i
			RETURNING notice.object_id, notice.detail
		),
		updc AS (
			UPDATE ismap.control_crossing c SET cleared_on = d
			FROM closed x WHERE NOT dry AND c.crossing_id = x.crossing_id
			RETURNING c.crossing_id
		)
		SELECT 'limit_exceeded' AS act, i.object_id AS id, i.detail AS what FROM insn i
		UNION ALL
		SELECT 'limit_exceeded', NULL,
			   pg_catalog.format('service %s control %s: %s deviations in %s observations from %s to %s; upper deviation limit %s above the tolerable rate %s',
				   o.service_id, o.control_id, o.dev, o.n, (d - ev_window)::pg_catalog.date + 1, d,
				   pg_catalog.round(o.ul::pg_catalog.numeric, 4), tol)
		FROM opened o WHERE dry
		UNION ALL
		SELECT 'limit_cleared', x.crossing_id,
			   pg_catalog.format('service %s control %s: back within the limit (%s deviations in %s observations), over it since %s',
				   x.service_id, x.control_id, x.dev, x.n, x.crossed_on)
		FROM closed x WHERE dry OR x.crossing_id IN (SELECT u.crossing_id FROM updc u)
		ORDER BY 1, 3
	LOOP
		action := rec.act;
		object_id := rec.id;
		detail := rec.what;
		RETURN NEXT;
		IF rec.act = 'limit_exceeded' THEN
			n_crossed := n_crossed + 1;
		ELSE
			n_cleared := n_cleared + 1;
		END IF;
	END LOOP;

	-- the agencies whose procured services were suspended: a notice per
	-- procurement, once (ismap_internal.agency_notices)
	RETURN QUERY SELECT * FROM ismap_internal.agency_notices(d, dry, run);
END
$$;
COMMENT ON FUNCTION ismap_internal.job_changes(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) IS 'the work of the changes job, called by ismap.run_job (which holds the lock and records the run run_id, NULL for a dry run)';
REVOKE EXECUTE ON FUNCTION ismap_internal.job_changes(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) FROM PUBLIC;
CREATE OR REPLACE FUNCTION ismap.principal_org(p_role pg_catalog.name) RETURNS pg_catalog.int8
LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT b.org_id FROM ismap.principal_binding b
	WHERE b.role_name = p_role AND pg_catalog.pg_has_role(SESSION_USER, p_role, 'MEMBER')
$$;
COMMENT ON FUNCTION ismap.principal_org(pg_catalog.name) IS 'the agency (organization) a role acts for (row-level policies)';
CREATE OR REPLACE FUNCTION ismap.agency_package_audit(p_role pg_catalog.name, p_audit_id pg_catalog.int8) RETURNS pg_catalog.bool
LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT EXISTS (
		SELECT 1 FROM ismap.principal_binding b
		JOIN ismap.information_system s ON s.org_id = b.org_id
		JOIN ismap.procurement p ON p.system_id = s.system_id
			AND (p.until_date IS NULL OR p.until_date >= CURRENT_DATE)
		JOIN ismap.registration r ON r.service_id = p.service_id AND r.audit_id = p_audit_id
		WHERE b.role_name = p_role AND pg_catalog.pg_has_role(SESSION_USER, p_role, 'MEMBER'))
$$;
COMMENT ON FUNCTION ismap.agency_package_audit(pg_catalog.name, pg_catalog.int8) IS 'whether the agency a role acts for procures a service one of whose registrations rests on the audit (package access; row-level policies)';
CREATE OR REPLACE FUNCTION ismap.principal(p_role_name pg_catalog.name, p_audit_body_id pg_catalog.int8 DEFAULT NULL,
	p_csp_id pg_catalog.int8 DEFAULT NULL, p_org_id pg_catalog.int8 DEFAULT NULL) RETURNS ismap.principal_binding
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	res ismap.principal_binding;
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = p_role_name) THEN
		RAISE EXCEPTION 'role "%" does not exist', p_role_name USING ERRCODE = 'undefined_object';
	END IF;
	-- every provider (auditor) login is a member of ismap_csp (ismap_auditor)
	-- and may SET ROLE to it: bound to a party, a group role would let each
	-- of them act for that party
	IF p_role_name IN ('ismap_reader', 'ismap_registrar', 'ismap_auditor', 'ismap_csp', 'ismap_jobs', 'ismap_agency') THEN
		RAISE EXCEPTION 'role "%" is a group role of the extension: bind a role of one person or one party', p_role_name
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'Its members may SET ROLE to it, and would all act for the party.';
	END IF;
	IF pg_catalog.num_nonnulls(p_audit_body_id, p_csp_id, p_org_id) <> 1 THEN
		RAISE EXCEPTION 'a principal acts for exactly one audit body, one provider or one agency'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	INSERT INTO ismap.principal_binding AS b (role_name, audit_body_id, csp_id, org_id)
	VALUES (p_role_name, p_audit_body_id, p_csp_id, p_org_id)
	ON CONFLICT (role_name) DO UPDATE SET audit_body_id = EXCLUDED.audit_body_id, csp_id = EXCLUDED.csp_id,
		org_id = EXCLUDED.org_id, bound_at = pg_catalog.now()
	RETURNING * INTO res;
	RETURN res;
END
$$;
COMMENT ON FUNCTION ismap.principal(pg_catalog.name, pg_catalog.int8, pg_catalog.int8, pg_catalog.int8) IS 'tie a login role to the audit body, provider or agency (organization) it acts for (registrar)';
CREATE OR REPLACE FUNCTION ismap.create_roles() RETURNS pg_catalog.text[]
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	made pg_catalog.text[] := '{}';
	r pg_catalog.text;
	f pg_catalog.regprocedure;
	owner pg_catalog.name;
BEGIN
	IF NOT (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = CURRENT_USER) THEN
		RAISE EXCEPTION 'ismap.create_roles() must be run by a superuser' USING ERRCODE = 'insufficient_privilege';
	END IF;
	FOREACH r IN ARRAY ARRAY['ismap_reader', 'ismap_registrar', 'ismap_auditor', 'ismap_csp', 'ismap_jobs', 'ismap_agency'] LOOP
		IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r) THEN
			EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN', r);
			made := made || r;
		END IF;
		EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA ismap TO %I', r);
	END LOOP;
	SELECT pg_catalog.pg_get_userbyid(n.nspowner) INTO owner FROM pg_catalog.pg_namespace n WHERE n.nspname = 'ismap';

	-- everyone: the catalogs, the published registry and its reports, the policy
	GRANT SELECT ON ismap.framework, ismap.control, ismap.baseline, ismap.baseline_control,
		ismap.control_mapping, ismap.control_reference, ismap.control_group, ismap.control_param, ismap.policy,
		ismap.service_change, ismap.sla_template,
		ismap.sampling_table, ismap.registry, ismap.registry_listing, ismap.registration, ismap.registry_event, ismap.event_chain_seal,
		ismap.audit_body, ismap.audit_body_selection, ismap.csp, ismap.service, ismap.service_dependency,
		ismap.job, ismap.platform_exemption
		TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs, ismap_agency;
	-- the registrar: every table to read; edits the catalogs, the policy,
	-- the parties and the classification; decides through the functions.
	-- Its table-level UPDATE and DELETE let it LOCK these tables in any
	-- mode: it is staff and trusted, as their only editor (docs/security.md,
	-- A2-09); no party holds such a privilege on any table
	GRANT SELECT ON ALL TABLES IN SCHEMA ismap TO ismap_registrar;
	GRANT INSERT, UPDATE, DELETE ON ismap.framework, ismap.control, ismap.baseline, ismap.baseline_control,
		ismap.control_mapping, ismap.control_reference, ismap.control_group, ismap.control_param,
		ismap.sla_template, ismap.sampling_table,
		ismap.audit_body, ismap.auditor, ismap.auditor_qualification, ismap.audit_body_selection,
		ismap.csp, ismap.organization, ismap.information_asset, ismap.information_system, ismap.system_asset,
		ismap.procurement
		TO ismap_registrar;
	GRANT INSERT, UPDATE ON ismap.policy TO ismap_registrar;
	GRANT SELECT ON ismap.organization, ismap.information_asset, ismap.information_system,
		ismap.system_asset TO ismap_reader, ismap_agency;
	-- an auditor: its own body's people and audits; statements, results
	-- and control tests of its own audits while they are open
	GRANT SELECT ON ismap.auditor, ismap.auditor_qualification, ismap.audit, ismap.application,
		ismap.statement_item, ismap.audit_result, ismap.control_test, ismap.control_test_evaluation TO ismap_auditor;
	-- A table-level UPDATE or DELETE would let a party LOCK the whole table
	-- in any mode and stall every other party (A2-09): the parties get
	-- column-level UPDATE, and delete through ismap.delete_* (0.2.0 granted
	-- the whole tables: taken back first, which takes the columns' too)
	REVOKE UPDATE, DELETE ON ismap.audit_result, ismap.control_test FROM ismap_auditor;
	REVOKE UPDATE, DELETE ON ismap.statement_item FROM ismap_csp;
	REVOKE DELETE ON ismap.service_dependency FROM ismap_csp;
	GRANT INSERT ON ismap.audit_result, ismap.control_test TO ismap_auditor;
	GRANT UPDATE (audit_id, control_id, result, rationale) ON ismap.audit_result TO ismap_auditor;
	GRANT UPDATE (audit_id, control_id, frequency, population, sample_size, deviations, seed)
		ON ismap.control_test TO ismap_auditor;
	-- every column of an audit but its decision date, which only the
	-- decisions write (0.2.0 granted the whole table: taken back first)
	REVOKE INSERT, UPDATE ON ismap.audit FROM ismap_auditor;
	GRANT INSERT (audit_id, service_id, audit_body_id, lead_auditor_id, kind, target_level, framework_id,
				  period_start, period_end, report_date, scope),
		  UPDATE (service_id, audit_body_id, lead_auditor_id, kind, target_level, framework_id,
				  period_start, period_end, report_date, scope) ON ismap.audit TO ismap_auditor;
	-- a provider: its own services, platforms, statements and applications
	-- a registered service's scope and models change only through a reported
	-- change and a new audit, and only an audit decides that a platform was
	-- assessed: the provider holds no privilege on those columns
	GRANT INSERT ON ismap.service TO ismap_csp;
	GRANT UPDATE (name, responsibility) ON ismap.service TO ismap_csp;
	GRANT INSERT (service_id, base_service_id) ON ismap.service_dependency TO ismap_csp;
	GRANT INSERT ON ismap.statement_item TO ismap_csp;
	GRANT UPDATE (audit_id, framework_id, control_id, selected, exclusion_reason) ON ismap.statement_item TO ismap_csp;
	GRANT UPDATE (self_assessed_audit_id) ON ismap.service_dependency TO ismap_auditor, ismap_registrar;
	GRANT SELECT, INSERT ON ismap.application TO ismap_csp;
	GRANT UPDATE (status, decided_on, decision_reason) ON ismap.application TO ismap_csp;
	GRANT SELECT ON ismap.audit, ismap.statement_item, ismap.audit_result, ismap.control_test,
		ismap.control_test_evaluation TO ismap_csp;
	GRANT UPDATE (name, address) ON ismap.csp TO ismap_csp;
	-- a provider reports its own services' changes and feeds their evidence
	-- (what was reported: not its coverage, nor the reporting date)
	GRANT SELECT ON ismap.service_change, ismap.evidence TO ismap_csp;
	REVOKE INSERT ON ismap.service_change FROM ismap_csp;
	GRANT INSERT (service_id, kind, effective_on, description, reported_by) ON ismap.service_change TO ismap_csp;
	GRANT INSERT ON ismap.evidence TO ismap_csp;
	GRANT INSERT ON ismap.service_change TO ismap_registrar;
	GRANT USAGE ON ALL SEQUENCES IN SCHEMA ismap TO ismap_registrar, ismap_auditor, ismap_csp;
	GRANT USAGE ON SEQUENCE ismap.procurement_procurement_id_seq TO ismap_agency;
	-- but not the numbers of what only the extension's functions write:
	-- nextval would burn event and registration ids, leaving gaps that
	-- look like deleted rows
	REVOKE USAGE ON SEQUENCE ismap.registry_event_event_id_seq, ismap.registration_registration_id_seq,
		ismap.job_run_run_id_seq, ismap.notice_notice_id_seq FROM ismap_registrar, ismap_auditor, ismap_csp;
	-- an agency (DESIGN 3.14): records what its systems procure; reads the
	-- package (audit, statement, results) of the services they procure.
	-- Granted after the parties: an upgrade then lists each table's
	-- grantees in a fresh install's order
	GRANT SELECT ON ismap.procurement, ismap.audit, ismap.statement_item, ismap.audit_result TO ismap_agency;
	GRANT INSERT (system_id, service_id, from_date, until_date, note) ON ismap.procurement TO ismap_agency;
	GRANT UPDATE (until_date, note) ON ismap.procurement TO ismap_agency;
	-- jobs: read what the batch functions read
	-- (the batch functions have the owner's rights; the role itself reads
	-- only its runs and notices, besides what everyone reads)
	GRANT SELECT ON ismap.job_run, ismap.notice, ismap.job_health TO ismap_jobs;

	-- functions: everything that only reads, to every role; what writes,
	-- to the one role that needs it
	FOR f IN
		SELECT p.oid::pg_catalog.regprocedure FROM pg_catalog.pg_proc p
		JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.objid = p.oid AND d.deptype = 'e'
		JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'ismap'
		WHERE p.pronamespace = 'ismap'::pg_catalog.regnamespace
		  AND p.provolatile IN ('i', 's') AND p.prorettype <> 'pg_catalog.trigger'::pg_catalog.regtype
		  AND NOT p.prosecdef
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs, ismap_agency', f);
	END LOOP;
	FOR f, r IN
		SELECT p.oid::pg_catalog.regprocedure, g.role FROM pg_catalog.pg_proc p
		JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace AND n.nspname = 'ismap'
		JOIN (VALUES ('register', 'ismap_registrar'), ('approve_application', 'ismap_registrar'),
					 ('reject_application', 'ismap_registrar'), ('delist', 'ismap_registrar'),
					 ('principal', 'ismap_registrar'), ('platform_exemption', 'ismap_registrar'), ('import_control_standard_csv', 'ismap_registrar'),
					 ('import_nist_iso27001_mapping', 'ismap_registrar'), ('import_oscal_catalog', 'ismap_registrar'),
					 ('import_oscal_profile', 'ismap_registrar'),
					 ('delete_statement_item', 'ismap_csp'), ('delete_service_dependency', 'ismap_csp'),
					 ('delete_audit_result', 'ismap_auditor'), ('delete_control_test', 'ismap_auditor'),
					 ('run_renewals', 'ismap_jobs'), ('expire_audit_body_selections', 'ismap_jobs'),
					 ('cascade_delistings', 'ismap_jobs'), ('run_changes', 'ismap_jobs'),
					 ('job_start', 'ismap_jobs'), ('job_finish', 'ismap_jobs'), ('job_mark_stale', 'ismap_jobs'),
					 ('prune_job_runs', 'ismap_jobs'), ('run_job', 'ismap_jobs'), ('seal_event_chain', 'ismap_jobs'),
					 ('ensure_evidence_partitions', 'ismap_jobs'), ('ensure_evidence_partitions', 'ismap_registrar'),
					 -- owner's rights, for the applications the caller may see
					 ('validate_application', 'ismap_registrar'), ('validate_application', 'ismap_auditor'),
					 ('validate_application', 'ismap_csp'), ('validate_application', 'ismap_jobs')) g(fn, role)
		  ON g.fn = p.proname
		-- in a fixed order: a function's ACL lists its grantees in the
		-- order granted, and an upgrade must end with a fresh install's
		ORDER BY g.fn, g.role
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO %I', f, r);
	END LOOP;

	-- the event chain's checks have the owner's rights (they read every
	-- event, also those row-level security hides from the caller) and tell
	-- only whether the chain holds, which event breaks it, and the head's
	-- hash: every role runs them
	FOR f IN
		SELECT p.oid::pg_catalog.regprocedure FROM pg_catalog.pg_proc p
		WHERE p.pronamespace = 'ismap'::pg_catalog.regnamespace
		  AND p.proname = ANY (ARRAY['verify_event_chain', 'event_chain_full_check', 'event_chain_head'])
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs, ismap_agency', f);
	END LOOP;
	-- what reads tables a role may not read is not granted to it (the
	-- function would only refuse it inside): the change status reads the
	-- applications, the classification the agencies' systems
	REVOKE EXECUTE ON FUNCTION ismap.change_status(pg_catalog.date) FROM ismap_reader, ismap_jobs, ismap_agency;
	REVOKE EXECUTE ON FUNCTION ismap.classification_findings(pg_catalog.int8), ismap.classification_findings_all(pg_catalog.int8),
		ismap.classify_system(pg_catalog.int8), ismap.eligible_services(pg_catalog.int8, pg_catalog.date),
		ismap.required_level(pg_catalog.int8) FROM ismap_auditor, ismap_csp, ismap_jobs;
	-- a control test's items read the test (its provider, its auditor, the
	-- registrar); a control's health the evidence (its provider, the
	-- registrar, the jobs)
	REVOKE EXECUTE ON FUNCTION ismap.control_test_items(pg_catalog.int8, ismap.ctrlid) FROM ismap_reader, ismap_jobs, ismap_agency;
	REVOKE EXECUTE ON FUNCTION ismap.control_health(pg_catalog.int8, pg_catalog.date, pg_catalog.interval) FROM ismap_reader, ismap_auditor, ismap_agency;
	-- the agencies' procurements are the registrar's and each agency's own
	-- (the jobs read them with the owner's rights)
	REVOKE EXECUTE ON FUNCTION ismap.agency_impact(pg_catalog.int8) FROM ismap_reader, ismap_auditor, ismap_csp, ismap_jobs;

	-- the policies' helpers run in the querying role's name: only the roles
	-- whose policies call them get them
	GRANT EXECUTE ON FUNCTION ismap.principal_audit_body(pg_catalog.name), ismap.principal_csp(pg_catalog.name),
		ismap.audit_party(pg_catalog.int8), ismap.service_csp(pg_catalog.int8) TO ismap_auditor, ismap_csp;
	GRANT EXECUTE ON FUNCTION ismap.principal_org(pg_catalog.name),
		ismap.agency_package_audit(pg_catalog.name, pg_catalog.int8) TO ismap_agency;

	-- row-level policies (re-created, so a second run changes nothing)
	PERFORM ismap_internal.create_policies();
	RETURN made;
END
$$;
COMMENT ON FUNCTION ismap.create_roles() IS 'superuser: create the six ismap roles if missing, grant them least privilege and create the row-level policies; idempotent; returns the roles it created';
CREATE OR REPLACE FUNCTION ismap_internal.create_policies() RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	p record;
BEGIN
	FOR p IN
		SELECT pol.polname, c.relname FROM pg_catalog.pg_policy pol
		JOIN pg_catalog.pg_class c ON c.oid = pol.polrelid
		JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'ismap'
	LOOP
		EXECUTE pg_catalog.format('DROP POLICY %I ON ismap.%I', p.polname, p.relname);
	END LOOP;

	-- the owner's SECURITY DEFINER functions and the registrar and jobs see all
	CREATE POLICY staff ON ismap.audit TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.statement_item TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.audit_result TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.control_test TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.application TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.auditor TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.auditor_qualification TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.principal_binding TO ismap_registrar, ismap_jobs USING (true);
	EXECUTE pg_catalog.format('CREATE POLICY owner ON ismap.statement_item TO %I USING (true)',
		(SELECT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c WHERE c.oid = 'ismap.statement_item'::pg_catalog.regclass));
	EXECUTE pg_catalog.format('CREATE POLICY owner ON ismap.audit_result TO %I USING (true)',
		(SELECT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c WHERE c.oid = 'ismap.audit_result'::pg_catalog.regclass));
	EXECUTE pg_catalog.format('CREATE POLICY owner ON ismap.control_test TO %I USING (true)',
		(SELECT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c WHERE c.oid = 'ismap.control_test'::pg_catalog.regclass));

	-- What is public (docs/security.md): a service once registered (live or
	-- ended), its platforms and its provider.  A service never registered
	-- is seen by the registrar, its own provider and the audit bodies
	-- auditing it (or a service built on it); its provider, until one of its
	-- services is registered, by the registrar and the parties that see one
	-- of them.  The batch jobs (the owner's rights) read what is public.  The
	-- policies of service_dependency name registration and audit, not
	-- service, so that service's may read them without recursion.
	CREATE POLICY staff ON ismap.service FOR SELECT TO ismap_registrar USING (true);
	CREATE POLICY staff ON ismap.service_dependency FOR SELECT TO ismap_registrar USING (true);
	CREATE POLICY registrar ON ismap.csp TO ismap_registrar USING (true);
	CREATE POLICY published ON ismap.service FOR SELECT TO ismap_reader, ismap_auditor, ismap_csp, ismap_jobs, ismap_agency
		USING (EXISTS (SELECT 1 FROM ismap.registration r WHERE r.service_id = service.service_id));
	CREATE POLICY published ON ismap.service_dependency FOR SELECT TO ismap_reader, ismap_auditor, ismap_csp, ismap_jobs, ismap_agency
		USING (EXISTS (SELECT 1 FROM ismap.registration r WHERE r.service_id = service_dependency.service_id));
	CREATE POLICY published ON ismap.csp FOR SELECT TO ismap_reader, ismap_auditor, ismap_csp, ismap_jobs, ismap_agency
		USING (EXISTS (SELECT 1 FROM ismap.service s WHERE s.csp_id = csp.csp_id));
	CREATE POLICY own_services_read ON ismap.service FOR SELECT TO ismap_csp
		USING (csp_id = ismap.principal_csp(current_user));
	CREATE POLICY own_services_read ON ismap.service_dependency FOR SELECT TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY own_row_read ON ismap.csp FOR SELECT TO ismap_csp
		USING (csp_id = ismap.principal_csp(current_user));
	CREATE POLICY audited ON ismap.service FOR SELECT TO ismap_auditor
		USING (EXISTS (SELECT 1 FROM ismap.audit a WHERE a.service_id = service.service_id)
			OR EXISTS (SELECT 1 FROM ismap.service_dependency d JOIN ismap.audit a ON a.service_id = d.service_id
					   WHERE d.base_service_id = service.service_id));
	CREATE POLICY audited ON ismap.service_dependency FOR SELECT TO ismap_auditor
		USING (EXISTS (SELECT 1 FROM ismap.audit a WHERE a.service_id = service_dependency.service_id));

	-- an auditor: its own body
	CREATE POLICY own_body ON ismap.auditor TO ismap_auditor
		USING (audit_body_id = ismap.principal_audit_body(current_user));
	CREATE POLICY own_body ON ismap.auditor_qualification FOR SELECT TO ismap_auditor
		USING (EXISTS (SELECT 1 FROM ismap.auditor a WHERE a.auditor_id = auditor_qualification.auditor_id));
	CREATE POLICY own_body ON ismap.audit TO ismap_auditor
		USING (audit_body_id = ismap.principal_audit_body(current_user))
		WITH CHECK (audit_body_id = ismap.principal_audit_body(current_user)
			AND (SELECT o.open FROM ismap.audit_party(audit_id) o) IS NOT false);
	CREATE POLICY own_body ON ismap.application FOR SELECT TO ismap_auditor
		USING ((SELECT o.audit_body_id FROM ismap.audit_party(audit_id) o) = ismap.principal_audit_body(current_user));
	CREATE POLICY own_open_audit ON ismap.statement_item FOR SELECT TO ismap_auditor
		USING ((SELECT o.audit_body_id = ismap.principal_audit_body(current_user) AND o.open FROM ismap.audit_party(audit_id) o));
	CREATE POLICY own_open_audit ON ismap.audit_result TO ismap_auditor
		USING ((SELECT o.audit_body_id = ismap.principal_audit_body(current_user) AND o.open FROM ismap.audit_party(audit_id) o));
	CREATE POLICY own_open_audit ON ismap.control_test TO ismap_auditor
		USING ((SELECT o.audit_body_id = ismap.principal_audit_body(current_user) AND o.open FROM ismap.audit_party(audit_id) o));

	-- a provider: its own services, platforms, statements, applications;
	-- it reads its own audits' results
	CREATE POLICY own_row ON ismap.csp FOR UPDATE TO ismap_csp
		USING (csp_id = ismap.principal_csp(current_user));
	CREATE POLICY own_services ON ismap.service FOR INSERT TO ismap_csp
		WITH CHECK (csp_id = ismap.principal_csp(current_user));
	CREATE POLICY own_services_update ON ismap.service FOR UPDATE TO ismap_csp
		USING (csp_id = ismap.principal_csp(current_user));
	CREATE POLICY own_services ON ismap.service_dependency FOR INSERT TO ismap_csp
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY own_services_update ON ismap.service_dependency FOR UPDATE TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY own_services_delete ON ismap.service_dependency FOR DELETE TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	-- self_assessed_audit_id, granted to the registrar and the auditors, was
	-- updatable through no policy: their updates changed nothing, silently
	-- (M6).  The registrar records it; an auditor, with an audit of its own
	-- body, on a dependency not already marked by another body's audit
	-- (marking with another body's audit is refused: 42501)
	CREATE POLICY staff_update ON ismap.service_dependency FOR UPDATE TO ismap_registrar USING (true);
	CREATE POLICY own_audit ON ismap.service_dependency FOR UPDATE TO ismap_auditor
		USING (self_assessed_audit_id IS NULL
			OR (SELECT o.audit_body_id FROM ismap.audit_party(self_assessed_audit_id) o) = ismap.principal_audit_body(current_user))
		WITH CHECK (self_assessed_audit_id IS NULL
			OR (SELECT o.audit_body_id FROM ismap.audit_party(self_assessed_audit_id) o) = ismap.principal_audit_body(current_user));
	CREATE POLICY own_audits ON ismap.audit FOR SELECT TO ismap_csp
		USING ((SELECT o.csp_id FROM ismap.audit_party(audit_id) o) = ismap.principal_csp(current_user));
	CREATE POLICY own_open_statement ON ismap.statement_item FOR SELECT TO ismap_csp
		USING ((SELECT o.csp_id = ismap.principal_csp(current_user) FROM ismap.audit_party(audit_id) o));
	-- writes (a DELETE checks USING only) while the audit is open
	CREATE POLICY own_open_statement_write ON ismap.statement_item FOR ALL TO ismap_csp
		USING ((SELECT o.csp_id = ismap.principal_csp(current_user) AND o.open FROM ismap.audit_party(audit_id) o))
		WITH CHECK ((SELECT o.csp_id = ismap.principal_csp(current_user) AND o.open FROM ismap.audit_party(audit_id) o));
	CREATE POLICY own_results ON ismap.audit_result FOR SELECT TO ismap_csp
		USING ((SELECT o.csp_id FROM ismap.audit_party(audit_id) o) = ismap.principal_csp(current_user));
	CREATE POLICY own_tests ON ismap.control_test FOR SELECT TO ismap_csp
		USING ((SELECT o.csp_id FROM ismap.audit_party(audit_id) o) = ismap.principal_csp(current_user));
	CREATE POLICY own_applications ON ismap.application FOR SELECT TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	-- a provider files applications (submitted) and may withdraw them; it
	-- never decides (nor records acknowledgements, approve_application's)
	CREATE POLICY file_own ON ismap.application FOR INSERT TO ismap_csp
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user) AND status = 'submitted'
			AND submitted_on = CURRENT_DATE AND acknowledged IS NULL
			AND (SELECT o.open FROM ismap.audit_party(audit_id) o));
	-- the withdrawal is dated today, by the server's clock (M4)
	CREATE POLICY withdraw_own ON ismap.application FOR UPDATE TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user) AND status = 'submitted')
		WITH CHECK (status = 'withdrawn' AND decided_on = CURRENT_DATE);
	CREATE POLICY own_binding ON ismap.principal_binding FOR SELECT TO ismap_auditor, ismap_csp, ismap_agency
		USING (role_name = current_user);
	-- a change report is its provider's, the registrar's and, for a service
	-- its body audits, an auditor's (DESIGN 3.9: not public)
	CREATE POLICY staff ON ismap.service_change TO ismap_registrar USING (true);
	CREATE POLICY audited ON ismap.service_change FOR SELECT TO ismap_auditor
		USING (EXISTS (SELECT 1 FROM ismap.audit a WHERE a.service_id = service_change.service_id));
	CREATE POLICY own_services ON ismap.service_change TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user))
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	-- the event log: the events of registrations are public (DESIGN 3.9);
	-- change reports, their coverage, rejections and platform changes are
	-- the registrar's, the provider's and the auditing body's.  The chain's
	-- checks have the owner's rights and read every event.
	CREATE POLICY staff ON ismap.registry_event FOR SELECT TO ismap_registrar USING (true);
	CREATE POLICY published ON ismap.registry_event FOR SELECT TO ismap_reader, ismap_auditor, ismap_csp, ismap_jobs, ismap_agency
		USING (kind = ANY (ARRAY['registered', 'reinstated', 'expired', 'delisted', 'suspended', 'changed']));
	CREATE POLICY own_services ON ismap.registry_event FOR SELECT TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY audited ON ismap.registry_event FOR SELECT TO ismap_auditor
		USING (EXISTS (SELECT 1 FROM ismap.audit a WHERE a.service_id = registry_event.service_id));
	-- an agency (DESIGN 3.14): its own systems' procurements; the package
	-- (audit, statement, results) of the services they procure
	CREATE POLICY staff ON ismap.procurement TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY own_systems ON ismap.procurement TO ismap_agency
		USING (EXISTS (SELECT 1 FROM ismap.information_system s
					   WHERE s.system_id = procurement.system_id AND s.org_id = ismap.principal_org(current_user)))
		WITH CHECK (EXISTS (SELECT 1 FROM ismap.information_system s
					   WHERE s.system_id = procurement.system_id AND s.org_id = ismap.principal_org(current_user)));
	CREATE POLICY procured ON ismap.audit FOR SELECT TO ismap_agency
		USING (ismap.agency_package_audit(current_user, audit_id));
	CREATE POLICY procured ON ismap.statement_item FOR SELECT TO ismap_agency
		USING (ismap.agency_package_audit(current_user, audit_id));
	CREATE POLICY procured ON ismap.audit_result FOR SELECT TO ismap_agency
		USING (ismap.agency_package_audit(current_user, audit_id));
	CREATE POLICY staff ON ismap.evidence TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY own_services ON ismap.evidence TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user))
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
END
$$;
COMMENT ON FUNCTION ismap_internal.create_policies() IS 'superuser: (re)create the row-level policies of the ismap roles (called by create_roles)';

CREATE TRIGGER procurement_check BEFORE INSERT OR UPDATE ON ismap.procurement
	FOR EACH ROW EXECUTE FUNCTION ismap_internal.procurement_check_trigger();

-- ==== Agencies and the review workflow together: the functions both touched, the roles and policies as merged (agencies read the remediation of what they procure) ====
ALTER TABLE ismap.notice DROP CONSTRAINT notice_kind;
ALTER TABLE ismap.notice ADD CONSTRAINT notice_kind CHECK (kind OPERATOR(pg_catalog.=) ANY (ARRAY['renewal_due', 'renewal_pending', 'report_overdue', 'body_not_selected',
			'change_audit_due', 'control_limit_exceeded', 'remediation_overdue', 'agency_notice', 'platform_level_drift', 'exemption_ending']::pg_catalog.text[]));
COMMENT ON COLUMN ismap.notice.object_id IS 'registration_id (renewal_due, renewal_pending), selection_id (report_overdue), application_id (body_not_selected), change_id (change_audit_due), crossing_id (control_limit_exceeded), remediation_id (remediation_overdue), procurement_id (agency_notice), the dependent''s registration_id (platform_level_drift) or exemption_id (exemption_ending)';
COMMENT ON COLUMN ismap.notice.occasion IS 'the date the notice is about: valid_until minus the window (renewal_due), valid_until (renewal_pending), the report due date (report_overdue), the audit report date (body_not_selected), the end of the change''s audit window minus the window (change_audit_due), the day the limit was crossed (control_limit_exceeded), the plan''s due date (remediation_overdue), the day the procured service''s registration expired, was delisted or suspended, or its platform''s lower registration began (agency_notice), the day the platform''s lower registration began (platform_level_drift), valid_until minus the window (exemption_ending)';
CREATE OR REPLACE FUNCTION ismap.platform_exemption(p_service_id pg_catalog.int8, p_base_service_id pg_catalog.int8,
	p_valid_until pg_catalog.date, p_reason pg_catalog.text) RETURNS ismap.platform_exemption
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	res ismap.platform_exemption;
BEGIN
	IF p_valid_until IS NULL OR NOT pg_catalog.isfinite(p_valid_until) THEN
		RAISE EXCEPTION 'an exemption needs a finite end date' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF ismap.text_is_blank(p_reason) THEN
		RAISE EXCEPTION 'an exemption needs a reason' USING ERRCODE = 'invalid_parameter_value';
	END IF;
	PERFORM 1 FROM ismap.service_dependency d
	WHERE d.service_id = p_service_id AND d.base_service_id = p_base_service_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'service % does not run on service %', p_service_id, p_base_service_id
			USING ERRCODE = 'undefined_object',
				  HINT = 'An exemption is for a platform dependency recorded in ismap.service_dependency.';
	END IF;
	INSERT INTO ismap.platform_exemption (service_id, base_service_id, valid_until, reason, granted_by)
	VALUES (p_service_id, p_base_service_id, p_valid_until, p_reason, ismap_internal.event_actor())
	RETURNING * INTO res;
	RETURN res;
END
$$;
COMMENT ON FUNCTION ismap.platform_exemption(pg_catalog.int8, pg_catalog.int8, pg_catalog.date, pg_catalog.text) IS 'registrar: grant a dated transitional exemption for a service''s dependency on an unregistered platform (validation asks instead of refusing, the cascade spares the service, notices before the end)';
CREATE OR REPLACE FUNCTION ismap.delisting_impact(p_service_id pg_catalog.int8)
RETURNS TABLE (registration_id pg_catalog.int8, service_id pg_catalog.int8, depth pg_catalog.int4, via pg_catalog.int8[])
LANGUAGE plpgsql STABLE PARALLEL SAFE ROWS 20
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
BEGIN
	-- PL/pgSQL, not SQL: its plan is kept for the session, also when
	-- another function calls it (agency_impact); a SQL function called
	-- from a function is planned again at every call, which made
	-- agency_impact over a large forest ten times slower than this walk
	RETURN QUERY
	WITH RECURSIVE walk (service_id, depth, via) AS (
		SELECT p_service_id, 0, ARRAY[]::pg_catalog.int8[]
		UNION ALL
		SELECT d.service_id, w.depth + 1, w.via OPERATOR(pg_catalog.||) w.service_id
		FROM walk w
		JOIN ismap.service_dependency d ON d.base_service_id = w.service_id
		WHERE d.self_assessed_audit_id IS NULL
		  AND d.service_id <> ALL (w.via OPERATOR(pg_catalog.||) w.service_id)
		  -- a transitional exemption in force spares the service
		  AND NOT EXISTS (SELECT 1 FROM ismap.platform_exemption e
						  WHERE e.service_id = d.service_id AND e.base_service_id = d.base_service_id
							AND e.valid_until >= CURRENT_DATE)
	)
	SELECT DISTINCT ON (w.service_id) r.registration_id, w.service_id, w.depth, w.via
	FROM walk w
	JOIN ismap.registration r ON r.service_id = w.service_id AND r.status IN ('active', 'suspended')
	ORDER BY w.service_id, w.depth, w.via;
END
$$;
COMMENT ON FUNCTION ismap.delisting_impact(pg_catalog.int8) IS 'preview of ismap.delist: the registrations it would end, with depth and the chain of base services (not across a self-assessed dependency or one under a transitional exemption in force); changes nothing';
CREATE OR REPLACE FUNCTION ismap_internal.procurement_check_trigger() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	sys ismap.information_system;
	svc ismap.service;
	reg ismap.registration;
	other ismap.procurement;
	need ismap.level;
	actor pg_catalog.name := ismap_internal.event_actor();
BEGIN
	IF TG_OP = 'UPDATE' AND NEW.system_id IS NOT DISTINCT FROM OLD.system_id
	   AND NEW.service_id IS NOT DISTINCT FROM OLD.service_id AND NEW.from_date IS NOT DISTINCT FROM OLD.from_date
	   AND NEW.until_date IS NOT DISTINCT FROM OLD.until_date THEN
		NEW.registration_id := OLD.registration_id;
		RETURN NEW;
	END IF;
	IF NEW.from_date IS NULL OR NOT pg_catalog.isfinite(NEW.from_date) THEN
		RAISE EXCEPTION 'a procurement needs a finite from_date' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF NEW.until_date < NEW.from_date THEN
		RAISE EXCEPTION 'a procurement cannot end (%) before it begins (%)', NEW.until_date, NEW.from_date
			USING ERRCODE = 'check_violation', CONSTRAINT = 'procurement_period_order';
	END IF;
	SELECT * INTO sys FROM ismap.information_system s WHERE s.system_id = NEW.system_id FOR NO KEY UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'information system % does not exist', NEW.system_id USING ERRCODE = 'foreign_key_violation';
	END IF;
	IF NOT (pg_catalog.pg_has_role(actor, 'ismap_registrar', 'MEMBER')
			OR EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = actor AND r.rolsuper)
			OR pg_catalog.pg_has_role(actor, (SELECT c.relowner FROM pg_catalog.pg_class c
											 WHERE c.oid = 'ismap.procurement'::pg_catalog.regclass), 'MEMBER')
			OR EXISTS (SELECT 1 FROM ismap.principal_binding b
					   WHERE b.org_id = sys.org_id AND pg_catalog.pg_has_role(actor, b.role_name, 'MEMBER'))) THEN
		RAISE EXCEPTION 'system % is not a system of the agency role "%" acts for', NEW.system_id, actor
			USING ERRCODE = 'insufficient_privilege';
	END IF;
	SELECT * INTO svc FROM ismap.service s WHERE s.service_id = NEW.service_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'service % does not exist', NEW.service_id USING ERRCODE = 'foreign_key_violation';
	END IF;
	SELECT * INTO other FROM ismap.procurement p
	WHERE p.system_id = NEW.system_id AND p.service_id = NEW.service_id
	  AND p.procurement_id <> NEW.procurement_id
	  AND pg_catalog.daterange(p.from_date, p.until_date, '[]') && pg_catalog.daterange(NEW.from_date, NEW.until_date, '[]')
	ORDER BY p.from_date LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'system % already procures service % from % (procurement %)', NEW.system_id, NEW.service_id,
			other.from_date, other.procurement_id
			USING ERRCODE = 'exclusion_violation',
				  HINT = 'End the existing procurement (until_date) before recording a new one.';
	END IF;
	-- eligibility on from_date: a change of until_date alone does not ask again
	IF TG_OP = 'UPDATE' AND NEW.system_id = OLD.system_id AND NEW.service_id = OLD.service_id
	   AND NEW.from_date = OLD.from_date THEN
		NEW.registration_id := OLD.registration_id;
		RETURN NEW;
	END IF;
	-- the registration in force on from_date: live, or ended after it
	SELECT * INTO reg FROM ismap.registration r
	WHERE r.service_id = NEW.service_id AND r.registered_on <= NEW.from_date AND r.valid_until >= NEW.from_date
	  AND (r.status = 'active' OR (r.status IN ('expired', 'delisted') AND r.ended_on > NEW.from_date))
	ORDER BY r.registered_on DESC, r.registration_id DESC LIMIT 1;
	IF NOT FOUND THEN
		IF EXISTS (SELECT 1 FROM ismap.registration r WHERE r.service_id = NEW.service_id AND r.status = 'suspended'
				   AND r.registered_on <= NEW.from_date) THEN
			RAISE EXCEPTION 'service % (%) cannot be procured on %: its registration is suspended', NEW.service_id, svc.name, NEW.from_date
				USING ERRCODE = 'check_violation';
		END IF;
		RAISE EXCEPTION 'service % (%) cannot be procured on %: it is not registered on that date', NEW.service_id, svc.name, NEW.from_date
			USING ERRCODE = 'check_violation',
				  HINT = 'Only services with a registration in force on the first day of use may be procured (ismap.eligible_services).';
	END IF;
	need := ismap.required_level(NEW.system_id);
	IF reg.program = 'ISMAP-LIU' AND need > 1 THEN
		RAISE EXCEPTION 'service % (%) cannot be procured for system %: % is an ISMAP-LIU registration, for low-impact use only, and the system needs level %',
			NEW.service_id, svc.name, NEW.system_id, reg.registration_number, need
			USING ERRCODE = 'check_violation';
	END IF;
	IF reg.level < need THEN
		RAISE EXCEPTION 'service % (%) cannot be procured for system %: registered at level % (%) on %, below the level % the system needs',
			NEW.service_id, svc.name, NEW.system_id, reg.level, reg.registration_number, NEW.from_date, need
			USING ERRCODE = 'check_violation';
	END IF;
	NEW.registration_id := reg.registration_id;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION ismap_internal.procurement_check_trigger() IS 'trigger: a procurement names a known system and service, does not overlap another of the same pair, and the service is eligible for the system on from_date (23514 with the reason)';
CREATE OR REPLACE FUNCTION ismap.agency_impact(p_service_id pg_catalog.int8)
RETURNS TABLE (org_id pg_catalog.int8, system_id pg_catalog.int8, service_id pg_catalog.int8,
	registration_id pg_catalog.int8, depth pg_catalog.int4, via pg_catalog.int8[])
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT s.org_id, p.system_id, i.service_id, i.registration_id, i.depth, i.via
	FROM ismap.delisting_impact(p_service_id) i
	JOIN ismap.procurement p ON p.service_id = i.service_id
		AND (p.until_date IS NULL OR p.until_date >= CURRENT_DATE)
	JOIN ismap.information_system s ON s.system_id = p.system_id
	ORDER BY s.org_id, p.system_id, i.depth, i.service_id
$$;
COMMENT ON FUNCTION ismap.agency_impact(pg_catalog.int8) IS 'the agencies and systems a delisting or suspension of the service would reach, through the cascade of ismap.delisting_impact (depth, chain of base services); only procurements in use today';
CREATE OR REPLACE FUNCTION ismap_internal.job_renewals(as_of pg_catalog.date, dry_run pg_catalog.bool, run_id pg_catalog.int8)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
SET jit = off
SET work_mem = '64MB'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
AS $$
#variable_conflict use_column
DECLARE
	d pg_catalog.date := job_renewals.as_of;
	dry pg_catalog.bool := job_renewals.dry_run;
	run pg_catalog.int8 := job_renewals.run_id;
	windows pg_catalog.int4[];
	n_past pg_catalog.int8;
	n_notices pg_catalog.int8;
BEGIN
	BEGIN
		-- an empty array is allowed: no notices
		SELECT COALESCE(pg_catalog.array_agg(w::pg_catalog.int4 ORDER BY w::pg_catalog.int4), '{}')
		INTO STRICT windows
		FROM pg_catalog.jsonb_array_elements_text(ismap.policy_value('notice_windows_days')) AS e(w);
	EXCEPTION WHEN OTHERS THEN
		windows := NULL;
	END;
	IF windows IS NULL OR pg_catalog.array_position(windows, NULL) IS NOT NULL
	   OR EXISTS (SELECT 1 FROM pg_catalog.unnest(windows) w WHERE w OPERATOR(pg_catalog.<) 0) THEN
		RAISE EXCEPTION 'policy parameter "notice_windows_days" must be an array of days, not %',
			(SELECT p.value FROM ismap.policy p WHERE p.name OPERATOR(pg_catalog.=) 'notice_windows_days')
			USING ERRCODE = 'invalid_parameter_value', HINT = 'For example [90, 30, 7].';
	END IF;

	-- 1. what ran out: expire it when no renewal is pending, else report
	-- once (a renewal_pending notice) that a pending renewal keeps it.  One
	-- statement, one scan: the rows it changes are the whole of the work.
	PERFORM ismap_internal.job_progress(pg_catalog.format('renewals: registrations valid until before %s', d));
	RETURN QUERY
		WITH pending AS (
			-- the oldest open renewal per service (filed by d, not decided by d)
			SELECT DISTINCT ON (a.service_id) a.service_id, a.application_id, a.submitted_on
			FROM ismap.application a
			WHERE a.kind = 'renewal' AND a.submitted_on <= d
			  AND (a.status = ANY (ARRAY['submitted', 'accepted', 'in_review']) OR a.decided_on > d)
			ORDER BY a.service_id, a.submitted_on, a.application_id
		),
		late AS (
			-- the newest renewal refused or withdrawn: a registration it kept
			-- alive past valid_until ends on the decision day
			SELECT DISTINCT ON (a.service_id) a.service_id, a.application_id, a.status, a.submitted_on, a.decided_on
			FROM ismap.application a
			WHERE a.kind = 'renewal' AND a.status = ANY (ARRAY['rejected', 'withdrawn']) AND a.decided_on <= d
			ORDER BY a.service_id, a.decided_on DESC, a.application_id DESC
		),
		past AS (
			SELECT r.registration_id, r.registration_number, r.valid_until,
				   p.application_id AS pending_application, p.submitted_on AS pending_since,
				   CASE WHEN l.decided_on > r.valid_until AND l.submitted_on <= r.valid_until
						THEN l.decided_on ELSE r.valid_until + 1 END AS ended_on,
				   CASE WHEN l.decided_on > r.valid_until AND l.submitted_on <= r.valid_until
						THEN pg_catalog.format('validity ended on %s; renewal application %s %s on %s', r.valid_until, l.application_id, l.status, l.decided_on)
						ELSE pg_catalog.format('validity ended on %s without renewal', r.valid_until) END AS reason
			FROM ismap.registration r
			LEFT JOIN pending p ON p.service_id = r.service_id AND p.submitted_on <= r.valid_until
			LEFT JOIN late l ON l.service_id = r.service_id
			WHERE r.status = ANY (ARRAY['active', 'suspended']) AND r.valid_until < d
		),
		upd AS (
			UPDATE ismap.registration r
			SET status = 'expired', ended_on = x.ended_on, end_reason = x.reason, run_id = run
			FROM past x
			WHERE NOT dry AND x.pending_application IS NULL
			  AND r.registration_id = x.registration_id
			  AND r.status = ANY (ARRAY['active', 'suspended'])
			RETURNING r.registration_id, r.registration_number, r.end_reason
		),
		ins AS (
			INSERT INTO ismap.notice (kind, object_id, occasion, as_of, detail, run_id)
			SELECT 'renewal_pending', x.registration_id, x.valid_until, d,
				   pg_catalog.format('%s: valid until %s, kept while renewal application %s (filed %s) is under review',
					   x.registration_number, x.valid_until, x.pending_application, x.pending_since), run
			FROM past x
			WHERE NOT dry AND x.pending_application IS NOT NULL
			ON CONFLICT ON CONSTRAINT notice_once DO NOTHING
			RETURNING notice.object_id, notice.detail
		)
		SELECT 'expired' AS act, u.registration_id AS id, pg_catalog.format('%s: %s', u.registration_number, u.end_reason) AS what
		FROM upd u
		UNION ALL
		SELECT 'kept', i.object_id, i.detail FROM ins i
		UNION ALL
		SELECT CASE WHEN x.pending_application IS NULL THEN 'expired' ELSE 'kept' END, x.registration_id,
			   CASE WHEN x.pending_application IS NULL THEN pg_catalog.format('%s: %s', x.registration_number, x.reason)
					ELSE pg_catalog.format('%s: valid until %s, kept while renewal application %s (filed %s) is under review',
						x.registration_number, x.valid_until, x.pending_application, x.pending_since) END
		FROM past x
		WHERE dry AND (x.pending_application IS NULL
			OR NOT EXISTS (SELECT 1 FROM ismap.notice n
						   WHERE n.kind = 'renewal_pending' AND n.object_id = x.registration_id
							 AND n.occasion = x.valid_until))
		ORDER BY 1, 2;
	GET DIAGNOSTICS n_past = ROW_COUNT;

	-- 2. renewal notices: for each registration the latest window reached
	-- (the first run inside 30 days writes the 30-day notice, not a late
	-- 90-day one), once; none once a renewal is filed
	PERFORM ismap_internal.job_progress(pg_catalog.format('renewals: %s registrations expired or kept; writing notices at %s days before expiry', n_past, windows));
	RETURN QUERY
	WITH cand AS (
		SELECT r.registration_id, r.registration_number, r.valid_until, w.days,
			   (r.valid_until OPERATOR(pg_catalog.-) w.days) AS occasion
		FROM ismap.registration r
		CROSS JOIN LATERAL (
			SELECT pg_catalog.min(x) AS days FROM pg_catalog.unnest(windows) x
			WHERE x OPERATOR(pg_catalog.>=) (r.valid_until OPERATOR(pg_catalog.-) d)) w
		WHERE r.status OPERATOR(pg_catalog.=) ANY (ARRAY['active', 'suspended'])
		  AND r.valid_until OPERATOR(pg_catalog.>=) d
		  AND r.valid_until OPERATOR(pg_catalog.<=) (d OPERATOR(pg_catalog.+) windows[pg_catalog.array_upper(windows, 1)])
		  AND NOT EXISTS (
			SELECT 1 FROM ismap.application a
			WHERE a.service_id OPERATOR(pg_catalog.=) r.service_id AND a.kind OPERATOR(pg_catalog.=) 'renewal'
			  AND a.submitted_on OPERATOR(pg_catalog.<=) d
			  AND (a.status OPERATOR(pg_catalog.=) ANY (ARRAY['submitted', 'accepted', 'in_review']) OR a.decided_on OPERATOR(pg_catalog.>) d))
	),
	fresh AS (
		SELECT c.*, pg_catalog.format('%s: valid until %s (%s days); %s-day renewal notice', c.registration_number,
				   c.valid_until, c.valid_until OPERATOR(pg_catalog.-) d, c.days) AS what
		FROM cand c
		WHERE c.days IS NOT NULL
		  AND (NOT dry OR NOT EXISTS (SELECT 1 FROM ismap.notice n
						  WHERE n.kind OPERATOR(pg_catalog.=) 'renewal_due' AND n.object_id OPERATOR(pg_catalog.=) c.registration_id
							AND n.occasion OPERATOR(pg_catalog.=) c.occasion))
	),
	ins AS (
		INSERT INTO ismap.notice (kind, object_id, occasion, window_days, as_of, detail, run_id)
		SELECT 'renewal_due', f.registration_id, f.occasion, f.days, d, f.what, run FROM fresh f WHERE NOT dry
		ON CONFLICT ON CONSTRAINT notice_once DO NOTHING
		RETURNING notice.object_id, notice.detail
	)
	SELECT 'notice', i.object_id, i.detail FROM ins i
	UNION ALL
	SELECT 'notice', f.registration_id, f.what FROM fresh f WHERE dry
	ORDER BY 2;
	GET DIAGNOSTICS n_notices = ROW_COUNT;

	-- 3. remediation plans past their due date (DESIGN 3.13): overdue, one
	-- notice each; validation of the service's next application reports
	-- REMEDIATION_OVERDUE for them
	PERFORM ismap_internal.job_progress(pg_catalog.format('renewals: %s notices; remediation plans due before %s', n_notices, d));
	RETURN QUERY
	WITH due AS (
		SELECT m.remediation_id, m.due_on,
			   pg_catalog.format('%s: remediation %s of control %s was due on %s', g.registration_number,
				   m.remediation_id, m.control_id, m.due_on) AS what
		FROM ismap.remediation m JOIN ismap.registration g ON g.registration_id = m.registration_id
		WHERE m.status = 'open' AND m.due_on < d
	),
	upd AS (
		UPDATE ismap.remediation m SET status = 'overdue', overdue_run_id = run
		FROM due x
		WHERE NOT dry AND m.remediation_id = x.remediation_id AND m.status = 'open'
		RETURNING m.remediation_id
	),
	ins AS (
		INSERT INTO ismap.notice (kind, object_id, occasion, as_of, detail, run_id)
		SELECT 'remediation_overdue', x.remediation_id, x.due_on, d, x.what, run
		FROM due x JOIN upd u ON u.remediation_id = x.remediation_id
		ON CONFLICT ON CONSTRAINT notice_once DO NOTHING
		RETURNING notice.object_id, notice.detail
	)
	SELECT 'overdue', i.object_id, i.detail FROM ins i
	UNION ALL
	SELECT 'overdue', x.remediation_id, x.what FROM due x WHERE dry
	ORDER BY 2, 3;

	-- 4. platform level drift (DESIGN 3.14): a platform whose registration
	-- in force (made by d) is at a lower level than the registration in
	-- force of a service built on it (not self-assessed) -- a renewal at a
	-- lower level -- gets the dependent one notice per platform
	-- registration; the cascade and changes jobs tell its agencies
	PERFORM ismap_internal.job_progress(pg_catalog.format('renewals: %s renewal notices; platforms below their dependents'' level', n_notices));
	RETURN QUERY
	WITH drift AS (
		SELECT r.registration_id, r.registration_number, r.level, r.service_id,
			   p.registration_number AS base_number, p.level AS base_level, p.service_id AS base_service_id,
			   p.registered_on AS occasion
		FROM ismap.registration p
		JOIN ismap.service_dependency dep ON dep.base_service_id OPERATOR(pg_catalog.=) p.service_id
			AND dep.self_assessed_audit_id IS NULL
		JOIN ismap.registration r ON r.service_id OPERATOR(pg_catalog.=) dep.service_id
			AND r.status OPERATOR(pg_catalog.=) ANY (ARRAY['active', 'suspended'])
		WHERE p.status OPERATOR(pg_catalog.=) ANY (ARRAY['active', 'suspended'])
		  AND p.registered_on OPERATOR(pg_catalog.<=) d AND p.level OPERATOR(pg_catalog.<) r.level
	),
	fresh AS (
		SELECT x.*, pg_catalog.format('%s (service %s, level %s): its platform %s (service %s) is registered at level %s since %s',
				   x.registration_number, x.service_id, x.level, x.base_number, x.base_service_id, x.base_level, x.occasion) AS what
		FROM drift x
		WHERE NOT EXISTS (SELECT 1 FROM ismap.notice n
						  WHERE n.kind OPERATOR(pg_catalog.=) 'platform_level_drift' AND n.object_id OPERATOR(pg_catalog.=) x.registration_id
							AND n.occasion OPERATOR(pg_catalog.=) x.occasion)
	),
	ins AS (
		INSERT INTO ismap.notice (kind, object_id, occasion, as_of, detail, run_id)
		SELECT 'platform_level_drift', f.registration_id, f.occasion, d, f.what, run FROM fresh f WHERE NOT dry
		ON CONFLICT ON CONSTRAINT notice_once DO NOTHING
		RETURNING notice.object_id, notice.detail
	)
	SELECT 'level_drift', i.object_id, i.detail FROM ins i
	UNION ALL
	SELECT 'level_drift', f.registration_id, f.what FROM fresh f WHERE dry
	ORDER BY 2, 3;

	-- 5. transitional exemptions (ismap.platform_exemption) about to end:
	-- a notice at the latest window reached, once per exemption and window,
	-- as for a registration
	RETURN QUERY
	WITH cand AS (
		SELECT e.exemption_id, e.service_id, e.base_service_id, e.valid_until, w.days,
			   (e.valid_until OPERATOR(pg_catalog.-) w.days) AS occasion
		FROM ismap.platform_exemption e
		CROSS JOIN LATERAL (
			SELECT pg_catalog.min(x) AS days FROM pg_catalog.unnest(windows) x
			WHERE x OPERATOR(pg_catalog.>=) (e.valid_until OPERATOR(pg_catalog.-) d)) w
		WHERE e.valid_until OPERATOR(pg_catalog.>=) d
		  AND e.valid_until OPERATOR(pg_catalog.<=) (d OPERATOR(pg_catalog.+) windows[pg_catalog.array_upper(windows, 1)])
		  -- a later exemption of the same dependency carries it on
		  AND NOT EXISTS (SELECT 1 FROM ismap.platform_exemption n
						  WHERE n.service_id OPERATOR(pg_catalog.=) e.service_id
							AND n.base_service_id OPERATOR(pg_catalog.=) e.base_service_id
							AND n.valid_until OPERATOR(pg_catalog.>) e.valid_until)
	),
	fresh AS (
		SELECT c.*, pg_catalog.format('exemption %s: service %s may stand on unregistered platform %s until %s (%s days); %s-day notice',
				   c.exemption_id, c.service_id, c.base_service_id, c.valid_until, c.valid_until OPERATOR(pg_catalog.-) d, c.days) AS what
		FROM cand c
		WHERE c.days IS NOT NULL
		  AND NOT EXISTS (SELECT 1 FROM ismap.notice n
						  WHERE n.kind OPERATOR(pg_catalog.=) 'exemption_ending' AND n.object_id OPERATOR(pg_catalog.=) c.exemption_id
							AND n.occasion OPERATOR(pg_catalog.=) c.occasion)
	),
	ins AS (
		INSERT INTO ismap.notice (kind, object_id, occasion, window_days, as_of, detail, run_id)
		SELECT 'exemption_ending', f.exemption_id, f.occasion, f.days, d, f.what, run FROM fresh f WHERE NOT dry
		ON CONFLICT ON CONSTRAINT notice_once DO NOTHING
		RETURNING notice.object_id, notice.detail
	)
	SELECT 'exemption_ending', i.object_id, i.detail FROM ins i
	UNION ALL
	SELECT 'exemption_ending', f.exemption_id, f.what FROM fresh f WHERE dry
	ORDER BY 2;
END
$$;
COMMENT ON FUNCTION ismap_internal.job_renewals(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) IS 'the work of the renewals job, called by ismap.run_job (which holds the lock and records the run run_id, NULL for a dry run)';
REVOKE EXECUTE ON FUNCTION ismap_internal.job_renewals(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) FROM PUBLIC;
CREATE OR REPLACE FUNCTION ismap.run_renewals(as_of pg_catalog.date DEFAULT CURRENT_DATE, dry_run pg_catalog.bool DEFAULT false,
	allow_future pg_catalog.bool DEFAULT false)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT * FROM ismap.run_job('renewals', $1, $2, NULL, $3)
$$;
COMMENT ON FUNCTION ismap.run_renewals(pg_catalog.date, pg_catalog.bool, pg_catalog.bool) IS 'renewals job: expire registrations past valid_until with no pending renewal, report once those a pending renewal keeps, write renewal notices at the policy windows once each, a notice for a registration whose platform is registered at a lower level, and notices before a transitional platform exemption ends; idempotent';
REVOKE EXECUTE ON FUNCTION ismap.run_renewals(pg_catalog.date, pg_catalog.bool, pg_catalog.bool) FROM PUBLIC;
CREATE OR REPLACE FUNCTION ismap_internal.job_cascade(as_of pg_catalog.date, dry_run pg_catalog.bool, run_id pg_catalog.int8)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
SET jit = off
SET work_mem = '64MB'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
AS $$
#variable_conflict use_column
DECLARE
	d pg_catalog.date := job_cascade.as_of;
	dry pg_catalog.bool := job_cascade.dry_run;
	run pg_catalog.int8 := job_cascade.run_id;
	grace pg_catalog.interval := (ismap.policy_value('cascade_grace') #>> '{}')::pg_catalog.interval;
	n_delisted pg_catalog.int8;
BEGIN
	PERFORM ismap_internal.job_progress(pg_catalog.format('cascade: platforms without a registration since %s or before', (d OPERATOR(pg_catalog.-) grace)::pg_catalog.date));
	RETURN QUERY
	WITH RECURSIVE
	-- platforms that lapsed: no live registration, and the newest of their
	-- ended ones ended long enough ago (only ended registrations are read,
	-- and the live check is a probe of the one-live-per-service index)
	lapsed AS (
		SELECT n.* FROM (
			SELECT DISTINCT ON (r.service_id) r.service_id, r.registration_id, r.registration_number, r.ended_on
			FROM ismap.registration r
			WHERE r.status = ANY (ARRAY['expired', 'delisted'])
			  AND EXISTS (SELECT 1 FROM ismap.service_dependency dep
						  WHERE dep.base_service_id = r.service_id AND dep.self_assessed_audit_id IS NULL)
			  AND NOT EXISTS (SELECT 1 FROM ismap.registration live
							  WHERE live.service_id = r.service_id AND live.status = ANY (ARRAY['active', 'suspended']))
			ORDER BY r.service_id, r.registered_on DESC, r.registration_id DESC) n
		WHERE (n.ended_on + grace)::pg_catalog.date <= d
	),
	-- from_registration: the registration through which a service was
	-- reached, the lapsed platform's last one or the base delisted now
	walk (service_id, registration_id, registration_number, depth, via, root, from_registration) AS (
		SELECT l.service_id, l.registration_id, l.registration_number, 0, ARRAY[]::pg_catalog.int8[], l.service_id, NULL::pg_catalog.int8
		FROM lapsed l
		UNION ALL
		SELECT dep.service_id, r.registration_id, r.registration_number, w.depth + 1,
			   w.via || w.service_id, w.root, w.registration_id
		FROM walk w
		JOIN ismap.service_dependency dep ON dep.base_service_id = w.service_id
		JOIN ismap.registration r ON r.service_id = dep.service_id
			AND r.status = ANY (ARRAY['active', 'suspended'])
		WHERE dep.self_assessed_audit_id IS NULL
		  AND dep.service_id <> ALL (w.via || w.service_id)
		  -- a transitional exemption in force spares the service; once
		  -- it has ended the dependency is like any other
		  AND NOT EXISTS (SELECT 1 FROM ismap.platform_exemption e
						  WHERE e.service_id = dep.service_id AND e.base_service_id = dep.base_service_id
							AND e.valid_until >= d)
	),
	plan AS (
		SELECT DISTINCT ON (w.service_id) w.*,
			   pg_catalog.format('platform %s (service %s) has had no registration since %s; grace of %s passed',
				   l.registration_number, l.service_id, l.ended_on, grace) AS reason
		FROM walk w
		JOIN lapsed l ON l.service_id = w.root
		WHERE w.depth > 0
		ORDER BY w.service_id, w.depth, w.via
	),
	upd AS (
		UPDATE ismap.registration r
		SET status = 'delisted', ended_on = d, end_reason = p.reason,
			cascaded_from = p.from_registration, cascade_path = p.via, run_id = run
		FROM plan p
		WHERE NOT dry AND r.registration_id = p.registration_id
		  AND r.status = ANY (ARRAY['active', 'suspended'])
		RETURNING r.registration_id, r.registration_number, r.service_id, r.end_reason, r.cascade_path
	)
	SELECT 'delisted', u.registration_id,
		   pg_catalog.format('%s (service %s): %s; chain %s', u.registration_number, u.service_id, u.end_reason,
			   pg_catalog.array_to_string(u.cascade_path || u.service_id, ' -> '))
	FROM upd u
	UNION ALL
	SELECT 'delisted', p.registration_id,
		   pg_catalog.format('%s (service %s): %s; chain %s', p.registration_number, p.service_id, p.reason,
			   pg_catalog.array_to_string(p.via || p.service_id, ' -> '))
	FROM plan p WHERE dry
	ORDER BY 2;
	GET DIAGNOSTICS n_delisted = ROW_COUNT;

	-- the agencies whose procured services ended (these delistings, the
	-- registrar's, expiries): a notice per procurement, once
	PERFORM ismap_internal.job_progress(pg_catalog.format('cascade: %s delisted; agency notices', n_delisted));
	RETURN QUERY SELECT * FROM ismap_internal.agency_notices(d, dry, run);
END
$$;
COMMENT ON FUNCTION ismap_internal.job_cascade(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) IS 'the work of the cascade job, called by ismap.run_job (which holds the lock and records the run run_id, NULL for a dry run)';
REVOKE EXECUTE ON FUNCTION ismap_internal.job_cascade(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) FROM PUBLIC;
CREATE OR REPLACE FUNCTION ismap_internal.agency_notices(d pg_catalog.date, dry pg_catalog.bool, run pg_catalog.int8)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
	WITH ev AS (
		SELECT p.procurement_id, p.system_id, sys.org_id, r.registration_number, r.service_id, e.what, e.occasion, e.reason
		FROM ismap.procurement p
		JOIN ismap.information_system sys ON sys.system_id = p.system_id
		JOIN ismap.registration r ON r.service_id = p.service_id
		CROSS JOIN LATERAL (
			SELECT r.status AS what, r.ended_on AS occasion,
				   r.end_reason || CASE WHEN r.cascade_path IS NULL THEN ''
					   ELSE ' (chain ' || pg_catalog.array_to_string(r.cascade_path || r.service_id, ' -> ') || ')' END AS reason
			WHERE r.status IN ('expired', 'delisted')
			  -- a renewal ends the registration it replaces: not an event for the agency
			  AND NOT EXISTS (SELECT 1 FROM ismap.registration n
							  WHERE n.service_id = r.service_id AND n.registration_id <> r.registration_id
								AND n.registered_on = r.ended_on)
			UNION ALL
			SELECT 'suspended', pg_catalog.min(c.suspended_on), r.end_reason
			FROM ismap.change_suspension c
			WHERE r.status = 'suspended' AND c.registration_id = r.registration_id AND c.lifted_on IS NULL
			HAVING pg_catalog.min(c.suspended_on) IS NOT NULL
			UNION ALL
			-- its platform is now registered at a lower level (a renewal)
			SELECT 'is on a platform below its level', p.registered_on,
				   pg_catalog.format('platform %s (service %s) is registered at level %s, below level %s', p.registration_number,
					   p.service_id, p.level, r.level)
			FROM ismap.service_dependency dep
			JOIN ismap.registration p ON p.service_id = dep.base_service_id AND p.status IN ('active', 'suspended')
			WHERE r.status IN ('active', 'suspended') AND dep.service_id = r.service_id
			  AND dep.self_assessed_audit_id IS NULL AND p.level < r.level) e
		WHERE e.occasion <= d AND p.from_date <= e.occasion
		  AND (p.until_date IS NULL OR p.until_date >= e.occasion)
	),
	fresh AS (
		SELECT ev.*, pg_catalog.format('agency %s, system %s, procurement %s: service %s (%s) %s on %s: %s',
				   ev.org_id, ev.system_id, ev.procurement_id, ev.service_id, ev.registration_number, ev.what,
				   ev.occasion, COALESCE(ev.reason, 'no reason recorded')) AS what_text
		FROM ev
		WHERE NOT EXISTS (SELECT 1 FROM ismap.notice n
						  WHERE n.kind = 'agency_notice' AND n.object_id = ev.procurement_id AND n.occasion = ev.occasion)
	),
	ins AS (
		INSERT INTO ismap.notice (kind, object_id, occasion, as_of, detail, run_id)
		SELECT 'agency_notice', f.procurement_id, f.occasion, d, f.what_text, run FROM fresh f WHERE NOT dry
		ON CONFLICT ON CONSTRAINT notice_once DO NOTHING
		RETURNING notice.object_id, notice.detail
	)
	SELECT 'agency_notice', i.object_id, i.detail FROM ins i
	UNION ALL
	SELECT 'agency_notice', f.procurement_id, f.what_text FROM fresh f WHERE dry
	ORDER BY 2, 3
$$;
COMMENT ON FUNCTION ismap_internal.agency_notices(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) IS 'used by the cascade and changes jobs: one agency_notice per procurement in use when its service''s registration expired, was delisted or suspended, or its platform came to be registered at a lower level (on or before d), once';
REVOKE EXECUTE ON FUNCTION ismap_internal.agency_notices(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) FROM PUBLIC;
CREATE OR REPLACE FUNCTION ismap_internal.job_changes(as_of pg_catalog.date, dry_run pg_catalog.bool, run_id pg_catalog.int8)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
SET jit = off
SET work_mem = '64MB'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
AS $$
#variable_conflict use_column
DECLARE
	d pg_catalog.date := job_changes.as_of;
	dry pg_catalog.bool := job_changes.dry_run;
	run pg_catalog.int8 := job_changes.run_id;
	windows pg_catalog.int4[];
	ahead pg_catalog.int4;
	ev_window pg_catalog.interval := (ismap.policy_value('evidence_window') #>> '{}')::pg_catalog.interval;
	conf pg_catalog.float8 := (ismap.policy_value('sampling_confidence') #>> '{}')::pg_catalog.float8;
	tol pg_catalog.float8 := (ismap.policy_value('sampling_tolerable_rate') #>> '{}')::pg_catalog.float8;
	hi pg_catalog.timestamptz;
	n_parts pg_catalog.int8 := 0;
	n_chained pg_catalog.int8;
	n_covered pg_catalog.int8;
	n_reinstated pg_catalog.int8;
	n_suspended pg_catalog.int8;
	n_notices pg_catalog.int8;
	n_crossed pg_catalog.int8 := 0;
	n_cleared pg_catalog.int8 := 0;
	m pg_catalog.date;
	part pg_catalog.text;
	rec record;
BEGIN
	BEGIN
		SELECT COALESCE(pg_catalog.array_agg(w::pg_catalog.int4 ORDER BY w::pg_catalog.int4), '{}')
		INTO STRICT windows
		FROM pg_catalog.jsonb_array_elements_text(ismap.policy_value('change_notice_days')) AS e(w);
	EXCEPTION WHEN OTHERS THEN
		windows := NULL;
	END;
	IF windows IS NULL OR pg_catalog.array_position(windows, NULL) IS NOT NULL
	   OR EXISTS (SELECT 1 FROM pg_catalog.unnest(windows) w WHERE w < 0) THEN
		RAISE EXCEPTION 'policy parameter "change_notice_days" must be an array of days, not %',
			(SELECT p.value FROM ismap.policy p WHERE p.name = 'change_notice_days')
			USING ERRCODE = 'invalid_parameter_value', HINT = 'For example [60, 30, 7].';
	END IF;
	BEGIN
		ahead := (ismap.policy_value('evidence_months_ahead') #>> '{}')::pg_catalog.int4;
	EXCEPTION WHEN data_exception THEN
		ahead := NULL;
	END;
	IF ahead IS NULL OR ahead < 0 OR ahead > 120 THEN
		RAISE EXCEPTION 'policy parameter "evidence_months_ahead" must be a number of months from 0 to 120'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	IF ev_window IS NULL OR ev_window <= '0'::pg_catalog.interval THEN
		RAISE EXCEPTION 'policy parameter "evidence_window" must be a positive interval' USING ERRCODE = 'invalid_parameter_value';
	END IF;

	-- 1. evidence partitions: the month of as_of and the months ahead
	PERFORM ismap_internal.job_progress(pg_catalog.format('changes: evidence partitions to %s months ahead of %s', ahead, d));
	IF NOT dry THEN
		FOR part IN SELECT * FROM ismap.ensure_evidence_partitions(d, (d + pg_catalog.make_interval(months => ahead))::pg_catalog.date) LOOP
			action := 'partition_created'; object_id := NULL; detail := part;
			RETURN NEXT;
			n_parts := n_parts + 1;
		END LOOP;
	ELSE
		m := pg_catalog.date_trunc('month', d)::pg_catalog.date;
		WHILE m <= (d + pg_catalog.make_interval(months => ahead))::pg_catalog.date LOOP
			part := pg_catalog.format('evidence_%s', pg_catalog.to_char(m, 'YYYY_MM'));
			IF pg_catalog.to_regclass(pg_catalog.format('ismap.%I', part)) IS NULL THEN
				action := 'partition_created'; object_id := NULL; detail := 'ismap.' || part;
				RETURN NEXT;
				n_parts := n_parts + 1;
			END IF;
			m := (m + '1 month'::pg_catalog.interval)::pg_catalog.date;
		END LOOP;
	END IF;

	-- 1b. the reported events committed so far (change reports, dependency
	-- changes: queued without the chain lock) go into the event log; the
	-- coverage events of step 2 follow them
	IF NOT dry THEN
		PERFORM 1 FROM ismap_internal.serial_lock l WHERE l.lock_name OPERATOR(pg_catalog.=) 'event chain' FOR UPDATE;
		n_chained := ismap_internal.chain_pending_events();
	ELSE
		SELECT pg_catalog.count(*) INTO n_chained FROM ismap_internal.pending_event;
	END IF;
	IF n_chained > 0 THEN
		action := 'events_chained'; object_id := NULL;
		detail := pg_catalog.format('%s reported event(s) chained into the event log', n_chained);
		RETURN NEXT;
	END IF;

	-- 2. material changes an audit now covers (the trigger writes the event)
	RETURN QUERY
	WITH cov AS (
		SELECT s.change_id, s.service_id, s.kind, s.effective_on, s.covered_by, s.covered_on, r.registration_number
		FROM ismap.change_status(d) s
		JOIN ismap.service_change c ON c.change_id = s.change_id
		JOIN ismap.registration r ON r.registration_id = s.covered_by
		WHERE s.status = 'covered' AND c.covered_by IS NULL
	),
	upd AS (
		UPDATE ismap.service_change c SET covered_by = cov.covered_by, covered_on = cov.covered_on, covered_run_id = run
		FROM cov WHERE NOT dry AND c.change_id = cov.change_id AND c.covered_by IS NULL
		RETURNING c.change_id
	)
	SELECT 'covered', cov.change_id,
		   pg_catalog.format('change %s of service %s (%s, effective %s): covered by the audit of %s, registered on %s',
			   cov.change_id, cov.service_id, cov.kind, cov.effective_on, cov.registration_number, cov.covered_on)
	FROM cov WHERE dry OR cov.change_id IN (SELECT u.change_id FROM upd u)
	ORDER BY 2;
	GET DIAGNOSTICS n_covered = ROW_COUNT;

	-- 3. suspensions of covered changes are lifted; a registration none
	-- holds any more is active again (a suspended registration that no
	-- change of this job holds was suspended by someone else: left alone)
	RETURN QUERY
	WITH cov AS (
		SELECT s.change_id FROM ismap.change_status(d) s WHERE s.status = 'covered'
	),
	lift AS (
		UPDATE ismap.change_suspension cs SET lifted_on = d
		WHERE NOT dry AND cs.lifted_on IS NULL AND cs.change_id IN (SELECT cov.change_id FROM cov)
		RETURNING cs.registration_id
	),
	back AS (
		SELECT r.registration_id, r.registration_number, r.service_id,
			   (SELECT pg_catalog.string_agg(cs.change_id::pg_catalog.text, ', ' ORDER BY cs.change_id)
				FROM ismap.change_suspension cs
				WHERE cs.registration_id = r.registration_id AND cs.lifted_on IS NULL) AS changes
		FROM ismap.registration r
		WHERE r.status = 'suspended'
		  AND EXISTS (SELECT 1 FROM ismap.change_suspension cs
					  WHERE cs.registration_id = r.registration_id AND cs.lifted_on IS NULL
						AND cs.change_id IN (SELECT cov.change_id FROM cov))
		  AND NOT EXISTS (SELECT 1 FROM ismap.change_suspension cs
						  WHERE cs.registration_id = r.registration_id AND cs.lifted_on IS NULL
							AND cs.change_id NOT IN (SELECT cov.change_id FROM cov))
	),
	upd AS (
		UPDATE ismap.registration r
		SET status = 'active', end_reason = NULL, cascaded_from = NULL, cascade_path = NULL, run_id = run
		FROM back
		WHERE NOT dry AND r.registration_id = back.registration_id AND r.status = 'suspended'
		  AND (SELECT pg_catalog.count(*) FROM lift) >= 0
		RETURNING r.registration_id
	)
	SELECT 'reinstated', back.registration_id,
		   pg_catalog.format('%s (service %s): active again, change %s covered by an audit',
			   back.registration_number, back.service_id, back.changes)
	FROM back WHERE dry OR back.registration_id IN (SELECT u.registration_id FROM upd u)
	ORDER BY 2;
	GET DIAGNOSTICS n_reinstated = ROW_COUNT;

	-- 4. material changes past their window without an audit: suspend the
	-- service's live registration and what is built on it
	PERFORM ismap_internal.job_progress(pg_catalog.format('changes: %s covered, %s reinstated; suspending for changes due before %s', n_covered, n_reinstated, d));
	RETURN QUERY
	WITH overdue AS (
		SELECT s.change_id, s.service_id AS root_service, s.kind, s.effective_on, s.due_on,
			   root.registration_number AS root_number
		FROM ismap.change_status(d) s
		JOIN ismap.registration root ON root.service_id = s.service_id
			AND root.status = ANY (ARRAY['active', 'suspended'])
		WHERE s.status = 'overdue'
	),
	hit AS (
		SELECT o.*, i.registration_id, i.service_id, i.depth, i.via, r.registration_number, r.status,
			   base.registration_id AS base_registration_id
		FROM overdue o
		CROSS JOIN LATERAL ismap.delisting_impact(o.root_service) i
		JOIN ismap.registration r ON r.registration_id = i.registration_id
		LEFT JOIN ismap.registration base
		  ON i.depth > 0 AND base.service_id = i.via[pg_catalog.array_upper(i.via, 1)]
		 AND base.status = ANY (ARRAY['active', 'suspended'])
		WHERE NOT EXISTS (SELECT 1 FROM ismap.change_suspension cs
						  WHERE cs.change_id = o.change_id AND cs.registration_id = i.registration_id)
		  -- active, or suspended by this job (a change it holds for)
		  AND (r.status = 'active'
			   OR EXISTS (SELECT 1 FROM ismap.change_suspension cs
						  WHERE cs.registration_id = i.registration_id AND cs.lifted_on IS NULL))
	),
	ins AS (
		INSERT INTO ismap.change_suspension (change_id, registration_id, depth, via, suspended_on, run_id)
		SELECT h.change_id, h.registration_id, h.depth, h.via, d, run FROM hit h WHERE NOT dry
		RETURNING change_suspension.registration_id
	),
	pick AS (
		SELECT DISTINCT ON (h.registration_id) h.*,
			   CASE WHEN h.depth = 0
					THEN pg_catalog.format('material change %s (%s, effective %s) not covered by an audit by %s',
						h.change_id, h.kind, h.effective_on, h.due_on)
					ELSE pg_catalog.format('platform suspended: %s (service %s) has material change %s (%s, effective %s) not covered by an audit by %s',
						h.root_number, h.root_service, h.change_id, h.kind, h.effective_on, h.due_on) END AS reason
		FROM hit h
		WHERE h.status = 'active'
		ORDER BY h.registration_id, h.depth, h.change_id
	),
	upd AS (
		UPDATE ismap.registration r
		SET status = 'suspended', end_reason = p.reason,
			cascaded_from = CASE WHEN p.depth = 0 THEN NULL ELSE p.base_registration_id END,
			cascade_path = CASE WHEN p.depth = 0 THEN NULL ELSE p.via END,
			run_id = run
		FROM pick p
		WHERE NOT dry AND r.registration_id = p.registration_id AND r.status = 'active'
		  AND (SELECT pg_catalog.count(*) FROM ins) >= 0
		RETURNING r.registration_id
	)
	SELECT 'suspended', p.registration_id,
		   pg_catalog.format('%s (service %s): %s%s', p.registration_number, p.service_id, p.reason,
			   CASE WHEN p.depth > 0 THEN ' ; chain ' || pg_catalog.array_to_string(p.via || p.service_id, ' -> ') ELSE '' END)
	FROM pick p WHERE dry OR p.registration_id IN (SELECT u.registration_id FROM upd u)
	ORDER BY 2;
	GET DIAGNOSTICS n_suspended = ROW_COUNT;

	-- 5. notices before a change's window ends: the latest window reached,
	-- once; none once an audit covers the change
	RETURN QUERY
	WITH cand AS (
		SELECT s.change_id, s.service_id, s.kind, s.effective_on, s.due_on, w.days,
			   (s.due_on - w.days) AS occasion
		FROM ismap.change_status(d) s
		CROSS JOIN LATERAL (SELECT pg_catalog.min(x) AS days FROM pg_catalog.unnest(windows) x
							WHERE x >= (s.due_on - d)) w
		WHERE s.status = 'audit_required' AND s.due_on >= d
	),
	fresh AS (
		SELECT c.*, pg_catalog.format('change %s of service %s (%s, effective %s) needs an audit by %s (%s days); %s-day notice',
				   c.change_id, c.service_id, c.kind, c.effective_on, c.due_on, c.due_on - d, c.days) AS what
		FROM cand c
		WHERE c.days IS NOT NULL
		  AND NOT EXISTS (SELECT 1 FROM ismap.notice n
						  WHERE n.kind = 'change_audit_due' AND n.object_id = c.change_id AND n.occasion = c.occasion)
	),
	ins AS (
		INSERT INTO ismap.notice (kind, object_id, occasion, window_days, as_of, detail, run_id)
		SELECT 'change_audit_due', f.change_id, f.occasion, f.days, d, f.what, run FROM fresh f WHERE NOT dry
		ON CONFLICT ON CONSTRAINT notice_once DO NOTHING
		RETURNING notice.object_id, notice.detail
	)
	SELECT 'notice', i.object_id, i.detail FROM ins i
	UNION ALL
	SELECT 'notice', f.change_id, f.what FROM fresh f WHERE dry
	ORDER BY 2;
	GET DIAGNOSTICS n_notices = ROW_COUNT;

	-- 6. control evidence of the policy window: a control that crosses the
	-- limit opens a crossing and gets one notice; one back within closes it
	PERFORM ismap_internal.job_progress(pg_catalog.format('changes: %s suspended, %s notices; control evidence of %s to %s', n_suspended, n_notices, ev_window, d));
	hi := (d + 1)::pg_catalog.timestamptz;
	FOR rec IN
		WITH g AS (
			SELECT e.service_id, e.control_id, pg_catalog.count(*) AS n,
				   pg_catalog.count(*) FILTER (WHERE e.outcome = 'fail') AS dev
			FROM ismap.evidence e
			WHERE e.occurred_at >= hi - ev_window AND e.occurred_at < hi
			GROUP BY e.service_id, e.control_id
		),
		h AS (
			SELECT g.*, ismap.upper_deviation_limit(LEAST(g.n, 2147483647)::pg_catalog.int4,
				LEAST(g.dev, 2147483647)::pg_catalog.int4, conf) AS ul
			FROM g WHERE g.dev > 0
		),
		bad AS (SELECT h.* FROM h WHERE h.ul > tol),
		opened AS (
			SELECT b.* FROM bad b
			WHERE NOT EXISTS (SELECT 1 FROM ismap.control_crossing c
							  WHERE c.cleared_on IS NULL AND c.service_id = b.service_id
								AND c.control_id OPERATOR(ismap.=) b.control_id)
		),
		closed AS (
			SELECT c.crossing_id, c.service_id, c.control_id, c.crossed_on,
				   COALESCE(g.n, 0) AS n, COALESCE(g.dev, 0) AS dev
			FROM ismap.control_crossing c
			LEFT JOIN g ON g.service_id = c.service_id AND g.control_id OPERATOR(ismap.=) c.control_id
			WHERE c.cleared_on IS NULL
			  AND NOT EXISTS (SELECT 1 FROM bad b
							  WHERE b.service_id = c.service_id AND b.control_id OPERATOR(ismap.=) c.control_id)
		),
		insc AS (
			INSERT INTO ismap.control_crossing (service_id, control_id, crossed_on, observations, deviations, upper_limit, run_id)
			SELECT o.service_id, o.control_id, d, o.n, o.dev, o.ul, run FROM opened o WHERE NOT dry
			RETURNING control_crossing.*
		),
		insn AS (
			INSERT INTO ismap.notice (kind, object_id, occasion, as_of, detail, run_id)
			SELECT 'control_limit_exceeded', i.crossing_id, d, d,
				   pg_catalog.format('service %s control %s: %s deviations in %s observations from %s to %s; upper deviation limit %s above the tolerable rate %s',
					   i.service_id, i.control_id, i.deviations, i.observations, (d - ev_window)::pg_catalog.date + 1, d,
					   pg_catalog.round(i.upper_limit::pg_catalog.numeric, 4), tol), run
			FROM insc i
			RETURNING notice.object_id, notice.detail
		),
		updc AS (
			UPDATE ismap.control_crossing c SET cleared_on = d
			FROM closed x WHERE NOT dry AND c.crossing_id = x.crossing_id
			RETURNING c.crossing_id
		)
		SELECT 'limit_exceeded' AS act, i.object_id AS id, i.detail AS what FROM insn i
		UNION ALL
		SELECT 'limit_exceeded', NULL,
			   pg_catalog.format('service %s control %s: %s deviations in %s observations from %s to %s; upper deviation limit %s above the tolerable rate %s',
				   o.service_id, o.control_id, o.dev, o.n, (d - ev_window)::pg_catalog.date + 1, d,
				   pg_catalog.round(o.ul::pg_catalog.numeric, 4), tol)
		FROM opened o WHERE dry
		UNION ALL
		SELECT 'limit_cleared', x.crossing_id,
			   pg_catalog.format('service %s control %s: back within the limit (%s deviations in %s observations), over it since %s',
				   x.service_id, x.control_id, x.dev, x.n, x.crossed_on)
		FROM closed x WHERE dry OR x.crossing_id IN (SELECT u.crossing_id FROM updc u)
		ORDER BY 1, 3
	LOOP
		action := rec.act;
		object_id := rec.id;
		detail := rec.what;
		RETURN NEXT;
		IF rec.act = 'limit_exceeded' THEN
			n_crossed := n_crossed + 1;
		ELSE
			n_cleared := n_cleared + 1;
		END IF;
	END LOOP;

	-- the agencies whose procured services were suspended: a notice per
	-- procurement, once (ismap_internal.agency_notices)
	RETURN QUERY SELECT * FROM ismap_internal.agency_notices(d, dry, run);
END
$$;
COMMENT ON FUNCTION ismap_internal.job_changes(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) IS 'the work of the changes job, called by ismap.run_job (which holds the lock and records the run run_id, NULL for a dry run)';
REVOKE EXECUTE ON FUNCTION ismap_internal.job_changes(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) FROM PUBLIC;
CREATE OR REPLACE FUNCTION ismap.principal_org(p_role pg_catalog.name) RETURNS pg_catalog.int8
LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT b.org_id FROM ismap.principal_binding b
	WHERE b.role_name = p_role AND pg_catalog.pg_has_role(SESSION_USER, p_role, 'MEMBER')
$$;
COMMENT ON FUNCTION ismap.principal_org(pg_catalog.name) IS 'the agency (organization) a role acts for (row-level policies)';
CREATE OR REPLACE FUNCTION ismap.agency_package_audit(p_role pg_catalog.name, p_audit_id pg_catalog.int8) RETURNS pg_catalog.bool
LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT EXISTS (
		SELECT 1 FROM ismap.principal_binding b
		JOIN ismap.information_system s ON s.org_id = b.org_id
		JOIN ismap.procurement p ON p.system_id = s.system_id
			AND (p.until_date IS NULL OR p.until_date >= CURRENT_DATE)
		JOIN ismap.registration r ON r.service_id = p.service_id AND r.audit_id = p_audit_id
		WHERE b.role_name = p_role AND pg_catalog.pg_has_role(SESSION_USER, p_role, 'MEMBER'))
$$;
COMMENT ON FUNCTION ismap.agency_package_audit(pg_catalog.name, pg_catalog.int8) IS 'whether the agency a role acts for procures a service one of whose registrations rests on the audit (package access; row-level policies)';
CREATE OR REPLACE FUNCTION ismap.principal(p_role_name pg_catalog.name, p_audit_body_id pg_catalog.int8 DEFAULT NULL,
	p_csp_id pg_catalog.int8 DEFAULT NULL, p_org_id pg_catalog.int8 DEFAULT NULL) RETURNS ismap.principal_binding
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	res ismap.principal_binding;
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = p_role_name) THEN
		RAISE EXCEPTION 'role "%" does not exist', p_role_name USING ERRCODE = 'undefined_object';
	END IF;
	-- every provider (auditor) login is a member of ismap_csp (ismap_auditor)
	-- and may SET ROLE to it: bound to a party, a group role would let each
	-- of them act for that party
	IF p_role_name IN ('ismap_reader', 'ismap_registrar', 'ismap_auditor', 'ismap_csp', 'ismap_jobs', 'ismap_reviewer', 'ismap_agency') THEN
		RAISE EXCEPTION 'role "%" is a group role of the extension: bind a role of one person or one party', p_role_name
			USING ERRCODE = 'invalid_parameter_value',
				  HINT = 'Its members may SET ROLE to it, and would all act for the party.';
	END IF;
	IF pg_catalog.num_nonnulls(p_audit_body_id, p_csp_id, p_org_id) <> 1 THEN
		RAISE EXCEPTION 'a principal acts for exactly one audit body, one provider or one agency'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	INSERT INTO ismap.principal_binding AS b (role_name, audit_body_id, csp_id, org_id)
	VALUES (p_role_name, p_audit_body_id, p_csp_id, p_org_id)
	ON CONFLICT (role_name) DO UPDATE SET audit_body_id = EXCLUDED.audit_body_id, csp_id = EXCLUDED.csp_id,
		org_id = EXCLUDED.org_id, bound_at = pg_catalog.now()
	RETURNING * INTO res;
	RETURN res;
END
$$;
COMMENT ON FUNCTION ismap.principal(pg_catalog.name, pg_catalog.int8, pg_catalog.int8, pg_catalog.int8) IS 'tie a login role to the audit body, provider or agency (organization) it acts for (registrar)';
CREATE OR REPLACE FUNCTION ismap.create_roles() RETURNS pg_catalog.text[]
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	made pg_catalog.text[] := '{}';
	r pg_catalog.text;
	f pg_catalog.regprocedure;
	owner pg_catalog.name;
BEGIN
	IF NOT (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = CURRENT_USER) THEN
		RAISE EXCEPTION 'ismap.create_roles() must be run by a superuser' USING ERRCODE = 'insufficient_privilege';
	END IF;
	FOREACH r IN ARRAY ARRAY['ismap_reader', 'ismap_registrar', 'ismap_auditor', 'ismap_csp', 'ismap_jobs', 'ismap_reviewer', 'ismap_agency'] LOOP
		IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r) THEN
			EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN', r);
			made := made || r;
		END IF;
		EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA ismap TO %I', r);
	END LOOP;
	SELECT pg_catalog.pg_get_userbyid(n.nspowner) INTO owner FROM pg_catalog.pg_namespace n WHERE n.nspname = 'ismap';

	-- everyone: the catalogs, the published registry and its reports, the policy
	GRANT SELECT ON ismap.framework, ismap.control, ismap.baseline, ismap.baseline_control,
		ismap.control_mapping, ismap.control_reference, ismap.control_group, ismap.control_param, ismap.policy,
		ismap.service_change, ismap.sla_template,
		ismap.sampling_table, ismap.registry, ismap.registry_listing, ismap.registration, ismap.registry_event, ismap.event_chain_seal,
		ismap.audit_body, ismap.audit_body_selection, ismap.csp, ismap.service, ismap.service_dependency,
		ismap.job, ismap.platform_exemption
		TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs, ismap_reviewer, ismap_agency;
	-- the registrar: every table to read; edits the catalogs, the policy,
	-- the parties and the classification; decides through the functions.
	-- Its table-level UPDATE and DELETE let it LOCK these tables in any
	-- mode: it is staff and trusted, as their only editor (docs/security.md,
	-- A2-09); no party holds such a privilege on any table
	GRANT SELECT ON ALL TABLES IN SCHEMA ismap TO ismap_registrar;
	GRANT INSERT, UPDATE, DELETE ON ismap.framework, ismap.control, ismap.baseline, ismap.baseline_control,
		ismap.control_mapping, ismap.control_reference, ismap.control_group, ismap.control_param,
		ismap.sla_template, ismap.sampling_table,
		ismap.audit_body, ismap.auditor, ismap.auditor_qualification, ismap.audit_body_selection,
		ismap.csp, ismap.organization, ismap.information_asset, ismap.information_system, ismap.system_asset,
		ismap.procurement
		TO ismap_registrar;
	GRANT INSERT, UPDATE ON ismap.policy TO ismap_registrar;
	GRANT SELECT ON ismap.organization, ismap.information_asset, ismap.information_system,
		ismap.system_asset TO ismap_reader, ismap_agency;
	-- an auditor: its own body's people and audits; statements, results
	-- and control tests of its own audits while they are open
	GRANT SELECT ON ismap.review_finding TO ismap_auditor, ismap_csp;
	GRANT SELECT ON ismap.remediation TO ismap_csp;
	GRANT SELECT ON ismap.application_timeline TO ismap_auditor, ismap_csp;
	GRANT SELECT ON ismap.auditor, ismap.auditor_qualification, ismap.audit, ismap.application,
		ismap.statement_item, ismap.audit_result, ismap.control_test, ismap.control_test_evaluation TO ismap_auditor;
	-- A table-level UPDATE or DELETE would let a party LOCK the whole table
	-- in any mode and stall every other party (A2-09): the parties get
	-- column-level UPDATE, and delete through ismap.delete_* (0.2.0 granted
	-- the whole tables: taken back first, which takes the columns' too)
	REVOKE UPDATE, DELETE ON ismap.audit_result, ismap.control_test FROM ismap_auditor;
	REVOKE UPDATE, DELETE ON ismap.statement_item FROM ismap_csp;
	REVOKE DELETE ON ismap.service_dependency FROM ismap_csp;
	GRANT INSERT ON ismap.audit_result, ismap.control_test TO ismap_auditor;
	GRANT UPDATE (audit_id, control_id, result, rationale) ON ismap.audit_result TO ismap_auditor;
	GRANT UPDATE (audit_id, control_id, frequency, population, sample_size, deviations, seed)
		ON ismap.control_test TO ismap_auditor;
	-- every column of an audit but its decision date, which only the
	-- decisions write (0.2.0 granted the whole table: taken back first)
	REVOKE INSERT, UPDATE ON ismap.audit FROM ismap_auditor;
	GRANT INSERT (audit_id, service_id, audit_body_id, lead_auditor_id, kind, target_level, framework_id,
				  period_start, period_end, report_date, scope, supersedes_audit_id),
		  UPDATE (service_id, audit_body_id, lead_auditor_id, kind, target_level, framework_id,
				  period_start, period_end, report_date, scope, supersedes_audit_id) ON ismap.audit TO ismap_auditor;
	-- a provider: its own services, platforms, statements and applications
	-- a registered service's scope and models change only through a reported
	-- change and a new audit, and only an audit decides that a platform was
	-- assessed: the provider holds no privilege on those columns
	GRANT INSERT ON ismap.service TO ismap_csp;
	GRANT UPDATE (name, responsibility) ON ismap.service TO ismap_csp;
	GRANT INSERT (service_id, base_service_id) ON ismap.service_dependency TO ismap_csp;
	GRANT INSERT ON ismap.statement_item TO ismap_csp;
	GRANT UPDATE (audit_id, framework_id, control_id, selected, exclusion_reason) ON ismap.statement_item TO ismap_csp;
	GRANT UPDATE (self_assessed_audit_id) ON ismap.service_dependency TO ismap_auditor, ismap_registrar;
	GRANT SELECT, INSERT ON ismap.application TO ismap_csp;
	GRANT UPDATE (status, decided_on, decision_reason) ON ismap.application TO ismap_csp;
	GRANT SELECT ON ismap.audit, ismap.statement_item, ismap.audit_result, ismap.control_test,
		ismap.control_test_evaluation TO ismap_csp;
	GRANT UPDATE (name, address) ON ismap.csp TO ismap_csp;
	-- a provider reports its own services' changes and feeds their evidence
	-- (what was reported: not its coverage, nor the reporting date)
	GRANT SELECT ON ismap.service_change, ismap.evidence TO ismap_csp;
	REVOKE INSERT ON ismap.service_change FROM ismap_csp;
	GRANT INSERT (service_id, kind, effective_on, description, reported_by) ON ismap.service_change TO ismap_csp;
	GRANT INSERT ON ismap.evidence TO ismap_csp;
	GRANT INSERT ON ismap.service_change TO ismap_registrar;
	GRANT USAGE ON ALL SEQUENCES IN SCHEMA ismap TO ismap_registrar, ismap_auditor, ismap_csp;
	GRANT USAGE ON SEQUENCE ismap.procurement_procurement_id_seq TO ismap_agency;
	-- but not the numbers of what only the extension's functions write:
	-- nextval would burn event and registration ids, leaving gaps that
	-- look like deleted rows
	REVOKE USAGE ON SEQUENCE ismap.registry_event_event_id_seq, ismap.registration_registration_id_seq,
		ismap.job_run_run_id_seq, ismap.notice_notice_id_seq, ismap.review_finding_finding_id_seq,
		ismap.remediation_remediation_id_seq FROM ismap_registrar, ismap_auditor, ismap_csp;
	-- an agency (DESIGN 3.14): records what its systems procure; reads the
	-- package (audit, statement, results) of the services they procure.
	-- Granted after the parties: an upgrade then lists each table's
	-- grantees in a fresh install's order
	GRANT SELECT ON ismap.procurement, ismap.audit, ismap.statement_item, ismap.audit_result, ismap.remediation TO ismap_agency;
	GRANT INSERT (system_id, service_id, from_date, until_date, note) ON ismap.procurement TO ismap_agency;
	GRANT UPDATE (until_date, note) ON ismap.procurement TO ismap_agency;
	-- jobs: read what the batch functions read
	-- (the batch functions have the owner's rights; the role itself reads
	-- only its runs and notices, besides what everyone reads)
	GRANT SELECT ON ismap.job_run, ismap.notice, ismap.job_health TO ismap_jobs;
	-- the reviewer (the operations support body, 0.3.0): reads what the
	-- registrar reads; it writes nothing but through the review functions.
	-- Granted last, as an upgrade adds it to the older grants (pg_dump
	-- prints a table's grantees in the order granted)
	GRANT SELECT ON ALL TABLES IN SCHEMA ismap TO ismap_reviewer;

	-- every role may choose the language of its messages (lc_messages is a
	-- superuser setting; the grant reaches the login roles that are members)
	GRANT SET ON PARAMETER lc_messages TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs, ismap_reviewer, ismap_agency;

	-- functions: everything that only reads, to every role; what writes,
	-- to the one role that needs it
	FOR f IN
		SELECT p.oid::pg_catalog.regprocedure FROM pg_catalog.pg_proc p
		JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.objid = p.oid AND d.deptype = 'e'
		JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'ismap'
		WHERE p.pronamespace = 'ismap'::pg_catalog.regnamespace
		  AND p.provolatile IN ('i', 's') AND p.prorettype <> 'pg_catalog.trigger'::pg_catalog.regtype
		  AND NOT p.prosecdef
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs, ismap_reviewer, ismap_agency', f);
	END LOOP;
	FOR f, r IN
		SELECT p.oid::pg_catalog.regprocedure, g.role FROM pg_catalog.pg_proc p
		JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace AND n.nspname = 'ismap'
		-- register is nobody's (DESIGN 3.13): every registration goes
		-- through approve_application
		JOIN (VALUES ('approve_application', 'ismap_registrar'),
					 ('accept_application', 'ismap_reviewer'), ('return_application', 'ismap_reviewer'),
					 ('raise_finding', 'ismap_reviewer'), ('resolve_finding', 'ismap_reviewer'),
					 ('respond_finding', 'ismap_csp'), ('respond_finding', 'ismap_auditor'),
					 ('withdraw_application', 'ismap_csp'),
					 ('plan_remediation', 'ismap_reviewer'), ('plan_remediation', 'ismap_csp'),
					 ('complete_remediation', 'ismap_reviewer'), ('complete_remediation', 'ismap_csp'),
					 ('reject_application', 'ismap_registrar'), ('delist', 'ismap_registrar'),
					 ('principal', 'ismap_registrar'), ('platform_exemption', 'ismap_registrar'), ('import_control_standard_csv', 'ismap_registrar'),
					 ('import_nist_iso27001_mapping', 'ismap_registrar'), ('import_oscal_catalog', 'ismap_registrar'),
					 ('import_oscal_profile', 'ismap_registrar'), ('import_oscal_catalog_json', 'ismap_registrar'),
					 ('import_oscal_profile_json', 'ismap_registrar'), ('import_oscal_assessment_results', 'ismap_auditor'),
					 ('delete_statement_item', 'ismap_csp'), ('delete_service_dependency', 'ismap_csp'),
					 ('delete_audit_result', 'ismap_auditor'), ('delete_control_test', 'ismap_auditor'),
					 ('run_renewals', 'ismap_jobs'), ('expire_audit_body_selections', 'ismap_jobs'),
					 ('cascade_delistings', 'ismap_jobs'), ('run_changes', 'ismap_jobs'),
					 ('job_start', 'ismap_jobs'), ('job_finish', 'ismap_jobs'), ('job_mark_stale', 'ismap_jobs'),
					 ('prune_job_runs', 'ismap_jobs'), ('run_job', 'ismap_jobs'), ('seal_event_chain', 'ismap_jobs'),
					 ('ensure_evidence_partitions', 'ismap_jobs'), ('ensure_evidence_partitions', 'ismap_registrar'),
					 -- owner's rights, for the applications the caller may see
					 ('validate_application', 'ismap_registrar'), ('validate_application', 'ismap_auditor'),
					 ('validate_application', 'ismap_csp'), ('validate_application', 'ismap_jobs'),
					 ('validate_application', 'ismap_reviewer')) g(fn, role)
		  ON g.fn = p.proname
		-- in a fixed order: a function's ACL lists its grantees in the
		-- order granted, and an upgrade must end with a fresh install's
		ORDER BY g.fn, g.role
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO %I', f, r);
	END LOOP;

	-- 0.2.0 let the registrar call register() alone, without validation:
	-- taken back (DESIGN 3.13)
	REVOKE EXECUTE ON FUNCTION ismap.register(pg_catalog.int8, pg_catalog.date) FROM ismap_registrar;

	-- the event chain's checks have the owner's rights (they read every
	-- event, also those row-level security hides from the caller) and tell
	-- only whether the chain holds, which event breaks it, and the head's
	-- hash: every role runs them
	FOR f IN
		SELECT p.oid::pg_catalog.regprocedure FROM pg_catalog.pg_proc p
		WHERE p.pronamespace = 'ismap'::pg_catalog.regnamespace
		  AND p.proname = ANY (ARRAY['verify_event_chain', 'event_chain_full_check', 'event_chain_head'])
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs, ismap_reviewer, ismap_agency', f);
	END LOOP;
	-- what reads tables a role may not read is not granted to it (the
	-- function would only refuse it inside): the change status reads the
	-- applications, the classification the agencies' systems
	REVOKE EXECUTE ON FUNCTION ismap.change_status(pg_catalog.date) FROM ismap_reader, ismap_jobs, ismap_agency;
	REVOKE EXECUTE ON FUNCTION ismap.classification_findings(pg_catalog.int8), ismap.classification_findings_all(pg_catalog.int8),
		ismap.classify_system(pg_catalog.int8), ismap.eligible_services(pg_catalog.int8, pg_catalog.date),
		ismap.required_level(pg_catalog.int8) FROM ismap_auditor, ismap_csp, ismap_jobs;
	-- a control test's items read the test (its provider, its auditor, the
	-- registrar); a control's health the evidence (its provider, the
	-- registrar, the jobs)
	REVOKE EXECUTE ON FUNCTION ismap.control_test_items(pg_catalog.int8, ismap.ctrlid) FROM ismap_reader, ismap_jobs, ismap_agency;
	REVOKE EXECUTE ON FUNCTION ismap.control_health(pg_catalog.int8, pg_catalog.date, pg_catalog.interval) FROM ismap_reader, ismap_auditor, ismap_agency;
	-- the agencies' procurements are the registrar's and each agency's own
	-- (the jobs read them with the owner's rights)
	REVOKE EXECUTE ON FUNCTION ismap.agency_impact(pg_catalog.int8) FROM ismap_reader, ismap_auditor, ismap_csp, ismap_jobs;

	-- the policies' helpers run in the querying role's name: only the roles
	-- whose policies call them get them
	GRANT EXECUTE ON FUNCTION ismap.principal_audit_body(pg_catalog.name), ismap.principal_csp(pg_catalog.name),
		ismap.audit_party(pg_catalog.int8), ismap.service_csp(pg_catalog.int8) TO ismap_auditor, ismap_csp;
	GRANT EXECUTE ON FUNCTION ismap.principal_org(pg_catalog.name),
		ismap.agency_package_audit(pg_catalog.name, pg_catalog.int8) TO ismap_agency;

	-- row-level policies (re-created, so a second run changes nothing)
	PERFORM ismap_internal.create_policies();
	RETURN made;
END
$$;
COMMENT ON FUNCTION ismap.create_roles() IS 'superuser: create the six ismap roles if missing, grant them least privilege and create the row-level policies; idempotent; returns the roles it created';
CREATE OR REPLACE FUNCTION ismap_internal.create_policies() RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	p record;
BEGIN
	FOR p IN
		SELECT pol.polname, c.relname FROM pg_catalog.pg_policy pol
		JOIN pg_catalog.pg_class c ON c.oid = pol.polrelid
		JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'ismap'
	LOOP
		EXECUTE pg_catalog.format('DROP POLICY %I ON ismap.%I', p.polname, p.relname);
	END LOOP;

	-- the owner's SECURITY DEFINER functions and the registrar and jobs see all
	CREATE POLICY staff ON ismap.audit TO ismap_registrar, ismap_reviewer, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.statement_item TO ismap_registrar, ismap_reviewer, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.audit_result TO ismap_registrar, ismap_reviewer, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.control_test TO ismap_registrar, ismap_reviewer, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.application TO ismap_registrar, ismap_reviewer, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.auditor TO ismap_registrar, ismap_reviewer, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.auditor_qualification TO ismap_registrar, ismap_reviewer, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.principal_binding TO ismap_registrar, ismap_reviewer, ismap_jobs USING (true);
	EXECUTE pg_catalog.format('CREATE POLICY owner ON ismap.statement_item TO %I USING (true)',
		(SELECT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c WHERE c.oid = 'ismap.statement_item'::pg_catalog.regclass));
	EXECUTE pg_catalog.format('CREATE POLICY owner ON ismap.audit_result TO %I USING (true)',
		(SELECT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c WHERE c.oid = 'ismap.audit_result'::pg_catalog.regclass));
	EXECUTE pg_catalog.format('CREATE POLICY owner ON ismap.control_test TO %I USING (true)',
		(SELECT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c WHERE c.oid = 'ismap.control_test'::pg_catalog.regclass));

	-- What is public (docs/security.md): a service once registered (live or
	-- ended), its platforms and its provider.  A service never registered
	-- is seen by the registrar, its own provider and the audit bodies
	-- auditing it (or a service built on it); its provider, until one of its
	-- services is registered, by the registrar and the parties that see one
	-- of them.  The batch jobs (the owner's rights) read what is public.  The
	-- policies of service_dependency name registration and audit, not
	-- service, so that service's may read them without recursion.
	CREATE POLICY staff ON ismap.service FOR SELECT TO ismap_registrar, ismap_reviewer USING (true);
	CREATE POLICY staff ON ismap.service_dependency FOR SELECT TO ismap_registrar, ismap_reviewer USING (true);
	CREATE POLICY registrar ON ismap.csp TO ismap_registrar USING (true);
	CREATE POLICY reviewer ON ismap.csp FOR SELECT TO ismap_reviewer USING (true);
	CREATE POLICY published ON ismap.service FOR SELECT TO ismap_reader, ismap_auditor, ismap_csp, ismap_jobs, ismap_agency
		USING (EXISTS (SELECT 1 FROM ismap.registration r WHERE r.service_id = service.service_id));
	CREATE POLICY published ON ismap.service_dependency FOR SELECT TO ismap_reader, ismap_auditor, ismap_csp, ismap_jobs, ismap_agency
		USING (EXISTS (SELECT 1 FROM ismap.registration r WHERE r.service_id = service_dependency.service_id));
	CREATE POLICY published ON ismap.csp FOR SELECT TO ismap_reader, ismap_auditor, ismap_csp, ismap_jobs, ismap_agency
		USING (EXISTS (SELECT 1 FROM ismap.service s WHERE s.csp_id = csp.csp_id));
	CREATE POLICY own_services_read ON ismap.service FOR SELECT TO ismap_csp
		USING (csp_id = ismap.principal_csp(current_user));
	CREATE POLICY own_services_read ON ismap.service_dependency FOR SELECT TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY own_row_read ON ismap.csp FOR SELECT TO ismap_csp
		USING (csp_id = ismap.principal_csp(current_user));
	CREATE POLICY audited ON ismap.service FOR SELECT TO ismap_auditor
		USING (EXISTS (SELECT 1 FROM ismap.audit a WHERE a.service_id = service.service_id)
			OR EXISTS (SELECT 1 FROM ismap.service_dependency d JOIN ismap.audit a ON a.service_id = d.service_id
					   WHERE d.base_service_id = service.service_id));
	CREATE POLICY audited ON ismap.service_dependency FOR SELECT TO ismap_auditor
		USING (EXISTS (SELECT 1 FROM ismap.audit a WHERE a.service_id = service_dependency.service_id));

	-- an auditor: its own body
	CREATE POLICY own_body ON ismap.auditor TO ismap_auditor
		USING (audit_body_id = ismap.principal_audit_body(current_user));
	CREATE POLICY own_body ON ismap.auditor_qualification FOR SELECT TO ismap_auditor
		USING (EXISTS (SELECT 1 FROM ismap.auditor a WHERE a.auditor_id = auditor_qualification.auditor_id));
	-- an additional audit supersedes only an open audit of its own body
	CREATE POLICY own_body ON ismap.audit TO ismap_auditor
		USING (audit_body_id = ismap.principal_audit_body(current_user))
		WITH CHECK (audit_body_id = ismap.principal_audit_body(current_user)
			AND (SELECT o.open FROM ismap.audit_party(audit_id) o) IS NOT false
			AND (supersedes_audit_id IS NULL
				OR (SELECT o.audit_body_id = ismap.principal_audit_body(current_user) AND o.open
					FROM ismap.audit_party(supersedes_audit_id) o) IS TRUE));
	CREATE POLICY own_body ON ismap.application FOR SELECT TO ismap_auditor
		USING ((SELECT o.audit_body_id FROM ismap.audit_party(audit_id) o) = ismap.principal_audit_body(current_user));
	CREATE POLICY own_open_audit ON ismap.statement_item FOR SELECT TO ismap_auditor
		USING ((SELECT o.audit_body_id = ismap.principal_audit_body(current_user) AND o.open FROM ismap.audit_party(audit_id) o));
	CREATE POLICY own_open_audit ON ismap.audit_result TO ismap_auditor
		USING ((SELECT o.audit_body_id = ismap.principal_audit_body(current_user) AND o.open FROM ismap.audit_party(audit_id) o));
	CREATE POLICY own_open_audit ON ismap.control_test TO ismap_auditor
		USING ((SELECT o.audit_body_id = ismap.principal_audit_body(current_user) AND o.open FROM ismap.audit_party(audit_id) o));

	-- a provider: its own services, platforms, statements, applications;
	-- it reads its own audits' results
	CREATE POLICY own_row ON ismap.csp FOR UPDATE TO ismap_csp
		USING (csp_id = ismap.principal_csp(current_user));
	CREATE POLICY own_services ON ismap.service FOR INSERT TO ismap_csp
		WITH CHECK (csp_id = ismap.principal_csp(current_user));
	CREATE POLICY own_services_update ON ismap.service FOR UPDATE TO ismap_csp
		USING (csp_id = ismap.principal_csp(current_user));
	CREATE POLICY own_services ON ismap.service_dependency FOR INSERT TO ismap_csp
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY own_services_update ON ismap.service_dependency FOR UPDATE TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY own_services_delete ON ismap.service_dependency FOR DELETE TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	-- self_assessed_audit_id, granted to the registrar and the auditors, was
	-- updatable through no policy: their updates changed nothing, silently
	-- (M6).  The registrar records it; an auditor, with an audit of its own
	-- body, on a dependency not already marked by another body's audit
	-- (marking with another body's audit is refused: 42501)
	CREATE POLICY staff_update ON ismap.service_dependency FOR UPDATE TO ismap_registrar USING (true);
	CREATE POLICY own_audit ON ismap.service_dependency FOR UPDATE TO ismap_auditor
		USING (self_assessed_audit_id IS NULL
			OR (SELECT o.audit_body_id FROM ismap.audit_party(self_assessed_audit_id) o) = ismap.principal_audit_body(current_user))
		WITH CHECK (self_assessed_audit_id IS NULL
			OR (SELECT o.audit_body_id FROM ismap.audit_party(self_assessed_audit_id) o) = ismap.principal_audit_body(current_user));
	CREATE POLICY own_audits ON ismap.audit FOR SELECT TO ismap_csp
		USING ((SELECT o.csp_id FROM ismap.audit_party(audit_id) o) = ismap.principal_csp(current_user));
	CREATE POLICY own_open_statement ON ismap.statement_item FOR SELECT TO ismap_csp
		USING ((SELECT o.csp_id = ismap.principal_csp(current_user) FROM ismap.audit_party(audit_id) o));
	-- writes (a DELETE checks USING only) while the audit is open
	CREATE POLICY own_open_statement_write ON ismap.statement_item FOR ALL TO ismap_csp
		USING ((SELECT o.csp_id = ismap.principal_csp(current_user) AND o.open FROM ismap.audit_party(audit_id) o))
		WITH CHECK ((SELECT o.csp_id = ismap.principal_csp(current_user) AND o.open FROM ismap.audit_party(audit_id) o));
	CREATE POLICY own_results ON ismap.audit_result FOR SELECT TO ismap_csp
		USING ((SELECT o.csp_id FROM ismap.audit_party(audit_id) o) = ismap.principal_csp(current_user));
	CREATE POLICY own_tests ON ismap.control_test FOR SELECT TO ismap_csp
		USING ((SELECT o.csp_id FROM ismap.audit_party(audit_id) o) = ismap.principal_csp(current_user));
	CREATE POLICY own_applications ON ismap.application FOR SELECT TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	-- a provider files applications (submitted) and may withdraw them; it
	-- never decides (nor records acknowledgements, approve_application's)
	CREATE POLICY file_own ON ismap.application FOR INSERT TO ismap_csp
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user) AND status = 'submitted'
			AND submitted_on = CURRENT_DATE AND acknowledged IS NULL AND accepted_on IS NULL AND review_started_on IS NULL
			AND (SELECT o.open FROM ismap.audit_party(audit_id) o));
	-- the withdrawal is dated today, by the server's clock (M4)
	CREATE POLICY withdraw_own ON ismap.application FOR UPDATE TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user)
			AND status = ANY (ARRAY['submitted', 'accepted', 'in_review']))
		WITH CHECK (status = 'withdrawn' AND decided_on = CURRENT_DATE);
	-- review findings: the reviewer and the registrar see all; the
	-- provider and the audit body those of the applications they see (both
	-- parties read the whole exchange); everyone writes through the
	-- review functions only
	CREATE POLICY staff ON ismap.review_finding FOR SELECT TO ismap_registrar, ismap_reviewer USING (true);
	CREATE POLICY party ON ismap.review_finding FOR SELECT TO ismap_auditor, ismap_csp
		USING (EXISTS (SELECT 1 FROM ismap.application a WHERE a.application_id = review_finding.application_id));
	-- remediation plans: the reviewer and the registrar; a provider those of
	-- its own registrations; written through the remediation functions only
	CREATE POLICY staff ON ismap.remediation FOR SELECT TO ismap_registrar, ismap_reviewer USING (true);
	CREATE POLICY own_services ON ismap.remediation FOR SELECT TO ismap_csp
		USING (ismap.service_csp((SELECT g.service_id FROM ismap.registration g
								   WHERE g.registration_id = remediation.registration_id)) = ismap.principal_csp(current_user));
	CREATE POLICY own_binding ON ismap.principal_binding FOR SELECT TO ismap_auditor, ismap_csp, ismap_agency
		USING (role_name = current_user);
	-- a change report is its provider's, the registrar's and, for a service
	-- its body audits, an auditor's (DESIGN 3.9: not public)
	CREATE POLICY staff ON ismap.service_change TO ismap_registrar USING (true);
	CREATE POLICY reviewer ON ismap.service_change FOR SELECT TO ismap_reviewer USING (true);
	CREATE POLICY audited ON ismap.service_change FOR SELECT TO ismap_auditor
		USING (EXISTS (SELECT 1 FROM ismap.audit a WHERE a.service_id = service_change.service_id));
	CREATE POLICY own_services ON ismap.service_change TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user))
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	-- the event log: the events of registrations are public (DESIGN 3.9);
	-- change reports, their coverage, rejections and platform changes are
	-- the registrar's, the provider's and the auditing body's.  The chain's
	-- checks have the owner's rights and read every event.
	CREATE POLICY staff ON ismap.registry_event FOR SELECT TO ismap_registrar, ismap_reviewer USING (true);
	CREATE POLICY published ON ismap.registry_event FOR SELECT TO ismap_reader, ismap_auditor, ismap_csp, ismap_jobs, ismap_agency
		USING (kind = ANY (ARRAY['registered', 'reinstated', 'expired', 'delisted', 'suspended', 'changed']));
	CREATE POLICY own_services ON ismap.registry_event FOR SELECT TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY audited ON ismap.registry_event FOR SELECT TO ismap_auditor
		USING (EXISTS (SELECT 1 FROM ismap.audit a WHERE a.service_id = registry_event.service_id));
	-- an agency (DESIGN 3.14): its own systems' procurements; the package
	-- (audit, statement, results) of the services they procure
	CREATE POLICY staff ON ismap.procurement TO ismap_registrar, ismap_reviewer, ismap_jobs USING (true);
	CREATE POLICY own_systems ON ismap.procurement TO ismap_agency
		USING (EXISTS (SELECT 1 FROM ismap.information_system s
					   WHERE s.system_id = procurement.system_id AND s.org_id = ismap.principal_org(current_user)))
		WITH CHECK (EXISTS (SELECT 1 FROM ismap.information_system s
					   WHERE s.system_id = procurement.system_id AND s.org_id = ismap.principal_org(current_user)));
	CREATE POLICY procured ON ismap.audit FOR SELECT TO ismap_agency
		USING (ismap.agency_package_audit(current_user, audit_id));
	CREATE POLICY procured ON ismap.statement_item FOR SELECT TO ismap_agency
		USING (ismap.agency_package_audit(current_user, audit_id));
	CREATE POLICY procured ON ismap.audit_result FOR SELECT TO ismap_agency
		USING (ismap.agency_package_audit(current_user, audit_id));
	-- and the remediation plans of those registrations (the package's POA&M)
	CREATE POLICY procured ON ismap.remediation FOR SELECT TO ismap_agency
		USING (ismap.agency_package_audit(current_user, (SELECT g.audit_id FROM ismap.registration g
														 WHERE g.registration_id = remediation.registration_id)));
	CREATE POLICY staff ON ismap.evidence TO ismap_registrar, ismap_reviewer, ismap_jobs USING (true);
	CREATE POLICY own_services ON ismap.evidence TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user))
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
END
$$;
COMMENT ON FUNCTION ismap_internal.create_policies() IS 'superuser: (re)create the row-level policies of the ismap roles (called by create_roles)';

-- ==== Registered content and the published list: disclosures, responsibilities, snapshots (issue 18) ====
-- who does each control of a statement (existing items: the provider);
-- filled by an UPDATE rather than a default of ADD COLUMN, so that the
-- table ends as a fresh install's (no stored missing value); the items of
-- decided audits are frozen against every role, so their guard is off for
-- this one statement
ALTER TABLE ismap.statement_item ADD COLUMN responsibility pg_catalog.text, ADD COLUMN inherited_from pg_catalog.int8;
ALTER TABLE ismap.statement_item DISABLE TRIGGER statement_item_frozen;
UPDATE ismap.statement_item SET responsibility = 'provider';
ALTER TABLE ismap.statement_item ENABLE ALWAYS TRIGGER statement_item_frozen;
ALTER TABLE ismap.statement_item
	ALTER COLUMN responsibility SET DEFAULT 'provider',
	ALTER COLUMN responsibility SET NOT NULL,
	ADD CONSTRAINT statement_item_responsibility CHECK (responsibility OPERATOR(pg_catalog.=) ANY (ARRAY['provider', 'customer', 'shared', 'inherited']::pg_catalog.text[])),
	ADD CONSTRAINT statement_item_inherited_from CHECK ((responsibility OPERATOR(pg_catalog.=) 'inherited') OPERATOR(pg_catalog.=) (inherited_from IS NOT NULL));
COMMENT ON COLUMN ismap.statement_item.responsibility IS 'who carries out the control: provider, customer, shared, or inherited (from the platform service inherited_from)';
COMMENT ON COLUMN ismap.statement_item.inherited_from IS 'for an inherited control: the platform service (ismap.service) whose registered statement carries it';
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
ALTER TABLE ismap.service_disclosure ENABLE ROW LEVEL SECURITY;
-------------------------------------------------------------------------------
-- What was registered (docs/registry.md, "Registered content"): one row per
-- registration, written by a trigger in the transaction that inserts the
-- registration, and never changed afterwards.  The live rows (the service's
-- name and models, its provider, its platforms, its disclosure) go on
-- changing; the list of a past date shows what was registered then.  A
-- renewal is a new registration and so a new row.
--
-- The trigger is an ordinary one (not ENABLE ALWAYS): a restore and a
-- logical replica replay the rows of this table themselves under
-- session_replication_role = replica, where it does not fire.  Nobody
-- updates, deletes or truncates a row, the owner included: the registry's
-- only maintenance of the table is the back-fill of the upgrade to 0.3.0,
-- an INSERT.
-------------------------------------------------------------------------------
CREATE TABLE ismap.registered_content (
	registration_id		pg_catalog.int8 PRIMARY KEY REFERENCES ismap.registration,
	registration_number	pg_catalog.text NOT NULL,
	program				pg_catalog.text NOT NULL DEFAULT 'ISMAP'
		CONSTRAINT registered_content_program CHECK (program OPERATOR(pg_catalog.=) ANY (ARRAY['ISMAP', 'ISMAP-LIU']::pg_catalog.text[])),
	service_id			pg_catalog.int8 NOT NULL,
	service_name		pg_catalog.text NOT NULL,
	csp_id				pg_catalog.int8 NOT NULL,
	csp_name			pg_catalog.text NOT NULL,
	corporate_number	pg_catalog.text NOT NULL,
	level				ismap.level NOT NULL,
	scope				pg_catalog.text NOT NULL,
	delivery_models		ismap.delivery_model[] NOT NULL,
	deployment_models	ismap.deployment_model[] NOT NULL,
	responsibility		pg_catalog.jsonb NOT NULL,
	platforms			pg_catalog.jsonb NOT NULL,
	regions				pg_catalog.text[],
	governing_law		pg_catalog.text,
	jurisdiction		pg_catalog.text,
	capital_disclosure	pg_catalog.text,
	third_party_tests	pg_catalog.jsonb,
	audit_id			pg_catalog.int8 NOT NULL,
	audit_body_id		pg_catalog.int8 NOT NULL,
	audit_body			pg_catalog.text NOT NULL,
	period_start		pg_catalog.date NOT NULL,
	period_end			pg_catalog.date NOT NULL,
	framework_id		pg_catalog.text NOT NULL,
	framework_version	pg_catalog.text,
	responsibility_matrix pg_catalog.jsonb NOT NULL,
	registered_on		pg_catalog.date NOT NULL,
	recorded_at			pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
	backfilled			pg_catalog.bool NOT NULL DEFAULT false
);
COMMENT ON TABLE ismap.registered_content IS 'what was registered: one row per registration, frozen when the registration is inserted (never updated); public';
COMMENT ON COLUMN ismap.registered_content.program IS 'ISMAP, or ISMAP-LIU (ISMAP for Low-Impact Use)';
COMMENT ON COLUMN ismap.registered_content.responsibility IS 'the service''s responsibility split per delivery model (service.responsibility) when registered';
COMMENT ON COLUMN ismap.registered_content.platforms IS 'the platforms the service ran on: [{"service_id", "name", "registration_number", "self_assessed"}]; name and number only of a platform registered that day';
COMMENT ON COLUMN ismap.registered_content.third_party_tests IS 'the disclosure''s third-party tests (see ismap.service_disclosure)';
COMMENT ON COLUMN ismap.registered_content.responsibility_matrix IS 'the customer responsibility matrix: one object per selected control of the statement, {"control_id", "responsibility", "inherited_from", "platform", "platform_registration_number"}, in control order';
COMMENT ON COLUMN ismap.registered_content.recorded_at IS 'when the row was written';
COMMENT ON COLUMN ismap.registered_content.backfilled IS 'written by the upgrade to 0.3.0 from the rows as they were then, not at the registration';
CREATE INDEX registered_content_number_idx ON ismap.registered_content (registration_number);
SELECT pg_catalog.pg_extension_config_dump('ismap.registered_content', '');

-- The registered content of the registrations named, from the rows as
-- they are now: one set-based query, so that a bulk load of registrations
-- (one statement) writes its snapshots in one go.  Platforms and inherited
-- controls name the platform's registration in force on the registration
-- day (a platform not registered that day is named by id only: its name
-- is not public).
CREATE FUNCTION ismap_internal.registered_content_of(p_registration_ids pg_catalog.int8[])
RETURNS SETOF ismap.registered_content
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT reg.registration_id, reg.registration_number, 'ISMAP', s.service_id, s.name, c.csp_id, c.name,
		   c.corporate_number, reg.level, s.scope, s.delivery_models, s.deployment_models, s.responsibility,
		   COALESCE((SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
					'service_id', d.base_service_id,
					'name', CASE WHEN pn.number IS NOT NULL THEN bs.name END,
					'registration_number', pn.number,
					'self_assessed', d.self_assessed_audit_id IS NOT NULL) ORDER BY d.base_service_id)
				FROM ismap.service_dependency d
				JOIN ismap.service bs ON bs.service_id = d.base_service_id
				LEFT JOIN LATERAL (
					SELECT br.registration_number AS number FROM ismap.registration br
					WHERE br.service_id = d.base_service_id AND br.registered_on <= reg.registered_on
					  AND (br.ended_on IS NULL OR br.ended_on > reg.registered_on)
					ORDER BY br.registered_on DESC, br.registration_id DESC LIMIT 1) pn ON true
				WHERE d.service_id = reg.service_id), '[]'),
		   d.regions, d.governing_law, d.jurisdiction, d.capital_disclosure, d.third_party_tests,
		   a.audit_id, b.audit_body_id, b.name, a.period_start, a.period_end, a.framework_id, f.version,
		   COALESCE((SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
					'control_id', si.control_id::pg_catalog.text,
					'responsibility', si.responsibility,
					'inherited_from', si.inherited_from,
					'platform', CASE WHEN pn.number IS NOT NULL THEN ps.name END,
					'platform_registration_number', pn.number) ORDER BY si.control_id USING OPERATOR(ismap.<))
				FROM ismap.statement_item si
				LEFT JOIN ismap.service ps ON ps.service_id = si.inherited_from
				LEFT JOIN LATERAL (
					SELECT pr.registration_number AS number FROM ismap.registration pr
					WHERE pr.service_id = si.inherited_from AND pr.registered_on <= reg.registered_on
					  AND (pr.ended_on IS NULL OR pr.ended_on > reg.registered_on)
					ORDER BY pr.registered_on DESC, pr.registration_id DESC LIMIT 1) pn ON true
				WHERE si.audit_id = reg.audit_id AND si.selected), '[]'),
		   reg.registered_on, pg_catalog.now(), false
	FROM ismap.registration reg
	JOIN ismap.service s ON s.service_id = reg.service_id
	JOIN ismap.csp c ON c.csp_id = s.csp_id
	JOIN ismap.audit a ON a.audit_id = reg.audit_id
	JOIN ismap.audit_body b ON b.audit_body_id = a.audit_body_id
	JOIN ismap.framework f ON f.framework_id = a.framework_id
	LEFT JOIN ismap.service_disclosure d ON d.service_id = reg.service_id
	WHERE reg.registration_id = ANY (p_registration_ids)
$$;
COMMENT ON FUNCTION ismap_internal.registered_content_of(pg_catalog.int8[]) IS 'the registered content of the registrations named, from the live rows (what the registration trigger and the 0.3.0 back-fill write)';

-- The owner's rights: the registrar's decision freezes what its provider
-- disclosed and stated, which the registrar's own role may not read
-- through every policy (statement_item forces row-level security).  A
-- statement trigger with the inserted rows: one query per statement.
CREATE FUNCTION ismap_internal.registered_content_trigger() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	INSERT INTO ismap.registered_content
	SELECT * FROM ismap_internal.registered_content_of(ARRAY(SELECT n.registration_id FROM new_registrations n));
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION ismap_internal.registered_content_trigger() IS 'trigger: writes the registered content of the registrations a statement inserted, in the same transaction';

-- The back-fill: a snapshot of every registration made before this
-- version, from the rows as they are at the upgrade (what was registered
-- then is not known any more); marked backfilled (docs/upgrading.md)
INSERT INTO ismap.registered_content
SELECT c.registration_id, c.registration_number, c.program, c.service_id, c.service_name, c.csp_id,
	   c.csp_name, c.corporate_number, c.level, c.scope, c.delivery_models, c.deployment_models,
	   c.responsibility, c.platforms, c.regions, c.governing_law, c.jurisdiction, c.capital_disclosure,
	   c.third_party_tests, c.audit_id, c.audit_body_id, c.audit_body, c.period_start, c.period_end,
	   c.framework_id, c.framework_version, c.responsibility_matrix, c.registered_on, c.recorded_at, true
FROM ismap_internal.registered_content_of(ARRAY(SELECT r.registration_id FROM ismap.registration r)) c
ORDER BY c.registration_id;

CREATE TRIGGER registration_registered_content AFTER INSERT ON ismap.registration
	REFERENCING NEW TABLE AS new_registrations
	FOR EACH STATEMENT EXECUTE FUNCTION ismap_internal.registered_content_trigger();

CREATE FUNCTION ismap_internal.registered_content_frozen() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	RAISE EXCEPTION 'registered content is never changed'
		USING ERRCODE = 'insufficient_privilege',
			  DETAIL = 'The row records what was registered on the registration day.',
			  HINT = 'A renewal registers the service anew, with a new row.';
END
$$;
COMMENT ON FUNCTION ismap_internal.registered_content_frozen() IS 'trigger: refuses UPDATE, DELETE and TRUNCATE of registered content';

CREATE TRIGGER registered_content_frozen BEFORE UPDATE OR DELETE ON ismap.registered_content
	FOR EACH ROW EXECUTE FUNCTION ismap_internal.registered_content_frozen();
CREATE TRIGGER registered_content_no_truncate BEFORE TRUNCATE ON ismap.registered_content
	FOR EACH STATEMENT EXECUTE FUNCTION ismap_internal.registered_content_frozen();
ALTER TABLE ismap.registered_content ENABLE ALWAYS TRIGGER registered_content_frozen;
ALTER TABLE ismap.registered_content ENABLE ALWAYS TRIGGER registered_content_no_truncate;
-------------------------------------------------------------------------------
-- The list as agencies and the public read it (docs/registry.md, "The
-- published list"): the registrations in force on a day, each with its
-- registered content, every column text, in registration number order.
-- A registration is in force from its registration day to its last day of
-- validity, and no longer from the day it ended (expired, delisted,
-- replaced by a renewal); both come from the registration, the content
-- from its frozen snapshot, so any past day is reproduced as it was.
-- Dates are written YYYY-MM-DD whatever the session's DateStyle.
-- Everything read is public: the functions run with the caller's rights.
-------------------------------------------------------------------------------
CREATE FUNCTION ismap.published_list(as_of pg_catalog.date DEFAULT CURRENT_DATE, program pg_catalog.text DEFAULT 'ISMAP')
RETURNS TABLE (registration_number pg_catalog.text, service_name pg_catalog.text, csp_name pg_catalog.text,
	corporate_number pg_catalog.text, level pg_catalog.text, delivery_models pg_catalog.text,
	deployment_models pg_catalog.text, scope pg_catalog.text, platforms pg_catalog.text, regions pg_catalog.text,
	governing_law pg_catalog.text, jurisdiction pg_catalog.text, capital_disclosure pg_catalog.text,
	third_party_tests pg_catalog.text, audit_body pg_catalog.text, period_start pg_catalog.text,
	period_end pg_catalog.text, control_standard pg_catalog.text, registered_on pg_catalog.text,
	valid_until pg_catalog.text)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF as_of IS NULL THEN
		RAISE EXCEPTION 'the date of the list must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF program IS NULL OR program NOT IN ('ISMAP', 'ISMAP-LIU') THEN
		RAISE EXCEPTION 'unknown program "%"', program
			USING ERRCODE = 'invalid_parameter_value', HINT = 'The programs are ISMAP and ISMAP-LIU.';
	END IF;
	RETURN QUERY
	SELECT c.registration_number, c.service_name, c.csp_name, c.corporate_number, c.level::pg_catalog.text,
		   pg_catalog.array_to_string(c.delivery_models, ', '),
		   pg_catalog.array_to_string(c.deployment_models, ', '),
		   c.scope,
		   (SELECT pg_catalog.string_agg(CASE WHEN p->>'registration_number' IS NOT NULL
					THEN pg_catalog.format('%s (%s)', p->>'name', p->>'registration_number')
					ELSE 'self-assessed platform' END, ', ' ORDER BY o)
			FROM pg_catalog.jsonb_array_elements(c.platforms) WITH ORDINALITY AS x(p, o)),
		   pg_catalog.array_to_string(c.regions, ', '),
		   c.governing_law, c.jurisdiction, c.capital_disclosure,
		   (SELECT pg_catalog.string_agg(pg_catalog.concat_ws(' ', t->>'kind', t->>'performed_on', t->>'performed_by'), ', ' ORDER BY o)
			FROM pg_catalog.jsonb_array_elements(c.third_party_tests) WITH ORDINALITY AS y(t, o)),
		   c.audit_body, pg_catalog.to_char(c.period_start, 'YYYY-MM-DD'), pg_catalog.to_char(c.period_end, 'YYYY-MM-DD'),
		   pg_catalog.concat_ws(' ', c.framework_id, c.framework_version),
		   pg_catalog.to_char(r.registered_on, 'YYYY-MM-DD'), pg_catalog.to_char(r.valid_until, 'YYYY-MM-DD')
	FROM ismap.registered_content c
	JOIN ismap.registration r ON r.registration_id = c.registration_id
	WHERE c.program = published_list.program
	  AND r.registered_on <= published_list.as_of AND r.valid_until >= published_list.as_of
	  AND (r.ended_on IS NULL OR r.ended_on > published_list.as_of)
	ORDER BY c.registration_number COLLATE "C";
END
$$;
COMMENT ON FUNCTION ismap.published_list(pg_catalog.date, pg_catalog.text) IS 'the published list of a program (ISMAP, ISMAP-LIU) as it stood on a day: the registrations in force with their registered content, text columns, in registration number order';

-- What changed between the lists of two days: a registration number on the
-- second list only (added), on the first only (removed), or on both with
-- other content (changed: the columns that differ, in column order).
CREATE FUNCTION ismap.published_list_changes(from_date pg_catalog.date, to_date pg_catalog.date, program pg_catalog.text DEFAULT 'ISMAP')
RETURNS TABLE (change pg_catalog.text, registration_number pg_catalog.text, service_name pg_catalog.text,
	changed_columns pg_catalog.text)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF from_date IS NULL OR to_date IS NULL THEN
		RAISE EXCEPTION 'the dates of the lists must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF from_date > to_date THEN
		RAISE EXCEPTION 'from_date % is after to_date %', pg_catalog.to_char(from_date, 'YYYY-MM-DD'),
			pg_catalog.to_char(to_date, 'YYYY-MM-DD') USING ERRCODE = 'invalid_parameter_value';
	END IF;
	RETURN QUERY
	WITH a AS (SELECT l.registration_number AS k, pg_catalog.to_jsonb(l) AS j FROM ismap.published_list(from_date, program) l),
		 b AS (SELECT l.registration_number AS k, pg_catalog.to_jsonb(l) AS j FROM ismap.published_list(to_date, program) l)
	SELECT CASE WHEN a.k IS NULL THEN 'added' WHEN b.k IS NULL THEN 'removed' ELSE 'changed' END,
		   COALESCE(b.k, a.k),
		   COALESCE(b.j, a.j)->>'service_name',
		   CASE WHEN a.k IS NOT NULL AND b.k IS NOT NULL THEN
			   (SELECT pg_catalog.string_agg(lb.column_name, ', ' ORDER BY lb.ord)
				FROM ismap.published_list_labels('en') WITH ORDINALITY AS lb(column_name, label, ord)
				WHERE a.j->lb.column_name IS DISTINCT FROM b.j->lb.column_name) END
	FROM a FULL JOIN b ON a.k = b.k
	WHERE a.k IS NULL OR b.k IS NULL OR a.j <> b.j
	ORDER BY COALESCE(b.k, a.k) COLLATE "C", 1;
END
$$;
COMMENT ON FUNCTION ismap.published_list_changes(pg_catalog.date, pg_catalog.date, pg_catalog.text) IS 'what changed in a program''s published list between two days: added, removed or changed registrations (with the columns that changed)';

-- The columns of the list with their Japanese and English labels, in order.
CREATE FUNCTION ismap.published_list_labels(lang pg_catalog.text)
RETURNS TABLE (column_name pg_catalog.text, label pg_catalog.text)
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF lang IS NULL OR lang NOT IN ('ja', 'en') THEN
		RAISE EXCEPTION 'unknown language "%"', lang
			USING ERRCODE = 'invalid_parameter_value', HINT = 'The labels are in ja and en.';
	END IF;
	RETURN QUERY SELECT v.column_name, CASE lang WHEN 'ja' THEN v.ja ELSE v.en END FROM (VALUES
		(1, 'registration_number', '登録番号', 'Registration number'),
		(2, 'service_name', 'クラウドサービスの名称', 'Cloud service'),
		(3, 'csp_name', '事業者名', 'Provider'),
		(4, 'corporate_number', '法人番号', 'Corporate number'),
		(5, 'level', '登録レベル', 'Level'),
		(6, 'delivery_models', 'サービス形態', 'Delivery models'),
		(7, 'deployment_models', '配備モデル', 'Deployment models'),
		(8, 'scope', '対象範囲', 'Scope'),
		(9, 'platforms', '利用する基盤サービス', 'Platforms'),
		(10, 'regions', 'データ保管地域', 'Data regions'),
		(11, 'governing_law', '準拠法', 'Governing law'),
		(12, 'jurisdiction', '管轄裁判所', 'Court of jurisdiction'),
		(13, 'capital_disclosure', '資本関係・役員等', 'Capital relationships and officers'),
		(14, 'third_party_tests', '第三者による検査', 'Third-party tests'),
		(15, 'audit_body', '監査機関', 'Audit body'),
		(16, 'period_start', '監査対象期間（開始）', 'Audited period from'),
		(17, 'period_end', '監査対象期間（終了）', 'Audited period to'),
		(18, 'control_standard', '管理基準', 'Control standard'),
		(19, 'registered_on', '登録日', 'Registered on'),
		(20, 'valid_until', '有効期限', 'Valid until')) v(ord, column_name, ja, en)
	ORDER BY v.ord;
END
$$;
COMMENT ON FUNCTION ismap.published_list_labels(pg_catalog.text) IS 'the column names of ismap.published_list with their labels in Japanese (ja) or English (en), in column order';
-------------------------------------------------------------------------------
-- ismap-jobs publish --out DIR writes the published list as files
-- (docs/jobs.md, "publish").  The files are written by the client; this
-- function is the job's part of the ledger: one action per registration on
-- each program's list of the day ("listed", "listed_liu") and one per
-- change since the previous successful publish ("added", "removed",
-- "changed"; the registration number in detail), so that job_run records
-- what was published.  The previous
-- publish is the newest succeeded run of the job other than this one.
-------------------------------------------------------------------------------
CREATE FUNCTION ismap_internal.job_publish(as_of pg_catalog.date, dry_run pg_catalog.bool, run_id pg_catalog.int8)
RETURNS TABLE (action pg_catalog.text, object_id pg_catalog.int8, detail pg_catalog.text)
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	WITH prev AS (
		SELECT COALESCE((SELECT r.as_of FROM ismap.job_run r
						 WHERE r.job = 'publish' AND r.status = 'succeeded' AND r.run_id IS DISTINCT FROM $3
						 ORDER BY r.finished_at DESC, r.run_id DESC LIMIT 1), '-infinity'::pg_catalog.date) AS d
	)
	SELECT x.action, x.object_id, x.detail FROM (
		SELECT 1 AS k, CASE p.program WHEN 'ISMAP' THEN 'listed' ELSE 'listed_liu' END AS action,
			   NULL::pg_catalog.int8 AS object_id, l.registration_number AS detail
		FROM (VALUES ('ISMAP'::pg_catalog.text), ('ISMAP-LIU')) p(program),
			 LATERAL ismap.published_list($1, p.program) l
		UNION ALL
		SELECT 2, ch.change, NULL::pg_catalog.int8,
			   pg_catalog.concat_ws(': ', ch.registration_number, ch.changed_columns)
		FROM prev, LATERAL ismap.published_list_changes(LEAST(prev.d, $1), $1, 'ISMAP') ch) x
	ORDER BY x.k, x.detail COLLATE "C"
$$;
COMMENT ON FUNCTION ismap_internal.job_publish(pg_catalog.date, pg_catalog.bool, pg_catalog.int8) IS 'publish job: the registrations on each program''s list of the day (listed, listed_liu) and the changes of the ISMAP list since the previous successful publish (added, removed, changed); ismap-jobs writes the files';

INSERT INTO ismap.job (job_name, function, lock_key, description, run_order)
VALUES ('publish', 'ismap_internal.job_publish(pg_catalog.date, pg_catalog.bool, pg_catalog.int8)', 106,
	'write the published list as files (ismap-jobs publish --out DIR; skipped by "all" without --out)', 60);
-- dependency_dot: a day, the registered services only, a title, a legend, a layout for hundreds
DROP FUNCTION ismap.dependency_dot(pg_catalog.int8);
-- Graphviz DOT of services and their platforms; an edge points from a
-- service to the base it runs on, dashed when the dependency was
-- self-assessed.  With a service: only what is connected to it.
--
-- Made to be read (docs/registry.md, "Reports"): a title with the day and
-- the count, a legend of the status colours, the status of each service
-- as of that day (from its registrations' dates, as the published list
-- counts them), optionally only the services registered that day, a
-- CJK-capable font, and a layout that stays readable at hundreds of
-- services: the services nothing runs on (most SaaS) are spread over up to
-- six ranks above their platform instead of one rank thousands of pixels
-- wide, which is what Graphviz's unflatten tool does.
CREATE FUNCTION ismap.dependency_dot(p_service_id pg_catalog.int8 DEFAULT NULL, p_as_of pg_catalog.date DEFAULT CURRENT_DATE,
	p_active_only pg_catalog.bool DEFAULT false) RETURNS pg_catalog.text
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	WITH RECURSIVE
	up (service_id, via) AS (
		SELECT p_service_id, ARRAY[p_service_id]
		WHERE p_service_id IS NOT NULL
		UNION ALL
		SELECT d.base_service_id, up.via OPERATOR(pg_catalog.||) d.base_service_id
		FROM up JOIN ismap.service_dependency d ON d.service_id = up.service_id
		WHERE d.base_service_id <> ALL (up.via)
	),
	down (service_id, via) AS (
		SELECT p_service_id, ARRAY[p_service_id]
		WHERE p_service_id IS NOT NULL
		UNION ALL
		SELECT d.service_id, down.via OPERATOR(pg_catalog.||) d.service_id
		FROM down JOIN ismap.service_dependency d ON d.base_service_id = down.service_id
		WHERE d.service_id <> ALL (down.via)
	),
	picked AS (
		SELECT s.service_id FROM ismap.service s WHERE p_service_id IS NULL
		UNION SELECT service_id FROM up
		UNION SELECT service_id FROM down
	),
	-- each service's newest registration made by the day, and its status
	-- that day; the name it was registered with
	node0 AS (
		SELECT s.service_id, COALESCE(c.service_name, s.name) AS name, r.registration_number,
			   CASE WHEN r.registration_id IS NULL THEN 'unregistered'
					WHEN r.valid_until >= p_as_of AND (r.ended_on IS NULL OR r.ended_on > p_as_of)
						THEN CASE WHEN r.status = 'suspended' AND p_as_of >= CURRENT_DATE THEN 'suspended' ELSE 'active' END
					WHEN r.ended_on IS NOT NULL AND r.ended_on <= p_as_of AND r.status = 'delisted' THEN 'delisted'
					ELSE 'expired' END AS status
		FROM picked p
		JOIN ismap.service s ON s.service_id = p.service_id
		LEFT JOIN LATERAL (
			SELECT x.registration_id, x.registration_number, x.registered_on, x.valid_until, x.ended_on, x.status
			FROM ismap.registration x
			WHERE x.service_id = s.service_id AND x.registered_on <= p_as_of
			ORDER BY x.registered_on DESC, x.registration_id DESC
			LIMIT 1) r ON true
		LEFT JOIN ismap.registered_content c ON c.registration_id = r.registration_id
	),
	node AS (
		SELECT n.* FROM node0 n
		WHERE NOT p_active_only OR n.status = ANY (ARRAY['active', 'suspended'])
	),
	edge AS (
		SELECT d.service_id, d.base_service_id, d.self_assessed_audit_id
		FROM ismap.service_dependency d
		WHERE d.service_id IN (SELECT service_id FROM node) AND d.base_service_id IN (SELECT service_id FROM node)
	),
	-- services nothing shown runs on, spread over six ranks
	leaf AS (
		SELECT n.service_id, (pg_catalog.row_number() OVER (ORDER BY n.service_id) - 1) % 6 + 1 AS minlen
		FROM node n
		WHERE NOT EXISTS (SELECT 1 FROM edge e WHERE e.base_service_id = n.service_id)
		  AND EXISTS (SELECT 1 FROM edge e WHERE e.service_id = n.service_id)
	)
	SELECT 'digraph ismap_dependencies {' OPERATOR(pg_catalog.||) E'\n'
		OPERATOR(pg_catalog.||) pg_catalog.format(
			E'  graph [label="%s", labelloc=t, fontsize=20, fontname="Noto Sans CJK JP", rankdir=BT, newrank=true, ranksep=0.5, nodesep=0.12];\n',
			pg_catalog.format('ISMAP platform dependencies as of %s (%s services%s)',
				pg_catalog.to_char(p_as_of, 'YYYY-MM-DD'), (SELECT pg_catalog.count(*) FROM node),
				CASE WHEN p_active_only THEN ', registered only' ELSE '' END))
		OPERATOR(pg_catalog.||) E'  node [shape=box, style="rounded,filled", fontname="Noto Sans CJK JP", fontsize=10];\n'
		OPERATOR(pg_catalog.||) E'  edge [color="#555555", arrowsize=0.6];\n'
		OPERATOR(pg_catalog.||) E'  subgraph cluster_legend {\n    label="status"; fontsize=12; style=rounded; color="#999999";\n'
		OPERATOR(pg_catalog.||) E'    legend_active [label="active", fillcolor="#c8e6c9"];\n'
		OPERATOR(pg_catalog.||) E'    legend_suspended [label="suspended", fillcolor="#fff59d"];\n'
		OPERATOR(pg_catalog.||) E'    legend_expired [label="expired", fillcolor="#e0e0e0"];\n'
		OPERATOR(pg_catalog.||) E'    legend_delisted [label="delisted", fillcolor="#ef9a9a"];\n'
		OPERATOR(pg_catalog.||) E'    legend_unregistered [label="not registered", fillcolor="#ffffff"];\n'
		OPERATOR(pg_catalog.||) E'    legend_active -> legend_suspended -> legend_expired -> legend_delisted -> legend_unregistered [style=invis];\n  }\n'
		OPERATOR(pg_catalog.||) COALESCE((
			SELECT pg_catalog.string_agg(pg_catalog.format('  s%s [label="%s\n%s", fillcolor="%s"];',
				n.service_id,
				pg_catalog.replace(pg_catalog.replace(n.name, '\', '\\'), '"', '\"'),
				CASE WHEN n.registration_number IS NULL THEN 'not registered'
					 ELSE n.registration_number OPERATOR(pg_catalog.||) ' ' OPERATOR(pg_catalog.||) n.status END,
				CASE n.status WHEN 'active' THEN '#c8e6c9' WHEN 'suspended' THEN '#fff59d'
					 WHEN 'delisted' THEN '#ef9a9a' WHEN 'expired' THEN '#e0e0e0' ELSE '#ffffff' END),
				E'\n' ORDER BY n.service_id) OPERATOR(pg_catalog.||) E'\n'
			FROM node n), '')
		OPERATOR(pg_catalog.||) COALESCE((
			SELECT pg_catalog.string_agg(pg_catalog.format('  s%s -> s%s%s;', e.service_id, e.base_service_id,
				CASE WHEN e.self_assessed_audit_id IS NOT NULL OR l.minlen > 1 THEN
					' [' OPERATOR(pg_catalog.||) pg_catalog.concat_ws(', ',
						CASE WHEN e.self_assessed_audit_id IS NOT NULL THEN 'style=dashed, label="self-assessed"' END,
						CASE WHEN l.minlen > 1 THEN 'minlen=' OPERATOR(pg_catalog.||) l.minlen END) OPERATOR(pg_catalog.||) ']'
					ELSE '' END),
				E'\n' ORDER BY e.service_id, e.base_service_id) OPERATOR(pg_catalog.||) E'\n'
			FROM edge e LEFT JOIN leaf l ON l.service_id = e.service_id), '')
		OPERATOR(pg_catalog.||) '}' OPERATOR(pg_catalog.||) E'\n'
$$;
COMMENT ON FUNCTION ismap.dependency_dot(pg_catalog.int8, pg_catalog.date, pg_catalog.bool) IS 'Graphviz DOT of services and the platforms they run on (all services, or those connected to one), coloured by their status on a day, with a title, a legend and a layout readable at hundreds of services; only the services registered that day with p_active_only';

-- ==== create_roles and the policies with disclosures and registered content (issue 18) ====
CREATE OR REPLACE FUNCTION ismap.create_roles() RETURNS pg_catalog.text[]
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	made pg_catalog.text[] := '{}';
	r pg_catalog.text;
	f pg_catalog.regprocedure;
	owner pg_catalog.name;
BEGIN
	IF NOT (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = CURRENT_USER) THEN
		RAISE EXCEPTION 'ismap.create_roles() must be run by a superuser' USING ERRCODE = 'insufficient_privilege';
	END IF;
	FOREACH r IN ARRAY ARRAY['ismap_reader', 'ismap_registrar', 'ismap_auditor', 'ismap_csp', 'ismap_jobs'] LOOP
		IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r) THEN
			EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN', r);
			made := made || r;
		END IF;
		EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA ismap TO %I', r);
	END LOOP;
	SELECT pg_catalog.pg_get_userbyid(n.nspowner) INTO owner FROM pg_catalog.pg_namespace n WHERE n.nspname = 'ismap';

	-- everyone: the catalogs, the published registry and its reports, the policy
	GRANT SELECT ON ismap.framework, ismap.control, ismap.baseline, ismap.baseline_control,
		ismap.control_mapping, ismap.control_reference, ismap.control_group, ismap.control_param, ismap.policy,
		ismap.service_change, ismap.sla_template,
		ismap.sampling_table, ismap.registry, ismap.registry_listing, ismap.registration, ismap.registry_event, ismap.event_chain_seal,
		ismap.audit_body, ismap.audit_body_selection, ismap.csp, ismap.service, ismap.service_dependency,
		ismap.job, ismap.registered_content, ismap.service_disclosure
		TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs;
	-- the registrar: every table to read; edits the catalogs, the policy,
	-- the parties and the classification; decides through the functions.
	-- Its table-level UPDATE and DELETE let it LOCK these tables in any
	-- mode: it is staff and trusted, as their only editor (docs/security.md,
	-- A2-09); no party holds such a privilege on any table
	GRANT SELECT ON ALL TABLES IN SCHEMA ismap TO ismap_registrar;
	GRANT INSERT, UPDATE, DELETE ON ismap.framework, ismap.control, ismap.baseline, ismap.baseline_control,
		ismap.control_mapping, ismap.control_reference, ismap.control_group, ismap.control_param,
		ismap.sla_template, ismap.sampling_table,
		ismap.audit_body, ismap.auditor, ismap.auditor_qualification, ismap.audit_body_selection,
		ismap.csp, ismap.organization, ismap.information_asset, ismap.information_system, ismap.system_asset
		TO ismap_registrar;
	GRANT INSERT, UPDATE ON ismap.policy TO ismap_registrar;
	GRANT SELECT ON ismap.organization, ismap.information_asset, ismap.information_system,
		ismap.system_asset TO ismap_reader;
	-- an auditor: its own body's people and audits; statements, results
	-- and control tests of its own audits while they are open
	GRANT SELECT ON ismap.auditor, ismap.auditor_qualification, ismap.audit, ismap.application,
		ismap.statement_item, ismap.audit_result, ismap.control_test, ismap.control_test_evaluation TO ismap_auditor;
	-- A table-level UPDATE or DELETE would let a party LOCK the whole table
	-- in any mode and stall every other party (A2-09): the parties get
	-- column-level UPDATE, and delete through ismap.delete_* (0.2.0 granted
	-- the whole tables: taken back first, which takes the columns' too)
	REVOKE UPDATE, DELETE ON ismap.audit_result, ismap.control_test FROM ismap_auditor;
	REVOKE UPDATE, DELETE ON ismap.statement_item FROM ismap_csp;
	REVOKE DELETE ON ismap.service_dependency FROM ismap_csp;
	GRANT INSERT ON ismap.audit_result, ismap.control_test TO ismap_auditor;
	GRANT UPDATE (audit_id, control_id, result, rationale) ON ismap.audit_result TO ismap_auditor;
	GRANT UPDATE (audit_id, control_id, frequency, population, sample_size, deviations, seed)
		ON ismap.control_test TO ismap_auditor;
	-- every column of an audit but its decision date, which only the
	-- decisions write (0.2.0 granted the whole table: taken back first)
	REVOKE INSERT, UPDATE ON ismap.audit FROM ismap_auditor;
	GRANT INSERT (audit_id, service_id, audit_body_id, lead_auditor_id, kind, target_level, framework_id,
				  period_start, period_end, report_date, scope),
		  UPDATE (service_id, audit_body_id, lead_auditor_id, kind, target_level, framework_id,
				  period_start, period_end, report_date, scope) ON ismap.audit TO ismap_auditor;
	-- a provider: its own services, platforms, statements and applications
	-- a registered service's scope and models change only through a reported
	-- change and a new audit, and only an audit decides that a platform was
	-- assessed: the provider holds no privilege on those columns
	GRANT INSERT ON ismap.service TO ismap_csp;
	GRANT UPDATE (name, responsibility) ON ismap.service TO ismap_csp;
	GRANT INSERT (service_id, base_service_id) ON ismap.service_dependency TO ismap_csp;
	GRANT INSERT ON ismap.statement_item TO ismap_csp;
	GRANT UPDATE (audit_id, framework_id, control_id, selected, exclusion_reason, responsibility, inherited_from) ON ismap.statement_item TO ismap_csp;
	-- its services' disclosures (no DELETE: A2-09; a missing item is NULL)
	GRANT INSERT (service_id, regions, governing_law, jurisdiction, capital_disclosure, third_party_tests),
		  UPDATE (regions, governing_law, jurisdiction, capital_disclosure, third_party_tests)
		ON ismap.service_disclosure TO ismap_csp;
	GRANT UPDATE (self_assessed_audit_id) ON ismap.service_dependency TO ismap_auditor, ismap_registrar;
	GRANT SELECT, INSERT ON ismap.application TO ismap_csp;
	GRANT UPDATE (status, decided_on, decision_reason) ON ismap.application TO ismap_csp;
	GRANT SELECT ON ismap.audit, ismap.statement_item, ismap.audit_result, ismap.control_test,
		ismap.control_test_evaluation TO ismap_csp;
	GRANT UPDATE (name, address) ON ismap.csp TO ismap_csp;
	-- a provider reports its own services' changes and feeds their evidence
	-- (what was reported: not its coverage, nor the reporting date)
	GRANT SELECT ON ismap.service_change, ismap.evidence TO ismap_csp;
	REVOKE INSERT ON ismap.service_change FROM ismap_csp;
	GRANT INSERT (service_id, kind, effective_on, description, reported_by) ON ismap.service_change TO ismap_csp;
	GRANT INSERT ON ismap.evidence TO ismap_csp;
	GRANT INSERT ON ismap.service_change TO ismap_registrar;
	GRANT USAGE ON ALL SEQUENCES IN SCHEMA ismap TO ismap_registrar, ismap_auditor, ismap_csp;
	-- but not the numbers of what only the extension's functions write:
	-- nextval would burn event and registration ids, leaving gaps that
	-- look like deleted rows
	REVOKE USAGE ON SEQUENCE ismap.registry_event_event_id_seq, ismap.registration_registration_id_seq,
		ismap.job_run_run_id_seq, ismap.notice_notice_id_seq FROM ismap_registrar, ismap_auditor, ismap_csp;
	-- jobs: read what the batch functions read
	-- (the batch functions have the owner's rights; the role itself reads
	-- only its runs and notices, besides what everyone reads)
	GRANT SELECT ON ismap.job_run, ismap.notice, ismap.job_health TO ismap_jobs;

	-- functions: everything that only reads, to every role; what writes,
	-- to the one role that needs it
	FOR f IN
		SELECT p.oid::pg_catalog.regprocedure FROM pg_catalog.pg_proc p
		JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.objid = p.oid AND d.deptype = 'e'
		JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'ismap'
		WHERE p.pronamespace = 'ismap'::pg_catalog.regnamespace
		  AND p.provolatile IN ('i', 's') AND p.prorettype <> 'pg_catalog.trigger'::pg_catalog.regtype
		  AND NOT p.prosecdef
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs', f);
	END LOOP;
	FOR f, r IN
		SELECT p.oid::pg_catalog.regprocedure, g.role FROM pg_catalog.pg_proc p
		JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace AND n.nspname = 'ismap'
		JOIN (VALUES ('register', 'ismap_registrar'), ('approve_application', 'ismap_registrar'),
					 ('reject_application', 'ismap_registrar'), ('delist', 'ismap_registrar'),
					 ('principal', 'ismap_registrar'), ('import_control_standard_csv', 'ismap_registrar'),
					 ('import_nist_iso27001_mapping', 'ismap_registrar'), ('import_oscal_catalog', 'ismap_registrar'),
					 ('import_oscal_profile', 'ismap_registrar'),
					 ('delete_statement_item', 'ismap_csp'), ('delete_service_dependency', 'ismap_csp'),
					 ('delete_audit_result', 'ismap_auditor'), ('delete_control_test', 'ismap_auditor'),
					 ('run_renewals', 'ismap_jobs'), ('expire_audit_body_selections', 'ismap_jobs'),
					 ('cascade_delistings', 'ismap_jobs'), ('run_changes', 'ismap_jobs'),
					 ('job_start', 'ismap_jobs'), ('job_finish', 'ismap_jobs'), ('job_mark_stale', 'ismap_jobs'),
					 ('prune_job_runs', 'ismap_jobs'), ('run_job', 'ismap_jobs'), ('seal_event_chain', 'ismap_jobs'),
					 ('ensure_evidence_partitions', 'ismap_jobs'), ('ensure_evidence_partitions', 'ismap_registrar'),
					 -- owner's rights, for the applications the caller may see
					 ('validate_application', 'ismap_registrar'), ('validate_application', 'ismap_auditor'),
					 ('validate_application', 'ismap_csp'), ('validate_application', 'ismap_jobs')) g(fn, role)
		  ON g.fn = p.proname
		-- in a fixed order: a function's ACL lists its grantees in the
		-- order granted, and an upgrade must end with a fresh install's
		ORDER BY g.fn, g.role
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO %I', f, r);
	END LOOP;

	-- the event chain's checks have the owner's rights (they read every
	-- event, also those row-level security hides from the caller) and tell
	-- only whether the chain holds, which event breaks it, and the head's
	-- hash: every role runs them
	FOR f IN
		SELECT p.oid::pg_catalog.regprocedure FROM pg_catalog.pg_proc p
		WHERE p.pronamespace = 'ismap'::pg_catalog.regnamespace
		  AND p.proname = ANY (ARRAY['verify_event_chain', 'event_chain_full_check', 'event_chain_head'])
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs', f);
	END LOOP;
	-- what reads tables a role may not read is not granted to it (the
	-- function would only refuse it inside): the change status reads the
	-- applications, the classification the agencies' systems
	REVOKE EXECUTE ON FUNCTION ismap.change_status(pg_catalog.date) FROM ismap_reader, ismap_jobs;
	REVOKE EXECUTE ON FUNCTION ismap.classification_findings(pg_catalog.int8), ismap.classification_findings_all(pg_catalog.int8),
		ismap.classify_system(pg_catalog.int8), ismap.eligible_services(pg_catalog.int8, pg_catalog.date),
		ismap.required_level(pg_catalog.int8) FROM ismap_auditor, ismap_csp, ismap_jobs;
	-- a control test's items read the test (its provider, its auditor, the
	-- registrar); a control's health the evidence (its provider, the
	-- registrar, the jobs)
	REVOKE EXECUTE ON FUNCTION ismap.control_test_items(pg_catalog.int8, ismap.ctrlid) FROM ismap_reader, ismap_jobs;
	REVOKE EXECUTE ON FUNCTION ismap.control_health(pg_catalog.int8, pg_catalog.date, pg_catalog.interval) FROM ismap_reader, ismap_auditor;

	-- the policies' helpers run in the querying role's name: only the roles
	-- whose policies call them get them
	GRANT EXECUTE ON FUNCTION ismap.principal_audit_body(pg_catalog.name), ismap.principal_csp(pg_catalog.name),
		ismap.audit_party(pg_catalog.int8), ismap.service_csp(pg_catalog.int8) TO ismap_auditor, ismap_csp;

	-- row-level policies (re-created, so a second run changes nothing)
	PERFORM ismap_internal.create_policies();
	RETURN made;
END
$$;
COMMENT ON FUNCTION ismap.create_roles() IS 'superuser: create the five ismap roles if missing, grant them least privilege and create the row-level policies; idempotent; returns the roles it created';
CREATE OR REPLACE FUNCTION ismap_internal.create_policies() RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	p record;
BEGIN
	FOR p IN
		SELECT pol.polname, c.relname FROM pg_catalog.pg_policy pol
		JOIN pg_catalog.pg_class c ON c.oid = pol.polrelid
		JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'ismap'
	LOOP
		EXECUTE pg_catalog.format('DROP POLICY %I ON ismap.%I', p.polname, p.relname);
	END LOOP;

	-- the owner's SECURITY DEFINER functions and the registrar and jobs see all
	CREATE POLICY staff ON ismap.audit TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.statement_item TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.audit_result TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.control_test TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.application TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.auditor TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.auditor_qualification TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.principal_binding TO ismap_registrar, ismap_jobs USING (true);
	EXECUTE pg_catalog.format('CREATE POLICY owner ON ismap.statement_item TO %I USING (true)',
		(SELECT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c WHERE c.oid = 'ismap.statement_item'::pg_catalog.regclass));
	EXECUTE pg_catalog.format('CREATE POLICY owner ON ismap.audit_result TO %I USING (true)',
		(SELECT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c WHERE c.oid = 'ismap.audit_result'::pg_catalog.regclass));
	EXECUTE pg_catalog.format('CREATE POLICY owner ON ismap.control_test TO %I USING (true)',
		(SELECT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c WHERE c.oid = 'ismap.control_test'::pg_catalog.regclass));

	-- What is public (docs/security.md): a service once registered (live or
	-- ended), its platforms and its provider.  A service never registered
	-- is seen by the registrar, its own provider and the audit bodies
	-- auditing it (or a service built on it); its provider, until one of its
	-- services is registered, by the registrar and the parties that see one
	-- of them.  The batch jobs (the owner's rights) read what is public.  The
	-- policies of service_dependency name registration and audit, not
	-- service, so that service's may read them without recursion.
	CREATE POLICY staff ON ismap.service FOR SELECT TO ismap_registrar USING (true);
	CREATE POLICY staff ON ismap.service_dependency FOR SELECT TO ismap_registrar USING (true);
	CREATE POLICY registrar ON ismap.csp TO ismap_registrar USING (true);
	CREATE POLICY published ON ismap.service FOR SELECT TO ismap_reader, ismap_auditor, ismap_csp, ismap_jobs
		USING (EXISTS (SELECT 1 FROM ismap.registration r WHERE r.service_id = service.service_id));
	CREATE POLICY published ON ismap.service_dependency FOR SELECT TO ismap_reader, ismap_auditor, ismap_csp, ismap_jobs
		USING (EXISTS (SELECT 1 FROM ismap.registration r WHERE r.service_id = service_dependency.service_id));
	CREATE POLICY published ON ismap.csp FOR SELECT TO ismap_reader, ismap_auditor, ismap_csp, ismap_jobs
		USING (EXISTS (SELECT 1 FROM ismap.service s WHERE s.csp_id = csp.csp_id));
	CREATE POLICY own_services_read ON ismap.service FOR SELECT TO ismap_csp
		USING (csp_id = ismap.principal_csp(current_user));
	CREATE POLICY own_services_read ON ismap.service_dependency FOR SELECT TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY own_row_read ON ismap.csp FOR SELECT TO ismap_csp
		USING (csp_id = ismap.principal_csp(current_user));
	CREATE POLICY audited ON ismap.service FOR SELECT TO ismap_auditor
		USING (EXISTS (SELECT 1 FROM ismap.audit a WHERE a.service_id = service.service_id)
			OR EXISTS (SELECT 1 FROM ismap.service_dependency d JOIN ismap.audit a ON a.service_id = d.service_id
					   WHERE d.base_service_id = service.service_id));
	CREATE POLICY audited ON ismap.service_dependency FOR SELECT TO ismap_auditor
		USING (EXISTS (SELECT 1 FROM ismap.audit a WHERE a.service_id = service_dependency.service_id));

	-- an auditor: its own body
	CREATE POLICY own_body ON ismap.auditor TO ismap_auditor
		USING (audit_body_id = ismap.principal_audit_body(current_user));
	CREATE POLICY own_body ON ismap.auditor_qualification FOR SELECT TO ismap_auditor
		USING (EXISTS (SELECT 1 FROM ismap.auditor a WHERE a.auditor_id = auditor_qualification.auditor_id));
	CREATE POLICY own_body ON ismap.audit TO ismap_auditor
		USING (audit_body_id = ismap.principal_audit_body(current_user))
		WITH CHECK (audit_body_id = ismap.principal_audit_body(current_user)
			AND (SELECT o.open FROM ismap.audit_party(audit_id) o) IS NOT false);
	CREATE POLICY own_body ON ismap.application FOR SELECT TO ismap_auditor
		USING ((SELECT o.audit_body_id FROM ismap.audit_party(audit_id) o) = ismap.principal_audit_body(current_user));
	CREATE POLICY own_open_audit ON ismap.statement_item FOR SELECT TO ismap_auditor
		USING ((SELECT o.audit_body_id = ismap.principal_audit_body(current_user) AND o.open FROM ismap.audit_party(audit_id) o));
	CREATE POLICY own_open_audit ON ismap.audit_result TO ismap_auditor
		USING ((SELECT o.audit_body_id = ismap.principal_audit_body(current_user) AND o.open FROM ismap.audit_party(audit_id) o));
	CREATE POLICY own_open_audit ON ismap.control_test TO ismap_auditor
		USING ((SELECT o.audit_body_id = ismap.principal_audit_body(current_user) AND o.open FROM ismap.audit_party(audit_id) o));

	-- a provider: its own services, platforms, statements, applications;
	-- it reads its own audits' results
	CREATE POLICY own_row ON ismap.csp FOR UPDATE TO ismap_csp
		USING (csp_id = ismap.principal_csp(current_user));
	CREATE POLICY own_services ON ismap.service FOR INSERT TO ismap_csp
		WITH CHECK (csp_id = ismap.principal_csp(current_user));
	CREATE POLICY own_services_update ON ismap.service FOR UPDATE TO ismap_csp
		USING (csp_id = ismap.principal_csp(current_user));
	CREATE POLICY own_services ON ismap.service_dependency FOR INSERT TO ismap_csp
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY own_services_update ON ismap.service_dependency FOR UPDATE TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY own_services_delete ON ismap.service_dependency FOR DELETE TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	-- self_assessed_audit_id, granted to the registrar and the auditors, was
	-- updatable through no policy: their updates changed nothing, silently
	-- (M6).  The registrar records it; an auditor, with an audit of its own
	-- body, on a dependency not already marked by another body's audit
	-- (marking with another body's audit is refused: 42501)
	CREATE POLICY staff_update ON ismap.service_dependency FOR UPDATE TO ismap_registrar USING (true);
	CREATE POLICY own_audit ON ismap.service_dependency FOR UPDATE TO ismap_auditor
		USING (self_assessed_audit_id IS NULL
			OR (SELECT o.audit_body_id FROM ismap.audit_party(self_assessed_audit_id) o) = ismap.principal_audit_body(current_user))
		WITH CHECK (self_assessed_audit_id IS NULL
			OR (SELECT o.audit_body_id FROM ismap.audit_party(self_assessed_audit_id) o) = ismap.principal_audit_body(current_user));
	CREATE POLICY own_audits ON ismap.audit FOR SELECT TO ismap_csp
		USING ((SELECT o.csp_id FROM ismap.audit_party(audit_id) o) = ismap.principal_csp(current_user));
	CREATE POLICY own_open_statement ON ismap.statement_item FOR SELECT TO ismap_csp
		USING ((SELECT o.csp_id = ismap.principal_csp(current_user) FROM ismap.audit_party(audit_id) o));
	-- writes (a DELETE checks USING only) while the audit is open
	CREATE POLICY own_open_statement_write ON ismap.statement_item FOR ALL TO ismap_csp
		USING ((SELECT o.csp_id = ismap.principal_csp(current_user) AND o.open FROM ismap.audit_party(audit_id) o))
		WITH CHECK ((SELECT o.csp_id = ismap.principal_csp(current_user) AND o.open FROM ismap.audit_party(audit_id) o));
	CREATE POLICY own_results ON ismap.audit_result FOR SELECT TO ismap_csp
		USING ((SELECT o.csp_id FROM ismap.audit_party(audit_id) o) = ismap.principal_csp(current_user));
	CREATE POLICY own_tests ON ismap.control_test FOR SELECT TO ismap_csp
		USING ((SELECT o.csp_id FROM ismap.audit_party(audit_id) o) = ismap.principal_csp(current_user));
	CREATE POLICY own_applications ON ismap.application FOR SELECT TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	-- a provider files applications (submitted) and may withdraw them; it
	-- never decides (nor records acknowledgements, approve_application's)
	CREATE POLICY file_own ON ismap.application FOR INSERT TO ismap_csp
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user) AND status = 'submitted'
			AND submitted_on = CURRENT_DATE AND acknowledged IS NULL
			AND (SELECT o.open FROM ismap.audit_party(audit_id) o));
	-- the withdrawal is dated today, by the server's clock (M4)
	CREATE POLICY withdraw_own ON ismap.application FOR UPDATE TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user) AND status = 'submitted')
		WITH CHECK (status = 'withdrawn' AND decided_on = CURRENT_DATE);
	CREATE POLICY own_binding ON ismap.principal_binding FOR SELECT TO ismap_auditor, ismap_csp
		USING (role_name = current_user);
	-- a change report is its provider's, the registrar's and, for a service
	-- its body audits, an auditor's (DESIGN 3.9: not public)
	CREATE POLICY staff ON ismap.service_change TO ismap_registrar USING (true);
	CREATE POLICY audited ON ismap.service_change FOR SELECT TO ismap_auditor
		USING (EXISTS (SELECT 1 FROM ismap.audit a WHERE a.service_id = service_change.service_id));
	CREATE POLICY own_services ON ismap.service_change TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user))
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	-- the event log: the events of registrations are public (DESIGN 3.9);
	-- change reports, their coverage, rejections and platform changes are
	-- the registrar's, the provider's and the auditing body's.  The chain's
	-- checks have the owner's rights and read every event.
	CREATE POLICY staff ON ismap.registry_event FOR SELECT TO ismap_registrar USING (true);
	CREATE POLICY published ON ismap.registry_event FOR SELECT TO ismap_reader, ismap_auditor, ismap_csp, ismap_jobs
		USING (kind = ANY (ARRAY['registered', 'reinstated', 'expired', 'delisted', 'suspended', 'changed']));
	CREATE POLICY own_services ON ismap.registry_event FOR SELECT TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY audited ON ismap.registry_event FOR SELECT TO ismap_auditor
		USING (EXISTS (SELECT 1 FROM ismap.audit a WHERE a.service_id = registry_event.service_id));
	-- a disclosure is its provider's, the registrar's and the auditing
	-- body's until the service is registered, then public (DESIGN 3.9, 3.12)
	CREATE POLICY staff ON ismap.service_disclosure FOR SELECT TO ismap_registrar USING (true);
	CREATE POLICY audited ON ismap.service_disclosure FOR SELECT TO ismap_auditor
		USING (EXISTS (SELECT 1 FROM ismap.audit a WHERE a.service_id = service_disclosure.service_id));
	CREATE POLICY published ON ismap.service_disclosure FOR SELECT TO ismap_reader, ismap_auditor, ismap_csp, ismap_jobs
		USING (EXISTS (SELECT 1 FROM ismap.registration r WHERE r.service_id = service_disclosure.service_id));
	CREATE POLICY own_services_read ON ismap.service_disclosure FOR SELECT TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY own_services ON ismap.service_disclosure FOR INSERT TO ismap_csp
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY own_services_update ON ismap.service_disclosure FOR UPDATE TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user))
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY staff ON ismap.evidence TO ismap_registrar, ismap_jobs USING (true);
	CREATE POLICY own_services ON ismap.evidence TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user))
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
END
$$;
COMMENT ON FUNCTION ismap_internal.create_policies() IS 'superuser: (re)create the row-level policies of the ismap roles (called by create_roles)';

-- ==== create_roles and create_policies as the merge of issues 18, 19, 20, 21 and 22 left them ====
CREATE OR REPLACE FUNCTION ismap.create_roles() RETURNS pg_catalog.text[]
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	made pg_catalog.text[] := '{}';
	r pg_catalog.text;
	f pg_catalog.regprocedure;
	owner pg_catalog.name;
BEGIN
	IF NOT (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = CURRENT_USER) THEN
		RAISE EXCEPTION 'ismap.create_roles() must be run by a superuser' USING ERRCODE = 'insufficient_privilege';
	END IF;
	FOREACH r IN ARRAY ARRAY['ismap_reader', 'ismap_registrar', 'ismap_auditor', 'ismap_csp', 'ismap_jobs', 'ismap_reviewer', 'ismap_agency'] LOOP
		IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r) THEN
			EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN', r);
			made := made || r;
		END IF;
		EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA ismap TO %I', r);
	END LOOP;
	SELECT pg_catalog.pg_get_userbyid(n.nspowner) INTO owner FROM pg_catalog.pg_namespace n WHERE n.nspname = 'ismap';

	-- everyone: the catalogs, the published registry and its reports, the policy
	GRANT SELECT ON ismap.framework, ismap.control, ismap.baseline, ismap.baseline_control,
		ismap.control_mapping, ismap.control_reference, ismap.control_group, ismap.control_param, ismap.policy,
		ismap.service_change, ismap.sla_template,
		ismap.sampling_table, ismap.registry, ismap.registry_listing, ismap.registration, ismap.registry_event, ismap.event_chain_seal,
		ismap.audit_body, ismap.audit_body_selection, ismap.csp, ismap.service, ismap.service_dependency,
		ismap.job, ismap.platform_exemption, ismap.registered_content, ismap.service_disclosure
		TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs, ismap_reviewer, ismap_agency;
	-- the registrar: every table to read; edits the catalogs, the policy,
	-- the parties and the classification; decides through the functions.
	-- Its table-level UPDATE and DELETE let it LOCK these tables in any
	-- mode: it is staff and trusted, as their only editor (docs/security.md,
	-- A2-09); no party holds such a privilege on any table
	GRANT SELECT ON ALL TABLES IN SCHEMA ismap TO ismap_registrar;
	GRANT INSERT, UPDATE, DELETE ON ismap.framework, ismap.control, ismap.baseline, ismap.baseline_control,
		ismap.control_mapping, ismap.control_reference, ismap.control_group, ismap.control_param,
		ismap.sla_template, ismap.sampling_table,
		ismap.audit_body, ismap.auditor, ismap.auditor_qualification, ismap.audit_body_selection,
		ismap.csp, ismap.organization, ismap.information_asset, ismap.information_system, ismap.system_asset,
		ismap.procurement
		TO ismap_registrar;
	GRANT INSERT, UPDATE ON ismap.policy TO ismap_registrar;
	GRANT SELECT ON ismap.organization, ismap.information_asset, ismap.information_system,
		ismap.system_asset TO ismap_reader, ismap_agency;
	-- an auditor: its own body's people and audits; statements, results
	-- and control tests of its own audits while they are open
	GRANT SELECT ON ismap.review_finding TO ismap_auditor, ismap_csp;
	GRANT SELECT ON ismap.remediation TO ismap_csp;
	GRANT SELECT ON ismap.application_timeline TO ismap_auditor, ismap_csp;
	GRANT SELECT ON ismap.auditor, ismap.auditor_qualification, ismap.audit, ismap.application,
		ismap.statement_item, ismap.audit_result, ismap.control_test, ismap.control_test_evaluation TO ismap_auditor;
	-- A table-level UPDATE or DELETE would let a party LOCK the whole table
	-- in any mode and stall every other party (A2-09): the parties get
	-- column-level UPDATE, and delete through ismap.delete_* (0.2.0 granted
	-- the whole tables: taken back first, which takes the columns' too)
	REVOKE UPDATE, DELETE ON ismap.audit_result, ismap.control_test FROM ismap_auditor;
	REVOKE UPDATE, DELETE ON ismap.statement_item FROM ismap_csp;
	REVOKE DELETE ON ismap.service_dependency FROM ismap_csp;
	GRANT INSERT ON ismap.audit_result, ismap.control_test TO ismap_auditor;
	GRANT UPDATE (audit_id, control_id, result, rationale) ON ismap.audit_result TO ismap_auditor;
	GRANT UPDATE (audit_id, control_id, frequency, population, sample_size, deviations, seed)
		ON ismap.control_test TO ismap_auditor;
	-- every column of an audit but its decision date, which only the
	-- decisions write (0.2.0 granted the whole table: taken back first)
	REVOKE INSERT, UPDATE ON ismap.audit FROM ismap_auditor;
	GRANT INSERT (audit_id, service_id, audit_body_id, lead_auditor_id, kind, target_level, framework_id,
				  period_start, period_end, report_date, scope, supersedes_audit_id),
		  UPDATE (service_id, audit_body_id, lead_auditor_id, kind, target_level, framework_id,
				  period_start, period_end, report_date, scope, supersedes_audit_id) ON ismap.audit TO ismap_auditor;
	-- a provider: its own services, platforms, statements and applications
	-- a registered service's scope and models change only through a reported
	-- change and a new audit, and only an audit decides that a platform was
	-- assessed: the provider holds no privilege on those columns
	GRANT INSERT ON ismap.service TO ismap_csp;
	GRANT UPDATE (name, responsibility) ON ismap.service TO ismap_csp;
	GRANT INSERT (service_id, base_service_id) ON ismap.service_dependency TO ismap_csp;
	GRANT INSERT ON ismap.statement_item TO ismap_csp;
	GRANT UPDATE (audit_id, framework_id, control_id, selected, exclusion_reason, responsibility, inherited_from) ON ismap.statement_item TO ismap_csp;
	-- its services' disclosures (no DELETE: A2-09; a missing item is NULL)
	GRANT INSERT (service_id, regions, governing_law, jurisdiction, capital_disclosure, third_party_tests),
		  UPDATE (regions, governing_law, jurisdiction, capital_disclosure, third_party_tests)
		ON ismap.service_disclosure TO ismap_csp;
	GRANT UPDATE (self_assessed_audit_id) ON ismap.service_dependency TO ismap_auditor, ismap_registrar;
	GRANT SELECT, INSERT ON ismap.application TO ismap_csp;
	GRANT UPDATE (status, decided_on, decision_reason) ON ismap.application TO ismap_csp;
	GRANT SELECT ON ismap.audit, ismap.statement_item, ismap.audit_result, ismap.control_test,
		ismap.control_test_evaluation TO ismap_csp;
	GRANT UPDATE (name, address) ON ismap.csp TO ismap_csp;
	-- a provider reports its own services' changes and feeds their evidence
	-- (what was reported: not its coverage, nor the reporting date)
	GRANT SELECT ON ismap.service_change, ismap.evidence TO ismap_csp;
	REVOKE INSERT ON ismap.service_change FROM ismap_csp;
	GRANT INSERT (service_id, kind, effective_on, description, reported_by) ON ismap.service_change TO ismap_csp;
	GRANT INSERT ON ismap.evidence TO ismap_csp;
	GRANT INSERT ON ismap.service_change TO ismap_registrar;
	GRANT USAGE ON ALL SEQUENCES IN SCHEMA ismap TO ismap_registrar, ismap_auditor, ismap_csp;
	GRANT USAGE ON SEQUENCE ismap.procurement_procurement_id_seq TO ismap_agency;
	-- but not the numbers of what only the extension's functions write:
	-- nextval would burn event and registration ids, leaving gaps that
	-- look like deleted rows
	REVOKE USAGE ON SEQUENCE ismap.registry_event_event_id_seq, ismap.registration_registration_id_seq,
		ismap.job_run_run_id_seq, ismap.notice_notice_id_seq, ismap.review_finding_finding_id_seq,
		ismap.remediation_remediation_id_seq FROM ismap_registrar, ismap_auditor, ismap_csp;
	-- an agency (DESIGN 3.14): records what its systems procure; reads the
	-- package (audit, statement, results) of the services they procure.
	-- Granted after the parties: an upgrade then lists each table's
	-- grantees in a fresh install's order
	GRANT SELECT ON ismap.procurement, ismap.audit, ismap.statement_item, ismap.audit_result, ismap.remediation TO ismap_agency;
	GRANT INSERT (system_id, service_id, from_date, until_date, note) ON ismap.procurement TO ismap_agency;
	GRANT UPDATE (until_date, note) ON ismap.procurement TO ismap_agency;
	-- jobs: read what the batch functions read
	-- (the batch functions have the owner's rights; the role itself reads
	-- only its runs and notices, besides what everyone reads)
	GRANT SELECT ON ismap.job_run, ismap.notice, ismap.job_health TO ismap_jobs;
	-- the reviewer (the operations support body, 0.3.0): reads what the
	-- registrar reads; it writes nothing but through the review functions.
	-- Granted last, as an upgrade adds it to the older grants (pg_dump
	-- prints a table's grantees in the order granted)
	GRANT SELECT ON ALL TABLES IN SCHEMA ismap TO ismap_reviewer;

	-- every role may choose the language of its messages (lc_messages is a
	-- superuser setting; the grant reaches the login roles that are members)
	GRANT SET ON PARAMETER lc_messages TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs, ismap_reviewer, ismap_agency;

	-- functions: everything that only reads, to every role; what writes,
	-- to the one role that needs it
	FOR f IN
		SELECT p.oid::pg_catalog.regprocedure FROM pg_catalog.pg_proc p
		JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.objid = p.oid AND d.deptype = 'e'
		JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'ismap'
		WHERE p.pronamespace = 'ismap'::pg_catalog.regnamespace
		  AND p.provolatile IN ('i', 's') AND p.prorettype <> 'pg_catalog.trigger'::pg_catalog.regtype
		  AND NOT p.prosecdef
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs, ismap_reviewer, ismap_agency', f);
	END LOOP;
	FOR f, r IN
		SELECT p.oid::pg_catalog.regprocedure, g.role FROM pg_catalog.pg_proc p
		JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace AND n.nspname = 'ismap'
		-- register is nobody's (DESIGN 3.13): every registration goes
		-- through approve_application
		JOIN (VALUES ('approve_application', 'ismap_registrar'),
					 ('accept_application', 'ismap_reviewer'), ('return_application', 'ismap_reviewer'),
					 ('raise_finding', 'ismap_reviewer'), ('resolve_finding', 'ismap_reviewer'),
					 ('respond_finding', 'ismap_csp'), ('respond_finding', 'ismap_auditor'),
					 ('withdraw_application', 'ismap_csp'),
					 ('plan_remediation', 'ismap_reviewer'), ('plan_remediation', 'ismap_csp'),
					 ('complete_remediation', 'ismap_reviewer'), ('complete_remediation', 'ismap_csp'),
					 ('reject_application', 'ismap_registrar'), ('delist', 'ismap_registrar'),
					 ('principal', 'ismap_registrar'), ('platform_exemption', 'ismap_registrar'), ('import_control_standard_csv', 'ismap_registrar'),
					 ('import_nist_iso27001_mapping', 'ismap_registrar'), ('import_oscal_catalog', 'ismap_registrar'),
					 ('import_oscal_profile', 'ismap_registrar'), ('import_oscal_catalog_json', 'ismap_registrar'),
					 ('import_oscal_profile_json', 'ismap_registrar'), ('import_oscal_assessment_results', 'ismap_auditor'),
					 ('delete_statement_item', 'ismap_csp'), ('delete_service_dependency', 'ismap_csp'),
					 ('delete_audit_result', 'ismap_auditor'), ('delete_control_test', 'ismap_auditor'),
					 ('run_renewals', 'ismap_jobs'), ('expire_audit_body_selections', 'ismap_jobs'),
					 ('cascade_delistings', 'ismap_jobs'), ('run_changes', 'ismap_jobs'),
					 ('job_start', 'ismap_jobs'), ('job_finish', 'ismap_jobs'), ('job_mark_stale', 'ismap_jobs'),
					 ('prune_job_runs', 'ismap_jobs'), ('run_job', 'ismap_jobs'), ('seal_event_chain', 'ismap_jobs'),
					 ('ensure_evidence_partitions', 'ismap_jobs'), ('ensure_evidence_partitions', 'ismap_registrar'),
					 -- owner's rights, for the applications the caller may see
					 ('validate_application', 'ismap_registrar'), ('validate_application', 'ismap_auditor'),
					 ('validate_application', 'ismap_csp'), ('validate_application', 'ismap_jobs'),
					 ('validate_application', 'ismap_reviewer')) g(fn, role)
		  ON g.fn = p.proname
		-- in a fixed order: a function's ACL lists its grantees in the
		-- order granted, and an upgrade must end with a fresh install's
		ORDER BY g.fn, g.role
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO %I', f, r);
	END LOOP;

	-- 0.2.0 let the registrar call register() alone, without validation:
	-- taken back (DESIGN 3.13)
	REVOKE EXECUTE ON FUNCTION ismap.register(pg_catalog.int8, pg_catalog.date) FROM ismap_registrar;

	-- the event chain's checks have the owner's rights (they read every
	-- event, also those row-level security hides from the caller) and tell
	-- only whether the chain holds, which event breaks it, and the head's
	-- hash: every role runs them
	FOR f IN
		SELECT p.oid::pg_catalog.regprocedure FROM pg_catalog.pg_proc p
		WHERE p.pronamespace = 'ismap'::pg_catalog.regnamespace
		  AND p.proname = ANY (ARRAY['verify_event_chain', 'event_chain_full_check', 'event_chain_head'])
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs, ismap_reviewer, ismap_agency', f);
	END LOOP;
	-- what reads tables a role may not read is not granted to it (the
	-- function would only refuse it inside): the change status reads the
	-- applications, the classification the agencies' systems
	REVOKE EXECUTE ON FUNCTION ismap.change_status(pg_catalog.date) FROM ismap_reader, ismap_jobs, ismap_agency;
	REVOKE EXECUTE ON FUNCTION ismap.classification_findings(pg_catalog.int8), ismap.classification_findings_all(pg_catalog.int8),
		ismap.classify_system(pg_catalog.int8), ismap.eligible_services(pg_catalog.int8, pg_catalog.date),
		ismap.required_level(pg_catalog.int8) FROM ismap_auditor, ismap_csp, ismap_jobs;
	-- a control test's items read the test (its provider, its auditor, the
	-- registrar); a control's health the evidence (its provider, the
	-- registrar, the jobs)
	REVOKE EXECUTE ON FUNCTION ismap.control_test_items(pg_catalog.int8, ismap.ctrlid) FROM ismap_reader, ismap_jobs, ismap_agency;
	REVOKE EXECUTE ON FUNCTION ismap.control_health(pg_catalog.int8, pg_catalog.date, pg_catalog.interval) FROM ismap_reader, ismap_auditor, ismap_agency;
	-- the agencies' procurements are the registrar's and each agency's own
	-- (the jobs read them with the owner's rights)
	REVOKE EXECUTE ON FUNCTION ismap.agency_impact(pg_catalog.int8) FROM ismap_reader, ismap_auditor, ismap_csp, ismap_jobs;

	-- the policies' helpers run in the querying role's name: only the roles
	-- whose policies call them get them
	GRANT EXECUTE ON FUNCTION ismap.principal_audit_body(pg_catalog.name), ismap.principal_csp(pg_catalog.name),
		ismap.audit_party(pg_catalog.int8), ismap.service_csp(pg_catalog.int8) TO ismap_auditor, ismap_csp;
	GRANT EXECUTE ON FUNCTION ismap.principal_org(pg_catalog.name),
		ismap.agency_package_audit(pg_catalog.name, pg_catalog.int8) TO ismap_agency;

	-- row-level policies (re-created, so a second run changes nothing)
	PERFORM ismap_internal.create_policies();
	RETURN made;
END
$$;
COMMENT ON FUNCTION ismap.create_roles() IS 'superuser: create the six ismap roles if missing, grant them least privilege and create the row-level policies; idempotent; returns the roles it created';
CREATE OR REPLACE FUNCTION ismap_internal.create_policies() RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	p record;
BEGIN
	FOR p IN
		SELECT pol.polname, c.relname FROM pg_catalog.pg_policy pol
		JOIN pg_catalog.pg_class c ON c.oid = pol.polrelid
		JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'ismap'
	LOOP
		EXECUTE pg_catalog.format('DROP POLICY %I ON ismap.%I', p.polname, p.relname);
	END LOOP;

	-- the owner's SECURITY DEFINER functions and the registrar and jobs see all
	CREATE POLICY staff ON ismap.audit TO ismap_registrar, ismap_reviewer, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.statement_item TO ismap_registrar, ismap_reviewer, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.audit_result TO ismap_registrar, ismap_reviewer, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.control_test TO ismap_registrar, ismap_reviewer, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.application TO ismap_registrar, ismap_reviewer, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.auditor TO ismap_registrar, ismap_reviewer, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.auditor_qualification TO ismap_registrar, ismap_reviewer, ismap_jobs USING (true);
	CREATE POLICY staff ON ismap.principal_binding TO ismap_registrar, ismap_reviewer, ismap_jobs USING (true);
	EXECUTE pg_catalog.format('CREATE POLICY owner ON ismap.statement_item TO %I USING (true)',
		(SELECT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c WHERE c.oid = 'ismap.statement_item'::pg_catalog.regclass));
	EXECUTE pg_catalog.format('CREATE POLICY owner ON ismap.audit_result TO %I USING (true)',
		(SELECT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c WHERE c.oid = 'ismap.audit_result'::pg_catalog.regclass));
	EXECUTE pg_catalog.format('CREATE POLICY owner ON ismap.control_test TO %I USING (true)',
		(SELECT pg_catalog.pg_get_userbyid(c.relowner) FROM pg_catalog.pg_class c WHERE c.oid = 'ismap.control_test'::pg_catalog.regclass));

	-- What is public (docs/security.md): a service once registered (live or
	-- ended), its platforms and its provider.  A service never registered
	-- is seen by the registrar, its own provider and the audit bodies
	-- auditing it (or a service built on it); its provider, until one of its
	-- services is registered, by the registrar and the parties that see one
	-- of them.  The batch jobs (the owner's rights) read what is public.  The
	-- policies of service_dependency name registration and audit, not
	-- service, so that service's may read them without recursion.
	CREATE POLICY staff ON ismap.service FOR SELECT TO ismap_registrar, ismap_reviewer USING (true);
	CREATE POLICY staff ON ismap.service_dependency FOR SELECT TO ismap_registrar, ismap_reviewer USING (true);
	CREATE POLICY registrar ON ismap.csp TO ismap_registrar USING (true);
	CREATE POLICY reviewer ON ismap.csp FOR SELECT TO ismap_reviewer USING (true);
	CREATE POLICY published ON ismap.service FOR SELECT TO ismap_reader, ismap_auditor, ismap_csp, ismap_jobs, ismap_agency
		USING (EXISTS (SELECT 1 FROM ismap.registration r WHERE r.service_id = service.service_id));
	CREATE POLICY published ON ismap.service_dependency FOR SELECT TO ismap_reader, ismap_auditor, ismap_csp, ismap_jobs, ismap_agency
		USING (EXISTS (SELECT 1 FROM ismap.registration r WHERE r.service_id = service_dependency.service_id));
	CREATE POLICY published ON ismap.csp FOR SELECT TO ismap_reader, ismap_auditor, ismap_csp, ismap_jobs, ismap_agency
		USING (EXISTS (SELECT 1 FROM ismap.service s WHERE s.csp_id = csp.csp_id));
	CREATE POLICY own_services_read ON ismap.service FOR SELECT TO ismap_csp
		USING (csp_id = ismap.principal_csp(current_user));
	CREATE POLICY own_services_read ON ismap.service_dependency FOR SELECT TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY own_row_read ON ismap.csp FOR SELECT TO ismap_csp
		USING (csp_id = ismap.principal_csp(current_user));
	CREATE POLICY audited ON ismap.service FOR SELECT TO ismap_auditor
		USING (EXISTS (SELECT 1 FROM ismap.audit a WHERE a.service_id = service.service_id)
			OR EXISTS (SELECT 1 FROM ismap.service_dependency d JOIN ismap.audit a ON a.service_id = d.service_id
					   WHERE d.base_service_id = service.service_id));
	CREATE POLICY audited ON ismap.service_dependency FOR SELECT TO ismap_auditor
		USING (EXISTS (SELECT 1 FROM ismap.audit a WHERE a.service_id = service_dependency.service_id));

	-- an auditor: its own body
	CREATE POLICY own_body ON ismap.auditor TO ismap_auditor
		USING (audit_body_id = ismap.principal_audit_body(current_user));
	CREATE POLICY own_body ON ismap.auditor_qualification FOR SELECT TO ismap_auditor
		USING (EXISTS (SELECT 1 FROM ismap.auditor a WHERE a.auditor_id = auditor_qualification.auditor_id));
	-- an additional audit supersedes only an open audit of its own body
	CREATE POLICY own_body ON ismap.audit TO ismap_auditor
		USING (audit_body_id = ismap.principal_audit_body(current_user))
		WITH CHECK (audit_body_id = ismap.principal_audit_body(current_user)
			AND (SELECT o.open FROM ismap.audit_party(audit_id) o) IS NOT false
			AND (supersedes_audit_id IS NULL
				OR (SELECT o.audit_body_id = ismap.principal_audit_body(current_user) AND o.open
					FROM ismap.audit_party(supersedes_audit_id) o) IS TRUE));
	CREATE POLICY own_body ON ismap.application FOR SELECT TO ismap_auditor
		USING ((SELECT o.audit_body_id FROM ismap.audit_party(audit_id) o) = ismap.principal_audit_body(current_user));
	CREATE POLICY own_open_audit ON ismap.statement_item FOR SELECT TO ismap_auditor
		USING ((SELECT o.audit_body_id = ismap.principal_audit_body(current_user) AND o.open FROM ismap.audit_party(audit_id) o));
	CREATE POLICY own_open_audit ON ismap.audit_result TO ismap_auditor
		USING ((SELECT o.audit_body_id = ismap.principal_audit_body(current_user) AND o.open FROM ismap.audit_party(audit_id) o));
	CREATE POLICY own_open_audit ON ismap.control_test TO ismap_auditor
		USING ((SELECT o.audit_body_id = ismap.principal_audit_body(current_user) AND o.open FROM ismap.audit_party(audit_id) o));

	-- a provider: its own services, platforms, statements, applications;
	-- it reads its own audits' results
	CREATE POLICY own_row ON ismap.csp FOR UPDATE TO ismap_csp
		USING (csp_id = ismap.principal_csp(current_user));
	CREATE POLICY own_services ON ismap.service FOR INSERT TO ismap_csp
		WITH CHECK (csp_id = ismap.principal_csp(current_user));
	CREATE POLICY own_services_update ON ismap.service FOR UPDATE TO ismap_csp
		USING (csp_id = ismap.principal_csp(current_user));
	CREATE POLICY own_services ON ismap.service_dependency FOR INSERT TO ismap_csp
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY own_services_update ON ismap.service_dependency FOR UPDATE TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY own_services_delete ON ismap.service_dependency FOR DELETE TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	-- self_assessed_audit_id, granted to the registrar and the auditors, was
	-- updatable through no policy: their updates changed nothing, silently
	-- (M6).  The registrar records it; an auditor, with an audit of its own
	-- body, on a dependency not already marked by another body's audit
	-- (marking with another body's audit is refused: 42501)
	CREATE POLICY staff_update ON ismap.service_dependency FOR UPDATE TO ismap_registrar USING (true);
	CREATE POLICY own_audit ON ismap.service_dependency FOR UPDATE TO ismap_auditor
		USING (self_assessed_audit_id IS NULL
			OR (SELECT o.audit_body_id FROM ismap.audit_party(self_assessed_audit_id) o) = ismap.principal_audit_body(current_user))
		WITH CHECK (self_assessed_audit_id IS NULL
			OR (SELECT o.audit_body_id FROM ismap.audit_party(self_assessed_audit_id) o) = ismap.principal_audit_body(current_user));
	CREATE POLICY own_audits ON ismap.audit FOR SELECT TO ismap_csp
		USING ((SELECT o.csp_id FROM ismap.audit_party(audit_id) o) = ismap.principal_csp(current_user));
	CREATE POLICY own_open_statement ON ismap.statement_item FOR SELECT TO ismap_csp
		USING ((SELECT o.csp_id = ismap.principal_csp(current_user) FROM ismap.audit_party(audit_id) o));
	-- writes (a DELETE checks USING only) while the audit is open
	CREATE POLICY own_open_statement_write ON ismap.statement_item FOR ALL TO ismap_csp
		USING ((SELECT o.csp_id = ismap.principal_csp(current_user) AND o.open FROM ismap.audit_party(audit_id) o))
		WITH CHECK ((SELECT o.csp_id = ismap.principal_csp(current_user) AND o.open FROM ismap.audit_party(audit_id) o));
	CREATE POLICY own_results ON ismap.audit_result FOR SELECT TO ismap_csp
		USING ((SELECT o.csp_id FROM ismap.audit_party(audit_id) o) = ismap.principal_csp(current_user));
	CREATE POLICY own_tests ON ismap.control_test FOR SELECT TO ismap_csp
		USING ((SELECT o.csp_id FROM ismap.audit_party(audit_id) o) = ismap.principal_csp(current_user));
	CREATE POLICY own_applications ON ismap.application FOR SELECT TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	-- a provider files applications (submitted) and may withdraw them; it
	-- never decides (nor records acknowledgements, approve_application's)
	CREATE POLICY file_own ON ismap.application FOR INSERT TO ismap_csp
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user) AND status = 'submitted'
			AND submitted_on = CURRENT_DATE AND acknowledged IS NULL AND accepted_on IS NULL AND review_started_on IS NULL
			AND (SELECT o.open FROM ismap.audit_party(audit_id) o));
	-- the withdrawal is dated today, by the server's clock (M4)
	CREATE POLICY withdraw_own ON ismap.application FOR UPDATE TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user)
			AND status = ANY (ARRAY['submitted', 'accepted', 'in_review']))
		WITH CHECK (status = 'withdrawn' AND decided_on = CURRENT_DATE);
	-- review findings: the reviewer and the registrar see all; the
	-- provider and the audit body those of the applications they see (both
	-- parties read the whole exchange); everyone writes through the
	-- review functions only
	CREATE POLICY staff ON ismap.review_finding FOR SELECT TO ismap_registrar, ismap_reviewer USING (true);
	CREATE POLICY party ON ismap.review_finding FOR SELECT TO ismap_auditor, ismap_csp
		USING (EXISTS (SELECT 1 FROM ismap.application a WHERE a.application_id = review_finding.application_id));
	-- remediation plans: the reviewer and the registrar; a provider those of
	-- its own registrations; written through the remediation functions only
	CREATE POLICY staff ON ismap.remediation FOR SELECT TO ismap_registrar, ismap_reviewer USING (true);
	CREATE POLICY own_services ON ismap.remediation FOR SELECT TO ismap_csp
		USING (ismap.service_csp((SELECT g.service_id FROM ismap.registration g
								   WHERE g.registration_id = remediation.registration_id)) = ismap.principal_csp(current_user));
	CREATE POLICY own_binding ON ismap.principal_binding FOR SELECT TO ismap_auditor, ismap_csp, ismap_agency
		USING (role_name = current_user);
	-- a change report is its provider's, the registrar's and, for a service
	-- its body audits, an auditor's (DESIGN 3.9: not public)
	CREATE POLICY staff ON ismap.service_change TO ismap_registrar USING (true);
	CREATE POLICY reviewer ON ismap.service_change FOR SELECT TO ismap_reviewer USING (true);
	CREATE POLICY audited ON ismap.service_change FOR SELECT TO ismap_auditor
		USING (EXISTS (SELECT 1 FROM ismap.audit a WHERE a.service_id = service_change.service_id));
	CREATE POLICY own_services ON ismap.service_change TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user))
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	-- the event log: the events of registrations are public (DESIGN 3.9);
	-- change reports, their coverage, rejections and platform changes are
	-- the registrar's, the provider's and the auditing body's.  The chain's
	-- checks have the owner's rights and read every event.
	CREATE POLICY staff ON ismap.registry_event FOR SELECT TO ismap_registrar, ismap_reviewer USING (true);
	CREATE POLICY published ON ismap.registry_event FOR SELECT TO ismap_reader, ismap_auditor, ismap_csp, ismap_jobs, ismap_agency
		USING (kind = ANY (ARRAY['registered', 'reinstated', 'expired', 'delisted', 'suspended', 'changed']));
	CREATE POLICY own_services ON ismap.registry_event FOR SELECT TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY audited ON ismap.registry_event FOR SELECT TO ismap_auditor
		USING (EXISTS (SELECT 1 FROM ismap.audit a WHERE a.service_id = registry_event.service_id));
	-- an agency (DESIGN 3.14): its own systems' procurements; the package
	-- (audit, statement, results) of the services they procure
	CREATE POLICY staff ON ismap.procurement TO ismap_registrar, ismap_reviewer, ismap_jobs USING (true);
	CREATE POLICY own_systems ON ismap.procurement TO ismap_agency
		USING (EXISTS (SELECT 1 FROM ismap.information_system s
					   WHERE s.system_id = procurement.system_id AND s.org_id = ismap.principal_org(current_user)))
		WITH CHECK (EXISTS (SELECT 1 FROM ismap.information_system s
					   WHERE s.system_id = procurement.system_id AND s.org_id = ismap.principal_org(current_user)));
	CREATE POLICY procured ON ismap.audit FOR SELECT TO ismap_agency
		USING (ismap.agency_package_audit(current_user, audit_id));
	CREATE POLICY procured ON ismap.statement_item FOR SELECT TO ismap_agency
		USING (ismap.agency_package_audit(current_user, audit_id));
	CREATE POLICY procured ON ismap.audit_result FOR SELECT TO ismap_agency
		USING (ismap.agency_package_audit(current_user, audit_id));
	-- and the remediation plans of those registrations (the package's POA&M)
	CREATE POLICY procured ON ismap.remediation FOR SELECT TO ismap_agency
		USING (ismap.agency_package_audit(current_user, (SELECT g.audit_id FROM ismap.registration g
														 WHERE g.registration_id = remediation.registration_id)));
	CREATE POLICY staff ON ismap.evidence TO ismap_registrar, ismap_reviewer, ismap_jobs USING (true);
	-- a disclosure is its provider's, the registrar's and the auditing
	-- body's until the service is registered, then public (DESIGN 3.9, 3.12)
	CREATE POLICY staff ON ismap.service_disclosure FOR SELECT TO ismap_registrar, ismap_reviewer USING (true);
	CREATE POLICY audited ON ismap.service_disclosure FOR SELECT TO ismap_auditor
		USING (EXISTS (SELECT 1 FROM ismap.audit a WHERE a.service_id = service_disclosure.service_id));
	CREATE POLICY published ON ismap.service_disclosure FOR SELECT TO ismap_reader, ismap_auditor, ismap_csp, ismap_jobs, ismap_agency
		USING (EXISTS (SELECT 1 FROM ismap.registration r WHERE r.service_id = service_disclosure.service_id));
	CREATE POLICY own_services_read ON ismap.service_disclosure FOR SELECT TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY own_services ON ismap.service_disclosure FOR INSERT TO ismap_csp
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY own_services_update ON ismap.service_disclosure FOR UPDATE TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user))
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
	CREATE POLICY own_services ON ismap.evidence TO ismap_csp
		USING (ismap.service_csp(service_id) = ismap.principal_csp(current_user))
		WITH CHECK (ismap.service_csp(service_id) = ismap.principal_csp(current_user));
END
$$;
COMMENT ON FUNCTION ismap_internal.create_policies() IS 'superuser: (re)create the row-level policies of the ismap roles (called by create_roles)';

-- ==== The registered content carries the registration's program (ISMAP or ISMAP-LIU) ====
CREATE OR REPLACE FUNCTION ismap_internal.registered_content_of(p_registration_ids pg_catalog.int8[])
RETURNS SETOF ismap.registered_content
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT reg.registration_id, reg.registration_number, reg.program, s.service_id, s.name, c.csp_id, c.name,
		   c.corporate_number, reg.level, s.scope, s.delivery_models, s.deployment_models, s.responsibility,
		   COALESCE((SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
					'service_id', d.base_service_id,
					'name', CASE WHEN pn.number IS NOT NULL THEN bs.name END,
					'registration_number', pn.number,
					'self_assessed', d.self_assessed_audit_id IS NOT NULL) ORDER BY d.base_service_id)
				FROM ismap.service_dependency d
				JOIN ismap.service bs ON bs.service_id = d.base_service_id
				LEFT JOIN LATERAL (
					SELECT br.registration_number AS number FROM ismap.registration br
					WHERE br.service_id = d.base_service_id AND br.registered_on <= reg.registered_on
					  AND (br.ended_on IS NULL OR br.ended_on > reg.registered_on)
					ORDER BY br.registered_on DESC, br.registration_id DESC LIMIT 1) pn ON true
				WHERE d.service_id = reg.service_id), '[]'),
		   d.regions, d.governing_law, d.jurisdiction, d.capital_disclosure, d.third_party_tests,
		   a.audit_id, b.audit_body_id, b.name, a.period_start, a.period_end, a.framework_id, f.version,
		   COALESCE((SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
					'control_id', si.control_id::pg_catalog.text,
					'responsibility', si.responsibility,
					'inherited_from', si.inherited_from,
					'platform', CASE WHEN pn.number IS NOT NULL THEN ps.name END,
					'platform_registration_number', pn.number) ORDER BY si.control_id USING OPERATOR(ismap.<))
				FROM ismap.statement_item si
				LEFT JOIN ismap.service ps ON ps.service_id = si.inherited_from
				LEFT JOIN LATERAL (
					SELECT pr.registration_number AS number FROM ismap.registration pr
					WHERE pr.service_id = si.inherited_from AND pr.registered_on <= reg.registered_on
					  AND (pr.ended_on IS NULL OR pr.ended_on > reg.registered_on)
					ORDER BY pr.registered_on DESC, pr.registration_id DESC LIMIT 1) pn ON true
				WHERE si.audit_id = reg.audit_id AND si.selected), '[]'),
		   reg.registered_on, pg_catalog.now(), false
	FROM ismap.registration reg
	JOIN ismap.service s ON s.service_id = reg.service_id
	JOIN ismap.csp c ON c.csp_id = s.csp_id
	JOIN ismap.audit a ON a.audit_id = reg.audit_id
	JOIN ismap.audit_body b ON b.audit_body_id = a.audit_body_id
	JOIN ismap.framework f ON f.framework_id = a.framework_id
	LEFT JOIN ismap.service_disclosure d ON d.service_id = reg.service_id
	WHERE reg.registration_id = ANY (p_registration_ids)
$$;
COMMENT ON FUNCTION ismap_internal.registered_content_of(pg_catalog.int8[]) IS 'the registered content of the registrations named, from the live rows (what the registration trigger and the 0.3.0 back-fill write)';

-- ==== The publication carries the registered content ====
CREATE OR REPLACE FUNCTION ismap.create_publication()
RETURNS TABLE (table_name pg_catalog.regclass, row_filter pg_catalog.text)
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	spec pg_catalog.text;
BEGIN
	IF NOT (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = CURRENT_USER) THEN
		RAISE EXCEPTION 'ismap.create_publication() must be run by a superuser' USING ERRCODE = 'insufficient_privilege';
	END IF;
	CREATE TEMPORARY TABLE ismap_published_tables ON COMMIT DROP AS
	SELECT t.ord, t.rel::pg_catalog.regclass AS rel, t.filter
	FROM (VALUES
		-- the public tables (DESIGN 3.9 / 3.12), in one list
		-- control standards and their mappings
		(1, 'ismap.framework', NULL::pg_catalog.text),
		(2, 'ismap.control', NULL),
		(3, 'ismap.control_group', NULL),
		(4, 'ismap.control_param', NULL),
		(5, 'ismap.control_reference', NULL),
		(6, 'ismap.baseline', NULL),
		(7, 'ismap.baseline_control', NULL),
		(8, 'ismap.control_mapping', NULL),
		-- the scheme's policy
		(9, 'ismap.policy', NULL),
		-- audit bodies and their selections
		(10, 'ismap.audit_body', NULL),
		(11, 'ismap.audit_body_selection', NULL),
		-- registrations and the registry's rows (service, provider, audit body)
		(12, 'ismap.registration', NULL),
		(13, 'ismap.registry_listing', NULL),
		-- the events of registrations only (the reader's policy "published")
		(14, 'ismap.registry_event',
			'kind IN (''registered'', ''reinstated'', ''expired'', ''delisted'', ''suspended'', ''changed'')'),
		-- what was registered (DESIGN 3.12): every row public, never updated
		(15, 'ismap.registered_content', NULL)
	) AS t(ord, rel, filter);

	SELECT pg_catalog.string_agg(pg_catalog.format('TABLE %s', p.rel)
			OPERATOR(pg_catalog.||) COALESCE(' WHERE (' OPERATOR(pg_catalog.||) p.filter OPERATOR(pg_catalog.||) ')', ''),
			', ' ORDER BY p.ord)
	INTO spec FROM pg_temp.ismap_published_tables p;

	IF EXISTS (SELECT 1 FROM pg_catalog.pg_publication WHERE pubname = 'ismap_published') THEN
		-- put it back as shipped: exactly these tables, every operation
		EXECUTE 'ALTER PUBLICATION ismap_published SET ' OPERATOR(pg_catalog.||) spec;
		ALTER PUBLICATION ismap_published SET (publish = 'insert, update, delete, truncate', publish_via_partition_root = false);
	ELSE
		EXECUTE 'CREATE PUBLICATION ismap_published FOR ' OPERATOR(pg_catalog.||) spec;
	END IF;

	RETURN QUERY SELECT p.rel, p.filter FROM pg_temp.ismap_published_tables p ORDER BY p.ord;
	DROP TABLE pg_temp.ismap_published_tables;
END
$$;
COMMENT ON FUNCTION ismap.create_publication() IS 'superuser: create (or put back as shipped) the publication ismap_published of the public tables, for a public replica by logical replication; returns its tables and row filters';

-- ==== OSCAL POA&M export (issue 21); create_roles grants it to the roles that read remediation ====
CREATE OR REPLACE FUNCTION ismap.export_oscal_poam(service_id pg_catalog.int8)
RETURNS pg_catalog.jsonb
LANGUAGE plpgsql STABLE PARALLEL SAFE SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	svc ismap.service;
	cur ismap.registration;
	latest ismap.registration;
	items pg_catalog.jsonb;
	risks pg_catalog.jsonb;
	modified pg_catalog.date;
	doc_hash pg_catalog.text;
BEGIN
	IF export_oscal_poam.service_id IS NULL THEN
		RAISE EXCEPTION 'service must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	SELECT * INTO svc FROM ismap.service s WHERE s.service_id = export_oscal_poam.service_id;
	IF svc.service_id IS NULL THEN
		RAISE EXCEPTION 'service % does not exist', export_oscal_poam.service_id USING ERRCODE = 'undefined_object';
	END IF;
	SELECT * INTO cur FROM ismap.registration g
	WHERE g.service_id = svc.service_id AND g.status = ANY (ARRAY['active', 'suspended']);
	SELECT * INTO latest FROM ismap.registration g
	WHERE g.service_id = svc.service_id ORDER BY g.registered_on DESC, g.registration_id DESC LIMIT 1;

	WITH open_plans AS (
		SELECT m.remediation_id, m.control_id, m.description, m.due_on, m.status, m.planned_on, m.planned_by,
			g.registration_number, c.title AS control_title
		FROM ismap.remediation m
		JOIN ismap.registration g ON g.registration_id = m.registration_id
		LEFT JOIN ismap.audit a ON a.audit_id = g.audit_id
		LEFT JOIN ismap.control c ON c.framework_id = a.framework_id AND c.control_id OPERATOR(ismap.=) m.control_id
		WHERE g.service_id = svc.service_id AND m.status = ANY (ARRAY['open', 'overdue'])
	),
	-- the effective result per control of the current registration: an
	-- additional audit's replaces the audit's for the controls it covers
	results AS (
		SELECT DISTINCT ON (r.control_id) r.control_id, r.result, r.rationale, a.audit_id, a.framework_id
		FROM ismap.audit a
		JOIN ismap.audit_result r ON r.audit_id = a.audit_id
		WHERE a.audit_id = cur.audit_id OR a.supersedes_audit_id = cur.audit_id
		ORDER BY r.control_id, (a.audit_id = cur.audit_id), a.audit_id DESC
	),
	unplanned AS (
		SELECT r.control_id, r.result, r.rationale, r.audit_id, c.title AS control_title
		FROM results r
		LEFT JOIN ismap.control c ON c.framework_id = r.framework_id AND c.control_id OPERATOR(ismap.=) r.control_id
		WHERE r.result <> 'effective'
		  AND NOT EXISTS (SELECT 1 FROM ismap.remediation m
						  WHERE m.registration_id = cur.registration_id AND m.control_id OPERATOR(ismap.=) r.control_id)
	),
	entries AS (
		SELECT 'remediation:' || p.remediation_id AS key, p.control_id, p.control_title, p.registration_number,
			pg_catalog.btrim(p.description) AS statement,
			pg_catalog.format('Remediation plan %s of registration %s, planned on %s by %s, due on %s: %s.',
				p.remediation_id, p.registration_number, pg_catalog.to_char(p.planned_on, 'YYYY-MM-DD'), p.planned_by,
				pg_catalog.to_char(p.due_on, 'YYYY-MM-DD'), p.status) AS description,
			'remediating' AS risk_status, p.due_on, p.status AS item_status, p.planned_on AS dated,
			1 AS kind, p.remediation_id AS ord
		FROM open_plans p
		UNION ALL
		SELECT 'finding:' || cur.registration_id || ':' || u.control_id::pg_catalog.text, u.control_id, u.control_title,
			cur.registration_number,
			COALESCE(NULLIF(pg_catalog.btrim(u.rationale), ''),
				pg_catalog.format('The audit found control %s %s.', u.control_id,
					CASE u.result WHEN 'ineffective' THEN 'ineffective' ELSE 'not tested' END)),
			pg_catalog.format('Control %s of registration %s: the audit %s found it %s; no remediation is planned yet.',
				u.control_id, cur.registration_number, u.audit_id,
				CASE u.result WHEN 'ineffective' THEN 'ineffective' ELSE 'not tested' END),
			'open', NULL, 'unplanned', cur.registered_on, 2, 0
		FROM unplanned u
	),
	numbered AS (
		SELECT e.*, (substr(h.item, 1, 8) || '-' || substr(h.item, 9, 4) || '-4' || substr(h.item, 14, 3) || '-' || substr('89ab89ab89ab89ab', strpos('0123456789abcdef', substr(h.item, 17, 1)), 1) || substr(h.item, 18, 3) || '-' || substr(h.item, 21, 12)) AS item_uuid,
			(substr(h.risk, 1, 8) || '-' || substr(h.risk, 9, 4) || '-4' || substr(h.risk, 14, 3) || '-' || substr('89ab89ab89ab89ab', strpos('0123456789abcdef', substr(h.risk, 17, 1)), 1) || substr(h.risk, 18, 3) || '-' || substr(h.risk, 21, 12)) AS risk_uuid,
			pg_catalog.btrim(e.control_id::pg_catalog.text || ' ' || COALESCE(CASE
				WHEN pg_catalog.length(t.short) <= 80 THEN t.short
				-- a long title is cut at a word boundary
				ELSE pg_catalog.regexp_replace(pg_catalog.left(t.short, 80), '\s+\S*$', '') || '…' END, '')) AS title
		FROM entries e
		CROSS JOIN LATERAL (SELECT pg_catalog.regexp_replace(pg_catalog.btrim(e.control_title), '\s+', ' ', 'g') AS short) t
		CROSS JOIN LATERAL (SELECT pg_catalog.md5('pg-ismap:poam-item:' || e.key) AS item,
			pg_catalog.md5('pg-ismap:risk:' || e.key) AS risk) h
	)
	SELECT
		pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
			'uuid', n.item_uuid, 'title', n.title, 'description', n.description,
			'related-risks', pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object('risk-uuid', n.risk_uuid)),
			'remarks', pg_catalog.format('registration: %s; status: %s%s', n.registration_number, n.item_status,
				CASE WHEN n.due_on IS NOT NULL THEN '; due on: ' || pg_catalog.to_char(n.due_on, 'YYYY-MM-DD') END))
			ORDER BY n.kind, n.ord, n.control_id),
		pg_catalog.jsonb_agg(pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
			'uuid', n.risk_uuid, 'title', n.title, 'description', n.description, 'statement', n.statement,
			'status', n.risk_status,
			'deadline', pg_catalog.to_char(n.due_on, 'YYYY-MM-DD') || 'T23:59:59+09:00'))
			ORDER BY n.kind, n.ord, n.control_id),
		pg_catalog.max(n.dated)
	INTO items, risks, modified
	FROM numbered n;

	-- an OSCAL POA&M has at least one item: with nothing open there is no
	-- document to write (also for a service whose plans the caller may not see)
	IF items IS NULL THEN
		RAISE EXCEPTION 'service % has no open remediation and no control found not effective that the caller may see', svc.service_id
			USING ERRCODE = 'no_data_found',
				  HINT = 'An OSCAL plan of action and milestones needs at least one item.';
	END IF;
	doc_hash := pg_catalog.md5('pg-ismap:poam:' || svc.service_id || ':' || items::pg_catalog.text || risks::pg_catalog.text);
	modified := GREATEST(modified, cur.registered_on, latest.registered_on);
	RETURN pg_catalog.jsonb_build_object('plan-of-action-and-milestones', pg_catalog.jsonb_build_object(
		'uuid', (substr(doc_hash, 1, 8) || '-' || substr(doc_hash, 9, 4) || '-4' || substr(doc_hash, 14, 3) || '-' || substr('89ab89ab89ab89ab', strpos('0123456789abcdef', substr(doc_hash, 17, 1)), 1) || substr(doc_hash, 18, 3) || '-' || substr(doc_hash, 21, 12)),
		'metadata', pg_catalog.jsonb_build_object(
			'title', pg_catalog.format('Plan of action and milestones: %s', pg_catalog.btrim(svc.name)),
			'last-modified', pg_catalog.to_char(modified, 'YYYY-MM-DD') || 'T00:00:00+09:00',
			'version', pg_catalog.to_char(modified, 'YYYY-MM-DD'),
			'oscal-version', '1.0.4',
			'document-ids', pg_catalog.jsonb_build_array(pg_catalog.jsonb_build_object(
				'identifier', 'urn:pg-ismap:service:' || svc.service_id))),
		'system-id', pg_catalog.jsonb_build_object('id', COALESCE(cur.registration_number, latest.registration_number)),
		'risks', risks,
		'poam-items', items));
END
$$;
COMMENT ON FUNCTION ismap.export_oscal_poam(pg_catalog.int8) IS 'registrar, reviewer, or the service''s provider: the open and overdue remediation of the service, and the controls its current registration''s audit found not effective without a plan, as an OSCAL 1.0.4 plan of action and milestones (JSON); the caller''s rights; 42704 for a service the caller cannot see, P0002 when there is nothing to write';
REVOKE ALL ON FUNCTION ismap.export_oscal_poam(pg_catalog.int8) FROM PUBLIC;
CREATE OR REPLACE FUNCTION ismap.create_roles() RETURNS pg_catalog.text[]
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	made pg_catalog.text[] := '{}';
	r pg_catalog.text;
	f pg_catalog.regprocedure;
	owner pg_catalog.name;
BEGIN
	IF NOT (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = CURRENT_USER) THEN
		RAISE EXCEPTION 'ismap.create_roles() must be run by a superuser' USING ERRCODE = 'insufficient_privilege';
	END IF;
	FOREACH r IN ARRAY ARRAY['ismap_reader', 'ismap_registrar', 'ismap_auditor', 'ismap_csp', 'ismap_jobs', 'ismap_reviewer'] LOOP
		IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r) THEN
			EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN', r);
			made := made || r;
		END IF;
		EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA ismap TO %I', r);
	END LOOP;
	SELECT pg_catalog.pg_get_userbyid(n.nspowner) INTO owner FROM pg_catalog.pg_namespace n WHERE n.nspname = 'ismap';

	-- everyone: the catalogs, the published registry and its reports, the policy
	GRANT SELECT ON ismap.framework, ismap.control, ismap.baseline, ismap.baseline_control,
		ismap.control_mapping, ismap.control_reference, ismap.control_group, ismap.control_param, ismap.policy,
		ismap.service_change, ismap.sla_template,
		ismap.sampling_table, ismap.registry, ismap.registry_listing, ismap.registration, ismap.registry_event, ismap.event_chain_seal,
		ismap.audit_body, ismap.audit_body_selection, ismap.csp, ismap.service, ismap.service_dependency,
		ismap.job
		TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs, ismap_reviewer;
	-- the registrar: every table to read; edits the catalogs, the policy,
	-- the parties and the classification; decides through the functions.
	-- Its table-level UPDATE and DELETE let it LOCK these tables in any
	-- mode: it is staff and trusted, as their only editor (docs/security.md,
	-- A2-09); no party holds such a privilege on any table
	GRANT SELECT ON ALL TABLES IN SCHEMA ismap TO ismap_registrar;
	GRANT INSERT, UPDATE, DELETE ON ismap.framework, ismap.control, ismap.baseline, ismap.baseline_control,
		ismap.control_mapping, ismap.control_reference, ismap.control_group, ismap.control_param,
		ismap.sla_template, ismap.sampling_table,
		ismap.audit_body, ismap.auditor, ismap.auditor_qualification, ismap.audit_body_selection,
		ismap.csp, ismap.organization, ismap.information_asset, ismap.information_system, ismap.system_asset
		TO ismap_registrar;
	GRANT INSERT, UPDATE ON ismap.policy TO ismap_registrar;
	GRANT SELECT ON ismap.organization, ismap.information_asset, ismap.information_system,
		ismap.system_asset TO ismap_reader;
	-- an auditor: its own body's people and audits; statements, results
	-- and control tests of its own audits while they are open
	GRANT SELECT ON ismap.review_finding TO ismap_auditor, ismap_csp;
	GRANT SELECT ON ismap.remediation TO ismap_csp;
	GRANT SELECT ON ismap.application_timeline TO ismap_auditor, ismap_csp;
	GRANT SELECT ON ismap.auditor, ismap.auditor_qualification, ismap.audit, ismap.application,
		ismap.statement_item, ismap.audit_result, ismap.control_test, ismap.control_test_evaluation TO ismap_auditor;
	-- A table-level UPDATE or DELETE would let a party LOCK the whole table
	-- in any mode and stall every other party (A2-09): the parties get
	-- column-level UPDATE, and delete through ismap.delete_* (0.2.0 granted
	-- the whole tables: taken back first, which takes the columns' too)
	REVOKE UPDATE, DELETE ON ismap.audit_result, ismap.control_test FROM ismap_auditor;
	REVOKE UPDATE, DELETE ON ismap.statement_item FROM ismap_csp;
	REVOKE DELETE ON ismap.service_dependency FROM ismap_csp;
	GRANT INSERT ON ismap.audit_result, ismap.control_test TO ismap_auditor;
	GRANT UPDATE (audit_id, control_id, result, rationale) ON ismap.audit_result TO ismap_auditor;
	GRANT UPDATE (audit_id, control_id, frequency, population, sample_size, deviations, seed)
		ON ismap.control_test TO ismap_auditor;
	-- every column of an audit but its decision date, which only the
	-- decisions write (0.2.0 granted the whole table: taken back first)
	REVOKE INSERT, UPDATE ON ismap.audit FROM ismap_auditor;
	GRANT INSERT (audit_id, service_id, audit_body_id, lead_auditor_id, kind, target_level, framework_id,
				  period_start, period_end, report_date, scope, supersedes_audit_id),
		  UPDATE (service_id, audit_body_id, lead_auditor_id, kind, target_level, framework_id,
				  period_start, period_end, report_date, scope, supersedes_audit_id) ON ismap.audit TO ismap_auditor;
	-- a provider: its own services, platforms, statements and applications
	-- a registered service's scope and models change only through a reported
	-- change and a new audit, and only an audit decides that a platform was
	-- assessed: the provider holds no privilege on those columns
	GRANT INSERT ON ismap.service TO ismap_csp;
	GRANT UPDATE (name, responsibility) ON ismap.service TO ismap_csp;
	GRANT INSERT (service_id, base_service_id) ON ismap.service_dependency TO ismap_csp;
	GRANT INSERT ON ismap.statement_item TO ismap_csp;
	GRANT UPDATE (audit_id, framework_id, control_id, selected, exclusion_reason) ON ismap.statement_item TO ismap_csp;
	GRANT UPDATE (self_assessed_audit_id) ON ismap.service_dependency TO ismap_auditor, ismap_registrar;
	GRANT SELECT, INSERT ON ismap.application TO ismap_csp;
	GRANT UPDATE (status, decided_on, decision_reason) ON ismap.application TO ismap_csp;
	GRANT SELECT ON ismap.audit, ismap.statement_item, ismap.audit_result, ismap.control_test,
		ismap.control_test_evaluation TO ismap_csp;
	GRANT UPDATE (name, address) ON ismap.csp TO ismap_csp;
	-- a provider reports its own services' changes and feeds their evidence
	-- (what was reported: not its coverage, nor the reporting date)
	GRANT SELECT ON ismap.service_change, ismap.evidence TO ismap_csp;
	REVOKE INSERT ON ismap.service_change FROM ismap_csp;
	GRANT INSERT (service_id, kind, effective_on, description, reported_by) ON ismap.service_change TO ismap_csp;
	GRANT INSERT ON ismap.evidence TO ismap_csp;
	GRANT INSERT ON ismap.service_change TO ismap_registrar;
	GRANT USAGE ON ALL SEQUENCES IN SCHEMA ismap TO ismap_registrar, ismap_auditor, ismap_csp;
	-- but not the numbers of what only the extension's functions write:
	-- nextval would burn event and registration ids, leaving gaps that
	-- look like deleted rows
	REVOKE USAGE ON SEQUENCE ismap.registry_event_event_id_seq, ismap.registration_registration_id_seq,
		ismap.job_run_run_id_seq, ismap.notice_notice_id_seq, ismap.review_finding_finding_id_seq,
		ismap.remediation_remediation_id_seq FROM ismap_registrar, ismap_auditor, ismap_csp;
	-- jobs: read what the batch functions read
	-- (the batch functions have the owner's rights; the role itself reads
	-- only its runs and notices, besides what everyone reads)
	GRANT SELECT ON ismap.job_run, ismap.notice, ismap.job_health TO ismap_jobs;
	-- the reviewer (the operations support body, 0.3.0): reads what the
	-- registrar reads; it writes nothing but through the review functions.
	-- Granted last, as an upgrade adds it to the older grants (pg_dump
	-- prints a table's grantees in the order granted)
	GRANT SELECT ON ALL TABLES IN SCHEMA ismap TO ismap_reviewer;

	-- functions: everything that only reads, to every role; what writes,
	-- to the one role that needs it
	FOR f IN
		SELECT p.oid::pg_catalog.regprocedure FROM pg_catalog.pg_proc p
		JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.objid = p.oid AND d.deptype = 'e'
		JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'ismap'
		WHERE p.pronamespace = 'ismap'::pg_catalog.regnamespace
		  AND p.provolatile IN ('i', 's') AND p.prorettype <> 'pg_catalog.trigger'::pg_catalog.regtype
		  AND NOT p.prosecdef
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs, ismap_reviewer', f);
	END LOOP;
	FOR f, r IN
		SELECT p.oid::pg_catalog.regprocedure, g.role FROM pg_catalog.pg_proc p
		JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace AND n.nspname = 'ismap'
		-- register is nobody's (DESIGN 3.13): every registration goes
		-- through approve_application
		JOIN (VALUES ('approve_application', 'ismap_registrar'),
					 ('accept_application', 'ismap_reviewer'), ('return_application', 'ismap_reviewer'),
					 ('raise_finding', 'ismap_reviewer'), ('resolve_finding', 'ismap_reviewer'),
					 ('respond_finding', 'ismap_csp'), ('respond_finding', 'ismap_auditor'),
					 ('withdraw_application', 'ismap_csp'),
					 ('plan_remediation', 'ismap_reviewer'), ('plan_remediation', 'ismap_csp'),
					 ('complete_remediation', 'ismap_reviewer'), ('complete_remediation', 'ismap_csp'),
					 ('reject_application', 'ismap_registrar'), ('delist', 'ismap_registrar'),
					 ('principal', 'ismap_registrar'), ('import_control_standard_csv', 'ismap_registrar'),
					 ('import_nist_iso27001_mapping', 'ismap_registrar'), ('import_oscal_catalog', 'ismap_registrar'),
					 ('import_oscal_profile', 'ismap_registrar'),
					 ('delete_statement_item', 'ismap_csp'), ('delete_service_dependency', 'ismap_csp'),
					 ('delete_audit_result', 'ismap_auditor'), ('delete_control_test', 'ismap_auditor'),
					 ('run_renewals', 'ismap_jobs'), ('expire_audit_body_selections', 'ismap_jobs'),
					 ('cascade_delistings', 'ismap_jobs'), ('run_changes', 'ismap_jobs'),
					 ('job_start', 'ismap_jobs'), ('job_finish', 'ismap_jobs'), ('job_mark_stale', 'ismap_jobs'),
					 ('prune_job_runs', 'ismap_jobs'), ('run_job', 'ismap_jobs'), ('seal_event_chain', 'ismap_jobs'),
					 ('ensure_evidence_partitions', 'ismap_jobs'), ('ensure_evidence_partitions', 'ismap_registrar'),
					 -- owner's rights, for the applications the caller may see
					 ('validate_application', 'ismap_registrar'), ('validate_application', 'ismap_auditor'),
					 ('validate_application', 'ismap_csp'), ('validate_application', 'ismap_jobs'),
					 ('validate_application', 'ismap_reviewer')) g(fn, role)
		  ON g.fn = p.proname
		-- in a fixed order: a function's ACL lists its grantees in the
		-- order granted, and an upgrade must end with a fresh install's
		ORDER BY g.fn, g.role
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO %I', f, r);
	END LOOP;

	-- 0.2.0 let the registrar call register() alone, without validation:
	-- taken back (DESIGN 3.13)
	REVOKE EXECUTE ON FUNCTION ismap.register(pg_catalog.int8, pg_catalog.date) FROM ismap_registrar;

	-- the event chain's checks have the owner's rights (they read every
	-- event, also those row-level security hides from the caller) and tell
	-- only whether the chain holds, which event breaks it, and the head's
	-- hash: every role runs them
	FOR f IN
		SELECT p.oid::pg_catalog.regprocedure FROM pg_catalog.pg_proc p
		WHERE p.pronamespace = 'ismap'::pg_catalog.regnamespace
		  AND p.proname = ANY (ARRAY['verify_event_chain', 'event_chain_full_check', 'event_chain_head'])
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs, ismap_reviewer', f);
	END LOOP;
	-- what reads tables a role may not read is not granted to it (the
	-- function would only refuse it inside): the change status reads the
	-- applications, the classification the agencies' systems
	REVOKE EXECUTE ON FUNCTION ismap.change_status(pg_catalog.date) FROM ismap_reader, ismap_jobs;
	REVOKE EXECUTE ON FUNCTION ismap.classification_findings(pg_catalog.int8), ismap.classification_findings_all(pg_catalog.int8),
		ismap.classify_system(pg_catalog.int8), ismap.eligible_services(pg_catalog.int8, pg_catalog.date),
		ismap.required_level(pg_catalog.int8) FROM ismap_auditor, ismap_csp, ismap_jobs;
	-- a control test's items read the test (its provider, its auditor, the
	-- registrar); a control's health the evidence (its provider, the
	-- registrar, the jobs)
	REVOKE EXECUTE ON FUNCTION ismap.control_test_items(pg_catalog.int8, ismap.ctrlid) FROM ismap_reader, ismap_jobs;
	REVOKE EXECUTE ON FUNCTION ismap.control_health(pg_catalog.int8, pg_catalog.date, pg_catalog.interval) FROM ismap_reader, ismap_auditor;
	-- the POA&M export reads remediation plans (never public): the
	-- registrar, the reviewer and providers (their own, by row-level security)
	REVOKE EXECUTE ON FUNCTION ismap.export_oscal_poam(pg_catalog.int8) FROM ismap_reader, ismap_auditor, ismap_jobs;

	-- the policies' helpers run in the querying role's name: only the roles
	-- whose policies call them get them
	GRANT EXECUTE ON FUNCTION ismap.principal_audit_body(pg_catalog.name), ismap.principal_csp(pg_catalog.name),
		ismap.audit_party(pg_catalog.int8), ismap.service_csp(pg_catalog.int8) TO ismap_auditor, ismap_csp;

	-- row-level policies (re-created, so a second run changes nothing)
	PERFORM ismap_internal.create_policies();
	RETURN made;
END
$$;
COMMENT ON FUNCTION ismap.create_roles() IS 'superuser: create the six ismap roles if missing, grant them least privilege and create the row-level policies; idempotent; returns the roles it created';

-- ==== create_roles: the POA&M export to the registrar, the reviewer, providers and agencies ====
CREATE OR REPLACE FUNCTION ismap.create_roles() RETURNS pg_catalog.text[]
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	made pg_catalog.text[] := '{}';
	r pg_catalog.text;
	f pg_catalog.regprocedure;
	owner pg_catalog.name;
BEGIN
	IF NOT (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = CURRENT_USER) THEN
		RAISE EXCEPTION 'ismap.create_roles() must be run by a superuser' USING ERRCODE = 'insufficient_privilege';
	END IF;
	FOREACH r IN ARRAY ARRAY['ismap_reader', 'ismap_registrar', 'ismap_auditor', 'ismap_csp', 'ismap_jobs', 'ismap_reviewer', 'ismap_agency'] LOOP
		IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r) THEN
			EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN', r);
			made := made || r;
		END IF;
		EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA ismap TO %I', r);
	END LOOP;
	SELECT pg_catalog.pg_get_userbyid(n.nspowner) INTO owner FROM pg_catalog.pg_namespace n WHERE n.nspname = 'ismap';

	-- everyone: the catalogs, the published registry and its reports, the policy
	GRANT SELECT ON ismap.framework, ismap.control, ismap.baseline, ismap.baseline_control,
		ismap.control_mapping, ismap.control_reference, ismap.control_group, ismap.control_param, ismap.policy,
		ismap.service_change, ismap.sla_template,
		ismap.sampling_table, ismap.registry, ismap.registry_listing, ismap.registration, ismap.registry_event, ismap.event_chain_seal,
		ismap.audit_body, ismap.audit_body_selection, ismap.csp, ismap.service, ismap.service_dependency,
		ismap.job, ismap.platform_exemption, ismap.registered_content, ismap.service_disclosure
		TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs, ismap_reviewer, ismap_agency;
	-- the registrar: every table to read; edits the catalogs, the policy,
	-- the parties and the classification; decides through the functions.
	-- Its table-level UPDATE and DELETE let it LOCK these tables in any
	-- mode: it is staff and trusted, as their only editor (docs/security.md,
	-- A2-09); no party holds such a privilege on any table
	GRANT SELECT ON ALL TABLES IN SCHEMA ismap TO ismap_registrar;
	GRANT INSERT, UPDATE, DELETE ON ismap.framework, ismap.control, ismap.baseline, ismap.baseline_control,
		ismap.control_mapping, ismap.control_reference, ismap.control_group, ismap.control_param,
		ismap.sla_template, ismap.sampling_table,
		ismap.audit_body, ismap.auditor, ismap.auditor_qualification, ismap.audit_body_selection,
		ismap.csp, ismap.organization, ismap.information_asset, ismap.information_system, ismap.system_asset,
		ismap.procurement
		TO ismap_registrar;
	GRANT INSERT, UPDATE ON ismap.policy TO ismap_registrar;
	GRANT SELECT ON ismap.organization, ismap.information_asset, ismap.information_system,
		ismap.system_asset TO ismap_reader, ismap_agency;
	-- an auditor: its own body's people and audits; statements, results
	-- and control tests of its own audits while they are open
	GRANT SELECT ON ismap.review_finding TO ismap_auditor, ismap_csp;
	GRANT SELECT ON ismap.remediation TO ismap_csp;
	GRANT SELECT ON ismap.application_timeline TO ismap_auditor, ismap_csp;
	GRANT SELECT ON ismap.auditor, ismap.auditor_qualification, ismap.audit, ismap.application,
		ismap.statement_item, ismap.audit_result, ismap.control_test, ismap.control_test_evaluation TO ismap_auditor;
	-- A table-level UPDATE or DELETE would let a party LOCK the whole table
	-- in any mode and stall every other party (A2-09): the parties get
	-- column-level UPDATE, and delete through ismap.delete_* (0.2.0 granted
	-- the whole tables: taken back first, which takes the columns' too)
	REVOKE UPDATE, DELETE ON ismap.audit_result, ismap.control_test FROM ismap_auditor;
	REVOKE UPDATE, DELETE ON ismap.statement_item FROM ismap_csp;
	REVOKE DELETE ON ismap.service_dependency FROM ismap_csp;
	GRANT INSERT ON ismap.audit_result, ismap.control_test TO ismap_auditor;
	GRANT UPDATE (audit_id, control_id, result, rationale) ON ismap.audit_result TO ismap_auditor;
	GRANT UPDATE (audit_id, control_id, frequency, population, sample_size, deviations, seed)
		ON ismap.control_test TO ismap_auditor;
	-- every column of an audit but its decision date, which only the
	-- decisions write (0.2.0 granted the whole table: taken back first)
	REVOKE INSERT, UPDATE ON ismap.audit FROM ismap_auditor;
	GRANT INSERT (audit_id, service_id, audit_body_id, lead_auditor_id, kind, target_level, framework_id,
				  period_start, period_end, report_date, scope, supersedes_audit_id),
		  UPDATE (service_id, audit_body_id, lead_auditor_id, kind, target_level, framework_id,
				  period_start, period_end, report_date, scope, supersedes_audit_id) ON ismap.audit TO ismap_auditor;
	-- a provider: its own services, platforms, statements and applications
	-- a registered service's scope and models change only through a reported
	-- change and a new audit, and only an audit decides that a platform was
	-- assessed: the provider holds no privilege on those columns
	GRANT INSERT ON ismap.service TO ismap_csp;
	GRANT UPDATE (name, responsibility) ON ismap.service TO ismap_csp;
	GRANT INSERT (service_id, base_service_id) ON ismap.service_dependency TO ismap_csp;
	GRANT INSERT ON ismap.statement_item TO ismap_csp;
	GRANT UPDATE (audit_id, framework_id, control_id, selected, exclusion_reason, responsibility, inherited_from) ON ismap.statement_item TO ismap_csp;
	-- its services' disclosures (no DELETE: A2-09; a missing item is NULL)
	GRANT INSERT (service_id, regions, governing_law, jurisdiction, capital_disclosure, third_party_tests),
		  UPDATE (regions, governing_law, jurisdiction, capital_disclosure, third_party_tests)
		ON ismap.service_disclosure TO ismap_csp;
	GRANT UPDATE (self_assessed_audit_id) ON ismap.service_dependency TO ismap_auditor, ismap_registrar;
	GRANT SELECT, INSERT ON ismap.application TO ismap_csp;
	GRANT UPDATE (status, decided_on, decision_reason) ON ismap.application TO ismap_csp;
	GRANT SELECT ON ismap.audit, ismap.statement_item, ismap.audit_result, ismap.control_test,
		ismap.control_test_evaluation TO ismap_csp;
	GRANT UPDATE (name, address) ON ismap.csp TO ismap_csp;
	-- a provider reports its own services' changes and feeds their evidence
	-- (what was reported: not its coverage, nor the reporting date)
	GRANT SELECT ON ismap.service_change, ismap.evidence TO ismap_csp;
	REVOKE INSERT ON ismap.service_change FROM ismap_csp;
	GRANT INSERT (service_id, kind, effective_on, description, reported_by) ON ismap.service_change TO ismap_csp;
	GRANT INSERT ON ismap.evidence TO ismap_csp;
	GRANT INSERT ON ismap.service_change TO ismap_registrar;
	GRANT USAGE ON ALL SEQUENCES IN SCHEMA ismap TO ismap_registrar, ismap_auditor, ismap_csp;
	GRANT USAGE ON SEQUENCE ismap.procurement_procurement_id_seq TO ismap_agency;
	-- but not the numbers of what only the extension's functions write:
	-- nextval would burn event and registration ids, leaving gaps that
	-- look like deleted rows
	REVOKE USAGE ON SEQUENCE ismap.registry_event_event_id_seq, ismap.registration_registration_id_seq,
		ismap.job_run_run_id_seq, ismap.notice_notice_id_seq, ismap.review_finding_finding_id_seq,
		ismap.remediation_remediation_id_seq FROM ismap_registrar, ismap_auditor, ismap_csp;
	-- an agency (DESIGN 3.14): records what its systems procure; reads the
	-- package (audit, statement, results) of the services they procure.
	-- Granted after the parties: an upgrade then lists each table's
	-- grantees in a fresh install's order
	GRANT SELECT ON ismap.procurement, ismap.audit, ismap.statement_item, ismap.audit_result, ismap.remediation TO ismap_agency;
	GRANT INSERT (system_id, service_id, from_date, until_date, note) ON ismap.procurement TO ismap_agency;
	GRANT UPDATE (until_date, note) ON ismap.procurement TO ismap_agency;
	-- jobs: read what the batch functions read
	-- (the batch functions have the owner's rights; the role itself reads
	-- only its runs and notices, besides what everyone reads)
	GRANT SELECT ON ismap.job_run, ismap.notice, ismap.job_health TO ismap_jobs;
	-- the reviewer (the operations support body, 0.3.0): reads what the
	-- registrar reads; it writes nothing but through the review functions.
	-- Granted last, as an upgrade adds it to the older grants (pg_dump
	-- prints a table's grantees in the order granted)
	GRANT SELECT ON ALL TABLES IN SCHEMA ismap TO ismap_reviewer;

	-- every role may choose the language of its messages (lc_messages is a
	-- superuser setting; the grant reaches the login roles that are members)
	GRANT SET ON PARAMETER lc_messages TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs, ismap_reviewer, ismap_agency;

	-- functions: everything that only reads, to every role; what writes,
	-- to the one role that needs it
	FOR f IN
		SELECT p.oid::pg_catalog.regprocedure FROM pg_catalog.pg_proc p
		JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.objid = p.oid AND d.deptype = 'e'
		JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'ismap'
		WHERE p.pronamespace = 'ismap'::pg_catalog.regnamespace
		  AND p.provolatile IN ('i', 's') AND p.prorettype <> 'pg_catalog.trigger'::pg_catalog.regtype
		  AND NOT p.prosecdef
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs, ismap_reviewer, ismap_agency', f);
	END LOOP;
	FOR f, r IN
		SELECT p.oid::pg_catalog.regprocedure, g.role FROM pg_catalog.pg_proc p
		JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace AND n.nspname = 'ismap'
		-- register is nobody's (DESIGN 3.13): every registration goes
		-- through approve_application
		JOIN (VALUES ('approve_application', 'ismap_registrar'),
					 ('accept_application', 'ismap_reviewer'), ('return_application', 'ismap_reviewer'),
					 ('raise_finding', 'ismap_reviewer'), ('resolve_finding', 'ismap_reviewer'),
					 ('respond_finding', 'ismap_csp'), ('respond_finding', 'ismap_auditor'),
					 ('withdraw_application', 'ismap_csp'),
					 ('plan_remediation', 'ismap_reviewer'), ('plan_remediation', 'ismap_csp'),
					 ('complete_remediation', 'ismap_reviewer'), ('complete_remediation', 'ismap_csp'),
					 ('reject_application', 'ismap_registrar'), ('delist', 'ismap_registrar'),
					 ('principal', 'ismap_registrar'), ('platform_exemption', 'ismap_registrar'), ('import_control_standard_csv', 'ismap_registrar'),
					 ('import_nist_iso27001_mapping', 'ismap_registrar'), ('import_oscal_catalog', 'ismap_registrar'),
					 ('import_oscal_profile', 'ismap_registrar'), ('import_oscal_catalog_json', 'ismap_registrar'),
					 ('import_oscal_profile_json', 'ismap_registrar'), ('import_oscal_assessment_results', 'ismap_auditor'),
					 ('delete_statement_item', 'ismap_csp'), ('delete_service_dependency', 'ismap_csp'),
					 ('delete_audit_result', 'ismap_auditor'), ('delete_control_test', 'ismap_auditor'),
					 ('run_renewals', 'ismap_jobs'), ('expire_audit_body_selections', 'ismap_jobs'),
					 ('cascade_delistings', 'ismap_jobs'), ('run_changes', 'ismap_jobs'),
					 ('job_start', 'ismap_jobs'), ('job_finish', 'ismap_jobs'), ('job_mark_stale', 'ismap_jobs'),
					 ('prune_job_runs', 'ismap_jobs'), ('run_job', 'ismap_jobs'), ('seal_event_chain', 'ismap_jobs'),
					 ('ensure_evidence_partitions', 'ismap_jobs'), ('ensure_evidence_partitions', 'ismap_registrar'),
					 -- owner's rights, for the applications the caller may see
					 ('validate_application', 'ismap_registrar'), ('validate_application', 'ismap_auditor'),
					 ('validate_application', 'ismap_csp'), ('validate_application', 'ismap_jobs'),
					 ('validate_application', 'ismap_reviewer')) g(fn, role)
		  ON g.fn = p.proname
		-- in a fixed order: a function's ACL lists its grantees in the
		-- order granted, and an upgrade must end with a fresh install's
		ORDER BY g.fn, g.role
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO %I', f, r);
	END LOOP;

	-- 0.2.0 let the registrar call register() alone, without validation:
	-- taken back (DESIGN 3.13)
	REVOKE EXECUTE ON FUNCTION ismap.register(pg_catalog.int8, pg_catalog.date) FROM ismap_registrar;

	-- the event chain's checks have the owner's rights (they read every
	-- event, also those row-level security hides from the caller) and tell
	-- only whether the chain holds, which event breaks it, and the head's
	-- hash: every role runs them
	FOR f IN
		SELECT p.oid::pg_catalog.regprocedure FROM pg_catalog.pg_proc p
		WHERE p.pronamespace = 'ismap'::pg_catalog.regnamespace
		  AND p.proname = ANY (ARRAY['verify_event_chain', 'event_chain_full_check', 'event_chain_head'])
	LOOP
		EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO ismap_reader, ismap_registrar, ismap_auditor, ismap_csp, ismap_jobs, ismap_reviewer, ismap_agency', f);
	END LOOP;
	-- what reads tables a role may not read is not granted to it (the
	-- function would only refuse it inside): the change status reads the
	-- applications, the classification the agencies' systems
	REVOKE EXECUTE ON FUNCTION ismap.change_status(pg_catalog.date) FROM ismap_reader, ismap_jobs, ismap_agency;
	REVOKE EXECUTE ON FUNCTION ismap.classification_findings(pg_catalog.int8), ismap.classification_findings_all(pg_catalog.int8),
		ismap.classify_system(pg_catalog.int8), ismap.eligible_services(pg_catalog.int8, pg_catalog.date),
		ismap.required_level(pg_catalog.int8) FROM ismap_auditor, ismap_csp, ismap_jobs;
	-- a control test's items read the test (its provider, its auditor, the
	-- registrar); a control's health the evidence (its provider, the
	-- registrar, the jobs)
	REVOKE EXECUTE ON FUNCTION ismap.control_test_items(pg_catalog.int8, ismap.ctrlid) FROM ismap_reader, ismap_jobs, ismap_agency;
	REVOKE EXECUTE ON FUNCTION ismap.control_health(pg_catalog.int8, pg_catalog.date, pg_catalog.interval) FROM ismap_reader, ismap_auditor, ismap_agency;
	-- the agencies' procurements are the registrar's and each agency's own
	-- (the jobs read them with the owner's rights)
	REVOKE EXECUTE ON FUNCTION ismap.agency_impact(pg_catalog.int8) FROM ismap_reader, ismap_auditor, ismap_csp, ismap_jobs;
	-- the POA&M export reads remediation plans (never public): the
	-- registrar, the reviewer, providers (their own) and agencies (what they
	-- procure), by row-level security
	REVOKE EXECUTE ON FUNCTION ismap.export_oscal_poam(pg_catalog.int8) FROM ismap_reader, ismap_auditor, ismap_jobs;

	-- the policies' helpers run in the querying role's name: only the roles
	-- whose policies call them get them
	GRANT EXECUTE ON FUNCTION ismap.principal_audit_body(pg_catalog.name), ismap.principal_csp(pg_catalog.name),
		ismap.audit_party(pg_catalog.int8), ismap.service_csp(pg_catalog.int8) TO ismap_auditor, ismap_csp;
	GRANT EXECUTE ON FUNCTION ismap.principal_org(pg_catalog.name),
		ismap.agency_package_audit(pg_catalog.name, pg_catalog.int8) TO ismap_agency;

	-- row-level policies (re-created, so a second run changes nothing)
	PERFORM ismap_internal.create_policies();
	RETURN made;
END
$$;
COMMENT ON FUNCTION ismap.create_roles() IS 'superuser: create the six ismap roles if missing, grant them least privilege and create the row-level policies; idempotent; returns the roles it created';

-- ==== Japanese notices and findings ====
CREATE OR REPLACE FUNCTION ismap_internal.reason_ja(r pg_catalog.text)
RETURNS pg_catalog.text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	m pg_catalog.text[];
BEGIN
	IF r IS NULL OR r = 'no reason recorded' THEN
		RETURN '理由の記録なし';
	END IF;
	m := pg_catalog.regexp_match(r, '^(.*) \(chain ([^()]*)\)$');
	IF m IS NOT NULL THEN
		RETURN ismap_internal.reason_ja(m[1]) || '（連鎖 ' || m[2] || '）';
	END IF;
	m := pg_catalog.regexp_match(r, '^validity ended on (\S+) without renewal$');
	IF m IS NOT NULL THEN
		RETURN pg_catalog.format('有効期限%sに更新なしで終了', m[1]);
	END IF;
	m := pg_catalog.regexp_match(r, '^validity ended on (\S+); renewal application (\S+) (\S+) on (\S+)$');
	IF m IS NOT NULL THEN
		RETURN pg_catalog.format('有効期限%sに終了。更新申請%sは%sに%s', m[1], m[2], m[4],
			CASE m[3] WHEN 'rejected' THEN '却下されました' WHEN 'withdrawn' THEN '取り下げられました'
				WHEN 'approved' THEN '承認されました' WHEN 'returned' THEN '差し戻されました' ELSE m[3] END);
	END IF;
	m := pg_catalog.regexp_match(r, '^replaced by renewal \(application (\S+)\)$');
	IF m IS NOT NULL THEN
		RETURN pg_catalog.format('更新（申請%s）により置き換え', m[1]);
	END IF;
	m := pg_catalog.regexp_match(r, '^platform (\S+) \(service (\S+)\) has had no registration since (\S+); grace of (.+) passed$');
	IF m IS NOT NULL THEN
		RETURN pg_catalog.format('基盤%s（サービス%s）は%sから登録がなく、猶予期間%sが過ぎました', m[1], m[2], m[3],
			pg_catalog.regexp_replace(pg_catalog.regexp_replace(pg_catalog.regexp_replace(pg_catalog.regexp_replace(m[4],
				'(\d+) years?', '\1年', 'g'), '(\d+) mons?', '\1か月', 'g'), '(\d+) days?', '\1日', 'g'), ' ', '', 'g'));
	END IF;
	m := pg_catalog.regexp_match(r, '^platform (\S+) \(service (\S+)\) is registered at level (\S+), below level (\S+)$');
	IF m IS NOT NULL THEN
		RETURN pg_catalog.format('基盤%s（サービス%s）はレベル%sで登録されており、レベル%sより低い', m[1], m[2], m[3], m[4]);
	END IF;
	m := pg_catalog.regexp_match(r, '^material change (\S+) \((\S+), effective (\S+)\) not covered by an audit by (\S+)$');
	IF m IS NOT NULL THEN
		RETURN pg_catalog.format('重要な変更%s（%s、%s発効）が%sまでの監査で確認されていません', m[1], m[2], m[3], m[4]);
	END IF;
	m := pg_catalog.regexp_match(r, '^platform suspended: (\S+) \(service (\S+)\) has material change (\S+) \((\S+), effective (\S+)\) not covered by an audit by (\S+)$');
	IF m IS NOT NULL THEN
		RETURN pg_catalog.format('基盤の一時停止：%s（サービス%s）の重要な変更%s（%s、%s発効）が%sまでの監査で確認されていません',
			m[1], m[2], m[3], m[4], m[5], m[6]);
	END IF;
	m := pg_catalog.regexp_match(r, '^platform delisted: (.*)$');
	IF m IS NOT NULL THEN
		RETURN '基盤の登録抹消：' || ismap_internal.reason_ja(m[1]);
	END IF;
	RETURN r;
END
$$;
COMMENT ON FUNCTION ismap_internal.reason_ja(pg_catalog.text) IS 'a registration''s end reason as the jobs, register and delist write it, in Japanese; a reason typed by a person is returned unchanged';
CREATE OR REPLACE FUNCTION ismap_internal.notice_detail_ja(kind pg_catalog.text, detail pg_catalog.text)
RETURNS pg_catalog.text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	m pg_catalog.text[];
	res pg_catalog.text;
BEGIN
	CASE kind
	WHEN 'renewal_due' THEN
		m := pg_catalog.regexp_match(detail, '^(.*): valid until (\S+) \((-?\d+) days\); (\d+)-day renewal notice$');
		res := pg_catalog.format('%s：有効期限%s（残り%s日）。%s日前の更新通知', m[1], m[2], m[3], m[4]);
	WHEN 'renewal_pending' THEN
		m := pg_catalog.regexp_match(detail, '^(.*): valid until (\S+), kept while renewal application (\S+) \(filed (\S+)\) is under review$');
		res := pg_catalog.format('%s：有効期限%s。更新申請%s（%s提出）の審査中のため登録を維持', m[1], m[2], m[3], m[4]);
	WHEN 'report_overdue' THEN
		m := pg_catalog.regexp_match(detail, '^(.*): monitoring report due on (\S+) not received$');
		res := pg_catalog.format('%s：期限%sの監視報告が届いていません', m[1], m[2]);
	WHEN 'body_not_selected' THEN
		m := pg_catalog.regexp_match(detail, '^application (\S+) \(service (\S+)\): audit (\S+) reported on (\S+) by (.*), not selected on that day$');
		res := pg_catalog.format('申請%s（サービス%s）：監査%sは%sに%sが報告しましたが、その日に選定されていませんでした',
			m[1], m[2], m[3], m[4], m[5]);
	WHEN 'change_audit_due' THEN
		m := pg_catalog.regexp_match(detail, '^change (\S+) of service (\S+) \((\S+), effective (\S+)\) needs an audit by (\S+) \((-?\d+) days\); (\d+)-day notice$');
		res := pg_catalog.format('サービス%sの変更%s（%s、%s発効）は%sまでに監査が必要です（残り%s日）。%s日前の通知',
			m[2], m[1], m[3], m[4], m[5], m[6], m[7]);
	WHEN 'control_limit_exceeded' THEN
		m := pg_catalog.regexp_match(detail, '^service (\S+) control (\S+): (\d+) deviations in (\d+) observations from (\S+) to (\S+); upper deviation limit (\S+) above the tolerable rate (\S+)$');
		res := pg_catalog.format('サービス%sの管理策%s：%s～%sの観察%s件中%s件の逸脱。逸脱率の上限%sが許容逸脱率%sを超えています',
			m[1], m[2], m[5], m[6], m[4], m[3], m[7], m[8]);
	WHEN 'remediation_overdue' THEN
		m := pg_catalog.regexp_match(detail, '^(.*): remediation (\S+) of control (\S+) was due on (\S+)$');
		res := pg_catalog.format('%s：管理策%sの是正%sの期限%sを過ぎています', m[1], m[3], m[2], m[4]);
	WHEN 'platform_level_drift' THEN
		m := pg_catalog.regexp_match(detail, '^(.*) \(service (\S+), level (\S+)\): its platform (\S+) \(service (\S+)\) is registered at level (\S+) since (\S+)$');
		res := pg_catalog.format('%s（サービス%s、レベル%s）：基盤%s（サービス%s）は%sからレベル%sで登録されています',
			m[1], m[2], m[3], m[4], m[5], m[7], m[6]);
	WHEN 'exemption_ending' THEN
		m := pg_catalog.regexp_match(detail, '^exemption (\S+): service (\S+) may stand on unregistered platform (\S+) until (\S+) \((-?\d+) days\); (\d+)-day notice$');
		res := pg_catalog.format('経過措置%s：サービス%sは未登録の基盤%s上で%sまで認められます（残り%s日）。%s日前の通知',
			m[1], m[2], m[3], m[4], m[5], m[6]);
	WHEN 'agency_notice' THEN
		m := pg_catalog.regexp_match(detail, '^agency (\S+), system (\S+), procurement (\S+): service (\S+) \((\S+)\) (expired|delisted|suspended|is on a platform below its level) on (\S+): (.*)$');
		res := pg_catalog.format('機関%s、システム%s、調達%s：サービス%s（%s）は%sに%s：%s', m[1], m[2], m[3], m[4], m[5], m[7],
			CASE m[6] WHEN 'expired' THEN '期限切れになりました' WHEN 'delisted' THEN '登録抹消されました'
				WHEN 'suspended' THEN '一時停止されました' ELSE 'レベルの低い基盤上になりました' END,
			ismap_internal.reason_ja(m[8]));
	ELSE
		RETURN NULL;
	END CASE;
	-- a detail that does not have the kind's form has no Japanese
	RETURN CASE WHEN m IS NULL THEN NULL ELSE res END;
END
$$;
COMMENT ON FUNCTION ismap_internal.notice_detail_ja(pg_catalog.text, pg_catalog.text) IS 'the Japanese of a notice''s English detail (notice.detail_ja is generated from it); NULL for a detail of no known form';

-- notice.detail_ja: generated from detail, so the notices of 0.2.0 get theirs too
ALTER TABLE ismap.notice ADD COLUMN detail_ja pg_catalog.text
	GENERATED ALWAYS AS (ismap_internal.notice_detail_ja(kind, detail)) STORED;
COMMENT ON COLUMN ismap.notice.detail_ja IS 'the detail in Japanese, generated from detail (ismap_internal.notice_detail_ja); values of the records (numbers, dates, names, a reason a person typed) stay as they are';

-- ==== Grants (keep this section last) ====
-- New functions get the grants a fresh install gives: PUBLIC loses EXECUTE,
-- the roles get theirs from ismap.create_roles() (idempotent).
DO $$
DECLARE
	f pg_catalog.regprocedure;
BEGIN
	FOR f IN
		SELECT p.oid::pg_catalog.regprocedure FROM pg_catalog.pg_proc p
		JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.objid = p.oid AND d.deptype = 'e'
		JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid AND e.extname = 'ismap'
		WHERE p.pronamespace = 'ismap_internal'::pg_catalog.regnamespace
		   OR (NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type t WHERE p.oid IN (t.typinput, t.typoutput, t.typreceive, t.typsend))
		  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_operator o WHERE o.oprcode = p.oid)
		  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_amproc a WHERE a.amproc = p.oid)
		  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_aggregate g WHERE p.oid IN (g.aggfnoid, g.aggtransfn, g.aggcombinefn, g.aggfinalfn))
		  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_cast c WHERE c.castfunc = p.oid))
	LOOP
		EXECUTE pg_catalog.format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f);
	END LOOP;
END
$$;

-- The roles, grants and policies are made at install too: then they are
-- part of what CREATE EXTENSION builds, so a restore (which re-runs it)
-- brings them back, and pg_dump needs to carry only later changes.  Roles
-- are global: DROP EXTENSION leaves them for the next install.
SELECT ismap.create_roles();
