-- DROP EXTENSION ismap (or DROP SCHEMA ismap) is refused with 55000 while
-- the registry holds registrations or events, unless a superuser set
-- ismap.allow_drop in the session (src/pg/drop_guard.c, docs/security.md).
CREATE FUNCTION ismap_internal.drop_guard() RETURNS event_trigger
	AS 'MODULE_PATHNAME', 'ismap_drop_guard' LANGUAGE C;
COMMENT ON FUNCTION ismap_internal.drop_guard() IS 'event trigger: refuses DROP EXTENSION ismap and DROP SCHEMA ismap while the registry holds registrations or events, unless ismap.allow_drop is on';
CREATE EVENT TRIGGER ismap_drop_guard ON ddl_command_start
	WHEN TAG IN ('DROP EXTENSION', 'DROP SCHEMA')
	EXECUTE FUNCTION ismap_internal.drop_guard();
COMMENT ON EVENT TRIGGER ismap_drop_guard IS 'refuses to drop a registry that holds registrations or events (ismap_internal.drop_guard)';
