-- Schema ismap holds what users, reporting tools and the roles call; what
-- they do not call lives in ismap_internal: trigger functions, the batch
-- jobs' work and locks, the event log's append and the aggregate's parts,
-- the policies' builder.  No role but the owner has any privilege on it
-- (sql/surface.sql tries each role); docs/reference.md lists both.
CREATE SCHEMA ismap_internal;
COMMENT ON SCHEMA ismap_internal IS 'internals of the ismap extension (trigger functions, job plumbing, event internals): no role but the owner has any privilege here';
REVOKE ALL ON SCHEMA ismap_internal FROM PUBLIC;

-- The locks that serialize the event chain's writers, the makers of
-- evidence partitions and the runs of each batch job (a row 'job:<name>'
-- per row of ismap.job, made by the trigger job_lock_row): a row each,
-- taken FOR UPDATE by the owner's code.
-- Not advisory locks: pg_advisory_lock is executable by PUBLIC, so any
-- login (a reader) could hold a known key for ever and stall every
-- decision or make every job skip; nobody but the owner can lock a row of
-- this table (no role has any privilege on the schema), and a row lock
-- cannot be taken by OID.
CREATE TABLE ismap_internal.serial_lock (
	lock_name pg_catalog.text PRIMARY KEY
);
COMMENT ON TABLE ismap_internal.serial_lock IS 'one row per lock that serializes writers (event chain, evidence partitions, job:<name> for each batch job), locked FOR UPDATE by the owner''s functions; replaces advisory locks any role could take';
INSERT INTO ismap_internal.serial_lock (lock_name) VALUES ('event chain'), ('evidence partitions');
