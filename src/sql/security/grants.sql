-- PUBLIC keeps only what the types need (I/O, operators, support functions,
-- aggregates' parts) in schema ismap: every other function is revoked and
-- granted by role; nothing in ismap_internal is granted to anyone.
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

-- listed_days is the expression of the listing's indexes, and reads
-- nothing: PUBLIC executes it, as it does the types' functions.  The
-- planner inlines an SQL function only for a role that may execute it, and
-- a session keeps the index's expression as the first role that planned on
-- the listing inlined it (or not): were a role without it ever first, the
-- index would stop serving the list for every role of that session
GRANT EXECUTE ON FUNCTION ismap.listed_days(pg_catalog.date, pg_catalog.date, pg_catalog.date) TO PUBLIC;

-- The roles, grants and policies are made at install too: then they are
-- part of what CREATE EXTENSION builds, so a restore (which re-runs it)
-- brings them back, and pg_dump needs to carry only later changes.  Roles
-- are global: DROP EXTENSION leaves them for the next install.
SELECT ismap.create_roles();

