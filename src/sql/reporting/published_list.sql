-- ==== Published list ====
-------------------------------------------------------------------------------
-- The list as agencies and the public read it (docs/registry.md, "The
-- published list"): the registrations in force on a day, each with its
-- registered content, every column text, in registration number order.
-- A registration is in force from its registration day to its last day of
-- validity, and no longer from the day it ended (expired, delisted,
-- replaced by a renewal); both come from the registration, the content
-- from its frozen snapshot, so any past day is reproduced as it was.
-- Dates are written YYYY-MM-DD whatever the session's DateStyle.
-- Everything read is public: the functions run with the caller's rights.
--
-- The list reads the published listing (ismap.registry_listing), where the
-- text of each registration's content was formatted when its row was
-- written, and finds the registrations in force on the day by the
-- listing's range index.  published_list is one SELECT in SQL without a
-- SET clause, so that the planner inlines it into the caller's query
-- (no function call, no materialized result); every name in it is
-- schema-qualified.  Its arguments are checked by published_list_day,
-- which the index condition calls once per scan.
-------------------------------------------------------------------------------
-- The day of the list, once its arguments are checked: the date, or an
-- error for a NULL date or an unknown program.  STABLE, so that it is
-- called when the list is read, not folded away while planning.  Both
-- functions are PARALLEL RESTRICTED, so that the list is read by one
-- process: a list of some thousand rows is over before parallel workers
-- would have started (and a query whose functions are all PARALLEL SAFE
-- has the quals of an inlined function taken as safe unchecked).
CREATE FUNCTION ismap.published_list_day(as_of pg_catalog.date, program pg_catalog.text)
RETURNS pg_catalog.date
LANGUAGE plpgsql STABLE PARALLEL RESTRICTED
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF as_of IS NULL THEN
		RAISE EXCEPTION 'the date of the list must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF program IS NULL OR program NOT IN ('ISMAP', 'ISMAP-LIU') THEN
		RAISE EXCEPTION 'unknown program "%"', program
			USING ERRCODE = 'invalid_parameter_value', HINT = 'The programs are ISMAP and ISMAP-LIU.';
	END IF;
	RETURN as_of;
END
$$;
COMMENT ON FUNCTION ismap.published_list_day(pg_catalog.date, pg_catalog.text) IS 'the day of a published list once its arguments are checked (22004 for a NULL date, 22023 for an unknown program); used by published_list';

CREATE FUNCTION ismap.published_list(as_of pg_catalog.date DEFAULT CURRENT_DATE, program pg_catalog.text DEFAULT 'ISMAP')
RETURNS TABLE (registration_number pg_catalog.text, service_name pg_catalog.text, csp_name pg_catalog.text,
	corporate_number pg_catalog.text, level pg_catalog.text, delivery_models pg_catalog.text,
	deployment_models pg_catalog.text, scope pg_catalog.text, platforms pg_catalog.text, regions pg_catalog.text,
	governing_law pg_catalog.text, jurisdiction pg_catalog.text, capital_disclosure pg_catalog.text,
	third_party_tests pg_catalog.text, audit_body pg_catalog.text, period_start pg_catalog.text,
	period_end pg_catalog.text, control_standard pg_catalog.text, registered_on pg_catalog.text,
	valid_until pg_catalog.text)
LANGUAGE sql STABLE PARALLEL RESTRICTED
AS $$
	-- the program compared through COALESCE: a NULL one must reach
	-- published_list_day (and its error), not empty the list while planning
	SELECT l.registration_number, l.service_name, l.csp_name, l.corporate_number, l.list_level,
		   l.list_delivery_models, l.list_deployment_models, l.scope, l.list_platforms, l.list_regions,
		   l.governing_law, l.jurisdiction, l.capital_disclosure, l.list_third_party_tests,
		   l.audit_body, l.list_period_start, l.list_period_end, l.list_control_standard,
		   pg_catalog.to_char(l.registered_on, 'YYYY-MM-DD'), pg_catalog.to_char(l.valid_until, 'YYYY-MM-DD')
	FROM ismap.registry_listing l
	WHERE ismap.listed_days(l.registered_on, l.valid_until, l.ended_on)
			OPERATOR(pg_catalog.@>) ismap.published_list_day(published_list.as_of, published_list.program)
	  AND l.program OPERATOR(pg_catalog.=) COALESCE(published_list.program, '')
	ORDER BY l.registration_number COLLATE pg_catalog."C"
$$;
COMMENT ON FUNCTION ismap.published_list(pg_catalog.date, pg_catalog.text) IS 'the published list of a program (ISMAP, ISMAP-LIU) as it stood on a day: the registrations in force with their registered content, text columns, in registration number order';

-- What changed between the lists of two days: a registration number on the
-- second list only (added), on the first only (removed), or on both with
-- other content (changed: the columns that differ, in column order).
--
-- A registration's row on the list does not depend on the day (every
-- column comes from its listing row), so the two lists differ only where a
-- registration is on one of them and not on the other: its days listed
-- begin or end between the two days.  Those rows are found first, by the
-- listing's indexes of the first and the day after the last day listed;
-- their numbers (a renewal keeps its number: its old registration ends
-- and the new one begins between the days) then pick the rows of both
-- lists to compare, through published_list itself.  A day's changes are
-- some dozen rows, found without reading either list whole.
CREATE FUNCTION ismap.published_list_changes(from_date pg_catalog.date, to_date pg_catalog.date, program pg_catalog.text DEFAULT 'ISMAP')
RETURNS TABLE (change pg_catalog.text, registration_number pg_catalog.text, service_name pg_catalog.text,
	changed_columns pg_catalog.text)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
-- the rows of two lists over a long interval, sorted and hashed in memory
SET work_mem = '64MB'
AS $$
DECLARE
	numbers pg_catalog.text[];
BEGIN
	IF from_date IS NULL OR to_date IS NULL THEN
		RAISE EXCEPTION 'the dates of the lists must not be null' USING ERRCODE = 'null_value_not_allowed';
	END IF;
	IF from_date > to_date THEN
		RAISE EXCEPTION 'from_date % is after to_date %', pg_catalog.to_char(from_date, 'YYYY-MM-DD'),
			pg_catalog.to_char(to_date, 'YYYY-MM-DD') USING ERRCODE = 'invalid_parameter_value';
	END IF;
	-- the program checked as the list checks it (22023), also when no row differs
	PERFORM ismap.published_list_day(to_date, program);
	-- one day's list is one list (both would be read in the one snapshot)
	IF from_date = to_date THEN
		RETURN;
	END IF;
	-- the numbers of the registrations whose days listed begin or end
	-- between the two days: every one on exactly one of the lists among
	-- them (which of them is on which list, published_list says below;
	-- a number on both with the same row is no change)
	SELECT pg_catalog.array_agg(DISTINCT l.registration_number) INTO numbers
	FROM ismap.registry_listing l
	WHERE l.program = published_list_changes.program
	  AND (l.registered_on > from_date AND l.registered_on <= to_date
		   OR upper(ismap.listed_days(l.registered_on, l.valid_until, l.ended_on)) > from_date
			  AND upper(ismap.listed_days(l.registered_on, l.valid_until, l.ended_on)) <= to_date);
	IF numbers IS NULL THEN
		RETURN;
	END IF;
	-- their rows on both lists, compared as rows (column by column); only a
	-- changed one is taken apart, to name the columns that differ
	RETURN QUERY
	WITH a AS (SELECT l.registration_number AS k, l FROM ismap.published_list(from_date, program) l
			   WHERE l.registration_number = ANY (numbers)),
		 b AS (SELECT l.registration_number AS k, l FROM ismap.published_list(to_date, program) l
			   WHERE l.registration_number = ANY (numbers))
	SELECT CASE WHEN a.k IS NULL THEN 'added' WHEN b.k IS NULL THEN 'removed' ELSE 'changed' END,
		   COALESCE(b.k, a.k),
		   COALESCE((b.l).service_name, (a.l).service_name),
		   CASE WHEN a.k IS NOT NULL AND b.k IS NOT NULL THEN
			   (SELECT pg_catalog.string_agg(lb.column_name, ', ' ORDER BY lb.ord)
				FROM ismap.published_list_labels('en') WITH ORDINALITY AS lb(column_name, label, ord)
				WHERE pg_catalog.to_jsonb(a.l)->lb.column_name IS DISTINCT FROM pg_catalog.to_jsonb(b.l)->lb.column_name) END
	FROM a FULL JOIN b ON a.k = b.k
	WHERE a.k IS NULL OR b.k IS NULL OR a.l IS DISTINCT FROM b.l
	ORDER BY COALESCE(b.k, a.k) COLLATE "C", 1;
END
$$;
COMMENT ON FUNCTION ismap.published_list_changes(pg_catalog.date, pg_catalog.date, pg_catalog.text) IS 'what changed in a program''s published list between two days: added, removed or changed registrations (with the columns that changed)';

-- The columns of the list with their Japanese and English labels, in order.
-- ROWS 20, what it returns: with the default of 1000, published_list_changes
-- (which reads it for every changed row) looked costly enough to be
-- JIT-compiled, a tenth of a second spent on every call.
CREATE FUNCTION ismap.published_list_labels(lang pg_catalog.text)
RETURNS TABLE (column_name pg_catalog.text, label pg_catalog.text)
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE ROWS 20
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	IF lang IS NULL OR lang NOT IN ('ja', 'en') THEN
		RAISE EXCEPTION 'unknown language "%"', lang
			USING ERRCODE = 'invalid_parameter_value', HINT = 'The labels are in ja and en.';
	END IF;
	RETURN QUERY SELECT v.column_name, CASE lang WHEN 'ja' THEN v.ja ELSE v.en END FROM (VALUES
		(1, 'registration_number', '登録番号', 'Registration number'),
		(2, 'service_name', 'クラウドサービスの名称', 'Cloud service'),
		(3, 'csp_name', '事業者名', 'Provider'),
		(4, 'corporate_number', '法人番号', 'Corporate number'),
		(5, 'level', '登録レベル', 'Level'),
		(6, 'delivery_models', 'サービス形態', 'Delivery models'),
		(7, 'deployment_models', '配備モデル', 'Deployment models'),
		(8, 'scope', '対象範囲', 'Scope'),
		(9, 'platforms', '利用する基盤サービス', 'Platforms'),
		(10, 'regions', 'データ保管地域', 'Data regions'),
		(11, 'governing_law', '準拠法', 'Governing law'),
		(12, 'jurisdiction', '管轄裁判所', 'Court of jurisdiction'),
		(13, 'capital_disclosure', '資本関係・役員等', 'Capital relationships and officers'),
		(14, 'third_party_tests', '第三者による検査', 'Third-party tests'),
		(15, 'audit_body', '監査機関', 'Audit body'),
		(16, 'period_start', '監査対象期間（開始）', 'Audited period from'),
		(17, 'period_end', '監査対象期間（終了）', 'Audited period to'),
		(18, 'control_standard', '管理基準', 'Control standard'),
		(19, 'registered_on', '登録日', 'Registered on'),
		(20, 'valid_until', '有効期限', 'Valid until')) v(ord, column_name, ja, en)
	ORDER BY v.ord;
END
$$;
COMMENT ON FUNCTION ismap.published_list_labels(pg_catalog.text) IS 'the column names of ismap.published_list with their labels in Japanese (ja) or English (en), in column order';

-- The customer responsibility matrix of each registration on the list of
-- a day (seed 3.3.1(2), 3.3.4④): per selected control of its registered
-- statement, who does it (provider, customer, shared, inherited) and, for
-- an inherited one, the platform service and its registration number, as
-- registered_content froze them; in registration number, then control
-- order.  The same registrations as published_list of the day (both
-- find them by ismap.listed_days in the published listing and its GiST
-- index; sql/published_list.sql compares them), the matrix from
-- registered_content by key.  ismap-jobs publish writes one
-- crm/<registration_number>.csv per registration.
CREATE FUNCTION ismap.published_crm(as_of pg_catalog.date DEFAULT CURRENT_DATE, program pg_catalog.text DEFAULT 'ISMAP')
RETURNS TABLE (registration_number pg_catalog.text, control_id pg_catalog.text, responsibility pg_catalog.text,
	platform pg_catalog.text, platform_registration_number pg_catalog.text)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
	-- the arguments checked as the list checks them (22004, 22023)
	PERFORM ismap.published_list_day(as_of, program);
	RETURN QUERY
	SELECT l.registration_number, m->>'control_id', m->>'responsibility', m->>'platform',
		   m->>'platform_registration_number'
	FROM ismap.registry_listing l
	JOIN ismap.registered_content c ON c.registration_id = l.registration_id
	CROSS JOIN LATERAL pg_catalog.jsonb_array_elements(c.responsibility_matrix) WITH ORDINALITY AS x(m, o)
	WHERE ismap.listed_days(l.registered_on, l.valid_until, l.ended_on) @> published_crm.as_of
	  AND l.program = published_crm.program
	ORDER BY l.registration_number COLLATE "C", x.o;
END
$$;
COMMENT ON FUNCTION ismap.published_crm(pg_catalog.date, pg_catalog.text) IS 'the customer responsibility matrix of each registration on a program''s published list of a day: registration number, control, responsibility (provider, customer, shared, inherited), the platform and its registration number for an inherited control; in number, then control order';

-- The same matrices as the files ismap-jobs publish writes: per
-- registration on the list of the day, in registration number order, its
-- crm/<registration_number>.csv below the header (registered_content's
-- crm_csv, formatted when the content was frozen).  One row per listed
-- registration (an empty text for an empty matrix), so that the job reads
-- some thousand texts instead of a row per control.  The registrations of
-- the day as published_crm finds them (ismap.listed_days;
-- sql/published_list.sql compares the three functions every day).
CREATE FUNCTION ismap.published_crm_csv(as_of pg_catalog.date DEFAULT CURRENT_DATE, program pg_catalog.text DEFAULT 'ISMAP')
RETURNS TABLE (registration_number pg_catalog.text, csv pg_catalog.text)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
-- one process, no JIT: some thousand rows by key are over before either
-- pays off; the texts (megabytes) are returned from memory
SET max_parallel_workers_per_gather = 0
SET jit = off
SET work_mem = '64MB'
AS $$
BEGIN
	PERFORM ismap.published_list_day(as_of, program);
	-- the listing's narrow rows sorted first, then each one's text by key
	-- in that order (OFFSET 0: a lookup per row, not a join of the whole
	-- registered_content and a sort of the texts)
	RETURN QUERY
	SELECT l.registration_number, c.crm_csv
	FROM (SELECT l.registration_id, l.registration_number
		  FROM ismap.registry_listing l
		  WHERE ismap.listed_days(l.registered_on, l.valid_until, l.ended_on) @> published_crm_csv.as_of
			AND l.program = published_crm_csv.program
		  ORDER BY l.registration_number COLLATE "C") l
	CROSS JOIN LATERAL (SELECT c.crm_csv FROM ismap.registered_content c
						WHERE c.registration_id = l.registration_id OFFSET 0) c
	ORDER BY l.registration_number COLLATE "C";
END
$$;
COMMENT ON FUNCTION ismap.published_crm_csv(pg_catalog.date, pg_catalog.text) IS 'the customer responsibility matrix of each registration on a program''s published list of a day as the lines of its crm/<registration_number>.csv (what ismap-jobs publish writes below the header), in number order';
