-- The registration primitive: number, validity, replacing the service's
-- registration on renewal, the application approved.  approve_application
-- validates, records the acknowledged query codes on the application and
-- then calls it.  Since 0.3.0 no role may execute it (DESIGN 3.13): every
-- registration goes through approve_application, validation included; only
-- the owner (a superuser: a restore, a migration, the tests' fixtures)
-- still calls it alone, and then the application's acknowledged stays NULL
-- (only approve_application writes it), so the event claims no
-- acknowledgement.  No setting of the session is read.
CREATE FUNCTION ismap.register(p_application_id pg_catalog.int8, p_as_of pg_catalog.date DEFAULT CURRENT_DATE)
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

	-- the number: a service keeps the serial of its first registration in
	-- the program; each program numbers on its own (ISMAP C, ISMAP-LIU L)
	SELECT * INTO prior FROM ismap.registration WHERE service_id = app.service_id AND program = app.program
	ORDER BY registered_on DESC, registration_id DESC LIMIT 1;
	IF FOUND THEN
		serial_prefix := pg_catalog.regexp_replace(prior.registration_number, '-[1-3]$', '');
	ELSE
		INSERT INTO ismap.registration_serial AS s (year, program, last_serial)
		VALUES (pg_catalog.date_part('year', p_as_of)::pg_catalog.int2, app.program, 1)
		ON CONFLICT (year, program) DO UPDATE SET last_serial = s.last_serial + 1
		RETURNING s.last_serial INTO serial;
		serial_prefix := pg_catalog.format('%s%s-%s', CASE app.program WHEN 'ISMAP-LIU' THEN 'L' ELSE 'C' END,
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
		registered_on, valid_until, status, program)
	VALUES (serial_prefix || '-' || app.requested_level, app.service_id, app.requested_level,
		app.application_id, p_as_of, (aud.period_end + validity)::pg_catalog.date, 'active', app.program)
	RETURNING * INTO res;

	UPDATE ismap.application SET status = 'approved', decided_on = p_as_of
	WHERE application_id = app.application_id;
	RETURN res;
END
$$;
COMMENT ON FUNCTION ismap.register(pg_catalog.int8, pg_catalog.date) IS 'owner-only primitive (no role may execute it): register an undecided application (number in its program''s series, validity, replacing the service''s registration on renewal, event); approve_application validates and then calls it';

