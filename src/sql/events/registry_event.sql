CREATE TABLE ismap.registry_event (
	event_id		pg_catalog.int8 PRIMARY KEY,
	occurred_at		pg_catalog.timestamptz NOT NULL,
	kind			pg_catalog.text NOT NULL,
	registration_id	pg_catalog.int8,
	service_id		pg_catalog.int8,
	payload			pg_catalog.jsonb NOT NULL,
	actor			pg_catalog.name NOT NULL,
	prev_hash		pg_catalog.bytea,
	hash			pg_catalog.bytea NOT NULL
);
COMMENT ON TABLE ismap.registry_event IS 'append-only, hash-chained log of every registration change: hash = sha256(prev_hash || canonical content)';

CREATE SEQUENCE ismap.registry_event_event_id_seq OWNED BY ismap.registry_event.event_id;
CREATE INDEX registry_event_registration_idx ON ismap.registry_event (registration_id);
CREATE INDEX registry_event_service_idx ON ismap.registry_event (service_id);

-- The bytes an event's hash covers (after the previous event's hash).
CREATE FUNCTION ismap.event_digest_input(e ismap.registry_event) RETURNS pg_catalog.bytea
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT pg_catalog.convert_to(pg_catalog.concat_ws('|',
		e.event_id,
		pg_catalog.to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
		e.kind, e.registration_id, e.service_id, e.payload::pg_catalog.text, e.actor), 'UTF8')
$$;
COMMENT ON FUNCTION ismap.event_digest_input(ismap.registry_event) IS 'canonical bytes of an event covered by its hash: id|time (UTC, microseconds)|kind|registration|service|payload|actor';

-- Append one event to the chain.  The chain's lock (a row of
-- ismap_internal.serial_lock, which no role but the owner can lock)
-- serializes writers, so each event links to the one committed before it.  enable_seqscan = off:
-- the head lookup's plan is cached per session; planned while the log was
-- (nearly) empty it would stay a scan and sort of the whole log, and a
-- statement changing many registrations would take quadratic time.
CREATE FUNCTION ismap_internal.append_event(p_kind pg_catalog.text, p_registration_id pg_catalog.int8,
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

CREATE FUNCTION ismap_internal.registry_event_guard() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	RAISE EXCEPTION 'registry events are append-only'
		USING ERRCODE = 'insufficient_privilege',
			  DETAIL = pg_catalog.format('%s on ismap.registry_event is refused.', TG_OP),
			  HINT = 'Record a correction as a new event instead.';
END
$$;
COMMENT ON FUNCTION ismap_internal.registry_event_guard() IS 'trigger: refuses UPDATE, DELETE and TRUNCATE of the event log';

CREATE TRIGGER registry_event_append_only BEFORE UPDATE OR DELETE ON ismap.registry_event
	FOR EACH ROW EXECUTE FUNCTION ismap_internal.registry_event_guard();

CREATE TRIGGER registry_event_no_truncate BEFORE TRUNCATE ON ismap.registry_event
	FOR EACH STATEMENT EXECUTE FUNCTION ismap_internal.registry_event_guard();

-- ENABLE ALWAYS: session_replication_role = replica does not switch them off.
ALTER TABLE ismap.registry_event ENABLE ALWAYS TRIGGER registry_event_append_only;
ALTER TABLE ismap.registry_event ENABLE ALWAYS TRIGGER registry_event_no_truncate;
SELECT pg_catalog.pg_extension_config_dump('ismap.registry_event', '');
SELECT pg_catalog.pg_extension_config_dump('ismap.registry_event_event_id_seq', '');

