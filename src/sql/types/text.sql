-- Whether a text says nothing: NULL, empty, or only white space, Unicode's
-- included (an ideographic space U+3000 is as empty as a tab).  Reasons for
-- decisions, delistings and the like must say something.
CREATE FUNCTION ismap.text_is_blank(t pg_catalog.text) RETURNS pg_catalog.bool
LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT t IS NULL OR t OPERATOR(pg_catalog.~) '^[[:space:]\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]*$'
$$;
COMMENT ON FUNCTION ismap.text_is_blank(pg_catalog.text) IS 'true when a text is NULL, empty or only white space (Unicode spaces included)';
