-- ==== A dependency is public once its service is registered ====
-------------------------------------------------------------------------------
-- The policy "published" of ismap.service_dependency lets the reader, the
-- agencies, the jobs, auditors and providers read a dependency once its
-- service has a registration, live or ended (docs/security.md).  Asked as
-- EXISTS over ismap.registration, the policy was a subquery run for every
-- dependency row read (row-level security never turns it into a join): a
-- third of the reader's time in the cookbook's dependency queries.  The
-- row carries the answer instead, service_dependency.published, and the
-- policy reads the column.  Two triggers keep it, with the owner's rights:
--  * before a dependency is inserted or updated, published is set from the
--    registrations of its service, whatever the writer gave;
--  * after registrations are inserted, their services' dependencies are
--    set published (a registration is never deleted, and its service never
--    changes: published never goes back).
-- A dependency inserted while its service is being registered: the insert
-- takes the service row FOR SHARE, which waits for register()'s FOR NO KEY
-- UPDATE of it (and register waits for the insert), so one of them sees
-- the other's row, as the platform guard does.
-------------------------------------------------------------------------------
CREATE FUNCTION ismap_internal.service_dependency_published() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF TG_OP = 'INSERT' OR NEW.service_id IS DISTINCT FROM OLD.service_id THEN
		PERFORM FROM ismap.service s WHERE s.service_id = NEW.service_id FOR SHARE;
	END IF;
	NEW.published := EXISTS (SELECT FROM ismap.registration r WHERE r.service_id = NEW.service_id);
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION ismap_internal.service_dependency_published() IS 'trigger: a dependency is published when its service has a registration (set on every insert and update, whatever the writer gave)';

CREATE TRIGGER service_dependency_published BEFORE INSERT OR UPDATE ON ismap.service_dependency
	FOR EACH ROW EXECUTE FUNCTION ismap_internal.service_dependency_published();

CREATE FUNCTION ismap_internal.registration_publishes_dependencies() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	UPDATE ismap.service_dependency d SET published = true
	FROM (SELECT DISTINCT n.service_id FROM new_registrations n) n
	WHERE d.service_id = n.service_id AND NOT d.published;
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION ismap_internal.registration_publishes_dependencies() IS 'trigger: the dependencies of a newly registered service become published';

CREATE TRIGGER registration_publishes_dependencies AFTER INSERT ON ismap.registration
	REFERENCING NEW TABLE AS new_registrations
	FOR EACH STATEMENT EXECUTE FUNCTION ismap_internal.registration_publishes_dependencies();
