-- ==== Public replica ====
-------------------------------------------------------------------------------
-- A public-facing server holds the published list and nothing confidential
-- (DESIGN 3.16): it subscribes to the publication ismap_published, which
-- carries exactly the public tables of DESIGN 3.9 / 3.12.  The list below is
-- the only place that names them; docs/operations.md, "A public replica",
-- says why each table is in or out.
--
-- Logical replication copies rows as the publisher's owner sees them:
-- row-level security does not apply.  So a table holding confidential rows
-- beside public ones is published whole only if a row filter (PostgreSQL 15
-- publication WHERE) keeps exactly the public rows, else it is left out:
--   registry_event   the events of registrations (the reader's policy
--                    "published"): a row filter on kind; the log is
--                    append-only, so the filter never meets an UPDATE or
--                    DELETE (which it could not replicate: kind is not in
--                    the replica identity)
--   service, csp, service_dependency
--                    left out: "ever registered" needs a subquery, which a
--                    row filter cannot hold; what the public reads of them
--                    travels in the registry's own rows (registry_listing)
-------------------------------------------------------------------------------
CREATE FUNCTION ismap.create_publication()
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
