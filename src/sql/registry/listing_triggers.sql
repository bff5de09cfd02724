-- the registrations a statement inserted: their rows
CREATE FUNCTION ismap_internal.registry_listing_registrations() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	PERFORM ismap.refresh_registry_listing(ARRAY(SELECT r.registration_id FROM changed r));
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION ismap_internal.registry_listing_registrations() IS 'trigger: the published listing''s rows of the registrations a statement inserted';

-- The registrations a statement updated.  Most updates change only the
-- registration's own columns (a status, an end, a date): those are written
-- into the listing without touching, or locking, the service, provider and
-- audit body, whose columns their own triggers keep; so the jobs, which
-- update registrations they have locked, never wait for a service row in
-- the order opposite to register and delist (service first).  A
-- registration moved to another service or audit body gets its row afresh.
CREATE FUNCTION ismap_internal.registry_listing_registration_updates() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	moved pg_catalog.int8[];
BEGIN
	UPDATE ismap.registry_listing l
	SET registration_number = n.registration_number, level = n.level, registered_on = n.registered_on,
		valid_until = n.valid_until, status = n.status, ended_on = n.ended_on, end_reason = n.end_reason,
		audit_id = n.audit_id
	FROM new_rows n
	JOIN old_rows o ON o.registration_id OPERATOR(pg_catalog.=) n.registration_id
	WHERE l.registration_id OPERATOR(pg_catalog.=) n.registration_id
	  AND n.service_id OPERATOR(pg_catalog.=) o.service_id
	  AND n.audit_body_id OPERATOR(pg_catalog.=) o.audit_body_id
	  AND (l.registration_number, l.level, l.registered_on, l.valid_until, l.status, l.ended_on, l.end_reason, l.audit_id)
		  IS DISTINCT FROM (n.registration_number, n.level, n.registered_on, n.valid_until, n.status, n.ended_on, n.end_reason, n.audit_id);
	moved := ARRAY(SELECT n.registration_id FROM new_rows n
				   LEFT JOIN old_rows o ON o.registration_id OPERATOR(pg_catalog.=) n.registration_id
				   WHERE o.registration_id IS NULL
					  OR n.service_id OPERATOR(pg_catalog.<>) o.service_id
					  OR n.audit_body_id OPERATOR(pg_catalog.<>) o.audit_body_id);
	IF pg_catalog.cardinality(moved) OPERATOR(pg_catalog.>) 0 THEN
		PERFORM ismap.refresh_registry_listing(moved);
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION ismap_internal.registry_listing_registration_updates() IS 'trigger: the published listing''s rows of the registrations a statement updated (their own columns; afresh when moved to another service or audit body)';

-- a service's published columns (name, provider, models, scope)
CREATE FUNCTION ismap_internal.registry_listing_services() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	-- the providers' rows as their renames in progress leave them (as above)
	PERFORM FROM changed s
	JOIN ismap.csp c ON c.csp_id OPERATOR(pg_catalog.=) s.csp_id
	FOR SHARE OF c;
	UPDATE ismap.registry_listing l
	SET service_name = s.name, csp_id = c.csp_id, csp_name = c.name, corporate_number = c.corporate_number,
		delivery_models = s.delivery_models, deployment_models = s.deployment_models, scope = s.scope
	FROM changed s
	JOIN ismap.csp c ON c.csp_id OPERATOR(pg_catalog.=) s.csp_id
	WHERE l.service_id OPERATOR(pg_catalog.=) s.service_id
	  AND (l.service_name, l.csp_id, l.csp_name, l.corporate_number, l.delivery_models, l.deployment_models, l.scope)
		  IS DISTINCT FROM (s.name, c.csp_id, c.name, c.corporate_number, s.delivery_models, s.deployment_models, s.scope);
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION ismap_internal.registry_listing_services() IS 'trigger: carries a service''s name, provider, models and scope into the published listing';

-- a provider's name and corporate number
CREATE FUNCTION ismap_internal.registry_listing_csps() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	UPDATE ismap.registry_listing l
	SET csp_name = c.name, corporate_number = c.corporate_number
	FROM changed c
	WHERE l.csp_id OPERATOR(pg_catalog.=) c.csp_id
	  AND (l.csp_name, l.corporate_number) IS DISTINCT FROM (c.name, c.corporate_number);
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION ismap_internal.registry_listing_csps() IS 'trigger: carries a provider''s name and corporate number into the published listing';

-- an audit body's name
CREATE FUNCTION ismap_internal.registry_listing_audit_bodies() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	UPDATE ismap.registry_listing l
	SET audit_body = b.name
	FROM changed b
	WHERE l.audit_body_id OPERATOR(pg_catalog.=) b.audit_body_id
	  AND l.audit_body IS DISTINCT FROM b.name;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION ismap_internal.registry_listing_audit_bodies() IS 'trigger: carries an audit body''s name into the published listing';

-- A trigger with transition tables serves one event, hence two on the
-- registrations.  ENABLE ALWAYS, like the event trigger, so that a session
-- under session_replication_role = replica keeps the listing too.  A
-- logical-replication subscriber fires no statement triggers: there,
-- refresh_registry_listing() (or the chain job) brings the listing up.
CREATE TRIGGER registry_listing_insert AFTER INSERT ON ismap.registration
	REFERENCING NEW TABLE AS changed
	FOR EACH STATEMENT EXECUTE FUNCTION ismap_internal.registry_listing_registrations();

CREATE TRIGGER registry_listing_update AFTER UPDATE ON ismap.registration
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION ismap_internal.registry_listing_registration_updates();

CREATE TRIGGER registry_listing AFTER UPDATE ON ismap.service
	REFERENCING NEW TABLE AS changed
	FOR EACH STATEMENT EXECUTE FUNCTION ismap_internal.registry_listing_services();

CREATE TRIGGER registry_listing AFTER UPDATE ON ismap.csp
	REFERENCING NEW TABLE AS changed
	FOR EACH STATEMENT EXECUTE FUNCTION ismap_internal.registry_listing_csps();

CREATE TRIGGER registry_listing AFTER UPDATE ON ismap.audit_body
	REFERENCING NEW TABLE AS changed
	FOR EACH STATEMENT EXECUTE FUNCTION ismap_internal.registry_listing_audit_bodies();
ALTER TABLE ismap.registration ENABLE ALWAYS TRIGGER registry_listing_insert;
ALTER TABLE ismap.registration ENABLE ALWAYS TRIGGER registry_listing_update;
ALTER TABLE ismap.service ENABLE ALWAYS TRIGGER registry_listing;
ALTER TABLE ismap.csp ENABLE ALWAYS TRIGGER registry_listing;
ALTER TABLE ismap.audit_body ENABLE ALWAYS TRIGGER registry_listing;

