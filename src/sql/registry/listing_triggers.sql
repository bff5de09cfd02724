-- the registered content a statement inserted: the rows of its registrations
CREATE FUNCTION ismap_internal.registry_listing_registrations() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	-- a subscriber that receives the listing does not write it as well
	IF NOT EXISTS (SELECT FROM pg_catalog.pg_subscription_rel sr
				   WHERE sr.srrelid OPERATOR(pg_catalog.=) 'ismap.registry_listing'::pg_catalog.regclass) THEN
		PERFORM ismap.refresh_registry_listing(ARRAY(SELECT r.registration_id FROM changed r));
	END IF;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION ismap_internal.registry_listing_registrations() IS 'trigger: the published listing''s rows of the registrations whose registered content a statement inserted';

-- The registrations a statement updated.  Most updates change only the
-- registration's own columns (a status, an end, a date): those are written
-- into the listing directly.  A registration moved to another service or
-- audit body gets its row afresh (from its registered content, which does
-- not move).
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

-- A trigger with transition tables serves one event, hence one on the
-- registered content (written with each registration, or restored after
-- the registrations) and one on the registrations' updates.  ENABLE
-- ALWAYS, like the event trigger, so that a restore, which replays the
-- rows under session_replication_role = replica, fills the listing too.
-- A logical-replication subscriber fires no statement triggers when it
-- applies changes, but its initial copy does: where the listing itself is
-- subscribed, the insert trigger leaves it to the subscription.
-- Renames of services, providers and audit bodies do not reach the
-- listing: it shows what was registered.
CREATE TRIGGER registry_listing_insert AFTER INSERT ON ismap.registered_content
	REFERENCING NEW TABLE AS changed
	FOR EACH STATEMENT EXECUTE FUNCTION ismap_internal.registry_listing_registrations();

CREATE TRIGGER registry_listing_update AFTER UPDATE ON ismap.registration
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION ismap_internal.registry_listing_registration_updates();
ALTER TABLE ismap.registered_content ENABLE ALWAYS TRIGGER registry_listing_insert;
ALTER TABLE ismap.registration ENABLE ALWAYS TRIGGER registry_listing_update;
