-- Every insert or update of a registration writes an event, whoever makes
-- it; the registry functions add their context through ismap.event_context.
CREATE FUNCTION ismap.registration_event_trigger() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	kind pg_catalog.text;
	ctx pg_catalog.jsonb := NULLIF(pg_catalog.current_setting('ismap.event_context', true), '')::pg_catalog.jsonb;
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

CREATE TRIGGER registration_events AFTER INSERT OR UPDATE ON ismap.registration
	FOR EACH ROW EXECUTE FUNCTION ismap.registration_event_trigger();
ALTER TABLE ismap.registration ENABLE ALWAYS TRIGGER registration_events;
