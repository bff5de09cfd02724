-- Defaults shipped with the extension are inserted with builtin = true and
-- are not dumped (pg_extension_config_dump ... WHERE NOT builtin): CREATE
-- EXTENSION makes them again.  An edited row is the registrar's own and is
-- dumped; restoring it over a fresh default replaces the default instead of
-- colliding with it.  The same trigger serves the other tables of defaults.
CREATE FUNCTION ismap_internal.default_row_edit() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	key pg_catalog.text := TG_ARGV[0];
	replaced pg_catalog.int8;
BEGIN
	IF TG_OP = 'INSERT' THEN
		-- a key that is still a default: the new row takes its place
		EXECUTE pg_catalog.format('DELETE FROM %I.%I WHERE %I = ($1).%I AND builtin',
			TG_TABLE_SCHEMA, TG_TABLE_NAME, key, key) USING NEW;
		GET DIAGNOSTICS replaced = ROW_COUNT;
		IF replaced > 0 THEN
			NEW.builtin := false;
		END IF;
		-- a default carries no time; a restored row keeps its own
		IF NEW.builtin THEN
			NEW.updated_at := NULL;
		END IF;
	ELSE
		NEW.builtin := false;
		IF NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at THEN
			NEW.updated_at := pg_catalog.now();
		END IF;
	END IF;
	RETURN NEW;
END
$$;
COMMENT ON FUNCTION ismap_internal.default_row_edit() IS 'trigger: an edited default becomes the registrar''s own (dumped); inserting a key that is still a default replaces the default';
