-- Every insert or update of a registration writes an event, whoever makes
-- it.  Its context is derived from the data, never from a setting of the
-- session: a registration from its application (kind, audit, the codes
-- approve_application acknowledged); a change by a batch job from the job
-- run its UPDATE names in run_id; otherwise from the status transition and
-- the columns the registry function wrote (ended_on, end_reason,
-- cascade_path).
--
-- The trigger fires whoever writes, in whatever way (INSERT, COPY, a
-- trigger of the session's own calling register()).  It is an ordinary
-- trigger, not ENABLE ALWAYS: a session under session_replication_role =
-- replica -- which only a superuser may set, the way a restore or a
-- logical-replication subscriber replays rows together with their events
-- -- writes none.  Nothing else decides whether an event is written.
CREATE FUNCTION ismap_internal.registration_event_trigger() RETURNS trigger
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

CREATE TRIGGER registration_events AFTER INSERT OR UPDATE ON ismap.registration
	FOR EACH ROW EXECUTE FUNCTION ismap_internal.registration_event_trigger();
