-- ==== Registered content ====
-------------------------------------------------------------------------------
-- What was registered (docs/registry.md, "Registered content"): one row per
-- registration, written by a trigger in the transaction that inserts the
-- registration, and never changed afterwards.  The live rows (the service's
-- name and models, its provider, its platforms, its disclosure) go on
-- changing; the list of a past date shows what was registered then.  A
-- renewal is a new registration and so a new row.
--
-- The trigger is an ordinary one (not ENABLE ALWAYS): a restore and a
-- logical replica replay the rows of this table themselves under
-- session_replication_role = replica, where it does not fire.  Nobody
-- updates, deletes or truncates a row, the owner included: the registry's
-- only maintenance of the table is the back-fill of the upgrade to 0.3.0,
-- an INSERT.
-------------------------------------------------------------------------------
CREATE TABLE ismap.registered_content (
	registration_id		pg_catalog.int8 PRIMARY KEY REFERENCES ismap.registration,
	registration_number	pg_catalog.text NOT NULL,
	program				pg_catalog.text NOT NULL DEFAULT 'ISMAP'
		CONSTRAINT registered_content_program CHECK (program OPERATOR(pg_catalog.=) ANY (ARRAY['ISMAP', 'ISMAP-LIU']::pg_catalog.text[])),
	service_id			pg_catalog.int8 NOT NULL,
	service_name		pg_catalog.text NOT NULL,
	csp_id				pg_catalog.int8 NOT NULL,
	csp_name			pg_catalog.text NOT NULL,
	corporate_number	pg_catalog.text NOT NULL,
	level				ismap.level NOT NULL,
	scope				pg_catalog.text NOT NULL,
	delivery_models		ismap.delivery_model[] NOT NULL,
	deployment_models	ismap.deployment_model[] NOT NULL,
	responsibility		pg_catalog.jsonb NOT NULL,
	platforms			pg_catalog.jsonb NOT NULL,
	regions				pg_catalog.text[],
	governing_law		pg_catalog.text,
	jurisdiction		pg_catalog.text,
	capital_disclosure	pg_catalog.text,
	third_party_tests	pg_catalog.jsonb,
	audit_id			pg_catalog.int8 NOT NULL,
	audit_body_id		pg_catalog.int8 NOT NULL,
	audit_body			pg_catalog.text NOT NULL,
	period_start		pg_catalog.date NOT NULL,
	period_end			pg_catalog.date NOT NULL,
	framework_id		pg_catalog.text NOT NULL,
	framework_version	pg_catalog.text,
	responsibility_matrix pg_catalog.jsonb NOT NULL,
	registered_on		pg_catalog.date NOT NULL,
	recorded_at			pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
	backfilled			pg_catalog.bool NOT NULL DEFAULT false,
	crm_csv				pg_catalog.text NOT NULL
);
COMMENT ON TABLE ismap.registered_content IS 'what was registered: one row per registration, frozen when the registration is inserted (never updated); public';
COMMENT ON COLUMN ismap.registered_content.program IS 'ISMAP, or ISMAP-LIU (ISMAP for Low-Impact Use)';
COMMENT ON COLUMN ismap.registered_content.responsibility IS 'the service''s responsibility split per delivery model (service.responsibility) when registered';
COMMENT ON COLUMN ismap.registered_content.platforms IS 'the platforms the service ran on: [{"service_id", "name", "registration_number", "self_assessed"}]; name and number only of a platform registered that day';
COMMENT ON COLUMN ismap.registered_content.third_party_tests IS 'the disclosure''s third-party tests (see ismap.service_disclosure)';
COMMENT ON COLUMN ismap.registered_content.responsibility_matrix IS 'the customer responsibility matrix: one object per selected control of the statement, {"control_id", "responsibility", "inherited_from", "platform", "platform_registration_number"}, in control order';
COMMENT ON COLUMN ismap.registered_content.recorded_at IS 'when the row was written';
COMMENT ON COLUMN ismap.registered_content.backfilled IS 'written by the upgrade to 0.3.0 from the rows as they were then, not at the registration';
COMMENT ON COLUMN ismap.registered_content.crm_csv IS 'the responsibility matrix as the lines of its published file crm/<registration_number>.csv (number, control, responsibility, platform, platform''s number; CSV, CRLF-ended), written with the row (empty when the matrix is)';
CREATE INDEX registered_content_number_idx ON ismap.registered_content (registration_number);
SELECT pg_catalog.pg_extension_config_dump('ismap.registered_content', '');

-- A field of a published CSV line: quoted when it holds a comma, a quote
-- or a line break (RFC 4180, each quote doubled); a field that starts with
-- =, +, - or @ is quoted with an apostrophe before it, so that a
-- spreadsheet keeps it as text; NULL is an empty field.  ismap-jobs
-- publish writes its other CSV files by the same rule (jobs/publish.c,
-- csv_field), and its test reads the crm files back against published_crm.
CREATE FUNCTION ismap_internal.csv_field(s pg_catalog.text) RETURNS pg_catalog.text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT CASE
		WHEN s IS NULL THEN ''
		WHEN pg_catalog.left(s, 1) OPERATOR(pg_catalog.=) ANY (ARRAY['=', '+', '-', '@'])
			THEN '"''' OPERATOR(pg_catalog.||) pg_catalog.replace(s, '"', '""') OPERATOR(pg_catalog.||) '"'
		WHEN s OPERATOR(pg_catalog.~) '[,"\r\n]'
			THEN '"' OPERATOR(pg_catalog.||) pg_catalog.replace(s, '"', '""') OPERATOR(pg_catalog.||) '"'
		ELSE s
	END
$$;
COMMENT ON FUNCTION ismap_internal.csv_field(pg_catalog.text) IS 'a field of a published CSV line (RFC 4180; a leading =, +, - or @ kept as text by an apostrophe; NULL empty)';

-- The lines of a registration's crm/<registration_number>.csv below its
-- header: one per element of its matrix, in the matrix's order, each
-- ended by CRLF.
CREATE FUNCTION ismap_internal.crm_csv(registration_number pg_catalog.text, matrix pg_catalog.jsonb) RETURNS pg_catalog.text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	-- PL/pgSQL keeps the query's plan for the session: a registration at a
	-- time does not plan it again (an SQL function with a FROM is not inlined)
	RETURN (SELECT COALESCE(pg_catalog.string_agg(pg_catalog.concat_ws(',',
				ismap_internal.csv_field(crm_csv.registration_number),
				ismap_internal.csv_field(x.m OPERATOR(pg_catalog.->>) 'control_id'),
				ismap_internal.csv_field(x.m OPERATOR(pg_catalog.->>) 'responsibility'),
				ismap_internal.csv_field(x.m OPERATOR(pg_catalog.->>) 'platform'),
				ismap_internal.csv_field(x.m OPERATOR(pg_catalog.->>) 'platform_registration_number'))
			OPERATOR(pg_catalog.||) E'\r\n', '' ORDER BY x.o), '')
		FROM pg_catalog.jsonb_array_elements(crm_csv.matrix) WITH ORDINALITY AS x(m, o));
END
$$;
COMMENT ON FUNCTION ismap_internal.crm_csv(pg_catalog.text, pg_catalog.jsonb) IS 'a responsibility matrix as the lines of its published crm/<registration_number>.csv, each ended by CRLF (empty for an empty matrix)';

-- The registered content of the registrations named, from the rows as
-- they are now: one set-based query, so that a bulk load of registrations
-- (one statement) writes its snapshots in one go.  Platforms and inherited
-- controls name the platform's registration in force on the registration
-- day (a platform not registered that day is named by id only: its name
-- is not public).  Every lookup per registration goes by key (a platform's
-- name only where it is named): a bulk load writes its snapshots in the
-- statement that inserts the registrations, before any ANALYZE has seen
-- them, and a join there was planned as a hash of every service, built
-- again for each registration (11 of the 17 minutes of bench/jobs' load
-- of a 100,000-service forest).
CREATE FUNCTION ismap_internal.registered_content_of(p_registration_ids pg_catalog.int8[])
RETURNS SETOF ismap.registered_content
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
	-- the row as registered, then its matrix as the lines of its crm file
	-- (OFFSET 0: the matrix built once, not again for the text)
	SELECT r.*, ismap_internal.crm_csv(r.number, r.matrix) FROM (
		SELECT reg.registration_id, reg.registration_number AS number, reg.program, s.service_id, s.name, c.csp_id, c.name,
			   c.corporate_number, reg.level, s.scope, s.delivery_models, s.deployment_models, s.responsibility,
			   COALESCE((SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
						'service_id', d.base_service_id,
						'name', CASE WHEN pn.number IS NOT NULL
							THEN (SELECT bs.name FROM ismap.service bs WHERE bs.service_id = d.base_service_id) END,
						'registration_number', pn.number,
						'self_assessed', d.self_assessed_audit_id IS NOT NULL) ORDER BY d.base_service_id)
					FROM ismap.service_dependency d
					LEFT JOIN LATERAL (
						SELECT br.registration_number AS number FROM ismap.registration br
						WHERE br.service_id = d.base_service_id AND br.registered_on <= reg.registered_on
						  AND (br.ended_on IS NULL OR br.ended_on > reg.registered_on)
						ORDER BY br.registered_on DESC, br.registration_id DESC LIMIT 1) pn ON true
					WHERE d.service_id = reg.service_id), '[]'),
			   d.regions, d.governing_law, d.jurisdiction, d.capital_disclosure, d.third_party_tests,
			   a.audit_id, b.audit_body_id, b.name, a.period_start, a.period_end, a.framework_id, f.version,
			   COALESCE((SELECT pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
						'control_id', si.control_id::pg_catalog.text,
						'responsibility', si.responsibility,
						'inherited_from', si.inherited_from,
						'platform', CASE WHEN pn.number IS NOT NULL
							THEN (SELECT ps.name FROM ismap.service ps WHERE ps.service_id = si.inherited_from) END,
						'platform_registration_number', pn.number) ORDER BY si.control_id USING OPERATOR(ismap.<))
					FROM ismap.statement_item si
					LEFT JOIN LATERAL (
						SELECT pr.registration_number AS number FROM ismap.registration pr
						WHERE pr.service_id = si.inherited_from AND pr.registered_on <= reg.registered_on
						  AND (pr.ended_on IS NULL OR pr.ended_on > reg.registered_on)
						ORDER BY pr.registered_on DESC, pr.registration_id DESC LIMIT 1) pn ON true
					WHERE si.audit_id = reg.audit_id AND si.selected), '[]') AS matrix,
			   reg.registered_on, pg_catalog.now(), false
		FROM ismap.registration reg
		JOIN ismap.service s ON s.service_id = reg.service_id
		JOIN ismap.csp c ON c.csp_id = s.csp_id
		JOIN ismap.audit a ON a.audit_id = reg.audit_id
		JOIN ismap.audit_body b ON b.audit_body_id = a.audit_body_id
		JOIN ismap.framework f ON f.framework_id = a.framework_id
		LEFT JOIN ismap.service_disclosure d ON d.service_id = reg.service_id
		WHERE reg.registration_id = ANY (p_registration_ids)
		OFFSET 0) r
$$;
COMMENT ON FUNCTION ismap_internal.registered_content_of(pg_catalog.int8[]) IS 'the registered content of the registrations named, from the live rows (what the registration trigger and the 0.3.0 back-fill write)';

-- The owner's rights: the registrar's decision freezes what its provider
-- disclosed and stated, which the registrar's own role may not read
-- through every policy (statement_item forces row-level security).  A
-- statement trigger with the inserted rows: one query per statement.
CREATE FUNCTION ismap_internal.registered_content_trigger() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	INSERT INTO ismap.registered_content
	SELECT * FROM ismap_internal.registered_content_of(ARRAY(SELECT n.registration_id FROM new_registrations n));
	RETURN NULL;
END
$$;
COMMENT ON FUNCTION ismap_internal.registered_content_trigger() IS 'trigger: writes the registered content of the registrations a statement inserted, in the same transaction';

CREATE TRIGGER registration_registered_content AFTER INSERT ON ismap.registration
	REFERENCING NEW TABLE AS new_registrations
	FOR EACH STATEMENT EXECUTE FUNCTION ismap_internal.registered_content_trigger();

CREATE FUNCTION ismap_internal.registered_content_frozen() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	RAISE EXCEPTION 'registered content is never changed'
		USING ERRCODE = 'insufficient_privilege',
			  DETAIL = 'The row records what was registered on the registration day.',
			  HINT = 'A renewal registers the service anew, with a new row.';
END
$$;
COMMENT ON FUNCTION ismap_internal.registered_content_frozen() IS 'trigger: refuses UPDATE, DELETE and TRUNCATE of registered content';

CREATE TRIGGER registered_content_frozen BEFORE UPDATE OR DELETE ON ismap.registered_content
	FOR EACH ROW EXECUTE FUNCTION ismap_internal.registered_content_frozen();
CREATE TRIGGER registered_content_no_truncate BEFORE TRUNCATE ON ismap.registered_content
	FOR EACH STATEMENT EXECUTE FUNCTION ismap_internal.registered_content_frozen();
ALTER TABLE ismap.registered_content ENABLE ALWAYS TRIGGER registered_content_frozen;
ALTER TABLE ismap.registered_content ENABLE ALWAYS TRIGGER registered_content_no_truncate;
