CREATE TABLE ismap.service_dependency (
	service_id				pg_catalog.int8 NOT NULL REFERENCES ismap.service ON DELETE CASCADE,
	base_service_id			pg_catalog.int8 NOT NULL REFERENCES ismap.service,
	self_assessed_audit_id	pg_catalog.int8,
	-- kept by triggers (registry/dependency_published.sql), never by a party
	published				pg_catalog.bool NOT NULL DEFAULT false,
	PRIMARY KEY (service_id, base_service_id),
	CONSTRAINT dependency_not_on_itself CHECK (service_id OPERATOR(pg_catalog.<>) base_service_id),
	CONSTRAINT service_dependency_self_assessed_audit
		FOREIGN KEY (self_assessed_audit_id, service_id) REFERENCES ismap.audit (audit_id, service_id)
);
COMMENT ON TABLE ismap.service_dependency IS 'the service runs on the base service''s platform; self_assessed_audit_id names the service''s own audit that evaluated the platform (§3.3.4 ④), which stops a delisting cascade';
COMMENT ON COLUMN ismap.service_dependency.published IS 'the service has a registration (live or ended), so the dependency is public: what the policy "published" reads; set by triggers, whatever a party writes';
CREATE INDEX service_dependency_base_idx ON ismap.service_dependency (base_service_id);

SELECT pg_catalog.pg_extension_config_dump('ismap.service_dependency', '');


-- A platform dependency decides what validation asks (BASE_NOT_REGISTERED)
-- and where a delisting cascades (M5 of the adversarial campaign: a
-- provider deleted its platform without a trace).  Two rules:
--  * every change of a dependency is an event (dependency_added,
--    dependency_removed, dependency_changed), queued like a change report
--    so that the provider's transaction takes no lock of the event chain;
--  * decided means frozen: while the service has a registration in force
--    (active or suspended), a dependency is not removed, nor moved to
--    another service or platform (55000) — unless that registration's
--    audit covers an architecture change of the service reported by the
--    day it was registered (a platform change is an architecture change,
--    footnote 26: the new audit saw the service on its new platform).
--    Adding a platform is always allowed: it only adds to what validation
--    checks and to where a delisting reaches.
-- The guard shares its locks with the decisions: it takes the service's
-- undecided audits FOR SHARE (a decision locks its audit FOR UPDATE and
-- sets decided_on), then the service row FOR SHARE (register and delist
-- take it FOR NO KEY UPDATE), in the decisions' order, so a
-- removal and a registration of the same service never pass each other:
-- one waits for the other, and a REPEATABLE READ remover whose snapshot
-- predates the decision gets 40001.  Only the provider's own service's
-- decisions wait; nothing of another provider is locked.
-- SECURITY DEFINER: the provider may neither see nor lock the audits and
-- registrations itself.
CREATE FUNCTION ismap_internal.service_dependency_guard() RETURNS trigger
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

CREATE TRIGGER service_dependency_frozen BEFORE UPDATE OR DELETE ON ismap.service_dependency
	FOR EACH ROW EXECUTE FUNCTION ismap_internal.service_dependency_guard();
ALTER TABLE ismap.service_dependency ENABLE ALWAYS TRIGGER service_dependency_frozen;

-- Every added, removed or changed dependency is an event, queued (see
-- ismap_internal.queue_event): its payload is the row, before and after.
CREATE FUNCTION ismap_internal.service_dependency_event_trigger() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	svc pg_catalog.int8 := CASE WHEN TG_OP = 'DELETE' THEN OLD.service_id ELSE NEW.service_id END;
	live pg_catalog.int8;
BEGIN
	-- published follows the service's first registration: not a change of
	-- the dependency
	IF TG_OP = 'UPDATE' AND NEW.service_id IS NOT DISTINCT FROM OLD.service_id
	   AND NEW.base_service_id IS NOT DISTINCT FROM OLD.base_service_id
	   AND NEW.self_assessed_audit_id IS NOT DISTINCT FROM OLD.self_assessed_audit_id THEN
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

CREATE TRIGGER service_dependency_events AFTER INSERT OR UPDATE OR DELETE ON ismap.service_dependency
	FOR EACH ROW EXECUTE FUNCTION ismap_internal.service_dependency_event_trigger();
