-- ==== The reader-safe aggregates' threshold ====
-------------------------------------------------------------------------------
-- The one rule of the reader-safe aggregates (docs/security.md,
-- "Reader-safe aggregates"): a group is shown only when it holds at least 5
-- members (services, applications, agencies' systems) from at least 3
-- owners (providers, agencies); a smaller group is left out, not rounded.
-- Every aggregate that shows what the reader may not read asks this
-- function, so the numbers are written here only.
--
-- One SELECT without a SET clause, every operator schema-qualified, so that
-- the planner inlines it into the aggregate's query (the two comparisons,
-- not a call per group).  In ismap_internal: nobody but the owner calls
-- it, nor the internal parts of the aggregates that use it.
-------------------------------------------------------------------------------
CREATE FUNCTION ismap_internal.reader_group_shown(p_members pg_catalog.int8, p_owners pg_catalog.int8)
RETURNS pg_catalog.bool
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT p_members OPERATOR(pg_catalog.>=) 5 AND p_owners OPERATOR(pg_catalog.>=) 3
$$;
COMMENT ON FUNCTION ismap_internal.reader_group_shown(pg_catalog.int8, pg_catalog.int8) IS 'the threshold of the reader-safe aggregates: true when a group of p_members members (services, applications, systems) from p_owners owners (providers, agencies) may be shown (at least 5 from at least 3)';
