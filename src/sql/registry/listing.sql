-- ==== Published listing ====
-------------------------------------------------------------------------------
-- The published registry is read far more often than it changes: analysts,
-- reporting tools and the exports ask for the whole list, registrations
-- change a few times a day.  The listing keeps the joined rows, one per
-- registration: the registration's own columns (number, level, dates,
-- status, end) and what was registered (ismap.registered_content: the
-- service's name, models and scope, its provider, its audit body as they
-- were on the registration day).  A rename after the registration does not
-- change what the registration was; a renewal is a new registration and
-- shows the new name.  Statement-level triggers on registration and
-- registered_content keep it in the same transaction as the change.
-- Nobody writes it but the triggers (their functions run with the owner's
-- rights); pg_dump does not dump it, because restoring the registrations
-- and their content fills it again.
-- docs/registry.md, "The published list".
-------------------------------------------------------------------------------
CREATE TABLE ismap.registry_listing (
	registration_id		pg_catalog.int8 PRIMARY KEY REFERENCES ismap.registration ON DELETE CASCADE,
	registration_number	pg_catalog.text NOT NULL,
	service_id			pg_catalog.int8 NOT NULL,
	service_name		pg_catalog.text NOT NULL,
	csp_id				pg_catalog.int8 NOT NULL,
	csp_name			pg_catalog.text NOT NULL,
	corporate_number	pg_catalog.text NOT NULL,
	level				ismap.level NOT NULL,
	delivery_models		ismap.delivery_model[] NOT NULL,
	deployment_models	ismap.deployment_model[] NOT NULL,
	scope				pg_catalog.text NOT NULL,
	registered_on		pg_catalog.date NOT NULL,
	valid_until			pg_catalog.date NOT NULL,
	status				pg_catalog.text NOT NULL,
	ended_on			pg_catalog.date,
	end_reason			pg_catalog.text,
	audit_body_id		pg_catalog.int8 NOT NULL,
	audit_body			pg_catalog.text NOT NULL,
	audit_id			pg_catalog.int8 NOT NULL,
	-- the published list's text of what was registered (ismap.published_list),
	-- formatted once when the row is written: lists joined with ', ',
	-- dates YYYY-MM-DD
	program				pg_catalog.text,
	list_level			pg_catalog.text,
	list_delivery_models pg_catalog.text,
	list_deployment_models pg_catalog.text,
	list_platforms		pg_catalog.text,
	list_regions		pg_catalog.text,
	governing_law		pg_catalog.text,
	jurisdiction		pg_catalog.text,
	capital_disclosure	pg_catalog.text,
	list_third_party_tests pg_catalog.text,
	list_period_start	pg_catalog.text,
	list_period_end		pg_catalog.text,
	list_control_standard pg_catalog.text
);
COMMENT ON TABLE ismap.registry_listing IS 'the published registry as stored: one joined row per registration, kept by triggers (read it through the registry view)';
CREATE INDEX registry_listing_active_number_idx ON ismap.registry_listing (registration_number)
	WHERE status OPERATOR(pg_catalog.=) 'active';
CREATE INDEX registry_listing_active_valid_until_idx ON ismap.registry_listing (valid_until)
	WHERE status OPERATOR(pg_catalog.=) 'active';
CREATE INDEX registry_listing_service_idx ON ismap.registry_listing (service_id);
CREATE INDEX registry_listing_csp_idx ON ismap.registry_listing (csp_id);
-- The days a registration is on the published list: from its
-- registration day to its last day of validity, and no longer from the day
-- it ended (an end on or before the registration day makes it empty); the
-- list of a day is the registrations whose days contain it.  The one
-- definition of "on the list that day": the published list, its matrices
-- and changes, the listing's indexes, dependency_dot's status of a day
-- and the analyst cookbook (query 13) all call it.  An SQL function
-- without a SET clause, every name schema-qualified, so that the planner
-- inlines it: a query's call and an index's expression become the same
-- expression, and the index serves the query.
CREATE FUNCTION ismap.listed_days(registered_on pg_catalog.date, valid_until pg_catalog.date, ended_on pg_catalog.date)
RETURNS pg_catalog.daterange
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT pg_catalog.daterange(registered_on,
		GREATEST(registered_on, LEAST(valid_until OPERATOR(pg_catalog.+) 1, ended_on)))
$$;
COMMENT ON FUNCTION ismap.listed_days(pg_catalog.date, pg_catalog.date, pg_catalog.date) IS 'the days a registration is on the published list: [registered_on, the earlier of valid_until + 1 and ended_on); empty when it ended on or before its registration day';

-- the days listed, indexed: the list of a day is an index scan.  It
-- carries the number, service name, level and the three dates as well, so
-- that a day's list of those (the analyst cookbook's query 13) is read
-- from the index alone, not from the wide rows scattered over the listing.
CREATE INDEX registry_listing_listed_idx ON ismap.registry_listing USING gist
	(ismap.listed_days(registered_on, valid_until, ended_on))
	INCLUDE (registration_number, service_name, level, registered_on, valid_until, ended_on);
-- where the days listed begin and end, and the numbers: what changed
-- between two days' lists is found from the rows whose days listed begin
-- or end between them (published_list_changes), not from both lists whole
CREATE INDEX registry_listing_listed_from_idx ON ismap.registry_listing (registered_on);
CREATE INDEX registry_listing_listed_until_idx ON ismap.registry_listing
	((pg_catalog.upper(ismap.listed_days(registered_on, valid_until, ended_on))));
CREATE INDEX registry_listing_number_idx ON ismap.registry_listing (registration_number);
COMMENT ON COLUMN ismap.registry_listing.list_platforms IS 'the platforms as the published list shows them: "name (registration number)", or "self-assessed platform" for one not registered that day, joined with '', '' (NULL: none); each list_ column and program, governing_law, jurisdiction and capital_disclosure hold the published list''s text of the registered content, formatted when the row is written';

-- The listing's rows as the registrations and their registered content
-- make them: the one definition of a listing row (what was registered,
-- the registration's number, level, dates and end, and the published
-- list's text of it), which refresh_registry_listing writes and
-- registry_listing_stale compares with what is stored.  An SQL function
-- without a SET clause, every name schema-qualified, so that the planner
-- inlines it: the writer's condition on the registrations named reaches
-- the registrations' primary key, the comparison reads both tables once.
-- It reads only public rows and runs with the caller's rights.
CREATE FUNCTION ismap.registry_listing_source()
RETURNS SETOF ismap.registry_listing
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	SELECT r.registration_id, r.registration_number, c.service_id, c.service_name, c.csp_id, c.csp_name,
		   c.corporate_number, r.level, c.delivery_models, c.deployment_models, c.scope, r.registered_on,
		   r.valid_until, r.status, r.ended_on, r.end_reason, c.audit_body_id, c.audit_body, r.audit_id,
		   c.program, c.level::pg_catalog.text,
		   pg_catalog.array_to_string(c.delivery_models, ', '), pg_catalog.array_to_string(c.deployment_models, ', '),
		   (SELECT pg_catalog.string_agg(CASE WHEN p OPERATOR(pg_catalog.->>) 'registration_number' IS NOT NULL
					THEN pg_catalog.format('%s (%s)', p OPERATOR(pg_catalog.->>) 'name', p OPERATOR(pg_catalog.->>) 'registration_number')
					ELSE 'self-assessed platform' END, ', ' ORDER BY o)
			FROM pg_catalog.jsonb_array_elements(c.platforms) WITH ORDINALITY AS x(p, o)),
		   pg_catalog.array_to_string(c.regions, ', '), c.governing_law, c.jurisdiction, c.capital_disclosure,
		   (SELECT pg_catalog.string_agg(pg_catalog.concat_ws(' ', t OPERATOR(pg_catalog.->>) 'kind',
					t OPERATOR(pg_catalog.->>) 'performed_on', t OPERATOR(pg_catalog.->>) 'performed_by'), ', ' ORDER BY o)
			FROM pg_catalog.jsonb_array_elements(c.third_party_tests) WITH ORDINALITY AS y(t, o)),
		   pg_catalog.to_char(c.period_start, 'YYYY-MM-DD'), pg_catalog.to_char(c.period_end, 'YYYY-MM-DD'),
		   pg_catalog.concat_ws(' ', c.framework_id, c.framework_version)
	FROM ismap.registration r
	JOIN ismap.registered_content c ON c.registration_id OPERATOR(pg_catalog.=) r.registration_id
$$;
COMMENT ON FUNCTION ismap.registry_listing_source() IS 'the published listing''s rows as the registrations and their registered content make them (what refresh_registry_listing writes and registry_listing_stale compares); one row per registration with content';

-- The listing's rows of the registrations named, or of every registration
-- (NULL), written afresh from the registrations and their registered
-- content (a registration without content gets no row); a named row whose registration
-- is gone (every such row, with NULL) goes.  Returns how many rows it wrote
-- or removed (0: the listing was right).  The insert trigger and the chain
-- job call it; the owner may call it after a data-only restore with
-- --disable-triggers, which switches the triggers off.
CREATE FUNCTION ismap.refresh_registry_listing(p_registration_ids pg_catalog.int8[] DEFAULT NULL)
RETURNS pg_catalog.int8
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	ids pg_catalog.int8[] := p_registration_ids;
	written pg_catalog.int8;
	removed pg_catalog.int8 := 0;
BEGIN
	-- one shape of query, so that a cached plan serves the triggers' calls
	IF ids IS NULL THEN
		ids := ARRAY(SELECT r.registration_id FROM ismap.registration r);
	END IF;
	-- what was registered never changes: nothing to wait for or lock
	INSERT INTO ismap.registry_listing AS l
	SELECT s.* FROM ismap.registry_listing_source() s
	WHERE s.registration_id OPERATOR(pg_catalog.=) ANY (ids)
	ON CONFLICT (registration_id) DO UPDATE SET
		registration_number = EXCLUDED.registration_number, service_id = EXCLUDED.service_id,
		service_name = EXCLUDED.service_name, csp_id = EXCLUDED.csp_id, csp_name = EXCLUDED.csp_name,
		corporate_number = EXCLUDED.corporate_number, level = EXCLUDED.level,
		delivery_models = EXCLUDED.delivery_models, deployment_models = EXCLUDED.deployment_models,
		scope = EXCLUDED.scope, registered_on = EXCLUDED.registered_on, valid_until = EXCLUDED.valid_until,
		status = EXCLUDED.status, ended_on = EXCLUDED.ended_on, end_reason = EXCLUDED.end_reason,
		audit_body_id = EXCLUDED.audit_body_id, audit_body = EXCLUDED.audit_body, audit_id = EXCLUDED.audit_id,
		program = EXCLUDED.program, list_level = EXCLUDED.list_level,
		list_delivery_models = EXCLUDED.list_delivery_models, list_deployment_models = EXCLUDED.list_deployment_models,
		list_platforms = EXCLUDED.list_platforms, list_regions = EXCLUDED.list_regions,
		governing_law = EXCLUDED.governing_law, jurisdiction = EXCLUDED.jurisdiction,
		capital_disclosure = EXCLUDED.capital_disclosure, list_third_party_tests = EXCLUDED.list_third_party_tests,
		list_period_start = EXCLUDED.list_period_start, list_period_end = EXCLUDED.list_period_end,
		list_control_standard = EXCLUDED.list_control_standard
	WHERE l IS DISTINCT FROM EXCLUDED;
	GET DIAGNOSTICS written = ROW_COUNT;
	DELETE FROM ismap.registry_listing l
	WHERE (p_registration_ids IS NULL OR l.registration_id OPERATOR(pg_catalog.=) ANY (p_registration_ids))
	  AND NOT EXISTS (SELECT FROM ismap.registration r
					  WHERE r.registration_id OPERATOR(pg_catalog.=) l.registration_id);
	GET DIAGNOSTICS removed = ROW_COUNT;
	RETURN written OPERATOR(pg_catalog.+) removed;
END
$$;
COMMENT ON FUNCTION ismap.refresh_registry_listing(pg_catalog.int8[]) IS 'writes the published listing''s rows of the registrations named (NULL: all) afresh; returns the rows written or removed';

-- The registrations whose listing row differs from the registration and
-- its registered content in any column (or is missing; a registration
-- without content has no row), and listing rows with no registration: what
-- refresh_registry_listing would write.  Reads only, takes no row locks.
CREATE FUNCTION ismap.registry_listing_stale() RETURNS SETOF pg_catalog.int8
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT d.registration_id FROM (
		SELECT * FROM ismap.registry_listing_source()
		EXCEPT ALL
		SELECT * FROM ismap.registry_listing) d
	UNION
	SELECT l.registration_id FROM ismap.registry_listing l
	WHERE NOT EXISTS (SELECT FROM ismap.registration r
					  WHERE r.registration_id OPERATOR(pg_catalog.=) l.registration_id)
$$;
COMMENT ON FUNCTION ismap.registry_listing_stale() IS 'the registrations whose published listing row is missing, differs from the registration and its registered content, or has no registration (what refresh_registry_listing would write)';

-- How many registrations the listing shows otherwise than their tables say
-- (the rows registry_listing_stale finds); 0 when the listing is right.
-- Everyone may ask: every role reads the listing and the tables it joins.
CREATE FUNCTION ismap.registry_listing_drift() RETURNS pg_catalog.int8
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	SELECT pg_catalog.count(*) FROM ismap.registry_listing_stale()
$$;
COMMENT ON FUNCTION ismap.registry_listing_drift() IS 'how many registrations the published listing shows otherwise than their tables say (0: the listing is right)';

