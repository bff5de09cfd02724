-- Schema ismap holds what users, reporting tools and the roles call; what
-- they do not call lives in ismap_internal: trigger functions, the batch
-- jobs' work and locks, the event log's append and the aggregate's parts,
-- the policies' builder.  No role but the owner has any privilege on it
-- (sql/surface.sql tries each role); docs/reference.md lists both.
CREATE SCHEMA ismap_internal;
COMMENT ON SCHEMA ismap_internal IS 'internals of the ismap extension (trigger functions, job plumbing, event internals): no role but the owner has any privilege here';
REVOKE ALL ON SCHEMA ismap_internal FROM PUBLIC;
