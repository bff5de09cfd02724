CREATE FUNCTION ismap.parse_csv(document pg_catalog.text)
RETURNS TABLE (line pg_catalog.int4, fields pg_catalog.text[])
AS 'MODULE_PATHNAME', 'ismap_parse_csv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ismap.parse_csv(pg_catalog.text) IS
	'the records of an RFC 4180 CSV document: the line each starts on and its fields (22P02 on malformed CSV, naming the line)';

