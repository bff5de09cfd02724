-------------------------------------------------------------------------------
-- the sentences of the jobs in the session's language, and the Japanese
-- twin of a notice's detail (docs/japanese.md; DESIGN 3.15)
-------------------------------------------------------------------------------

-- The jobs write their sentences with format(); each format() string is a
-- template of the extension's catalogue (scripts/job-messages), and these
-- find the template a sentence was made from and put its values into the
-- translation (src/pg/job_text.c).  A reason a person typed stays as typed.
CREATE FUNCTION ismap_internal.job_text(sentence pg_catalog.text)
RETURNS pg_catalog.text
AS 'MODULE_PATHNAME', 'ismap_job_text'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ismap_internal.job_text(pg_catalog.text) IS 'a sentence of the batch jobs (an action''s detail, a notice, an end reason) in the session''s language (lc_messages), from the message catalogue; unchanged when it has no translation there';

CREATE FUNCTION ismap_internal.job_text_ja(sentence pg_catalog.text)
RETURNS pg_catalog.text
AS 'MODULE_PATHNAME', 'ismap_job_text_ja'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ismap_internal.job_text_ja(pg_catalog.text) IS 'a sentence of the batch jobs in Japanese, from the message catalogue, whatever lc_messages says; NULL for a sentence of no known form (or without a Japanese locale on the server)';

-- notice.detail_ja is generated from the English detail the jobs write,
-- through the same templates.  A detail of no known form gives NULL (the
-- jobs layer checks that every notice it writes has its Japanese).
CREATE FUNCTION ismap_internal.notice_detail_ja(kind pg_catalog.text, detail pg_catalog.text)
RETURNS pg_catalog.text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF kind IS NULL OR detail IS NULL THEN
		RETURN NULL;
	END IF;
	RETURN ismap_internal.job_text_ja(detail);
END
$$;
COMMENT ON FUNCTION ismap_internal.notice_detail_ja(pg_catalog.text, pg_catalog.text) IS 'the Japanese of a notice''s English detail (notice.detail_ja is generated from it), from the jobs'' templates in the message catalogue; NULL for a detail of no known form';
